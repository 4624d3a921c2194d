"""Checks and design helpers shared by the statistics of :mod:`mcstudy.analysis`.

One place validates what every comparison needs: the columns exist, the outcome is numeric and
finite, a logistic outcome is 0/1, the groups have levels, grouping columns have no missing
values, and covariates are turned into a design the statsmodels formula API can fit. Private to
the package.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = [
]


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
        if isinstance(values.dtype, pd.CategoricalDtype) or not pd.api.types.is_numeric_dtype(
            values
        ) or pd.api.types.is_bool_dtype(values):
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
