"""Model windows: fixed-stride windows for training, content-aligned windows for inference."""

from __future__ import annotations

import itertools

import pytest

from unspin.inference.model_folder import DEFAULT_MODEL_DIR, TOKENIZER_FILE
from unspin.inference.windows import TextEncoder, Window, plan_aligned_windows, plan_windows

ENCODER = TextEncoder.from_file(DEFAULT_MODEL_DIR / TOKENIZER_FILE)
PARAGRAPHS = [
    f"Paragraph {i} says that the council met on day {i}. It voted on plan {i * 7}, "
    f"and the mayor called it {'bold' if i % 2 else 'reckless'}."
    for i in range(40)
]


def _cores(windows: list[Window]) -> list[tuple[int, int]]:
    return [w.owned for w in windows]


def test_cores_tile_the_text_and_windows_fit_the_model() -> None:
    text = "\n\n".join(PARAGRAPHS)
    tokens = ENCODER.encode(text)
    windows = plan_aligned_windows(text, tokens, size=120, margin=10)
    cores = _cores(windows)
    assert cores[0][0] == 0 and cores[-1][1] == len(tokens)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(cores))
    for window in windows:
        first, stop = window.owned
        assert window.start <= first < stop <= window.end
        assert window.end - window.start <= 120
        assert first - window.start <= 10 and window.end - stop <= 10


def test_cores_start_where_a_paragraph_or_sentence_does() -> None:
    text = "\n\n".join(PARAGRAPHS)
    tokens = ENCODER.encode(text)
    starts = {text.index(p) for p in PARAGRAPHS}
    starts |= {text.index(p) + p.index("It voted") for p in PARAGRAPHS}
    for first, _ in _cores(plan_aligned_windows(text, tokens, size=120, margin=10)):
        assert int(tokens.offsets[first, 0]) in starts


def test_the_same_passage_is_cut_the_same_way_after_any_prefix() -> None:
    passage = "\n\n".join(PARAGRAPHS[:20])

    def cuts(prefix: str) -> set[int]:
        text = prefix + passage
        tokens = ENCODER.encode(text)
        windows = plan_aligned_windows(text, tokens, size=120, margin=0)
        return {int(tokens.offsets[first, 0]) - len(prefix) for first, _ in _cores(windows)}

    plain = cuts("")
    for prefix in ("Intro.\n\n", "A longer introduction of several words.\n\n" * 5):
        shifted = cuts(prefix)
        later = {c for c in plain if c > len(passage) // 2}
        assert later <= shifted, "past its first landmark a passage is cut as when alone"


def test_a_sentence_longer_than_a_window_is_still_covered() -> None:
    text = "word " * 500
    tokens = ENCODER.encode(text)
    cores = _cores(plan_aligned_windows(text, tokens, size=64, margin=8))
    assert cores[0][0] == 0 and cores[-1][1] == len(tokens)
    assert plan_aligned_windows("", ENCODER.encode(""), size=64) == []
    with pytest.raises(ValueError, match="margin"):
        plan_aligned_windows(text, tokens, size=64, margin=32)


def test_fixed_stride_windows_cover_every_token() -> None:
    windows = plan_windows(1000, 254, 190)
    assert windows[0] == Window(0, 254) and windows[-1].end == 1000
    assert all(b.start - a.start == 190 for a, b in itertools.pairwise(windows))
