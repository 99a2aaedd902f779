"""The README's `unspin analyze` outputs are what scripts/readme_outputs.py gets from the code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "readme_outputs.py"


def test_readme_outputs_are_current() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    shown = [line for line in result.stdout.splitlines() if line.startswith("current: ")]
    assert len(shown) >= 4, "the make-run, stdin, JSON and threshold examples are all checked"
