"""The corpus tables: documents, their analyses (one per model version) and the spans found."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql import func


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
