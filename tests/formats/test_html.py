"""Article text from HTML, offline."""

from __future__ import annotations

import pytest

from unspin.formats.errors import FormatError
from unspin.formats.html import extract_text

ARTICLE = (
    "<html><head><title>Park scandal</title><script>var tracker = 1;</script></head><body>"
    "<nav><a href='/'>Home</a> | <a href='/contact'>Contact us</a></nav><article>"
    "<h1>Park scandal</h1>"
    "<p>The council's disastrous plan will ruin the park for every family in this town.</p>"
    "<p>Only a fool would believe the mayor's promises about new trees and new benches.</p>"
    "<p>Residents have gathered over four thousand signatures against the proposal so far.</p>"
    "</article><footer>Copyright 2024 Example News. All rights reserved.</footer></body></html>"
)


def test_article_text_and_title() -> None:
    text, title = extract_text(ARTICLE, url="https://news.example/park")
    assert title == "Park scandal"
    assert "disastrous plan" in text and "four thousand signatures" in text
    assert "tracker" not in text and "<p>" not in text


def test_fallback_keeps_visible_text_of_a_tiny_page() -> None:
    text, title = extract_text(
        "<html><head><title> A  page </title><style>p{}</style></head>"
        "<body><p>Hi &amp; <b>bye</b></p></body></html>"
    )
    assert "Hi & " in text and "bye" in text and "p{}" not in text
    assert title == "A page"


@pytest.mark.parametrize("html", ["", "<html><body><script>x()</script></body></html>"])
def test_no_text_is_an_error(html: str) -> None:
    with pytest.raises(FormatError, match="no text"):
        extract_text(html)
