"""SemEval-2020 SI score on small cases computed by hand."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from unspin.metrics import si_score
from unspin.metrics.spans import merge_intervals
from unspin.schema import Span


def spans(*pairs: tuple[int, int]) -> list[Span]:
    return [Span(start, end, "propaganda") for start, end in pairs]


def test_identical_spans_score_one() -> None:
    gold = {"a": spans((0, 10), (20, 30)), "b": spans((5, 6))}
    score = si_score(gold, gold)
    assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)


def test_partial_overlap_gets_partial_credit() -> None:
    # gold [0,10), pred [5,15): |s∩t| = 5, P = 5/10, R = 5/10.
    score = si_score({"a": spans((0, 10))}, {"a": spans((5, 15))})
    assert score.precision == pytest.approx(0.5)
    assert score.recall == pytest.approx(0.5)
    assert score.f1 == pytest.approx(0.5)


def test_one_prediction_covering_two_gold_spans() -> None:
    # gold [0,4) and [6,10); pred [0,10): P = (4+4)/10 / 1 = 0.8; R = (4/4 + 4/4) / 2 = 1.
    score = si_score({"a": spans((0, 4), (6, 10))}, {"a": spans((0, 10))})
    assert score.precision == pytest.approx(0.8)
    assert score.recall == pytest.approx(1.0)
    assert score.f1 == pytest.approx(2 * 0.8 / 1.8)


def test_nested_and_duplicate_predictions_are_merged() -> None:
    # pred [0,10), [2,5) (nested) and [0,10) again merge into one span [0,10).
    # gold [0,5): P = 5/10, R = 5/5.
    score = si_score({"a": spans((0, 5))}, {"a": spans((0, 10), (2, 5), (0, 10))})
    assert score.predicted == 1
    assert score.precision == pytest.approx(0.5)
    assert score.recall == pytest.approx(1.0)


def test_overlapping_gold_spans_are_merged_too() -> None:
    # gold [0,6) and [4,10) merge into [0,10); pred [0,10) matches it exactly.
    score = si_score({"a": spans((0, 6), (4, 10))}, {"a": spans((0, 10))})
    assert (score.precision, score.recall, score.gold) == (1.0, 1.0, 1)


def test_adjacent_spans_stay_separate() -> None:
    assert merge_intervals([(5, 8), (0, 5), (2, 3)]) == [(0, 5), (5, 8)]


def test_empty_predictions_score_zero() -> None:
    score = si_score({"a": spans((0, 5))}, {})
    assert (score.precision, score.recall, score.f1) == (0.0, 0.0, 0.0)
    assert score.gold == 1 and score.predicted == 0


def test_counts_are_summed_over_the_corpus() -> None:
    # Article a: exact match. Article b is missing from pred: its gold span still counts.
    # Article c: a prediction with no gold at all. P = 1/2, R = 1/2.
    gold = {"a": spans((0, 4)), "b": spans((0, 8))}
    pred = {"a": spans((0, 4)), "c": spans((1, 3))}
    score = si_score(gold, pred)
    assert score.precision == pytest.approx(0.5)
    assert score.recall == pytest.approx(0.5)


def test_techniques_are_ignored() -> None:
    gold = {"a": [Span(0, 4, "Doubt")]}
    pred = {"a": [Span(0, 4, "Loaded_Language")]}
    assert si_score(gold, pred).f1 == 1.0


def test_every_whole_line_as_one_span() -> None:
    # Text (offsets below):  "Hi there.\nWhat a disgrace!\n"
    #   line 1 = [0, 9), line 2 = [10, 26).
    # Gold: "disgrace" = [17, 25) and "Hi" = [0, 2).
    # Pred: each whole line. Line 1 overlaps "Hi" by 2 chars; line 2 overlaps "disgrace" by 8.
    #   P = (2/9 + 8/16) / 2 = (0.2222 + 0.5) / 2 = 0.3611
    #   R = (2/2 + 8/8) / 2 = 1.0
    #   F1 = 2 * 0.3611 / 1.3611 = 0.5306
    text = "Hi there.\nWhat a disgrace!\n"
    assert text[17:25] == "disgrace"
    gold = {"t": spans((0, 2), (17, 25))}
    pred = {"t": spans((0, 9), (10, 26))}
    score = si_score(gold, pred)
    assert score.precision == pytest.approx(13 / 36)
    assert score.recall == pytest.approx(1.0)
    assert score.f1 == pytest.approx(26 / 49)


def test_scores_are_the_same_whatever_the_hash_seed() -> None:
    # Sums of fractions depend on their order in the last bits; the articles are summed in
    # one order, so a score is the same in every process (README outputs show full floats).
    program = (
        "from unspin.metrics import si_score\n"
        "from unspin.schema import Span\n"
        'gold = {f"a{i}": [Span(0, 5 + i % 11, "Doubt")] for i in range(60)}\n'
        'pred = {f"a{i}": [Span(0, 3 + i % 7, "Doubt")] for i in range(60)}\n'
        "score = si_score(gold, pred)\n"
        "print(repr(score.precision), repr(score.recall))\n"
    )
    printed = {
        subprocess.run(
            [sys.executable, "-c", program],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        for seed in range(4)
    }
    assert len(printed) == 1, printed
