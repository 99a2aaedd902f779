"""Write documents and analyses into the store: each text once, each occurrence once, one
analysis per text and model version.

:func:`store` is the one way in: ingest uses it for what it analysed, and a bulk load of
analyses computed elsewhere (e.g. ``unspin batch``) can call it directly. Concurrent writers
are safe: rows another process added meanwhile are taken as found (``ON CONFLICT DO NOTHING``),
and a record the database refuses (say a value too long for its column) is reported alone while
the records beside it are stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, Table, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from unspin.errors import UnspinError
from unspin.language import UNDETERMINED
from unspin.schema import Analysis, Document, ModelInfo
from unspin.storage.db import for_writing, is_postgres
from unspin.storage.models import (
    AnalysisRow,
    DocumentRow,
    ModelRow,
    SpanRow,
    TextRow,
    occurrence_values,
)


def content_hash(text: str) -> str:
    """SHA-256 hex digest of a text: its identity in the store."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def count_words(text: str) -> int:
    """Whitespace-separated words of ``text``."""
    return len(text.split())


@dataclass
class Stored:
    """What one call of :func:`store` added."""

    texts: int = 0
    documents: int = 0
    updated: int = 0
    """Documents stored before (same text, source and id) whose metadata changed."""
    analyses: int = 0
    spans: int = 0
    failed: list[tuple[Document, str]] = field(default_factory=list)
    """Documents the database refused, with its reason (the text is never part of it)."""

    def add(self, other: Stored) -> None:
        self.texts += other.texts
        self.documents += other.documents
        self.updated += other.updated
        self.analyses += other.analyses
        self.spans += other.spans
        self.failed.extend(other.failed)


def store(
    engine: Engine, documents: Sequence[Document] = (), analyses: Sequence[Analysis] = ()
) -> Stored:
    """Store ``documents`` and ``analyses`` (with their own documents) in one transaction.

    An analysis of a text that its model already analysed is left as stored. A text's language
    is the one its analysis detected, else the one its document declares; an analysis whose
    model does not read the detected language is marked unreadable (``AnalysisRow.readable``),
    which keeps it out of statistics.
    """
    everything = [*(a.document for a in analyses), *documents]
    languages = {
        content_hash(a.document.text): a.language.code
        for a in analyses
        if a.language is not None and a.language.code != UNDETERMINED
    }
    try:
        return _store(engine, everything, analyses, languages)
    except OperationalError:
        raise
    except DBAPIError:  # one record the database refuses: store the others one by one
        pass
    result = Stored()
    by_document = {id(a.document): a for a in analyses}
    for document in everything:
        own = [by_document[id(document)]] if id(document) in by_document else []
        try:
            result.add(_store(engine, [document], own, languages))
        except OperationalError:
            raise
        except DBAPIError as error:
            result.failed.append((document, _reason(error)))
    return result


def database_message(error: DBAPIError) -> str:
    """The database's own message, without the SQL or its values (which may hold a text)."""
    first = str(error.orig).strip().splitlines()
    return first[0] if first else type(error.orig).__name__


def _reason(error: DBAPIError) -> str:
    return f"not stored: {database_message(error)}"


def _insert(engine: Engine, table: Any) -> Any:
    dialect = postgresql if is_postgres(engine) else sqlite
    return dialect.insert(table)


def _store(
    engine: Engine,
    documents: list[Document],
    analyses: Sequence[Analysis],
    languages: dict[str, str],
) -> Stored:
    result = Stored()
    with for_writing(engine).begin() as connection:
        text_ids = _store_texts(connection, engine, documents, languages, result)
        _store_documents(connection, engine, documents, text_ids, result)
        _store_analyses(connection, engine, analyses, text_ids, result)
    return result


def _store_texts(
    connection: Connection,
    engine: Engine,
    documents: list[Document],
    languages: dict[str, str],
    result: Stored,
) -> dict[str, int]:
    """Text ids by content hash, adding the texts not stored yet (with ``languages``, the
    detected language by content hash, else the first document's declared one)."""
    rows: dict[str, dict[str, Any]] = {}
    for document in documents:
        key = content_hash(document.text)
        rows.setdefault(
            key,
            {
                "content_hash": key,
                "text": document.text,
                "words": count_words(document.text),
                "language": languages.get(key, document.language),
            },
        )
    if not rows:
        return {}
    texts: Table = TextRow.__table__  # type: ignore[assignment]
    known = _text_ids(connection, list(rows))
    new = [rows[key] for key in sorted(rows) if key not in known]
    if new:
        connection.execute(_insert(engine, texts).on_conflict_do_nothing(), new)
        known = _text_ids(connection, list(rows))
        result.texts += len(new)
    return known


def _text_ids(connection: Connection, hashes: list[str]) -> dict[str, int]:
    found = connection.execute(
        select(TextRow.content_hash, TextRow.id).where(TextRow.content_hash.in_(hashes))
    )
    return {key: text_id for key, text_id in found}


def _store_documents(
    connection: Connection,
    engine: Engine,
    documents: list[Document],
    text_ids: dict[str, int],
    result: Stored,
) -> None:
    """Add each occurrence not stored yet; update the metadata of those stored differently."""
    rows: dict[tuple[int, str], dict[str, Any]] = {}
    for document in documents:
        row = {"text_id": text_ids[content_hash(document.text)], **occurrence_values(document)}
        rows[(row["text_id"], row["occurrence_key"])] = row
    if not rows:
        return
    table: Table = DocumentRow.__table__  # type: ignore[assignment]
    columns = [c for c in table.columns if c.name not in ("id", "text_id", "occurrence_key")]
    stored = {
        (row.text_id, row.occurrence_key): row
        for row in connection.execute(
            select(table).where(tuple_(table.c.text_id, table.c.occurrence_key).in_(list(rows)))
        )
    }
    new = [rows[key] for key in sorted(rows) if key not in stored]
    if new:
        connection.execute(_insert(engine, table).on_conflict_do_nothing(), new)
        result.documents += len(new)
    for key, old in stored.items():
        values = {c.name: rows[key][c.name] for c in columns}
        if any(getattr(old, name) != value for name, value in values.items()):
            connection.execute(update(table).where(table.c.id == old.id).values(values))
            result.updated += 1


def _store_analyses(
    connection: Connection,
    engine: Engine,
    analyses: Sequence[Analysis],
    text_ids: dict[str, int],
    result: Stored,
) -> None:
    """Add each analysis whose text its model has not analysed, with its spans."""
    by_text: dict[tuple[int, str, str], Analysis] = {}
    for analysis in analyses:
        text_id = text_ids[content_hash(analysis.document.text)]
        by_text.setdefault((text_id, analysis.model.name, analysis.model.version), analysis)
    if not by_text:
        return
    rows = [
        {
            "text_id": text_id,
            "model_name": name,
            "model_version": version,
            "readable": _readable(analysis),
        }
        for (text_id, name, version), analysis in sorted(by_text.items(), key=lambda i: i[0])
    ]
    table: Table = AnalysisRow.__table__  # type: ignore[assignment]
    added = connection.execute(
        _insert(engine, table)
        .on_conflict_do_nothing()
        .returning(table.c.id, table.c.text_id, table.c.model_name, table.c.model_version),
        rows,
    ).all()
    spans = [
        {
            "analysis_id": analysis_id,
            "start": span.start,
            "end": span.end,
            "technique": span.technique,
            "score": span.score,
        }
        for analysis_id, text_id, name, version in added
        for span in by_text[(text_id, name, version)].spans
    ]
    if spans:
        connection.execute(_insert(engine, SpanRow.__table__), spans)
    result.analyses += len(added)
    result.spans += len(spans)


def _readable(analysis: Analysis) -> bool | None:
    """Whether the analysis's model reads its text's language (None: not detected)."""
    if analysis.language is None or analysis.language.code == UNDETERMINED:
        return None
    return analysis.unread_language is None


def analysed(engine: Engine, hashes: Iterable[str], model: ModelInfo) -> set[str]:
    """Which of the texts with these content hashes ``model`` has analysed."""
    wanted = list(set(hashes))
    if not wanted:
        return set()
    with Session(engine) as session:
        return set(
            session.scalars(
                select(TextRow.content_hash)
                .join(AnalysisRow, AnalysisRow.text_id == TextRow.id)
                .where(TextRow.content_hash.in_(wanted), AnalysisRow.made_by(model))
            )
        )


class ModelMismatchError(UnspinError, ValueError):
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
            with Session(for_writing(engine)) as session, session.begin():
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
