"""Heterogeneity of purchase rates from counts: negative binomial and log-normal x gamma mixtures.

Customers' purchase counts over a period are more dispersed than a Poisson law because their
rates differ. :func:`fit_negative_binomial` fits the Poisson-gamma mixture (statsmodels'
``NegativeBinomial``, or its zero-truncated form for panels that list buyers only);
:func:`fit_lognormal_gamma_poisson` fits by maximum likelihood (scipy) the mixture the simulator
draws from: rate = mean x log-normal engagement (mean 1) x gamma heterogeneity (mean 1), the
integral over the log-normal taken by Gauss-Hermite quadrature. :func:`rate_cv2` gives the
squared coefficient of variation of the rate under either, the scale on which a fit to real
counts and the simulator's assumptions can be compared whatever their mean rates.

References
----------
Ehrenberg, A. S. C. (1959). The pattern of consumer purchases. *Applied Statistics* 8(1),
26-41.

Cameron, A. C. and Trivedi, P. K. (2013). *Regression Analysis of Count Data*, 2nd ed.,
Cambridge University Press, ch. 4.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from numpy.polynomial.hermite_e import hermegauss
from scipy import optimize, special
from statsmodels.discrete.truncated_model import TruncatedLFNegativeBinomialP
from statsmodels.tools.numdiff import approx_hess

from mcstudy._validation import check_int, check_number
from mcstudy.analysis.intervals import Z95
from mcstudy.analysis.results import Estimate

__all__ = [
    "CountFit",
    "fit_lognormal_gamma_poisson",
    "fit_negative_binomial",
    "rate_cv2",
]


@dataclass(frozen=True)
class CountFit(Estimate):
    """A mixed-Poisson fit to counts.

    Attributes
    ----------
    model : str
        ``"negative binomial"`` or ``"log-normal x gamma Poisson"``.
    mean, mean_ci : float, tuple of float
        Mean count per unit (before truncation), and its interval.
    shape, shape_ci : float, tuple of float
        Gamma shape ``k`` of the rate (mean 1): small means heterogeneous; interval.
    sigma, sigma_ci : float, tuple of float
        Standard deviation of the log-normal factor (0 for the negative binomial).
    cv2, cv2_ci : float, tuple of float
        Squared coefficient of variation of the rate, :func:`rate_cv2`.
    loglik, aic : float
    n : int
    zero_truncated : bool
    method : str
    """

    model: str
    mean: float
    mean_ci: tuple[float, float]
    shape: float
    shape_ci: tuple[float, float]
    sigma: float
    sigma_ci: tuple[float, float]
    cv2: float
    cv2_ci: tuple[float, float]
    loglik: float
    aic: float
    n: int
    zero_truncated: bool
    method: str

    def summary(self) -> pd.DataFrame:
        """Return one row: the parameters with their intervals, log-likelihood, AIC and n."""
        return pd.DataFrame(
            [
                {
                    "model": self.model,
                    "mean": self.mean,
                    "shape": self.shape,
                    "shape_ci_low": self.shape_ci[0],
                    "shape_ci_high": self.shape_ci[1],
                    "sigma": self.sigma,
                    "sigma_ci_low": self.sigma_ci[0],
                    "sigma_ci_high": self.sigma_ci[1],
                    "cv2": self.cv2,
                    "cv2_ci_low": self.cv2_ci[0],
                    "cv2_ci_high": self.cv2_ci[1],
                    "loglik": self.loglik,
                    "aic": self.aic,
                    "n": self.n,
                }
            ]
        )

    def pmf(self, counts) -> np.ndarray:
        """Probability of each count under the fit (before truncation)."""
        y = np.atleast_1d(_numbers(counts))
        bad = ~np.isfinite(y) | (y != np.round(y))
        if bad.any():
            i = int(np.flatnonzero(bad.ravel())[0])
            raise ValueError(
                f"'counts' must be integers; got {float(y.ravel()[i])!r} at index {i}."
            )
        shape = y.shape
        y = y.ravel()
        p = np.zeros(len(y))
        ok = y >= 0  # a negative count has probability 0
        p[ok] = np.exp(_mixture_logpmf(y[ok], self.mean, self.sigma, self.shape))
        return p.reshape(shape)


def rate_cv2(sigma: float, shape: float) -> float:
    """Squared coefficient of variation of ``log-normal(sigma, mean 1) x gamma(shape, mean 1)``.

    ``(1 + 1 / shape) * exp(sigma**2) - 1``: the variance of the rate over its squared mean.
    The negative binomial is ``sigma = 0``: ``1 / shape``, statsmodels' ``alpha``.

    >>> round(rate_cv2(0.5, 1.0), 4)
    1.568
    """
    sigma = check_number(sigma, "sigma", 0, 10)
    shape = check_number(shape, "shape", 0, np.inf, low_open=True)
    with np.errstate(over="ignore"):
        cv2 = float((1 + 1 / shape) * np.exp(sigma**2) - 1)
    if not np.isfinite(cv2):
        raise ValueError(
            f"rate_cv2 overflows for sigma {sigma:g} and shape {shape:g}: the rate's variance is "
            "too large for a float; use a larger 'shape' or a smaller 'sigma'."
        )
    return cv2


_MAX_COUNT = 1e12


def _numbers(counts) -> np.ndarray:
    """``counts`` as a float array; raise TypeError for anything but numbers."""
    if counts is None or isinstance(counts, str | bytes):
        raise TypeError(f"'counts' must be numbers; got {counts!r}.")
    arr = np.asarray(counts)
    if arr.dtype.kind not in "biuf":
        first = arr.ravel()[0] if arr.size else None
        raise TypeError(f"'counts' must be numbers; got dtype {arr.dtype} (first value {first!r}).")
    return arr.astype(float)


def _check_bool(value: object, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name!r} must be a bool; got {value!r}.")
    return bool(value)


def _counts(counts, zero_truncated: bool) -> np.ndarray:
    zero_truncated = _check_bool(zero_truncated, "zero_truncated")
    y = _numbers(counts)
    if y.ndim != 1 or len(y) < 10:
        raise ValueError(
            f"'counts' must be a 1-d array of at least 10 counts; got shape {y.shape}."
        )
    bad = ~np.isfinite(y) | (y < 0) | (y != np.round(y))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"'counts' must be non-negative integers; got {float(y[i])!r} at index {i}."
        )
    if (y > _MAX_COUNT).any():
        i = int(np.flatnonzero(y > _MAX_COUNT)[0])
        raise ValueError(
            f"'counts' must be non-negative integers <= {_MAX_COUNT:g}; got {float(y[i])!r} at "
            f"index {i}."
        )
    if zero_truncated and (y == 0).any():
        raise ValueError("'counts' has zeros, which a zero-truncated fit cannot have.")
    if np.var(y) <= np.mean(y):
        raise ValueError(
            f"'counts' are not over-dispersed (variance {np.var(y):.4g} <= mean "
            f"{np.mean(y):.4g}): no rate heterogeneity to fit."
        )
    return y


def fit_negative_binomial(counts, *, zero_truncated: bool = False) -> CountFit:
    """Fit a negative binomial (Poisson-gamma) law to counts, by maximum likelihood.

    Parameters
    ----------
    counts : array-like of int
        One count per unit (e.g. baskets per household in a year), over-dispersed.
    zero_truncated : bool, default=False
        The units are listed only if their count is positive (a panel of buyers): fit the law
        truncated at zero (statsmodels ``TruncatedLFNegativeBinomialP``, NB2).

    Returns
    -------
    CountFit
        ``sigma`` is 0; ``shape = 1 / alpha``; intervals from the Wald interval of
        ``log(mean)`` and of ``alpha``.

    Raises
    ------
    ValueError
        If the counts are not non-negative integers, are fewer than 10, hold zeros with
        ``zero_truncated``, or are not over-dispersed.
    """
    y = _counts(counts, zero_truncated)
    zero_truncated = bool(zero_truncated)
    exog = np.ones((len(y), 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if zero_truncated:
            model = TruncatedLFNegativeBinomialP(y, exog, truncation=0, p=2)
        else:
            model = sm.NegativeBinomial(y, exog, loglike_method="nb2")
        fit = model.fit(disp=0, maxiter=500, method="bfgs")
    params, ci = np.asarray(fit.params), np.asarray(fit.conf_int())
    if not np.all(np.isfinite(params)) or params[1] <= 0:
        raise ValueError(f"the negative binomial fit failed (parameters {params}).")
    alpha, alpha_ci = params[1], (max(ci[1, 0], 1e-12), ci[1, 1])
    return CountFit(
        model="negative binomial",
        mean=float(np.exp(params[0])),
        mean_ci=(float(np.exp(ci[0, 0])), float(np.exp(ci[0, 1]))),
        shape=float(1 / alpha),
        shape_ci=(float(1 / alpha_ci[1]), float(1 / alpha_ci[0])),
        sigma=0.0,
        sigma_ci=(0.0, 0.0),
        cv2=float(alpha),
        cv2_ci=(float(alpha_ci[0]), float(alpha_ci[1])),
        loglik=float(fit.llf),
        aic=float(2 * 2 - 2 * fit.llf),
        n=int(len(y)),
        zero_truncated=zero_truncated,
        method="statsmodels "
        + (
            "TruncatedLFNegativeBinomialP (NB2, zero-truncated)"
            if zero_truncated
            else "NegativeBinomial (NB2)"
        )
        + ", maximum likelihood, Wald intervals",
    )


def _mixture_logpmf(
    y: np.ndarray, mean: float, sigma: float, shape: float, n_nodes: int = 48
) -> np.ndarray:
    """Log P(y) under Poisson(mean x exp(sigma Z - sigma^2/2) x Gamma(shape, 1/shape))."""
    nodes, w = hermegauss(n_nodes)  # weight exp(-z^2/2), sum sqrt(2 pi)
    log_w = np.log(w / np.sqrt(2 * np.pi))
    mu = mean * np.exp(sigma * nodes - sigma**2 / 2)  # (nodes,)
    yy = y[:, None]
    # negative binomial with mean mu and shape k, given the log-normal factor
    log_nb = (
        special.gammaln(yy + shape)
        - special.gammaln(shape)
        - special.gammaln(yy + 1)
        + shape * np.log(shape / (shape + mu))
        + yy * np.log(mu / (shape + mu))
    )
    return special.logsumexp(log_nb + log_w, axis=1)


def fit_lognormal_gamma_poisson(
    counts, *, zero_truncated: bool = False, n_nodes: int = 48, start=None
) -> CountFit:
    """Fit the simulator's rate mixture to counts: Poisson(mean x log-normal x gamma).

    Parameters
    ----------
    counts : array-like of int
        One count per unit, over-dispersed.
    zero_truncated : bool, default=False
        Fit the law truncated at zero (units listed only when their count is positive).
    n_nodes : int, default=48
        Gauss-Hermite nodes of the integral over the log-normal factor.
    start : tuple of float, default=None
        Starting ``(mean, sigma, shape)``; from the negative binomial fit when None.

    Returns
    -------
    CountFit
        Maximum-likelihood ``mean``, ``sigma`` (log-normal factor, mean 1) and ``shape``
        (gamma factor, mean 1), Wald intervals on the log scale from the numerical Hessian,
        and the interval of ``cv2`` by the delta method on its log.

    Raises
    ------
    ValueError
        As :func:`fit_negative_binomial`, or if the optimiser fails.

    Notes
    -----
    Counts identify the distribution of the rate only through its moments and shape: the
    squared coefficient of variation is well determined, the split between ``sigma`` and
    ``shape`` much less (a gamma and a log-normal of equal variance give similar counts), so
    their intervals are wide and negatively correlated.
    """
    y = _counts(counts, zero_truncated)
    zero_truncated = bool(zero_truncated)
    n_nodes = check_int(n_nodes, "n_nodes", 8, 200)
    if start is not None:
        allowed = "'start' must be 3 positive finite numbers (mean, sigma, shape)"
        try:
            values = np.asarray(start, dtype=float)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{allowed}; got {start!r}.") from exc
        if values.shape != (3,) or not (np.isfinite(values) & (values > 0)).all():
            raise ValueError(f"{allowed}; got {start!r}.")
    values, weights = np.unique(y, return_counts=True)
    if start is None:
        nb = fit_negative_binomial(y, zero_truncated=zero_truncated)
        start = (nb.mean, 0.3, max(nb.shape * 1.5, 0.05))
    theta0 = np.log(np.asarray(start, dtype=float))

    def negloglik(theta: np.ndarray) -> float:
        mean, sigma, shape = np.exp(theta)
        ll = _mixture_logpmf(values, mean, sigma, shape, n_nodes)
        if zero_truncated:
            p0 = np.exp(_mixture_logpmf(np.zeros(1), mean, sigma, shape, n_nodes))[0]
            ll = ll - np.log1p(-min(p0, 1 - 1e-15))
        return -float(np.dot(weights, ll))

    result = optimize.minimize(
        negloglik,
        theta0,
        method="Nelder-Mead",
        options={"xatol": 1e-8, "fatol": 1e-8, "maxiter": 4000},
    )
    result = optimize.minimize(negloglik, result.x, method="BFGS")
    theta = result.x
    if not np.all(np.isfinite(theta)):
        raise ValueError(f"the log-normal x gamma fit failed: {result.message}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cov = np.linalg.pinv(approx_hess(theta, negloglik))
    se = np.sqrt(np.clip(np.diag(cov), 0, None))
    mean, sigma, shape = np.exp(theta)
    lo, hi = np.exp(theta - Z95 * se), np.exp(theta + Z95 * se)
    cv2 = rate_cv2(min(sigma, 10.0), shape)
    # d log(cv2) / d theta, delta method on log scale
    e = np.exp(sigma**2)
    grad = np.array([0.0, 2 * sigma**2 * (1 + 1 / shape) * e, -e / shape]) / cv2
    se_log_cv2 = float(np.sqrt(max(grad @ cov @ grad, 0.0)))
    return CountFit(
        model="log-normal x gamma Poisson",
        mean=float(mean),
        mean_ci=(float(lo[0]), float(hi[0])),
        shape=float(shape),
        shape_ci=(float(lo[2]), float(hi[2])),
        sigma=float(sigma),
        sigma_ci=(float(lo[1]), float(hi[1])),
        cv2=cv2,
        cv2_ci=(float(cv2 * np.exp(-Z95 * se_log_cv2)), float(cv2 * np.exp(Z95 * se_log_cv2))),
        loglik=float(-result.fun),
        aic=float(2 * 3 + 2 * result.fun),
        n=int(len(y)),
        zero_truncated=zero_truncated,
        method=(
            f"maximum likelihood (scipy), Gauss-Hermite quadrature with {n_nodes} nodes"
            + (", zero-truncated" if zero_truncated else "")
            + "; Wald intervals on the log scale from the numerical Hessian"
        ),
    )
