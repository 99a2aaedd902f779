"""``unspin analyze``: find persuasion techniques in text files or standard input."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from unspin.cli.errors import describe_error
from unspin.formats.documents import DocumentOrError, iter_documents
from unspin.formats.errors import FormatError
from unspin.formats.text import decode_bytes
from unspin.schema import Analysis, Document, ModelInfo

if TYPE_CHECKING:
    from unspin.inference import Analyzer, Router

STDIN_NAME = "<stdin>"
FORMATS = ("text", "json", "jsonl", "html")


def load_analyzer(model: str | None) -> Analyzer:
    """The Analyzer for ``--model`` (the shipped model by default); imported only when needed."""
    from unspin.inference import Analyzer

    return Analyzer(model)


def load_router(model: str | None) -> Router:
    """A Router that sends each text to the model for its language, or every text to
    ``--model`` (a folder or an installed model's name) when given."""
    from unspin.inference import Router

    return Router(model)


def by_models(counts: Counter[ModelInfo]) -> str:
    """`` by NAME VERSION`` for texts all read by one model; with each one's count for several
    (routed by language); empty for none."""
    named = [(f"{info.name} {info.version}", n) for info, n in counts.items()]
    if len(named) == 1:
        return f" by {named[0][0]}"
    return (" by " + ", ".join(f"{name} ({n})" for name, n in named)) if named else ""


def read_inputs(
    paths: tuple[str, ...], *, allow_private_urls: bool = False
) -> tuple[list[Document], list[FormatError]]:
    """Documents from files (``.txt``, ``.html``, ``.pdf``, ``.jsonl``, ``.csv``), folders of
    them, ``http(s)://`` URLs and ``-`` (stdin), and an error for each input (or record) that
    could not be read."""
    documents: list[Document] = []
    errors: list[FormatError] = []
    for name in paths:
        for item in _read_input(name, allow_private_urls):
            if isinstance(item, FormatError):
                errors.append(item)
            else:
                documents.append(item)
    return documents, errors


def _read_input(name: str, allow_private_urls: bool) -> Iterator[DocumentOrError]:
    if name == "-":
        try:
            yield Document(id="stdin", text=decode_bytes(sys.stdin.buffer.read(), STDIN_NAME))
        except FormatError as error:
            yield error
    elif name.lower().startswith(("http://", "https://")):
        yield _fetch(name, allow_private_urls)
    else:
        yield from iter_documents(Path(name))


def _fetch(url: str, allow_private: bool) -> DocumentOrError:
    """The page at ``url``, fetched as the web app fetches it (private addresses refused)."""
    try:
        import anyio

        from unspin.formats.fetch import FetchError, fetch_document
    except ImportError as error:
        return FormatError(url, f"fetching URLs needs the 'web' extra ({error})")
    try:
        return anyio.run(lambda: fetch_document(url, allow_private=allow_private))
    except FetchError as error:
        return FormatError(url, str(error))


def split_too_long(
    documents: list[Document], max_chars: int
) -> tuple[list[Document], list[FormatError]]:
    """The documents of at most ``max_chars`` characters, and an error naming each longer one."""
    kept = [d for d in documents if len(d.text) <= max_chars]
    errors = [
        FormatError(
            d.source or d.url or d.id,
            f"document {d.id!r} has {len(d.text):,} characters; the limit is {max_chars:,}",
        )
        for d in documents
        if len(d.text) > max_chars
    ]
    return kept, errors


threshold_option = click.option(
    "-t",
    "--threshold",
    type=click.FloatRange(0.0, 1.0),
    default=None,
    help="Keep spans scored at least this (default: the model's own).",
)
routed_model_option = click.option(
    "--model",
    default=None,
    metavar="PATH|NAME",
    help="Model folder or installed model name for every text (default: each text's language "
    "chooses: English the shipped model, others the multilingual model if installed).",
)


@click.command("analyze")
@click.argument("paths", nargs=-1, required=True, metavar="PATH... | -")
@click.option(
    "-f",
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text: highlighted in the terminal; json/jsonl: analyses; html: a standalone page.",
)
@threshold_option
@routed_model_option
@click.option(
    "--allow-private-urls",
    is_flag=True,
    help="Let URL inputs reach private, loopback and link-local addresses.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write to this file instead of standard output.",
)
def analyze(
    paths: tuple[str, ...],
    output_format: str,
    threshold: float | None,
    model: str | None,
    allow_private_urls: bool,
    output: Path | None,
) -> None:
    """Find persuasion techniques in files (.txt, .html, .pdf, .jsonl, .csv), folders of them,
    web pages (http:// or https:// URLs) or stdin (-).

    Every readable input is analysed; each unreadable one (or one too long to analyse) is
    named on stderr, and then the exit status is 1.
    """
    documents, errors = read_inputs(paths, allow_private_urls=allow_private_urls)
    analyzer = load_router(model) if documents else None
    if analyzer is not None:
        documents, long = split_too_long(documents, analyzer.max_chars)
        errors += long
    for error in errors:
        click.echo(f"Error: {describe_error(error)}", err=True)
    if analyzer is not None and documents:
        analyses = analyzer.analyze_batch(documents, threshold=threshold)
        if output_format != "text":  # the terminal view shows them in place
            for analysis in analyses:
                for warning in analysis.warnings():
                    click.echo(f"Warning: {analysis.document.id}: {warning}", err=True)
        if output_format == "text":
            _print_text(analyses, output)
        else:
            _write(format_analyses(analyses, output_format), output)
    if errors:
        raise click.exceptions.Exit(1)


def format_analyses(analyses: list[Analysis], output_format: str) -> str:
    """``json`` (one object, or a list for several), ``jsonl`` or ``html`` output."""
    if output_format == "jsonl":
        return "".join(a.to_json() + "\n" for a in analyses)
    if output_format == "json":
        if len(analyses) == 1:
            return analyses[0].to_json(indent=2) + "\n"
        import json

        return json.dumps([a.to_dict() for a in analyses], ensure_ascii=False, indent=2) + "\n"
    if output_format == "html":
        from unspin.render import render_standalone

        return render_standalone(analyses)
    raise ValueError(f"unknown output format {output_format!r}")


def _print_text(analyses: list[Analysis], output: Path | None) -> None:
    from rich.console import Console

    from unspin.cli.terminal import print_analyses

    if output is None:
        print_analyses(analyses, Console(highlight=False))
        return
    with output.open("w", encoding="utf-8") as handle:
        print_analyses(analyses, Console(file=handle, highlight=False, width=100))


def _write(content: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(content)
    else:
        output.write_text(content, encoding="utf-8")
