"""Targets and losses for a model of the 23-technique scheme trained on mixed supervision.

Three kinds of training text:

- **Fine spans** (ArAIEval-2024): every token gets a 0/1 target on every channel.
- **Coarse spans** (PTC, SemEval-2021): a span labelled with a PTC technique that the scheme
  splits (``Bandwagon,Reductio_ad_hitlerum``) says only that *one* of its members
  (:func:`unspin.taxonomy.members`) covers those tokens: their member channels are trained
  with a noisy-or ("at least one"), and every other channel, members included elsewhere, as
  usual. A span's technique target for the span classifier is the set of its members
  (likelihood of the set).
- **Document labels** (ArAIEval-2023): a technique absent from a document's labels is absent
  from every token (ordinary negatives); one present must cover at least one token
  (multiple-instance learning: the loss of the document's highest token logit).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from unspin.inference.span_features import N_SURFACE_FEATURES, surface_features
from unspin.inference.windows import TextEncoder, plan_windows
from unspin.schema import Document, Span
from unspin.taxonomy import members
from unspin.training.data import framed


@dataclass
class WeakExample:
    """One model window with its targets; channel 0 is the any-technique channel."""

    input_ids: np.ndarray  # (T,) with the start and end tokens
    targets: np.ndarray  # (T, C) float32
    weights: np.ndarray  # (T, C) float32: 1 where ``targets`` is a plain target, else 0
    groups: np.ndarray  # (T, C) bool: member channels of a coarse span ("at least one")
    present: np.ndarray  # (C,) bool: document-level positives (at least one token)
    span_tokens: list[tuple[int, int]]  # inclusive token ranges of gold spans, window coordinates
    span_sets: np.ndarray  # (n_spans, n_techniques) float32: 1 for each acceptable technique
    span_surface: np.ndarray  # (n_spans, N_SURFACE_FEATURES) float32


def span_examples(
    pairs: list[tuple[Document, list[Span]]],
    encoder: TextEncoder,
    techniques: list[str],
    window_tokens: int,
    stride: int,
) -> list[WeakExample]:
    """Windows of texts with technique spans, fine or coarse (see the module docstring)."""
    examples = []
    n = len(techniques) + 1
    for document, spans in pairs:
        tokens = encoder.encode(document.text)
        if len(tokens) == 0:
            continue
        targets = np.zeros((len(tokens), n), np.float32)
        groups = np.zeros((len(tokens), n), bool)
        starts, ends = tokens.offsets[:, 0], tokens.offsets[:, 1]
        sets: dict[tuple[int, int], set[int]] = {}
        for span in spans:
            chosen = [1 + techniques.index(m) for m in members(span.technique, techniques)]
            if not chosen:
                continue
            covered = (starts < span.end) & (ends > span.start)
            targets[covered, 0] = 1.0
            if len(chosen) == 1:
                targets[covered, chosen[0]] = 1.0
            else:
                groups[np.ix_(covered, np.asarray(chosen))] = True
            sets.setdefault((span.start, span.end), set()).update(c - 1 for c in chosen)
        settled = (groups & (targets > 0)).any(axis=1)  # a member is a plain positive there
        groups[settled] = False
        weights = (~groups).astype(np.float32)
        ranges = {key: np.flatnonzero((starts < key[1]) & (ends > key[0])) for key in sets}
        for window in plan_windows(len(tokens), window_tokens, stride):
            rows = slice(window.start, window.end)
            kept = [
                (key, inside)
                for key, inside in ranges.items()
                if inside.size and inside[0] >= window.start and inside[-1] < window.end
            ]
            span_sets = np.zeros((len(kept), len(techniques)), np.float32)
            for row, (key, _) in enumerate(kept):
                span_sets[row, sorted(sets[key])] = 1.0
            examples.append(
                WeakExample(
                    input_ids=encoder.window_ids(tokens, window),
                    targets=framed(targets[rows]),
                    weights=framed(weights[rows]),
                    groups=framed(groups[rows]),
                    present=np.zeros(n, bool),
                    span_tokens=[
                        (int(i[0] - window.start + 1), int(i[-1] - window.start + 1))
                        for _, i in kept
                    ],
                    span_sets=span_sets,
                    span_surface=_surface(document.text, [key for key, _ in kept]),
                )
            )
    return examples


def document_examples(
    pairs: list[tuple[Document, list[str]]],
    encoder: TextEncoder,
    techniques: list[str],
    window_tokens: int,
) -> list[WeakExample]:
    """The first window of each labelled document (ArAIEval-2023 texts fit in one)."""
    examples = []
    n = len(techniques) + 1
    for document, labels in pairs:
        tokens = encoder.encode(document.text)
        if len(tokens) == 0:
            continue
        window = plan_windows(len(tokens), window_tokens, window_tokens)[0]
        present = np.zeros(n, bool)
        for label in labels:
            present[[1 + techniques.index(m) for m in members(label, techniques)]] = True
        present[0] = present.any()
        length = window.end - window.start
        weights = np.tile((~present).astype(np.float32), (length, 1))
        examples.append(
            WeakExample(
                input_ids=encoder.window_ids(tokens, window),
                targets=framed(np.zeros((length, n), np.float32)),
                weights=framed(weights),
                groups=np.zeros((length + 2, n), bool),
                present=present,
                span_tokens=[],
                span_sets=np.zeros((0, len(techniques)), np.float32),
                span_surface=np.zeros((0, N_SURFACE_FEATURES), np.float32),
            )
        )
    return examples


def _surface(text: str, keys: list[tuple[int, int]]) -> np.ndarray:
    if not keys:
        return np.zeros((0, N_SURFACE_FEATURES), np.float32)
    return np.stack([surface_features(text, start, end) for start, end in keys])


def weak_loss(
    logits: torch.Tensor,
    batch: list[WeakExample],
    pos_weight: torch.Tensor,
    channel_weights: torch.Tensor,
    document_weight: float,
) -> torch.Tensor:
    """Token loss of a batch: plain targets, noisy-or groups, and document positives.

    ``logits`` is ``(B, T, C)`` for the batch's windows, right-padded.
    """
    length = logits.shape[1]
    targets, weights, groups, content = (np.zeros(logits.shape, np.float32) for _ in range(4))
    for row, example in enumerate(batch):
        t = example.targets.shape[0]
        targets[row, :t] = example.targets
        weights[row, :t] = example.weights
        groups[row, :t] = example.groups
        content[row, 1 : t - 1] = 1.0
    weights *= content
    weights_t, groups_t = torch.from_numpy(weights), torch.from_numpy(groups * content)
    plain = F.binary_cross_entropy_with_logits(
        logits, torch.from_numpy(targets), pos_weight=pos_weight, reduction="none"
    )
    n_tokens = torch.from_numpy(content[:, :, 0]).sum().clamp(min=1.0)
    loss = ((plain * weights_t) @ channel_weights).sum() / n_tokens
    grouped = groups_t.any(dim=-1)
    if grouped.any():
        none = (F.logsigmoid(-logits) * groups_t).sum(dim=-1)[grouped]
        at_least_one = -torch.log1p(-torch.exp(none).clamp(max=1 - 1e-6))
        loss = loss + at_least_one.sum() * channel_weights[1:].mean() / n_tokens
    present = torch.from_numpy(np.stack([e.present for e in batch]))
    if present.any():
        masked = logits.masked_fill(torch.from_numpy(content[:, :length] == 0), -1e4)
        top = masked.max(dim=1).values  # (B, C)
        mil = F.binary_cross_entropy_with_logits(top, torch.ones_like(top), reduction="none")
        loss = loss + document_weight * (mil * present * channel_weights).sum() / len(batch)
    return loss


def set_loss(log_probs: torch.Tensor, sets: torch.Tensor) -> torch.Tensor:
    """Mean negative log-likelihood that each span's technique is in its acceptable set."""
    chosen = log_probs.masked_fill(sets <= 0, float("-inf"))
    return -torch.logsumexp(chosen, dim=-1).mean()
