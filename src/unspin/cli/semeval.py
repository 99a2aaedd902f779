"""``unspin semeval``: write SemEval-2020 Task 11 submission files for a folder of articles."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from unspin.cli.analyze import load_analyzer
from unspin.formats.errors import FormatError
from unspin.formats.ptc import (
    UNKNOWN_TECHNIQUE,
    LabelRow,
    check_spans_fit,
    find_articles_dir,
    read_articles,
    read_label_rows,
    write_flc,
    write_si,
    write_tc,
)
from unspin.schema import Document, Span

_Command = TypeVar("_Command", bound=Callable[..., Any])
_articles = click.argument("articles_dir", type=click.Path(path_type=Path), metavar="ARTICLES_DIR")
_output = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Submission file to write.",
)
_model = click.option("--model", default=None, metavar="PATH", help="Model folder.")
_threshold = click.option(
    "-t", "--threshold", type=click.FloatRange(0.0, 1.0), default=None, help="Span threshold."
)


@click.group("semeval")
def semeval() -> None:
    """Write SemEval-2020 Task 11 submissions (SI, TC, FLC) for a folder of article<ID>.txt."""


def load_articles(articles_dir: Path) -> list[Document]:
    """The PTC articles in ``articles_dir`` (or in its ``*articles*`` subfolder)."""
    if not articles_dir.exists():
        raise FormatError(articles_dir, "no such directory")
    if not articles_dir.is_dir():
        raise FormatError(articles_dir, "is a file, expected a directory of article<ID>.txt")
    return read_articles(find_articles_dir(articles_dir))


def _span_options(command: _Command) -> _Command:
    """The arguments of the span-finding commands (si, flc)."""
    return _articles(_output(_model(_threshold(command))))


@semeval.command("si")
@_span_options
def si(articles_dir: Path, output: Path, model: str | None, threshold: float | None) -> None:
    """Span identification: one "id<TAB>start<TAB>end" row per propaganda span."""
    found = _technique_spans(articles_dir, model, threshold)
    spans = {article_id: _positions(named) for article_id, named in found.items()}
    write_si(output, spans)
    _report(output, spans)


@semeval.command("flc")
@_span_options
def flc(articles_dir: Path, output: Path, model: str | None, threshold: float | None) -> None:
    """Technique spans: one "id<TAB>technique<TAB>start<TAB>end" row per span."""
    spans = _technique_spans(articles_dir, model, threshold)
    write_flc(output, spans)
    _report(output, spans)


@semeval.command("tc")
@_articles
@click.option(
    "--template",
    type=click.Path(path_type=Path),
    required=True,
    help="TC template: id<TAB>?<TAB>start<TAB>end rows (a file or a folder of .labels).",
)
@_output
@_model
def tc(articles_dir: Path, template: Path, output: Path, model: str | None) -> None:
    """Technique classification: name a technique for every template row, in its order."""
    documents = {d.id: d for d in load_articles(articles_dir)}
    if not template.exists():
        raise FormatError(template, "no such file")
    rows = read_label_rows(template)
    if not rows:
        raise FormatError(template, "the template has no rows")
    by_article: dict[str, list[LabelRow]] = {}
    for row in rows:
        by_article.setdefault(row.article_id, []).append(row)
    positions = {
        aid: [Span(r.start, r.end, UNKNOWN_TECHNIQUE) for r in rs] for aid, rs in by_article.items()
    }
    check_spans_fit(documents.values(), positions, template)
    analyzer = load_analyzer(model)
    techniques = {
        article_id: iter(
            analyzer.classify_spans(documents[article_id].text, [(r.start, r.end) for r in rs])
        )
        for article_id, rs in by_article.items()
    }
    # Rows of one article keep their relative order in by_article, so taking the next technique
    # of the row's article walks the template in its own order.
    filled = [
        LabelRow(r.article_id, r.start, r.end, next(techniques[r.article_id]).technique)
        for r in rows
    ]
    write_tc(output, filled)
    click.echo(f"wrote {len(filled)} rows to {output}", err=True)


def _technique_spans(
    articles_dir: Path, model: str | None, threshold: float | None
) -> dict[str, list[Span]]:
    """The model's technique spans in every article of ``articles_dir``, by article id."""
    documents = load_articles(articles_dir)
    analyses = load_analyzer(model).analyze_batch(documents, threshold=threshold)
    return {a.document.id: a.spans for a in analyses}


def _positions(spans: list[Span]) -> list[Span]:
    """One span per distinct position (a span named with two techniques is one SI span)."""
    unique = {(s.start, s.end): s for s in sorted(spans, key=lambda s: s.score)}
    return [Span(a, b, "propaganda", s.score) for (a, b), s in sorted(unique.items())]


def _report(output: Path, spans: dict[str, list[Span]]) -> None:
    total = sum(len(s) for s in spans.values())
    click.echo(f"wrote {total} spans in {len(spans)} articles to {output}", err=True)
