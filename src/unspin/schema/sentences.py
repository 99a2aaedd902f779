"""Sentence boundaries as character offsets: sentencex, line by line, with two repairs.

sentencex (rule-based, written in Rust, no dependencies) knows abbreviations, initials,
decimals, URLs, quotes and the sentence marks of many scripts (``؟``, ``۔``, ``।``, ``。``).
A line break always ends a sentence here, as it does in the articles unspin reads. Two
repairs join pieces that sentencex cuts too eagerly: a bare list marker (``1.``, ``a)``) joins
the text it numbers, and a piece that starts in lower case continues the one before (``“Get
out!” one wrote.``). ``docs/benchmarks.md`` compares this with other splitters.
"""

from __future__ import annotations

import re

from sentencex import get_sentence_boundaries

LANGUAGE = "en"
"""The rules sentencex applies (its marks of other scripts apply in every language)."""

_LIST_MARKER = re.compile(r"\(?(?:\d{1,3}|[A-Za-z])[.)]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` offsets of the non-blank sentences of ``text``, in order."""
    spans: list[tuple[int, int]] = []
    line_start = 0
    for line in text.split("\n"):
        if line.strip():
            spans.extend((line_start + a, line_start + b) for a, b in _line_sentences(line))
        line_start += len(line) + 1
    return spans


def _line_sentences(line: str) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in _pieces(line):
        piece = line[start:end]
        stripped = piece.strip()
        if not stripped:
            continue
        start += len(piece) - len(piece.lstrip())
        end = start + len(stripped)
        if merged and _continues(line, merged[-1], start):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _pieces(line: str) -> list[tuple[int, int]]:
    try:
        boundaries = get_sentence_boundaries(LANGUAGE, line)
    except UnicodeEncodeError:  # a lone surrogate: stand one character in for it, offsets hold
        boundaries = get_sentence_boundaries(LANGUAGE, _SURROGATE.sub("\ufffd", line))
    return [(int(b["start_index"]), int(b["end_index"])) for b in boundaries]


def _continues(line: str, previous: tuple[int, int], start: int) -> bool:
    """Whether the piece at ``start`` belongs to the sentence ``previous``."""
    if line[start].islower():
        return True
    short = previous[1] - previous[0] <= 4
    return short and _LIST_MARKER.fullmatch(line, previous[0], previous[1]) is not None
