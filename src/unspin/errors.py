"""``UnspinError``: the base of every error unspin raises on purpose."""

from __future__ import annotations


class UnspinError(Exception):
    """Base class of unspin's own errors: ``except UnspinError`` catches any of them.

    Each subclass also keeps the built-in class it derives from (``ValueError`` for bad input,
    ``KeyError`` for an unknown name, ``RuntimeError`` for a broken model folder, ...), so code
    that catches those still works.
    """
