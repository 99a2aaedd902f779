"""``unspin evaluate``: score predicted PTC labels against gold labels (SI, TC or FLC)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from unspin.formats.convert import FORMATS
from unspin.metrics import SpanScore
from unspin.metrics.evaluation import (
    PTC_TASKS,
    SEMEVAL2021_TASKS,
    TASKS,
    Evaluation,
    evaluate_files,
)


@click.command("evaluate")
@click.option(
    "--task",
    type=click.Choice(TASKS),
    required=True,
    help=(
        "si: spans only; tc: techniques of gold spans; flc: technique-aware spans; "
        "semeval2021-1/-2: SemEval-2021 Task 6 subtask 1/2 (JSON); araieval2024: ArAIEval-2024 "
        "task 1 spans (JSONL; overlaps not merged)."
    ),
)
@click.argument("gold", type=click.Path(path_type=Path))
@click.argument("pred", type=click.Path(path_type=Path))
@click.option(
    "--map-techniques",
    is_flag=True,
    help=(
        "semeval2021 tasks: map SemEval-2021 technique names onto unspin's before scoring, so "
        "predictions in unspin's names (e.g. from unspin analyze) can be scored."
    ),
)
@click.option(
    "--gold-format", type=click.Choice(list(FORMATS)), default=None, help="Format of GOLD."
)
@click.option(
    "--pred-format", type=click.Choice(list(FORMATS)), default=None, help="Format of PRED."
)
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def evaluate(
    task: str,
    gold: Path,
    pred: Path,
    map_techniques: bool,
    gold_format: str | None,
    pred_format: str | None,
    as_json: bool,
) -> None:
    """Score PRED labels against GOLD labels.

    For si, tc and flc each is a PTC .labels file or a folder of them, or annotated documents
    in any format 'unspin convert' reads (Label Studio export, brat folder, PTC folder,
    SemEval-2021 JSON, analysis JSONL; techniques mapped onto the taxonomy). For the
    SemEval-2021 tasks, a subtask-1 or subtask-2 JSON file.
    """
    if map_techniques and task not in SEMEVAL2021_TASKS:
        raise click.UsageError("--map-techniques is for the semeval2021 tasks only")
    if (gold_format or pred_format) and task not in PTC_TASKS:
        raise click.UsageError("--gold-format/--pred-format are for si, tc and flc")
    result = evaluate_files(
        task, gold, pred, map_techniques=map_techniques, formats=(gold_format, pred_format)
    )
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
        return
    _print_table(result)


def _print_table(result: Evaluation) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from unspin.cli.terminal import technique_color
    from unspin.taxonomy import display_name

    unit = result.unit
    table = Table(
        title=f"{result.task.upper()}: {result.pred_file} against {result.gold_file}",
        caption=f"gold and pred count {unit}"
        + (" after merging overlaps" * result.merged)
        + ("; SemEval-2021 names mapped" * bool(result.map_techniques)),
    )
    table.add_column("technique", overflow="fold")
    for column in ("precision", "recall", "F1", "gold", "pred"):
        table.add_column(column, justify="right")
    for name, score in result.per_technique.items():
        table.add_row(Text(display_name(name), style=technique_color(name)), *_cells(score))
    label = "micro average" if result.per_technique else "overall"
    table.add_row(Text(label, style="bold"), *_cells(result.overall), end_section=True)
    if result.macro_f1 is not None:
        table.add_row(Text("macro F1", style="bold"), "", "", f"{result.macro_f1:.4f}", "", "")
    Console(highlight=False).print(table)


def _cells(score: SpanScore) -> list[str]:
    return [
        f"{score.precision:.4f}",
        f"{score.recall:.4f}",
        f"{score.f1:.4f}",
        str(score.gold),
        str(score.predicted),
    ]
