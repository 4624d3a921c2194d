"""Causal effects of randomised arms: per arm, per subgroup, and whether they differ.

- :func:`arm_effects`: each randomised arm against a control arm;
- :func:`subgroup_effects`: the same within each level of a pre-treatment characteristic;
- :func:`interaction_test`: whether the effect differs between subgroups.

The functions take one row per customer: the Hillstrom table from
:func:`mcstudy.io.hillstrom.hillstrom_customer_table` and simulator output alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import stats as sps
from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep

from mcstudy._validation import check_frame, check_number, check_option
from mcstudy.analysis._common import (
    binary_column,
    category_cells,
    check_events,
    check_full_rank,
    check_regression_inputs,
    design_columns,
    fit_logit,
    group_param,
    is_binary,
    no_missing,
    numeric_outcome,
    observed_levels,
    plain,
    reference_order,
)
from mcstudy.analysis.results import Estimate

__all__ = [
    "InteractionTest",
    "arm_effects",
    "interaction_test",
    "subgroup_effects",
]


ARM_EFFECT_COLUMNS = (
    "arm",
    "outcome",
    "n",
    "mean",
    "control_mean",
    "difference",
    "ci_low",
    "ci_high",
    "relative_lift",
    "pvalue",
    "method",
)


_PROPORTION_METHOD = "difference in proportions: Newcombe hybrid score CI, score test"


_WELCH_METHOD = "difference in means: Welch t-test and Welch CI"


def _outcome_methods(df: pd.DataFrame, outcomes: Sequence[str], method: str) -> dict[str, str]:
    """``"proportion"`` or ``"welch"`` for each outcome, decided on every row of ``df``."""
    methods = {}
    for outcome in outcomes:
        binary = is_binary(numeric_outcome(df, outcome))
        if method == "proportion" and not binary:
            raise ValueError(
                f"method='proportion' needs 0/1 outcomes; column {outcome!r} has other values."
            )
        methods[outcome] = "proportion" if binary and method != "welch" else "welch"
    return methods


def _check_outcomes(outcomes: list, arm: str, by: str | None = None) -> None:
    """Raise if an outcome is named twice or is the arm (or subgroup) column."""
    repeated = sorted({o for o in outcomes if outcomes.count(o) > 1}, key=str)
    if repeated:
        raise ValueError(f"'outcomes' must name each column once; got {outcomes}.")
    taken = [c for c in (arm, by) if c is not None and c in outcomes]
    if taken:
        raise ValueError(
            f"'outcomes' must name other columns than {taken[0]!r} (the "
            f"{'arm' if taken[0] == arm else 'subgroup'} column); got {outcomes}."
        )


def _welch(
    y1: np.ndarray, y0: np.ndarray, alpha: float, outcome: str, level: object, control: object
) -> tuple[float, float, float]:
    """Welch interval and p-value; a constant outcome in both arms has no sampling variation."""
    if (y1 == y1[0]).all() and (y0 == y0[0]).all():
        if y1[0] == y0[0]:  # difference exactly 0 and nothing varies: nothing to test
            return 0.0, 0.0, 1.0
        raise ValueError(
            f"outcome {outcome!r} is constant within each arm ({plain(level)!r}: {y1[0]:g}, "
            f"{plain(control)!r}: {y0[0]:g}): with zero variance in both arms the Welch test "
            "and interval are undefined."
        )
    res = sps.ttest_ind(y1, y0, equal_var=False)
    ci = res.confidence_interval(confidence_level=1 - alpha)
    return float(ci.low), float(ci.high), float(res.pvalue)


def arm_effects(
    df: pd.DataFrame,
    *,
    outcomes: Sequence[str],
    arm: str = "arm",
    control: object = "control",
    alpha: float = 0.05,
    method: str = "auto",
) -> pd.DataFrame:
    """Estimate the effect of each randomised arm against the control arm.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per customer.
    arm : str, default="arm"
        Column holding the randomised arm.
    control : object, default="control"
        Value of ``arm`` that marks the control arm.
    outcomes : sequence of str
        Numeric outcome columns.
    alpha : float, default=0.05
        Confidence intervals have level ``1 - alpha``; must be in (0, 1).
    method : {"auto", "proportion", "welch"}, default="auto"
        ``"auto"`` treats an outcome whose values are all 0 or 1 in ``df`` (every row, all
        arms) as binary and every other outcome as continuous; ``"proportion"`` requires
        every outcome to be binary; ``"welch"`` uses the Welch t-test for every outcome.
        The decision is made once per outcome on the whole table: a dollar outcome that
        happens to be 0 for every customer of ``df`` is analysed as binary by ``"auto"``,
        so pass ``method="welch"`` when ``df`` is a subset (:func:`subgroup_effects`
        decides on the whole table and passes it on).

    Returns
    -------
    pandas.DataFrame
        One row per non-control arm and outcome (arms in category or sorted order), columns
        ``arm, outcome, n, mean, control_mean, difference, ci_low, ci_high, relative_lift,
        pvalue, method``. ``n`` is the size of the treated arm, ``difference`` is
        treated mean minus control mean and ``relative_lift = difference / control_mean``
        (NaN when the control mean is 0).

    Raises
    ------
    TypeError
        If ``df`` is not a DataFrame or an outcome column is not numeric.
    ValueError
        If columns are missing (listed), rows have a missing ``arm`` (their number is given;
        drop them explicitly), ``control`` is not a value of ``arm``, an arm has fewer than
        2 customers, an outcome has missing values, ``method="proportion"`` is used on a
        non-binary outcome, or a continuous outcome is constant within each arm at
        different values (the Welch test is undefined).

    Notes
    -----
    Binary outcomes: the difference in proportions, with the Newcombe hybrid score interval
    ([1], method 10; statsmodels ``confint_proportions_2indep(method="newcomb")``) and the
    two-sided score test ([2]; ``test_proportions_2indep(method="score")``). Continuous
    outcomes: Welch's unequal-variance t-test and its confidence interval with
    Welch-Satterthwaite degrees of freedom ([3]; ``scipy.stats.ttest_ind(equal_var=False)``).
    When every customer of both arms has the same 0/1 value the score test is undefined and
    ``pvalue`` is 1. Likewise, when a continuous outcome takes one and the same value for
    every customer of both arms (e.g. no spend at all), the difference is 0 with no sampling
    variation: ``pvalue`` is 1 and the interval is the single point ``[0, 0]`` (Welch's
    standard error is 0); the same value in each arm but different between arms raises.
    The ``method`` column states which method was used. The effects are causal only if arms
    were randomised.

    References
    ----------
    .. [1] R. G. Newcombe, "Interval estimation for the difference between independent
       proportions: comparison of eleven methods", Statistics in Medicine 17(8), 873-890, 1998.
    .. [2] O. Miettinen and M. Nurminen, "Comparative analysis of two rates", Statistics in
       Medicine 4(2), 213-226, 1985.
    .. [3] B. L. Welch, "The generalization of 'Student's' problem when several different
       population variances are involved", Biometrika 34(1-2), 28-35, 1947.

    Examples
    --------
    >>> arm_effects(customers, outcomes=["converted"])  # doctest: +SKIP
    """
    if isinstance(outcomes, str):
        outcomes = [outcomes]
    outcomes = list(outcomes)
    if not outcomes:
        raise ValueError("'outcomes' must name at least one column; got [].")
    _check_outcomes(outcomes, arm)
    check_frame(df, [arm, *outcomes])
    alpha = check_number(alpha, "alpha", 0.0, 1.0, low_open=True, high_open=True)
    check_option(method, "method", ("auto", "proportion", "welch"))
    no_missing(df, arm, "arm", "arm")
    methods = _outcome_methods(df, outcomes, method)
    levels = observed_levels(df[arm])
    if control not in levels:
        raise ValueError(f"'control' must be one of the arms {levels}; got {control!r}.")
    if len(levels) < 2:
        raise ValueError(
            f"'df' column {arm!r} must hold the control arm and at least one other arm; got "
            f"{[plain(lv) for lv in levels]}."
        )
    counts = df[arm].value_counts()
    small = {lv: int(counts.get(lv, 0)) for lv in levels if counts.get(lv, 0) < 2}
    if small:
        raise ValueError(f"every arm needs at least 2 customers; got counts {small}.")

    is_control = (df[arm] == control).to_numpy()
    rows = []
    for outcome in outcomes:
        y = numeric_outcome(df, outcome)
        binary = methods[outcome] == "proportion"
        y0 = y[is_control]
        for level in levels:
            if level == control:
                continue
            y1 = y[(df[arm] == level).to_numpy()]
            if binary:
                args = (y1.sum(), len(y1), y0.sum(), len(y0))
                # statsmodels also computes ratios that divide by 0 when a rate is 0 or 1.
                with np.errstate(divide="ignore", invalid="ignore"):
                    low, high = confint_proportions_2indep(*args, method="newcomb", alpha=alpha)
                    p_value = test_proportions_2indep(*args, method="score").pvalue
                if args[0] + args[2] in (0, args[1] + args[3]):  # no variation: difference 0
                    p_value = 1.0
                label = _PROPORTION_METHOD
            else:
                low, high, p_value = _welch(y1, y0, alpha, outcome, level, control)
                label = _WELCH_METHOD
            if not np.isfinite([low, high, p_value]).all():  # never hand on a NaN silently
                raise ValueError(
                    f"outcome {outcome!r}, arm {plain(level)!r} vs {plain(control)!r}: the "
                    f"interval [{low:g}, {high:g}] or p-value {p_value:g} is not finite "
                    f"({label}); check the outcome's scale."
                )
            diff = y1.mean() - y0.mean()
            rows.append(
                (
                    level,
                    outcome,
                    len(y1),
                    y1.mean(),
                    y0.mean(),
                    diff,
                    float(low),
                    float(high),
                    diff / y0.mean() if y0.mean() != 0 else np.nan,
                    float(p_value),
                    label,
                )
            )
    return pd.DataFrame(rows, columns=list(ARM_EFFECT_COLUMNS))


def subgroup_effects(
    df: pd.DataFrame,
    *,
    by: str,
    outcomes: Sequence[str],
    arm: str = "arm",
    control: object = "control",
    alpha: float = 0.05,
    method: str = "auto",
) -> pd.DataFrame:
    """Estimate the randomised arm effects separately within each subgroup.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per customer.
    by : str
        Column defining the subgroups (a pre-treatment characteristic, such as past channel
        or a recency bucket).
    arm, control, outcomes, alpha
        As in :func:`arm_effects`.
    method : {"auto", "proportion", "welch"}, default="auto"
        As in :func:`arm_effects`, but decided once per outcome on the whole table and used
        in every subgroup: with ``"auto"`` a dollar outcome that is 0 for everyone in one
        subgroup still gets the Welch interval there, not a proportion interval.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`arm_effects` preceded by ``subgroup`` (the name ``by``) and
        ``level`` (the subgroup), one block per level in category (or sorted) order.

    Raises
    ------
    TypeError, ValueError
        As in :func:`arm_effects`, which runs inside each subgroup (every arm needs at least 2
        customers in every subgroup); also if ``by`` is missing or rows have a missing
        subgroup (their number is given; drop them explicitly).

    Notes
    -----
    Within a subgroup the arms are still randomised, so each row is a causal effect for that
    subgroup. Whether two subgroups' effects differ is a separate question, answered by
    :func:`interaction_test`; separate intervals that overlap do not show equal effects.
    """
    if isinstance(outcomes, str):
        outcomes = [outcomes]
    outcomes = list(outcomes)
    if by == arm:
        raise ValueError(f"'by' must be another column than 'arm' ({arm!r}); got {by!r}.")
    _check_outcomes(outcomes, arm, by)
    check_frame(df, [by, arm, *outcomes])
    check_option(method, "method", ("auto", "proportion", "welch"))
    no_missing(df, by, "by", "subgroup")
    no_missing(df, arm, "arm", "arm")
    methods = _outcome_methods(df, outcomes, method)
    frames = []
    for level in observed_levels(df[by]):
        rows = df[(df[by] == level).to_numpy()]
        # One call per outcome keeps arm_effects' row order (outcome, then arm).
        try:
            part = pd.concat(
                [
                    arm_effects(
                        rows,
                        arm=arm,
                        control=control,
                        outcomes=[outcome],
                        alpha=alpha,
                        method=methods[outcome],
                    )
                    for outcome in outcomes
                ],
                ignore_index=True,
            )
        except ValueError as exc:
            raise ValueError(f"subgroup {plain(level)!r} of {by!r}: {exc}") from exc
        part.insert(0, "level", level)
        part.insert(0, "subgroup", by)
        frames.append(part)
    return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True)
class InteractionTest(Estimate):
    """Test of whether a randomised treatment's effect differs between subgroups.

    Each tuple has one entry per non-reference level of the moderator, in the order of
    ``levels``. ``effect`` is the interaction coefficient: the treatment effect in that level
    minus the treatment effect in the reference level, as a difference in means
    (``family="ols"``) or a ratio of odds ratios on the log scale (``family="logit"``).
    ``statistic`` and ``joint_pvalue`` test that every interaction coefficient is 0 (Wald
    chi-squared with ``df`` degrees of freedom).
    """

    treatment: str
    moderator: str
    outcome: str
    reference: object
    covariates: tuple[str, ...]
    family: str
    method: str
    n: int
    levels: tuple
    effect: tuple[float, ...]
    ci_low: tuple[float, ...]
    ci_high: tuple[float, ...]
    pvalue: tuple[float, ...]
    statistic: float
    df: int
    joint_pvalue: float

    def summary(self) -> pd.DataFrame:
        """Return one row per non-reference level, with the joint test repeated on each row."""
        k = len(self.levels)
        return pd.DataFrame(
            {
                "moderator": [self.moderator] * k,
                "level": list(self.levels),
                "reference": [self.reference] * k,
                "outcome": [self.outcome] * k,
                "interaction": list(self.effect),
                "ci_low": list(self.ci_low),
                "ci_high": list(self.ci_high),
                "pvalue": list(self.pvalue),
                "joint_chi2": [self.statistic] * k,
                "joint_df": [self.df] * k,
                "joint_pvalue": [self.joint_pvalue] * k,
                "effect_scale": [
                    "log odds ratio" if self.family == "logit" else "difference in means"
                ]
                * k,
            }
        )


def interaction_test(
    df: pd.DataFrame,
    *,
    treatment: str,
    moderator: str,
    outcome: str,
    covariates: Sequence[str] = (),
    reference: object = None,
    family: str = "ols",
    alpha: float = 0.05,
) -> InteractionTest:
    """Test whether a randomised treatment's effect differs across levels of a moderator.

    Fits ``outcome ~ treatment * moderator + covariates`` (statsmodels formula API), the
    moderator as treatment-coded dummies with ``reference`` as baseline, and tests the
    treatment × moderator coefficients one by one and jointly.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per customer.
    treatment : str
        0/1 column: randomly assigned treatment (e.g. received any e-mail).
    moderator : str
        Pre-treatment column defining the subgroups; every value is a level.
    outcome : str
        Numeric outcome; 0/1 when ``family="logit"``.
    covariates : sequence of str, default=()
        Pre-treatment adjustment columns (they sharpen the estimate; randomisation already
        makes it unbiased).
    reference : object, default=None
        Baseline level of the moderator; the first category (or smallest value) when None.
    family : {"ols", "logit"}, default="ols"
        Linear model with HC3 robust standard errors (interactions are differences of
        effects on the outcome's own scale; for a 0/1 outcome, in percentage points), or
        logistic regression (differences of log odds ratios).
    alpha : float, default=0.05
        Confidence intervals have level ``1 - alpha``.

    Returns
    -------
    InteractionTest

    Raises
    ------
    TypeError
        If ``df`` is not a DataFrame or the outcome is not numeric.
    ValueError
        If columns are missing, ``treatment`` is not 0/1, the moderator has fewer than 2
        levels, ``reference`` is not a level, rows have missing values, or a logit outcome is
        not 0/1; if a moderator level has fewer than 2 treated or 2 control customers (the
        levels and their counts are given) or the design is otherwise rank-deficient (a
        covariate collinear with the rest): the interaction is then not identified; and,
        with ``family="logit"``, if the outcome has no events or only events in a
        treatment × moderator cell or a level of a discrete covariate, or the fit does not
        converge (separation).

    Notes
    -----
    The scale matters: on the additive scale (``"ols"``) a group with a higher baseline
    rate can show a larger effect while the relative effect is the same [1]_. Report the
    scale the question is about; for targeting, the additive scale (extra buyers per
    customer contacted) is the relevant one.

    References
    ----------
    .. [1] T. J. VanderWeele and M. J. Knol, "A tutorial on interaction", Epidemiologic
       Methods 3(1), 33-72, 2014.
    """
    covariates, alpha, y = check_regression_inputs(
        df,
        {"treatment": treatment, "moderator": moderator, "outcome": outcome},
        covariates,
        family=family,
        alpha=alpha,
    )
    t = binary_column(df, treatment)
    levels = observed_levels(df[moderator])
    if len(levels) < 2:
        raise ValueError(f"'moderator' {moderator!r} must have at least 2 levels; got {levels}.")
    order = reference_order(levels, reference, "levels")
    reference = order[0]
    g = df[moderator].to_numpy()
    cells = {lv: (int(t[g == lv].sum()), int((g == lv).sum() - t[g == lv].sum())) for lv in order}
    flat = {
        plain(lv): f"{n1} treated, {n0} control"
        for lv, (n1, n0) in cells.items()
        if min(n1, n0) < 2
    }
    if flat:
        raise ValueError(
            f"treatment {treatment!r} must vary within every level of moderator {moderator!r} "
            f"(at least 2 treated and 2 control customers per level), or the interaction is "
            f"not identified; got {flat}. Drop or merge those levels."
        )
    frame = pd.DataFrame({"y": y, "t": t, "g": pd.Categorical(g, categories=order)})
    frame = pd.concat([frame, design_columns(df, covariates).set_axis(frame.index)], axis=1)
    formula = "y ~ t * g" + "".join(f" + x{i}" for i in range(len(covariates)))
    linear = smf.ols(formula, frame)
    check_full_rank(
        linear, f"{outcome!r} ~ {treatment!r} * {moderator!r} + covariates {covariates}"
    )
    if family == "ols":
        fit = linear.fit(cov_type="HC3")
        method = "OLS with treatment x moderator interaction, HC3 robust standard errors"
    else:
        arms = {1: f"{treatment!r} = 1", 0: f"{treatment!r} = 0"}
        check_events(
            y,
            outcome,
            [
                (f"level {plain(lv)!r} of {moderator!r} with {arms[a]}", (g == lv) & (t == a))
                for lv in order
                for a in (1, 0)
            ]
            + category_cells(df, covariates),
        )
        fit = fit_logit(formula, frame, outcome=outcome)
        method = "logistic regression with treatment x moderator interaction"
    method += f"; adjusted for {covariates}" if covariates else ""
    params = list(fit.params.index)
    terms = [f"t:{group_param(fit.params.index, lv)}" for lv in order[1:]]
    restriction = np.zeros((len(terms), len(params)))
    for row, name in enumerate(terms):
        restriction[row, params.index(name)] = 1.0
    wald = fit.wald_test(restriction, scalar=True, use_f=False)
    ci = fit.conf_int(alpha=alpha)
    return InteractionTest(
        treatment=treatment,
        moderator=moderator,
        outcome=outcome,
        reference=reference,
        covariates=tuple(covariates),
        family=family,
        method=method,
        n=int(fit.nobs),
        levels=tuple(order[1:]),
        effect=tuple(float(fit.params[n]) for n in terms),
        ci_low=tuple(float(ci.loc[n].iloc[0]) for n in terms),
        ci_high=tuple(float(ci.loc[n].iloc[1]) for n in terms),
        pvalue=tuple(float(fit.pvalues[n]) for n in terms),
        statistic=float(wald.statistic),
        df=len(terms),
        joint_pvalue=float(wald.pvalue),
    )
