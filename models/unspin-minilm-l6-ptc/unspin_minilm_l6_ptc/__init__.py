"""unspin's 6-layer English model (the default's teacher) as a package of its own, found by
unspin through the ``unspin.models`` entry point (``unspin analyze --model l6``)."""

from pathlib import Path

MODEL_DIR = Path(__file__).resolve().parent / "model"
"""The model folder (config.json, model.onnx, tokenizer.json, span_head.npz, MODEL_CARD.md)."""
