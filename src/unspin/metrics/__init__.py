"""The field's standard scores, re-implemented from the task papers' definitions."""

from unspin.metrics.spans import FlcScore, SpanScore, flc_score, merge_intervals, si_score
from unspin.metrics.tc import TcScore, tc_score

__all__ = [
    "FlcScore",
    "SpanScore",
    "TcScore",
    "flc_score",
    "merge_intervals",
    "si_score",
    "tc_score",
]
