"""The shipped default model, run through the public API on texts written for these tests."""

from __future__ import annotations

import json
import shutil
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from unspin import Analysis, Analyzer, Document, analyze
from unspin.inference import AnalysisCancelled, stop_when
from unspin.inference.analyzer import TextTooLongError, TokenOutputs
from unspin.inference.model_folder import Decoding
from unspin.schema import SchemaError, in_reading_order


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def _techniques_over(analysis: Analysis, phrase: str) -> set[str]:
    start = analysis.document.text.index(phrase)
    end = start + len(phrase)
    return {s.technique for s in analysis.spans if s.start < end and start < s.end}


def test_finds_obvious_name_calling_and_loaded_language(analyzer: Analyzer) -> None:
    text = (
        "These corrupt, lying traitors in Congress are nothing but a gang of thugs and crooks "
        "who want to destroy our great nation."
    )
    analysis = analyzer.analyze(text)
    found = _techniques_over(analysis, "corrupt, lying traitors")
    assert found & {"Name_Calling,Labeling", "Loaded_Language"}


def test_finds_a_slogan(analyzer: Analyzer) -> None:
    text = (
        "The rally ended the way it began, with thousands chanting: Build the wall! Build the wall!"
    )
    analysis = analyzer.analyze(text, threshold=0.3)
    found = _techniques_over(analysis, "Build the wall!")
    assert found & {"Slogans", "Repetition", "Loaded_Language"}


def test_plain_reporting_has_no_spans(analyzer: Analyzer) -> None:
    text = "The library will open at 9 a.m. on Monday. Parking is available behind the building."
    assert analyzer.analyze(text).spans == []


def test_span_classifier_names_a_given_name_calling_span(analyzer: Analyzer) -> None:
    text = "Only a brainwashed leftist snowflake would believe this report."
    start = text.index("brainwashed leftist snowflake")
    (span,) = analyzer.classify_spans(text, [(start, start + len("brainwashed leftist snowflake"))])
    assert span.technique in {"Name_Calling,Labeling", "Loaded_Language"}
    assert 0.0 < span.score <= 1.0


def test_technique_offsets_steer_the_span_classifier(analyzer: Analyzer) -> None:
    text = "Only a brainwashed leftist snowflake would believe this report."
    start = text.index("brainwashed")
    position = [(start, start + len("brainwashed leftist snowflake"))]
    (plain,) = analyzer.classify_spans(text, position)
    offsets = [-20.0 if t == plain.technique else 0.0 for t in analyzer.config.techniques]
    steered = Analyzer(threads=1)
    steered.config.decoding = replace(steered.config.decoding, technique_bias=offsets)
    (other,) = steered.classify_spans(text, position)
    assert other.technique != plain.technique


def test_a_span_given_twice_gets_two_different_techniques(analyzer: Analyzer) -> None:
    text = "They are destroying our country, and only we can stop them."
    first, second = analyzer.classify_spans(text, [(0, 31), (0, 31)])
    assert (first.start, first.end) == (second.start, second.end) == (0, 31)
    assert first.technique != second.technique
    assert first.score >= second.score


@pytest.mark.parametrize(
    "text",
    [
        "مرحبا 👋🏽 the corrupt elite are ruining everything! 😡 e\u0301te\u0301 ✊",
        "Line one is calm.\r\nThe radical, evil mob wants to burn our cities!\r\n\r\nThe end.",
        "الحكومة الفاسدة تكذب علينا. The traitors lie!",
    ],
)
def test_offsets_survive_any_unicode(analyzer: Analyzer, text: str) -> None:
    analysis = analyzer.analyze(text, threshold=0.05)
    assert analysis.spans
    for span in analysis.spans:
        assert 0 <= span.start < span.end <= len(text)
        fragment = text[span.start : span.end]
        assert fragment == fragment.strip()
    restored = Analysis.from_json(analysis.to_json())
    assert restored.spans == analysis.spans
    assert [s["text"] for s in json.loads(analysis.to_json())["spans"]] == [
        text[s.start : s.end] for s in analysis.spans
    ]


def test_batch_results_equal_single_results(analyzer: Analyzer) -> None:
    texts = [
        "A short text about the weather.",
        "The lying media wants you to be afraid. " * 60,
        "Our brave soldiers defend our freedom every single day!",
    ] + [f"Shameful traitor number {i} lied again." for i in range(8)]
    batch = analyzer.analyze_batch(texts)  # more texts than one pass holds
    assert len(batch) == len(texts)
    for text, analysis in zip(texts, batch, strict=True):
        assert analysis.document.text == text
        assert analysis.spans == analyzer.analyze(text).spans


def test_threshold_bounds_scores_and_documents_keep_metadata(analyzer: Analyzer) -> None:
    document = Document(id="doc-1", text="The disgraceful, pathetic coward ran away.", source="x")
    analysis = analyzer.analyze(document, threshold=0.7)
    assert analysis.document is document
    assert all(s.score >= 0.7 for s in analysis.spans)
    assert analysis.model == analyzer.info


def test_too_long_text_is_refused_with_a_clear_error() -> None:
    small = Analyzer(max_chars=100)
    with pytest.raises(TextTooLongError, match="exceeds the limit of 100"):
        small.analyze("x" * 101)


def test_spans_come_in_reading_order(analyzer: Analyzer) -> None:
    analysis = analyzer.analyze(
        "These corrupt, treacherous liars in Washington are destroying our beloved country, "
        "and only fools believe their lies. Make America great again!"
    )
    assert len(analysis.spans) >= 2
    assert analysis.spans == in_reading_order(analysis.spans)
    again = Analysis.from_json(analysis.to_json())
    assert again.spans == analysis.spans


def test_fingerprint_follows_weights_and_decoding_not_scores(
    analyzer: Analyzer, tmp_path: Path
) -> None:
    fingerprint = analyzer.info.fingerprint
    assert fingerprint and len(fingerprint) == 16
    config = analyzer.config
    folder = analyzer.folder
    assert replace(config, metrics={"dev": 0.1}).fingerprint(folder) == fingerprint
    retuned = replace(config, decoding=replace(config.decoding, max_gap=9))
    assert retuned.fingerprint(folder) != fingerprint
    by_channel = [0.5] * len(config.techniques)
    channelled = replace(config, decoding=replace(config.decoding, channel_thresholds=by_channel))
    assert channelled.fingerprint(folder) != fingerprint
    copy = tmp_path / "model"
    shutil.copytree(folder, copy)
    assert config.fingerprint(copy) == fingerprint
    head = np.load(copy / config.span_head_file)
    np.savez(copy / config.span_head_file, weight=head["weight"] * 1.01, bias=head["bias"])
    assert config.fingerprint(copy) != fingerprint


def test_lone_surrogate_is_refused_with_a_clear_error(analyzer: Analyzer) -> None:
    with pytest.raises(SchemaError, match="surrogate at character 6"):
        analyzer.analyze("Liars \ud800 everywhere.")
    with pytest.raises(SchemaError, match="surrogate at character 0"):
        analyzer.classify_spans("\udfff liars", [(1, 7)])


def test_module_level_analyze_uses_the_default_model() -> None:
    analysis = analyze("What a disgraceful, shameful betrayal!")
    assert analysis.model.name.startswith("unspin")


def test_confident_technique_channel_adds_a_nested_span_once(analyzer: Analyzer) -> None:
    text = "They want to destroy everything we have built together."
    tokens = analyzer.encoder.encode(text)
    probabilities = np.zeros((len(tokens), len(analyzer.config.channels)), np.float32)
    word = text.index("destroy")
    inside = (tokens.offsets[:, 0] >= word) & (tokens.offsets[:, 1] <= word + len("destroy"))
    loaded = analyzer.config.channels.index("Loaded_Language")
    probabilities[inside, loaded] = 0.97
    out = TokenOutputs(tokens, probabilities, np.zeros((len(tokens), 384), np.float32))
    settings = Decoding(span_threshold=0.99, technique_threshold=0.9)
    (span,) = analyzer.decode(text, out, decoding=settings)
    assert (text[span.start : span.end], span.technique) == ("destroy", "Loaded_Language")
    assert span.score > 0.5
    assert analyzer.decode(text, out, decoding=replace(settings, technique_threshold=1.0)) == []
    assert analyzer.decode(text, out, threshold=0.9, decoding=settings) == []


def test_a_text_in_a_language_the_model_does_not_read_is_flagged(analyzer: Analyzer) -> None:
    arabic = "هؤلاء الخونة في الحكومة باعوا الوطن للأجانب، ولا يستحقون إلا الطرد من البلاد."
    analysis = analyzer.analyze(arabic)
    assert analysis.language is not None and analysis.language.code == "ar"
    assert analysis.unread_language is not None
    assert "Arabic" in analysis.warnings()[0]
    english = analyzer.analyze("These corrupt traitors in Congress want to destroy our nation.")
    assert english.language is not None and english.language.code == "en"
    assert english.warnings() == []
    assert english.model.languages == ("en",)


def test_an_analysis_stops_at_its_next_model_call_once_asked() -> None:
    analyzer = Analyzer(threads=1)
    real = analyzer.runner
    stop = threading.Event()
    calls = 0

    class Counting:
        def run(self, names: None, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
            nonlocal calls
            calls += 1
            if calls == 3:
                stop.set()
            return real.run(names, feeds)

    analyzer.runner = Counting()
    text = (Path(__file__).resolve().parents[2] / "src/unspin/examples/op-ed.txt").read_text()
    with stop_when(stop), pytest.raises(AnalysisCancelled):
        analyzer.analyze(text * 20)  # about 20 windows
    assert calls == 3
    assert analyzer.analyze("A disastrous plan.").document.text == "A disastrous plan."


OP_ED = (Path(__file__).parents[2] / "src/unspin/examples/op-ed.txt").read_text(encoding="utf-8")


def test_a_threshold_only_keeps_or_drops_spans_and_never_rescores(analyzer: Analyzer) -> None:
    candidates = analyzer.analyze(OP_ED, threshold=analyzer.floor)
    assert any(s.score < 0.5 for s in candidates.spans), "the floor shows less certain spans"
    for threshold in (0.2, 0.3, 0.45, 0.5, 0.6, 0.8, 0.9):
        direct = analyzer.analyze(OP_ED, threshold=threshold)
        assert direct.spans == candidates.above(threshold).spans
        assert Analyzer(threshold=threshold).analyze(OP_ED).spans == direct.spans
    assert analyzer.analyze(OP_ED, threshold=0.0).spans == candidates.spans


def test_thresholds_and_spans_outside_their_range_are_refused(analyzer: Analyzer) -> None:
    for bad in (1.5, -0.1, float("nan")):
        with pytest.raises(ValueError, match="threshold must"):
            Analyzer(threshold=bad)
        with pytest.raises(ValueError, match="threshold must"):
            analyzer.analyze("Shameful liars.", threshold=bad)
    with pytest.raises(SchemaError, match=r"span \[0, 100\) is not a non-empty range"):
        analyzer.classify_spans("short", [(0, 100)])
    with pytest.raises(SchemaError, match=r"span \[3, 3\)"):
        analyzer.classify_spans("short", [(3, 3)])


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_blank_text_is_refused_as_by_the_cli_and_api(analyzer: Analyzer, text: str) -> None:
    with pytest.raises(SchemaError, match="text is empty"):
        analyzer.analyze(text)
    with pytest.raises(SchemaError, match="text is empty"):
        analyze(text)


def test_a_passage_gets_the_same_spans_wherever_a_long_text_holds_it(analyzer: Analyzer) -> None:
    passage = OP_ED
    copies = 7
    text = "\n\n".join([passage] * copies)
    spans = analyzer.analyze(text).spans
    found = []
    for copy in range(copies):
        offset = copy * (len(passage) + 2)
        inside = [s for s in spans if offset <= s.start < offset + len(passage)]
        found.append({(s.start - offset, s.end - offset, s.technique, s.score) for s in inside})
    assert found[1], "the passage has spans"
    assert all(spans_of_copy == found[1] for spans_of_copy in found[1:-1])


def test_a_short_text_does_not_queue_in_the_shared_pool_behind_long_ones() -> None:
    analyzer = Analyzer(threads=2)
    assert analyzer._pool is not None
    pooled: list[int] = []
    real_map = analyzer._pool.map

    def watched(fn: Any, batches: Any) -> Any:
        batches = list(batches)
        pooled.append(len(batches))
        return real_map(fn, batches)

    analyzer._pool.map = watched  # type: ignore[method-assign]
    analyzer.analyze("A disastrous plan by traitors.")
    assert pooled == []
    text = (Path(__file__).resolve().parents[2] / "src/unspin/examples/op-ed.txt").read_text()
    analyzer.analyze(text * 6)
    assert pooled and pooled[0] > 2


def test_channel_decoding_keeps_overlapping_spans_of_different_techniques(
    analyzer: Analyzer,
) -> None:
    text = "Can we trust them when they destroy everything we built?"
    tokens = analyzer.encoder.encode(text)
    channels = analyzer.config.channels
    probabilities = np.zeros((len(tokens), len(channels)), np.float32)
    word = text.index("destroy")
    inside = (tokens.offsets[:, 0] >= word) & (tokens.offsets[:, 1] <= word + len("destroy"))
    probabilities[inside, channels.index("Loaded_Language")] = 0.8
    probabilities[:, channels.index("Doubt")] = 0.7
    out = TokenOutputs(tokens, probabilities, None)
    techniques = analyzer.config.techniques
    thresholds = [0.6 if t in ("Loaded_Language", "Doubt") else 1.0 for t in techniques]
    settings = Decoding(channel_thresholds=thresholds)
    spans = analyzer.decode(text, out, None, settings)
    found = {(text[s.start : s.end], s.technique) for s in spans}
    assert found == {(text, "Doubt"), ("destroy", "Loaded_Language")}
    stricter = [0.75 if t == "Doubt" else x for t, x in zip(techniques, thresholds, strict=True)]
    spans = analyzer.decode(text, out, None, Decoding(channel_thresholds=stricter))
    assert [(text[s.start : s.end], s.technique) for s in spans] == [("destroy", "Loaded_Language")]
    below = analyzer.decode(text, out, 0.3, Decoding(channel_thresholds=stricter))
    assert {s.technique for s in below} == {"Doubt", "Loaded_Language"}
