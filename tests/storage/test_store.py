"""The store on SQLite and PostgreSQL: ingest, dedupe, model versions, mixed input, queries."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.conftest import PhraseAnalyzer
from storage.corpus_files import write_jsonl, write_mixed
from unspin.schema import Analysis, Document
from unspin.storage.browse import examples
from unspin.storage.db import database_url, open_engine
from unspin.storage.export import document_records, span_records, stats_records, write_records
from unspin.storage.filters import Filters, models
from unspin.storage.ingest import ingest
from unspin.storage.models import AnalysisRow, DocumentRow, SpanRow, TextRow
from unspin.storage.plots import plot_stats
from unspin.storage.search import search
from unspin.storage.stats import stats
from unspin.storage.write import ModelMismatchError


def _counts(url: str) -> tuple[int, int, int, int]:
    """Documents, texts, analyses and spans stored."""
    engine = open_engine(url)
    with Session(engine) as session:
        counts = tuple(
            session.scalar(select(func.count()).select_from(table)) or 0
            for table in (DocumentRow, TextRow, AnalysisRow, SpanRow)
        )
    engine.dispose()
    return counts  # type: ignore[return-value]


def test_postgres_urls_use_psycopg() -> None:
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_default_database_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UNSPIN_DB", raising=False)
    assert database_url(None) == "sqlite:///unspin.db"
    monkeypatch.setenv("UNSPIN_DB", "postgresql://env/db")
    assert database_url(None) == "postgresql+psycopg://env/db"


def test_rerun_adds_nothing_and_skips_analysed(
    db_url: str, tmp_path: Path, analyzer: PhraseAnalyzer
) -> None:
    path = tmp_path / "docs.jsonl"
    write_jsonl(path, 12)
    engine = open_engine(db_url)
    first = ingest([path], engine, analyzer, batch_size=5)
    assert (first.read, first.added, first.analysed, first.errors) == (12, 12, 12, [])
    before = _counts(db_url)
    again = ingest([path, path], engine, analyzer, batch_size=5)
    assert (again.added, again.analysed, again.already_analysed) == (0, 0, 24)
    assert analyzer.analysed == 12
    assert _counts(db_url) == before
    engine.dispose()


def test_the_same_record_twice_is_stored_once(
    db_url: str, tmp_path: Path, analyzer: PhraseAnalyzer
) -> None:
    path = tmp_path / "dupes.jsonl"
    record = json.dumps({"id": "a", "text": "The traitors again."})
    path.write_text(f"{record}\n{record}\n", encoding="utf-8")
    engine = open_engine(db_url)
    summary = ingest([path], engine, analyzer)
    assert (summary.added, summary.texts, summary.unchanged) == (1, 1, 1)
    assert _counts(db_url)[:3] == (1, 1, 1)
    engine.dispose()


def test_new_model_version_adds_analysis_beside_old(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    write_jsonl(path, 6)
    engine = open_engine(db_url)
    ingest([path], engine, PhraseAnalyzer("1"))
    newer = PhraseAnalyzer("2")
    summary = ingest([path], engine, newer)
    assert (summary.added, summary.analysed) == (0, 6)
    documents, texts, analyses, _ = _counts(db_url)
    assert (documents, texts, analyses) == (6, 6, 12)
    assert [(m.version, n) for m, n in models(engine)] == [("1", 6), ("2", 6)]
    engine.dispose()


def test_a_newer_version_supersedes_the_older_in_every_view(db_url: str, tmp_path: Path) -> None:
    """Views read the newest version of a model name: texts it has not read yet drop out of
    them (an export still lists their documents, naming no model) until it reads them."""
    everything, some = tmp_path / "all.jsonl", tmp_path / "some.jsonl"
    write_jsonl(everything, 6)
    write_jsonl(some, 3)
    engine = open_engine(db_url)
    ingest([everything], engine, PhraseAnalyzer("1"))
    ingest([some], engine, PhraseAnalyzer("2"))
    result = stats(engine, "all")
    assert result.groups[0].documents == 3 and [m.version for m in result.models] == ["2"]
    assert stats(engine, "all", Filters(model="phrase-model@1")).groups[0].documents == 6
    assert stats(engine, "all", Filters(model="phrase-model")).groups[0].documents == 3
    assert {r["model_version"] for r in span_records(engine)} == {"2"}
    versions = [r["model_version"] for r in document_records(engine)]
    assert sorted(versions, key=str) == ["2", "2", "2", None, None, None]
    ingest([everything], engine, PhraseAnalyzer("2"))
    assert stats(engine, "all").groups[0].documents == 6
    engine.dispose()


def test_another_model_under_a_stored_name_and_version_is_refused(
    db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "docs.jsonl"
    write_jsonl(path, 6)
    engine = open_engine(db_url)
    ingest([path], engine, PhraseAnalyzer("1"))
    before = _counts(db_url)
    retrained = PhraseAnalyzer("1", fingerprint="phrases-2")
    with pytest.raises(
        ModelMismatchError, match="fingerprint phrases-1; this model's is phrases-2"
    ):
        ingest([path], engine, retrained)
    assert retrained.analysed == 0
    assert _counts(db_url) == before
    again = ingest([path], engine, PhraseAnalyzer("1"))
    assert again.already_analysed == 6
    unknown = ingest([path], engine, PhraseAnalyzer("1", fingerprint=None))
    assert unknown.already_analysed == 6, "a model without a fingerprint is not checked"
    engine.dispose()


def test_mixed_directory_keeps_good_records_and_names_bad_ones(
    db_url: str, tmp_path: Path, analyzer: PhraseAnalyzer
) -> None:
    bad = write_mixed(tmp_path / "mixed")
    engine = open_engine(db_url)
    summary = ingest([tmp_path / "mixed"], engine, analyzer)
    errors = [str(e) for e in summary.errors]
    assert len(errors) == len(bad), errors
    for where in bad.values():
        assert any(where in message for message in errors), (where, errors)
    assert summary.added == 6  # good.txt, page.html, 2 csv rows, 2 jsonl lines
    with Session(engine) as session:
        titles = set(session.scalars(select(DocumentRow.title)))
        texts = " ".join(session.scalars(select(TextRow.text)))
    assert "Op-ed" in titles
    assert "The market closed flat." in texts and "Rain is expected" in texts
    engine.dispose()


def test_queries_on_a_small_corpus(db_url: str, tmp_path: Path, analyzer: PhraseAnalyzer) -> None:
    path = tmp_path / "docs.jsonl"
    write_jsonl(path, 24)
    engine = open_engine(db_url)
    ingest([path], engine, analyzer)

    by_source = stats(engine, "source")
    assert sum(g.documents for g in by_source.groups) == 24
    bugle = next(g for g in by_source.groups if g.group == "Daily Bugle")
    assert bugle.share("Loaded_Language") == 0.0  # i % 3 == 0: the budget reports
    planet = next(g for g in by_source.groups if g.group == "Planet")
    assert planet.share("Loaded_Language") == 1.0
    assert planet.spans_per_1000_words == pytest.approx(1000 * planet.spans / planet.words)
    by_month = stats(engine, "month", Filters(technique="Flag-Waving"))
    assert [g.group for g in by_month.groups] == ["2020-01", "2020-02", "2020-03", "2020-04"]
    assert by_month.techniques == ["Flag-Waving"]
    assert by_month.to_dict()["groups"][0]["share"].keys() == {"Flag-Waving"}
    since = stats(engine, "week", Filters(since=date(2020, 3, 1)))
    assert all(g.group >= "2020-W09" for g in since.groups)

    found = examples(engine, "Name_Calling,Labeling", Filters(source="Sentinel"), limit=3)
    assert len(found) == 3
    assert all(e.span.lower().startswith("traitor") and e.source == "Sentinel" for e in found)
    assert "disastrous plan of the" in found[0].before

    hits = search(engine, "council budget")
    assert len(hits) == 8 and all("council" in h.snippet for h in hits)
    traitors = search(engine, "traitors")
    assert traitors and all(h.techniques == {"Name_Calling,Labeling": 1} for h in traitors)
    assert search(engine, "nothing-like-this") == []

    out = tmp_path / "docs.csv"
    assert write_records(document_records(engine), "csv", out) == 24
    spans_out = tmp_path / "spans.parquet"
    assert write_records(span_records(engine), "parquet", spans_out) == _counts(db_url)[3]
    import pyarrow.parquet as pq

    table = pq.read_table(spans_out)
    assert set(table.column("technique").to_pylist()) >= {"Loaded_Language", "Flag-Waving"}
    rows = list(stats_records(by_source))
    assert rows[0]["source"] and "share:Loaded_Language" in rows[0]

    plot_stats(by_source, tmp_path / "sources.png")
    plot_stats(stats(engine, "month"), tmp_path / "months.svg")
    assert (tmp_path / "sources.png").read_bytes()[:4] == b"\x89PNG"
    assert "<svg" in (tmp_path / "months.svg").read_text(encoding="utf-8")
    engine.dispose()


class FailingAnalyzer(PhraseAnalyzer):
    """Fails on any batch holding the word EXPLODE."""

    def analyze_batch(self, items: Iterable[Document]) -> list[Analysis]:
        documents = list(items)
        if any("EXPLODE" in d.text for d in documents):
            raise ValueError("text too long")
        return super().analyze_batch(documents)


def test_a_document_the_analyzer_fails_on_is_reported_and_retried(
    db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "docs.jsonl"
    texts = ["The traitors.", "EXPLODE here.", "True patriots."]
    path.write_text(
        "".join(json.dumps({"id": f"d{i}", "text": t}) + "\n" for i, t in enumerate(texts))
    )
    engine = open_engine(db_url)
    summary = ingest([path], engine, FailingAnalyzer())
    assert summary.analysed == 2
    assert [str(e) for e in summary.errors] == ["d1: not analysed: text too long"]
    again = ingest([path], engine, PhraseAnalyzer())
    assert (again.added, again.analysed) == (1, 1)
    engine.dispose()


def test_opening_for_reading_never_creates_a_store(db_url: str) -> None:
    from sqlalchemy import inspect

    from unspin.storage.db import StoreNotFoundError

    with pytest.raises(StoreNotFoundError):
        open_engine(db_url, create=False)
    if db_url.startswith("sqlite:///"):
        assert not Path(db_url.removeprefix("sqlite:///")).exists()
    else:
        engine = open_engine(db_url, migrate=False)
        assert inspect(engine).get_table_names() == []
        engine.dispose()
    open_engine(db_url).dispose()  # an ingest creates it
    open_engine(db_url, create=False).dispose()
