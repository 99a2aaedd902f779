"""The analysis view and the standalone page (``analyze -f html``)."""

from __future__ import annotations

from fakes import HOSTILE_HTML
from unspin.language import LanguageGuess
from unspin.render import analysis_view, render_standalone
from unspin.schema import Analysis, Document, ModelInfo, Span


def _analysis(text: str, spans: list[Span]) -> Analysis:
    return Analysis(Document("d", text, title="<b>T</b>"), spans, ModelInfo("m", "1"))


def test_view_counts_and_share() -> None:
    text = "Bad plan. Good plan. Awful plan."
    view = analysis_view(
        _analysis(text, [Span(0, 3, "Loaded_Language", 0.9), Span(21, 26, "Doubt", 0.3)]),
        threshold=0.5,
    )
    assert view.sentences == 3 and view.sentences_with_technique == 1
    assert {i.technique: i.count for i in view.legend} == {"Loaded_Language": 1, "Doubt": 0}


def test_standalone_is_self_contained_and_escaped() -> None:
    text = HOSTILE_HTML + "\nمن الواضح أن هذا القرار فاشل تماما."
    spans = [Span(text.index("alert(1)"), text.index("alert(1)") + 8, "Loaded_Language", 0.9)]
    html = render_standalone([_analysis(text, spans), _analysis("calm text", [])])
    assert html.startswith("<!doctype html>")
    assert "<script" not in html and "<img" not in html and "<b>T</b>" not in html
    assert "&lt;b&gt;T&lt;/b&gt;" in html
    assert "Content-Security-Policy" in html and "sha256-" in html
    assert html.count('<article class="analysis"') == 2
    assert "فاشل" in html and 'dir="auto"' in html
    assert 'title="Loaded Language (0.90)"' in html


def test_the_standalone_page_names_a_language_the_model_does_not_read() -> None:
    arabic = "هؤلاء الخونة في الحكومة باعوا الوطن للأجانب"
    analysis = Analysis(Document("ar", arabic), [], ModelInfo("m", "1"), LanguageGuess("ar", 0.98))
    page = render_standalone([analysis])
    assert 'class="warning" role="alert"' in page and "appears to be in Arabic" in page
    assert "in a language the model does not read" in page
