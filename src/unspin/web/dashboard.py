"""The corpus dashboard: overview, statistics as charts, filters and drill-down to documents.

Charts are SVG drawn on the server (links and ``<title>`` tooltips work without scripts);
``/static/dashboard.js`` adds series toggling and submits the filter form on change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Engine

from unspin.render import analysis_view, technique_class
from unspin.storage.browse import examples, list_documents, load_analysis
from unspin.storage.db import open_engine
from unspin.storage.filters import Filters, UnknownModelError, models, reading, sources
from unspin.storage.search import QuerySyntaxError, search
from unspin.storage.stats import (
    GROUPS,
    TIME_GROUPS,
    Stats,
    group_dates,
    stats,
    undated_note,
    unreadable_note,
)
from unspin.taxonomy import UnknownTechniqueError, display_name, get_technique
from unspin.web.environment import environment

router = APIRouter(prefix="/dashboard")
PAGE_SIZE = 25
MAX_ROW_ID = 2**31 - 1
"""The largest id a document can have (both databases' INTEGER); larger ones are not found."""
MAX_PAGE = 10_000_000
"""Pages beyond this are not looked for (their offset would overflow the database's integers)."""
MAX_CHART_TECHNIQUES = 14
PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39",
)  # fmt: skip


@cache
def _engine(url: str) -> Engine:
    return open_engine(url, create=False)


def _store(request: Request) -> Engine:
    return _engine(request.app.state.db_url)


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(422, f"not a date (YYYY-MM-DD): {value!r}") from None


def _no_nul(name: str, value: str | None) -> str | None:
    """``value``, or a 400 when it holds a NUL character (no stored text can hold one)."""
    if value is not None and "\x00" in value:
        raise HTTPException(400, f"{name} must not hold a NUL character")
    return value


def _filters(
    request: Request,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    technique: str | None = None,
    model: str | None = None,
) -> Filters:
    """The filters in a request's query string (``model``: ``NAME`` or ``NAME@VERSION`` of a
    model in the store; none: each document's current analysis)."""
    filters = Filters(
        _no_nul("source", source) or None,
        _day(_no_nul("since", since)),
        _day(_no_nul("until", until)),
        _technique(_no_nul("technique", technique)),
        _no_nul("model", model) or None,
    )
    if filters.model is not None:
        try:
            reading(_store(request), filters)
        except UnknownModelError as error:
            raise HTTPException(422, str(error)) from None
    return filters


def _technique(name: str | None) -> str | None:
    """The corpus name of the technique a query string names by any of its names."""
    if not name:
        return None
    try:
        return get_technique(name).name
    except UnknownTechniqueError as error:
        raise HTTPException(422, f"{error.args[0]}; /api/techniques lists the names") from None


def _grouping(by: str = "source") -> str:
    """The grouping in a request's query string."""
    if by not in GROUPS:
        raise HTTPException(422, f"by must be one of {', '.join(GROUPS)}")
    return by


RequestFilters = Annotated[Filters, Depends(_filters)]
Grouping = Annotated[str, Depends(_grouping)]


def _params(base: Filters) -> dict[str, Any]:
    return {
        "source": base.source,
        "since": base.since,
        "until": base.until,
        "technique": base.technique,
        "model": base.model,
    }


def _query(**params: Any) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


@dataclass(frozen=True)
class Cell:
    x: float
    y: float
    value: float | None
    """The share; None for a group with no document the model reads."""
    fill: str
    ink: str
    href: str
    tip: str


def _heat(value: float) -> tuple[str, str]:
    """White to dark red for 0..1, and a readable text colour on it."""
    r = 255 - int(75 * value)
    g = int(255 - 225 * value)
    b = int(240 - 215 * value)
    return f"rgb({r},{g},{b})", "#fff" if value > 0.55 else "#1d2430"


def _drill(result: Stats, group: str, technique: str | None, base: Filters) -> str:
    params = {**_params(base), "technique": technique}
    if result.by == "source":
        params["source"] = group
    elif result.by in ("month", "week"):
        span = group_dates(result.by, group)
        if span:
            params["since"], params["until"] = span
    elif result.by == "model":
        params["model"] = group
    return "/dashboard/documents?" + _query(**params)


def heatmap(result: Stats, base: Filters) -> dict[str, Any]:
    """Cells of the heat map: rows are groups, columns techniques, value the document share."""
    techniques = result.techniques[:MAX_CHART_TECHNIQUES]
    cells = []
    for row, group in enumerate(result.groups):
        for col, technique in enumerate(techniques):
            share = group.share(technique)
            fill, ink = _heat(share) if group.documents else ("#eceff3", "#1d2430")
            using = group.documents_with.get(technique, 0)
            tip = (
                f"{group.group} · {display_name(technique)}: {using} of "
                f"{group.documents} documents ({100 * share:.0f}%)"
                if group.documents
                else f"{group.group}: no document in a language the model reads"
            )
            cells.append(
                Cell(
                    col * 56,
                    row * 30,
                    share if group.documents else None,
                    fill,
                    ink,
                    _drill(result, group.group, technique, base),
                    tip,
                )
            )
    return {
        "techniques": techniques,
        "groups": result.groups,
        "cells": cells,
        "width": 56 * len(techniques),
        "height": 30 * len(result.groups),
    }


def lines(result: Stats, base: Filters) -> dict[str, Any]:
    """Series of the time chart: one line per technique over the periods (months, weeks).

    An empty period has no point, and the line breaks there; each point's tip and each period's
    label say how many documents it stands for.
    """
    techniques = result.techniques[:MAX_CHART_TECHNIQUES]
    groups = result.groups
    width, height = 760, 260
    step = width / max(len(groups) - 1, 1)
    top = max((g.share(t) for g in groups for t in techniques), default=0.0) or 1.0
    series = []
    for index, technique in enumerate(techniques):
        points: list[dict[str, Any]] = []
        segments: list[list[str]] = [[]]
        for i, group in enumerate(groups):
            if not group.documents:
                segments.append([])
                continue
            share = group.share(technique)
            point = {
                "x": round(i * step, 1),
                "y": round(height - height * share / top, 1),
                "tip": f"{group.group} · {display_name(technique)}: "
                f"{group.documents_with.get(technique, 0)} of {group.documents} documents "
                f"({100 * share:.0f}%)",
                "href": _drill(result, group.group, technique, base),
            }
            points.append(point)
            segments[-1].append(f"{point['x']},{point['y']}")
        series.append(
            {
                "technique": technique,
                "color": PALETTE[index % len(PALETTE)],
                "points": points,
                "paths": [" ".join(s) for s in segments if len(s) > 1],
            }
        )
    ticks = [
        {"y": round(height - height * f, 1), "label": f"{100 * top * f:.0f}%"}
        for f in (0, 0.25, 0.5, 0.75, 1)
    ]
    labels = [
        {"x": round(i * step, 1), "label": g.group, "documents": g.documents}
        for i, g in enumerate(groups)
    ]
    return {
        "series": series,
        "ticks": ticks,
        "labels": labels,
        "width": width,
        "height": height,
        "undated": undated_note(result.undated) if result.undated else None,
    }


@router.get("", response_class=HTMLResponse)
def overview(request: Request, by: Grouping, base: RequestFilters) -> HTMLResponse:
    """Corpus overview with the statistics of the chosen grouping as charts and a table."""
    engine = _store(request)
    result = stats(engine, by, base)
    everything = stats(engine, "all")
    total = everything.groups[0] if everything.groups else None
    context = {
        "by": by,
        "groups": GROUPS,
        "filters": base,
        "result": result,
        "total": total,
        "models": models(engine),
        "sources": sources(engine),
        "all_techniques": everything.techniques,
        "heatmap": heatmap(result, base) if by not in TIME_GROUPS else None,
        "lines": lines(result, base) if by in TIME_GROUPS and result.groups else None,
        "undated": undated_note(result.undated) if result.undated else None,
        "unreadable": unreadable_note(total.unreadable) if total and total.unreadable else None,
        "drill": lambda group: _drill(result, group, base.technique, base),
        "technique_class": technique_class,
    }
    page = environment().get_template("dashboard.html").render(**context)
    return HTMLResponse(page)


@router.get("/api/stats")
def stats_json(request: Request, by: Grouping, base: RequestFilters) -> dict[str, Any]:
    """The dashboard's statistics as JSON (the same figures as ``unspin stats --format json``)."""
    return stats(_store(request), by, base).to_dict()


@router.get("/documents", response_class=HTMLResponse)
def documents(request: Request, base: RequestFilters, page: int = Query(1, ge=1)) -> HTMLResponse:
    """One page of the documents that match the filters, newest first."""
    engine = _store(request)
    if page > MAX_PAGE:
        raise HTTPException(404, f"no page {page}")
    items, total = list_documents(engine, base, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    if page > pages:
        raise HTTPException(404, f"no page {page}: there are {pages}")
    link = _params(base)
    context = {
        "items": items,
        "total": total,
        "page": page,
        "pages": pages,
        "filters": base,
        "read_by": sorted({(item.model_name, item.model_version) for item in items}),
        "prev": "?" + _query(**link, page=page - 1) if page > 1 else None,
        "next": "?" + _query(**link, page=page + 1) if page < pages else None,
        "back": "/dashboard?" + _query(**link),
    }
    html = environment().get_template("dashboard_documents.html").render(**context)
    return HTMLResponse(html)


@router.get("/documents/{document_id}", response_class=HTMLResponse)
def document(request: Request, document_id: int) -> HTMLResponse:
    """One document's stored analysis on the web app's highlighted analysis page."""
    if not 0 < document_id <= MAX_ROW_ID:
        raise HTTPException(404, f"no analysed document {document_id}")
    analysis = load_analysis(_store(request), document_id)
    if analysis is None:
        raise HTTPException(404, f"no analysed document {document_id}")
    view = analysis_view(analysis)
    return HTMLResponse(environment().get_template("analysis.html").render(view=view))


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request, base: RequestFilters, q: str = "", page: int = Query(1, ge=1)
) -> HTMLResponse:
    """Full-text search over the corpus (the syntax of ``unspin search``), with filters."""
    engine = _store(request)
    if page > MAX_PAGE:
        raise HTTPException(404, f"no page {page}")
    query = _no_nul("q", q) or ""
    hits, error = [], None
    if query.strip():
        try:
            hits = search(
                engine, query, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE, filters=base
            )
        except QuerySyntaxError as syntax:
            error = str(syntax)
    link = {**_params(base), "q": query}
    context = {
        "q": query,
        "hits": hits[:PAGE_SIZE],
        "error": error,
        "page": page,
        "filters": base,
        "sources": sources(engine),
        "models": models(engine),
        "prev": "?" + _query(**link, page=page - 1) if page > 1 else None,
        "next": "?" + _query(**link, page=page + 1) if len(hits) > PAGE_SIZE else None,
    }
    html = environment().get_template("dashboard_search.html").render(**context)
    return HTMLResponse(html, status_code=400 if error else 200)


@router.get("/examples", response_class=HTMLResponse)
def examples_page(request: Request, base: RequestFilters) -> HTMLResponse:
    """The highest-scoring spans of a technique, in context (as ``unspin examples``)."""
    engine = _store(request)
    everything = stats(engine, "all")
    found = examples(engine, base.technique, base, limit=PAGE_SIZE) if base.technique else []
    context = {
        "filters": base,
        "examples": found,
        "sources": sources(engine),
        "models": models(engine),
        "all_techniques": everything.techniques,
    }
    html = environment().get_template("dashboard_examples.html").render(**context)
    return HTMLResponse(html)
