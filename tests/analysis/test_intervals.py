"""Tests for mcstudy.analysis.intervals and for Estimate, the base class of the results."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from mcstudy import analysis
from mcstudy.analysis import (
    Z95,
    Estimate,
    LiftEstimate,
    RatioEstimate,
    fixed_effects,
    panel,
    ratio_of_means,
    ratio_standard_error,
    relative_difference,
)

# ---- Z95 ----------------------------------------------------------------------------------


def test_z95_is_the_normal_quantile():
    assert Z95 == sps.norm.ppf(0.975)


# ---- ratio_of_means -----------------------------------------------------------------------


def test_ratio_of_means_known_answer():
    est = ratio_of_means([2.0, 4.0, 6.0], [1.0, 2.0, 3.0])
    assert (est.estimate, est.ci_low, est.ci_high, est.n) == (2.0, 2.0, 2.0, 3)
    x, y = np.array([1.0, 3.0, 2.0, 2.0]), np.ones(4)
    est = ratio_of_means(x, y, alpha=0.1)
    se = np.std(x - 2.0 * y, ddof=1) / 2.0
    q = sps.t.ppf(0.95, 3)
    assert est.estimate == 2.0
    assert (est.ci_low, est.ci_high) == pytest.approx((2.0 - q * se, 2.0 + q * se), rel=1e-12)


def test_cross_channel_uses_the_one_ratio_of_means():
    from mcstudy.studies import cross_channel

    assert cross_channel.ratio_of_means is ratio_of_means
    assert cross_channel.RatioEstimate is RatioEstimate


@pytest.mark.parametrize(
    ("x", "y", "match"),
    [
        ([1.0, 2.0, 3.0], [2.0, 2.0], "same length >= 2"),
        ([1.0], [1.0], "same length >= 2"),
        ([1.0, np.nan], [1.0, 1.0], "finite numbers only"),
        ([1.0, 2.0], [0.0, 0.0], "must be > 0"),
    ],
)
def test_ratio_of_means_refuses_bad_input(x, y, match):
    with pytest.raises(ValueError, match=match):
        ratio_of_means(x, y)


def test_ratio_estimate_summary_is_one_row_of_its_fields():
    est = RatioEstimate(2.0, 1.5, 2.5, 10)
    out = est.summary()
    assert list(out.columns) == ["estimate", "ci_low", "ci_high", "n", "se", "method"]
    pd.testing.assert_frame_equal(out, pd.DataFrame([dataclasses.asdict(est)]))


# ---- relative_difference and ratio_standard_error -----------------------------------------


def test_relative_difference_known_answer():
    # means 4 and 2; var(log m1) = 0, var(log m0) = 2 / (2 * 2**2) = 0.25
    est, low, high = relative_difference([4.0, 4.0], [1.0, 3.0])
    assert est == pytest.approx(1.0)
    assert (low, high) == pytest.approx((2 * math.exp(-Z95 * 0.5) - 1, 2 * math.exp(Z95 * 0.5) - 1))


def test_relative_difference_is_relative_gap_to_the_last_digit():
    from mcstudy.studies.multichannel import relative_gap

    rng = np.random.default_rng(1)
    breadth, outcome = rng.integers(1, 4, 500), rng.gamma(2.0, 1.0, 500)
    gap = relative_gap(breadth, outcome)
    ours = relative_difference(outcome[breadth >= 2], outcome[breadth == 1], z=1.959964)
    assert ours == (gap.estimate, gap.ci_low, gap.ci_high)


def test_ratio_standard_error_is_the_delta_method():
    m1, se1, m0, se0 = 3.0, 0.2, 1.5, 0.1
    expected = (m1 / m0) * math.sqrt((se1 / m1) ** 2 + (se0 / m0) ** 2)
    assert ratio_standard_error(m1, se1, m0, se0) == pytest.approx(expected, rel=1e-14)


# ---- Estimate -----------------------------------------------------------------------------


def test_every_analysis_result_is_an_estimate():
    results = [
        analysis.AdjustedComparison,
        analysis.CountFit,
        analysis.EventStudy,
        analysis.FixedEffectsFit,
        analysis.InteractionTest,
        analysis.LiftEstimate,
        analysis.RatioEstimate,
        analysis.RelativeLift,
    ]
    for cls in results:
        assert issubclass(cls, Estimate) and dataclasses.is_dataclass(cls), cls
        assert cls.__dataclass_params__.frozen, cls


def test_generic_summary_keeps_scalar_fields_in_order():
    @dataclasses.dataclass(frozen=True)
    class Fit(Estimate):
        estimate: float
        ci: tuple[float, float]
        label: str
        table: pd.DataFrame
        n: int
        ok: bool

    out = Fit(1.5, (1.0, 2.0), "a", pd.DataFrame({"x": [1]}), 3, True).summary()
    assert list(out.columns) == ["estimate", "label", "n", "ok"]
    assert [str(out[c].dtype) for c in ("estimate", "n", "ok")] == ["float64", "int64", "bool"]
    assert out.iloc[0].tolist() == [1.5, "a", 3, True]


def test_lift_estimate_summary():
    out = LiftEstimate(0.2, -0.1, 0.5, 0.3).summary()
    assert list(out.columns) == ["lift", "ci_low", "ci_high", "pvalue"]
    assert out.iloc[0].tolist() == [0.2, -0.1, 0.5, 0.3]


def test_estimate_needs_a_dataclass():
    class NotADataclass(Estimate):
        pass

    with pytest.raises(TypeError, match="is not a dataclass"):
        NotADataclass().summary()


def test_fixed_effects_are_still_found_in_panel():
    for name in ("FixedEffectsFit", "demean", "fixed_effects_ols"):
        assert getattr(panel, name) is getattr(fixed_effects, name)
        assert name in panel.__all__


def test_ratio_of_means_gives_its_standard_error():
    x, y = [1.0, 2.5, 2.0, 4.0], [1.0, 2.0, 1.5, 2.5]
    est = ratio_of_means(x, y)
    r = np.mean(x) / np.mean(y)
    expected = np.std(np.subtract(x, r * np.asarray(y)), ddof=1) / (2.0 * np.mean(y))
    assert est.se == pytest.approx(expected)
    q = sps.t.ppf(0.975, 3)
    assert (est.ci_low, est.ci_high) == pytest.approx((r - q * expected, r + q * expected))
    assert "se" in est.summary().columns
