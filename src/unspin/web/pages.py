"""The HTML pages: the input form (``GET /``) and the analysis page (``POST /analyze``)."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import PurePath
from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.templating import Jinja2Templates

from unspin.errors import UnspinError
from unspin.formats.errors import FormatError
from unspin.formats.fetch import FetchError, fetch_document
from unspin.formats.html import extract_text
from unspin.formats.pdf import PDF_SUFFIXES, pdf_text
from unspin.formats.text import decode_bytes
from unspin.render import analysis_view, technique_css
from unspin.schema import Analysis, Document
from unspin.taxonomy import techniques_as_json
from unspin.web.api import check_length, runner_of
from unspin.web.environment import environment
from unspin.web.runner import AnalysisTimeout
from unspin.web.settings import WebSettings

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(env=environment())
"""Shared templates (``unspin/web/templates``, autoescaped); extend ``base.html``."""

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".text", ".md", ""}


class InputError(UnspinError):
    """Input the page cannot analyse; the message is shown on the form."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


def _settings(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.settings
    return settings


def _example() -> str:
    return resources.files("unspin").joinpath("examples", "op-ed.txt").read_text("utf-8")


def _form_page(
    request: Request, *, error: str | None = None, text: str = "", url: str = "", status: int = 200
) -> HTMLResponse:
    context = {
        "error": error,
        "text": text,
        "url": url,
        "max_chars": _settings(request).max_chars,
        "corpus_link": request.app.state.db_url is not None,
    }
    return templates.TemplateResponse(request, "index.html", context, status_code=status)


@router.get("/", response_class=HTMLResponse)
async def index(request: Request, example: bool = False) -> HTMLResponse:
    """The start page: paste text, upload a file or give a URL."""
    return _form_page(request, text=_example() if example else "")


@router.get("/techniques", response_class=HTMLResponse)
async def glossary(request: Request) -> HTMLResponse:
    """What each technique means, with an example, its colour and its other names."""
    context = {
        "techniques": techniques_as_json(),
        "corpus_link": request.app.state.db_url is not None,
    }
    return templates.TemplateResponse(request, "techniques.html", context)


@router.get("/docs", response_class=HTMLResponse)
async def api_docs(request: Request) -> HTMLResponse:
    """The API's interactive description: Swagger UI, served by this app, nothing from a CDN."""
    context = {"title": request.app.title, "openapi_url": request.app.openapi_url}
    return templates.TemplateResponse(request, "docs.html", context)


@router.get("/static/techniques.css")
async def techniques_stylesheet() -> Response:
    """Each technique's colour as a CSS class, generated from the taxonomy."""
    return Response(
        technique_css(),
        media_type="text/css",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@router.post("/analyze", response_class=HTMLResponse)
async def analyze_page(request: Request) -> HTMLResponse:
    """Analyse the pasted text, uploaded file or URL and show it highlighted."""
    settings = _settings(request)
    text, url = "", ""
    try:
        form = await request.form(
            max_files=1, max_fields=8, max_part_size=4 * settings.max_chars + 1024
        )
        # Browsers send a textarea's line breaks as CRLF: count them as one character each.
        text = _field(form.get("text")).replace("\r\n", "\n")
        url = _field(form.get("url")).strip()
        upload = form.get("file")
        if isinstance(upload, UploadFile) and upload.filename:
            document = await _from_upload(upload, settings)
        elif text.strip():
            document = Document(id="pasted-text", text=text, title=_first_line(text))
        elif url:
            document = await _from_url(url, settings)
        else:
            raise InputError("Paste a text, choose a file or give a URL.")
        check_length(document.text, settings.max_chars)
        runner = runner_of(request)
        default = runner.default_threshold
        floor = default if settings.page_floor is None else min(settings.page_floor, default)
        analysis = await runner.analyze(document, threshold=floor)
    except InputError as error:
        return _form_page(request, error=str(error), text=text, url=url, status=error.status)
    except HTTPException as error:
        return _form_page(
            request, error=str(error.detail), text=text[:1000], url=url, status=error.status_code
        )
    except AnalysisTimeout as error:
        return _form_page(request, error=f"{error}.", text=text, url=url, status=504)
    corpus = request.app.state.db_url is not None
    page = await anyio.to_thread.run_sync(_render_analysis, analysis, default, floor, corpus)
    return HTMLResponse(page)


def _render_analysis(analysis: Analysis, threshold: float, floor: float, corpus: bool) -> str:
    """The analysis page (rendered in a worker thread: a long text takes a moment)."""
    view = analysis_view(analysis, threshold=threshold, floor=floor)
    return templates.get_template("analysis.html").render(view=view, corpus_link=corpus)


def _first_line(text: str, limit: int = 90) -> str:
    """A title for pasted text: its first line, shortened."""
    line = text.strip().split("\n", 1)[0].strip()
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _field(value: Any) -> str:
    return value if isinstance(value, str) else ""


async def _from_upload(upload: UploadFile, settings: WebSettings) -> Document:
    name = PurePath(upload.filename or "upload").name[:200] or "upload"
    data = await upload.read(settings.max_upload_bytes + 1)
    await upload.close()
    if len(data) > settings.max_upload_bytes:
        raise InputError(f"The file is larger than {settings.max_upload_bytes:,} bytes.", 413)
    suffix = PurePath(name).suffix.lower()
    content_type = (upload.content_type or "").lower()
    if suffix in PDF_SUFFIXES or content_type == "application/pdf":
        try:
            extract = functools.partial(pdf_text, data, name, max_chars=settings.max_chars)
            text, title = await anyio.to_thread.run_sync(extract)
        except FormatError as error:
            raise InputError(f"Cannot read {name}: {error.reason}.") from None
        return _document(name, text, title=title or name, source=name)
    if suffix not in HTML_SUFFIXES | TEXT_SUFFIXES and not content_type.startswith("text/"):
        raise InputError("Only .txt, .html and .pdf files can be analysed.", 415)
    try:
        decoded = decode_bytes(data, name, max_bytes=settings.max_upload_bytes)
        if suffix in HTML_SUFFIXES or content_type == "text/html":
            text, title = extract_text(decoded)
            return _document(name, text, title=title or name, source=name)
    except FormatError as error:
        raise InputError(f"Cannot read {name}: {error.reason}.") from None
    return _document(name, decoded, title=name, source=name)


async def _from_url(url: str, settings: WebSettings) -> Document:
    try:
        page = await fetch_document(
            url,
            allow_private=settings.allow_private_urls,
            timeout=settings.fetch_timeout,
            max_bytes=settings.fetch_max_bytes,
        )
    except FetchError as error:
        raise InputError(f"Cannot fetch that URL: {error}.", error.status) from None
    return _document(page.id, page.text, title=page.title or page.id, url=page.url)


def _document(
    doc_id: str, text: str, *, title: str, source: str | None = None, url: str | None = None
) -> Document:
    if not text.strip():
        raise InputError("No text found to analyse.")
    return Document(id=doc_id, text=text, title=title, source=source, url=url)
