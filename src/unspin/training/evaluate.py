"""Threshold tuning and scoring of a model on labelled documents, with unspin's own metrics."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from unspin.formats.ptc import LabelRow
from unspin.inference.analyzer import Analyzer, TokenOutputs
from unspin.inference.decode import decode_spans
from unspin.metrics import flc_score, si_score, tc_score
from unspin.schema import Document, Span

THRESHOLD_GRID = tuple(round(x, 2) for x in np.arange(0.05, 0.96, 0.05))
Pairs = list[tuple[Document, list[Span]]]


def tune_thresholds(analyzer: Analyzer, pairs: Pairs, channels: list[str]) -> dict[str, float]:
    """Per channel, the probability threshold that maximises its span F1 on ``pairs``.

    Channel 0 (any technique) is tuned for SemEval SI; each technique channel for its own
    technique-aware span F1 (FLC).
    """
    outputs = analyzer.token_outputs([d.text for d, _ in pairs])
    thresholds = {}
    for index, channel in enumerate(channels):
        gold = {
            d.id: [s for s in spans if index == 0 or s.technique == channel] for d, spans in pairs
        }
        best_f1, best_threshold = -1.0, 0.5
        for threshold in THRESHOLD_GRID:
            pred = {
                d.id: _channel_spans(d.text, out, index, channel, threshold)
                for (d, _), out in zip(pairs, outputs, strict=True)
            }
            f1 = si_score(gold, pred).f1
            if f1 > best_f1:
                best_f1, best_threshold = f1, threshold
        thresholds[channel] = best_threshold
    return thresholds


def _channel_spans(
    text: str, out: TokenOutputs, index: int, channel: str, threshold: float
) -> list[Span]:
    column = out.probabilities[:, index : index + 1]
    return decode_spans(text, out.tokens, column, [channel], threshold)


def score_analyzer(analyzer: Analyzer, pairs: Pairs, tc: bool = True) -> dict[str, Any]:
    """SI, FLC (and TC on gold spans) of ``analyzer`` against ``pairs``."""
    gold = {d.id: spans for d, spans in pairs}
    analyses = analyzer.analyze_batch([d for d, _ in pairs])
    predicted = {a.document.id: a.spans for a in analyses}
    propaganda = {d.id: analyzer.propaganda_spans(d.text) for d, _ in pairs}
    si = si_score(gold, propaganda)
    si_union = si_score(gold, predicted)
    flc = flc_score(gold, predicted)
    overall: dict[str, float] = {
        "si_precision": si.precision,
        "si_recall": si.recall,
        "si_f1": si.f1,
        "si_f1_from_technique_spans": si_union.f1,
        "flc_precision": flc.micro.precision,
        "flc_recall": flc.micro.recall,
        "flc_f1": flc.micro.f1,
    }
    result: dict[str, Any] = {
        "overall": overall,
        "flc_per_technique": {t: s.f1 for t, s in sorted(flc.per_technique.items())},
    }
    if tc:
        gold_rows = [
            LabelRow(d.id, s.start, s.end, s.technique) for d, spans in pairs for s in spans
        ]
        pred_rows: list[LabelRow] = []
        for document, spans in pairs:
            labelled = analyzer.classify_spans(document.text, [(s.start, s.end) for s in spans])
            pred_rows.extend(LabelRow(document.id, s.start, s.end, s.technique) for s in labelled)
        tc_result = tc_score(gold_rows, pred_rows)
        overall["tc_micro_f1"] = tc_result.micro_f1
        result["tc_per_technique"] = {t: s.f1 for t, s in sorted(tc_result.per_technique.items())}
    result["overall"] = {k: round(v, 4) for k, v in overall.items()}
    return result


def evaluate_folder(folder: Path, pairs: Pairs, tc: bool = True) -> dict[str, Any]:
    """Score the exported model in ``folder`` exactly as users will run it."""
    return score_analyzer(Analyzer(folder), pairs, tc=tc)
