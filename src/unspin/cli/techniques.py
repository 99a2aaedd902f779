"""``unspin techniques``: the taxonomy, with the SemEval-2021 mapping."""

from __future__ import annotations

import json

import click

from unspin.taxonomy import SEMEVAL2021_TO_UNSPIN, TECHNIQUES, Technique


def semeval2021_names(technique: Technique) -> list[str]:
    """The SemEval-2021 Task 6 techniques that map onto ``technique``."""
    return [name for name, target in SEMEVAL2021_TO_UNSPIN.items() if target == technique.name]


def techniques_as_json() -> list[dict[str, object]]:
    """The taxonomy as JSON-ready dicts."""
    return [
        {
            "name": t.name,
            "display_name": t.display_name,
            "definition": t.definition,
            "example": t.example,
            "color": t.color,
            "in_ptc": t.in_ptc,
            "semeval2021": semeval2021_names(t),
        }
        for t in TECHNIQUES
    ]


@click.command("techniques")
@click.option("--json", "as_json", is_flag=True, help="Print the taxonomy as JSON.")
def techniques(as_json: bool) -> None:
    """List the persuasion techniques unspin knows, with definitions and examples."""
    if as_json:
        click.echo(json.dumps(techniques_as_json(), ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(show_lines=True, title="Persuasion techniques (PTC / SemEval-2020 Task 11)")
    table.add_column("technique", ratio=2)
    table.add_column("definition and example", ratio=5)
    table.add_column("SemEval-2021 names", ratio=2)
    for technique in TECHNIQUES:
        name = Text(f"■ {technique.display_name}\n", style=f"bold {technique.color}")
        name.append(technique.name, style="dim")
        if not technique.in_ptc:
            name.append("\n(not in PTC; SemEval-2021 only)", style="italic")
        about = Text(technique.definition + "\n")
        about.append(f"e.g. “{technique.example}”", style="italic")
        table.add_row(name, about, "\n".join(semeval2021_names(technique)))
    Console(highlight=False).print(table)
