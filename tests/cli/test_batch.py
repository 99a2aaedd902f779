"""``unspin batch``: its options and messages (the runs themselves: tests/batch)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from unspin.cli.main import main


def test_ray_engine_without_ray_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # as if Ray were not installed
    source = tmp_path / "a.txt"
    source.write_text("Some text.", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["batch", str(source), "-o", str(tmp_path / "out"), "--engine", "ray"]
    )
    assert result.exit_code == 1
    assert "pip install 'unspin[ray]'" in result.output
    assert not (tmp_path / "out").exists()


def test_address_is_for_ray_and_inputs_must_exist(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("Some text.", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(
        main, ["batch", str(source), "-o", str(tmp_path / "o"), "--address", "auto"]
    )
    assert result.exit_code == 2 and "--address is for --engine ray" in result.output
    result = runner.invoke(main, ["batch", str(tmp_path / "missing"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_summary_names_counts_and_bad_records(tmp_path: Path) -> None:
    source = tmp_path / "feed.jsonl"
    source.write_text('{"text": "The reckless traitors lied."}\n{"text": ""}\n', "utf-8")
    result = CliRunner().invoke(
        main, ["batch", str(source), "-o", str(tmp_path / "out"), "--actors", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "1 documents analysed by" in result.output
    assert "1 bad records" in result.output
    assert "feed.jsonl:2: field 'text' is empty" in result.output


def test_a_model_the_workers_cannot_load_is_named(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("Some text.", encoding="utf-8")
    missing = tmp_path / "no-model"
    result = CliRunner().invoke(
        main,
        [
            "batch",
            str(source),
            "-o",
            str(tmp_path / "out"),
            "--model",
            str(missing),
            "--actors",
            "1",
        ],
    )
    assert result.exit_code == 1
    assert str(missing) in result.output and "Traceback" not in result.output
