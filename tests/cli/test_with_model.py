"""The CLI end to end with the shipped model (skipped until the model folder exists)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from unspin.cli.main import main
from unspin.formats.ptc import read_label_rows
from unspin.schema import Analysis

ROOT = Path(__file__).resolve().parents[2]
MODEL_CONFIG = ROOT / "src" / "unspin" / "models" / "default" / "config.json"
EXAMPLE = ROOT / "src" / "unspin" / "examples" / "op-ed.txt"
PTC_TRAIN = ROOT.parent / "shared" / "data" / "ptc" / "train"

pytestmark = pytest.mark.skipif(
    not MODEL_CONFIG.is_file(), reason=f"no shipped model yet ({MODEL_CONFIG} missing)"
)
needs_ptc = pytest.mark.skipif(
    not PTC_TRAIN.is_dir(), reason=f"PTC training data not found at {PTC_TRAIN}"
)
ARTICLE_IDS = ("111111111", "111111112")


def test_analyze_example_text_and_json(runner: CliRunner) -> None:
    text = runner.invoke(main, ["analyze", str(EXAMPLE)])
    assert text.exit_code == 0, text.output
    assert "op-ed" in text.output and "sentences" in text.output
    result = runner.invoke(main, ["analyze", str(EXAMPLE), "-f", "json", "-t", "0.2"])
    assert result.exit_code == 0, result.output
    analysis = Analysis.from_json(result.output)
    assert analysis.document.text == EXAMPLE.read_text(encoding="utf-8")
    assert analysis.spans, "the example op-ed should show at least one technique"
    assert all(s.score >= 0.2 for s in analysis.spans)


@pytest.fixture
def two_articles(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    for article_id in ARTICLE_IDS:
        source = PTC_TRAIN / "train-articles" / f"article{article_id}.txt"
        shutil.copyfile(source, folder / source.name)
    return folder


@needs_ptc
def test_semeval_submissions_score(two_articles: Path, tmp_path: Path, runner: CliRunner) -> None:
    gold_rows = [
        row
        for row in read_label_rows(PTC_TRAIN / "train-task2-TC.labels")
        if row.article_id in ARTICLE_IDS
    ]
    gold = tmp_path / "gold.labels"
    gold.write_text(
        "".join(f"{r.article_id}\t{r.technique}\t{r.start}\t{r.end}\n" for r in gold_rows)
    )
    template = tmp_path / "template.labels"
    template.write_text("".join(f"{r.article_id}\t?\t{r.start}\t{r.end}\n" for r in gold_rows))
    for task, extra in (("si", []), ("flc", []), ("tc", ["--template", str(template)])):
        out = tmp_path / f"{task}.txt"
        result = runner.invoke(main, ["semeval", task, str(two_articles), "-o", str(out), *extra])
        assert result.exit_code == 0, result.output
        scored = runner.invoke(main, ["evaluate", "--task", task, str(gold), str(out), "--json"])
        assert scored.exit_code == 0, scored.output
    tc_rows = read_label_rows(tmp_path / "tc.txt")
    assert [(r.article_id, r.start, r.end) for r in tc_rows] == [
        (r.article_id, r.start, r.end) for r in gold_rows
    ]
