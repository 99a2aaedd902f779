"""Fusing an exported encoder with onnxruntime's optimizer: same arithmetic, fewer operators."""

from __future__ import annotations

import collections
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("onnx")

import onnx
import onnxruntime as ort
import torch

from multilingual_fixtures import write_tiny_encoder
from unspin.training.export import export_fp32
from unspin.training.fuse import Quantisation, fuse_and_quantize, fuse_encoder
from unspin.training.model import SpanTagger

LAYERS = 3
IDS = np.array([[0, 7, 9, 11, 13, 2, 1, 1], [0, 12, 8, 2, 1, 1, 1, 1]], dtype=np.int64)
MASK = (IDS != 1).astype(np.int64)
"""Two right-padded rows (pad id 1), as the Analyzer and training batch windows."""


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuse")
    torch.manual_seed(0)
    model = SpanTagger.from_pretrained(write_tiny_encoder(root / "encoder"), 3, 2).eval()
    export_fp32(model, root / "model.fp32.onnx", portable=False)
    return root


def run(path: Path) -> list[np.ndarray]:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    outputs: list[np.ndarray] = session.run(None, {"input_ids": IDS, "attention_mask": MASK})
    return outputs


def operators(path: Path) -> collections.Counter[str]:
    return collections.Counter(node.op_type for node in onnx.load(str(path)).graph.node)


@pytest.mark.parametrize("embeddings", [False, True])
def test_every_layer_fuses_and_the_fused_graph_computes_the_same(
    exported: Path, embeddings: bool
) -> None:
    fused = exported / f"fused-{embeddings}.onnx"
    fp32 = exported / "model.fp32.onnx"
    counts = fuse_encoder(fp32, fused, num_heads=2, hidden_size=32, embeddings=embeddings)
    assert counts == {
        "Attention": LAYERS,
        "EmbedLayerNormalization": int(embeddings),
        "SkipLayerNormalization": 2 * LAYERS,
        "BiasGelu": LAYERS,
    }
    assert operators(fused)["Softmax"] == 0, "attention is one operator"
    real = MASK.astype(bool)
    for before, after in zip(run(fp32), run(fused), strict=True):
        np.testing.assert_allclose(after[real], before[real], atol=1e-4)


@pytest.mark.parametrize("scheme", [Quantisation(), Quantisation(signed=False, per_channel=False)])
def test_fused_int8_graph_quantises_attention_and_stays_close(
    exported: Path, scheme: Quantisation
) -> None:
    fp32 = exported / "model.fp32.onnx"
    target = exported / f"fused-{scheme.signed}-{scheme.per_channel}.onnx"
    fuse_and_quantize(fp32, target, num_heads=2, hidden_size=32, quantisation=scheme)
    found = operators(target)
    assert found["QAttention"] == LAYERS and found["Attention"] == 0
    graph = onnx.load(str(target)).graph
    weights = [i for i in graph.initializer if i.name.endswith("_quantized")]
    wanted = onnx.TensorProto.INT8 if scheme.signed else onnx.TensorProto.UINT8
    assert {w.data_type for w in weights if "embeddings" not in w.name} == {wanted}
    real = MASK.astype(bool)
    _, hidden = run(fp32)
    _, fused_hidden = run(target)
    correlation = np.corrcoef(fused_hidden[real].ravel(), hidden[real].ravel())[0, 1]
    assert correlation > 0.99, "int8 weights and activations: the same network up to rounding"
