"""Placeholder until the ONNX analyzer lands (being written now)."""

from __future__ import annotations


class Analyzer:
    """Loads a model once and analyses texts."""


def analyze(text: str) -> None:
    raise NotImplementedError
