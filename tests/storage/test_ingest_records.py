"""Records as they come: dates in common forms, stray bytes; nothing dropped that can be kept."""

from __future__ import annotations

import json
from pathlib import Path

from storage.conftest import PhraseAnalyzer
from unspin.storage.db import open_engine
from unspin.storage.export import document_records
from unspin.storage.ingest import ingest


def test_dates_in_common_forms_and_undated_records_are_kept(
    db_url: str, tmp_path: Path, analyzer: PhraseAnalyzer
) -> None:
    dates = {"a": "March 2, 2024", "b": "2024-03", "c": "1709337600", "d": "sometime"}
    path = tmp_path / "dates.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": k, "text": f"Text {k}.", "published": v}) + "\n"
            for k, v in dates.items()
        ),
        encoding="utf-8",
    )
    engine = open_engine(db_url)
    summary = ingest([path], engine, analyzer)
    assert (summary.added, summary.errors) == (4, [])
    assert [str(w) for w in summary.warnings] == [
        f"{path}:4: published 'sometime' is not a date: stored undated"
    ]
    stored = {r["external_id"]: r["published"] for r in document_records(engine)}
    assert stored == {"a": "2024-03-02", "b": "2024-03-01", "c": "2024-03-02", "d": None}
    engine.dispose()


def test_one_stray_byte_costs_one_character(
    db_url: str, tmp_path: Path, analyzer: PhraseAnalyzer
) -> None:
    path = tmp_path / "zoe.jsonl"
    lines = [json.dumps({"id": str(i), "text": f"Zoë {i}."}, ensure_ascii=False) for i in range(4)]
    data = "\n".join(lines).encode() + b'\n{"id": "x", "text": "Zo\xeb x \xff."}\n'
    path.write_bytes(data)
    engine = open_engine(db_url)
    summary = ingest([path], engine, analyzer)
    assert (summary.added, summary.errors) == (5, [])
    assert len(summary.warnings) == 1 and "line 5 was not UTF-8" in str(summary.warnings[0])
    texts = {r["external_id"]: r["text"] for r in document_records(engine)}
    assert texts["0"] == "Zoë 0." and texts["x"].startswith("Zoë x ")
    engine.dispose()
