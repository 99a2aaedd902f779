"""Export a trained SpanTagger to ONNX, and quantise it to int8."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import torch

from unspin.inference.model_folder import FP32_ONNX_FILE, ONNX_FILE
from unspin.training.model import ExportWrapper, SpanTagger


def export_onnx(
    model: SpanTagger, folder: Path, quantize: bool = True, log: Callable[[str], None] = print
) -> Path:
    """Write ``model.onnx`` (int8 weights when ``quantize``) and ``model.fp32.onnx`` to ``folder``.

    The graph takes ``input_ids`` and ``attention_mask`` (int64, batch x tokens) and returns
    token ``logits`` and ``hidden`` states.
    """
    wrapper = ExportWrapper(model).eval()
    vocabulary = int(getattr(model.encoder.config, "vocab_size", 2000))
    ids = torch.randint(
        min(1000, vocabulary // 2), min(2000, vocabulary), (2, 16), dtype=torch.long
    )
    mask = torch.ones_like(ids)
    fp32 = folder / FP32_ONNX_FILE
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
    target = folder / ONNX_FILE
    if quantize:
        quantize_model(fp32, target)
        log(f"exported {fp32.name} ({_mb(fp32)} MB) and int8 {target.name} ({_mb(target)} MB)")
    else:
        target.write_bytes(fp32.read_bytes())
        log(f"exported {target.name} ({_mb(target)} MB, fp32)")
    return target


def quantize_model(fp32: Path, target: Path) -> None:
    """Write ``target``: ``fp32`` with dynamic int8 weights (per channel)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(fp32), str(target), weight_type=QuantType.QInt8, per_channel=True)


def _mb(path: Path) -> float:
    return round(path.stat().st_size / 1e6, 1)
