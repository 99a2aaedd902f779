"""Bad input gives a one-line ``Error: ...`` and a non-zero exit, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from unspin.cli.main import main


def one_line_error(runner: CliRunner, args: list[str], input: bytes | None = None) -> str:
    result = runner.invoke(main, args, input=input)
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"   \n\n", "is empty"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00", "binary"),
        (b"caf\xe9", "is not UTF-8"),
    ],
    ids=["empty", "blank", "binary", "non-utf8"],
)
def test_unreadable_files(tmp_path: Path, runner: CliRunner, content: bytes, message: str) -> None:
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    line = one_line_error(runner, ["analyze", str(path)])
    assert str(path) in line and message in line


def test_directory_and_missing_path(tmp_path: Path, runner: CliRunner) -> None:
    assert "contains no .txt" in one_line_error(runner, ["analyze", str(tmp_path)])
    line = one_line_error(runner, ["analyze", str(tmp_path / "missing.txt")])
    assert "missing.txt: no such file" in line


def test_empty_stdin(runner: CliRunner) -> None:
    assert "<stdin>: is empty" in one_line_error(runner, ["analyze", "-"], input=b"")


def test_missing_model_is_one_line(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "ok.txt"
    path.write_text("A perfectly fine text.", encoding="utf-8")
    line = one_line_error(runner, ["analyze", str(path), "--model", str(tmp_path / "nope")])
    assert "nope" in line


def test_bad_jsonl_line_names_file_and_line(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text('{"txt": "fine"}\n{"txt": "typo"}\n', encoding="utf-8")
    result = runner.invoke(main, ["analyze", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.splitlines() == [
        f"Error: {path}:1: missing field 'text'",
        f"Error: {path}:2: missing field 'text'",
    ]


def test_evaluate_errors(tmp_path: Path, runner: CliRunner) -> None:
    gold = tmp_path / "gold.labels"
    gold.write_text("1\t0\t5\n", encoding="utf-8")
    line = one_line_error(runner, ["evaluate", "--task", "si", str(gold), str(tmp_path / "x")])
    assert "no such file" in line
    bad = tmp_path / "bad.labels"
    bad.write_text("1\t0\tfive\n", encoding="utf-8")
    line = one_line_error(runner, ["evaluate", "--task", "si", str(gold), str(bad)])
    assert f"{bad}:1: offsets must be integers" in line
    line = one_line_error(runner, ["evaluate", "--task", "flc", str(gold), str(gold)])
    assert "needs techniques" in line


def test_unexpected_errors_are_one_line_too(
    monkeypatch: pytest.MonkeyPatch, runner: CliRunner
) -> None:
    monkeypatch.setattr("unspin.cli.techniques.techniques_as_json", lambda: 1 / 0)
    line = one_line_error(runner, ["techniques", "--json"])
    assert line == "Error: ZeroDivisionError: division by zero"
