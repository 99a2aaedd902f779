"""Reading documents back: example spans in context, document lists, one document's analysis."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from unspin.schema import Analysis, ModelInfo, Span, in_reading_order
from unspin.storage import DEFAULT_EXAMPLES_LIMIT
from unspin.storage.filters import Filters, filtered, reading
from unspin.storage.models import AnalysisRow, DocumentRow, SpanRow, TextRow

_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Found:
    """The document a result was found in."""

    document_id: int
    """The store's id of the document (its page is ``/dashboard/documents/ID``)."""
    external_id: str | None
    title: str | None
    source: str | None
    published: date | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "id": self.external_id,
            "title": self.title,
            "source": self.source,
            "published": self.published.isoformat() if self.published else None,
        }

    @property
    def where(self) -> str:
        """Source, date and title, as far as known."""
        return ", ".join(str(x) for x in (self.source, self.published, self.title) if x)


def found_in(row: DocumentRow) -> dict[str, Any]:
    """The :class:`Found` fields of a document row."""
    return {
        "document_id": row.id,
        "external_id": row.external_id,
        "title": row.title,
        "source": row.source,
        "published": row.published,
    }


def first_documents(session: Session, text_ids: list[int], filters: Filters) -> dict[int, Any]:
    """For each text, its first document that ``filters`` match and how many they match."""
    first = filtered(
        select(DocumentRow.text_id, func.min(DocumentRow.id), func.count())
        .where(DocumentRow.text_id.in_(text_ids))
        .group_by(DocumentRow.text_id),
        filters,
    )
    found = {text_id: (doc_id, count) for text_id, doc_id, count in session.execute(first)}
    rows = session.scalars(
        select(DocumentRow).where(DocumentRow.id.in_([d for d, _ in found.values()]))
    )
    by_id = {row.id: row for row in rows}
    return {text_id: (by_id[doc_id], count) for text_id, (doc_id, count) in found.items()}


@dataclass(frozen=True)
class Example(Found):
    """A span with the text around it."""

    technique: str
    score: float
    start: int
    end: int
    before: str
    span: str
    after: str
    copies: int = 1
    """Documents that hold this text (and match the filters)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            **super().to_dict(),
            "technique": self.technique,
            "score": self.score,
            "start": self.start,
            "end": self.end,
            "before": self.before,
            "text": self.span,
            "after": self.after,
            "copies": self.copies,
        }


def squeeze_spaces(text_: str) -> str:
    """``text_`` with each run of whitespace as one space; nothing else is dropped or added."""
    return _WHITESPACE.sub(" ", text_)


def _context(text_: str, start: int, end: int, width: int) -> tuple[str, str, str]:
    """Up to ``width`` characters before and after ``[start, end)``, whitespace squeezed (a
    space at either edge kept), and the span itself as written: ``before + span + after``
    reads as the document does."""
    before = text_[max(0, start - width) : start]
    after = text_[end : end + width]
    return squeeze_spaces(before), text_[start:end], squeeze_spaces(after)


def examples(
    engine: Engine,
    technique: str,
    filters: Filters | None = None,
    model: ModelInfo | None = None,
    limit: int = DEFAULT_EXAMPLES_LIMIT,
    context: int = 80,
) -> list[Example]:
    """The highest-scoring spans of ``technique`` with ``context`` characters either side, in
    each text's current analysis (``model``'s when given); a text published several times is
    shown once, in its first document."""
    filters = filters or Filters()
    read = reading(engine, filters, model)
    query = (
        select(
            TextRow.id, TextRow.text, SpanRow.technique, SpanRow.score, SpanRow.start, SpanRow.end
        )
        .join(AnalysisRow, AnalysisRow.text_id == TextRow.id)
        .join(SpanRow, SpanRow.analysis_id == AnalysisRow.id)
        .where(
            SpanRow.technique == technique,
            read.current(),
            TextRow.id.in_(filtered(select(DocumentRow.text_id), filters)),
        )
        .order_by(SpanRow.score.desc(), SpanRow.id)
        .limit(limit)
    )
    with Session(engine) as session:
        rows = session.execute(query).all()
        documents = first_documents(session, sorted({row[0] for row in rows}), filters)
    found = []
    for text_id, body, tech, score, start, end in rows:
        before, span, after = _context(body, start, end, context)
        document, copies = documents[text_id]
        found.append(
            Example(
                **found_in(document),
                technique=tech,
                score=score,
                start=start,
                end=end,
                before=before,
                span=span,
                after=after,
                copies=copies,
            )
        )
    return found


@dataclass(frozen=True)
class DocumentItem:
    """A line of a document list."""

    id: int
    external_id: str | None
    title: str | None
    source: str | None
    published: date | None
    words: int
    spans: int
    model_name: str
    model_version: str
    """The model version whose analysis of the document is shown."""


def list_documents(
    engine: Engine,
    filters: Filters | None = None,
    model: ModelInfo | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[DocumentItem], int]:
    """One page of the analysed documents that match ``filters``, each with its current
    analysis (``model``'s when given), and the total.

    With ``filters.technique`` only documents with a span of that technique are listed.
    """
    filters = filters or Filters()
    read = reading(engine, filters, model)
    span_count = (
        select(func.count())
        .where(SpanRow.analysis_id == AnalysisRow.id)
        .correlate(AnalysisRow)
        .scalar_subquery()
    )
    query = filtered(
        select(
            DocumentRow.id,
            DocumentRow.external_id,
            DocumentRow.title,
            DocumentRow.source,
            DocumentRow.published,
            TextRow.words,
            span_count,
            AnalysisRow.model_name,
            AnalysisRow.model_version,
        )
        .join(TextRow, TextRow.id == DocumentRow.text_id)
        .join(AnalysisRow, AnalysisRow.text_id == DocumentRow.text_id)
        .where(read.current()),
        filters,
    )
    if filters.technique is not None:
        query = query.where(
            select(SpanRow.id)
            .where(SpanRow.analysis_id == AnalysisRow.id, SpanRow.technique == filters.technique)
            .exists()
        )
    with Session(engine) as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.execute(
            query.order_by(DocumentRow.published.desc(), DocumentRow.id).limit(limit).offset(offset)
        ).all()
    return [DocumentItem(*row) for row in rows], total


def load_analysis(
    engine: Engine, document_id: int, model: ModelInfo | None = None
) -> Analysis | None:
    """One document's current analysis (``model``'s when given), with the model that made it."""
    read = reading(engine, Filters(), model)
    with Session(engine) as session:
        row = session.get(DocumentRow, document_id)
        if row is None:
            return None
        found = session.execute(
            select(AnalysisRow.id, AnalysisRow.model_name, AnalysisRow.model_version).where(
                AnalysisRow.text_id == row.text_id, read.current()
            )
        ).first()
        if found is None:
            return None
        analysis_id, name, version = found
        body = session.scalar(select(TextRow.text).where(TextRow.id == row.text_id)) or ""
        rows = session.scalars(select(SpanRow).where(SpanRow.analysis_id == analysis_id))
        spans = in_reading_order(Span(s.start, s.end, s.technique, s.score) for s in rows)
        document = row.to_document(body)
    return Analysis(document, spans, model or ModelInfo(name, version))
