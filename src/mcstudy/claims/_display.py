"""How the scorecard writes its numbers: effects with their intervals, robustness shares."""

from __future__ import annotations

import math
from numbers import Real

import pandas as pd

from mcstudy._validation import check_int
from mcstudy._vocab import VERDICT_NOT_TESTABLE

__all__ = ["NO_VERDICT", "format_effect", "robustness_text"]

#: The verdict of a claim no notebook has judged yet.
NO_VERDICT = "no verdict yet"


def format_effect(effect: float, ci_low: float, ci_high: float, digits: int = 3) -> str:
    """``effect (ci_low to ci_high)`` with ``digits`` significant digits; "" without a number.

    Examples
    --------
    >>> format_effect(-6.42035, -7.52461, -5.3161)
    '-6.42 (-7.52 to -5.32)'
    >>> format_effect(float("nan"), 0.1, 0.3)
    '(0.1 to 0.3)'
    """
    for name, value in (("effect", effect), ("ci_low", ci_low), ("ci_high", ci_high)):
        if isinstance(value, bool) or not isinstance(value, Real):
            raise TypeError(f"{name!r} must be a real number (NaN for none); got {value!r}.")
    digits = check_int(digits, "digits", 1, 17)

    def fmt(x: float) -> str:
        return f"{x:.{digits}g}"

    interval = ""
    if not (math.isnan(ci_low) or math.isnan(ci_high)):
        interval = f"({fmt(ci_low)} to {fmt(ci_high)})"
    if math.isnan(effect):
        return interval
    return f"{fmt(effect)} {interval}".strip()


def robustness_text(share: float, verdict: str, noise_share: float = float("nan")) -> str:
    """The robustness share as shown in the scorecard and the report.

    "62%", flagged "62% (noise alone: 75%)" when the share cannot be told from Monte Carlo
    noise (noise-only share below :data:`mcstudy.experiments.robustness.NOISE_FLOOR`); "no
    parameter space" for a verdict without one, blank for no verdict or ``not testable``.
    """
    from mcstudy.experiments.robustness import NOISE_FLOOR

    if not math.isnan(share):
        text = f"{share:.0%}"
        if noise_share < NOISE_FLOOR:
            text += f" (noise alone: {noise_share:.0%})"
        return text
    if verdict in (NO_VERDICT, VERDICT_NOT_TESTABLE):
        return ""
    return "no parameter space"


def _n_text(n, verdict: str) -> str:
    if pd.isna(n) or verdict in (NO_VERDICT, VERDICT_NOT_TESTABLE):
        return ""
    return str(int(n))
