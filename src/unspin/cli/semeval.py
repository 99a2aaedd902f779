"""``unspin semeval``: write SemEval-2020 Task 11 submission files for a folder of articles."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from unspin.cli.analyze import load_analyzer
from unspin.formats.ptc import (
    distinct_positions,
    fill_tc_template,
    read_articles_dir,
    read_tc_template,
    write_flc,
    write_si,
    write_tc,
)
from unspin.schema import Span

_Command = TypeVar("_Command", bound=Callable[..., Any])
_articles = click.argument("articles_dir", type=click.Path(path_type=Path), metavar="ARTICLES_DIR")
_output = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Submission file to write.",
)
_model = click.option(
    "--model", default=None, metavar="MODEL", help="Model folder or installed model name."
)
_threshold = click.option(
    "-t", "--threshold", type=click.FloatRange(0.0, 1.0), default=None, help="Span threshold."
)


@click.group("semeval")
def semeval() -> None:
    """Write SemEval-2020 Task 11 submissions (SI, TC, FLC) for a folder of article<ID>.txt."""


def _span_options(command: _Command) -> _Command:
    """The arguments of the span-finding commands (si, flc)."""
    return _articles(_output(_model(_threshold(command))))


@semeval.command("si")
@_span_options
def si(articles_dir: Path, output: Path, model: str | None, threshold: float | None) -> None:
    """Span identification: one "id<TAB>start<TAB>end" row per propaganda span."""
    found = _technique_spans(articles_dir, model, threshold)
    spans = {article_id: distinct_positions(named) for article_id, named in found.items()}
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
    documents = read_articles_dir(articles_dir)
    rows = read_tc_template(template, documents)
    filled = fill_tc_template(rows, documents, load_analyzer(model).classify_spans)
    write_tc(output, filled)
    click.echo(f"wrote {len(filled)} rows to {output}", err=True)


def _technique_spans(
    articles_dir: Path, model: str | None, threshold: float | None
) -> dict[str, list[Span]]:
    """The model's technique spans in every article of ``articles_dir``, by article id."""
    documents = read_articles_dir(articles_dir)
    analyses = load_analyzer(model).analyze_batch(documents, threshold=threshold)
    return {a.document.id: a.spans for a in analyses}


def _report(output: Path, spans: dict[str, list[Span]]) -> None:
    total = sum(len(s) for s in spans.values())
    click.echo(f"wrote {total} spans in {len(spans)} articles to {output}", err=True)
