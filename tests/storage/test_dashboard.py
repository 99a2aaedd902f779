"""The corpus dashboard on a small store: overview, charts, filters, drill-down, pagination."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from fastapi.testclient import TestClient

from storage.conftest import PhraseAnalyzer
from storage.corpus_files import write_jsonl
from unspin.storage.db import open_engine
from unspin.storage.ingest import ingest
from unspin.web import create_app


class WebAnalyzer(PhraseAnalyzer):
    """The phrase analyzer with what the web app's runner asks of an analyzer."""

    threshold = 0.5
    techniques: ClassVar[list[str]] = []


@pytest.fixture
def client(db_url: str, tmp_path: Path) -> Iterator[TestClient]:
    path = tmp_path / "docs.jsonl"
    write_jsonl(path, 60)
    engine = open_engine(db_url)
    ingest([path], engine, PhraseAnalyzer())
    engine.dispose()
    with TestClient(create_app(WebAnalyzer(), db_url=db_url)) as test_client:  # type: ignore[arg-type]
        yield test_client


def test_overview_heatmap_links_to_documents(client: TestClient) -> None:
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert "<strong>60</strong> documents" in page.text
    assert 'class="heatmap"' in page.text and "Daily Bugle" in page.text
    assert '<script src="/static/dashboard.js"' in page.text and "<script>" not in page.text
    links = re.findall(r'href="(/dashboard/documents\?[^"]+)"', page.text)
    assert any("technique=Loaded_Language" in link and "source=Planet" in link for link in links)
    assert client.get("/static/dashboard.js").status_code == 200
    assert '<option value="Name_Calling,Labeling">Name Calling, Labeling</option>' in page.text
    assert "Name Calling, Labeling</text>" in page.text  # a heat map column


def test_time_chart_and_filters(client: TestClient) -> None:
    page = client.get("/dashboard", params={"by": "month", "technique": "Flag-Waving"})
    assert page.status_code == 200 and "<polyline" in page.text
    assert "since=2020-02-01&amp;until=2020-02-29" in page.text
    data = client.get("/dashboard/api/stats", params={"by": "source", "source": "Planet"}).json()
    assert [g["group"] for g in data["groups"]] == ["Planet"]
    assert client.get("/dashboard", params={"since": "yesterday"}).status_code == 422


def test_technique_filter_takes_any_name_and_refuses_unknown_ones(client: TestClient) -> None:
    params = {"by": "all", "technique": "flag-waving"}
    data = client.get("/dashboard/api/stats", params=params).json()
    assert data["techniques"] == ["Flag-Waving"]
    listed = client.get("/dashboard/documents", params={"technique": "Loaded Language"})
    assert listed.status_code == 200 and "40 documents" in listed.text
    for path in ("/dashboard", "/dashboard/api/stats", "/dashboard/documents"):
        refused = client.get(path, params={"technique": "Foo"})
        assert refused.status_code == 422
        if path.startswith("/dashboard/api/"):
            assert refused.json()["detail"].startswith("unknown technique 'Foo'")
        else:
            assert "unknown technique &#39;Foo&#39;" in refused.text


def test_documents_pages_and_analysis_page(client: TestClient) -> None:
    first = client.get("/dashboard/documents", params={"technique": "Loaded_Language"})
    assert first.status_code == 200 and "40 documents" in first.text
    assert "page 1 of 2" in first.text and 'rel="next"' in first.text
    second = client.get("/dashboard/documents", params={"technique": "Loaded_Language", "page": 2})
    assert "page 2 of 2" in second.text and 'rel="next"' not in second.text
    doc = re.search(r'href="/dashboard/documents/(\d+)"', first.text)
    assert doc is not None
    analysis = client.get(f"/dashboard/documents/{doc.group(1)}")
    assert analysis.status_code == 200 and "disastrous" in analysis.text
    assert client.get("/dashboard/documents/999999").status_code == 404


def test_out_of_range_numbers_are_not_found_and_nul_is_refused(client: TestClient) -> None:
    assert client.get("/dashboard/documents", params={"page": 10**30}).status_code == 404
    assert client.get("/dashboard/documents", params={"page": 99}).status_code == 404
    assert client.get("/dashboard/documents/3000000000").status_code == 404
    for path in ("/dashboard", "/dashboard/documents", "/dashboard/search"):
        assert client.get(path, params={"source": "\x00"}).status_code == 400
    assert client.get("/dashboard/search", params={"q": "a\x00"}).status_code == 400


def test_search_page(client: TestClient) -> None:
    page = client.get("/dashboard/search", params={"q": "traitors -council", "source": "Planet"})
    assert page.status_code == 200
    hits = re.findall(r'<li><a href="/dashboard/documents/(\d+)"', page.text)
    assert len(hits) == 20 and "Planet" in page.text and 'rel="next"' not in page.text
    assert "Report" not in page.text, "council reports are excluded"
    refused = client.get("/dashboard/search", params={"q": "-council"})
    assert refused.status_code == 400 and "nothing to search for" in refused.text
    assert 'href="/dashboard/search"' in client.get("/dashboard").text


def test_examples_page(client: TestClient) -> None:
    page = client.get("/dashboard/examples", params={"technique": "name calling, labeling"})
    assert page.status_code == 200
    marks = re.findall(r"<mark>([^<]*)</mark>", page.text)
    assert len(marks) == 25 and all(m.lower().startswith("traitor") for m in marks)
    assert client.get("/dashboard/examples").status_code == 200


def test_time_chart_breaks_at_empty_periods_and_notes_undated_documents(
    db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "gappy.jsonl"
    records = [
        {"id": "jan", "text": "The disastrous plan.", "published": "2021-01-05"},
        {"id": "apr", "text": "The disastrous vote.", "published": "2021-04-05"},
        {"id": "may", "text": "Calm.", "published": "2021-05-05"},
        {"id": "none", "text": "A disastrous day, undated."},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    engine = open_engine(db_url)
    ingest([path], engine, PhraseAnalyzer())
    engine.dispose()
    app = create_app(WebAnalyzer(), db_url=db_url)  # type: ignore[arg-type]
    with TestClient(app) as test_client:
        page = test_client.get("/dashboard", params={"by": "month"}).text
    assert "1 undated document not shown" in page and "(unknown)" not in page
    for label in ("2021-01 (n=1)", "2021-02 (n=0)", "2021-03 (n=0)", "2021-05 (n=1)"):
        assert label in page
    loaded = re.search(r'data-technique="Loaded_Language">(.*?)</g>', page, re.S)
    assert loaded is not None
    assert loaded.group(1).count("<polyline") == 1, "Jan is alone: only Apr-May is a line"
    assert loaded.group(1).count("<circle") == 3 and "1 of 1 documents" in loaded.group(1)


def test_dashboard_errors_are_html_pages(client: TestClient) -> None:
    html = {"accept": "text/html"}
    missing = client.get("/dashboard/documents/99999", headers=html)
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html") and "<h1>404" in missing.text
    bad_date = client.get("/dashboard?since=2024-13-45", headers=html)
    assert bad_date.status_code == 422 and bad_date.headers["content-type"].startswith("text/html")
    assert "not a date (YYYY-MM-DD)" in bad_date.text
    assert client.get("/dashboard/api/stats?since=2024-13-45").json()["detail"]
