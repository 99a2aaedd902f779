"""SemEval-2021 Task 6 subtask scores on hand-computed cases."""

from __future__ import annotations

import pytest

from unspin.metrics import multilabel_score, task2_score
from unspin.schema import Span


def test_multilabel_micro_and_macro() -> None:
    # Meme 1: gold {A, B}, pred {A}       -> A hit.
    # Meme 2: gold {B},    pred {B, C}    -> B hit, C false positive.
    # Micro: 2 hits, 3 predicted, 3 gold -> P = R = F1 = 2/3.
    # A: P 1, R 1 -> F1 1.  B: P 1, R 1/2 -> F1 2/3.  C: P 0 -> F1 0.  Macro = (1 + 2/3 + 0) / 3.
    gold = {"1": ["A", "B"], "2": ["B"]}
    pred = {"1": ["A"], "2": ["B", "C"]}
    score = multilabel_score(gold, pred)
    assert score.micro.f1 == pytest.approx(2 / 3)
    assert score.per_technique["B"].f1 == pytest.approx(2 / 3)
    assert score.macro_f1 == pytest.approx((1 + 2 / 3) / 3)


def test_multilabel_duplicates_and_fixed_label_list() -> None:
    # Duplicate labels count once; a listed technique never seen scores 0 in the macro average.
    score = multilabel_score({"1": ["A", "A"]}, {"1": ["A"]}, labels=["A", "Z"])
    assert score.micro.f1 == 1.0
    assert score.macro_f1 == pytest.approx(0.5)


def test_multilabel_missing_meme_counts_as_no_labels() -> None:
    score = multilabel_score({"1": ["A"], "2": ["A"]}, {"1": ["A"]})
    assert score.micro.precision == 1.0 and score.micro.recall == pytest.approx(0.5)


def test_task2_is_technique_aware_per_meme() -> None:
    # Meme 1: Smears [0,10) vs predicted Smears [5,10): P = 1, R = 1/2.
    # Meme 2: the same offsets in another meme do not match meme 1's gold.
    gold = {"1": [Span(0, 10, "Smears")]}
    pred = {"1": [Span(5, 10, "Smears")], "2": [Span(0, 10, "Smears")]}
    score = task2_score(gold, pred)
    assert score.micro.precision == pytest.approx(0.5)
    assert score.micro.recall == pytest.approx(0.5)
