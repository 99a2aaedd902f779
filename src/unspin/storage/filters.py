"""What every corpus query shares: filters on documents and which analysis of each text counts.

A text may hold several analyses: one per model version that read it. A corpus view reads each
text's **current** analysis: among the analyses by the newest version of each model name in the
store (the version of that name's newest analysis: a re-ingest with a new version supersedes the
old one), the newest by a model that reads the text's language, else the newest. So a corpus
routed by language (English texts read by one model, Arabic by another) is seen whole, each text
once, and a text re-read with ``--model`` counts with its newest reading unless that model could
not read it. ``Filters.model`` narrows a view to one model instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Engine, Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from unspin.errors import UnspinError
from unspin.schema import ModelInfo
from unspin.storage.models import AnalysisRow, DocumentRow

UNKNOWN = "(unknown)"
"""The group (and ``--source``) of documents without a source or language."""

_Q = TypeVar("_Q", bound=Select[*tuple[Any, ...]])


@dataclass(frozen=True)
class Filters:
    """Which documents a query looks at."""

    source: str | None = None
    since: date | None = None
    until: date | None = None
    technique: str | None = None
    model: str | None = None
    """Only this model's analyses: ``NAME`` (its newest version in the store) or
    ``NAME@VERSION``; None: each text's current analysis, whichever model made it."""


def filtered(query: _Q, filters: Filters) -> _Q:
    """``query`` (which selects from ``documents``) kept to the documents ``filters`` match."""
    if filters.source == UNKNOWN:
        query = query.where(DocumentRow.source.is_(None))
    elif filters.source is not None:
        query = query.where(DocumentRow.source == filters.source)
    if filters.since is not None:
        query = query.where(DocumentRow.published >= filters.since)
    if filters.until is not None:
        query = query.where(DocumentRow.published <= filters.until)
    return query


class UnknownModelError(UnspinError, ValueError):
    """A model filter that names no model version in the store."""


@dataclass(frozen=True)
class Reading:
    """Which analyses a corpus view reads: of each text, the best by one of ``models``."""

    models: tuple[ModelInfo, ...]
    """The model versions whose analyses count (none: the view is empty)."""

    @property
    def routed(self) -> bool:
        """Whether texts may have been read by different models."""
        return len(self.models) > 1

    def current(self) -> ColumnElement[bool]:
        """That an ``analyses`` row is the one that counts for its text: by one of ``models``
        and no better one by them (one whose model reads the text where this one does not,
        else a newer one)."""
        by_model = AnalysisRow.made_by(*self.models)
        if not self.routed:  # one analysis per text and model version
            return by_model
        other = aliased(AnalysisRow)
        unread, other_unread = AnalysisRow.readable.is_(False), other.readable.is_(False)
        better = or_(
            and_(unread, ~other_unread),
            and_(unread == other_unread, other.id > AnalysisRow.id),
        )
        rival = select(other.id).where(
            other.text_id == AnalysisRow.text_id, AnalysisRow.made_by(*self.models, row=other)
        )
        return and_(by_model, ~rival.where(better).exists())


def newest_versions(engine: Engine) -> list[ModelInfo]:
    """The newest version of each model name in the store (of its newest analysis), by name."""
    newest = aliased(AnalysisRow)
    latest = select(func.max(newest.id)).group_by(newest.model_name)
    with Session(engine) as session:
        rows = session.execute(
            select(AnalysisRow.model_name, AnalysisRow.model_version)
            .where(AnalysisRow.id.in_(latest))
            .order_by(AnalysisRow.model_name)
        ).all()
    return [ModelInfo(name, version) for name, version in rows]


def reading(engine: Engine, filters: Filters, model: ModelInfo | None = None) -> Reading:
    """What a view with ``filters`` reads: ``model``'s analyses when given, else those of
    ``filters.model``, else each text's current analysis (see the module's docstring).

    Raises :class:`UnknownModelError` when ``filters.model`` names no model in the store.
    """
    if model is not None:
        return Reading((model,))
    current = newest_versions(engine)
    if filters.model is None:
        return Reading(tuple(current))
    name, _, version = filters.model.partition("@")
    stored = [info for info, _ in models(engine)]
    chosen = [
        info
        for info in (stored if version else current)
        if info.name == name and (not version or info.version == version)
    ]
    if not chosen:
        stored_names = ", ".join(f"{info.name}@{info.version}" for info in stored)
        raise UnknownModelError(
            f"no analyses by model {filters.model!r} in the store"
            + (f"; it holds {stored_names}" if stored_names else "")
        )
    return Reading((chosen[0],))


def models(engine: Engine) -> list[tuple[ModelInfo, int]]:
    """Every model version in the store with how many texts it analysed."""
    with Session(engine) as session:
        rows = session.execute(
            select(AnalysisRow.model_name, AnalysisRow.model_version, func.count())
            .group_by(AnalysisRow.model_name, AnalysisRow.model_version)
            .order_by(AnalysisRow.model_name, AnalysisRow.model_version)
        ).all()
    return [(ModelInfo(name, version), count) for name, version, count in rows]


def sources(engine: Engine) -> list[str]:
    """Every source name in the store."""
    with Session(engine) as session:
        names = session.scalars(
            select(DocumentRow.source).where(DocumentRow.source.is_not(None)).distinct()
        )
        return sorted(name for name in names if name is not None)
