"""Tests for mcstudy.analysis.hillstrom: analysis columns and the real-vs-simulated table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from mcstudy.analysis import arm_effects
from mcstudy.analysis.hillstrom import (
    EMAIL_EXPERIMENT_METRICS,
    WINNER_SEGMENTS,
    add_analysis_columns,
    email_experiment_statistics,
    real_vs_simulated,
    winner_by_segment,
)


@pytest.fixture
def table() -> pd.DataFrame:
    """1,500 customers in the shape of the Hillstrom customer table."""
    rng = np.random.default_rng(3)
    n = 1500
    arm = rng.choice(["control", "mens_email", "womens_email"], n)
    converted = (rng.random(n) < np.where(arm == "control", 0.05, 0.12)).astype(int)
    mens = rng.integers(0, 2, n)
    return pd.DataFrame(
        {
            "arm": pd.Categorical(arm, ["control", "mens_email", "womens_email"]),
            "past_channel": pd.Categorical(
                rng.choice(["phone", "web", "multichannel"], n), ["phone", "web", "multichannel"]
            ),
            "recency_months": rng.integers(1, 13, n),
            "past_spend_usd": rng.gamma(2.0, 150.0, n),
            "bought_mens": mens,
            "bought_womens": np.where(mens == 0, 1, rng.integers(0, 2, n)),
            "converted": converted,
            "spend_usd": converted * rng.gamma(2.0, 50.0, n),
        }
    )


def test_analysis_columns(table):
    out = add_analysis_columns(table)
    assert "emailed" not in table.columns  # the input is not modified
    assert (out["emailed"] == (table["arm"] != "control")).all()
    loyal = (table["recency_months"] <= 3) & (table["past_spend_usd"] >= 350)
    assert (out["loyal"] == loyal.astype(int)).all()
    both = (table["bought_mens"] == 1) & (table["bought_womens"] == 1)
    assert (out.loc[both, "merchandise"] == "both").all()
    assert out["recency_bucket"].notna().all()
    strict = add_analysis_columns(table, loyal_recency_months=1, loyal_past_spend_usd=1000.0)
    assert strict["loyal"].sum() < out["loyal"].sum()
    with pytest.raises(ValueError, match=r"'customers' is missing columns \['past_spend_usd'\]"):
        add_analysis_columns(table.drop(columns="past_spend_usd"))


def test_email_experiment_statistics_match_the_underlying_estimators(table):
    stats = email_experiment_statistics(add_analysis_columns(table))
    assert list(stats.index) == list(EMAIL_EXPERIMENT_METRICS)
    control = table[table["arm"] == "control"]
    low, high = proportion_confint(control["converted"].sum(), len(control), method="wilson")
    row = stats.loc["control_conversion_rate"]
    assert row["estimate"] == pytest.approx(control["converted"].mean())
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))
    effect = arm_effects(table, outcomes=["converted"]).set_index("arm").loc["mens_email"]
    assert stats.loc["mens_email_conversion_diff", "estimate"] == pytest.approx(
        effect["difference"]
    )
    mens = table.loc[table["arm"] == "mens_email", "converted"].mean()
    assert stats.loc["mens_email_conversion_relative_lift", "estimate"] == pytest.approx(
        mens / control["converted"].mean() - 1
    )
    assert (stats["ci_low"] <= stats["estimate"]).all()
    assert (stats["estimate"] <= stats["ci_high"]).all()


def test_real_vs_simulated(table):
    real = email_experiment_statistics(add_analysis_columns(table))
    sim = pd.DataFrame(
        {
            "metric": list(EMAIL_EXPERIMENT_METRICS),
            "mean": np.arange(8.0),
            "ci_low": np.arange(8.0) - 1,
            "ci_high": np.arange(8.0) + 1,
        }
    )
    out = real_vs_simulated(real, {"sim": sim.iloc[::-1]})
    assert list(out.columns) == [
        "real",
        "real_ci_low",
        "real_ci_high",
        "sim_mean",
        "sim_ci_low",
        "sim_ci_high",
    ]
    assert out["sim_mean"].tolist() == list(np.arange(8.0))  # aligned by metric, not row order
    with pytest.raises(ValueError, match=r"simulated\['sim'\] is missing metrics \["):
        real_vs_simulated(real, {"sim": sim.iloc[1:]})


def _two_email_table(n: int = 12_000, seed: int = 11) -> pd.DataFrame:
    """Mens e-mail wins overall: +8 points for men's-only buyers, -7 among women's-only."""
    rng = np.random.default_rng(seed)
    arm = rng.choice(["control", "mens_email", "womens_email"], n)
    merchandise = rng.choice(["mens_only", "womens_only"], n, p=[0.6, 0.4])
    mens, womens = merchandise == "mens_only", merchandise == "womens_only"
    shift = np.where(arm == "mens_email", np.where(mens, 0.08, -0.03), 0.0)
    shift = shift + np.where((arm == "womens_email") & womens, 0.04, 0.0)
    return pd.DataFrame(
        {
            "arm": pd.Categorical(arm, ["control", "mens_email", "womens_email"]),
            "merchandise": merchandise,
            "newbie": rng.integers(0, 2, n),
            "converted": (rng.random(n) < 0.05 + shift).astype(int),
        }
    )


def test_winner_by_segment_compares_the_overall_winner_with_the_other_arm():
    df = _two_email_table()
    out = winner_by_segment(df, segments=("merchandise", "newbie"))
    assert list(out["segment"]) == ["all", "merchandise", "merchandise", "newbie", "newbie"]
    assert set(out["winner"]) == {"mens_email"} and set(out["other"]) == {"womens_email"}
    # the same numbers as a direct comparison within the segment
    womens = df[df["merchandise"] == "womens_only"]
    direct = arm_effects(
        womens[womens["arm"] != "control"], outcomes=["converted"], control="womens_email"
    ).iloc[0]
    row = out[(out["segment"] == "merchandise") & (out["level"] == "womens_only")].iloc[0]
    assert row["difference"] == pytest.approx(direct["difference"])
    assert row["ci_low"] == pytest.approx(direct["ci_low"])
    assert row["n"] == direct["n"]
    assert row["n_other"] == int((womens["arm"] == "womens_email").sum())
    # the winner loses among women's-only buyers, wins among men's-only buyers
    assert row["ci_high"] < 0
    assert out[out["level"] == "mens_only"]["ci_low"].iloc[0] > 0
    # the overall row is the whole two-arm comparison
    overall = out.iloc[0]
    assert overall["n"] + overall["n_other"] == int(df["arm"].isin(WINNER_ARMS).sum())


WINNER_ARMS = ("mens_email", "womens_email")


def test_winner_by_segment_picks_the_winner_by_the_overall_mean():
    df = _two_email_table()
    swapped = df.assign(
        arm=df["arm"]
        .astype(str)
        .map({"mens_email": "womens_email", "womens_email": "mens_email", "control": "control"})
    )
    out = winner_by_segment(swapped, segments=("newbie",))
    assert set(out["winner"]) == {"womens_email"}
    assert out["difference"].iloc[0] > 0


def test_winner_by_segment_bad_input():
    df = _two_email_table(n=600)
    with pytest.raises(ValueError, match="'arms' must be two distinct arm names"):
        winner_by_segment(df, arms=("mens_email", "mens_email"), segments=("newbie",))
    with pytest.raises(ValueError, match=r"'arms' must be arms of 'customers'.*\['sms'\]"):
        winner_by_segment(df, arms=("mens_email", "sms"), segments=("newbie",))
    with pytest.raises(ValueError, match="past_channel"):
        winner_by_segment(df)  # the default segments include a column the table lacks
    with pytest.raises(TypeError, match="'segments' must be a tuple of column names"):
        winner_by_segment(df, segments="newbie")
    assert WINNER_SEGMENTS == ("merchandise", "newbie", "past_channel")
