"""Progress on stderr: a display for commands that work through many documents, and the log
lines of training runs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

Advance = Callable[[int], None]
"""Told how many more documents are done."""


@contextmanager
def document_progress(label: str, total: int | None, done: int = 0) -> Iterator[Advance]:
    """Show ``label``, a bar, documents done of ``total``, documents/s, elapsed time and ETA.

    ``done`` documents count as done from the start (and not into the speed).
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

    columns = (
        TextColumn(f"[bold]{label}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("docs"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=False) as progress:
        task = progress.add_task(label, total=total, completed=done, rate="")

        def advance(count: int) -> None:
            progress.advance(task, count)
            speed = progress.tasks[task].speed
            progress.update(task, rate=f"{speed:.1f} docs/s" if speed else "")

        yield advance


__all__ = ["Advance", "document_progress"]


def log_to_stderr(message: str) -> None:
    """A training run's log line, on stderr (stdout stays for results)."""
    click.echo(message, err=True)
