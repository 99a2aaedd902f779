"""Fuse an exported BERT-style encoder with onnxruntime's transformer optimizer, then quantise it.

onnxruntime's own tools do the work: ``onnxruntime.transformers.optimizer`` replaces the
subgraphs of attention, bias + GELU and residual + LayerNorm (and, when asked, embeddings +
LayerNorm) by single fused operators (``Attention``, ``BiasGelu``, ``SkipLayerNormalization``,
``EmbedLayerNormalization``), and ``quantize_dynamic`` gives the weights of the matrix products
(those inside ``Attention`` included, which becomes ``QAttention``) and the embedding tables
8-bit values. The attention fusion recognises the graph torch exports for *eager* attention, not
the one of ``scaled_dot_product_attention`` (``export.export_fp32`` exports eager attention).
The fused embeddings (``QEmbedLayerNormalization``) cost accuracy (docs/benchmarks.md), so they
are left out unless asked for.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

FUSED_OPERATORS = (
    "Attention",
    "EmbedLayerNormalization",
    "SkipLayerNormalization",
    "BiasGelu",
)


@dataclass(frozen=True)
class Quantisation:
    """How ``quantize_dynamic`` stores the weights: signed or unsigned 8-bit integers, one
    scale per output column (``per_channel``) or per matrix."""

    signed: bool = True
    per_channel: bool = True

    @property
    def label(self) -> str:
        scale = "per channel" if self.per_channel else "per tensor"
        return f"{'s8' if self.signed else 'u8'}, {scale}"


def fuse_encoder(
    fp32: Path, target: Path, num_heads: int, hidden_size: int, embeddings: bool = False
) -> dict[str, int]:
    """Write ``target``: the float graph ``fp32`` with its transformer subgraphs fused.

    ``num_heads`` and ``hidden_size``: the encoder's (left to find them in torch's graph, the
    optimizer fuses no attention); ``embeddings``: fuse the embedding sums and their LayerNorm
    too. Returns how many of each fused operator the graph got (when all fuse: attention, two
    residual LayerNorms and one bias + GELU per layer, one embedding LayerNorm if asked).
    """
    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model

    options = FusionOptions("bert")
    options.enable_embed_layer_norm = embeddings
    optimized = optimize_model(
        str(fp32),
        model_type="bert",
        num_heads=num_heads,
        hidden_size=hidden_size,
        optimization_options=options,
        use_gpu=False,
    )
    optimized.save_model_to_file(str(target))
    statistics = optimized.get_fused_operator_statistics()
    return {name: int(statistics.get(name, 0)) for name in FUSED_OPERATORS}


def quantize_encoder(fp32: Path, target: Path, quantisation: Quantisation = Quantisation()) -> None:
    """Write ``target``: ``fp32`` (fused or not) with dynamic int8 weights (by default signed,
    per channel: how ``unspin train`` quantises)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        str(fp32),
        str(target),
        weight_type=QuantType.QInt8 if quantisation.signed else QuantType.QUInt8,
        per_channel=quantisation.per_channel,
        # Shape inference cannot type the outputs of the fused (com.microsoft) operators; every
        # tensor of this graph is float.
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )


def fuse_and_quantize(
    fp32: Path,
    target: Path,
    num_heads: int,
    hidden_size: int,
    quantisation: Quantisation = Quantisation(),
    embeddings: bool = False,
) -> dict[str, int]:
    """Write ``target``: ``fp32`` fused (``fuse_encoder``), then quantised; returns the counts
    of fused operators."""
    with tempfile.TemporaryDirectory() as tmp:
        fused = Path(tmp) / "fused.onnx"
        counts = fuse_encoder(fp32, fused, num_heads, hidden_size, embeddings)
        quantize_encoder(fused, target, quantisation)
    return counts
