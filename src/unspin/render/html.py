"""Turn analyses into HTML: the one implementation behind the web page and ``--format html``.

``analysis_view`` prepares everything a template needs (segments, legend, chart, summary);
the ``_analysis.html`` template draws it. The web app's analysis page and
``render_standalone`` both use them, so the highlighted text looks the same everywhere.
Needs Jinja2 only (a core dependency), no web framework.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import jinja2

from unspin.render.segments import Line, Segment, segment_lines
from unspin.schema import Analysis, ModelInfo, Span, in_reading_order, sentence_spans
from unspin.taxonomy import TECHNIQUES, UnknownTechniqueError, display_name, get_technique

UNKNOWN_COLOR = "#888888"


@dataclass(frozen=True)
class SpanView:
    """One span as drawn: where, which technique, how sure, and whether shown at first."""

    index: int
    start: int
    end: int
    technique: str
    display_name: str
    css: str
    score: float
    text: str
    visible: bool


@dataclass(frozen=True)
class LegendItem:
    """One technique in the legend and chart, with its span count."""

    technique: str
    display_name: str
    definition: str
    css: str
    count: int
    """Spans at or above the initial threshold."""


@dataclass(frozen=True)
class AnalysisView:
    """Everything the ``_analysis.html`` template needs to draw one analysis."""

    key: str
    title: str
    source: str | None
    lines: list[Line]
    spans: list[SpanView]
    legend: list[LegendItem]
    chart_max: int
    sentences: int
    sentences_with_technique: int
    threshold: float
    floor: float
    model: ModelInfo
    warnings: list[str]
    """What a reader must know first (a language the model does not read, or was not
    evaluated on)."""
    unread_language: bool
    """The model does not read the text's language: finding nothing means nothing."""
    data: dict[str, Any]
    """JSON for the page script: spans, sentences, techniques, thresholds, the analysis."""

    @property
    def share_percent(self) -> int:
        """Share of sentences with a shown span, as a whole percentage."""
        if not self.sentences:
            return 0
        return round(100 * self.sentences_with_technique / self.sentences)

    def shown(self, segment: Segment) -> list[SpanView]:
        """The spans over ``segment`` that are shown at the initial threshold."""
        return [
            self.spans[layer.span] for layer in segment.layers if self.spans[layer.span].visible
        ]

    def segment_title(self, segment: Segment) -> str:
        """Plain-text tooltip for a segment: its shown techniques and scores."""
        return "; ".join(f"{s.display_name} ({s.score:.2f})" for s in self.shown(segment))


@cache
def _technique_index() -> dict[str, int]:
    return {t.name: i for i, t in enumerate(TECHNIQUES)}


def technique_class(name: str) -> str:
    """CSS class carrying a technique's colour (``t0`` ... ; ``tx`` for an unknown name)."""
    try:
        return f"t{_technique_index()[get_technique(name).name]}"
    except UnknownTechniqueError:
        return "tx"


def _definition(name: str) -> str:
    try:
        return get_technique(name).definition
    except UnknownTechniqueError:
        return ""


@cache
def technique_css() -> str:
    """The stylesheet that gives each technique class its colour (``--c``)."""
    rules = [f".t{i}{{--c:{t.color}}}" for i, t in enumerate(TECHNIQUES)]
    rules.append(f".tx{{--c:{UNKNOWN_COLOR}}}")
    return "\n".join(rules) + "\n"


def techniques_json() -> dict[str, dict[str, str]]:
    """Name, definition and colour of every technique, for the page script."""
    return {
        t.name: {"display_name": t.display_name, "definition": t.definition, "color": t.color}
        for t in TECHNIQUES
    }


def _legend(spans: list[Span], shown: list[Span]) -> list[LegendItem]:
    """One item per technique present, with how many of its spans are shown, most first."""
    counts = Counter(s.technique for s in shown)
    present = dict.fromkeys(s.technique for s in sorted(spans, key=lambda s: s.technique))
    return sorted(
        (
            LegendItem(
                name, display_name(name), _definition(name), technique_class(name), counts[name]
            )
            for name in present
        ),
        key=lambda item: (-item.count, item.display_name),
    )


def analysis_view(
    analysis: Analysis, *, threshold: float = 0.0, floor: float = 0.0, key: str = "a0"
) -> AnalysisView:
    """Prepare ``analysis`` for drawing; spans scored below ``threshold`` start hidden."""
    document = analysis.document
    text = document.text
    spans = in_reading_order(analysis.spans)
    views = [
        SpanView(
            index=i,
            start=s.start,
            end=s.end,
            technique=s.technique,
            display_name=display_name(s.technique),
            css=technique_class(s.technique),
            score=s.score,
            text=s.text_in(text),
            visible=s.score >= threshold,
        )
        for i, s in enumerate(spans)
    ]
    shown = [s for s in spans if s.score >= threshold]
    legend = _legend(spans, shown)
    sentences = sentence_spans(text)
    covered = sum(1 for a, b in sentences if any(s.start < b and a < s.end for s in shown))
    exported = Analysis(document, spans, analysis.model, analysis.language).to_dict()
    data = {
        "threshold": threshold,
        "floor": floor,
        "spans": [
            {"i": v.index, "technique": v.technique, "score": v.score, "start": v.start}
            for v in views
        ],
        "sentences": sentences,
        "techniques": techniques_json(),
        "analysis": exported,
    }
    return AnalysisView(
        key=key,
        title=document.title or document.id,
        source=document.url or document.source,
        lines=segment_lines(text, spans),
        spans=views,
        legend=legend,
        chart_max=max((item.count for item in legend), default=0),
        sentences=len(sentences),
        sentences_with_technique=covered,
        threshold=threshold,
        floor=floor,
        model=analysis.model,
        warnings=analysis.warnings(),
        unread_language=analysis.unread_language is not None,
        data=data,
    )


TEMPLATES = jinja2.PackageLoader("unspin.render", "templates")
"""The loader of this package's templates (``_analysis.html``, ``standalone.html``)."""


def new_environment(loader: jinja2.BaseLoader) -> jinja2.Environment:
    """A Jinja2 environment set up as every unspin page needs (autoescaping always on).

    ``loader`` must also find :data:`TEMPLATES`' templates (a ``jinja2.ChoiceLoader`` can add
    more) for pages that draw analyses.
    """
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["technique_class"] = technique_class
    env.filters["display_name"] = display_name
    return env


@cache
def environment() -> jinja2.Environment:
    """The environment of the standalone page: this package's templates only."""
    return new_environment(TEMPLATES)


def stylesheet() -> str:
    """``unspin.css``, the stylesheet of every page (served by the web app, inlined here)."""
    return resources.files("unspin.render").joinpath("static", "unspin.css").read_text("utf-8")


def render_standalone(analyses: list[Analysis]) -> str:
    """A self-contained HTML page (inline CSS, no scripts) showing every analysis."""
    views = [analysis_view(a, key=f"a{n}") for n, a in enumerate(analyses)]
    css = stylesheet() + technique_css()
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    template = environment().get_template("standalone.html")
    return template.render(views=views, css=css, css_hash=f"sha256-{digest}")
