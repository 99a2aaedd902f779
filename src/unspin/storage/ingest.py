"""Ingest: read documents, store each text once and every occurrence of it, analyse what the
model that reads each text (by its language, unless the model is fixed) has not seen.

Work goes in batches; each batch (new documents, their analyses and spans) is one transaction,
so a killed run loses at most the batch in flight and a re-run picks up where it stopped.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine

from unspin.formats.documents import STDIN, iter_documents
from unspin.formats.errors import FormatError
from unspin.schema import Analysis, Document, ModelInfo
from unspin.storage import DEFAULT_INGEST_BATCH
from unspin.storage.db import is_postgres
from unspin.storage.write import analysed, content_hash, register_model, store


class BatchAnalyzer(Protocol):
    """What ingest needs from an analyzer (``unspin.inference.Analyzer`` and ``Router`` fit)."""

    def info_for(self, text: str) -> ModelInfo:
        """The model that will read ``text`` (a Router chooses per text)."""
        ...

    def analyze_batch(self, items: list[Document]) -> list[Analysis]: ...


@dataclass
class IngestSummary:
    """What one ingest run did: documents are occurrences, texts their distinct texts."""

    read: int = 0
    added: int = 0
    """New documents (occurrences) stored."""
    updated: int = 0
    """Documents stored before whose metadata this run changed."""
    texts: int = 0
    """New distinct texts stored."""
    analysed: int = 0
    """Texts analysed by this run."""
    analysed_by: Counter[ModelInfo] = field(default_factory=Counter)
    """Texts analysed by this run, per model (routed by language unless the model is fixed)."""
    already_analysed: int = 0
    """Documents whose text the model that reads it had analysed before."""
    spans: int = 0
    errors: list[FormatError] = field(default_factory=list)
    """Records skipped, each with the reason."""
    warnings: list[FormatError] = field(default_factory=list)
    """Records stored with a change (say an unreadable date left out), each with the reason."""

    failed: int = 0
    """Documents read but not stored (the analyzer or the database refused them)."""

    @property
    def unchanged(self) -> int:
        """Documents read that were stored already, exactly so."""
        return self.read - self.added - self.updated - self.failed


def _records(paths: Iterable[Path], notes: list[FormatError]) -> Iterator[Document | FormatError]:
    for path in paths:
        if path != STDIN and not path.exists():
            yield FormatError(path, "no such file or folder")
            continue
        yield from iter_documents(path, notes=notes)


def _batches(
    items: Iterator[Document | FormatError], size: int, summary: IngestSummary
) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for item in items:
        if isinstance(item, FormatError):
            summary.errors.append(item)
            continue
        removed = remove_nul(item)
        if removed:
            where = ", ".join(removed)
            summary.warnings.append(FormatError(Path(item.id), f"NUL characters removed ({where})"))
        if not item.text.strip():
            summary.errors.append(FormatError(Path(item.id), "empty document"))
            continue
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def remove_nul(document: Document) -> list[str]:
    """Remove NUL characters (which PostgreSQL cannot store) from ``document``, in place,
    before it is analysed; return the names of the fields that held any."""
    changed = []
    for name in ("text", "title", "source", "url", "author", "language"):
        value = getattr(document, name)
        if isinstance(value, str) and "\x00" in value:
            setattr(document, name, value.replace("\x00", ""))
            changed.append(name)
    cleaned = _without_nul(document.metadata)
    if cleaned != document.metadata:
        document.metadata = cleaned
        changed.append("metadata")
    if "\x00" in document.id:
        document.id = document.id.replace("\x00", "") or "(no id)"
        changed.append("id")
    return changed


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    return value


def ingest(
    paths: Sequence[Path],
    engine: Engine,
    analyzer: BatchAnalyzer,
    *,
    source: str | None = None,
    batch_size: int = DEFAULT_INGEST_BATCH,
    on_batch: Callable[[int], None] | None = None,
    summary: IngestSummary | None = None,
) -> IngestSummary:
    """Read ``paths`` into the store at ``engine``, analysing with ``analyzer`` (a Router sends
    each text to the model for its language; each analysis is stored with its model).

    ``source`` names the source of every document read; ``on_batch`` is told how many
    records (good or bad) were handled since its last call (for progress). Pass ``summary``
    to keep the figures of a run that is interrupted (they are filled in as it goes).
    """
    summary = summary if summary is not None else IngestSummary()
    registered: set[ModelInfo] = set()
    reported = 0
    for batch in _batches(_records(paths, summary.warnings), batch_size, summary):
        if source is not None:
            for document in batch:
                document.source = source
        _ingest_batch(engine, analyzer, batch, summary, registered)
        if on_batch is not None:
            done = summary.read + len(summary.errors) - summary.failed
            on_batch(done - reported)
            reported = done
    if summary.added and is_postgres(engine):
        with engine.begin() as connection:  # fresh planner statistics after a bulk load
            connection.exec_driver_sql("ANALYZE texts, documents, analyses, spans")
    return summary


def _ingest_batch(
    engine: Engine,
    analyzer: BatchAnalyzer,
    batch: list[Document],
    summary: IngestSummary,
    registered: set[ModelInfo],
) -> None:
    """Analyse the texts of ``batch`` that the model reading each has not analysed, then store
    it all. ``registered``: the models already recorded in the store by this run."""
    summary.read += len(batch)
    by_model: dict[ModelInfo, list[Document]] = {}
    for document in batch:
        by_model.setdefault(analyzer.info_for(document.text), []).append(document)
    todo: dict[str, Document] = {}
    for info, documents in by_model.items():
        if info not in registered:
            register_model(engine, info)
            registered.add(info)
        done = analysed(engine, (content_hash(d.text) for d in documents), info)
        for document in documents:
            key = content_hash(document.text)
            if key in done:
                summary.already_analysed += 1
            else:
                todo.setdefault(key, document)
    analyses = _analyze(analyzer, todo, summary)
    summary.analysed_by.update(a.model for a in analyses.values())
    first = {id(a.document) for a in analyses.values()}
    failed = set(todo) - set(analyses)
    occurrences = [d for d in batch if id(d) not in first and content_hash(d.text) not in failed]
    summary.failed += len(batch) - len(occurrences) - len(first)
    stored = store(engine, occurrences, list(analyses.values()))
    summary.added += stored.documents
    summary.updated += stored.updated
    summary.texts += stored.texts
    summary.analysed += stored.analyses
    summary.spans += stored.spans
    summary.failed += len(stored.failed)
    for document, reason in stored.failed:
        summary.errors.append(FormatError(Path(document.id), reason))


def _analyze(
    analyzer: BatchAnalyzer, todo: dict[str, Document], summary: IngestSummary
) -> dict[str, Analysis]:
    """Analyses by content hash; a document the analyzer fails on is reported and left out."""
    if not todo:
        return {}
    with contextlib.suppress(Exception):  # one bad document fails a batch: retry one by one
        return dict(zip(todo, analyzer.analyze_batch(list(todo.values())), strict=True))
    analyses = {}
    for key, document in todo.items():
        try:
            analyses[key] = analyzer.analyze_batch([document])[0]
        except Exception as error:
            summary.errors.append(FormatError(Path(document.id), f"not analysed: {error}"))
    return analyses
