"""CLI fixtures: commands on the fake analyzer (tests/fakes.py), and a click runner."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from fakes import FakeAnalyzer


@pytest.fixture
def fake_analyzer(monkeypatch: pytest.MonkeyPatch) -> FakeAnalyzer:
    """Make every CLI command use the fake analyzer."""
    fake = FakeAnalyzer()
    models: list[str | None] = []

    def load(model: str | None) -> FakeAnalyzer:
        models.append(model)
        return fake

    monkeypatch.setattr("unspin.cli.analyze.load_analyzer", load)
    monkeypatch.setattr("unspin.cli.analyze.load_router", load)
    monkeypatch.setattr("unspin.cli.semeval.load_analyzer", load)
    fake.models = models  # type: ignore[attr-defined]
    return fake


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
