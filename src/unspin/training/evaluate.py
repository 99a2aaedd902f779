"""Decoding tuning and scoring of a model on labelled documents, with unspin's own metrics."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from unspin.formats.ptc import LabelRow
from unspin.inference.analyzer import Analyzer, TokenOutputs, occurrence_ranks
from unspin.inference.model_folder import Decoding
from unspin.metrics import araieval_score, flc_score, prf, si_score, tc_score
from unspin.schema import Document, Span

SPAN_THRESHOLDS = tuple(round(float(x), 2) for x in np.arange(0.2, 0.81, 0.05))
EXTEND_MARGINS = (0.0, 0.5, 1.0)
MAX_GAPS = (0, 1, 2)
SECOND_LABELS = (1.0, 0.5, 0.4, 0.3)
TECHNIQUE_THRESHOLDS = (1.0, 0.95, 0.9, 0.85, 0.8, 0.7)
TECHNIQUE_BIASES = tuple(round(float(x), 2) for x in np.arange(-1.5, 1.51, 0.25))
BIAS_PASSES = 2
CHANNEL_THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
Pairs = list[tuple[Document, list[Span]]]


@dataclass(frozen=True)
class OverallScores:
    """A model's overall scores on a set of labelled documents (rounded to 4 places)."""

    si_precision: float
    si_recall: float
    si_f1: float
    flc_precision: float
    flc_recall: float
    flc_f1: float
    tc_micro_f1: float | None = None
    """Technique classification of the gold spans; None when not scored (no gold techniques)."""


@dataclass(frozen=True)
class Evaluation:
    """Scores of a model on a set of labelled documents: overall and per technique."""

    overall: OverallScores
    flc_per_technique: dict[str, float]
    tc_per_technique: dict[str, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form kept in a model folder's ``config.json`` (unscored parts left out)."""
        overall = {k: v for k, v in asdict(self.overall).items() if v is not None}
        data: dict[str, Any] = {"flc_per_technique": dict(self.flc_per_technique)}
        if self.tc_per_technique is not None:
            data["tc_per_technique"] = dict(self.tc_per_technique)
        data["overall"] = overall
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Evaluation:
        """An evaluation from its JSON form (as older model folders hold it too)."""
        return cls(
            overall=OverallScores(**data["overall"]),
            flc_per_technique=dict(data.get("flc_per_technique", {})),
            tc_per_technique=data.get("tc_per_technique"),
        )


@dataclass(frozen=True)
class TextExpertReport:
    """How the technique classifier's text model was chosen and what it scored."""

    folds: int
    weight_decay: float
    cv_scores: dict[float, list[float]]
    """TC micro-F1 of the text model alone on each fold, per weight decay tried."""
    weight: float
    weight_scores: dict[float, float]
    """TC micro-F1 of head and text model together on the SemEval-2021 dev memes, per weight."""

    def cv_summary(self) -> tuple[float, float]:
        """Mean and standard deviation over the folds of the chosen weight decay."""
        values = self.cv_scores[self.weight_decay]
        return float(np.mean(values)), float(np.std(values))

    def to_dict(self) -> dict[str, Any]:
        return {
            "folds": self.folds,
            "weight_decay": self.weight_decay,
            "cv_scores": {str(k): v for k, v in self.cv_scores.items()},
            "weight": self.weight,
            "weight_scores": {str(k): v for k, v in self.weight_scores.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TextExpertReport:
        return cls(
            folds=int(data["folds"]),
            weight_decay=float(data["weight_decay"]),
            cv_scores={float(k): list(v) for k, v in data["cv_scores"].items()},
            weight=float(data["weight"]),
            weight_scores={float(k): float(v) for k, v in data["weight_scores"].items()},
        )


@dataclass
class TrainingReport:
    """What a finished run measured; ``config.json`` keeps it as ``metrics``."""

    dev: Evaluation | None = None
    test: Evaluation | None = None
    memes: Evaluation | None = None
    """SemEval-2021 dev memes: an out-of-domain check, SI and FLC only."""
    history: list[dict[str, Any]] = field(default_factory=list)
    """One entry per epoch (dev SI and FLC F1 of the torch model)."""
    train_seconds: float | None = None
    average_seconds: float | None = None
    text_expert: TextExpertReport | None = None

    def to_metrics(self) -> dict[str, Any]:
        """The JSON form of ``ModelConfig.metrics`` (keys of what was not measured left out)."""
        metrics: dict[str, Any] = {}
        if self.history:
            metrics["history"] = self.history
        for key in ("train_seconds", "average_seconds"):
            if getattr(self, key) is not None:
                metrics[key] = getattr(self, key)
        for key, evaluation in (
            ("dev", self.dev),
            ("test", self.test),
            ("semeval2021_dev_memes", self.memes),
        ):
            if evaluation is not None:
                metrics[key] = evaluation.to_dict()
        if self.text_expert is not None:
            metrics["text_expert"] = self.text_expert.to_dict()
        return metrics

    @classmethod
    def from_metrics(cls, metrics: dict[str, Any]) -> TrainingReport:
        """The report a model folder's ``metrics`` hold (older folders' too)."""

        def evaluation(key: str) -> Evaluation | None:
            return Evaluation.from_dict(metrics[key]) if key in metrics else None

        expert = metrics.get("text_expert")
        return cls(
            dev=evaluation("dev"),
            test=evaluation("test"),
            memes=evaluation("semeval2021_dev_memes"),
            history=list(metrics.get("history", [])),
            train_seconds=metrics.get("train_seconds"),
            average_seconds=metrics.get("average_seconds"),
            text_expert=TextExpertReport.from_dict(expert) if expert else None,
        )


def tune_decoding(analyzer: Analyzer, pairs: Pairs) -> Decoding:
    """The decoding settings that score best on ``pairs``.

    Span settings maximise SemEval SI F1; the span classifier's per-technique offsets
    maximise TC micro-F1 on the gold spans; then the runner-up label cut and the threshold of
    nested technique spans maximise FLC F1.
    """
    outputs = analyzer.token_outputs([d.text for d, _ in pairs], with_hidden=True)
    gold = {d.id: spans for d, spans in pairs}
    best_si, best = -1.0, Decoding()
    for threshold, margin, gap in itertools.product(SPAN_THRESHOLDS, EXTEND_MARGINS, MAX_GAPS):
        settings = Decoding(threshold, margin, gap)
        found = {
            d.id: [
                Span(a, b, "any") for a, b, _ in analyzer.detect_spans(d.text, out, None, settings)
            ]
            for (d, _), out in zip(pairs, outputs, strict=True)
        }
        f1 = si_score(gold, found).f1
        if f1 > best_si:
            best_si, best = f1, settings
    best = replace(best, technique_bias=tune_technique_bias(analyzer, pairs, outputs))
    best_flc, tuned = -1.0, best
    for cut, nested in itertools.product(SECOND_LABELS, TECHNIQUE_THRESHOLDS):
        settings = replace(best, second_label=cut, technique_threshold=nested)
        predicted = {
            d.id: analyzer.decode(d.text, out, None, settings)
            for (d, _), out in zip(pairs, outputs, strict=True)
        }
        f1 = flc_score(gold, predicted).micro.f1
        if f1 > best_flc:
            best_flc, tuned = f1, settings
    return tuned


def tune_channel_thresholds(analyzer: Analyzer, pairs: Pairs) -> Decoding:
    """Channel decoding (``Decoding.channel_thresholds``) whose per-technique thresholds
    maximise ArAIEval-2024's micro-F1 on ``pairs``.

    A technique's spans depend on its own threshold only, and the micro-F1 adds up each
    technique's credits and counts: so the spans of every technique at one candidate threshold
    are decoded and scored together, once per threshold, and the thresholds are then chosen by
    coordinate ascent over those sums.
    """
    outputs = analyzer.token_outputs([d.text for d, _ in pairs])
    gold = {d.id: spans for d, spans in pairs}
    techniques = analyzer.config.techniques
    n_gold = sum(len(spans) for spans in gold.values())
    # table[t][k]: (precision credit, predicted, recall credit) of technique t at threshold k
    table = np.zeros((len(techniques), len(CHANNEL_THRESHOLDS), 3))
    for k, threshold in enumerate(CHANNEL_THRESHOLDS[:-1]):
        settings = Decoding(channel_thresholds=[threshold] * len(techniques))
        predicted = {
            d.id: analyzer.decode(d.text, out, None, settings)
            for (d, _), out in zip(pairs, outputs, strict=True)
        }
        scores = araieval_score(gold, predicted).per_technique
        for t, technique in enumerate(techniques):
            if (score := scores.get(technique)) is not None:
                table[t, k] = (
                    score.precision * score.predicted,
                    score.predicted,
                    score.recall * score.gold,
                )

    def micro_f1(choice: list[int]) -> float:
        credit_p, predicted, credit_r = table[np.arange(len(techniques)), choice].sum(axis=0)
        return prf(credit_p, int(predicted), credit_r, n_gold).f1

    off = len(CHANNEL_THRESHOLDS) - 1
    choice, best = [off] * len(techniques), 0.0
    for _ in range(BIAS_PASSES):
        for t in range(len(techniques)):
            for k in range(len(CHANNEL_THRESHOLDS)):
                trial = [*choice[:t], k, *choice[t + 1 :]]
                if (trial_f1 := micro_f1(trial)) > best:
                    best, choice = trial_f1, trial
    return Decoding(channel_thresholds=[CHANNEL_THRESHOLDS[k] for k in choice])


def tune_technique_bias(
    analyzer: Analyzer, pairs: Pairs, outputs: Sequence[TokenOutputs]
) -> list[float]:
    """Per-technique logit offsets of the span classifier that maximise TC micro-F1 on ``pairs``.

    Coordinate ascent over a grid, technique by technique, keeping an offset only when it
    scores strictly better (so offsets stay 0 without evidence).
    """
    logits, keys, gold_rows = [], [], []
    for (document, spans), out in zip(pairs, outputs, strict=True):
        positions = [(s.start, s.end) for s in spans]
        logits.append(analyzer.technique_logits(document.text, out, positions))
        keys += [(document.id, s.start, s.end) for s in spans]
        gold_rows += [LabelRow(document.id, s.start, s.end, s.technique) for s in spans]
    techniques = analyzer.config.techniques
    bias = np.zeros(len(techniques), np.float32)
    if not keys:
        return bias.tolist()
    scores = np.concatenate(logits)
    ranks = np.minimum(occurrence_ranks(keys), len(techniques) - 1)

    def tc(offsets: np.ndarray) -> float:
        choice = np.argsort(-(scores + offsets), axis=1)[np.arange(len(keys)), ranks]
        rows = [LabelRow(a, s, e, techniques[c]) for (a, s, e), c in zip(keys, choice, strict=True)]
        return tc_score(gold_rows, rows).micro_f1

    best = tc(bias)
    for _ in range(BIAS_PASSES):
        for index in range(len(techniques)):
            for value in TECHNIQUE_BIASES:
                trial = bias.copy()
                trial[index] = value
                score = tc(trial)
                if score > best:
                    best, bias = score, trial
    return [round(float(b), 2) for b in bias]


def score_analyzer(analyzer: Analyzer, pairs: Pairs, tc: bool = True) -> Evaluation:
    """SI and FLC of ``analyzer``'s spans (and TC on the gold spans) against ``pairs``."""
    gold = {d.id: spans for d, spans in pairs}
    predicted: dict[str, list[Span]] = {}
    gold_rows: list[LabelRow] = []
    pred_rows: list[LabelRow] = []
    outputs = analyzer.iter_token_outputs([d.text for d, _ in pairs])
    for (document, spans), out in zip(pairs, outputs, strict=True):
        predicted[document.id] = analyzer.decode(document.text, out)
        if tc:
            positions = [(s.start, s.end) for s in spans]
            labelled = analyzer.classify_spans(document.text, positions, out)
            gold_rows.extend(LabelRow(document.id, s.start, s.end, s.technique) for s in spans)
            pred_rows.extend(LabelRow(document.id, s.start, s.end, s.technique) for s in labelled)
    si = si_score(gold, predicted)
    flc = flc_score(gold, predicted)
    tc_result = tc_score(gold_rows, pred_rows) if tc else None
    overall = OverallScores(
        si_precision=_rounded(si.precision),
        si_recall=_rounded(si.recall),
        si_f1=_rounded(si.f1),
        flc_precision=_rounded(flc.micro.precision),
        flc_recall=_rounded(flc.micro.recall),
        flc_f1=_rounded(flc.micro.f1),
        tc_micro_f1=_rounded(tc_result.micro_f1) if tc_result else None,
    )
    return Evaluation(
        overall=overall,
        flc_per_technique={t: s.f1 for t, s in sorted(flc.per_technique.items())},
        tc_per_technique=(
            {t: s.f1 for t, s in sorted(tc_result.per_technique.items())} if tc_result else None
        ),
    )


def _rounded(value: float) -> float:
    return round(value, 4)
