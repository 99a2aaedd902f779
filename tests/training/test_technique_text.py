"""Fitting the technique classifier's text model and adding it to a model folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")

from unspin.inference import Analyzer
from unspin.inference.model_folder import DEFAULT_MODEL_DIR, ModelConfig
from unspin.inference.technique_text import TEXT_EXPERT_FILE
from unspin.schema import Document, Span
from unspin.training.config import TrainConfig
from unspin.training.technique_text import (
    add_text_expert,
    cross_validate,
    fit_text_expert,
    text_rows,
)

TECHNIQUES = ["Slogans", "Repetition", "Loaded_Language"]
CHANTS = [
    "Stop the steal",
    "Drain the swamp",
    "Lock them up",
    "Build the wall",
    "No justice no peace",
    "Hands off our guns",
    "Power to the people",
    "Not in our name",
]
INSULTS = ["disgraceful", "vile", "outrageous", "shameful", "monstrous", "pathetic"]


def _rally(chant: str, insult: str, number: int) -> tuple[Document, list[Span]]:
    """A report where a chant is first heard (a slogan) and then repeated (repetition)."""
    text = (
        f"The crowd gathered outside the hall. {chant}! they shouted.\n"
        f"Officials called the scene {insult}.\n"
        f"Later that evening the chant returned: {chant}!\n"
    )
    first = text.index(chant)
    again = text.index(chant, first + 1)
    word = text.index(insult)
    spans = [
        Span(first, first + len(chant), "Slogans"),
        Span(again, again + len(chant), "Repetition"),
        Span(word, word + len(insult), "Loaded_Language"),
    ]
    return Document(f"rally-{number}", text), spans


def test_the_text_model_tells_a_first_chant_from_its_repetition() -> None:
    pairs = [_rally(c, INSULTS[i % len(INSULTS)], i) for i, c in enumerate(CHANTS[:-1])]
    expert = fit_text_expert(text_rows(pairs, TECHNIQUES), len(TECHNIQUES), 1e-5)
    document, spans = _rally(CHANTS[-1], "appalling", 99)
    logits = expert.logits(document.text, [(s.start, s.end) for s in spans])
    named = [TECHNIQUES[i] for i in np.argmax(logits, axis=1)]
    assert named[:2] == ["Slogans", "Repetition"], "the same words, told apart by recurrence"


def test_cross_validation_scores_every_setting_on_every_fold() -> None:
    pairs = [_rally(c, INSULTS[i % len(INSULTS)], i) for i, c in enumerate(CHANTS)]
    cv = cross_validate(pairs, TECHNIQUES, folds=4, weight_decays=(1e-3, 1e-5))
    assert set(cv.scores) == {1e-3, 1e-5}
    assert all(len(scores) == 4 for scores in cv.scores.values())
    mean, spread = cv.summary(cv.best)
    assert mean > 0.6, "held-out chants are still told apart from their repetitions"
    assert spread >= 0.0


def test_adding_the_text_model_rescores_the_folder_and_its_card(
    tiny_ptc: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL_DIR, folder)
    before = ModelConfig.load(folder)
    config = TrainConfig(ptc=str(tiny_ptc), output=str(folder), dev_share=0.25, test_share=0.25)
    report = add_text_expert(folder, config, log=lambda _: None, folds=2)

    after = ModelConfig.load(folder)
    assert after.text_expert_file == TEXT_EXPERT_FILE and (folder / TEXT_EXPERT_FILE).is_file()
    assert report.weight == 1.0, "no memes to choose it on: the plain product of experts"
    assert after.fingerprint(folder) != before.fingerprint(folder)
    saved = json.loads((folder / "config.json").read_text())["metrics"]["text_expert"]
    assert saved["folds"] == 2 and saved["weight"] == 1.0
    assert after.metrics["train_seconds"] == before.metrics["train_seconds"], "earlier facts kept"
    assert after.metrics["test"] != before.metrics["test"], "scored on this corpus now"
    card = (folder / "MODEL_CARD.md").read_text()
    assert "2-fold cross-validation over the training articles" in card
    assert "Technique classifier, second opinion" in card

    text = "Lock them up! The vile mayor lied. Lock them up!"
    spans = [(0, 12), (35, 47)]
    plain = Analyzer(DEFAULT_MODEL_DIR).rank_span_techniques(text, spans)
    joined = Analyzer(folder).rank_span_techniques(text, spans)
    assert [[s.score for s in r] for r in plain] != [[s.score for s in r] for r in joined]
