"""The training loop's pieces: loss weights per channel and the mean of model states."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

import torch

from unspin.training.loop import _channel_weights, average_states


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
