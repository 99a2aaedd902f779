"""The Propaganda Techniques Corpus layout (SemEval-2020 Task 11).

An article is ``article<ID>.txt`` (UTF-8; offsets index its characters exactly as stored, so
files are read without newline translation). Label files are tab-separated:

- SI (span identification): ``id start end``
- TC / FLC (technique classification, full labelled spans): ``id technique start end``
- a TC template has ``?`` in place of the technique.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from unspin.formats.annotated import (
    Annotated,
    Annotations,
    Capacity,
    check_unique_ids,
    file_stem,
    id_of,
    losses,
)
from unspin.formats.errors import FormatError
from unspin.formats.text import read_exact_utf8
from unspin.schema import Document, SchemaError, Span

_ARTICLE_NAME = re.compile(r"^article(?P<id>.+)\.txt$")
UNKNOWN_TECHNIQUE = "?"


@dataclass(frozen=True)
class LabelRow:
    """One row of a PTC label file; ``technique`` is None for SI rows and ``?`` in templates."""

    article_id: str
    start: int
    end: int
    technique: str | None


def read_article(path: Path) -> Document:
    """Read one ``article<ID>.txt`` file as a Document whose id is ``<ID>``."""
    match = _ARTICLE_NAME.match(path.name)
    article_id = match.group("id") if match else path.stem
    return Document(id=id_of(article_id), text=read_exact_utf8(path))


def read_articles(directory: Path) -> list[Document]:
    """Read every ``article*.txt`` in ``directory``, sorted by id."""
    if not directory.is_dir():
        raise FormatError(directory, "not a directory of PTC articles")
    paths = sorted(p for p in directory.iterdir() if _ARTICLE_NAME.match(p.name))
    if not paths:
        raise FormatError(directory, "contains no article<ID>.txt files")
    return [read_article(p) for p in paths]


def read_articles_dir(root: Path) -> list[Document]:
    """The articles in ``root`` (or in its ``*articles*`` subfolder), with a clear error when
    ``root`` is missing or a file."""
    if not root.exists():
        raise FormatError(root, "no such directory")
    if not root.is_dir():
        raise FormatError(root, "is a file, expected a directory of article<ID>.txt")
    return read_articles(find_articles_dir(root))


def read_label_rows(path: Path) -> list[LabelRow]:
    """Read an SI, TC or template label file (or a directory of them) row by row."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix == ".labels")
        if not files:
            raise FormatError(path, "contains no .labels files")
        return [row for file in files for row in read_label_rows(file)]
    rows: list[LabelRow] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise FormatError(path, f"cannot read label file: {error}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        rows.append(_parse_label_line(path, number, line))
    return rows


def _parse_label_line(path: Path, number: int, line: str) -> LabelRow:
    fields = line.rstrip("\r").split("\t")
    if len(fields) == 3:
        article_id, start, end = fields
        technique = None
    elif len(fields) == 4:
        article_id, technique, start, end = fields
        if not technique:
            raise FormatError(path, "empty technique", number)
    else:
        raise FormatError(
            path, f"expected 3 (SI) or 4 (TC) tab-separated fields, found {len(fields)}", number
        )
    try:
        begin, finish = int(start), int(end)
    except ValueError:
        raise FormatError(
            path, f"offsets must be integers, got {start!r} {end!r}", number
        ) from None
    if not 0 <= begin < finish:
        raise FormatError(path, f"need 0 <= start < end, got {begin} {finish}", number)
    return LabelRow(article_id.strip(), begin, finish, technique)


def read_label_file(path: Path, *, need_techniques: bool) -> list[LabelRow]:
    """Label rows of a file or folder; with ``need_techniques``, every row must name one."""
    if not path.exists():
        raise FormatError(path, "no such file or directory")
    rows = read_label_rows(path)
    if need_techniques:
        for row in rows:
            if row.technique is None:
                raise FormatError(path, "has SI rows (id start end); this task needs techniques")
            if row.technique == UNKNOWN_TECHNIQUE:
                raise FormatError(path, "is a template ('?' techniques), not labels")
    return rows


def read_labels(path: Path, default_technique: str = "propaganda") -> dict[str, list[Span]]:
    """Read labels as spans grouped by article id; SI rows get ``default_technique``."""
    return group_rows(read_label_rows(path), default_technique)


def group_rows(
    rows: Iterable[LabelRow], default_technique: str = "propaganda"
) -> dict[str, list[Span]]:
    """Label rows as spans grouped by article id; SI rows get ``default_technique``."""
    grouped: dict[str, list[Span]] = {}
    for row in rows:
        technique = row.technique or default_technique
        grouped.setdefault(row.article_id, []).append(Span(row.start, row.end, technique))
    return grouped


def check_spans_fit(
    documents: Iterable[Document], spans: Mapping[str, list[Span]], where: Path
) -> None:
    """Raise if a label points at an unknown article or beyond an article's end."""
    lengths = {d.id: len(d.text) for d in documents}
    for article_id, article_spans in spans.items():
        if article_id not in lengths:
            raise FormatError(
                where, f"labels for article {article_id!r}, which is not in the corpus"
            )
        for span in article_spans:
            if span.end > lengths[article_id]:
                raise FormatError(
                    where,
                    f"span [{span.start}, {span.end}) of article {article_id} lies beyond its "
                    f"{lengths[article_id]} characters",
                )


@dataclass
class LabelledCorpus:
    """Articles with their gold technique spans (an article may have none)."""

    documents: list[Document]
    spans: dict[str, list[Span]]

    def pairs(self) -> list[tuple[Document, list[Span]]]:
        return [(d, self.spans.get(d.id, [])) for d in self.documents]


def find_articles_dir(root: Path) -> Path:
    """The articles folder of a PTC split: ``root`` itself or its ``*articles*`` subfolder."""
    if any(_ARTICLE_NAME.match(p.name) for p in root.iterdir()):
        return root
    candidates = sorted(p for p in root.iterdir() if p.is_dir() and "articles" in p.name)
    if not candidates:
        raise FormatError(root, "no article<ID>.txt files and no *articles* folder")
    return candidates[0]


def find_technique_labels(root: Path) -> Path:
    """Technique labels of a PTC split: a ``*TC*.labels`` file or a ``*technique*`` folder."""
    for pattern in ("*task2-TC.labels", "*TC*.labels"):
        files = sorted(root.glob(pattern))
        if files:
            return files[0]
    folders = sorted(p for p in root.iterdir() if p.is_dir() and "technique" in p.name)
    if folders:
        return folders[0]
    raise FormatError(root, "no technique labels (*TC*.labels file or *technique* folder)")


def read_corpus(root: Path) -> LabelledCorpus:
    """Read a PTC split folder (articles plus technique labels), checking every offset."""
    if not root.is_dir():
        raise FormatError(root, "not a directory")
    documents = read_articles(find_articles_dir(root))
    labels_path = find_technique_labels(root)
    spans = read_labels(labels_path)
    check_spans_fit(documents, spans, labels_path)
    return LabelledCorpus(documents, spans)


def write_si(path: Path, spans: Mapping[str, Iterable[Span]]) -> None:
    """Write an SI submission: ``id<TAB>start<TAB>end`` per span."""
    lines = [f"{aid}\t{s.start}\t{s.end}" for aid, ss in spans.items() for s in sorted(ss)]
    _write_lines(path, lines)


def write_flc(path: Path, spans: Mapping[str, Iterable[Span]]) -> None:
    """Write a technique-labelled span file: ``id<TAB>technique<TAB>start<TAB>end`` per span."""
    lines = [
        f"{aid}\t{s.technique}\t{s.start}\t{s.end}" for aid, ss in spans.items() for s in sorted(ss)
    ]
    _write_lines(path, lines)


def write_tc(path: Path, rows: Iterable[LabelRow]) -> None:
    """Write TC rows in the order given (a filled-in template)."""
    _write_lines(path, [f"{r.article_id}\t{r.technique}\t{r.start}\t{r.end}" for r in rows])


ClassifySpans = Callable[[str, list[tuple[int, int]]], Sequence[Span]]
"""Names a technique for each ``(start, end)`` of a text (e.g. ``Analyzer.classify_spans``)."""


def read_tc_template(path: Path, documents: Iterable[Document]) -> list[LabelRow]:
    """The rows of a TC template (``id ? start end``; a file or a folder of ``.labels``),
    checked to point inside ``documents``."""
    if not path.exists():
        raise FormatError(path, "no such file")
    rows = read_label_rows(path)
    if not rows:
        raise FormatError(path, "the template has no rows")
    check_spans_fit(documents, group_rows(rows, UNKNOWN_TECHNIQUE), path)
    return rows


def fill_tc_template(
    rows: list[LabelRow], documents: Iterable[Document], classify: ClassifySpans
) -> list[LabelRow]:
    """``rows`` (as :func:`read_tc_template` returns them) in their order, each with the
    technique ``classify`` names for its span; ``classify`` sees each article once."""
    texts = {d.id: d.text for d in documents}
    by_article: dict[str, list[LabelRow]] = {}
    for row in rows:
        by_article.setdefault(row.article_id, []).append(row)
    techniques = {
        aid: iter(classify(texts[aid], [(r.start, r.end) for r in rs]))
        for aid, rs in by_article.items()
    }
    # Rows of one article keep their relative order in by_article, so taking the next technique
    # of the row's article walks the template in its own order.
    return [
        LabelRow(r.article_id, r.start, r.end, next(techniques[r.article_id]).technique)
        for r in rows
    ]


def distinct_positions(spans: Iterable[Span]) -> list[Span]:
    """One ``propaganda`` span per distinct position, scored by its best span (an SI span)."""
    unique = {(s.start, s.end): s for s in sorted(spans, key=lambda s: s.score)}
    return [Span(a, b, "propaganda", s.score) for (a, b), s in sorted(unique.items())]


ARTICLES_FOLDER = "articles"
LABELS_FILE = "labels-task2-TC.labels"
CAPACITY = Capacity()


def write_corpus(root: Path, items: list[Annotated]) -> list[str]:
    """Write a PTC split folder (``articles/article<ID>.txt`` and one technique label file)
    that :func:`read_corpus` reads back; return what the layout cannot hold."""
    check_unique_ids(root, items)
    for item in items:
        names = [item.document.id, *(span.technique for span in item.spans)]
        for name in names:
            if name != name.strip() or any(char in name for char in "\t\r\n"):
                raise FormatError(
                    root, f"{name!r}: PTC label files hold no tabs, line breaks or edge spaces"
                )
    articles = root / ARTICLES_FOLDER
    articles.mkdir(parents=True, exist_ok=True)
    for item in items:
        path = articles / f"article{file_stem(item.document.id)}.txt"
        with path.open("w", encoding="utf-8", newline="") as handle:
            handle.write(item.document.text)
    write_flc(root / LABELS_FILE, {item.document.id: item.spans for item in items})
    return losses("PTC", items, CAPACITY)


def read_ptc(root: Path) -> Annotations:
    """A PTC split folder as annotated documents (for the converter)."""
    return Annotations([Annotated(d, s) for d, s in read_corpus(root).pairs()])


def _write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


__all__ = [
    "UNKNOWN_TECHNIQUE",
    "ClassifySpans",
    "LabelRow",
    "LabelledCorpus",
    "SchemaError",
    "check_spans_fit",
    "distinct_positions",
    "fill_tc_template",
    "find_articles_dir",
    "find_technique_labels",
    "group_rows",
    "read_article",
    "read_articles",
    "read_articles_dir",
    "read_corpus",
    "read_label_file",
    "read_label_rows",
    "read_labels",
    "read_ptc",
    "read_tc_template",
    "write_corpus",
    "write_flc",
    "write_si",
    "write_tc",
]
