"""The Analyzer: load a model once, then find technique spans in any number of texts."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from unspin.errors import UnspinError
from unspin.inference.cancel import raise_if_stopped, stop_event
from unspin.inference.decode import (
    calibrate,
    char_range,
    complete_phrase,
    has_content,
    line_breaks,
    shift_threshold,
    span_evidence,
    span_runs,
)
from unspin.inference.model_folder import Decoding, ModelConfig, SpanHead, resolve_model_dir
from unspin.inference.span_features import surface_features
from unspin.inference.windows import TextEncoder, TokenizedText, Window, pad_batch, plan_windows
from unspin.language import detect_language
from unspin.schema import Analysis, Document, ModelInfo, Span, check_unicode, in_reading_order

DEFAULT_THRESHOLD = 0.5
MAX_TEXT_CHARS = 1_000_000
TEXTS_PER_PASS = 8
"""Texts whose token outputs are held in memory at once by ``analyze_batch``."""


class Runner(Protocol):
    """Runs the encoder: ``run(None, {"input_ids", "attention_mask"}) -> [logits, hidden]``.

    An onnxruntime ``InferenceSession`` is one; training passes a torch-backed one.
    """

    def run(self, output_names: None, feeds: dict[str, np.ndarray]) -> list[np.ndarray]: ...


def _onnx_session(path: Path) -> Runner:
    import onnxruntime as ort

    options = ort.SessionOptions()
    # One thread per call: the Analyzer runs several windows at once instead, which on a CPU
    # beats splitting each small matrix product across threads.
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session: Runner = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return session


class TextTooLongError(UnspinError, ValueError):
    """A text longer than the analyzer accepts."""


@dataclass
class TokenOutputs:
    """Model outputs for one text, averaged over the windows that cover each token."""

    tokens: TokenizedText
    probabilities: np.ndarray  # (n_tokens, n_channels), sigmoid of averaged logits
    hidden: np.ndarray | None  # (n_tokens, hidden_size) when asked for


class Analyzer:
    """Finds persuasion technique spans in texts with an exported unspin model.

    >>> analyzer = Analyzer()                      # the shipped default model
    >>> analysis = analyzer.analyze("Take back our streets!")  # doctest: +SKIP
    """

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

        ``threads`` model calls run at once (default: the CPU count, at most 4), one thread
        each. ``batch_size`` is the number of windows per call; with the int8 model keep it at
        1: dynamic quantisation scales each call's activations as a whole, so windows batched
        together would change each other's results.
        """
        self.folder = resolve_model_dir(model)
        self.config = ModelConfig.load(self.folder)
        self.config.require_files(self.folder, onnx=runner is None)
        self.threshold = DEFAULT_THRESHOLD if threshold is None else threshold
        self.batch_size = batch_size
        self.max_chars = max_chars
        self.encoder = TextEncoder.from_file(self.folder / self.config.tokenizer_file)
        self._session = runner or _onnx_session(self.folder / self.config.onnx_file)
        self.threads = threads or min(4, os.cpu_count() or 1)
        """Model calls run at once (a torch runner from training always runs one at a time)."""
        self._pool = (
            ThreadPoolExecutor(self.threads) if runner is None and self.threads > 1 else None
        )
        head = SpanHead.load(self.folder, self.config)
        self._span_weight = head.weight
        self._span_bias = head.bias
        self._hidden_size = head.hidden_size
        self.info = ModelInfo(
            self.config.name,
            self.config.version,
            self.config.fingerprint(self.folder),
            tuple(self.config.languages),
        )

    @property
    def techniques(self) -> list[str]:
        """The techniques this model can name."""
        return list(self.config.techniques)

    def analyze(self, item: str | Document, threshold: float | None = None) -> Analysis:
        """Analyse one text or Document."""
        return self.analyze_batch([item], threshold=threshold)[0]

    def analyze_batch(
        self, items: Iterable[str | Document], threshold: float | None = None
    ) -> list[Analysis]:
        """Analyse many texts; each result is the same as analysing that text alone.

        A span's score is the model's confidence that it persuades with its technique,
        calibrated so that 0.5 is the operating point tuned on validation data (``threshold``
        moves it; spans are decoded at that threshold, so they can grow or merge). One stretch
        of text can carry several spans: a runner-up technique (scored in proportion to its
        probability) or a technique whose own channel is confident there (scored by it).
        """
        documents = [_as_document(item, index) for index, item in enumerate(items)]
        outputs = self.iter_token_outputs([d.text for d in documents])
        return [
            Analysis(
                document,
                self.decode(document.text, out, threshold),
                self.info,
                detect_language(document.text),
            )
            for document, out in zip(documents, outputs, strict=True)
        ]

    def iter_token_outputs(
        self, texts: Sequence[str], with_hidden: bool = True
    ) -> Iterator[TokenOutputs]:
        """Token outputs (with hidden states) for each text, computed a few texts at a time."""
        for begin in range(0, len(texts), TEXTS_PER_PASS):
            chunk = texts[begin : begin + TEXTS_PER_PASS]
            yield from self.token_outputs(chunk, with_hidden=with_hidden)

    def decode(
        self,
        text: str,
        out: TokenOutputs,
        threshold: float | None = None,
        decoding: Decoding | None = None,
    ) -> list[Span]:
        """Technique spans of ``text`` from its token outputs (``decoding``: the model's own)."""
        settings = decoding or self.config.decoding
        core = self.threshold if threshold is None else threshold
        breaks = line_breaks(text, out.tokens)
        found = self._detect(text, out, core, settings, breaks)
        ranked = self._technique_probabilities(text, out, [(a, b) for a, b, _ in found], settings)
        spans = []
        for (start, end, confidence), row in zip(found, ranked, strict=True):
            order = np.argsort(-row)
            top = float(row[order[0]])
            spans.append(Span(start, end, self.config.techniques[order[0]], round(confidence, 4)))
            for index in order[1:]:
                if row[index] < settings.second_label:
                    break
                score = round(confidence * float(row[index]) / top, 4)
                spans.append(Span(start, end, self.config.techniques[index], score))
        if settings.technique_threshold < 1.0:
            spans += self._nested_technique_spans(text, out, core, settings, breaks, spans)
        return in_reading_order(spans)

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
        core = self.threshold if threshold is None else threshold
        settings = decoding or self.config.decoding
        return self._detect(text, out, core, settings, line_breaks(text, out.tokens))

    def _detect(
        self, text: str, out: TokenOutputs, core: float, settings: Decoding, breaks: np.ndarray
    ) -> list[tuple[int, int, float]]:
        tuned = np.full(1, settings.span_threshold, np.float32)
        scores = calibrate(span_evidence(out.probabilities), tuned)
        extend = shift_threshold(core, settings.extend_margin)
        return _scored_ranges(text, out, scores, core, extend, settings.max_gap, breaks)

    def _nested_technique_spans(
        self,
        text: str,
        out: TokenOutputs,
        core: float,
        settings: Decoding,
        breaks: np.ndarray,
        named: list[Span],
    ) -> list[Span]:
        """Runs where one technique's own channel is confident, unless a span already names it.

        These catch short techniques (a loaded word) inside a longer span named otherwise.
        """
        tuned = np.full(1, settings.technique_threshold, np.float32)
        extra = []
        for technique in self.config.techniques:
            column = out.probabilities[:, self.config.channels.index(technique)]
            scores = calibrate(column, tuned)
            for start, end, score in _scored_ranges(text, out, scores, core, core, 0, breaks):
                covered = any(
                    s.technique == technique and s.start < end and start < s.end for s in named
                )
                if not covered:
                    extra.append(Span(start, end, technique, round(score, 4)))
        return extra

    def classify_spans(
        self, text: str, spans: Sequence[tuple[int, int]], out: TokenOutputs | None = None
    ) -> list[Span]:
        """Name the most likely technique of each given ``(start, end)`` span of ``text``.

        Returns one Span per input, in order, scored with the classifier's probability. A span
        given k times (a span annotated with k techniques, as in SemEval templates) gets its k
        most likely techniques, one per occurrence. ``out``: the text's token outputs (with
        hidden states) when already computed.
        """
        ranked = self.rank_span_techniques(text, spans, out)
        return [
            choices[min(rank, len(choices) - 1)]
            for choices, rank in zip(ranked, occurrence_ranks(spans), strict=True)
        ]

    def rank_span_techniques(
        self, text: str, spans: Sequence[tuple[int, int]], out: TokenOutputs | None = None
    ) -> list[list[Span]]:
        """Every technique for each given span, most likely first."""
        if not spans:
            return []
        if out is None:
            out = self.token_outputs([text], with_hidden=True)[0]
        ranked = []
        probabilities = self._technique_probabilities(text, out, spans, self.config.decoding)
        for (start, end), row in zip(spans, probabilities, strict=True):
            order = np.argsort(-row)
            ranked.append(
                [Span(start, end, self.config.techniques[i], float(row[i])) for i in order]
            )
        return ranked

    def _technique_probabilities(
        self,
        text: str,
        out: TokenOutputs,
        spans: Sequence[tuple[int, int]],
        decoding: Decoding,
    ) -> np.ndarray:
        """The span classifier's probabilities, shape ``(len(spans), n_techniques)``."""
        logits = self.technique_logits(text, out, spans)
        if decoding.technique_bias:
            logits = logits + np.asarray(decoding.technique_bias, np.float32)
        return _softmax(logits)

    def technique_logits(
        self, text: str, out: TokenOutputs, spans: Sequence[tuple[int, int]]
    ) -> np.ndarray:
        """The span classifier's raw logits, shape ``(len(spans), n_techniques)``, no offsets."""
        if not spans:
            return np.zeros((0, len(self.config.techniques)), np.float32)
        features = np.stack(
            [
                np.concatenate(
                    [_span_features(out, start, end), surface_features(text, start, end)]
                )
                for start, end in spans
            ]
        )
        return np.asarray(features @ self._span_weight + self._span_bias, np.float32)

    def token_outputs(self, texts: Sequence[str], with_hidden: bool = False) -> list[TokenOutputs]:
        """Per-token probabilities (and hidden states) for each text."""
        for text in texts:
            if len(text) > self.max_chars:
                raise TextTooLongError(
                    f"text of {len(text):,} characters exceeds the limit of {self.max_chars:,}"
                )
            check_unicode(text, "text")
        tokenized = self.encoder.encode_batch(list(texts))
        plans = [
            plan_windows(len(t), self.config.window_tokens, self.config.stride) for t in tokenized
        ]
        jobs = [(i, w) for i, plan in enumerate(plans) for w in plan]
        jobs.sort(key=lambda job: job[1].end - job[1].start)
        n_channels = len(self.config.channels)
        logit_sums = [np.zeros((len(t), n_channels), np.float32) for t in tokenized]
        counts = [np.zeros((len(t), 1), np.float32) for t in tokenized]
        hidden_size = self._hidden_size
        hidden_sums = (
            [np.zeros((len(t), hidden_size), np.float32) for t in tokenized]
            if with_hidden
            else None
        )
        batches = [jobs[b : b + self.batch_size] for b in range(0, len(jobs), self.batch_size)]
        stop = stop_event()

        def run(batch: list[tuple[int, Window]]) -> list[np.ndarray]:
            raise_if_stopped(stop)
            rows = [self.encoder.window_ids(tokenized[i], w) for i, w in batch]
            ids, mask = pad_batch(rows, self.encoder.pad_id)
            return self._session.run(None, {"input_ids": ids, "attention_mask": mask})

        results_in_order = self._pool.map(run, batches) if self._pool else map(run, batches)
        for batch, (logits, hidden) in zip(batches, results_in_order, strict=True):
            for row, (i, window) in enumerate(batch):
                n = window.end - window.start
                weight = _edge_weights(window, len(tokenized[i]))
                logit_sums[i][window.start : window.end] += logits[row, 1 : n + 1] * weight
                counts[i][window.start : window.end] += weight
                if hidden_sums is not None:
                    hidden_sums[i][window.start : window.end] += hidden[row, 1 : n + 1] * weight
        results = []
        for i, tokens in enumerate(tokenized):
            denominator = np.maximum(counts[i], 1e-6)
            probabilities = 1.0 / (1.0 + np.exp(-logit_sums[i] / denominator))
            hidden_mean = hidden_sums[i] / denominator if hidden_sums is not None else None
            results.append(TokenOutputs(tokens, probabilities.astype(np.float32), hidden_mean))
        return results


def occurrence_ranks(keys: Sequence[Hashable]) -> list[int]:
    """For each key, how often it came before: a span given k times gets its k-th choice."""
    seen: Counter[Hashable] = Counter()
    ranks = []
    for key in keys:
        ranks.append(seen[key])
        seen[key] += 1
    return ranks


def _scored_ranges(
    text: str,
    out: TokenOutputs,
    scores: np.ndarray,
    core: float,
    extend: float,
    max_gap: int,
    breaks: np.ndarray,
) -> list[tuple[int, int, float]]:
    """``(start, end, peak score)`` of the runs of ``scores`` (see ``span_runs``), as whole
    words, leaving out stretches of function words alone."""
    ranges = []
    for first, stop in span_runs(scores, core, extend, max_gap, breaks):
        start, end = char_range(text, out.tokens, first, stop - 1)
        if start < end and has_content(text[start:end]):
            start, end = complete_phrase(text, start, end)
            ranges.append((start, end, float(np.clip(scores[first:stop].max(), 0.0, 1.0))))
    return ranges


def _edge_weights(window: Window, n_tokens: int) -> np.ndarray:
    """Down-weight tokens near a window's inner edges, where the model sees little context."""
    n = window.end - window.start
    position = np.arange(n, dtype=np.float32)
    weight = np.ones((n, 1), np.float32)
    ramp = 32.0
    if window.start > 0:
        weight[:, 0] *= np.minimum(1.0, (position + 1) / ramp)
    if window.end < n_tokens:
        weight[:, 0] *= np.minimum(1.0, (n - position) / ramp)
    return weight


def _span_features(out: TokenOutputs, start: int, end: int) -> np.ndarray:
    """Mean, first and last hidden state of the tokens overlapping ``[start, end)``."""
    assert out.hidden is not None
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


def _as_document(item: str | Document, index: int) -> Document:
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
