"""What every corpus query shares: filters on documents and the choice of model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Engine, Select, func, select
from sqlalchemy.orm import Session

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
