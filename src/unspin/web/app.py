"""The ASGI application: pages, JSON API, static files and security headers."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import unspin
from unspin.web import api, pages
from unspin.web.runner import AnalyzerLike, Runner
from unspin.web.settings import WebSettings

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
"""The Content-Security-Policy of every page (``/docs`` too): nothing inline or from elsewhere."""


def create_app(
    analyzer: AnalyzerLike | None = None,
    settings: WebSettings | None = None,
    db_url: str | None = None,
) -> FastAPI:
    """Build the app; without ``analyzer`` the model in ``settings.model`` loads at start-up.

    With ``db_url`` the corpus dashboard (``unspin.web.dashboard.router``) is mounted too and
    finds the URL in ``request.app.state.db_url``.
    """
    settings = settings or WebSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if getattr(app.state, "runner", None) is None:
            loaded = await anyio.to_thread.run_sync(_load_analyzer, settings.model)
            app.state.runner = Runner(loaded, settings)
        yield

    app = FastAPI(
        title="unspin",
        version=unspin.__version__,
        description="Find the spans of a text that use persuasion techniques, and name them.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db_url = db_url
    app.state.runner = Runner(analyzer, settings) if analyzer is not None else None

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > settings.max_body_bytes:
            return JSONResponse(
                {"detail": f"request body over {settings.max_body_bytes:,} bytes"}, 413
            )
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        static = request.url.path.startswith("/static/")
        response.headers.setdefault(
            "Cache-Control", "public, max-age=3600" if static else "no-store"
        )
        return response

    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_middleware(HeadAsGet)
    app.include_router(api.router)
    app.include_router(pages.router)
    if db_url is not None:
        dashboard = importlib.import_module("unspin.web.dashboard")
        app.include_router(dashboard.router)
    swagger_ui = StaticFiles(packages=[("fastapi_offline", "static")])
    app.mount("/static/swagger-ui", swagger_ui, name="swagger-ui")
    site_static = StaticFiles(packages=[("unspin.web", "static"), ("unspin.render", "static")])
    app.mount("/static", site_static, name="static")
    return app


async def _validation_error(request: Request, error: Exception) -> Response:
    """A 422 that names what is wrong without echoing the request's (hostile) input back."""
    assert isinstance(error, RequestValidationError)
    detail = [{k: e[k] for k in ("loc", "msg", "type") if k in e} for e in error.errors()]
    return JSONResponse({"detail": detail}, 422)


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


def _load_analyzer(model: str | None) -> AnalyzerLike:
    from unspin.inference import Analyzer

    loaded: AnalyzerLike = Analyzer(model)
    return loaded
