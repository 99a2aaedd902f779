"""Windows and span decoding: the arithmetic between model outputs and character offsets."""

from __future__ import annotations

import numpy as np
import pytest

from unspin.inference.decode import (
    calibrate,
    char_range,
    complete_phrase,
    has_content,
    line_breaks,
    shift_threshold,
    span_evidence,
    span_runs,
    true_runs,
)
from unspin.inference.windows import TokenizedText, plan_windows


def test_windows_cover_every_token_with_overlap() -> None:
    windows = plan_windows(600, size=254, stride=192)
    assert [(w.start, w.end) for w in windows] == [(0, 254), (192, 446), (384, 600)]
    covered = np.zeros(600, bool)
    for w in windows:
        covered[w.start : w.end] = True
    assert covered.all()


def test_short_and_empty_texts_get_one_or_no_window() -> None:
    assert [(w.start, w.end) for w in plan_windows(10, 254, 192)] == [(0, 10)]
    assert plan_windows(0, 254, 192) == []
    with pytest.raises(ValueError):
        plan_windows(10, 254, 300)


def test_true_runs() -> None:
    mask = np.array([0, 1, 1, 0, 1, 0, 0, 1], bool)
    assert true_runs(mask) == [(1, 3), (4, 5), (7, 8)]
    assert true_runs(np.zeros(4, bool)) == []


def test_calibrate_maps_each_threshold_to_one_half() -> None:
    probabilities = np.array([[0.2, 0.7], [0.9, 0.1]], np.float32)
    thresholds = np.array([0.2, 0.7], np.float32)
    calibrated = calibrate(probabilities, thresholds)
    assert calibrated[0, 0] == pytest.approx(0.5, abs=1e-5)
    assert calibrated[0, 1] == pytest.approx(0.5, abs=1e-5)
    assert calibrated[1, 0] > 0.5 > calibrated[1, 1]


def _tokens(text: str, pieces: list[tuple[int, int]]) -> TokenizedText:
    return TokenizedText(np.arange(len(pieces)), np.asarray(pieces, np.int64))


def test_char_range_widens_word_pieces_to_whole_words() -> None:
    text = "unbelievably corrupt people"
    tokens = _tokens(text, [(0, 2), (2, 12), (13, 17), (17, 20), (21, 27)])
    assert char_range(text, tokens, 2, 2) == (13, 20)  # "corr" -> "corrupt"
    assert text[slice(*char_range(text, tokens, 1, 3))] == "unbelievably corrupt"
    possessive = "The council's plan"
    pieces = _tokens(possessive, [(0, 3), (4, 11), (11, 12), (12, 13), (14, 18)])
    assert possessive[slice(*char_range(possessive, pieces, 2, 4))] == "council's plan"


def test_char_range_leaves_out_trailing_commas_colons_and_full_stops() -> None:
    text = "Stop it, or else. Ask the U.S. now: go"
    offsets = [(0, 4), (5, 7), (7, 8), (9, 11), (12, 16), (16, 17)]
    offsets += [(18, 21), (22, 25), (26, 30), (31, 34), (34, 35), (36, 38)]
    tokens = _tokens(text, offsets)
    assert text[slice(*char_range(text, tokens, 0, 2))] == "Stop it"
    assert text[slice(*char_range(text, tokens, 3, 5))] == "or else"
    assert [text[a:b] for a, b in offsets[6:]] == ["Ask", "the", "U.S.", "now", ":", "go"]
    assert text[slice(*char_range(text, tokens, 6, 8))] == "Ask the U.S."
    assert text[slice(*char_range(text, tokens, 9, 10))] == "now"


def test_char_range_leaves_out_leading_punctuation_and_empty_ranges_stay_empty() -> None:
    text = "Stop it, or else."
    tokens = _tokens(text, [(0, 4), (5, 7), (7, 8), (9, 11), (12, 16), (16, 17)])
    assert text[slice(*char_range(text, tokens, 2, 4))] == "or else"
    start, end = char_range(text, tokens, 5, 5)
    assert text[start:end] == "" and start == end


def test_spans_never_cross_a_line_break() -> None:
    text = "Evil plan\n\nEvil people"
    tokens = _tokens(text, [(0, 4), (5, 9), (11, 15), (16, 22)])
    breaks = line_breaks(text, tokens)
    assert breaks.tolist() == [False, False, True, False]
    scores = np.full(4, 0.9, np.float32)
    assert span_runs(scores, 0.5, 0.5, max_gap=2, breaks=breaks) == [(0, 2), (2, 4)]
    scores[1] = 0.1  # a gap that could be bridged, but not across the break
    assert span_runs(scores, 0.5, 0.5, max_gap=2, breaks=breaks) == [(0, 1), (2, 4)]


def test_span_evidence_averages_any_channel_with_strongest_technique() -> None:
    probabilities = np.array([[0.8, 0.1, 0.4], [0.2, 0.6, 0.0]], np.float32)
    assert span_evidence(probabilities) == pytest.approx([0.6, 0.4])


def test_shift_threshold_moves_in_logit_space_and_keeps_the_ends() -> None:
    assert shift_threshold(0.5, 0.0) == 0.5
    assert shift_threshold(0.5, np.log(3.0)) == pytest.approx(0.25)
    assert shift_threshold(0.0, 1.0) == 0.0
    assert shift_threshold(1.0, 1.0) == 1.0


def test_span_runs_need_a_core_token_and_extend_over_weaker_neighbours() -> None:
    scores = np.array([0.1, 0.45, 0.7, 0.45, 0.1, 0.45, 0.1, 0.6, 0.3, 0.6], np.float32)
    assert span_runs(scores, core=0.5, extend=0.5, max_gap=0) == [(2, 3), (7, 8), (9, 10)]
    # 0.45 tokens join a span only next to a core token; the lone 0.45 at 5 starts none.
    assert span_runs(scores, core=0.5, extend=0.4, max_gap=0) == [(1, 4), (7, 8), (9, 10)]
    # a one-token gap is bridged: 7..10 become one span.
    assert span_runs(scores, core=0.5, extend=0.5, max_gap=1) == [(2, 3), (7, 10)]
    assert span_runs(np.zeros(3, np.float32), 0.5, 0.4, 2) == []


def test_spans_of_function_words_alone_have_no_content() -> None:
    assert not has_content("of")
    assert not has_content(" Our ")
    assert not has_content("it's")
    assert has_content("our glorious")
    assert has_content("traitors!")
    assert not has_content("!!")
    assert not has_content("even")


def _completed(text: str, fragment: str) -> str:
    start = text.index(fragment)
    first, last = complete_phrase(text, start, start + len(fragment))
    return text[first:last]


@pytest.mark.parametrize(
    ("text", "fragment", "expected"),
    [
        ("They keep lying to you, again.", "lying to", "lying to you"),
        ("The enemies of freedom rise.", "enemies of", "enemies of freedom"),
        (
            "An act of vandalism against every family.",
            "vandalism against",
            "vandalism against every",
        ),
        ("To throw off the yoke of the inferior one.", "yoke of", "yoke of the inferior"),
        ("Stop it and then of the a an to.", "Stop it and", "Stop it and then"),
        ("Lies of the a an to the end.", "Lies of", "Lies of the a an"),  # at most three words
        ("He left the. Then he came back.", "left the", "left the"),  # clause ended
        ("A fight for\nall of us.", "A fight for", "A fight for"),  # line ended
        ("They lied to us.", "lied to us", "lied to us"),  # ends on a pronoun: kept
        ('He called it "a hoax" twice.', '"a hoax', '"a hoax"'),
        ('He said "no" and "yes" today.', '"no" and "yes', '"no" and "yes'),
        ("Shame on them", "Shame on them", "Shame on them"),
    ],
)
def test_complete_phrase_does_not_stop_mid_phrase(text: str, fragment: str, expected: str) -> None:
    assert _completed(text, fragment) == expected


def test_arabic_function_words_and_punctuation() -> None:
    assert not has_content("في من على")  # "in from on"
    assert has_content("في الخونة")  # "in the traitors"
    text = "قال الوزير، الخونة؛ إما معنا"
    tokens = TokenizedText(
        np.arange(3, dtype=np.int64), np.array([[4, 11], [12, 18], [18, 19]], dtype=np.int64)
    )
    # "الوزير،" and "الخونة؛": a span never ends on the Arabic comma or semicolon.
    assert text[slice(*char_range(text, tokens, 0, 0))] == "الوزير"
    assert text[slice(*char_range(text, tokens, 1, 2))] == "الخونة"
