"""brat standoff: a folder of ``ID.txt`` texts with ``ID.ann`` annotations (brat, INCEpTION).

A technique span is a text-bound annotation, ``T1<TAB>TYPE START END<TAB>TEXT``, with offsets
in characters (code points) of the ``.txt`` file as stored: newlines are not translated, so a
CRLF text keeps its offsets. The quoted text has line breaks as spaces, as brat writes it.

brat types hold only ``A-Z a-z 0-9 _ -``, so a technique is written with its other characters
as ``_`` (``Name_Calling,Labeling`` becomes ``Name_Calling_Labeling``). The writer adds
``annotation.conf`` and ``visual.conf``; the latter gives each type its display label (the
taxonomy's display name, or the technique's own name for one outside the taxonomy), which is
how a name outside the taxonomy reads back unchanged. The taxonomy's names read back without it.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from pathlib import Path

from unspin.formats.annotated import (
    Annotated,
    Annotations,
    Capacity,
    check_fragment,
    check_unique_ids,
    file_stem,
    id_of,
    losses,
)
from unspin.formats.errors import FormatError
from unspin.formats.text import read_exact_utf8
from unspin.schema import Document, SchemaError, Span
from unspin.taxonomy import TECHNIQUES, display_name

CAPACITY = Capacity()
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_OFFSETS = re.compile(r"^\d+ \d+(;\d+ \d+)*$")
_OTHER_KINDS = {
    "R": "relation",
    "E": "event",
    "A": "attribute",
    "M": "attribute",
    "N": "normalisation",
    "#": "note",
    "*": "equivalence",
}


def brat_type(technique: str) -> str:
    """The brat type a technique is written as (before telling apart names that collide)."""
    return _UNSAFE.sub("_", technique)


_FROM_TYPE = {brat_type(t.name): t.name for t in TECHNIQUES}


def read_visual_labels(folder: Path) -> dict[str, str]:
    """Type -> first display label, from ``visual.conf`` in ``folder`` (empty without one)."""
    path = folder / "visual.conf"
    if not path.is_file():
        return {}
    labels: dict[str, str] = {}
    section = ""
    for line in read_exact_utf8(path).splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line
        elif section == "[labels]" and "|" in line and not line.startswith("#"):
            type_name, label = (part.strip() for part in line.split("|")[:2])
            labels[type_name] = label
    return labels


def read_brat(folder: Path) -> Annotations:
    """Read every ``*.ann`` with its ``*.txt`` in ``folder`` (a ``.txt`` alone has no spans)."""
    if not folder.is_dir():
        raise FormatError(folder, "not a folder of brat .txt/.ann files")
    texts = sorted(p for p in folder.iterdir() if p.suffix == ".txt" and p.is_file())
    if not texts:
        raise FormatError(folder, "holds no .txt files")
    labels = read_visual_labels(folder)
    items: list[Annotated] = []
    skipped: Counter[str] = Counter()
    pieces = 0
    for path in texts:
        text = read_exact_utf8(path)
        document = Document(id=id_of(path.stem), text=text)
        ann = path.with_suffix(".ann")
        spans: list[Span] = []
        if ann.is_file():
            spans, found, parts = _read_ann(ann, text, labels)
            skipped.update(found)
            pieces += parts
        items.append(Annotated(document, spans))
    orphans = sorted(p.name for p in folder.glob("*.ann") if not p.with_suffix(".txt").is_file())
    if orphans:
        raise FormatError(folder / orphans[0], "has no .txt file beside it")
    notes = []
    if skipped:
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(skipped.items()))
        notes.append(f"brat: not read (unspin holds technique spans only): {kinds} annotations")
    if pieces:
        notes.append(
            f"brat: {pieces} discontinuous annotations with text between their fragments were "
            "read as one span per fragment"
        )
    return Annotations(items, notes)


def _read_ann(
    path: Path, text: str, labels: dict[str, str]
) -> tuple[list[Span], Counter[str], int]:
    spans: list[Span] = []
    skipped: Counter[str] = Counter()
    pieces = 0
    for number, line in enumerate(read_exact_utf8(path).split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        kind = line[0]
        if kind != "T":
            skipped[_OTHER_KINDS.get(kind, f"{kind!r}")] += 1
            continue
        fields = line.split("\t", 2)
        if len(fields) < 2 or " " not in fields[1]:
            raise FormatError(path, "expected 'T<n><TAB>TYPE START END<TAB>TEXT'", number)
        type_name, offsets = fields[1].split(" ", 1)
        if not _OFFSETS.match(offsets):
            raise FormatError(path, f"offsets must be 'START END[;START END...]': {offsets!r}")
        ranges = [tuple(int(x) for x in part.split(" ")) for part in offsets.split(";")]
        quoted = fields[2] if len(fields) > 2 else None
        technique = _FROM_TYPE.get(type_name) or labels.get(type_name, type_name)
        try:
            found = _join_fragments(text, [(r[0], r[1]) for r in ranges], technique)
        except SchemaError as error:
            raise FormatError(path, str(error), number) from None
        if len(found) == 1:
            check_fragment(path, f"line {number}", text, found[0], quoted)
        else:
            pieces += 1
            for span in found:
                check_fragment(path, f"line {number}", text, span, None)
        spans.extend(found)
    return spans, skipped, pieces


def _join_fragments(text: str, ranges: list[tuple[int, int]], technique: str) -> list[Span]:
    """One span for fragments parted only by whitespace (brat splits spans at line breaks)."""
    ordered = sorted(ranges)
    if all(not text[a[1] : b[0]].strip() for a, b in itertools.pairwise(ordered)):
        return [Span(ordered[0][0], max(end for _, end in ordered), technique)]
    return [Span(start, end, technique) for start, end in ordered]


def write_brat(folder: Path, items: list[Annotated]) -> list[str]:
    """Write ``items`` as brat standoff into ``folder``; return what brat cannot hold."""
    check_unique_ids(folder, items)
    types = _assign_types(folder, {span.technique for item in items for span in item.spans})
    folder.mkdir(parents=True, exist_ok=True)
    for item in items:
        stem = file_stem(item.document.id)
        with (folder / f"{stem}.txt").open("w", encoding="utf-8", newline="") as handle:
            handle.write(item.document.text)
        lines = []
        for number, span in enumerate(item.spans, start=1):
            quoted = span.text_in(item.document.text).replace("\r", " ").replace("\n", " ")
            lines.append(f"T{number}\t{types[span.technique]} {span.start} {span.end}\t{quoted}\n")
        with (folder / f"{stem}.ann").open("w", encoding="utf-8", newline="") as handle:
            handle.write("".join(lines))
    _write_config(folder, types)
    return losses("brat", items, CAPACITY)


def _assign_types(folder: Path, techniques: set[str]) -> dict[str, str]:
    """A distinct brat type for each technique: the taxonomy's first, others in name order."""
    types = {t.name: brat_type(t.name) for t in TECHNIQUES}
    taken = set(types.values())
    for name in sorted(techniques - set(types)):
        if name != name.strip() or any(char in name for char in "|\t\r\n"):
            raise FormatError(
                folder,
                f"technique {name!r}: brat labels hold no '|', tabs, line breaks or edge spaces",
            )
        candidate, suffix = brat_type(name), 1
        while candidate in taken:
            suffix += 1
            candidate = f"{brat_type(name)}-{suffix}"
        types[name] = candidate
        taken.add(candidate)
    return types


def _write_config(folder: Path, types: dict[str, str]) -> None:
    """``annotation.conf`` with every type, ``visual.conf`` with their labels and colours."""
    annotation = [
        "[entities]",
        *types.values(),
        "",
        "[relations]",
        "",
        "[events]",
        "",
        "[attributes]",
        "",
    ]
    (folder / "annotation.conf").write_text("\n".join(annotation), encoding="utf-8")
    colours = {t.name: t.color for t in TECHNIQUES}
    labels = [
        f"{type_name} | {display_name(name)}" if name in colours else f"{type_name} | {name}"
        for name, type_name in types.items()
    ]
    drawing = [f"{types[name]}\tbgColor:{colour}" for name, colour in colours.items()]
    visual = ["[labels]", *labels, "", "[drawing]", *drawing, ""]
    (folder / "visual.conf").write_text("\n".join(visual), encoding="utf-8")
