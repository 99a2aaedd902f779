"""Soft token targets from a trained teacher model, to distil it into a smaller student.

The teacher is any model folder written by ``unspin train`` with the same output channels, for
example a larger encoder that is too slow to ship. Its tokens need not match the student's: its
probabilities are spread over the characters each teacher token covers, and every student token
takes the mean over its own characters. The teacher's last hidden states travel the same way,
for a student of the same width.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from unspin.errors import UnspinError
from unspin.inference.analyzer import Analyzer
from unspin.inference.windows import TokenizedText

SPLIT_SETTINGS = ("ptc", "seed", "dev_share", "test_share", "limit_articles")
"""What decides which articles a run trains on; teacher and student must agree on all of it."""


class TeacherError(UnspinError, ValueError):
    """A folder cannot serve as the teacher of a training run."""


def check_teacher(
    folder: Path,
    teacher_channels: list[str],
    teacher_split: dict[str, object],
    channels: list[str],
    student_split: dict[str, object],
) -> None:
    """Refuse a teacher with other channels, or one that may have trained on the student's
    dev or test articles (its scores there would leak into the student's)."""
    if teacher_channels != channels:
        raise TeacherError(f"the teacher in {folder} has other output channels than the student")
    differing = [k for k in SPLIT_SETTINGS if teacher_split.get(k) != student_split.get(k)]
    if "ptc" in differing and _same_articles(teacher_split.get("ptc"), student_split.get("ptc")):
        differing.remove("ptc")
    if differing:
        raise TeacherError(
            f"the teacher in {folder} was trained on another split of the data "
            f"({', '.join(differing)} differ): it may have seen the student's dev or test articles"
        )


def _same_articles(first: object, second: object) -> bool:
    """Whether two PTC folders (given as paths, perhaps relative) hold the same article files."""
    folders = [Path(str(folder)) for folder in (first, second)]
    if not all(folder.is_dir() for folder in folders):
        return False
    names = [sorted(p.name for p in folder.rglob("*.txt")) for folder in folders]
    return names[0] == names[1]


@dataclass
class TeacherTargets:
    """A teacher's outputs on the student's tokens, one array per text."""

    probabilities: list[np.ndarray]
    """Channel probabilities, (n_tokens, n_channels) float32."""
    hidden: list[np.ndarray] | None
    """Last hidden states, (n_tokens, hidden_size) float16; None when not asked for."""


def teacher_targets(
    teacher: Analyzer,
    texts: Sequence[str],
    student_tokens: Sequence[TokenizedText],
    with_hidden: bool = False,
) -> TeacherTargets:
    """The teacher's channel probabilities (and hidden states) on each student token of each
    text."""
    targets = TeacherTargets([], [] if with_hidden else None)
    outputs = teacher.iter_token_outputs(texts, with_hidden=with_hidden)
    for text, out, tokens in zip(texts, outputs, student_tokens, strict=True):
        offsets = out.tokens.offsets
        carried = on_student_tokens(len(text), offsets, out.probabilities, tokens.offsets)
        targets.probabilities.append(carried)
        if targets.hidden is not None and out.hidden is not None:
            hidden = on_student_tokens(len(text), offsets, out.hidden, tokens.offsets)
            targets.hidden.append(hidden.astype(np.float16))
    return targets


def on_student_tokens(
    text_length: int,
    teacher_offsets: np.ndarray,
    teacher_probabilities: np.ndarray,
    student_offsets: np.ndarray,
) -> np.ndarray:
    """Carry per-token rows (probabilities, hidden states) from one tokenisation of a text to
    another.

    Each character takes the row of the teacher token covering it; each student token
    the mean over its characters. Characters no teacher token covers (a character the teacher's
    tokenizer dropped) count as zero.
    """
    channels = teacher_probabilities.shape[1]
    per_character = np.zeros((text_length + 1, channels), np.float64)
    for (start, end), row in zip(teacher_offsets, teacher_probabilities, strict=True):
        per_character[start:end] = row
    cumulative = np.vstack([np.zeros((1, channels)), np.cumsum(per_character, axis=0)])
    starts, ends = student_offsets[:, 0], student_offsets[:, 1]
    widths = np.maximum(ends - starts, 1)[:, None]
    means = (cumulative[np.maximum(ends, starts + 1)] - cumulative[starts]) / widths
    return np.asarray(means, np.float32)
