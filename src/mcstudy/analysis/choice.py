"""Choices between computed values that come out the same on every machine.

A result that picks "the best" of several computed values (the most profitable assignment,
the pressure a team prefers, the attribution method with the smallest error) is on a knife
edge when two candidates are nearly equal: the last bits of a floating-point sum differ
between CPUs, BLAS kernels and thread counts, and so would the choice. Here candidates within
a stated tolerance of the best are ties, and ties go to the first candidate in the order
given, which the caller states (the lowest pressure, the first method listed). A value must
move by about ``rtol`` relative before the choice can change, far above rounding (about
1e-16) and far below the Monte Carlo noise of anything simulated.

For the sign of an effect or a comparison with a threshold there is nothing to choose:
those are the verdict rules (:mod:`mcstudy.claims.verdicts`), judged on intervals.
"""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
import pandas as pd

from mcstudy._validation import check_number

__all__ = ["TIE_RTOL", "argbest", "idxbest"]

#: Relative tolerance under which two candidates are a tie (see the module docstring).
TIE_RTOL = 1e-6


def _ties_at_best(values: np.ndarray, best: str, rtol: float) -> np.ndarray:
    if best not in ("max", "min"):
        raise ValueError(f"'best' must be one of ['max', 'min']; got {best!r}.")
    rtol = check_number(rtol, "rtol", 0.0, 0.1)
    if values.ndim == 0 or values.shape[-1] == 0:
        raise ValueError("'values' must hold at least one candidate; got none.")
    if not np.isfinite(values).all():
        raise ValueError(
            "'values' must be finite to choose among them; got "
            f"{int((~np.isfinite(values)).sum())} NaN or infinite value(s)."
        )
    top = (
        values.max(axis=-1, keepdims=True) if best == "max" else values.min(axis=-1, keepdims=True)
    )
    scale = np.maximum(np.abs(top), np.abs(values).max(axis=-1, keepdims=True) * 1e-3)
    return np.abs(values - top) <= rtol * np.maximum(scale, np.finfo(float).tiny)


def argbest(values: object, best: str = "max", *, rtol: float = TIE_RTOL) -> np.ndarray | int:
    """Position of the best value, ties within ``rtol`` going to the first; along the last axis.

    Parameters
    ----------
    values : array_like of float
        Candidates along the last axis (a 2-D array gives one choice per row).
    best : {"max", "min"}, default="max"
        Whether the best is the largest or the smallest value.
    rtol : float, default=TIE_RTOL
        Candidates within ``rtol`` of the best, relative to the best's magnitude (or to a
        thousandth of the largest magnitude, when the best is near 0), are ties; in [0, 0.1].

    Returns
    -------
    int or numpy.ndarray
        The position (an int for 1-D input, an array of them otherwise).

    Raises
    ------
    TypeError
        If ``values`` are not real numbers.
    ValueError
        If there is no candidate, a value is NaN or infinite, or ``best`` or ``rtol`` is out of
        range.

    Examples
    --------
    >>> argbest([1.0, 3.0, 3.0 + 1e-12, 2.0])
    1
    >>> argbest([[1.0, 0.5], [2.0, 2.0]], "min").tolist()
    [1, 0]
    """
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"'values' must be real numbers; got {values!r:.80}.") from None
    ties = _ties_at_best(arr, best, rtol)
    pos = np.argmax(ties, axis=-1)  # the first True
    return int(pos) if arr.ndim == 1 else pos


def idxbest(values: pd.Series, best: str = "max", *, rtol: float = TIE_RTOL) -> Hashable:
    """Label of the best value of a Series, ties within ``rtol`` going to the first label.

    The tolerant counterpart of :meth:`pandas.Series.idxmax` and :meth:`~pandas.Series.idxmin`:
    order the Series so that the candidate a tie should go to comes first.

    Parameters
    ----------
    values : pandas.Series
        Candidates, indexed by label.
    best : {"max", "min"}, default="max"
        Whether the best is the largest or the smallest value.
    rtol : float, default=TIE_RTOL
        As in :func:`argbest`.

    Returns
    -------
    hashable
        The label.

    Raises
    ------
    TypeError
        If ``values`` is not a Series.
    ValueError
        As :func:`argbest`.

    Examples
    --------
    >>> idxbest(pd.Series({"a": 2.0, "b": 5.0, "c": 5.0 - 1e-10}))
    'b'
    """
    if not isinstance(values, pd.Series):
        raise TypeError(f"'values' must be a pandas Series; got {type(values).__name__}.")
    return values.index[argbest(values.to_numpy(dtype=float), best, rtol=rtol)]
