"""CLI fixtures: a phrase-matching fake analyzer, so the CLI is tested without a model."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import pytest
from click.testing import CliRunner

from unspin.schema import Analysis, Document, ModelInfo, Span

# "disastrous plan" holds "disastrous": nested spans on purpose.
PATTERNS: tuple[tuple[str, str, float], ...] = (
    (r"disastrous plan", "Exaggeration,Minimisation", 0.35),
    (r"disastrous", "Loaded_Language", 0.92),
    (r"traitors?", "Name_Calling,Labeling", 0.77),
    (r"true patriot", "Flag-Waving", 0.88),
    (r"مدمرة", "Loaded_Language", 0.8),
)


class FakeAnalyzer:
    """Finds fixed phrases; classifies a span by its length (even: Doubt, odd: Slogans)."""

    info = ModelInfo("fake-model", "0.0-test")
    threshold = 0.5

    def analyze_batch(
        self, items: Iterable[Document], threshold: float | None = None
    ) -> list[Analysis]:
        cut = self.threshold if threshold is None else threshold
        return [Analysis(d, self._spans(d.text, cut), self.info) for d in items]

    def classify_spans(self, text: str, spans: Sequence[tuple[int, int]]) -> list[Span]:
        return [Span(a, b, "Doubt" if (b - a) % 2 == 0 else "Slogans", 0.6) for a, b in spans]

    @staticmethod
    def _spans(text: str, cut: float) -> list[Span]:
        found = [
            Span(m.start(), m.end(), technique, score)
            for pattern, technique, score in PATTERNS
            for m in re.finditer(pattern, text)
            if score >= cut
        ]
        return sorted(found)


@pytest.fixture
def fake_analyzer(monkeypatch: pytest.MonkeyPatch) -> FakeAnalyzer:
    """Make every CLI command use the fake analyzer."""
    fake = FakeAnalyzer()
    models: list[str | None] = []

    def load(model: str | None) -> FakeAnalyzer:
        models.append(model)
        return fake

    monkeypatch.setattr("unspin.cli.analyze.load_analyzer", load)
    monkeypatch.setattr("unspin.cli.semeval.load_analyzer", load)
    fake.models = models  # type: ignore[attr-defined]
    return fake


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
