"""Checks and design helpers shared by the statistics of :mod:`mcstudy.analysis`.

One place validates what every comparison needs: the columns exist, the outcome is numeric and
finite, a logistic outcome is 0/1, the groups have levels, grouping columns have no missing
values, and covariates are turned into a design the statsmodels formula API can fit. Logistic
fits go through :func:`fit_logit`, which refuses separated or unconverged fits. Private to the
package.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from statsmodels.tools.sm_exceptions import (
    ConvergenceWarning,
    PerfectSeparationError,
    PerfectSeparationWarning,
)

from mcstudy._validation import check_frame, check_number, check_option

__all__ = []


def check_regression_inputs(
    df: object,
    roles: dict[str, str],
    covariates: object,
    *,
    family: str = "ols",
    families: Sequence[str] = ("ols", "logit"),
    alpha: float = 0.05,
) -> tuple[list[str], float, np.ndarray]:
    """The preamble every regression of the package shares; return ``(covariates, alpha, y)``.

    Parameters
    ----------
    df : object
        Must be a DataFrame with every column named in ``roles`` and ``covariates``.
    roles : dict of str to str
        Parameter name -> column, e.g. ``{"group": "past_channel", "outcome": "spend_usd"}``;
        must contain ``"outcome"``. The columns must be distinct from each other and from the
        covariates, and have no missing values.
    covariates : str or sequence of str
        Adjustment columns (a single name is accepted).
    family : str, default="ols"
        Model family, one of ``families``; ``"logit"`` needs a 0/1 outcome.
    alpha : float, default=0.05
        Must be in (0, 1).

    Returns
    -------
    tuple
        The covariates as a list, ``alpha`` as a float, and the outcome as a float array.
    """
    covariates = [covariates] if isinstance(covariates, str) else list(covariates)
    columns = [*roles.values(), *covariates]
    check_frame(df, columns)
    check_option(family, "family", families)
    alpha = check_number(alpha, "alpha", 0.0, 1.0, low_open=True, high_open=True)
    if len(set(columns)) != len(columns):
        names = " ".join(f"{role!r}," for role in roles)
        raise ValueError(f"{names} and 'covariates' must name different columns; got {columns}.")
    data = df[columns]
    if data.isna().any().any():
        bad = data.columns[data.isna().any()].tolist()
        raise ValueError(f"columns {bad} have missing values; drop or impute them first.")
    outcome = roles["outcome"]
    y = numeric_outcome(df, outcome)
    if family == "logit" and not is_binary(y):
        raise ValueError(
            f"family='logit' needs a 0/1 outcome; column {outcome!r} has other values."
        )
    return covariates, alpha, y


def reference_order(levels: list, reference: object, what: str) -> list:
    """``levels`` with ``reference`` first (the first level when None); raise if unknown."""
    reference = levels[0] if reference is None else reference
    if reference not in levels:
        raise ValueError(f"'reference' must be one of the {what} {levels}; got {reference!r}.")
    return [reference, *[lv for lv in levels if lv != reference]]


def numeric_outcome(df: pd.DataFrame, column: str) -> np.ndarray:
    """Return ``df[column]`` as a float array; raise if non-numeric or not finite."""
    if not (pd.api.types.is_numeric_dtype(df[column]) or pd.api.types.is_bool_dtype(df[column])):
        raise TypeError(f"outcome column {column!r} must be numeric; got dtype {df[column].dtype}.")
    values = df[column].to_numpy(dtype=float, na_value=np.nan)
    if not np.isfinite(values).all():
        raise ValueError(f"outcome column {column!r} has missing or infinite values.")
    return values


def is_binary(values: np.ndarray) -> bool:
    return bool(np.isin(values, (0.0, 1.0)).all())


def plain(value: object) -> object:
    """``value`` as a plain Python object (``1`` rather than ``np.int64(1)``) for messages."""
    return value.item() if isinstance(value, np.generic) else value


def observed_levels(series: pd.Series) -> list:
    """Observed values of ``series``: in category order if categorical, else sorted."""
    present = set(series.dropna().unique())
    if isinstance(series.dtype, pd.CategoricalDtype):
        return [c for c in series.cat.categories if c in present]
    try:
        return sorted(present)
    except TypeError:  # mixed types
        return sorted(present, key=str)


def design_columns(df: pd.DataFrame, columns: Sequence[str], prefix: str = "x") -> pd.DataFrame:
    """Covariates under internal names ``x0, x1, ...`` for a formula.

    Numeric columns are kept as floats; categorical, string and boolean columns become
    categoricals with the same categories whatever rows are later selected, so that a model
    fitted on some rows can predict on others.
    """
    out = {}
    for i, col in enumerate(columns):
        values = df[col]
        if (
            isinstance(values.dtype, pd.CategoricalDtype)
            or not pd.api.types.is_numeric_dtype(values)
            or pd.api.types.is_bool_dtype(values)
        ):
            text = values.astype(str)
            out[f"{prefix}{i}"] = pd.Categorical(text, categories=sorted(text.unique()))
        else:
            out[f"{prefix}{i}"] = values.to_numpy(dtype=float)
    return pd.DataFrame(out, index=df.index)


def binary_column(df: pd.DataFrame, column: str) -> np.ndarray:
    values = numeric_outcome(df, column)
    if not is_binary(values):
        raise ValueError(f"column {column!r} must hold only 0/1 (or bool) values.")
    return values


def group_param(index: pd.Index, level: object) -> str:
    """Name of the coefficient of group ``level`` (``g[T.level]``) in a fitted model."""
    pattern = re.compile(rf"^g\[T\.{re.escape(str(level))}\]$")
    matches = [name for name in index if pattern.match(name)]
    if len(matches) != 1:  # pragma: no cover - guards against a formula-engine change
        raise RuntimeError(f"cannot find the coefficient of group {level!r} in {list(index)}.")
    return matches[0]


def no_missing(df: pd.DataFrame, column: str, name: str, what: str) -> None:
    """Raise if the grouping column ``column`` (argument ``name``) has missing values.

    Rows with a missing group would otherwise drop out of every comparison without notice.
    """
    n_missing = int(df[column].isna().sum())
    if n_missing:
        raise ValueError(
            f"{name!r} column {column!r} has {n_missing} of {len(df)} rows with a missing "
            f"{what}; drop them explicitly first, e.g. df.dropna(subset=[{column!r}])."
        )


def check_events(y: np.ndarray, outcome: str, cells: Iterable[tuple[str, np.ndarray]]) -> None:
    """Raise if a cell of a logistic model has no events or only events.

    ``cells`` pairs a description (e.g. ``"group 'sms' of 'channel'"``) with a boolean mask of
    its rows. A cell whose own coefficient is fitted and whose 0/1 outcome does not vary is
    quasi-completely separated: the maximum-likelihood log odds ratio is infinite, and the
    finite number the optimiser stops at, with its huge interval, is meaningless.
    """
    bad = []
    for label, mask in cells:
        n, events = int(mask.sum()), int(y[mask].sum())
        if n and events == 0:
            bad.append(f"{label}: no events (0 of {n})")
        elif n and events == n:
            bad.append(f"{label}: only events ({n} of {n})")
    if bad:
        raise ValueError(
            f"family='logit' cannot be fitted: outcome {outcome!r} does not vary in "
            + "; ".join(bad)
            + ". Its log odds ratio is infinite (separation). Use family='ols', or drop or "
            "merge that level."
        )


def category_cells(
    df: pd.DataFrame, columns: Sequence[str], mask: np.ndarray | None = None, suffix: str = ""
) -> list[tuple[str, np.ndarray]]:
    """Cells ``(label, rows)`` of the levels of the discrete columns among ``columns``.

    Discrete columns are those :func:`design_columns` turns into dummies (categorical, string,
    boolean) and numeric columns with two values (0/1 indicators): in a model with an
    intercept each of their levels needs events and non-events, or the fit is separated.
    ``mask`` restricts the rows (e.g. one arm) and ``suffix`` says which rows in the label.
    """
    mask = np.ones(len(df), dtype=bool) if mask is None else mask
    cells = []
    for col in columns:
        values = df[col]
        if (
            isinstance(values.dtype, pd.CategoricalDtype)
            or not pd.api.types.is_numeric_dtype(values)
            or pd.api.types.is_bool_dtype(values)
        ):
            values = values.astype(str)
        values = values.to_numpy()
        levels = observed_levels(pd.Series(values[mask]))
        numeric = np.issubdtype(values.dtype, np.number)
        if len(levels) > 1 and not (numeric and len(levels) > 2):
            cells += [
                (f"level {plain(lv)!r} of {col!r}{suffix}", mask & (values == lv)) for lv in levels
            ]
    return cells


#: A logit coefficient with a standard error this large (log-odds) comes from a fit that
#: diverges on (quasi-)separated data; valid fits are orders of magnitude below, and infinite or
#: NaN errors are above it, so the test has a wide margin either side and does not turn on
#: rounding.
_SEPARATED_SE = 100.0


def fit_logit(formula: str, frame: pd.DataFrame, *, outcome: str, what: str = ""):
    """Fit ``smf.logit(formula, frame)``; raise instead of returning a fit that is not valid.

    statsmodels only warns when Newton's method does not converge or predicts every row
    perfectly, and returns the last iterate (coefficients such as -25 with standard errors of
    1e4). Here both warnings, a non-converged fit and standard errors of 100 or more (or not
    finite) raise a ValueError naming ``outcome`` (and ``what``: which rows were fitted).
    """
    problem = None
    # exp overflows harmlessly while a separated fit diverges; the checks below report it.
    with warnings.catch_warnings(), np.errstate(over="ignore"):
        warnings.simplefilter("error", ConvergenceWarning)
        warnings.simplefilter("error", PerfectSeparationWarning)
        try:
            fit = smf.logit(formula, frame).fit(disp=0)
        except ConvergenceWarning:
            problem = "the maximum-likelihood fit did not converge"
        except (PerfectSeparationWarning, PerfectSeparationError):
            problem = "the fit predicts every row perfectly"
        except np.linalg.LinAlgError as exc:
            raise ValueError(
                f"family='logit' fit of outcome {outcome!r}{' on ' + what if what else ''} "
                f"failed ({exc}): the design is singular, a covariate is collinear with others "
                "or a level has no rows. Drop that covariate or level."
            ) from exc
        else:
            if not fit.mle_retvals.get("converged", True):
                problem = "the maximum-likelihood fit did not converge"
            elif not (np.abs(fit.bse) < _SEPARATED_SE).all():
                problem = (
                    f"standard errors of {_SEPARATED_SE:g} or more on the log-odds scale, or "
                    "not finite"
                )
    if problem is not None:
        rows = f" on {what}" if what else ""
        raise ValueError(
            f"family='logit' fit of outcome {outcome!r}{rows} failed ({problem}). This usually "
            "means (quasi-)complete separation: a level or covariate predicts the outcome "
            "perfectly. Use family='ols', or drop that level or covariate."
        )
    return fit


def check_full_rank(model, description: str) -> None:
    """Raise if the design matrix of a statsmodels formula ``model`` is rank-deficient."""
    exog = np.asarray(model.exog, dtype=float)
    rank = int(np.linalg.matrix_rank(exog))
    if rank < exog.shape[1]:
        raise ValueError(
            f"the design of {description} is rank-deficient (rank {rank} < {exog.shape[1]} "
            "columns): some coefficients are not identified; a covariate is collinear with the "
            "treatment, the moderator or another covariate. Drop it."
        )
