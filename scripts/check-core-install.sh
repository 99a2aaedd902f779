#!/usr/bin/env bash
# The core install on its own: `pip install .` (no extras) into a clean throwaway virtual
# environment, then `unspin analyze` on the shipped example in every output format, and a check
# that importing unspin and analysing a text loads no web framework, database layer, torch or
# plotting library. Part of `make test`. The wheels of the core dependencies (and of the build
# backend) are kept in a wheelhouse (UNSPIN_CORE_WHEELS, default ~/.cache/unspin/core-wheels)
# and installed from there offline; only a first run, or one after the core dependencies
# changed, fetches them. Usage: scripts/check-core-install.sh [PYTHON]
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${1:-python3}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# Build from a copy of the project's files (no caches), so the build leaves nothing here.
mkdir "$WORK/project"
git ls-files --cached --others --exclude-standard -- pyproject.toml README.md LICENSE src \
    | while IFS= read -r file; do [ -f "$file" ] && printf '%s\0' "$file"; done \
    | xargs -0 cp --parents -t "$WORK/project"

WHEELS="${UNSPIN_CORE_WHEELS:-${XDG_CACHE_HOME:-$HOME/.cache}/unspin/core-wheels}"
mkdir -p "$WHEELS"
"$PYTHON" -m venv "$WORK/venv"
PIP=("$WORK/venv/bin/python" -m pip -q --disable-pip-version-check)
offline_install() { "${PIP[@]}" install --no-index --find-links "$WHEELS" "$WORK/project"; }
if ! offline_install 2>"$WORK/offline.log"; then
    echo "core-install: fetching the core dependencies' wheels into $WHEELS" >&2
    "${PIP[@]}" wheel -w "$WHEELS" "$WORK/project" "setuptools>=77" wheel 2>&1 \
        | grep -v "Location '" >&2 || true
    rm -f "$WHEELS"/unspin-*.whl
    offline_install
fi
"$WORK/venv/bin/python" -c "import unspin" || { echo "core-install: unspin not installed" >&2; exit 1; }

EXAMPLE="$PWD/src/unspin/examples/op-ed.txt"
cd "$WORK"  # nowhere near the source tree: the installed package is what runs
for format in text json jsonl html; do
    "$WORK/venv/bin/unspin" analyze -f "$format" -o "$WORK/out.$format" "$EXAMPLE"
done
"$WORK/venv/bin/python" - "$WORK" "$EXAMPLE" <<'EOF'
import importlib.util
import json
import sys
from pathlib import Path

import unspin

work, example = Path(sys.argv[1]), Path(sys.argv[2])
HEAVY = ("fastapi", "starlette", "uvicorn", "sqlalchemy", "alembic", "torch", "matplotlib")
analysis = unspin.analyze("Only a traitor would vote against this glorious plan.")
loaded = sorted(m for m in sys.modules if m.split(".")[0] in HEAVY)
problems = [f"importing unspin and analysing loaded {', '.join(loaded)}"] if loaded else []
installed = [m for m in HEAVY if importlib.util.find_spec(m) is not None]
if installed:
    problems.append(f"the core install pulled in {', '.join(installed)}")
outputs = {f: (work / f"out.{f}").read_text("utf-8") for f in ("text", "json", "jsonl", "html")}
if "persuade" not in outputs["text"]:
    problems.append("the text output has no summary line")
if json.loads(outputs["json"])["document"]["text"] != example.read_text(encoding="utf-8"):
    problems.append("the JSON output does not hold the example's text")
if len([json.loads(line) for line in outputs["jsonl"].splitlines()]) != 1:
    problems.append("the JSONL output is not one analysis")
if not outputs["html"].startswith("<!doctype html>") or "<script" in outputs["html"]:
    problems.append("the HTML output is not the standalone page")
for problem in problems:
    print(f"core-install: {problem}", file=sys.stderr)
if problems:
    sys.exit(1)
print(f"core-install: ok (unspin {unspin.__version__}; text, json, jsonl, html; "
      f"{len(analysis.spans)} spans in the check sentence; no heavy imports)")
EOF
