"""Errors raised while reading files in any of unspin's formats."""

from __future__ import annotations

from pathlib import Path

from unspin.errors import UnspinError


class FormatError(UnspinError, ValueError):
    """A file that cannot be read as the format it claims to be; names the file and line."""

    def __init__(self, path: str | Path, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.reason = message
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")
