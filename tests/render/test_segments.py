"""Cutting a text into segments at span boundaries, with a lane for each span."""

from __future__ import annotations

from unspin.render import assign_lanes, segment_lines
from unspin.schema import Span


def test_segments_keep_overlaps_apart() -> None:
    text = "aaaa bbbb cccc"
    spans = [Span(0, 9, "Doubt"), Span(5, 14, "Slogans"), Span(5, 9, "Repetition")]
    lanes = assign_lanes(spans)
    assert len(set(lanes)) == 3
    (line,) = segment_lines(text, spans)
    assert "".join(s.text for s in line.segments) == text
    middle = next(s for s in line.segments if s.start == 5)
    assert {layer.span for layer in middle.layers} == {0, 1, 2}


def test_lines_split_at_newlines() -> None:
    text = "one two\n\nthree"
    lines = segment_lines(text, [Span(4, 11, "Doubt")])
    assert ["".join(s.text for s in line.segments) for line in lines] == ["one two", "", "three"]
    assert lines[2].segments[0].layers and not lines[2].segments[1].layers


def test_confident_spans_take_the_top_lanes() -> None:
    spans = [Span(0, 20, "Doubt", 0.3), Span(2, 6, "Slogans", 0.9), Span(8, 12, "Repetition", 0.8)]
    assert assign_lanes(spans) == [1, 0, 0]
    many = [Span(i, i + 50, "Doubt", 0.5) for i in range(20)]
    lanes = assign_lanes(many)
    assert lanes[:5] == [0, 1, 2, 3, 4] and max(lanes) == 5
