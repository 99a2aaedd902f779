"""Turn per-token technique probabilities into character spans."""

from __future__ import annotations

import numpy as np

from unspin.inference.windows import TokenizedText
from unspin.schema import Span

_EPS = 1e-6


def calibrate(probabilities: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Shift each channel's probabilities so that its tuned threshold maps to 0.5.

    After this, one global threshold (0.5 by default) means "each technique at its own tuned
    operating point", and scores of different techniques are comparable.
    """
    p = np.clip(probabilities, _EPS, 1 - _EPS)
    t = np.clip(thresholds, _EPS, 1 - _EPS)
    shifted = np.log(p / (1 - p)) - np.log(t / (1 - t))
    return np.asarray(1.0 / (1.0 + np.exp(-shifted)), dtype=np.float32)


def true_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Half-open index ranges of the consecutive True stretches of a 1-d boolean array."""
    if not mask.any():
        return []
    padded = np.concatenate(([False], mask, [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def char_range(text: str, tokens: TokenizedText, first: int, last: int) -> tuple[int, int]:
    """Characters covered by tokens ``first..last`` (inclusive), widened to whole words."""
    start = int(tokens.offsets[first, 0])
    end = int(tokens.offsets[last, 1])
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    return start, end


def decode_spans(
    text: str,
    tokens: TokenizedText,
    scores: np.ndarray,
    channels: list[str],
    threshold: float,
) -> list[Span]:
    """Spans where a channel's calibrated score stays at or above ``threshold``.

    ``scores`` has shape ``(n_tokens, n_channels)``; a span's score is the mean over its tokens.
    """
    spans: list[Span] = []
    for channel, technique in enumerate(channels):
        column = scores[:, channel]
        for first, stop in true_runs(column >= threshold):
            start, end = char_range(text, tokens, first, stop - 1)
            if start >= end:
                continue
            score = float(np.clip(column[first:stop].mean(), 0.0, 1.0))
            spans.append(Span(start, end, technique, round(score, 4)))
    spans.sort(key=lambda s: (s.start, s.end, s.technique))
    return spans
