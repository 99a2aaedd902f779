"""The training loop: optimiser and schedule, batches, the loss, and per-epoch dev scores."""

from __future__ import annotations

import json
import math
import random
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from unspin.inference.analyzer import Analyzer
from unspin.inference.windows import pad_batch
from unspin.schema import Document, Span
from unspin.training.checkpoint import CHECKPOINT_FILE, Optimisation, Progress, save_checkpoint
from unspin.training.config import Log, TrainConfig
from unspin.training.data import Example
from unspin.training.folder import write_span_head
from unspin.training.model import SpanTagger
from unspin.training.prepare import TrainingData, positive_weights


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def optimisation(config: TrainConfig, model: SpanTagger, n_examples: int) -> Optimisation:
    """AdamW (encoder and heads at their own rates) with linear warm-up and decay."""
    steps_per_epoch = math.ceil(n_examples / config.batch_size)
    total_steps = config.max_steps or steps_per_epoch * config.epochs
    optimizer = torch.optim.AdamW(
        [
            {"params": model.encoder.parameters(), "lr": config.encoder_lr},
            {
                "params": [*model.token_head.parameters(), *model.span_head.parameters()],
                "lr": config.head_lr,
            },
        ],
        weight_decay=config.weight_decay,
    )
    warmup = max(1, int(total_steps * config.warmup_share))
    decay_steps = max(1, total_steps - warmup)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda step: min((step + 1) / warmup, max(0.0, (total_steps - step) / decay_steps)),
    )
    return Optimisation(model, optimizer, scheduler, random.Random(config.run_seed), total_steps)


def run_epochs(
    config: TrainConfig,
    data: TrainingData,
    parts: Optimisation,
    progress: Progress,
    folder: Path,
    started: float,
    log: Log,
) -> Progress:
    """Train from ``progress`` to the last epoch, scoring dev and checkpointing after each.

    ``started``: when this session of the run began (``Progress.seconds`` adds it up over
    interruptions).
    """
    earlier_seconds = progress.seconds
    pos_weight = torch.from_numpy(positive_weights(data.examples, config.max_pos_weight))
    channel_weights = _channel_weights(len(data.channels), config.propaganda_loss_share)
    history, tail, step = progress.history, progress.tail, progress.step
    best_score, best_state = progress.best_score, progress.best_state
    for epoch in range(progress.epoch + 1, config.epochs + 1):
        if step >= parts.total_steps:
            break
        losses, step = _train_epoch(
            config, data, parts, epoch, step, (pos_weight, channel_weights), log
        )
        scores = dev_scores(parts.model, folder, data.split.dev, config)
        history.append({"epoch": epoch, "step": step, "loss": float(np.mean(losses)), **scores})
        state = {k: v.detach().clone() for k, v in parts.model.state_dict().items()}
        if _combined(scores) > best_score:
            best_score, best_state = _combined(scores), state
        if config.average_last:
            tail = [*tail, state][-config.average_last :]
        seconds = earlier_seconds + time.time() - started
        progress = Progress(epoch, step, seconds, history, best_score, best_state, tail)
        save_checkpoint(folder / CHECKPOINT_FILE, config, progress, parts)
        log(f"epoch {epoch}: {json.dumps(scores)}")
    return progress


def _train_epoch(
    config: TrainConfig,
    data: TrainingData,
    parts: Optimisation,
    epoch: int,
    step: int,
    weights: tuple[torch.Tensor, torch.Tensor],
    log: Log,
) -> tuple[list[float], int]:
    """One pass over the shuffled batches (or up to the step limit): the losses and the step
    reached. ``weights``: positive-token weights and channel weights of the token loss."""
    pos_weight, channel_weights = weights
    parts.model.train()
    losses = []
    for batch in _batches(data.examples, config.batch_size, parts.rng):
        loss = _loss(
            parts.model,
            batch,
            data.text_encoder.pad_id,
            pos_weight,
            channel_weights,
            (config.span_loss_weight, config.hidden_weight),
        )
        loss.backward()  # type: ignore[no-untyped-call]
        torch.nn.utils.clip_grad_norm_(parts.model.parameters(), 1.0)
        parts.optimizer.step()
        parts.scheduler.step()
        parts.optimizer.zero_grad()
        losses.append(loss.item())
        step += 1
        if step % 20 == 0:
            mean = np.mean(losses[-20:])
            log(f"epoch {epoch} step {step}/{parts.total_steps} loss {mean:.4f}")
        if step >= parts.total_steps:
            break
    return losses, step


def keep_best_weights(
    config: TrainConfig, data: TrainingData, model: SpanTagger, progress: Progress, log: Log
) -> None:
    """Load the best epoch's weights into ``model`` (or the mean of the last epochs', when
    they score higher on dev); the mean's scores join ``progress.history``. Without dev
    articles the last epoch's weights stay."""
    if not data.split.dev:
        model.eval()  # nothing to choose an epoch by: the last one's weights stay
        return
    best_state = progress.best_state
    if len(progress.tail) > 1:
        model.load_state_dict(average_states(progress.tail))
        scores = dev_scores(model, Path(config.output), data.split.dev, config)
        mean = f"mean of last {len(progress.tail)}"
        progress.history.append({"epoch": mean, "step": progress.step, **scores})
        log(f"mean of the last {len(progress.tail)} epochs: {json.dumps(scores)}")
        if _combined(scores) > progress.best_score:
            best_state = None
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()


def average_states(states: list[dict[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
    """The element-wise mean of model states; integer buffers come from the last state."""
    mean = {}
    for key, last in states[-1].items():
        if last.is_floating_point():
            mean[key] = torch.stack([state[key] for state in states]).mean(dim=0)
        else:
            mean[key] = last.clone()
    return mean


def dev_scores(
    model: SpanTagger, folder: Path, dev: list[tuple[Document, list[Span]]], config: TrainConfig
) -> dict[str, float]:
    """SI and FLC F1 on dev of the torch model, with decoding tuned on dev."""
    if not dev:
        return {"dev_si_f1": 0.0, "dev_flc_f1": 0.0}
    from unspin.training.evaluate import score_analyzer, tune_decoding

    model.eval()
    write_span_head(model, folder)
    analyzer = Analyzer(folder, runner=TorchRunner(model), batch_size=config.batch_size)
    analyzer.config.decoding = tune_decoding(analyzer, dev)
    overall = score_analyzer(analyzer, dev, tc=False).overall
    model.train()
    return {"dev_si_f1": overall.si_f1, "dev_flc_f1": overall.flc_f1}


def _combined(scores: dict[str, float]) -> float:
    """What picks the best epoch: dev SI F1 + FLC F1."""
    return scores["dev_si_f1"] + scores["dev_flc_f1"]


def _channel_weights(n_channels: int, propaganda_share: float | None) -> torch.Tensor:
    """Per-channel token-loss weights summing to 1; channel 0 is the technique-agnostic one."""
    if propaganda_share is None:
        return torch.full((n_channels,), 1.0 / n_channels)
    if not 0.0 < propaganda_share < 1.0 or n_channels < 2:
        raise ValueError("propaganda_loss_share must lie strictly between 0 and 1")
    weights = torch.full((n_channels,), (1.0 - propaganda_share) / (n_channels - 1))
    weights[0] = propaganda_share
    return weights


def _batches(examples: list[Example], size: int, rng: random.Random) -> list[list[Example]]:
    """Shuffled batches of similar-length windows (less padding, same data every epoch)."""
    order = examples[:]
    rng.shuffle(order)
    chunk = size * 50
    batches: list[list[Example]] = []
    for begin in range(0, len(order), chunk):
        part = sorted(order[begin : begin + chunk], key=lambda e: len(e.input_ids))
        batches.extend(part[i : i + size] for i in range(0, len(part), size))
    rng.shuffle(batches)
    return batches


def _loss(
    model: SpanTagger,
    batch: list[Example],
    pad_id: int,
    pos_weight: torch.Tensor,
    channel_weights: torch.Tensor,
    term_weights: tuple[float, float],
) -> torch.Tensor:
    """Weighted token BCE over the channels plus the span classifier's cross-entropy and the
    distance to a teacher's hidden states (``term_weights``: the weights of those two)."""
    span_weight, hidden_weight = term_weights
    ids, mask = pad_batch([e.input_ids for e in batch], pad_id)
    length = ids.shape[1]
    targets = np.zeros((len(batch), length, pos_weight.shape[0]), np.float32)
    token_mask = np.zeros((len(batch), length), np.float32)
    for row, example in enumerate(batch):
        n = example.token_targets.shape[0]
        targets[row, :n] = example.token_targets
        token_mask[row, 1 : n - 1] = 1.0
    logits, hidden = model(torch.from_numpy(ids), torch.from_numpy(mask))
    per_token = (
        F.binary_cross_entropy_with_logits(
            logits, torch.from_numpy(targets), pos_weight=pos_weight, reduction="none"
        )
        @ channel_weights
    )
    weights = torch.from_numpy(token_mask)
    loss = (per_token * weights).sum() / weights.sum().clamp(min=1.0)
    spans = [(row, a, b) for row, e in enumerate(batch) for a, b in e.span_tokens]
    if spans:
        span_targets = torch.from_numpy(np.concatenate([e.span_targets for e in batch]))
        surface = torch.from_numpy(np.concatenate([e.span_surface for e in batch]))
        log_probs = F.log_softmax(model.span_logits(hidden, spans, surface), dim=-1)
        loss = loss + span_weight * -(span_targets * log_probs).sum(dim=-1).mean()
    if hidden_weight:
        loss = loss + hidden_weight * hidden_loss(hidden, batch, weights)
    return loss


def hidden_loss(hidden: torch.Tensor, batch: list[Example], weights: torch.Tensor) -> torch.Tensor:
    """Mean over the tokens ``weights`` marks of the squared distance between the student's
    hidden states and the teacher's, relative to the teacher state's squared length."""
    targets = np.zeros(tuple(hidden.shape), np.float32)
    for row, example in enumerate(batch):
        if example.hidden_targets is None:
            raise ValueError("a training window has no teacher hidden states")
        targets[row, 1 : 1 + len(example.hidden_targets)] = example.hidden_targets
    teacher = torch.from_numpy(targets)
    error = ((hidden - teacher) ** 2).sum(dim=-1) / (teacher**2).sum(dim=-1).clamp(min=1e-6)
    return (error * weights).sum() / weights.sum().clamp(min=1.0)


class TorchRunner:
    """Lets the Analyzer run the torch model, so tuning uses the exact inference path."""

    def __init__(self, model: SpanTagger) -> None:
        self.model = model

    def run(self, output_names: None, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        with torch.inference_mode():
            logits, hidden = self.model(
                torch.from_numpy(feeds["input_ids"]), torch.from_numpy(feeds["attention_mask"])
            )
        return [logits.numpy(), hidden.numpy()]
