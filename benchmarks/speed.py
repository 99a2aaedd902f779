"""End-to-end speed against the raw forward pass, in one sitting (issue 18).

Usage (from the repository root, after ``make install-dev``)::

    .venv/bin/python benchmarks/speed.py --articles ../shared/data/ptc/train/train-articles

Prints, on the same articles and in this order, each in a fresh process:

1. the raw onnxruntime forward pass of the 1.2.0 ``model.onnx`` as shipped at commit 66846ca
   (read from git history), over non-overlapping 256-token windows, one default session;
2. the same for the ``model.onnx`` of the current model folder (``--model``);
3. ``unspin semeval si ARTICLES`` end to end, model load included, and its peak memory;

then each rate as a share of the 1.2.0 raw rate, and the CPU's instruction-set flags.

``--variant LABEL=FILE`` (repeatable) adds, for another ``model.onnx`` (a fused or otherwise
re-quantised one, made by ``scripts/fuse_model.py``), a raw row and an end-to-end row (the
model folder with its ``model.onnx`` replaced). ``--rounds N`` measures every row N times,
the rows in turn (A B C A B C ...), so that load drifting during the sitting hits each alike;
the best round counts, and each row's share of the 1.2.0 raw rate is also given round by round
(its time against the 1.2.0 raw time of the same round), as the median of the rounds: on a
shared machine one lucky round of a single row skews a ratio of best rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHIPPED_1_2_0 = "66846ca"
SHIPPED_PATH = "src/unspin/models/default/model.onnx"
WINDOW = 256


def texts_of(articles: Path, limit: int) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(articles.glob("*.txt"))[:limit]]


def raw_worker(onnx_path: str, articles: str, limit: int, repeats: int, threads: int) -> None:
    """Child process: plain onnxruntime over non-overlapping windows; prints the best wall and
    CPU seconds of ``repeats`` passes (``threads`` per call, 0: onnxruntime's default)."""
    import numpy as np
    import onnxruntime as ort

    from unspin.inference.model_folder import DEFAULT_MODEL_DIR, TOKENIZER_FILE
    from unspin.inference.windows import TextEncoder

    encoder = TextEncoder.from_file(DEFAULT_MODEL_DIR / TOKENIZER_FILE)
    tokenized = encoder.encode_batch(texts_of(Path(articles), limit))
    rows = [ids[None, :] for t in tokenized for ids in encoder.tiled_ids(t, WINDOW - 2)]
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    session = ort.InferenceSession(onnx_path, options, providers=["CPUExecutionProvider"])
    best, best_cpu = float("inf"), float("inf")
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        for ids in rows:
            session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - started_cpu)
    n_tokens = sum(r.shape[1] - 2 for r in rows)
    print(json.dumps({"tokens": n_tokens, "seconds": best, "cpu_seconds": best_cpu}))


def run_raw(
    onnx_path: Path, articles: Path, limit: int, repeats: int, threads: int
) -> dict[str, float]:
    command = [sys.executable, __file__, "--raw-worker", str(onnx_path), str(articles)]
    result = subprocess.run(
        [*command, str(limit), str(repeats), str(threads)],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def run_end_to_end(articles: Path, limit: int, model: str | None) -> dict[str, float]:
    unspin = Path(sys.executable).parent / "unspin"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        for path in sorted(articles.glob("*.txt"))[:limit]:
            (folder / path.name).write_bytes(path.read_bytes())
        command = [str(unspin), "semeval", "si", str(folder), "-o", str(Path(tmp) / "si.txt")]
        if model:
            command += ["--model", model]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_seconds = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "peak_mb": after.ru_maxrss / 1024}


def cpu_flags() -> str:
    wanted = ("avx", "avx2", "fma", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8")
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        line = next(line for line in lines if line.startswith("flags"))
    except (OSError, StopIteration):
        return "unknown"
    return " ".join(flag for flag in line.split(":", 1)[1].split() if flag in wanted)


def old_model(folder: Path) -> Path:
    """The 1.2.0 ``model.onnx`` as shipped, written into ``folder`` from git history."""
    old = folder / "model-1.2.0.onnx"
    command = ["git", "-C", str(REPO), "show", f"{SHIPPED_1_2_0}:{SHIPPED_PATH}"]
    old.write_bytes(subprocess.run(command, check=True, capture_output=True).stdout)
    return old


def variant_folder(model_dir: Path, onnx_file: Path, folder: Path) -> Path:
    """A copy of the model folder ``model_dir`` whose ``model.onnx`` is ``onnx_file``."""
    shutil.copytree(model_dir, folder)
    shutil.copyfile(onnx_file, folder / "model.onnx")
    return folder


def parse_variant(value: str) -> tuple[str, Path]:
    label, _, path = value.partition("=")
    if not path or not Path(path).is_file():
        raise argparse.ArgumentTypeError(f"{value!r}: expected LABEL=MODEL_FILE")
    return label, Path(path)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--raw-worker":
        raw_worker(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=Path, required=True, help="PTC article folder")
    parser.add_argument("--limit", type=int, default=75, help="articles to use (default 75)")
    parser.add_argument("--model", default=None, help="model folder (default: the shipped one)")
    parser.add_argument("--repeats", type=int, default=2, help="raw passes; the best counts")
    parser.add_argument("--variant", type=parse_variant, action="append", default=[])
    parser.add_argument("--rounds", type=int, default=1, help="times each row is measured")
    parser.add_argument(
        "--raw-threads", type=int, default=0, help="threads per raw call (0: onnxruntime's default)"
    )
    args = parser.parse_args()

    from unspin.inference.model_folder import ONNX_FILE, resolve_model_dir

    model_dir = resolve_model_dir(args.model)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        raw_files = {
            "1.2.0 model.onnx": old_model(Path(tmp)),
            "current model.onnx": model_dir / ONNX_FILE,
        }
        end_to_end_models: dict[str, str | None] = {"current model.onnx": args.model}
        for label, onnx_file in args.variant:
            raw_files[label] = onnx_file
            copy = variant_folder(model_dir, onnx_file, Path(tmp) / f"variant-{len(raw_files)}")
            end_to_end_models[label] = str(copy)
        times: dict[str, list[tuple[float, float]]] = {}
        tokens, peak_mb = 0, 0.0
        for _ in range(args.rounds):
            for label, path in raw_files.items():
                raw = run_raw(path, args.articles, args.limit, args.repeats, args.raw_threads)
                tokens = int(raw["tokens"])
                key = f"raw forward, {label}"
                times.setdefault(key, []).append((raw["seconds"], raw["cpu_seconds"]))
            for label, model in end_to_end_models.items():
                run = run_end_to_end(args.articles, args.limit, model)
                peak_mb = max(peak_mb, run["peak_mb"])
                key = f"`unspin semeval si`, end to end with load, {label}"
                times.setdefault(key, []).append((run["seconds"], run["cpu_seconds"]))
    load_after = os.getloadavg()[0]
    print(f"machine: {platform.machine()}, CPU flags: {cpu_flags()}; {args.limit} articles, ")
    print(
        f"{tokens:,} tokens; {args.rounds} round(s); raw calls on {args.raw_threads or 'default'}"
    )
    print(f"threads; peak memory of an end-to-end run {peak_mb:.0f} MB; load average")
    print(f"{load_before:.1f} before, {load_after:.1f} after")
    columns = ["run", "tokens/s (best round)", "every round", "share of 1.2.0 raw"]
    columns += ["tokens per CPU-second (best round)", "share of 1.2.0 raw"]
    columns += ["share of 1.2.0 raw, median of rounds (wall / CPU)"]
    print("| " + " | ".join(columns) + " |\n" + "|---" * len(columns) + "|")
    first = times["raw forward, 1.2.0 model.onnx"]
    first_rate = tokens / min(t for t, _ in first)
    first_cpu = tokens / min(c for _, c in first)
    for label, measured in times.items():
        rate = tokens / min(t for t, _ in measured)
        cpu_rate = tokens / min(c for _, c in measured)
        each = " ".join(f"{tokens / t:,.0f}" for t, _ in measured)
        wall_share = statistics.median(f[0] / m[0] for f, m in zip(first, measured, strict=True))
        cpu_share = statistics.median(f[1] / m[1] for f, m in zip(first, measured, strict=True))
        print(
            f"| {label} | {rate:,.0f} | {each} | {rate / first_rate:.2f} | {cpu_rate:,.0f} "
            f"| {cpu_rate / first_cpu:.2f} | {wall_share:.2f} / {cpu_share:.2f} |"
        )


if __name__ == "__main__":
    main()
