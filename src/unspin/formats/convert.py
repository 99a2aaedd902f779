"""One converter between the annotation formats unspin reads and writes.

``label-studio`` (tasks JSON), ``brat`` (a folder of ``.txt`` + ``.ann``), ``ptc`` (a PTC split
folder), ``semeval2021`` (subtask-2 JSON) and ``jsonl`` (unspin's analysis JSONL). A format is
inferred from a path where that is unambiguous: ``.jsonl``, a folder holding ``.ann`` files
(brat) or PTC articles, and a ``.json`` file whose tasks have ``data`` (Label Studio) or
``labels`` (SemEval-2021).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from unspin.formats.annotated import ANNOTATORS, Annotated, Annotations, Capacity, losses
from unspin.formats.brat import read_brat, write_brat
from unspin.formats.errors import FormatError
from unspin.formats.labelstudio import read_label_studio, write_label_studio
from unspin.formats.ptc import read_ptc, write_corpus
from unspin.formats.semeval2021 import read_semeval2021, write_semeval2021
from unspin.schema import Analysis, ModelInfo

Reader = Callable[[Path], Annotations]
Writer = Callable[[Path, list[Annotated]], list[str]]


@dataclass(frozen=True)
class AnnotationFormat:
    """A format's name, what it is, and how to read and write it."""

    name: str
    description: str
    read: Reader
    write: Writer
    folder: bool


def read_jsonl(path: Path) -> Annotations:
    """unspin's analysis JSONL; analyses by :data:`ANNOTATORS` are people's annotations."""
    from unspin.formats.documents import iter_analyses_jsonl

    return Annotations(
        [Annotated(a.document, a.spans, _model_of(a)) for a in iter_analyses_jsonl(path)]
    )


def _model_of(analysis: Analysis) -> ModelInfo | None:
    by_people = (analysis.model.name, analysis.model.version) == (
        ANNOTATORS.name,
        ANNOTATORS.version,
    )
    return None if by_people else analysis.model


def write_jsonl(path: Path, items: list[Annotated]) -> list[str]:
    """Write one analysis per line (spans people made are by :data:`ANNOTATORS`)."""
    from unspin.formats.documents import write_jsonl as write_analyses

    write_analyses(path, (Analysis(i.document, i.spans, i.model or ANNOTATORS) for i in items))
    return losses(
        "JSONL", items, Capacity(scores=True, metadata=True, model=True, fingerprint=True)
    )


FORMATS: dict[str, AnnotationFormat] = {
    f.name: f
    for f in (
        AnnotationFormat(
            "label-studio", "Label Studio tasks JSON", read_label_studio, write_label_studio, False
        ),
        AnnotationFormat("brat", "brat standoff folder (.txt + .ann)", read_brat, write_brat, True),
        AnnotationFormat(
            "ptc", "PTC split folder (articles + .labels)", read_ptc, write_corpus, True
        ),
        AnnotationFormat(
            "semeval2021",
            "SemEval-2021 Task 6 subtask-2 JSON",
            read_semeval2021,
            write_semeval2021,
            False,
        ),
        AnnotationFormat("jsonl", "unspin analysis JSONL", read_jsonl, write_jsonl, False),
    )
}


def infer_format(path: Path) -> str | None:
    """The format ``path`` holds or will hold, when its name (or an existing file's first
    task) says so unambiguously; None otherwise."""
    if path.suffix.lower() == ".jsonl":
        return "jsonl"
    if path.is_dir():
        names = [p.name for p in path.iterdir()]
        if any(name.endswith(".ann") for name in names):
            return "brat"
        if any(n.startswith("article") and n.endswith(".txt") for n in names) or any(
            "articles" in p.name for p in path.iterdir() if p.is_dir()
        ):
            return "ptc"
        return None
    if path.suffix.lower() == ".json" and path.is_file():
        return _json_kind(path)
    return None


def _json_kind(path: Path) -> str | None:
    try:
        with path.open(encoding="utf-8-sig") as handle:
            data = json.loads(handle.read(50_000_000))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    first = data[0] if isinstance(data, list) and data else data
    if not isinstance(first, dict):
        return None
    if "data" in first or "annotations" in first or "predictions" in first:
        return "label-studio"
    if "labels" in first and "text" in first:
        return "semeval2021"
    return None


def resolve_format(path: Path, given: str | None, role: str) -> AnnotationFormat:
    """The format named by ``given``, else inferred from ``path``; a clear error otherwise."""
    name = given or infer_format(path)
    if name is None:
        choices = ", ".join(FORMATS)
        raise FormatError(path, f"cannot tell the {role} format from the name; say it ({choices})")
    if name not in FORMATS:
        raise FormatError(path, f"unknown format {name!r}; known: {', '.join(FORMATS)}")
    return FORMATS[name]


def read_annotations(path: Path, fmt: str | None = None) -> Annotations:
    """Read annotated documents from ``path`` in ``fmt`` (inferred when None)."""
    if not path.exists():
        raise FormatError(path, "no such file or folder")
    return resolve_format(path, fmt, "input").read(path)


def convert(
    source: Path, target: Path, from_format: str | None = None, to_format: str | None = None
) -> list[str]:
    """Convert ``source`` to ``target``; return one line for each thing not carried over."""
    writer = resolve_format(target, to_format, "output")
    annotations = read_annotations(source, from_format)
    if writer.folder and target.exists() and any(target.iterdir()):
        raise FormatError(target, "is a folder that is not empty; give a new or empty one")
    if not writer.folder and target.is_dir():
        raise FormatError(target, f"is a folder; {writer.name} is written to a file")
    return [*annotations.notes, *writer.write(target, annotations.items)]
