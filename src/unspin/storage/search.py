"""Full-text search over the stored texts, with one query syntax on SQLite and PostgreSQL.

The syntax (the same as ``unspin search`` and the dashboard document it):

- ``traitor budget``: documents with both words (any case; ``café`` does not match ``cafe``);
- ``"forever lost"``: the words next to each other, in this order;
- ``traitor OR clown``: either word (``OR`` in capitals; it binds the words beside it);
- ``-clowns``: without the word (needs at least one word to look for);
- ``lib*``: words that start with ``lib``.

A word is a run of letters and digits; anything else separates words, so ``e-mail`` looks for
``e`` followed by ``mail``. The query is parsed here and written out as an FTS5 ``MATCH`` query
on SQLite and as a ``tsquery`` (``simple`` configuration) on PostgreSQL, so both find the same
documents.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, column, select, table, text
from sqlalchemy.orm import Session

from unspin.errors import UnspinError
from unspin.schema import ModelInfo
from unspin.storage import DEFAULT_SEARCH_LIMIT
from unspin.storage.browse import Found, first_documents, found_in
from unspin.storage.db import is_postgres
from unspin.storage.filters import Filters, Reading, filtered, reading
from unspin.storage.models import AnalysisRow, DocumentRow, SpanRow, TextRow

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"[^\W_]+")


class QuerySyntaxError(UnspinError, ValueError):
    """A search query that means nothing searchable (say, only exclusions)."""


@dataclass(frozen=True)
class Term:
    """Words that must stand together in this order; the last may be a prefix."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Query:
    """Every group must match (a group: any of its terms); no excluded term may."""

    groups: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...] = ()

    @property
    def words(self) -> list[str]:
        """The words looked for (for snippets and highlights)."""
        return [word for group in self.groups for term in group for word in term.words]


def parse_query(query: str) -> Query:
    """The :class:`Query` that ``query`` (in the module's syntax) means."""
    items: list[tuple[bool, Term] | None] = []  # None: OR
    for match in _TOKEN.finditer(query):
        negated, phrase, bare = match.groups()
        if bare == "OR":
            items.append(None)
            continue
        if bare is not None:
            negated = "-" if bare.startswith("-") and len(bare) > 1 else ""
            phrase = bare[len(negated) :]
        prefix = bare is not None and phrase.endswith("*")
        words = tuple(w.lower() for w in _WORD.findall(phrase))
        if words:
            items.append((bool(negated), Term(words, prefix)))
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    joining = False
    for index, item in enumerate(items):
        if item is None:
            joining = bool(groups) and index + 1 < len(items) and items[index + 1] is not None
            continue
        negated, term = item
        if negated:
            if joining:
                raise QuerySyntaxError("an excluded word (-word) cannot be part of OR")
            excluded.append(term)
        elif joining:
            groups[-1].append(term)
        else:
            groups.append([term])
        joining = False
    if not groups:
        raise QuerySyntaxError(
            "nothing to search for: give at least one word (exclusions alone match everything)"
        )
    return Query(tuple(tuple(g) for g in groups), tuple(excluded))


def fts5_query(query: Query) -> str:
    """``query`` as an SQLite FTS5 ``MATCH`` expression."""

    def term(t: Term) -> str:
        return '"' + " ".join(t.words) + '"' + ("*" if t.prefix else "")

    positive = " AND ".join("(" + " OR ".join(map(term, g)) + ")" for g in query.groups)
    if not query.excluded:
        return positive
    return f"({positive}) NOT (" + " OR ".join(map(term, query.excluded)) + ")"


def tsquery(query: Query) -> str:
    """``query`` as a PostgreSQL ``tsquery`` (for ``to_tsquery('simple', ...)``)."""

    def term(t: Term) -> str:
        lexemes = [f"'{w}'" for w in t.words]
        if t.prefix:
            lexemes[-1] += ":*"
        return "(" + " <-> ".join(lexemes) + ")"

    positive = " & ".join("(" + " | ".join(map(term, g)) + ")" for g in query.groups)
    if not query.excluded:
        return positive
    return f"({positive}) & !(" + " | ".join(map(term, query.excluded)) + ")"


@dataclass(frozen=True)
class Hit(Found):
    """A text that matches a search, shown in its first document, with the techniques found."""

    snippet: str
    techniques: dict[str, int]
    copies: int = 1
    """Documents that hold this text (and match the filters)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            **super().to_dict(),
            "snippet": self.snippet,
            "techniques": self.techniques,
            "copies": self.copies,
        }


def _matching_texts(
    session: Session,
    engine: Engine,
    query: Query,
    filters: Filters,
    limit: int,
    offset: int,
    read_by: Reading | None,
) -> list[int]:
    """The ids of the texts that match, best first; of those ``read_by`` read when given."""
    narrowed = filters.source is not None or filters.since or filters.until
    within = filtered(select(DocumentRow.text_id), filters) if narrowed else None
    if read_by is not None:
        by_model = select(AnalysisRow.text_id).where(read_by.current())
        within = by_model if within is None else within.where(DocumentRow.text_id.in_(by_model))
    if is_postgres(engine):
        match = "to_tsvector('simple', texts.text) @@ to_tsquery('simple', :q)"
        rank = "ts_rank(to_tsvector('simple', texts.text), to_tsquery('simple', :q)) DESC"
        found = select(TextRow.id).where(text(match)).order_by(text(rank), TextRow.id)
        if within is not None:
            found = found.where(TextRow.id.in_(within))
        bound = tsquery(query)
    else:
        fts = table("texts_fts", column("rowid"), column("rank"))
        found = (
            select(fts.c.rowid).where(text("texts_fts MATCH :q")).order_by(fts.c.rank, fts.c.rowid)
        )
        if within is not None:
            found = found.where(fts.c.rowid.in_(within))
        bound = fts5_query(query)
    return list(session.scalars(found.limit(limit).offset(offset), {"q": bound}))


def _snippet(body: str, words: list[str], width: int = 80) -> str:
    lowered = body.lower()
    found = [p for p in (lowered.find(w) for w in words) if p >= 0]
    at = min(found) if found else 0
    start = max(0, at - width)
    piece = " ".join(body[start : at + width * 2].split())
    return ("…" if start else "") + piece + ("…" if at + width * 2 < len(body) else "")


def search(
    engine: Engine,
    query: str,
    model: ModelInfo | None = None,
    limit: int = DEFAULT_SEARCH_LIMIT,
    offset: int = 0,
    filters: Filters | None = None,
) -> list[Hit]:
    """Texts matching ``query`` (see the module's syntax), best first, each in its first
    document, with the techniques of the spans (of its current analysis) that hold a query
    word; with ``model`` (or ``filters.model``), only texts that model read, with its spans."""
    parsed = parse_query(query)
    filters = filters or Filters()
    read = reading(engine, filters, model)
    words = parsed.words
    with Session(engine) as session:
        narrowed = model is not None or filters.model is not None
        ids = _matching_texts(
            session, engine, parsed, filters, limit, offset, read if narrowed else None
        )
        bodies = {
            row.id: row.text
            for row in session.execute(select(TextRow.id, TextRow.text).where(TextRow.id.in_(ids)))
        }
        documents = first_documents(session, ids, filters)
        spans: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
        if ids:
            for text_id, technique, start, end in session.execute(
                select(AnalysisRow.text_id, SpanRow.technique, SpanRow.start, SpanRow.end)
                .join(SpanRow, SpanRow.analysis_id == AnalysisRow.id)
                .where(AnalysisRow.text_id.in_(ids), read.current())
            ):
                spans[text_id].append((technique, start, end))
    hits = []
    for text_id in ids:
        body = bodies[text_id]
        found: dict[str, int] = defaultdict(int)
        for technique, start, end in spans.get(text_id, []):
            covered = body[start:end].lower()
            if any(w in covered for w in words):
                found[technique] += 1
        document, copies = documents[text_id]
        hits.append(
            Hit(
                **found_in(document),
                snippet=_snippet(body, words),
                techniques=dict(found),
                copies=copies,
            )
        )
    return hits
