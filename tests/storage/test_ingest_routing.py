"""Ingest sends each text to the model for its language and stores which model read it."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from unspin.cli.main import main
from unspin.inference import Router
from unspin.inference.model_folder import DEFAULT_MODEL_DIR, ModelConfig
from unspin.storage.db import open_engine
from unspin.storage.filters import models
from unspin.storage.ingest import ingest
from unspin.storage.models import AnalysisRow, DocumentRow

ENGLISH_MODEL = ModelConfig.load(DEFAULT_MODEL_DIR).name
TEXTS = {
    "en": "The disastrous plan of the government will ruin the country, say the critics.",
    "ar": "هؤلاء الخونة يكذبون على الشعب كل يوم، فإما أن تكون معنا أو مع الإرهاب.",
}


def _write(path: Path) -> Path:
    lines = [json.dumps({"id": k, "text": t}, ensure_ascii=False) + "\n" for k, t in TEXTS.items()]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _read_by(db_url: str) -> dict[str, tuple[str, bool | None]]:
    """Document id -> (the model that read its text, whether that model reads its language)."""
    with Session(open_engine(db_url, create=False)) as session:
        rows = session.execute(
            select(DocumentRow.external_id, AnalysisRow.model_name, AnalysisRow.readable).join(
                AnalysisRow, AnalysisRow.text_id == DocumentRow.text_id
            )
        ).all()
    return {str(doc): (name, readable) for doc, name, readable in rows}


def test_each_text_is_read_and_stored_with_the_model_for_its_language(
    db_url: str, tmp_path: Path, installed_multilingual: dict[Path, ModelConfig]
) -> None:
    path = _write(tmp_path / "mixed.jsonl")
    engine = open_engine(db_url)
    summary = ingest([path], engine, Router(threads=1))
    assert summary.analysed == 2
    assert {info.name: n for info, n in summary.analysed_by.items()} == {
        ENGLISH_MODEL: 1,
        "tiny-multilingual": 1,
    }
    assert _read_by(db_url) == {"en": (ENGLISH_MODEL, True), "ar": ("tiny-multilingual", True)}
    assert {info.name: n for info, n in models(engine)} == {
        ENGLISH_MODEL: 1,
        "tiny-multilingual": 1,
    }
    again = ingest([path], engine, Router(threads=1))
    assert (again.analysed, again.already_analysed) == (0, 2)

    # --model fixes the model: the English model reads the Arabic text too, and marks it unread.
    result = CliRunner().invoke(
        main, ["ingest", str(path), "--db", db_url, "--model", "fast", "--source", "again"]
    )
    assert result.exit_code == 0, result.output
    assert f"1 analysed by {ENGLISH_MODEL}" in result.output
    assert {info.name: n for info, n in models(engine)}[ENGLISH_MODEL] == 2  # it read both now


def test_with_only_the_english_model_arabic_is_stored_as_unread(
    db_url: str, tmp_path: Path, english_only: dict[Path, ModelConfig]
) -> None:
    """Without the multilingual package: the CLI routes, the English model reads everything,
    and says so."""
    path = _write(tmp_path / "mixed.jsonl")
    result = CliRunner().invoke(main, ["ingest", str(path), "--db", db_url])
    assert result.exit_code == 0, result.output
    assert f"2 analysed by {ENGLISH_MODEL}" in result.output
    assert _read_by(db_url) == {"en": (ENGLISH_MODEL, True), "ar": (ENGLISH_MODEL, False)}
