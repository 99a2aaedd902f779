"""Corpus commands: ingest, stats, examples, search, export and plot.

SQLAlchemy, matplotlib and the model load inside the commands, so ``unspin --help`` stays fast.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from unspin.storage import DEFAULT_DB

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from unspin.storage.ingest import BatchAnalyzer
    from unspin.storage.queries import Filters

db_option = click.option(
    "--db",
    "db",
    envvar="UNSPIN_DB",
    default=DEFAULT_DB,
    show_default=True,
    metavar="URL",
    help="Database URL (sqlite:///FILE or postgresql://...); also $UNSPIN_DB.",
)
since_option = click.option(
    "--since", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Published on or after."
)
until_option = click.option(
    "--until", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Published on or before."
)


def _engine(db: str) -> Engine:
    from unspin.storage.db import open_engine

    return open_engine(db)


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


def load_analyzer(model: str | None) -> BatchAnalyzer:
    """The analyzer ingest uses (tests replace it)."""
    from unspin.inference import Analyzer

    analyzer: BatchAnalyzer = Analyzer(model)
    return analyzer


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option
@click.option(
    "--source",
    default=None,
    help="Source name for every document (default: the record's own, or the file).",
)
@click.option("--model", default=None, metavar="PATH", help="Model folder (default: shipped).")
@click.option("--batch-size", default=32, show_default=True, help="Documents per transaction.")
def ingest(
    paths: tuple[Path, ...], db: str, source: str | None, model: str | None, batch_size: int
) -> None:
    """Analyse the documents in PATHS (files, folders, - for JSONL on stdin) into the database.

    Each text is stored once; documents already analysed by this model version are skipped,
    so an interrupted run can simply be started again.
    """
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from unspin.storage.ingest import estimate_records
    from unspin.storage.ingest import ingest as run_ingest

    engine = _engine(db)
    analyzer = load_analyzer(model)
    console = Console(stderr=True)
    columns = (
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("docs"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("ingest", total=estimate_records(paths), rate="")

        def advance(count: int) -> None:
            progress.advance(task, count)
            speed = progress.tasks[task].speed
            progress.update(task, rate=f"{speed:.1f} docs/s" if speed else "")

        summary = run_ingest(
            list(paths), engine, analyzer, source=source, batch_size=batch_size, on_batch=advance
        )
    info = analyzer.info
    click.echo(
        f"{summary.read} documents read: {summary.added} new, {summary.duplicates} already "
        f"stored; {summary.analysed} analysed by {info.name} {info.version} "
        f"({summary.spans} spans), {summary.already_analysed} already analysed; "
        f"{len(summary.errors)} skipped"
    )
    for error in summary.errors:
        click.echo(f"  skipped: {error}")


def _filters(
    source: str | None, since: datetime | None, until: datetime | None, technique: str | None
) -> Filters:
    from unspin.storage.queries import Filters

    return Filters(source=source, since=_day(since), until=_day(until), technique=technique)


@click.command()
@db_option
@click.option(
    "--by",
    type=click.Choice(["source", "month", "week", "language", "all"]),
    default="source",
    show_default=True,
)
@click.option("--technique", default=None, help="Only this technique.")
@click.option("--source", default=None, help="Only this source.")
@since_option
@until_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
def stats(
    db: str,
    by: str,
    technique: str | None,
    source: str | None,
    since: datetime | None,
    until: datetime | None,
    fmt: str,
) -> None:
    """Documents, spans per 1,000 words and share of documents using each technique, per group."""
    from unspin.storage.export import stats_records, write_records
    from unspin.storage.queries import stats as corpus_stats

    result = corpus_stats(_engine(db), by, _filters(source, since, until, technique))
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        write_records(stats_records(result), "csv", sys.stdout)
        return
    from rich.console import Console
    from rich.table import Table

    shown = result.techniques[:8]
    table = Table(
        title=f"per {by}"
        + (f" — {result.model.name} {result.model.version}" if result.model else "")
    )
    for name in (by, "docs", "spans/1k words", *shown):
        table.add_column(name.replace("_", " "), justify="left" if name == by else "right")
    for group in result.groups:
        table.add_row(
            group.group,
            str(group.documents),
            f"{group.spans_per_1000_words:.1f}",
            *(f"{100 * group.share(t):.0f}%" for t in shown),
        )
    Console().print(table)
    if len(result.techniques) > len(shown):
        click.echo(f"({len(result.techniques) - len(shown)} more techniques in --format json)")


@click.command()
@click.argument("technique")
@db_option
@click.option("--source", default=None, help="Only this source.")
@since_option
@until_option
@click.option("--limit", default=10, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text")
def examples(
    technique: str,
    db: str,
    source: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    fmt: str,
) -> None:
    """The highest-scoring spans of TECHNIQUE, with their context."""
    from unspin.storage.queries import examples as find_examples

    found = find_examples(_engine(db), technique, _filters(source, since, until, None), limit=limit)
    if not found:
        click.echo(f"no spans of {technique!r} found", err=True)
    for example in found:
        if fmt == "jsonl":
            click.echo(json.dumps(example.to_dict(), ensure_ascii=False))
            continue
        where = ", ".join(str(x) for x in (example.source, example.published, example.title) if x)
        click.echo(f"{example.score:.2f}  #{example.document_id} {where}")
        click.echo(
            f"    …{example.before} "
            + click.style(f"[{example.span}]", bold=True)
            + f" {example.after}…"
        )


@click.command()
@click.argument("query")
@db_option
@click.option("--limit", default=20, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text")
def search(query: str, db: str, limit: int, fmt: str) -> None:
    """Full-text search over the documents; shows the techniques of spans holding the words."""
    from unspin.storage.queries import search as run_search

    hits = run_search(_engine(db), query, limit=limit)
    if not hits:
        click.echo("no documents match", err=True)
    for hit in hits:
        if fmt == "jsonl":
            click.echo(json.dumps(hit.to_dict(), ensure_ascii=False))
            continue
        where = ", ".join(str(x) for x in (hit.source, hit.published, hit.title) if x)
        click.echo(f"#{hit.document_id} {where}")
        click.echo(f"    {hit.snippet}")
        if hit.techniques:
            named = ", ".join(f"{t} ×{n}" for t, n in hit.techniques.items())
            click.echo(f"    techniques on the query words: {named}")


@click.command()
@db_option
@click.option(
    "--what",
    type=click.Choice(["documents", "spans", "stats"]),
    default="documents",
    show_default=True,
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "parquet"]),
    default="jsonl",
    show_default=True,
)
@click.option(
    "--by",
    type=click.Choice(["source", "month", "week", "language", "all"]),
    default="source",
    show_default=True,
    help="Grouping for --what stats.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Output file (default: stdout; parquet needs a file).",
)
def export(db: str, what: str, fmt: str, by: str, output: Path | None) -> None:
    """Export documents, spans or statistics as JSONL, CSV or Parquet."""
    from unspin.storage import export as exporter
    from unspin.storage.queries import stats as corpus_stats

    engine = _engine(db)
    records: Any
    if what == "documents":
        records = exporter.document_records(engine)
    elif what == "spans":
        records = exporter.span_records(engine)
    else:
        records = exporter.stats_records(corpus_stats(engine, by))
    if fmt == "parquet" and output is None:
        raise click.UsageError("--format parquet needs -o FILE")
    count = exporter.write_records(records, fmt, output if output is not None else sys.stdout)
    if output is not None:
        click.echo(f"{count} records written to {output}", err=True)


@click.command()
@db_option
@click.option(
    "--by",
    type=click.Choice(["source", "month", "week", "language"]),
    default="source",
    show_default=True,
)
@click.option("--technique", default=None, help="Only this technique.")
@click.option("--source", default=None, help="Only this source.")
@since_option
@until_option
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), required=True, help="FILE.png or FILE.svg"
)
def plot(
    db: str,
    by: str,
    technique: str | None,
    source: str | None,
    since: datetime | None,
    until: datetime | None,
    output: Path,
) -> None:
    """Plot technique profiles per source (heat map) or technique shares over time (lines)."""
    from unspin.storage.plots import plot_stats
    from unspin.storage.queries import stats as corpus_stats

    if output.suffix.lower() not in (".png", ".svg"):
        raise click.UsageError("-o must end in .png or .svg")
    result = corpus_stats(_engine(db), by, _filters(source, since, until, technique))
    plot_stats(result, output)
    click.echo(f"plot written to {output}", err=True)
