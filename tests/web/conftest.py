"""Shared fixtures: a deterministic fake analyzer and an app built around it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from unspin.schema import Analysis, Document, ModelInfo, Span
from unspin.web import WebSettings, create_app

MODEL_DIR = Path(__file__).resolve().parents[2] / "src" / "unspin" / "models" / "default"

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
)


class FakeAnalyzer:
    """Finds fixed phrases; enough to test everything around the model."""

    threshold = 0.5
    info = ModelInfo("fake-model", "0.0-test")

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
            out.append(Analysis(doc, sorted(spans), self.info))
        return out


@pytest.fixture
def fake() -> FakeAnalyzer:
    return FakeAnalyzer()


@pytest.fixture
def settings() -> WebSettings:
    return WebSettings(max_chars=2_000, max_batch=3, request_timeout=10.0, page_floor=0.2)


@pytest.fixture
def client(fake: FakeAnalyzer, settings: WebSettings) -> Iterator[TestClient]:
    with TestClient(create_app(fake, settings)) as test_client:
        yield test_client


EXAMPLE = (Path(__file__).resolve().parents[2] / "src/unspin/examples/op-ed.txt").read_text()
HOSTILE = "<script>alert(1)</script> and <img src=x onerror=alert(1)> are {{ 1337*1000 }} traitors."
