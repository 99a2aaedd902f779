"""SemEval-2021 Task 6 scores: subtask 1 (techniques per meme) and subtask 2 (technique spans).

Subtask 1 is multi-label classification: each meme's labels form a set; micro F1 counts hits
over all memes and labels, macro F1 averages the per-technique F1. Subtask 2 scores technique
spans with the partial-overlap formula of SemEval-2020 (see :func:`unspin.metrics.flc_score`),
memes taking the place of articles.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from unspin.metrics.spans import FlcScore, SpanScore, flc_score, prf
from unspin.schema import Span


@dataclass(frozen=True)
class MultiLabelScore:
    """Micro P/R/F1 over all (meme, technique) labels, macro F1 and per-technique scores."""

    micro: SpanScore
    macro_f1: float
    per_technique: dict[str, SpanScore] = field(default_factory=dict)


def multilabel_score(
    gold: Mapping[str, Collection[str]],
    pred: Mapping[str, Collection[str]],
    labels: Sequence[str] | None = None,
) -> MultiLabelScore:
    """Subtask-1 score of ``pred`` against ``gold`` (meme id -> technique names).

    Macro F1 averages over ``labels`` when given (a technique never seen scores 0), else over
    the techniques found in ``gold`` or ``pred``. Memes missing from ``pred`` have no labels.
    """
    hits: Counter[str] = Counter()
    gold_counts: Counter[str] = Counter()
    pred_counts: Counter[str] = Counter()
    for meme in gold.keys() | pred.keys():
        expected, predicted = set(gold.get(meme, ())), set(pred.get(meme, ()))
        gold_counts.update(expected)
        pred_counts.update(predicted)
        hits.update(expected & predicted)
    total = sum(hits.values())
    micro = prf(total, sum(pred_counts.values()), total, sum(gold_counts.values()))
    techniques = list(labels) if labels is not None else sorted(gold_counts | pred_counts)
    per_technique = {t: prf(hits[t], pred_counts[t], hits[t], gold_counts[t]) for t in techniques}
    macro = sum(s.f1 for s in per_technique.values()) / len(techniques) if techniques else 0.0
    return MultiLabelScore(micro, macro, per_technique)


def task2_score(gold: Mapping[str, Sequence[Span]], pred: Mapping[str, Sequence[Span]]) -> FlcScore:
    """Subtask-2 score: technique-aware partial-overlap span F1 with memes as articles."""
    return flc_score(gold, pred)


__all__ = ["MultiLabelScore", "multilabel_score", "task2_score"]
