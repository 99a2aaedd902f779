"""SemEval-2021 Task 6 (persuasion techniques in memes): subtask 1 and subtask 2 JSON.

Subtask 1: ``[{"id", "text", "labels": [technique, ...]}]`` (techniques per meme).
Subtask 2: ``[{"id", "text", "labels": [{"start", "end", "technique", "text_fragment"}]}]``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from unspin.formats.annotated import Annotated, Annotations, Capacity, losses
from unspin.formats.errors import FormatError
from unspin.formats.text import read_text_file
from unspin.schema import Document, SchemaError, Span
from unspin.taxonomy import UnknownTechniqueError, from_semeval2021

_MAX_JSON_BYTES = 200_000_000


def _load_items(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(read_text_file(path, max_bytes=_MAX_JSON_BYTES))
    except json.JSONDecodeError as error:
        raise FormatError(path, f"invalid JSON: {error.msg}", error.lineno) from None
    if not isinstance(data, list):
        raise FormatError(path, "expected a JSON list of memes")
    for index, item in enumerate(data):
        if not isinstance(item, dict) or "id" not in item or "text" not in item:
            raise FormatError(path, f"item {index}: expected an object with 'id' and 'text'")
        if not isinstance(item["text"], str):
            raise FormatError(path, f"item {index}: 'text' must be a string")
        if not isinstance(item.get("labels", []), list):
            raise FormatError(path, f"item {index}: 'labels' must be a list")
    return data


def _technique(path: Path, index: int, name: Any, map_techniques: bool) -> str:
    if not isinstance(name, str) or not name:
        raise FormatError(path, f"item {index}: technique must be a non-empty string")
    if not map_techniques:
        return name
    try:
        return from_semeval2021(name)
    except UnknownTechniqueError:
        raise FormatError(path, f"item {index}: unknown SemEval-2021 technique {name!r}") from None


def read_task1(path: Path, map_techniques: bool = False) -> list[tuple[Document, list[str]]]:
    """Memes with their technique labels (subtask 1)."""
    return [
        (
            Document(id=str(item["id"]), text=item["text"]),
            [_technique(path, i, name, map_techniques) for name in item.get("labels", [])],
        )
        for i, item in enumerate(_load_items(path))
    ]


def read_task2(path: Path, map_techniques: bool = False) -> list[tuple[Document, list[Span]]]:
    """Memes with their technique spans (subtask 2); offsets are checked against the text."""
    pairs = []
    for i, item in enumerate(_load_items(path)):
        document = Document(id=str(item["id"]), text=item["text"])
        spans = []
        for label in item.get("labels", []):
            if not isinstance(label, dict):
                raise FormatError(path, f"item {i}: each label must be an object")
            try:
                span = Span(
                    int(label["start"]),
                    int(label["end"]),
                    _technique(path, i, label.get("technique"), map_techniques),
                )
            except (KeyError, TypeError, ValueError, SchemaError) as error:
                raise FormatError(path, f"item {i}: bad span {label!r} ({error})") from None
            if span.end > len(document.text):
                raise FormatError(path, f"item {i}: span [{span.start}, {span.end}) beyond text")
            spans.append(span)
        pairs.append((document, spans))
    return pairs


def write_task1(path: Path, items: list[tuple[Document, list[str]]]) -> None:
    """Write subtask-1 JSON (a prediction file or gold file)."""
    data = [{"id": d.id, "labels": labels, "text": d.text} for d, labels in items]
    path.write_text(json.dumps(data, indent=4, ensure_ascii=False) + "\n", encoding="utf-8")


def write_task2(path: Path, items: list[tuple[Document, list[Span]]]) -> None:
    """Write subtask-2 JSON with ``text_fragment`` filled in."""
    data = [
        {
            "id": d.id,
            "text": d.text,
            "labels": [
                {
                    "start": s.start,
                    "end": s.end,
                    "technique": s.technique,
                    "text_fragment": s.text_in(d.text),
                }
                for s in spans
            ],
        }
        for d, spans in items
    ]
    path.write_text(json.dumps(data, indent=4, ensure_ascii=False) + "\n", encoding="utf-8")


CAPACITY = Capacity()


def read_semeval2021(path: Path) -> Annotations:
    """Subtask-2 memes as annotated documents, technique names as the file spells them."""
    return Annotations([Annotated(d, s) for d, s in read_task2(path)])


def write_semeval2021(path: Path, items: list[Annotated]) -> list[str]:
    """Write subtask-2 JSON; return what it cannot hold."""
    write_task2(path, [(item.document, item.spans) for item in items])
    return losses("SemEval-2021", items, CAPACITY)
