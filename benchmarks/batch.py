"""Batch benchmark: ``unspin batch`` on the local engine and on Ray, 1 and 2 workers.

Usage (from the repository root)::

    scripts/with-postgres.sh .venv/bin/python benchmarks/batch.py \\
        --articles ../shared/data/ptc/train/train-articles --docs 1500 --load-docs 20000

Documents are ``--sentences`` random PTC sentences each (as in ``ingest_corpus.py``), in one
JSONL file. In one sitting it measures:

1. the driver's own CPU time per document: reading the input into shards, and writing the
   Parquet shards (both tables) of finished analyses; this caps one driver's throughput;
2. ``run_batch`` with the local engine (a process pool) and with the Ray engine (actors on a
   local Ray started once beforehand and timed on its own), each with 1 and 2 workers, on the
   same documents, ``--repeat`` times interleaved (best of each kept): wall time (worker start
   included), the steady rate (documents per second between the first and the last finished
   shard), and documents per CPU-second of the whole process tree (driver, workers and Ray's
   own daemons; Linux ``/proc``), a figure a busy machine hardly moves;
3. the size of the Parquet output per 1,000 documents;
4. with ``--load-docs N``, the bulk load (``unspin ingest OUTDIR``) of N analyses with seeded
   random spans (no model run, so the figure is the store's own) into SQLite and, with
   ``--postgres URL`` or ``$UNSPIN_TEST_POSTGRES_URL``, PostgreSQL: rows stored (texts,
   documents, analyses, spans) per second, and the time of a second load (nothing new).

Prints markdown tables to paste into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ingest_corpus import SyntheticAnalyzer, make_documents, reset

from unspin.batch import Engine, LocalEngine, run_batch
from unspin.batch.engines import Finished
from unspin.batch.manifest import ANALYSES_DIR, SPANS_DIR, Manifest, ShardEntry
from unspin.batch.table import write_shard
from unspin.batch.work import Shard, iter_shards
from unspin.cli.batch import load_batches
from unspin.schema import ModelInfo
from unspin.storage.db import open_engine

SHARD_SIZE = 50


def driver_cost(inputs: Path, work: Path) -> dict[str, float]:
    """The driver's CPU milliseconds per document: reading ``inputs`` into shards, and writing
    them as Parquet shards once analysed (seeded random spans stand in for the model's)."""
    started = time.process_time()
    shards = list(iter_shards([inputs], SHARD_SIZE, set()))
    docs = sum(len(shard.documents) for shard in shards)
    read_ms = 1000 * (time.process_time() - started) / docs
    analyzer = SyntheticAnalyzer()
    rows = [
        list(zip(s.positions, analyzer.analyze_batch(s.documents), strict=True)) for s in shards
    ]
    started = time.process_time()
    for shard, shard_rows in zip(shards, rows, strict=True):
        write_shard(work / "driver-cost", shard.index, shard_rows)
    write_ms = 1000 * (time.process_time() - started) / docs
    shutil.rmtree(work / "driver-cost")
    return {"read_ms": read_ms, "write_ms": write_ms}


def tree_cpu() -> dict[tuple[int, int], float]:
    """CPU seconds (user + system) of this process and each live descendant, by (pid, start
    time) (Linux ``/proc``). A local Ray's daemons (GCS, raylet) and its workers descend from the
    driver that started it, so Ray's own overhead is counted too.
    """
    parents: dict[int, int] = {}
    times: dict[int, tuple[int, float]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        times[pid] = (int(fields[19]), int(fields[11]) + int(fields[12]))  # starttime, utime+stime
    tree = {os.getpid()}
    grew = True
    while grew:
        found = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= found
        grew = bool(found)
    ticks = os.sysconf("SC_CLK_TCK")
    return {(pid, times[pid][0]): times[pid][1] / ticks for pid in tree if pid in times}


class CpuMeasured:
    """An engine that notes the CPU time its run took in the whole process tree: the growth of
    each process's time between start and close (processes that ended meanwhile are missed)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.model, self.threshold = engine.model, engine.threshold
        self.cpu_s = 0.0
        self._before: dict[tuple[int, int], float] = {}

    @property
    def workers(self) -> int:
        return self.engine.workers

    def start(self) -> ModelInfo:
        self._before = tree_cpu()
        return self.engine.start()

    def run(self, shards: Iterator[Shard]) -> Iterator[Finished]:
        return self.engine.run(shards)

    def close(self) -> None:
        after = tree_cpu()  # before the workers go, taking their times along
        self.cpu_s = sum(cpu - self._before.get(key, 0.0) for key, cpu in after.items())
        self.engine.close()


def timed_run(inputs: Path, outdir: Path, engine: Engine) -> dict[str, float]:
    finished: list[tuple[float, int]] = []
    measured = CpuMeasured(engine)
    started = time.perf_counter()
    summary = run_batch(
        [inputs],
        outdir,
        measured,
        shard_size=SHARD_SIZE,
        on_progress=lambda n: finished.append((time.perf_counter(), n)),
    )
    wall = time.perf_counter() - started
    steady_docs = sum(n for _, n in finished[1:])
    steady_s = finished[-1][0] - finished[0][0]
    return {
        "docs": summary.documents,
        "wall_s": wall,
        "docs_s": summary.documents / wall,
        "steady_docs_s": steady_docs / steady_s if steady_s > 0 else 0.0,
        "docs_cpu_s": summary.documents / measured.cpu_s,
    }


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*.parquet"))


def write_synthetic_output(articles: Path, docs: int, folder: Path) -> None:
    """A batch output folder of ``docs`` analyses with seeded random spans (no model run)."""
    source = folder.parent / "synthetic.jsonl"
    make_documents(articles, docs, 3, seed=11, out=source)
    analyzer = SyntheticAnalyzer()
    manifest = Manifest(analyzer.info, None, 1000, [])
    for shard in iter_shards([source], 1000, set()):
        analyses = analyzer.analyze_batch(shard.documents)
        write_shard(folder, shard.index, list(zip(shard.positions, analyses, strict=True)))
        spans = sum(len(a.spans) for a in analyses)
        manifest.shards[shard.index] = ShardEntry(shard.records, len(analyses), spans)
    manifest.complete = True
    manifest.save(folder)


def bulk_load(folder: Path, urls: dict[str, str]) -> None:
    """Load ``folder`` into each database (emptied first): rows/s, and a second load's time."""
    print("\n| database | analyses | rows stored | load (s) | analyses/s | rows/s | again (s) |")
    print("|---|---|---|---|---|---|---|")
    for name, url in urls.items():
        reset(url)
        database = open_engine(url)
        started = time.perf_counter()
        summary = load_batches([folder], database)
        seconds = time.perf_counter() - started
        stored = summary.stored
        rows = stored.texts + stored.documents + stored.analyses + stored.spans
        started = time.perf_counter()
        again = load_batches([folder], database)
        again_s = time.perf_counter() - started
        assert again.stored.documents == 0 and again.stored.analyses == 0
        database.dispose()
        print(
            f"| {name} | {summary.rows:,} | {rows:,} | {seconds:.1f} | "
            f"{summary.rows / seconds:,.0f} | {rows / seconds:,.0f} | {again_s:.1f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=Path, required=True)
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--sentences", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=2, help="Runs of each setting (best).")
    parser.add_argument("--no-ray", action="store_true", help="Only the local engine.")
    parser.add_argument(
        "--load-docs", type=int, default=0, help="Bulk-load this many synthetic analyses."
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("UNSPIN_TEST_POSTGRES_URL"),
        help="PostgreSQL URL for the bulk load (default: $UNSPIN_TEST_POSTGRES_URL).",
    )
    parser.add_argument("--skip-engines", action="store_true", help="Only the bulk load.")
    args = parser.parse_args()
    if args.load_docs:
        work = Path(tempfile.mkdtemp(prefix="unspin-load-bench-"))
        write_synthetic_output(args.articles, args.load_docs, work / "out")
        urls = {"SQLite": f"sqlite:///{work / 'bench.db'}"}
        if args.postgres:
            urls["PostgreSQL"] = args.postgres
        bulk_load(work / "out", urls)
        shutil.rmtree(work)
    if args.skip_engines:
        work = Path(tempfile.mkdtemp(prefix="unspin-driver-bench-"))
        make_documents(args.articles, args.docs, args.sentences, seed=7, out=work / "docs.jsonl")
        cost = driver_cost(work / "docs.jsonl", work)
        print(
            f"driver CPU per document: read {cost['read_ms']:.3f} ms, write "
            f"{cost['write_ms']:.3f} ms"
        )
        shutil.rmtree(work)
        return

    work = Path(tempfile.mkdtemp(prefix="unspin-batch-bench-"))
    inputs = work / "docs.jsonl"
    make_documents(args.articles, args.docs, args.sentences, seed=7, out=inputs)
    load_before = os.getloadavg()[0]
    engines: dict[str, Callable[[int], Engine]] = {"local": lambda n: LocalEngine(workers=n)}
    ray_start_s = None
    if not args.no_ray:
        import ray

        from unspin.batch.ray_engine import LOCAL_OBJECT_STORE_BYTES, RayEngine

        started = time.perf_counter()
        ray.init(
            num_cpus=os.cpu_count(),
            include_dashboard=False,
            object_store_memory=LOCAL_OBJECT_STORE_BYTES,
            log_to_driver=False,
        )
        ray_start_s = time.perf_counter() - started
        engines["ray"] = lambda n: RayEngine(actors=n)
    results: dict[str, dict[str, float]] = {}
    for attempt in range(args.repeat):  # interleaved, so a busy spell hits every setting alike
        for workers in (1, 2):
            for name, make in engines.items():
                outdir = work / f"{name}-{workers}-{attempt}"
                row = timed_run(inputs, outdir, make(workers))
                key = f"{name} {workers}"
                best = results.setdefault(key, row)
                for field in ("wall_s",):
                    best[field] = min(best[field], row[field])
                for field in ("docs_s", "steady_docs_s", "docs_cpu_s"):
                    best[field] = max(best[field], row[field])
                if attempt or workers == 1 or name != "local":
                    shutil.rmtree(outdir)
    if not args.no_ray:
        ray.shutdown()
    report(results, ray_start_s, work / "local-2-0", args)
    print(f"load average (1 min) before: {load_before:.1f}, after: {os.getloadavg()[0]:.1f}")
    shutil.rmtree(work)


def report(
    results: dict[str, dict[str, float]], ray_start_s: float | None, outdir: Path, args: Any
) -> None:
    docs = int(results["local 2"]["docs"])
    cost = driver_cost(outdir.parent / "docs.jsonl", outdir.parent)
    print(f"{docs} documents of {args.sentences} PTC sentences, shards of {SHARD_SIZE}\n")
    print("| engine | workers | wall (s) | docs/s (wall) | docs/s (steady) | docs per CPU-s |")
    print("|---|---|---|---|---|---|")
    for name, row in results.items():
        engine, workers = name.split()
        print(
            f"| {engine} | {workers} | {row['wall_s']:.1f} | {row['docs_s']:.1f} | "
            f"{row['steady_docs_s']:.1f} | {row['docs_cpu_s']:.1f} |"
        )
    for engine in ("local", "ray"):
        if f"{engine} 2" in results:
            one, two = results[f"{engine} 1"], results[f"{engine} 2"]
            efficiency = two["steady_docs_s"] / (2 * one["steady_docs_s"])
            print(f"\n{engine}: scaling efficiency 1 → 2 workers (steady): {efficiency:.0%}")
    if "ray 2" in results:
        for workers in (1, 2):
            local, on_ray = results[f"local {workers}"], results[f"ray {workers}"]
            wall = on_ray["wall_s"] / local["wall_s"] - 1
            steady = on_ray["steady_docs_s"] / local["steady_docs_s"] - 1
            cpu = local["docs_cpu_s"] / on_ray["docs_cpu_s"] - 1
            print(
                f"ray vs local, {workers} worker(s): wall time {wall:+.1%}, "
                f"steady rate {steady:+.1%}, CPU time per document {cpu:+.1%}"
            )
        print(f"starting the local Ray: {ray_start_s:.1f} s (not in the wall times)")
    analyses = folder_bytes(outdir / ANALYSES_DIR)
    spans = folder_bytes(outdir / SPANS_DIR)
    input_bytes = (outdir.parent / "docs.jsonl").stat().st_size
    print(
        f"\nParquet per 1,000 documents: analyses {analyses / docs:.2f} kB, spans "
        f"{spans / docs:.2f} kB (input JSONL: {input_bytes / docs:.2f} kB)"
    )
    print(
        f"driver CPU per document: read {cost['read_ms']:.3f} ms, write {cost['write_ms']:.3f} "
        f"ms → one driver core keeps up with ≈ "
        f"{1000 / (cost['read_ms'] + cost['write_ms']):,.0f} docs/s"
    )


if __name__ == "__main__":
    main()
