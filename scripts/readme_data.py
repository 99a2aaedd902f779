"""README outputs of the examples on ../shared/data: ``unspin semeval`` on five PTC articles and
``unspin evaluate`` on them and on the SemEval-2021 dev memes.

They run only where the data is (``$UNSPIN_SHARED_DATA``, else ../shared/data beside the
repository, as the README and the Makefile have it); elsewhere the blocks are left as written.
In a fresh folder beside a link ``../shared/data`` to the data, the README's steps run in its
order: the ``sh`` block that copies the articles into /tmp/ptc (the fresh folder in its place),
each ``text`` block of ``$ unspin semeval`` / ``$ unspin evaluate`` commands (as an 80-column
terminal shows them), and the ``python`` block that writes the SemEval-2021 predictions.
Shown shortened: a table of scores per technique keeps its first two techniques, those starting
with one of SHOWN_ROWS and the averages, with ``…`` for the rows between; a ``--json`` report
keeps its first technique, then ``…``.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

from corpus_walkthrough import run as run_in_folder
from readme_python import printed
from readme_section import TEXT_BLOCK, Block, first_item_shortened

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("UNSPIN_SHARED_DATA", ROOT.parent / "shared" / "data"))
NEEDED = (DATA / "ptc" / "train", DATA / "semeval2021t6")
PTC = "/tmp/ptc"  # noqa: S108 (the folder the README tells users to make)
SETUP = re.compile(r"```sh\n(mkdir -p /tmp/ptc/articles\n(?:(?!```).)*)```\n", re.DOTALL)
WRITER = re.compile(r"```python\n((?:(?!```).)*\.\./shared/data(?:(?!```).)*)```\n", re.DOTALL)
COMMANDS = re.compile(r"\$ unspin (semeval|evaluate) ")
WIDTH = 80
FIRST_ROWS = 2
SHOWN_ROWS = ("Loaded Language", "Name Calling", "Smears", "Whataboutism")
"""The rows shown besides the first two: those whose technique starts so."""
AVERAGES = frozenset({"overall", "micro average", "macro F1"})


@dataclass(frozen=True)
class Step:
    """A step of the README's examples: its kind (``setup``, ``python`` or ``commands``),
    its text, and where it starts (for ``commands``, where the block's body starts)."""

    kind: str
    text: str
    start: int


def missing() -> Path | None:
    """The data folder these examples need, when it is not there."""
    return next((folder for folder in NEEDED if not folder.is_dir()), None)


def table_shortened(output: str) -> str:
    """A table of scores per technique with the rows the README shows, ``…`` for the rest."""
    shown: list[str] = []
    rows = 0
    keep = True
    for line in output.splitlines():
        if not line.startswith("│"):
            shown.append(line)
            continue
        cells = [cell.strip() for cell in line.strip("│").split("│")]
        if any(cells[1:]):  # a new row (a long name goes on in rows of empty cells)
            rows += cells[0] not in AVERAGES
            keep = rows <= FIRST_ROWS or cells[0] in AVERAGES or cells[0].startswith(SHOWN_ROWS)
        if keep:
            shown.append(line)
        elif shown[-1] != "…":
            shown.append("…")
    return "\n".join(shown)


def _shortened(command: str, output: str) -> str:
    if not command.startswith("unspin evaluate"):
        return output
    return first_item_shortened(output, 4) if "--json" in command else table_shortened(output)


def _commands_output(body: str, folder: Path) -> str:
    commands = [line[2:] for line in body.splitlines() if line.startswith("$ ")]
    shown = []
    for command in commands:
        output = run_in_folder(command, folder, width=WIDTH)
        shown.append(f"$ {command}\n{_shortened(command, output)}")
    return ("\n\n" if "\n\n$ " in body else "\n").join(shown) + "\n"


@cache
def outputs(steps: tuple[Step, ...]) -> dict[int, str]:
    """Every step run in order; the output of each ``commands`` step, by where it starts."""
    shown = {}
    with tempfile.TemporaryDirectory(prefix="unspin-readme-data-") as work:
        (Path(work) / "shared").mkdir()
        (Path(work) / "shared" / "data").symlink_to(DATA.resolve())
        folder = Path(work) / "ptc"
        folder.mkdir()
        for step in steps:
            if step.kind == "setup":
                script = step.text.replace(PTC, str(folder))
                subprocess.run(["bash", "-euc", script], cwd=folder, check=True, timeout=60)
            elif step.kind == "python":
                printed(step.text, folder)
            else:
                shown[step.start] = _commands_output(step.text, folder)
    return shown


def steps(readme: str) -> tuple[Step, ...]:
    """The README's steps of these examples, in its order."""
    found = [Step("setup", match.group(1), match.start()) for match in SETUP.finditer(readme)]
    found += [Step("python", match.group(1), match.start()) for match in WRITER.finditer(readme)]
    found += [
        Step("commands", match.group(1), match.start(1))
        for match in TEXT_BLOCK.finditer(readme)
        if COMMANDS.match(match.group(1))
    ]
    return tuple(sorted(found, key=lambda step: step.start))


def blocks(readme: str) -> list[Block]:
    """The README blocks of these examples, when the data is there."""
    if missing():
        return []
    found = steps(readme)
    return [
        Block(
            step.start,
            step.start + len(step.text),
            step.text.split("\n", 1)[0][2:],
            partial(_output_of, found, step.start),
        )
        for step in found
        if step.kind == "commands"
    ]


def _output_of(found: tuple[Step, ...], start: int) -> str:
    return outputs(found)[start]
