"""Data preparation for a training run: the article split, extra memes, teacher targets and
the model-ready windows."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from unspin.inference.analyzer import Analyzer
from unspin.inference.model_folder import ModelConfig, ModelError, channels_for
from unspin.inference.windows import TextEncoder
from unspin.schema import Document, Span
from unspin.training.config import Log, TrainConfig
from unspin.training.data import (
    DataError,
    Example,
    Split,
    WindowPlan,
    build_examples,
    default_techniques,
    load_annotated,
    load_ptc,
    load_semeval2021,
    split_by_article,
)
from unspin.training.distill import (
    TeacherError,
    TeacherTargets,
    check_teacher,
    teacher_targets,
)

MEME_TRAINING_FILES = ["training_set_task2.txt"]
MEME_DEV_FILES = ["dev_set_task2.txt"]


@dataclass
class TrainingData:
    """Everything a run trains and tunes on."""

    encoder_path: Path
    text_encoder: TextEncoder
    techniques: list[str]
    channels: list[str]
    split: Split
    memes: list[tuple[Document, list[Span]]]
    """SemEval-2021 training memes added to the training articles (empty without them)."""
    examples: list[Example]


def prepare_data(config: TrainConfig, log: Log) -> TrainingData:
    """Load and split the corpora and cut the training texts into labelled windows.

    Fills in ``config``'s default strides.
    """
    encoder_path = config.encoder_path()
    text_encoder = TextEncoder.from_file(encoder_path / "tokenizer.json")
    techniques = default_techniques()
    channels = channels_for(techniques)
    split = load_split(config, log)
    memes = load_training_memes(config, techniques)
    log(
        f"articles: train {len(split.train)}, dev {len(split.dev)}, test {len(split.test)}; "
        f"extra SemEval-2021 memes: {len(memes)}"
    )
    config.fill_strides()
    assert config.train_stride is not None
    if config.meme_repeats < 1:
        raise DataError(f"--meme-repeats {config.meme_repeats}: give 1 or more")
    teacher = _teacher_targets(config, channels, split.train + memes, text_encoder, log)

    def repeated(items: list[Any]) -> list[Any]:
        """Per-text ``items`` of the articles and memes, each meme's ``meme_repeats`` times."""
        return items[: len(split.train)] + items[len(split.train) :] * config.meme_repeats

    examples = build_examples(
        repeated(split.train + memes),
        text_encoder,
        techniques,
        config.window_tokens,
        config.train_stride,
        repeated(teacher.probabilities) if teacher else None,
        config.teacher_weight,
        _inference_windows(config, channels, techniques) if config.aligned_windows else None,
        repeated(teacher.hidden) if teacher and teacher.hidden is not None else None,
    )
    log(f"training windows: {len(examples)}")
    return TrainingData(encoder_path, text_encoder, techniques, channels, split, memes, examples)


def load_split(config: TrainConfig, log: Log = print) -> Split:
    """The seeded train/dev/test split of ``config``'s PTC articles and annotated documents."""
    pairs = load_ptc(Path(config.ptc)) if config.ptc else []
    for source in config.data:
        found = load_annotated(
            Path(source["path"]), source.get("format"), default_techniques(), log
        )
        pairs += found
    seen: set[str] = set()
    for document, _ in pairs:
        if document.id in seen:
            raise DataError(f"document id {document.id!r} comes twice in the training data")
        seen.add(document.id)
    if not pairs:
        raise DataError("no training documents: give --ptc or --data")
    if config.limit_articles:
        pairs = sorted(pairs, key=lambda p: p[0].id)[: config.limit_articles]
    return split_by_article(pairs, config.seed, config.dev_share, config.test_share)


def load_training_memes(
    config: TrainConfig, techniques: list[str]
) -> list[tuple[Document, list[Span]]]:
    """The SemEval-2021 training memes of ``config`` (none when it names no meme folder)."""
    if not config.semeval2021:
        return []
    return load_semeval2021(Path(config.semeval2021), techniques, MEME_TRAINING_FILES)


def positive_weights(examples: list[Example], cap: float) -> np.ndarray:
    """Per-channel weights of positive tokens: sqrt(negatives / positives), in [1, cap]."""
    positives = sum(e.token_targets[1:-1].sum(axis=0) for e in examples)
    tokens = sum(e.token_targets.shape[0] - 2 for e in examples)
    ratio = np.sqrt((tokens - positives) / np.maximum(positives, 1.0))
    return np.asarray(np.clip(ratio, 1.0, cap), np.float32)


def _teacher_targets(
    config: TrainConfig,
    channels: list[str],
    pairs: list[tuple[Document, list[Span]]],
    text_encoder: TextEncoder,
    log: Log,
) -> TeacherTargets | None:
    """The teacher's probabilities (and hidden states, for ``hidden_weight``) on every student
    token of the training texts, if any."""
    if not config.teacher:
        if config.hidden_weight:
            raise TeacherError("--hidden-weight needs a --teacher")
        return None
    if not 0.0 < config.teacher_weight <= 1.0:
        raise TeacherError("teacher_weight must lie in (0, 1]")
    if config.hidden_weight < 0.0:
        raise TeacherError("hidden_weight must be 0 or more")
    folder = Path(config.teacher)
    try:
        teacher_channels = ModelConfig.load(folder).channels
        teacher_split = asdict(TrainConfig.load(folder))
    except (ModelError, OSError, json.JSONDecodeError) as error:
        raise TeacherError(
            f"{folder} is not a model folder written by unspin train ({error})"
        ) from None
    check_teacher(folder, teacher_channels, teacher_split, channels, asdict(config))
    started = time.time()
    texts = [document.text for document, _ in pairs]
    targets = teacher_targets(
        Analyzer(folder, threads=config.threads),
        texts,
        [text_encoder.encode(t) for t in texts],
        with_hidden=config.hidden_weight > 0.0,
    )
    log(f"teacher targets from {folder} for {len(texts)} texts ({time.time() - started:.0f} s)")
    return targets


def _inference_windows(
    config: TrainConfig, channels: list[str], techniques: list[str]
) -> WindowPlan:
    """Cuts a text as the exported model will read it (``ModelConfig.windows``)."""
    model = ModelConfig(
        config.name,
        config.version,
        channels,
        techniques,
        max_length=config.max_length,
        context_tokens=config.context_tokens,
    )
    return model.windows
