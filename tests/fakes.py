"""A phrase-matching fake analyzer: tests everything around the model without loading one."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from unspin.language import detect_language
from unspin.schema import Analysis, Document, ModelInfo, Span

HOSTILE_HTML = (
    "<script>alert(1)</script> and <img src=x onerror=alert(1)> are {{ 1337*1000 }} traitors."
)
"""Text that would run script or template code if it were not escaped."""

# Overlapping and nested on purpose: "disastrous plan" holds "disastrous".
PATTERNS: tuple[tuple[str, str, float], ...] = (
    (r"disastrous plan", "Exaggeration,Minimisation", 0.35),
    (r"disastrous", "Loaded_Language", 0.92),
    (r"reckless", "Loaded_Language", 0.81),
    (r"traitors?", "Name_Calling,Labeling", 0.77),
    (r"so-called experts", "Doubt", 0.64),
    (r"experts at City Hall", "Appeal_to_Authority", 0.42),
    (r"true patriot", "Flag-Waving", 0.88),
    (r"Save our (park|town)!", "Slogans", 0.71),
    (r"Either .*? or .*?forever", "Black-and-White_Fallacy", 0.58),
    (r"gangs", "Appeal_to_fear-prejudice", 0.55),
    (r"alert\(1\)", "Loaded_Language", 0.9),
    (r"فاشل", "Loaded_Language", 0.85),
    (r"مدمرة", "Loaded_Language", 0.8),
)


class FakeAnalyzer:
    """Finds fixed phrases; classifies a span by its length (even: Doubt, odd: Slogans)."""

    threshold = 0.5
    max_chars = 1_000_000
    info = ModelInfo("fake-model", "0.0-test", "fake-patterns-1")

    def info_for(self, text: str) -> ModelInfo:
        return self.info

    def analyze(self, item: str | Document, /, threshold: float | None = None) -> Analysis:
        return self.analyze_batch([item], threshold=threshold)[0]

    def analyze_batch(
        self, items: Iterable[str | Document], /, threshold: float | None = None
    ) -> list[Analysis]:
        cut = self.threshold if threshold is None else threshold
        out = []
        for n, item in enumerate(items):
            doc = item if isinstance(item, Document) else Document(id=f"text-{n}", text=item)
            spans = [
                Span(m.start(), m.end(), technique, score)
                for pattern, technique, score in PATTERNS
                for m in re.finditer(pattern, doc.text)
                if score >= cut
            ]
            out.append(Analysis(doc, sorted(spans), self.info, detect_language(doc.text)))
        return out

    def classify_spans(self, text: str, spans: Sequence[tuple[int, int]]) -> list[Span]:
        return [Span(a, b, "Doubt" if (b - a) % 2 == 0 else "Slogans", 0.6) for a, b in spans]
