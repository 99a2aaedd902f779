"""``unspin evaluate``: score predicted PTC labels against gold labels (SI, TC or FLC)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from unspin.formats.errors import FormatError
from unspin.formats.ptc import UNKNOWN_TECHNIQUE, LabelRow, read_label_rows
from unspin.metrics import SpanScore, flc_score, si_score, tc_score
from unspin.schema import Span

TASKS = ("si", "tc", "flc")


def read_rows(path: Path, *, need_techniques: bool) -> list[LabelRow]:
    """Label rows of a file or folder; with ``need_techniques``, every row must name one."""
    if not path.exists():
        raise FormatError(path, "no such file or directory")
    rows = read_label_rows(path)
    if need_techniques:
        for row in rows:
            if row.technique is None:
                raise FormatError(path, "has SI rows (id start end); this task needs techniques")
            if row.technique == UNKNOWN_TECHNIQUE:
                raise FormatError(path, "is a template ('?' techniques), not labels")
    return rows


def grouped_spans(rows: list[LabelRow]) -> dict[str, list[Span]]:
    """Rows as spans grouped by article (SI rows get the technique ``propaganda``)."""
    grouped: dict[str, list[Span]] = {}
    for row in rows:
        grouped.setdefault(row.article_id, []).append(
            Span(row.start, row.end, row.technique or "propaganda")
        )
    return grouped


def evaluate_task(task: str, gold_path: Path, pred_path: Path) -> dict[str, Any]:
    """Scores of ``task`` as a JSON-ready dict: overall P/R/F1, and per technique for TC/FLC."""
    need_techniques = task != "si"
    gold = read_rows(gold_path, need_techniques=need_techniques)
    pred = read_rows(pred_path, need_techniques=need_techniques)
    per_technique: dict[str, SpanScore] = {}
    if task == "si":
        overall = si_score(grouped_spans(gold), grouped_spans(pred))
    elif task == "flc":
        flc = flc_score(grouped_spans(gold), grouped_spans(pred))
        overall, per_technique = flc.micro, flc.per_technique
    else:
        result = tc_score(gold, pred)
        predicted, expected = len(pred), len(gold)
        overall = SpanScore(
            result.micro_precision, result.micro_recall, result.micro_f1, predicted, expected
        )
        per_technique = result.per_technique
    return {
        "task": task,
        "gold_file": str(gold_path),
        "pred_file": str(pred_path),
        **overall.to_dict(),
        "per_technique": {name: s.to_dict() for name, s in per_technique.items()},
    }


@click.command("evaluate")
@click.option(
    "--task",
    type=click.Choice(TASKS),
    required=True,
    help="si: spans only; tc: techniques of gold spans; flc: technique-aware spans.",
)
@click.argument("gold", type=click.Path(path_type=Path))
@click.argument("pred", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def evaluate(task: str, gold: Path, pred: Path, as_json: bool) -> None:
    """Score PRED labels against GOLD labels (each a .labels file or a folder of them)."""
    scores = evaluate_task(task, gold, pred)
    if as_json:
        click.echo(json.dumps(scores, indent=2))
        return
    _print_table(scores)


def _print_table(scores: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from unspin.cli.terminal import technique_color

    unit = "rows" if scores["task"] == "tc" else "spans"
    table = Table(
        title=f"{scores['task'].upper()}: {scores['pred_file']} against {scores['gold_file']}",
        caption=f"gold and pred count {unit}" + (" after merging overlaps" * (unit == "spans")),
    )
    table.add_column("technique", overflow="fold")
    for column in ("precision", "recall", "F1", "gold", "pred"):
        table.add_column(column, justify="right")
    for name, score in scores["per_technique"].items():
        table.add_row(Text(name, style=technique_color(name)), *_cells(score))
    label = "micro average" if scores["per_technique"] else "overall"
    table.add_row(Text(label, style="bold"), *_cells(scores), end_section=True)
    Console(highlight=False).print(table)


def _cells(score: dict[str, Any]) -> list[str]:
    return [
        f"{score['precision']:.4f}",
        f"{score['recall']:.4f}",
        f"{score['f1']:.4f}",
        str(score["gold"]),
        str(score["predicted"]),
    ]
