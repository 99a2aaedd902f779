"""The README's batch walk-through is what scripts/batch_walkthrough.py prints today."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "batch_walkthrough.py"
MODEL_CONFIG = ROOT / "src" / "unspin" / "models" / "default" / "config.json"


@pytest.mark.slow
@pytest.mark.skipif(not MODEL_CONFIG.is_file(), reason=f"no shipped model ({MODEL_CONFIG})")
def test_readme_batch_walkthrough_is_current() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stderr
