"""Score a file of predictions against a file of gold labels: the tasks of ``unspin evaluate``.

PTC tasks read ``.labels`` files (or folders of them), or annotated documents in any format
``unspin convert`` reads: ``si`` spans only, ``tc`` techniques of given spans, ``flc``
technique-aware spans. SemEval-2021 Task 6 tasks read its JSON files:
``semeval2021-1`` techniques per text, ``semeval2021-2`` technique spans. ``araieval2024``
reads ArAIEval-2024 task 1 JSONL (gold with texts, predictions in its output format) and scores
technique-aware spans without merging overlaps, as that task does.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from unspin.formats.annotated import map_to_taxonomy
from unspin.formats.araieval import read_span_predictions, read_spans
from unspin.formats.convert import read_annotations
from unspin.formats.ptc import LabelRow, group_rows, read_label_file
from unspin.formats.semeval2021 import read_task1, read_task2
from unspin.metrics.semeval2021 import multilabel_score, task2_score
from unspin.metrics.spans import SpanScore, araieval_score, flc_score, si_score
from unspin.metrics.tc import tc_score
from unspin.taxonomy import SEMEVAL2021_TO_UNSPIN

PTC_TASKS = ("si", "tc", "flc")
SEMEVAL2021_TASKS = ("semeval2021-1", "semeval2021-2")
ARAIEVAL_TASKS = ("araieval2024",)
TASKS = PTC_TASKS + SEMEVAL2021_TASKS + ARAIEVAL_TASKS


@dataclass(frozen=True)
class Evaluation:
    """The scores of one task: overall, and per technique for every task but SI."""

    task: str
    gold_file: Path
    pred_file: Path
    overall: SpanScore
    per_technique: dict[str, SpanScore]
    macro_f1: float | None = None
    """SemEval-2021 subtask 1 only."""
    map_techniques: bool | None = None
    """SemEval-2021 tasks only: whether SemEval-2021 names were mapped onto unspin's."""

    @property
    def unit(self) -> str:
        """What the gold and predicted counts count: ``rows``, ``labels`` or ``spans``."""
        return {"tc": "rows", "semeval2021-1": "labels"}.get(self.task, "spans")

    @property
    def merged(self) -> bool:
        """Whether overlapping spans of one side were merged before scoring."""
        return self.unit == "spans" and self.task not in ARAIEVAL_TASKS

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``unspin evaluate --json``)."""
        extra: dict[str, Any] = {}
        if self.macro_f1 is not None:
            extra["macro_f1"] = self.macro_f1
        if self.map_techniques is not None:
            extra["map_techniques"] = self.map_techniques
        return {
            "task": self.task,
            "gold_file": str(self.gold_file),
            "pred_file": str(self.pred_file),
            **self.overall.to_dict(),
            **extra,
            "per_technique": {name: s.to_dict() for name, s in self.per_technique.items()},
        }


def read_rows(path: Path, *, need_techniques: bool, fmt: str | None = None) -> list[LabelRow]:
    """Label rows of a PTC ``.labels`` file (or a folder of them), or of annotated documents in
    any format ``unspin convert`` reads (``fmt``, else inferred from ``path``), their
    techniques mapped onto the taxonomy (an unknown one is refused with the closest name)."""
    if fmt is None and _holds_labels(path):
        return read_label_file(path, need_techniques=need_techniques)
    items = map_to_taxonomy(path, read_annotations(path, fmt).items)
    return [LabelRow(i.document.id, s.start, s.end, s.technique) for i in items for s in i.spans]


LABEL_SUFFIXES = (".labels", ".txt")
"""PTC label files: ``.labels``, and ``.txt`` as SemEval-2020 submissions (``unspin semeval``)
are named; no other format is a single ``.txt`` file."""


def _holds_labels(path: Path) -> bool:
    if path.is_dir():
        return all(p.suffix == ".labels" for p in path.iterdir() if p.is_file())
    return path.suffix in LABEL_SUFFIXES or not path.exists()


def evaluate_files(
    task: str,
    gold_path: Path,
    pred_path: Path,
    *,
    map_techniques: bool = False,
    formats: tuple[str | None, str | None] = (None, None),
) -> Evaluation:
    """Score ``pred_path`` against ``gold_path`` on ``task`` (one of :data:`TASKS`).

    For the PTC tasks either file may be annotated documents in another format (``formats``:
    gold's and pred's, inferred when None; see :func:`read_rows`).

    With ``map_techniques`` (SemEval-2021 tasks only) gold and predicted SemEval-2021 technique
    names are mapped onto unspin's (``SEMEVAL2021_TO_UNSPIN``) before scoring, so predictions
    named as unspin names them can be scored; predicted names already unspin's stay as they are.
    """
    if task in SEMEVAL2021_TASKS:
        return _semeval2021(task, gold_path, pred_path, map_techniques)
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; expected one of {', '.join(TASKS)}")
    if map_techniques:
        raise ValueError("mapping techniques is for the SemEval-2021 tasks only")
    if task in ARAIEVAL_TASKS:
        spans = {d.id: found for d, found in read_spans(gold_path)}
        score = araieval_score(spans, read_span_predictions(pred_path))
        return Evaluation(task, gold_path, pred_path, score.micro, score.per_technique)
    need_techniques = task != "si"
    gold = read_rows(gold_path, need_techniques=need_techniques, fmt=formats[0])
    pred = read_rows(pred_path, need_techniques=need_techniques, fmt=formats[1])
    if task == "si":
        overall, per_technique = si_score(group_rows(gold), group_rows(pred)), {}
    elif task == "flc":
        flc = flc_score(group_rows(gold), group_rows(pred))
        overall, per_technique = flc.micro, flc.per_technique
    else:
        tc = tc_score(gold, pred)
        overall = SpanScore(tc.micro_precision, tc.micro_recall, tc.micro_f1, len(pred), len(gold))
        per_technique = tc.per_technique
    return Evaluation(task, gold_path, pred_path, overall, per_technique)


def _semeval2021(task: str, gold_path: Path, pred_path: Path, mapped: bool) -> Evaluation:
    def name(technique: str) -> str:
        return SEMEVAL2021_TO_UNSPIN.get(technique, technique) if mapped else technique

    if task == "semeval2021-1":
        gold = {d.id: labels for d, labels in read_task1(gold_path, mapped)}
        pred = {d.id: [name(t) for t in labels] for d, labels in read_task1(pred_path)}
        result = multilabel_score(gold, pred)
        return Evaluation(
            task, gold_path, pred_path, result.micro, result.per_technique, result.macro_f1, mapped
        )
    spans = task2_score(
        {d.id: s for d, s in read_task2(gold_path, mapped)},
        {
            d.id: [replace(x, technique=name(x.technique)) for x in s]
            for d, s in read_task2(pred_path)
        },
    )
    return Evaluation(
        task, gold_path, pred_path, spans.micro, spans.per_technique, map_techniques=mapped
    )
