"""Documents from files: plain text, HTML, PDF, JSONL, CSV and Parquet, and JSONL output.

``.txt`` (and any other suffix), ``.html``/``.htm`` and ``.pdf`` files hold one document each;
``.jsonl``, ``.csv`` and ``.parquet`` files hold one per line or row, with a ``text`` field and
the optional fields ``id, title, source, url, published, author, language, metadata`` (other
fields are kept in ``metadata``). A folder yields the documents of every such file in it,
recursively. Record files are streamed, so they may be of any size; each record is bounded on
its own.

:func:`iter_documents` yields a :class:`FormatError` in place of each record it cannot read and
carries on, so the caller decides whether one bad line stops the run; nothing is dropped silently.
"""

from __future__ import annotations

import contextlib
import csv
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, TextIO

from unspin.formats.dates import parse_published
from unspin.formats.errors import FormatError
from unspin.formats.html import extract_text
from unspin.formats.parquet import PARQUET_SUFFIXES, iter_parquet_records, parquet_rows
from unspin.formats.pdf import PDF_SUFFIXES, pdf_text
from unspin.formats.text import (
    MAX_TEXT_BYTES,
    RecordLines,
    has_undecoded,
    open_record_lines,
    open_text_stream,
    read_file_bytes,
    read_text_file,
)
from unspin.schema import Analysis, Document, SchemaError

STDIN = Path("-")
"""The path that stands for standard input (read as JSONL by :func:`iter_documents`)."""

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
RECORD_SUFFIXES = frozenset({".jsonl", ".csv"}) | PARQUET_SUFFIXES
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
DOCUMENT_SUFFIXES = HTML_SUFFIXES | PDF_SUFFIXES | RECORD_SUFFIXES | TEXT_SUFFIXES
"""Suffixes picked up when a folder is read."""

_FIELDS = ("id", "text", "title", "source", "url", "published", "author", "language", "metadata")

DocumentOrError = Document | FormatError


def iter_documents(
    path: Path, *, max_bytes: int = MAX_TEXT_BYTES, notes: list[FormatError] | None = None
) -> Iterator[DocumentOrError]:
    """Yield the documents in ``path`` (a file, a folder, or ``-`` for JSONL on stdin).

    ``max_bytes`` bounds a one-document file (and a PDF's text), and each line of a JSONL or
    CSV file. Each line of a JSONL or CSV file is decoded on its own (see
    :class:`~unspin.formats.text.LineDecoder`). ``notes`` receives what was read otherwise than
    asked, record by record: lines not read as UTF-8, dates not understood (those records are
    kept, undated).
    """
    notes = notes if notes is not None else []
    if path == STDIN:
        stdin = getattr(sys.stdin, "buffer", None)
        try:
            lines: Iterable[str | None] = (
                RecordLines(stdin, "<stdin>", max_bytes) if stdin is not None else sys.stdin
            )
        except FormatError as error:  # empty, or binary: one error, like a file's
            yield error
            return
        yield from _records_jsonl(lines, "<stdin>", max_bytes, notes)
        if isinstance(lines, RecordLines):
            notes.extend(FormatError("<stdin>", note) for note in lines.notes())
        return
    if path.is_dir():
        files = document_files(path)
        if not files:
            yield FormatError(path, "contains no .txt, .html, .pdf, .jsonl, .csv or .parquet files")
        for file in files:
            yield from _iter_file(file, max_bytes, notes)
        return
    yield from _iter_file(path, max_bytes, notes)


def read_document(path: Path, *, max_bytes: int = MAX_TEXT_BYTES) -> Document:
    """Read a file that holds exactly one document (text, HTML or PDF)."""
    suffix = path.suffix.lower()
    if suffix in RECORD_SUFFIXES:
        raise FormatError(path, f"a {suffix} file holds many documents; use iter_documents")
    if suffix in PDF_SUFFIXES:
        data = read_file_bytes(path, max_bytes=max_bytes)
        body, title = pdf_text(data, str(path), max_chars=max_bytes)
        if len(body) > max_bytes:
            raise FormatError(path, f"holds more than {max_bytes:,} characters of text")
        return Document(id=path.stem, text=body, title=title, source=str(path))
    text = read_text_file(path, max_bytes=max_bytes)
    if suffix in HTML_SUFFIXES:
        try:
            body, title = extract_text(text)
        except FormatError as error:
            raise FormatError(path, error.reason) from None
        return Document(id=path.stem, text=body, title=title, source=str(path))
    return Document(id=path.stem, text=text, source=str(path))


def read_documents_jsonl(path: Path) -> list[Document]:
    """Read a JSONL file of documents, raising the first FormatError met."""
    documents = []
    for item in iter_documents(path):
        if isinstance(item, FormatError):
            raise item
        documents.append(item)
    return documents


def iter_analyses_jsonl(path: Path) -> Iterator[Analysis]:
    """Read a JSONL file of analyses (as written by :func:`write_jsonl`)."""
    with contextlib.nullcontext(sys.stdin) if path == STDIN else open_text_stream(path) as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            if has_undecoded(line):
                raise FormatError(path, _undecodable(lines), number)
            try:
                yield Analysis.from_json(line)
            except SchemaError as error:
                raise FormatError(path, str(error), number) from None


def write_jsonl(target: Path | IO[str], items: Iterable[Document | Analysis]) -> int:
    """Write documents or analyses one JSON object per line; return how many were written."""
    if isinstance(target, Path):
        with target.open("w", encoding="utf-8", newline="\n") as handle:
            return write_jsonl(handle, items)
    count = 0
    for item in items:
        target.write(json.dumps(item.to_dict(), ensure_ascii=False) + "\n")
        count += 1
    return count


def document_from_record(
    record: dict[str, Any], default_id: str, undated: list[str] | None = None
) -> Document:
    """A Document from a JSONL/CSV record; unknown fields go into ``metadata``.

    A ``published`` value that names no date (see :mod:`unspin.formats.dates`) leaves the
    document undated; the value is added to ``undated`` when given.
    """
    if "text" not in record:
        raise SchemaError("missing field 'text'")
    text = record["text"]
    if not isinstance(text, str):
        raise SchemaError("field 'text' must be a string")
    if not text.strip():
        raise SchemaError("field 'text' is empty")
    metadata = record.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise SchemaError("field 'metadata' must be an object")
    extra = {k: v for k, v in record.items() if k not in _FIELDS and v not in (None, "")}
    known = {k: v for k, v in record.items() if k in _FIELDS and v not in (None, "")}
    for key, value in known.items():
        if key not in ("text", "metadata") and not isinstance(value, str):
            known[key] = str(value)
    known["id"] = known.get("id") or default_id
    known["metadata"] = {**metadata, **extra}
    published = known.pop("published", None)
    document = Document.from_dict(known)
    if published is not None:
        document.published = parse_published(published)
        if document.published is None and undated is not None:
            undated.append(published)
    return document


def estimate_records(paths: Sequence[Path]) -> int | None:
    """About how many records ``paths`` hold (for a progress bar); None when reading stdin."""
    total = 0
    for path in paths:
        if path == STDIN:
            return None
        for file in document_files(path):
            suffix = file.suffix.lower()
            if suffix in PARQUET_SUFFIXES:
                total += parquet_rows(file)
            elif suffix in RECORD_SUFFIXES:
                try:
                    with file.open("rb") as handle:
                        lines = sum(1 for line in handle if line.strip())
                except OSError:
                    lines = 1
                total += max(lines - (suffix == ".csv"), 0)
            else:
                total += 1
    return total


def document_files(path: Path) -> list[Path]:
    """The files ``path`` stands for, in reading order: itself, or a folder's document files."""
    if not path.is_dir():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and _is_document(p))


def _is_document(path: Path) -> bool:
    return path.suffix.lower() in DOCUMENT_SUFFIXES and not path.name.startswith(".")


def _iter_file(path: Path, max_bytes: int, notes: list[FormatError]) -> Iterator[DocumentOrError]:
    suffix = path.suffix.lower()
    if suffix not in RECORD_SUFFIXES:
        try:
            yield read_document(path, max_bytes=max_bytes)
        except (FormatError, SchemaError) as error:
            yield _as_format_error(path, error)
        return
    if suffix in PARQUET_SUFFIXES:
        stem = path.stem

        def to_document(record: dict[str, Any], number: int) -> DocumentOrError:
            return _record(record, f"{stem}-{number}", str(path), number, notes)

        yield from iter_parquet_records(path, max_bytes, to_document)
        return
    try:
        lines = open_record_lines(path, max_bytes)
    except FormatError as error:
        yield error
        return
    records = _records_jsonl if suffix == ".jsonl" else _records_csv
    with lines.stream:
        yield from records(lines, str(path), max_bytes, notes)
    notes.extend(FormatError(path, note) for note in lines.notes())


def _records_jsonl(
    lines: Iterable[str | None], name: str, limit: int, notes: list[FormatError]
) -> Iterator[DocumentOrError]:
    stem = Path(name).stem
    for number, line in enumerate(lines, start=1):
        if line is None or len(line) > limit:
            yield FormatError(name, _too_large(limit), number)
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield FormatError(name, f"not valid JSON ({error.msg})", number)
            continue
        if not isinstance(record, dict):
            yield FormatError(name, "expected a JSON object with a 'text' field", number)
            continue
        yield _record(record, f"{stem}-{number}", name, number, notes)


def _records_csv(
    lines: Iterable[str | None], name: str, limit: int, notes: list[FormatError]
) -> Iterator[DocumentOrError]:
    stem = Path(name).stem
    _allow_csv_fields(limit)
    reader = csv.DictReader(_bounded_lines(lines, name, limit))
    try:
        if reader.fieldnames is None or "text" not in reader.fieldnames:
            yield FormatError(name, "CSV needs a header row with a 'text' column", 1)
            return
        for row in reader:
            number = reader.line_num
            if None in row:
                yield FormatError(name, "row has more fields than the header", number)
                continue
            record: dict[str, Any] = dict(row)
            if record.get("metadata"):
                try:
                    record["metadata"] = json.loads(record["metadata"])
                except json.JSONDecodeError:
                    yield FormatError(name, "column 'metadata' must hold a JSON object", number)
                    continue
            yield _record(record, f"{stem}-{number}", name, number, notes)
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            yield FormatError(name, _too_large(limit), reader.line_num)
        else:
            yield FormatError(name, f"malformed CSV: {error}")
    except FormatError as error:
        yield error


_C_LONG_MAX = 2**31 - 1
"""The largest field size limit every platform's ``csv`` module takes (a C ``long``)."""


def _allow_csv_fields(limit: int) -> None:
    """Let the ``csv`` module read fields of up to ``limit`` characters (131,072 by default).

    The limit is process-wide (one setting of the ``_csv`` module, not of a reader), so it is
    only ever raised, never lowered: any other CSV reader in the process keeps at least the limit
    it had. Raising it is safe here because records stay bounded: every line comes through
    :func:`_bounded_lines`, and a quoted field that spans lines is stopped by the field limit,
    which ends the file with a "record is larger than the limit" error.
    """
    wanted = min(limit, _C_LONG_MAX)
    if csv.field_size_limit() < wanted:
        csv.field_size_limit(wanted)


def _bounded_lines(lines: Iterable[str | None], name: str, limit: int) -> Iterator[str]:
    """The lines of a file; one over ``limit`` bytes ends the file with a FormatError."""
    for number, line in enumerate(lines, start=1):
        if line is None:
            raise FormatError(name, _too_large(limit), number)
        yield line


def _too_large(limit: int) -> str:
    return f"record is larger than the limit of {limit:,} bytes"


def _undecodable(handle: TextIO) -> str:
    return f"holds bytes that are not {handle.encoding} (the encoding of the file's start)"


def _record(
    record: dict[str, Any], default_id: str, name: str, line: int, notes: list[FormatError]
) -> DocumentOrError:
    undated: list[str] = []
    try:
        document = document_from_record(record, default_id, undated)
    except SchemaError as error:
        return FormatError(name, str(error), line)
    for value in undated:
        notes.append(FormatError(name, f"published {value!r} is not a date: stored undated", line))
    return document


def _as_format_error(path: Path, error: FormatError | SchemaError) -> FormatError:
    return error if isinstance(error, FormatError) else FormatError(path, str(error))


__all__ = [
    "DOCUMENT_SUFFIXES",
    "HTML_SUFFIXES",
    "PDF_SUFFIXES",
    "RECORD_SUFFIXES",
    "STDIN",
    "TEXT_SUFFIXES",
    "document_files",
    "document_from_record",
    "estimate_records",
    "iter_analyses_jsonl",
    "iter_documents",
    "read_document",
    "read_documents_jsonl",
    "write_jsonl",
]
