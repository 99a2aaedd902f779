"""A tiny PTC-layout corpus written by the tests themselves."""

from __future__ import annotations

from pathlib import Path

import pytest

ARTICLES = {
    "1001": (
        "Radical Mayor Wrecks Our Town\n\n"
        "The radical mayor and his corrupt cronies are destroying everything we love.\n"
        "Take back our town!\n"
        "Take back our town!\n"
    ),
    "1002": (
        "Council meets on Tuesday\n\n"
        "The council will meet on Tuesday to discuss the budget.\n"
        "Critics say the disastrous plan is a shameful betrayal of every patriot.\n"
    ),
    "1003": (
        "A calm report\n\n"
        "The bridge reopened after repairs that took three weeks.\n"
        "Can anyone really trust these so-called experts?\n"
    ),
    "1004": (
        "Another view\n\n"
        "Either we stop them now or we lose our country forever.\n"
        "The weather was mild and sunny.\n"
    ),
}


def _labels(article_id: str, text: str) -> list[tuple[str, int, int]]:
    wanted = {
        "1001": [
            ("Name_Calling,Labeling", "radical mayor"),
            ("Loaded_Language", "corrupt cronies"),
            ("Slogans", "Take back our town!"),
        ],
        "1002": [("Loaded_Language", "disastrous"), ("Flag-Waving", "betrayal of every patriot")],
        "1003": [("Doubt", "Can anyone really trust these so-called experts?")],
        "1004": [("Black-and-White_Fallacy", "Either we stop them now or we lose our country")],
    }[article_id]
    rows = []
    for technique, fragment in wanted:
        start = text.index(fragment)
        rows.append((technique, start, start + len(fragment)))
    return rows


@pytest.fixture
def tiny_ptc(tmp_path: Path) -> Path:
    """A PTC split folder with ``train-articles/`` and per-article technique label files."""
    return write_tiny_ptc(tmp_path / "ptc")


def write_tiny_ptc(root: Path) -> Path:
    """Write the tiny corpus as a PTC split folder at ``root``."""
    articles = root / "train-articles"
    labels = root / "train-labels-task2-technique-classification"
    articles.mkdir(parents=True)
    labels.mkdir()
    for article_id, text in ARTICLES.items():
        (articles / f"article{article_id}.txt").write_text(text, encoding="utf-8")
        lines = [f"{article_id}\t{t}\t{s}\t{e}\n" for t, s, e in _labels(article_id, text)]
        (labels / f"article{article_id}.task2-TC.labels").write_text("".join(lines))
    return root
