"""Tests of mcstudy.studies.message_experiments: relevance, relationship age and intrusion."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mcstudy.analysis.hillstrom import add_analysis_columns
from mcstudy.claims import judge, rule_for
from mcstudy.io import hillstrom_customer_table, load_hillstrom
from mcstudy.studies import message_experiments as experiments


def voters(n: int = 40_000, seed: int = 5) -> pd.DataFrame:
    """Voters in the social-pressure layout; turnout rises by 2 points per step of pressure."""
    rng = np.random.default_rng(seed)
    arms = ["control", *experiments.PRESSURE_ORDER]
    arm = rng.choice(arms, n)
    p = 0.30 + 0.02 * np.array([arms.index(a) for a in arm])
    return pd.DataFrame(
        {"arm": pd.Categorical(arm, categories=arms), "voted": (rng.random(n) < p).astype(int)}
    )


@pytest.fixture(scope="module")
def customers(hillstrom_path):
    return add_analysis_columns(hillstrom_customer_table(load_hillstrom(hillstrom_path)))


def test_one_line_buyers_match_the_email_to_the_line(customers):
    one_line = experiments.one_line_buyers(customers)
    assert set(one_line["merchandise"].cat.categories) == {"mens_only", "womens_only"}
    matched = one_line[one_line["message"] == "matched"]
    assert ((matched["merchandise"] == "mens_only") == (matched["arm"] == "mens_email")).all()
    assert (one_line["emailed"] == 1).all()


def test_relevance_pooled_and_by_line(customers):
    one_line = experiments.one_line_buyers(customers)
    relevance = experiments.relevance_effects(one_line)
    table = experiments.relevance_table(relevance)
    assert {"matched_rate", "mismatched_rate"} <= set(table.columns)
    assert set(table["merchandise"]) == {"one line (pooled)", "mens_only", "womens_only"}
    assert "registered rule: **supported**" in experiments.describe_relevance(relevance)


def test_age_interactions_and_description(customers):
    tests = experiments.age_interactions(customers)
    assert list(tests) == ["ols", "logit", "visits"]
    assert len(experiments.age_table(tests)) == 3
    by_age = experiments.age_effects(customers)
    assert set(by_age["relationship"]) == {"older (newbie = 0)", "new (newbie = 1)"}
    assert f"{100 * tests['ols'].effect[0]:+.2f} points" in experiments.describe_age(by_age, tests)


def test_pressure_effects_rise_with_pressure():
    turnout, pressure = experiments.pressure_effects(voters())
    assert list(turnout.index) == ["control", *experiments.PRESSURE_ORDER]
    steps = pressure[pressure["reference"] == "control"]
    assert list(steps["arm"]) == experiments.PRESSURE_ORDER
    assert (np.diff(steps["difference"]) > 0).mean() >= 0.5
    vs_civic = pressure[pressure["reference"] == "civic_duty"]
    assert "civic_duty" not in set(vs_civic["arm"].dropna())
    text = experiments.describe_pressure(turnout, pressure)
    assert "the opposite of the claim's direction" in text


def test_experiment_claim_estimates_are_judged_in_one_call(customers):
    one_line = experiments.one_line_buyers(customers)
    relevance = experiments.relevance_effects(one_line)
    tests = experiments.age_interactions(customers)
    v = voters()
    _, pressure = experiments.pressure_effects(v)
    estimates = experiments.experiment_claim_estimates(relevance, len(one_line), tests, pressure, v)
    assert list(estimates.index) == ["C000-42", "C000-29", "C000-43"]
    assert estimates.loc["C000-42", "n"] == len(one_line)
    civic = (v["arm"] == "civic_duty").sum() + (v["arm"] == "neighbors").sum()
    assert estimates.loc["C000-43", "n"] == civic
    got = judge(estimates, notebook="10_real_data_experiments.ipynb", record=False)
    assert got.set_index("claim_id").loc["C000-43", "verdict"] == "not supported"
    assert got["measure"].tolist() == [rule_for(c).estimand for c in got["claim_id"]]
