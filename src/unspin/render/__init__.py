"""HTML rendering of analyses, shared by ``analyze -f html`` and the web app (no web framework).

:func:`render_standalone` writes one self-contained page; :func:`analysis_view` prepares an
analysis for the ``_analysis.html`` template, which the web app's pages include too.
"""

from unspin.render.html import (
    TEMPLATES,
    AnalysisView,
    LegendItem,
    SpanView,
    analysis_view,
    environment,
    new_environment,
    render_standalone,
    stylesheet,
    technique_class,
    technique_css,
    techniques_json,
)
from unspin.render.segments import Layer, Line, Segment, assign_lanes, segment_lines

__all__ = [
    "TEMPLATES",
    "AnalysisView",
    "Layer",
    "LegendItem",
    "Line",
    "Segment",
    "SpanView",
    "analysis_view",
    "assign_lanes",
    "environment",
    "new_environment",
    "render_standalone",
    "segment_lines",
    "stylesheet",
    "technique_class",
    "technique_css",
    "techniques_json",
]
