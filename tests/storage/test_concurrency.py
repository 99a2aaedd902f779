"""Two ingest processes at once on one new database, with overlapping input: both succeed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.corpus_files import write_jsonl
from unspin.storage.db import open_engine
from unspin.storage.models import AnalysisRow, DocumentRow, TextRow

SLOW_INGEST = Path(__file__).with_name("slow_ingest.py")


def test_two_ingests_at_once_both_succeed_and_store_each_document_once(
    db_url: str, tmp_path: Path
) -> None:
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    write_jsonl(first, 60)
    write_jsonl(second, 60, start=30)  # documents 30-59 are in both files
    copy = {**json.loads(first.read_text().splitlines()[1]), "id": "copy", "source": "Elsewhere"}
    with second.open("a", encoding="utf-8") as handle:  # and a copy of one text, elsewhere
        handle.write(json.dumps(copy) + "\n")
    command = [sys.executable, str(SLOW_INGEST), "ingest", "--db", db_url, "--batch-size", "5"]
    processes = [
        subprocess.Popen(
            [*command, str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for path in (first, second)
    ]
    for process in processes:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        assert "Traceback" not in err and "INSERT" not in err
    engine = open_engine(db_url)
    with Session(engine) as session:
        documents = session.scalar(select(func.count()).select_from(DocumentRow))
        texts = session.scalar(select(func.count()).select_from(TextRow))
        analyses = session.scalar(select(func.count()).select_from(AnalysisRow))
    engine.dispose()
    assert (documents, texts, analyses) == (91, 90, 90)
