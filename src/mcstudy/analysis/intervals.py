"""Large-sample confidence intervals: the normal quantile, delta-method intervals of ratios.

:data:`Z95` is the 97.5 % quantile of the standard normal law, the one constant every 95 %
normal interval of the package uses. The delta method gives the intervals of ratios of means:

- :func:`ratio_of_means`: the ratio of the means of paired values (replications), with the
  ratio estimator's linearisation and a t quantile;
- :func:`relative_difference`: ``mean(x) / mean(y) - 1`` of two independent groups, with a
  normal interval on the log of the ratio;
- :func:`ratio_standard_error`: the standard error of the ratio of two independent means.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from mcstudy._validation import check_number
from mcstudy.analysis.results import Estimate

__all__ = [
    "Z95",
    "RatioEstimate",
    "ratio_of_means",
    "ratio_standard_error",
    "relative_difference",
]

#: 97.5 % quantile of the standard normal law (``scipy.stats.norm.ppf(0.975)``): the ``z`` of
#: a two-sided 95 % normal interval, ``estimate -/+ Z95 x se``.
Z95 = 1.959963984540054


@dataclass(frozen=True)
class RatioEstimate(Estimate):
    """A ratio of two means over replications, with its interval.

    Attributes
    ----------
    estimate : float
        ``mean(numerator) / mean(denominator)``.
    ci_low, ci_high : float
        Interval of the ratio (delta method, t quantile with ``n - 1`` degrees of freedom).
    n : int
        Replications.
    se : float
        Standard error of the ratio (its delta-method linearisation); NaN when not given.
    method : str
        How the interval was computed.
    """

    estimate: float
    ci_low: float
    ci_high: float
    n: int
    se: float = math.nan
    method: str = "ratio of means over replications, delta method, t interval"


def ratio_of_means(numerator, denominator, *, alpha: float = 0.05) -> RatioEstimate:
    """Ratio of the means of paired replications, with a delta-method interval.

    Per-replication ratios of small effects are unstable (a replication in which a channel
    caused almost no online purchase gives a huge ratio); the ratio of the mean effects over
    replications estimates the model's expected ratio. With ``R = mean(x) / mean(y)``, the
    variance of ``R`` is ``var(x - R y) / (n mean(y)^2)`` (the ratio estimator's linearisation),
    and the interval is ``R`` plus or minus a t quantile with ``n - 1`` degrees of freedom
    times its square root.

    Parameters
    ----------
    numerator, denominator : array_like of float
        One value per replication, paired.
    alpha : float, default=0.05
        The interval has level ``1 - alpha``, in (0, 1).

    Returns
    -------
    RatioEstimate

    Raises
    ------
    ValueError
        If the arrays differ in length or hold fewer than two values, a value is not finite,
        or the mean denominator is not positive.

    Examples
    --------
    >>> round(ratio_of_means([2.0, 4.0, 6.0], [1.0, 2.0, 3.0]).estimate, 6)
    2.0
    """
    x = np.asarray(numerator, dtype=float)
    y = np.asarray(denominator, dtype=float)
    check_number(alpha, "alpha", 0, 1, low_open=True, high_open=True)
    if x.shape != y.shape or x.ndim != 1 or len(x) < 2:
        raise ValueError(
            f"'numerator' and 'denominator' must be 1-d arrays of the same length >= 2; got "
            f"shapes {x.shape} and {y.shape}."
        )
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("'numerator' and 'denominator' must hold finite numbers only.")
    n = len(x)
    my = y.mean()
    if my <= 0:
        raise ValueError(f"the mean of 'denominator' must be > 0; got {my!r}.")
    r = x.mean() / my
    se = float(np.std(x - r * y, ddof=1) / (np.sqrt(n) * my))
    q = float(stats.t.ppf(1 - alpha / 2, n - 1))
    return RatioEstimate(float(r), float(r - q * se), float(r + q * se), n, se=se)


def relative_difference(x, y, *, z: float = Z95) -> tuple[float, float, float]:
    """``mean(x) / mean(y) - 1`` of two independent groups, with a delta-method interval.

    The log of the ratio of means has the variance
    ``var(x) / (n_x mean(x)^2) + var(y) / (n_y mean(y)^2)`` (delta method, sample variances
    with ``ddof=1``); the interval is ``exp(log ratio -/+ z se) - 1``.

    Parameters
    ----------
    x, y : array_like of float
        The values of each group (1-d, at least two each, positive means).
    z : float, default=Z95
        Normal quantile of the interval.

    Returns
    -------
    tuple of float
        ``(estimate, ci_low, ci_high)``.

    Examples
    --------
    >>> relative_difference([4.0, 4.0], [1.0, 3.0])[0]
    1.0
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    m1, m0 = x.mean(), y.mean()
    se = math.sqrt(x.var(ddof=1) / (len(x) * m1**2) + y.var(ddof=1) / (len(y) * m0**2))
    log_ratio = math.log(m1 / m0)
    return (
        math.exp(log_ratio) - 1.0,
        math.exp(log_ratio - z * se) - 1.0,
        math.exp(log_ratio + z * se) - 1.0,
    )


def ratio_standard_error(m1: float, se1: float, m0: float, se0: float) -> float:
    """Standard error of ``m1 / m0``, two independent means, by the delta method.

    ``R sqrt((se1 / m1)^2 + (se0 / m0)^2)`` with ``R = m1 / m0``.

    Examples
    --------
    >>> round(ratio_standard_error(2.0, 0.1, 1.0, 0.05), 6)
    0.141421
    """
    ratio = m1 / m0
    return float(ratio * np.hypot(se1 / m1, se0 / m0))
