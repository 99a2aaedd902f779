"""Data preparation for ``unspin train``: the split, the extra memes and the training windows."""

from __future__ import annotations

from pathlib import Path

import pytest

from unspin.formats.semeval2021 import write_task2
from unspin.schema import Document, Span
from unspin.training.config import TrainConfig
from unspin.training.data import DataError
from unspin.training.prepare import MEME_TRAINING_FILES, TrainingData, prepare_data

MEMES = [
    ("Vote NOW or lose everything", Span(0, 8, "Slogans")),
    ("They are traitors, all of them", Span(9, 17, "Name calling/Labeling")),
    ("Only a fool would trust the experts", Span(7, 11, "Name calling/Labeling")),
]


def write_memes(folder: Path) -> Path:
    folder.mkdir()
    pairs = [(Document(id=str(i), text=text), [span]) for i, (text, span) in enumerate(MEMES)]
    write_task2(folder / MEME_TRAINING_FILES[0], pairs)
    return folder


def test_meme_repeats_add_each_meme_window_again(tiny_ptc: Path, tmp_path: Path) -> None:
    memes = str(write_memes(tmp_path / "memes"))

    def prepared(semeval2021: str | None, meme_repeats: int = 1) -> TrainingData:
        config = TrainConfig(
            ptc=str(tiny_ptc),
            output=str(tmp_path / "out"),
            max_length=64,
            semeval2021=semeval2021,
            meme_repeats=meme_repeats,
        )
        return prepare_data(config, print)

    without, once, twice = prepared(None), prepared(memes), prepared(memes, 3)
    assert len(once.memes) == len(twice.memes) == len(MEMES)
    assert len(once.examples) == len(without.examples) + len(MEMES)
    assert len(twice.examples) == len(without.examples) + 3 * len(MEMES)
    meme_targets = [e.token_targets.sum() for e in twice.examples[len(without.examples) :]]
    assert (
        meme_targets == [e.token_targets.sum() for e in once.examples[len(without.examples) :]] * 3
    )


def test_meme_repeats_below_one_are_refused(tiny_ptc: Path, tmp_path: Path) -> None:
    config = TrainConfig(ptc=str(tiny_ptc), output=str(tmp_path / "out"), meme_repeats=0)
    with pytest.raises(DataError, match="--meme-repeats 0"):
        prepare_data(config, print)
