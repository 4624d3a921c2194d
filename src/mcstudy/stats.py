"""Statistics for customer tables: randomised arm effects, adjusted comparisons, uplift.

Every function works on any per-customer table with an arm (or group) column: the Hillstrom
table from :func:`mcstudy._hillstrom.hillstrom_customer_table` and simulator output alike.

- :func:`arm_effects`: causal effects of randomised arms against a control arm;
- :func:`adjusted_comparison`: an *observational* comparison of groups (e.g. past channel),
  unadjusted and regression-adjusted;
- :func:`qini_curve`, :func:`qini_coefficient`, :func:`uplift_at_k`: how well a targeting score
  ranks customers by their uplift.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import stats as sps
from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep

from mcstudy._validation import check_number, check_option

__all__ = [
    "AdjustedComparison",
    "adjusted_comparison",
    "arm_effects",
    "qini_coefficient",
    "qini_curve",
    "uplift_at_k",
]

ARM_EFFECT_COLUMNS = (
    "arm", "outcome", "n", "mean", "control_mean", "difference",
    "ci_low", "ci_high", "relative_lift", "p_value", "method",
)
_PROPORTION_METHOD = "difference in proportions: Newcombe hybrid score CI, score test"
_WELCH_METHOD = "difference in means: Welch t-test and Welch CI"


def _check_frame(df, columns: Sequence[str], name: str = "df") -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{name!r} must be a pandas DataFrame; got {type(df).__name__}.")
    missing = [c for c in dict.fromkeys(columns) if c not in df.columns]
    if missing:
        raise ValueError(
            f"{name!r} is missing columns {missing}; it has columns {list(df.columns)}."
        )


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
    _check_frame(df, [arm, *outcomes])
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
    _check_frame(df, [group, outcome, *covariates])
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
