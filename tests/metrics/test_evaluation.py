"""``evaluate_files``: the typed result and its JSON form (the CLI tests check the numbers)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from unspin.formats.errors import FormatError
from unspin.metrics import Evaluation, evaluate_files


def _labels(path: Path, rows: str) -> Path:
    path.write_text(rows, encoding="utf-8")
    return path


def test_flc_result_and_json(tmp_path: Path) -> None:
    gold = _labels(tmp_path / "gold.labels", "1\tDoubt\t0\t10\n1\tSlogans\t20\t30\n")
    pred = _labels(tmp_path / "pred.labels", "1\tDoubt\t0\t10\n")
    result = evaluate_files("flc", gold, pred)
    assert isinstance(result, Evaluation) and result.unit == "spans"
    assert (result.overall.precision, result.overall.recall) == pytest.approx((1.0, 0.5))
    assert result.per_technique["Slogans"].recall == 0.0
    data = result.to_dict()
    assert list(data) == [
        "task",
        "gold_file",
        "pred_file",
        "precision",
        "recall",
        "f1",
        "predicted",
        "gold",
        "per_technique",
    ]
    assert json.loads(json.dumps(data))["gold_file"] == str(gold)


def test_si_has_no_per_technique_scores(tmp_path: Path) -> None:
    gold = _labels(tmp_path / "gold.labels", "1\t0\t10\n")
    result = evaluate_files("si", gold, gold)
    assert result.overall.f1 == 1.0 and result.per_technique == {}
    assert result.macro_f1 is None and "map_techniques" not in result.to_dict()


def test_wrong_inputs_are_refused(tmp_path: Path) -> None:
    si_rows = _labels(tmp_path / "si.labels", "1\t0\t10\n")
    with pytest.raises(FormatError, match="needs techniques"):
        evaluate_files("tc", si_rows, si_rows)
    with pytest.raises(ValueError, match="SemEval-2021 tasks only"):
        evaluate_files("si", si_rows, si_rows, map_techniques=True)
    with pytest.raises(ValueError, match="unknown task"):
        evaluate_files("xyz", si_rows, si_rows)
