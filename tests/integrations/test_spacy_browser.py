"""displaCy's span view of the component's spans, in real headless Chromium.

Set ``UNSPIN_SCREENSHOT=1`` to also save ``docs/spacy-displacy.png`` (the README's picture).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("spacy")

import spacy
from spacy import displacy

from headless import chromium
from unspin.integrations.spacy import displacy_options

ROOT = Path(__file__).resolve().parents[2]
MODEL_DIR = ROOT / "src" / "unspin" / "models" / "default"
TEXT = (
    "Only a traitor would vote against this glorious plan. The so-called experts at City Hall "
    "have been wrong about everything for a decade, so why should anyone believe them now? "
    "Either we stop this project now, or we lose our town forever."
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not (MODEL_DIR / "config.json").is_file(), reason="no shipped model"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from chromium()


def test_displacy_shows_every_span_label(browser: Any) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("unspin", config={"model": "fast", "threshold": 0.5})
    doc = nlp(TEXT)
    labels = {span.label_ for span in doc.spans["unspin"]}
    assert len(labels) >= 3
    html = displacy.render(doc, style="span", options=displacy_options(), page=True)
    page = browser.new_page(viewport={"width": 900, "height": 300})
    page.set_content(html)
    shown = page.inner_text("body")
    for label in labels:
        assert label in shown
    if os.environ.get("UNSPIN_SCREENSHOT"):
        page.screenshot(path=str(ROOT / "docs" / "spacy-displacy.png"), full_page=True)
    page.close()
