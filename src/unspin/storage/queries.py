"""Corpus statistics, example spans and full-text search."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal, TypeVar

from sqlalchemy import Engine, Select, func, select, text
from sqlalchemy.orm import Session

from unspin.schema import Analysis, ModelInfo, Span, in_reading_order
from unspin.storage.db import is_postgres
from unspin.storage.models import AnalysisRow, DocumentRow, SpanRow

GroupBy = Literal["source", "month", "week", "language", "all"]
GROUPS: tuple[str, ...] = ("source", "month", "week", "language", "all")
UNKNOWN = "(unknown)"
_WHITESPACE = re.compile(r"\s+")

_Q = TypeVar("_Q", bound=Select[*tuple[Any, ...]])


@dataclass(frozen=True)
class Filters:
    """Which documents a query looks at."""

    source: str | None = None
    since: date | None = None
    until: date | None = None
    technique: str | None = None


@dataclass
class GroupStats:
    """Figures of one group (a source, a month, ...)."""

    group: str
    documents: int = 0
    words: int = 0
    spans: int = 0
    documents_with: dict[str, int] = field(default_factory=dict)

    @property
    def spans_per_1000_words(self) -> float:
        return 1000 * self.spans / self.words if self.words else 0.0

    def share(self, technique: str) -> float:
        """Share of this group's documents that use ``technique``."""
        return self.documents_with.get(technique, 0) / self.documents if self.documents else 0.0

    def to_dict(self, techniques: list[str]) -> dict[str, Any]:
        return {
            "group": self.group,
            "documents": self.documents,
            "words": self.words,
            "spans": self.spans,
            "spans_per_1000_words": round(self.spans_per_1000_words, 3),
            "share": {t: round(self.share(t), 4) for t in techniques},
        }


@dataclass
class Stats:
    """Per-group statistics of one model's analyses."""

    by: str
    model: ModelInfo | None
    techniques: list[str]
    groups: list[GroupStats]

    def to_dict(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "model": self.model.to_dict() if self.model else None,
            "techniques": self.techniques,
            "groups": [g.to_dict(self.techniques) for g in self.groups],
        }


def latest_model(engine: Engine) -> ModelInfo | None:
    """The model of the most recent analysis in the store, if any."""
    with Session(engine) as session:
        row = session.execute(
            select(AnalysisRow.model_name, AnalysisRow.model_version)
            .order_by(AnalysisRow.id.desc())
            .limit(1)
        ).first()
    return ModelInfo(row[0], row[1]) if row else None


def models(engine: Engine) -> list[tuple[ModelInfo, int]]:
    """Every model version in the store with how many documents it analysed."""
    with Session(engine) as session:
        rows = session.execute(
            select(AnalysisRow.model_name, AnalysisRow.model_version, func.count())
            .group_by(AnalysisRow.model_name, AnalysisRow.model_version)
            .order_by(AnalysisRow.model_name, AnalysisRow.model_version)
        ).all()
    return [(ModelInfo(name, version), count) for name, version, count in rows]


def _filtered(query: _Q, filters: Filters, model: ModelInfo) -> _Q:
    query = query.where(AnalysisRow.made_by(model))
    if filters.source == UNKNOWN:
        query = query.where(DocumentRow.source.is_(None))
    elif filters.source is not None:
        query = query.where(DocumentRow.source == filters.source)
    if filters.since is not None:
        query = query.where(DocumentRow.published >= filters.since)
    if filters.until is not None:
        query = query.where(DocumentRow.published <= filters.until)
    return query


def group_key(by: str, source: str | None, published: date | None, language: str | None) -> str:
    """The group a document falls in."""
    if by == "all":
        return "all"
    if by == "source":
        return source or UNKNOWN
    if by == "language":
        return language or UNKNOWN
    if published is None:
        return UNKNOWN
    if by == "month":
        return f"{published.year:04d}-{published.month:02d}"
    year, week, _ = published.isocalendar()
    return f"{year:04d}-W{week:02d}"


def stats(
    engine: Engine,
    by: str = "source",
    filters: Filters | None = None,
    model: ModelInfo | None = None,
) -> Stats:
    """Documents, spans per 1,000 words and technique shares per group."""
    filters = filters or Filters()
    model = model or latest_model(engine)
    if model is None:
        return Stats(by, None, [], [])
    docs_query = _filtered(
        select(
            AnalysisRow.id,
            DocumentRow.source,
            DocumentRow.published,
            DocumentRow.language,
            DocumentRow.words,
        ).join(AnalysisRow, AnalysisRow.document_id == DocumentRow.id),
        filters,
        model,
    )
    spans_query = _filtered(
        select(AnalysisRow.id, SpanRow.technique, func.count())
        .join(SpanRow, SpanRow.analysis_id == AnalysisRow.id)
        .join(DocumentRow, DocumentRow.id == AnalysisRow.document_id)
        .group_by(AnalysisRow.id, SpanRow.technique),
        filters,
        model,
    )
    if filters.technique is not None:
        spans_query = spans_query.where(SpanRow.technique == filters.technique)
    with Session(engine) as session:
        documents = session.execute(docs_query).all()
        counts = session.execute(spans_query).all()
    per_analysis: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for analysis_id, technique, count in counts:
        per_analysis[analysis_id].append((technique, count))
    groups: dict[str, GroupStats] = {}
    totals: dict[str, int] = defaultdict(int)
    for analysis_id, source, published, language, words in documents:
        key = group_key(by, source, published, language)
        group = groups.setdefault(key, GroupStats(key))
        group.documents += 1
        group.words += words
        for technique, count in per_analysis.get(analysis_id, []):
            group.spans += count
            group.documents_with[technique] = group.documents_with.get(technique, 0) + 1
            totals[technique] += count
    techniques = sorted(totals, key=lambda t: (-totals[t], t))
    if filters.technique is not None:
        techniques = [filters.technique]
    ordered = sorted(groups.values(), key=lambda g: g.group)
    if by == "source":
        ordered.sort(key=lambda g: -g.documents)
    return Stats(by, model, techniques, ordered)


_FOUND_COLUMNS = (DocumentRow.id, DocumentRow.title, DocumentRow.source, DocumentRow.published)


@dataclass(frozen=True)
class Found:
    """The document a result was found in (from ``_FOUND_COLUMNS``)."""

    document_id: int
    title: str | None
    source: str | None
    published: date | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "title": self.title,
            "source": self.source,
            "published": self.published.isoformat() if self.published else None,
        }

    @property
    def where(self) -> str:
        """Source, date and title, as far as known."""
        return ", ".join(str(x) for x in (self.source, self.published, self.title) if x)


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
    limit: int = 10,
    context: int = 80,
) -> list[Example]:
    """The highest-scoring spans of ``technique`` with ``context`` characters either side."""
    filters = filters or Filters()
    model = model or latest_model(engine)
    if model is None:
        return []
    query = _filtered(
        select(
            *_FOUND_COLUMNS,
            DocumentRow.text,
            SpanRow.technique,
            SpanRow.score,
            SpanRow.start,
            SpanRow.end,
        )
        .join(AnalysisRow, AnalysisRow.document_id == DocumentRow.id)
        .join(SpanRow, SpanRow.analysis_id == AnalysisRow.id)
        .where(SpanRow.technique == technique)
        .order_by(SpanRow.score.desc(), SpanRow.id)
        .limit(limit),
        filters,
        model,
    )
    with Session(engine) as session:
        rows = session.execute(query).all()
    return [
        Example(
            doc_id,
            title,
            source,
            published,
            tech,
            score,
            start,
            end,
            *_context(body, start, end, context),
        )
        for doc_id, title, source, published, body, tech, score, start, end in rows
    ]


@dataclass(frozen=True)
class Hit(Found):
    """A document that matches a search, with the techniques found in it."""

    snippet: str
    techniques: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            **super().to_dict(),
            "snippet": self.snippet,
            "techniques": self.techniques,
        }


def _fts_ids(session: Session, engine: Engine, query: str, limit: int, offset: int) -> list[int]:
    if is_postgres(engine):
        sql = text(
            "SELECT id FROM documents WHERE to_tsvector('simple', coalesce(title, '') || ' ' || "
            "text) @@ websearch_to_tsquery('simple', :q) ORDER BY ts_rank(to_tsvector('simple', "
            "coalesce(title, '') || ' ' || text), websearch_to_tsquery('simple', :q)) DESC, id "
            "LIMIT :limit OFFSET :offset"
        )
        return list(session.scalars(sql, {"q": query, "limit": limit, "offset": offset}))
    terms = " ".join('"' + word.replace('"', '""') + '"' for word in query.split())
    if not terms:
        return []
    sql = text(
        "SELECT rowid FROM documents_fts WHERE documents_fts MATCH :q ORDER BY rank, rowid "
        "LIMIT :limit OFFSET :offset"
    )
    return list(session.scalars(sql, {"q": terms, "limit": limit, "offset": offset}))


def _snippet(body: str, query: str, width: int = 80) -> str:
    lowered = body.lower()
    positions = [lowered.find(w.lower()) for w in query.split()]
    found = [p for p in positions if p >= 0]
    at = min(found) if found else 0
    start = max(0, at - width)
    piece = " ".join(body[start : at + width * 2].split())
    return ("…" if start else "") + piece + ("…" if at + width * 2 < len(body) else "")


def search(
    engine: Engine,
    query: str,
    model: ModelInfo | None = None,
    limit: int = 20,
    offset: int = 0,
) -> list[Hit]:
    """Documents matching ``query`` (all words), best first, with the techniques of the
    spans that contain a query word."""
    model = model or latest_model(engine)
    words = [w.lower() for w in query.split()]
    with Session(engine) as session:
        ids = _fts_ids(session, engine, query, limit, offset)
        rows = {
            row.id: row
            for row in session.scalars(select(DocumentRow).where(DocumentRow.id.in_(ids)))
        }
        spans: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
        if model is not None and ids:
            for doc_id, technique, start, end in session.execute(
                select(AnalysisRow.document_id, SpanRow.technique, SpanRow.start, SpanRow.end)
                .join(SpanRow, SpanRow.analysis_id == AnalysisRow.id)
                .where(AnalysisRow.document_id.in_(ids), AnalysisRow.made_by(model))
            ):
                spans[doc_id].append((technique, start, end))
        hits = []
        for doc_id in ids:
            row = rows[doc_id]
            found: dict[str, int] = defaultdict(int)
            for technique, start, end in spans.get(doc_id, []):
                covered = row.text[start:end].lower()
                if any(w in covered for w in words):
                    found[technique] += 1
            hits.append(
                Hit(
                    doc_id,
                    row.title,
                    row.source,
                    row.published,
                    _snippet(row.text, query),
                    dict(found),
                )
            )
    return hits


def group_dates(by: str, group: str) -> tuple[date, date] | None:
    """The first and last day of a ``month`` (``2020-03``) or ``week`` (``2020-W09``) group."""
    try:
        if by == "month":
            year, month = (int(x) for x in group.split("-"))
            first = date(year, month, 1)
            following = date(year + month // 12, month % 12 + 1, 1)
            return first, following - timedelta(days=1)
        if by == "week":
            iso_year, iso_week = group.split("-W")
            monday = date.fromisocalendar(int(iso_year), int(iso_week), 1)
            return monday, monday + timedelta(days=6)
    except ValueError:
        return None
    return None


@dataclass(frozen=True)
class DocumentItem:
    """A line of a document list."""

    id: int
    title: str | None
    source: str | None
    published: date | None
    words: int
    spans: int


def list_documents(
    engine: Engine,
    filters: Filters | None = None,
    model: ModelInfo | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[DocumentItem], int]:
    """One page of the documents analysed by ``model`` that match ``filters``, and the total.

    With ``filters.technique`` only documents with a span of that technique are listed.
    """
    filters = filters or Filters()
    model = model or latest_model(engine)
    if model is None:
        return [], 0
    span_count = (
        select(func.count())
        .where(SpanRow.analysis_id == AnalysisRow.id)
        .correlate(AnalysisRow)
        .scalar_subquery()
    )
    query = _filtered(
        select(*_FOUND_COLUMNS, DocumentRow.words, span_count).join(
            AnalysisRow, AnalysisRow.document_id == DocumentRow.id
        ),
        filters,
        model,
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
    """The stored analysis of one document by ``model`` (default: the latest in the store)."""
    model = model or latest_model(engine)
    if model is None:
        return None
    with Session(engine) as session:
        row = session.get(DocumentRow, document_id)
        analysis_id = session.scalar(
            select(AnalysisRow.id).where(
                AnalysisRow.document_id == document_id, AnalysisRow.made_by(model)
            )
        )
        if row is None or analysis_id is None:
            return None
        rows = session.scalars(select(SpanRow).where(SpanRow.analysis_id == analysis_id))
        spans = in_reading_order(Span(s.start, s.end, s.technique, s.score) for s in rows)
        document = row.to_document()
    return Analysis(document, spans, model)


def sources(engine: Engine) -> list[str]:
    """Every source name in the store."""
    with Session(engine) as session:
        names = session.scalars(
            select(DocumentRow.source).where(DocumentRow.source.is_not(None)).distinct()
        )
        return sorted(name for name in names if name is not None)
