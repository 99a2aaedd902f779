"""One search syntax (words, "phrases", OR, -exclusion, prefix*) with the same results on
SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storage.conftest import PhraseAnalyzer
from unspin.storage.db import open_engine
from unspin.storage.filters import Filters
from unspin.storage.ingest import ingest
from unspin.storage.search import QuerySyntaxError, parse_query, search

TEXTS = {
    "t1": "The traitor spoke at noon.",
    "t2": "The traitor and the clowns.",
    "t3": "Clowns at the library.",
    "t4": "An incompetent mayor.",
    "t5": "Forever lost in the woods.",
    "t6": "Lost forever, they said.",
    "t7": "A librarian's view of e-mail.",
    "t8": "Café society met again.",
}
QUERIES = {
    "traitor -clowns": {"t1"},
    "incompetent OR library": {"t3", "t4"},
    "lib*": {"t3", "t7"},
    '"forever lost"': {"t5"},
    "forever lost": {"t5", "t6"},
    "TRAITOR": {"t1", "t2"},
    "the -traitor -clowns": {"t5"},
    "clowns traitor OR mayor": {"t2"},
    "e-mail": {"t7"},
    "café": {"t8"},
    "cafe": set(),
    '"lost forever" OR "forever lost" -woods': {"t6"},
}


@pytest.fixture
def engine(db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "texts.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": key, "text": text, "source": "A" if key < "t5" else "B"}) + "\n"
            for key, text in TEXTS.items()
        ),
        encoding="utf-8",
    )
    engine = open_engine(db_url)
    ingest([path], engine, PhraseAnalyzer())
    yield engine
    engine.dispose()


def test_each_query_finds_what_it_says(engine) -> None:  # type: ignore[no-untyped-def]
    for query, expected in QUERIES.items():
        found = {hit.external_id for hit in search(engine, query)}
        assert found == expected, query


def test_search_keeps_to_the_filters(engine) -> None:  # type: ignore[no-untyped-def]
    assert {h.external_id for h in search(engine, "the", filters=Filters(source="A"))} == {
        "t1",
        "t2",
        "t3",
    }


def test_queries_that_mean_nothing_searchable_are_refused() -> None:
    for query in ("-clowns", "", "***", "traitor OR -clowns"):
        with pytest.raises(QuerySyntaxError):
            parse_query(query)
