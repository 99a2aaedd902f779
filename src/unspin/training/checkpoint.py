"""Checkpoints: where a run stands after each epoch, so ``unspin train --resume`` goes on from it.

The file format is fixed: a ``torch.save`` dict with the keys ``config`` (the resumable
settings), ``progress`` (the fields of ``Progress``), ``model``, ``optimizer``, ``scheduler``
(state dicts), ``batch_rng``, ``python_rng``, ``numpy_rng`` and ``torch_rng``. A run started by
an older unspin resumes with a newer one, so change it only by adding keys with defaults.
"""

from __future__ import annotations

import os
import random
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import torch

from unspin.errors import UnspinError
from unspin.training.model import SpanTagger

CHECKPOINT_FILE = "checkpoint.pt"
"""Written after every epoch while a run is under way (``--resume`` goes on from it); removed
when the model folder is finished."""
NOT_RESUMABLE = ("output", "threads")
"""Settings a resumed run may change."""


class ResumeError(UnspinError, ValueError):
    """A run cannot be resumed from the checkpoint in its output folder."""


@dataclass
class Progress:
    """Where a run stands after an epoch: everything a resumed run needs besides the
    optimiser, the scheduler and the random generators."""

    epoch: int = 0
    step: int = 0
    seconds: float = 0.0
    history: list[dict[str, Any]] = field(default_factory=list)
    best_score: float = -1.0
    best_state: dict[str, torch.Tensor] | None = None
    tail: list[dict[str, torch.Tensor]] = field(default_factory=list)


@dataclass
class Optimisation:
    """The parts of a run that change with every step: weights, optimiser, schedule and the
    generator that shuffles batches."""

    model: SpanTagger
    optimizer: torch.optim.Optimizer
    scheduler: torch.optim.lr_scheduler.LRScheduler
    rng: random.Random
    total_steps: int


RunConfig = Any
"""The dataclass of a run's settings: ``TrainConfig``, or the multilingual run's config."""


def resumable_config(config: RunConfig) -> dict[str, Any]:
    """The settings a resumed run must share with the interrupted one."""
    return {k: v for k, v in asdict(config).items() if k not in NOT_RESUMABLE}


def _defaults(config: RunConfig) -> dict[str, Any]:
    """The settings of ``config``'s class that have a default value."""
    found = {}
    for item in fields(config):
        if item.default is not MISSING:
            found[item.name] = item.default
        elif item.default_factory is not MISSING:
            found[item.name] = item.default_factory()
    return {k: v for k, v in found.items() if k not in NOT_RESUMABLE}


def save_checkpoint(path: Path, config: RunConfig, progress: Progress, parts: Optimisation) -> None:
    """Write the checkpoint atomically (a crash while writing leaves the previous one)."""
    numpy_state: tuple[Any, ...] = np.random.get_state(legacy=True)  # type: ignore[assignment]
    payload = {
        "config": resumable_config(config),
        "progress": progress.__dict__,
        "model": parts.model.state_dict(),
        "optimizer": parts.optimizer.state_dict(),
        "scheduler": parts.scheduler.state_dict(),
        "batch_rng": parts.rng.getstate(),
        "python_rng": random.getstate(),
        "numpy_rng": [numpy_state[0], numpy_state[1].tolist(), *numpy_state[2:]],
        "torch_rng": torch.get_rng_state(),
    }
    partial = path.with_name(path.name + ".partial")
    torch.save(payload, partial)
    os.replace(partial, path)


def load_checkpoint(path: Path, config: RunConfig, parts: Optimisation) -> Progress:
    """Restore ``parts`` and the global random generators from ``path``; returns the progress.

    Refuses a checkpoint written with other settings; a setting newer than the checkpoint
    counts as its default.
    """
    if not path.is_file():
        raise ResumeError(f"no checkpoint to resume from in {path.parent}")
    try:
        payload = torch.load(path, weights_only=True)
    except Exception as error:
        raise ResumeError(f"{path} is not a readable checkpoint: {error}") from None
    wanted = resumable_config(config)
    saved = {**_defaults(config), **payload["config"]}
    changed = sorted(k for k in wanted.keys() | saved.keys() if saved.get(k) != wanted.get(k))
    if changed:
        raise ResumeError(
            f"{path} was written with other settings ({', '.join(changed)}); "
            "resume with the settings of the interrupted run, or start afresh without --resume"
        )
    parts.model.load_state_dict(payload["model"])
    parts.optimizer.load_state_dict(payload["optimizer"])
    parts.scheduler.load_state_dict(payload["scheduler"])
    parts.rng.setstate(_as_tuples(payload["batch_rng"]))
    random.setstate(_as_tuples(payload["python_rng"]))
    kind, keys, *rest = payload["numpy_rng"]
    np.random.set_state((kind, np.asarray(keys, np.uint32), *rest))
    torch.set_rng_state(payload["torch_rng"])
    return Progress(**payload["progress"])


def _as_tuples(value: Any) -> Any:
    """``random.setstate`` wants the nested tuples ``getstate`` gave, whatever came back."""
    return tuple(_as_tuples(v) for v in value) if isinstance(value, list | tuple) else value
