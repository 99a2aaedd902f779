"""Decoding tuning: the span classifier's per-technique offsets are fitted to dev labels."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from unspin.schema import Document, Span
from unspin.training.evaluate import tune_technique_bias

TECHNIQUES = ["Loaded_Language", "Doubt", "Slogans"]


@dataclass
class _Config:
    techniques: list[str] = field(default_factory=lambda: list(TECHNIQUES))


class _BiasedClassifier:
    """Prefers Doubt by ``margin`` logits over the true technique."""

    config = _Config()

    def __init__(self, margin: float = 1.4) -> None:
        self.margin = margin

    def technique_logits(self, text: str, out: Any, spans: Sequence[tuple[int, int]]) -> np.ndarray:
        rows = [np.zeros(len(TECHNIQUES), np.float32)]  # keeps the shape when there are none
        for start, _ in spans:
            truth = TECHNIQUES.index(_label_of(text, start))
            row = np.zeros(len(TECHNIQUES), np.float32)
            row[truth] = 1.0
            row[1] += self.margin  # a learned prior: too much Doubt
            rows.append(row)
        return np.stack(rows)[1:]


def _label_of(text: str, start: int) -> str:
    return {"L": "Loaded_Language", "D": "Doubt", "S": "Slogans"}[text[start]]


TEXT = "L. D. S. L. L. S."
SPANS = [Span(i, i + 1, _label_of(TEXT, i)) for i in range(0, len(TEXT), 3)]


def test_offsets_undo_a_systematic_preference() -> None:
    text, spans = TEXT, SPANS
    pairs = [(Document("a", text), spans)]
    bias = tune_technique_bias(_BiasedClassifier(), pairs, [None])  # type: ignore[arg-type]
    assert bias[1] - max(bias[0], bias[2]) < -0.4, "Doubt loses its head start"
    corrected = _BiasedClassifier().technique_logits(text, None, [(s.start, s.end) for s in spans])
    chosen = [TECHNIQUES[i] for i in np.argmax(corrected + np.asarray(bias), axis=1)]
    assert chosen == [s.technique for s in spans]


def test_a_classifier_that_is_already_right_keeps_zero_offsets() -> None:
    pairs = [(Document("a", TEXT), SPANS)]
    bias = tune_technique_bias(_BiasedClassifier(0.0), pairs, [None])  # type: ignore[arg-type]
    assert bias == [0.0, 0.0, 0.0]


def test_without_gold_spans_the_offsets_are_zero() -> None:
    pairs = [(Document("a", "Nothing here."), [])]
    bias = tune_technique_bias(_BiasedClassifier(), pairs, [None])  # type: ignore[arg-type]
    assert bias == [0.0, 0.0, 0.0]
