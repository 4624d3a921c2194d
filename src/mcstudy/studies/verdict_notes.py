"""What the real-data notebooks print around their verdicts, written once.

- :func:`rules_table`: the registered rule of each claim a notebook judges, one row per claim;
- :func:`minimum_detectable`: the smallest difference a two-sided 5 % test detects with a given
  power, from a 95 % interval;
- :func:`describe_verdicts`: each recorded verdict with its measure and condition, wrapped for
  reading;
- :func:`pvalues_as_text`: a table's p-values in three significant digits, for display;
- :func:`quote_claims`: the claims a notebook judges, quoted from the registry.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

import pandas as pd
from scipy.stats import norm

from mcstudy._validation import check_frame
from mcstudy.analysis.intervals import Z95
from mcstudy.claims.rules import rule_for

__all__ = [
    "describe_verdicts",
    "minimum_detectable",
    "pvalues_as_text",
    "quote_claims",
    "rules_table",
]


def rules_table(claim_ids: Iterable[str], claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """The registered rule of each claim, one row per claim indexed by ``claim_id``.

    Parameters
    ----------
    claim_ids : iterable of str
        The claims, in the order of the rows.
    claims : pandas.DataFrame, default=None
        The claims registry; ``data/claims.csv`` when None.

    Returns
    -------
    pandas.DataFrame
        The fields of :class:`mcstudy.claims.rules.ClaimRule` (rule, direction, smallest effect,
        estimand, ...), one row per claim.
    """
    rules = [vars(rule_for(claim, claims)) for claim in claim_ids]
    return pd.DataFrame(rules).set_index("claim_id")


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


def describe_verdicts(verdicts: pd.DataFrame, width: int = 100) -> str:
    """Each verdict with its measure, and its condition indented below, wrapped at ``width``.

    Parameters
    ----------
    verdicts : pandas.DataFrame
        One row per verdict with ``claim_id``, ``verdict``, ``measure`` and ``condition`` (as
        :func:`mcstudy.claims.judge` returns them).
    width : int, default=100
        The line width.

    Returns
    -------
    str
        One paragraph per verdict, separated by a blank line.
    """
    check_frame(verdicts, ["claim_id", "verdict", "measure", "condition"], "verdicts")
    blocks = [
        textwrap.fill(f"{row.claim_id} ({row.verdict}) - {row.measure}.", width)
        + "\n"
        + textwrap.fill(row.condition, width, initial_indent="    ", subsequent_indent="    ")
        + " \n"
        for row in verdicts.itertuples()
    ]
    return "\n".join(blocks)


def pvalues_as_text(table: pd.DataFrame, column: str = "pvalue") -> pd.DataFrame:
    """``table`` with its p-values as text in three significant digits (``1.23e-05``).

    Rounding a table for display would show small p-values as 0; as text they keep their
    order of magnitude.
    """
    check_frame(table, [column], "table")
    return table.assign(**{column: table[column].map("{:.3g}".format)})


def quote_claims(claims: pd.DataFrame, notebook: str, width: int = 100) -> str:
    """Each claim a notebook judges: its id, topic and quote, and its statement indented below.

    Parameters
    ----------
    claims : pandas.DataFrame
        The claims registry (:func:`mcstudy.io.load_claims`).
    notebook : str
        The notebook whose claims are quoted.
    width : int, default=100
        The line width of the statements.
    """
    check_frame(claims, ["claim_id", "notebook", "topic", "quote_fr", "statement_en"], "claims")
    mine = claims[claims["notebook"] == notebook]
    return "\n".join(
        f"{row.claim_id} ({row.topic}): « {row.quote_fr} »\n"
        + textwrap.fill(row.statement_en, width, initial_indent="    ", subsequent_indent="    ")
        + "\n"
        for row in mine.itertuples()
    )
