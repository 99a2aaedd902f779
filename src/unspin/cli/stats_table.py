"""The table of ``unspin stats``, laid out to fit the terminal.

With few techniques each group is a row and each technique a column. When that is wider than
the terminal (as every technique is, at 80 columns) the table turns: each technique is a row and
each group a column, and the groups are spread over as many tables as it takes, so that no
header or figure is cut short. Techniques are shown by their display names.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

from unspin.storage.stats import GroupStats, Stats
from unspin.taxonomy import display_name

UNBOUNDED = 100_000
TECHNIQUE_WIDTH = 20
"""The narrowest the technique column of a turned table gets before groups move on."""


def stats_tables(result: Stats, console: Console) -> list[Table]:
    """The tables that show ``result`` within ``console.width``: one, or one per few groups."""
    title = f"per {result.by}" + (f" — {result.read_by}" if result.models else "")
    wide = _groups_as_rows(result, title)
    if not result.groups or _width(wide, console).maximum <= console.width:
        return [wide]
    chunks: list[list[GroupStats]] = []
    for group in result.groups:
        wider = _techniques_as_rows(result, [*chunks[-1], group]) if chunks else None
        if wider is not None and _width(wider, console).minimum <= console.width:
            chunks[-1].append(group)
        else:
            chunks.append([group])
    tables = [_techniques_as_rows(result, chunk) for chunk in chunks]
    tables[0].title = title
    tables[-1].caption = "% of the documents using the technique"
    return tables


def _width(table: Table, console: Console) -> Measurement:
    """The narrowest and the natural width of ``table``, however wide the terminal."""
    return Measurement.get(console, console.options.update_width(UNBOUNDED), table)


def _groups_as_rows(result: Stats, title: str) -> Table:
    table = Table(title=title)
    table.add_column(result.by)
    unread = _unread(result.groups)
    headers = ("docs", *(("not read",) if unread else ()), "spans/1k words")
    for header in (*headers, *map(display_name, result.techniques)):
        table.add_column(header, justify="right")
    for group in result.groups:
        table.add_row(
            group.group,
            str(group.documents),
            *((str(group.unreadable),) if unread else ()),
            f"{group.spans_per_1000_words:.1f}",
            *(_share(group, t) for t in result.techniques),
        )
    return table


def _techniques_as_rows(result: Stats, groups: Sequence[GroupStats]) -> Table:
    table = Table()
    table.add_column("", min_width=TECHNIQUE_WIDTH)
    for group in groups:
        table.add_column(group.group, justify="right")
    table.add_row("documents", *(str(g.documents) for g in groups))
    if _unread(groups):
        table.add_row("not read (language)", *(str(g.unreadable) for g in groups))
    table.add_row(
        "spans/1k words", *(f"{g.spans_per_1000_words:.1f}" for g in groups), end_section=True
    )
    for technique in result.techniques:
        table.add_row(display_name(technique), *(_share(g, technique) for g in groups))
    return table


def _share(group: GroupStats, technique: str) -> str:
    """The share as a percentage; a dash for a group with no document the model reads."""
    return f"{100 * group.share(technique):.0f}%" if group.documents else "–"


def _unread(groups: Sequence[GroupStats]) -> bool:
    """Whether any group has documents in a language the model does not read."""
    return any(g.unreadable for g in groups)
