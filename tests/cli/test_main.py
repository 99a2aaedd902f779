"""The ``unspin`` group: version, help, lazy and missing command modules, techniques."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from unspin import __version__
from unspin.cli import main as cli_main
from unspin.cli.main import COMMANDS, CommandEntry, main


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_help_lists_installed_commands(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in ("analyze", "evaluate", "semeval", "techniques"):
        assert name in result.output


def test_missing_module_is_left_out(monkeypatch: pytest.MonkeyPatch, runner: CliRunner) -> None:
    commands = {**COMMANDS, "ghost": CommandEntry("unspin.cli.no_such_module", "Boo.")}
    monkeypatch.setattr(cli_main, "COMMANDS", commands)
    assert "ghost" not in runner.invoke(main, ["--help"]).output
    result = runner.invoke(main, ["ghost"])
    assert result.exit_code == 2 and "No such command 'ghost'" in result.output


def test_module_failing_to_import_gives_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, runner: CliRunner
) -> None:
    def broken(name: str) -> None:
        raise ImportError("No module named 'sqlalchemy'")

    monkeypatch.setattr(cli_main.importlib, "import_module", broken)
    result = runner.invoke(main, ["evaluate"])
    assert result.exit_code == 1
    assert "'unspin evaluate' is not available" in result.output
    assert "sqlalchemy" in result.output


def test_help_does_not_import_heavy_dependencies() -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from unspin.cli.main import main\n"
        "assert CliRunner().invoke(main, ['--help']).exit_code == 0\n"
        "print(sorted(m for m in ('onnxruntime', 'fastapi', 'sqlalchemy', 'torch')"
        " if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_techniques_table_and_json(runner: CliRunner) -> None:
    table = runner.invoke(main, ["techniques"])
    assert table.exit_code == 0
    assert "Loaded_Language" in table.output and "not in PTC" in table.output
    data = json.loads(runner.invoke(main, ["techniques", "--json"]).output)
    by_name = {t["name"]: t for t in data}
    assert len(by_name["Whataboutism,Straw_Men,Red_Herring"]["semeval2021"]) == 3
    semeval2021_only = [t for t in data if not t["in_ptc"] and t["semeval2021"]]
    assert len(semeval2021_only) == 3
    assert sum(t["araieval"] is not None for t in data) == 23
    assert by_name["Straw_Man"]["refines"] == "Whataboutism,Straw_Men,Red_Herring"


def test_techniques_by_any_name_and_a_suggestion_on_a_miss(runner: CliRunner) -> None:
    shown = runner.invoke(main, ["techniques", "--json", "name calling", "Appeal-to-Fear"])
    assert [t["name"] for t in json.loads(shown.stdout)] == [
        "Name_Calling,Labeling",
        "Appeal_to_fear-prejudice",
    ]
    missed = runner.invoke(main, ["techniques", "flag wavng"])
    assert missed.exit_code == 1
    assert "unknown technique 'flag wavng' (did you mean 'Flag-Waving'?)" in missed.stderr
