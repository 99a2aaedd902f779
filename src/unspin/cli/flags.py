"""Keep flag emoji whole when rich lays text out in the terminal.

A flag is a pair of regional indicators (🇺 + 🇸 = 🇺🇸). rich measures each indicator as one cell
and, folding a long run of flags into lines, may break a line between the two halves of a pair,
so the terminal shows stray letters and every flag after them pairs wrongly. While rich lays the
text out, each flag stands in as one character of the same width (two cells), which rich never
splits; the rendered lines then get the flags back. The stand-ins are unassigned code points of
plane 3, which no real text holds; any that arrive in the analysed text are shown as U+FFFD, so
every stand-in in the output comes from a flag.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.text import Text

REGIONAL_INDICATOR = "[\U0001f1e6-\U0001f1ff]"
_FIRST_INDICATOR = 0x1F1E6
_LETTERS = 26
_FIRST_STAND_IN = 0x3F000  # plane 3, past the last assigned ideographs; rich gives it 2 cells
_FLAG = re.compile(REGIONAL_INDICATOR * 2)  # scanned left to right, so pairs start each run
_STAND_IN = re.compile(f"[{chr(_FIRST_STAND_IN)}-{chr(_FIRST_STAND_IN + _LETTERS**2 - 1)}]")


def _stand_in(flag: re.Match[str]) -> str:
    first, second = (ord(indicator) - _FIRST_INDICATOR for indicator in flag.group())
    return chr(_FIRST_STAND_IN + first * _LETTERS + second)


def _flag(stand_in: re.Match[str]) -> str:
    first, second = divmod(ord(stand_in.group()) - _FIRST_STAND_IN, _LETTERS)
    return chr(_FIRST_INDICATOR + first) + chr(_FIRST_INDICATOR + second)


def with_stand_ins(text: str) -> str:
    """``text`` with each flag replaced by its one-character stand-in."""
    return _FLAG.sub(_stand_in, _STAND_IN.sub("\ufffd", text))


def with_flags(text: str) -> str:
    """``text`` with each stand-in turned back into its flag."""
    return _STAND_IN.sub(_flag, text)


def text_with_stand_ins(text: Text) -> Text:
    """A copy of ``text`` with each flag replaced by its stand-in, every style kept on the
    characters it covered."""
    plain = _STAND_IN.sub("\ufffd", text.plain)
    dropped = [flag.start() + 1 for flag in _FLAG.finditer(plain)]  # each flag's second half
    copy = text.blank_copy(_FLAG.sub(_stand_in, plain))
    for span in text.spans:
        start = span.start - bisect_left(dropped, span.start)
        copy.stylize(span.style, start, span.end - bisect_left(dropped, span.end))
    return copy


class FlagsRestored:
    """Renders ``renderable``, whose text holds stand-ins, with the flags back in place."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for segment in console.render(self.renderable, options):
            yield segment._replace(text=with_flags(segment.text)) if segment.text else segment

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.renderable)


__all__ = [
    "REGIONAL_INDICATOR",
    "FlagsRestored",
    "text_with_stand_ins",
    "with_flags",
    "with_stand_ins",
]
