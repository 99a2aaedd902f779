"""``unspin train-techniques``: add the text model to a model's technique classifier (needs
the ``train`` extra)."""

from __future__ import annotations

from pathlib import Path

import click

from unspin.cli.errors import missing_extra
from unspin.cli.progress import log_to_stderr


@click.command("train-techniques")
@click.argument("model", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--ptc",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="PTC training folder (default: the one in the model's training_config.json).",
)
@click.option(
    "--semeval2021",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="SemEval-2021 Task 6 folder: its dev memes choose the text model's weight.",
)
@click.option("--folds", type=click.IntRange(2), default=5, show_default=True)
@click.option(
    "--version",
    "model_version",
    default=None,
    help="New model version (its technique names change; a corpus store needs a new version).",
)
def train_techniques_command(
    model: Path, ptc: Path | None, semeval2021: Path | None, folds: int, model_version: str | None
) -> None:
    """Fit the technique classifier's text model for MODEL (a folder written by unspin train)
    on its training articles, choose its settings by cross-validation over them, add it to
    the folder, and score the model and write its card anew. The data split is the model's
    (from training_config.json, or unspin train's defaults for a folder without one)."""
    try:
        from unspin.training.config import TRAINING_CONFIG_FILE, TrainConfig
        from unspin.training.technique_text import add_text_expert
    except ImportError as error:
        raise missing_extra("training", "train", error) from None
    if (model / TRAINING_CONFIG_FILE).is_file():
        config = TrainConfig.load(model)
    elif ptc is None:
        raise click.UsageError(f"{model} has no {TRAINING_CONFIG_FILE}: give --ptc")
    else:
        config = TrainConfig(ptc=str(ptc), output=str(model))
        config.fill_strides()
    if ptc is not None:
        config.ptc = str(ptc)
    if semeval2021 is not None:
        config.semeval2021 = str(semeval2021)
    add_text_expert(
        model,
        config,
        log=log_to_stderr,
        folds=folds,
        version=model_version,
    )
