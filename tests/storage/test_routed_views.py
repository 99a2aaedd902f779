"""Corpus views of a store routed by language: English texts read by the English model, Arabic
texts by the (tiny) multilingual model. Every view sees each document once, with the analysis of
the model that read it; ``--model`` narrows to one model; a text read again by another model
counts with its newest reading, unless that model does not read the text's language."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from unspin.cli.main import main
from unspin.inference import Router
from unspin.inference.model_folder import DEFAULT_MODEL_DIR, ModelConfig
from unspin.storage.browse import list_documents, load_analysis
from unspin.storage.db import open_engine
from unspin.storage.export import annotated_documents, document_records, span_records
from unspin.storage.filters import Filters, UnknownModelError, models
from unspin.storage.ingest import ingest
from unspin.storage.search import search
from unspin.storage.stats import stats
from unspin.web import create_app

ENGLISH_MODEL = ModelConfig.load(DEFAULT_MODEL_DIR).name
TINY = "tiny-multilingual"
ARABIC_WORD = "الخونة"
RECORDS = [
    ("en-1", "Bugle", "The disastrous plan of the government will ruin the country, critics say."),
    (
        "en-1b",
        "Planet",
        "The disastrous plan of the government will ruin the country, critics say.",
    ),
    (
        "en-2",
        "Planet",
        "The council will meet on Tuesday to discuss the budget for the coming year.",
    ),
    ("ar-1", "Al Yawm", "هؤلاء الخونة يكذبون على الشعب كل يوم، فإما أن تكون معنا أو مع الإرهاب."),
    ("ar-2", "Al Yawm", "قال الوزير إن الخونة سيدفعون الثمن غاليا بعد أن باعوا الوطن للأعداء."),
]
"""Five documents of four texts (``en-1b`` is a copy of ``en-1`` in another source)."""
ROUTED = {doc: ENGLISH_MODEL if doc.startswith("en") else TINY for doc, _, _ in RECORDS}


@pytest.fixture
def corpus(
    db_url: str, tmp_path: Path, installed_multilingual: dict[Path, ModelConfig]
) -> Iterator[tuple[Engine, Path, str]]:
    """The mixed corpus ingested with routing (each text read by the model for its language)."""
    path = tmp_path / "mixed.jsonl"
    lines = [
        json.dumps({"id": doc, "source": source, "text": text, "published": f"2024-0{i + 1}-01"})
        for i, (doc, source, text) in enumerate(RECORDS)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    engine = open_engine(db_url)
    summary = ingest([path], engine, Router(threads=1))
    assert Counter({info.name: n for info, n in summary.analysed_by.items()}) == {
        ENGLISH_MODEL: 2,
        TINY: 2,
    }
    yield engine, path, db_url
    engine.dispose()


def _read_by(engine: Engine, filters: Filters | None = None) -> dict[str, str]:
    """External id -> the model whose analysis the document export names (each document once)."""
    records = list(document_records(engine, filters))
    ids = [r["external_id"] for r in records]
    assert len(ids) == len(set(ids)), ids
    return {r["external_id"]: r["model_name"] for r in records}


def test_every_view_sees_each_document_once_with_the_model_that_read_it(
    corpus: tuple[Engine, Path, str],
) -> None:
    engine, _, _ = corpus
    everything = stats(engine, "all")
    [total] = everything.groups
    assert (total.documents, total.texts, total.unreadable) == (5, 4, 0)
    assert [m.name for m in everything.models] == sorted([ENGLISH_MODEL, TINY])
    by_model = stats(engine, "model")
    versions = {m.name: m.version for m, _ in models(engine)}
    assert {g.group: g.documents for g in by_model.groups} == {
        f"{ENGLISH_MODEL}@{versions[ENGLISH_MODEL]}": 3,
        f"{TINY}@{versions[TINY]}": 2,
    }
    by_source = {g.group: g.documents for g in stats(engine, "source").groups}
    assert by_source == {"Bugle": 1, "Planet": 2, "Al Yawm": 2}

    items, count = list_documents(engine)
    assert count == 5 and len({item.id for item in items}) == 5
    assert {item.external_id: item.model_name for item in items} == ROUTED
    assert _read_by(engine) == ROUTED

    spans = list(span_records(engine))
    assert spans, "the English model finds the loaded language of en-1"
    assert {r["document_id"]: r["model_name"] for r in spans}.items() <= ROUTED.items()
    assert len({(r["document_id"], r["model_name"]) for r in spans}) == len(
        {r["document_id"] for r in spans}
    ), "no document's spans come from two models"
    assert {a.document.id: a.model.name for a in annotated_documents(engine)} == ROUTED
    for technique in {r["technique"] for r in spans}:
        with_it = {r["document_id"] for r in spans if r["technique"] == technique}
        assert set(_read_by(engine, Filters(technique=technique))) == with_it

    hits = search(engine, ARABIC_WORD)
    assert sorted(h.external_id for h in hits) == ["ar-1", "ar-2"]
    assert [h.external_id for h in search(engine, "council")] == ["en-2"]
    arabic_page = next(item for item in items if item.external_id == "ar-1")
    analysis = load_analysis(engine, arabic_page.id)
    assert analysis is not None and analysis.model.name == TINY


def test_a_model_filter_narrows_every_view_to_that_model(corpus: tuple[Engine, Path, str]) -> None:
    engine, _, _ = corpus
    only = Filters(model=TINY)
    [group] = stats(engine, "all", only).groups
    assert (group.documents, group.texts) == (2, 2)
    assert _read_by(engine, only) == {"ar-1": TINY, "ar-2": TINY}
    assert list_documents(engine, only)[1] == 2
    assert {r["model_name"] for r in span_records(engine, filters=only)} <= {TINY}
    assert search(engine, "council", filters=only) == []
    version = {m.name: m.version for m, _ in models(engine)}[ENGLISH_MODEL]
    english = Filters(model=f"{ENGLISH_MODEL}@{version}")
    assert stats(engine, "all", english).groups[0].documents == 3
    for unknown in ("no-such-model", f"{ENGLISH_MODEL}@0.0.0-none"):
        with pytest.raises(UnknownModelError, match="no analyses by model"):
            stats(engine, "all", Filters(model=unknown))


def test_a_newer_reading_counts_unless_its_model_cannot_read_the_text(
    corpus: tuple[Engine, Path, str], tiny_multilingual: Path
) -> None:
    engine, path, url = corpus
    runner = CliRunner()
    # The English model reads everything again: the Arabic texts it cannot read keep counting
    # with the multilingual model's reading, which could.
    fast = runner.invoke(main, ["ingest", str(path), "--db", url, "--model", "fast"])
    assert fast.exit_code == 0, fast.output
    assert _read_by(engine) == ROUTED
    assert stats(engine, "all").groups[0].unreadable == 0
    only_fast = stats(engine, "all", Filters(model=ENGLISH_MODEL)).groups[0]
    assert (only_fast.documents, only_fast.unreadable) == (3, 2)
    # The multilingual model reads everything again: it reads English too, so its newer
    # readings of the English texts count now.
    tiny = runner.invoke(
        main, ["ingest", str(path), "--db", url, "--model", str(tiny_multilingual)]
    )
    assert tiny.exit_code == 0, tiny.output
    assert _read_by(engine) == dict.fromkeys(ROUTED, TINY)
    [total] = stats(engine, "all").groups
    assert (total.documents, total.texts, total.unreadable) == (5, 4, 0)
    assert [m.name for m in stats(engine, "all").models] == [TINY]
    narrowed = stats(engine, "all", Filters(model=ENGLISH_MODEL)).groups[0]
    assert narrowed.documents == 3, "the English model's own readings stay reachable"


def test_cli_and_dashboard_show_the_whole_routed_corpus(
    corpus: tuple[Engine, Path, str],
) -> None:
    _, _, url = corpus
    runner = CliRunner()
    out = runner.invoke(main, ["stats", "--db", url, "--by", "model", "--format", "json"])
    assert out.exit_code == 0, out.output
    figures = json.loads(out.output)
    assert sum(g["documents"] for g in figures["groups"]) == 5
    assert sorted(m["name"] for m in figures["models"]) == sorted([ENGLISH_MODEL, TINY])
    exported = runner.invoke(main, ["export", "--db", url, "--format", "jsonl"])
    assert exported.exit_code == 0, exported.output
    rows = [json.loads(line) for line in exported.output.splitlines()]
    assert {r["external_id"]: r["model_name"] for r in rows} == ROUTED
    found = runner.invoke(main, ["search", ARABIC_WORD, "--db", url, "--format", "jsonl"])
    assert sorted(json.loads(line)["id"] for line in found.output.splitlines()) == ["ar-1", "ar-2"]
    narrowed = runner.invoke(main, ["search", "council", "--db", url, "--model", TINY])
    assert narrowed.exit_code == 0 and "no documents match" in narrowed.output.lower()
    refused = runner.invoke(main, ["stats", "--db", url, "--model", "no-such-model"])
    assert refused.exit_code == 1 and "no analyses by model 'no-such-model'" in refused.output

    with TestClient(create_app(Router(threads=1), db_url=url)) as client:
        page = client.get("/dashboard")
        assert page.status_code == 200
        assert "<strong>5</strong> documents" in page.text
        assert "newest version of the model that read it" in page.text
        assert "showing the latest" not in page.text
        assert f'<option value="{TINY}@' in page.text
        listed = client.get("/dashboard/documents")
        assert "5 documents" in listed.text and "<th>model</th>" in listed.text
        assert listed.text.count(f"<td>{TINY} ") == 2
        narrowed_page = client.get("/dashboard/documents", params={"model": TINY})
        assert "2 documents" in narrowed_page.text
        hits = client.get("/dashboard/search", params={"q": ARABIC_WORD})
        assert hits.text.count('<a href="/dashboard/documents/') == 2
        data = client.get("/dashboard/api/stats", params={"by": "model"}).json()
        assert sum(g["documents"] for g in data["groups"]) == 5
        assert client.get("/dashboard", params={"model": "no-such-model"}).status_code == 422
