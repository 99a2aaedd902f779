"""Export documents, spans or statistics as JSONL, CSV or Parquet."""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, String, and_, cast, func, select
from sqlalchemy.orm import Session

from unspin.formats.annotated import Annotated
from unspin.schema import Document, ModelInfo, Span
from unspin.storage.filters import Filters, filtered, reading
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
    "model_name",
    "model_version",
    "text",
)
"""Columns of a document export: ``model_name``/``model_version`` name the model version whose
analysis of the document counts (None: none does; see :mod:`unspin.storage.filters`)."""
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


def document_records(
    engine: Engine,
    filters: Filters | None = None,
    model: ModelInfo | None = None,
    analysed: bool = False,
) -> Iterator[dict[str, Any]]:
    """Every stored document (each copy of a text on its own) that ``filters`` match, with the
    model version of its text's current analysis (``model_name``/``model_version``, None when
    none counts; see :mod:`unspin.storage.filters`). With ``model`` (or ``filters.model``), or
    ``analysed``, only the documents that analysis covers; with a technique, those in whose
    text it found one."""
    filters = filters or Filters()
    read = reading(engine, filters, model)
    on = and_(AnalysisRow.text_id == DocumentRow.text_id, read.current())
    query = select(DocumentRow, TextRow, AnalysisRow.model_name, AnalysisRow.model_version).join(
        TextRow, TextRow.id == DocumentRow.text_id
    )
    narrowed = analysed or model is not None or filters.model is not None
    query = filtered(
        query.join(AnalysisRow, on) if narrowed else query.outerjoin(AnalysisRow, on), filters
    )
    if filters.technique is not None:
        query = query.where(
            select(SpanRow.id)
            .where(SpanRow.analysis_id == AnalysisRow.id, SpanRow.technique == filters.technique)
            .exists()
        )
    with Session(engine) as session:
        rows = session.execute(query.order_by(DocumentRow.id)).yield_per(500)
        for document, text_row, model_name, model_version in rows:
            yield {
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
                "model_name": model_name,
                "model_version": model_version,
                "text": text_row.text,
            }


def span_records(
    engine: Engine, model: ModelInfo | None = None, filters: Filters | None = None
) -> Iterator[dict[str, Any]]:
    """The spans of each current analysis (``model``'s, or ``filters.model``'s, when given) in
    every document ``filters`` match, with the model that found them and the text they cover."""
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
        .where(reading(engine, filters, model).current())
        .order_by(DocumentRow.id, AnalysisRow.id, SpanRow.start, SpanRow.id),
        filters,
    )
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
    """Each analysed document ``filters`` match with the spans of its text's current analysis
    (``model``'s when given) and the model that found them, for an annotation tool
    (``unspin export --format label-studio|brat``)."""
    filters = filters or Filters()
    read = reading(engine, filters, model)
    records = iter(document_records(engine, filters, model, analysed=True))
    while chunk := list(itertools.islice(records, 500)):
        spans: dict[int, list[Span]] = {}
        query = (
            select(
                AnalysisRow.text_id, SpanRow.start, SpanRow.end, SpanRow.technique, SpanRow.score
            )
            .join(SpanRow, SpanRow.analysis_id == AnalysisRow.id)
            .where(read.current(), AnalysisRow.text_id.in_({r["text_id"] for r in chunk}))
            .order_by(SpanRow.start, SpanRow.id)
        )
        with Session(engine) as session:
            for text_id, start, end, technique, score in session.execute(query):
                spans.setdefault(text_id, []).append(Span(start, end, technique, score))
        for record in chunk:
            document = Document.from_dict(
                {**record, "id": record["external_id"] or str(record["id"])}
            )
            by = model or ModelInfo(record["model_name"], record["model_version"])
            yield Annotated(document, spans.get(record["text_id"], []), by)


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
