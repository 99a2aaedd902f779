"""The 6-layer English model package (the default until 2.0.0, and its teacher): found by name,
used only when named, deeper than the default with the same labels, the same outputs on every
x86 CPU, and it finds what any reader sees. Skipped only while the repository ships no trained
6-layer model."""

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

PACKAGE = Path(__file__).resolve().parents[2] / "models" / "unspin-minilm-l6-ptc"
MODEL = PACKAGE / "unspin_minilm_l6_ptc" / "model"
SHIPPED = (MODEL / CONFIG_FILE).is_file()
pytestmark = pytest.mark.skipif(not SHIPPED, reason="no trained 6-layer model shipped yet")

TEXT = "These corrupt, lying traitors in Washington are destroying our great nation."


def test_the_package_is_found_by_name_but_english_still_goes_to_the_default() -> None:
    folder = resolve_model_dir("l6")
    assert folder == MODEL
    assert resolve_model_dir("unspin-minilm-l6-ptc") == folder
    assert folder in installed_models()
    assert Router().model_for(TEXT) == DEFAULT_MODEL_DIR
    assert Router().named("l6").model_for(TEXT) == folder


def test_it_has_more_layers_than_the_default_and_the_same_labels() -> None:
    onnx = pytest.importorskip("onnx")

    def layers(folder: Path) -> set[str]:
        graph = onnx.load(str(folder / ModelConfig.load(folder).onnx_file)).graph
        return {part for node in graph.node for part in node.name.split("/") if "layer." in part}

    assert layers(MODEL) == {f"layer.{i}" for i in range(6)}
    assert layers(DEFAULT_MODEL_DIR) == {f"layer.{i}" for i in range(4)}
    deep, default = ModelConfig.load(MODEL), ModelConfig.load(DEFAULT_MODEL_DIR)
    assert (deep.channels, deep.techniques) == (default.channels, default.techniques)


def test_it_computes_the_same_on_every_x86_cpu() -> None:
    onnx = pytest.importorskip("onnx")
    from unspin.training.exact_int8 import model_within_bound

    config = ModelConfig.load(MODEL)
    path = MODEL / config.onnx_file
    assert config.saturation_free and model_within_bound(path)
    assert "Softmax" not in {node.op_type for node in onnx.load(str(path)).graph.node}


def test_obvious_name_calling_is_found() -> None:
    analysis = Analyzer("l6").analyze(TEXT)
    assert analysis.model.name == "unspin-minilm-l6-ptc"
    traitors = TEXT.index("traitors")
    found = {(s.technique, s.text_in(TEXT)) for s in analysis.spans}
    assert any(
        s.technique in ("Name_Calling,Labeling", "Loaded_Language") and s.start <= traitors < s.end
        for s in analysis.spans
    ), found
