"""The corpus tables: documents, their analyses (one per model version) and the spans found."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql import func

from unspin.schema import Document, ModelInfo

_SHARED_FIELDS = ("title", "text", "source", "url", "author", "published", "language")
"""Columns of ``documents`` that hold the Document field of the same name."""


class Base(DeclarativeBase):
    """Declarative base of the corpus tables."""


class DocumentRow(Base):
    """One stored document; ``content_hash`` (SHA-256 of the text) is unique."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(512))
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    words: Mapped[int] = mapped_column(Integer)
    source: Mapped[str | None] = mapped_column(String(512), index=True)
    url: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(512))
    published: Mapped[date | None] = mapped_column(index=True)
    language: Mapped[str | None] = mapped_column(String(32))
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)

    analyses: Mapped[list[AnalysisRow]] = relationship(back_populates="document")

    @classmethod
    def from_document(cls, document: Document, content_hash: str, words: int) -> DocumentRow:
        """A row holding ``document``, stored under ``content_hash``."""
        shared = {name: getattr(document, name) for name in _SHARED_FIELDS}
        return cls(
            content_hash=content_hash,
            external_id=document.id,
            words=words,
            metadata_=document.metadata,
            **shared,
        )

    def to_document(self) -> Document:
        """The stored document (its id is the external one, else the row's)."""
        shared = {name: getattr(self, name) for name in _SHARED_FIELDS}
        return Document(
            id=self.external_id or str(self.id), metadata=dict(self.metadata_ or {}), **shared
        )


class ModelRow(Base):
    """A model (name and version) whose analyses the store holds, with its fingerprint."""

    __tablename__ = "models"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    version: Mapped[str] = mapped_column(String(100), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class AnalysisRow(Base):
    """The analysis of one document by one model version."""

    __tablename__ = "analyses"
    __table_args__ = (UniqueConstraint("document_id", "model_name", "model_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    model_name: Mapped[str] = mapped_column(String(200))
    model_version: Mapped[str] = mapped_column(String(100))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    document: Mapped[DocumentRow] = relationship(back_populates="analyses")
    spans: Mapped[list[SpanRow]] = relationship(back_populates="analysis")

    @staticmethod
    def made_by(model: ModelInfo) -> ColumnElement[bool]:
        """The condition that an analysis is by ``model``."""
        return and_(
            AnalysisRow.model_name == model.name, AnalysisRow.model_version == model.version
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

    analysis: Mapped[AnalysisRow] = relationship(back_populates="spans")
