"""ArAIEval-2024 task 1's span measure: technique-aware partial overlap, no merging."""

from __future__ import annotations

import pytest

from unspin.metrics import araieval_score, flc_score
from unspin.schema import Span


def test_overlapping_gold_spans_are_not_merged() -> None:
    # Gold Doubt [0,6) and [4,10); predicted Doubt [0,10).
    # Pairs: |[0,6)∩[0,10)| = 6, |[4,10)∩[0,10)| = 6.
    # P = (6/10 + 6/10) / 1 = 1.2; R = (6/6 + 6/6) / 2 = 1.0.
    gold = {"a": [Span(0, 6, "Doubt"), Span(4, 10, "Doubt")]}
    pred = {"a": [Span(0, 10, "Doubt")]}
    score = araieval_score(gold, pred)
    assert score.micro.gold == 2
    assert score.micro.precision == pytest.approx(1.2)
    assert score.micro.recall == pytest.approx(1.0)
    # PTC's FLC merges the two gold spans into [0,10) first: a perfect match.
    merged = flc_score(gold, pred)
    assert merged.micro.gold == 1 and merged.micro.f1 == pytest.approx(1.0)


def test_techniques_are_scored_apart_and_summed_for_micro() -> None:
    # Loaded [0,4) predicted exactly; Name calling [10,20) predicted as [15,25).
    # Name calling: P = 5/10, R = 5/10. Micro: P = (1 + 0.5) / 2, R = (1 + 0.5) / 2.
    gold = {"x": [Span(0, 4, "Loaded_Language"), Span(10, 20, "Name_Calling-Labeling")]}
    pred = {"x": [Span(0, 4, "Loaded_Language"), Span(15, 25, "Name_Calling-Labeling")]}
    score = araieval_score(gold, pred)
    assert score.per_technique["Name_Calling-Labeling"].f1 == pytest.approx(0.5)
    assert score.micro.f1 == pytest.approx(0.75)


def test_a_wrong_technique_earns_nothing_and_missing_items_count_as_empty() -> None:
    gold = {"x": [Span(0, 4, "Doubt")], "y": [Span(0, 3, "Slogans")]}
    pred = {"x": [Span(0, 4, "Slogans")]}
    score = araieval_score(gold, pred)
    assert score.micro.predicted == 1 and score.micro.gold == 2
    assert score.micro.f1 == 0.0
