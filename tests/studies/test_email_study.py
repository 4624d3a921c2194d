"""Tests of the Hillstrom e-mail study modules on the real file (skipped when it is absent).

mcstudy.studies.email_response (who responds), multichannel_selection (the observational
channel comparison and its simulated twin) and email_claims (the claims' estimates).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mcstudy.analysis import arm_effects
from mcstudy.analysis.hillstrom import add_analysis_columns
from mcstudy.claims import judge
from mcstudy.io import hillstrom_customer_table, load_hillstrom
from mcstudy.studies import email_claims, email_response, multichannel_selection


@pytest.fixture(scope="module")
def customers(hillstrom_path):
    return add_analysis_columns(hillstrom_customer_table(load_hillstrom(hillstrom_path)))


@pytest.fixture(scope="module")
def tests_table(customers):
    return email_response.interaction_tests(customers)


@pytest.fixture(scope="module")
def loyal(customers):
    return email_response.loyal_interactions(customers)


@pytest.fixture(scope="module")
def lifts(customers):
    return multichannel_selection.multichannel_lifts(customers)


def test_describe_arms_is_balanced_before_the_email(customers):
    table = email_response.describe_arms(customers)
    assert table["customers"].sum() == len(customers)
    assert table["past_spend_usd"].max() / table["past_spend_usd"].min() < 1.05
    assert table.loc["mens_email", "converted"] > table.loc["control", "converted"]


def test_compare_emails_matches_arm_effects(customers):
    table = email_response.compare_emails(customers)
    overall = table[(table["merchandise"] == "all") & (table["outcome"] == "converted")].iloc[0]
    emailed = customers[customers["emailed"] == 1]
    direct = arm_effects(emailed, outcomes=["converted"], control="womens_email").iloc[0]
    assert overall["mens_minus_womens"] == pytest.approx(direct["difference"])
    assert overall["mens_email_rate"] - overall["womens_email_rate"] == pytest.approx(
        direct["difference"]
    )
    assert set(table["merchandise"]) > {"all"}


def test_conversion_rows_of_every_moderator(customers):
    rows = email_response.conversion_rows(email_response.effects_by_subgroup(customers))
    assert set(rows["subgroup"]) == set(email_response.MODERATORS)
    assert "relative_lift" in rows.columns and "outcome" not in rows.columns


def test_interaction_tests_skip_logit_of_spend(tests_table):
    pairs = set(zip(tests_table["outcome"], tests_table["scale"], strict=True))
    assert ("spend_usd", "odds ratio (logit)") not in pairs
    assert len(tests_table) == 3 * 5
    assert tests_table["pvalue"].between(0, 1).all()


def test_loyal_table_formats_pvalues(loyal):
    table = email_response.loyal_table(loyal)
    assert len(table) == len(loyal) == 5
    assert table["pvalue"].map(type).eq(str).all()


def test_evaluate_uplift_is_seeded_and_halves_the_customers(customers):
    test, scores, table = email_response.evaluate_uplift(customers, rng=np.random.default_rng(1))
    again, _, table_again = email_response.evaluate_uplift(customers, rng=np.random.default_rng(1))
    assert test.index.equals(again.index)
    pd.testing.assert_frame_equal(table, table_again)
    assert 0.45 < len(test) / len(customers) < 0.55
    assert set(scores) == {"visited", "converted"} and len(table) == 8
    fig = email_response.plot_uplift_curves(test, scores)
    assert len(fig.axes) == 2
    text = email_response.describe_uplift(test, scores, table)
    assert f"{table['qini_coefficient'].iloc[0]:.3f}" in text


def test_describe_heterogeneity_quotes_the_loyal_contrast(customers, tests_table, loyal):
    rows = email_response.conversion_rows(email_response.effects_by_subgroup(customers))
    text = email_response.describe_heterogeneity(rows, tests_table, loyal)
    add = loyal[("converted", "additive (OLS)")]
    assert f"{100 * add.effect[0]:+.2f} percentage points" in text


def test_channel_groups_and_comparisons(customers):
    control = customers[customers["arm"] == "control"]
    groups = multichannel_selection.describe_channel_groups(control)
    assert groups.loc["multichannel", "in_lowest_spend_bucket"] == 0
    comparisons = multichannel_selection.channel_comparisons(control)
    assert set(comparisons["outcome"]) == {"visited", "converted", "spend_usd"}


def test_lifts_and_the_claimed_lift(customers, lifts):
    assert len(lifts) == 6
    table = multichannel_selection.lift_table(lifts)
    check = multichannel_selection.check_claimed_lift(table)
    assert (check["claimed_ratio"] == 3.87).all()
    assert check["claim_inside_ci"].tolist() == [
        lo <= 2.87 <= hi for lo, hi in zip(check["ci_low"], check["ci_high"], strict=True)
    ]
    assert "times the single-channel rate" in multichannel_selection.describe_multichannel_gap(
        lifts
    )
    assert multichannel_selection.count_buyers(customers).startswith("buyers: ")


def test_simulated_experiment_beside_the_real_one(customers):
    simulated = multichannel_selection.simulate_email_experiment(
        n_customers=20_000, email_pressure=0.5, n_replications=2, seed=1
    )
    assert set(simulated["engagement_breadth_link"]) == {1.0, 0.0}
    assert set(simulated["metric"]) == set(multichannel_selection.SIM_METRICS)
    comparison = multichannel_selection.compare_with_simulation(customers, simulated)
    assert {"real", "sim_link1_mean", "sim_link0_mean"} <= set(comparison.columns)
    text = multichannel_selection.describe_simulation(comparison)
    assert len(text.splitlines()) == 5 and "link cut" in text


def test_email_claim_estimates_give_the_recorded_verdicts(customers, tests_table, loyal, lifts):
    by_segment = email_claims.winner_segments(customers)
    assert by_segment["verdict"].notna().all()
    winner = email_claims.describe_winner(by_segment)
    assert winner.startswith("overall winner: ")
    n_supported = (by_segment["verdict"].iloc[1:] == "supported").sum()
    assert f"{n_supported} supported" in winner
    assert "minimum detectable difference at 80 % power" in email_claims.describe_power(loyal)
    estimates = email_claims.email_claim_estimates(loyal, tests_table, lifts, by_segment)
    assert list(estimates.index) == ["C000-03", "C001-06", "C003-05", "C004-06"]
    assert estimates.loc[["C000-03", "C004-06"], "causal_ci_low"].isna().all()
    got = judge(estimates, notebook="08_real_data_hillstrom.ipynb", record=False)
    parts = email_claims.c003_parts(lifts)
    assert got.set_index("claim_id").loc["C003-05", "verdict"] in parts.values()
    text = email_claims.describe_email_verdicts(got, loyal, lifts, by_segment)
    for claim, verdict in zip(got["claim_id"], got["verdict"], strict=True):
        assert f"{claim}" in text and verdict in text
