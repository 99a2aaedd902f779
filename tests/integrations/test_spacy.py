"""The spaCy component on real pipelines with the shipped model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("spacy")

import spacy
from spacy import displacy
from spacy.tokens import Doc
from spacy.vocab import Vocab

from unspin.inference import Analyzer
from unspin.integrations.spacy import UnspinComponent, displacy_options
from unspin.schema import Span
from unspin.taxonomy import get_technique

ROOT = Path(__file__).resolve().parents[2]
MODEL_DIR = ROOT / "src" / "unspin" / "models" / "default"
EXAMPLE = (ROOT / "src" / "unspin" / "examples" / "op-ed.txt").read_text(encoding="utf-8")
TEXTS = [
    EXAMPLE,
    "Only a traitor would vote against this glorious plan. Take back our streets!",
    "The bridge reopened on Tuesday after three weeks of repairs.",
    "",
    "Can we really believe anything these so-called experts tell us?!",
    "Crooked, corrupt, CORRUPT politicians 👋🏽 destroyed our once-great country.",
]

pytestmark = pytest.mark.skipif(
    not (MODEL_DIR / "config.json").is_file(), reason=f"no shipped model at {MODEL_DIR}"
)


class WhitespaceTokenizer:
    """Splits on spaces only, so punctuation stays inside words ("plan." is one token)."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        for piece in re.findall(r"\S+|\s+", text):
            if piece.isspace() and words and not words[-1].isspace() and piece[0] == " ":
                spaces[-1] = True
                piece = piece[1:]
            if piece:
                words.append(piece)
                spaces.append(False)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        assert doc.text == text
        return doc


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(MODEL_DIR, threshold=0.3)


def expected(analyzer: Analyzer, text: str) -> list[Span]:
    """unspin's spans of ``text`` (none for a blank text, which the Analyzer refuses)."""
    return analyzer.analyze(text).spans if text.strip() else []


def assert_aligned(doc: Doc, spans: list[Span], key: str = "unspin") -> None:
    """Each unspin span is in the group, widened to the tokens its edges fall in."""
    group = doc.spans[key]
    assert [s._.unspin_chars for s in group] == [(s.start, s.end) for s in spans]
    assert [s.label_ for s in group] == [s.technique for s in spans]
    assert [s._.unspin_score for s in group] == [s.score for s in spans]
    assert group.attrs["scores"] == [s.score for s in spans]
    assert group.attrs["unaligned"] == 0
    for found, span in zip(group, spans, strict=True):
        first = next(t for t in doc if t.idx + len(t.text) > span.start)
        last = next(t for t in reversed(doc) if t.idx < span.end)
        assert (found.start_char, found.end_char) == (first.idx, last.idx + len(last.text))
        assert found.start_char <= span.start and span.end <= found.end_char


def test_blank_english_pipeline_through_the_entry_point(analyzer: Analyzer) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("unspin", config={"model": str(MODEL_DIR), "threshold": 0.3})
    doc = nlp(EXAMPLE)
    spans = expected(analyzer, EXAMPLE)
    assert len(spans) >= 5
    assert_aligned(doc, spans)
    assert {s.label_ for s in doc.spans["unspin"]} >= {"Loaded_Language", "Slogans"}


def test_shipped_model_by_name_and_default_threshold() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("unspin", config={"model": "fast", "threshold": 0.5})
    doc = nlp(EXAMPLE)
    assert doc.spans["unspin"] and all(s._.unspin_score >= 0.5 for s in doc.spans["unspin"])


def test_a_tokenizer_that_splits_differently_widens_spans_to_its_tokens(analyzer: Analyzer) -> None:
    nlp = spacy.blank("en")
    nlp.tokenizer = WhitespaceTokenizer(nlp.vocab)
    nlp.add_pipe("unspin", config={"model": str(MODEL_DIR), "threshold": 0.3, "spans_key": "sc"})
    doc = nlp(EXAMPLE)
    spans = expected(analyzer, EXAMPLE)
    assert_aligned(doc, spans, key="sc")
    widened = [s for s in doc.spans["sc"] if (s.start_char, s.end_char) != s._.unspin_chars]
    assert widened, "whitespace tokens hold punctuation that unspin's spans leave out"


def test_contract_and_strict_alignment_say_what_they_leave_out(analyzer: Analyzer) -> None:
    text = "Take back our streets!!!"
    spans = expected(analyzer, text)
    assert spans, "the slogan is found"
    for mode in ("contract", "strict"):
        nlp = spacy.blank("en")
        nlp.tokenizer = WhitespaceTokenizer(nlp.vocab)
        nlp.add_pipe(
            "unspin", config={"model": str(MODEL_DIR), "threshold": 0.3, "alignment_mode": mode}
        )
        doc = nlp(text)
        group = doc.spans["unspin"]
        kept = [
            s
            for s in group
            if s.start_char >= s._.unspin_chars[0] and s.end_char <= s._.unspin_chars[1]
        ]
        assert kept == list(group)
        assert len(group) + group.attrs["unaligned"] == len(spans)
    with pytest.raises(ValueError, match="alignment_mode must be one of"):
        UnspinComponent(analyzer, alignment_mode="nearest")


def test_pipe_batches_through_analyze_batch(
    analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    nlp = spacy.blank("en")
    component = nlp.add_pipe("unspin", config={"model": str(MODEL_DIR), "threshold": 0.3})
    calls: list[int] = []
    original = component.analyzer.analyze_batch

    def counting(items: list[str], threshold: float | None = None) -> list:  # type: ignore[type-arg]
        calls.append(len(items))
        return original(items, threshold)

    monkeypatch.setattr(component.analyzer, "analyze_batch", counting)
    docs = list(nlp.pipe(TEXTS * 2, batch_size=4))
    assert calls == [3, 4, 3], "one call per batch of 4; the blank text is not sent"
    for doc, text in zip(docs, TEXTS * 2, strict=True):
        assert_aligned(doc, expected(analyzer, text))
    assert len(docs[3].spans["unspin"]) == 0


def test_displacy_renders_the_spans_in_unspin_colours(analyzer: Analyzer) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("unspin", config={"model": str(MODEL_DIR), "threshold": 0.3})
    doc = nlp("Only a traitor would vote against this glorious plan. Take back our streets!")
    html = displacy.render(doc, style="span", options=displacy_options())
    labels = {s.label_ for s in doc.spans["unspin"]}
    assert labels
    for label in labels:
        assert label in html
    for label in labels:
        assert get_technique(label).color in html
    hostile = nlp("<script>alert(1)</script> traitors!")
    assert "<script>" not in displacy.render(hostile, style="span", options=displacy_options())
