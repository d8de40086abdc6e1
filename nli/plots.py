"""Evaluation plots (PNG): reliability diagram, precision-recall curve, score histograms.

Figures are built with matplotlib's object API on the Agg canvas, so no display, no
pyplot global state and no GUI backend are involved; this works on headless CI
machines and in worker processes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from sklearn.metrics import average_precision_score, precision_recall_curve

from nli.evaluate import (
    ECE_BINS,
    decide_labels,
    expected_calibration_error,
    reliability_bins,
    top_label_confidence,
)
from nli.io import atomic_path
from nli.types import LABELS

#: File names written by :func:`write_eval_plots`.
PLOT_FILES: tuple[str, ...] = ("reliability.png", "pr_curve.png", "score_histograms.png")

_LABEL_COLOURS = {"contradiction": "#c0392b", "neutral": "#7f8c8d", "entailment": "#2471a3"}


def _reliability_panel(
    axes: Axes, confidences: np.ndarray, outcomes: np.ndarray, *, title: str, xlabel: str
) -> None:
    bins = reliability_bins(confidences, outcomes, n_bins=ECE_BINS)
    ece = expected_calibration_error(confidences, outcomes, n_bins=ECE_BINS)
    width = np.diff(bins.edges)
    filled = bins.counts > 0
    axes.bar(
        bins.edges[:-1][filled],
        bins.observed[filled],
        width=width[filled],
        align="edge",
        color="#5dade2",
        edgecolor="#1b4f72",
        label="observed frequency",
    )
    axes.plot([0, 1], [0, 1], linestyle="--", color="black", linewidth=1, label="perfect")
    axes.plot(
        bins.mean_confidence[filled],
        bins.observed[filled],
        marker="o",
        color="#1b4f72",
        linewidth=1,
        label="mean predicted",
    )
    for left, w, height, count in zip(
        bins.edges[:-1][filled],
        width[filled],
        bins.observed[filled],
        bins.counts[filled],
        strict=True,
    ):
        axes.text(left + w / 2, min(height, 0.93) + 0.02, str(int(count)), ha="center", fontsize=7)
    axes.set(xlim=(0, 1), ylim=(0, 1), xlabel=xlabel, ylabel="observed frequency")
    axes.set_title(f"{title}\nECE = {ece:.3f} (n = {len(confidences)})", fontsize=10)
    axes.legend(loc="upper left", fontsize=8)


def reliability_figure(probs: np.ndarray, references: Sequence[str]) -> Figure:
    """Reliability diagrams of the top-label confidence and of P(contradiction).

    Bars are the observed frequency per equal-width bin (the number above a bar is
    its count); a calibrated model's bars follow the diagonal.
    """
    probs = np.asarray(probs, dtype=np.float64)
    figure = Figure(figsize=(10, 4.6), layout="constrained")
    left, right = figure.subplots(1, 2)
    confidence, correct = top_label_confidence(probs, references)
    _reliability_panel(
        left, confidence, correct, title="Top label", xlabel="confidence of predicted label"
    )
    is_contradiction = np.array([ref == "contradiction" for ref in references])
    _reliability_panel(
        right,
        probs[:, 0],
        is_contradiction,
        title="Contradiction",
        xlabel="predicted P(contradiction)",
    )
    return figure


def pr_curve_figure(
    probs: np.ndarray, references: Sequence[str], *, threshold: float | None = None
) -> Figure:
    """Precision-recall curve of P(contradiction), with the decision rule's operating point."""
    probs = np.asarray(probs, dtype=np.float64)
    positives = np.array([ref == "contradiction" for ref in references])
    figure = Figure(figsize=(5.5, 4.6), layout="constrained")
    axes = figure.subplots()
    if positives.any() and not positives.all():
        precision, recall, _ = precision_recall_curve(positives, probs[:, 0])
        ap = average_precision_score(positives, probs[:, 0])
        axes.step(recall, precision, where="post", color="#c0392b", label=f"model (AP = {ap:.3f})")
        axes.axhline(
            positives.mean(), linestyle="--", color="grey", label=f"chance ({positives.mean():.2f})"
        )
        decided = np.array(decide_labels(probs, threshold=threshold)) == "contradiction"
        hits = int(np.sum(decided & positives))
        point_precision = hits / max(int(decided.sum()), 1)
        point_recall = hits / int(positives.sum())
        rule = "argmax" if threshold is None else f"threshold {threshold:.2f}"
        axes.plot(point_recall, point_precision, "ko", label=f"decision ({rule})")
    else:
        axes.text(0.5, 0.5, "needs both contradiction and other labels", ha="center")
    axes.set(xlim=(0, 1), ylim=(0, 1.02), xlabel="recall", ylabel="precision")
    axes.set_title(f"Contradiction precision-recall (n = {len(references)})", fontsize=10)
    axes.legend(loc="lower left", fontsize=8)
    return figure


def _histogram_panel(
    axes: Axes,
    scores: np.ndarray,
    gold: np.ndarray,
    *,
    edges: np.ndarray,
    threshold: float | None,
    title: str,
) -> None:
    for label in LABELS:
        chosen = scores[gold == label]
        if chosen.size:
            axes.hist(
                chosen,
                bins=edges.tolist(),
                histtype="step",
                linewidth=1.8,
                color=_LABEL_COLOURS[label],
                label=f"gold {label} (n = {chosen.size})",
            )
    if threshold is not None:
        axes.axvline(threshold, color="black", linestyle=":", label=f"threshold {threshold:.2f}")
    axes.set(xlim=(edges[0], edges[-1]), xlabel="predicted P(contradiction)", ylabel="pairs")
    axes.set_title(title, fontsize=10)
    axes.legend(fontsize=8)


def score_histogram_figure(
    probs: np.ndarray, references: Sequence[str], *, threshold: float | None = None
) -> Figure:
    """Histograms of P(contradiction) per gold label, over [0, 1] and over the scores' range.

    The second panel zooms in on the range the scores occupy, so a model whose
    scores crowd into one narrow band still shows how the labels separate.
    """
    probs = np.asarray(probs, dtype=np.float64)
    scores = probs[:, 0]
    gold = np.array(list(references))
    figure = Figure(figsize=(11, 4.6), layout="constrained")
    full, zoomed = figure.subplots(1, 2)
    _histogram_panel(
        full,
        scores,
        gold,
        edges=np.linspace(0.0, 1.0, 21),
        threshold=threshold,
        title="Contradiction score by gold label",
    )
    low, high = float(scores.min()), float(scores.max())
    pad = max((high - low) * 0.05, 1e-6)
    edges = np.linspace(max(low - pad, 0.0), min(high + pad, 1.0), 21)
    _histogram_panel(
        zoomed,
        scores,
        gold,
        edges=edges,
        threshold=threshold
        if threshold is not None and edges[0] <= threshold <= edges[-1]
        else None,
        title=f"Zoomed to the scores' range [{low:.3f}, {high:.3f}]",
    )
    return figure


def save_png(figure: Figure, path: Path) -> Path:
    """Render ``figure`` with the Agg canvas to ``path`` (atomically)."""
    FigureCanvasAgg(figure)
    with atomic_path(path) as tmp:
        figure.savefig(tmp, format="png", dpi=110)
    return path


def write_eval_plots(
    probs: np.ndarray,
    references: Sequence[str],
    directory: str | Path,
    *,
    threshold: float | None = None,
) -> list[Path]:
    """Write the three evaluation plots of :data:`PLOT_FILES` into ``directory``.

    Args:
        probs (np.ndarray): ``(n, 3)`` probabilities that were evaluated.
        references (Sequence[str]): Gold labels.
        directory (str | Path): Output folder (created).
        threshold (float, optional): Contradiction threshold used, marked on the plots.

    Returns:
        list[Path]: The files written.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    references = list(references)
    figures = (
        reliability_figure(probs, references),
        pr_curve_figure(probs, references, threshold=threshold),
        score_histogram_figure(probs, references, threshold=threshold),
    )
    return [
        save_png(figure, directory / name) for figure, name in zip(figures, PLOT_FILES, strict=True)
    ]


def _short(text: object, limit: int = 42) -> str:
    value = " ".join(str(text).split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def group_bars_figure(table: pd.DataFrame, by: str, *, top: int = 15) -> Figure:
    """Horizontal bars of the ``top`` groups of a :func:`nli.summarize.summarize` table.

    Each group shows its scored pairs (grey) and, over them, its contradictions (red),
    with ``contradicted statements / statements`` and the rate written beside.

    Args:
        table (pd.DataFrame): A summary table, most contradictions first.
        by (str): The grouping (the table's first column), for the title.
        top (int): Groups drawn. Defaults to 15.

    Returns:
        Figure: The figure (render it with :func:`save_png`).
    """
    from nli.summarize import UNKNOWN

    unnamed = table[table[by] == UNKNOWN]
    named = table[table[by] != UNKNOWN]  # "(unknown)" is no one to compare: in the table only
    rows = named.head(top).iloc[::-1]  # barh draws bottom-up: the top group goes last
    figure = Figure(figsize=(9.5, 1.6 + 0.38 * max(len(rows), 1)))
    axes = figure.add_subplot()
    if rows.empty:
        axes.text(0.5, 0.5, "no findings", ha="center", va="center", transform=axes.transAxes)
        axes.set_axis_off()
    else:
        positions = np.arange(len(rows))
        axes.barh(positions, rows["pairs"], color="#d5d8dc", label="pairs scored")
        axes.barh(positions, rows["contradictions"], color="#c0392b", label="contradictions")
        axes.set_yticks(positions, [_short(v) for v in rows[by]], fontsize=8)
        for y, (_, row) in zip(positions, rows.iterrows(), strict=True):
            axes.text(
                float(row["pairs"]),
                float(y),
                f"  {row['contradicted_statements']}/{row['statements']} statements "
                f"({row['contradiction_rate']:.0%})",
                va="center",
                fontsize=7,
                color="#4d5656",
            )
        axes.set_xlim(0, rows["pairs"].max() * 1.45 + 0.5)
        axes.set_xlabel("statement/report pairs")
        axes.legend(loc="lower right", fontsize=8)
    shown = f"top {min(top, len(named))} of {len(named)}, most contradictions first"
    title = f"Contradictions by {by} ({shown})"
    if not unnamed.empty:
        title += f"\nnot shown: {int(unnamed['pairs'].sum())} pairs with no {by} named"
    axes.set_title(title, fontsize=10)
    figure.tight_layout()
    return figure


def timeline_figure(timeline: pd.DataFrame) -> Figure:
    """Denials and contradicted denials per month (:func:`nli.summarize.monthly_timeline`).

    Returns:
        Figure: One bar per month: denials (blue), the contradicted ones over it (red).
    """
    figure = Figure(figsize=(10, 4.2))
    axes = figure.add_subplot()
    if timeline.empty:
        axes.text(0.5, 0.5, "no dated findings", ha="center", va="center")
        axes.set_axis_off()
        return figure
    positions = np.arange(len(timeline))
    # Overlaid, not side by side: contradicted denials are a part of the denials, and
    # bars stay readable over many years of months.
    axes.bar(positions, timeline["denials"], width=0.9, color="#85c1e9", label="denials")
    axes.bar(
        positions,
        timeline["contradicted_denials"],
        width=0.9,
        color="#c0392b",
        label="of which contradicted",
    )
    step = max(1, len(timeline) // 24)  # at most about 24 month labels
    axes.set_xticks(positions[::step], list(timeline["month"])[::step], rotation=60, fontsize=7)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts of statements
    axes.set_ylabel("statements")
    axes.set_title("Denials per month, and those contradicted by a report", fontsize=10)
    axes.legend(fontsize=8)
    figure.tight_layout()
    return figure
