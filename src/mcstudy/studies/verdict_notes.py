"""What the real-data notebooks print around their verdicts, written once.

Their claims, rules and verdicts are shown by :mod:`mcstudy.claims.reading`; this module adds:

- :func:`minimum_detectable`: the smallest difference a two-sided 5 % test detects with a given
  power, from a 95 % interval;
- :func:`pvalues_as_text`: a table's p-values in three significant digits, for display.
"""

from __future__ import annotations

import pandas as pd
from scipy.stats import norm

from mcstudy._validation import check_frame
from mcstudy.analysis.intervals import Z95

__all__ = [
    "minimum_detectable",
    "pvalues_as_text",
]


def minimum_detectable(ci_low: float, ci_high: float, *, power: float = 0.8) -> float:
    """The smallest difference a two-sided 5 % test detects with ``power``, from its 95 % CI.

    The standard error is the interval's width over ``2 * 1.96``; the detectable difference is
    ``(1.96 + z_power)`` standard errors.

    Parameters
    ----------
    ci_low, ci_high : float
        The 95 % interval of the estimate.
    power : float, default=0.8
        The power, in (0, 1).

    Returns
    -------
    float
        The minimum detectable difference, in the estimate's unit.

    Raises
    ------
    ValueError
        If ``power`` is not in (0, 1) or the interval is reversed.
    """
    if not 0 < power < 1:
        raise ValueError(f"'power' must be in (0, 1); got {power!r}.")
    if ci_high < ci_low:
        raise ValueError(f"'ci_high' must be at least 'ci_low'; got {ci_low!r} and {ci_high!r}.")
    power_z = 0.8416212335729143 if power == 0.8 else float(norm.ppf(power))
    return (Z95 + power_z) * (ci_high - ci_low) / (2 * Z95)


def pvalues_as_text(table: pd.DataFrame, column: str = "pvalue") -> pd.DataFrame:
    """``table`` with its p-values as text in three significant digits (``1.23e-05``).

    Rounding a table for display would show small p-values as 0; as text they keep their
    order of magnitude.
    """
    check_frame(table, [column], "table")
    return table.assign(**{column: table[column].map("{:.3g}".format)})
