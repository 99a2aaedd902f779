"""The field's standard scores, re-implemented from the task papers' definitions.

- :func:`si_score`: SemEval-2020 Task 11 span identification.
- :func:`flc_score`: technique-aware span F1 (per technique and micro).
- :func:`araieval_score`: ArAIEval-2024 task 1's technique-aware span F1 (no merging).
- :func:`tc_score`: SemEval-2020 Task 11 technique classification on gold spans.
- :func:`multilabel_score` and :func:`task2_score`: SemEval-2021 Task 6 subtasks 1 and 2.
- :func:`evaluate_files`: any of these on a gold and a predictions file (``unspin evaluate``).
"""

from unspin.metrics.evaluation import TASKS, Evaluation, evaluate_files
from unspin.metrics.semeval2021 import MultiLabelScore, multilabel_score, task2_score
from unspin.metrics.spans import (
    FlcScore,
    SpanScore,
    araieval_score,
    flc_score,
    merge_intervals,
    prf,
    si_score,
)
from unspin.metrics.tc import TcScore, tc_score

__all__ = [
    "TASKS",
    "Evaluation",
    "FlcScore",
    "MultiLabelScore",
    "SpanScore",
    "TcScore",
    "araieval_score",
    "evaluate_files",
    "flc_score",
    "merge_intervals",
    "multilabel_score",
    "prf",
    "si_score",
    "task2_score",
    "tc_score",
]
