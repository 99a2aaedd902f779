"""The Analyzer: load a model once, then find technique spans in any number of texts.

The path from a text to its spans: ``Analyzer.analyze`` tokenises the text and runs the
encoder over windows (``token_outputs.run_windows``), then ``decode.decode_spans`` turns the
token outputs into spans and names each with the span classifier (``span_classifier``).

Training and evaluation use four hooks, all public and stable: :meth:`Analyzer.token_outputs`
(or :meth:`Analyzer.iter_token_outputs`) for a text's :class:`TokenOutputs`, then
:meth:`Analyzer.decode`, :meth:`Analyzer.detect_spans` and :attr:`Analyzer.classifier` on them,
each with any :class:`Decoding` settings.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import numpy as np

from unspin.errors import UnspinError
from unspin.inference.decode import (
    CANDIDATE_FLOOR,
    OPERATING_POINT,
    decode_spans,
    detect_ranges,
)
from unspin.inference.model_folder import Decoding, ModelConfig, SpanHead, resolve_model_dir
from unspin.inference.span_classifier import SpanClassifier, check_spans, occurrence_ranks
from unspin.inference.technique_text import TextExpert
from unspin.inference.token_outputs import Runner, TokenOutputs, onnx_session, run_windows
from unspin.inference.windows import TextEncoder
from unspin.language import detect_language
from unspin.schema import Analysis, Document, ModelInfo, SchemaError, Span, check_unicode

__all__ = [
    "CANDIDATE_FLOOR",
    "DEFAULT_THRESHOLD",
    "MAX_TEXT_CHARS",
    "Analyzer",
    "Runner",
    "TextTooLongError",
    "TokenOutputs",
    "analyze",
    "check_threshold",
    "occurrence_ranks",
]

DEFAULT_THRESHOLD = OPERATING_POINT
MAX_TEXT_CHARS = 1_000_000
TEXTS_PER_PASS = 8
"""Texts whose token outputs are held in memory at once by ``analyze_batch``."""


class TextTooLongError(UnspinError, ValueError):
    """A text longer than the analyzer accepts."""


def check_threshold(threshold: float) -> float:
    """``threshold`` as a float, or ValueError unless it is a number from 0 to 1."""
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        raise ValueError(f"threshold must be a number from 0 to 1, got {threshold!r}")
    if not (math.isfinite(threshold) and 0.0 <= threshold <= 1.0):
        raise ValueError(f"threshold must lie between 0 and 1, got {threshold}")
    return float(threshold)


def check_text(text: str, max_chars: int) -> None:
    """Refuse a text that is blank, too long, or not valid Unicode (the CLI and API do too)."""
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    if len(text) > max_chars:
        raise TextTooLongError(
            f"text of {len(text):,} characters exceeds the limit of {max_chars:,}"
        )
    if not text.strip():
        raise SchemaError("text is empty")
    check_unicode(text, "text")


class Analyzer:
    """Finds persuasion technique spans in texts with an exported unspin model.

    A span's score is the model's confidence that it persuades with its technique, calibrated
    so that 0.5 is the operating point tuned on validation data. Spans are always decoded the
    same way; ``threshold`` only chooses which to keep: raising it removes spans, lowering it
    (down to :data:`CANDIDATE_FLOOR`) adds less certain ones, and no score ever changes, so
    ``analyze(text, threshold=t)`` equals ``analyze(text, threshold=CANDIDATE_FLOOR).above(t)``.

    >>> analyzer = Analyzer()                      # the shipped default model
    >>> analysis = analyzer.analyze("Take back our streets!")  # doctest: +SKIP
    """

    floor = CANDIDATE_FLOOR
    """The lowest score a span can have: thresholds below it show the same spans as it."""

    def __init__(
        self,
        model: str | Path | None = None,
        threshold: float | None = None,
        threads: int | None = None,
        batch_size: int = 1,
        max_chars: int = MAX_TEXT_CHARS,
        runner: Runner | None = None,
    ) -> None:
        """Load the model in ``model`` (a folder; default: the shipped model).

        ``threshold``: the default for :meth:`analyze` (0.5, the model's operating point).
        ``threads`` model calls run at once (default: the CPU count, at most 4), one thread
        each. ``batch_size`` is the number of windows per call; with the int8 model keep it at
        1: dynamic quantisation scales each call's activations as a whole, so windows batched
        together would change each other's results. ``runner`` replaces the ONNX encoder
        (training passes its torch model).
        """
        self.threshold = DEFAULT_THRESHOLD if threshold is None else check_threshold(threshold)
        self.folder = resolve_model_dir(model)
        self.config = ModelConfig.load(self.folder)
        self.config.require_files(self.folder, onnx=runner is None)
        self.batch_size = batch_size
        self.max_chars = max_chars
        self.encoder = TextEncoder.from_file(self.folder / self.config.tokenizer_file)
        head = SpanHead.load(self.folder, self.config)
        text_expert = (
            TextExpert.load(self.folder / self.config.text_expert_file, len(self.techniques))
            if self.config.text_expert_file
            else None
        )
        self.classifier = SpanClassifier(head, self.config.techniques, text_expert)
        """Names the technique of given spans (training tunes its offsets with it)."""
        self.runner = runner or onnx_session(
            self.folder / self.config.onnx_file, self.config.saturation_free
        )
        self.threads = threads or min(4, os.cpu_count() or 1)
        """Model calls run at once (a torch runner from training always runs one at a time)."""
        self._pool = (
            ThreadPoolExecutor(self.threads) if runner is None and self.threads > 1 else None
        )
        self.info = self.config.info(self.folder)

    def info_for(self, text: str) -> ModelInfo:
        """The model that reads ``text``: this one (a :class:`Router` chooses per text)."""
        return self.info

    @property
    def techniques(self) -> list[str]:
        """The techniques this model can name."""
        return list(self.config.techniques)

    def analyze(self, item: str | Document, threshold: float | None = None) -> Analysis:
        """Analyse one text or Document; its spans scored at least ``threshold``."""
        return self.analyze_batch([item], threshold=threshold)[0]

    def analyze_batch(
        self, items: Iterable[str | Document], threshold: float | None = None
    ) -> list[Analysis]:
        """Analyse many texts; each result is the same as analysing that text alone.

        One stretch of text can carry several spans: a runner-up technique (scored in
        proportion to its probability) or a technique whose own channel is confident there.
        Blank texts, texts over ``max_chars`` and invalid Unicode are refused.
        """
        keep = self.threshold if threshold is None else check_threshold(threshold)
        documents = [as_document(item, index) for index, item in enumerate(items)]
        for document in documents:
            check_text(document.text, self.max_chars)
        outputs = self.iter_token_outputs([d.text for d in documents])
        return [
            Analysis(
                document,
                self.decode(document.text, out, keep),
                self.info,
                detect_language(document.text),
            )
            for document, out in zip(documents, outputs, strict=True)
        ]

    def iter_token_outputs(
        self, texts: Sequence[str], with_hidden: bool = True
    ) -> Iterator[TokenOutputs]:
        """:meth:`token_outputs` of each text, computed a few texts at a time."""
        for begin in range(0, len(texts), TEXTS_PER_PASS):
            chunk = texts[begin : begin + TEXTS_PER_PASS]
            yield from self.token_outputs(chunk, with_hidden=with_hidden)

    def token_outputs(self, texts: Sequence[str], with_hidden: bool = False) -> list[TokenOutputs]:
        """Per-token probabilities (and hidden states, which the span classifier needs)."""
        for text in texts:
            if len(text) > self.max_chars:
                raise TextTooLongError(
                    f"text of {len(text):,} characters exceeds the limit of {self.max_chars:,}"
                )
            check_unicode(text, "text")
        tokenized = self.encoder.encode_batch(list(texts))
        plans = [
            self.config.windows(text, tokens) for text, tokens in zip(texts, tokenized, strict=True)
        ]
        return run_windows(
            self.encoder,
            self.runner,
            tokenized,
            plans,
            len(self.config.channels),
            self.classifier.head.hidden_size if with_hidden else None,
            self.batch_size,
            self._pool.map if self._pool else map,
        )

    def decode(
        self,
        text: str,
        out: TokenOutputs,
        threshold: float | None = None,
        decoding: Decoding | None = None,
    ) -> list[Span]:
        """Technique spans of ``text`` scored at least ``threshold``, from its token outputs.

        ``decoding``: settings to try instead of the model's own (training tunes them).
        """
        keep = self.threshold if threshold is None else check_threshold(threshold)
        settings = decoding or self.config.decoding
        floor = CANDIDATE_FLOOR if keep < OPERATING_POINT else OPERATING_POINT
        spans = decode_spans(text, out, self.config.channels, self.classifier, settings, floor)
        return [s for s in spans if s.score >= keep]

    def detect_spans(
        self,
        text: str,
        out: TokenOutputs,
        threshold: float | None = None,
        decoding: Decoding | None = None,
    ) -> list[tuple[int, int, float]]:
        """``(start, end, confidence)`` of each span that uses some technique, in text order.

        Stretches of function words alone ("of", "our") are never spans.
        """
        keep = self.threshold if threshold is None else check_threshold(threshold)
        floor = CANDIDATE_FLOOR if keep < OPERATING_POINT else OPERATING_POINT
        found = detect_ranges(text, out, decoding or self.config.decoding, floor)
        return [r for r in found if r[2] >= keep]

    def classify_spans(
        self, text: str, spans: Sequence[tuple[int, int]], out: TokenOutputs | None = None
    ) -> list[Span]:
        """Name the most likely technique of each given ``(start, end)`` span of ``text``.

        Returns one Span per input, in order, scored with the classifier's probability. A span
        given k times (a span annotated with k techniques, as in SemEval templates) gets its k
        most likely techniques, one per occurrence. ``out``: the text's token outputs (with
        hidden states) when already computed. Spans that are empty or reach past the text are
        refused (SchemaError).
        """
        if not spans:
            return []
        out = self._outputs_for(text, spans, out)
        offsets = self.config.decoding.technique_bias
        return self.classifier.classify(text, out, spans, offsets)

    def rank_span_techniques(
        self, text: str, spans: Sequence[tuple[int, int]], out: TokenOutputs | None = None
    ) -> list[list[Span]]:
        """Every technique for each given span, most likely first."""
        if not spans:
            return []
        out = self._outputs_for(text, spans, out)
        return self.classifier.rank(text, out, spans, self.config.decoding.technique_bias)

    def technique_logits(
        self, text: str, out: TokenOutputs, spans: Sequence[tuple[int, int]]
    ) -> np.ndarray:
        """The span classifier's raw logits, shape ``(len(spans), n_techniques)``, no offsets."""
        return self.classifier.logits(text, out, spans)

    def _outputs_for(
        self, text: str, spans: Sequence[tuple[int, int]], out: TokenOutputs | None
    ) -> TokenOutputs:
        check_spans(text, spans)
        if out is not None:
            return out
        check_text(text, self.max_chars)
        return self.token_outputs([text], with_hidden=True)[0]


def as_document(item: str | Document, index: int) -> Document:
    """``item`` as a Document (a string gets its position as id)."""
    if isinstance(item, Document):
        return item
    if isinstance(item, str):
        return Document(id=str(index), text=item)
    raise TypeError(f"expected str or Document, got {type(item).__name__}")


@lru_cache(maxsize=1)
def _default_analyzer() -> Analyzer:
    return Analyzer()


def analyze(text: str | Document, threshold: float | None = None) -> Analysis:
    """Analyse one text with the shipped default model (loaded once, then reused)."""
    return _default_analyzer().analyze(text, threshold=threshold)
