"""Uplift: how well a targeting score ranks customers by their response to a treatment.

- :func:`qini_curve`, :func:`qini_coefficient`, :func:`uplift_at_k`: evaluate a score on
  randomised data;
- :func:`two_model_uplift`: a two-model ("T-learner") score to evaluate with them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

from mcstudy._validation import check_frame, check_number, check_option
from mcstudy.analysis._common import (
    binary_column,
    category_cells,
    check_events,
    design_columns,
    fit_logit,
    is_binary,
    numeric_outcome,
)

__all__ = [
    "qini_coefficient",
    "qini_curve",
    "two_model_uplift",
    "uplift_at_k",
]


def _uplift_arrays(treated, outcome, score) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate and return ``treated`` (bool), ``outcome`` and ``score`` (float) arrays."""
    indexed = {
        name: values.index
        for name, values in (("treated", treated), ("outcome", outcome), ("score", score))
        if isinstance(values, pd.Series)
    }
    if len(indexed) > 1:
        first, *others = indexed.items()
        for name, index in others:
            if len(index) == len(first[1]) and not index.equals(first[1]):
                raise ValueError(
                    "'treated', 'outcome' and 'score' must share one index when given as "
                    f"Series (they are matched row by row); {first[0]!r} and {name!r} differ "
                    f"(first labels {list(first[1][:3])} and {list(index[:3])}). Align them, e.g. "
                    "score.reindex(treated.index)."
                )
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
    if not is_binary(t):
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
    ratio = np.divide(
        n_treated[ends], n_control[ends], out=np.zeros(len(ends)), where=n_control[ends] > 0
    )
    incremental = y_treated[ends] - y_control[ends] * ratio
    return pd.DataFrame(
        {
            "fraction_targeted": np.r_[0.0, (ends + 1) / len(s)],
            "n_targeted": np.r_[0, ends + 1],
            "n_treated": np.r_[0, n_treated[ends]],
            "n_control": np.r_[0, n_control[ends]],
            "incremental": np.r_[0.0, incremental],
        }
    )


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


def uplift_at_k(treated, outcome, score, *, k: float) -> float:
    """Compute the uplift among the top-``k`` fraction of customers by score.

    Parameters
    ----------
    treated, outcome, score : array-like
        As in :func:`qini_curve`.
    k : float
        Fraction of all customers targeted, in (0, 1]: exactly ``k * n`` customers are
        targeted, in decreasing order of score. Customers whose score ties at the cut enter
        with equal fractional weights (see Notes), so row order never matters.

    Returns
    -------
    float
        Mean outcome of treated minus mean outcome of control customers within the top
        ``k`` (weighted means when the cut splits a run of tied scores); at ``k=1`` the
        overall difference in means.

    Raises
    ------
    TypeError, ValueError
        As in :func:`qini_curve`; also if ``k`` is outside (0, 1] or the top ``k`` holds no
        treated or no control customer.

    Notes
    -----
    Customers are ranked by decreasing score and ``m = k * n`` of them are targeted. When the
    ``b`` customers of a run of tied scores straddle the cut, with ``a`` customers ranked
    strictly above the run, each of them enters with weight ``(m - a) / b``; customers above
    the run have weight 1 and below it weight 0. The weights sum to ``m``, treat every tied
    customer alike (row order does not matter, as in :func:`qini_curve`), and reduce to the
    plain top-``m`` difference when ``m`` is a whole number and no tie straddles the cut.
    Without ties and with ``k * n`` fractional, the last customer enters with the fractional
    part as weight.

    References
    ----------
    .. [1] P. Gutierrez and J.-Y. Gérardy, "Causal inference and uplift modelling: a review of
       the literature", Proceedings of Machine Learning Research 67, 1-13, 2017.
    """
    t, y, s = _uplift_arrays(treated, outcome, score)
    k = check_number(k, "k", 0.0, 1.0, low_open=True)
    m = k * len(s)
    if np.isclose(m, np.round(m), rtol=1e-12, atol=1e-9):  # k * n whole up to rounding
        m = float(np.round(m))
    order = np.argsort(-s, kind="stable")
    t, y, ranked = t[order], y[order], -s[order]
    # Each customer's run of tied scores spans ranks [above, end); weight of the straddling run.
    above = np.searchsorted(ranked, ranked, side="left")
    end = np.searchsorted(ranked, ranked, side="right")
    weight = np.clip((m - above) / (end - above), 0.0, 1.0)
    w_treated, w_control = weight * t, weight * ~t
    if w_treated.sum() == 0 or w_control.sum() == 0:
        raise ValueError(
            f"the top k={k:g} ({m:g} customers) must contain treated and control customers."
        )
    return float((w_treated @ y) / w_treated.sum() - (w_control @ y) / w_control.sum())


def two_model_uplift(
    train: pd.DataFrame,
    test: pd.DataFrame,
    *,
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
        If a frame or column is missing, ``treatment`` is not 0/1 or lacks one arm, a
        logit outcome is not 0/1, or a level of a discrete feature has no treated or no
        control rows in ``train``; with ``family="logit"``, also if, within the treated or the
        control rows of ``train``, the outcome has no events or only events overall or in a
        level of a discrete feature (named), or a fit does not converge (separation).

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
    clash = [f for f in features if f in (treatment, outcome)]
    if clash or len(set(features)) != len(features):
        raise ValueError(
            "'features' must not include the 'treatment' or 'outcome' column and must name "
            f"each column once; got features {features} (treatment {treatment!r}, outcome "
            f"{outcome!r})."
        )
    if test.empty:
        raise ValueError("'test' has no rows to score.")
    for name, frame in (("train", train), ("test", test)):
        for column in features:
            missing = frame[column].isna().to_numpy()
            if missing.any():
                i = int(np.flatnonzero(missing)[0])
                raise ValueError(
                    f"{name!r} column {column!r} has {int(missing.sum())} missing values (first "
                    f"at row {i}, index {frame.index[i]!r}); drop or impute them first."
                )
    t = binary_column(train, treatment).astype(bool)
    if t.all() or not t.any():
        raise ValueError(f"'train' must contain treated and control rows in {treatment!r}.")
    y = numeric_outcome(train, outcome)
    if family == "logit" and not is_binary(y):
        raise ValueError(
            f"family='logit' needs a 0/1 outcome; column {outcome!r} has other values."
        )
    both = pd.concat([train[features], test[features]], ignore_index=True)
    design = design_columns(both, features)
    x_train, x_test = design.iloc[: len(train)].copy(), design.iloc[len(train) :]
    x_train["y"] = y
    formula = "y ~ " + " + ".join(design.columns)
    predictions = []
    for arm, rows in ((t, "treated"), (~t, "control")):
        for col, name in zip(design.columns, features, strict=True):
            if isinstance(design[col].dtype, pd.CategoricalDtype):
                absent = sorted(
                    set(design[col].cat.categories) - set(x_train.loc[arm, col].unique())
                )
                if absent:
                    raise ValueError(
                        f"levels {absent} of feature {name!r} have no {rows} rows in 'train' "
                        "(they occur in 'test' or in the other arm), so the "
                        f"{rows} model cannot estimate them; drop or merge those levels."
                    )
        if family == "logit":
            where = f" among the {rows} rows of 'train'"
            check_events(
                y,
                outcome,
                [(f"the {rows} rows of 'train'", arm)]
                + category_cells(train, features, arm, suffix=where),
            )
            fit = fit_logit(
                formula, x_train[arm], outcome=outcome, what=f"the {rows} rows of 'train'"
            )
        else:
            fit = smf.ols(formula, x_train[arm]).fit()
        predictions.append(np.asarray(fit.predict(x_test), dtype=float))
    return predictions[0] - predictions[1]
