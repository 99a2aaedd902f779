"""Documents in a language the model does not read are marked, and never counted as clean."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pytest

from storage.conftest import PhraseAnalyzer
from unspin.language import detect_language
from unspin.schema import Analysis, Document
from unspin.storage.db import open_engine
from unspin.storage.export import stats_records
from unspin.storage.ingest import ingest
from unspin.storage.stats import stats

TEXTS = [
    ("en", "Wire", "The disastrous plan of the government will ruin the country, say critics."),
    ("en", "Wire", "The council met on Tuesday and agreed the budget for the coming year."),
    ("ar", "Arabic desk", "هؤلاء الخونة في الحكومة باعوا الوطن للأجانب ويجب محاسبتهم جميعا الآن"),
    (
        "fr",
        "French desk",
        "Les médias cachent la vérité aux citoyens depuis des années, disent-ils.",
    ),
]


class DetectingAnalyzer(PhraseAnalyzer):
    """The phrase analyzer, English only, with the language detection the real one does."""

    def analyze_batch(self, items: Iterable[Document]) -> list[Analysis]:
        analyses = super().analyze_batch(items)
        for analysis in analyses:
            analysis.language = detect_language(analysis.document.text)
        return analyses


def test_unreadable_documents_are_left_out_of_statistics_and_counted_apart(
    db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": f"{i}", "text": text, "source": source}, ensure_ascii=False) + "\n"
            for i, (_, source, text) in enumerate(TEXTS)
        ),
        encoding="utf-8",
    )
    engine = open_engine(db_url)
    ingest([path], engine, DetectingAnalyzer())
    by_source = {g.group: g for g in stats(engine, "source").groups}
    assert (by_source["Wire"].documents, by_source["Wire"].unreadable) == (2, 0)
    assert by_source["Wire"].share("Loaded_Language") == 0.5
    for desk in ("Arabic desk", "French desk"):
        assert (by_source[desk].documents, by_source[desk].unreadable) == (0, 1)
        assert by_source[desk].documents_with == {}
    shares = {g["group"]: g["share"] for g in stats(engine, "source").to_dict()["groups"]}
    assert set(shares["Arabic desk"].values()) == {None}, "no share, rather than 0%"
    by_language = {g.group: g for g in stats(engine, "language").groups}
    assert set(by_language) == {"en", "ar", "fr"} and by_language["ar"].unreadable == 1
    [everything] = stats(engine, "all").groups
    assert (everything.documents, everything.unreadable) == (2, 2)
    [record] = stats_records(stats(engine, "all"))
    assert record["unreadable"] == 2
    engine.dispose()


def test_the_dashboard_and_stats_say_what_was_left_out(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner
    from fastapi.testclient import TestClient

    from storage.test_dashboard import WebAnalyzer
    from unspin.cli.main import main
    from unspin.web import create_app

    path = tmp_path / "mixed.jsonl"
    path.write_text(
        "".join(json.dumps({"text": t, "source": s}) + "\n" for _, s, t in TEXTS), "utf-8"
    )
    runner = CliRunner()
    monkeypatch.setattr("unspin.cli.corpus.load_analyzer", lambda model: DetectingAnalyzer())
    assert runner.invoke(main, ["ingest", str(path), "--db", db_url]).exit_code == 0
    shown = runner.invoke(main, ["stats", "--db", db_url])
    assert "2 documents in a language the model does not read left out" in shown.output
    with TestClient(create_app(WebAnalyzer(), db_url=db_url)) as client:  # type: ignore[arg-type]
        page = client.get("/dashboard").text
    assert "2 documents in a language the model does not read left out" in page
