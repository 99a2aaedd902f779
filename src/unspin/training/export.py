"""Export a trained SpanTagger to ONNX, and quantise it to int8."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from unspin.inference.model_folder import FP32_ONNX_FILE, ONNX_FILE
from unspin.training.fuse import quantize_encoder
from unspin.training.model import ExportWrapper, SpanTagger


def export_onnx(
    model: SpanTagger, folder: Path, quantize: bool = True, log: Callable[[str], None] = print
) -> Path:
    """Write ``model.onnx`` (int8 weights when ``quantize``) and ``model.fp32.onnx`` to ``folder``.

    The graph takes ``input_ids`` and ``attention_mask`` (int64, batch x tokens) and returns
    token ``logits`` and ``hidden`` states.
    """
    fp32 = folder / FP32_ONNX_FILE
    export_fp32(model, fp32)
    target = folder / ONNX_FILE
    if quantize:
        quantize_encoder(fp32, target)
        log(f"exported {fp32.name} ({_mb(fp32)} MB) and int8 {target.name} ({_mb(target)} MB)")
    else:
        target.write_bytes(fp32.read_bytes())
        log(f"exported {target.name} ({_mb(target)} MB, fp32)")
    return target


def export_fp32(model: SpanTagger, fp32: Path) -> None:
    """Write the float ONNX graph of ``model`` to ``fp32``, its attention exported as eager
    attention: the same arithmetic as torch's ``scaled_dot_product_attention``, whose export
    adds a NaN check over every layer's attention weights; the int8 model of the eager graph
    runs 15-18% more tokens per CPU-second (docs/benchmarks.md, issue 18). It is also the form
    onnxruntime's attention fusion recognises (``fuse.py``)."""
    encoder: Any = model.encoder
    before = encoder.config._attn_implementation
    encoder.set_attn_implementation("eager")
    try:
        _export(model, fp32)
    finally:
        encoder.set_attn_implementation(before)


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
