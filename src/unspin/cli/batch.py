"""``unspin batch``: analyse many files into Parquet shards, on this machine or on Ray; and
the bulk load of such output into the corpus store (``unspin ingest OUTDIR``).

The bulk load sits here, above both ``unspin.batch`` (which reads the shards) and
``unspin.storage`` (which stores analyses), because those two layers do not know each other.
"""

from __future__ import annotations

import itertools
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click

from unspin.cli.analyze import by_models, routed_model_option, threshold_option
from unspin.cli.errors import missing_extra

if TYPE_CHECKING:
    from sqlalchemy import Engine as Database

    from unspin.batch import BatchSummary, Engine
    from unspin.storage.write import Stored

ENGINES = ("local", "ray")


def make_engine(
    name: str,
    model: str | None,
    threshold: float | None,
    actors: int | None,
    address: str | None,
) -> Engine:
    """The engine ``--engine`` names, or an error naming the extra to install."""
    if name == "local":
        if address:
            raise click.UsageError("--address is for --engine ray")
        from unspin.batch import LocalEngine

        return LocalEngine(model, threshold, actors)
    from unspin.batch.ray_engine import RayEngine, RayUnavailableError

    try:
        return RayEngine(model, threshold, actors, address)
    except RayUnavailableError as error:
        raise click.ClickException(str(error)) from None


@click.command("batch")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output-dir",
    "outdir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of Parquet shards and manifest.json (a re-run continues it).",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="local",
    show_default=True,
    help="local: a pool of processes on this machine; ray: Ray actors (the 'ray' extra).",
)
@click.option(
    "--actors",
    type=click.IntRange(min=1),
    default=None,
    help="Workers, one CPU each (default: this machine's CPUs, or the Ray cluster's).",
)
@click.option(
    "--address",
    default=None,
    metavar="ADDRESS",
    help="Ray cluster to run on (default: $RAY_ADDRESS, else a Ray on this machine).",
)
@routed_model_option
@threshold_option
@click.option(
    "--shard-size",
    type=click.IntRange(min=1),
    default=None,
    help="Records per shard (default 1000; a re-run keeps the first run's).",
)
def batch(
    inputs: tuple[Path, ...],
    outdir: Path,
    engine: str,
    actors: int | None,
    address: str | None,
    model: str | None,
    threshold: float | None,
    shard_size: int | None,
) -> None:
    """Analyse INPUTS (.txt, .html, .pdf, .jsonl, .csv, .parquet files; folders recursively)
    into Parquet shards in OUTDIR.

    Killed or interrupted, the same command again finishes the run: finished shards are kept,
    none is written twice. Unreadable records are listed in OUTDIR/manifest.json.
    """
    try:
        from unspin.batch import Manifest, run_batch
    except ImportError as error:
        raise missing_extra("unspin batch", "parquet", error) from None
    from unspin.cli.progress import document_progress
    from unspin.formats.documents import estimate_records

    runner = make_engine(engine, model, threshold, actors, address)
    earlier = Manifest.load(outdir) if outdir.is_dir() else None
    done = sum(shard.records for shard in earlier.shards.values()) if earlier else 0
    with document_progress("batch", estimate_records(inputs), done) as advance:
        summary = run_batch(
            list(inputs), outdir, runner, shard_size=shard_size, on_progress=advance
        )
    click.echo(describe_summary(summary, outdir), err=True)


def describe_summary(summary: BatchSummary, outdir: Path) -> str:
    """The lines printed at the end of a run."""
    manifest = summary.manifest
    lines = [
        f"{summary.documents} documents analysed{by_models(summary.analysed_by)} in "
        f"{summary.seconds:.1f} s ({summary.documents_per_second:.1f} docs/s): "
        f"{summary.spans} spans, {summary.bad} bad records; {summary.shards_written} shards "
        f"written, {summary.shards_skipped} already done",
        f"{outdir} holds {manifest.documents} documents, {manifest.spans} spans, "
        f"{len(manifest.bad)} bad records (listed in manifest.json) in {len(manifest.shards)} "
        "shards",
    ]
    lines += [f"  bad: {bad.where}: {bad.reason}" for bad in manifest.bad[:10]]
    if len(manifest.bad) > 10:
        lines.append(f"  … and {len(manifest.bad) - 10} more in manifest.json")
    return "\n".join(lines)


LOAD_CHUNK = 500
"""Analyses stored per transaction by a bulk load."""


@dataclass
class LoadSummary:
    """What one bulk load did."""

    rows: int = 0
    stored: Stored = field(default_factory=lambda: _stored())
    incomplete: list[Path] = field(default_factory=list)
    """Folders whose batch run has not finished (their finished shards are loaded)."""


def _stored() -> Stored:
    from unspin.storage.write import Stored

    return Stored()


def load_batches(
    folders: Sequence[Path],
    database: Database,
    *,
    chunk: int = LOAD_CHUNK,
    on_chunk: Callable[[int], None] | None = None,
) -> LoadSummary:
    """Store the analyses in ``unspin batch`` output ``folders`` as they are, ``chunk`` per
    transaction through the store's one way in (``storage.write.store``: multi-row inserts).

    Idempotent: a text this model already analysed keeps its stored analysis, and a document
    stored before (same text, source and id) is not added again, so a stopped load is simply
    run again. ``on_chunk`` is told how many analyses each stored chunk held.
    """
    from unspin.batch.manifest import Manifest
    from unspin.batch.table import iter_analyses
    from unspin.storage.db import is_postgres
    from unspin.storage.write import register_model, store

    manifests = []
    for folder in folders:
        manifest = Manifest.load(folder)
        if manifest is None:
            raise click.UsageError(f"{folder} holds no manifest.json of an `unspin batch` run")
        manifests.append(manifest)
    summary = LoadSummary()
    for folder, manifest in zip(folders, manifests, strict=True):
        for model in manifest.models:
            register_model(database, model)
        if not manifest.complete:
            summary.incomplete.append(folder)
        analyses = iter_analyses(folder, sorted(manifest.shards))
        while rows := list(itertools.islice(analyses, chunk)):
            summary.stored.add(store(database, (), rows))
            summary.rows += len(rows)
            if on_chunk is not None:
                on_chunk(len(rows))
    if summary.stored.documents and is_postgres(database):
        with database.begin() as connection:  # fresh planner statistics after a bulk load
            connection.exec_driver_sql("ANALYZE texts, documents, analyses, spans")
    return summary


def load_outputs(folders: list[Path], database: Database) -> None:
    """Store the analyses in ``unspin batch`` output ``folders`` (``unspin ingest OUTDIR``)."""
    try:
        import pyarrow  # noqa: F401
    except ImportError as error:
        raise missing_extra("loading batch output", "parquet", error) from None
    from unspin.batch.manifest import Manifest
    from unspin.cli.corpus import EXIT_SKIPPED
    from unspin.cli.progress import document_progress

    manifests = [Manifest.load(folder) for folder in folders]
    total = sum(manifest.documents for manifest in manifests if manifest is not None)
    started = time.perf_counter()
    with document_progress("load", total) as advance:
        summary = load_batches(folders, database, on_chunk=advance)
    seconds = time.perf_counter() - started
    stored = summary.stored
    click.echo(
        f"{summary.rows} analyses read from {len(folders)} batch output folder(s) in "
        f"{seconds:.1f} s ({summary.rows / seconds if seconds else 0:.0f}/s): "
        f"{stored.documents} new documents, {stored.texts} new texts, {stored.analyses} "
        f"analyses ({stored.spans} spans) stored; the rest was stored already; "
        f"{len(stored.failed)} skipped",
        err=True,
    )
    for folder in summary.incomplete:
        click.echo(
            f"  warning: {folder}: its batch run has not finished; the shards done so far are "
            "loaded (finish the run, then load it again)",
            err=True,
        )
    for document, reason in stored.failed:
        click.echo(f"  skipped: {document.id}: {reason}", err=True)
    if stored.failed:
        sys.exit(EXIT_SKIPPED)
