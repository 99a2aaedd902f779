"""Syndicated copies: one text, many documents, each with its own metadata, all counted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from storage.conftest import PhraseAnalyzer
from unspin.storage.browse import examples, list_documents
from unspin.storage.db import open_engine
from unspin.storage.export import document_records, span_records
from unspin.storage.ingest import ingest
from unspin.storage.search import search
from unspin.storage.stats import stats

WIRE = "The disastrous plan of the traitors, reported by the wire."


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_each_copy_of_a_text_is_a_document_of_its_own(
    db_url: str, tmp_path: Path, analyzer: PhraseAnalyzer
) -> None:
    path = _write(
        tmp_path / "wire.jsonl",
        [
            {"id": "a-1", "text": WIRE, "source": "Outlet A", "published": "2024-03-01"},
            {"id": "b-7", "text": WIRE, "source": "Outlet B", "published": "2024-04-02",
             "url": "https://b.example/7", "desk": "world"},
            {"id": "c-1", "text": "The council met on Tuesday.", "source": "Outlet B"},
        ],
    )  # fmt: skip
    engine = open_engine(db_url)
    summary = ingest([path], engine, analyzer)
    assert (summary.added, summary.texts, summary.analysed) == (3, 2, 2)
    assert analyzer.analysed == 2, "one analysis per distinct text"

    by_source = {g.group: g for g in stats(engine, "source").groups}
    assert by_source["Outlet A"].documents == 1
    assert (by_source["Outlet B"].documents, by_source["Outlet B"].texts) == (2, 2)
    assert by_source["Outlet B"].share("Loaded_Language") == 0.5
    everything = stats(engine, "all").groups[0]
    assert (everything.documents, everything.texts) == (3, 2)
    months = {g.group: g.documents for g in stats(engine, "month").groups}
    assert months == {"2024-03": 1, "2024-04": 1}

    records = {r["external_id"]: r for r in document_records(engine)}
    assert records["b-7"]["source"] == "Outlet B" and records["b-7"]["url"] == "https://b.example/7"
    assert records["a-1"]["text_id"] == records["b-7"]["text_id"]
    spans = list(span_records(engine))
    assert {s["document_id"] for s in spans if s["technique"] == "Loaded_Language"} == {
        "a-1",
        "b-7",
    }, "span exports carry each document's own id"
    items, total = list_documents(engine)
    assert total == 3 and {i.external_id for i in items} == {"a-1", "b-7", "c-1"}
    [hit] = search(engine, "wire")
    assert hit.copies == 2
    [example] = examples(engine, "Loaded_Language")
    assert example.copies == 2
    engine.dispose()


def test_a_record_read_again_with_corrected_metadata_updates_its_document(
    db_url: str, tmp_path: Path, analyzer: PhraseAnalyzer
) -> None:
    record = {"id": "b-7", "text": WIRE, "source": "Outlet B", "published": "2024-04-02"}
    engine = open_engine(db_url)
    ingest([_write(tmp_path / "first.jsonl", [record])], engine, analyzer)
    corrected = {**record, "published": "2024-04-03", "title": "Wire story"}
    again = ingest([_write(tmp_path / "again.jsonl", [corrected])], engine, analyzer)
    assert (again.added, again.updated, again.analysed) == (0, 1, 0)
    [stored] = document_records(engine)
    assert (stored["published"], stored["title"]) == ("2024-04-03", "Wire story")
    unchanged = ingest([tmp_path / "again.jsonl"], engine, analyzer)
    assert (unchanged.added, unchanged.updated, unchanged.unchanged) == (0, 0, 1)
    engine.dispose()


def test_nul_characters_cost_only_themselves(
    db_url: str, tmp_path: Path, analyzer: PhraseAnalyzer
) -> None:
    records: list[dict[str, Any]] = [
        {"id": f"n{i}", "text": f"Report {i}: the traitors.", "source": "Feed"} for i in range(10)
    ]
    records[4] = {
        "id": "n4",
        "text": "The tra\u0000itors.",
        "title": "T\u0000",
        "source": "F\u0000",
        "metadata": {"k\u0000": ["v\u0000"]},
    }
    path = _write(tmp_path / "nul.jsonl", records)
    engine = open_engine(db_url)
    summary = ingest([path], engine, analyzer, batch_size=4)
    assert (summary.added, summary.errors) == (10, [])
    assert [str(w) for w in summary.warnings] == [
        "n4: NUL characters removed (text, title, source, metadata)"
    ]
    stored = {r["external_id"]: r for r in document_records(engine)}
    assert (stored["n4"]["text"], stored["n4"]["source"]) == ("The traitors.", "F")
    engine.dispose()
