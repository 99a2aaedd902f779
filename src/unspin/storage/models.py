"""The corpus tables.

``texts`` holds each distinct text once (by SHA-256 of its characters); ``documents`` holds every
occurrence of a text, with its own id, title, source, date, url and metadata, so a wire story
republished by ten outlets is ten documents of one text. A text is analysed once per model
version (``analyses``, with its ``spans``); ``models`` records each model's fingerprint.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ColumnElement,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    false,
    or_,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql import func

from unspin.schema import Document, ModelInfo

_OCCURRENCE_FIELDS = ("title", "source", "url", "author", "published", "language")
"""Columns of ``documents`` that hold the Document field of the same name."""


class Base(DeclarativeBase):
    """Declarative base of the corpus tables."""


class TextRow(Base):
    """One distinct text; ``content_hash`` (SHA-256 of the text) is unique."""

    __tablename__ = "texts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    text: Mapped[str] = mapped_column(Text)
    words: Mapped[int] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(String(32))
    """The text's language: detected, else as its first document declared it (None: unknown)."""


class DocumentRow(Base):
    """One occurrence of a text: where and when it was published, under which id.

    ``occurrence_key`` (see :func:`occurrence_key`) tells occurrences of one text apart: a record
    with the same source and id as a stored one updates it rather than adding another.
    """

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("text_id", "occurrence_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text_id: Mapped[int] = mapped_column(ForeignKey("texts.id", ondelete="CASCADE"), index=True)
    occurrence_key: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str | None] = mapped_column(String(512))
    title: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(512), index=True)
    url: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(512))
    published: Mapped[date | None] = mapped_column(index=True)
    language: Mapped[str | None] = mapped_column(String(32))
    """The language the record declared (the text's own is ``texts.language``)."""
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)

    def to_document(self, text: str) -> Document:
        """The stored document (its id is the external one, else the row's)."""
        shared = {name: getattr(self, name) for name in _OCCURRENCE_FIELDS}
        return Document(
            id=self.external_id or str(self.id),
            text=text,
            metadata=dict(self.metadata_ or {}),
            **shared,
        )


def occurrence_key(source: str | None, external_id: str | None) -> str:
    """What tells two documents of one text apart: SHA-256 of their source and id."""
    return hashlib.sha256(json.dumps([source, external_id]).encode("utf-8")).hexdigest()


def occurrence_values(document: Document) -> dict[str, Any]:
    """The ``documents`` columns (but ``text_id``) of ``document``."""
    return {
        "occurrence_key": occurrence_key(document.source, document.id),
        "external_id": document.id,
        "metadata": document.metadata,
        **{name: getattr(document, name) for name in _OCCURRENCE_FIELDS},
    }


class ModelRow(Base):
    """A model (name and version) whose analyses the store holds, with its fingerprint."""

    __tablename__ = "models"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    version: Mapped[str] = mapped_column(String(100), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class AnalysisRow(Base):
    """The analysis of one text by one model version."""

    __tablename__ = "analyses"
    __table_args__ = (UniqueConstraint("text_id", "model_name", "model_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text_id: Mapped[int] = mapped_column(ForeignKey("texts.id", ondelete="CASCADE"))
    model_name: Mapped[str] = mapped_column(String(200))
    model_version: Mapped[str] = mapped_column(String(100))
    readable: Mapped[bool | None] = mapped_column(Boolean)
    """Whether the model reads the text's language: False keeps the analysis out of statistics
    (it found nothing because it could not read, not because the text is clean); None: unknown."""
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @staticmethod
    def made_by(*models: ModelInfo, row: Any = None) -> ColumnElement[bool]:
        """The condition that an analysis (``row``: this table or an alias of it) is by one of
        ``models`` (never true without one)."""
        row = AnalysisRow if row is None else row
        return or_(
            false(),
            *(and_(row.model_name == m.name, row.model_version == m.version) for m in models),
        )


class SpanRow(Base):
    """A technique span ``[start, end)`` of an analysis, with its score."""

    __tablename__ = "spans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    analysis_id: Mapped[int] = mapped_column(
        ForeignKey("analyses.id", ondelete="CASCADE"), index=True
    )
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    technique: Mapped[str] = mapped_column(String(100), index=True)
    score: Mapped[float] = mapped_column(Float)
