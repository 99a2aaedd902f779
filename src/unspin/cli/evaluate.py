"""``unspin evaluate``: score predicted PTC labels against gold labels (SI, TC or FLC)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from unspin.formats.errors import FormatError
from unspin.formats.ptc import UNKNOWN_TECHNIQUE, LabelRow, group_rows, read_label_rows
from unspin.metrics import SpanScore, flc_score, si_score, tc_score

PTC_TASKS = ("si", "tc", "flc")
SEMEVAL2021_TASKS = ("semeval2021-1", "semeval2021-2")
TASKS = PTC_TASKS + SEMEVAL2021_TASKS


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


def evaluate_task(
    task: str, gold_path: Path, pred_path: Path, *, map_techniques: bool = False
) -> dict[str, Any]:
    """Scores of ``task`` as a JSON-ready dict: overall P/R/F1, and per technique but for SI.

    With ``map_techniques`` (SemEval-2021 tasks only) gold and predicted SemEval-2021 technique
    names are mapped onto unspin's (``SEMEVAL2021_TO_UNSPIN``) before scoring, so predictions
    named as unspin names them can be scored; predicted names already unspin's stay as they are.
    """
    extra: dict[str, Any] = {}
    if task in SEMEVAL2021_TASKS:
        overall, per_technique, extra = _semeval2021(task, gold_path, pred_path, map_techniques)
        extra["map_techniques"] = map_techniques
    elif map_techniques:
        raise ValueError("mapping techniques is for the SemEval-2021 tasks only")
    else:
        overall, per_technique = _ptc(task, gold_path, pred_path)
    return {
        "task": task,
        "gold_file": str(gold_path),
        "pred_file": str(pred_path),
        **overall.to_dict(),
        **extra,
        "per_technique": {name: s.to_dict() for name, s in per_technique.items()},
    }


def _ptc(task: str, gold_path: Path, pred_path: Path) -> tuple[SpanScore, dict[str, SpanScore]]:
    need_techniques = task != "si"
    gold = read_rows(gold_path, need_techniques=need_techniques)
    pred = read_rows(pred_path, need_techniques=need_techniques)
    if task == "si":
        return si_score(group_rows(gold), group_rows(pred)), {}
    if task == "flc":
        flc = flc_score(group_rows(gold), group_rows(pred))
        return flc.micro, flc.per_technique
    result = tc_score(gold, pred)
    overall = SpanScore(
        result.micro_precision, result.micro_recall, result.micro_f1, len(pred), len(gold)
    )
    return overall, result.per_technique


def _semeval2021(
    task: str, gold_path: Path, pred_path: Path, map_techniques: bool
) -> tuple[SpanScore, dict[str, SpanScore], dict[str, Any]]:
    from unspin.formats.semeval2021 import read_task1, read_task2
    from unspin.metrics import multilabel_score, task2_score
    from unspin.taxonomy import SEMEVAL2021_TO_UNSPIN

    def name(technique: str) -> str:
        return SEMEVAL2021_TO_UNSPIN.get(technique, technique) if map_techniques else technique

    if task == "semeval2021-1":
        gold = {d.id: labels for d, labels in read_task1(gold_path, map_techniques)}
        pred = {d.id: [name(t) for t in labels] for d, labels in read_task1(pred_path)}
        result = multilabel_score(gold, pred)
        return result.micro, result.per_technique, {"macro_f1": result.macro_f1}
    spans = task2_score(
        {d.id: s for d, s in read_task2(gold_path, map_techniques)},
        {
            d.id: [replace(x, technique=name(x.technique)) for x in s]
            for d, s in read_task2(pred_path)
        },
    )
    return spans.micro, spans.per_technique, {}


@click.command("evaluate")
@click.option(
    "--task",
    type=click.Choice(TASKS),
    required=True,
    help=(
        "si: spans only; tc: techniques of gold spans; flc: technique-aware spans (PTC .labels); "
        "semeval2021-1/-2: SemEval-2021 Task 6 subtask 1/2 (JSON)."
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
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def evaluate(task: str, gold: Path, pred: Path, map_techniques: bool, as_json: bool) -> None:
    """Score PRED labels against GOLD labels.

    For si, tc and flc each is a PTC .labels file or a folder of them; for the SemEval-2021
    tasks, a subtask-1 or subtask-2 JSON file.
    """
    if map_techniques and task not in SEMEVAL2021_TASKS:
        raise click.UsageError("--map-techniques is for the semeval2021 tasks only")
    scores = evaluate_task(task, gold, pred, map_techniques=map_techniques)
    if as_json:
        click.echo(json.dumps(scores, indent=2))
        return
    _print_table(scores)


def _print_table(scores: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from unspin.cli.terminal import technique_color
    from unspin.taxonomy import display_name

    unit = {"tc": "rows", "semeval2021-1": "labels"}.get(scores["task"], "spans")
    table = Table(
        title=f"{scores['task'].upper()}: {scores['pred_file']} against {scores['gold_file']}",
        caption=f"gold and pred count {unit}"
        + (" after merging overlaps" * (unit == "spans"))
        + ("; SemEval-2021 names mapped" * scores.get("map_techniques", False)),
    )
    table.add_column("technique", overflow="fold")
    for column in ("precision", "recall", "F1", "gold", "pred"):
        table.add_column(column, justify="right")
    for name, score in scores["per_technique"].items():
        table.add_row(Text(display_name(name), style=technique_color(name)), *_cells(score))
    label = "micro average" if scores["per_technique"] else "overall"
    table.add_row(Text(label, style="bold"), *_cells(scores), end_section=True)
    if "macro_f1" in scores:
        table.add_row(Text("macro F1", style="bold"), "", "", f"{scores['macro_f1']:.4f}", "", "")
    Console(highlight=False).print(table)


def _cells(score: dict[str, Any]) -> list[str]:
    return [
        f"{score['precision']:.4f}",
        f"{score['recall']:.4f}",
        f"{score['f1']:.4f}",
        str(score["gold"]),
        str(score["predicted"]),
    ]
