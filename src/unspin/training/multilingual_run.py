"""One multilingual training run: the loop, its checkpoints, scoring per language, export."""

from __future__ import annotations

import json
import random
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from unspin.inference.analyzer import Analyzer
from unspin.inference.windows import TextEncoder
from unspin.metrics import araieval_score, flc_score, si_score
from unspin.schema import Span
from unspin.taxonomy import PTC_TECHNIQUES, coarse
from unspin.training.checkpoint import (
    CHECKPOINT_FILE,
    Optimisation,
    Progress,
    ResumeError,
    load_checkpoint,
    save_checkpoint,
)
from unspin.training.evaluate import tune_channel_thresholds
from unspin.training.export import export_onnx
from unspin.training.folder import write_span_head
from unspin.training.model import SpanTagger
from unspin.training.multilingual import (
    Log,
    MultilingualConfig,
    Pairs,
    analyzer_for,
    arabic_split,
    batch_loss,
    build_examples,
    cached_bottom_states,
    channel_weights,
    default_techniques,
    english_split,
    frozen_bottom,
    positive_weights,
    prepare_folder,
    shuffled_batches,
)
from unspin.training.multilingual_card import write_multilingual_card
from unspin.training.weak import WeakExample


def score_arabic(analyzer: Analyzer, pairs: Pairs) -> dict[str, Any]:
    """ArAIEval-2024 micro-F1 of the analyzer's spans: all items, tweets and paragraphs apart."""
    predicted = {
        document.id: analyzer.decode(document.text, out)
        for (document, _), out in zip(
            pairs, analyzer.iter_token_outputs([d.text for d, _ in pairs]), strict=True
        )
    }
    result: dict[str, Any] = {}
    for kind in ("all", "tweet", "paragraph"):
        chosen = [(d, s) for d, s in pairs if kind == "all" or d.metadata.get("type") == kind]
        gold = {d.id: s for d, s in chosen}
        score = araieval_score(gold, {i: predicted[i] for i in gold})
        counts = score.micro.to_dict()
        result[kind] = {"items": len(chosen), **{k: round(v, 4) for k, v in counts.items()}}
        if kind == "all":
            result["per_technique"] = {
                t: round(s.f1, 4) for t, s in sorted(score.per_technique.items())
            }
    return result


def score_english(analyzer: Analyzer, pairs: Pairs) -> dict[str, Any]:
    """SI and FLC on PTC articles, each predicted technique named by its PTC technique
    (techniques outside PTC's 14 are left out)."""
    ptc = {t.name for t in PTC_TECHNIQUES}
    gold = {d.id: s for d, s in pairs}
    predicted: dict[str, list[Span]] = {}
    outputs = analyzer.iter_token_outputs([d.text for d, _ in pairs])
    for (document, _), out in zip(pairs, outputs, strict=True):
        spans = [
            replace(s, technique=coarse(s.technique)) for s in analyzer.decode(document.text, out)
        ]
        predicted[document.id] = [s for s in spans if s.technique in ptc]
    flc = flc_score(gold, predicted)
    return {
        "articles": len(pairs),
        "si_f1": round(si_score(gold, predicted).f1, 4),
        "flc_f1": round(flc.micro.f1, 4),
        "flc_per_technique": {t: round(s.f1, 4) for t, s in sorted(flc.per_technique.items())},
    }


def train_multilingual(config: MultilingualConfig, log: Log = print, resume: bool = False) -> Path:
    """Run one fold's training end to end; returns the model folder."""
    started = time.time()
    random.seed(config.seed)
    np.random.seed(config.seed)
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    output = Path(config.output)
    techniques = default_techniques()
    encoder = TextEncoder.from_file(Path(config.encoder) / "tokenizer.json")
    arabic, english_test, examples = build_examples(config, encoder, techniques, log)
    prepare_folder(output, config, techniques)
    model = SpanTagger.from_pretrained(Path(config.encoder), len(techniques) + 1, len(techniques))
    frozen_bottom(model, config.freeze_layers)
    states = cached_bottom_states(model, examples, config, encoder.pad_id, log)
    pos_weight = positive_weights(examples, config.max_pos_weight)
    weights = channel_weights(len(techniques) + 1, config.propaganda_loss_share)
    parts = _optimisation(model, config, [len(e.input_ids) for e in examples])
    checkpoint = output / CHECKPOINT_FILE
    progress = Progress()
    if resume:
        progress = load_checkpoint(checkpoint, config, parts)
        log(f"resuming after epoch {progress.epoch}")
    for epoch in range(progress.epoch + 1, config.epochs + 1):
        losses = _epoch(parts, examples, states, config, pos_weight, weights, log, epoch)
        model.eval()
        analyzer = analyzer_for(model, output)
        analyzer.config.decoding = tune_channel_thresholds(analyzer, arabic.dev)
        dev = score_arabic(analyzer, arabic.dev)
        progress.history.append({"epoch": epoch, "loss": float(np.mean(losses)), "dev": dev["all"]})
        log(f"epoch {epoch}: dev {json.dumps(dev['all'])}")
        if dev["all"]["f1"] > progress.best_score:
            progress.best_score = dev["all"]["f1"]
            progress.best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        progress.epoch, progress.step = epoch, progress.step + len(losses)
        progress.seconds += time.time() - started
        started = time.time()
        save_checkpoint(checkpoint, config, progress, parts)
    if progress.best_state is not None:
        model.load_state_dict(progress.best_state)
    model.eval()
    finish(model, output, config, arabic.dev, arabic.test, english_test, progress, log)
    checkpoint.unlink(missing_ok=True)
    return output


def finish_from_checkpoint(config: MultilingualConfig, log: Log = print) -> Path:
    """Export and score the best weights a fold's checkpoint holds so far, before its last
    epoch: for a run that cannot go on (the checkpoint stays, so it still can resume)."""
    output = Path(config.output)
    path = output / CHECKPOINT_FILE
    if not path.is_file():
        raise ResumeError(f"no checkpoint to finish from in {output}")
    payload = torch.load(path, weights_only=False)
    progress = Progress(**payload["progress"])
    techniques = default_techniques()
    model = SpanTagger.from_pretrained(Path(config.encoder), len(techniques) + 1, len(techniques))
    model.load_state_dict(progress.best_state or payload["model"])
    model.eval()
    prepare_folder(output, config, techniques)
    arabic = arabic_split(config)
    english_test = english_split(config)[1]
    log(f"finishing after epoch {progress.epoch} of {config.epochs}")
    progress.history.append({"finished_early_after_epoch": progress.epoch})
    finish(model, output, config, arabic.dev, arabic.test, english_test, progress, log)
    return output


def _epoch(
    parts: Optimisation,
    examples: list[WeakExample],
    states: list[np.ndarray],
    config: MultilingualConfig,
    pos_weight: torch.Tensor,
    weights: torch.Tensor,
    log: Log,
    epoch: int,
) -> list[float]:
    """One pass over the training windows; returns the batch losses."""
    model = parts.model
    model.train()
    trainable = [p for p in model.parameters() if p.requires_grad]
    lengths = [len(e.input_ids) for e in examples]
    batches = shuffled_batches(len(examples), lengths, config.batch_size, parts.rng)
    losses: list[float] = []
    for step, batch in enumerate(batches):
        chosen = [examples[i] for i in batch]
        loss = batch_loss(model, chosen, [states[i] for i in batch], config, pos_weight, weights)
        loss.backward()  # type: ignore[no-untyped-call]
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        parts.optimizer.step()
        parts.scheduler.step()
        parts.optimizer.zero_grad()
        losses.append(loss.item())
        if step % 20 == 0:
            log(f"epoch {epoch} step {step}/{len(batches)} loss {np.mean(losses[-20:]):.4f}")
    return losses


def _optimisation(
    model: SpanTagger, config: MultilingualConfig, lengths: list[int]
) -> Optimisation:
    """AdamW over the trainable (top) layers and the heads, linear warm-up and decay."""
    trainable = [p for p in model.parameters() if p.requires_grad]
    heads = {id(p) for p in [*model.token_head.parameters(), *model.span_head.parameters()]}
    optimizer = torch.optim.AdamW(
        [
            {"params": [p for p in trainable if id(p) not in heads], "lr": config.encoder_lr},
            {"params": [p for p in trainable if id(p) in heads], "lr": config.head_lr},
        ],
        weight_decay=0.01,
    )
    batches = shuffled_batches(len(lengths), lengths, config.batch_size, random.Random(0))
    total_steps = len(batches) * config.epochs
    warmup = max(1, total_steps // 16)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda s: min((s + 1) / warmup, max(0.0, (total_steps - s) / max(1, total_steps - warmup))),
    )
    return Optimisation(model, optimizer, scheduler, random.Random(config.seed), total_steps)


def finish(
    model: SpanTagger,
    output: Path,
    config: MultilingualConfig,
    dev: Pairs,
    test: Pairs,
    english_test: Pairs,
    progress: Progress,
    log: Log,
) -> None:
    """Export int8 ONNX, tune its decoding on the dev fold, score the test fold and English."""
    write_span_head(model, output)
    # Calibrated on the dev fold (the tuning data): the training items are not at hand here.
    export_onnx(model, output, quantize=True, log=log, calibration=[d.text for d, _ in dev])
    analyzer = Analyzer(output)
    analyzer.config.decoding = tune_channel_thresholds(analyzer, dev)
    metrics: dict[str, Any] = {
        "history": progress.history,
        "train_seconds": round(progress.seconds),
    }
    metrics["arabic_dev"] = score_arabic(analyzer, dev)
    if test:
        metrics["arabic_test"] = score_arabic(analyzer, test)
        log(f"Arabic test fold {config.fold}: {json.dumps(metrics['arabic_test']['all'])}")
    if english_test:
        metrics["english_test"] = score_english(analyzer, english_test)
        english = metrics["english_test"]
        log(f"English PTC test: SI F1 {english['si_f1']}, FLC F1 {english['flc_f1']}")
    analyzer.config.metrics = metrics
    analyzer.config.save(output)
    config.save(output)
    write_multilingual_card(output, config, metrics)
