"""Store fixtures: a database URL per backend (SQLite file, PostgreSQL server) and a fake analyzer.

PostgreSQL tests use ``$UNSPIN_TEST_POSTGRES_URL`` (``scripts/with-postgres.sh`` sets it). Without
it they skip with the reason, except under ``CI`` where a missing server is a failure.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from unspin.schema import Analysis, Document, ModelInfo, Span

POSTGRES_VARIABLE = "UNSPIN_TEST_POSTGRES_URL"

PATTERNS: tuple[tuple[str, str, float], ...] = (
    (r"disastrous", "Loaded_Language", 0.92),
    (r"traitors?", "Name_Calling,Labeling", 0.77),
    (r"true patriots?", "Flag-Waving", 0.88),
    (r"we must act now", "Appeal_to_fear-prejudice", 0.65),
)


class PhraseAnalyzer:
    """Finds fixed phrases (case-insensitive); counts the documents it analysed."""

    def __init__(self, version: str = "1", fingerprint: str | None = "phrases-1") -> None:
        self.info = ModelInfo("phrase-model", version, fingerprint)
        self.analysed = 0

    def info_for(self, text: str) -> ModelInfo:
        return self.info

    def analyze_batch(self, items: Iterable[Document]) -> list[Analysis]:
        documents = list(items)
        self.analysed += len(documents)
        return [Analysis(d, _spans(d.text), self.info) for d in documents]


def _spans(text: str) -> list[Span]:
    return sorted(
        Span(m.start(), m.end(), technique, score)
        for pattern, technique, score in PATTERNS
        for m in re.finditer(pattern, text, flags=re.IGNORECASE)
    )


def reset_postgres(url: str) -> None:
    """Drop everything in the test database's public schema."""
    from sqlalchemy import create_engine, text

    from unspin.storage.db import database_url

    engine = create_engine(database_url(url))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def postgres_url() -> str:
    """The test server's URL, or skip (fail under CI) when there is none."""
    url = os.environ.get(POSTGRES_VARIABLE)
    if url:
        return url
    reason = (
        f"no PostgreSQL server: ${POSTGRES_VARIABLE} is unset (run via scripts/with-postgres.sh)"
    )
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must test PostgreSQL")
    pytest.skip(reason)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'corpus.db'}"
        return
    url = postgres_url()
    reset_postgres(url)
    yield url


@pytest.fixture
def analyzer() -> PhraseAnalyzer:
    return PhraseAnalyzer()
