"""Web fixtures: the fake analyzer (tests/fakes.py) and an app built around it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from fakes import HOSTILE_HTML, FakeAnalyzer
from unspin.web import WebSettings, create_app

MODEL_DIR = Path(__file__).resolve().parents[2] / "src" / "unspin" / "models" / "default"


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
HOSTILE = HOSTILE_HTML
