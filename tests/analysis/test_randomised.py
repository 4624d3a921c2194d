"""Tests for mcstudy.analysis.randomised: arm effects, subgroup effects, interactions."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats as sps
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint
from statsmodels.stats.proportion import test_proportions_2indep as score_test

from mcstudy.analysis import (
    InteractionTest,
    arm_effects,
    interaction_test,
    subgroup_effects,
)

ARM_EFFECT_COLUMNS = [
    "arm",
    "outcome",
    "n",
    "mean",
    "control_mean",
    "difference",
    "ci_low",
    "ci_high",
    "relative_lift",
    "pvalue",
    "method",
]


# ---- arm_effects -------------------------------------------------------------------------


def test_arm_effects_layout(customers):
    out = arm_effects(customers, outcomes=["visited", "converted", "spend"])
    assert list(out.columns) == ARM_EFFECT_COLUMNS
    assert out[["arm", "outcome"]].values.tolist() == [
        ["mens_email", "visited"],
        ["womens_email", "visited"],
        ["mens_email", "converted"],
        ["womens_email", "converted"],
        ["mens_email", "spend"],
        ["womens_email", "spend"],
    ]
    assert out["method"].str.startswith("difference in proportions").tolist() == [True] * 4 + [
        False,
        False,
    ]
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
    assert out["pvalue"] == pytest.approx(p_value, rel=1e-12)
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
    assert out["pvalue"] == pytest.approx(res.pvalue, rel=1e-12)
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
    with pytest.raises(
        ValueError,
        match=r"'method' must be one of \['auto', 'proportion', "
        r"'welch'\]; got 'exact'",
    ):
        arm_effects(customers, outcomes=["visited"], method="exact")


def test_relative_lift_is_nan_when_control_mean_is_zero():
    df = pd.DataFrame({"arm": ["control"] * 5 + ["email"] * 5, "y": [0.0] * 5 + [1.0, 0, 0, 2, 0]})
    out = arm_effects(df, outcomes=["y"])
    assert np.isnan(out["relative_lift"].iloc[0])


def test_no_events_gives_p_value_one_without_warnings():
    df = pd.DataFrame({"arm": ["control"] * 4 + ["email"] * 4, "y": [0] * 8})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = arm_effects(df, outcomes="y").iloc[0]
    assert out["difference"] == 0 and out["pvalue"] == 1.0
    assert out["ci_low"] < 0 < out["ci_high"]


def test_arm_effects_validation(customers):
    with pytest.raises(ValueError, match=r"missing columns \['arm_x', 'bought'\]"):
        arm_effects(customers, arm="arm_x", outcomes=["bought"])
    with pytest.raises(
        ValueError,
        match=r"'control' must be one of the arms \['control', "
        r"'mens_email', 'womens_email'\]; got 'no_email'",
    ):
        arm_effects(customers, outcomes=["visited"], control="no_email")
    mens = customers["arm"] == "mens_email"
    tiny = pd.concat([customers[~mens], customers[mens].iloc[:1]])
    with pytest.raises(ValueError, match=r"at least 2 customers; got counts \{'mens_email': 1\}"):
        arm_effects(tiny, outcomes=["visited"])
    with pytest.raises(ValueError, match=r"'alpha' must be a real number in \(0, 1\); got 1.5"):
        arm_effects(customers, outcomes=["visited"], alpha=1.5)
    with pytest.raises(TypeError, match="'df' must be a pandas DataFrame"):
        arm_effects(customers.to_dict(), outcomes=["visited"])
    with pytest.raises(TypeError, match="outcome column 'area' must be numeric"):
        arm_effects(customers, outcomes=["area"])
    with pytest.raises(ValueError, match="'outcomes' must name at least one column"):
        arm_effects(customers, outcomes=[])
    holes = customers.assign(spend=customers["spend"].where(customers["spend"] < 60))
    with pytest.raises(ValueError, match="'spend' has missing or infinite values"):
        arm_effects(holes, outcomes=["spend"])


def test_continuous_outcome_constant_in_both_arms_has_p_value_one():
    # Before: Welch gave the interval (0, 0) and p = NaN.
    df = pd.DataFrame({"arm": ["control"] * 4 + ["email"] * 5, "spend": [0.0] * 9})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = arm_effects(df, outcomes="spend", method="welch").iloc[0]
    assert out["difference"] == 0 and out["pvalue"] == 1.0
    assert (out["ci_low"], out["ci_high"]) == (0.0, 0.0)
    assert out["method"] == "difference in means: Welch t-test and Welch CI"
    # Constant in each arm but different: Welch's statistic is infinite, no answer.
    apart = df.assign(spend=np.where(df["arm"] == "email", 25.0, 0.0))
    with pytest.raises(
        ValueError,
        match=r"outcome 'spend' is constant within each arm "
        r"\('email': 25, 'control': 0\).*undefined",
    ):
        arm_effects(apart, outcomes="spend")
    # One constant arm is fine: the variance comes from the other arm.
    some = df.assign(spend=[0.0] * 4 + [0.0, 10.0, 0.0, 30.0, 5.0])
    res = sps.ttest_ind([0.0, 10.0, 0.0, 30.0, 5.0], [0.0] * 4, equal_var=False)
    assert arm_effects(some, outcomes="spend").loc[0, "pvalue"] == pytest.approx(res.pvalue)


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_arm_effects_never_returns_a_nan_p_value():
    # Squares of values near the float limit overflow: the variance is infinite.
    df = pd.DataFrame(
        {"arm": ["control"] * 3 + ["email"] * 3, "y": [1e200, -1e200, 0.0, 3e200, -2e200, 1.0]}
    )
    with pytest.raises(
        ValueError,
        match=r"outcome 'y', arm 'email' vs 'control': the interval "
        r"\[-inf, inf\] or p-value 1 is not finite \(difference in means: Welch",
    ):
        arm_effects(df, outcomes="y")


def test_rows_with_a_missing_arm_are_not_dropped_silently(customers):
    holes = customers.assign(arm=customers["arm"].where(customers["customer_id"] % 200 != 7))
    with pytest.raises(
        ValueError,
        match=r"'arm' column 'arm' has 3 of 600 rows with a missing "
        r"arm; drop them explicitly first, e\.g\. "
        r"df\.dropna\(subset=\['arm'\]\)",
    ):
        arm_effects(holes, outcomes=["visited"])
    with pytest.raises(ValueError, match=r"'arm' column 'arm' has 3 of 600 rows"):
        subgroup_effects(holes, by="past_channel", outcomes=["visited"])
    no_channel = customers.assign(
        past_channel=customers["past_channel"].where(customers["customer_id"] >= 5)
    )
    with pytest.raises(
        ValueError,
        match=r"'by' column 'past_channel' has 5 of 600 rows with a "
        r"missing subgroup",
    ):
        subgroup_effects(no_channel, by="past_channel", outcomes=["visited"])
    # Dropping them explicitly gives the effects of the remaining customers.
    kept = holes.dropna(subset=["arm"])
    assert arm_effects(kept, outcomes=["visited"])["n"].sum() == (kept["arm"] != "control").sum()


# ---- subgroup effects and interaction tests ------------------------------------------------


def test_subgroup_effects_equal_arm_effects_within_each_level(customers):
    out = subgroup_effects(customers, by="past_channel", outcomes=["visited", "spend"])
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
        subgroup_effects(customers, by="tier", outcomes=["visited", "converted", "spend"])
    with pytest.raises(
        ValueError,
        match=r"'method' must be one of \['auto', 'proportion', "
        r"'welch'\]; got 'exact'",
    ):
        subgroup_effects(customers, by="area", outcomes=["visited"], method="exact")
    with pytest.raises(ValueError, match="method='proportion' needs 0/1 outcomes.*'spend'"):
        subgroup_effects(customers, by="area", outcomes=["spend"], method="proportion")


def test_subgroup_effects_decide_the_method_on_the_whole_table(customers):
    # A dollar outcome with no spend at all among rural customers. Before: the rural rows got
    # the proportion interval of a 0/1 outcome, the urban rows the Welch interval.
    spend = customers["spend"].where(customers["area"] == "urban", 0.0)
    df = customers.assign(spend=spend)
    out = subgroup_effects(df, by="area", outcomes=["visited", "spend"])
    methods = out.set_index(["level", "outcome"])["method"]
    welch = "difference in means: Welch t-test and Welch CI"
    assert (methods.xs("spend", level="outcome") == welch).all()
    assert methods.xs("visited", level="outcome").str.startswith("difference in proportions").all()
    rural = out[(out["level"] == "rural") & (out["outcome"] == "spend")]
    assert (rural["difference"] == 0).all() and (rural["pvalue"] == 1).all()
    assert (rural["ci_low"] == 0).all() and (rural["ci_high"] == 0).all()
    # Same rows as arm_effects with the method passed on explicitly.
    part = df[df["area"] == "rural"]
    expected = arm_effects(part, outcomes=["visited", "spend"], method="auto")
    assert (
        expected.loc[expected["outcome"] == "spend", "method"]
        .str.startswith("difference in proportions")
        .all()
    )  # arm_effects alone sees only zeros
    expected = pd.concat(
        [
            arm_effects(part, outcomes=["visited"]),
            arm_effects(part, outcomes=["spend"], method="welch"),
        ],
        ignore_index=True,
    )
    got = out[out["level"] == "rural"].drop(columns=["subgroup", "level"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected)
    # method="welch" is passed on to every subgroup.
    forced = subgroup_effects(df, by="area", outcomes=["visited"], method="welch")
    assert (forced["method"] == welch).all()


def test_interaction_ols_is_the_difference_of_subgroup_effects(heterogeneous):
    res = interaction_test(
        heterogeneous, treatment="treated", moderator="segment", outcome="converted"
    )
    assert isinstance(res, InteractionTest)
    assert res.levels == ("new",) and res.reference == "old" and res.df == 1
    effects = subgroup_effects(
        heterogeneous, by="segment", outcomes=["converted"], control="control"
    ).set_index("level")["difference"]
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
    res = interaction_test(
        df, treatment="treated", moderator="decile", outcome="converted", covariates=["age"]
    )
    assert res.df == 3 and len(res.effect) == 3
    fit = smf.ols("converted ~ treated * decile + age", df).fit(cov_type="HC3")
    terms = [f"treated:decile[T.{x}]" for x in "bcd"]
    wald = fit.wald_test(", ".join(f"{t} = 0" for t in terms), scalar=True, use_f=False)
    assert res.statistic == pytest.approx(float(wald.statistic))
    assert res.joint_pvalue > 0.001  # no interaction with age quartiles was simulated
    logit = interaction_test(
        heterogeneous,
        treatment="treated",
        moderator="segment",
        outcome="converted",
        family="logit",
        reference="new",
    )
    assert logit.levels == ("old",)
    direct = smf.logit("converted ~ treated * C(segment, Treatment('new'))", heterogeneous).fit(
        disp=0
    )
    name = "treated:C(segment, Treatment('new'))[T.old]"
    assert logit.effect[0] == pytest.approx(direct.params[name], rel=1e-6)
    assert logit.summary().loc[0, "effect_scale"] == "log odds ratio"


def test_interaction_validation(heterogeneous):
    with pytest.raises(ValueError, match="'treated' must hold only 0/1|column 'age' must"):
        interaction_test(heterogeneous, treatment="age", moderator="segment", outcome="converted")
    with pytest.raises(ValueError, match="'reference' must be one of the levels"):
        interaction_test(
            heterogeneous,
            treatment="treated",
            moderator="segment",
            outcome="converted",
            reference="young",
        )
    one = heterogeneous[heterogeneous["segment"] == "old"]
    with pytest.raises(ValueError, match="at least 2 levels"):
        interaction_test(one, treatment="treated", moderator="segment", outcome="converted")
    with pytest.raises(ValueError, match="must name different columns"):
        interaction_test(
            heterogeneous,
            treatment="treated",
            moderator="segment",
            outcome="converted",
            covariates=["segment"],
        )
    with pytest.raises(ValueError, match="family='logit' needs a 0/1 outcome"):
        interaction_test(
            heterogeneous, treatment="treated", moderator="segment", outcome="age", family="logit"
        )


def test_interaction_refuses_a_level_with_one_arm_only(heterogeneous):
    # Before: a number from a rank-deficient design (the t:g column equals the g column).
    df = heterogeneous.assign(segment=heterogeneous["segment"].astype(str))
    df.loc[(df["treated"] == 0) & (df["age"] > 60), "segment"] = "senior"
    df.loc[(df["treated"] == 1) & (df["age"] > 60), "segment"] = "old"
    n_senior = int((df["segment"] == "senior").sum())
    for family in ("ols", "logit"):
        with pytest.raises(
            ValueError,
            match=(
                r"treatment 'treated' must vary within every level of moderator 'segment' "
                r"\(at least 2 treated and 2 control customers per level\), or the interaction "
                rf"is not identified; got \{{'senior': '0 treated, {n_senior} control'\}}\."
            ),
        ):
            interaction_test(
                df, treatment="treated", moderator="segment", outcome="converted", family=family
            )
    one = heterogeneous.copy()
    one["segment"] = one["segment"].astype(str)
    one.loc[one.index[:3], "segment"] = "tiny"
    one.loc[one.index[:3], "treated"] = [1, 1, 0]
    with pytest.raises(ValueError, match=r"got \{'tiny': '2 treated, 1 control'\}"):
        interaction_test(one, treatment="treated", moderator="segment", outcome="converted")


def test_interaction_refuses_a_collinear_covariate(heterogeneous):
    df = heterogeneous.assign(new=(heterogeneous["segment"] == "new").astype(float))
    with pytest.raises(ValueError, match=r"rank-deficient \(rank 4 < 5 columns\)"):
        interaction_test(
            df, treatment="treated", moderator="segment", outcome="converted", covariates=["new"]
        )


def test_interaction_logit_refuses_a_cell_without_events(heterogeneous):
    # Before: an interaction of about -25 with a huge interval and only a warning.
    silent = heterogeneous["converted"].where(
        ~((heterogeneous["segment"] == "new") & (heterogeneous["treated"] == 1)), 0
    )
    df = heterogeneous.assign(converted=silent)
    with pytest.raises(
        ValueError,
        match=r"outcome 'converted' does not vary in level 'new' of "
        r"'segment' with 'treated' = 1: no events \(0 of \d+\)\..*family='ols'",
    ):
        interaction_test(
            df, treatment="treated", moderator="segment", outcome="converted", family="logit"
        )
    ols = interaction_test(df, treatment="treated", moderator="segment", outcome="converted")
    assert np.isfinite(ols.pvalue).all()


@pytest.mark.realdata
def test_real_arm_effects(real_customers):
    # Values computed from the file (sha256 ff9e5928...); published rates: conversion
    # 0.57 % (no e-mail), 1.25 % (mens), 0.88 % (womens); visits 10.6 %, 18.3 %, 15.1 %.
    out = arm_effects(real_customers, outcomes=["visited", "converted", "spend_usd"]).set_index(
        ["arm", "outcome"]
    )
    expected = {
        ("mens_email", "visited"): (0.182757, 0.106167, 0.076590, 0.069953, 0.083227),
        ("womens_email", "visited"): (0.151400, 0.106167, 0.045233, 0.038894, 0.051574),
        ("mens_email", "converted"): (0.012531, 0.005726, 0.006805, 0.005014, 0.008641),
        ("womens_email", "converted"): (0.008837, 0.005726, 0.003111, 0.001502, 0.004745),
        ("mens_email", "spend_usd"): (1.422617, 0.652789, 0.769827, 0.485140, 1.054515),
        ("womens_email", "spend_usd"): (1.077202, 0.652789, 0.424412, 0.168957, 0.679868),
    }
    for key, values in expected.items():
        got = out.loc[key, ["mean", "control_mean", "difference", "ci_low", "ci_high"]]
        np.testing.assert_allclose(got.to_numpy(dtype=float), values, atol=1e-6)
    assert (out["pvalue"] < 0.01).all()
