"""``unspin techniques``: the taxonomy, with the SemEval-2021 and ArAIEval mappings."""

from __future__ import annotations

import json

import click

from unspin.taxonomy import (
    TECHNIQUES,
    UnknownTechniqueError,
    get_technique,
    semeval2021_names,
    techniques_as_json,
)
from unspin.taxonomy.scheme23 import UNSPIN_TO_ARAIEVAL


@click.command("techniques")
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option("--json", "as_json", is_flag=True, help="Print the taxonomy as JSON.")
def techniques(names: tuple[str, ...], as_json: bool) -> None:
    """List the persuasion techniques unspin knows, with definitions and examples.

    NAME shows only those techniques; any of a technique's names will do, in any case and
    with any punctuation ("name calling", "appeal to fear", "Name_Calling,Labeling").
    """
    try:
        chosen = [get_technique(name) for name in names] or list(TECHNIQUES)
    except UnknownTechniqueError as error:
        raise click.ClickException(f"{error}; `unspin techniques` lists the names") from None
    if as_json:
        wanted = {t.name for t in chosen}
        listed = [t for t in techniques_as_json() if t["name"] in wanted]
        click.echo(json.dumps(listed, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(show_lines=True, title="Persuasion techniques (PTC / SemEval-2020 Task 11)")
    table.add_column("technique", ratio=2)
    table.add_column("definition and example", ratio=5)
    table.add_column("SemEval-2021 / ArAIEval names", ratio=2)
    for technique in chosen:
        name = Text(f"■ {technique.display_name}\n", style=f"bold {technique.color}")
        name.append(technique.name, style="dim")
        if technique.refines:
            name.append(f"\n(part of PTC's {technique.refines})", style="italic")
        elif not technique.in_ptc:
            name.append("\n(not in PTC)", style="italic")
        about = Text(technique.definition + "\n")
        about.append(f"e.g. “{technique.example}”", style="italic")
        araieval = UNSPIN_TO_ARAIEVAL.get(technique.name)
        known_as = semeval2021_names(technique) + ([f"ArAIEval: {araieval}"] if araieval else [])
        table.add_row(name, about, "\n".join(known_as))
    Console(highlight=False).print(table)
