"""Technique-aware span F1 (FLC) and TC micro-F1 on small hand-computed cases."""

from __future__ import annotations

import pytest

from unspin.formats.ptc import LabelRow
from unspin.metrics import flc_score, tc_score
from unspin.schema import Span


def test_flc_only_credits_same_technique_overlaps() -> None:
    # Gold: Doubt [0,10), Loaded [20,30). Pred: Doubt [0,5), Loaded [0,10) (wrong technique).
    # Doubt: P = 5/5 / 1 = 1, R = 5/10 / 1 = 0.5.
    # Loaded: P = 0 / 1, R = 0 / 1.
    # Micro: P = (1 + 0) / 2 = 0.5, R = (0.5 + 0) / 2 = 0.25.
    gold = {"a": [Span(0, 10, "Doubt"), Span(20, 30, "Loaded_Language")]}
    pred = {"a": [Span(0, 5, "Doubt"), Span(0, 10, "Loaded_Language")]}
    score = flc_score(gold, pred)
    assert score.per_technique["Doubt"].precision == pytest.approx(1.0)
    assert score.per_technique["Doubt"].recall == pytest.approx(0.5)
    assert score.per_technique["Loaded_Language"].f1 == 0.0
    assert score.micro.precision == pytest.approx(0.5)
    assert score.micro.recall == pytest.approx(0.25)
    assert score.micro.f1 == pytest.approx(1 / 3)


def test_flc_merges_overlaps_within_a_technique_only() -> None:
    # Doubt [0,6) and [4,10) merge; the Slogans span over them stays separate.
    gold = {"a": [Span(0, 6, "Doubt"), Span(4, 10, "Doubt"), Span(2, 8, "Slogans")]}
    score = flc_score(gold, gold)
    assert score.micro.gold == 2
    assert score.micro.f1 == 1.0


def test_flc_lists_predicted_only_techniques() -> None:
    score = flc_score({}, {"a": [Span(0, 3, "Slogans")]})
    assert score.per_technique["Slogans"].precision == 0.0
    assert score.micro.predicted == 1 and score.micro.gold == 0


def row(technique: str, start: int = 0, end: int = 5, article: str = "1") -> LabelRow:
    return LabelRow(article, start, end, technique)


def test_tc_matches_multi_label_spans_as_multisets() -> None:
    # Span (1, 0, 5) has gold {Doubt, Slogans}; predictions {Doubt, Doubt}: one Doubt matches.
    # Span (1, 10, 20) gold Slogans, predicted Slogans.
    # 2 correct of 3 predicted, 3 gold: P = R = F1 = 2/3.
    gold = [row("Doubt"), row("Slogans"), row("Slogans", 10, 20)]
    pred = [row("Doubt"), row("Doubt"), row("Slogans", 10, 20)]
    score = tc_score(gold, pred)
    assert score.micro_f1 == pytest.approx(2 / 3)
    assert score.per_technique["Doubt"].precision == pytest.approx(0.5)
    assert score.per_technique["Doubt"].recall == pytest.approx(1.0)
    assert score.per_technique["Slogans"].precision == pytest.approx(1.0)
    assert score.per_technique["Slogans"].recall == pytest.approx(0.5)


def test_tc_perfect_and_empty() -> None:
    gold = [row("Doubt"), row("Slogans", 6, 9)]
    assert tc_score(gold, gold).micro_f1 == 1.0
    assert tc_score(gold, []).micro_f1 == 0.0
