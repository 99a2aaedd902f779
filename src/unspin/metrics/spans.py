"""Span scores of SemEval-2020 Task 11: SI and the technique-aware FLC score.

A span is the set of character offsets ``[start, end)``. Within an article, overlapping spans
of one side (gold or predicted) are merged first. Then, with ``S`` the predicted and ``T`` the
gold spans of the whole corpus,

    P = Σ_{s∈S, t∈T, same article} |s∩t| / |s|  /  |S|
    R = Σ_{s∈S, t∈T, same article} |s∩t| / |t|  /  |T|

and F1 is their harmonic mean. Partial overlaps earn partial credit. The FLC score applies
the same formula to the spans of each technique separately and sums numerators and counts
over techniques for its micro average.

ArAIEval-2024 (task 1) scores with the same technique-aware formula but without merging:
every predicted span is paired with every gold span of its technique, so a predicted span
that overlaps two gold spans earns credit from both, and duplicates count twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from unspin.schema import Span

Interval = tuple[int, int]


@dataclass(frozen=True)
class SpanScore:
    """Precision, recall and F1 (each 0 when undefined), with the counts behind them."""

    precision: float
    recall: float
    f1: float
    predicted: int = 0
    gold: int = 0

    def to_dict(self) -> dict[str, float | int]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "predicted": self.predicted,
            "gold": self.gold,
        }


def prf(precision_sum: float, predicted: int, recall_sum: float, gold: int) -> SpanScore:
    """A SpanScore from credit sums and counts; an empty denominator gives 0."""
    precision = precision_sum / predicted if predicted else 0.0
    recall = recall_sum / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return SpanScore(precision, recall, f1, predicted, gold)


@dataclass
class _Tally:
    precision_sum: float = 0.0
    predicted: int = 0
    recall_sum: float = 0.0
    gold: int = 0

    def add(self, gold: list[Interval], pred: list[Interval]) -> None:
        self.predicted += len(pred)
        self.gold += len(gold)
        for s_start, s_end in pred:
            for t_start, t_end in gold:
                overlap = min(s_end, t_end) - max(s_start, t_start)
                if overlap > 0:
                    self.precision_sum += overlap / (s_end - s_start)
                    self.recall_sum += overlap / (t_end - t_start)

    def merge(self, other: _Tally) -> None:
        self.precision_sum += other.precision_sum
        self.predicted += other.predicted
        self.recall_sum += other.recall_sum
        self.gold += other.gold

    def score(self) -> SpanScore:
        return prf(self.precision_sum, self.predicted, self.recall_sum, self.gold)


def merge_intervals(intervals: Iterable[Interval]) -> list[Interval]:
    """Sort ``intervals`` and merge those sharing at least one character (adjacent ones stay)."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _tally(
    gold: Mapping[str, Sequence[Span]],
    pred: Mapping[str, Sequence[Span]],
    technique: str | None,
    merge: bool = True,
) -> _Tally:
    tally = _Tally()
    keep = merge_intervals if merge else list
    for article in sorted(gold.keys() | pred.keys()):  # one order: the same float sums
        tally.add(
            keep(_intervals(gold.get(article, ()), technique)),
            keep(_intervals(pred.get(article, ()), technique)),
        )
    return tally


def _intervals(spans: Iterable[Span], technique: str | None) -> list[Interval]:
    return [(s.start, s.end) for s in spans if technique is None or s.technique == technique]


def si_score(gold: Mapping[str, Sequence[Span]], pred: Mapping[str, Sequence[Span]]) -> SpanScore:
    """SemEval-2020 SI score of ``pred`` against ``gold`` (article id -> spans); techniques ignored.

    Articles missing from ``pred`` count as having no predicted spans (and vice versa).
    """
    return _tally(gold, pred, None).score()


@dataclass(frozen=True)
class FlcScore:
    """Technique-aware span score: micro over techniques, and one score per technique."""

    micro: SpanScore
    per_technique: dict[str, SpanScore] = field(default_factory=dict)

    @property
    def macro_f1(self) -> float:
        """Unweighted mean F1 over the techniques scored (0 with none)."""
        scores = list(self.per_technique.values())
        return sum(s.f1 for s in scores) / len(scores) if scores else 0.0


def flc_score(
    gold: Mapping[str, Sequence[Span]], pred: Mapping[str, Sequence[Span]], merge: bool = True
) -> FlcScore:
    """The SI formula restricted to same-technique pairs, per technique and micro-averaged.

    Every technique found in ``gold`` or ``pred`` gets an entry in ``per_technique``.
    ``merge=False`` leaves overlapping spans of one side apart (ArAIEval-2024's way).
    """
    techniques = {s.technique for spans in (*gold.values(), *pred.values()) for s in spans}
    total = _Tally()
    per_technique: dict[str, SpanScore] = {}
    for technique in sorted(techniques):
        tally = _tally(gold, pred, technique, merge)
        per_technique[technique] = tally.score()
        total.merge(tally)
    return FlcScore(total.score(), per_technique)


def araieval_score(
    gold: Mapping[str, Sequence[Span]], pred: Mapping[str, Sequence[Span]]
) -> FlcScore:
    """ArAIEval-2024 task 1's modified micro-F1 (``micro``) and per-technique scores.

    Overlapping spans are not merged. Per technique, recall uses the recall credit (the
    organisers' scorer reuses the precision credit there; their micro-F1 is unaffected).
    """
    return flc_score(gold, pred, merge=False)


__all__ = [
    "FlcScore",
    "SpanScore",
    "araieval_score",
    "flc_score",
    "merge_intervals",
    "prf",
    "si_score",
]
