"""The technique classifier's text model: repetition features, hashed words, its weights on
disk, and how its opinion joins the span head's."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from unspin.inference.model_folder import ModelError
from unspin.inference.technique_text import (
    N_TEXT_FEATURES,
    TEXT_EXPERT_FILE,
    TextExpert,
    TextIndex,
    gram_buckets,
    log_softmax,
    text_features,
)

TEXT = (
    "Lock them up, the crowd shouted.\n"
    "The senator answered questions about the budget.\n"
    "Lock them up! Lock them up!\n"
)


def _features_of(phrase: str, occurrence: int) -> np.ndarray:
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(phrase, start + 1)
    return text_features(TextIndex(TEXT), start, start + len(phrase))


def test_a_span_that_came_before_is_marked_as_repeated() -> None:
    first, third = _features_of("Lock them up", 0), _features_of("Lock them up", 2)
    assert first.shape == (N_TEXT_FEATURES,)
    assert first[0] == third[0] == pytest.approx(np.log1p(2)), "two other occurrences"
    assert first[1] == 0.0 and third[1] == 1.0, "only later ones came before"
    assert third[2] == pytest.approx(np.log1p(2))
    once = _features_of("senator answered questions", 0)
    assert once[0] == 0.0 and once[1] == 0.0
    assert once[3] == 0.0, "none of its words recur"
    assert _features_of("Lock them up!", 0)[8] == 1.0, "exclamation mark"


def test_gram_buckets_are_stable_and_in_range() -> None:
    buckets = gram_buckets("Lock them UP", 64)
    assert np.array_equal(buckets, gram_buckets("lock them up", 64)), "case-blind"
    assert len(buckets) == 5, "three words and two word pairs"
    assert ((buckets >= 0) & (buckets < 64)).all()
    assert len(gram_buckets("...", 64)) == 1, "a span without words still has a bucket"


def _expert(weight: float, techniques: int = 3, buckets: int = 32) -> TextExpert:
    rng = np.random.default_rng(0)
    return TextExpert(
        gram_weight=rng.normal(size=(buckets, techniques)).astype(np.float32),
        feature_weight=rng.normal(size=(N_TEXT_FEATURES, techniques)).astype(np.float32),
        bias=np.zeros(techniques, np.float32),
        log_prior=np.log(np.full(techniques, 1 / techniques, np.float32)),
        weight=weight,
    )


def test_weight_zero_leaves_the_head_alone_and_a_strong_text_opinion_wins() -> None:
    head = np.asarray([[2.0, 0.0, 0.0]], np.float32)
    span = [(0, 12)]
    silent = _expert(0.0).combine(head, TEXT, span)
    np.testing.assert_allclose(silent, log_softmax(head), atol=1e-6)
    loud = _expert(50.0)
    text_choice = int(np.argmax(loud.logits(TEXT, span)))
    assert int(np.argmax(loud.combine(head, TEXT, span))) == text_choice


def test_an_expert_survives_saving_and_a_wrong_one_is_refused(tmp_path: Path) -> None:
    expert = _expert(0.75)
    expert.save(tmp_path)
    loaded = TextExpert.load(tmp_path / TEXT_EXPERT_FILE, 3)
    assert loaded.weight == 0.75
    spans = [(0, 12), (33, 50)]
    np.testing.assert_allclose(loaded.logits(TEXT, spans), expert.logits(TEXT, spans), atol=1e-2)
    with pytest.raises(ModelError, match="do not fit 4 techniques"):
        TextExpert.load(tmp_path / TEXT_EXPERT_FILE, 4)
    (tmp_path / "broken.npz").write_bytes(b"not a numpy archive")
    with pytest.raises(ModelError, match="not a text expert"):
        TextExpert.load(tmp_path / "broken.npz", 3)
