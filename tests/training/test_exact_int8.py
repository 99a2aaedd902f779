"""Int8 weights that no x86 kernel saturates, and a Softmax computed the same everywhere."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("onnx")

import onnx
import onnxruntime as ort
import torch
from onnx import TensorProto, helper, numpy_helper

from multilingual_fixtures import write_tiny_encoder
from unspin.inference.model_folder import ModelConfig
from unspin.training.exact_int8 import PAIR_LIMIT, bound_weights, model_within_bound, within_bound
from unspin.training.export import export_fp32, export_onnx, portable_softmax
from unspin.training.model import SpanTagger

ROWS, COLUMNS = 64, 24


def heavy_weights(seed: int = 0) -> np.ndarray:
    """Per-column int8 weights with heavy tails, as trained layers have: many pairs over."""
    rng = np.random.default_rng(seed)
    values = rng.standard_t(3, size=(ROWS, COLUMNS))
    return np.round(values / np.abs(values).max(axis=0) * 127).astype(np.int8)


def correlated_inputs(seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    mixing = rng.normal(size=(ROWS, ROWS)) * 0.3 + np.eye(ROWS)
    inputs: np.ndarray = rng.normal(size=(2000, ROWS)) @ mixing
    return inputs


def clipped(weights: np.ndarray) -> np.ndarray:
    """The bound reached by clipping each pair over it, half of the excess from each weight."""
    wide = weights.astype(np.int32)
    first, second = wide[0::2], wide[1::2]
    total = first + second
    excess = np.clip(np.abs(total) - PAIR_LIMIT, 0, None) * np.sign(total)
    first -= excess // 2
    second -= excess - excess // 2
    return wide.astype(np.int8)


def test_bounded_weights_fit_and_lose_less_than_clipping() -> None:
    weights = heavy_weights()
    assert not within_bound(weights)
    inputs = correlated_inputs()
    bounded = bound_weights(weights, inputs.T @ inputs)
    assert within_bound(bounded) and within_bound(clipped(weights))
    assert np.abs(bounded.astype(np.int32)).max() <= 127

    def output_error(candidate: np.ndarray) -> float:
        difference = candidate.astype(np.float64) - weights.astype(np.float64)
        return float(np.mean((inputs @ difference) ** 2))

    assert output_error(bounded) < 0.5 * output_error(clipped(weights))


def test_weights_already_within_the_bound_stay_as_they_are() -> None:
    weights = (heavy_weights() // 2).astype(np.int8)
    inputs = correlated_inputs()
    assert within_bound(weights)
    np.testing.assert_array_equal(bound_weights(weights, inputs.T @ inputs), weights)


def integer_product(weights: np.ndarray, activations: np.ndarray) -> bytes:
    node = helper.make_node("MatMulInteger", ["A", "B"], ["Y"])
    graph = helper.make_graph(
        [node],
        "product",
        [helper.make_tensor_value_info("A", TensorProto.UINT8, list(activations.shape))],
        [helper.make_tensor_value_info("Y", TensorProto.INT32, None)],
        [numpy_helper.from_array(weights, "B")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 9
    return bytes(model.SerializeToString())


PRODUCT_SCRIPT = """
import sys, numpy as np, onnxruntime as ort
data = np.load(sys.argv[1])
session = ort.InferenceSession(open(sys.argv[2], "rb").read(), providers=["CPUExecutionProvider"])
print(int(np.abs(session.run(None, {"A": data["a"]})[0] - data["exact"]).max()))
"""


@pytest.mark.skipif(shutil.which("qemu-x86_64") is None, reason="needs qemu-user (x86-64)")
@pytest.mark.skipif(sys.platform != "linux", reason="qemu user mode runs on Linux")
@pytest.mark.parametrize("bounded", [False, True])
def test_an_avx2_cpu_computes_bounded_products_exactly(tmp_path: Path, bounded: bool) -> None:
    """On a CPU without VNNI (QEMU's Haswell), onnxruntime's int8 product saturates pairs of
    large products; with bounded weights it is exact, as on a VNNI CPU."""
    rng = np.random.default_rng(0)
    activations = rng.integers(200, 256, size=(8, ROWS)).astype(np.uint8)
    weights = heavy_weights()
    if bounded:
        inputs = correlated_inputs()
        weights = bound_weights(weights, inputs.T @ inputs)
    exact = activations.astype(np.int64) @ weights.astype(np.int64)
    np.savez(tmp_path / "data.npz", a=activations, exact=exact)
    (tmp_path / "model.onnx").write_bytes(integer_product(weights, activations))
    (tmp_path / "run.py").write_text(PRODUCT_SCRIPT)
    command = ["qemu-x86_64", "-cpu", "Haswell", sys.executable, str(tmp_path / "run.py")]
    command += [str(tmp_path / "data.npz"), str(tmp_path / "model.onnx")]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=True)
    largest_error = int(result.stdout.split()[-1])
    assert (largest_error == 0) == bounded


def test_portable_softmax_computes_what_softmax_computes(tmp_path: Path) -> None:
    torch.manual_seed(0)
    model = SpanTagger.from_pretrained(write_tiny_encoder(tmp_path / "encoder"), 3, 2).eval()
    whole, portable = tmp_path / "whole.onnx", tmp_path / "portable.onnx"
    export_fp32(model, whole, portable=False)
    shutil.copyfile(whole, portable)
    assert portable_softmax(portable) == 3, "one per layer"
    assert portable_softmax(portable) == 0, "nothing left to rewrite"
    operators = {node.op_type for node in onnx.load(str(portable)).graph.node}
    assert "Softmax" not in operators and "Exp" in operators
    ids = np.array([[0, 7, 9, 11, 2, 1], [0, 12, 2, 1, 1, 1]], dtype=np.int64)
    feeds = {"input_ids": ids, "attention_mask": (ids != 1).astype(np.int64)}
    for before, after in zip(run(whole, feeds), run(portable, feeds), strict=True):
        np.testing.assert_allclose(after, before, atol=1e-5)


def run(path: Path, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    outputs: list[np.ndarray] = session.run(None, feeds)
    return outputs


def test_export_with_calibration_texts_bounds_the_weights(tmp_path: Path) -> None:
    torch.manual_seed(0)
    encoder = write_tiny_encoder(tmp_path / "encoder")
    model = SpanTagger.from_pretrained(encoder, 3, 2).eval()
    folder = tmp_path / "model"
    folder.mkdir()
    shutil.copyfile(encoder / "tokenizer.json", folder / "tokenizer.json")
    ModelConfig("tiny", "0.1.0", ["propaganda", "A", "B"], ["A", "B"], max_length=16).save(folder)
    export_onnx(model, folder, log=lambda _: None)
    assert not ModelConfig.load(folder).saturation_free
    assert not model_within_bound(folder / "model.onnx")
    texts = ["traitors sold the country", "the council met on tuesday"] * 3
    export_onnx(model, folder, log=lambda _: None, calibration=texts)
    assert ModelConfig.load(folder).saturation_free
    assert model_within_bound(folder / "model.onnx")
