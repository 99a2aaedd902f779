"""The ASGI application: pages, JSON API, static files and security headers."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

import unspin
from unspin.web import api, pages
from unspin.web.errors import install_error_handlers
from unspin.web.middleware import CSP, BodyLimit, HeadAsGet, SecurityHeaders
from unspin.web.runner import AnalyzerLike, Runner
from unspin.web.settings import WebSettings


def create_app(
    analyzer: AnalyzerLike | None = None,
    settings: WebSettings | None = None,
    db_url: str | None = None,
) -> FastAPI:
    """Build the app; without ``analyzer`` a :class:`~unspin.inference.Router` loads at
    start-up: each text is read by the model for its language (models beyond the default load
    on first use), or every text by ``settings.model`` when it is set.

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

    install_error_handlers(app)
    app.add_middleware(HeadAsGet)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)  # the outermost: its headers reach every response
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


def _load_analyzer(model: str | None) -> AnalyzerLike:
    """A Router: each text read by the model for its language, or every text by ``model``."""
    from unspin.inference import Router

    return Router(model).load()


__all__ = ["CSP", "create_app"]
