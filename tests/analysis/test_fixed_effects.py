"""Interactions in fixed_effects_ols: two placements with a known joint effect.

The toy panel plants y = 0.2 a + 0.1 b + ab_effect * a * b + 0.5 d + unit effect + period
effect + noise, where the placements a and b are chosen more often for units with a high
effect and together with a discount d (as a retailer features and displays products).
"""

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from mcstudy.analysis.fixed_effects import fixed_effects_ols


def placement_panel(ab_effect, *, n_units=400, n_periods=25, n_clusters=40, seed=5, drop=0.0):
    rng = np.random.default_rng(seed)
    unit_fe = rng.normal(0, 1, n_units)
    period_fe = rng.normal(0, 0.5, n_periods)
    u = np.repeat(np.arange(n_units), n_periods)
    t = np.tile(np.arange(n_periods), n_units)
    d = rng.random(len(u)) * (rng.random(len(u)) < 0.3)
    a = ((0.4 * unit_fe[u] + 1.5 * d + rng.normal(0, 1, len(u))) > 1.0).astype(float)
    b = ((0.4 * unit_fe[u] + 1.0 * a + rng.normal(0, 1, len(u))) > 1.2).astype(float)
    y = (
        0.2 * a
        + 0.1 * b
        + ab_effect * a * b
        + 0.5 * d
        + unit_fe[u]
        + period_fe[t]
        + rng.normal(0, 0.2, len(u))
    )
    df = pd.DataFrame(
        {"unit": u, "period": t, "cluster": u % n_clusters, "a": a, "b": b, "d": d, "y": y}
    )
    if drop:
        df = df[rng.random(len(df)) >= drop].reset_index(drop=True)
    return df


def fit(df, **kw):
    return fixed_effects_ols(
        df, "y", ["a", "b", "d"], absorb=["unit", "period"], cluster="cluster", **kw
    )


@pytest.mark.parametrize("ab_effect", [0.15, 0.0, -0.15])
def test_interaction_is_recovered_within_tolerance(ab_effect):
    result = fit(placement_panel(ab_effect), interactions=[("a", "b")])
    assert result.terms == ("a", "b", "d", "a:b")
    coef, low, high = result.effect("a:b")
    assert coef == pytest.approx(ab_effect, abs=0.03)
    assert low < ab_effect < high
    assert high - low < 0.1
    assert result.effect("a")[0] == pytest.approx(0.2, abs=0.03)
    assert result.effect("b")[0] == pytest.approx(0.1, abs=0.03)
    assert result.effect("d")[0] == pytest.approx(0.5, abs=0.05)


def test_a_planted_synergy_is_told_from_none():
    synergy = fit(placement_panel(0.15), interactions=[("a", "b")]).effect("a:b")
    none = fit(placement_panel(0.0), interactions=[("a", "b")]).effect("a:b")
    assert synergy[1] > 0.05  # excludes no synergy
    assert none[1] < 0 < none[2]


def test_without_the_interaction_the_main_effects_absorb_it():
    df = placement_panel(0.3)
    short = fit(df)
    assert short.terms == ("a", "b", "d")
    assert short.effect("b")[1] > 0.1  # b takes part of the joint effect
    full = fit(df, interactions=[("a", "b")])
    assert full.effect("b")[0] == pytest.approx(0.1, abs=0.03)


def test_interaction_equals_dummy_variable_ols_on_an_unbalanced_panel():
    df = placement_panel(0.15, n_units=60, n_periods=12, n_clusters=12, drop=0.15)
    result = fit(df, interactions=[("b", "a")])
    assert result.terms[-1] == "b:a"
    dummies = smf.ols("y ~ a + b + d + a:b + C(unit) + C(period)", data=df).fit()
    expected = [dummies.params[k] for k in ("a", "b", "d", "a:b")]
    assert result.coef == pytest.approx(expected, abs=1e-8)


def test_no_interaction_leaves_the_fit_unchanged():
    df = placement_panel(0.15, n_units=80, n_periods=10, n_clusters=16)
    assert fit(df) == fit(df, interactions=())
    assert list(df.columns) == ["unit", "period", "cluster", "a", "b", "d", "y"]
    fit(df, interactions=[("a", "b")])
    assert "a:b" not in df.columns  # the caller's frame is not changed


def test_interaction_bad_input():
    df = placement_panel(0.1, n_units=30, n_periods=6, n_clusters=10)
    with pytest.raises(TypeError, match=r"'interactions' must be a sequence of pairs.*got 'a:b'"):
        fit(df, interactions="a:b")
    with pytest.raises(TypeError, match=r"'interactions' must hold pairs.*got \('a', 'b', 'd'\)"):
        fit(df, interactions=[("a", "b", "d")])
    with pytest.raises(TypeError, match=r"'interactions' must hold pairs.*got 'ab'"):
        fit(df, interactions=["ab"])
    with pytest.raises(ValueError, match=r"two different columns among the regressors.*'z'"):
        fit(df, interactions=[("a", "z")])
    with pytest.raises(
        ValueError, match=r"two different columns among the regressors.*\('a', 'a'\)"
    ):
        fit(df, interactions=[("a", "a")])
    with pytest.raises(ValueError, match=r"must not repeat a pair; got \('b', 'a'\) twice"):
        fit(df, interactions=[("a", "b"), ("b", "a")])
    with pytest.raises(TypeError, match=r"column 'b' must be numeric"):
        fixed_effects_ols(
            df.assign(b=df["b"].map({0.0: "no", 1.0: "yes"})),
            "y",
            ["a", "b"],
            absorb=["unit"],
            cluster="cluster",
            interactions=[("a", "b")],
        )
    with pytest.raises(ValueError, match=r"interaction terms \['a:b'\] have the name of a column"):
        fixed_effects_ols(
            df.rename(columns={"y": "a:b"}),
            "a:b",
            ["a", "b"],
            absorb=["unit"],
            cluster="cluster",
            interactions=[("a", "b")],
        )
    with pytest.raises(ValueError, match=r"more clusters than regressors \(4, interactions"):
        fit(df.assign(cluster=df["unit"] % 4), interactions=[("a", "b")])
