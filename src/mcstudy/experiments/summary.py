"""Summaries of simulated replications: mean, interval of the mean and spread, per metric."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps

from mcstudy._validation import check_frame, check_number

__all__ = [
    "mean_interval",
    "summarise_replications",
]


def _t_half_width(sd, n, alpha: float):
    """Half-width of the t-interval of a mean: NaN where fewer than two values."""
    dof = np.where(np.asarray(n) >= 2, np.asarray(n) - 1, np.nan)
    return sps.t.ppf(1 - alpha / 2, dof) * (np.asarray(sd) / np.sqrt(n))


def mean_interval(values, alpha: float = 0.05) -> tuple[float, float]:
    """The t-interval of the mean of ``values``, as :func:`summarise_replications` gives it.

    With ``n - 1`` degrees of freedom; NaNs are left out; ``values`` must be one-dimensional
    and every other value finite (``TypeError``/``ValueError`` otherwise). Usable as
    seaborn's ``errorbar``, so that a figure's bands are the table's intervals.

    Examples
    --------
    >>> low, high = mean_interval([1.0, 2.0, 3.0])
    >>> round(low, 3), round(high, 3)
    (-0.484, 4.484)
    """
    alpha = check_number(alpha, "alpha", 0.0, 1.0, low_open=True, high_open=True)
    try:
        values = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"'values' must be a sequence of real numbers; got {values!r}.") from None
    if values.ndim != 1:
        raise ValueError(
            f"'values' must be one-dimensional (one value per replication); got shape "
            f"{values.shape}."
        )
    if np.isinf(values).any():
        raise ValueError(
            f"'values' must be finite numbers (NaN for a missing one); got "
            f"{float(values[np.isinf(values)][0])!r}."
        )
    values = values[~np.isnan(values)]
    mean = float(values.mean()) if values.size else float("nan")
    sd = float(values.std(ddof=1)) if values.size >= 2 else float("nan")
    half = float(_t_half_width(sd, values.size, alpha))
    return mean - half, mean + half


def summarise_replications(
    results: pd.DataFrame,
    metrics: Sequence[str] | None = None,
    by: Sequence[str] = (),
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Summarise the replications of a simulated study, metric by metric.

    Parameters
    ----------
    results : pandas.DataFrame
        Tidy output of :func:`mcstudy.experiments.replicate` or :func:`~mcstudy.experiments.sweep`
        (columns ``replication``, ``metric``, ``value``).
    metrics : sequence of str, default=None
        Metrics to keep, in this order; every metric (sorted) when None.
    by : sequence of str, default=()
        Further key columns to group by (e.g. swept parameters).
    alpha : float, default=0.05
        Level of the interval of the mean and of the replication quantiles.

    Returns
    -------
    pandas.DataFrame
        One row per (``by`` values,) metric: ``n_replications`` (replications with a value,
        the ``n`` of every statistic here), ``n_missing`` (replications whose value is
        missing, NaN, e.g. a relative lift against a zero reference; left out of every
        statistic), ``mean``, ``sd``, ``ci_low``/``ci_high`` (t-interval of the mean over
        replications, with ``n_replications - 1`` degrees of freedom: how precisely the
        simulations pin down the model's expected value; NaN with fewer than two values) and
        ``q_low``/``q_high`` (the ``alpha/2`` and ``1 - alpha/2`` quantiles of the
        replications: the spread one simulated study of this size shows, comparable to one
        real study's CI).

    Raises
    ------
    TypeError
        If ``results`` is not a DataFrame.
    ValueError
        If columns are missing or a requested metric is absent.
    """
    by = [by] if isinstance(by, str) else list(by)
    check_frame(results, ["replication", "metric", "value", *by], name="results")
    alpha = check_number(alpha, "alpha", 0.0, 1.0, low_open=True, high_open=True)
    value = results["value"]
    if not pd.api.types.is_numeric_dtype(value) or pd.api.types.is_bool_dtype(value):
        raise TypeError(f"'results' column 'value' must be numeric; got dtype {value.dtype}.")
    if isinstance(metrics, str):
        raise TypeError(f"'metrics' must be a list of metric names or None; got {metrics!r}.")
    present = sorted(results["metric"].unique())
    metrics = present if metrics is None else list(metrics)
    absent = [m for m in metrics if m not in present]
    if absent:
        raise ValueError(f"metrics {absent} are not in 'results'; it has {present}.")
    data = results[results["metric"].isin(metrics)]
    g = data.groupby([*by, "metric"], sort=False)["value"]
    n = g.count()  # non-missing values: the ones mean, sd and quantiles use
    out = pd.DataFrame(
        {
            "n_replications": n,
            "n_missing": g.size() - n,
            "mean": g.mean(),
            "sd": g.std(ddof=1),
            "q_low": g.quantile(alpha / 2),
            "q_high": g.quantile(1 - alpha / 2),
        }
    )
    # t-interval with n - 1 degrees of freedom; NaN for n < 2 (sd is NaN there)
    half = _t_half_width(out["sd"], n, alpha)
    out.insert(4, "ci_low", out["mean"] - half)
    out.insert(5, "ci_high", out["mean"] + half)
    out = out.reset_index()
    out["metric"] = pd.Categorical(out["metric"], categories=metrics)
    out = out.sort_values([*by, "metric"], kind="stable").reset_index(drop=True)
    out["metric"] = out["metric"].astype(str)
    return out
