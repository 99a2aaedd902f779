"""Bulk load: the analyses of ``unspin batch`` output folders into the corpus store, unanalysed.

Shards are read in order and stored a chunk of rows at a time through the store's one
insertion API (:func:`unspin.storage.write.store`: multi-row inserts, one transaction per
chunk). Loading is idempotent: an analysis of a text the store already has from this model is
left as stored, and a document seen before (same text, source and id) is not added again, so a
load that was stopped is simply run again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from unspin.batch.manifest import Manifest
from unspin.batch.table import read_shard
from unspin.errors import UnspinError
from unspin.schema import Analysis, Document
from unspin.storage.db import is_postgres
from unspin.storage.write import content_hash, register_model, store

DEFAULT_CHUNK = 500
"""Rows stored per transaction."""


class NotABatchFolderError(UnspinError, ValueError):
    """A folder without the manifest of an ``unspin batch`` run."""


@dataclass
class LoadSummary:
    """What one load did."""

    rows: int = 0
    texts: int = 0
    documents: int = 0
    analyses: int = 0
    spans: int = 0
    incomplete: list[Path] = field(default_factory=list)
    """Folders whose batch run has not finished (their finished shards are loaded)."""
    failed: list[tuple[Document, str]] = field(default_factory=list)


def load_batches(
    folders: Sequence[Path],
    engine: Engine,
    *,
    chunk: int = DEFAULT_CHUNK,
    on_chunk: Callable[[int], None] | None = None,
) -> LoadSummary:
    """Store the analyses in ``folders`` (``unspin batch`` outputs); ``on_chunk`` is told how
    many rows each stored chunk held."""
    manifests = [_manifest(folder) for folder in folders]
    summary = LoadSummary()
    for folder, manifest in zip(folders, manifests, strict=True):
        register_model(engine, manifest.model)
        if not manifest.complete:
            summary.incomplete.append(folder)
        for rows in _chunks(_analyses(folder, manifest), chunk):
            _store_chunk(engine, rows, summary)
            if on_chunk is not None:
                on_chunk(len(rows))
    if summary.documents and is_postgres(engine):
        with engine.begin() as connection:  # fresh planner statistics after a bulk load
            connection.exec_driver_sql("ANALYZE")
    return summary


def _manifest(folder: Path) -> Manifest:
    manifest = Manifest.load(folder)
    if manifest is None:
        raise NotABatchFolderError(f"{folder} holds no manifest.json of an `unspin batch` run")
    return manifest


def _analyses(folder: Path, manifest: Manifest) -> Iterator[Analysis]:
    for index in sorted(manifest.shards):
        for _, analysis in read_shard(folder, index):
            yield analysis


def _chunks(analyses: Iterator[Analysis], size: int) -> Iterator[list[Analysis]]:
    chunk: list[Analysis] = []
    for analysis in analyses:
        chunk.append(analysis)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _store_chunk(engine: Engine, rows: list[Analysis], summary: LoadSummary) -> None:
    """Store one analysis per text of ``rows``; the other documents of a text as occurrences."""
    first: dict[str, Analysis] = {}
    occurrences: list[Document] = []
    for analysis in rows:
        key = content_hash(analysis.document.text)
        if key in first:
            occurrences.append(analysis.document)
        else:
            first[key] = analysis
    stored = store(engine, occurrences, list(first.values()))
    summary.rows += len(rows)
    summary.texts += stored.texts
    summary.documents += stored.documents
    summary.analyses += stored.analyses
    summary.spans += stored.spans
    summary.failed.extend(stored.failed)


__all__ = ["DEFAULT_CHUNK", "LoadSummary", "NotABatchFolderError", "load_batches"]
