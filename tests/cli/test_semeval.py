"""``unspin semeval si|tc|flc`` with a fake analyzer."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from unspin.cli.main import main

from .conftest import FakeAnalyzer

ARTICLES = {
    "11": "Title\n\nThe disastrous plan of traitors.\n",
    "12": "Calm title\n\nNothing to see here, a true patriot says.\n",
}


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    folder = tmp_path / "dev-articles"
    folder.mkdir()
    for article_id, text in ARTICLES.items():
        (folder / f"article{article_id}.txt").write_text(text, encoding="utf-8")
    return folder


def test_si_submission(
    articles: Path, tmp_path: Path, runner: CliRunner, fake_analyzer: FakeAnalyzer
) -> None:
    out = tmp_path / "si.txt"
    result = runner.invoke(main, ["semeval", "si", str(articles), "-o", str(out)])
    assert result.exit_code == 0, result.output
    # "disastrous" [11, 21), "traitors" [30, 38); "true patriot" [35, 47) of article 12.
    assert out.read_text() == "11\t11\t21\n11\t30\t38\n12\t35\t47\n"


def test_flc_submission_accepts_the_split_folder(
    articles: Path, tmp_path: Path, runner: CliRunner, fake_analyzer: FakeAnalyzer
) -> None:
    out = tmp_path / "flc.txt"
    result = runner.invoke(main, ["semeval", "flc", str(tmp_path), "-o", str(out), "-t", "0.3"])
    assert result.exit_code == 0, result.output
    assert out.read_text().splitlines() == [
        "11\tLoaded_Language\t11\t21",
        "11\tExaggeration,Minimisation\t11\t26",
        "11\tName_Calling,Labeling\t30\t38",
        "12\tFlag-Waving\t35\t47",
    ]


def test_tc_fills_the_template_in_its_order(
    articles: Path, tmp_path: Path, runner: CliRunner, fake_analyzer: FakeAnalyzer
) -> None:
    template = tmp_path / "template.labels"
    rows = ["12\t?\t0\t4", "11\t?\t0\t5", "12\t?\t0\t5", "11\t?\t0\t5"]
    template.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "tc.txt"
    args = ["semeval", "tc", str(articles), "--template", str(template), "-o", str(out)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    # The fake names even-length spans Doubt and odd-length ones Slogans.
    assert out.read_text().splitlines() == [
        "12\tDoubt\t0\t4",
        "11\tSlogans\t0\t5",
        "12\tSlogans\t0\t5",
        "11\tSlogans\t0\t5",
    ]


def test_tc_template_errors(
    articles: Path, tmp_path: Path, runner: CliRunner, fake_analyzer: FakeAnalyzer
) -> None:
    template = tmp_path / "template.labels"
    template.write_text("99\t?\t0\t4\n", encoding="utf-8")
    args = ["semeval", "tc", str(articles), "--template", str(template), "-o", "x"]
    result = runner.invoke(main, args)
    assert result.exit_code == 1 and "article '99', which is not in the corpus" in result.output
    template.write_text("11\t?\t0\t400\n", encoding="utf-8")
    result = runner.invoke(main, args)
    assert result.exit_code == 1 and "beyond its" in result.output


def test_missing_articles_dir(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(main, ["semeval", "si", str(tmp_path / "nope"), "-o", "x"])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {tmp_path / 'nope'}: no such directory"
