"""Corpus ingest benchmark: 10,000+ documents into SQLite and PostgreSQL.

Usage (from the repository root; PostgreSQL via scripts/with-postgres.sh or --postgres URL)::

    scripts/with-postgres.sh .venv/bin/python benchmarks/ingest_corpus.py \\
        --articles ../shared/data/ptc/train/train-articles --docs 10000 --model-docs 300
    # occurrences-heavy: 10,000 documents that are 5 copies each of 2,000 texts
    scripts/with-postgres.sh .venv/bin/python benchmarks/ingest_corpus.py --copies 5 ...

Documents are a few PTC sentences each, with one of eight synthetic sources and a date in
2019-2020; with ``--copies N`` each text is published N times (other source, id and date), as
wire copy is. It measures, on each database:

1. **store-only ingest** of ``--docs`` documents with a stand-in analyzer that returns seeded
   pseudo-random spans (about two per document) instantly, so the figure is the store's own
   cost: reading, hashing, dedupe look-ups, inserts, commits per batch;
2. **ingest with the real model** of ``--model-docs`` further documents (analysis dominates);
3. the database size and the time of ``stats`` queries (by source, month, week, one
   technique), ``examples`` and ``search`` at that size.

Prints a markdown table to paste into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from unspin.schema import Analysis, Document, ModelInfo, Span
from unspin.storage.browse import examples
from unspin.storage.db import is_postgres, open_engine
from unspin.storage.filters import Filters
from unspin.storage.ingest import BatchAnalyzer, ingest
from unspin.storage.search import search
from unspin.storage.stats import stats
from unspin.storage.write import content_hash
from unspin.taxonomy import PTC_TECHNIQUES

SOURCES = ("Daily Bugle", "Planet", "Sentinel", "Courier", "Clarion", "Herald", "Tribune", "Wire")


class SyntheticAnalyzer:
    """Seeded pseudo-random spans (0-4 per document) at once: measures the store, not a model."""

    info = ModelInfo("synthetic", "bench")

    def info_for(self, text: str) -> ModelInfo:
        return self.info

    def analyze_batch(self, items: Iterable[Document]) -> list[Analysis]:
        out = []
        for document in items:
            rng = random.Random(content_hash(document.text))
            spans = []
            for _ in range(rng.randint(0, 4)):
                start = rng.randrange(0, max(1, len(document.text) - 20))
                end = min(len(document.text), start + rng.randint(5, 40))
                spans.append(Span(start, end, rng.choice(PTC_TECHNIQUES).name, rng.random()))
            out.append(Analysis(document, sorted(spans), self.info))
        return out


def make_documents(
    articles: Path, count: int, sentences: int, seed: int, out: Path, copies: int = 1
) -> None:
    """Write ``count`` JSONL documents of ``sentences`` random PTC sentences each, every text
    ``copies`` times (in a random order)."""
    lines = [
        line.strip()
        for path in sorted(articles.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if len(line.split()) >= 4
    ]
    rng = random.Random(seed)
    start = date(2019, 1, 1)
    texts = [" ".join(rng.sample(lines, sentences)) for _ in range(-(-count // copies))]
    order = [texts[i // copies] for i in range(count)]
    rng.shuffle(order)
    with out.open("w", encoding="utf-8") as handle:
        for i, body in enumerate(order):
            record = {
                "id": f"bench-{seed}-{i}",
                "text": body,
                "source": SOURCES[rng.randrange(len(SOURCES))],
                "published": (start + timedelta(days=rng.randrange(730))).isoformat(),
                "language": "en",
            }
            handle.write(json.dumps(record) + "\n")


def db_size(engine: Engine, url: str) -> int:
    if is_postgres(engine):
        with engine.connect() as connection:
            return int(connection.scalar(text("SELECT pg_database_size(current_database())")))
    path = Path(url.removeprefix("sqlite:///"))
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def reset(url: str) -> None:
    if url.startswith("sqlite:///"):
        for p in Path(url.removeprefix("sqlite:///")).parent.glob("bench.db*"):
            p.unlink()
        return
    engine = open_engine(url, migrate=False)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def timed(call: Callable[[], Any], repeat: int = 3) -> float:
    """Best of ``repeat`` wall times in milliseconds."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - started)
    return 1000 * best


def run(url: str, store_file: Path, model_file: Path | None, model: str | None) -> dict[str, Any]:
    reset(url)
    engine = open_engine(url)
    started = time.perf_counter()
    summary = ingest([store_file], engine, SyntheticAnalyzer(), batch_size=200)
    store_s = time.perf_counter() - started
    result: dict[str, Any] = {
        "docs": summary.added,
        "texts": summary.texts,
        "spans": summary.spans,
        "store_docs_s": summary.added / store_s,
        "store_s": store_s,
    }
    started = time.perf_counter()
    again = ingest([store_file], engine, SyntheticAnalyzer(), batch_size=200)
    result["rerun_s"] = time.perf_counter() - started
    assert again.added == 0 and again.analysed == 0
    if model_file is not None:
        from unspin.inference import Analyzer

        analyzer: BatchAnalyzer = Analyzer(model)
        started = time.perf_counter()
        done = ingest([model_file], engine, analyzer, batch_size=32)
        result["model_docs"] = done.analysed
        result["model_docs_s"] = done.analysed / (time.perf_counter() - started)
    result["size_mb"] = db_size(engine, url) / 1e6
    synthetic = SyntheticAnalyzer.info
    result["queries_ms"] = {
        "stats --by source": timed(lambda: stats(engine, "source", model=synthetic)),
        "stats --by month": timed(lambda: stats(engine, "month", model=synthetic)),
        "stats --by week": timed(lambda: stats(engine, "week", model=synthetic)),
        "stats --technique Loaded_Language": timed(
            lambda: stats(engine, "source", Filters(technique="Loaded_Language"), synthetic)
        ),
        "examples Doubt --limit 10": timed(lambda: examples(engine, "Doubt", model=synthetic)),
        "search 'president election'": timed(
            lambda: search(engine, "president election", model=synthetic)
        ),
    }
    engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--articles", type=Path, default=Path("../shared/data/ptc/train/train-articles")
    )
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--sentences", type=int, default=3)
    parser.add_argument("--copies", type=int, default=1, help="documents per distinct text")
    parser.add_argument("--model-docs", type=int, default=300, help="0: skip the model run")
    parser.add_argument("--model", default=None, help="model folder (default: shipped)")
    parser.add_argument("--sqlite", type=Path, default=None, help="folder for bench.db")
    parser.add_argument("--postgres", default=os.environ.get("UNSPIN_TEST_POSTGRES_URL"))
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="unspin-bench-"))
    store_file = work / "store.jsonl"
    make_documents(args.articles, args.docs, args.sentences, 1, store_file, args.copies)
    model_file = None
    if args.model_docs:
        model_file = work / "model.jsonl"
        make_documents(args.articles, args.model_docs, args.sentences, 2, model_file)
    urls = {"SQLite": f"sqlite:///{(args.sqlite or work) / 'bench.db'}"}
    if args.postgres:
        urls["PostgreSQL"] = args.postgres
    results = {name: run(url, store_file, model_file, args.model) for name, url in urls.items()}

    names = list(results)
    print(f"{args.docs:,} documents of {args.sentences} PTC sentences each, ", end="")
    print(f"{args.copies} per distinct text\n")
    print("| | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))

    def row(label: str, cell: Callable[[dict[str, Any]], str]) -> None:
        print(f"| {label} | " + " | ".join(cell(results[n]) for n in names) + " |")

    row("store-only ingest (docs/s)", lambda r: f"{r['store_docs_s']:,.0f}")
    row("store-only ingest (s)", lambda r: f"{r['store_s']:.1f}")
    row("distinct texts stored", lambda r: f"{r['texts']:,}")
    row("spans stored", lambda r: f"{r['spans']:,}")
    row("re-run, nothing new (s)", lambda r: f"{r['rerun_s']:.1f}")
    if args.model_docs:
        row(
            f"ingest with the model, {args.model_docs} docs (docs/s)",
            lambda r: f"{r['model_docs_s']:.1f}",
        )
    row("database size (MB)", lambda r: f"{r['size_mb']:.1f}")
    for query in results[names[0]]["queries_ms"]:
        row(f"`{query}` (ms)", lambda r, q=query: f"{r['queries_ms'][q]:.0f}")


if __name__ == "__main__":
    main()
