"""The README's Architecture section is what scripts/architecture.py draws from the contracts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "architecture.py"


def _run(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *arguments], capture_output=True, text=True, timeout=60
    )


def test_readme_shows_the_layers_of_the_contracts() -> None:
    result = _run("--check")
    assert result.returncode == 0, result.stderr


def test_every_layer_and_package_is_drawn() -> None:
    section = _run().stdout
    for package in ("web/", "cli/", "storage/", "training/", "inference/", "render/", "schema/"):
        assert f"\n{package}" in section
    assert section.index("\nweb/") < section.index("\ninference/") < section.index("\nschema/")
    assert "cli.serve imports web" in section
