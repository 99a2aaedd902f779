"""Which language a text is in: an offline guess, so that no interface reports "nothing found"
for a text its model cannot read.

>>> from unspin.language import detect_language
>>> detect_language("Les médias cachent la vérité aux citoyens depuis des années.")
LanguageGuess(code='fr', confidence=0.99)

The detector is CLD2 (``pycld2``: its tables ship in the package, nothing is downloaded, the
same text always gets the same guess). docs/benchmarks.md compares it with the other offline
detectors on PyPI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pycld2

UNDETERMINED = "und"
"""The code of a text whose language cannot be told (no letters, or nothing CLD2 knows)."""

SURE = 0.5
"""Confidences from here up come from CLD2's reliable mode; below, from its best effort on a
text too short to be sure of (a headline, a slogan)."""

_BEST_EFFORT_SCALE = 0.49
"""Scales CLD2's share of a best-effort guess so that it stays under ``SURE``."""

# CLD2 refuses control characters, surrogates and noncharacters; they carry no language.
_NONCHARACTERS = "".join(
    chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17)
)
_REFUSED = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef" + _NONCHARACTERS + "]"
)


@dataclass(frozen=True)
class LanguageGuess:
    """A text's language as an ISO 639 code (``"und"``: unknown) and the detector's confidence.

    A confidence below ``SURE`` marks a guess from too little text to be sure of.
    """

    code: str
    confidence: float

    @property
    def name(self) -> str:
        """The language's English name (``"Arabic"``), or ``"an unknown language"``."""
        return language_name(self.code)

    @property
    def sure(self) -> bool:
        return self.confidence >= SURE

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "confidence": self.confidence}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LanguageGuess:
        return cls(code=str(data["code"]), confidence=float(data["confidence"]))


def detect_language(text: str) -> LanguageGuess:
    """Guess the language of ``text``; mixed texts get their main language.

    An English report quoting an Arabic statement is English; a text with no letters is
    ``"und"``. Reads the first 128 kB or so (CLD2's own limit), about 100 µs per 1,000
    characters.
    """
    reliable, found = _cld2(text)
    code, percent = found[0] if found else ("un", 0)
    if code in ("un", "xxx") or percent == 0:
        return LanguageGuess(UNDETERMINED, 0.0)
    confidence = percent / 100 if reliable else percent / 100 * _BEST_EFFORT_SCALE
    return LanguageGuess(code, round(confidence, 2))


def language_shares(text: str) -> dict[str, float]:
    """The languages found in ``text`` (at most three), each with its share of the text, the
    main one first: an English report quoting an Arabic statement is ``{"en": 0.8, "ar":
    0.2}``."""
    found = _cld2(text)[1]
    return {code: p / 100 for code, p in found if code not in ("un", "xxx") and p > 0}


def _cld2(text: str) -> tuple[bool, list[tuple[str, int]]]:
    """CLD2's verdict (reliable or best effort) and its languages with their percentages."""
    plain = _REFUSED.sub(" ", text)
    try:
        reliable, _, found = pycld2.detect(plain, isPlainText=True)
        if not reliable:
            _, _, found = pycld2.detect(plain, isPlainText=True, bestEffort=True)
    except pycld2.error:  # pragma: no cover - _REFUSED removes what CLD2 refuses
        return False, []
    return reliable, [(code, percent) for _, code, percent, _ in found]


def language_name(code: str) -> str:
    """The English name of the language with ISO 639 code ``code`` (the code if unknown)."""
    return _names().get(code, code)


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    names = {code: name.title() for name, code in pycld2.LANGUAGES}
    names[UNDETERMINED] = "an unknown language"
    return names
