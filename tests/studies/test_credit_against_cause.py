"""Credit against cause: the tables, figures and prose of the attribution grading."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from mcstudy.experiments import replicate, summarise_replications
from mcstudy.studies import credit_against_cause as credit
from mcstudy.studies.attribution_grading import ATTRIBUTION_METHODS, KEY_COLUMNS
from mcstudy.studies.cross_channel import (
    CROSS_CHANNEL_ARMS,
    STATISTICS,
    cross_channel_outcomes,
    grading_table,
    share_table,
)

SMALL = {"n_customers": 300, "n_weeks": 20}


@pytest.fixture(scope="module")
def runs():
    return replicate(cross_channel_outcomes, params=SMALL, n_replications=2, rng=7, progress=False)


@pytest.fixture(scope="module")
def stats(runs):
    return summarise_replications(runs, by=list(KEY_COLUMNS))


def test_arm_summary_reads_each_arms_means(runs, stats):
    table = credit.arm_summary(stats)
    assert list(table.index) == list(CROSS_CHANNEL_ARMS)
    at = (runs["arm"] == "omnichannel") & (runs["metric"] == "credited_share")
    assert table.loc["omnichannel", "credited_share"] == pytest.approx(runs.loc[at, "value"].mean())
    assert (table["causal_total"] < table["credited_share"]).all()
    text = credit.credit_phrase(table, 2, 300)
    assert "2 replications of 300 customers" in text
    assert f"{100 * table.loc['cross_channel', 'credited_share']:.0f} %" in text


def test_grading_tables_and_phrase(runs):
    grades = grading_table(runs)
    wide = credit.grading_wide(grades)
    assert list(wide.index) == list(ATTRIBUTION_METHODS)
    assert wide.shape[1] == 3 * len(CROSS_CHANNEL_ARMS)
    g = grades.set_index(["arm", "method", "measure"])
    assert (
        wide.loc["markov", ("spearman", "siloed")]
        == g.loc[("siloed", "markov", "spearman"), "mean"]
    )
    ci = credit.grading_intervals(grades)
    row = g.loc[("cross_channel", "linear", "mae")]
    assert ci.loc["linear", "mae"] == (
        f"{row['mean']:.3f} ({row['ci_low']:.3f} to {row['ci_high']:.3f})"
    )
    assert (ci["n"] == 2).all()
    text = credit.grading_phrase(grades)
    assert "the split closest to the causal one is" in text


def test_upstream_phrase_follows_the_sign_of_the_interval(stats):
    text = credit.upstream_phrase(stats)
    un = stats[(stats["method"] == "last_touch") & (stats["metric"] == "upstream_gap_normalised")]
    un = un[un["arm"] == "cross_channel"].iloc[0]
    assert f"{un['mean']:+.3f}" in text
    assert ("smaller, which is" in text) == (un["ci_high"] < 0)


def test_figures_have_one_panel_per_view(runs):
    fig = credit.plot_credit_against_cause(runs, share_table(runs), seed=1)
    assert len(fig.axes) == 1
    assert fig.axes[0].get_ylabel() == "share of the arm's conversions"
    fig = credit.plot_grading(runs, seed=1)
    assert len(fig.axes) == 2
    with pytest.raises(ValueError, match="runs"):
        credit.plot_grading(runs.drop(columns="channel"), seed=1)


class _Assessment:
    def __init__(self, points):
        self.points = points


def test_grading_across_points_reads_the_share_stage_only():
    rng = np.random.default_rng(0)
    points = pd.DataFrame({name: rng.uniform(size=6) for name in STATISTICS})
    points["stage"] = ["share"] * 4 + ["morris"] * 2
    table = credit.grading_across_points(_Assessment(points))
    assert list(table.index) == list(ATTRIBUTION_METHODS)
    share = points[points["stage"] == "share"]
    assert table.loc["shapley", "Spearman, median"] == share["shapley_spearman"].median()
    assert table.loc["markov", "Spearman, share of points > 0.5"] == (
        (share["markov_spearman"] > 0.5).mean()
    )
