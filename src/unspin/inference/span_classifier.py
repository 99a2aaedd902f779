"""The span classifier: names the technique of a given span of text.

One linear layer (the model folder's span head) over the mean, first and last hidden state of
the span's tokens and a few surface features, run in numpy. A model folder may add a text
expert (``technique_text``) that joins the head for spans a caller gives (``rank``,
``classify``: technique classification); spans the decoder finds are named by the head alone
(``probabilities``), which scored higher FLC there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence

import numpy as np

from unspin.inference.model_folder import SpanHead
from unspin.inference.span_features import surface_features
from unspin.inference.technique_text import TextExpert
from unspin.inference.token_outputs import TokenOutputs
from unspin.schema import SchemaError, Span


class SpanClassifier:
    """Scores every technique for spans of a text, from the text's token outputs."""

    def __init__(
        self, head: SpanHead, techniques: Sequence[str], text_expert: TextExpert | None = None
    ) -> None:
        self.head = head
        self.techniques = list(techniques)
        self.text_expert = text_expert

    def logits(self, text: str, out: TokenOutputs, spans: Sequence[tuple[int, int]]) -> np.ndarray:
        """Raw logits, shape ``(len(spans), n_techniques)``, before any tuned offsets."""
        if not spans:
            return np.zeros((0, len(self.techniques)), np.float32)
        check_spans(text, spans)
        features = np.stack(
            [
                np.concatenate(
                    [_hidden_features(out, start, end), surface_features(text, start, end)]
                )
                for start, end in spans
            ]
        )
        return np.asarray(features @ self.head.weight + self.head.bias, np.float32)

    def probabilities(
        self,
        text: str,
        out: TokenOutputs,
        spans: Sequence[tuple[int, int]],
        offsets: Sequence[float] = (),
        given: bool = False,
    ) -> np.ndarray:
        """Softmax over techniques of the logits plus ``offsets`` (per technique, if any); for
        ``given`` spans the text expert, if any, joins in."""
        logits = self.logits(text, out, spans)
        if len(offsets):
            logits = logits + np.asarray(offsets, np.float32)
        if given and self.text_expert is not None and len(spans):
            logits = self.text_expert.combine(logits, text, spans)
        return _softmax(logits)

    def rank(
        self,
        text: str,
        out: TokenOutputs,
        spans: Sequence[tuple[int, int]],
        offsets: Sequence[float] = (),
    ) -> list[list[Span]]:
        """Every technique for each span, most likely first, scored with its probability."""
        ranked = []
        probabilities = self.probabilities(text, out, spans, offsets, given=True)
        for (start, end), row in zip(spans, probabilities, strict=True):
            order = np.argsort(-row)
            ranked.append([Span(start, end, self.techniques[i], float(row[i])) for i in order])
        return ranked

    def classify(
        self,
        text: str,
        out: TokenOutputs,
        spans: Sequence[tuple[int, int]],
        offsets: Sequence[float] = (),
    ) -> list[Span]:
        """One Span per input, in order; a span given k times gets its k most likely techniques."""
        ranked = self.rank(text, out, spans, offsets)
        return [
            choices[min(rank, len(choices) - 1)]
            for choices, rank in zip(ranked, occurrence_ranks(spans), strict=True)
        ]


def check_spans(text: str, spans: Sequence[tuple[int, int]]) -> None:
    """Raise SchemaError unless every ``(start, end)`` is a non-empty range inside ``text``."""
    for start, end in spans:
        if not 0 <= start < end <= len(text):
            raise SchemaError(
                f"span [{start}, {end}) is not a non-empty range of the text "
                f"({len(text)} characters)"
            )


def occurrence_ranks(keys: Sequence[Hashable]) -> list[int]:
    """For each key, how often it came before: a span given k times gets its k-th choice."""
    seen: Counter[Hashable] = Counter()
    ranks = []
    for key in keys:
        ranks.append(seen[key])
        seen[key] += 1
    return ranks


def _hidden_features(out: TokenOutputs, start: int, end: int) -> np.ndarray:
    """Mean, first and last hidden state of the tokens overlapping ``[start, end)``."""
    if out.hidden is None:
        raise ValueError("the span classifier needs token outputs with hidden states")
    offsets = out.tokens.offsets
    if len(offsets) == 0:
        return np.zeros(3 * out.hidden.shape[1], np.float32)
    inside = np.flatnonzero((offsets[:, 0] < end) & (offsets[:, 1] > start))
    if inside.size == 0:
        inside = np.asarray([int(np.argmin(np.abs(offsets[:, 0] - start)))])
    hidden = out.hidden[inside]
    return np.concatenate([hidden.mean(axis=0), hidden[0], hidden[-1]])


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return np.asarray(exp / exp.sum(axis=-1, keepdims=True))
