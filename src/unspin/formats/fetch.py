"""Fetch a web page for analysis without letting the server be turned against its own network.

Every hop (the first URL and each redirect, followed by hand) is resolved with DNS first; if
any address is private, loopback, link-local, multicast, reserved or otherwise not global,
the fetch is refused before a request is sent, unless ``allow_private`` is set. The request
then goes to the address that was checked (the host name travels in ``Host`` and TLS SNI), so
a second DNS answer cannot swap in another address. Time and size are bounded.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import urljoin

import anyio
import httpx

from unspin.errors import UnspinError
from unspin.formats.errors import FormatError
from unspin.formats.html import extract_text
from unspin.formats.text import decode_bytes
from unspin.schema import Document

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

USER_AGENT = "unspin/0.1 (+https://github.com/unspin; article analysis)"
_REDIRECTS = {301, 302, 303, 307, 308}
_BAD_REDIRECT = "the page redirects to an address that is not a valid URL"


class FetchError(UnspinError, ValueError):
    """A URL that cannot or may not be fetched, or whose page cannot be read; the message is
    safe to show to the user, ``status`` is the HTTP status the web app answers with."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class FetchedPage:
    """The body of a fetched page and where it finally came from."""

    url: str
    content_type: str
    """Media type without parameters, lower case (empty when the server gave none)."""
    charset: str | None
    """The charset the server declared, if any."""
    body: bytes


def is_public_address(address: IPAddress) -> bool:
    """True for a globally routable unicast address (checks IPv4 embedded in IPv6 too)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None and not is_public_address(embedded):
            return False
        if address.teredo is not None and not all(is_public_address(a) for a in address.teredo):
            return False
    return address.is_global and not (
        address.is_multicast
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
    )


async def resolve(host: str, port: int) -> list[IPAddress]:
    """All addresses ``host`` resolves to (an IP literal resolves to itself)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise FetchError(f"cannot resolve host {host!r}") from None
    return list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in infos))


def parse_url(text: str, refusal: str) -> httpx.URL:
    """``text`` as a URL whose every part a request needs can be read; FetchError(``refusal``)
    for anything else (a bad port, a host that is not ASCII after IDNA, a scheme-only URL)."""
    try:
        url = httpx.URL(text)
        url.netloc.decode("ascii")
        _ = url.port
    except (httpx.InvalidURL, TypeError, ValueError, UnicodeError):
        raise FetchError(refusal) from None
    return url


async def _checked_address(url: httpx.URL, allow_private: bool) -> IPAddress:
    if url.scheme not in ("http", "https"):
        raise FetchError("only http and https URLs can be fetched")
    if not url.host:
        raise FetchError("the URL has no host")
    port = url.port or (443 if url.scheme == "https" else 80)
    addresses = await resolve(url.host, port)
    if not addresses:
        raise FetchError(f"cannot resolve host {url.host!r}")
    if not allow_private:
        refused = [a for a in addresses if not is_public_address(a)]
        if refused:
            raise FetchError(
                f"refusing to fetch {url.host}: it resolves to a private, loopback or "
                f"otherwise non-public address ({refused[0]})"
            )
    return addresses[0]


async def fetch_url(
    url: str,
    *,
    allow_private: bool = False,
    timeout: float = 10.0,
    max_bytes: int = 5_000_000,
    max_redirects: int = 5,
    transport: httpx.AsyncBaseTransport | None = None,
) -> FetchedPage:
    """Download ``url`` (following at most ``max_redirects`` redirects), checking every hop."""
    current = parse_url(url.strip(), "that is not a valid URL")
    try:
        with anyio.fail_after(timeout):
            async with httpx.AsyncClient(
                timeout=timeout, follow_redirects=False, transport=transport, trust_env=False
            ) as client:
                for _ in range(max_redirects + 1):
                    address = await _checked_address(current, allow_private)
                    response = await _get(client, current, address, max_bytes)
                    if isinstance(response, FetchedPage):
                        return response
                    current = response
                raise FetchError(f"too many redirects (more than {max_redirects})")
    except TimeoutError:
        raise FetchError(f"the page took longer than {timeout:g} s to download") from None
    except httpx.HTTPError as error:
        raise FetchError(f"could not download the page: {type(error).__name__}") from None


async def _get(
    client: httpx.AsyncClient, url: httpx.URL, address: IPAddress, max_bytes: int
) -> FetchedPage | httpx.URL:
    """GET ``url`` from ``address``; a redirect gives the next URL, anything else the page."""
    pinned = url.copy_with(host=str(address))
    host_header = url.netloc.decode("ascii")
    request = client.build_request(
        "GET",
        pinned,
        headers={"Host": host_header, "User-Agent": USER_AGENT, "Accept": "text/html, text/plain"},
        extensions={"sni_hostname": url.host},
    )
    try:
        response = await client.send(request, stream=True)
    except httpx.InvalidURL:  # httpx reads a redirect's Location even when not following it
        raise FetchError(_BAD_REDIRECT) from None
    except httpx.RemoteProtocolError as error:
        if "location header" in str(error).lower():
            raise FetchError(_BAD_REDIRECT) from None
        raise
    try:
        if response.status_code in _REDIRECTS:
            location = response.headers.get("location")
            if not location:
                raise FetchError("the page redirects without saying where")
            return parse_url(urljoin(str(url), location), _BAD_REDIRECT)
        if response.status_code >= 400:
            raise FetchError(f"the server answered HTTP {response.status_code}")
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise FetchError(f"the page is larger than {max_bytes:,} bytes")
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body.extend(chunk)
            if len(body) > max_bytes:
                raise FetchError(f"the page is larger than {max_bytes:,} bytes")
        media = response.headers.get("content-type", "")
        content_type = media.split(";")[0].strip().lower()
        charset = response.charset_encoding if ";" in media else None
        return FetchedPage(str(url), content_type, charset, bytes(body))
    finally:
        await response.aclose()


async def fetch_document(
    url: str,
    *,
    allow_private: bool = False,
    timeout: float = 10.0,
    max_bytes: int = 5_000_000,
) -> Document:
    """Fetch ``url`` with :func:`fetch_url` and keep its text (an HTML page's article text).

    The web app's URL field and ``unspin analyze URL`` both read pages this way.
    """
    page = await fetch_url(url, allow_private=allow_private, timeout=timeout, max_bytes=max_bytes)
    if page.content_type and not page.content_type.startswith(("text/", "application/xhtml")):
        raise FetchError(f"cannot analyse a page of type {page.content_type}", 415)
    name = PurePath(page.url.split("?")[0]).name or "page.html"
    try:
        decoded = decode_bytes(page.body, name, encoding=page.charset, max_bytes=max_bytes)
        if page.content_type in ("", "text/html", "application/xhtml+xml"):
            text, title = extract_text(decoded, url=page.url)
        else:
            text, title = decoded, None
    except FormatError as error:
        raise FetchError(f"cannot read the page: {error.reason}", 400) from None
    return Document(id=page.url, text=text, title=title or page.url, url=page.url)
