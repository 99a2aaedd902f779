"""Training data: corpora, the seeded article split, and model-ready window examples."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from unspin.errors import UnspinError
from unspin.formats.ptc import read_corpus
from unspin.inference.span_features import N_SURFACE_FEATURES, surface_features
from unspin.inference.windows import TextEncoder, TokenizedText, Window, plan_windows
from unspin.schema import Document, Span
from unspin.taxonomy import technique_names


class DataError(UnspinError, ValueError):
    """Training data that cannot be used as given (no documents, an id twice, ...)."""


WindowPlan = Callable[[str, TokenizedText], list[Window]]
"""Cuts a text (tokenised) into model windows."""


@dataclass
class Split:
    """A seeded split of labelled documents by article: train, dev (tuning) and test (reporting)."""

    train: list[tuple[Document, list[Span]]]
    dev: list[tuple[Document, list[Span]]]
    test: list[tuple[Document, list[Span]]]


@dataclass(frozen=True)
class DataFacts:
    """What a model card states about the data a model was trained and scored on."""

    articles: int
    train_articles: int
    dev_articles: int
    test_articles: int
    memes: int
    """SemEval-2021 memes added to the training articles."""
    spans_per_technique: dict[str, int]
    """Gold spans of each technique in the texts trained on (articles and memes)."""


def describe_data(split: Split, memes: list[tuple[Document, list[Span]]]) -> DataFacts:
    """Counts of articles, memes and training spans per technique."""
    counts: dict[str, int] = {}
    for _, spans in split.train + memes:
        for span in spans:
            counts[span.technique] = counts.get(span.technique, 0) + 1
    return DataFacts(
        articles=len(split.train) + len(split.dev) + len(split.test),
        train_articles=len(split.train),
        dev_articles=len(split.dev),
        test_articles=len(split.test),
        memes=len(memes),
        spans_per_technique=counts,
    )


def split_by_article(
    pairs: list[tuple[Document, list[Span]]], seed: int, dev_share: float, test_share: float
) -> Split:
    """Shuffle article ids with ``seed``; the first ``test_share`` is test, the next dev."""
    ordered = sorted(pairs, key=lambda pair: pair[0].id)
    random.Random(seed).shuffle(ordered)
    n_test = _share(len(ordered), test_share)
    n_dev = _share(len(ordered), dev_share)
    return Split(
        train=ordered[n_test + n_dev :],
        dev=ordered[n_test : n_test + n_dev],
        test=ordered[:n_test],
    )


def _share(total: int, share: float) -> int:
    """At least one article for a non-zero share of three or more articles."""
    wanted = round(total * share)
    return max(wanted, 1) if share > 0 and total >= 3 else wanted


def load_ptc(path: Path) -> list[tuple[Document, list[Span]]]:
    """PTC articles with their technique spans."""
    return read_corpus(path).pairs()


def load_annotated(
    path: Path, fmt: str | None, techniques: list[str], log: Callable[[str], None] = print
) -> list[tuple[Document, list[Span]]]:
    """Annotated documents in any format ``unspin convert`` reads (``fmt`` None: inferred from
    ``path``), technique names mapped onto the taxonomy (an unknown one is refused). Spans of
    techniques outside ``techniques`` are left out, and what was left out is logged."""
    from unspin.formats.annotated import map_to_taxonomy
    from unspin.formats.convert import read_annotations

    annotations = read_annotations(path, fmt)
    for note in annotations.notes:
        log(f"{path}: {note}")
    items = map_to_taxonomy(path, annotations.items)
    outside = Counter(s.technique for i in items for s in i.spans if s.technique not in techniques)
    if outside:
        left = ", ".join(f"{name} ({count})" for name, count in sorted(outside.items()))
        log(f"{path}: spans of techniques the model does not name, left out: {left}")
    return [(i.document, [s for s in i.spans if s.technique in techniques]) for i in items]


def load_semeval2021(
    folder: Path, techniques: list[str], files: list[str]
) -> list[tuple[Document, list[Span]]]:
    """SemEval-2021 Task 6 subtask-2 memes from ``files``, techniques mapped to unspin's.

    Spans of techniques outside ``techniques`` are dropped.
    """
    from unspin.formats.semeval2021 import read_task2

    pairs = []
    for name in files:
        path = folder / name
        if path.is_file():
            for document, spans in read_task2(path, map_techniques=True):
                kept = [s for s in spans if s.technique in techniques]
                pairs.append((Document(id=f"semeval2021-{document.id}", text=document.text), kept))
    return pairs


@dataclass
class Example:
    """One model window with its targets."""

    input_ids: np.ndarray  # (T,) with [CLS] and [SEP]
    token_targets: np.ndarray  # (T, n_channels) float32; rows of [CLS]/[SEP] are zero
    span_tokens: list[tuple[int, int]]  # inclusive token ranges of gold spans, window coordinates
    span_targets: np.ndarray  # (n_spans, n_techniques) float32, rows sum to 1
    span_surface: np.ndarray  # (n_spans, N_SURFACE_FEATURES) float32
    hidden_targets: np.ndarray | None = None  # (T - 2, H) float16: a teacher's, inner tokens


def build_examples(
    pairs: list[tuple[Document, list[Span]]],
    encoder: TextEncoder,
    techniques: list[str],
    window_tokens: int,
    stride: int,
    soft_targets: Sequence[np.ndarray] | None = None,
    soft_weight: float = 0.0,
    windows_of: WindowPlan | None = None,
    hidden_targets: Sequence[np.ndarray] | None = None,
) -> list[Example]:
    """Cut each document into windows and label every token with the techniques covering it.

    With ``soft_targets`` (a teacher's probabilities per token and channel, one array per
    document), a token's target is ``soft_weight`` of the teacher's and the rest the gold label.
    ``windows_of`` cuts a text (default: windows of ``window_tokens`` every ``stride`` tokens).
    ``hidden_targets`` (a teacher's hidden states per token, one array per document) go into
    each window's example as they are (a view, not a copy).
    """
    index = {t: i for i, t in enumerate(techniques)}
    examples = []
    for number, (document, spans) in enumerate(pairs):
        tokens = encoder.encode(document.text)
        if len(tokens) == 0:
            continue
        targets = np.zeros((len(tokens), len(techniques) + 1), np.float32)
        starts, ends = tokens.offsets[:, 0], tokens.offsets[:, 1]
        grouped: dict[tuple[int, int], set[str]] = {}
        for span in spans:
            if span.technique not in index:
                continue
            covered = (starts < span.end) & (ends > span.start)
            targets[covered, 0] = 1.0
            targets[covered, 1 + index[span.technique]] = 1.0
            grouped.setdefault((span.start, span.end), set()).add(span.technique)
        if soft_targets is not None:
            soft = soft_targets[number]
            targets = ((1.0 - soft_weight) * targets + soft_weight * soft).astype(np.float32)
        token_ranges = {key: np.flatnonzero((starts < key[1]) & (ends > key[0])) for key in grouped}
        plan = (
            windows_of(document.text, tokens)
            if windows_of
            else plan_windows(len(tokens), window_tokens, stride)
        )
        for window in plan:
            spans_in = _spans_in_window(document.text, window, grouped, token_ranges, index)
            body = framed(targets[window.start : window.end])
            hidden = hidden_targets[number][window.start : window.end] if hidden_targets else None
            ids = encoder.window_ids(tokens, window)
            examples.append(Example(ids, body, *spans_in, hidden_targets=hidden))
    return examples


def framed(body: np.ndarray) -> np.ndarray:
    """Per-token rows of a window with an all-zero row for its start and its end token."""
    rows = np.zeros((body.shape[0] + 2, body.shape[1]), body.dtype)
    rows[1:-1] = body
    return rows


def _spans_in_window(
    text: str,
    window: Window,
    grouped: dict[tuple[int, int], set[str]],
    token_ranges: dict[tuple[int, int], np.ndarray],
    index: dict[str, int],
) -> tuple[list[tuple[int, int]], np.ndarray, np.ndarray]:
    """The gold spans wholly inside ``window``: token ranges (window coordinates, after
    [CLS]), technique targets (shared equally where one stretch has several) and surface
    features."""
    span_tokens: list[tuple[int, int]] = []
    span_rows: list[np.ndarray] = []
    surface_rows: list[np.ndarray] = []
    for key, names in grouped.items():
        inside = token_ranges[key]
        if inside.size == 0 or inside[0] < window.start or inside[-1] >= window.end:
            continue
        span_tokens.append((int(inside[0] - window.start + 1), int(inside[-1] - window.start + 1)))
        row = np.zeros(len(index), np.float32)
        for name in names:
            row[index[name]] = 1.0 / len(names)
        span_rows.append(row)
        surface_rows.append(surface_features(text, *key))
    targets = np.stack(span_rows) if span_rows else np.zeros((0, len(index)), np.float32)
    surface = (
        np.stack(surface_rows) if surface_rows else np.zeros((0, N_SURFACE_FEATURES), np.float32)
    )
    return span_tokens, targets, surface


def default_techniques() -> list[str]:
    """The 14 PTC techniques, in taxonomy order."""
    return technique_names(ptc_only=True)
