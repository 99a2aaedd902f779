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


def test_every_package_is_in_a_layer() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (layers,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    listed = {name.strip() for layer in layers["layers"] for name in layer.split("|")}
    source = ROOT / "src" / "unspin"
    packages = {p.name for p in source.iterdir() if (p / "__init__.py").is_file()}
    modules = {p.stem for p in source.glob("*.py") if p.name != "__init__.py"}
    missing = sorted((packages | modules) - listed)
    assert missing == [], f"add {missing} to a layer of the contract in pyproject.toml"
