"""The Analyzer: load a model once, then find technique spans in any number of texts."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from unspin.inference.decode import calibrate, decode_spans
from unspin.inference.model_folder import ModelConfig, resolve_model_dir
from unspin.inference.span_features import N_SURFACE_FEATURES, surface_features
from unspin.inference.windows import TextEncoder, TokenizedText, Window, pad_batch, plan_windows
from unspin.schema import Analysis, Document, ModelInfo, Span

DEFAULT_THRESHOLD = 0.5
MAX_TEXT_CHARS = 1_000_000


class Runner(Protocol):
    """Runs the encoder: ``run(None, {"input_ids", "attention_mask"}) -> [logits, hidden]``.

    An onnxruntime ``InferenceSession`` is one; training passes a torch-backed one.
    """

    def run(self, output_names: None, feeds: dict[str, np.ndarray]) -> list[np.ndarray]: ...


def _onnx_session(path: Path, threads: int | None) -> Runner:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or min(4, os.cpu_count() or 1)
    options.inter_op_num_threads = 1
    session: Runner = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return session


class TextTooLongError(ValueError):
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
        batch_size: int = 16,
        max_chars: int = MAX_TEXT_CHARS,
        runner: Runner | None = None,
    ) -> None:
        self.folder = resolve_model_dir(model)
        self.config = ModelConfig.load(self.folder)
        self.threshold = DEFAULT_THRESHOLD if threshold is None else threshold
        self.batch_size = batch_size
        self.max_chars = max_chars
        self.encoder = TextEncoder.from_file(self.folder / self.config.tokenizer_file)
        self._session = runner or _onnx_session(self.folder / self.config.onnx_file, threads)
        head = np.load(self.folder / self.config.span_head_file)
        self._span_weight = head["weight"].astype(np.float32)
        self._span_bias = head["bias"].astype(np.float32)
        self.reload_thresholds()
        self.info = ModelInfo(self.config.name, self.config.version)

    def reload_thresholds(self) -> None:
        """Re-read the per-channel thresholds from ``self.config`` (after tuning them)."""
        self._thresholds = np.asarray(
            [self.config.thresholds.get(c, 0.5) for c in self.config.channels], dtype=np.float32
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
        """Analyse many texts at once (windows of all texts share model batches)."""
        documents = [_as_document(item, index) for index, item in enumerate(items)]
        cut = self.threshold if threshold is None else threshold
        outputs = self.token_outputs([d.text for d in documents])
        channels = self.config.channels[1:]
        analyses = []
        for document, out in zip(documents, outputs, strict=True):
            scores = calibrate(out.probabilities, self._thresholds)[:, 1:]
            spans = decode_spans(document.text, out.tokens, scores, channels, cut)
            analyses.append(Analysis(document, spans, self.info))
        return analyses

    def propaganda_spans(self, text: str, threshold: float | None = None) -> list[Span]:
        """Spans of any technique from the model's technique-agnostic channel (SemEval SI)."""
        out = self.token_outputs([text])[0]
        scores = calibrate(out.probabilities, self._thresholds)[:, :1]
        cut = self.threshold if threshold is None else threshold
        return decode_spans(text, out.tokens, scores, self.config.channels[:1], cut)

    def classify_spans(self, text: str, spans: Sequence[tuple[int, int]]) -> list[Span]:
        """Name the most likely technique of each given ``(start, end)`` span of ``text``.

        Returns one Span per input, in order, scored with the classifier's probability. A span
        given k times (a span annotated with k techniques, as in SemEval templates) gets its k
        most likely techniques, one per occurrence.
        """
        seen: dict[tuple[int, int], int] = {}
        labelled = []
        for (start, end), ranked in zip(spans, self.rank_span_techniques(text, spans), strict=True):
            occurrence = seen.get((start, end), 0)
            seen[(start, end)] = occurrence + 1
            labelled.append(ranked[min(occurrence, len(ranked) - 1)])
        return labelled

    def rank_span_techniques(self, text: str, spans: Sequence[tuple[int, int]]) -> list[list[Span]]:
        """Every technique for each given span, most likely first."""
        if not spans:
            return []
        out = self.token_outputs([text], with_hidden=True)[0]
        assert out.hidden is not None
        features = np.stack(
            [
                np.concatenate(
                    [_span_features(out, start, end), surface_features(text, start, end)]
                )
                for start, end in spans
            ]
        )
        logits = features @ self._span_weight + self._span_bias
        probabilities = _softmax(logits)
        ranked = []
        for (start, end), row in zip(spans, probabilities, strict=True):
            order = np.argsort(-row)
            ranked.append(
                [Span(start, end, self.config.techniques[i], float(row[i])) for i in order]
            )
        return ranked

    def token_outputs(self, texts: Sequence[str], with_hidden: bool = False) -> list[TokenOutputs]:
        """Per-token probabilities (and hidden states) for each text."""
        for text in texts:
            if len(text) > self.max_chars:
                raise TextTooLongError(
                    f"text of {len(text):,} characters exceeds the limit of {self.max_chars:,}"
                )
        tokenized = self.encoder.encode_batch(list(texts))
        plans = [
            plan_windows(len(t), self.config.window_tokens, self.config.stride) for t in tokenized
        ]
        jobs = [(i, w) for i, plan in enumerate(plans) for w in plan]
        jobs.sort(key=lambda job: job[1].end - job[1].start)
        n_channels = len(self.config.channels)
        logit_sums = [np.zeros((len(t), n_channels), np.float32) for t in tokenized]
        counts = [np.zeros((len(t), 1), np.float32) for t in tokenized]
        hidden_size = (self._span_weight.shape[0] - N_SURFACE_FEATURES) // 3
        hidden_sums = (
            [np.zeros((len(t), hidden_size), np.float32) for t in tokenized]
            if with_hidden
            else None
        )
        for begin in range(0, len(jobs), self.batch_size):
            batch = jobs[begin : begin + self.batch_size]
            rows = [self.encoder.window_ids(tokenized[i], w) for i, w in batch]
            ids, mask = pad_batch(rows, self.encoder.pad_id)
            logits, hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask})
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
