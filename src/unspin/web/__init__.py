"""unspin's web app and HTTP API (``unspin serve``), and the shared HTML rendering.

Build the app with :func:`create_app`; render analyses to one self-contained page with
:func:`unspin.web.render.render_standalone`.

URL layout
----------
``GET /``                    the input form (paste, upload .txt/.html/.pdf, URL)
``POST /analyze``            the analysis page (form fields ``text``, ``file`` or ``url``)
``POST /api/analyze``        JSON analysis of one text; ``POST /api/analyze/batch`` of several
``GET /api/techniques``      the taxonomy; ``GET /api/health`` model loaded and versions
``GET /docs``, ``/openapi.json``  the API's OpenAPI description; ``/docs`` shows it in
                             Swagger UI, whose files ``/static/swagger-ui/`` serves from the
                             fastapi-offline package (nothing from a CDN)
``/static/unspin.css``       the stylesheet of every page (also inlined by the standalone page)
``/static/techniques.css``   generated: class ``t<i>`` sets ``--c`` to the colour of
                             ``TECHNIQUES[i]`` (``tx``: unknown technique);
                             use ``unspin.web.render.technique_class(name)``
``/static/unspin.js``        the analysis page's script; ``/static/favicon.svg``
``/static/<file>``           any file in ``src/unspin/web/static/`` is served as is

Extending
---------
Templates live in ``src/unspin/web/templates/``, share one autoescaping Jinja2 environment
(``unspin.web.pages.templates``) and extend ``base.html``, filling ``{% block content %}``
(also ``title``, ``head``, ``nav`` and ``scripts``; scripts must be files under ``/static``:
the Content-Security-Policy forbids inline scripts and styles). With ``create_app(db_url=...)``
the router ``unspin.web.dashboard.router`` is included and ``request.app.state.db_url`` holds
the URL.
"""

from unspin.web.app import create_app
from unspin.web.runner import WebSettings

__all__ = ["WebSettings", "create_app"]
