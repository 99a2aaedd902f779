"""Loading ``unspin batch`` output into the corpus store (``unspin ingest OUTDIR``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from storage.conftest import db_url  # noqa: F401  (the store tests' database on each backend)
from unspin.batch import LocalEngine, run_batch
from unspin.cli.main import main
from unspin.storage.db import open_engine
from unspin.storage.export import document_records, span_records


@pytest.fixture(scope="module")
def outdir(inputs: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("batch") / "out"
    run_batch(inputs, folder, LocalEngine(workers=1))
    return folder


def _contents(url: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    engine = open_engine(url)
    documents = sorted(
        (r["external_id"], r["title"], r["source"], r["published"], r["content_hash"])
        for r in document_records(engine)
    )
    spans = sorted(
        tuple(value for key, value in r.items() if key != "text_id") for r in span_records(engine)
    )
    engine.dispose()
    return documents, spans


def test_load_stores_what_ingest_would_and_is_idempotent(
    db_url: str,  # noqa: F811
    inputs: list[Path],
    expected: list[str],
    outdir: Path,
    tmp_path: Path,
) -> None:
    runner = CliRunner()
    loaded = runner.invoke(main, ["ingest", str(outdir), "--db", db_url])
    assert loaded.exit_code == 0, loaded.output
    assert f"{len(expected)} new documents, {len(expected) - 1} new texts" in loaded.output
    documents, spans = _contents(db_url)
    assert len(documents) == len(expected) and spans

    ingested_url = f"sqlite:///{tmp_path / 'ingested.db'}"
    ingested = runner.invoke(main, ["ingest", *map(str, inputs), "--db", ingested_url])
    assert ingested.exit_code == 3, ingested.output  # the two bad records are skipped
    assert _contents(ingested_url) == (documents, spans)

    again = runner.invoke(main, ["ingest", str(outdir), "--db", db_url])
    assert again.exit_code == 0, again.output
    assert "0 new documents, 0 new texts, 0 analyses (0 spans) stored" in again.output
    assert _contents(db_url) == (documents, spans)


def test_batch_folder_with_other_paths_or_options_is_refused(
    outdir: Path, inputs: list[Path], tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'corpus.db'}"
    runner = CliRunner()
    mixed = runner.invoke(main, ["ingest", str(outdir), str(inputs[0]), "--db", db])
    assert mixed.exit_code == 2 and "batch` output folder" in mixed.output
    with_model = runner.invoke(main, ["ingest", str(outdir), "--model", "x", "--db", db])
    assert with_model.exit_code == 2
