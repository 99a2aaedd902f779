"""Analysing a text imports no web framework, database layer, torch or plotting library.

Runs in a fresh interpreter, with every extra installed, so a stray import would show.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("fastapi", "starlette", "sqlalchemy", "alembic", "torch", "transformers", "matplotlib")

SCRIPT = f"""
import json, os, sys, tempfile
import unspin
import unspin.web
from unspin.cli.main import main
from unspin.render import render_standalone
analysis = unspin.analyze("Only a traitor would vote against this glorious plan.")
page = render_standalone([analysis])
example = os.path.join(os.path.dirname(unspin.__file__), "examples", "op-ed.txt")
with tempfile.TemporaryDirectory() as out:
    for fmt in ("text", "json", "jsonl", "html"):
        target = os.path.join(out, "out." + fmt)
        main(["analyze", "-f", fmt, "-o", target, example], standalone_mode=False)
        assert os.path.getsize(target) > 0, fmt
heavy = {HEAVY!r}
print(json.dumps({{
    "loaded": sorted(m for m in sys.modules if m.split(".")[0] in heavy),
    "page": page.startswith("<!doctype html>"),
}}))
"""


def test_analysing_rendering_and_the_cli_import_nothing_heavy() -> None:
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
