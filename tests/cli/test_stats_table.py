"""The ``unspin stats`` table: turned and split so that it fits the terminal."""

from __future__ import annotations

import io

from rich.console import Console

from unspin.cli.stats_table import stats_tables
from unspin.schema import ModelInfo
from unspin.storage.stats import GroupStats, Stats
from unspin.taxonomy import PTC_TECHNIQUES, technique_names


def render(result: Stats, width: int) -> str:
    out = io.StringIO()
    console = Console(file=out, width=width)
    for table in stats_tables(result, console):
        console.print(table)
    return out.getvalue()


def months(count: int, techniques: list[str]) -> Stats:
    groups = [
        GroupStats(f"2021-{m:02d}", 10, 1000, 5, {t: m % 10 for t in techniques})
        for m in range(1, count + 1)
    ]
    return Stats("month", [ModelInfo("model", "1")], techniques, groups)


def test_many_groups_and_techniques_turn_and_split_within_80_columns() -> None:
    output = render(months(12, technique_names(ptc_only=True)), 80)
    lines = output.splitlines()
    assert max(map(len, lines)) <= 80 and "…" not in output
    assert output.count("per month — model 1") == 1
    assert output.count("┏") >= 2  # more than one table
    for month in range(1, 13):
        assert f"2021-{month:02d}" in output
    for technique in PTC_TECHNIQUES:
        first_word = technique.display_name.split()[0]
        assert any(line.startswith(f"│ {first_word}") for line in lines), technique.name
    # 2021-07 has 7 of 10 documents with every technique.
    header = next(line for line in lines if "2021-07" in line)
    column = header.index("2021-07")
    row = next(line for line in lines if line.startswith("│ Slogans ") and "70%" in line)
    assert row[column : column + len("2021-07")].strip() == "70%"


def test_a_wide_terminal_or_few_techniques_keep_a_row_per_group() -> None:
    one = render(months(12, ["Appeal_to_fear-prejudice"]), 80)
    assert "┃ month " in one and "Appeal to Fear or Prejudice" in one
    assert sum(line.startswith("│ 2021-") for line in one.splitlines()) == 12
    wide = render(months(3, technique_names(ptc_only=True)), 400)
    assert sum(line.startswith("│ 2021-") for line in wide.splitlines()) == 3
