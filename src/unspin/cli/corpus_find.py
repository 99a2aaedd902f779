"""Corpus commands that find things: examples (the strongest spans of a technique) and search.

They share the options and the read-only store of :mod:`unspin.cli.corpus`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

import click

from unspin.cli.corpus import (
    db_option,
    filter_options,
    format_option,
    reader,
    technique_name,
)
from unspin.storage import DEFAULT_EXAMPLES_LIMIT, DEFAULT_SEARCH_LIMIT

if TYPE_CHECKING:
    from unspin.storage.browse import Example, Found
    from unspin.storage.filters import Filters
    from unspin.storage.search import Hit

_F = TypeVar("_F", bound="Found")


@click.command()
@click.argument("technique", callback=technique_name)
@db_option
@filter_options(technique=False)
@click.option("--limit", default=DEFAULT_EXAMPLES_LIMIT, show_default=True)
@format_option("text", "jsonl")
def examples(technique: str, db: str, filters: Filters, limit: int, fmt: str) -> None:
    """The highest-scoring spans of TECHNIQUE (corpus or display name, any case), in context."""
    from unspin.storage.browse import examples as find_examples

    found = find_examples(reader(db), technique, filters, limit=limit)
    _print_found(found, fmt, f"no spans of {technique!r} found", _example_text)


def _example_text(example: Example) -> str:
    """Score, document and the span in brackets within its context, exactly as written but
    for runs of whitespace (one space each) and control characters (neutralised)."""
    from unspin.cli.terminal import printable
    from unspin.storage.browse import squeeze_spaces

    span = click.style(f"[{printable(squeeze_spaces(example.span))}]", bold=True)
    before, after = printable(example.before), printable(example.after)
    return (
        f"{example.score:.2f}  #{example.document_id} {printable(example.where)}"
        f"{_copies(example.copies)}\n    …{before}{span}{after}…"
    )


def _copies(count: int) -> str:
    """How many documents hold a text shown once, when more than one."""
    return f" (the text of {count} documents)" if count > 1 else ""


@click.command()
@click.argument("query")
@db_option
@filter_options(technique=False)
@click.option("--limit", default=DEFAULT_SEARCH_LIMIT, show_default=True)
@format_option("text", "jsonl")
def search(query: str, db: str, filters: Filters, limit: int, fmt: str) -> None:
    """Full-text search over the documents' texts; shows the techniques of spans holding the
    words. A text published several times is shown once, with how many documents hold it.

    QUERY: words (all must occur, any case), "a phrase", a OR b, -excluded, prefix*.
    """
    from unspin.storage.search import QuerySyntaxError
    from unspin.storage.search import search as run_search

    try:
        hits = run_search(reader(db), query, limit=limit, filters=filters)
    except QuerySyntaxError as error:
        raise click.UsageError(str(error)) from None
    _print_found(hits, fmt, "no documents match", _hit_text)


def _hit_text(hit: Hit) -> str:
    """Document, snippet (control characters neutralised) and the techniques on the words."""
    from unspin.cli.terminal import printable
    from unspin.taxonomy import display_name

    lines = [
        f"#{hit.document_id} {printable(hit.where)}{_copies(hit.copies)}",
        f"    {printable(hit.snippet)}",
    ]
    if hit.techniques:
        named = ", ".join(f"{display_name(t)} ×{n}" for t, n in hit.techniques.items())
        lines.append(f"    techniques on the query words: {named}")
    return "\n".join(lines)


def _print_found(found: Sequence[_F], fmt: str, empty: str, text: Callable[[_F], str]) -> None:
    """Each result as a JSON line (``fmt`` jsonl) or as ``text``; ``empty`` on stderr if none."""
    if not found:
        click.echo(empty, err=True)
    for item in found:
        click.echo(json.dumps(item.to_dict(), ensure_ascii=False) if fmt == "jsonl" else text(item))
