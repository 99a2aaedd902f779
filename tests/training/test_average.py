"""``unspin average``: the weight average of two tiny trained models is a working model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("onnx")

import onnx
from click.testing import CliRunner
from onnx import numpy_helper

from training.conftest import write_tiny_ptc
from unspin.cli.average import average_command
from unspin.inference import Analyzer
from unspin.inference.model_folder import FP32_ONNX_FILE, ModelConfig, ModelError
from unspin.training.average import average_models
from unspin.training.config import TrainConfig
from unspin.training.train import train

TINY = {"epochs": 1, "max_steps": 2, "batch_size": 2, "max_length": 64, "dev_share": 0.25}


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("runs")
    tiny_ptc = write_tiny_ptc(root / "ptc")
    first = train(TrainConfig(ptc=str(tiny_ptc), output=str(root / "a"), **TINY), log=_quiet)
    second = train(
        TrainConfig(ptc=str(tiny_ptc), output=str(root / "b"), propaganda_loss_share=0.5, **TINY),
        log=_quiet,
    )
    return first, second


def _quiet(message: str) -> None:
    pass


def _weights(folder: Path) -> dict[str, np.ndarray]:
    graph = onnx.load(str(folder / FP32_ONNX_FILE)).graph
    return {t.name: numpy_helper.to_array(t) for t in graph.initializer if t.data_type == 1}


def test_average_is_the_mean_of_the_weights_and_a_working_model(
    two_runs: tuple[Path, Path], tmp_path: Path
) -> None:
    output = tmp_path / "soup"
    result = CliRunner().invoke(
        average_command, [*map(str, two_runs), "-o", str(output), "--version", "0.2.0-soup"]
    )
    assert result.exit_code == 0, result.output
    first, second, mean = (_weights(f) for f in (*two_runs, output))
    assert mean.keys() == first.keys()
    differing = [name for name in first if not np.array_equal(first[name], second[name])]
    assert differing, "the two runs were trained differently"
    for name in differing:
        np.testing.assert_allclose(mean[name], (first[name] + second[name]) / 2, atol=1e-6)

    config = ModelConfig.load(output)
    assert config.version == "0.2.0-soup" and "test" in config.metrics
    card = (output / "MODEL_CARD.md").read_text()
    assert "weight average (a model soup) of 2 runs" in card
    assert "--propaganda-loss-share 0.5" in card
    training = json.loads((output / "training_config.json").read_text())
    assert [run["propaganda_loss_share"] for run in training["extra"]["averaged"]] == [0.3, 0.5]
    text = "The radical mayor and his corrupt cronies are destroying everything we love."
    assert Analyzer(output).analyze(text, threshold=0.0).spans


def test_models_of_different_recipes_or_one_model_are_refused(
    two_runs: tuple[Path, Path], tmp_path: Path
) -> None:
    first, second = two_runs
    other = tmp_path / "other"
    other.mkdir()
    for file in first.iterdir():
        (other / file.name).write_bytes(file.read_bytes())
    settings = json.loads((other / "training_config.json").read_text())
    (other / "training_config.json").write_text(json.dumps({**settings, "seed": 99}))
    with pytest.raises(ModelError, match="data split"):
        average_models([first, other], tmp_path / "out")
    with pytest.raises(ModelError, match="at least two"):
        average_models([first], tmp_path / "out")
    with pytest.raises(ModelError, match="new folder"):
        average_models([first, second], second)
    (other / FP32_ONNX_FILE).unlink()
    with pytest.raises(ModelError, match=r"no model\.fp32\.onnx"):
        average_models([second, other], tmp_path / "out")
