"""Sentence boundaries: hard cases (sentence_cases.json, shared with benchmarks/sentences.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unspin.schema import sentence_spans

CASES = json.loads((Path(__file__).parent / "sentence_cases.json").read_text(encoding="utf-8"))
KNOWN_MISSES = {
    "parenthesised sentence": "sentencex does not end a sentence inside brackets",
    "exclamation and interrobang": "sentencex does not end a sentence at ?!",
    "German ordinal and abbreviation": "the English rules take '3.' and 'z. B.' for ends",
}


def _params() -> list[object]:
    params: list[object] = []
    for case in CASES:
        reason = KNOWN_MISSES.get(case["name"])
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        params.append(pytest.param(case, id=case["name"], marks=marks))
    return params


def test_there_are_enough_hard_cases() -> None:
    assert len(CASES) >= 30
    assert set(KNOWN_MISSES) <= {case["name"] for case in CASES}


@pytest.mark.parametrize("case", _params())
def test_hard_case(case: dict[str, object]) -> None:
    sentences = case["sentences"]
    assert isinstance(sentences, list)
    text = str(case.get("sep", " ")).join(sentences)
    assert [text[a:b] for a, b in sentence_spans(text)] == sentences


def test_offsets_are_characters_of_the_original_text() -> None:
    text = "  Éric a dit « non ». 👍 Then he left…\r\n\n  هل أنت بخير؟ نعم.  "
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == [
        "Éric a dit « non ».",
        "👍 Then he left…",
        "هل أنت بخير؟",
        "نعم.",
    ]


def test_a_line_break_always_ends_a_sentence() -> None:
    text = "A headline\nMr. Smith wrote this\nand this."
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "A headline",
        "Mr. Smith wrote this",
        "and this.",
    ]


def test_blank_and_odd_text() -> None:
    assert sentence_spans("") == [] and sentence_spans(" \n\t\n") == []
    text = "broken \ud800 surrogate. Next one."
    assert [text[a:b] for a, b in sentence_spans(text)] == ["broken \ud800 surrogate.", "Next one."]


@given(st.text(alphabet=st.sampled_from("ab .!?\n\"'()1،؟۔")))
def test_spans_are_ordered_trimmed_and_inside_the_text(text: str) -> None:
    spans = sentence_spans(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        assert "\n" not in text[start:end]
        previous_end = end
    assert all(char.isspace() for char in _outside(text, spans))


def _outside(text: str, spans: list[tuple[int, int]]) -> str:
    kept = list(text)
    for start, end in spans:
        kept[start:end] = [" "] * (end - start)
    return "".join(kept)
