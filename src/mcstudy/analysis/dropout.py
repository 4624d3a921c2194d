r"""Purchase rates and dropout from a transaction log: the Pareto/NBD model.

In the Pareto/NBD model (Schmittlein, Morrison and Colombo 1987) a customer buys as a Poisson
process of rate :math:`\lambda` while alive and dies after an exponential lifetime of rate
:math:`\mu`; across customers :math:`\lambda \sim \text{Gamma}(r, \alpha)` and
:math:`\mu \sim \text{Gamma}(s, \beta)` (shape, rate), independent. The simulator's purchase
process without contacts is close to this family (``docs/model.md`` §7.16): its churn hazard
is ``response.churn_base_per_week`` times a gamma multiplier of coefficient of variation
``population.dropout_cv`` (:math:`s = 1 / c^2`), as here; its purchase rates are a log-normal
engagement times a gamma heterogeneity, gamma only when ``engagement_sigma`` is 0, so the two
are compared on the rates' squared coefficient of variation
(:func:`~mcstudy.analysis.heterogeneity.rate_cv2`), not on their whole distribution.

- :func:`rfm_summary`: each customer's repeat purchases, the time of the last and the time
  observed, in weeks, from a transaction log (lifetimes' ``summary_data_from_transaction_data``);
- :func:`fit_pareto_nbd`: the maximum-likelihood fit (lifetimes' ``ParetoNBDFitter``), with
  intervals from the numerical Hessian (statsmodels), and what it implies on the simulator's
  scales: the squared coefficient of variation of the purchase rates (:math:`1/r`), the
  coefficient of variation of the dropout rates (:math:`1/\sqrt{s}`), the mean purchase and
  dropout rates per week (:math:`r/\alpha`, :math:`s/\beta`).

References
----------
Schmittlein, D. C., Morrison, D. G. and Colombo, R. (1987). Counting your customers: who are
they and what will they do next? *Management Science* 33(1), 1-24.

Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). RFM and CLV: using iso-value curves for
customer base analysis. *Journal of Marketing Research* 42(4), 415-430 (the CDNOW estimates
r = 0.55, alpha = 10.58, s = 0.61, beta = 11.67 on the 1-in-10 sample, 39 weeks).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize
from statsmodels.tools.numdiff import approx_hess3

from mcstudy._validation import check_frame
from mcstudy.analysis.intervals import Z95
from mcstudy.analysis.results import Estimate

__all__ = ["CDNOW_CALIBRATION_END", "ParetoNBDFit", "fit_pareto_nbd", "rfm_summary"]

#: The end of the 39-week calibration period of Fader, Hardie and Lee's CDNOW analyses (the
#: cohort made its first purchase in the first quarter of 1997).
CDNOW_CALIBRATION_END = "1997-09-30"

_SUMMARY_COLUMNS = ("frequency", "recency", "T")


def _lifetimes():
    """Return lifetimes' fitter and summary function, imported on first use.

    Its module sets a pandas option that pandas 3 deprecates; the warning says nothing about
    the fit, so it is silenced.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from lifetimes import ParetoNBDFitter
        from lifetimes.utils import summary_data_from_transaction_data
    return ParetoNBDFitter, summary_data_from_transaction_data


_PARAMETERS = ("r", "alpha", "s", "beta")


def rfm_summary(
    transactions: pd.DataFrame,
    *,
    end: str | pd.Timestamp,
    customer: str = "customer_id",
    date: str = "date",
) -> pd.DataFrame:
    """Each customer's repeat purchases, recency and time observed, in weeks, up to ``end``.

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per purchase line, with a customer column and a datetime column; several lines
        of one customer on one day are one purchase.
    end : str or pandas.Timestamp
        The last day observed; lines after it are left out, and a customer whose first
        purchase is after it is not in the summary.
    customer, date : str, default "customer_id", "date"
        The columns.

    Returns
    -------
    pandas.DataFrame
        Indexed by customer: ``frequency`` (purchase days after the first), ``recency`` (weeks
        from the first to the last purchase day, 0 without repeat) and ``T`` (weeks from the
        first purchase day to ``end``), as lifetimes' ``summary_data_from_transaction_data``
        with days counted in sevenths of a week.

    Raises
    ------
    ValueError
        If a column is missing, a date or customer is missing, a date is not a date (or has a
        time zone), ``end`` is not a date, or no purchase is on or before ``end``.
    """
    _, summary_data_from_transaction_data = _lifetimes()
    check_frame(transactions, (customer, date), "transactions")
    try:
        end = pd.Timestamp(end)
    except (TypeError, ValueError) as err:
        raise ValueError(f"'end' must be a date (e.g. '1997-09-30'); got {end!r}.") from err
    if pd.isna(end) or end.tz is not None:
        raise ValueError(f"'end' must be a date without a time zone; got {end!r}.")
    dates = transactions[date]
    if not pd.api.types.is_datetime64_any_dtype(dates) or getattr(dates.dt, "tz", None):
        raise ValueError(
            f"transactions: column {date!r} must hold dates (datetime64, no time zone); got "
            f"{dates.dtype}."
        )
    for name, column in ((date, dates), (customer, transactions[customer])):
        if column.isna().any():
            rows = np.flatnonzero(column.isna().to_numpy())[:5].tolist()
            raise ValueError(f"transactions: column {name!r} has missing values at rows {rows}.")
    # every purchase of the end day counts, whatever its time of day
    kept = transactions.loc[dates.dt.normalize() <= end.normalize(), [customer, date]]
    if kept.empty:
        raise ValueError(
            f"transactions: no purchase on or before end {end.date()} (the first is on "
            f"{dates.min().date()})."
        )
    return summary_data_from_transaction_data(
        kept, customer, date, freq="D", freq_multiplier=7, observation_period_end=end
    )[list(_SUMMARY_COLUMNS)]


@dataclass(frozen=True)
class ParetoNBDFit(Estimate):
    """A Pareto/NBD fit, with what it implies on the simulator's scales.

    Attributes
    ----------
    r, alpha, s, beta : float
        Gamma shape and rate (per week) of the purchase rates, and of the dropout rates.
    cov : numpy.ndarray
        (4, 4) covariance of the logarithms of ``r, alpha, s, beta``.
    loglik : float
    n : int
        Customers.
    method : str
    """

    r: float
    alpha: float
    s: float
    beta: float
    cov: np.ndarray
    loglik: float
    n: int
    method: str

    def _log_interval(self, value: float, grad: np.ndarray) -> tuple[float, float, float]:
        """Return ``value``'s standard error and interval (delta method on the log scale).

        ``grad`` is the gradient of ``log(value)`` in the log-parameters.
        """
        se_log = float(np.sqrt(max(grad @ self.cov @ grad, 0.0)))
        return value * se_log, value * np.exp(-Z95 * se_log), value * np.exp(Z95 * se_log)

    def summary(self) -> pd.DataFrame:
        """Return one row per quantity: the four parameters, then what they imply.

        ``rate_cv2`` is the squared coefficient of variation of the purchase rates
        (``1 / r``), ``dropout_cv`` that of the dropout rates (``1 / sqrt(s)``; the simulator's
        ``population.dropout_cv``), ``mean_rate_per_week`` and ``mean_dropout_per_week`` the
        means ``r / alpha`` and ``s / beta``. Columns: ``quantity``, ``estimate``, ``se``,
        ``ci_low``, ``ci_high`` (Wald on the log scale, 95 %).
        """
        unit = np.eye(4)
        rows = [(name, getattr(self, name), unit[k]) for k, name in enumerate(_PARAMETERS)]
        rows += [
            ("rate_cv2", 1.0 / self.r, -unit[0]),
            ("dropout_cv", self.s**-0.5, -0.5 * unit[2]),
            ("mean_rate_per_week", self.r / self.alpha, unit[0] - unit[1]),
            ("mean_dropout_per_week", self.s / self.beta, unit[2] - unit[3]),
        ]
        table = []
        for name, value, grad in rows:
            se, low, high = self._log_interval(float(value), grad)
            table.append(
                {
                    "quantity": name,
                    "estimate": float(value),
                    "se": se,
                    "ci_low": low,
                    "ci_high": high,
                }
            )
        return pd.DataFrame(table)


def fit_pareto_nbd(summary: pd.DataFrame) -> ParetoNBDFit:
    """Fit the Pareto/NBD model to :func:`rfm_summary`'s table by maximum likelihood.

    Parameters
    ----------
    summary : pandas.DataFrame
        Columns ``frequency`` (integers >= 0), ``recency`` and ``T`` (weeks, 0 <= recency <= T,
        recency 0 without repeat purchase), one row per customer.

    Returns
    -------
    ParetoNBDFit
        The estimates of lifetimes' ``ParetoNBDFitter`` (Nelder-Mead, started from ones so that
        the fit is the same on every run), polished to a tolerance of 1e-10 on the log scale
        (scipy's Nelder-Mead), and the covariance of their logarithms from the
        inverse of the numerical Hessian of the log-likelihood (statsmodels' ``approx_hess3``).

    Raises
    ------
    ValueError
        If a column is missing or holds a value outside the above, fewer than 10 customers
        made a repeat purchase, or the likelihood has no interior maximum (its Hessian is not
        positive definite there: the data do not identify the parameters).
    """
    ParetoNBDFitter, _ = _lifetimes()
    check_frame(summary, _SUMMARY_COLUMNS, "summary")
    values = {}
    for name in _SUMMARY_COLUMNS:
        if pd.api.types.is_bool_dtype(summary[name]):
            raise ValueError(f"summary: column {name!r} must hold numbers; got booleans.")
        column = pd.to_numeric(summary[name], errors="coerce").to_numpy(float)
        bad = ~np.isfinite(column) | (column < 0)
        if name == "frequency":
            bad |= column != np.round(column)
        if bad.any():
            rows = np.flatnonzero(bad)[:5].tolist()
            raise ValueError(
                f"summary: column {name!r} must be finite numbers >= 0"
                + (" and integers" if name == "frequency" else "")
                + f"; rows {rows} are not ({summary[name].iloc[rows].tolist()})."
            )
        values[name] = column
    frequency, recency, weeks = values["frequency"], values["recency"], values["T"]
    bad = (recency > weeks) | ((frequency == 0) != (recency == 0))
    if bad.any():
        rows = np.flatnonzero(bad)[:5].tolist()
        raise ValueError(
            "summary: recency must be at most T, and 0 exactly when frequency is 0; rows "
            f"{rows} are not."
        )
    repeaters = int((frequency > 0).sum())
    if repeaters < 10:
        raise ValueError(
            f"summary: {repeaters} customers made a repeat purchase; the Pareto/NBD fit needs "
            "at least 10."
        )
    fitter = ParetoNBDFitter()
    with warnings.catch_warnings():  # overflow on the way is lifetimes' own affair
        warnings.simplefilter("ignore", RuntimeWarning)
        fitter.fit(frequency.astype(int), recency, weeks, initial_params=np.ones(4))
    theta = np.log([float(fitter.params_[name]) for name in _PARAMETERS])
    ones = np.ones(len(frequency))

    def negloglik(log_params: np.ndarray) -> float:
        return float(
            ParetoNBDFitter._negative_log_likelihood(
                np.exp(log_params), frequency, recency, weeks, ones, 0.0
            )
        )

    # lifetimes stops at a tolerance of 1e-6 on its own time scale; polishing the optimum on
    # the log scale makes the printed digits the same whatever path the search took
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        polished = optimize.minimize(
            negloglik,
            theta,
            method="Nelder-Mead",
            options={"xatol": 1e-10, "fatol": 1e-10, "maxiter": 4000},
        )
    if np.isfinite(polished.fun) and polished.fun <= negloglik(theta):
        theta = polished.x
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hessian = approx_hess3(theta, negloglik)
    r, alpha, s, beta = np.exp(theta)
    # a maximum inside the parameter space has a finite, positive definite Hessian; at a
    # boundary (no dropout: s -> 0 with s / beta -> 0; no heterogeneity: r -> inf) it has not,
    # and the estimates there are not identified
    eigen = np.linalg.eigvalsh(hessian) if np.isfinite(hessian).all() else np.array([np.nan])
    if not (
        np.isfinite(eigen).all() and eigen.min() > 0 and np.isfinite([r, alpha, s, beta]).all()
    ):
        raise ValueError(
            f"the Pareto/NBD fit has no interior maximum (r {r:.3g}, alpha {alpha:.3g}, s "
            f"{s:.3g}, beta {beta:.3g}; the log-likelihood is flat or curved the wrong way "
            "there): the data do not identify the four parameters, for example when nobody "
            "seems to drop out, or too few customers repeat."
        )
    cov = np.linalg.inv(hessian)
    return ParetoNBDFit(
        r=float(r),
        alpha=float(alpha),
        s=float(s),
        beta=float(beta),
        cov=cov,
        loglik=-negloglik(theta),
        n=len(frequency),
        method=(
            "Pareto/NBD, maximum likelihood (lifetimes ParetoNBDFitter, Nelder-Mead from ones, "
            "polished on the log scale by scipy); "
            "Wald intervals on the log scale from the numerical Hessian (statsmodels)"
        ),
    )
