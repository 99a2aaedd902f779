"""Export a trained SpanTagger to ONNX, and quantise it to int8."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import torch

from unspin.inference.model_folder import FP32_ONNX_FILE, ONNX_FILE
from unspin.training.exact_int8 import make_saturation_free
from unspin.training.fuse import quantize_encoder
from unspin.training.model import ExportWrapper, SpanTagger


def export_onnx(
    model: SpanTagger,
    folder: Path,
    quantize: bool = True,
    log: Callable[[str], None] = print,
    calibration: Iterable[str] = (),
) -> Path:
    """Write ``model.onnx`` (int8 weights when ``quantize``) and ``model.fp32.onnx`` to ``folder``.

    The graph takes ``input_ids`` and ``attention_mask`` (int64, batch x tokens) and returns
    token ``logits`` and ``hidden`` states. With ``calibration`` texts (and ``quantize``), the
    int8 weights are bounded so that they give the same outputs on every x86 CPU
    (``exact_int8``; the folder's config must exist).
    """
    export_fp32(model, folder / FP32_ONNX_FILE)
    return write_model_onnx(folder, quantize, log, calibration)


def write_model_onnx(
    folder: Path,
    quantize: bool = True,
    log: Callable[[str], None] = print,
    calibration: Iterable[str] = (),
) -> Path:
    """Write ``folder``'s ``model.onnx`` from its ``model.fp32.onnx``: int8 weights when
    ``quantize`` (bounded for every x86 CPU with ``calibration`` texts; see ``export_onnx``),
    else a copy."""
    fp32 = folder / FP32_ONNX_FILE
    target = folder / ONNX_FILE
    if quantize:
        quantize_encoder(fp32, target)
        log(f"exported {fp32.name} ({_mb(fp32)} MB) and int8 {target.name} ({_mb(target)} MB)")
        texts = list(calibration)
        if texts:
            changed = make_saturation_free(folder, texts)
            log(f"int8 weights bounded for every x86 CPU ({changed} weights moved)")
    else:
        target.write_bytes(fp32.read_bytes())
        log(f"exported {target.name} ({_mb(target)} MB, fp32)")
    return target


def rebuild_fp32(
    folder: Path, encoder: Path, target: Path, portable: bool = True
) -> tuple[int, int]:
    """Write the float graph of the int8 model folder ``folder`` to ``target``: its weights
    dequantised (``(q - zero_point) * scale``) into the torch encoder ``encoder`` and exported
    again (``export_fp32``). Returns the encoder's number of attention heads and hidden size."""
    from unspin.inference.model_folder import ModelConfig
    from unspin.training.warm_start import load_folder_weights

    config = ModelConfig.load(folder)
    model = SpanTagger.from_pretrained(encoder, len(config.channels), len(config.techniques))
    load_folder_weights(model, folder, config.channels)
    export_fp32(model, target, portable)
    settings: Any = model.encoder.config
    return int(settings.num_attention_heads), int(settings.hidden_size)


def export_fp32(model: SpanTagger, fp32: Path, portable: bool = True) -> None:
    """Write the float ONNX graph of ``model`` to ``fp32``, its attention exported as eager
    attention: the same arithmetic as torch's ``scaled_dot_product_attention``, whose export
    adds a NaN check over every layer's attention weights; the int8 model of the eager graph
    runs 15-18% more tokens per CPU-second (docs/benchmarks.md, issue 18).

    ``portable``: every ``Softmax`` spelled out in plain operators (``portable_softmax``), so
    that the graph computes the same on every x86 CPU; without it, the graph is the form
    onnxruntime's attention fusion recognises (``fuse.py``).
    """
    encoder: Any = model.encoder
    before = encoder.config._attn_implementation
    encoder.set_attn_implementation("eager")
    try:
        _export(model, fp32)
    finally:
        encoder.set_attn_implementation(before)
    if portable:
        portable_softmax(fp32)


def portable_softmax(path: Path) -> int:
    """Rewrite the ONNX graph at ``path`` with each last-axis ``Softmax`` as ``exp(x - max) /
    sum``; returns how many were rewritten.

    onnxruntime's ``Softmax`` picks its exponential by instruction set (AVX-512 or AVX2), and
    the last bits it changes move a dynamically quantised layer's scale, so the int8 model's
    logits differed by up to 0.3 between two CPUs with the same int8 arithmetic. The plain
    operators run the same code on every x86 CPU; they cost about 3 % of the forward pass.
    """
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(path))
    graph = model.graph
    axes = "portable_softmax_axes"
    nodes, rewritten = [], 0
    for node in graph.node:
        axis = next((a.i for a in node.attribute if a.name == "axis"), -1)
        if node.op_type != "Softmax" or axis != -1:
            nodes.append(node)
            continue
        x, y = node.input[0], node.output[0]
        nodes += [
            helper.make_node("ReduceMax", [x], [f"{y}_max"], axes=[-1], keepdims=1),
            helper.make_node("Sub", [x, f"{y}_max"], [f"{y}_shifted"]),
            helper.make_node("Exp", [f"{y}_shifted"], [f"{y}_exp"]),
            helper.make_node("ReduceSum", [f"{y}_exp", axes], [f"{y}_sum"], keepdims=1),
            helper.make_node("Div", [f"{y}_exp", f"{y}_sum"], [y]),
        ]
        rewritten += 1
    if rewritten:
        graph.initializer.append(numpy_helper.from_array(np.array([-1], dtype=np.int64), axes))
        del graph.node[:]
        graph.node.extend(nodes)
        onnx.save(model, str(path))
    return rewritten


def _export(model: SpanTagger, fp32: Path) -> None:
    wrapper = ExportWrapper(model).eval()
    vocabulary = int(getattr(model.encoder.config, "vocab_size", 2000))
    ids = torch.randint(
        min(1000, vocabulary // 2), min(2000, vocabulary), (2, 16), dtype=torch.long
    )
    mask = torch.ones_like(ids)
    torch.onnx.export(
        wrapper,
        (ids, mask),
        str(fp32),
        input_names=["input_ids", "attention_mask"],
        output_names=["logits", "hidden"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "tokens"},
            "attention_mask": {0: "batch", 1: "tokens"},
            "logits": {0: "batch", 1: "tokens"},
            "hidden": {0: "batch", 1: "tokens"},
        },
        opset_version=17,
        dynamo=False,
    )


def _mb(path: Path) -> float:
    return round(path.stat().st_size / 1e6, 1)
