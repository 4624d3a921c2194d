"""Argument checks shared by every public entry point.

Each check names the parameter, the allowed values or range and the value received, in the
form ``'n_customers' must be an int in [1, inf); got 0.``
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from numbers import Integral, Real
from pathlib import Path

import numpy as np
import pandas as pd


def _fmt_range(low: float, high: float, low_open: bool, high_open: bool) -> str:
    left = "(" if low_open or low == -math.inf else "["
    right = ")" if high_open or high == math.inf else "]"
    lo = "-inf" if low == -math.inf else f"{low:g}"
    hi = "inf" if high == math.inf else f"{high:g}"
    return f"{left}{lo}, {hi}{right}"


def check_option(value: object, name: str, options: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``options``; raise otherwise."""
    options = sorted(options)
    if not isinstance(value, str):
        raise TypeError(f"{name!r} must be a str, one of {options}; got {value!r}.")
    if value not in options:
        raise ValueError(f"{name!r} must be one of {options}; got {value!r}.")
    return value


def check_int(value: object, name: str, low: float = -math.inf, high: float = math.inf) -> int:
    """Return ``value`` as an int if it is an integer in ``[low, high]``; raise otherwise."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(
            f"{name!r} must be an int in {_fmt_range(low, high, False, False)}; got {value!r}."
        )
    if not low <= value <= high:
        raise ValueError(
            f"{name!r} must be an int in {_fmt_range(low, high, False, False)}; got {value!r}."
        )
    return int(value)


def check_number(
    value: object,
    name: str,
    low: float = -math.inf,
    high: float = math.inf,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a float if it is a finite real number in the range; raise otherwise."""
    rng = _fmt_range(low, high, low_open, high_open)
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name!r} must be a real number in {rng}; got {value!r}.")
    value = float(value)
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if not math.isfinite(value) or too_low or too_high:
        raise ValueError(f"{name!r} must be a real number in {rng}; got {value!r}.")
    return value


def check_probability(value: object, name: str) -> float:
    """Return ``value`` if it is a probability in ``[0, 1]``; raise otherwise."""
    return check_number(value, name, 0.0, 1.0)


def check_array(
    values: object,
    name: str,
    shape: tuple[int, ...],
    low: float = -math.inf,
    high: float = math.inf,
    *,
    low_open: bool = False,
) -> np.ndarray:
    """Return ``values`` as a float array of ``shape``, every entry in range; raise otherwise."""
    arr = np.asarray(values, dtype=float)
    if arr.shape != shape:
        raise ValueError(f"{name!r} must have shape {shape}; got shape {arr.shape}.")
    bad = ~np.isfinite(arr) | (arr <= low if low_open else arr < low) | (arr > high)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{name!r} entries must be in {_fmt_range(low, high, low_open, False)}; "
            f"got {arr[idx]!r} at index {idx}."
        )
    return arr


def check_frame(df: object, columns: Sequence[str | None], name: str = "df") -> None:
    """Raise unless ``df`` is a DataFrame with every column of ``columns`` (None is skipped)."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{name!r} must be a pandas DataFrame; got {type(df).__name__}.")
    missing = [c for c in dict.fromkeys(columns) if c is not None and c not in df.columns]
    if missing:
        raise ValueError(
            f"{name!r} is missing columns {missing}; it has columns {list(df.columns)}."
        )


def check_output_dir(path: object, name: str, *, inside: tuple[str, ...] = ()) -> Path:
    """Return ``path`` as a Path if a directory can be created or written there; raise otherwise.

    Checked before any work is done, so that a run does not compute for minutes and then fail
    to save: the path must be non-empty, must not be an existing file or lie inside one, and
    its nearest existing ancestor must be a writable directory, as must the existing
    sub-directories named in ``inside``.
    """
    if isinstance(path, str) and not path.strip():
        raise ValueError(f"{name!r} must name an output directory; got {path!r}.")
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"{name!r} must be a path (str or os.PathLike); got {path!r}.")
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise ValueError(f"{name!r} must be a directory; {str(out)!r} is an existing file.")
    ancestor = out
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise ValueError(
            f"{name!r} cannot be created: {str(ancestor)!r}, on its path, is a file, not a "
            f"directory; got {str(out)!r}."
        )
    for folder in (ancestor, *(out / sub for sub in inside if (out / sub).is_dir())):
        if not os.access(folder, os.W_OK | os.X_OK):
            raise ValueError(
                f"{name!r} cannot be written: {str(folder)!r} is read-only (no permission to "
                f"create files in it); got {str(out)!r}."
            )
    return out


def check_separator(value: object, name: str) -> str:
    """Return ``value`` if it is a non-empty string usable to join and split tokens."""
    if not isinstance(value, str):
        raise TypeError(f"{name!r} must be a non-empty str; got {value!r}.")
    if not value:
        raise ValueError(f"{name!r} must be a non-empty str; got {value!r}.")
    return value


def check_column_numbers(
    df: pd.DataFrame, column: str, name: str = "df", *, low: float = -math.inf
) -> np.ndarray:
    """Return column ``column`` of ``df`` as a float array of finite numbers >= ``low``.

    Raise ``TypeError`` if the column is not numeric (bool counts as numeric) and
    ``ValueError`` naming the first offending row (position and index label), the column
    and the value otherwise.
    """
    series = df[column]
    if not (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)):
        raise TypeError(
            f"{name!r} column {column!r} must be numeric; got dtype {series.dtype} "
            f"(first value {series.iloc[0]!r})."
            if len(series)
            else f"{name!r} column {column!r} must be numeric; got dtype {series.dtype}."
        )
    values = series.to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(values) | (values < low)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        allowed = "finite numbers" if low == -math.inf else f"finite numbers >= {low:g}"
        raise ValueError(
            f"{name!r} column {column!r} must hold {allowed}; row {i} (index "
            f"{df.index[i]!r}) has {float(values[i])!r}."
        )
    return values
