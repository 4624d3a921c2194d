"""Observational comparisons of groups that nobody randomised, raw and adjusted.

- :func:`adjusted_comparison`: group differences before and after regression adjustment;
- :func:`relative_lift`: one group's mean relative to reference groups ("+287 %").

Adjustment removes only the confounding the covariates capture; these are associations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf

from mcstudy._validation import check_frame, check_number
from mcstudy.analysis._common import (
    category_cells,
    check_events,
    check_full_rank,
    check_regression_inputs,
    design_columns,
    fit_logit,
    group_param,
    no_missing,
    numeric_outcome,
    observed_levels,
    plain,
    reference_order,
)
from mcstudy.analysis.results import Estimate

__all__ = [
    "AdjustedComparison",
    "RelativeLift",
    "adjusted_comparison",
    "relative_lift",
]


@dataclass(frozen=True)
class AdjustedComparison(Estimate):
    """Observational comparison of groups against a reference group, raw and adjusted.

    Each tuple has one entry per non-reference group, in the order of ``groups``.
    ``effect`` is the regression coefficient of the group indicator: a difference in the
    mean outcome (``family="ols"``) or a log odds ratio (``family="logit"``).
    """

    group: str
    outcome: str
    reference: object
    covariates: tuple[str, ...]
    family: str
    method: str
    n: int
    groups: tuple
    n_group: tuple[int, ...]
    mean: tuple[float, ...]
    reference_mean: float
    unadjusted_difference: tuple[float, ...]
    effect: tuple[float, ...]
    ci_low: tuple[float, ...]
    ci_high: tuple[float, ...]
    pvalue: tuple[float, ...]

    def summary(self) -> pd.DataFrame:
        """Return one row per group: sizes, means, raw difference, adjusted effect, CI, p."""
        k = len(self.groups)
        return pd.DataFrame(
            {
                "group": list(self.groups),
                "reference": [self.reference] * k,
                "outcome": [self.outcome] * k,
                "n": list(self.n_group),
                "mean": list(self.mean),
                "reference_mean": [self.reference_mean] * k,
                "unadjusted_difference": list(self.unadjusted_difference),
                "adjusted_effect": list(self.effect),
                "ci_low": list(self.ci_low),
                "ci_high": list(self.ci_high),
                "pvalue": list(self.pvalue),
                "effect_scale": [
                    "log odds ratio" if self.family == "logit" else "difference in means"
                ]
                * k,
                "method": [self.method] * k,
            }
        )


def adjusted_comparison(
    df: pd.DataFrame,
    *,
    group: str,
    outcome: str,
    covariates: Sequence[str] = (),
    reference: object = None,
    family: str = "ols",
    alpha: float = 0.05,
) -> AdjustedComparison:
    """Compare an outcome across non-randomised groups, before and after adjustment.

    Fits ``outcome ~ group + covariates`` with the statsmodels formula API, the reference
    group as baseline. Numeric covariates enter linearly; categorical, string and boolean
    covariates as treatment-coded dummies.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per customer.
    group : str
        Column defining the groups compared.
    outcome : str
        Numeric outcome column; must be 0/1 when ``family="logit"``.
    covariates : sequence of str, default=()
        Adjustment columns (pre-treatment characteristics only).
    reference : object, default=None
        Baseline group; the first category (categorical) or smallest value when None.
    family : {"ols", "logit"}, default="ols"
        Linear regression with HC3 heteroskedasticity-robust standard errors [1]_, or logistic
        regression with maximum-likelihood standard errors.
    alpha : float, default=0.05
        Confidence intervals have level ``1 - alpha``.

    Returns
    -------
    AdjustedComparison
        Frozen result; ``summary()`` gives one row per non-reference group.

    Raises
    ------
    TypeError
        If ``df`` is not a DataFrame or ``outcome`` is not numeric.
    ValueError
        If columns are missing (listed), ``reference`` is not a group, a group has fewer than
        2 rows, rows have missing values, or a logit outcome is not 0/1; with
        ``family="logit"``, also if the outcome has no events or only events in a group or in
        a level of a discrete covariate (the group or level is named), or the fit does not
        converge: the log odds ratio is then infinite (separation), and statsmodels would
        return an arbitrary large number with a huge interval.

    Notes
    -----
    The groups are not randomised, so the adjusted effect is causal only if the covariates
    capture every common cause of group and outcome; the gap between the unadjusted and the
    adjusted effect shows how much of the raw difference the covariates account for.

    References
    ----------
    .. [1] J. G. MacKinnon and H. White, "Some heteroskedasticity-consistent covariance matrix
       estimators with improved finite sample properties", Journal of Econometrics 29(3),
       305-325, 1985.
    """
    covariates, alpha, y = check_regression_inputs(
        df, {"group": group, "outcome": outcome}, covariates, family=family, alpha=alpha
    )
    levels = observed_levels(df[group])
    if len(levels) < 2:
        raise ValueError(
            f"'group' column {group!r} must have at least 2 groups to compare; got "
            f"{[plain(lv) for lv in levels]}."
        )
    order = reference_order(levels, reference, "groups")
    reference = order[0]
    counts = df[group].value_counts()
    small = {lv: int(counts[lv]) for lv in order if counts[lv] < 2}
    if small:
        raise ValueError(f"every group needs at least 2 rows; got counts {small}.")

    # Internal names keep the formula independent of the user's column names.
    frame = pd.DataFrame({"y": y, "g": pd.Categorical(df[group].to_numpy(), categories=order)})
    frame = pd.concat([frame, design_columns(df, covariates).set_axis(frame.index)], axis=1)
    terms = ["g", *(f"x{i}" for i in range(len(covariates)))]
    formula = "y ~ " + " + ".join(terms)
    check_full_rank(smf.ols(formula, frame), f"{outcome!r} ~ {group!r} + covariates {covariates}")
    if family == "ols":
        fit = smf.ols(formula, frame).fit(cov_type="HC3")
        method = "OLS, HC3 robust standard errors"
    else:
        g = frame["g"].to_numpy()
        check_events(
            y,
            outcome,
            [(f"group {plain(lv)!r} of {group!r}", g == lv) for lv in order]
            + category_cells(df, covariates),
        )
        fit = fit_logit(formula, frame, outcome=outcome)
        method = "logistic regression, maximum-likelihood standard errors"
    method += f"; adjusted for {covariates}" if covariates else "; no covariates"
    ci = fit.conf_int(alpha=alpha)

    others = order[1:]
    names = [group_param(fit.params.index, lv) for lv in others]
    ref_mean = float(y[frame["g"] == reference].mean())
    means = tuple(float(y[frame["g"] == lv].mean()) for lv in others)
    return AdjustedComparison(
        group=group,
        outcome=outcome,
        reference=reference,
        covariates=tuple(covariates),
        family=family,
        method=method,
        n=int(fit.nobs),
        groups=tuple(others),
        n_group=tuple(int(counts[lv]) for lv in others),
        mean=means,
        reference_mean=ref_mean,
        unadjusted_difference=tuple(m - ref_mean for m in means),
        effect=tuple(float(fit.params[n]) for n in names),
        ci_low=tuple(float(ci.loc[n].iloc[0]) for n in names),
        ci_high=tuple(float(ci.loc[n].iloc[1]) for n in names),
        pvalue=tuple(float(fit.pvalues[n]) for n in names),
    )


@dataclass(frozen=True)
class LiftEstimate(Estimate):
    """One relative lift with its confidence interval and p-value (``lift = 2.87``: +287 %)."""

    lift: float
    ci_low: float
    ci_high: float
    pvalue: float

    @property
    def ci(self) -> tuple[float, float]:
        """The confidence interval ``(ci_low, ci_high)``."""
        return (self.ci_low, self.ci_high)

    def describe(self) -> str:
        """The lift and its interval in percent, e.g. ``'+24 % (95 % CI -25 % to +104 %)'``."""
        lift, low, high = (f"{100 * v:+.0f} %" for v in (self.lift, self.ci_low, self.ci_high))
        return f"{lift} (95 % CI {low} to {high})"


_NO_LIFT = LiftEstimate(float("nan"), float("nan"), float("nan"), float("nan"))


@dataclass(frozen=True)
class RelativeLift(Estimate):
    """Relative difference in the mean outcome of one group against reference groups.

    ``lift = mean(group) / mean(reference) - 1``, unadjusted and adjusted for covariates;
    ``relative_lift = 2.87`` means "+287 %".
    """

    group: str
    level: object
    reference: tuple
    outcome: str
    covariates: tuple[str, ...]
    method: str
    n: int
    n_level: int
    n_reference: int
    mean: float
    reference_mean: float
    unadjusted: LiftEstimate
    adjusted: LiftEstimate

    def summary(self) -> pd.DataFrame:
        """Return two rows, ``unadjusted`` and ``adjusted``: lift, CI and p-value."""
        rows = [("unadjusted", self.unadjusted)]
        if self.covariates:
            rows.append(("adjusted", self.adjusted))
        out = pd.DataFrame(
            [(name, e.lift, e.ci_low, e.ci_high, e.pvalue) for name, e in rows],
            columns=["estimate", "relative_lift", "ci_low", "ci_high", "pvalue"],
        )
        out.insert(0, "reference", " + ".join(map(str, self.reference)))
        out.insert(0, "level", self.level)
        out.insert(0, "outcome", self.outcome)
        out["mean"] = self.mean
        out["reference_mean"] = self.reference_mean
        return out


def _ratio_fit(frame: pd.DataFrame, formula: str, alpha: float) -> LiftEstimate:
    fit = smf.glm(formula, frame, family=sm.families.Poisson()).fit(cov_type="HC0")
    low, high = fit.conf_int(alpha=alpha).loc["d"]
    return LiftEstimate(
        float(np.expm1(fit.params["d"])),
        float(np.expm1(low)),
        float(np.expm1(high)),
        float(fit.pvalues["d"]),
    )


def relative_lift(
    df: pd.DataFrame,
    *,
    group: str,
    level: object,
    outcome: str,
    reference: Sequence | None = None,
    covariates: Sequence[str] = (),
    alpha: float = 0.05,
) -> RelativeLift:
    """Relative difference in a non-negative outcome between a group and reference groups.

    Fits a log-linear (Poisson quasi-likelihood) model ``log E[y] = a + b * d + covariates``
    with ``d = 1`` for rows of ``level`` and robust (sandwich) standard errors, and reports
    ``exp(b) - 1``: the relative lift (a risk ratio minus 1 for a 0/1 outcome, a ratio of
    means minus 1 otherwise). Without covariates ``exp(b)`` is exactly the ratio of the two
    means.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per customer.
    group : str
        Column defining the groups.
    level : object
        The group compared (e.g. ``"multichannel"``).
    outcome : str
        Non-negative numeric outcome (0/1, counts or amounts).
    reference : sequence, default=None
        Levels pooled as reference (e.g. ``["phone", "web"]``); every other level when None.
        Rows in neither ``level`` nor ``reference`` are dropped.
    covariates : sequence of str, default=()
        Adjustment columns (pre-treatment characteristics only); ``adjusted`` is NaN
        without them.
    alpha : float, default=0.05
        Confidence intervals have level ``1 - alpha``.

    Returns
    -------
    RelativeLift
        ``unadjusted`` and ``adjusted`` are :class:`LiftEstimate` (``adjusted`` is all NaN
        without covariates).

    Raises
    ------
    TypeError
        If ``df`` is not a DataFrame or the outcome is not numeric.
    ValueError
        If columns are missing, ``level`` or a reference is not a group, either side has
        fewer than 2 rows or a zero mean, the outcome is negative, or rows have missing
        values.

    Notes
    -----
    The groups are not randomised: the lift is an association, and adjusting for observed
    covariates removes only the confounding they capture. The robust-variance log-linear
    model for risk ratios is the "modified Poisson" regression of [1]_.

    References
    ----------
    .. [1] G. Zou, "A modified Poisson regression approach to prospective studies with binary
       data", American Journal of Epidemiology 159(7), 702-706, 2004.
    """
    covariates = [covariates] if isinstance(covariates, str) else list(covariates)
    check_frame(df, [group, outcome, *covariates])
    alpha = check_number(alpha, "alpha", 0.0, 1.0, low_open=True, high_open=True)
    columns = [group, outcome, *covariates]
    if len(set(columns)) != len(columns):
        raise ValueError(
            f"'group', 'outcome' and 'covariates' must name different columns; got {columns}."
        )
    if isinstance(reference, str):
        raise TypeError(
            f"'reference' must be a sequence of groups, not one str; got {reference!r} (write "
            f"[{reference!r}])."
        )
    no_missing(df, group, "group", "group")
    levels = observed_levels(df[group])
    reference = [lv for lv in levels if lv != level] if reference is None else list(reference)
    for name, values in (("level", [level]), ("reference", reference)):
        unknown = [v for v in values if v not in levels]
        if unknown:
            raise ValueError(f"{name!r} must name groups among {levels}; got {unknown}.")
    if level in reference or not reference:
        raise ValueError(f"'reference' must be other groups than {level!r}; got {reference}.")
    keep = df[group].isin([level, *reference]).to_numpy()
    part = df[keep]
    if part[[outcome, *covariates]].isna().any().any():
        raise ValueError("rows compared have missing values; drop or impute them first.")
    y = numeric_outcome(part, outcome)
    if (y < 0).any():
        raise ValueError(f"outcome column {outcome!r} must be non-negative.")
    d = (part[group] == level).to_numpy()
    for name, mask in (("level", d), ("reference", ~d)):
        if mask.sum() < 2 or y[mask].mean() == 0:
            raise ValueError(
                f"the {name} group needs at least 2 rows and a non-zero mean "
                f"outcome; got {int(mask.sum())} rows, mean "
                f"{y[mask].mean() if mask.any() else float('nan'):g}."
            )
    frame = pd.DataFrame({"y": y, "d": d.astype(float)}, index=part.index)
    frame = pd.concat([frame, design_columns(part, covariates)], axis=1)
    unadjusted = _ratio_fit(frame, "y ~ d", alpha)
    adjusted = _NO_LIFT
    method = "log-linear (Poisson quasi-likelihood) model, robust HC0 standard errors"
    if covariates:
        formula = "y ~ d" + "".join(f" + x{i}" for i in range(len(covariates)))
        adjusted = _ratio_fit(frame, formula, alpha)
        method += f"; adjusted for {covariates}"
    return RelativeLift(
        group=group,
        level=level,
        reference=tuple(reference),
        outcome=outcome,
        covariates=tuple(covariates),
        method=method,
        n=int(keep.sum()),
        n_level=int(d.sum()),
        n_reference=int((~d).sum()),
        mean=float(y[d].mean()),
        reference_mean=float(y[~d].mean()),
        unadjusted=unadjusted,
        adjusted=adjusted,
    )
