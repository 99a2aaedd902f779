"""Span decoding: from a text's token outputs to its technique spans.

:func:`decode_spans` is the whole path; the helpers below it turn probabilities into token runs
and token runs into whole-word character ranges.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

import numpy as np

from unspin.inference.model_folder import Decoding
from unspin.inference.span_classifier import SpanClassifier
from unspin.inference.token_outputs import TokenOutputs
from unspin.inference.windows import TokenizedText
from unspin.schema import Span, in_reading_order

_EPS = 1e-6
_LEADING_PUNCTUATION = frozenset(",.;:)]}،؛")  # with the Arabic comma and semicolon
_TRAILING_PUNCTUATION = frozenset(",.;:،؛")
_INITIALISM = re.compile(r"(?:\b[A-Za-z]\.){2,}$")
_WORDS = re.compile(r"[\w'’]+")
_QUOTES = frozenset('"“”')
_CLAUSE_END = re.compile(r"[.!?;:\n؟؛۔]")
_CONNECTING_WORD_LIST = """
    the a an and or but nor of to in on at for from by with as into than that which who
    is are was were be been against about through between among toward towards upon within
    without
"""
_CONNECTING_WORDS = frozenset(_CONNECTING_WORD_LIST.split())
_MAX_COMPLETION_WORDS = 3


OPERATING_POINT = 0.5
"""The calibrated score at which each technique's tuned operating point lies."""
CANDIDATE_FLOOR = 0.2
"""The lowest score of a candidate span: thresholds below it show the spans it shows."""


def decode_spans(
    text: str,
    out: TokenOutputs,
    channels: Sequence[str],
    classifier: SpanClassifier,
    decoding: Decoding,
    floor: float = CANDIDATE_FLOOR,
) -> list[Span]:
    """Every technique span of ``text`` scored at least ``floor``, in reading order.

    The spans do not depend on any threshold: a caller keeps those scored at least its own.
    Each detected stretch (:func:`detect_ranges`) is named by the span classifier; a runner-up
    technique with probability of at least ``decoding.second_label`` is a span too, scored in
    proportion. Runs where one technique's own channel is confident and no span names it there
    are added (``decoding.technique_threshold``). With ``decoding.channel_thresholds``, the
    spans are :func:`channel_spans` instead.
    """
    if decoding.channel_thresholds:
        techniques = classifier.techniques
        thresholds = decoding.channel_thresholds
        return in_reading_order(channel_spans(text, out, channels, techniques, thresholds, floor))
    breaks = line_breaks(text, out.tokens)
    found = detect_ranges(text, out, decoding, floor, breaks)
    positions = [(start, end) for start, end, _ in found]
    ranked = classifier.probabilities(text, out, positions, decoding.technique_bias)
    techniques = classifier.techniques
    spans = []
    for (start, end, confidence), row in zip(found, ranked, strict=True):
        order = np.argsort(-row)
        top = float(row[order[0]])
        spans.append(Span(start, end, techniques[order[0]], round(confidence, 4)))
        for index in order[1:]:
            if row[index] < decoding.second_label:
                break
            spans.append(
                Span(start, end, techniques[index], round(confidence * float(row[index]) / top, 4))
            )
    if decoding.technique_threshold < 1.0:
        spans += _own_channel_spans(text, out, channels, techniques, decoding, breaks, spans)
    return in_reading_order([s for s in spans if s.score >= floor])


def detect_ranges(
    text: str,
    out: TokenOutputs,
    decoding: Decoding,
    floor: float = CANDIDATE_FLOOR,
    breaks: np.ndarray | None = None,
) -> list[tuple[int, int, float]]:
    """``(start, end, confidence)`` of the stretches that use some technique, in text order.

    Stretches are found at the operating point (hysteresis ``extend_margin``, gaps of
    ``max_gap`` tokens bridged); then, with those tokens set aside, stretches down to ``floor``
    are added with their lower confidence. Function words alone are never a stretch.
    """
    breaks = line_breaks(text, out.tokens) if breaks is None else breaks
    tuned = np.full(1, decoding.span_threshold, np.float32)
    scores = calibrate(span_evidence(out.probabilities), tuned)
    return scored_stretches(text, out, scores, decoding, floor, breaks)


def scored_stretches(
    text: str,
    out: TokenOutputs,
    scores: np.ndarray,
    decoding: Decoding,
    floor: float,
    breaks: np.ndarray,
) -> list[tuple[int, int, float]]:
    """``(start, end, score)`` of the stretches of calibrated token ``scores``: at the operating
    point first, then (those tokens set aside) down to ``floor``; see :func:`detect_ranges`."""

    def stretches(evidence: np.ndarray, core: float) -> list[tuple[int, int, float]]:
        extend = shift_threshold(core, decoding.extend_margin)
        return _scored_ranges(text, out, evidence, core, extend, decoding.max_gap, breaks)

    found = stretches(scores, OPERATING_POINT)
    if floor < OPERATING_POINT:
        rest = scores.copy()
        offsets = out.tokens.offsets
        for start, end, _ in found:
            rest[(offsets[:, 0] < end) & (offsets[:, 1] > start)] = 0.0
        found += [
            (start, end, score)
            for start, end, score in stretches(rest, floor)
            if score < OPERATING_POINT and not any(a < end and start < b for a, b, _ in found)
        ]
    return sorted(found)


def channel_spans(
    text: str,
    out: TokenOutputs,
    channels: Sequence[str],
    techniques: Sequence[str],
    thresholds: Sequence[float],
    floor: float = CANDIDATE_FLOOR,
) -> list[Span]:
    """Each technique's spans from its own channel alone (``Decoding.channel_thresholds``):
    runs of tokens at its threshold, then less certain runs down to ``floor``, as whole words.
    Techniques whose threshold is 1.0 are skipped."""
    breaks = line_breaks(text, out.tokens)
    spans = []
    plain = Decoding()
    for technique, threshold in zip(techniques, thresholds, strict=True):
        if threshold >= 1.0:
            continue
        probabilities = out.probabilities[:, channels.index(technique)]
        scores = calibrate(probabilities, np.full(1, threshold, np.float32))
        for start, end, score in scored_stretches(text, out, scores, plain, floor, breaks):
            spans.append(Span(start, end, technique, round(score, 4)))
    return spans


def _own_channel_spans(
    text: str,
    out: TokenOutputs,
    channels: Sequence[str],
    techniques: Sequence[str],
    decoding: Decoding,
    breaks: np.ndarray,
    named: list[Span],
) -> list[Span]:
    """Runs where one technique's own channel is confident, unless a span already names it.

    These catch short techniques (a loaded word) inside a longer span named otherwise.
    """
    tuned = np.full(1, decoding.technique_threshold, np.float32)
    core = OPERATING_POINT
    extra = []
    for technique in techniques:
        scores = calibrate(out.probabilities[:, channels.index(technique)], tuned)
        for start, end, score in _scored_ranges(text, out, scores, core, core, 0, breaks):
            covered = any(
                s.technique == technique and s.start < end and start < s.end for s in named
            )
            if not covered:
                extra.append(Span(start, end, technique, round(score, 4)))
    return extra


def _scored_ranges(
    text: str,
    out: TokenOutputs,
    scores: np.ndarray,
    core: float,
    extend: float,
    max_gap: int,
    breaks: np.ndarray,
) -> list[tuple[int, int, float]]:
    """``(start, end, peak score)`` of the runs of ``scores`` (see ``span_runs``), as whole
    words, leaving out stretches of function words alone."""
    ranges = []
    for first, stop in span_runs(scores, core, extend, max_gap, breaks):
        start, end = char_range(text, out.tokens, first, stop - 1)
        if start < end and has_content(text[start:end]):
            start, end = complete_phrase(text, start, end)
            ranges.append((start, end, float(np.clip(scores[first:stop].max(), 0.0, 1.0))))
    return ranges


def calibrate(probabilities: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Shift each channel's probabilities so that its tuned threshold maps to 0.5.

    After this, one global threshold (0.5 by default) means "each technique at its own tuned
    operating point", and scores of different techniques are comparable.
    """
    p = np.clip(probabilities, _EPS, 1 - _EPS)
    t = np.clip(thresholds, _EPS, 1 - _EPS)
    shifted = np.log(p / (1 - p)) - np.log(t / (1 - t))
    return np.asarray(1.0 / (1.0 + np.exp(-shifted)), dtype=np.float32)


def true_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Half-open index ranges of the consecutive True stretches of a 1-d boolean array."""
    if not mask.any():
        return []
    padded = np.concatenate(([False], mask, [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def char_range(text: str, tokens: TokenizedText, first: int, last: int) -> tuple[int, int]:
    """Characters covered by tokens ``first..last`` (inclusive), widened to whole words.

    Punctuation that only closes the text before (a leading comma, full stop, bracket) is left
    out, as is a trailing comma, colon, semicolon or full stop (not that of "U.S."): PTC's
    annotators never end a span on one.
    """
    start = int(tokens.offsets[first, 0])
    end = int(tokens.offsets[last, 1])
    while start < end and (text[start] in _LEADING_PUNCTUATION or text[start].isspace()):
        start += 1
    if start == end:
        return start, end
    while start > 0 and _in_word(text[start - 1]) and _in_word(text[start]):
        start -= 1
    while end < len(text) and _in_word(text[end]) and _in_word(text[end - 1]):
        end += 1
    while end > start + 1 and (text[end - 1] in _TRAILING_PUNCTUATION or text[end - 1].isspace()):
        if text[end - 1] == "." and _INITIALISM.search(text, start, end):
            break
        end -= 1
    return start, end


def complete_phrase(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` widened so that it does not stop mid-phrase.

    A span ending on a connecting word ("lying to", "the enemies of") takes the following words
    up to one that is not ("yoke of" becomes "yoke of the inferior"; at most
    ``_MAX_COMPLETION_WORDS``), unless a line or clause ends in between; a span opened by a
    quotation mark takes the closing one right after it.
    """
    words = list(_WORDS.finditer(text, start, end))
    last = words[-1] if words else None
    for _ in range(_MAX_COMPLETION_WORDS):
        if last is None or last.end() != end or last.group().lower() not in _CONNECTING_WORDS:
            break
        last = _WORDS.search(text, end, min(len(text), end + 40))
        if last is None or _CLAUSE_END.search(text, end, last.start()):
            break
        end = last.end()
    if (
        text[start] in _QUOTES
        and end < len(text)
        and text[end] in _QUOTES
        and not _QUOTES.intersection(text[start + 1 : end])
    ):
        end += 1
    return start, end


def _in_word(character: str) -> bool:
    """Letters, digits and apostrophes (``council's``, ``don’t``) belong to a word."""
    return character.isalnum() or character in "'’"


def span_evidence(probabilities: np.ndarray) -> np.ndarray:
    """Per-token evidence of being inside some technique span.

    The mean of the any-technique channel (column 0) and the strongest technique channel: the
    two views disagree at boundaries, and their mean decodes better than either alone.
    """
    return np.asarray(0.5 * (probabilities[:, 0] + probabilities[:, 1:].max(axis=1)), np.float32)


def shift_threshold(threshold: float, margin: float) -> float:
    """``threshold`` moved ``margin`` logits lower (0 and 1 stay where they are)."""
    if threshold <= 0.0 or threshold >= 1.0:
        return threshold
    logit = np.log(threshold / (1 - threshold)) - margin
    return float(1.0 / (1.0 + np.exp(-logit)))


def span_runs(
    scores: np.ndarray,
    core: float,
    extend: float,
    max_gap: int,
    breaks: np.ndarray | None = None,
) -> list[tuple[int, int]]:
    """Token ranges whose scores stay at or above ``extend`` and reach ``core`` somewhere.

    Runs separated by at most ``max_gap`` tokens below ``extend`` are joined. No range crosses
    a token marked in ``breaks`` (a line break before it): it starts a new range there.
    """
    barrier = np.zeros(len(scores), bool) if breaks is None else breaks
    pieces: list[tuple[int, int]] = []
    for first, stop in true_runs(scores >= min(core, extend)):
        cuts = [
            first,
            *(int(i) for i in np.flatnonzero(barrier[first + 1 : stop]) + first + 1),
            stop,
        ]
        pieces.extend(itertools.pairwise(cuts))
    joined: list[tuple[int, int]] = []
    for first, stop in pieces:
        previous = joined[-1][1] if joined else -1
        if joined and first - previous <= max_gap and not barrier[previous : first + 1].any():
            joined[-1] = (joined[-1][0], stop)
        else:
            joined.append((first, stop))
    return [(first, stop) for first, stop in joined if scores[first:stop].max() >= core]


def line_breaks(text: str, tokens: TokenizedText) -> np.ndarray:
    """For each token, whether a line break separates it from the token before."""
    offsets = tokens.offsets
    breaks = np.zeros(len(offsets), bool)
    if len(offsets) > 1:
        newline = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32) == ord("\n")
        before = np.concatenate(([0], np.cumsum(newline)))  # newlines before each character
        breaks[1:] = before[offsets[1:, 0]] > before[offsets[:-1, 1]]
    return breaks


_FUNCTION_WORD_LIST = """
    a an the and or but nor so yet of in on at to for from by with about as into onto than then
    that this these those there here it its it's is are was were be been being am do does did
    have has had will would shall should can could may might must not no our ours we us you
    your yours he him his she her hers they them their theirs i me my mine who whom whose which
    what when where why how all any some each every both either neither one own very just too
    even
    also only if because while though although up down out over under again
"""
_ARABIC_FUNCTION_WORD_LIST = """
    في من إلى الى على عن مع أن ان إن لأن كان كانت يكون هذا هذه ذلك تلك هؤلاء الذي التي الذين
    و ف ب ل ك ثم أو أم لا ما لم لن قد هو هي هم هن نحن أنا أنت أنتم كل بعض عند حتى إذا اذا لقد
    كما منذ بين حول ضد خلال بعد قبل لدى لكن بل أي إلا الا عليه عليها فيه فيها منه منها له لها
"""
_FUNCTION_WORDS = frozenset(_FUNCTION_WORD_LIST.split() + _ARABIC_FUNCTION_WORD_LIST.split())
"""English and Arabic function words; the two scripts never share a word, so one set serves
texts in either language."""


def has_content(fragment: str) -> bool:
    """Whether ``fragment`` holds a word other than function words ("of", "our", "في")."""
    words = [w.strip("'’").lower() for w in _WORDS.findall(fragment)]
    return any(w and w not in _FUNCTION_WORDS for w in words)
