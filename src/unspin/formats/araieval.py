"""ArAIEval task 1 JSONL: technique spans (2024) and document-level technique labels (2023).

One JSON object a line. Spans (ArAIEval-2024): ``{"id", "text", "labels": [{"start", "end",
"technique", "text"}], "type": "tweet"|"paragraph"}``, offsets being Python string indices.
Document labels (ArAIEval-2023 subtask 1B): ``{"id", "text", "labels": [technique, ...],
"type"}``, with ``no_technique`` for a text without any. Technique names are mapped onto
unspin's (:data:`unspin.taxonomy.ARAIEVAL_TO_UNSPIN`); the item's type goes into
``Document.metadata["type"]`` and ``Document.language`` is ``ar``.

Some ArAIEval-2024 tweets carry broken offsets (spans that end past the text, or whose quoted
text sits elsewhere). A span whose quoted text is not what its offsets cover is moved to the
occurrence of that text nearest its offsets, one that ends past the text but quotes what it
covers is cut at the text's end, and one whose text is nowhere in the item is dropped (only
whitespace differences are left as they are). :class:`SpanRepairs` counts them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from unspin.formats.errors import FormatError
from unspin.formats.text import read_text_file
from unspin.schema import Document, SchemaError, Span
from unspin.taxonomy import ARAIEVAL_TO_UNSPIN, UnknownTechniqueError, from_araieval
from unspin.taxonomy.scheme23 import NO_TECHNIQUE

UNSPIN_NAMES = frozenset(ARAIEVAL_TO_UNSPIN.values())

_MAX_BYTES = 200_000_000


@dataclass
class SpanRepairs:
    """What reading an ArAIEval-2024 file did about spans whose offsets miss their text."""

    moved: int = 0
    """Moved to their quoted text, or cut at the end of the text."""
    dropped: int = 0


def read_spans(path: Path, repairs: SpanRepairs | None = None) -> list[tuple[Document, list[Span]]]:
    """Items of an ArAIEval-2024 task 1 file with their technique spans (unspin names)."""
    repairs = repairs if repairs is not None else SpanRepairs()
    pairs = []
    for line, item in _items(path):
        document = _document(path, line, item)
        spans = []
        for label in item.get("labels") or []:
            if not isinstance(label, dict):
                raise FormatError(path, "each label must be an object", line)
            span = _span(path, line, document.text, label, repairs)
            if span is not None:
                spans.append(span)
        pairs.append((document, spans))
    return pairs


def read_span_predictions(path: Path) -> dict[str, list[Span]]:
    """Item id -> spans of a predictions file in ArAIEval-2024's output format (``{"id",
    "labels": [{"start", "end", "technique"}]}``, no text needed); techniques may be named as
    ArAIEval or as unspin names them."""
    predicted: dict[str, list[Span]] = {}
    for line, item in _items(path, need_text=False):
        spans = []
        for label in item.get("labels") or []:
            start, end = label.get("start"), label.get("end") if isinstance(label, dict) else None
            if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end:
                raise FormatError(
                    path, f"span needs integer offsets 0 <= start < end: {label}", line
                )
            name = label.get("technique")
            technique = name if isinstance(name, str) and name in UNSPIN_NAMES else None
            spans.append(Span(start, end, technique or _technique(path, line, name)))
        predicted[str(item["id"])] = spans
    return predicted


def read_document_labels(path: Path) -> list[tuple[Document, list[str]]]:
    """Items of an ArAIEval-2023 subtask 1B file with their techniques (unspin names); a
    ``no_technique`` item has none."""
    pairs = []
    for line, item in _items(path):
        names = item.get("labels")
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise FormatError(path, "'labels' must be a list of technique names", line)
        techniques = [_technique(path, line, n) for n in names if n != NO_TECHNIQUE]
        pairs.append((_document(path, line, item), sorted(set(techniques))))
    return pairs


def _items(path: Path, need_text: bool = True) -> list[tuple[int, dict[str, Any]]]:
    items = []
    for number, row in enumerate(read_text_file(path, max_bytes=_MAX_BYTES).splitlines(), 1):
        if not row.strip():
            continue
        try:
            item = json.loads(row)
        except json.JSONDecodeError as error:
            raise FormatError(path, f"invalid JSON: {error.msg}", number) from None
        if not isinstance(item, dict) or "id" not in item:
            raise FormatError(path, "expected an object with an 'id'", number)
        if need_text and not isinstance(item.get("text"), str):
            raise FormatError(path, "expected an object with 'id' and a string 'text'", number)
        items.append((number, item))
    return items


def _document(path: Path, line: int, item: dict[str, Any]) -> Document:
    try:
        return Document(
            id=str(item["id"]),
            text=item["text"],
            language="ar",
            metadata={"type": str(item.get("type") or "")},
        )
    except SchemaError as error:
        raise FormatError(path, str(error), line) from None


def _technique(path: Path, line: int, name: Any) -> str:
    if not isinstance(name, str):
        raise FormatError(path, "technique must be a string", line)
    try:
        return from_araieval(name)
    except UnknownTechniqueError:
        raise FormatError(path, f"unknown ArAIEval technique {name!r}", line) from None


def _span(
    path: Path, line: int, text: str, label: dict[str, Any], repairs: SpanRepairs
) -> Span | None:
    start, end = label.get("start"), label.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end:
        raise FormatError(path, f"span needs integer offsets 0 <= start < end: {label}", line)
    technique = _technique(path, line, label.get("technique"))
    quoted = label.get("text")
    covered = text[start:end]
    if not isinstance(quoted, str) or quoted == covered or _same_but_spacing(quoted, covered):
        if end > len(text):
            if start >= len(text):
                repairs.dropped += 1
                return None
            repairs.moved += 1
        return Span(start, min(end, len(text)), technique)
    found = _nearest(text, quoted, start)
    if found is None:
        repairs.dropped += 1
        return None
    repairs.moved += 1
    return Span(found, found + len(quoted), technique)


def _same_but_spacing(a: str, b: str) -> bool:
    return "".join(a.split()) == "".join(b.split())


def _nearest(text: str, quoted: str, start: int) -> int | None:
    """Start of the occurrence of ``quoted`` in ``text`` nearest to ``start``."""
    if not quoted.strip():
        return None
    found, at = None, text.find(quoted)
    while at >= 0:
        if found is None or abs(at - start) < abs(found - start):
            found = at
        at = text.find(quoted, at + 1)
    return found
