"""Interrupted runs resume from their checkpoint, including checkpoints of older unspin code."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

import torch
from click.testing import CliRunner

from unspin.cli.train import train_command
from unspin.inference import Analyzer
from unspin.inference.model_folder import FP32_ONNX_FILE
from unspin.training.checkpoint import CHECKPOINT_FILE
from unspin.training.config import TrainConfig
from unspin.training.train import train

LAYOUT_OF_0_1 = {
    "config",
    "progress",
    "model",
    "optimizer",
    "scheduler",
    "batch_rng",
    "python_rng",
    "numpy_rng",
    "torch_rng",
}
"""The keys of a checkpoint written by unspin 0.1 (``train.py`` before it was split up); runs
started then, such as the mpnet teacher run, must resume with today's code."""
PROGRESS_OF_0_1 = {"epoch", "step", "seconds", "history", "best_score", "best_state", "tail"}
SETTINGS_OF_0_1 = {
    "ptc", "semeval2021", "encoder", "name", "version", "seed", "dev_share", "test_share",
    "max_length", "train_stride", "inference_stride", "epochs", "max_steps", "batch_size",
    "encoder_lr", "head_lr", "warmup_share", "weight_decay", "span_loss_weight",
    "propaganda_loss_share", "max_pos_weight", "teacher", "teacher_weight", "average_last",
    "quantize", "limit_articles", "extra",
}  # fmt: skip


def _rewrite_in_the_layout_of_0_1(path: Path) -> None:
    """Keep only what a checkpoint of unspin 0.1 held, as plain containers (what its
    ``torch.save`` wrote), so resuming proves that such a checkpoint still works."""
    payload = torch.load(path, weights_only=True)
    assert set(payload) >= LAYOUT_OF_0_1, "keys may be added, never removed or renamed"
    assert set(payload["progress"]) >= PROGRESS_OF_0_1
    assert set(payload["config"]) >= SETTINGS_OF_0_1
    old = {key: payload[key] for key in LAYOUT_OF_0_1}
    old["progress"] = {key: payload["progress"][key] for key in PROGRESS_OF_0_1}
    old["config"] = {key: payload["config"][key] for key in SETTINGS_OF_0_1}
    torch.save(old, path)


class _Interrupted(Exception):
    pass


def _stop_after_first_epoch(message: str) -> None:
    if message.startswith("epoch 1:"):
        raise _Interrupted


def _resumable_run(tiny_ptc: Path, output: Path) -> TrainConfig:
    return TrainConfig(
        ptc=str(tiny_ptc),
        output=str(output),
        epochs=2,
        batch_size=2,
        max_length=64,
        average_last=2,
        quantize=False,
    )


def test_a_resumed_run_ends_with_the_weights_of_an_uninterrupted_one(
    tiny_ptc: Path, tmp_path: Path
) -> None:
    straight = train(_resumable_run(tiny_ptc, tmp_path / "straight"), log=lambda _: None)
    interrupted = tmp_path / "interrupted"
    with pytest.raises(_Interrupted):
        train(_resumable_run(tiny_ptc, interrupted), log=_stop_after_first_epoch)
    assert (interrupted / CHECKPOINT_FILE).is_file()
    assert not (interrupted / FP32_ONNX_FILE).exists(), "the interrupted run exported nothing"
    _rewrite_in_the_layout_of_0_1(interrupted / CHECKPOINT_FILE)
    messages: list[str] = []
    resumed = train(_resumable_run(tiny_ptc, interrupted), log=messages.append, resume=True)
    assert "resuming after epoch 1 (step 1)" in messages, "2 windows, batch 2: a step an epoch"
    assert not (resumed / CHECKPOINT_FILE).exists(), "a finished folder keeps no checkpoint"

    for name in ("weight", "bias"):
        assert np.array_equal(
            np.load(straight / "span_head.npz")[name], np.load(resumed / "span_head.npz")[name]
        )
    text = "The radical mayor and his corrupt cronies are destroying everything we love."
    ours = Analyzer(resumed).token_outputs([text])[0].probabilities
    assert np.array_equal(Analyzer(straight).token_outputs([text])[0].probabilities, ours)
    histories = [
        json.loads((folder / "runs.jsonl").read_text().splitlines()[-1])["history"]
        for folder in (straight, resumed)
    ]
    assert histories[0] == histories[1]
    assert [entry["epoch"] for entry in histories[1]] == [1, 2, "mean of last 2"]


def test_resume_refuses_a_missing_checkpoint_or_other_settings_but_not_newer_ones(
    tiny_ptc: Path, tmp_path: Path
) -> None:
    output = tmp_path / "model"
    arguments = ["--ptc", str(tiny_ptc), "-o", str(output), "--max-length", "64", "--resume"]
    result = CliRunner().invoke(train_command, arguments)
    assert result.exit_code == 1
    assert "no checkpoint to resume from" in result.output
    assert "Traceback" not in result.output

    with pytest.raises(_Interrupted):
        train(_resumable_run(tiny_ptc, output), log=_stop_after_first_epoch)
    result = CliRunner().invoke(train_command, [*arguments, "--epochs", "2", "--seed", "7"])
    assert result.exit_code == 1
    assert "other settings" in result.output and "seed" in result.output
    assert (output / CHECKPOINT_FILE).is_file(), "a refused resume leaves the checkpoint alone"

    written_before_a_setting_existed = torch.load(output / CHECKPOINT_FILE, weights_only=True)
    del written_before_a_setting_existed["config"]["teacher_weight"]
    torch.save(written_before_a_setting_existed, output / CHECKPOINT_FILE)
    train(_resumable_run(tiny_ptc, output), log=lambda _: None, resume=True)
    assert not (output / CHECKPOINT_FILE).exists(), "a newer setting at its default resumes"
