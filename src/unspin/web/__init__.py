"""unspin's web app and HTTP API (``unspin serve``); needs the ``web`` extra.

Build the app with :func:`create_app`. Importing this package imports no web framework: the
app's modules load on first use of ``create_app`` or ``WebSettings``. The analysis page draws
analyses with :mod:`unspin.render`, which also writes ``analyze -f html``'s standalone page.

URL layout
----------
``GET /``                    the input form (paste, upload .txt/.html/.pdf, URL)
``POST /analyze``            the analysis page (form fields ``text``, ``file`` or ``url``)
``POST /api/analyze``        JSON analysis of one text; ``POST /api/analyze/batch`` of several
``GET /api/techniques``      the taxonomy; ``GET /api/health`` model loaded and versions
``GET /docs``, ``/openapi.json``  the API's OpenAPI description; ``/docs`` shows it in
                             Swagger UI, whose files ``/static/swagger-ui/`` serves from the
                             fastapi-offline package (nothing from a CDN)
``/static/unspin.css``       the stylesheet of every page (from ``unspin.render``, which also
                             inlines it in the standalone page)
``/static/techniques.css``   generated: class ``t<i>`` sets ``--c`` to the colour of
                             ``TECHNIQUES[i]`` (``tx``: unknown technique);
                             use ``unspin.render.technique_class(name)``
``/static/unspin.js``        the analysis page's script; ``/static/favicon.svg``
``/static/<file>``           any file in ``src/unspin/web/static/`` or
                             ``src/unspin/render/static/`` is served as is

Extending
---------
Templates live in ``src/unspin/web/templates/``, share one autoescaping Jinja2 environment
(``unspin.web.environment.environment()``, which also finds ``unspin.render``'s templates, such
as ``_analysis.html``) and extend ``base.html``, filling ``{% block content %}``
(also ``title``, ``head``, ``nav`` and ``scripts``; scripts must be files under ``/static``:
the Content-Security-Policy forbids inline scripts and styles). With ``create_app(db_url=...)``
the router ``unspin.web.dashboard.router`` is included and ``request.app.state.db_url`` holds
the URL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from unspin.web.app import create_app
    from unspin.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]


def __getattr__(name: str) -> object:
    """Import the app's modules (and so FastAPI) only when ``create_app`` or ``WebSettings``
    is first used."""
    if name == "create_app":
        from unspin.web.app import create_app

        return create_app
    if name == "WebSettings":
        from unspin.web.settings import WebSettings

        return WebSettings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
