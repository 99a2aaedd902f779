"""Publication dates as records give them: ISO dates and timestamps, written-out dates, months,
years and Unix times.

Parsed with python-dateutil. A date without a day is taken as the first of its month ("2024-03"
is 1 March 2024), a year alone as 1 January. All-digit values of 9 to 11 digits are Unix times in
seconds, of 12 to 14 digits in milliseconds (UTC). Slashed dates are read month first unless
that is impossible ("03/04/2024" is 4 March, "13/04/2024" 13 April): prefer ISO dates.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

_UNIX_SECONDS = re.compile(r"\d{9,11}(\.\d+)?")
_UNIX_MILLISECONDS = re.compile(r"\d{12,14}")
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
_MISSING_PARTS = datetime(2000, 1, 1)


def parse_published(value: str | date) -> date | None:
    """The date ``value`` names, or None when it names none."""
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        if _UNIX_SECONDS.fullmatch(text):
            return datetime.fromtimestamp(float(text), UTC).date()
        if _UNIX_MILLISECONDS.fullmatch(text):
            return datetime.fromtimestamp(int(text) / 1000, UTC).date()
    except (OverflowError, OSError, ValueError):
        return None
    if not _YEAR.search(text):  # "5" or "March 3" would borrow a year from nowhere
        return None
    from dateutil import parser

    try:
        parsed: datetime = parser.parse(text, default=_MISSING_PARTS)
    except (ValueError, OverflowError):
        return None
    return parsed.date()
