"""Annotated documents: what annotation tools and shared tasks exchange, in unspin's terms.

Every annotation format (Label Studio, brat, PTC, SemEval-2021, unspin's JSONL) is read into
:class:`Annotations` and written from it. A reader keeps technique names as the file spells
them (after undoing what unspin's own writer did to fit the format); training maps them onto
the taxonomy. What a format cannot hold is said in one line by its writer (:func:`losses`), and
what a file holds that unspin cannot is said in one line by its reader (``Annotations.notes``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import quote, unquote

from unspin.formats.errors import FormatError
from unspin.schema import Document, ModelInfo, Span

ANNOTATORS = ModelInfo(name="annotators", version="gold")
"""Stands for people in formats that must name a model (unspin's JSONL): spans it made are
annotations, not predictions."""

METADATA_FIELDS = ("title", "source", "url", "published", "language", "author", "metadata")


@dataclass
class Annotated:
    """A document with its technique spans; ``model`` made them, or people when it is None."""

    document: Document
    spans: list[Span]
    model: ModelInfo | None = None


@dataclass
class Annotations:
    """Annotated documents read from a file, with one line for each thing that was not read."""

    items: list[Annotated]
    notes: list[str] = field(default_factory=list)

    def pairs(self) -> list[tuple[Document, list[Span]]]:
        """``(document, spans)`` pairs, the form training and scoring take."""
        return [(item.document, item.spans) for item in self.items]


@dataclass(frozen=True)
class Capacity:
    """What a format can hold beyond documents' ids and texts and spans' offsets."""

    scores: bool = False
    metadata: bool = False
    model: bool = False
    fingerprint: bool = False


def losses(name: str, items: Iterable[Annotated], capacity: Capacity) -> list[str]:
    """One line for each kind of thing in ``items`` that format ``name`` cannot hold."""
    items = list(items)
    lines = []
    scored = sum(1 for item in items for span in item.spans if span.score != 1.0)
    if scored and not capacity.scores:
        lines.append(f"{name} holds no scores: the scores of {scored} spans were not written")
    described = Counter(
        key for item in items for key in METADATA_FIELDS if getattr(item.document, key)
    )
    if described and not capacity.metadata:
        fields = ", ".join(f"{key} ({count})" for key, count in sorted(described.items()))
        lines.append(f"{name} holds no document metadata: not written: {fields}")
    models = sorted({f"{i.model.name} {i.model.version}" for i in items if i.model is not None})
    if models and not capacity.model:
        lines.append(
            f"{name} holds no model name: spans of {', '.join(models)} are written as if people "
            "had made them"
        )
    fingerprinted = any(i.model is not None and i.model.fingerprint for i in items)
    if fingerprinted and capacity.model and not capacity.fingerprint:
        lines.append(f"{name} holds model names and versions, not model fingerprints")
    return lines


def file_stem(document_id: str) -> str:
    """A file name for a document id: unsafe characters percent-encoded (see :func:`id_of`)."""
    return quote(document_id, safe="-_.~ ")


def id_of(stem: str) -> str:
    """The document id a :func:`file_stem` stands for."""
    return unquote(stem)


def check_unique_ids(path: Path, items: Iterable[Annotated]) -> None:
    """Raise when two documents share an id (their files would overwrite each other)."""
    seen: set[str] = set()
    for item in items:
        if item.document.id in seen:
            raise FormatError(path, f"two documents have the id {item.document.id!r}")
        seen.add(item.document.id)


def check_fragment(path: Path, where: str, text: str, span: Span, fragment: str | None) -> None:
    """Raise when a span lies beyond ``text`` or its quoted ``fragment`` is not what it covers.

    Line breaks in ``fragment`` may stand as spaces (brat writes them so).
    """
    if span.end > len(text):
        raise FormatError(path, f"{where}: span [{span.start}, {span.end}) lies beyond the text")
    if fragment is None:
        return
    covered = span.text_in(text)
    if fragment != covered and fragment != _lines_as_spaces(covered):
        raise FormatError(
            path,
            f"{where}: span [{span.start}, {span.end}) covers {covered!r} but the file quotes "
            f"{fragment!r}: offsets do not match the text",
        )


def _lines_as_spaces(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ")


def map_to_taxonomy(path: Path, items: list[Annotated]) -> list[Annotated]:
    """``items`` with every technique named by its taxonomy name (display names, SemEval-2021
    names and any letter case are understood); an unknown name is refused with the closest
    known one."""
    from unspin.taxonomy import UnknownTechniqueError, get_technique

    names: dict[str, str] = {}
    for name in {span.technique for item in items for span in item.spans}:
        try:
            names[name] = get_technique(name).name
        except UnknownTechniqueError as error:
            raise FormatError(path, str(error.args[0])) from None
    return [
        Annotated(
            item.document,
            [replace(s, technique=names[s.technique]) for s in item.spans],
            item.model,
        )
        for item in items
    ]
