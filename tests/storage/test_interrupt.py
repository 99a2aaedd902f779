"""Kill an ingest (a real subprocess, SIGKILL) midway, run it again: nothing lost, nothing twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.corpus_files import write_jsonl
from unspin.storage.db import open_engine
from unspin.storage.models import AnalysisRow, DocumentRow, TextRow

ROOT = Path(__file__).resolve().parents[2]
SLOW_INGEST = Path(__file__).with_name("slow_ingest.py")
MODEL_CONFIG = ROOT / "src" / "unspin" / "models" / "default" / "config.json"
UNSPIN = Path(sys.executable).with_name("unspin")


def _stored(url: str) -> tuple[int, int, int]:
    engine = open_engine(url)
    with Session(engine) as session:
        documents = session.scalar(select(func.count()).select_from(DocumentRow)) or 0
        hashes = session.scalar(select(func.count(func.distinct(TextRow.content_hash)))) or 0
        per_version = session.execute(
            select(AnalysisRow.text_id, AnalysisRow.model_version, func.count())
            .group_by(AnalysisRow.text_id, AnalysisRow.model_version)
            .having(func.count() > 1)
        ).all()
        analyses = session.scalar(select(func.count()).select_from(AnalysisRow)) or 0
    engine.dispose()
    assert documents == hashes and not per_version
    return documents, analyses, hashes


def _kill_midway(command: list[str], url: str, at_least: int, total: int) -> None:
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ}
    )
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
            try:
                stored = _stored(url)[0]
            except Exception:  # the first process may still be creating the tables
                continue
            if stored >= at_least:
                break
        assert process.poll() is None, "ingest finished before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    documents, _, _ = _stored(url)
    assert at_least <= documents < total


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


def test_sigkill_then_rerun_stores_each_document_once(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    write_jsonl(path, 150)
    command = [
        sys.executable,
        str(SLOW_INGEST),
        "ingest",
        str(path),
        "--db",
        db_url,
        "--batch-size",
        "5",
    ]
    _kill_midway(command, db_url, at_least=20, total=150)
    _run(command)
    assert _stored(db_url) == (150, 150, 150)
    _run(command)
    assert _stored(db_url) == (150, 150, 150)


@pytest.mark.skipif(not MODEL_CONFIG.is_file(), reason=f"no shipped model ({MODEL_CONFIG})")
def test_sigkill_real_unspin_ingest(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'corpus.db'}"
    path = tmp_path / "docs.jsonl"
    write_jsonl(path, 80)
    command = [str(UNSPIN), "ingest", str(path), "--db", url, "--batch-size", "4"]
    _kill_midway(command, url, at_least=8, total=80)
    _run(command)
    assert _stored(url) == (80, 80, 80)


def test_ctrl_c_says_what_was_done_and_how_to_go_on(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    write_jsonl(path, 150)
    command = [sys.executable, str(SLOW_INGEST), "ingest", str(path), "--db", db_url]
    process = subprocess.Popen(
        [*command, "--batch-size", "5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A shell's background job (`pytest ... &`) ignores SIGINT, and a child inherits that:
        # give the ingest the disposition a terminal's Ctrl-C meets.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
        try:
            if _stored(db_url)[0] >= 20:
                break
        except Exception:  # the process may still be creating the tables
            continue
    assert process.poll() is None, "ingest finished before it could be interrupted"
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert out == ""
    assert "documents read:" in err and "run the same command to continue" in err
    assert "Traceback" not in err
    _run([*command, "--batch-size", "5"])
    assert _stored(db_url) == (150, 150, 150)
