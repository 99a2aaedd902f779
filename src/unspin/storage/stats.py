"""Corpus statistics: documents, spans per 1,000 words and technique shares per group.

Each document counts once, with its text's current analysis (see :mod:`unspin.storage.filters`;
``by="model"`` groups documents by the model version that read them, as ``NAME@VERSION``).
Documents are occurrences: a text published by three outlets counts three times, once in each
outlet's group (``texts`` says how many distinct texts a group holds). Documents whose analysis
could not read their language are counted apart (``unreadable``), never as clean. Time groups
(months, weeks) run without gaps from the first to the last dated document, empty periods
included; undated documents are counted apart (``Stats.undated``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from unspin.schema import ModelInfo
from unspin.storage.filters import UNKNOWN, Filters, Reading, filtered, reading
from unspin.storage.models import AnalysisRow, DocumentRow, SpanRow, TextRow

GroupBy = Literal["source", "month", "week", "language", "model", "all"]
GROUPS: tuple[str, ...] = ("source", "month", "week", "language", "model", "all")
TIME_GROUPS = ("month", "week")
MAX_PERIODS = 5000
"""The most empty periods a time grouping fills in."""


@dataclass
class GroupStats:
    """Figures of one group (a source, a month, ...)."""

    group: str
    documents: int = 0
    words: int = 0
    spans: int = 0
    documents_with: dict[str, int] = field(default_factory=dict)
    texts: int = 0
    """Distinct texts among the documents (fewer when copies of one text are in the group)."""
    unreadable: int = 0
    """Documents in a language the model does not read: left out of every other figure."""

    @property
    def spans_per_1000_words(self) -> float:
        return 1000 * self.spans / self.words if self.words else 0.0

    def share(self, technique: str) -> float:
        """Share of this group's documents that use ``technique`` (0 without documents: check
        ``documents`` before reading it as "none use it")."""
        return self.documents_with.get(technique, 0) / self.documents if self.documents else 0.0

    def to_dict(self, techniques: list[str]) -> dict[str, Any]:
        return {
            "group": self.group,
            "documents": self.documents,
            "texts": self.texts,
            "unreadable": self.unreadable,
            "words": self.words,
            "spans": self.spans,
            "spans_per_1000_words": round(self.spans_per_1000_words, 3),
            "share": {t: round(self.share(t), 4) if self.documents else None for t in techniques},
        }


@dataclass
class Stats:
    """Per-group statistics of the analyses a view reads (see :func:`stats`)."""

    by: str
    models: list[ModelInfo]
    """The model versions that read the documents in the groups, by name."""
    techniques: list[str]
    groups: list[GroupStats]
    undated: int = 0
    """Documents left out of time groups because they have no date."""

    @property
    def read_by(self) -> str:
        """``NAME VERSION`` of each model that read the documents, comma-separated."""
        return ", ".join(f"{model.name} {model.version}" for model in self.models)

    def to_dict(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "models": [model.to_dict() for model in self.models],
            "techniques": self.techniques,
            "groups": [g.to_dict(self.techniques) for g in self.groups],
            "undated": self.undated,
        }


def undated_note(count: int) -> str:
    """The note beside figures over time that leave ``count`` undated documents out."""
    return f"{count:,} undated document{'s' if count != 1 else ''} not shown (no date to place)"


def unreadable_note(count: int) -> str:
    """The note beside figures that leave out ``count`` documents the model cannot read."""
    return (
        f"{count:,} document{'s' if count != 1 else ''} in a language the model does not read "
        "left out (not counted as free of techniques)"
    )


def group_key(
    by: str,
    source: str | None,
    published: date | None,
    language: str | None,
    model: ModelInfo | None = None,
) -> str:
    """The group a document falls in (:data:`UNKNOWN` for an undated one in a time group)."""
    if by == "all":
        return "all"
    if by == "model":
        return f"{model.name}@{model.version}" if model else UNKNOWN
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
    """Documents, spans per 1,000 words and technique shares per group: of each document's
    current analysis, or of ``model``'s (or ``filters.model``'s) analyses when given."""
    filters = filters or Filters()
    documents, counts = _stats_rows(engine, reading(engine, filters, model), filters)
    per_analysis: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for analysis_id, technique, count in counts:
        per_analysis[analysis_id].append((technique, count))
    groups: dict[str, GroupStats] = {}
    texts: dict[str, set[int]] = defaultdict(set)
    totals: dict[str, int] = defaultdict(int)
    undated = 0
    read_by: set[ModelInfo] = set()
    for (
        analysis_id,
        readable,
        name,
        version,
        text_id,
        source,
        published,
        language,
        words,
    ) in documents:
        info = ModelInfo(name, version)
        key = group_key(by, source, published, language, info)
        if by in TIME_GROUPS and published is None:
            undated += 1
            continue
        group = groups.setdefault(key, GroupStats(key))
        read_by.add(info)
        if readable is False:
            group.unreadable += 1
            continue
        group.documents += 1
        group.words += words
        texts[key].add(text_id)
        for technique, count in per_analysis.get(analysis_id, []):
            group.spans += count
            group.documents_with[technique] = group.documents_with.get(technique, 0) + 1
            totals[technique] += count
    for key, ids in texts.items():
        groups[key].texts = len(ids)
    techniques = sorted(totals, key=lambda t: (-totals[t], t))
    if filters.technique is not None:
        techniques = [filters.technique]
    if by in TIME_GROUPS and groups:
        for key in periods(by, min(groups), max(groups)):
            groups.setdefault(key, GroupStats(key))
    ordered = sorted(groups.values(), key=lambda g: g.group)
    if by == "source":
        ordered.sort(key=lambda g: -g.documents)
    models = sorted(read_by, key=lambda m: (m.name, m.version))
    return Stats(by, models, techniques, ordered, undated)


def periods(by: str, first: str, last: str) -> list[str]:
    """Every month or week from ``first`` to ``last`` (group names), in order."""
    start, end = group_dates(by, first), group_dates(by, last)
    if start is None or end is None:
        return [first, last]
    names: list[str] = []
    day = start[0]
    while day <= end[0]:
        if len(names) > MAX_PERIODS:  # dates centuries apart: show the periods that have data
            return [first, last]
        names.append(group_key(by, None, day, None))
        day = day + timedelta(days=7) if by == "week" else start_of_next_month(day)
    return names


def start_of_next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def group_dates(by: str, group: str) -> tuple[date, date] | None:
    """The first and last day of a ``month`` (``2020-03``) or ``week`` (``2020-W09``) group."""
    try:
        if by == "month":
            year, month = (int(x) for x in group.split("-"))
            first = date(year, month, 1)
            return first, start_of_next_month(first) - timedelta(days=1)
        if by == "week":
            iso_year, iso_week = group.split("-W")
            monday = date.fromisocalendar(int(iso_year), int(iso_week), 1)
            return monday, monday + timedelta(days=6)
    except ValueError:
        return None
    return None


def _stats_rows(
    engine: Engine, read: Reading, filters: Filters
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The documents (one row per occurrence) and the span counts per analysis and technique."""
    docs_query = filtered(
        select(
            AnalysisRow.id,
            AnalysisRow.readable,
            AnalysisRow.model_name,
            AnalysisRow.model_version,
            DocumentRow.text_id,
            DocumentRow.source,
            DocumentRow.published,
            func.coalesce(TextRow.language, DocumentRow.language),
            TextRow.words,
        )
        .join(TextRow, TextRow.id == DocumentRow.text_id)
        .join(AnalysisRow, AnalysisRow.text_id == DocumentRow.text_id)
        .where(read.current()),
        filters,
    )
    spans_query = (
        select(AnalysisRow.id, SpanRow.technique, func.count())
        .join(SpanRow, SpanRow.analysis_id == AnalysisRow.id)
        .where(
            read.current(),
            AnalysisRow.text_id.in_(filtered(select(DocumentRow.text_id), filters)),
        )
        .group_by(AnalysisRow.id, SpanRow.technique)
    )
    if filters.technique is not None:
        spans_query = spans_query.where(SpanRow.technique == filters.technique)
    with Session(engine) as session:
        documents = [tuple(row) for row in session.execute(docs_query)]
        counts = [tuple(row) for row in session.execute(spans_query)]
    return documents, counts
