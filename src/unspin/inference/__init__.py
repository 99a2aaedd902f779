"""Inference: load an exported model and find technique spans in text."""

from unspin.inference.analyzer import Analyzer, analyze
from unspin.inference.cancel import AnalysisCancelled, stop_when
from unspin.inference.model_folder import installed_models, models_reading
from unspin.inference.routing import Router

__all__ = [
    "AnalysisCancelled",
    "Analyzer",
    "Router",
    "analyze",
    "installed_models",
    "models_reading",
    "stop_when",
]
