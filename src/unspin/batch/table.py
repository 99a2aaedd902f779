"""The Parquet tables ``unspin batch`` writes, and reading them back as Analyses.

Each shard ``N`` of a run is two files: ``analyses/part-N.parquet`` (one row per document, its
spans as a nested list) and ``spans/part-N.parquet`` (one row per span, for queries that group
spans without unnesting). ``unspin.batch.manifest.BATCH_SCHEMA`` names the layout; it is
written into every file's metadata and into the manifest, and bumped on any incompatible
change. Columns:

analyses
    ``position`` (int64: the record's place among all records of the run's inputs, from 0;
    unique), ``id``, ``text``, ``title``, ``source``, ``url``, ``published`` (date32),
    ``language``, ``author``, ``metadata`` (a JSON object as a string), ``model_name``,
    ``model_version``, ``model_fingerprint``, ``model_languages`` (list of ISO 639 codes),
    ``model_evaluated_languages`` (the languages among them its scores were measured on; null:
    all of them, and in shards of layout /2, which lack the column), ``detected_language``
    (ISO 639 code, ``und`` when unknown) and ``detected_language_confidence`` (float64; see
    unspin.language), ``spans`` (list of struct ``start``, ``end`` (int32 character offsets,
    half-open), ``technique``, ``score`` (float64), ``text``), ``sentences`` and
    ``sentences_with_technique`` (int32).
spans
    ``position``, ``id`` (of the document), ``start``, ``end``, ``technique``, ``score``,
    ``text``.

A row read back with :func:`analysis_from_row` is the same Analysis that ``unspin analyze``
gives for the document, so ``Analysis.to_json`` of it matches ``unspin analyze -f jsonl``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from unspin.batch.manifest import ANALYSES_DIR, BATCH_SCHEMA, SPANS_DIR
from unspin.language import LanguageGuess
from unspin.schema import SCHEMA_VERSION, Analysis, Document, ModelInfo, Span

_COMPRESSION = "zstd"

_SPAN_FIELDS = [
    pa.field("start", pa.int32(), nullable=False),
    pa.field("end", pa.int32(), nullable=False),
    pa.field("technique", pa.string(), nullable=False),
    pa.field("score", pa.float64(), nullable=False),
    pa.field("text", pa.string(), nullable=False),
]
_FILE_METADATA = {b"unspin.batch.schema": BATCH_SCHEMA, b"unspin.analysis.schema": SCHEMA_VERSION}

ANALYSES_SCHEMA = pa.schema(
    [
        pa.field("position", pa.int64(), nullable=False),
        pa.field("id", pa.string(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("title", pa.string()),
        pa.field("source", pa.string()),
        pa.field("url", pa.string()),
        pa.field("published", pa.date32()),
        pa.field("language", pa.string()),
        pa.field("author", pa.string()),
        pa.field("metadata", pa.string(), nullable=False),
        pa.field("model_name", pa.string(), nullable=False),
        pa.field("model_version", pa.string(), nullable=False),
        pa.field("model_fingerprint", pa.string()),
        pa.field("model_languages", pa.list_(pa.string()), nullable=False),
        pa.field("model_evaluated_languages", pa.list_(pa.string())),
        pa.field("detected_language", pa.string()),
        pa.field("detected_language_confidence", pa.float64()),
        pa.field("spans", pa.list_(pa.struct(_SPAN_FIELDS)), nullable=False),
        pa.field("sentences", pa.int32(), nullable=False),
        pa.field("sentences_with_technique", pa.int32(), nullable=False),
    ],
    metadata=_FILE_METADATA,
)
SPANS_SCHEMA = pa.schema(
    [
        pa.field("position", pa.int64(), nullable=False),
        pa.field("id", pa.string(), nullable=False),
        *_SPAN_FIELDS,
    ],
    metadata=_FILE_METADATA,
)


def shard_name(index: int) -> str:
    """The file name of shard ``index`` (the same in both tables)."""
    return f"part-{index:06d}.parquet"


def write_shard(outdir: Path, index: int, rows: Sequence[tuple[int, Analysis]]) -> None:
    """Write shard ``index``: ``rows`` of (position, analysis), to both tables.

    Each file is written under a temporary name and renamed into place, so a shard file is
    either whole or absent; writing a shard again replaces it.
    """
    analyses: list[dict[str, Any]] = []
    spans: list[dict[str, Any]] = []
    for position, analysis in rows:
        analyses.append(_analysis_row(position, analysis))
        text = analysis.document.text
        spans.extend(
            {"position": position, "id": analysis.document.id, **_span_row(span, text)}
            for span in analysis.spans
        )
    _write(outdir / ANALYSES_DIR, index, pa.Table.from_pylist(analyses, ANALYSES_SCHEMA))
    _write(outdir / SPANS_DIR, index, pa.Table.from_pylist(spans, SPANS_SCHEMA))


def remove_partial_files(outdir: Path) -> None:
    """Remove temporary files a killed run left behind."""
    for folder in (outdir / ANALYSES_DIR, outdir / SPANS_DIR):
        if folder.is_dir():
            for partial in folder.glob(".*.tmp"):
                partial.unlink(missing_ok=True)


def read_shard(outdir: Path, index: int) -> Iterator[tuple[int, Analysis]]:
    """The (position, analysis) rows of shard ``index``, in position order."""
    table = pq.read_table(outdir / ANALYSES_DIR / shard_name(index), schema=ANALYSES_SCHEMA)
    for row in table.to_pylist():
        yield row["position"], analysis_from_row(row)


def iter_analyses(outdir: Path, shards: Iterable[int]) -> Iterator[Analysis]:
    """The analyses of ``shards`` of ``outdir``, shard by shard in position order."""
    for index in shards:
        for _, analysis in read_shard(outdir, index):
            yield analysis


def analysis_from_row(row: dict[str, Any]) -> Analysis:
    """The Analysis held by one row of the analyses table."""
    document = Document(
        id=row["id"],
        text=row["text"],
        title=row["title"],
        source=row["source"],
        url=row["url"],
        published=row["published"],
        language=row["language"],
        author=row["author"],
        metadata=json.loads(row["metadata"]),
    )
    spans = [Span(s["start"], s["end"], s["technique"], s["score"]) for s in row["spans"]]
    model = ModelInfo(
        row["model_name"],
        row["model_version"],
        row["model_fingerprint"],
        tuple(row["model_languages"]),
        None
        if row["model_evaluated_languages"] is None
        else tuple(row["model_evaluated_languages"]),
    )
    code = row["detected_language"]
    language = None if code is None else LanguageGuess(code, row["detected_language_confidence"])
    return Analysis(document, spans, model, language)


def _analysis_row(position: int, analysis: Analysis) -> dict[str, Any]:
    document = analysis.document
    summary = analysis.summary()
    return {
        "position": position,
        **{name: getattr(document, name) for name in _DOCUMENT_COLUMNS},
        "metadata": json.dumps(document.metadata, ensure_ascii=False),
        "model_name": analysis.model.name,
        "model_version": analysis.model.version,
        "model_fingerprint": analysis.model.fingerprint,
        "model_languages": list(analysis.model.languages),
        "model_evaluated_languages": (
            None if analysis.model.evaluated is None else list(analysis.model.evaluated)
        ),
        "detected_language": analysis.language.code if analysis.language else None,
        "detected_language_confidence": (
            analysis.language.confidence if analysis.language else None
        ),
        "spans": [_span_row(span, document.text) for span in analysis.spans],
        "sentences": summary.sentences,
        "sentences_with_technique": summary.sentences_with_technique,
    }


_DOCUMENT_COLUMNS = ("id", "text", "title", "source", "url", "published", "language", "author")


def _span_row(span: Span, text: str) -> dict[str, Any]:
    return {**span.to_dict(), "text": span.text_in(text)}


def _write(folder: Path, index: int, table: pa.Table) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / shard_name(index)
    partial = folder / f".{final.name}.tmp"
    pq.write_table(table, partial, compression=_COMPRESSION)
    os.replace(partial, final)


__all__ = [
    "ANALYSES_SCHEMA",
    "SPANS_SCHEMA",
    "analysis_from_row",
    "iter_analyses",
    "read_shard",
    "remove_partial_files",
    "shard_name",
    "write_shard",
]
