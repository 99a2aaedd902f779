"""Fit the technique classifier's text model (see ``unspin.inference.technique_text``), choose
its settings by cross-validation over folds of the training articles, and add it to a model
folder.

Its features come from the text alone, so it can be fitted on the articles the encoder was
fine-tuned on: the span head scores about 0.99 on those (it has memorised them), which makes
any classifier over the encoder's outputs impossible to fit or cross-validate there honestly.
How much the text model counts beside the span head is chosen on data neither has seen: the
SemEval-2021 dev memes (never the own dev or test split).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from unspin.formats.ptc import LabelRow
from unspin.inference.analyzer import Analyzer, occurrence_ranks
from unspin.inference.model_folder import ModelConfig
from unspin.inference.technique_text import (
    TEXT_EXPERT_FILE,
    TextExpert,
    TextIndex,
    gram_buckets,
    log_softmax,
    text_features,
)
from unspin.metrics import tc_score
from unspin.schema import Document, Span
from unspin.training.config import Log, TrainConfig
from unspin.training.data import load_semeval2021
from unspin.training.evaluate import TextExpertReport
from unspin.training.prepare import MEME_DEV_FILES, load_split

Pairs = list[tuple[Document, list[Span]]]
BUCKETS = 2**14
WEIGHT_DECAYS = (1e-4, 1e-5, 1e-6)
EXPERT_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
FOLDS = 5
STEPS = 200


@dataclass
class TextRows:
    """Every gold span of some documents as the text model sees it."""

    grams: list[np.ndarray] = field(default_factory=list)
    features: list[np.ndarray] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    keys: list[tuple[str, int, int]] = field(default_factory=list)


def text_rows(pairs: Pairs, techniques: list[str], buckets: int = BUCKETS) -> TextRows:
    rows = TextRows()
    for document, spans in pairs:
        index = TextIndex(document.text)
        for span in spans:
            if span.technique not in techniques:
                continue
            rows.grams.append(gram_buckets(document.text[span.start : span.end], buckets))
            rows.features.append(text_features(index, span.start, span.end))
            rows.labels.append(techniques.index(span.technique))
            rows.keys.append((document.id, span.start, span.end))
    return rows


def fit_text_expert(
    rows: TextRows, n_techniques: int, weight_decay: float, buckets: int = BUCKETS, seed: int = 0
) -> TextExpert:
    """Multinomial logistic regression (L2 ``weight_decay``) over mean gram weights and text
    features, fitted full-batch with Adam; its ``weight`` beside the span head is 1 until
    ``choose_expert_weight`` sets it."""
    torch.manual_seed(seed)
    grams = torch.nn.EmbeddingBag(buckets, n_techniques, mode="mean")
    torch.nn.init.zeros_(grams.weight)
    linear = torch.nn.Linear(rows.features[0].shape[0], n_techniques)
    flat = torch.from_numpy(np.concatenate(rows.grams))
    starts = torch.from_numpy(np.cumsum([0] + [len(g) for g in rows.grams[:-1]]))
    features = torch.from_numpy(np.stack(rows.features))
    labels = torch.tensor(rows.labels)
    optimizer = torch.optim.Adam([*grams.parameters(), *linear.parameters()], lr=0.05)
    for _ in range(STEPS):
        optimizer.zero_grad()
        logits = grams(flat, starts) + linear(features)
        penalty = grams.weight.pow(2).sum() + linear.weight.pow(2).sum()
        loss = F.cross_entropy(logits, labels) + weight_decay * penalty
        loss.backward()  # type: ignore[no-untyped-call]
        optimizer.step()
    prior = np.bincount(rows.labels, minlength=n_techniques) + 1.0
    return TextExpert(
        gram_weight=grams.weight.detach().numpy().copy(),
        feature_weight=linear.weight.detach().numpy().T.copy(),
        bias=linear.bias.detach().numpy().copy(),
        log_prior=np.log(prior / prior.sum()).astype(np.float32),
        weight=1.0,
    )


def tc_micro_f1(logits: np.ndarray, rows: TextRows, techniques: list[str]) -> float:
    """TC micro-F1 of choosing by ``logits``, a span given k times taking its k-th choice."""
    ranks = np.minimum(occurrence_ranks(rows.keys), len(techniques) - 1)
    choice = np.argsort(-logits, axis=1)[np.arange(len(rows.keys)), ranks]
    keys = rows.keys
    gold = [
        LabelRow(d, s, e, techniques[t]) for (d, s, e), t in zip(keys, rows.labels, strict=True)
    ]
    pred = [
        LabelRow(d, s, e, techniques[int(c)]) for (d, s, e), c in zip(keys, choice, strict=True)
    ]
    return tc_score(gold, pred).micro_f1


@dataclass(frozen=True)
class CrossValidation:
    """Fold scores (TC micro-F1 of the text model alone) of each weight decay tried."""

    folds: int
    scores: dict[float, list[float]]

    @property
    def best(self) -> float:
        return max(self.scores, key=lambda wd: float(np.mean(self.scores[wd])))

    def summary(self, weight_decay: float) -> tuple[float, float]:
        """Mean and standard deviation over the folds."""
        values = self.scores[weight_decay]
        return float(np.mean(values)), float(np.std(values))


def cross_validate(
    pairs: Pairs,
    techniques: list[str],
    folds: int = FOLDS,
    weight_decays: Sequence[float] = WEIGHT_DECAYS,
    seed: int = 0,
) -> CrossValidation:
    """Score each weight decay by ``folds``-fold cross-validation over the articles."""
    order = np.random.RandomState(seed).permutation(len(pairs))
    scores: dict[float, list[float]] = {wd: [] for wd in weight_decays}
    for fold in range(folds):
        held = set(order[fold::folds].tolist())
        train = text_rows([p for i, p in enumerate(pairs) if i not in held], techniques)
        held_out = [p for i, p in enumerate(pairs) if i in held]
        test = text_rows(held_out, techniques)
        for wd in weight_decays:
            expert = fit_text_expert(train, len(techniques), wd)
            logits = expert_logits(expert, held_out, techniques)
            scores[wd].append(tc_micro_f1(logits, test, techniques))
    return CrossValidation(folds, scores)


def expert_logits(expert: TextExpert, pairs: Pairs, techniques: list[str]) -> np.ndarray:
    """The text model's logits for the gold spans of ``pairs``, in ``text_rows`` order."""
    return np.concatenate(
        [
            expert.logits(d.text, [(s.start, s.end) for s in spans if s.technique in techniques])
            for d, spans in pairs
        ]
    )


def choose_expert_weight(
    analyzer: Analyzer, expert: TextExpert, pairs: Pairs, weights: Sequence[float] = EXPERT_WEIGHTS
) -> tuple[float, dict[float, float]]:
    """The weight of the text model beside the span head that scores best (TC micro-F1) on
    ``pairs``, with the score of each weight tried (ties go to the smaller weight)."""
    techniques = analyzer.config.techniques
    offsets = np.asarray(analyzer.config.decoding.technique_bias or 0.0, np.float32)
    rows = text_rows(pairs, techniques)
    head = []
    for document, spans in pairs:
        positions = [(s.start, s.end) for s in spans if s.technique in techniques]
        if positions:
            out = analyzer.token_outputs([document.text], with_hidden=True)[0]
            head.append(analyzer.technique_logits(document.text, out, positions) + offsets)
    head_part = log_softmax(np.concatenate(head))
    text_part = log_softmax(expert_logits(expert, pairs, techniques)) - expert.log_prior
    scored = {w: tc_micro_f1(head_part + w * text_part, rows, techniques) for w in weights}
    best = max(weights, key=lambda w: (round(scored[w], 6), -w))
    return best, scored


def add_text_expert(
    folder: Path,
    config: TrainConfig,
    log: Log = print,
    folds: int = FOLDS,
    version: str | None = None,
) -> TextExpertReport:
    """Fit the text model on ``config``'s training articles, choose its settings (see the module
    docstring), add it to the model folder ``folder`` (as ``version``, if given: the model's
    outputs change), and rescore and re-card the model."""
    from unspin.training.folder import rescore_model_folder

    split = load_split(config)
    model = ModelConfig.load(folder)
    techniques = model.techniques
    cv = cross_validate(split.train, techniques, folds)
    mean, spread = cv.summary(cv.best)
    log(f"text model, {folds}-fold CV over training articles: {mean:.3f} ± {spread:.3f}")
    expert = fit_text_expert(text_rows(split.train, techniques), len(techniques), cv.best)
    memes = (
        load_semeval2021(Path(config.semeval2021), techniques, MEME_DEV_FILES)
        if config.semeval2021
        else []
    )
    if memes:
        weight, scored = choose_expert_weight(Analyzer(folder), expert, memes)
        log(f"weight beside the span head, TC on SemEval-2021 dev memes: {scored} -> {weight}")
    else:
        weight, scored = 1.0, {}
        log("no SemEval-2021 dev memes to choose the weight on: weight 1 (product of experts)")
    replace(expert, weight=weight).save(folder)
    model.text_expert_file = TEXT_EXPERT_FILE
    model.version = version or model.version
    model.save(folder)
    report = TextExpertReport(folds, cv.best, cv.scores, weight, scored)
    rescore_model_folder(folder, config, report, log)
    return report
