"""One-line error messages for the command line: never a traceback for a user's mistake."""

from __future__ import annotations

import os

import click

from unspin.errors import UnspinError

DEBUG_VARIABLE = "UNSPIN_DEBUG"
"""Set this environment variable to see the full traceback of an error."""


def describe_error(error: BaseException) -> str:
    """A one-line description of ``error`` for a user."""
    if isinstance(error, OSError) and error.strerror:
        where = error.filename if error.filename is not None else None
        return f"{where}: {error.strerror}" if where else error.strerror
    if isinstance(error, KeyError) and error.args:
        return str(error.args[0])
    message = " ".join(str(error).split())
    if isinstance(error, UnspinError | ValueError | OSError | RuntimeError):
        return message or type(error).__name__
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


class UserError(UnspinError, click.ClickException):
    """A ClickException built from any exception: ``Error: <one line>`` and exit status 1."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(describe_error(error))


def missing_extra(feature: str, extra: str, error: ImportError) -> click.ClickException:
    """The error for ``feature`` when the optional dependencies of ``extra`` are not installed."""
    return click.ClickException(
        f"{feature} needs the '{extra}' extra (pip install 'unspin[{extra}]'): {error}"
    )


def should_reraise() -> bool:
    """Whether to show the real traceback (``UNSPIN_DEBUG`` is set)."""
    return bool(os.environ.get(DEBUG_VARIABLE))
