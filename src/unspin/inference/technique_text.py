"""A second opinion on a span's technique from its words and how they recur in the text.

After the SemEval-2020 TC winners: a span's words (hashed unigrams and bigrams), whether and
how often the span and its words recur in the article and whether it came before (the mark
of Repetition), its length, punctuation, quotes and share of its line. A linear model over
these features gives technique logits; they join the span head's as a product of experts,
``log p_head + weight * (log p_text - log prior)``. It reads the text alone, so it costs no
encoder pass, and it can be fitted on articles the encoder was trained on without seeing
their memorised hidden states.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from unspin.inference.model_folder import ModelError

TEXT_EXPERT_FILE = "technique_text.npz"
N_TEXT_FEATURES = 14
_GRAM_WORD = re.compile(r"[a-z0-9']+|[!?\"“”]")
_WORD = re.compile(r"[^\W\d_]{3,}")


class TextIndex:
    """A text's lower-cased form, its words with their starts, and their counts."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lower = text.lower()
        found = [(m.start(), m.group()) for m in _WORD.finditer(self.lower)]
        self.word_starts = [start for start, _ in found]
        self.words = [word for _, word in found]
        self.counts = Counter(self.words)

    def line_of(self, start: int, end: int) -> tuple[int, int]:
        """The line (newline to newline) around ``[start, end)``."""
        first = self.text.rfind("\n", 0, start) + 1
        last = self.text.find("\n", end)
        return first, len(self.text) if last < 0 else last

    def words_in(self, start: int, end: int) -> list[str]:
        """The words that start inside ``[start, end)``."""
        first = bisect.bisect_left(self.word_starts, start)
        return self.words[first : bisect.bisect_left(self.word_starts, end)]


def text_features(index: TextIndex, start: int, end: int) -> np.ndarray:
    """Repetition (how often the span and its words recur, whether it came before) and surface
    features (length, punctuation, quotes, share of its line, place in the text)."""
    fragment = index.lower[start:end].strip()
    total = index.lower.count(fragment) if fragment else 0
    before = index.lower.count(fragment, 0, start) if fragment else 0
    words = index.words_in(start, end)
    elsewhere = [index.counts[w] - words.count(w) for w in set(words)]
    line_start, line_end = index.line_of(start, end)
    raw = index.text[start:end]
    return np.asarray(
        [
            math.log1p(max(total - 1, 0)),
            float(before > 0),
            math.log1p(before),
            float(np.mean([e > 0 for e in elsewhere])) if elsewhere else 0.0,
            math.log1p(float(np.mean(elsewhere))) if elsewhere else 0.0,
            math.log1p(len(fragment)) / 5.0,
            math.log1p(max(len(raw.split()), 1)) / 3.0,
            float("?" in raw),
            float("!" in raw),
            float(any(q in raw for q in '"“”')),
            sum(c.isupper() for c in raw) / max(len(raw), 1),
            (end - start) / max(line_end - line_start, 1),
            float(start <= line_start + 1),
            start / max(len(index.text), 1),
        ],
        dtype=np.float32,
    )


def gram_buckets(fragment: str, buckets: int) -> np.ndarray:
    """Hashed buckets of the lower-cased words and word pairs of ``fragment`` (CRC-32, so the
    same on every machine and Python run); at least one bucket."""
    words = _GRAM_WORD.findall(fragment.lower())
    grams = words + [f"{a} {b}" for a, b in itertools.pairwise(words)]
    if not grams:
        return np.zeros(1, np.int64)
    return np.asarray([zlib.crc32(f"s:{g}".encode()) % buckets for g in grams], np.int64)


@dataclass(frozen=True)
class TextExpert:
    """The fitted text model: weights per gram bucket and per text feature, and how much its
    opinion counts beside the span head's (``weight``)."""

    gram_weight: np.ndarray  # (buckets, n_techniques)
    feature_weight: np.ndarray  # (N_TEXT_FEATURES, n_techniques)
    bias: np.ndarray  # (n_techniques,)
    log_prior: np.ndarray  # (n_techniques,) log share of each technique in the training spans
    weight: float

    def logits(self, text: str, spans: Sequence[tuple[int, int]]) -> np.ndarray:
        """The text model's own logits, shape ``(len(spans), n_techniques)``."""
        index = TextIndex(text)
        buckets = self.gram_weight.shape[0]
        rows = []
        for start, end in spans:
            grams = self.gram_weight[gram_buckets(text[start:end], buckets)].mean(axis=0)
            rows.append(grams + text_features(index, start, end) @ self.feature_weight)
        if not rows:
            return np.zeros((0, self.bias.shape[0]), np.float32)
        return np.asarray(np.stack(rows) + self.bias, np.float32)

    def combine(
        self, head_logits: np.ndarray, text: str, spans: Sequence[tuple[int, int]]
    ) -> np.ndarray:
        """Scores of both experts together: the head's log-probabilities plus ``weight`` times
        the text model's log-probabilities over its prior (a softmax turns them into
        probabilities)."""
        text_part = log_softmax(self.logits(text, spans)) - self.log_prior
        return np.asarray(log_softmax(head_logits) + self.weight * text_part, np.float32)

    def save(self, folder: Path) -> None:
        np.savez(
            folder / TEXT_EXPERT_FILE,
            gram_weight=self.gram_weight.astype(np.float16),
            feature_weight=self.feature_weight.astype(np.float32),
            bias=self.bias.astype(np.float32),
            log_prior=self.log_prior.astype(np.float32),
            weight=np.float32(self.weight),
        )

    @classmethod
    def load(cls, path: Path, n_techniques: int) -> TextExpert:
        """The expert saved at ``path``; ModelError unless it fits ``n_techniques``."""
        try:
            with np.load(path) as arrays:
                expert = cls(
                    arrays["gram_weight"].astype(np.float32),
                    arrays["feature_weight"].astype(np.float32),
                    arrays["bias"].astype(np.float32),
                    arrays["log_prior"].astype(np.float32),
                    float(arrays["weight"]),
                )
        except (OSError, KeyError, ValueError) as error:
            raise ModelError(f"{path}: not a text expert ({error})") from None
        shapes = (expert.feature_weight.shape, expert.bias.shape, expert.log_prior.shape)
        if (
            expert.gram_weight.ndim != 2
            or expert.gram_weight.shape[1] != n_techniques
            or (shapes != ((N_TEXT_FEATURES, n_techniques), (n_techniques,), (n_techniques,)))
        ):
            raise ModelError(f"{path}: text expert weights do not fit {n_techniques} techniques")
        return expert


def log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return np.asarray(shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True)), np.float32)
