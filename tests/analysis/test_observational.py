"""Tests for mcstudy.analysis.observational: adjusted comparisons and relative lifts."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.formula.api as smf
from scipy import stats as sps

from mcstudy.analysis import (
    AdjustedComparison,
    adjusted_comparison,
    relative_lift,
)

# ---- adjusted_comparison -----------------------------------------------------------------


def test_adjustment_removes_confounded_difference(customers):
    result = adjusted_comparison(
        customers,
        group="past_channel",
        outcome="spend_next_year",
        covariates=["past_spend", "area"],
        reference="phone",
    )
    assert isinstance(result, AdjustedComparison)
    summary = result.summary()
    multi = summary.set_index("group").loc["multichannel"]
    # Raw gap from selection on past spend; no causal effect once past spend is adjusted for.
    assert multi["unadjusted_difference"] > 1.0
    assert multi["ci_low"] < 0 < multi["ci_high"]
    assert summary["method"].iloc[0].startswith("OLS, HC3")
    # Known answer: the same model fitted directly with statsmodels.
    fit = smf.ols(
        "spend_next_year ~ C(past_channel, Treatment('phone')) + past_spend + area", customers
    ).fit(cov_type="HC3")
    name = "C(past_channel, Treatment('phone'))[T.multichannel]"
    assert multi["adjusted_effect"] == pytest.approx(fit.params[name], rel=1e-10)
    assert multi["pvalue"] == pytest.approx(fit.pvalues[name], rel=1e-8)
    assert multi["ci_low"] == pytest.approx(fit.conf_int().loc[name, 0], rel=1e-10)
    phone = customers["past_channel"] == "phone"
    raw_gap = (
        customers.loc[customers["past_channel"] == "multichannel", "spend_next_year"].mean()
        - customers.loc[phone, "spend_next_year"].mean()
    )
    assert multi["unadjusted_difference"] == pytest.approx(raw_gap)
    assert multi["n"] == (customers["past_channel"] == "multichannel").sum()
    with pytest.raises(AttributeError):
        result.effect = (0.0, 0.0)  # frozen


def test_adjusted_logit_matches_statsmodels(customers):
    result = adjusted_comparison(
        customers,
        group="past_channel",
        outcome="visited",
        covariates=["past_spend"],
        family="logit",
        reference="web",
    )
    assert result.groups == ("phone", "multichannel")
    fit = smf.logit("visited ~ C(past_channel, Treatment('web')) + past_spend", customers).fit(
        disp=0
    )
    name = "C(past_channel, Treatment('web'))[T.phone]"
    assert result.effect[0] == pytest.approx(fit.params[name], rel=1e-6)
    assert result.summary()["effect_scale"].iloc[0] == "log odds ratio"


def test_adjusted_comparison_validation(customers):
    with pytest.raises(ValueError, match=r"'family' must be one of \['logit', 'ols'\]"):
        adjusted_comparison(customers, group="past_channel", outcome="spend", family="probit")
    with pytest.raises(ValueError, match=r"'reference' must be one of the groups"):
        adjusted_comparison(customers, group="past_channel", outcome="spend", reference="store")
    with pytest.raises(ValueError, match="family='logit' needs a 0/1 outcome"):
        adjusted_comparison(customers, group="past_channel", outcome="spend", family="logit")
    with pytest.raises(ValueError, match=r"missing columns \['tenure'\]"):
        adjusted_comparison(customers, group="past_channel", outcome="spend", covariates=["tenure"])
    holes = customers.assign(past_spend=customers["past_spend"].where(customers["spend"] < 60))
    with pytest.raises(ValueError, match=r"columns \['past_spend'\] have missing values"):
        adjusted_comparison(holes, group="past_channel", outcome="spend", covariates=["past_spend"])


def test_adjusted_logit_refuses_a_group_without_events(customers):
    # Before: a log odds ratio of about -25 with an interval of +-7e4 and p = 0.9994, and
    # only a ConvergenceWarning.
    none = customers.assign(
        visited=customers["visited"].where(customers["past_channel"] != "multichannel", 0)
    )
    with pytest.raises(
        ValueError,
        match=r"outcome 'visited' does not vary in group "
        r"'multichannel' of 'past_channel': no events \(0 of \d+\)\. Its log "
        r"odds ratio is infinite \(separation\)\. Use family='ols', or drop",
    ):
        adjusted_comparison(
            none, group="past_channel", outcome="visited", covariates=["past_spend"], family="logit"
        )
    every = customers.assign(
        visited=customers["visited"].where(customers["past_channel"] != "web", 1)
    )
    with pytest.raises(ValueError, match=r"group 'web' of 'past_channel': only events"):
        adjusted_comparison(every, group="past_channel", outcome="visited", family="logit")
    # A level of a discrete covariate without events separates the fit just as well.
    rural = customers.assign(visited=customers["visited"].where(customers["area"] != "rural", 0))
    with pytest.raises(ValueError, match=r"level 'rural' of 'area': no events"):
        adjusted_comparison(
            rural,
            group="past_channel",
            outcome="visited",
            covariates=["past_spend", "area"],
            family="logit",
        )
    # The linear model is still available for the same data.
    ols = adjusted_comparison(none, group="past_channel", outcome="visited", family="ols")
    assert np.isfinite(ols.pvalue).all()


def test_adjusted_logit_refuses_separation_by_a_numeric_covariate(customers):
    rich = customers.assign(visited=(customers["past_spend"] > 250).astype(int))
    with pytest.raises(
        ValueError,
        match=r"family='logit' fit of outcome 'visited' failed "
        r"\(.*\)\. This usually means \(quasi-\)complete separation",
    ):
        adjusted_comparison(
            rich, group="past_channel", outcome="visited", covariates=["past_spend"], family="logit"
        )


# ---- relative lift -------------------------------------------------------------------------


def test_relative_lift_unadjusted_is_the_ratio_of_means(confounded):
    res = relative_lift(
        confounded, group="group", level="multi", outcome="bought", reference=["phone", "web"]
    )
    y, d = confounded["bought"].to_numpy(float), (confounded["group"] == "multi").to_numpy()
    m1, m0 = y[d].mean(), y[~d].mean()
    e = res.unadjusted
    lift, low, high = e.lift, e.ci_low, e.ci_high
    assert lift == pytest.approx(m1 / m0 - 1, rel=1e-8)
    # Robust (HC0) variance of log ratio = var1/(n1 m1^2) + var0/(n0 m0^2), variances ddof=0.
    se = np.sqrt(y[d].var() / (d.sum() * m1**2) + y[~d].var() / ((~d).sum() * m0**2))
    z = sps.norm.ppf(0.975)
    assert low == pytest.approx(m1 / m0 * np.exp(-z * se) - 1, rel=1e-6)
    assert high == pytest.approx(m1 / m0 * np.exp(z * se) - 1, rel=1e-6)
    a = res.adjusted
    assert np.isnan([a.lift, a.ci_low, a.ci_high, a.pvalue]).all()
    assert list(res.summary()["estimate"]) == ["unadjusted"]
    assert res.n_level + res.n_reference == res.n == len(confounded)


def test_relative_lift_adjustment_removes_confounded_difference(confounded):
    res = relative_lift(
        confounded, group="group", level="multi", outcome="bought", covariates=["past"]
    )
    assert res.reference == ("phone", "web")
    assert res.unadjusted.ci_low > 0.5  # raw lift clearly positive
    lift, low, high = res.adjusted.lift, *res.adjusted.ci
    assert low < 0 < high and abs(lift) < 0.15
    summary = res.summary()
    assert list(summary["estimate"]) == ["unadjusted", "adjusted"]
    assert summary.loc[0, "reference"] == "phone + web"


def test_relative_lift_subset_of_reference_and_continuous(confounded):
    res = relative_lift(
        confounded, group="group", level="multi", outcome="spend", reference=["web"]
    )
    part = confounded[confounded["group"].isin(["multi", "web"])]
    assert res.n == len(part)
    assert res.unadjusted.lift == pytest.approx(
        part.loc[part["group"] == "multi", "spend"].mean()
        / part.loc[part["group"] == "web", "spend"].mean()
        - 1
    )


def test_relative_lift_validation(confounded):
    with pytest.raises(ValueError, match=r"'level' must name groups among .*got \['sms'\]"):
        relative_lift(confounded, group="group", level="sms", outcome="bought")
    with pytest.raises(ValueError, match="'reference' must be other groups"):
        relative_lift(
            confounded, group="group", level="multi", outcome="bought", reference=["multi"]
        )
    with pytest.raises(ValueError, match="must be non-negative"):
        relative_lift(
            confounded.assign(bought=-confounded["bought"]),
            group="group",
            level="multi",
            outcome="bought",
        )
    with pytest.raises(ValueError, match="non-zero mean"):
        relative_lift(confounded.assign(bought=0), group="group", level="multi", outcome="bought")


@pytest.mark.realdata
def test_real_channel_gap_is_mostly_selection(real_customers):
    result = adjusted_comparison(
        real_customers,
        group="past_channel",
        outcome="spend_usd",
        reference="phone",
        covariates=[
            "recency_months",
            "past_spend_usd",
            "bought_mens",
            "bought_womens",
            "newbie",
            "area",
            "arm",
        ],
    )
    multi = result.summary().set_index("group").loc["multichannel"]
    assert multi["unadjusted_difference"] == pytest.approx(0.4929, abs=1e-4)
    assert multi["ci_low"] < 0 < multi["ci_high"]


def test_lift_estimate_describe():
    from mcstudy.analysis import LiftEstimate

    e = LiftEstimate(0.2419, -0.2457, 1.0449, 0.3)
    assert e.describe() == "+24 % (95 % CI -25 % to +104 %)"
    assert e.ci == (-0.2457, 1.0449)
