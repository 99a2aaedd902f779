"""unspin: find where and how a text tries to persuade.

>>> import unspin
>>> analysis = unspin.analyze("Only a traitor would vote against this glorious plan.")
>>> [(s.technique, round(s.score, 2)) for s in analysis.spans]  # doctest: +SKIP
"""

from unspin.inference import Analyzer, analyze
from unspin.schema import Analysis, Document, ModelInfo, Span
from unspin.taxonomy import TECHNIQUES, Technique, get_technique

__version__ = "0.1.0"

__all__ = [
    "TECHNIQUES",
    "Analysis",
    "Analyzer",
    "Document",
    "ModelInfo",
    "Span",
    "Technique",
    "__version__",
    "analyze",
    "get_technique",
]
