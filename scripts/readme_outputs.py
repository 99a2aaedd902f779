"""Regenerate the outputs of ``unspin analyze`` shown in README.md from the current code and model.

A README ``text`` block whose first line is ``$ unspin analyze ...`` (or ``$ echo "..." |
unspin analyze -``) on inputs the repository has, or that follows the line "`make run` prints:",
holds that command's real output:
    python scripts/readme_outputs.py            # print the commands and whether they are current
    python scripts/readme_outputs.py --write    # rewrite the blocks in README.md
    python scripts/readme_outputs.py --check    # exit 1 if a block differs (a test runs this)
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
MAKE_RUN = "`make run` prints:"
MAKE_RUN_COMMAND = "unspin analyze src/unspin/examples/op-ed.txt"
COLUMNS = "80"
_BLOCK = re.compile(r"```text\n(.*?)```\n", re.DOTALL)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_ECHO = re.compile(r'^echo "([^"]*)" \| (unspin analyze .*)$')


@dataclass(frozen=True)
class Block:
    """One README block: where its body lies, the command, and whether the ``$`` line shows."""

    start: int
    end: int
    command: str
    shows_command: bool


def runnable(command: str) -> bool:
    """Whether every file ``command`` reads is in the repository (stdin always is)."""
    words = shlex.split(command.split(" | ", 1)[-1])
    files = [w for w in words[2:] if "/" in w or w.endswith((".txt", ".jsonl", ".html", ".pdf"))]
    return all((ROOT / name).is_file() for name in files)


def blocks(readme: str) -> list[Block]:
    """The README blocks that hold ``unspin analyze`` output of inputs the repository has."""
    found = []
    for match in _BLOCK.finditer(readme):
        body = match.group(1)
        first = body.split("\n", 1)[0]
        before = readme[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        if first.startswith("$ ") and "unspin analyze" in first and runnable(first[2:]):
            found.append(Block(match.start(1), match.end(1), first[2:], True))
        elif before.strip() == MAKE_RUN:
            found.append(Block(match.start(1), match.end(1), MAKE_RUN_COMMAND, False))
    return found


def run(command: str) -> str:
    """What ``command`` prints, run in-process with the CLI from the source tree."""
    from click.testing import CliRunner

    from unspin.cli.main import main

    stdin = None
    echoed = _ECHO.match(command)
    if echoed:
        stdin, command = echoed.group(1) + "\n", echoed.group(2)
    words = shlex.split(command)
    assert words[0] == "unspin", command
    # As a terminal shows it (the colours taken out): piped output marks spans differently.
    env = {"COLUMNS": COLUMNS, "FORCE_COLOR": "1", "NO_COLOR": None}
    result = CliRunner().invoke(main, words[1:], input=stdin, env=env)
    if result.exit_code != 0:
        raise RuntimeError(f"{command!r} failed ({result.exit_code}): {result.output}")
    return _ANSI.sub("", result.stdout)


def regenerate(readme: str) -> tuple[str, list[str]]:
    """README text with every block regenerated, and the commands whose output changed."""
    changed = []
    pieces = []
    last = 0
    for block in blocks(readme):
        body = (f"$ {block.command}\n" if block.shows_command else "") + run(block.command)
        if not body.endswith("\n"):
            body += "\n"
        if readme[block.start : block.end] != body:
            changed.append(block.command)
        pieces += [readme[last : block.start], body]
        last = block.end
    return "".join(pieces) + readme[last:], changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="rewrite the blocks in README.md")
    parser.add_argument("--check", action="store_true", help="exit 1 if a block is stale")
    args = parser.parse_args()
    readme = README.read_text(encoding="utf-8")
    updated, changed = regenerate(readme)
    if args.write and changed:
        README.write_text(updated, encoding="utf-8")
    for block in blocks(readme):
        state = "stale" if block.command in changed else "current"
        print(f"{state}: {block.command}")
    if args.check and changed:
        print("README.md outputs are stale: run python scripts/readme_outputs.py --write")
        sys.exit(1)


if __name__ == "__main__":
    main()
