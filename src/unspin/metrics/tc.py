"""Technique classification on given spans (SemEval-2020 Task 11, TC): micro-F1.

Every prediction row names a technique for a gold span ``(article, start, end)``. A span that
carries several gold techniques appears several times; labels are matched as multisets, so each
gold label can be matched once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from unspin.metrics.spans import SpanScore, prf


class LabelledSpanRow(Protocol):
    @property
    def article_id(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def technique(self) -> str | None: ...


@dataclass(frozen=True)
class TcScore:
    """Micro P/R/F1 (all equal when each gold span is predicted once) and per-technique scores."""

    micro_precision: float
    micro_recall: float
    micro_f1: float
    per_technique: dict[str, SpanScore] = field(default_factory=dict)


def _grouped(rows: Iterable[LabelledSpanRow]) -> dict[tuple[str, int, int], Counter[str]]:
    grouped: dict[tuple[str, int, int], Counter[str]] = {}
    for row in rows:
        grouped.setdefault((row.article_id, row.start, row.end), Counter())[
            row.technique or "?"
        ] += 1
    return grouped


def tc_score(gold: Iterable[LabelledSpanRow], predicted: Iterable[LabelledSpanRow]) -> TcScore:
    """Score technique labels of predicted rows against gold rows of the same spans."""
    gold_groups, pred_groups = _grouped(gold), _grouped(predicted)
    correct: Counter[str] = Counter()
    gold_counts: Counter[str] = Counter()
    pred_counts: Counter[str] = Counter()
    for key in set(gold_groups) | set(pred_groups):
        g, p = gold_groups.get(key, Counter()), pred_groups.get(key, Counter())
        gold_counts.update(g)
        pred_counts.update(p)
        correct.update(g & p)
    hits = sum(correct.values())
    micro = prf(hits, sum(pred_counts.values()), hits, sum(gold_counts.values()))
    techniques = sorted(set(gold_counts) | set(pred_counts))
    return TcScore(
        micro.precision,
        micro.recall,
        micro.f1,
        {t: prf(correct[t], pred_counts[t], correct[t], gold_counts[t]) for t in techniques},
    )
