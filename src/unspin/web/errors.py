"""Error responses: an HTML page for browser routes, JSON ``{"detail": …}`` for the API.

Every error response carries the security headers, the 500s too (Starlette sends those from
outside the middleware stack).
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.exceptions import HTTPException

from unspin.web.environment import environment
from unspin.web.middleware import add_security_headers

_JSON_PATHS = ("/api/", "/openapi.json", "/dashboard/api/")
_log = logging.getLogger("unspin.web")


def wants_json(request: Request) -> bool:
    """API paths answer in JSON; other paths too when the client asks for JSON and not HTML."""
    path = request.url.path
    if path.startswith(_JSON_PATHS):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_response(request: Request, status: int, detail: object) -> Response:
    """The error page or JSON for ``status``, with the security headers."""
    response: Response
    if wants_json(request):
        response = JSONResponse({"detail": detail}, status)
    else:
        message = detail if isinstance(detail, str) else _describe(detail)
        page = (
            environment()
            .get_template("error.html")
            .render(status=status, title=HTTPStatus(status).phrase, message=message)
        )
        response = HTMLResponse(page, status)
    add_security_headers(response.headers, request.url.path)
    return response


def _describe(detail: object) -> str:
    """Validation errors in words: ``since: Input should be a valid date``."""
    if isinstance(detail, list):
        parts = []
        for error in detail:
            where = [str(p) for p in error.get("loc", ()) if p not in ("query", "path", "body")]
            parts.append(f"{'.'.join(where)}: {error.get('msg', 'not valid')}")
        return "; ".join(parts)
    return str(detail)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    response = error_response(request, error.status_code, error.detail)
    for name, value in (error.headers or {}).items():
        response.headers[name] = value
    return response


async def _validation_error(request: Request, error: Exception) -> Response:
    """A 422 that names what is wrong without echoing the request's (hostile) input back."""
    assert isinstance(error, RequestValidationError)
    detail = [{k: e[k] for k in ("loc", "msg", "type") if k in e} for e in error.errors()]
    return error_response(request, 422, detail)


async def _server_error(request: Request, error: Exception) -> Response:
    _log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    return error_response(request, 500, "Something went wrong on the server; nothing was kept.")


def install_error_handlers(app: FastAPI) -> None:
    """Route HTTP errors, validation errors and unhandled exceptions to ``error_response``."""
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _server_error)
