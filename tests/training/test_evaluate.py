"""Decoding tuning: the span classifier's per-technique offsets are fitted to dev labels."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from unspin.inference.analyzer import Analyzer
from unspin.inference.model_folder import DEFAULT_MODEL_DIR, Decoding
from unspin.metrics import araieval_score
from unspin.schema import Document, Span
from unspin.training.evaluate import (
    CHANNEL_THRESHOLDS,
    tune_channel_thresholds,
    tune_technique_bias,
)

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


def test_channel_thresholds_are_tuned_per_technique_on_araieval_f1() -> None:
    analyzer = Analyzer(DEFAULT_MODEL_DIR)
    texts = [
        "The disgraceful, shameful cowards betrayed the nation.",
        "This catastrophic, outrageous plan is an utter disaster.",
        "The council met on Tuesday to discuss the budget.",
    ]
    words = ["disgraceful", "shameful", "cowards", "catastrophic", "outrageous", "disaster"]
    pairs = []
    for number, text in enumerate(texts):
        spans = [
            Span(text.index(w), text.index(w) + len(w), "Loaded_Language")
            for w in words
            if w in text
        ]
        pairs.append((Document(str(number), text), spans))
    tuned = tune_channel_thresholds(analyzer, pairs)
    chosen = dict(zip(analyzer.config.techniques, tuned.channel_thresholds, strict=True))
    assert chosen["Loaded_Language"] < 1.0
    gold = {d.id: spans for d, spans in pairs}
    outputs = analyzer.token_outputs(texts)

    def f1(settings: Decoding) -> float:
        predicted = {
            d.id: analyzer.decode(d.text, out, None, settings)
            for (d, _), out in zip(pairs, outputs, strict=True)
        }
        return araieval_score(gold, predicted).micro.f1

    best = f1(tuned)
    assert best > 0.5
    for level in CHANNEL_THRESHOLDS[:-1]:
        assert best >= f1(Decoding(channel_thresholds=[level] * len(chosen)))
