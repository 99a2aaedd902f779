"""Int8 weights whose matrix products come out the same on every x86 CPU (issues 14 and 18).

On x86 CPUs without VNNI, onnxruntime's fast int8 matrix product (``vpmaddubsw``) adds the
products of each pair of weight rows ``2i`` and ``2i + 1`` with their 8-bit activations
(0..255) in 16 bits, saturating at ±32,767; VNNI CPUs add them exactly. So the same model gave
logits up to 1.4 apart on the two kinds of CPU, and onnxruntime's exact but slower kernel
(``session.x64quantprecision``) only narrowed that. A pair cannot saturate when
``|w[2i] + w[2i+1]| <= 128`` in every column (255 x 128 = 32,640).

``bound_model`` brings the ~1 % of pairs over that bound onto it and spreads the error over the
rest of the column as GPTQ does (Frantar et al. 2022): rows are settled one at a time, those
with the most input energy first, and each row's rounding error is carried onto the rows not
yet settled through the inverse of the layer's input Gram matrix, gathered on calibration
windows. Clipped in place, the bound cost up to 0.024 in dev and test scores of the English
model; spread this way, under 0.008, and half the output error (docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from unspin.inference.windows import TextEncoder

PAIR_LIMIT = 128
"""The largest ``|w[2i] + w[2i+1]|`` whose products with activations up to 255 fit 16 bits."""
CALIBRATION_WINDOWS = 128
DAMPING = 0.01
"""Share of the mean diagonal added to a Gram matrix before it is inverted (GPTQ's)."""


@dataclass(frozen=True)
class IntegerProduct:
    """One ``MatMulInteger`` of a dynamically quantised graph: its int8 weight initializer and
    the float tensor its activations are quantised from."""

    weight: str
    activation: str


def within_bound(weights: np.ndarray) -> bool:
    """Whether every pair of rows of an int8 ``(K, N)`` weight matrix sums within the bound."""
    wide = weights.astype(np.int32)
    pairs = wide[0 : len(wide) - 1 : 2] + wide[1::2]
    return bool(np.all(np.abs(pairs) <= PAIR_LIMIT))


def bound_weights(weights: np.ndarray, gram: np.ndarray) -> np.ndarray:
    """``weights`` (int8, ``(K, N)``, one scale per column) with every row pair within the bound.

    ``gram``: ``X^T X`` of the layer's float inputs ``X`` (``(K, K)``). Rows are settled in
    order of input energy; a row whose partner is already settled takes what the bound leaves,
    one whose partner is not yet settled gives up half of the expected excess.
    """
    rows = weights.shape[0]
    order = np.argsort(-np.diag(gram), kind="stable")
    position = np.empty(rows, dtype=np.int64)
    position[order] = np.arange(rows)
    upper = _inverse_cholesky(gram[np.ix_(order, order)])
    target = weights.astype(np.float64)[order]
    settled = np.zeros_like(target)
    for i, row in enumerate(order):
        value = np.clip(np.round(target[i]), -127, 127)
        partner = position[row ^ 1] if (row ^ 1) < rows else None
        if partner is not None and partner < i:
            value = np.clip(value, -PAIR_LIMIT - settled[partner], PAIR_LIMIT - settled[partner])
        elif partner is not None:
            total = value + np.clip(np.round(target[partner]), -127, 127)
            value -= np.sign(total) * np.ceil(np.clip(np.abs(total) - PAIR_LIMIT, 0, None) / 2)
        settled[i] = value
        error = (target[i] - value) / upper[i, i]
        target[i + 1 :] -= np.outer(upper[i, i + 1 :], error)
    result = np.empty_like(settled)
    result[order] = settled
    return result.astype(np.int8)


def _inverse_cholesky(gram: np.ndarray) -> np.ndarray:
    """The upper Cholesky factor of the damped Gram matrix's inverse (GPTQ's ``Hinv``)."""
    damped = gram.astype(np.float64).copy()
    unused = np.diag(damped) == 0
    damped[unused, unused] = 1.0
    damped += DAMPING * np.mean(np.diag(damped)) * np.eye(len(damped))
    factor: np.ndarray = np.linalg.cholesky(np.linalg.inv(damped)).T
    return factor


def integer_products(graph: Any) -> list[IntegerProduct]:
    """The ``MatMulInteger`` nodes of an ONNX graph with int8 weight initializers."""
    weights = {i.name for i in graph.initializer}
    producers = {output: node for node in graph.node for output in node.output}
    found = []
    for node in graph.node:
        if node.op_type != "MatMulInteger" or node.input[1] not in weights:
            continue
        quantise = producers.get(node.input[0])
        if quantise is None or quantise.op_type != "DynamicQuantizeLinear":
            raise ValueError(f"{node.name}: activations not quantised by DynamicQuantizeLinear")
        found.append(IntegerProduct(node.input[1], quantise.input[0]))
    return found


def calibration_windows(
    encoder: TextEncoder, texts: Iterable[str], size: int, count: int = CALIBRATION_WINDOWS
) -> list[np.ndarray]:
    """Up to ``count`` model windows of ``size`` content tokens, drawn (seeded) from ``texts``
    cut into windows that do not overlap."""
    rows = [row for text in texts for row in encoder.tiled_ids(encoder.encode(text), size)]
    chosen = np.random.default_rng(0).permutation(len(rows))[:count]
    return [rows[i][None, :] for i in sorted(chosen)]


def input_grams(
    model: Any, products: Sequence[IntegerProduct], windows: Iterable[np.ndarray]
) -> dict[str, np.ndarray]:
    """``X^T X`` of each product's float input over ``windows`` (one row each), by tensor name."""
    import onnx
    import onnxruntime as ort

    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    names = sorted({p.activation for p in products})
    for name in names:
        probe.graph.output.append(
            onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None)
        )
    session = ort.InferenceSession(probe.SerializeToString(), providers=["CPUExecutionProvider"])
    outputs = [o.name for o in session.get_outputs()]
    grams: dict[str, np.ndarray] = {}
    for ids in windows:
        values = session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})
        for name, value in zip(outputs, values, strict=True):
            if name in names:
                rows = value.reshape(-1, value.shape[-1]).astype(np.float64)
                grams[name] = grams.get(name, 0.0) + rows.T @ rows
    return grams


def bound_model(source: Path, target: Path, windows: Sequence[np.ndarray]) -> int:
    """Write ``target``: the int8 graph ``source`` with every ``MatMulInteger``'s weights within
    the bound (``bound_weights``, calibrated on ``windows``); returns how many weights changed."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(source))
    products = integer_products(model.graph)
    grams = input_grams(model, products, windows)
    initializers = {i.name: i for i in model.graph.initializer}
    changed = 0
    for product in products:
        initializer = initializers[product.weight]
        weights = numpy_helper.to_array(initializer)
        bounded = bound_weights(weights, grams[product.activation])
        changed += int(np.count_nonzero(bounded != weights))
        initializer.CopyFrom(numpy_helper.from_array(bounded, product.weight))
    onnx.save(model, str(target))
    return changed


def integer_weights(path: Path) -> list[np.ndarray]:
    """The int8 weights of every ``MatMulInteger`` in the ONNX file at ``path``, in graph order."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(path)).graph
    initializers = {i.name: i for i in graph.initializer}
    return [numpy_helper.to_array(initializers[p.weight]) for p in integer_products(graph)]


def model_within_bound(path: Path) -> bool:
    """Whether every ``MatMulInteger`` weight matrix of the ONNX file at ``path`` is within the
    bound: what a model folder's ``saturation_free`` claims."""
    return all(within_bound(weights) for weights in integer_weights(path))


def make_saturation_free(folder: Path, texts: Iterable[str]) -> int:
    """Bound the int8 ``model.onnx`` of the model folder ``folder`` in place, calibrated on
    ``texts`` (training texts), and mark the folder ``saturation_free``; returns how many
    weights changed."""
    from unspin.inference.model_folder import ModelConfig

    config = ModelConfig.load(folder)
    encoder = TextEncoder.from_file(folder / config.tokenizer_file)
    windows = calibration_windows(encoder, texts, config.window_tokens)
    path = folder / config.onnx_file
    changed = bound_model(path, path, windows)
    config.saturation_free = True
    config.save(folder)
    return changed
