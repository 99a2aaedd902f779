"""Turn a model folder's int8 ``model.onnx`` into fused int8 variants (issue 18, point 2).

Needs the ``train`` extra (torch, transformers, onnx). The folder's int8 weights are
dequantised (``(q - zero_point) * scale``) into the torch encoder they came from
(``unspin train --init``'s reader), exported again as a float graph with eager attention, fused
by onnxruntime's transformer optimizer and quantised once per weight scheme::

    python scripts/fuse_model.py src/unspin/models/default -o /tmp/fused
    python scripts/fuse_model.py FOLDER -o OUT --encoder ENCODER_FOLDER   # another base encoder

writes, in ``OUT``: ``model.fp32.onnx`` (the dequantised float graph), ``unfused-s8-pc.onnx``
(it re-quantised unfused, signed weights per channel: its int8 weights should equal the
folder's, unless those were bounded for every CPU, ``saturation_free``, as 1.3.0's are),
``fused-s8-pc.onnx`` (attention, residual LayerNorms and bias + GELU fused) and
``fused-embed-{s8,u8}-{pc,pt}.onnx`` (the embeddings fused too; signed or unsigned weights, per
channel or per tensor). Compare them with ``benchmarks/speed.py --variant`` and
``benchmarks/model_variants.py``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="model folder holding an int8 model.onnx")
    parser.add_argument("-o", "--output", type=Path, required=True, help="folder to write")
    parser.add_argument("--encoder", type=Path, default=None, help="base encoder (default: MiniLM)")
    args = parser.parse_args()

    from unspin.inference.model_folder import ModelConfig
    from unspin.training.config import default_encoder_path
    from unspin.training.exact_int8 import integer_weights
    from unspin.training.export import rebuild_fp32
    from unspin.training.fuse import Quantisation, fuse_and_quantize, quantize_encoder

    args.output.mkdir(parents=True, exist_ok=True)
    fp32 = args.output / "model.fp32.onnx"
    # Softmax kept whole: the attention fusion looks for it.
    encoder = args.encoder or default_encoder_path()
    heads, hidden = rebuild_fp32(args.folder, encoder, fp32, portable=False)
    print(f"{fp32}: {heads} heads, hidden size {hidden}")

    control = args.output / "unfused-s8-pc.onnx"
    quantize_encoder(fp32, control)
    shipped = integer_weights(args.folder / ModelConfig.load(args.folder).onnx_file)
    again = integer_weights(control)
    same = len(shipped) == len(again) and all(map(np.array_equal, shipped, again))
    print(f"{control}: int8 weights {'equal' if same else 'DIFFER FROM'} the folder's")

    variants = [("fused-s8-pc.onnx", Quantisation(), False)]
    for signed in (True, False):
        for per_channel in (True, False):
            name = f"fused-embed-{'s8' if signed else 'u8'}-{'pc' if per_channel else 'pt'}.onnx"
            variants.append((name, Quantisation(signed, per_channel), True))
    for name, scheme, embeddings in variants:
        path = args.output / name
        counts = fuse_and_quantize(fp32, path, heads, hidden, scheme, embeddings)
        size = path.stat().st_size / 1e6
        print(f"{path}: {scheme.label}, {size:.1f} MB, fused {counts}")


if __name__ == "__main__":
    main()
