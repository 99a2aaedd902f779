"""ASGI middleware of the web app: security headers, a request-body limit, ``HEAD`` as ``GET``.

Plain ASGI classes rather than ``@app.middleware``: they see every response (the early 413s
too) and count a chunked body as it arrives.
"""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
"""The Content-Security-Policy of every page (``/docs`` too): nothing inline or from elsewhere."""

SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def add_security_headers(headers: MutableHeaders, path: str) -> None:
    """Set the security headers, and a cache policy unless the response has its own."""
    for name, value in SECURITY_HEADERS.items():
        headers[name] = value
    if "cache-control" not in headers:
        static = path.startswith("/static/")
        headers["Cache-Control"] = "public, max-age=3600" if static else "no-store"


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every response that passes through it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                add_security_headers(MutableHeaders(scope=message), scope["path"])
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit:
    """Refuses a request body over ``max_bytes`` with HTTP 413.

    The body is counted as it arrives (a chunked body has no ``Content-Length``), and the app's
    first read past the limit raises the 413, so no more than ``max_bytes`` plus one chunk is
    ever held; a declared ``Content-Length`` over the limit fails the first read, before any
    byte is taken. Raised inside the app, the 413 gets the app's own error page (HTML or JSON).
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        refused = declared.isdigit() and int(declared) > self.max_bytes
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            if refused:
                raise HTTPException(413, f"request body over {self.max_bytes:,} bytes")
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise HTTPException(413, f"request body over {self.max_bytes:,} bytes")
            return message

        await self.app(scope, counted, send)


class HeadAsGet:
    """Answer ``HEAD`` as ``GET`` without the body, for every page, API route and static file.

    FastAPI routes declared with ``GET`` answer ``HEAD`` with 405, and uptime checkers send
    ``HEAD``; adding ``HEAD`` to each route instead would list it in the OpenAPI description.
    The headers (``Content-Length`` too) are those the ``GET`` would send.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        get: dict[str, Any] = {**scope, "method": "GET"}
        await self.app(get, receive, headers_only)
