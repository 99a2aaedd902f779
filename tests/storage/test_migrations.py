"""Stores made by older schemas are carried over to the current one, losing nothing."""

from __future__ import annotations

import json
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

from storage.conftest import PhraseAnalyzer
from unspin.storage.browse import examples, load_analysis
from unspin.storage.db import MIGRATIONS, open_engine
from unspin.storage.export import document_records
from unspin.storage.ingest import ingest
from unspin.storage.search import search
from unspin.storage.stats import stats
from unspin.storage.write import content_hash

OLD_DOCUMENTS = (
    # id, external_id, title, text, source, published, metadata
    (3, "wire-1", "Plan fails", "The disastrous plan of the traitors.", "Wire", "2024-03-02",
     {"desk": "politics"}),
    (7, None, None, "True patriots met on Tuesday.", None, None, {}),
)  # fmt: skip


def _old_store(url: str, revision: str) -> None:
    """A store at ``revision`` holding what that schema's ingest wrote for two documents."""
    engine = open_engine(url, migrate=False)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        for doc_id, ext, title, body, source, published, meta in OLD_DOCUMENTS:
            connection.execute(
                text(
                    "INSERT INTO documents (id, content_hash, external_id, title, text, words, "
                    "source, published, language, metadata) VALUES (:id, :key, :ext, :title, "
                    ":body, :words, :source, :published, 'en', :meta)"
                ),
                {
                    "id": doc_id,
                    "key": content_hash(body),
                    "ext": ext,
                    "title": title,
                    "body": body,
                    "words": len(body.split()),
                    "source": source,
                    "published": published,
                    "meta": json.dumps(meta),
                },
            )
            connection.execute(
                text(
                    "INSERT INTO analyses (id, document_id, model_name, model_version) "
                    "VALUES (:id, :id, 'phrase-model', '1')"
                ),
                {"id": doc_id},
            )
        connection.execute(
            text(
                'INSERT INTO spans (analysis_id, start, "end", technique, score) VALUES '
                "(3, 4, 14, 'Loaded_Language', 0.92), (3, 27, 35, 'Name_Calling,Labeling', 0.77)"
            )
        )
        if revision >= "0002":
            connection.execute(
                text(
                    "INSERT INTO models (name, version, fingerprint) "
                    "VALUES ('phrase-model', '1', 'phrases-1')"
                )
            )
    engine.dispose()


def _check_carried_over(engine: Engine) -> None:
    records = {r["id"]: r for r in document_records(engine)}
    assert set(records) == {3, 7}, "each document keeps its id"
    wire = records[3]
    assert (wire["external_id"], wire["title"], wire["source"], wire["published"]) == (
        "wire-1",
        "Plan fails",
        "Wire",
        "2024-03-02",
    )
    analysis = load_analysis(engine, 3)
    assert analysis is not None and analysis.document.metadata == {"desk": "politics"}
    assert [s.text_in(analysis.document.text) for s in analysis.spans] == ["disastrous", "traitors"]
    by_source = {g.group: g for g in stats(engine, "source").groups}
    assert by_source["Wire"].documents == 1 and by_source["Wire"].share("Loaded_Language") == 1.0
    assert [h.document_id for h in search(engine, "traitors")] == [3]
    assert [e.document_id for e in examples(engine, "Loaded_Language")] == [3]


def test_a_store_of_the_previous_schema_is_carried_over(db_url: str, tmp_path: Path) -> None:
    _old_store(db_url, "0002")
    engine = open_engine(db_url)
    _check_carried_over(engine)
    copy = tmp_path / "copy.jsonl"
    copy.write_text(
        json.dumps(
            {
                "id": "b-9",
                "text": OLD_DOCUMENTS[0][3],
                "source": "Outlet B",
                "published": "2024-03-03",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    analyzer = PhraseAnalyzer()
    summary = ingest([copy], engine, analyzer)
    assert (summary.added, summary.texts, analyzer.analysed) == (1, 0, 0)
    sources = {g.group: g.documents for g in stats(engine, "source").groups}
    assert sources == {"Wire": 1, "Outlet B": 1, "(unknown)": 1}
    new_id = max(r["id"] for r in document_records(engine))
    assert new_id > 7, "new documents are numbered after the carried-over ones"
    engine.dispose()


def test_a_store_of_the_first_schema_is_carried_over(db_url: str) -> None:
    _old_store(db_url, "0001")
    engine = open_engine(db_url)
    _check_carried_over(engine)
    engine.dispose()
