"""Statistics for customer tables: randomised arm effects, adjusted comparisons, uplift.

The functions work on any per-customer table with an arm (or group) column: the Hillstrom
table from :func:`mcstudy._hillstrom.hillstrom_customer_table` and simulator output alike.

- :func:`arm_effects`: causal effects of randomised arms against a control arm;
- :func:`adjusted_comparison`: an *observational* comparison of groups (e.g. past channel),
  unadjusted and regression-adjusted;
- :func:`qini_curve`, :func:`qini_coefficient`, :func:`uplift_at_k`: how well a targeting score
  ranks customers by their uplift;
- :func:`subgroup_effects`, :func:`interaction_test`: whether a randomised effect differs
  between subgroups;
- :func:`relative_lift`: relative difference of one group against others, raw and adjusted;
- :func:`two_model_uplift`: a two-model uplift score to evaluate with the Qini tools;
- :func:`summarise_replications`: mean, interval and spread of simulated replications.

Apart from :func:`summarise_replications`, the functions take one row per customer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats as sps
from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep

from mcstudy._validation import check_frame, check_number, check_option

__all__ = [
    "AdjustedComparison",
    "InteractionTest",
    "RelativeLift",
    "adjusted_comparison",
    "arm_effects",
    "interaction_test",
    "qini_coefficient",
    "qini_curve",
    "relative_lift",
    "subgroup_effects",
    "summarise_replications",
    "two_model_uplift",
    "uplift_at_k",
]

ARM_EFFECT_COLUMNS = (
    "arm", "outcome", "n", "mean", "control_mean", "difference",
    "ci_low", "ci_high", "relative_lift", "p_value", "method",
)
_PROPORTION_METHOD = "difference in proportions: Newcombe hybrid score CI, score test"
_WELCH_METHOD = "difference in means: Welch t-test and Welch CI"




def _numeric_outcome(df: pd.DataFrame, column: str) -> np.ndarray:
    """Return ``df[column]`` as a float array; raise if non-numeric or not finite."""
    if not (pd.api.types.is_numeric_dtype(df[column]) or pd.api.types.is_bool_dtype(df[column])):
        raise TypeError(f"outcome column {column!r} must be numeric; got dtype {df[column].dtype}.")
    values = df[column].to_numpy(dtype=float, na_value=np.nan)
    if not np.isfinite(values).all():
        raise ValueError(f"outcome column {column!r} has missing or infinite values.")
    return values


def _is_binary(values: np.ndarray) -> bool:
    return bool(np.isin(values, (0.0, 1.0)).all())


def _levels(series: pd.Series) -> list:
    """Observed values of ``series``: in category order if categorical, else sorted."""
    present = set(series.dropna().unique())
    if isinstance(series.dtype, pd.CategoricalDtype):
        return [c for c in series.cat.categories if c in present]
    try:
        return sorted(present)
    except TypeError:  # mixed types
        return sorted(present, key=str)


def arm_effects(
    df: pd.DataFrame,
    arm: str = "arm",
    control: object = "control",
    outcomes: Sequence[str] = ("visited", "converted", "spend"),
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
    outcomes : sequence of str, default=("visited", "converted", "spend")
        Numeric outcome columns.
    alpha : float, default=0.05
        Confidence intervals have level ``1 - alpha``; must be in (0, 1).
    method : {"auto", "proportion", "welch"}, default="auto"
        ``"auto"`` treats an outcome whose values are all 0 or 1 as binary and every other
        outcome as continuous; ``"proportion"`` requires every outcome to be binary;
        ``"welch"`` uses the Welch t-test for every outcome.

    Returns
    -------
    pandas.DataFrame
        One row per non-control arm and outcome (arms in category or sorted order), columns
        ``arm, outcome, n, mean, control_mean, difference, ci_low, ci_high, relative_lift,
        p_value, method``. ``n`` is the size of the treated arm, ``difference`` is
        treated mean minus control mean and ``relative_lift = difference / control_mean``
        (NaN when the control mean is 0).

    Raises
    ------
    TypeError
        If ``df`` is not a DataFrame or an outcome column is not numeric.
    ValueError
        If columns are missing (listed), ``control`` is not a value of ``arm``, an arm has
        fewer than 2 customers, an outcome has missing values, or ``method="proportion"`` is
        used on a non-binary outcome.

    Notes
    -----
    Binary outcomes: the difference in proportions, with the Newcombe hybrid score interval
    ([1], method 10; statsmodels ``confint_proportions_2indep(method="newcomb")``) and the
    two-sided score test ([2]; ``test_proportions_2indep(method="score")``). Continuous
    outcomes: Welch's unequal-variance t-test and its confidence interval with
    Welch-Satterthwaite degrees of freedom ([3]; ``scipy.stats.ttest_ind(equal_var=False)``).
    When every customer of both arms has the same 0/1 value the score test is undefined and
    ``p_value`` is 1. The ``method`` column states which method was used. The effects are
    causal only if arms were randomised.

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
    check_frame(df, [arm, *outcomes])
    alpha = check_number(alpha, "alpha", 0.0, 1.0, low_open=True, high_open=True)
    check_option(method, "method", ("auto", "proportion", "welch"))
    levels = _levels(df[arm])
    if control not in levels:
        raise ValueError(f"'control' must be one of the arms {levels}; got {control!r}.")
    counts = df[arm].value_counts()
    small = {lv: int(counts.get(lv, 0)) for lv in levels if counts.get(lv, 0) < 2}
    if small:
        raise ValueError(f"every arm needs at least 2 customers; got counts {small}.")

    is_control = (df[arm] == control).to_numpy()
    rows = []
    for outcome in outcomes:
        y = _numeric_outcome(df, outcome)
        binary = _is_binary(y) and method != "welch"
        if method == "proportion" and not binary:
            raise ValueError(
                f"method='proportion' needs 0/1 outcomes; column {outcome!r} has other values."
            )
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
                res = sps.ttest_ind(y1, y0, equal_var=False)
                ci = res.confidence_interval(confidence_level=1 - alpha)
                low, high, p_value, label = ci.low, ci.high, res.pvalue, _WELCH_METHOD
            diff = y1.mean() - y0.mean()
            rows.append((level, outcome, len(y1), y1.mean(), y0.mean(), diff, float(low),
                         float(high), diff / y0.mean() if y0.mean() != 0 else np.nan,
                         float(p_value), label))
    return pd.DataFrame(rows, columns=list(ARM_EFFECT_COLUMNS))


@dataclass(frozen=True)
class AdjustedComparison:
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
        return pd.DataFrame({
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
            "p_value": list(self.pvalue),
            "effect_scale": ["log odds ratio" if self.family == "logit"
                             else "difference in means"] * k,
            "method": [self.method] * k,
        })


def adjusted_comparison(
    df: pd.DataFrame,
    group: str = "past_channel",
    outcome: str = "spend",
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
    group : str, default="past_channel"
        Column defining the groups compared.
    outcome : str, default="spend"
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
        2 rows, rows have missing values, or a logit outcome is not 0/1.

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
    covariates = [covariates] if isinstance(covariates, str) else list(covariates)
    check_frame(df, [group, outcome, *covariates])
    check_option(family, "family", ("ols", "logit"))
    alpha = check_number(alpha, "alpha", 0.0, 1.0, low_open=True, high_open=True)
    if group in covariates or outcome in covariates or group == outcome:
        raise ValueError("'group', 'outcome' and 'covariates' must name different columns.")
    data = df[[group, outcome, *covariates]]
    if data.isna().any().any():
        bad = data.columns[data.isna().any()].tolist()
        raise ValueError(f"columns {bad} have missing values; drop or impute them first.")
    y = _numeric_outcome(df, outcome)
    if family == "logit" and not _is_binary(y):
        raise ValueError(
            f"family='logit' needs a 0/1 outcome; column {outcome!r} has other values."
        )
    levels = _levels(df[group])
    reference = levels[0] if reference is None else reference
    if reference not in levels:
        raise ValueError(f"'reference' must be one of the groups {levels}; got {reference!r}.")
    counts = df[group].value_counts()
    small = {lv: int(counts[lv]) for lv in levels if counts[lv] < 2}
    if small:
        raise ValueError(f"every group needs at least 2 rows; got counts {small}.")

    # Internal names keep the formula independent of the user's column names.
    order = [reference, *[lv for lv in levels if lv != reference]]
    frame = pd.DataFrame({"y": y, "g": pd.Categorical(df[group].to_numpy(), categories=order)})
    terms = ["g"]
    for i, col in enumerate(covariates):
        values = df[col]
        if isinstance(values.dtype, pd.CategoricalDtype) or not pd.api.types.is_numeric_dtype(
            values
        ) or pd.api.types.is_bool_dtype(values):
            values = values.astype(str)
        frame[f"x{i}"] = values.to_numpy()
        terms.append(f"x{i}")
    formula = "y ~ " + " + ".join(terms)
    if family == "ols":
        fit = smf.ols(formula, frame).fit(cov_type="HC3")
        method = "OLS, HC3 robust standard errors"
    else:
        fit = smf.logit(formula, frame).fit(disp=0)
        method = "logistic regression, maximum-likelihood standard errors"
    method += f"; adjusted for {covariates}" if covariates else "; no covariates"
    ci = fit.conf_int(alpha=alpha)

    others = order[1:]
    names = [_group_param(fit.params.index, lv) for lv in others]
    ref_mean = float(y[frame["g"] == reference].mean())
    means = tuple(float(y[frame["g"] == lv].mean()) for lv in others)
    return AdjustedComparison(
        group=group, outcome=outcome, reference=reference, covariates=tuple(covariates),
        family=family, method=method, n=int(fit.nobs), groups=tuple(others),
        n_group=tuple(int(counts[lv]) for lv in others), mean=means, reference_mean=ref_mean,
        unadjusted_difference=tuple(m - ref_mean for m in means),
        effect=tuple(float(fit.params[n]) for n in names),
        ci_low=tuple(float(ci.loc[n].iloc[0]) for n in names),
        ci_high=tuple(float(ci.loc[n].iloc[1]) for n in names),
        pvalue=tuple(float(fit.pvalues[n]) for n in names),
    )


def _group_param(index: pd.Index, level: object) -> str:
    """Name of the coefficient of group ``level`` (``g[T.level]``) in a fitted model."""
    pattern = re.compile(rf"^g\[T\.{re.escape(str(level))}\]$")
    matches = [name for name in index if pattern.match(name)]
    if len(matches) != 1:  # pragma: no cover - guards against a formula-engine change
        raise RuntimeError(f"cannot find the coefficient of group {level!r} in {list(index)}.")
    return matches[0]


def _uplift_arrays(treated, outcome, score) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate and return ``treated`` (bool), ``outcome`` and ``score`` (float) arrays."""
    arrays = {}
    for name, values in (("treated", treated), ("outcome", outcome), ("score", score)):
        arr = np.asarray(values)
        if arr.ndim != 1:
            raise ValueError(f"{name!r} must be one-dimensional; got shape {arr.shape}.")
        if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
            raise TypeError(f"{name!r} must be numeric; got dtype {arr.dtype}.")
        arr = arr.astype(float)
        if not np.isfinite(arr).all():
            raise ValueError(f"{name!r} has missing or infinite values.")
        arrays[name] = arr
    lengths = {name: len(arr) for name, arr in arrays.items()}
    if len(set(lengths.values())) != 1:
        raise ValueError(
            f"'treated', 'outcome' and 'score' must have equal lengths; got {lengths}."
        )
    t = arrays["treated"]
    if not _is_binary(t):
        raise ValueError("'treated' must hold only 0/1 (or bool) values.")
    if t.sum() == 0 or t.sum() == len(t):
        raise ValueError("'treated' must contain both treated (1) and control (0) customers.")
    return t.astype(bool), arrays["outcome"], arrays["score"]


def _qini_points(t: np.ndarray, y: np.ndarray, s: np.ndarray) -> pd.DataFrame:
    order = np.argsort(-s, kind="stable")
    t, y, s = t[order], y[order], s[order]
    n_treated, n_control = np.cumsum(t), np.cumsum(~t)
    y_treated, y_control = np.cumsum(y * t), np.cumsum(y * ~t)
    # A point at the end of each run of tied scores, so ties never depend on row order.
    ends = np.r_[np.flatnonzero(np.diff(s) != 0), len(s) - 1]
    ratio = np.divide(n_treated[ends], n_control[ends],
                      out=np.zeros(len(ends)), where=n_control[ends] > 0)
    incremental = y_treated[ends] - y_control[ends] * ratio
    return pd.DataFrame({
        "fraction_targeted": np.r_[0.0, (ends + 1) / len(s)],
        "n_targeted": np.r_[0, ends + 1],
        "n_treated": np.r_[0, n_treated[ends]],
        "n_control": np.r_[0, n_control[ends]],
        "incremental": np.r_[0.0, incremental],
    })


def qini_curve(treated, outcome, score) -> pd.DataFrame:
    r"""Compute the Qini curve of a targeting score.

    Customers are ranked by decreasing ``score``. For the top fraction :math:`\phi`, with
    :math:`R_T, R_C` the summed outcomes and :math:`N_T, N_C` the counts of treated and
    control customers in it, the incremental outcome is
    :math:`R_T - R_C N_T / N_C` (the control term is 0 while :math:`N_C = 0`) [1]_.

    Parameters
    ----------
    treated : array-like of bool or {0, 1}
        Whether each customer was treated (randomly).
    outcome : array-like of float
        Outcome per customer (0/1 or continuous).
    score : array-like of float
        Targeting score; higher means target first.

    Returns
    -------
    pandas.DataFrame
        Columns ``fraction_targeted, n_targeted, n_treated, n_control, incremental``: one row
        for targeting nobody, then one at the end of each run of tied scores (so a constant
        score gives the straight random-targeting line).

    Raises
    ------
    TypeError
        If an input is not numeric.
    ValueError
        If lengths differ, values are missing, ``treated`` is not 0/1, or one group is empty.

    References
    ----------
    .. [1] N. J. Radcliffe, "Using control groups to target on predicted lift: building and
       assessing uplift models", Direct Marketing Analytics Journal 1, 14-21, 2007.
    """
    return _qini_points(*_uplift_arrays(treated, outcome, score))


def _area_above_random(curve: pd.DataFrame) -> float:
    x, q = curve["fraction_targeted"].to_numpy(), curve["incremental"].to_numpy()
    return float(np.trapezoid(q, x) - q[-1] / 2)


def qini_coefficient(treated, outcome, score) -> float:
    """Compute the Qini coefficient Q of a targeting score, normalised by the optimum.

    Parameters
    ----------
    treated, outcome, score : array-like
        As in :func:`qini_curve`.

    Returns
    -------
    float
        ``Q = A(score) / A(optimal)``, where ``A`` is the area between a Qini curve and the
        random-targeting line (the straight line from the origin to the overall incremental
        outcome), with the x-axis the fraction targeted in [0, 1]. Q is 1 for the optimal
        ranking, about 0 for random ranking and negative for a ranking worse than random.
        NaN when the optimal area is 0.

    Raises
    ------
    TypeError, ValueError
        As in :func:`qini_curve`.

    Notes
    -----
    Following [1]_, the optimal ranking puts treated customers with the highest outcomes
    first and control customers with the highest outcomes last; here it is the ranking by
    ``outcome`` for treated and ``-outcome`` for control customers, which for a 0/1 outcome
    is Radcliffe's "treated responders first, control responders last". The curve is
    integrated with the trapezoidal rule over its points (tied scores are interpolated
    linearly). Radcliffe's unnormalised ``q`` (area relative to the overall incremental
    outcome) is not reported; Q is invariant to the units of the outcome.

    References
    ----------
    .. [1] N. J. Radcliffe, "Using control groups to target on predicted lift: building and
       assessing uplift models", Direct Marketing Analytics Journal 1, 14-21, 2007.
    """
    t, y, s = _uplift_arrays(treated, outcome, score)
    best = _area_above_random(_qini_points(t, y, np.where(t, y, -y)))
    if best == 0:
        return float("nan")
    return _area_above_random(_qini_points(t, y, s)) / best


def uplift_at_k(treated, outcome, score, k: float) -> float:
    """Compute the uplift among the top-``k`` fraction of customers by score.

    Parameters
    ----------
    treated, outcome, score : array-like
        As in :func:`qini_curve`.
    k : float
        Fraction of all customers targeted, in (0, 1]; the top ``ceil(k * n)`` customers by
        score are kept (ties broken by row order).

    Returns
    -------
    float
        Mean outcome of treated minus mean outcome of control customers within the top
        ``k``; at ``k=1`` the overall difference in means.

    Raises
    ------
    TypeError, ValueError
        As in :func:`qini_curve`; also if ``k`` is outside (0, 1] or the top ``k`` holds no
        treated or no control customer.

    References
    ----------
    .. [1] P. Gutierrez and J.-Y. Gérardy, "Causal inference and uplift modelling: a review of
       the literature", Proceedings of Machine Learning Research 67, 1-13, 2017.
    """
    t, y, s = _uplift_arrays(treated, outcome, score)
    k = check_number(k, "k", 0.0, 1.0, low_open=True)
    n_top = max(1, int(np.ceil(k * len(s) - 1e-9)))  # tolerance: k * n may round up
    top = np.argsort(-s, kind="stable")[:n_top]
    t, y = t[top], y[top]
    if t.all() or not t.any():
        raise ValueError(
            f"the top k={k:g} ({n_top} customers) must contain treated and control customers."
        )
    return float(y[t].mean() - y[~t].mean())


# --------------------------------------------------------------------------------------------
# Effect heterogeneity, relative differences between groups, and a two-model uplift score
# --------------------------------------------------------------------------------------------

def _design_columns(df: pd.DataFrame, columns: Sequence[str], prefix: str = "x") -> pd.DataFrame:
    """Covariates under internal names ``x0, x1, ...`` for a formula.

    Numeric columns are kept as floats; categorical, string and boolean columns become
    categoricals with the same categories whatever rows are later selected, so that a model
    fitted on some rows can predict on others.
    """
    out = {}
    for i, col in enumerate(columns):
        values = df[col]
        if isinstance(values.dtype, pd.CategoricalDtype) or not pd.api.types.is_numeric_dtype(
            values
        ) or pd.api.types.is_bool_dtype(values):
            text = values.astype(str)
            out[f"{prefix}{i}"] = pd.Categorical(text, categories=sorted(text.unique()))
        else:
            out[f"{prefix}{i}"] = values.to_numpy(dtype=float)
    return pd.DataFrame(out, index=df.index)


def _binary_column(df: pd.DataFrame, column: str) -> np.ndarray:
    values = _numeric_outcome(df, column)
    if not _is_binary(values):
        raise ValueError(f"column {column!r} must hold only 0/1 (or bool) values.")
    return values


def subgroup_effects(
    df: pd.DataFrame,
    by: str,
    arm: str = "arm",
    control: object = "control",
    outcomes: Sequence[str] = ("visited", "converted", "spend"),
    alpha: float = 0.05,
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

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`arm_effects` preceded by ``subgroup`` (the name ``by``) and
        ``level`` (the subgroup), one block per level in category (or sorted) order.

    Raises
    ------
    TypeError, ValueError
        As in :func:`arm_effects`, which runs inside each subgroup (every arm needs at least 2
        customers in every subgroup); also if ``by`` is missing.

    Notes
    -----
    Within a subgroup the arms are still randomised, so each row is a causal effect for that
    subgroup. Whether two subgroups' effects differ is a separate question, answered by
    :func:`interaction_test`; separate intervals that overlap do not show equal effects.
    """
    if isinstance(outcomes, str):
        outcomes = [outcomes]
    check_frame(df, [by, arm, *outcomes])
    frames = []
    for level in _levels(df[by]):
        part = arm_effects(df[(df[by] == level).to_numpy()], arm=arm, control=control,
                           outcomes=outcomes, alpha=alpha)
        part.insert(0, "level", level)
        part.insert(0, "subgroup", by)
        frames.append(part)
    return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True)
class InteractionTest:
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
        return pd.DataFrame({
            "moderator": [self.moderator] * k,
            "level": list(self.levels),
            "reference": [self.reference] * k,
            "outcome": [self.outcome] * k,
            "interaction": list(self.effect),
            "ci_low": list(self.ci_low),
            "ci_high": list(self.ci_high),
            "p_value": list(self.pvalue),
            "joint_chi2": [self.statistic] * k,
            "joint_df": [self.df] * k,
            "joint_p_value": [self.joint_pvalue] * k,
            "effect_scale": ["log odds ratio" if self.family == "logit"
                             else "difference in means"] * k,
        })


def interaction_test(
    df: pd.DataFrame,
    treatment: str,
    moderator: str,
    outcome: str = "converted",
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
    outcome : str, default="converted"
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
        not 0/1.

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
    covariates = [covariates] if isinstance(covariates, str) else list(covariates)
    check_frame(df, [treatment, moderator, outcome, *covariates])
    check_option(family, "family", ("ols", "logit"))
    alpha = check_number(alpha, "alpha", 0.0, 1.0, low_open=True, high_open=True)
    names = [treatment, moderator, outcome, *covariates]
    if len(set(names)) != len(names):
        raise ValueError("'treatment', 'moderator', 'outcome' and 'covariates' must name "
                         f"different columns; got {names}.")
    data = df[names]
    if data.isna().any().any():
        bad = data.columns[data.isna().any()].tolist()
        raise ValueError(f"columns {bad} have missing values; drop or impute them first.")
    t = _binary_column(df, treatment)
    y = _numeric_outcome(df, outcome)
    if family == "logit" and not _is_binary(y):
        raise ValueError(
            f"family='logit' needs a 0/1 outcome; column {outcome!r} has other values."
        )
    levels = _levels(df[moderator])
    if len(levels) < 2:
        raise ValueError(f"'moderator' {moderator!r} must have at least 2 levels; got {levels}.")
    reference = levels[0] if reference is None else reference
    if reference not in levels:
        raise ValueError(f"'reference' must be one of the levels {levels}; got {reference!r}.")
    order = [reference, *[lv for lv in levels if lv != reference]]
    frame = pd.DataFrame({"y": y, "t": t,
                          "g": pd.Categorical(df[moderator].to_numpy(), categories=order)})
    frame = pd.concat([frame, _design_columns(df, covariates).set_axis(frame.index)], axis=1)
    formula = "y ~ t * g" + "".join(f" + x{i}" for i in range(len(covariates)))
    if family == "ols":
        fit = smf.ols(formula, frame).fit(cov_type="HC3")
        method = "OLS with treatment x moderator interaction, HC3 robust standard errors"
    else:
        fit = smf.logit(formula, frame).fit(disp=0)
        method = "logistic regression with treatment x moderator interaction"
    method += f"; adjusted for {covariates}" if covariates else ""
    params = list(fit.params.index)
    terms = [f"t:{_group_param(fit.params.index, lv)}" for lv in order[1:]]
    restriction = np.zeros((len(terms), len(params)))
    for row, name in enumerate(terms):
        restriction[row, params.index(name)] = 1.0
    wald = fit.wald_test(restriction, scalar=True, use_f=False)
    ci = fit.conf_int(alpha=alpha)
    return InteractionTest(
        treatment=treatment, moderator=moderator, outcome=outcome, reference=reference,
        covariates=tuple(covariates), family=family, method=method, n=int(fit.nobs),
        levels=tuple(order[1:]),
        effect=tuple(float(fit.params[n]) for n in terms),
        ci_low=tuple(float(ci.loc[n].iloc[0]) for n in terms),
        ci_high=tuple(float(ci.loc[n].iloc[1]) for n in terms),
        pvalue=tuple(float(fit.pvalues[n]) for n in terms),
        statistic=float(wald.statistic), df=len(terms), joint_pvalue=float(wald.pvalue),
    )


@dataclass(frozen=True)
class RelativeLift:
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
    unadjusted: tuple[float, float, float, float]
    adjusted: tuple[float, float, float, float]

    def summary(self) -> pd.DataFrame:
        """Return two rows, ``unadjusted`` and ``adjusted``: lift, CI and p-value."""
        rows = [("unadjusted", *self.unadjusted)]
        if self.covariates:
            rows.append(("adjusted", *self.adjusted))
        out = pd.DataFrame(rows, columns=["estimate", "relative_lift", "ci_low", "ci_high",
                                          "p_value"])
        out.insert(0, "reference", " + ".join(map(str, self.reference)))
        out.insert(0, "level", self.level)
        out.insert(0, "outcome", self.outcome)
        out["mean"] = self.mean
        out["reference_mean"] = self.reference_mean
        return out


def _ratio_fit(frame: pd.DataFrame, formula: str, alpha: float) -> tuple[float, ...]:
    fit = smf.glm(formula, frame, family=sm.families.Poisson()).fit(cov_type="HC0")
    low, high = fit.conf_int(alpha=alpha).loc["d"]
    return (float(np.expm1(fit.params["d"])), float(np.expm1(low)), float(np.expm1(high)),
            float(fit.pvalues["d"]))


def relative_lift(
    df: pd.DataFrame,
    group: str,
    level: object,
    outcome: str = "converted",
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
    outcome : str, default="converted"
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
        ``unadjusted`` and ``adjusted`` are ``(lift, ci_low, ci_high, p_value)``.

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
    levels = _levels(df[group])
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
    y = _numeric_outcome(part, outcome)
    if (y < 0).any():
        raise ValueError(f"outcome column {outcome!r} must be non-negative.")
    d = (part[group] == level).to_numpy()
    for name, mask in (("level", d), ("reference", ~d)):
        if mask.sum() < 2 or y[mask].mean() == 0:
            raise ValueError(f"the {name} group needs at least 2 rows and a non-zero mean "
                             f"outcome; got {int(mask.sum())} rows, mean "
                             f"{y[mask].mean() if mask.any() else float('nan'):g}.")
    frame = pd.DataFrame({"y": y, "d": d.astype(float)}, index=part.index)
    frame = pd.concat([frame, _design_columns(part, covariates)], axis=1)
    unadjusted = _ratio_fit(frame, "y ~ d", alpha)
    adjusted = (float("nan"),) * 4
    method = "log-linear (Poisson quasi-likelihood) model, robust HC0 standard errors"
    if covariates:
        formula = "y ~ d" + "".join(f" + x{i}" for i in range(len(covariates)))
        adjusted = _ratio_fit(frame, formula, alpha)
        method += f"; adjusted for {covariates}"
    return RelativeLift(
        group=group, level=level, reference=tuple(reference), outcome=outcome,
        covariates=tuple(covariates), method=method, n=int(keep.sum()), n_level=int(d.sum()),
        n_reference=int((~d).sum()), mean=float(y[d].mean()), reference_mean=float(y[~d].mean()),
        unadjusted=unadjusted, adjusted=adjusted,
    )


def two_model_uplift(
    train: pd.DataFrame,
    test: pd.DataFrame,
    treatment: str,
    outcome: str,
    features: Sequence[str],
    family: str = "logit",
) -> np.ndarray:
    """Score customers by predicted uplift with the two-model ("T-learner") approach.

    Fits ``outcome ~ features`` separately on the treated and the control customers of
    ``train`` and returns, for each row of ``test``, the treated prediction minus the control
    prediction.

    Parameters
    ----------
    train, test : pandas.DataFrame
        Customers to fit on and customers to score (keep them apart to evaluate honestly).
    treatment : str
        0/1 column of the randomised treatment (needed in ``train`` only).
    outcome : str
        Outcome column (needed in ``train`` only); 0/1 when ``family="logit"``.
    features : sequence of str
        Pre-treatment columns; numeric ones enter linearly, categorical, string and boolean
        ones as dummies (categories taken from ``train`` and ``test`` together).
    family : {"logit", "ols"}, default="logit"
        Logistic regression (predicted probabilities) or linear regression.

    Returns
    -------
    numpy.ndarray
        Predicted uplift for each row of ``test``, in order.

    Raises
    ------
    TypeError, ValueError
        If a frame or column is missing, ``treatment`` is not 0/1 or lacks one arm, or a
        logit outcome is not 0/1.

    References
    ----------
    .. [1] P. Gutierrez and J.-Y. Gérardy, "Causal inference and uplift modelling: a review of
       the literature", Proceedings of Machine Learning Research 67, 1-13, 2017.
    """
    features = [features] if isinstance(features, str) else list(features)
    if not features:
        raise ValueError("'features' must name at least one column; got [].")
    check_frame(train, [treatment, outcome, *features], name="train")
    check_frame(test, features, name="test")
    check_option(family, "family", ("logit", "ols"))
    t = _binary_column(train, treatment).astype(bool)
    if t.all() or not t.any():
        raise ValueError(f"'train' must contain treated and control rows in {treatment!r}.")
    y = _numeric_outcome(train, outcome)
    if family == "logit" and not _is_binary(y):
        raise ValueError(
            f"family='logit' needs a 0/1 outcome; column {outcome!r} has other values."
        )
    both = pd.concat([train[features], test[features]], ignore_index=True)
    design = _design_columns(both, features)
    x_train, x_test = design.iloc[:len(train)].copy(), design.iloc[len(train):]
    x_train["y"] = y
    formula = "y ~ " + " + ".join(design.columns)
    fitter = smf.logit if family == "logit" else smf.ols
    predictions = []
    for arm in (t, ~t):
        model = fitter(formula, x_train[arm])
        fit = model.fit(disp=0) if family == "logit" else model.fit()
        predictions.append(np.asarray(fit.predict(x_test), dtype=float))
    return predictions[0] - predictions[1]


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
        One row per (``by`` values,) metric: ``n_replications``, ``mean``, ``sd``,
        ``ci_low``/``ci_high`` (t-interval of the mean over replications: how precisely the
        simulations pin down the model's expected value) and ``q_low``/``q_high`` (the
        ``alpha/2`` and ``1 - alpha/2`` quantiles of the replications: the spread one
        simulated study of this size shows, comparable to one real study's CI).

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
    present = sorted(results["metric"].unique())
    metrics = present if metrics is None else list(metrics)
    absent = [m for m in metrics if m not in present]
    if absent:
        raise ValueError(f"metrics {absent} are not in 'results'; it has {present}.")
    data = results[results["metric"].isin(metrics)]
    g = data.groupby([*by, "metric"], sort=False)["value"]
    out = pd.DataFrame({
        "n_replications": g.size(), "mean": g.mean(), "sd": g.std(ddof=1),
        "q_low": g.quantile(alpha / 2), "q_high": g.quantile(1 - alpha / 2),
    })
    half = sps.t.ppf(1 - alpha / 2, np.maximum(out["n_replications"] - 1, 1)) * (
        out["sd"] / np.sqrt(out["n_replications"]))
    out.insert(3, "ci_low", out["mean"] - half)
    out.insert(4, "ci_high", out["mean"] + half)
    out = out.reset_index()
    out["metric"] = pd.Categorical(out["metric"], categories=metrics)
    out = out.sort_values([*by, "metric"], kind="stable").reset_index(drop=True)
    out["metric"] = out["metric"].astype(str)
    return out
