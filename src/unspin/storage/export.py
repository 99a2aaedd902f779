"""Export documents, spans or statistics as JSONL, CSV or Parquet."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from unspin.schema import ModelInfo
from unspin.storage.models import AnalysisRow, DocumentRow, SpanRow
from unspin.storage.queries import Stats

DOCUMENT_FIELDS = (
    "id",
    "external_id",
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
    "model_name",
    "model_version",
    "start",
    "end",
    "technique",
    "score",
    "text",
)


def document_records(engine: Engine) -> Iterator[dict[str, Any]]:
    """Every stored document as a flat record."""
    with Session(engine) as session:
        for row in session.scalars(select(DocumentRow).order_by(DocumentRow.id)).yield_per(500):
            record = {name: getattr(row, name) for name in DOCUMENT_FIELDS}
            record["published"] = row.published.isoformat() if row.published else None
            yield record


def span_records(engine: Engine, model: ModelInfo | None = None) -> Iterator[dict[str, Any]]:
    """Every stored span (of ``model`` if given) with the text it covers."""
    query = (
        select(
            AnalysisRow.document_id,
            AnalysisRow.model_name,
            AnalysisRow.model_version,
            SpanRow.start,
            SpanRow.end,
            SpanRow.technique,
            SpanRow.score,
            DocumentRow.text,
        )
        .join(SpanRow, SpanRow.analysis_id == AnalysisRow.id)
        .join(DocumentRow, DocumentRow.id == AnalysisRow.document_id)
        .order_by(AnalysisRow.document_id, AnalysisRow.id, SpanRow.start, SpanRow.id)
    )
    if model is not None:
        query = query.where(AnalysisRow.made_by(model))
    with Session(engine) as session:
        for row in session.execute(query).yield_per(1000):
            record = dict(zip(SPAN_FIELDS, row, strict=True))
            record["text"] = row[-1][row[3] : row[4]]
            yield record


def stats_records(stats: Stats) -> Iterator[dict[str, Any]]:
    """One flat record per group: counts, rate and one ``share:TECHNIQUE`` column each."""
    for group in stats.groups:
        record: dict[str, Any] = {
            stats.by: group.group,
            "documents": group.documents,
            "words": group.words,
            "spans": group.spans,
            "spans_per_1000_words": round(group.spans_per_1000_words, 3),
        }
        for technique in stats.techniques:
            record[f"share:{technique}"] = round(group.share(technique), 4)
        yield record


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
            writer.writerow(record)
        else:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count
