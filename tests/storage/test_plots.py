"""Plots label techniques by their display names."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

from unspin.schema import ModelInfo
from unspin.storage.plots import plot_stats, stats_figure
from unspin.storage.stats import GroupStats, Stats

TECHNIQUES = ["Name_Calling,Labeling", "Appeal_to_fear-prejudice"]


@pytest.mark.parametrize("by", ["source", "month"])
def test_plot_labels_are_display_names(tmp_path: Path, by: str) -> None:
    groups = [
        GroupStats(name, 4, 400, 3, {t: 2 for t in TECHNIQUES}) for name in ("2021-01", "2021-02")
    ]
    output = tmp_path / "plot.svg"
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # text as text, not outlines
        plot_stats(Stats(by, [ModelInfo("model", "1")], TECHNIQUES, groups), output)
    svg = output.read_text(encoding="utf-8")
    assert "Name Calling, Labeling" in svg and "Appeal to Fear or Prejudice" in svg
    assert "Appeal to fear-prejudice" not in svg


def test_time_plot_shows_empty_periods_the_documents_behind_each_point_and_undated_ones(
    tmp_path: Path,
) -> None:
    groups = [
        GroupStats("2021-01", 3, 300, 2, {TECHNIQUES[0]: 1}),
        GroupStats("2021-02"),  # no document: a gap, not a zero
        GroupStats("2021-03", 1, 100, 1, {TECHNIQUES[0]: 1}),
    ]
    output = tmp_path / "months.svg"
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        plot_stats(Stats("month", [], TECHNIQUES[:1], groups, undated=4), output)
    svg = output.read_text(encoding="utf-8")
    assert "n=3" in svg and "n=0" in svg and "n=1" in svg
    assert "4 undated documents not shown" in svg and "(unknown)" not in svg


@pytest.mark.parametrize("by", ["source", "month"])
def test_a_long_list_of_models_stays_inside_the_figure(by: str) -> None:
    import matplotlib.pyplot as plt

    groups = [GroupStats(name, 4, 400, 3, {t: 2 for t in TECHNIQUES}) for name in ("a", "b")]
    models = [ModelInfo(f"unspin-model-with-a-long-name-{i}", "10.20.30") for i in range(6)]
    fig = stats_figure(Stats(by, models, TECHNIQUES, groups))
    fig.canvas.draw()
    title = fig.axes[0].title
    box = title.get_window_extent()
    assert title.get_text().count("\n") >= 2, "the models wrap onto lines of their own"
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width
    assert all(f"unspin-model-with-a-long-name-{i} 10.20.30" in title.get_text() for i in range(6))
    plt.close(fig)
