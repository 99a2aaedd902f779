"""Inference: load an exported model and find technique spans in text."""

from unspin.inference.analyzer import Analyzer, analyze

__all__ = ["Analyzer", "analyze"]
