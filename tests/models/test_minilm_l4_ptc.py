"""The lite English model package: found by name, used only when named, smaller than the
default, the same outputs on every x86 CPU, and it finds what any reader sees. Skipped only
while the repository ships no trained lite model."""

from __future__ import annotations

from pathlib import Path

import pytest

from unspin.inference import Analyzer
from unspin.inference.model_folder import (
    CONFIG_FILE,
    DEFAULT_MODEL_DIR,
    ModelConfig,
    installed_models,
    resolve_model_dir,
)
from unspin.inference.routing import Router

PACKAGE = Path(__file__).resolve().parents[2] / "models" / "unspin-minilm-l4-ptc"
MODEL = PACKAGE / "unspin_minilm_l4_ptc" / "model"
SHIPPED = (MODEL / CONFIG_FILE).is_file()
pytestmark = pytest.mark.skipif(not SHIPPED, reason="no trained lite model shipped yet")

TEXT = "These corrupt, lying traitors in Washington are destroying our great nation."


def test_the_package_is_found_by_name_but_english_still_goes_to_the_default() -> None:
    folder = resolve_model_dir("lite")
    assert folder == MODEL
    assert resolve_model_dir("unspin-minilm-l4-ptc") == folder
    assert folder in installed_models()
    assert Router().model_for(TEXT) == DEFAULT_MODEL_DIR
    assert Router().named("lite").model_for(TEXT) == folder


def test_it_has_fewer_layers_than_the_default_and_the_same_labels() -> None:
    onnx = pytest.importorskip("onnx")

    def layers(folder: Path) -> set[str]:
        graph = onnx.load(str(folder / ModelConfig.load(folder).onnx_file)).graph
        return {part for node in graph.node for part in node.name.split("/") if "layer." in part}

    assert layers(MODEL) == {f"layer.{i}" for i in range(4)}
    assert len(layers(DEFAULT_MODEL_DIR)) == 6
    lite, default = ModelConfig.load(MODEL), ModelConfig.load(DEFAULT_MODEL_DIR)
    assert (lite.channels, lite.techniques) == (default.channels, default.techniques)


def test_it_computes_the_same_on_every_x86_cpu() -> None:
    onnx = pytest.importorskip("onnx")
    from unspin.training.exact_int8 import model_within_bound

    config = ModelConfig.load(MODEL)
    path = MODEL / config.onnx_file
    assert config.saturation_free and model_within_bound(path)
    assert "Softmax" not in {node.op_type for node in onnx.load(str(path)).graph.node}


def test_obvious_name_calling_is_found() -> None:
    analysis = Analyzer("lite").analyze(TEXT)
    assert analysis.model.name == "unspin-minilm-l4-ptc"
    traitors = TEXT.index("traitors")
    found = {(s.technique, s.text_in(TEXT)) for s in analysis.spans}
    assert any(
        s.technique in ("Name_Calling,Labeling", "Loaded_Language") and s.start <= traitors < s.end
        for s in analysis.spans
    ), found
