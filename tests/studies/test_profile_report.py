"""How the profile studies read (mcstudy.studies.profile_report)."""

from types import SimpleNamespace

import matplotlib
import pandas as pd
import pytest

from mcstudy.claims import rule_for
from mcstudy.experiments import replicate
from mcstudy.studies.affinity_gap import GAP_OUTCOMES, affinity_gap_sweep, format_interval
from mcstudy.studies.profile_claims import judge_parts
from mcstudy.studies.profile_report import (
    affinity_ratios,
    describe_bearing,
    describe_gap_gains,
    describe_policy_gains,
    describe_robustness_runs,
    describe_survey,
    gap_gain_caption,
    gap_gain_table,
    gap_pressure_table,
    plot_gap_gains,
    plot_policy_outcomes,
    profile_base_weights,
    profile_part_table,
)
from mcstudy.studies.profiles import arm_outcomes, profile_statistics

matplotlib.use("Agg")

NOTEBOOK = "02_profiles_and_channel_choice.ipynb"
MINE = ["C000-02", "C000-15", "C001-02", "C002-04"]


@pytest.fixture(scope="module")
def sweep():
    return affinity_gap_sweep(
        (0.0, 1.0, 2.0), n_customers=300, n_weeks=8, n_replications=3, pilot_customers=400, rng=3
    )


@pytest.fixture(scope="module")
def runs():
    return replicate(
        profile_statistics,
        params={"n_customers": 300, "n_weeks": 8},
        n_replications=3,
        rng=1,
        progress=False,
    )


def _stats(value=0.5):
    names = [
        "segment_minus_uniform_revenue",
        "segment_minus_uniform_margin",
        "individual_minus_segment_revenue",
        "individual_minus_segment_churn",
        "individual_minus_segment_margin",
    ]
    table = pd.DataFrame(
        {"mean": value, "ci_low": value - 0.25, "ci_high": value + 0.25}, index=names
    )
    return table.assign(n_replications=3)


def test_base_weights_and_their_ratios_by_gap():
    weights = profile_base_weights()
    assert weights.shape == (6, 3) and weights.index[0] == "face_to_face"
    ratios = affinity_ratios((0.0, 1.0, 2.0))
    assert list(ratios.columns) == ["gap 0", "gap 1", "gap 2"]
    assert ratios["gap 0"].to_numpy() == pytest.approx(1.0)
    direct = weights["affinity_social"] / weights["affinity_autonomous"]
    assert ratios["gap 1"].to_numpy() == pytest.approx(direct.to_numpy())
    assert ratios["gap 2"].to_numpy() == pytest.approx(direct.to_numpy() ** 2)


def test_survey_line():
    survey = {"chi2": 68.44, "dof": 4, "pvalue": 5.1e-14, "cramers_v": 0.4257, "n": 12377}
    assert describe_survey(survey) == (
        "chi-square 68.4 (df 4, p = 5.1e-14), Cramér's V 0.426, n = 12,377"
    )


def test_policy_outcomes_figure_and_text(runs):
    arms = arm_outcomes(runs)
    assert {"all", "social", "autonomous"} == set(arms.index.get_level_values("profile"))
    assert arms.columns.name == "outcome" and "contacts_per_customer" in arms.columns
    fig = plot_policy_outcomes(runs, seed=1)
    assert len(fig.axes) == 2 and "3 replications" in fig._suptitle.get_text()
    with pytest.raises(ValueError, match="'runs'.*policy"):
        plot_policy_outcomes(runs.drop(columns="policy"))
    text = describe_policy_gains(_stats(), arms)
    assert text.startswith("Matching the mix to the segment changes revenue by +0.50 EUR")
    assert "(+0.25 to +0.75)" in text and "by +0.5000 (+0.2500 to +0.7500)" in text
    sign = "negative" if (arms["margin_per_customer_eur"] < 0).all() else "mixed"
    assert f"policy's margin is {sign}" in text
    assert f"{arms['contacts_per_customer'].max():.1f} contacts per customer-year" in text


def test_sweep_tables_figure_and_text(sweep):
    pressures = gap_pressure_table(sweep)
    assert list(pressures.index) == [0.0, 1.0, 2.0] and pressures.shape[1] == 8
    table = gap_gain_table(sweep)
    assert list(table.columns) == ["n", *GAP_OUTCOMES]
    assert table.index.get_level_values("comparator").unique().tolist() == [
        "uniform",
        "pooled",
        "individual",
    ]
    assert (table["n"] == 3).all()
    assert table.loc[("pooled", 1.0), "churn"] == sweep.describe("segment_minus_pooled_churn", 1.0)
    assert "of 2,500 customers per profile and arm" in gap_gain_caption(2500).replace("\n", " ")
    grid = plot_gap_gains(sweep, seed=1)
    assert len(grid.axes.flat) == 5
    text = describe_gap_gains(sweep)
    assert sweep.describe("segment_minus_pooled_margin", 1.0) in text
    assert text.endswith("over 3 replications.")


def test_profile_part_table_and_bearing(sweep, runs):
    parts = profile_part_table(sweep)
    assert list(parts.index) == [f"profile_part_uniform_{o}" for o in GAP_OUTCOMES]
    wide = sweep.runs[sweep.runs["metric"] == "segment_minus_uniform_margin"].pivot_table(
        index="replication", columns="affinity_gap", values="value"
    )
    assert parts.loc["profile_part_uniform_margin", "mean"] == pytest.approx(
        (wide[1.0] - wide[0.0]).mean()
    )
    with pytest.raises(ValueError, match="'comparator' must be one of"):
        profile_part_table(sweep, "segment")
    stats = _stats()
    judged = judge_parts(stats, rule_for("C002-04"))
    text = describe_bearing(sweep, parts, judged, stats, arm_outcomes(runs))
    revenue = parts.loc["profile_part_uniform_revenue"]
    assert format_interval(revenue["mean"], revenue["ci_low"], revenue["ci_high"]) in text
    weak = judged.index[judged["weaker"]][0]
    assert f"C002-04 is judged on its weaker part, {weak}:" in text
    assert "paired over 3 replications" in text


def test_robustness_runs_text():
    points = pd.DataFrame(
        {
            "individual_contacts_per_customer": [51.0, 52.0, 53.0, 50.0],
            "segment_contacts_per_customer": [50.0, 52.0, 50.0, 50.0],
        }
    )
    robustness = SimpleNamespace(points=points, space=pd.DataFrame({"p": range(8)}), results={1: 0})
    text = describe_robustness_runs(robustness, n_per_arm=1000, n_weeks=52)
    ratio = points.iloc[:, 0] / points.iloc[:, 1]
    assert text.splitlines() == [
        "4 runs, each of 6,000 customers (section 4's policies) and 16,000 (section 6's at two "
        "gaps) x 52 weeks (8 parameters, 1 claims judged at every point)",
        f"individual over segment contacts across the points: median {ratio.median():.3f}, "
        f"5th-95th percentiles {ratio.quantile(0.05):.3f} to {ratio.quantile(0.95):.3f}",
    ]
