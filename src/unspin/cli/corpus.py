"""Corpus commands: ingest, stats, export and plot, and the options every corpus command shares
(examples and search are in :mod:`unspin.cli.corpus_find`).

SQLAlchemy, matplotlib and the model load inside the commands, so ``unspin --help`` stays fast.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from unspin.cli.analyze import by_models, routed_model_option
from unspin.storage import DEFAULT_DB, DEFAULT_INGEST_BATCH

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from unspin.storage.filters import Filters
    from unspin.storage.ingest import BatchAnalyzer

db_option = click.option(
    "--db",
    "db",
    envvar="UNSPIN_DB",
    default=DEFAULT_DB,
    show_default=True,
    metavar="URL",
    help="Database URL (sqlite:///FILE or postgresql://...); also $UNSPIN_DB.",
)

Command = Callable[..., None]
ANNOTATION_FORMATS = ("label-studio", "brat")
"""Export formats for annotation tools: documents with their current analysis's spans."""


def _engine(db: str) -> Engine:
    from unspin.storage.db import open_engine

    return open_engine(db)


def reader(db: str) -> Engine:
    """The store at ``db`` for a command that only reads: never creates one."""
    from unspin.storage.db import StoreNotFoundError, open_engine

    try:
        return open_engine(db, create=False)
    except StoreNotFoundError as error:
        raise click.ClickException(
            f"{error}: check --db (or $UNSPIN_DB); `unspin ingest PATH --db URL` creates one"
        ) from None


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


def by_option(*groups: str, help: str | None = None) -> Callable[[Command], Command]:
    """``--by``: how statistics are grouped."""
    choice = click.Choice(groups)
    return click.option("--by", type=choice, default="source", show_default=True, help=help)


def format_option(*formats: str) -> Callable[[Command], Command]:
    """``--format`` (passed on as ``fmt``): one of ``formats``, the first by default."""
    choice = click.Choice(formats)
    return click.option("--format", "fmt", type=choice, default=formats[0], show_default=True)


def technique_name(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Click callback: the corpus name of the technique given by any of its names, or an error
    pointing to ``unspin techniques``."""
    from unspin.taxonomy import UnknownTechniqueError, get_technique

    if value is None:
        return None
    try:
        return get_technique(value).name
    except UnknownTechniqueError as error:
        raise click.ClickException(
            f"{error.args[0]}; `unspin techniques` lists the names"
        ) from None


def filter_options(*, technique: bool) -> Callable[[Command], Command]:
    """``--source``, ``--since``, ``--until``, ``--model`` (and ``--technique``), passed on as
    ``filters``."""

    def decorate(command: Command) -> Command:
        @functools.wraps(command)
        def with_filters(
            *args: Any,
            source: str | None,
            since: datetime | None,
            until: datetime | None,
            model: str | None,
            **kwargs: Any,
        ) -> None:
            from unspin.storage.filters import Filters

            only = kwargs.pop("technique") if technique else None
            filters = Filters(source, _day(since), _day(until), only, model)
            command(*args, filters=filters, **kwargs)

        day = click.DateTime(["%Y-%m-%d"])
        only = click.option(
            "--technique",
            callback=technique_name,
            help="Only this technique (corpus or display name, any case).",
        )
        options = [
            *([only] if technique else []),
            click.option("--source", help="Only this source."),
            click.option("--since", type=day, help="Published on or after."),
            click.option("--until", type=day, help="Published on or before."),
            click.option(
                "--model",
                metavar="NAME[@VERSION]",
                help="Only this model's analyses (default: each document's current analysis, "
                "by the newest version of the model that read it).",
            ),
        ]
        for option in reversed(options):
            with_filters = option(with_filters)
        return with_filters

    return decorate


def load_analyzer(model: str | None) -> BatchAnalyzer:
    """The analyzer ingest uses (tests replace it): a Router, which sends each text to the model
    for its language, or every text to ``--model`` when given."""
    from unspin.cli.analyze import load_router

    analyzer: BatchAnalyzer = load_router(model)
    return analyzer


EXIT_SKIPPED = 3
"""``unspin ingest``'s exit status when it finished but skipped records (listed on stderr)."""
EXIT_INTERRUPTED = 130
"""``unspin ingest``'s exit status when stopped with Ctrl-C (what was stored is kept)."""


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option
@click.option(
    "--source",
    default=None,
    help="Source name for every document (default: the record's own, or the file).",
)
@routed_model_option
@click.option(
    "--batch-size",
    default=DEFAULT_INGEST_BATCH,
    show_default=True,
    help="Documents per transaction.",
)
def ingest(
    paths: tuple[Path, ...], db: str, source: str | None, model: str | None, batch_size: int
) -> None:
    """Analyse the documents in PATHS (files, folders, - for JSONL on stdin) into the database.

    Each text is stored once and analysed once per model version (the model for its language
    unless --model is given); each document (a text with its own id, source, date, metadata)
    is stored once, so copies of one text by several sources all count; one read again with
    the same source and id updates the stored one, so a stopped run can simply be rerun.

    An output folder of `unspin batch` is loaded as it is, without analysing again.

    Exit status: 0 when every record was stored; 3 when some were skipped (each is named on
    stderr with the reason); 130 when interrupted (Ctrl-C); 1 on an error that stops the run.
    """
    from unspin.batch.manifest import is_batch_output

    if outputs := [path for path in paths if is_batch_output(path)]:
        if len(outputs) < len(paths) or model or source:
            raise click.UsageError(
                f"{outputs[0]} is an `unspin batch` output folder, whose analyses are loaded as "
                "they are: give such folders alone, without --model or --source"
            )
        from unspin.cli.batch import load_outputs

        load_outputs(outputs, _engine(db))
        return
    from unspin.storage.ingest import IngestSummary

    engine = _engine(db)
    analyzer = load_analyzer(model)
    summary = IngestSummary()
    from sqlalchemy.exc import DBAPIError

    from unspin.storage.write import database_message

    try:
        _run_ingest(list(paths), engine, analyzer, source, batch_size, summary)
    except DBAPIError as error:  # the database is gone, full, locked ...: no SQL, no text shown
        _report(summary)
        raise click.ClickException(
            f"the database failed: {database_message(error)}. What was stored before is kept; "
            "run the same command again once the database is back."
        ) from None
    except KeyboardInterrupt:
        _report(summary)
        click.echo(
            "interrupted: what was read so far is stored; run the same command to continue "
            "(documents already stored are not added or analysed again)",
            err=True,
        )
        sys.exit(EXIT_INTERRUPTED)
    _report(summary)
    if summary.errors:
        click.echo(
            f"{len(summary.errors)} record(s) skipped (listed above); fix them and run the same "
            "command again: what is stored already is kept",
            err=True,
        )
        sys.exit(EXIT_SKIPPED)


def _run_ingest(
    paths: list[Path],
    engine: Engine,
    analyzer: BatchAnalyzer,
    source: str | None,
    batch_size: int,
    summary: Any,
) -> None:
    """Ingest with a progress bar on stderr, filling ``summary`` as it goes."""
    from unspin.cli.progress import document_progress
    from unspin.formats.documents import estimate_records
    from unspin.storage.ingest import ingest as run_ingest

    with document_progress("ingest", estimate_records(paths)) as advance:
        run_ingest(
            paths,
            engine,
            analyzer,
            source=source,
            batch_size=batch_size,
            on_batch=advance,
            summary=summary,
        )


def _report(summary: Any) -> None:
    """The figures of an ingest run, then each skipped record and each warning, on stderr."""
    click.echo(
        f"{summary.read} documents read: {summary.added} new, {summary.updated} updated, "
        f"{summary.unchanged} already stored; {summary.texts} new texts, {summary.analysed} "
        f"analysed{by_models(summary.analysed_by)} ({summary.spans} spans); "
        f"{len(summary.errors)} skipped, {len(summary.warnings)} warnings",
        err=True,
    )
    for warning in summary.warnings:
        click.echo(f"  warning: {warning}", err=True)
    for error in summary.errors:
        click.echo(f"  skipped: {error}", err=True)


@click.command()
@db_option
@by_option("source", "month", "week", "language", "model", "all")
@filter_options(technique=True)
@format_option("table", "json", "csv")
def stats(db: str, by: str, filters: Filters, fmt: str) -> None:
    """Documents, spans per 1,000 words and share of documents using each technique, per group.

    Each document counts once, with its current analysis: by the newest version of the model
    that read it (a corpus routed by language mixes models; --by model shows which read what).
    Documents in a language the model does not read are counted apart, and undated ones are
    left out of months and weeks: a note on stderr says how many.
    """
    from unspin.storage.export import stats_records, write_records
    from unspin.storage.stats import stats as corpus_stats
    from unspin.storage.stats import undated_note, unreadable_note

    result = corpus_stats(reader(db), by, filters)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    elif fmt == "csv":
        write_records(stats_records(result), "csv", sys.stdout)
    else:
        from rich.console import Console

        from unspin.cli.stats_table import stats_tables

        console = Console()
        if not result.groups:
            click.echo("no analysed documents match", err=True)
        for table in stats_tables(result, console):
            console.print(table)
    if result.undated:
        click.echo(undated_note(result.undated), err=True)
    unreadable = sum(g.unreadable for g in result.groups)
    if unreadable:
        click.echo(unreadable_note(unreadable), err=True)


@click.command()
@db_option
@click.option(
    "--what",
    type=click.Choice(["documents", "spans", "stats"]),
    default="documents",
    show_default=True,
)
@format_option("jsonl", "csv", "parquet", *ANNOTATION_FORMATS)
@by_option("source", "month", "week", "language", "model", "all", help="Grouping for --what stats.")
@filter_options(technique=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Output file (default: stdout; parquet, label-studio and brat need one).",
)
def export(db: str, what: str, fmt: str, by: str, filters: Filters, output: Path | None) -> None:
    """Export documents, spans or statistics as JSONL, CSV or Parquet, or documents with their
    spans as Label Studio tasks (predictions) or a brat folder, to annotate.

    Each document is a record of its own, copies of one text included (``text_id`` tells them
    apart), with the model whose analysis of it counts (``model_name``, ``model_version``: the
    newest version of the model that read it, or --model's); span records carry the document's
    own id and their model. With --technique, documents (and spans) where that analysis found
    the technique. CSV cells that a spreadsheet would run as a formula (starting with = + - @)
    get a ' in front.
    """
    from unspin.storage import export as exporter
    from unspin.storage.stats import stats as corpus_stats

    engine = reader(db)
    if fmt in ANNOTATION_FORMATS:
        _export_annotations(engine, fmt, filters, output)
        return
    records: Any
    if what == "documents":
        records = exporter.document_records(engine, filters)
    elif what == "spans":
        records = exporter.span_records(engine, filters=filters)
    else:
        records = exporter.stats_records(corpus_stats(engine, by, filters))
    if fmt == "parquet" and output is None:
        raise click.UsageError("--format parquet needs -o FILE")
    count = exporter.write_records(records, fmt, output if output is not None else sys.stdout)
    if output is not None:
        click.echo(f"{count} records written to {output}", err=True)


def _export_annotations(engine: Engine, fmt: str, filters: Filters, output: Path | None) -> None:
    from unspin.formats.convert import FORMATS
    from unspin.storage.export import annotated_documents

    if output is None:
        raise click.UsageError(
            f"--format {fmt} needs -o {'FILE.json' if fmt == 'label-studio' else 'FOLDER'}"
        )
    items = list(annotated_documents(engine, filters))
    for note in FORMATS[fmt].write(output, items):
        click.echo(f"note: {note}", err=True)
    click.echo(f"{len(items)} documents written to {output}", err=True)


@click.command()
@db_option
@by_option("source", "month", "week", "language", "model")
@filter_options(technique=True)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), required=True, help="FILE.png or FILE.svg"
)
def plot(db: str, by: str, filters: Filters, output: Path) -> None:
    """Plot technique profiles per source (heat map) or technique shares over time (lines)."""
    from unspin.storage.plots import plot_stats
    from unspin.storage.stats import stats as corpus_stats

    if output.suffix.lower() not in (".png", ".svg"):
        raise click.UsageError("-o must end in .png or .svg")
    from unspin.storage.stats import undated_note

    result = corpus_stats(reader(db), by, filters)
    plot_stats(result, output)
    click.echo(f"plot written to {output}", err=True)
    if result.undated:
        click.echo(undated_note(result.undated), err=True)
