"""Cross-validation summary of a multilingual run: each finished fold's scores, and their mean."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

from unspin.inference.model_folder import ModelConfig

SUMMARY_FILE = "cross_validation.json"
KINDS = ("all", "tweet", "paragraph")


def summarise_folds(output: Path) -> dict[str, Any]:
    """Test-fold scores of every finished ``OUTPUT/fold-N`` and their mean and spread.

    Returns ``{"folds": [...], "mean": {...}, "stdev": {...}}``; each score is the ArAIEval-2024
    micro-F1 of the fold's test items (all, tweets, paragraphs) and the English SI and FLC F1.
    """
    folds = []
    for folder in sorted(output.glob("fold-*"), key=lambda p: int(p.name.split("-")[1])):
        if not (folder / "model.onnx").is_file():
            continue
        metrics = ModelConfig.load(folder).metrics
        test = metrics.get("arabic_test", {})
        english = metrics.get("english_test", {})
        row: dict[str, Any] = {"fold": int(folder.name.split("-")[1])}
        row.update({f"arabic_{kind}": test[kind]["f1"] for kind in KINDS if kind in test})
        row.update({k: english[k] for k in ("si_f1", "flc_f1") if k in english})
        folds.append(row)
    keys = [k for k in folds[0] if k != "fold"] if folds else []
    summary: dict[str, Any] = {"folds": folds, "mean": {}, "stdev": {}}
    for key in keys:
        values = [row[key] for row in folds if key in row]
        summary["mean"][key] = round(statistics.fmean(values), 4)
        summary["stdev"][key] = round(statistics.stdev(values), 4) if len(values) > 1 else 0.0
    return summary


def write_summary(output: Path) -> Path:
    """Write :func:`summarise_folds` to ``OUTPUT/cross_validation.json``."""
    path = output / SUMMARY_FILE
    path.write_text(json.dumps(summarise_folds(output), indent=2) + "\n", encoding="utf-8")
    return path


def summary_table(summary: dict[str, Any]) -> list[str]:
    """Markdown rows: one per fold, then the mean ± standard deviation."""
    columns = [
        ("arabic_all", "Arabic, all"),
        ("arabic_tweet", "tweets"),
        ("arabic_paragraph", "paragraphs"),
        ("si_f1", "English SI"),
        ("flc_f1", "English FLC"),
    ]
    lines = [
        "| test fold | " + " | ".join(name for _, name in columns) + " |",
        "|---" * (len(columns) + 1) + "|",
    ]
    for row in summary["folds"]:
        cells = [f"{row[key]:.3f}" if key in row else "" for key, _ in columns]
        lines.append(f"| {row['fold']} | " + " | ".join(cells) + " |")
    mean, spread = summary["mean"], summary["stdev"]
    cells = [
        f"**{mean[key]:.3f}** ± {spread[key]:.3f}" if key in mean else "" for key, _ in columns
    ]
    lines.append("| mean ± sd | " + " | ".join(cells) + " |")
    return lines
