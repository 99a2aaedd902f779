"""unspin's lite English model as a package of its own, found by unspin through the
``unspin.models`` entry point (``unspin analyze --model lite``)."""

from pathlib import Path

MODEL_DIR = Path(__file__).resolve().parent / "model"
"""The model folder (config.json, model.onnx, tokenizer.json, span_head.npz, MODEL_CARD.md)."""
