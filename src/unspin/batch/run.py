"""The batch driver: read the inputs into shards, have an engine analyse them, write each one.

A shard is written (both tables, atomically) and then recorded in the manifest, so a run that
is killed at any moment leaves only whole shards; the next run with the same command skips the
shards the manifest lists and writes the others, each under its own fixed name, so no document
is ever written twice.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from unspin.batch.engines import SHARDS_PER_WORKER, Engine
from unspin.batch.manifest import (
    ANALYSES_DIR,
    BadRecord,
    Manifest,
    ManifestMismatchError,
    ShardEntry,
    list_inputs,
)
from unspin.batch.table import remove_partial_files, write_shard
from unspin.batch.work import DEFAULT_SHARD_SIZE, FoundOrError, Shard, iter_shards
from unspin.formats.documents import estimate_records
from unspin.schema import Analysis, ModelInfo

Progress = Callable[[int], None]
"""Told how many more records (documents or bad records) are done."""


@dataclass
class BatchSummary:
    """What one batch run did, and what its output folder holds now."""

    models: list[ModelInfo]
    """The models the run may use (each document read by the one for its language)."""
    analysed_by: Counter[ModelInfo]
    """Documents this run analysed, per model."""
    shards_written: int
    shards_skipped: int
    documents: int
    spans: int
    bad: int
    seconds: float
    manifest: Manifest

    @property
    def documents_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds > 0 else 0.0


def run_batch(
    inputs: Sequence[Path],
    outdir: Path,
    engine: Engine,
    *,
    shard_size: int | None = None,
    on_progress: Progress | None = None,
) -> BatchSummary:
    """Analyse ``inputs`` into Parquet shards under ``outdir`` with ``engine``.

    Continues the run already in ``outdir`` if there is one (same model, threshold, shard size
    and inputs, else ManifestMismatchError). ``shard_size`` defaults to the earlier run's, or
    to 1,000 records, less for a run too small to give every worker a few shards.
    ``on_progress`` is told after each shard. The engine is closed at the end.
    """
    begin = time.perf_counter()
    outdir.mkdir(parents=True, exist_ok=True)
    existing = Manifest.load(outdir)
    if existing is None and (outdir / ANALYSES_DIR).exists():
        raise ManifestMismatchError(f"{outdir} holds analyses but no manifest; use a new folder")
    try:
        models = engine.start()
        if shard_size is None:
            shard_size = existing.shard_size if existing else _shard_size(inputs, engine.workers)
        manifest = Manifest(models, engine.threshold, shard_size, list_inputs(list(inputs)))
        if existing is not None:
            existing.check_matches(manifest, outdir)
            manifest = existing
        manifest.complete = False
        manifest.save(outdir)
        remove_partial_files(outdir)
        skip = set(manifest.shards)
        written = documents = spans = bad = 0
        analysed_by: Counter[ModelInfo] = Counter()
        shards = iter_shards(list(inputs), manifest.shard_size, skip)
        for shard, results in engine.run(shards):
            entry = _write(outdir, shard, results, analysed_by)
            manifest.shards[shard.index] = entry
            manifest.save(outdir)
            written += 1
            documents += entry.documents
            spans += entry.spans
            bad += len(entry.bad)
            if on_progress is not None:
                on_progress(shard.records)
    finally:
        engine.close()
    manifest.complete = True
    manifest.save(outdir)
    return BatchSummary(
        models,
        analysed_by,
        written,
        len(skip),
        documents,
        spans,
        bad,
        time.perf_counter() - begin,
        manifest,
    )


def _shard_size(inputs: Sequence[Path], workers: int) -> int:
    """At most :data:`DEFAULT_SHARD_SIZE` records, and small enough to give every worker a few
    shards of a small run."""
    records = estimate_records(inputs) or DEFAULT_SHARD_SIZE
    return max(1, min(DEFAULT_SHARD_SIZE, -(-records // (SHARDS_PER_WORKER * 2 * workers))))


def _write(
    outdir: Path, shard: Shard, results: list[FoundOrError], analysed_by: Counter[ModelInfo]
) -> ShardEntry:
    """Write ``shard`` with its ``results``; count its analyses per model in ``analysed_by``."""
    rows: list[tuple[int, Analysis]] = []
    bad = list(shard.bad)
    for position, document, result in zip(shard.positions, shard.documents, results, strict=True):
        if isinstance(result, str):
            bad.append(BadRecord(position, f"document {document.id}", result))
        else:
            spans, language, model = result
            rows.append((position, Analysis(document, spans, model, language)))
            analysed_by[model] += 1
    write_shard(outdir, shard.index, rows)
    bad.sort(key=lambda record: record.position)
    return ShardEntry(shard.records, len(rows), sum(len(a.spans) for _, a in rows), bad)


__all__ = ["BatchSummary", "Progress", "run_batch"]
