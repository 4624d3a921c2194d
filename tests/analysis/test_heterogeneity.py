"""Known-answer tests of the count-heterogeneity fits on samples drawn with a fixed seed."""

import numpy as np
import pytest

from mcstudy.analysis.heterogeneity import (
    fit_lognormal_gamma_poisson,
    fit_negative_binomial,
    rate_cv2,
)


def mixture_counts(n, mean, sigma, shape, seed):
    rng = np.random.default_rng(seed)
    rate = (
        mean
        * np.exp(sigma * rng.standard_normal(n) - sigma**2 / 2)
        * rng.gamma(shape, 1 / shape, n)
    )
    return rng.poisson(rate)


def test_negative_binomial_recovers_mean_and_shape():
    counts = mixture_counts(20_000, 10.0, 0.0, 2.0, seed=1)
    fit = fit_negative_binomial(counts)
    assert fit.mean == pytest.approx(10.0, rel=0.02)
    assert fit.shape_ci[0] < 2.0 < fit.shape_ci[1]
    assert fit.cv2 == pytest.approx(0.5, abs=0.03)
    assert fit.sigma == 0 and fit.n == 20_000


def test_zero_truncated_negative_binomial_corrects_for_the_missing_zeros():
    counts = mixture_counts(20_000, 3.0, 0.0, 1.0, seed=2)
    positive = counts[counts > 0]
    truncated = fit_negative_binomial(positive, zero_truncated=True)
    naive = fit_negative_binomial(positive)
    assert truncated.mean == pytest.approx(3.0, rel=0.05)
    assert truncated.shape_ci[0] < 1.0 < truncated.shape_ci[1]
    assert naive.mean > 3.3  # ignoring the truncation overstates the mean


def test_lognormal_gamma_fit_recovers_the_rate_variance_and_its_parts():
    sigma, shape = 0.5, 2.0
    counts = mixture_counts(20_000, 20.0, sigma, shape, seed=3)
    fit = fit_lognormal_gamma_poisson(counts)
    truth = rate_cv2(sigma, shape)
    assert fit.cv2_ci[0] < truth < fit.cv2_ci[1]
    assert fit.cv2 == pytest.approx(truth, rel=0.05)
    assert fit.mean == pytest.approx(20.0, rel=0.02)
    assert fit.sigma_ci[0] < sigma < fit.sigma_ci[1]
    assert fit.shape_ci[0] < shape < fit.shape_ci[1]
    # the mixture fits these counts better than the negative binomial
    assert fit.aic < fit_negative_binomial(counts).aic


def test_pmf_sums_to_one():
    fit = fit_negative_binomial(mixture_counts(5_000, 5.0, 0.0, 1.5, seed=4))
    assert fit.pmf(np.arange(400)).sum() == pytest.approx(1.0, abs=1e-6)


def test_rate_cv2_known_values():
    assert rate_cv2(0.0, 4.0) == pytest.approx(0.25)
    assert rate_cv2(0.5, 1.0) == pytest.approx(2 * np.exp(0.25) - 1)
    with pytest.raises(ValueError, match=r"'shape' must be a real number in \(0, inf\)"):
        rate_cv2(0.5, 0.0)


def test_bad_counts():
    with pytest.raises(ValueError, match=r"'counts' must be non-negative integers; got 1.5"):
        fit_negative_binomial(np.r_[np.arange(20), 1.5])
    with pytest.raises(ValueError, match=r"not over-dispersed"):
        fit_negative_binomial(np.full(50, 3))
    with pytest.raises(ValueError, match=r"has zeros, which a zero-truncated fit cannot have"):
        fit_negative_binomial(np.r_[0, np.arange(1, 40) ** 2], zero_truncated=True)
    with pytest.raises(ValueError, match=r"at least 10 counts"):
        fit_negative_binomial([1, 2, 3])
