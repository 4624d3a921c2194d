"""Tests of what the integration experiments find, in tables, figures and words."""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from mcstudy.claims.rules import Rule
from mcstudy.studies import integration_findings as found
from mcstudy.studies.integration import INTEGRATION_FACTOR_GROUPS
from mcstudy.studies.integration_report import break_even_frontier

FACTORS = list(INTEGRATION_FACTOR_GROUPS)
#: Each factor adds its own amount to every outcome: its Shapley share is that amount.
ADDS = dict(zip(FACTORS, (0.01, 0.02, -0.01, 0.0, 0.03, 0.005), strict=True))


def _stats(names, mean=0.1, low=0.05, high=0.15, n=20):
    return pd.DataFrame(
        {"mean": mean, "ci_low": low, "ci_high": high, "n_replications": n},
        index=pd.Index(list(names), name="metric"),
    )


def _path_runs(n_reps=3):
    rows = []
    for rep in range(n_reps):
        for k in range(len(FACTORS) + 1):
            for on in itertools.combinations(FACTORS, k):
                arm = "none" if not on else "all" if k == len(FACTORS) else "+".join(on)
                for outcome in ("retention", "satisfaction", "margin_per_customer_eur"):
                    value = 0.5 + rep * 0.01 + sum(ADDS[f] for f in on)
                    rows.append((rep, arm, outcome, value))
        for outcome in ("retention", "satisfaction", "margin_per_customer_eur"):
            rows.append((rep, "single_email", outcome, 0.4))
        rows.append((rep, None, "retention_omni_minus_siloed", 0.05))
    return pd.DataFrame(rows, columns=["replication", "arm", "metric", "value"])


def test_shapley_shares_recover_additive_effects():
    shapley = found.shapley_shares(_path_runs(), ("retention", "margin_per_customer_eur"))
    assert list(shapley.index.names) == ["outcome", "factor"]
    for factor, add in ADDS.items():
        assert shapley.loc[("retention", factor), "mean"] == pytest.approx(add)
        assert shapley.loc[("retention", factor), "n_replications"] == 3
    assert found.describe_shapley(shapley).startswith(
        "The factor that adds most to retention is **routing** (+3.00 points)"
    )
    fig = found.plot_shapley(
        pd.concat([shapley, found.shapley_shares(_path_runs(), ("satisfaction",))]).sort_index()
    )
    assert len(fig.axes) == 3
    plt.close(fig)


def test_path_table_keeps_the_arms_and_outcomes_the_text_reads():
    arms = [*found._PATH_ARMS, "extra"]
    outcomes = pd.DataFrame(
        np.arange(len(arms) * 8, dtype=float).reshape(len(arms), 8) / 7,
        index=arms,
        columns=[*found._PATH_METRICS, "churn_rate"],
    )
    table = found.path_table(outcomes)
    assert list(table.index) == found._PATH_ARMS
    assert list(table.columns) == found._PATH_METRICS
    assert table.iloc[0, 1] == round(1 / 7, 3)
    with pytest.raises(ValueError, match="missing columns"):
        found.path_table(outcomes.drop(columns="retention"))


def test_silo_margin_gap_is_taken_within_each_replication():
    evaluation = pd.DataFrame(
        {
            "replication": [0, 0, 1, 1, 0],
            "arm": ["g", "s", "g", "s", "g"],
            "metric": ["margin"] * 4 + ["revenue"],
            "value": [5.0, 2.0, 7.0, 3.0, 99.0],
        }
    )
    gap = found.silo_margin_gap(evaluation, {"global": "g", "silo": "s"})
    assert gap["value"].tolist() == [3.0, 4.0]
    assert set(gap["metric"]) == {"margin_global_minus_silo"}


def test_plot_coordination_reads_the_arms_with_k_channels():
    rows = []
    for rep in range(2):
        for k in range(1, 4):
            rows.append((rep, f"channels_{k}", "multi_channel_weeks", float(k)))
            rows.append((rep, f"channels_{k}", "contradictory_weeks", k / 2))
        rows.append((rep, "siloed_default", "multi_channel_weeks", 9.0))
        rows.append((rep, None, "conflicts_slope", 1.0))
    runs = pd.DataFrame(rows, columns=["replication", "arm", "metric", "value"])
    fig = found.plot_coordination(runs, seed=1)
    ax = fig.axes[0]
    assert list(ax.get_xticks()) == [1, 2, 3]
    assert max(ax.lines[0].get_ydata()) == pytest.approx(3.0)
    plt.close(fig)


def test_integration_methods_name_each_experiment():
    methods = found.integration_methods(
        {"integration": 65, "coordination": 7, "kpi": 25},
        {"integration": 1500, "coordination": 1000, "kpi": 1000},
        n_weeks=52,
        n_replications=20,
    )
    claims = {**found.INTEGRATION_CLAIMS, **found.COORDINATION_CLAIMS, **found.KPI_CLAIMS}
    assert set(methods) == set(claims) == set(found.INTEGRATION_NOTES)
    assert methods["C000-04"].startswith("65 randomised arms at equal contacts")
    assert "1,500 customers per arm" in methods["C000-04"]
    assert methods["C003-09"].startswith("25 randomised arms (pressure grid), 1,000 customers")
    with pytest.raises(ValueError, match="need the experiments"):
        found.integration_methods({"integration": 1}, {}, n_weeks=52, n_replications=2)


def test_describe_retention_reads_the_direction_of_unintegrated_channels():
    stats = _stats(
        [
            "retention_omni_minus_siloed",
            "retention_siloed_minus_single",
            "contacts_omni_over_siloed",
        ]
    )
    assert found.describe_retention(stats).endswith("a gain.")
    stats.loc["retention_siloed_minus_single", ["ci_low", "ci_high"]] = (-0.2, -0.1)
    text = found.describe_retention(stats)
    assert text.endswith("a loss, as source 000 says (C000-04).")
    assert "integration keeps 10.0 more customers in a hundred" in text
    with pytest.raises(ValueError, match="no statistic 'contacts_omni_over_siloed'"):
        found.describe_retention(stats.drop(index="contacts_omni_over_siloed"))


def test_describe_comparison_test_applies_the_rule():
    stats = _stats(
        [
            "satisfaction_multi_minus_single_observed",
            "satisfaction_omni_minus_siloed",
            "satisfaction_comparison_error",
        ]
    )
    stats.loc["satisfaction_comparison_error", ["mean", "ci_low", "ci_high"]] = (0.0, -0.01, 0.01)
    rule = Rule("C003-07", "error", 0, float("nan"), 0.02, "equivalence")
    text = found.describe_comparison_test(stats, rule)
    assert "the `equivalence` rule gives **supported**" in text
    assert "errs by +0.0000 (-0.0100 to +0.0100, 20 replications)" in text


def test_describe_coordination_and_silo_gap_quote_the_numbers():
    stats = _stats(
        [
            "duplicated_customers_share",
            "email_after_purchase_share",
            "buyers_emailed_after_purchase_share",
            "conflicts_slope",
        ]
    )
    assert "10 % of customers (5 to 15 %)" in found.describe_coordination(stats)
    outcomes = pd.DataFrame({"margin": [3.0, 1.0], "revenue": [4.0, 6.0]}, index=["g", "s"])
    choice = {"global": "g", "silo": "s", "converged": False}
    text = found.describe_silo_gap(_stats(["margin_global_minus_silo"]), choice, outcomes)
    assert "they did not converge" in text
    assert "margin 3.00 against 1.00" in text and "(6.00 against 4.00)" in text


def test_describe_integration_gain_and_frontier():
    gains = _stats(["all six factors", "all but routing"], mean=10.0, low=8.0, high=12.0)
    assert "every factor but routing EUR 10.00 (8.00 to 12.00), 20 replications" in (
        found.describe_integration_gain(gains)
    )
    frontier = break_even_frontier({"estimate": 10.0}, [1e3, 1e4, 1e5], [5e4, 5e9], (12,))
    text = found.describe_frontier(frontier, 1e5)
    assert "EUR 50,000 breaks even in five years with about 100,000 customers" in text
    assert "one of EUR 5,000,000,000 with no base up to 100,000 customers" in text
    fig = found.plot_break_even(frontier, 1e5)
    assert fig.axes[0].get_xscale() == "log"
    plt.close(fig)


def test_describe_between_firm_gap_finds_the_points_that_reach_it():
    points = pd.DataFrame(
        {
            "retention_omni_minus_siloed": [0.01, 0.3, 0.4],
            "retention_siloed": [0.9, 0.5, 0.3],
            "response.service_rate_per_week": [0.01, 0.02, 0.04],
            "response.churn_effort": [0.1, 0.2, 0.4],
        }
    )
    params = ["response.service_rate_per_week", "response.churn_effort"]
    text = found.describe_between_firm_gap(points, "89 % vs 33 %", params)
    assert text.startswith("Source 001's 89 % against 33 % is a gap of 56 points.")
    assert "it reaches the quoted gap at 0 of them. " in text
    text = found.describe_between_firm_gap(points, "50 % vs 20 %", params)
    assert "at 2 of them, where the siloed firm keeps only 40 %" in text
    assert "about 1.6 times a year with a churn hazard of 0.30" in text


def test_measures_are_kept_only_for_claims_of_the_notebook():
    claims = {**found.INTEGRATION_CLAIMS, **found.COORDINATION_CLAIMS, **found.KPI_CLAIMS}
    assert set(found.INTEGRATION_MEASURES) < set(claims)
    assert all(m and not m.endswith(".") for m in found.INTEGRATION_MEASURES.values())
