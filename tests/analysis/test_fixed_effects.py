"""Interactions in fixed_effects_ols and relative_interaction: two placements, a known joint effect.

The toy panel plants y = 0.2 a + 0.1 b + ab_effect * a * b + 0.5 d + unit effect + period
effect + noise, where the placements a and b are chosen more often for units with a high
effect and together with a discount d (as a retailer features and displays products).
"""

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from mcstudy.analysis.fixed_effects import (
    FixedEffectsFit,
    fixed_effects_ols,
    relative_interaction,
)


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


# ---------------------------------------------------------------------------------------------
# the covariance of the terms, and the interaction relative to the lifts


def test_the_fit_carries_the_cluster_robust_covariance_of_its_terms():
    df = placement_panel(0.15, n_units=80, n_periods=10, n_clusters=16)
    result = fit(df, interactions=[("a", "b")])
    cov = np.array(result.cov)
    assert cov.shape == (4, 4)
    np.testing.assert_allclose(cov, cov.T, rtol=1e-12)
    np.testing.assert_allclose(np.sqrt(np.diag(cov)), result.se, rtol=1e-12)
    assert np.linalg.eigvalsh(cov).min() > 0


def _relative(a, b, ab):
    ea, eb = np.exp(a), np.exp(b)
    return (np.exp(a + b + ab) - ea - eb + 1) / (ea + eb - 2)


def toy_fit(a=0.066, b=0.05, ab=-0.01, cov=None, se=None):
    """A FixedEffectsFit with the terms (a, d, b, a:b), a discount term in between."""
    if cov is None:
        root = np.random.default_rng(1).normal(0, 0.01, (4, 4))
        cov = root @ root.T + np.diag([1e-5, 1e-4, 2e-5, 1e-4])
    cov = np.asarray(cov)
    se = np.sqrt(np.diag(cov)) if se is None else np.asarray(se)
    coef = (a, 0.35, b, ab)
    return FixedEffectsFit(
        outcome="y",
        terms=("in_mailer", "discount_share", "on_display", "in_mailer:on_display"),
        coef=coef,
        se=tuple(se),
        ci_low=tuple(coef - 1.96 * se),
        ci_high=tuple(coef + 1.96 * se),
        pvalue=(0.0,) * 4,
        absorbed=("unit",),
        n=1000,
        n_clusters=50,
        method="toy",
        cov=tuple(map(tuple, cov)),
    )


def test_relative_interaction_delta_method_matches_a_finite_difference_gradient():
    f = toy_fit()
    got = relative_interaction(f)
    x = np.array([f.coef[0], f.coef[2], f.coef[3]])
    h = 1e-6
    grad = np.array(
        [(_relative(*(x + h * e)) - _relative(*(x - h * e))) / (2 * h) for e in np.eye(3)]
    )
    cov = np.array(f.cov)[np.ix_([0, 2, 3], [0, 2, 3])]
    assert got.estimate == pytest.approx(_relative(*x), rel=1e-12)
    assert got.se == pytest.approx(np.sqrt(grad @ cov @ grad), rel=1e-6)
    assert got.ci_low == pytest.approx(got.estimate - 1.959963984540054 * got.se, rel=1e-12)
    assert got.ci_high == pytest.approx(got.estimate + 1.959963984540054 * got.se, rel=1e-12)
    assert got.lift_a == pytest.approx(np.expm1(0.066))
    assert got.lift_both == pytest.approx(np.expm1(0.066 + 0.05 - 0.01))
    wider = relative_interaction(f, alpha=0.01)
    assert wider.ci_high - wider.ci_low > got.ci_high - got.ci_low
    # only the three terms' covariance counts: the discount's row and column are ignored
    cov = np.array(f.cov)
    cov[1, :] = cov[:, 1] = 0.0
    cov[1, 1] = 1.0
    assert relative_interaction(toy_fit(cov=cov)).se == pytest.approx(got.se, rel=1e-12)


def test_relative_interaction_is_zero_when_the_lifts_add_and_has_the_interactions_sign():
    a, b = 0.3, 0.2
    additive = np.log(np.exp(a) + np.exp(b) - 1) - a - b  # exp(a+b+ab) - 1 = lift a + lift b
    assert additive < 0  # two positive lifts that add are less than multiplicative
    assert relative_interaction(toy_fit(a, b, additive)).estimate == pytest.approx(0, abs=1e-12)
    assert relative_interaction(toy_fit(a, b, additive + 0.02)).estimate > 0
    assert relative_interaction(toy_fit(a, b, additive - 0.02)).estimate < 0
    # together they lift nothing: -1; small effects: close to ab / (a + b)
    assert relative_interaction(toy_fit(a, b, -a - b)).estimate == pytest.approx(-1)
    small = relative_interaction(toy_fit(0.01, 0.02, -0.003, cov=np.eye(4) * 1e-8))
    assert small.estimate == pytest.approx(-0.003 / 0.03, rel=0.05)


@pytest.mark.parametrize("ab_effect", [0.15, -0.15])
def test_relative_interaction_of_a_planted_interaction(ab_effect):
    both = fit(placement_panel(ab_effect), interactions=[("a", "b")])
    result = relative_interaction(both, "a", "b")
    expected = _relative(0.2, 0.1, ab_effect)
    assert result.ci_low < expected < result.ci_high
    assert np.sign(result.ci_low) == np.sign(result.ci_high) == np.sign(ab_effect)
    assert result.summary()["estimate"].iloc[0] == result.estimate
    assert "a:b" in result.method and result.n == 10_000


def test_relative_interaction_bad_input():
    f = toy_fit()
    with pytest.raises(TypeError, match=r"'fit' must be a FixedEffectsFit; got dict"):
        relative_interaction({})
    with pytest.raises(ValueError, match=r"no terms \['a:b'\]; its terms are \['a', 'b', 'd'\]"):
        df = placement_panel(0.1, n_units=60, n_periods=8, n_clusters=12)
        relative_interaction(fit(df), "a", "b")
    with pytest.raises(ValueError, match=r"no terms \['coupon', 'in_mailer:coupon'\]"):
        relative_interaction(f, "in_mailer", "coupon")
    with pytest.raises(ValueError, match=r"carries no covariance"):
        relative_interaction(FixedEffectsFit(**{**f.__dict__, "cov": ()}))
    with pytest.raises(ValueError, match=r"'alpha' must be a real number in \(0, 1\); got 1.0"):
        relative_interaction(f, alpha=1.0)
    # a lift within min_z standard errors of 0 (0.01 with se 0.01), or lifts of opposite signs
    near = toy_fit(b=0.01, cov=np.eye(4) * 1e-4)
    with pytest.raises(
        ValueError,
        match=r"not both well away from 0.*\+0\.066 and \+0\.01, 6\.6 and 1 standard errors.*"
        r"min_z = 3\)",
    ):
        relative_interaction(near)
    assert relative_interaction(near, min_z=0.5).estimate < 0
    with pytest.raises(ValueError, match=r"not both well away from 0 with the same sign"):
        relative_interaction(toy_fit(b=-0.05, cov=np.eye(4) * 1e-6))
    # the interaction named the other way round is found
    g = FixedEffectsFit(**{**f.__dict__, "terms": (*f.terms[:3], "on_display:in_mailer")})
    assert relative_interaction(g).estimate == relative_interaction(f).estimate
