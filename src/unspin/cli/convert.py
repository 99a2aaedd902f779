"""``unspin convert`` between annotation formats, and ``unspin labelstudio-config``."""

from __future__ import annotations

from pathlib import Path

import click

from unspin.formats.convert import FORMATS, convert

FORMAT_CHOICE = click.Choice(list(FORMATS))


@click.command("convert")
@click.argument("source", type=click.Path(path_type=Path))
@click.argument("target", type=click.Path(path_type=Path))
@click.option("--from", "from_format", type=FORMAT_CHOICE, default=None, help="Format of SOURCE.")
@click.option("--to", "to_format", type=FORMAT_CHOICE, default=None, help="Format of TARGET.")
def convert_command(
    source: Path, target: Path, from_format: str | None, to_format: str | None
) -> None:
    """Convert annotated documents from SOURCE to TARGET.

    Formats: label-studio (tasks JSON: predictions or annotations), brat (folder of .txt +
    .ann), ptc (folder: articles/ + a TC .labels file), semeval2021 (subtask-2 JSON), jsonl
    (unspin's analyses). Each is inferred from the path where unambiguous. Whatever the target
    cannot hold (scores, metadata, ...) is said on stderr, one line each.
    """
    notes = convert(source, target, from_format, to_format)
    for note in notes:
        click.echo(f"note: {note}", err=True)


@click.command("labelstudio-config")
def labelstudio_config() -> None:
    """Print Label Studio's labelling config for unspin's techniques and colours."""
    from unspin.formats.labelstudio import labelling_config

    click.echo(labelling_config(), nl=False)
