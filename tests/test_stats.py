"""Tests for mcstudy.stats: arm effects, adjusted comparisons and uplift metrics."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats as sps
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint
from statsmodels.stats.proportion import test_proportions_2indep as score_test

from mcstudy import config
from mcstudy.datasets import load_hillstrom
from mcstudy.stats import (
    AdjustedComparison,
    InteractionTest,
    adjusted_comparison,
    arm_effects,
    interaction_test,
    qini_coefficient,
    qini_curve,
    relative_lift,
    subgroup_effects,
    summarise_replications,
    two_model_uplift,
    uplift_at_k,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
ARM_EFFECT_COLUMNS = [
    "arm", "outcome", "n", "mean", "control_mean", "difference",
    "ci_low", "ci_high", "relative_lift", "p_value", "method",
]


@pytest.fixture
def customers() -> pd.DataFrame:
    """600 customers shaped like simulator output, with known effects.

    Visit probability 0.10 in control, 0.25 with an e-mail (+0.15); spend of visitors is
    gamma with mean 50. Past channel is confounded with past spend and has no effect.
    """
    rng = np.random.default_rng(0)
    n = 600
    arm = rng.choice(["control", "mens_email", "womens_email"], n)
    past_spend = rng.gamma(2.0, 100.0, n)
    p_multi = 1 / (1 + np.exp(-(past_spend - 300) / 100))
    past_channel = np.where(rng.random(n) < p_multi, "multichannel",
                            rng.choice(["phone", "web"], n))
    visited = (rng.random(n) < np.where(arm == "control", 0.10, 0.25)).astype(int)
    converted = visited * (rng.random(n) < 0.4)
    spend = converted * rng.gamma(2.0, 25.0, n)
    return pd.DataFrame({
        "customer_id": np.arange(n),
        "arm": pd.Categorical(arm, categories=["control", "mens_email", "womens_email"]),
        "past_channel": pd.Categorical(past_channel, ["phone", "web", "multichannel"]),
        "past_spend": past_spend,
        "area": rng.choice(["urban", "rural"], n),
        "visited": visited,
        "converted": converted,
        "spend": spend,
        "spend_next_year": 0.01 * past_spend + rng.normal(0, 1, n),
    })


# ---- arm_effects -------------------------------------------------------------------------

def test_arm_effects_layout(customers):
    out = arm_effects(customers)
    assert list(out.columns) == ARM_EFFECT_COLUMNS
    assert out[["arm", "outcome"]].values.tolist() == [
        ["mens_email", "visited"], ["womens_email", "visited"],
        ["mens_email", "converted"], ["womens_email", "converted"],
        ["mens_email", "spend"], ["womens_email", "spend"],
    ]
    assert out["method"].str.startswith("difference in proportions").tolist() == [True] * 4 + [
        False, False]
    assert (out["ci_low"] < out["difference"]).all() and (out["difference"] < out["ci_high"]).all()


def test_arm_effects_binary_matches_statsmodels_and_hand(customers):
    out = arm_effects(customers, outcomes=["visited"], alpha=0.1).iloc[0]
    treated = customers.loc[customers["arm"] == "mens_email", "visited"]
    control = customers.loc[customers["arm"] == "control", "visited"]
    # Hand-computed difference in proportions from the counts.
    x1, n1, x0, n0 = int(treated.sum()), len(treated), int(control.sum()), len(control)
    assert out["n"] == n1
    assert out["difference"] == pytest.approx(x1 / n1 - x0 / n0, abs=1e-12)
    assert out["relative_lift"] == pytest.approx((x1 / n1 - x0 / n0) / (x0 / n0))
    low, high = confint_proportions_2indep(x1, n1, x0, n0, method="newcomb", alpha=0.1)
    assert (out["ci_low"], out["ci_high"]) == pytest.approx((low, high), abs=1e-12)
    p_value = score_test(x1, n1, x0, n0, method="score").pvalue
    assert out["p_value"] == pytest.approx(p_value, rel=1e-12)
    # True effect +0.15 lies in the interval.
    assert out["ci_low"] < 0.15 < out["ci_high"]


def test_newcombe_interval_from_wilson_limits():
    # Newcombe (1998) method 10: combine the two Wilson intervals by hand.
    df = pd.DataFrame({"arm": ["t"] * 10 + ["c"] * 10, "y": [1] * 5 + [0] * 5 + [1] * 2 + [0] * 8})
    out = arm_effects(df, control="c", outcomes="y").iloc[0]
    assert out["difference"] == pytest.approx(0.5 - 0.2)
    assert out["relative_lift"] == pytest.approx(1.5)
    l1, u1 = proportion_confint(5, 10, method="wilson")
    l0, u0 = proportion_confint(2, 10, method="wilson")
    low = 0.3 - np.sqrt((0.5 - l1) ** 2 + (u0 - 0.2) ** 2)
    high = 0.3 + np.sqrt((u1 - 0.5) ** 2 + (0.2 - l0) ** 2)
    assert (out["ci_low"], out["ci_high"]) == pytest.approx((low, high), abs=1e-10)


def test_arm_effects_continuous_matches_scipy_and_hand(customers):
    out = arm_effects(customers, outcomes=["spend"]).set_index("arm").loc["womens_email"]
    y1 = customers.loc[customers["arm"] == "womens_email", "spend"].to_numpy()
    y0 = customers.loc[customers["arm"] == "control", "spend"].to_numpy()
    res = sps.ttest_ind(y1, y0, equal_var=False)
    assert out["p_value"] == pytest.approx(res.pvalue, rel=1e-12)
    # Welch CI by hand: Welch-Satterthwaite degrees of freedom.
    v1, v0 = y1.var(ddof=1) / len(y1), y0.var(ddof=1) / len(y0)
    dof = (v1 + v0) ** 2 / (v1**2 / (len(y1) - 1) + v0**2 / (len(y0) - 1))
    half = sps.t.ppf(0.975, dof) * np.sqrt(v1 + v0)
    diff = y1.mean() - y0.mean()
    assert out["difference"] == pytest.approx(diff)
    assert (out["ci_low"], out["ci_high"]) == pytest.approx((diff - half, diff + half))
    assert out["method"] == "difference in means: Welch t-test and Welch CI"


def test_arm_effects_method_option(customers):
    welch = arm_effects(customers, outcomes=["visited"], method="welch")
    assert welch["method"].str.contains("Welch").all()
    with pytest.raises(ValueError, match="method='proportion' needs 0/1 outcomes.*'spend'"):
        arm_effects(customers, outcomes=["spend"], method="proportion")
    with pytest.raises(ValueError, match=r"'method' must be one of \['auto', 'proportion', "
                       r"'welch'\]; got 'exact'"):
        arm_effects(customers, method="exact")


def test_relative_lift_is_nan_when_control_mean_is_zero():
    df = pd.DataFrame({"arm": ["control"] * 5 + ["email"] * 5, "y": [0.0] * 5 + [1.0, 0, 0, 2, 0]})
    out = arm_effects(df, outcomes=["y"])
    assert np.isnan(out["relative_lift"].iloc[0])


def test_no_events_gives_p_value_one_without_warnings():
    df = pd.DataFrame({"arm": ["control"] * 4 + ["email"] * 4, "y": [0] * 8})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = arm_effects(df, outcomes="y").iloc[0]
    assert out["difference"] == 0 and out["p_value"] == 1.0
    assert out["ci_low"] < 0 < out["ci_high"]


def test_arm_effects_validation(customers):
    with pytest.raises(ValueError, match=r"missing columns \['arm_x', 'bought'\]"):
        arm_effects(customers, arm="arm_x", outcomes=["bought"])
    with pytest.raises(ValueError, match=r"'control' must be one of the arms \['control', "
                       r"'mens_email', 'womens_email'\]; got 'no_email'"):
        arm_effects(customers, control="no_email")
    mens = customers["arm"] == "mens_email"
    tiny = pd.concat([customers[~mens], customers[mens].iloc[:1]])
    with pytest.raises(ValueError, match=r"at least 2 customers; got counts \{'mens_email': 1\}"):
        arm_effects(tiny)
    with pytest.raises(ValueError, match=r"'alpha' must be a real number in \(0, 1\); got 1.5"):
        arm_effects(customers, alpha=1.5)
    with pytest.raises(TypeError, match="'df' must be a pandas DataFrame"):
        arm_effects(customers.to_dict())
    with pytest.raises(TypeError, match="outcome column 'area' must be numeric"):
        arm_effects(customers, outcomes=["area"])
    with pytest.raises(ValueError, match="'outcomes' must name at least one column"):
        arm_effects(customers, outcomes=[])
    holes = customers.assign(spend=customers["spend"].where(customers["spend"] < 60))
    with pytest.raises(ValueError, match="'spend' has missing or infinite values"):
        arm_effects(holes, outcomes=["spend"])


# ---- adjusted_comparison -----------------------------------------------------------------

def test_adjustment_removes_confounded_difference(customers):
    result = adjusted_comparison(customers, group="past_channel", outcome="spend_next_year",
                                 covariates=["past_spend", "area"], reference="phone")
    assert isinstance(result, AdjustedComparison)
    summary = result.summary()
    multi = summary.set_index("group").loc["multichannel"]
    # Raw gap from selection on past spend; no causal effect once past spend is adjusted for.
    assert multi["unadjusted_difference"] > 1.0
    assert multi["ci_low"] < 0 < multi["ci_high"]
    assert summary["method"].iloc[0].startswith("OLS, HC3")
    # Known answer: the same model fitted directly with statsmodels.
    fit = smf.ols("spend_next_year ~ C(past_channel, Treatment('phone')) + past_spend + area",
                  customers).fit(cov_type="HC3")
    name = "C(past_channel, Treatment('phone'))[T.multichannel]"
    assert multi["adjusted_effect"] == pytest.approx(fit.params[name], rel=1e-10)
    assert multi["p_value"] == pytest.approx(fit.pvalues[name], rel=1e-8)
    assert multi["ci_low"] == pytest.approx(fit.conf_int().loc[name, 0], rel=1e-10)
    phone = customers["past_channel"] == "phone"
    raw_gap = (customers.loc[customers["past_channel"] == "multichannel", "spend_next_year"].mean()
               - customers.loc[phone, "spend_next_year"].mean())
    assert multi["unadjusted_difference"] == pytest.approx(raw_gap)
    assert multi["n"] == (customers["past_channel"] == "multichannel").sum()
    with pytest.raises(AttributeError):
        result.effect = (0.0, 0.0)  # frozen


def test_adjusted_logit_matches_statsmodels(customers):
    result = adjusted_comparison(customers, outcome="visited", covariates=["past_spend"],
                                 family="logit", reference="web")
    assert result.groups == ("phone", "multichannel")
    fit = smf.logit("visited ~ C(past_channel, Treatment('web')) + past_spend",
                    customers).fit(disp=0)
    name = "C(past_channel, Treatment('web'))[T.phone]"
    assert result.effect[0] == pytest.approx(fit.params[name], rel=1e-6)
    assert result.summary()["effect_scale"].iloc[0] == "log odds ratio"


def test_adjusted_comparison_validation(customers):
    with pytest.raises(ValueError, match=r"'family' must be one of \['logit', 'ols'\]"):
        adjusted_comparison(customers, family="probit")
    with pytest.raises(ValueError, match=r"'reference' must be one of the groups"):
        adjusted_comparison(customers, reference="store")
    with pytest.raises(ValueError, match="family='logit' needs a 0/1 outcome"):
        adjusted_comparison(customers, outcome="spend", family="logit")
    with pytest.raises(ValueError, match=r"missing columns \['tenure'\]"):
        adjusted_comparison(customers, covariates=["tenure"])
    holes = customers.assign(past_spend=customers["past_spend"].where(customers["spend"] < 60))
    with pytest.raises(ValueError, match=r"columns \['past_spend'\] have missing values"):
        adjusted_comparison(holes, covariates=["past_spend"])


# ---- uplift metrics ----------------------------------------------------------------------

@pytest.fixture
def uplift_data():
    """Treatment lifts the response rate by 0.3 for x = 1 and lowers it by 0.05 for x = 0."""
    rng = np.random.default_rng(0)
    n = 4000
    x = rng.integers(0, 2, n)
    treated = rng.random(n) < 0.5
    p = 0.2 + treated * np.where(x == 1, 0.3, -0.05)
    return treated, (rng.random(n) < p).astype(int), x + rng.normal(0, 0.01, n), rng


def test_qini_curve_hand_example():
    # Ranked by score: T1, C0, T0, C1. Incremental R_T - R_C * N_T / N_C at each cut.
    curve = qini_curve([1, 0, 1, 0], [1, 0, 0, 1], [4, 3, 2, 1])
    assert curve["fraction_targeted"].tolist() == [0, 0.25, 0.5, 0.75, 1.0]
    assert curve["incremental"].tolist() == pytest.approx([0, 1, 1, 1, 0])


def test_qini_curve_ends_at_overall_incremental(uplift_data):
    treated, y, score, _ = uplift_data
    curve = qini_curve(treated, y, score)
    total = y[treated].sum() - y[~treated].sum() * treated.sum() / (~treated).sum()
    assert curve["incremental"].iloc[-1] == pytest.approx(total)
    assert curve["n_targeted"].iloc[-1] == len(y)


def test_qini_perfect_beats_random(uplift_data):
    treated, y, score, rng = uplift_data
    good = qini_coefficient(treated, y, score)
    random = qini_coefficient(treated, y, rng.random(len(y)))
    assert good > random + 0.1
    assert abs(random) < 0.1
    assert qini_coefficient(treated, y, np.where(treated, y, -y)) == pytest.approx(1.0)
    assert qini_coefficient(treated, y, np.zeros(len(y))) == pytest.approx(0.0, abs=1e-12)
    assert qini_coefficient(treated, y, -score) < 0


def test_uplift_at_k(uplift_data):
    treated, y, score, _ = uplift_data
    overall = y[treated].mean() - y[~treated].mean()
    assert uplift_at_k(treated, y, score, 1.0) == pytest.approx(overall)
    top = uplift_at_k(treated, y, score, 0.4)  # mostly x = 1, true uplift 0.3
    assert top == pytest.approx(0.3, abs=0.06)
    assert top > overall


def test_uplift_validation(uplift_data):
    treated, y, score, _ = uplift_data
    with pytest.raises(ValueError, match=r"'k' must be a real number in \(0, 1\]; got 0.0"):
        uplift_at_k(treated, y, score, 0.0)
    with pytest.raises(ValueError, match="equal lengths"):
        qini_curve(treated, y[:-1], score)
    with pytest.raises(ValueError, match="'treated' must hold only 0/1"):
        qini_curve(np.full(len(y), 2), y, score)
    with pytest.raises(ValueError, match="both treated"):
        qini_coefficient(np.ones(len(y)), y, score)
    with pytest.raises(ValueError, match="'score' has missing"):
        qini_curve(treated, y, np.full(len(y), np.nan))
    with pytest.raises(TypeError, match="'outcome' must be numeric"):
        qini_curve(treated, np.array(["a"] * len(y)), score)
    with pytest.raises(ValueError, match="must contain treated and control"):
        uplift_at_k([1, 1, 0, 0], [1, 0, 1, 0], [4, 3, 2, 1], 0.5)


# ---- the real file -----------------------------------------------------------------------

def _real_path() -> Path | None:
    env = os.environ.get(config.HILLSTROM_ENV)
    path = Path(env) if env else REPO_ROOT.parent / "shared" / "data" / "hillstrom.csv"
    return path if path.is_file() else None


@pytest.fixture(scope="module")
def real_customers():
    from mcstudy._hillstrom import hillstrom_customer_table

    path = _real_path()
    if path is None:
        pytest.skip("Hillstrom file not found: set MCSTUDY_HILLSTROM or put it at "
                    "../shared/data/hillstrom.csv relative to the repository root.")
    return hillstrom_customer_table(load_hillstrom(path))


@pytest.mark.realdata
def test_real_arm_effects(real_customers):
    # Values computed from the file (sha256 ff9e5928...); published rates: conversion
    # 0.57 % (no e-mail), 1.25 % (mens), 0.88 % (womens); visits 10.6 %, 18.3 %, 15.1 %.
    out = arm_effects(real_customers).set_index(["arm", "outcome"])
    expected = {
        ("mens_email", "visited"): (0.182757, 0.106167, 0.076590, 0.069953, 0.083227),
        ("womens_email", "visited"): (0.151400, 0.106167, 0.045233, 0.038894, 0.051574),
        ("mens_email", "converted"): (0.012531, 0.005726, 0.006805, 0.005014, 0.008641),
        ("womens_email", "converted"): (0.008837, 0.005726, 0.003111, 0.001502, 0.004745),
        ("mens_email", "spend"): (1.422617, 0.652789, 0.769827, 0.485140, 1.054515),
        ("womens_email", "spend"): (1.077202, 0.652789, 0.424412, 0.168957, 0.679868),
    }
    for key, values in expected.items():
        got = out.loc[key, ["mean", "control_mean", "difference", "ci_low", "ci_high"]]
        np.testing.assert_allclose(got.to_numpy(dtype=float), values, atol=1e-6)
    assert (out["p_value"] < 0.01).all()


@pytest.mark.realdata
def test_real_channel_gap_is_mostly_selection(real_customers):
    result = adjusted_comparison(
        real_customers, group="past_channel", outcome="spend", reference="phone",
        covariates=["recency_months", "past_spend", "bought_mens", "bought_womens", "newbie",
                    "area", "arm"],
    )
    multi = result.summary().set_index("group").loc["multichannel"]
    assert multi["unadjusted_difference"] == pytest.approx(0.4929, abs=1e-4)
    assert multi["ci_low"] < 0 < multi["ci_high"]


# ---- subgroup effects and interaction tests ------------------------------------------------

@pytest.fixture
def heterogeneous() -> pd.DataFrame:
    """4,000 customers; an e-mail raises conversion by 0.02 for 'old' and 0.12 for 'new'."""
    rng = np.random.default_rng(4)
    n = 4000
    segment = rng.choice(["old", "new"], n)
    treated = rng.integers(0, 2, n)
    p = 0.05 + treated * np.where(segment == "new", 0.12, 0.02)
    converted = (rng.random(n) < p).astype(int)
    return pd.DataFrame({
        "arm": np.where(treated == 1, "email", "control"),
        "treated": treated,
        "segment": pd.Categorical(segment, categories=["old", "new"]),
        "age": rng.normal(40, 10, n),
        "converted": converted,
    })


def test_subgroup_effects_equal_arm_effects_within_each_level(customers):
    out = subgroup_effects(customers, "past_channel", outcomes=["visited", "spend"])
    assert list(out.columns[:2]) == ["subgroup", "level"]
    assert list(out.columns[2:]) == ARM_EFFECT_COLUMNS
    assert list(out["level"].unique()) == ["phone", "web", "multichannel"]
    assert (out["subgroup"] == "past_channel").all()
    for level in ("phone", "multichannel"):
        part = customers[customers["past_channel"] == level]
        expected = arm_effects(part, outcomes=["visited", "spend"])
        got = out[out["level"] == level].drop(columns=["subgroup", "level"])
        pd.testing.assert_frame_equal(got.reset_index(drop=True), expected)


def test_subgroup_effects_validation(customers):
    with pytest.raises(ValueError, match=r"missing columns \['tier'\]"):
        subgroup_effects(customers, "tier")


def test_interaction_ols_is_the_difference_of_subgroup_effects(heterogeneous):
    res = interaction_test(heterogeneous, "treated", "segment", "converted")
    assert isinstance(res, InteractionTest)
    assert res.levels == ("new",) and res.reference == "old" and res.df == 1
    effects = subgroup_effects(heterogeneous, "segment", outcomes=["converted"],
                               control="control").set_index("level")["difference"]
    assert res.effect[0] == pytest.approx(effects["new"] - effects["old"], abs=1e-10)
    assert res.ci_low[0] < 0.10 < res.ci_high[0]
    assert res.joint_pvalue < 1e-6 and res.pvalue[0] == pytest.approx(res.joint_pvalue)
    # Same model fitted directly with statsmodels.
    fit = smf.ols("converted ~ treated * segment", heterogeneous).fit(cov_type="HC3")
    assert res.effect[0] == pytest.approx(fit.params["treated:segment[T.new]"])
    assert res.pvalue[0] == pytest.approx(fit.pvalues["treated:segment[T.new]"])
    summary = res.summary()
    assert list(summary["level"]) == ["new"]
    assert summary.loc[0, "effect_scale"] == "difference in means"


def test_interaction_joint_test_and_logit(heterogeneous):
    df = heterogeneous.assign(decile=pd.qcut(heterogeneous["age"], 4, labels=list("abcd")))
    res = interaction_test(df, "treated", "decile", "converted", covariates=["age"])
    assert res.df == 3 and len(res.effect) == 3
    fit = smf.ols("converted ~ treated * decile + age", df).fit(cov_type="HC3")
    terms = [f"treated:decile[T.{x}]" for x in "bcd"]
    wald = fit.wald_test(", ".join(f"{t} = 0" for t in terms), scalar=True, use_f=False)
    assert res.statistic == pytest.approx(float(wald.statistic))
    assert res.joint_pvalue > 0.001  # no interaction with age quartiles was simulated
    logit = interaction_test(heterogeneous, "treated", "segment", "converted", family="logit",
                             reference="new")
    assert logit.levels == ("old",)
    direct = smf.logit("converted ~ treated * C(segment, Treatment('new'))",
                       heterogeneous).fit(disp=0)
    name = "treated:C(segment, Treatment('new'))[T.old]"
    assert logit.effect[0] == pytest.approx(direct.params[name], rel=1e-6)
    assert logit.summary().loc[0, "effect_scale"] == "log odds ratio"


def test_interaction_validation(heterogeneous):
    with pytest.raises(ValueError, match="'treated' must hold only 0/1|column 'age' must"):
        interaction_test(heterogeneous, "age", "segment", "converted")
    with pytest.raises(ValueError, match="'reference' must be one of the levels"):
        interaction_test(heterogeneous, "treated", "segment", reference="young")
    one = heterogeneous[heterogeneous["segment"] == "old"]
    with pytest.raises(ValueError, match="at least 2 levels"):
        interaction_test(one, "treated", "segment")
    with pytest.raises(ValueError, match="must name different columns"):
        interaction_test(heterogeneous, "treated", "segment", covariates=["segment"])
    with pytest.raises(ValueError, match="family='logit' needs a 0/1 outcome"):
        interaction_test(heterogeneous, "treated", "segment", "age", family="logit")


# ---- relative lift -------------------------------------------------------------------------

@pytest.fixture
def confounded() -> pd.DataFrame:
    """Purchases depend on past spend only; the 'multi' group has higher past spend."""
    rng = np.random.default_rng(7)
    n = 20_000
    past = rng.gamma(2.0, 1.0, n)
    multi = rng.random(n) < 1 / (1 + np.exp(-(past - 3)))
    group = np.where(multi, "multi", rng.choice(["phone", "web"], n))
    bought = (rng.random(n) < 0.02 * np.exp(0.4 * past)).astype(int)
    return pd.DataFrame({"group": group, "past": past, "bought": bought,
                         "spend": bought * rng.gamma(2.0, 30.0, n)})


def test_relative_lift_unadjusted_is_the_ratio_of_means(confounded):
    res = relative_lift(confounded, "group", "multi", "bought", reference=["phone", "web"])
    y, d = confounded["bought"].to_numpy(float), (confounded["group"] == "multi").to_numpy()
    m1, m0 = y[d].mean(), y[~d].mean()
    lift, low, high, p = res.unadjusted
    assert lift == pytest.approx(m1 / m0 - 1, rel=1e-8)
    # Robust (HC0) variance of log ratio = var1/(n1 m1^2) + var0/(n0 m0^2), variances ddof=0.
    se = np.sqrt(y[d].var() / (d.sum() * m1**2) + y[~d].var() / ((~d).sum() * m0**2))
    z = sps.norm.ppf(0.975)
    assert low == pytest.approx(m1 / m0 * np.exp(-z * se) - 1, rel=1e-6)
    assert high == pytest.approx(m1 / m0 * np.exp(z * se) - 1, rel=1e-6)
    assert np.isnan(res.adjusted).all()
    assert list(res.summary()["estimate"]) == ["unadjusted"]
    assert res.n_level + res.n_reference == res.n == len(confounded)


def test_relative_lift_adjustment_removes_confounded_difference(confounded):
    res = relative_lift(confounded, "group", "multi", "bought", covariates=["past"])
    assert res.reference == ("phone", "web")
    assert res.unadjusted[1] > 0.5  # raw lift clearly positive
    lift, low, high, _ = res.adjusted
    assert low < 0 < high and abs(lift) < 0.15
    summary = res.summary()
    assert list(summary["estimate"]) == ["unadjusted", "adjusted"]
    assert summary.loc[0, "reference"] == "phone + web"


def test_relative_lift_subset_of_reference_and_continuous(confounded):
    res = relative_lift(confounded, "group", "multi", "spend", reference=["web"])
    part = confounded[confounded["group"].isin(["multi", "web"])]
    assert res.n == len(part)
    assert res.unadjusted[0] == pytest.approx(
        part.loc[part["group"] == "multi", "spend"].mean()
        / part.loc[part["group"] == "web", "spend"].mean() - 1)


def test_relative_lift_validation(confounded):
    with pytest.raises(ValueError, match=r"'level' must name groups among .*got \['sms'\]"):
        relative_lift(confounded, "group", "sms", "bought")
    with pytest.raises(ValueError, match="'reference' must be other groups"):
        relative_lift(confounded, "group", "multi", "bought", reference=["multi"])
    with pytest.raises(ValueError, match="must be non-negative"):
        relative_lift(confounded.assign(bought=-confounded["bought"]), "group", "multi", "bought")
    with pytest.raises(ValueError, match="non-zero mean"):
        relative_lift(confounded.assign(bought=0), "group", "multi", "bought")


# ---- two-model uplift ----------------------------------------------------------------------

def test_two_model_uplift_matches_two_logits_and_ranks_the_responsive_segment(heterogeneous):
    train, test = heterogeneous.iloc[:3000], heterogeneous.iloc[3000:]
    score = two_model_uplift(train, test, "treated", "converted", ["segment", "age"])
    assert score.shape == (len(test),)
    new = (test["segment"] == "new").to_numpy()
    assert score[new].mean() > score[~new].mean() + 0.05
    fits = [smf.logit("converted ~ C(segment) + age", train[train["treated"] == t]).fit(disp=0)
            for t in (1, 0)]
    expected = fits[0].predict(test) - fits[1].predict(test)
    np.testing.assert_allclose(score, expected.to_numpy(), rtol=1e-6, atol=1e-9)
    ols = two_model_uplift(train, test, "treated", "converted", ["segment"], family="ols")
    assert ols[new].mean() == pytest.approx(
        arm_effects(train[train["segment"] == "new"], control="control",
                    outcomes=["converted"])["difference"].iloc[0], rel=1e-8)


def test_two_model_uplift_validation(heterogeneous):
    with pytest.raises(ValueError, match="'features' must name at least one column"):
        two_model_uplift(heterogeneous, heterogeneous, "treated", "converted", [])
    with pytest.raises(ValueError, match="'train' must contain treated and control"):
        only = heterogeneous[heterogeneous["treated"] == 1]
        two_model_uplift(only, heterogeneous, "treated", "converted", ["age"])
    with pytest.raises(ValueError, match=r"'test' is missing columns \['age'\]"):
        two_model_uplift(heterogeneous, heterogeneous[["segment"]], "treated", "converted",
                         ["age"])


# ---- replication summaries -----------------------------------------------------------------

def test_summarise_replications():
    from mcstudy.experiments import replicate

    table = replicate("toy_poisson", params={"rate": 3.0, "n": 50}, n_replications=8, seed=2,
                      progress=False)
    out = summarise_replications(table, metrics=["variance", "mean"])
    assert list(out["metric"]) == ["variance", "mean"]
    values = table.loc[table["metric"] == "mean", "value"]
    row = out.set_index("metric").loc["mean"]
    assert row["n_replications"] == 8
    assert row["mean"] == pytest.approx(values.mean())
    assert row["sd"] == pytest.approx(values.std(ddof=1))
    half = sps.t.ppf(0.975, 7) * values.std(ddof=1) / np.sqrt(8)
    assert row["ci_low"] == pytest.approx(values.mean() - half)
    assert row["q_high"] == pytest.approx(values.quantile(0.975))
    assert list(summarise_replications(table)["metric"]) == ["mean", "variance"]
    with pytest.raises(ValueError, match=r"metrics \['median'\] are not in 'results'"):
        summarise_replications(table, metrics=["median"])
