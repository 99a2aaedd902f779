"""The README's walk-throughs are what scripts/corpus_walkthrough.py and
scripts/batch_walkthrough.py print today."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "scripts"
MODEL_CONFIG = ROOT / "src" / "unspin" / "models" / "default" / "config.json"


@pytest.mark.slow
@pytest.mark.skipif(not MODEL_CONFIG.is_file(), reason=f"no shipped model ({MODEL_CONFIG})")
@pytest.mark.parametrize("script", ["corpus_walkthrough.py", "batch_walkthrough.py"])
def test_readme_walkthrough_is_current(script: str) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPTS / script), "--check"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
