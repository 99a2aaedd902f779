"""Batch fixtures: input files in every format, and ``unspin analyze -f jsonl`` of them."""

from __future__ import annotations

from pathlib import Path

import pytest
from batch_files import write_inputs
from click.testing import CliRunner

from unspin.cli.main import main
from unspin.formats.documents import document_files


@pytest.fixture(scope="session")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_inputs(tmp_path_factory.mktemp("inputs"))


@pytest.fixture(scope="session")
def expected(inputs: list[Path]) -> list[str]:
    """``unspin analyze -f jsonl`` of every input file, one JSON line per readable document."""
    files = [str(file) for path in inputs for file in document_files(path)]
    result = CliRunner().invoke(main, ["analyze", "-f", "jsonl", *files])
    assert result.exit_code == 1, result.output  # two bad records are named on stderr
    return [line for line in result.stdout.splitlines() if line.strip()]
