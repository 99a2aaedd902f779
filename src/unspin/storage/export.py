"""Export documents, spans or statistics as JSONL, CSV or Parquet."""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, String, cast, false, func, select
from sqlalchemy.orm import Session

from unspin.formats.annotated import Annotated
from unspin.schema import Document, ModelInfo, Span
from unspin.storage.filters import Filters, filtered, latest_model
from unspin.storage.models import AnalysisRow, DocumentRow, SpanRow, TextRow
from unspin.storage.stats import Stats

DOCUMENT_FIELDS = (
    "id",
    "external_id",
    "text_id",
    "content_hash",
    "title",
    "source",
    "url",
    "author",
    "published",
    "language",
    "words",
    "text",
)
SPAN_FIELDS = (
    "document_id",
    "source",
    "published",
    "text_id",
    "model_name",
    "model_version",
    "start",
    "end",
    "technique",
    "score",
    "text",
)
"""Columns of a span export: ``document_id`` is the document's own id (``text_id`` the store's
id of its text, shared by copies of one text; each copy has its rows)."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""Cell starts that make spreadsheets evaluate a cell (OWASP, "CSV Injection")."""


def _with_technique(query: Any, filters: Filters, model: ModelInfo | None) -> Any:
    """``query`` kept to documents whose text ``model`` found ``filters.technique`` in."""
    if filters.technique is None:
        return query
    if model is None:
        return query.where(false())
    return query.where(
        select(SpanRow.id)
        .join(AnalysisRow, AnalysisRow.id == SpanRow.analysis_id)
        .where(
            AnalysisRow.text_id == DocumentRow.text_id,
            AnalysisRow.made_by(model),
            SpanRow.technique == filters.technique,
        )
        .exists()
    )


def document_records(
    engine: Engine, filters: Filters | None = None, model: ModelInfo | None = None
) -> Iterator[dict[str, Any]]:
    """Every stored document (each copy of a text on its own) that ``filters`` match; with a
    technique, those in whose text ``model`` (default: the latest) found it."""
    filters = filters or Filters()
    if filters.technique is not None:
        model = model or latest_model(engine)
    query = filtered(
        select(DocumentRow, TextRow).join(TextRow, TextRow.id == DocumentRow.text_id), filters
    )
    query = _with_technique(query, filters, model).order_by(DocumentRow.id)
    with Session(engine) as session:
        for document, text_row in session.execute(query).yield_per(500):
            record = {
                "id": document.id,
                "external_id": document.external_id,
                "text_id": text_row.id,
                "content_hash": text_row.content_hash,
                "title": document.title,
                "source": document.source,
                "url": document.url,
                "author": document.author,
                "published": document.published.isoformat() if document.published else None,
                "language": text_row.language or document.language,
                "words": text_row.words,
                "text": text_row.text,
            }
            yield record


def span_records(
    engine: Engine, model: ModelInfo | None = None, filters: Filters | None = None
) -> Iterator[dict[str, Any]]:
    """Every stored span (of ``model`` if given) in every document ``filters`` match, with the
    text it covers."""
    filters = filters or Filters()
    query = filtered(
        select(
            func.coalesce(DocumentRow.external_id, cast(DocumentRow.id, String)),
            DocumentRow.source,
            DocumentRow.published,
            AnalysisRow.text_id,
            AnalysisRow.model_name,
            AnalysisRow.model_version,
            SpanRow.start,
            SpanRow.end,
            SpanRow.technique,
            SpanRow.score,
            TextRow.text,
        )
        .join(TextRow, TextRow.id == DocumentRow.text_id)
        .join(AnalysisRow, AnalysisRow.text_id == TextRow.id)
        .join(SpanRow, SpanRow.analysis_id == AnalysisRow.id)
        .order_by(DocumentRow.id, AnalysisRow.id, SpanRow.start, SpanRow.id),
        filters,
    )
    if model is not None:
        query = query.where(AnalysisRow.made_by(model))
    if filters.technique is not None:
        query = query.where(SpanRow.technique == filters.technique)
    with Session(engine) as session:
        for row in session.execute(query).yield_per(1000):
            record = dict(zip(SPAN_FIELDS, row, strict=True))
            record["published"] = row[2].isoformat() if row[2] else None
            record["text"] = row.text[row.start : row.end]
            yield record


def annotated_documents(
    engine: Engine, filters: Filters | None = None, model: ModelInfo | None = None
) -> Iterator[Annotated]:
    """Each document ``filters`` match with the spans ``model`` (default: the latest) found in
    its text, for an annotation tool (``unspin export --format label-studio|brat``)."""
    model = model or latest_model(engine)
    if model is None:
        return
    records = iter(document_records(engine, filters, model))
    while chunk := list(itertools.islice(records, 500)):
        spans: dict[int, list[Span]] = {}
        query = (
            select(
                AnalysisRow.text_id, SpanRow.start, SpanRow.end, SpanRow.technique, SpanRow.score
            )
            .join(SpanRow, SpanRow.analysis_id == AnalysisRow.id)
            .where(
                AnalysisRow.made_by(model), AnalysisRow.text_id.in_({r["text_id"] for r in chunk})
            )
            .order_by(SpanRow.start, SpanRow.id)
        )
        with Session(engine) as session:
            for text_id, start, end, technique, score in session.execute(query):
                spans.setdefault(text_id, []).append(Span(start, end, technique, score))
        for record in chunk:
            document = Document.from_dict(
                {**record, "id": record["external_id"] or str(record["id"])}
            )
            yield Annotated(document, spans.get(record["text_id"], []), model)


def stats_records(stats: Stats) -> Iterator[dict[str, Any]]:
    """One flat record per group: counts, rate and one ``share:TECHNIQUE`` column each."""
    for group in stats.groups:
        record: dict[str, Any] = {
            stats.by: group.group,
            "documents": group.documents,
            "texts": group.texts,
            "unreadable": group.unreadable,
            "words": group.words,
            "spans": group.spans,
            "spans_per_1000_words": round(group.spans_per_1000_words, 3),
        }
        for technique in stats.techniques:
            record[f"share:{technique}"] = (
                round(group.share(technique), 4) if group.documents else None
            )
        yield record


def neutralise_formula(value: Any) -> Any:
    """``value`` with a ``'`` in front when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_records(records: Iterator[dict[str, Any]], fmt: str, out: IO[str] | Path) -> int:
    """Write ``records`` as ``jsonl``, ``csv`` or ``parquet`` (a path); return how many."""
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not isinstance(out, Path):
            raise ValueError("parquet needs an output file (-o FILE.parquet)")
        rows = list(records)
        pq.write_table(pa.Table.from_pylist(rows), out)
        return len(rows)
    if isinstance(out, Path):
        with out.open("w", encoding="utf-8", newline="") as handle:
            return write_records(records, fmt, handle)
    count = 0
    writer: csv.DictWriter[str] | None = None
    for record in records:
        if fmt == "csv":
            if writer is None:
                writer = csv.DictWriter(out, fieldnames=list(record))
                writer.writeheader()
            writer.writerow({k: neutralise_formula(v) for k, v in record.items()})
        else:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count
