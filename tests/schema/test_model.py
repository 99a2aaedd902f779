"""The data model: validation and a lossless JSON round trip under any Unicode."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unspin.language import LanguageGuess
from unspin.schema import SCHEMA_VERSION, Analysis, Document, ModelInfo, SchemaError, Span

MODEL = ModelInfo("unspin-test", "0.0.1")
TRICKY = st.sampled_from(
    ["مرحبا", "👋🏽", "e\u0301", "\r\n", "\r", "\u200d", "A. ", "漢字", "\n\n"]
)


@given(
    pieces=st.lists(st.one_of(TRICKY, st.text(min_size=1, max_size=5)), min_size=1, max_size=10),
    data=st.data(),
)
def test_analysis_json_round_trip_keeps_offsets(pieces: list[str], data: st.DataObject) -> None:
    text = "".join(pieces)
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    document = Document(id="d", text=text, title="τ", published=date(2020, 2, 29))
    analysis = Analysis(document, [Span(start, end, "Doubt", 0.25)], MODEL)
    back = Analysis.from_json(analysis.to_json())
    assert back == analysis
    assert back.spans[0].text_in(back.document.text) == text[start:end]


def test_model_fingerprint_survives_json_and_is_left_out_when_unknown() -> None:
    document = Document("1", "text")
    marked = Analysis(document, [], ModelInfo("m", "1", "0123abcd"))
    assert Analysis.from_json(marked.to_json()).model == ModelInfo("m", "1", "0123abcd")
    plain = Analysis(document, [], ModelInfo("m", "1"))
    assert "fingerprint" not in plain.to_dict()["model"]
    assert Analysis.from_json(plain.to_json()).model.fingerprint is None


def test_serialised_form_is_versioned_and_carries_span_text() -> None:
    text = "Crooked 👋🏽 politicians!"
    analysis = Analysis(Document("1", text), [Span(0, 7, "Name_Calling,Labeling", 0.9)], MODEL)
    data = analysis.to_dict()
    assert data["schema"] == SCHEMA_VERSION
    assert data["spans"][0]["text"] == "Crooked"
    assert data["summary"]["technique_counts"] == {"Name_Calling,Labeling": 1}
    assert data["summary"]["sentence_share"] == 1.0


@pytest.mark.parametrize(
    ("start", "end", "technique", "score"),
    [(3, 3, "Doubt", 0.5), (-1, 2, "Doubt", 0.5), (0, 2, "", 0.5), (0, 2, "Doubt", 1.5)],
)
def test_invalid_spans_are_refused(start: int, end: int, technique: str, score: float) -> None:
    with pytest.raises(SchemaError):
        Span(start, end, technique, score)


def test_span_beyond_text_is_refused() -> None:
    with pytest.raises(SchemaError, match="beyond the end"):
        Analysis(Document("1", "abc"), [Span(0, 4, "Doubt")], MODEL)


@pytest.mark.parametrize("field", ["id", "text", "title", "author"])
def test_lone_surrogates_are_refused(field: str) -> None:
    values = {"id": "1", "text": "ok \U0001f600 ok", field: "bad \udc80 value"}
    with pytest.raises(SchemaError, match=f"{field}.*surrogate at character 4"):
        Document(**values)


@pytest.mark.parametrize(
    "payload",
    ["[]", "{", '{"schema": "other/9"}', f'{{"schema": "{SCHEMA_VERSION}", "document": {{}}}}'],
)
def test_bad_json_raises_schema_error(payload: str) -> None:
    with pytest.raises(SchemaError):
        Analysis.from_json(payload)


def test_summary_counts_sentences() -> None:
    text = "First claim. Second, calm sentence.\nThird: LIES!"
    spans = [Span(0, 5, "Doubt"), Span(43, 47, "Loaded_Language"), Span(44, 47, "Doubt")]
    summary = Analysis(Document("1", text), spans, MODEL).summary()
    assert summary.sentences == 3 and summary.sentences_with_technique == 2
    assert summary.technique_counts == {"Doubt": 2, "Loaded_Language": 1}


def test_an_analysis_in_a_language_its_model_does_not_read_says_so() -> None:
    arabic = Document("ar", "هؤلاء الخونة في الحكومة باعوا الوطن للأجانب")
    analysis = Analysis(arabic, [], MODEL, LanguageGuess("ar", 0.98))
    assert analysis.unread_language == LanguageGuess("ar", 0.98)
    (warning,) = analysis.warnings()
    assert "appears to be in Arabic" in warning
    assert "reads only English" in warning
    data = analysis.to_dict()
    assert data["language"] == {
        "code": "ar",
        "name": "Arabic",
        "confidence": 0.98,
        "read_by_model": False,
    }
    assert data["warnings"] == [warning]
    assert Analysis.from_json(analysis.to_json()) == analysis
    assert analysis.above(0.9).warnings() == [warning]


def test_unsure_guesses_say_so_and_read_or_unknown_languages_give_no_warning() -> None:
    slogan = Analysis(Document("s", "هذه مؤامرة!"), [], MODEL, LanguageGuess("ar", 0.45))
    assert "may be in Arabic (too short to be sure)" in slogan.warnings()[0]
    for guess in (LanguageGuess("en", 0.99), LanguageGuess("und", 0.0), None):
        assert Analysis(Document("e", "text"), [], MODEL, guess).warnings() == []
    bilingual = ModelInfo("m", "1", languages=("ar", "en", "fr"))
    french = Analysis(Document("f", "x"), [], bilingual, LanguageGuess("fr", 0.9))
    assert french.warnings() == []
    assert bilingual.languages_named() == "Arabic, English and French"


def test_analyses_saved_before_languages_existed_still_load() -> None:
    data = Analysis(Document("1", "text"), [], ModelInfo("m", "1", "ab")).to_dict()
    del data["language"], data["warnings"], data["model"]["languages"]
    back = Analysis.from_dict(data)
    assert back.language is None
    assert back.model == ModelInfo("m", "1", "ab", ("en",))
