"""Figures shared by the notebooks: effects with confidence intervals, Qini curves, robustness.

The functions draw precomputed estimates (from :mod:`mcstudy.analysis`); they never estimate
anything themselves, so a figure shows exactly the numbers of the table beside it. Colours come
from the Okabe-Ito palette (:data:`PALETTE`), which readers with a colour-vision deficiency can
tell apart; column names shown on a figure are written in words (:func:`plain_label`).
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from mcstudy._validation import (
    check_column_numbers,
    check_frame,
    check_int,
    check_number,
    check_output_dir,
)
from mcstudy._vocab import OKABE_ITO

__all__ = [
    "PALETTE",
    "plain_label",
    "plot_effects",
    "plot_qini",
    "plot_robustness_shares",
    "save_figure",
]

#: Colours of categories, in order: the Okabe-Ito palette (blue, orange, bluish green,
#: vermillion, reddish purple, sky blue, yellow, black).
PALETTE = tuple(
    OKABE_ITO[name]
    for name in (
        "blue",
        "orange",
        "bluish green",
        "vermillion",
        "reddish purple",
        "sky blue",
        "yellow",
        "black",
    )
)
#: Units written at the end of column names, and how a reader reads them.
_UNIT_SUFFIXES = {"_usd": " (US$)", "_eur": " (EUR)", "_pct": " (%)"}


def _colours(n: int) -> list[str]:
    """``n`` colours of :data:`PALETTE`, repeating it when there are more categories."""
    return [PALETTE[i % len(PALETTE)] for i in range(n)]


def plain_label(value) -> str:
    """A column name or category as words: ``"spend_usd"`` -> ``"spend (US$)"``.

    Underscores become spaces and a unit suffix (``_usd``, ``_eur``, ``_pct``) is written out;
    ``$`` is escaped so that it is not read as mathtext.

    Examples
    --------
    >>> plain_label("engagement_breadth_link")
    'engagement breadth link'
    """
    text = str(value)
    for suffix, words in _UNIT_SUFFIXES.items():
        if text.lower().endswith(suffix):
            text = text[: -len(suffix)] + words
    return _text(text.replace("_", " "))


def _text(value) -> str:
    """Label text with ``$`` escaped, so that "$100" is not read as mathtext."""
    return str(value).replace("$", r"\$")


def _order(values: pd.Series) -> list:
    """Observed values in category order (categoricals) or order of first appearance."""
    present = list(dict.fromkeys(values.dropna()))
    if isinstance(values.dtype, pd.CategoricalDtype):
        return [c for c in values.cat.categories if c in present]
    return present


def plot_effects(
    effects: pd.DataFrame,
    *,
    y: str = "arm",
    x: str = "difference",
    col: str | None = "outcome",
    hue: str | None = None,
    low: str = "ci_low",
    high: str = "ci_high",
    reference: float | None = 0.0,
    xlabel: str | Mapping[str, str] | None = None,
    panel_width: float = 4.0,
    row_height: float = 0.45,
) -> plt.Figure:
    """Plot point estimates with horizontal confidence intervals, one panel per ``col``.

    Parameters
    ----------
    effects : pandas.DataFrame
        One row per estimate, e.g. the output of :func:`mcstudy.analysis.arm_effects` or
        :func:`mcstudy.analysis.subgroup_effects`.
    y : str, default="arm"
        Column labelling the rows of each panel (top to bottom in category or first-seen
        order).
    x, low, high : str, default="difference", "ci_low", "ci_high"
        Columns of the estimate and its interval.
    col : str or None, default="outcome"
        One panel per value of this column (each with its own x-axis); one panel if None.
    hue : str or None, default=None
        Column whose values are drawn side by side in different colours within each row.
    reference : float or None, default=0.0
        Draw a dashed vertical line here (the "no effect" value); None for no line.
    xlabel : str or mapping of str to str, default=None
        x-axis label, or one per panel keyed by the ``col`` value; ``x`` when None.
    panel_width, row_height : float, default=4.0, 0.45
        Size of a panel in inches: its width, and its height per row of ``y``.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError
        If ``effects`` is not a DataFrame.
    ValueError
        If columns are missing (listed), ``effects`` is empty, an estimate or a limit is not
        a finite number or an estimate lies outside its interval, a label column has missing
        values, two rows share the same panel, hue and row label, or a size is not positive.

    Examples
    --------
    >>> fig = plot_effects(arm_effects(customers, outcomes=["converted"]))  # doctest: +SKIP
    """
    check_frame(effects, [y, x, low, high, col, hue], "effects")
    if effects.empty:
        raise ValueError("'effects' has no rows to plot.")
    est, lo, hi = (check_column_numbers(effects, c, "effects") for c in (x, low, high))
    wrong = (lo > est) | (est > hi)
    if wrong.any():
        i = int(np.flatnonzero(wrong)[0])
        raise ValueError(
            f"'effects' row {i} (index {effects.index[i]!r}) has {x!r} = {float(est[i])!r} "
            f"outside its interval [{low!r}, {high!r}] = [{float(lo[i])!r}, {float(hi[i])!r}]; "
            "each estimate must lie in its interval."
        )
    for name in (y, col, hue):
        if name is not None and effects[name].isna().any():
            i = int(np.flatnonzero(effects[name].isna().to_numpy())[0])
            raise ValueError(
                f"'effects' column {name!r} labels the rows and panels and must not be missing;"
                f" row {i} (index {effects.index[i]!r}) has {effects[name].iloc[i]!r}."
            )
    keys = [c for c in (col, hue, y) if c is not None]
    repeated = effects.duplicated(subset=keys).to_numpy()
    if repeated.any():
        i = int(np.flatnonzero(repeated)[0])
        raise ValueError(
            f"'effects' has two rows for the same {keys} (row {i}, index {effects.index[i]!r}: "
            f"{effects[keys].iloc[i].tolist()}); they would be drawn on top of each other. Pass "
            "'hue' or 'col' to separate them."
        )
    for name, value in (("panel_width", panel_width), ("row_height", row_height)):
        check_number(value, name, 0.0, 100.0, low_open=True)
    if reference is not None:
        check_number(reference, "reference")
    panels = _order(effects[col]) if col is not None else [None]
    hues = _order(effects[hue]) if hue is not None else [None]
    n_rows = max(
        len(_order(effects[y] if p is None else effects.loc[effects[col] == p, y])) for p in panels
    )
    fig, axes = plt.subplots(
        1,
        len(panels),
        squeeze=False,
        figsize=(panel_width * len(panels), 1.2 + row_height * n_rows),
    )
    colours = dict(zip(hues, _colours(len(hues)), strict=True))
    offsets = np.linspace(-0.2, 0.2, len(hues)) if len(hues) > 1 else np.zeros(1)
    for ax, panel in zip(axes[0], panels, strict=True):
        part = effects if panel is None else effects[effects[col] == panel]
        rows = _order(part[y])
        position = {label: i for i, label in enumerate(rows)}
        for offset, level in zip(offsets, hues, strict=True):
            sub = part if level is None else part[part[hue] == level]
            pos = sub[y].map(position).to_numpy(dtype=float) + offset
            est = sub[x].to_numpy(dtype=float)
            err = np.vstack([est - sub[low].to_numpy(float), sub[high].to_numpy(float) - est])
            ax.errorbar(
                est,
                pos,
                xerr=err,
                fmt="o",
                capsize=3,
                color=colours[level],
                label=None if level is None else plain_label(level),
            )
        if reference is not None:
            ax.axvline(reference, color="0.5", linestyle="--", linewidth=1)
        ax.set_yticks(range(len(rows)), [plain_label(r) for r in rows])
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_title("" if panel is None else plain_label(panel))
        default = plain_label(x)
        label = xlabel.get(panel, default) if isinstance(xlabel, Mapping) else (xlabel or default)
        ax.set_xlabel(label)
        ax.set_ylabel("" if ax is not axes[0][0] else plain_label(y))
    if hue is not None:
        axes[0][-1].legend(title=plain_label(hue), loc="best", fontsize="small")
    fig.tight_layout()
    return fig


def plot_qini(
    curves: Mapping[str, pd.DataFrame],
    *,
    ax: plt.Axes | None = None,
    title: str | None = None,
    ylabel: str = "incremental outcome",
) -> plt.Axes:
    """Plot Qini curves of several targeting scores and the random-targeting line.

    Parameters
    ----------
    curves : mapping of str to pandas.DataFrame
        Label -> output of :func:`mcstudy.analysis.qini_curve` (computed on the same customers,
        so every curve ends at the same overall incremental outcome).
    ax : matplotlib.axes.Axes, default=None
        Axes to draw on; a new figure when None.
    title : str, default=None
        Axes title.
    ylabel : str, default="incremental outcome"
        y-axis label.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError
        If ``curves`` is not a mapping of DataFrames.
    ValueError
        If ``curves`` is empty or a curve lacks ``fraction_targeted`` or ``incremental``.
    """
    if not isinstance(curves, Mapping):
        raise TypeError(f"'curves' must map labels to DataFrames; got {type(curves).__name__}.")
    if not curves:
        raise ValueError("'curves' must hold at least one Qini curve; got none.")
    for label, curve in curves.items():
        check_frame(curve, ["fraction_targeted", "incremental"], f"curves[{label!r}]")
        if curve.empty:
            raise ValueError(f"'curves[{label!r}]' has no points; pass qini_curve's output.")
        for column in ("fraction_targeted", "incremental"):
            check_column_numbers(curve, column, f"curves[{label!r}]")
    if ax is not None and not isinstance(ax, plt.Axes):
        raise TypeError(f"'ax' must be a matplotlib Axes or None; got {type(ax).__name__}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(5.0, 4.0))
    colours = _colours(len(curves))
    for colour, (label, curve) in zip(colours, curves.items(), strict=True):
        ax.plot(
            curve["fraction_targeted"], curve["incremental"], label=plain_label(label), color=colour
        )
    end = float(next(iter(curves.values()))["incremental"].iloc[-1])
    ax.plot([0.0, 1.0], [0.0, end], color="0.5", linestyle="--", label="random targeting")
    ax.set_xlabel("fraction of customers targeted (by decreasing score)")
    ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    ax.legend(loc="best", fontsize="small")
    return ax


def plot_robustness_shares(
    summary: pd.DataFrame, *, threshold: float = 0.9, height: float = 3.8
) -> Figure:
    """Bars of the share of the plausible space where each reference verdict holds.

    Each bar carries its 95 % interval; a dashed line marks ``threshold``, below which a
    verdict is conditional.

    Parameters
    ----------
    summary : pandas.DataFrame
        A robustness summary (:meth:`RobustnessAssessment.summary
        <mcstudy.experiments.robustness.RobustnessAssessment.summary>`), with ``share``,
        ``ci_low`` and ``ci_high``, indexed by claim id or with a ``claim_id`` column.
    threshold : float, default=0.9
        The share below which a verdict is conditional, in [0, 1].
    height : float, default=3.8
        The figure's height in inches (its width is 8).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``summary`` lacks a column (listed) or ``threshold`` is not in [0, 1].
    """
    check_frame(summary, ["share", "ci_low", "ci_high"], "summary")
    threshold = check_number(threshold, "threshold", low=0, high=1)
    if "claim_id" in summary.columns:
        summary = summary.set_index("claim_id")
    fig, ax = plt.subplots(figsize=(8, height))
    ax.barh(summary.index, summary["share"], color=PALETTE[0])
    ax.errorbar(
        summary["share"],
        np.arange(len(summary)),
        xerr=[summary["share"] - summary["ci_low"], summary["ci_high"] - summary["share"]],
        fmt="none",
        color="0.2",
        capsize=3,
    )
    ax.axvline(threshold, color="0.4", ls="--", lw=1)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of the plausible parameter space where the reference verdict holds")
    ax.set_ylabel("claim")
    ax.set_title(
        f"Robustness of the verdicts (dashed: {threshold * 100:g} %, below it a verdict is "
        "conditional)"
    )
    fig.tight_layout()
    return fig


def save_figure(fig, name: str, *, directory=None, dpi: int = 110):
    """Save ``fig`` as ``figures/<name>`` (PNG at ``dpi``, tight bounding box); return the path.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    name : str
        File name, e.g. ``"08_qini.png"``; a bare file name, no directories.
    directory : path, default=None
        Where to write; :data:`mcstudy.config.FIGURES_DIR` when None (created if missing).
    dpi : int, default=110
        Resolution.
    """
    from pathlib import Path

    from mcstudy import config

    if not isinstance(fig, Figure):
        raise TypeError(
            f"'fig' must be a matplotlib Figure (e.g. grid.figure for a seaborn grid); got "
            f"{type(fig).__name__}."
        )
    if not isinstance(name, str) or not name or Path(name).name != name:
        raise ValueError(f"'name' must be a bare file name such as '08_qini.png'; got {name!r}.")
    formats = fig.canvas.get_supported_filetypes()
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix not in formats:
        raise ValueError(
            f"'name' must end in an image format matplotlib writes ({sorted(formats)}), such "
            f"as '08_qini.png'; got {name!r}."
        )
    dpi = check_int(dpi, "dpi", 1, 10_000)
    out_dir = check_output_dir(
        directory if directory is not None else config.FIGURES_DIR, "directory"
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / name
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    return path
