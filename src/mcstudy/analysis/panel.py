"""Staggered difference in differences on panels nobody randomised.

:func:`event_study` estimates the effect of a treatment that units receive at different
periods (staggered adoption) by difference in differences with the units not yet treated, and
those never treated, as controls (Callaway and Sant'Anna 2021): for every cohort of units first
treated in the same period and every event time, the cohort's change since the period before
its treatment minus the change of the units still untreated; averaged over cohorts by their
size. Intervals come from a cluster bootstrap over units, computed for all replicates at once
with one weight matrix. The same function reports the raw comparison an analyst without the
panel would make (ever treated vs never treated), and the gap between them before treatment.

Linear models with absorbed fixed effects (:func:`fixed_effects_ols`, :func:`demean`,
:class:`FixedEffectsFit`) are in :mod:`mcstudy.analysis.fixed_effects`, and still found here.

References
----------
Callaway, B. and Sant'Anna, P. H. C. (2021). Difference-in-differences with multiple time
periods. *Journal of Econometrics* 225(2), 200-230.

Cameron, A. C., Gelbach, J. B. and Miller, D. L. (2008). Bootstrap-based improvements for
inference with clustered errors. *Review of Economics and Statistics* 90(3), 414-427.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mcstudy._random import check_rng
from mcstudy._validation import check_frame, check_int, check_number
from mcstudy.analysis.fixed_effects import FixedEffectsFit, demean, fixed_effects_ols
from mcstudy.analysis.results import Estimate

__all__ = [
    "EventStudy",
    "FixedEffectsFit",
    "demean",
    "event_study",
    "fixed_effects_ols",
]


@dataclass(frozen=True)
class EventStudy(Estimate):
    """Staggered difference in differences with not-yet-treated controls, and the raw gap.

    Attributes
    ----------
    outcome : str
        The outcome column.
    att, ci_low, ci_high : float
        Average effect on the treated over event times ``0 .. post - 1`` (outcome units), and
        its percentile bootstrap interval.
    relative, relative_ci_low, relative_ci_high : float
        ``att`` over the treated units' counterfactual mean in the same periods (their
        observed mean minus ``att``): the relative change, and its interval.
    naive, naive_ci_low, naive_ci_high : float
        Raw relative difference in the mean outcome over all periods, units ever treated vs
        units never treated: what a comparison without the panel's timing shows.
    pre_gap, pre_gap_ci_low, pre_gap_ci_high : float
        Relative difference before treatment: the analysed cohorts in their ``pre`` periods
        before treatment against the never-treated units in the same periods (selection).
    treated_mean, counterfactual_mean : float
        The treated cohorts' mean outcome over event times ``0 .. post - 1``, and that mean
        minus ``att``.
    event_times : pandas.DataFrame
        One row per event time ``-pre .. post - 1``: ``event_time``, ``att``, ``ci_low``,
        ``ci_high`` (event time -1 is the reference, 0 by construction).
    n_units, n_treated, n_never, n_cohorts, n_boot : int
        Units in the panel, units in the analysed cohorts, never-treated units, cohorts,
        bootstrap replicates.
    method : str
    """

    outcome: str
    att: float
    ci_low: float
    ci_high: float
    relative: float
    relative_ci_low: float
    relative_ci_high: float
    naive: float
    naive_ci_low: float
    naive_ci_high: float
    pre_gap: float
    pre_gap_ci_low: float
    pre_gap_ci_high: float
    treated_mean: float
    counterfactual_mean: float
    event_times: pd.DataFrame
    n_units: int
    n_treated: int
    n_never: int
    n_cohorts: int
    n_boot: int
    method: str

    def summary(self) -> pd.DataFrame:
        """Return three rows (raw gap, gap before treatment, difference in differences)."""
        return pd.DataFrame(
            {
                "outcome": self.outcome,
                "comparison": [
                    "ever vs never treated, all periods (raw)",
                    "treated cohorts vs never treated, before treatment",
                    "difference in differences, not-yet-treated controls",
                ],
                "relative_difference": [self.naive, self.pre_gap, self.relative],
                "ci_low": [self.naive_ci_low, self.pre_gap_ci_low, self.relative_ci_low],
                "ci_high": [self.naive_ci_high, self.pre_gap_ci_high, self.relative_ci_high],
                "n": [self.n_units, self.n_treated + self.n_never, self.n_units],
            }
        )


def _percentile(draws: np.ndarray, alpha: float) -> tuple[float, float]:
    low, high = np.nanquantile(draws, [alpha / 2, 1 - alpha / 2])
    return float(low), float(high)


def _balanced_matrix(
    panel: pd.DataFrame, unit: str, period: str, outcome: str, first_treated: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Outcome matrix (units x periods), sorted periods, first-treated position per unit."""
    if panel[[unit, period]].isna().any().any():
        raise ValueError(f"columns {unit!r} and {period!r} must have no missing values.")
    for col in (period, first_treated):
        series = panel[col]
        if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            first = f" (first value {series.iloc[0]!r})" if len(series) else ""
            raise TypeError(
                f"'panel' column {col!r} must be numeric (periods, missing for never treated); "
                f"got dtype {series.dtype}{first}."
            )
    y = pd.to_numeric(panel[outcome], errors="coerce").to_numpy(dtype=float)
    if not np.isfinite(y).all():
        bad = int(np.flatnonzero(~np.isfinite(y))[0])
        raise ValueError(
            f"column {outcome!r} must be finite numbers; got {panel[outcome].iloc[bad]!r} "
            f"(row {bad})."
        )
    units, u = np.unique(panel[unit].to_numpy(), return_inverse=True)
    periods, t = np.unique(panel[period].to_numpy(), return_inverse=True)
    n_u, n_t = len(units), len(periods)
    if len(panel) != n_u * n_t or np.bincount(u * n_t + t, minlength=n_u * n_t).max() != 1:
        raise ValueError(
            f"'panel' must be balanced: one row per {unit!r} and {period!r} ({n_u} units x "
            f"{n_t} periods = {n_u * n_t} rows); got {len(panel)} rows."
        )
    matrix = np.empty((n_u, n_t))
    matrix[u, t] = y
    first = pd.to_numeric(panel[first_treated], errors="coerce").to_numpy(dtype=float)
    per_unit = np.full(n_u, np.nan)
    per_unit[u] = first
    check = np.full(n_u, np.nan)
    np.fmax.at(check, u, first)
    same = (per_unit == check) | (np.isnan(per_unit) & np.isnan(check))
    if not same.all():
        raise ValueError(
            f"column {first_treated!r} must be constant within each {unit!r}; unit "
            f"{units[np.flatnonzero(~same)[0]]!r} has several values."
        )
    treated_in = ~np.isnan(per_unit)
    infinite = treated_in & ~np.isfinite(per_unit)
    inside = treated_in & (per_unit >= periods[0]) & (per_unit <= periods[-1])
    between = inside & ~np.isin(per_unit, periods)
    if infinite.any() or between.any():
        k = int(np.flatnonzero(infinite | between)[0])
        raise ValueError(
            f"column {first_treated!r} must be one of the periods of {period!r}, a finite period "
            f"before or after them, or missing (never treated); unit {units[k]!r} has "
            f"{per_unit[k]!r}."
        )
    # position of the first treated period: periods are sorted; earlier than the panel -> -1
    position = np.full(n_u, np.inf)
    treated = ~np.isnan(per_unit)
    position[treated] = np.searchsorted(periods, per_unit[treated], side="left")
    before = treated & (per_unit < periods[0])
    position[before] = -1
    return matrix, periods, position


def event_study(
    panel: pd.DataFrame,
    *,
    unit: str,
    period: str,
    outcome: str,
    first_treated: str,
    pre: int = 6,
    post: int = 8,
    n_boot: int = 999,
    alpha: float = 0.05,
    rng=None,
) -> EventStudy:
    """Difference in differences for staggered treatment, with not-yet-treated controls.

    Parameters
    ----------
    panel : pandas.DataFrame
        A balanced long panel: one row per unit and period.
    unit, period, outcome : str
        Columns: unit id, period (sortable; consecutive periods are consecutive positions),
        numeric outcome.
    first_treated : str
        Column holding each unit's first treated period (constant within a unit), missing for
        units never treated. Units treated before the panel's first period are treated
        throughout and never serve as controls.
    pre : int, default=6
        Event times shown before treatment (``-pre .. -2``; -1 is the reference). Cohorts need
        ``pre`` periods before treatment to be analysed.
    post : int, default=8
        Event times ``0 .. post - 1`` averaged into the effect; cohorts need them in the panel.
    n_boot : int, default=999
        Cluster bootstrap replicates (units drawn with replacement).
    alpha : float, default=0.05
        One minus the interval's coverage.
    rng : None, int or numpy.random.Generator
        Seed of the bootstrap.

    Returns
    -------
    EventStudy

    Raises
    ------
    TypeError, ValueError
        If ``panel`` is not a DataFrame with the columns, is not balanced, the outcome is not
        finite, ``period`` or ``first_treated`` is not numeric, ``first_treated`` varies within
        a unit, is infinite or falls between two periods of the panel, no cohort or no
        never-treated unit is left to compare, a relative difference divides by a mean of 0
        (an outcome that is 0 throughout), or no bootstrap replicate draws a cohort with its
        controls (too few units). A bootstrap replicate that draws a cohort without any of
        its controls gives no estimate and is left out of the percentiles.

    Notes
    -----
    For cohort ``g`` (units first treated at period ``g``) and event time ``e``, the effect
    is ``[Y(g, g+e) - Y(g, g-1)] - [Y(C, g+e) - Y(C, g-1)]`` with ``C`` the units not treated
    by period ``max(g+e, g-1)`` (not yet treated, or never); it is averaged over cohorts with
    their sizes as weights, then over ``e = 0 .. post - 1``. It assumes parallel trends of
    the treated and the not-yet-treated and no anticipation; the event times before treatment
    show whether the trends were parallel. Each bootstrap replicate redraws the units (all
    their periods together), so the interval allows any correlation within a unit.

    Examples
    --------
    >>> study = event_study(hw, unit="household_id", period="week", outcome="n_baskets",
    ...                     first_treated="first_week", rng=1)  # doctest: +SKIP
    """
    check_frame(panel, [unit, period, outcome, first_treated], "panel")
    pre = check_int(pre, "pre", 1, 10_000)
    post = check_int(post, "post", 1, 10_000)
    n_boot = check_int(n_boot, "n_boot", 1, 1_000_000)
    alpha = check_number(alpha, "alpha", 0, 1, low_open=True, high_open=True)
    rng = np.random.default_rng(check_rng(rng))
    y, periods, first = _balanced_matrix(panel, unit, period, outcome, first_treated)
    n_u, n_t = y.shape
    cohorts = np.unique(first[np.isfinite(first) & (first >= pre) & (first + post <= n_t)])
    never = np.isinf(first)
    if not len(cohorts):
        raise ValueError(
            f"no cohort has {pre} periods before and {post} from its first treated period in "
            f"the panel ({n_t} periods); lower 'pre' or 'post'."
        )
    if not never.any():
        raise ValueError(f"'panel' has no never-treated unit (missing {first_treated!r}).")
    cohorts = cohorts.astype(int)

    # weights: row 0 the sample itself, rows 1.. cluster bootstrap draws of units
    weights = np.empty((n_boot + 1, n_u))
    weights[0] = 1.0
    weights[1:] = rng.multinomial(n_u, np.full(n_u, 1.0 / n_u), size=n_boot)

    def sums(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return weights[:, mask] @ y[mask], weights[:, mask].sum(axis=1)

    # untreated-by-s sums: units first treated after position s (or never), for every s
    levels = np.unique(first[np.isfinite(first)])
    tail_sum, tail_n = sums(never)
    control_sum = np.empty((n_t, n_boot + 1, n_t))
    control_n = np.empty((n_t, n_boot + 1))
    for s in range(n_t - 1, -1, -1):  # periods, not units: add the cohort treated at s + 1
        if (s + 1) in levels:
            add_sum, add_n = sums(first == s + 1)
            tail_sum, tail_n = tail_sum + add_sum, tail_n + add_n
        control_sum[s], control_n[s] = tail_sum, tail_n

    event = np.arange(-pre, post)
    att_ge = np.zeros((len(cohorts), n_boot + 1, len(event)))
    size = np.empty((len(cohorts), n_boot + 1))
    treated_post = np.zeros((len(cohorts), n_boot + 1))
    treated_pre = np.zeros((len(cohorts), n_boot + 1))
    never_sum, never_n = sums(never)
    never_pre = np.zeros((len(cohorts), n_boot + 1))
    for i, g in enumerate(cohorts):  # cohorts, not units
        s_g, n_g = sums(first == g)
        size[i] = n_g
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_g = s_g / n_g[:, None]
            for j, e in enumerate(event):
                s = max(g + e, g - 1)
                c_mean = control_sum[s] / control_n[s][:, None]
                att_ge[i, :, j] = (mean_g[:, g + e] - mean_g[:, g - 1]) - (
                    c_mean[:, g + e] - c_mean[:, g - 1]
                )
            treated_post[i] = s_g[:, g : g + post].sum(axis=1)
            treated_pre[i] = s_g[:, g - pre : g].sum(axis=1)
            never_pre[i] = n_g * never_sum[:, g - pre : g].sum(axis=1) / never_n
    total = size.sum(axis=0)
    # a replicate that draws a cohort but none of its controls has no estimate
    no_control = ((size > 0) & np.isnan(att_ge).any(axis=2)).any(axis=0)
    att_e = np.einsum("cb,cbe->be", size, np.nan_to_num(att_ge)) / total[:, None]
    att_e[no_control] = np.nan
    att = att_e[:, event >= 0].mean(axis=1)
    treated_mean = treated_post.sum(axis=0) / (post * total)
    counterfactual = treated_mean - att
    relative = att / counterfactual

    ever = np.isfinite(first)
    ever_sum, ever_n = sums(ever)
    naive = (ever_sum.sum(axis=1) / ever_n) / (never_sum.sum(axis=1) / never_n) - 1
    pre_gap = treated_pre.sum(axis=0) / never_pre.sum(axis=0) - 1
    for label, denominator in (
        ("over the treated units' counterfactual (relative)", counterfactual[0]),
        ("over the never-treated units (naive)", never_sum[0].sum() / never_n[0]),
        ("over the never-treated units before treatment (pre_gap)", never_pre[:, 0].sum()),
    ):
        if denominator == 0:
            raise ValueError(
                f"the mean of {outcome!r} {label} is 0: the relative difference divides by it "
                "and is undefined; use an outcome whose mean is not 0."
            )
    if not np.isfinite(att[1:]).any():
        raise ValueError(
            f"too few units for the cluster bootstrap: no bootstrap replicate of {n_boot} drew "
            f"a cohort with its controls ({n_u} units, {int(never.sum())} never treated); give "
            "more units or more replicates."
        )

    table = pd.DataFrame(
        {
            "event_time": event,
            "att": att_e[0],
            "ci_low": [_percentile(att_e[1:, j], alpha)[0] for j in range(len(event))],
            "ci_high": [_percentile(att_e[1:, j], alpha)[1] for j in range(len(event))],
        }
    )
    return EventStudy(
        outcome=outcome,
        att=float(att[0]),
        ci_low=_percentile(att[1:], alpha)[0],
        ci_high=_percentile(att[1:], alpha)[1],
        relative=float(relative[0]),
        relative_ci_low=_percentile(relative[1:], alpha)[0],
        relative_ci_high=_percentile(relative[1:], alpha)[1],
        naive=float(naive[0]),
        naive_ci_low=_percentile(naive[1:], alpha)[0],
        naive_ci_high=_percentile(naive[1:], alpha)[1],
        pre_gap=float(pre_gap[0]),
        pre_gap_ci_low=_percentile(pre_gap[1:], alpha)[0],
        pre_gap_ci_high=_percentile(pre_gap[1:], alpha)[1],
        treated_mean=float(treated_mean[0]),
        counterfactual_mean=float(counterfactual[0]),
        event_times=table,
        n_units=int(n_u),
        n_treated=int(size[:, 0].sum()),
        n_never=int(never.sum()),
        n_cohorts=len(cohorts),
        n_boot=n_boot,
        method=(
            f"difference in differences for staggered treatment (Callaway-Sant'Anna), "
            f"not-yet-treated and never-treated controls, base period -1, event times 0-"
            f"{post - 1} averaged, cohorts weighted by size; {1 - alpha:.0%} percentile "
            f"intervals from a cluster bootstrap of units ({n_boot} replicates)"
        ),
    )
