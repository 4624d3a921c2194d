"""Tests of mcstudy.studies.promotion_report on synthetic randomised promotions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mcstudy.claims import judge
from mcstudy.studies import promotion_report as report
from mcstudy.studies.promotion_targeting import (
    PROMOTION_COST,
    predict_uplift,
    split_halves,
    targeting_value,
    uplift_halves,
)


def synthetic(n: int = 20_000, seed: int = 3) -> pd.DataFrame:
    """Customers in the Starbucks layout; the promotion works only when v4 = 2 (+6 points)."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "arm": pd.Categorical(
                rng.choice(["control", "promotion"], n), categories=["control", "promotion"]
            ),
            "split": rng.choice(["training", "test"], n),
            "v1": rng.integers(0, 4, n),
            "v2": rng.normal(30, 5, n),
            "v3": rng.normal(0, 1, n),
            "v4": rng.integers(1, 3, n),
            "v5": rng.integers(1, 5, n),
            "v6": rng.integers(1, 5, n),
            "v7": rng.integers(1, 3, n),
        }
    )
    p = 0.02 + 0.06 * ((df["arm"] == "promotion") & (df["v4"] == 2))
    df["purchased"] = (rng.random(n) < p).astype("int64")
    return df


@pytest.fixture(scope="module")
def fitted():
    customers = synthetic()
    fit_half, held = split_halves(customers)
    uplift = predict_uplift(fit_half, held)
    return customers, fit_half, held, uplift


def test_blanket_effect_and_description(fitted):
    customers = fitted[0]
    blanket = report.blanket_effect(customers)
    assert blanket["difference"] == pytest.approx(0.03, abs=0.01)
    assert "gains" in report.describe_blanket(customers, blanket)
    rates = report.purchase_rates(customers)
    assert rates["customers"].sum() == len(customers)


def test_held_out_view_quintiles_and_halves(fitted):
    _, fit_half, held, uplift = fitted
    view = report.held_out_view(held, uplift)
    assert view["quintile"].value_counts().max() - view["quintile"].value_counts().min() <= 1
    assert (view["half"] == "upper").sum() == len(held) // 2
    upper = view.loc[view["half"] == "upper", "predicted_uplift"]
    assert upper.min() >= view.loc[view["half"] == "lower", "predicted_uplift"].max()
    sizes = report.split_sizes(fit_half, held)
    assert sizes["customers"].tolist() == [len(fit_half), len(held)]
    by_quintile = report.uplift_quintiles(view)
    q = by_quintile.set_index("predicted uplift quintile")["difference"]
    assert q["Q5"] > q["Q1"]
    fig = report.plot_uplift_quintiles(by_quintile)
    assert any(line.get_xdata()[0] == PROMOTION_COST for line in fig.axes[0].lines)
    assert "Qini coefficient on these" in report.describe_quintiles(by_quintile, 0.1, uplift)
    assert "registered rule" in report.describe_halves(view, uplift_halves(held, uplift))


def test_targeting_parts_and_recorded_part(fitted):
    _, _, held, uplift = fitted
    policy = targeting_value(held, uplift)
    parts = report.targeting_parts(policy)
    assert list(parts.index) == ["targeted - everyone", "targeted - no one"]
    assert parts.loc["targeted - no one", "effect"] == pytest.approx(policy.vs_no_one)
    table = report.policy_table(policy)
    assert table["customers"].sum() == policy.n
    estimates = report.promotion_claim_estimates(policy, uplift_halves(held, uplift))
    weakest_low = parts["ci_low"].min() if parts["verdict"].nunique() == 1 else None
    if weakest_low is not None:
        assert estimates.loc["C000-46", "ci_low"] == weakest_low
    got = judge(estimates, notebook="11_real_data_promotions.ipynb", record=False)
    assert list(got["claim_id"]) == ["C000-46", "C000-47"]
    assert "recorded with the interval of the part" in report.describe_policy(policy)


def test_other_splits_and_their_description(fitted):
    customers, _, held, uplift = fitted
    splits = report.other_splits(customers, [1, 2])
    assert list(splits.index) == ["published split", "seed 1", "seed 2"]
    policy, halves = targeting_value(held, uplift), uplift_halves(held, uplift)
    text = report.describe_other_splits(splits, policy, halves)
    assert "Over 2 other seeds" in text
