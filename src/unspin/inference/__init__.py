"""Inference: load an exported model and find technique spans in text."""

from unspin.inference.analyzer import Analyzer, analyze
from unspin.inference.model_folder import installed_models, models_reading

__all__ = ["Analyzer", "analyze", "installed_models", "models_reading"]
