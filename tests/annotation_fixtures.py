"""Annotated documents that stress every annotation format, and where the real data lies."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from unspin.formats.annotated import Annotated
from unspin.schema import Document, ModelInfo, Span

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("UNSPIN_SHARED_DATA", ROOT.parent / "shared" / "data"))
"""The project's read-only data folder (``UNSPIN_SHARED_DATA`` points elsewhere, e.g. from a
worktree)."""
PTC_TRAIN = SHARED_DATA / "ptc" / "train"
SEMEVAL2021_TRAIN = SHARED_DATA / "semeval2021t6" / "training_set_task2.txt"
MODEL = ModelInfo("unspin-minilm-ptc", "1.2.0", "0123456789abcdef")
TINY_TRAINING = ["--epochs", "1", "--max-steps", "2", "--batch-size", "2", "--max-length", "64"]
"""``unspin train`` options for a fixture-sized run (a minute or two on a CPU)."""


def _span(text: str, fragment: str, technique: str, score: float = 1.0, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(fragment, start + 1)
    return Span(start, start + len(fragment), technique, score)


def hostile_documents() -> list[Annotated]:
    """Emoji (ZWJ and skin tones), RTL with bidi controls, CRLF and lone CR, tabs, overlapping,
    nested and identical spans, an empty and a blank document, ids unsafe as file names."""
    emoji = "👩🏽‍🚀 Our heroes 🇺🇸 vs. the 🤡 traitors!!! 👋🏽 Wake up 👀"
    rtl = "\u202bهذا القرار فاشل تماما\u202c والخونة يكذبون. שקרנים!"
    crlf = "Headline: DISASTER\r\n\r\nThey lie.\rAlways\tand forever.\r\nVote\u2028now!"
    nested = "The corrupt, corrupt, corrupt elite betrayed every true patriot."
    return [
        Annotated(
            Document(id="emoji/1 été", text=emoji, title="Emoji", source="hostile"),
            [
                _span(emoji, "👩🏽‍🚀 Our heroes", "Flag-Waving"),
                _span(emoji, "🤡 traitors", "Name_Calling,Labeling"),
                _span(emoji, "Wake up 👀", "Slogans"),
            ],
        ),
        Annotated(
            Document(id="rtl", text=rtl, language="ar"),
            [
                _span(rtl, "فاشل", "Loaded_Language"),
                _span(rtl, "\u202bهذا القرار فاشل", "Exaggeration,Minimisation"),
                _span(rtl, "שקרנים!", "Name_Calling,Labeling"),
            ],
        ),
        Annotated(
            Document(id="crlf", text=crlf),
            [
                _span(crlf, "DISASTER\r\n\r\nThey lie.", "Loaded_Language"),
                _span(crlf, "lie.\rAlways\tand", "Exaggeration,Minimisation"),
                _span(crlf, "forever.\r\n", "Repetition"),
                _span(crlf, "Vote\u2028now!", "Slogans"),
            ],
        ),
        Annotated(
            Document(id="nested", text=nested),
            [
                _span(nested, "corrupt, corrupt, corrupt", "Repetition"),
                _span(nested, "corrupt", "Loaded_Language"),
                _span(nested, "corrupt", "Loaded_Language", nth=1),
                _span(nested, "corrupt elite", "Name_Calling,Labeling"),
                _span(nested, "corrupt elite", "Loaded_Language"),
                _span(nested, "elite betrayed every true patriot", "Flag-Waving"),
                _span(nested, "true patriot", "Flag-Waving"),
            ],
        ),
        Annotated(Document(id="empty", text=""), []),
        Annotated(Document(id="blank", text=" \n\t"), []),
    ]


def scored(items: list[Annotated]) -> list[Annotated]:
    """``items`` as a model's predictions: each span with its own score below 1."""
    return [
        Annotated(
            item.document,
            [
                Span(s.start, s.end, s.technique, round(0.5 + 0.01 * n, 4))
                for n, s in enumerate(item.spans)
            ],
            MODEL,
        )
        for item in items
    ]


def span_multiset(items: list[Annotated]) -> dict[str, Counter[tuple[int, int, str]]]:
    """Per document id, the spans' offsets and techniques, counted (scores left aside)."""
    return {i.document.id: Counter((s.start, s.end, s.technique) for s in i.spans) for i in items}


def texts(items: list[Annotated]) -> dict[str, str]:
    return {item.document.id: item.document.text for item in items}
