"""Tests of mcstudy.studies.promotion_targeting on synthetic randomised promotions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

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


def cells(groups: list[tuple[str, int, int]]) -> pd.DataFrame:
    """Rows from (arm, customers, buyers) triples."""
    rows = []
    for arm, n, buyers in groups:
        rows += [(arm, 1)] * buyers + [(arm, 0)] * (n - buyers)
    return pd.DataFrame(rows, columns=["arm", "purchased"])


def test_split_halves_is_stratified_disjoint_and_seeded():
    df = synthetic(1_001)
    fit, held = split_halves(df)
    assert len(fit) + len(held) == len(df)
    assert not set(fit.index) & set(held.index)
    n_arm = df["arm"].value_counts()
    assert fit["arm"].value_counts().to_dict() == (n_arm // 2).to_dict()
    assert fit.index.is_monotonic_increasing and held.index.is_monotonic_increasing
    again, _ = split_halves(df)
    assert again.index.equals(fit.index)
    other, _ = split_halves(df, seed=12)
    assert not other.index.equals(fit.index)


def test_predict_uplift_finds_the_segment_the_promotion_moves():
    fit, held = split_halves(synthetic())
    uplift = predict_uplift(fit, held)
    assert uplift.shape == (len(held),)
    moved = held["v4"].to_numpy() == 2
    assert uplift[moved].mean() > 0.04 > 0.01 > abs(uplift[~moved].mean())


def test_targeting_value_is_the_share_times_the_net_effect():
    # 100 targeted customers (effect +10 points), 300 not targeted (effect +1 point)
    held = cells(
        [
            ("promotion", 50, 10),
            ("control", 50, 5),
            ("promotion", 150, 6),
            ("control", 150, 3),
        ]
    )
    score = np.r_[np.full(100, 0.05), np.full(300, 0.0)]
    result = targeting_value(held, score, cost=0.015)
    assert result.share_targeted == 0.25 and result.n_targeted == 100
    assert result.effect_targeted == pytest.approx(0.10)
    assert result.effect_not_targeted == pytest.approx(0.02)
    assert result.vs_everyone == pytest.approx(0.75 * (0.015 - 0.02))
    assert result.vs_no_one == pytest.approx(0.25 * (0.10 - 0.015))
    low, high = result.vs_everyone_ci
    assert low < result.vs_everyone < high
    e_low, e_high = result.effect_not_targeted_ci
    assert (low, high) == pytest.approx((0.75 * (0.015 - e_high), 0.75 * (0.015 - e_low)))
    assert list(result.summary()["comparison"]) == ["targeted - everyone", "targeted - no one"]


def test_targeting_everyone_or_no_one_makes_that_part_exactly_zero():
    held = cells([("promotion", 100, 5), ("control", 100, 2)])
    everyone = targeting_value(held, np.ones(200))
    assert everyone.vs_everyone == 0.0 and everyone.vs_everyone_ci == (0.0, 0.0)
    assert everyone.vs_no_one == pytest.approx(0.03 - PROMOTION_COST)
    no_one = targeting_value(held, np.zeros(200))
    assert no_one.vs_no_one == 0.0 and no_one.vs_no_one_ci == (0.0, 0.0)
    assert np.isnan(no_one.effect_targeted)


def test_uplift_halves_measures_the_difference_in_effects():
    fit, held = split_halves(synthetic(40_000))
    test = uplift_halves(held, predict_uplift(fit, held))
    assert test.levels == (1,) and test.reference == 0
    assert test.ci_low[0] > 0.02  # upper half mostly v4 = 2 (+6 points), lower half none


def test_uplift_halves_ties_are_broken_by_row_order():
    held = cells(
        [("promotion", 10, 5), ("control", 10, 0), ("promotion", 10, 0), ("control", 10, 0)]
    )
    test = uplift_halves(held, np.zeros(40))  # all tied: the first 20 rows are the upper half
    assert test.n == 40
    assert test.effect[0] == pytest.approx(0.5)


def test_bad_input_names_the_parameter():
    df = synthetic(200)
    with pytest.raises(ValueError, match=r"'seed' must be an int in \[0, inf\); got -1"):
        split_halves(df, seed=-1)
    with pytest.raises(ValueError, match=r"'customers' column 'arm' must hold .*\['treated'\]"):
        split_halves(df.assign(arm="treated"))
    with pytest.raises(ValueError, match=r"'uplift' must hold one value per row .*\(200\)"):
        targeting_value(df, np.zeros(3))
    with pytest.raises(ValueError, match=r"'cost' must be .*\[0, 1\]; got 2"):
        targeting_value(df, np.zeros(200), cost=2)
    with pytest.raises(ValueError, match="'uplift' must be finite"):
        targeting_value(df, np.full(200, np.nan))
    with pytest.raises(ValueError, match="'categorical' and 'numeric' must name"):
        predict_uplift(df, df, categorical=(), numeric=())
    with pytest.raises(ValueError, match=r"'held_out' column 'purchased' must be 0/1"):
        targeting_value(df.assign(purchased=2), np.zeros(200))
