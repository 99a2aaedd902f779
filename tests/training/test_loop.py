"""The training loop's pieces: loss weights per channel, the distance to a teacher's hidden
states and the mean of model states."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

import numpy as np
import torch

from unspin.training.data import Example
from unspin.training.loop import _channel_weights, average_states, hidden_loss


def test_channel_weights_give_the_any_technique_channel_its_share() -> None:
    equal = _channel_weights(5, None)
    assert torch.allclose(equal, torch.full((5,), 0.2))
    weighted = _channel_weights(5, 0.6)
    assert weighted[0].item() == pytest.approx(0.6)
    assert torch.allclose(weighted[1:], torch.full((4,), 0.1))
    assert weighted.sum().item() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="strictly between"):
        _channel_weights(5, 1.0)


def test_average_states_means_float_weights_and_keeps_integer_buffers() -> None:
    first = {"weight": torch.tensor([1.0, 3.0]), "position_ids": torch.tensor([0, 1])}
    second = {"weight": torch.tensor([3.0, 5.0]), "position_ids": torch.tensor([0, 1])}
    mean = average_states([first, second])
    assert torch.equal(mean["weight"], torch.tensor([2.0, 4.0]))
    assert mean["position_ids"].dtype == torch.int64
    assert torch.equal(mean["position_ids"], torch.tensor([0, 1]))
    assert torch.equal(first["weight"], torch.tensor([1.0, 3.0])), "inputs untouched"


def _window(teacher: np.ndarray) -> Example:
    """A training window whose inner tokens have the teacher hidden states ``teacher``."""
    n = teacher.shape[0] + 2
    empty = np.zeros((0, 1), np.float32)
    return Example(np.zeros(n, np.int64), np.zeros((n, 2), np.float32), [], empty, empty, teacher)


def test_hidden_loss_is_the_relative_squared_distance_on_inner_tokens() -> None:
    teacher = np.array([[1.0, 0.0], [0.0, 2.0]], np.float16)
    batch = [_window(teacher)]
    weights = torch.tensor([[0.0, 1.0, 1.0, 0.0]])
    student = torch.zeros((1, 4, 2))
    student[0, 1:3] = torch.from_numpy(teacher.astype(np.float32))
    assert hidden_loss(student, batch, weights).item() == 0.0
    student[0, 0] = 5.0  # [CLS] and [SEP] rows do not count
    student[0, 3] = 5.0
    assert hidden_loss(student, batch, weights).item() == 0.0
    student[0, 1:3] *= 2.0  # twice the teacher's length: relative distance 1 on each token
    assert hidden_loss(student, batch, weights).item() == pytest.approx(1.0)


def test_hidden_loss_pulls_the_student_towards_the_teacher() -> None:
    directions = np.random.default_rng(0).normal(size=(5, 4))
    teacher = (2.0 * directions / np.linalg.norm(directions, axis=1, keepdims=True)).astype(
        np.float16
    )  # every row of length 2
    weights = torch.tensor([[0.0] + [1.0] * 5 + [0.0]])
    student = torch.zeros((1, 7, 4), requires_grad=True)
    optimiser = torch.optim.SGD([student], lr=5.0)
    losses = []
    for _ in range(20):
        loss = hidden_loss(student, [_window(teacher)], weights)
        loss.backward()  # type: ignore[no-untyped-call]
        optimiser.step()
        optimiser.zero_grad()
        losses.append(loss.item())
    assert losses[0] == pytest.approx(1.0, abs=1e-3)
    assert losses[-1] < 0.01
    assert torch.allclose(student[0, 1:6], torch.from_numpy(teacher.astype(np.float32)), atol=0.1)
