"""Tests for mcstudy.report.figures: effects with intervals, Qini curves, robustness shares."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from mcstudy.analysis import qini_curve
from mcstudy.report.figures import plot_effects, plot_qini, plot_robustness_shares


@pytest.fixture
def effects() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "arm": ["mens", "womens", "mens", "womens"],
            "outcome": ["visited", "visited", "converted", "converted"],
            "difference": [0.08, 0.05, 0.007, 0.003],
            "ci_low": [0.07, 0.04, 0.005, 0.001],
            "ci_high": [0.09, 0.06, 0.009, 0.005],
        }
    )


def test_plot_effects_one_panel_per_outcome(effects):
    fig = plot_effects(effects, xlabel={"visited": "visit rate"})
    try:
        axes = fig.axes
        assert [ax.get_title() for ax in axes] == ["visited", "converted"]
        assert axes[0].get_xlabel() == "visit rate" and axes[1].get_xlabel() == "difference"
        assert [t.get_text() for t in axes[0].get_yticklabels()] == ["mens", "womens"]
        # One errorbar container per panel, its points at the estimates.
        points = axes[1].containers[0].lines[0].get_xdata()
        np.testing.assert_allclose(points, [0.007, 0.003])
        segments = axes[1].containers[0].lines[2][0].get_segments()
        np.testing.assert_allclose([s[:, 0] for s in segments], [[0.005, 0.009], [0.001, 0.005]])
    finally:
        plt.close(fig)


def test_plot_effects_hue_and_single_panel(effects):
    fig = plot_effects(effects, y="outcome", hue="arm", col=None, reference=None)
    try:
        (ax,) = fig.axes
        assert len(ax.containers) == 2
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["mens", "womens"]
        # Hue levels are drawn side by side around each row position.
        mens = ax.containers[0].lines[0].get_ydata()
        womens = ax.containers[1].lines[0].get_ydata()
        assert np.all(mens < womens)
    finally:
        plt.close(fig)


def test_plot_effects_categorical_order(effects):
    df = effects.assign(arm=pd.Categorical(effects["arm"], categories=["womens", "mens"]))
    fig = plot_effects(df)
    try:
        assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["womens", "mens"]
    finally:
        plt.close(fig)


def test_plot_effects_validation(effects):
    with pytest.raises(TypeError, match="'effects' must be a pandas DataFrame"):
        plot_effects(effects.to_dict())
    with pytest.raises(ValueError, match=r"missing columns \['ci_low'\]"):
        plot_effects(effects.drop(columns="ci_low"))
    with pytest.raises(ValueError, match="no rows"):
        plot_effects(effects.iloc[:0])


def test_plot_qini_draws_each_curve_and_the_random_line():
    rng = np.random.default_rng(0)
    treated = rng.integers(0, 2, 200)
    outcome = rng.integers(0, 2, 200)
    curves = {
        "perfect": qini_curve(treated, outcome, np.where(treated, outcome, -outcome)),
        "random": qini_curve(treated, outcome, rng.random(200)),
    }
    ax = plot_qini(curves, title="test")
    try:
        lines = ax.get_lines()
        assert len(lines) == 3
        assert lines[-1].get_label() == "random targeting"
        end = curves["random"]["incremental"].iloc[-1]
        np.testing.assert_allclose(lines[-1].get_ydata(), [0.0, end])
        assert ax.get_title() == "test"
    finally:
        plt.close(ax.figure)


def test_plot_qini_validation():
    with pytest.raises(TypeError, match="'curves' must map labels"):
        plot_qini([pd.DataFrame()])
    with pytest.raises(ValueError, match="at least one Qini curve"):
        plot_qini({})
    with pytest.raises(ValueError, match=r"missing columns \['incremental'\]"):
        plot_qini({"a": pd.DataFrame({"fraction_targeted": [0.0, 1.0]})})


def test_dollar_signs_are_shown_literally():
    df = pd.DataFrame(
        {"level": ["1) $0 - $100"], "difference": [1.0], "ci_low": [0.5], "ci_high": [1.5]}
    )
    fig = plot_effects(df, y="level", col=None)
    try:
        assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == [r"1) \$0 - \$100"]
    finally:
        plt.close(fig)


def test_save_figure(tmp_path):
    import matplotlib.pyplot as plt

    from mcstudy.report.figures import save_figure

    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    path = save_figure(fig, "x.png", directory=tmp_path / "figs")
    assert path == tmp_path / "figs" / "x.png" and path.stat().st_size > 0
    with pytest.raises(ValueError, match=r"'name' must be a bare file name"):
        save_figure(fig, "../x.png", directory=tmp_path)
    plt.close(fig)


def test_plot_robustness_shares_draws_one_bar_per_claim():
    summary = pd.DataFrame(
        {"share": [1.0, 0.5], "ci_low": [0.9, 0.4], "ci_high": [1.0, 0.6]}, index=["C1", "C2"]
    )
    fig = plot_robustness_shares(summary, height=3.2)
    ax = fig.axes[0]
    assert len(ax.patches) == 2 and fig.get_figheight() == pytest.approx(3.2)
    assert "dashed: 90 %" in ax.get_title()
    plt.close(fig)
    # an assessment's summary, with its claim ids as a column, and another threshold
    fig = plot_robustness_shares(summary.rename_axis("claim_id").reset_index(), threshold=0.8)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["C1", "C2"]
    assert "dashed: 80 %" in ax.get_title() and ax.lines[-1].get_xdata()[0] == 0.8
    plt.close(fig)
    with pytest.raises(ValueError, match="missing columns"):
        plot_robustness_shares(summary.drop(columns="share"))
    with pytest.raises(ValueError, match="'threshold' must be a real number in"):
        plot_robustness_shares(summary, threshold=90)
