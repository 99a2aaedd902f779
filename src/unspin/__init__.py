"""unspin: find where and how a text tries to persuade.

>>> import unspin
>>> analysis = unspin.analyze("Only a traitor would vote against this glorious plan.")
>>> [(s.technique, round(s.score, 2)) for s in analysis.spans]  # doctest: +SKIP
"""

from importlib import metadata

from unspin.errors import UnspinError
from unspin.inference import Analyzer, analyze, models_reading
from unspin.language import LanguageGuess, detect_language
from unspin.schema import Analysis, Document, ModelInfo, Span
from unspin.taxonomy import TECHNIQUES, Technique, get_technique

try:
    __version__ = metadata.version("unspin")
    """The installed version; ``pyproject.toml`` is the one place it is written."""
except metadata.PackageNotFoundError:  # pragma: no cover - a source tree that was not installed
    __version__ = "0+unknown"

__all__ = [
    "TECHNIQUES",
    "Analysis",
    "Analyzer",
    "Document",
    "LanguageGuess",
    "ModelInfo",
    "Span",
    "Technique",
    "UnspinError",
    "__version__",
    "analyze",
    "detect_language",
    "get_technique",
    "models_reading",
]
