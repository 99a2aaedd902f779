"""README ``python`` blocks followed by a ``text`` block: the text block holds what the Python
prints.

The Python runs in a subprocess, in the repository root, with the source tree's unspin first on
the path. A text block that starts with ``$ `` shows a command, not the Python's output, and a
block that reads ../shared/data is left as written. An analysis the Python prints as JSON (a line
``{`` to the line ``}``, schema ``unspin.analysis/...``) is shown with its document's fields after
``source`` as ``…`` and its summary as ``{…}``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from functools import partial
from pathlib import Path

from readme_section import Block, elided, json_shown

ROOT = Path(__file__).resolve().parents[1]
PYTHON_THEN_TEXT = re.compile(
    r"```python\n((?:(?!```).)*)```\n\n```text\n((?:(?!```).)*)```\n", re.DOTALL
)
DATA = "../shared/data"
INDENT = 2


def _analysis_shortened(printed: str) -> str:
    analysis = json.loads(printed)
    if json_shown(analysis, INDENT) != printed:
        raise RuntimeError(f"not printed as json.dumps(indent={INDENT}) prints it: {printed}")
    document = {}
    for key, value in analysis["document"].items():
        document[key] = value
        if key == "source":
            break
    document[elided("…")] = None
    analysis.update(document=document, summary=elided("{…}"))
    return json_shown(analysis, INDENT)


def shortened(output: str) -> str:
    """``output`` with every analysis printed as JSON shortened."""
    lines = output.splitlines()
    shown = []
    while lines:
        line = lines.pop(0)
        if line != "{" or "}" not in lines:
            shown.append(line)
            continue
        end = lines.index("}")
        printed = "\n".join([line, *lines[: end + 1]])
        del lines[: end + 1]
        schema = json.loads(printed).get("schema", "")
        shown.append(
            _analysis_shortened(printed) if schema.startswith("unspin.analysis/") else printed
        )
    return "\n".join(shown) + "\n"


def printed(code: str, folder: Path = ROOT) -> str:
    """What ``code`` prints, run in ``folder`` with the source tree's unspin."""
    source = str(ROOT / "src")
    path = os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=folder,
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(f"a README Python block failed:\n{code}\n{result.stderr}")
    return shortened(result.stdout)


def blocks(readme: str) -> list[Block]:
    """The README text blocks that show what the Python block before them prints."""
    found = []
    for match in PYTHON_THEN_TEXT.finditer(readme):
        code, output = match.group(1), match.group(2)
        if output.startswith("$ ") or DATA in code:
            continue
        label = "python: " + code.split("\n", 1)[0]
        found.append(Block(match.start(2), match.end(2), label, partial(printed, code)))
    return found
