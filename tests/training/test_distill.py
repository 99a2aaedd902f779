"""Distillation: a teacher's token probabilities carried onto the student's tokens."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from click.testing import CliRunner

from unspin.cli.train import train_command
from unspin.inference.windows import TextEncoder
from unspin.training.config import default_encoder_path
from unspin.training.data import build_examples, default_techniques, load_ptc
from unspin.training.distill import on_student_tokens


def test_student_tokens_take_the_mean_over_their_characters() -> None:
    teacher_offsets = np.array([[0, 3], [4, 10]])
    teacher_probabilities = np.array([[1.0, 0.0], [0.0, 1.0]], np.float32)
    student_offsets = np.array([[0, 3], [4, 7], [7, 10], [2, 6]])
    carried = on_student_tokens(10, teacher_offsets, teacher_probabilities, student_offsets)
    assert carried.dtype == np.float32
    expected = [[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [0.25, 0.5]]  # 1 of 4 characters is a space
    assert np.allclose(carried, expected)


def test_soft_targets_are_blended_into_the_gold_labels(tiny_ptc: Path) -> None:
    encoder = TextEncoder.from_file(default_encoder_path() / "tokenizer.json")
    pairs = [p for p in load_ptc(tiny_ptc) if p[0].id == "1002"]
    techniques = default_techniques()
    tokens = encoder.encode(pairs[0][0].text)
    halves = [np.full((len(tokens), len(techniques) + 1), 0.5, np.float32)]
    (hard,) = build_examples(pairs, encoder, techniques, window_tokens=254, stride=192)
    (soft,) = build_examples(pairs, encoder, techniques, 254, 192, halves, soft_weight=0.5)
    body = slice(1, -1)
    assert np.allclose(soft.token_targets[body], 0.5 * hard.token_targets[body] + 0.25)
    assert soft.token_targets[0].sum() == 0 and soft.token_targets[-1].sum() == 0
    assert soft.span_tokens == hard.span_tokens, "the span classifier keeps the gold spans"


def test_teacher_hidden_states_follow_each_window_token(tiny_ptc: Path) -> None:
    encoder = TextEncoder.from_file(default_encoder_path() / "tokenizer.json")
    pairs = [p for p in load_ptc(tiny_ptc) if p[0].id == "1002"]
    tokens = encoder.encode(pairs[0][0].text)
    marks = tokens.ids % 2048  # exact in float16
    hidden = np.repeat(marks[:, None], 3, axis=1).astype(np.float16)  # row i: token i's mark
    examples = build_examples(pairs, encoder, default_techniques(), 10, 7, hidden_targets=[hidden])
    assert len(examples) > 2, "the text spans several windows"
    for example in examples:
        assert example.hidden_targets is not None
        assert np.array_equal(example.hidden_targets[:, 0], example.input_ids[1:-1] % 2048)
        assert np.shares_memory(example.hidden_targets, hidden), "a view, not a copy"
    assert build_examples(pairs, encoder, default_techniques(), 10, 7)[0].hidden_targets is None


def test_training_distils_from_a_teacher_of_the_same_split(tiny_ptc: Path, tmp_path: Path) -> None:
    small = ["--ptc", str(tiny_ptc), "--epochs", "1", "--max-steps", "2", "--max-length", "64"]
    teacher = tmp_path / "teacher"
    named = [*small, "-o", str(teacher), "--name", "tiny-teacher"]
    result = CliRunner().invoke(train_command, named)
    assert result.exit_code == 0, result.output

    student = tmp_path / "student"
    arguments = [*small, "-o", str(student), "--teacher", str(teacher), "--teacher-weight", "0.4"]
    result = CliRunner().invoke(train_command, [*arguments, "--hidden-weight", "0.5"])
    assert result.exit_code == 0, result.output
    assert f"teacher targets from {teacher} for " in result.output
    card = (student / "MODEL_CARD.md").read_text()
    assert "--teacher TEACHER --teacher-weight 0.4 --hidden-weight 0.5" in card
    assert "distilled from tiny-teacher" in card
    assert "hidden states pulled towards the teacher's (loss weight 0.5)" in card

    alone = [*small, "-o", str(tmp_path / "alone"), "--hidden-weight", "1"]
    refused = CliRunner().invoke(train_command, alone)
    assert refused.exit_code == 1
    assert "--hidden-weight needs a --teacher" in refused.output

    refused = CliRunner().invoke(train_command, [*arguments, "--seed", "7"])
    assert refused.exit_code == 1
    assert "trained on another split" in refused.output and "seed" in refused.output
    assert "Traceback" not in refused.output

    not_a_model = tmp_path / "empty"
    not_a_model.mkdir()
    arguments = [*small, "-o", str(tmp_path / "other"), "--teacher", str(not_a_model)]
    refused = CliRunner().invoke(train_command, arguments)
    assert refused.exit_code == 1
    assert "is not a model folder written by unspin train" in refused.output
