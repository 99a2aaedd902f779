"""The web app and API send each text to the model for its language, as ``unspin analyze`` does,
unless the server was started with a fixed model; every result names the model that read it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from unspin.inference.model_folder import DEFAULT_MODEL_DIR, ModelConfig
from unspin.web import WebSettings, create_app

ARABIC = "هؤلاء الخونة يكذبون على الشعب كل يوم، فإما أن تكون معنا أو مع الإرهاب."
ENGLISH = "The council will meet on Tuesday to discuss the budget for the coming year."
FRENCH = "Le gouvernement a menti aux citoyens pendant des années, et tout le monde le sait."
ENGLISH_MODEL = ModelConfig.load(DEFAULT_MODEL_DIR).name


def _client(model: str | None = None) -> Iterator[TestClient]:
    settings = WebSettings(model=model, max_chars=5_000, max_batch=4, workers=1)
    with TestClient(create_app(settings=settings)) as client:
        yield client


@pytest.fixture
def routed(installed_multilingual: dict[Path, ModelConfig]) -> Iterator[TestClient]:
    """A server with the English and the tiny multilingual model installed."""
    yield from _client()


def test_each_text_goes_to_the_model_for_its_language(routed: TestClient) -> None:
    english = routed.post("/api/analyze", json={"text": ENGLISH}).json()
    arabic = routed.post("/api/analyze", json={"text": ARABIC}).json()
    assert english["model"]["name"] == ENGLISH_MODEL and english["warnings"] == []
    assert arabic["model"]["name"] == "tiny-multilingual"
    assert arabic["model"]["evaluated_languages"] == ["ar", "en"]
    assert arabic["language"]["code"] == "ar" and arabic["warnings"] == []

    documents = [{"id": "en", "text": ENGLISH}, {"id": "fr", "text": FRENCH}]
    results = routed.post("/api/analyze/batch", json={"documents": documents}).json()["results"]
    assert [r["model"]["name"] for r in results] == [ENGLISH_MODEL, "tiny-multilingual"]
    [warning] = results[1]["warnings"]
    assert "evaluated on Arabic and English only" in warning

    health = routed.get("/api/health").json()
    assert [m["name"] for m in health["models"]] == [ENGLISH_MODEL, "tiny-multilingual"]
    assert health["model"]["name"] == ENGLISH_MODEL


def test_a_request_may_name_an_installed_model(routed: TestClient) -> None:
    fast = routed.post("/api/analyze", json={"text": ARABIC, "model": "fast"}).json()
    assert fast["model"]["name"] == ENGLISH_MODEL and "reads only English" in fast["warnings"][0]
    body = {"documents": [{"id": "en", "text": ENGLISH}], "model": "tiny-multilingual"}
    [result] = routed.post("/api/analyze/batch", json=body).json()["results"]
    assert result["model"]["name"] == "tiny-multilingual"
    for name in ("no-such-model", str(DEFAULT_MODEL_DIR)):  # a folder is not a name
        refused = routed.post("/api/analyze", json={"text": ENGLISH, "model": name})
        assert refused.status_code == 422
        assert f"no installed model is called {name!r}" in refused.json()["detail"]


def test_the_page_names_the_model_and_what_it_was_not_evaluated_on(routed: TestClient) -> None:
    french = routed.post("/analyze", data={"text": FRENCH}).text
    assert "<code>tiny-multilingual</code>" in french
    assert "evaluated on Arabic and English only" in french
    assert "in a language the model does not read" not in french  # it reads French
    assert f"<code>{ENGLISH_MODEL}</code>" in routed.post("/analyze", data={"text": ENGLISH}).text


def test_a_fixed_model_reads_every_text(installed_multilingual: dict[Path, ModelConfig]) -> None:
    for client in _client("fast"):
        arabic = client.post("/api/analyze", json={"text": ARABIC}).json()
        assert arabic["model"]["name"] == ENGLISH_MODEL
        assert "reads only English" in arabic["warnings"][0]
        other = client.post("/api/analyze", json={"text": ARABIC, "model": "tiny-multilingual"})
        assert other.status_code == 422 and "fixed" in other.json()["detail"]
        assert [m["name"] for m in client.get("/api/health").json()["models"]] == [ENGLISH_MODEL]


def test_with_only_the_english_model_arabic_is_read_by_it_and_says_so(
    english_only: dict[Path, ModelConfig],
) -> None:
    """Without the multilingual package: the English model reads Arabic and says it cannot."""
    for client in _client():
        html = client.post("/analyze", data={"text": ARABIC}).text
        assert f"<code>{ENGLISH_MODEL}</code>" in html and "appears to be in Arabic" in html
        assert "in a language the model does not read" in html
        assert '<p class="line" dir="auto">' in html
        body = client.post("/api/analyze", json={"text": ARABIC}).json()
        assert body["model"]["name"] == ENGLISH_MODEL and body["language"]["read_by_model"] is False
