"""HTML input: the article text and title of a web page, offline.

trafilatura finds the main text (dropping navigation, ads and boilerplate). When it finds
nothing, e.g. on a short or unusual page, all visible text is kept instead. Nothing is ever
fetched: ``url`` only helps trafilatura resolve metadata.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from unspin.formats.errors import FormatError

_BLOCK_TAGS = frozenset(
    (
        *("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt"),
        *("figcaption", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header"),
        *("hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th"),
        *("tr", "ul"),
    )
)
_HIDDEN_TAGS = frozenset(
    ("script", "style", "noscript", "template", "head", "svg", "iframe", "object")
)
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def extract_text(html: str, url: str | None = None) -> tuple[str, str | None]:
    """Return ``(article text, title)`` of an HTML page; raise FormatError if it has no text."""
    name = url or "<html>"
    text, title = _trafilatura(html, url)
    if not text:
        text, fallback_title = _visible_text(html)
        title = title or fallback_title
    if not text.strip():
        raise FormatError(name, "the page contains no text")
    return text, title


def _trafilatura(html: str, url: str | None) -> tuple[str, str | None]:
    try:
        import trafilatura
    except ImportError:  # pragma: no cover - trafilatura comes with the web and store extras
        return "", None
    text = trafilatura.extract(
        html, url=url, include_comments=False, include_tables=False, deduplicate=False
    )
    metadata = trafilatura.extract_metadata(html, default_url=url)
    title = getattr(metadata, "title", None) if metadata is not None else None
    return (text or "").strip(), (title or None)


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self._hidden = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in _HIDDEN_TAGS:
            self._hidden += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in _HIDDEN_TAGS:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
        elif not self._hidden:
            self.parts.append(data)


def _visible_text(html: str) -> tuple[str, str | None]:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parser.parts).split("\n"))
    text = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    title = " ".join("".join(parser.title_parts).split()) or None
    return text, title


__all__ = ["extract_text"]
