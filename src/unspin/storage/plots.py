"""Plots of corpus statistics: technique profiles per source (heat map), shares over time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from unspin.storage.stats import TIME_GROUPS, Stats, undated_note
from unspin.taxonomy import display_name

MAX_TECHNIQUES = 14
TITLE_WIDTH = 80
"""Characters per line of a chart title's list of models."""


def plot_stats(stats: Stats, output: Path) -> None:
    """Write a heat map (``by == "source"`` or other categories) or a line chart (time)."""
    import matplotlib.pyplot as plt

    fig = stats_figure(stats)
    fig.savefig(output, dpi=120)
    plt.close(fig)


def stats_figure(stats: Stats) -> Any:
    """The matplotlib figure :func:`plot_stats` writes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    techniques = stats.techniques[:MAX_TECHNIQUES]
    if not stats.groups or not techniques:
        raise ValueError("nothing to plot: no analysed documents with spans match")
    if stats.by in TIME_GROUPS:
        fig = _line_chart(plt, stats, techniques)
    else:
        fig = _heat_map(plt, stats, techniques)
    fig.axes[0].set_title(_title(stats), fontsize=11)
    return fig


def _title(stats: Stats) -> str:
    """What the chart shows; the models that read the documents wrapped on lines of their own
    (a long list would run off the figure)."""
    title = f"Share of documents using each technique, per {stats.by}"
    if not stats.models:
        return title
    lines: list[list[str]] = [[]]
    for named in (f"{model.name} {model.version}" for model in stats.models):
        if lines[-1] and len(", ".join([*lines[-1], named])) > TITLE_WIDTH:
            lines.append([])
        lines[-1].append(named)
    return f"{title}\nread by " + ",\n".join(", ".join(line) for line in lines)


def _line_chart(plt: Any, stats: Stats, techniques: list[str]) -> Any:
    """Share of documents per technique over time, one line each."""
    groups = stats.groups
    fig, ax = plt.subplots(figsize=(11, 6), layout="constrained")
    # Each period is labelled with the documents behind its points; an empty period is a
    # gap in the lines (no share to show), not a zero.
    xs = [f"{g.group}\nn={g.documents}" for g in groups]
    colors = plt.get_cmap("tab20")
    for index, technique in enumerate(techniques):
        ax.plot(
            xs,
            [100 * g.share(technique) if g.documents else float("nan") for g in groups],
            marker="o",
            color=colors((2 * index) % 20 + int(index >= 10)),
            linestyle="-" if index < 10 else "--",
            label=display_name(technique),
        )
    ax.set_ylabel("% of documents using the technique")
    ax.set_xlabel(stats.by.capitalize())
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9, frameon=False)
    plt.setp(ax.get_xticklabels(), rotation=45, ha="right", fontsize=8)
    if stats.undated:
        fig.text(0.01, 0.01, undated_note(stats.undated), fontsize=9, ha="left")
    return fig


def _heat_map(plt: Any, stats: Stats, techniques: list[str]) -> Any:
    """Share of documents per technique (columns) and group (rows)."""
    groups = stats.groups
    values = [[100 * g.share(t) for t in techniques] for g in groups]
    height = max(3.5, 0.45 * len(groups) + 2.5)
    fig, ax = plt.subplots(
        figsize=(max(8, 0.7 * len(techniques) + 3), height), layout="constrained"
    )
    image = ax.imshow(values, cmap="YlOrRd", aspect="auto", vmin=0, vmax=100)
    ax.set_xticks(
        range(len(techniques)), [display_name(t) for t in techniques], rotation=40, ha="right"
    )
    ax.set_yticks(range(len(groups)), [f"{g.group} ({g.documents} docs)" for g in groups])
    for row, group_values in enumerate(values):
        for col, value in enumerate(group_values):
            ax.text(
                col,
                row,
                f"{value:.0f}%",
                ha="center",
                va="center",
                fontsize=9,
                color="white" if value > 60 else "black",
            )
    fig.colorbar(image, ax=ax, label="% of documents", shrink=0.9)
    return fig
