"""App factory options and the ``unspin serve`` command."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterable
from typing import Any

import anyio
import pytest
from click.testing import CliRunner
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from unspin.cli.serve import serve
from unspin.schema import Analysis, Document
from unspin.web import WebSettings, create_app
from unspin.web.app import CSP

from .conftest import FakeAnalyzer


def test_dashboard_router_is_included_with_db_url(
    fake: FakeAnalyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    router = APIRouter()

    @router.get("/dashboard")
    async def dashboard() -> dict[str, str]:
        return {"db": "seen"}

    module = types.ModuleType("unspin.web.dashboard")
    module.router = router  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "unspin.web.dashboard", module)
    with TestClient(create_app(fake, db_url="sqlite:///x.db")) as client:
        assert client.get("/dashboard").json() == {"db": "seen"}
        assert 'href="/dashboard"' in client.get("/").text
        assert 'href="/dashboard"' in client.post("/analyze", data={"text": "calm"}).text
        assert client.app.state.db_url == "sqlite:///x.db"  # type: ignore[attr-defined]
    with TestClient(create_app(fake)) as client:
        assert client.get("/dashboard").status_code == 404
        assert 'href="/dashboard"' not in client.get("/").text


def test_serve_builds_app_from_options(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def fake_run(app: FastAPI, host: str, port: int) -> None:
        seen.update(app=app, host=host, port=port)

    monkeypatch.setattr("uvicorn.run", fake_run)
    result = CliRunner().invoke(
        serve,
        [
            "--port",
            "9001",
            "--max-chars",
            "500",
            "--max-batch",
            "2",
            "--workers",
            "3",
            "--slider-floor",
            "0.3",
        ],
    )
    assert result.exit_code == 0, result.output
    assert seen["host"] == "127.0.0.1" and seen["port"] == 9001
    settings: WebSettings = seen["app"].state.settings
    assert (settings.max_chars, settings.max_batch, settings.workers) == (500, 2, 3)
    assert settings.allow_private_urls is False and settings.page_floor == 0.3


def test_serve_allow_private_urls_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setattr("uvicorn.run", lambda app, host, port: seen.update(app=app))
    result = CliRunner().invoke(serve, ["--allow-private-urls"])
    assert result.exit_code == 0
    assert "private" in result.output
    assert seen["app"].state.settings.allow_private_urls is True


def test_health_while_model_loads() -> None:
    app = create_app(settings=WebSettings())
    client = TestClient(app)  # no lifespan: the model is not loaded
    assert client.get("/api/health").json()["model_loaded"] is False
    response = client.post("/api/analyze", json={"text": "hello"})
    assert response.status_code == 503 and "loading" in response.json()["detail"]


def test_head_answers_like_get_without_a_body(client: TestClient) -> None:
    for path in ("/", "/api/health", "/api/techniques", "/docs", "/static/unspin.css"):
        get, head = client.get(path), client.head(path)
        assert head.status_code == get.status_code == 200, path
        assert head.content == b"", path
        assert head.headers["content-type"] == get.headers["content-type"], path
        assert head.headers["content-length"] == str(len(get.content)), path
        assert head.headers["content-security-policy"] == get.headers["content-security-policy"]
    assert client.head("/no-such-page").status_code == 404
    assert client.head("/api/analyze").status_code == 405  # POST only


def test_workers_help_says_what_the_default_is(monkeypatch: pytest.MonkeyPatch) -> None:
    from unspin.web.settings import DEFAULT_WORKERS_CAP

    help_text = " ".join(CliRunner().invoke(serve, ["--help"]).output.split())
    assert f"(default: the number of CPUs, at most {DEFAULT_WORKERS_CAP})" in help_text
    monkeypatch.setattr("os.cpu_count", lambda: 64)
    assert WebSettings().workers == DEFAULT_WORKERS_CAP
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert WebSettings().workers == 2
    assert CliRunner().invoke(serve, ["--workers", "0"]).exit_code == 2


def test_a_chunked_body_is_counted_as_it_arrives(fake: FakeAnalyzer) -> None:
    """Driven as raw ASGI: the test client would read the whole body before sending it."""
    settings = WebSettings(max_chars=10, max_batch=1)
    app = create_app(fake, settings)
    chunk = b"x" * 65_536
    read = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal read
        read += 1  # 2,000 chunks (131 MB) if all were read
        return {"type": "http.request", "body": chunk, "more_body": read < 2_000}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/analyze",
        "raw_path": b"/api/analyze",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), (b"transfer-encoding", b"chunked")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    anyio.run(app, scope, receive, send)
    start = sent[0]
    assert start["status"] == 413
    assert (b"content-security-policy", CSP.encode()) in start["headers"]
    assert b"request body over" in sent[1]["body"]
    assert read * len(chunk) <= settings.max_body_bytes + len(chunk)


def test_early_413_and_500_carry_the_security_headers(fake: FakeAnalyzer) -> None:
    settings = WebSettings(max_chars=10, max_batch=1)
    with TestClient(create_app(fake, settings)) as client:
        huge = client.post("/api/analyze", content=b"x" * (settings.max_body_bytes + 1))
    assert huge.status_code == 413 and huge.headers["x-frame-options"] == "DENY"

    class Broken(FakeAnalyzer):
        def analyze_batch(
            self, items: Iterable[str | Document], /, threshold: float | None = None
        ) -> list[Analysis]:
            raise RuntimeError("boom")

    with TestClient(create_app(Broken(), settings), raise_server_exceptions=False) as client:
        api = client.post("/api/analyze", json={"text": "short"})
        page = client.post("/analyze", data={"text": "short"}, headers={"accept": "text/html"})
    assert api.status_code == 500 and api.json()["detail"].startswith("Something went wrong")
    assert page.status_code == 500 and "<h1>500 · Internal Server Error</h1>" in page.text
    for response in (api, page):
        assert response.headers["content-security-policy"] == CSP
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "boom" not in response.text


def test_browser_routes_get_html_error_pages_and_the_api_json(client: TestClient) -> None:
    html = {"accept": "text/html,application/xhtml+xml"}
    missing = client.get("/no-such-page", headers=html)
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert "404 · Not Found" in missing.text and missing.headers["x-frame-options"] == "DENY"
    bad_form = client.post("/analyze", data={"threshold": "x"}, headers=html)
    assert bad_form.headers["content-type"].startswith("text/html")
    api = client.get("/api/no-such-route", headers=html)
    assert api.status_code == 404 and api.json() == {"detail": "Not Found"}
    invalid = client.post("/api/analyze", json={"text": 5}, headers=html)
    assert invalid.status_code == 422 and invalid.json()["detail"][0]["loc"] == ["body", "text"]
