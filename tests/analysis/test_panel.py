"""Known-answer tests of the panel estimators: staggered difference in differences, fixed effects.

Each panel is built by hand with a planted effect, unit and period effects that are correlated
with the treatment (so that a naive comparison is wrong), and a fixed seed.
"""

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from mcstudy.analysis.panel import demean, event_study, fixed_effects_ols


def staggered_panel(effect, *, n_units=600, n_periods=30, noise=0.1, seed=3):
    """Units in cohorts first treated at periods 10, 15, 20 or never; level selection.

    ``effect(cohort, event_time)`` is added from the first treated period on. Treated units
    have a higher level (selection: targeting heavier units) but the same trend.
    """
    rng = np.random.default_rng(seed)
    cohort = rng.choice([10.0, 15.0, 20.0, np.nan], size=n_units, p=[0.2, 0.2, 0.2, 0.4])
    level = 2.0 + rng.normal(0, 0.3, n_units) + 1.5 * ~np.isnan(cohort)
    period = np.arange(1, n_periods + 1)
    trend = 0.05 * period + 0.2 * np.sin(period)
    y = level[:, None] + trend[None, :] + rng.normal(0, noise, (n_units, n_periods))
    event = period[None, :] - cohort[:, None]
    treated = np.nan_to_num(event, nan=-1) >= 0
    y[treated] += effect(np.broadcast_to(cohort[:, None], y.shape)[treated], event[treated])
    return pd.DataFrame(
        {
            "unit": np.repeat(np.arange(n_units), n_periods),
            "period": np.tile(period, n_units),
            "y": y.ravel(),
            "first": np.repeat(cohort, n_periods),
        }
    )


def test_event_study_recovers_a_constant_effect_and_exposes_the_naive_gap():
    panel = staggered_panel(lambda g, e: np.full(e.shape, 0.5))
    es = event_study(
        panel,
        unit="unit",
        period="period",
        outcome="y",
        first_treated="first",
        pre=5,
        post=6,
        n_boot=199,
        rng=1,
    )
    assert es.att == pytest.approx(0.5, abs=0.02)
    assert es.ci_low < 0.5 < es.ci_high
    pre = es.event_times[es.event_times["event_time"] < 0]
    assert pre["att"].abs().max() < 0.03  # parallel trends by construction
    # the relative effect is 0.5 over the treated units' counterfactual mean
    assert es.relative == pytest.approx(es.att / es.counterfactual_mean, rel=1e-12)
    assert es.relative == pytest.approx(0.5 / es.counterfactual_mean, rel=0.05)
    # the naive comparison mostly measures the planted level gap (1.5 on about 2.9)
    assert es.naive > 0.4 and es.naive_ci_low > es.relative_ci_high
    assert es.pre_gap > 0.4
    assert (es.n_units, es.n_cohorts) == (600, 3)


def test_event_study_averages_dynamic_cohort_effects_by_cohort_size():
    # effect 0.1 * (e + 1) for cohort 10, twice that for cohort 20; cohort 15 none
    def effect(g, e):
        return np.where(g == 10, 0.1, np.where(g == 20, 0.2, 0.0)) * (e + 1)

    panel = staggered_panel(effect, noise=0.0)
    es = event_study(
        panel,
        unit="unit",
        period="period",
        outcome="y",
        first_treated="first",
        pre=3,
        post=4,
        n_boot=20,
        rng=2,
    )
    sizes = panel.drop_duplicates("unit")["first"].value_counts()
    n10, n15, n20 = sizes[10.0], sizes[15.0], sizes[20.0]
    expected = np.mean([(0.1 * n10 + 0.2 * n20) * (e + 1) / (n10 + n15 + n20) for e in range(4)])
    assert es.att == pytest.approx(expected, abs=1e-10)  # noise-free: exact
    at0 = es.event_times.set_index("event_time").loc[0, "att"]
    assert at0 == pytest.approx((0.1 * n10 + 0.2 * n20) / (n10 + n15 + n20), abs=1e-10)


def test_event_study_is_zero_without_an_effect_despite_selection():
    panel = staggered_panel(lambda g, e: np.zeros(e.shape), seed=5)
    es = event_study(
        panel, unit="unit", period="period", outcome="y", first_treated="first", n_boot=199, rng=3
    )
    assert es.ci_low < 0 < es.ci_high and abs(es.att) < 0.02
    assert es.naive_ci_low > 0.3  # the raw gap is all selection


def test_event_study_same_seed_same_interval():
    panel = staggered_panel(lambda g, e: np.full(e.shape, 0.2))
    kw = dict(unit="unit", period="period", outcome="y", first_treated="first", n_boot=50)
    a, b = event_study(panel, rng=7, **kw), event_study(panel, rng=7, **kw)
    assert (a.ci_low, a.ci_high) == (b.ci_low, b.ci_high)
    pd.testing.assert_frame_equal(a.event_times, b.event_times)


def test_event_study_bad_input():
    panel = staggered_panel(lambda g, e: np.zeros(e.shape))
    kw = dict(unit="unit", period="period", outcome="y", first_treated="first", n_boot=10)
    with pytest.raises(ValueError, match=r"'panel' must be balanced"):
        event_study(panel.iloc[1:], **kw)
    with pytest.raises(ValueError, match=r"'panel' is missing columns \['z'\]"):
        event_study(panel, unit="unit", period="period", outcome="z", first_treated="first")
    with pytest.raises(ValueError, match=r"no cohort has 40 periods before"):
        event_study(panel, pre=40, **kw)
    with pytest.raises(ValueError, match=r"no never-treated unit"):
        event_study(panel.assign(first=panel["first"].fillna(25.0)), **kw)
    with pytest.raises(ValueError, match=r"must be constant within each 'unit'"):
        event_study(panel.assign(first=np.where(panel["period"] == 3, 12.0, panel["first"])), **kw)
    with pytest.raises(TypeError, match=r"'n_boot' must be an int"):
        event_study(
            panel, unit="unit", period="period", outcome="y", first_treated="first", n_boot=1.5
        )


def fe_panel(*, n_units=300, n_periods=20, n_clusters=30, seed=11, drop=0.0):
    """y = 0.3 x + 0.8 d + unit effect + period effect + noise; x rises with the unit effect
    and with d (placement coincides with a discount)."""
    rng = np.random.default_rng(seed)
    unit_fe = rng.normal(0, 1, n_units)
    period_fe = rng.normal(0, 0.5, n_periods)
    u = np.repeat(np.arange(n_units), n_periods)
    t = np.tile(np.arange(n_periods), n_units)
    d = rng.random(len(u)) * (rng.random(len(u)) < 0.3)
    x = ((0.5 * unit_fe[u] + 2.0 * d + rng.normal(0, 1, len(u))) > 0.8).astype(float)
    y = 0.3 * x + 0.8 * d + unit_fe[u] + period_fe[t] + rng.normal(0, 0.2, len(u))
    df = pd.DataFrame({"unit": u, "period": t, "cluster": u % n_clusters, "x": x, "d": d, "y": y})
    if drop:
        df = df[rng.random(len(df)) >= drop].reset_index(drop=True)
    return df


def test_fixed_effects_recover_the_planted_effect_only_with_the_confounder():
    df = fe_panel()
    full = fixed_effects_ols(df, "y", ["x", "d"], absorb=["unit", "period"], cluster="cluster")
    coef, low, high = full.effect("x")
    assert low < 0.3 < high and coef == pytest.approx(0.3, abs=0.03)
    assert full.effect("d")[0] == pytest.approx(0.8, abs=0.05)
    short = fixed_effects_ols(df, "y", ["x"], absorb=["unit", "period"], cluster="cluster")
    assert short.effect("x")[1] > 0.3  # without the discount the placement takes its effect
    assert (full.n, full.n_clusters) == (6000, 30)


def test_fixed_effects_equal_dummy_variable_ols_on_an_unbalanced_panel():
    df = fe_panel(n_units=60, n_periods=12, n_clusters=12, drop=0.15)
    fit = fixed_effects_ols(df, "y", ["x", "d"], absorb=["unit", "period"], cluster="cluster")
    dummies = smf.ols("y ~ x + d + C(unit) + C(period)", data=df).fit()
    assert fit.coef == pytest.approx((dummies.params["x"], dummies.params["d"]), abs=1e-8)


def test_demean_removes_group_means():
    df = fe_panel(n_units=40, n_periods=10, drop=0.2)
    within = demean(df, ["y"], ["unit", "period"])
    assert within.groupby(df["unit"])["y"].mean().abs().max() < 1e-8
    assert within.groupby(df["period"])["y"].mean().abs().max() < 1e-8


def test_fixed_effects_bad_input():
    df = fe_panel(n_units=20, n_periods=5)
    with pytest.raises(ValueError, match=r"have no variation within the fixed effects"):
        fixed_effects_ols(
            df.assign(z=df["unit"] * 1.0),
            "y",
            ["x", "z"],
            absorb=["unit", "period"],
            cluster="cluster",
        )
    with pytest.raises(ValueError, match=r"'regressors' must name at least one column"):
        fixed_effects_ols(df, "y", [], absorb=["unit"], cluster="cluster")
    with pytest.raises(ValueError, match=r"column 'y' must be finite"):
        fixed_effects_ols(df.assign(y=np.nan), "y", ["x"], absorb=["unit"], cluster="cluster")
    with pytest.raises(ValueError, match=r"'df' is missing columns \['w'\]"):
        fixed_effects_ols(df, "y", ["x"], absorb=["unit"], cluster="w")
