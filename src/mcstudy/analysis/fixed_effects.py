"""Linear models with fixed effects absorbed by the within transformation, for large panels.

:func:`demean` removes the fixed effects of one or more sets of groups by alternating
demeaning (exact for a balanced two-way panel, iterated to convergence otherwise);
:func:`fixed_effects_ols` fits OLS on the demeaned columns with cluster-robust standard errors
(statsmodels): the way to fit product x store and week fixed effects on millions of rows,
where dummy variables would not fit in memory. Its ``interactions`` add the product of two
regressors as a term (``"a:b"``), e.g. whether two promotions together add more than each alone;
:func:`relative_interaction` reads such a fit on the scale of the multiplicative lifts, as the
share of the two lifts' sum that the interaction adds or takes away (delta-method interval from
the fit's cluster-robust covariance, :attr:`FixedEffectsFit.cov`).

References
----------
Cameron, A. C., Gelbach, J. B. and Miller, D. L. (2008). Bootstrap-based improvements for
inference with clustered errors. *Review of Economics and Statistics* 90(3), 414-427.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import stats

from mcstudy._validation import check_frame, check_int, check_number
from mcstudy.analysis.results import Estimate

__all__ = [
    "FixedEffectsFit",
    "RelativeInteraction",
    "demean",
    "fixed_effects_ols",
    "relative_interaction",
]


def _names(value: object, name: str) -> list:
    """Return a sequence of column names as a list; refuse a single str (not a sequence)."""
    if isinstance(value, str):
        raise TypeError(
            f"{name!r} must be a sequence of column names, not a str; got {value!r} "
            f"(write [{value!r}])."
        )
    if not isinstance(value, Sequence):
        raise TypeError(f"{name!r} must be a sequence of column names; got {value!r}.")
    return list(value)


def _check_numeric(df: pd.DataFrame, column: str, name: str = "df") -> None:
    """Raise TypeError unless a column is numeric or bool."""
    series = df[column]
    if not (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)):
        first = f" (first value {series.iloc[0]!r})" if len(series) else ""
        raise TypeError(
            f"{name!r} column {column!r} must be numeric; got dtype {series.dtype}{first}."
        )


def demean(
    df: pd.DataFrame,
    columns: Sequence[str],
    groups: Sequence[str],
    *,
    tol: float = 1e-10,
    max_iter: int = 1000,
) -> pd.DataFrame:
    """Remove fixed effects of every set of ``groups`` from ``columns`` (within transformation).

    Parameters
    ----------
    df : pandas.DataFrame
        Data with ``columns`` (numeric or bool) and ``groups`` (any hashable values).
    columns : sequence of str
        Columns to demean.
    groups : sequence of str
        One column per set of fixed effects, e.g. ``["product_store", "week"]``.
    tol : float, default=1e-10
        Convergence: the largest change of a demeaned value in one sweep, relative to the
        column's standard deviation.
    max_iter : int, default=1000
        Sweeps before giving up.

    Returns
    -------
    pandas.DataFrame
        ``columns`` demeaned, same index as ``df``.

    Raises
    ------
    TypeError, ValueError
        If ``columns`` or ``groups`` is a str rather than a sequence, ``groups`` is empty,
        ``df`` has no rows, columns are missing, not numeric or not finite, a group column has
        missing values, or the demeaning does not converge.

    Notes
    -----
    Alternating projections (the method of ``reghdfe`` and ``fixest``): subtract the group
    means of each set in turn until nothing changes. With one set, or two sets crossed in a
    balanced panel, one sweep is exact. Group means use integer codes and ``numpy.bincount``.
    """
    columns = _names(columns, "columns")
    groups = _names(groups, "groups")
    if not groups:
        raise ValueError("'groups' must name at least one column of fixed effects; got [].")
    check_frame(df, [*columns, *groups], "df")
    tol = check_number(tol, "tol", 0, 1, low_open=True)
    max_iter = check_int(max_iter, "max_iter", 1, 1_000_000)
    if len(df) == 0:
        raise ValueError("'df' has no rows; there is nothing to demean.")
    for col in columns:
        _check_numeric(df, col)
    codes = []
    for g in groups:
        if df[g].isna().any():
            raise ValueError(f"group column {g!r} must have no missing values.")
        c, uniques = pd.factorize(df[g], sort=False)
        codes.append((c, np.bincount(c, minlength=len(uniques)).astype(float)))
    out = {}
    for col in columns:
        x = df[col].to_numpy(dtype=float).copy()
        if not np.isfinite(x).all():
            raise ValueError(f"column {col!r} must be finite numbers to be demeaned.")
        scale = x.std() or 1.0
        for _ in range(max_iter):
            change = 0.0
            for c, n in codes:
                means = np.bincount(c, weights=x, minlength=len(n)) / n
                step = means[c]
                x -= step
                change = max(change, float(np.abs(step).max()))
            if change <= tol * scale:
                break
        else:
            raise ValueError(
                f"demeaning {col!r} by {list(groups)} did not converge in {max_iter} sweeps."
            )
        out[col] = x
    return pd.DataFrame(out, index=df.index)


@dataclass(frozen=True)
class FixedEffectsFit(Estimate):
    """Linear model with absorbed fixed effects and cluster-robust standard errors.

    Attributes
    ----------
    outcome : str
    terms : tuple of str
        The regressors, in order, then the interactions (``"a:b"``); ``coef``, ``se``,
        ``ci_low``, ``ci_high``, ``pvalue`` have one entry per term.
    absorbed : tuple of str
        The fixed-effect group columns.
    n, n_clusters : int
        Rows, clusters.
    method : str
    cov : tuple of tuple of float, default=()
        The cluster-robust covariance of the coefficients, one row and one column per term in
        the order of ``terms`` (its diagonal is ``se`` squared); empty when not recorded.
    """

    outcome: str
    terms: tuple[str, ...]
    coef: tuple[float, ...]
    se: tuple[float, ...]
    ci_low: tuple[float, ...]
    ci_high: tuple[float, ...]
    pvalue: tuple[float, ...]
    absorbed: tuple[str, ...]
    n: int
    n_clusters: int
    method: str
    cov: tuple[tuple[float, ...], ...] = ()

    def summary(self) -> pd.DataFrame:
        """Return one row per term: coefficient, standard error, interval, p-value, n."""
        return pd.DataFrame(
            {
                "outcome": self.outcome,
                "term": self.terms,
                "coef": self.coef,
                "se": self.se,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
                "pvalue": self.pvalue,
                "n": self.n,
                "n_clusters": self.n_clusters,
            }
        )

    def effect(self, term: str) -> tuple[float, float, float]:
        """``(coef, ci_low, ci_high)`` of one term."""
        if term not in self.terms:
            raise ValueError(f"'term' must be one of {list(self.terms)}; got {term!r}.")
        i = self.terms.index(term)
        return self.coef[i], self.ci_low[i], self.ci_high[i]


def fixed_effects_ols(
    df: pd.DataFrame,
    outcome: str,
    regressors: Sequence[str],
    *,
    absorb: Sequence[str],
    cluster: str,
    alpha: float = 0.05,
    interactions: Sequence[Sequence[str]] = (),
) -> FixedEffectsFit:
    """OLS of ``outcome`` on ``regressors`` with the fixed effects of ``absorb`` removed.

    Parameters
    ----------
    df : pandas.DataFrame
    outcome : str
        Numeric outcome column.
    regressors : sequence of str
        Numeric or bool columns (at least one).
    absorb : sequence of str
        Fixed-effect group columns, e.g. ``["product_store", "week"]``.
    cluster : str
        Column whose values are the clusters of the standard errors (e.g. ``"product_id"``).
    alpha : float, default=0.05
    interactions : sequence of pairs of str, default=()
        Pairs ``(a, b)`` of two different regressors whose product ``a * b`` (taken before the
        fixed effects are removed) is added as a term named ``"a:b"``, after the regressors.
        For two 0/1 placements the coefficient of ``"a:b"`` is what the two together add
        beyond the sum of each alone: positive if they are super-additive on the outcome's
        scale, negative if sub-additive.

    Returns
    -------
    FixedEffectsFit

    Raises
    ------
    TypeError, ValueError
        If columns are missing or not finite, ``regressors`` or ``absorb`` is a str or empty,
        a regressor repeats or is the outcome, there are fewer than 2 clusters or no more
        clusters than regressors (interactions included), the outcome or a term has no
        variation left once the fixed effects are removed, the terms are collinear, or an
        interaction is not a pair of two different regressors (or repeats one).

    Notes
    -----
    By the Frisch-Waugh-Lovell theorem the coefficients equal those of OLS with one dummy per
    group. The cluster-robust covariance is statsmodels' (small-sample factor
    ``G / (G - 1) * (N - 1) / (N - K)`` with ``K`` the regressors only): the absorbed effects
    are not counted, which is right when they are nested in the clusters (product x store
    effects in product clusters) and a negligible difference when groups are many.

    Examples
    --------
    >>> fit = fixed_effects_ols(panel, "log_units", ["in_mailer", "on_display"],
    ...                         absorb=["product_store", "week"], cluster="product_id")
    ... # doctest: +SKIP
    >>> both = fixed_effects_ols(panel, "log_units", ["in_mailer", "on_display"],
    ...                          absorb=["product_store", "week"], cluster="product_id",
    ...                          interactions=[("in_mailer", "on_display")])
    ... # doctest: +SKIP
    >>> both.effect("in_mailer:on_display")  # doctest: +SKIP
    """
    regressors = _names(regressors, "regressors")
    absorb = _names(absorb, "absorb")
    if not regressors:
        raise ValueError("'regressors' must name at least one column; got [].")
    if not absorb:
        raise ValueError(
            "'absorb' must name at least one column of fixed effects; got [] (the model has "
            "no intercept: absorb a constant column for a plain OLS)."
        )
    if len(set(regressors)) != len(regressors):
        raise ValueError(f"'regressors' must not repeat a column; got {regressors}.")
    if outcome in regressors:
        raise ValueError(f"'outcome' {outcome!r} must not be one of the regressors {regressors}.")
    check_frame(df, [outcome, *regressors, *absorb, cluster], "df")
    alpha = check_number(alpha, "alpha", 0, 1, low_open=True, high_open=True)
    pairs = _interaction_pairs(interactions, regressors)
    if pairs:
        df = _with_interactions(df, pairs, [outcome, *regressors, *absorb, cluster])
        regressors = [*regressors, *(f"{a}:{b}" for a, b in pairs)]
    if df[cluster].isna().any():
        raise ValueError(f"cluster column {cluster!r} must have no missing values.")
    n_clusters = int(df[cluster].nunique())
    if n_clusters < 2 or n_clusters <= len(regressors):
        raise ValueError(
            f"fixed_effects_ols needs at least 2 clusters, and more clusters than regressors "
            f"({len(regressors)}, interactions included): the cluster-robust covariance has "
            f"rank at most clusters - 1; "
            f"cluster column {cluster!r} got {n_clusters}."
        )
    within = demean(df, [outcome, *regressors], list(absorb))
    flat = within.std().to_numpy() < 1e-12 * (1 + df[[outcome, *regressors]].std().to_numpy())
    if flat[1:].any():
        raise ValueError(
            f"regressors {[r for r, f in zip(regressors, flat[1:], strict=True) if f]} have no "
            f"variation within the fixed effects {list(absorb)}."
        )
    if flat[0]:
        raise ValueError(
            f"outcome {outcome!r} has no variation within the fixed effects {list(absorb)}: "
            "every coefficient is 0 with standard error 0 and no p-value."
        )
    rank = np.linalg.matrix_rank(within[regressors].to_numpy())
    if rank < len(regressors):
        raise ValueError(
            f"regressors {regressors} are collinear within the fixed effects {list(absorb)} "
            f"(rank {rank} < {len(regressors)}); drop one of them."
        )
    names = {col: f"x{i}" for i, col in enumerate([outcome, *regressors])}
    data = within.rename(columns=names)
    groups = pd.factorize(df[cluster])[0]
    fit = smf.ols(f"x0 ~ {' + '.join(names[r] for r in regressors)} - 1", data=data).fit(
        cov_type="cluster", cov_kwds={"groups": groups}
    )
    ci = fit.conf_int(alpha)
    keys = [names[r] for r in regressors]
    cov = fit.cov_params().loc[keys, keys].to_numpy(dtype=float)
    return FixedEffectsFit(
        outcome=outcome,
        terms=tuple(regressors),
        coef=tuple(float(fit.params[k]) for k in keys),
        se=tuple(float(fit.bse[k]) for k in keys),
        ci_low=tuple(float(ci.loc[k, 0]) for k in keys),
        ci_high=tuple(float(ci.loc[k, 1]) for k in keys),
        pvalue=tuple(float(fit.pvalues[k]) for k in keys),
        absorbed=tuple(absorb),
        n=int(len(df)),
        n_clusters=int(groups.max() + 1),
        method=(
            f"OLS with fixed effects of {' and '.join(absorb)} absorbed (within "
            f"transformation), standard errors clustered by {cluster}"
        ),
        cov=tuple(tuple(float(v) for v in row) for row in cov),
    )


def _interaction_pairs(interactions: object, regressors: list) -> list[tuple[str, str]]:
    """Check ``interactions``: pairs of two different regressors, no pair twice."""
    if isinstance(interactions, str) or not isinstance(interactions, Sequence):
        raise TypeError(
            "'interactions' must be a sequence of pairs of regressors, e.g. "
            f"[('in_mailer', 'on_display')]; got {interactions!r}."
        )
    pairs: list[tuple[str, str]] = []
    for pair in interactions:
        if isinstance(pair, str) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise TypeError(
                f"'interactions' must hold pairs of two regressors, e.g. ('a', 'b'); got {pair!r}."
            )
        a, b = pair
        if a not in regressors or b not in regressors or a == b:
            raise ValueError(
                f"'interactions' pairs must be two different columns among the regressors "
                f"{regressors}; got {tuple(pair)!r}."
            )
        if {a, b} in [set(p) for p in pairs]:
            raise ValueError(f"'interactions' must not repeat a pair; got {tuple(pair)!r} twice.")
        pairs.append((a, b))
    return pairs


def _with_interactions(df: pd.DataFrame, pairs: list, columns: list) -> pd.DataFrame:
    """``df[columns]`` with one column ``"a:b"`` = ``a * b`` per pair."""
    for a, b in pairs:
        _check_numeric(df, a)
        _check_numeric(df, b)
    names = [f"{a}:{b}" for a, b in pairs]
    clash = [n for n in names if n in columns]
    if clash:
        raise ValueError(
            f"interaction terms {clash} have the name of a column of the model; rename it."
        )
    products = {
        f"{a}:{b}": df[a].to_numpy(dtype=float) * df[b].to_numpy(dtype=float) for a, b in pairs
    }
    return pd.concat(
        [df[list(dict.fromkeys(columns))], pd.DataFrame(products, index=df.index)], axis=1
    )


@dataclass(frozen=True)
class RelativeInteraction(Estimate):
    """The interaction of two 0/1 regressors of a log-outcome fit, relative to their lifts.

    Attributes
    ----------
    a, b : str
        The two regressors.
    estimate : float
        ``R = (exp(a + b + ab) - exp(a) - exp(b) + 1) / (exp(a) + exp(b) - 2)``.
    se : float
        Its standard error (delta method).
    ci_low, ci_high : float
        Normal interval ``estimate -/+ z se`` at level ``1 - alpha``.
    lift_a, lift_b, lift_both : float
        ``exp(a) - 1``, ``exp(b) - 1`` and ``exp(a + b + ab) - 1``: the multiplicative lifts of
        each alone and of the two together.
    alpha : float
    n, n_clusters : int
        Rows and clusters of the fit.
    method : str
    """

    a: str
    b: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    lift_a: float
    lift_b: float
    lift_both: float
    alpha: float
    n: int
    n_clusters: int
    method: str


def _relative_interaction_and_gradient(a: float, b: float, ab: float):
    """``R`` and its gradient in ``(a, b, ab)`` (analytic)."""
    ea, eb, eab = np.exp(a), np.exp(b), np.exp(a + b + ab)
    num, den = eab - ea - eb + 1, ea + eb - 2
    r = num / den
    grad = np.array([(eab - ea - r * ea) / den, (eab - eb - r * eb) / den, eab / den])
    return float(r), grad


def relative_interaction(
    fit: FixedEffectsFit,
    a: str = "in_mailer",
    b: str = "on_display",
    *,
    alpha: float = 0.05,
    min_z: float = 3.0,
) -> RelativeInteraction:
    """What two 0/1 regressors add together beyond the sum of their lifts, relative to that sum.

    For an outcome in logs (such as ``log(1 + units)``) with coefficients ``a`` and ``b`` of two
    0/1 regressors and ``ab`` of their product, each alone multiplies the outcome by
    ``exp(a)`` or ``exp(b)`` and the two together by ``exp(a + b + ab)``. On the additive scale
    of these lifts the interaction, relative to the sum of the two lifts alone, is

    ``R = (exp(a + b + ab) - exp(a) - exp(b) + 1) / (exp(a) + exp(b) - 2)``:

    0 when the two lifts add up, negative when together they add less than the sum of each
    alone (-1 when together they lift nothing), positive when more. For small effects ``R`` is
    close to ``ab / (a + b)``. ``R`` is free of the outcome's scale, so a simulator's statistic
    in other units can be compared with it.

    Parameters
    ----------
    fit : FixedEffectsFit
        A fit of :func:`fixed_effects_ols` with the terms ``a``, ``b`` and their interaction
        (``"a:b"`` or ``"b:a"``), and its covariance (``fit.cov``).
    a, b : str, default="in_mailer", "on_display"
        The two regressors.
    alpha : float, default=0.05
        The interval has level ``1 - alpha``, in (0, 1).
    min_z : float, default=3.0
        How far from 0 each of ``a`` and ``b`` must be, in standard errors, for ``R`` to be
        computed: its denominator is the sum of their lifts; in (0, 100].

    Returns
    -------
    RelativeInteraction

    Raises
    ------
    TypeError
        If ``fit`` is not a :class:`FixedEffectsFit`.
    ValueError
        If a term is missing from the fit, the fit carries no covariance, ``alpha`` or
        ``min_z`` is out of range, or the two lifts are not both well away from 0 (each
        coefficient at least ``min_z`` standard errors from 0) and of the same sign.

    Notes
    -----
    The standard error is the delta method's: ``sqrt(g' V g)`` with ``g`` the analytic
    gradient of ``R`` in ``(a, b, ab)`` and ``V`` the fit's cluster-robust covariance of
    these three terms. ``R`` is a ratio: when its denominator ``exp(a) + exp(b) - 2`` can be
    near 0 the ratio is unstable and a first-order interval misleading (the reason of
    Fieller's interval). Requiring both lifts of one sign and each at least ``min_z``
    standard errors from 0 keeps the denominator's relative standard error to about ``1 / min_z``
    (to first order).

    References
    ----------
    Fieller, E. C. (1954). Some problems in interval estimation. *Journal of the Royal
    Statistical Society B* 16(2), 175-185.

    Examples
    --------
    >>> fit = fixed_effects_ols(panel, "log_units", ["in_mailer", "on_display"],
    ...                         absorb=["product_store", "week"], cluster="product_id",
    ...                         interactions=[("in_mailer", "on_display")])
    ... # doctest: +SKIP
    >>> relative_interaction(fit).estimate  # doctest: +SKIP
    """
    if not isinstance(fit, FixedEffectsFit):
        raise TypeError(f"'fit' must be a FixedEffectsFit; got {type(fit).__name__}.")
    alpha = check_number(alpha, "alpha", 0, 1, low_open=True, high_open=True)
    min_z = check_number(min_z, "min_z", 0, 100, low_open=True)
    pair = f"{a}:{b}" if f"{a}:{b}" in fit.terms else f"{b}:{a}"
    missing = [t for t in (a, b) if t not in fit.terms]
    if pair not in fit.terms:
        missing.append(f"{a}:{b}")
    if missing:
        raise ValueError(
            f"the fit has no terms {missing}; its terms are {list(fit.terms)} (fit "
            f"fixed_effects_ols with regressors including {a!r} and {b!r} and "
            f"interactions=[({a!r}, {b!r})])."
        )
    if len(fit.cov) != len(fit.terms):
        raise ValueError(
            "the fit carries no covariance of its terms ('fit.cov' is empty); fit it with "
            "fixed_effects_ols, which records it."
        )
    index = [fit.terms.index(t) for t in (a, b, pair)]
    coef = np.array([fit.coef[i] for i in index])
    se = np.array([fit.se[i] for i in index])
    z = np.abs(coef[:2]) / se[:2]
    if (z < min_z).any() or np.sign(coef[0]) != np.sign(coef[1]):
        raise ValueError(
            f"the lifts of {a!r} and {b!r} are not both well away from 0 with the same sign: "
            f"coefficients {coef[0]:+.4g} and {coef[1]:+.4g}, {z[0]:.3g} and {z[1]:.3g} standard "
            f"errors from 0 (each must be at least min_z = {min_z:g}); the relative interaction "
            "divides by the sum of the two lifts and is not defined near 0."
        )
    cov = np.array(fit.cov, dtype=float)[np.ix_(index, index)]
    r, grad = _relative_interaction_and_gradient(*coef)
    r_se = float(np.sqrt(grad @ cov @ grad))
    q = float(stats.norm.ppf(1 - alpha / 2))
    return RelativeInteraction(
        a=a,
        b=b,
        estimate=r,
        se=r_se,
        ci_low=r - q * r_se,
        ci_high=r + q * r_se,
        lift_a=float(np.expm1(coef[0])),
        lift_b=float(np.expm1(coef[1])),
        lift_both=float(np.expm1(coef.sum())),
        alpha=alpha,
        n=fit.n,
        n_clusters=fit.n_clusters,
        method=(
            f"(exp(a + b + ab) - exp(a) - exp(b) + 1) / (exp(a) + exp(b) - 2) of the terms "
            f"{a}, {b} and {pair}; delta-method standard error from the cluster-robust "
            f"covariance ({fit.method}), normal interval"
        ),
    )
