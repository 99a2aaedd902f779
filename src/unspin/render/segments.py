"""Cut a text into segments at every span boundary, so overlapping spans can be drawn.

Each segment knows which spans cover it. Every span gets a *lane* (a small integer) so that
its underline sits at the same depth in every segment it covers; two spans that overlap never
share a lane (up to ``MAX_LANES``). Line breaks also cut segments, so each line can be laid
out on its own (``dir="auto"`` per paragraph for right-to-left and mixed text).
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass

from unspin.schema import Span

MAX_LANES = 6
"""Lanes drawn at distinct depths; deeper overlaps share the last lane (still listed)."""


@dataclass(frozen=True)
class Layer:
    """One span covering a segment."""

    span: int
    """Index of the span in the analysis' span list."""
    lane: int


@dataclass(frozen=True)
class Segment:
    """A stretch ``[start, end)`` of one line, covered by the same spans throughout."""

    start: int
    end: int
    text: str
    layers: tuple[Layer, ...]


@dataclass(frozen=True)
class Line:
    """One line of the text (without its line break), as segments."""

    segments: tuple[Segment, ...]


def assign_lanes(spans: list[Span]) -> list[int]:
    """Give each span the lowest lane free of overlapping spans, most confident spans first.

    Going by score means the spans shown at any threshold sit in the top lanes, whatever the
    hidden, less confident spans around them.
    """
    order = sorted(range(len(spans)), key=lambda i: (-spans[i].score, spans[i].start, i))
    starts: list[list[int]] = []  # per lane: starts of its spans, sorted (they never overlap)
    ends: list[list[int]] = []
    lanes = [0] * len(spans)
    for i in order:
        span = spans[i]
        lane = 0
        while lane < len(starts):
            at = bisect.bisect_left(starts[lane], span.start)
            clear_before = at == 0 or ends[lane][at - 1] <= span.start
            clear_after = at == len(starts[lane]) or starts[lane][at] >= span.end
            if clear_before and clear_after:
                break
            lane += 1
        if lane == len(starts):
            starts.append([])
            ends.append([])
        at = bisect.bisect_left(starts[lane], span.start)
        starts[lane].insert(at, span.start)
        ends[lane].insert(at, span.end)
        lanes[i] = min(lane, MAX_LANES - 1)
    return lanes


def segment_lines(text: str, spans: list[Span]) -> list[Line]:
    """Split ``text`` into lines and each line into segments covered by the same spans."""
    lanes = assign_lanes(spans)
    cuts = {0, len(text)}
    for span in spans:
        cuts.update((span.start, span.end))
    lines: list[Line] = []
    line_start = 0
    while True:
        newline = text.find("\n", line_start)
        line_end = len(text) if newline < 0 else newline
        points = sorted({line_start, line_end} | {c for c in cuts if line_start < c < line_end})
        segments = tuple(
            Segment(a, b, text[a:b], _layers(spans, lanes, a, b))
            for a, b in itertools.pairwise(points)
        )
        lines.append(Line(segments))
        if newline < 0:
            return lines
        line_start = newline + 1


def _layers(spans: list[Span], lanes: list[int], start: int, end: int) -> tuple[Layer, ...]:
    covering = [Layer(i, lanes[i]) for i, s in enumerate(spans) if s.start < end and start < s.end]
    return tuple(sorted(covering, key=lambda layer: (-layer.lane, layer.span)))
