"""The JSON API through an in-process client."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from unspin.web import WebSettings, create_app
from unspin.web.api import response_dict
from unspin.web.app import CSP

from .conftest import EXAMPLE, MODEL_DIR, FakeAnalyzer


def test_analyze_equals_analyzer(client: TestClient, fake: FakeAnalyzer) -> None:
    response = client.post("/api/analyze", json={"text": EXAMPLE})
    assert response.status_code == 200
    body = response.json()
    assert body == response_dict(fake.analyze(EXAMPLE))
    assert body["spans"] and {"start", "end", "technique", "score", "text"} <= set(body["spans"][0])
    assert body["model"] == {
        "name": "fake-model",
        "version": "0.0-test",
        "fingerprint": "fake-patterns-1",
        "languages": ["en"],
    }
    assert 0 < body["summary"]["sentence_share"] <= 1
    assert body["language"]["code"] == "en" and body["language"]["read_by_model"]
    assert body["warnings"] == []


def test_a_language_the_model_does_not_read_is_named(client: TestClient) -> None:
    arabic = "هؤلاء الخونة في الحكومة باعوا الوطن للأجانب، ولا يستحقون إلا الطرد من البلاد."
    body = client.post("/api/analyze", json={"text": arabic}).json()
    assert body["language"]["code"] == "ar" and not body["language"]["read_by_model"]
    assert "appears to be in Arabic" in body["warnings"][0]
    batch = {"documents": [{"id": "ar", "text": arabic}, {"id": "en", "text": EXAMPLE}]}
    results = client.post("/api/analyze/batch", json=batch).json()["results"]
    assert [bool(r["warnings"]) for r in results] == [True, False]


def test_threshold_is_passed_on(client: TestClient, fake: FakeAnalyzer) -> None:
    low = client.post("/api/analyze", json={"text": EXAMPLE, "threshold": 0.3}).json()
    high = client.post("/api/analyze", json={"text": EXAMPLE, "threshold": 0.9}).json()
    assert low == response_dict(fake.analyze(EXAMPLE, threshold=0.3))
    assert len(high["spans"]) < len(low["spans"])
    assert all(s["score"] >= 0.9 for s in high["spans"])


def test_text_over_limit_gives_413(client: TestClient) -> None:
    response = client.post("/api/analyze", json={"text": "a" * 2_001})
    assert response.status_code == 413
    assert "2,001 characters" in response.json()["detail"]
    assert "2,000" in response.json()["detail"]


@pytest.mark.parametrize("text", ["", "   \n\t"])
def test_empty_text_gives_422(client: TestClient, text: str) -> None:
    response = client.post("/api/analyze", json={"text": text})
    assert response.status_code == 422
    assert "text is empty" in response.text


@pytest.mark.parametrize("path", ["/api/analyze", "/api/analyze/batch"])
def test_lone_surrogate_gives_422_not_a_crash(client: TestClient, path: str) -> None:
    text = '"Liars \\ud800 everywhere."'
    body = (
        f'{{"text": {text}}}'
        if path == "/api/analyze"
        else (f'{{"documents": [{{"id": "x", "text": {text}}}]}}')
    )
    response = client.post(path, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert "unpaired UTF-16 surrogate at character 6" in response.text
    assert client.post("/api/analyze", json={"text": "Liars \U0001f600 everywhere."}).is_success


@pytest.mark.parametrize(
    "body", [{}, {"text": 5}, {"text": "x", "threshold": 1.5}, {"documents": []}]
)
def test_malformed_requests_give_422(client: TestClient, body: dict[str, object]) -> None:
    assert client.post("/api/analyze", json=body).status_code == 422


def test_batch_preserves_order(client: TestClient, fake: FakeAnalyzer) -> None:
    docs = [
        {"id": "c", "text": "A true patriot."},
        {"id": "a", "text": "Nothing to see here."},
        {"id": "b", "text": "The reckless, disastrous plan."},
    ]
    response = client.post("/api/analyze/batch", json={"documents": docs})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == ["c", "a", "b"]
    for doc, result in zip(docs, results, strict=True):
        expected = response_dict(fake.analyze(doc["text"]))
        assert {k: result[k] for k in expected} == expected
    assert results[1]["spans"] == []


def test_batch_limits(client: TestClient) -> None:
    four = [{"id": str(i), "text": "x"} for i in range(4)]
    too_many = client.post("/api/analyze/batch", json={"documents": four})
    assert too_many.status_code == 413
    assert "4 documents" in too_many.json()["detail"]
    long = client.post(
        "/api/analyze/batch", json={"documents": [{"id": "big", "text": "b" * 2001}]}
    )
    assert long.status_code == 413
    assert "'big'" in long.json()["detail"]
    empty = client.post("/api/analyze/batch", json={"documents": [{"id": "e", "text": " "}]})
    assert empty.status_code == 422
    assert client.post("/api/analyze/batch", json={"documents": []}).status_code == 422


def test_huge_body_refused_before_parsing(fake: FakeAnalyzer) -> None:
    settings = WebSettings(max_chars=10, max_batch=1)
    with TestClient(create_app(fake, settings)) as client:
        response = client.post("/api/analyze", json={"text": "x" * (settings.max_body_bytes + 1)})
    assert response.status_code == 413


def test_techniques_and_health(client: TestClient) -> None:
    techniques = client.get("/api/techniques").json()
    names = [t["name"] for t in techniques]
    assert "Loaded_Language" in names and len(names) >= 14
    assert all(t["definition"] and t["color"].startswith("#") for t in techniques)
    health = client.get("/api/health").json()
    assert health["model_loaded"] is True
    assert health["model"] == {
        "name": "fake-model",
        "version": "0.0-test",
        "fingerprint": "fake-patterns-1",
        "languages": ["en"],
    }
    assert health["status"] == "ok" and health["version"]


def test_openapi_documents_the_api(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/api/analyze", "/api/analyze/batch", "/api/techniques", "/api/health"} <= set(
        schema["paths"]
    )
    assert "AnalyzeRequest" in schema["components"]["schemas"]
    assert "/analyze" not in schema["paths"]
    assert client.get("/docs").status_code == 200


def test_docs_are_served_by_the_app_itself(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and page.headers["Content-Security-Policy"] == CSP
    assert "<style" not in page.text and not re.search(r"<script(?![^>]*\ssrc=)", page.text)
    assets = re.findall(r'(?:src|href)="([^"]*)"', page.text)
    assert assets and all(url.startswith("/") and not url.startswith("//") for url in assets)
    assert "http" not in page.text
    for url in assets:
        assert client.get(url).status_code == 200, url
    assert "SwaggerUIBundle" in client.get("/static/swagger-ui/swagger-ui-bundle.js").text
    assert client.get("/redoc").status_code == 404


def test_timeout_gives_504(fake: FakeAnalyzer) -> None:
    import time

    class Slow(FakeAnalyzer):
        def analyze_batch(self, items, /, threshold=None):  # type: ignore[no-untyped-def]
            time.sleep(0.5)
            return super().analyze_batch(items, threshold=threshold)

    with TestClient(create_app(Slow(), WebSettings(request_timeout=0.05))) as client:
        response = client.post("/api/analyze", json={"text": "reckless"})
    assert response.status_code == 504
    assert "longer than" in response.json()["detail"]


@pytest.mark.skipif(not (MODEL_DIR / "config.json").exists(), reason="no shipped model yet")
def test_real_model_results_equal_analyzer() -> None:
    from unspin.inference import Analyzer

    analyzer = Analyzer()
    with TestClient(create_app(analyzer)) as client:
        body = client.post("/api/analyze", json={"text": EXAMPLE}).json()
        batch = client.post(
            "/api/analyze/batch", json={"documents": [{"id": "x", "text": EXAMPLE}]}
        ).json()
        health = client.get("/api/health").json()
    expected = response_dict(analyzer.analyze(EXAMPLE))
    assert body == expected
    assert {k: batch["results"][0][k] for k in expected} == expected
    assert health["model"] == analyzer.info.to_dict()


def test_one_technique_by_any_of_its_names(client: TestClient) -> None:
    found = client.get("/api/techniques/appeal to fear")
    assert found.status_code == 200 and found.json()["name"] == "Appeal_to_fear-prejudice"
    assert client.get("/api/techniques/Name_Calling").json()["name"] == "Name_Calling,Labeling"
    missing = client.get("/api/techniques/apeal to fear")
    assert missing.status_code == 404
    assert "did you mean 'Appeal_to_fear-prejudice'?" in missing.json()["detail"]
