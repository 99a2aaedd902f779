"""Plots label techniques by their display names."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

from unspin.schema import ModelInfo
from unspin.storage.plots import plot_stats
from unspin.storage.stats import GroupStats, Stats

TECHNIQUES = ["Name_Calling,Labeling", "Appeal_to_fear-prejudice"]


@pytest.mark.parametrize("by", ["source", "month"])
def test_plot_labels_are_display_names(tmp_path: Path, by: str) -> None:
    groups = [
        GroupStats(name, 4, 400, 3, {t: 2 for t in TECHNIQUES}) for name in ("2021-01", "2021-02")
    ]
    output = tmp_path / "plot.svg"
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # text as text, not outlines
        plot_stats(Stats(by, ModelInfo("model", "1"), TECHNIQUES, groups), output)
    svg = output.read_text(encoding="utf-8")
    assert "Name Calling, Labeling" in svg and "Appeal to Fear or Prejudice" in svg
    assert "Appeal to fear-prejudice" not in svg
