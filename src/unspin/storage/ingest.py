"""Ingest: read documents, store each text once, analyse what this model version has not seen.

Work goes in batches; each batch (new documents, their analyses and spans) is one transaction,
so a killed run loses at most the batch in flight and a re-run picks up where it stopped.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from unspin.formats.documents import STDIN, iter_documents
from unspin.formats.errors import FormatError
from unspin.schema import Analysis, Document, ModelInfo
from unspin.storage.db import is_postgres
from unspin.storage.models import AnalysisRow, DocumentRow, ModelRow, SpanRow

DEFAULT_BATCH = 32


class BatchAnalyzer(Protocol):
    """What ingest needs from an analyzer (``unspin.inference.Analyzer`` fits)."""

    @property
    def info(self) -> ModelInfo: ...

    def analyze_batch(self, items: list[Document]) -> list[Analysis]: ...


@dataclass
class IngestSummary:
    """What one ingest run did."""

    read: int = 0
    added: int = 0
    duplicates: int = 0
    analysed: int = 0
    already_analysed: int = 0
    spans: int = 0
    errors: list[FormatError] = field(default_factory=list)


def content_hash(text: str) -> str:
    """SHA-256 hex digest of a document's text: its identity in the store."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def count_words(text: str) -> int:
    """Whitespace-separated words of ``text``."""
    return len(text.split())


def _records(paths: Iterable[Path]) -> Iterator[Document | FormatError]:
    for path in paths:
        if path != STDIN and not path.exists():
            yield FormatError(path, "no such file or folder")
            continue
        yield from iter_documents(path)


def _batches(
    items: Iterator[Document | FormatError], size: int, summary: IngestSummary
) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for item in items:
        if isinstance(item, FormatError):
            summary.errors.append(item)
            continue
        if not item.text.strip():
            summary.errors.append(FormatError(Path(item.id), "empty document"))
            continue
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def ingest(
    paths: Sequence[Path],
    engine: Engine,
    analyzer: BatchAnalyzer,
    *,
    source: str | None = None,
    batch_size: int = DEFAULT_BATCH,
    on_batch: Callable[[int], None] | None = None,
) -> IngestSummary:
    """Read ``paths`` into the store at ``engine``, analysing with ``analyzer``.

    ``source`` names the source of every document read; ``on_batch`` is told how many
    records (good or bad) were handled since its last call (for progress).
    """
    register_model(engine, analyzer.info)
    summary = IngestSummary()
    reported = 0
    for batch in _batches(_records(paths), batch_size, summary):
        if source is not None:
            for document in batch:
                document.source = source
        _store_batch(engine, analyzer, batch, summary)
        if on_batch is not None:
            done = summary.read + len(summary.errors)
            on_batch(done - reported)
            reported = done
    if summary.added and is_postgres(engine):
        with engine.begin() as connection:  # fresh planner statistics after a bulk load
            connection.exec_driver_sql("ANALYZE documents, analyses, spans")
    return summary


class ModelMismatchError(ValueError):
    """The store holds analyses by another model of the same name and version."""


def register_model(engine: Engine, info: ModelInfo) -> None:
    """Record ``info``'s fingerprint in the store, or refuse a model that is not the one stored.

    Analyses are keyed by model name and version; a retrained model or other decoding settings
    under the same name and version would otherwise be taken as "already analysed".
    """
    if info.fingerprint is None:
        return
    for attempt in range(2):
        try:
            with Session(engine) as session, session.begin():
                row = session.get(ModelRow, (info.name, info.version))
                if row is None:
                    session.add(
                        ModelRow(name=info.name, version=info.version, fingerprint=info.fingerprint)
                    )
                elif row.fingerprint != info.fingerprint:
                    raise ModelMismatchError(
                        f"this store holds analyses by another {info.name} {info.version} "
                        f"(fingerprint {row.fingerprint}; this model's is {info.fingerprint}): "
                        "its weights or decoding settings differ. Give your model its own name "
                        "or version (unspin train --name/--version), or use another database."
                    )
            return
        except IntegrityError:  # another process registered it first: check theirs
            if attempt:
                raise


def _store_batch(
    engine: Engine, analyzer: BatchAnalyzer, batch: list[Document], summary: IngestSummary
) -> None:
    summary.read += len(batch)
    info = analyzer.info
    unique: dict[str, Document] = {}
    for document in batch:
        key = content_hash(document.text)
        if key in unique:
            summary.duplicates += 1
        else:
            unique[key] = document
    with Session(engine) as session, session.begin():
        known: dict[str, int] = {
            key: doc_id
            for key, doc_id in session.execute(
                select(DocumentRow.content_hash, DocumentRow.id).where(
                    DocumentRow.content_hash.in_(list(unique))
                )
            )
        }
        summary.duplicates += len(known)
        done = set(
            session.scalars(
                select(AnalysisRow.document_id).where(
                    AnalysisRow.document_id.in_(list(known.values())), AnalysisRow.made_by(info)
                )
            )
        )
        summary.already_analysed += len(done)
        todo = {k: d for k, d in unique.items() if known.get(k) not in done}
        analyses = _analyze(analyzer, todo, summary)
        for key, document in todo.items():
            if key not in analyses:
                continue
            if key not in known:
                row = DocumentRow.from_document(document, key, count_words(document.text))
                session.add(row)
                session.flush()
                known[key] = row.id
                summary.added += 1
        for key, analysis in analyses.items():
            analysis_row = AnalysisRow(
                document_id=known[key], model_name=info.name, model_version=info.version
            )
            session.add(analysis_row)
            session.flush()
            if analysis.spans:
                session.execute(
                    insert(SpanRow),
                    [
                        {
                            "analysis_id": analysis_row.id,
                            "start": s.start,
                            "end": s.end,
                            "technique": s.technique,
                            "score": s.score,
                        }
                        for s in analysis.spans
                    ],
                )
            summary.analysed += 1
            summary.spans += len(analysis.spans)


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
