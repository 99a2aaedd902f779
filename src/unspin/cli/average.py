"""``unspin average``: the weight average of trained models (needs the ``train`` extra)."""

from __future__ import annotations

from pathlib import Path

import click

from unspin.cli.errors import missing_extra
from unspin.cli.progress import log_to_stderr
from unspin.cli.train import model_output_option


@click.command("average")
@click.argument(
    "models",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
@model_output_option
@click.option("--name", "model_name", default=None, help="Model name (default: the first's).")
@click.option(
    "--version", "model_version", default=None, help="Model version (default: the first's)."
)
@click.option("--no-quantize", is_flag=True, help="Ship fp32 weights instead of int8.")
def average_command(
    models: tuple[Path, ...],
    output: Path,
    model_name: str | None,
    model_version: str | None,
    no_quantize: bool,
) -> None:
    """Average the weights of MODELS (folders written by unspin train) into one model.

    The models must come from the same encoder, labels, seed and data split. The average runs
    as fast as one of them; it is tuned on dev and scored like a trained model.
    """
    try:
        from unspin.training.average import average_models
    except ImportError as error:
        raise missing_extra("averaging", "train", error) from None
    average_models(
        list(models),
        output,
        name=model_name,
        version=model_version,
        quantize=not no_quantize,
        log=log_to_stderr,
    )
