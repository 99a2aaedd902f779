"""Analysing a text imports no web framework, database layer, torch or plotting library.

Runs in a fresh interpreter, with every extra installed, so a stray import would show.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("fastapi", "starlette", "sqlalchemy", "alembic", "torch", "transformers", "matplotlib")

SCRIPT = f"""
import json, sys
import unspin
import unspin.web
from unspin.render import render_standalone
analysis = unspin.analyze("Only a traitor would vote against this glorious plan.")
page = render_standalone([analysis])
heavy = {HEAVY!r}
print(json.dumps({{
    "loaded": sorted(m for m in sys.modules if m.split(".")[0] in heavy),
    "page": page.startswith("<!doctype html>"),
}}))
"""


def test_analysing_and_rendering_import_nothing_heavy() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=True
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["loaded"] == []
    assert report["page"]


def test_the_web_app_still_loads_on_use() -> None:
    script = "import sys, unspin.web; unspin.web.create_app; print('fastapi' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "True"
