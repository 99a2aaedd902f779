"""A small, dependency-free sentence splitter that reports character offsets."""

from __future__ import annotations

import re

# A sentence ends at ., ! or ? (optionally followed by closing quotes or brackets) when
# whitespace follows; a line break always ends one.
_BOUNDARY = re.compile(r"""[.!?]["'”’)\]]*(\s+)|(\n+)""")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` offsets of the non-blank sentences of ``text``, in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        gap = 1 if match.group(1) is not None else 2
        _append_trimmed(text, start, match.start(gap), spans)
        start = match.end(gap)
    _append_trimmed(text, start, len(text), spans)
    return spans


def _append_trimmed(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        out.append((start, end))
