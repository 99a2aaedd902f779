"""URL input: the SSRF guard, redirects checked hop by hop, limits, and a real loopback fetch."""

from __future__ import annotations

import ipaddress

import anyio
import httpx
import pytest
from fastapi.testclient import TestClient

from unspin.formats.fetch import FetchError, fetch_url, is_public_address
from unspin.web import WebSettings, create_app

from .conftest import FakeAnalyzer


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "2002:7f00:1::",
        "::",
    ],
)
def test_non_public_addresses(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/article",
        "http://localhost:{port}/article",
        "http://[::1]:{port}/article",
        "http://[::ffff:127.0.0.1]:{port}/article",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://0x7f000001:{port}/article",
    ],
)
def test_default_app_refuses_private_urls(
    client: TestClient, site: tuple[str, list[str]], url: str
) -> None:
    base, hits = site
    port = base.rsplit(":", 1)[1]
    response = client.post("/analyze", data={"url": url.format(port=port)})
    assert response.status_code == 422
    assert "Cannot fetch that URL" in response.text
    assert hits == []


def test_other_schemes_refused() -> None:
    for url in ("file:///etc/passwd", "ftp://example.com/", "gopher://x/", "not a url"):
        with pytest.raises(FetchError):
            anyio.run(lambda u=url: fetch_url(u))


def test_redirect_to_private_address_is_refused() -> None:
    sent: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        return httpx.Response(302, headers={"Location": "http://127.0.0.1/admin"})

    transport = httpx.MockTransport(handle)
    with pytest.raises(FetchError, match="non-public"):
        anyio.run(lambda: fetch_url("http://93.184.216.34/start", transport=transport))
    assert sent == ["http://93.184.216.34/start"]


def test_redirect_loop_is_bounded() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(301, headers={"Location": "/again"})

    transport = httpx.MockTransport(handle)
    with pytest.raises(FetchError, match="too many redirects"):
        anyio.run(lambda: fetch_url("http://93.184.216.34/", transport=transport))


def test_request_pins_checked_address_and_keeps_host() -> None:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text="hello", headers={"Content-Type": "text/plain"})

    page = anyio.run(
        lambda: fetch_url("http://93.184.216.34:8080/a?b=1", transport=httpx.MockTransport(handle))
    )
    assert page.body == b"hello" and page.url == "http://93.184.216.34:8080/a?b=1"
    assert seen[0].headers["host"] == "93.184.216.34:8080"


def test_allowed_loopback_fetch_with_redirect_and_limits(site: tuple[str, list[str]]) -> None:
    base, hits = site
    page = anyio.run(lambda: fetch_url(f"{base}/redirect", allow_private=True))
    assert hits == ["/redirect", "/article"]
    assert page.url == f"{base}/article" and page.content_type == "text/html"
    with pytest.raises(FetchError, match="larger than"):
        anyio.run(lambda: fetch_url(f"{base}/big", allow_private=True, max_bytes=10_000))
    with pytest.raises(FetchError, match="HTTP 404"):
        anyio.run(lambda: fetch_url(f"{base}/missing", allow_private=True))


def test_allowed_app_analyses_loopback_page(
    fake: FakeAnalyzer, site: tuple[str, list[str]]
) -> None:
    pytest.importorskip("unspin.formats.html")
    base, hits = site
    settings = WebSettings(allow_private_urls=True)
    with TestClient(create_app(fake, settings)) as client:
        response = client.post("/analyze", data={"url": f"{base}/redirect"})
    assert response.status_code == 200, response.text
    assert "reckless" in response.text and "Contact us" not in response.text
    assert 'class="hl ' in response.text
    assert hits == ["/redirect", "/article"]


def test_allowed_app_reads_plain_text_and_refuses_images(
    fake: FakeAnalyzer, site: tuple[str, list[str]]
) -> None:
    base, _ = site
    with TestClient(create_app(fake, WebSettings(allow_private_urls=True))) as client:
        plain = client.post("/analyze", data={"url": f"{base}/plain"})
        image = client.post("/analyze", data={"url": f"{base}/image"})
    assert plain.status_code == 200 and "Flag-Waving" in plain.text
    assert image.status_code == 415 and "image/png" in image.text


@pytest.mark.parametrize(
    "location", ["http:127.0.0.1/x", "data:text/html,<b>hi</b>", "http://é.com:bad/", "http://a:x/"]
)
def test_a_malformed_redirect_is_refused_clearly(location: str) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers=[(b"Location", location.encode())])

    transport = httpx.MockTransport(handle)
    with pytest.raises(FetchError, match="redirects to an address that is not a valid URL"):
        anyio.run(lambda: fetch_url("http://93.184.216.34/", transport=transport))


def test_a_malformed_redirect_gives_a_page_not_a_500(
    monkeypatch: pytest.MonkeyPatch, fake: FakeAnalyzer
) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http:127.0.0.1/x"})

    real = fetch_url

    async def through_mock(url: str, **options: object) -> object:
        return await real(url, transport=httpx.MockTransport(handle))

    monkeypatch.setattr("unspin.formats.fetch.fetch_url", through_mock)
    with TestClient(create_app(fake, WebSettings())) as client:
        response = client.post("/analyze", data={"url": "http://93.184.216.34/"})
    assert response.status_code == 422
    assert "redirects to an address that is not a valid URL" in response.text
