"""Surface features of a span that its hidden states do not show well (used by the span head)."""

from __future__ import annotations

import math

import numpy as np

N_SURFACE_FEATURES = 4


def surface_features(text: str, start: int, end: int) -> np.ndarray:
    """Repeats elsewhere in the text, length, and question/exclamation marks of ``text[start:end]``.

    Repetition is defined by the rest of the document, beyond any model window, so the span
    classifier gets the count directly.
    """
    fragment = text[start:end].strip().lower()
    repeats = max(text.lower().count(fragment) - 1, 0) if fragment else 0
    return np.asarray(
        [
            math.log1p(repeats),
            math.log1p(len(fragment)) / 5.0,
            float("?" in fragment),
            float("!" in fragment),
        ],
        dtype=np.float32,
    )
