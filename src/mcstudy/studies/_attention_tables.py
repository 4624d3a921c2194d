"""Tables of the attention study's replicated runs: per-arm outcomes, factorial gains, intervals.

Private to :mod:`mcstudy.studies.attention`, which re-exports these functions.
"""

from __future__ import annotations

import pandas as pd

from mcstudy._validation import check_frame, check_int

__all__ = ["arm_outcomes", "factorial_revenue_gains", "interval_text"]

#: Channels added to e-mail in the 2 x 2 factorials (as :mod:`mcstudy.studies.attention`).
FACTORIAL_PARTNERS = ("postal_mail", "telephone")


def arm_outcomes(table: pd.DataFrame) -> pd.DataFrame:
    """The per-arm outcomes of replicated runs, one row per arm: the mean over replications.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`mcstudy.experiments.replicate`: with an ``arm`` column (the tidy
        output of :func:`~mcstudy.studies.attention.attention_outcomes`; rows without an arm,
        the statistics, are left out).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``arm``, one column per metric.
    """
    check_frame(table, ["arm", "metric", "value"], name="table")
    rows = table[table["arm"].notna()]
    return rows.pivot_table(
        index="arm", columns="metric", values="value", aggfunc="mean"
    ).rename_axis(columns=None)


def factorial_revenue_gains(table: pd.DataFrame) -> pd.DataFrame:
    """What one contact a week on a second channel adds to revenue, per replication.

    Parameters
    ----------
    table : pandas.DataFrame
        Replicated :func:`~mcstudy.studies.attention.attention_outcomes` runs
        (:func:`mcstudy.experiments.replicate`: columns ``replication``, ``arm``, ``metric``,
        ``value``).

    Returns
    -------
    pandas.DataFrame
        One row per replication, partner channel and kind of customer: ``channel added``
        (``postal mail`` or ``telephone``), ``customers`` (``not e-mailed``: the partner's arm
        minus no contact; ``e-mailed weekly``: e-mail with the partner minus e-mail alone) and
        ``revenue gain (EUR per customer-year)``.
    """
    check_frame(table, ["replication", "arm", "metric", "value"], name="table")
    revenue = table[table["metric"] == "revenue_per_customer_eur"]
    wide = revenue.pivot_table(index="replication", columns="arm", values="value")
    frames = []
    for customers, base, with_partner in (
        ("not e-mailed", "factorial_none", "factorial_{}"),
        ("e-mailed weekly", "factorial_email", "factorial_email_and_{}"),
    ):
        for partner in FACTORIAL_PARTNERS:
            arm = with_partner.format(partner)
            missing = [a for a in (arm, base) if a not in wide.columns]
            if missing:
                raise ValueError(
                    f"'table' has no revenue of arm {missing[0]!r}: not attention runs."
                )
            frames.append(
                pd.DataFrame(
                    {
                        "channel added": partner.replace("_", " "),
                        "customers": customers,
                        "revenue gain (EUR per customer-year)": wide[arm] - wide[base],
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def interval_text(row: pd.Series, unit: str = "EUR", decimals: int = 2) -> str:
    """A mean and its 95 % interval as text: ``"-2.11 EUR (95 % CI -3.99 to -0.24)"``.

    Parameters
    ----------
    row : pandas.Series
        With ``mean``, ``ci_low`` and ``ci_high`` (a row of
        :func:`mcstudy.experiments.summarise_replications`).
    unit : str, default="EUR"
        Written after the mean ("" for none).
    decimals : int, default=2
        Decimals of every number, in [0, 10].
    """
    missing = [k for k in ("mean", "ci_low", "ci_high") if k not in row.index]
    if missing:
        raise ValueError(f"'row' must have 'mean', 'ci_low' and 'ci_high'; missing {missing}.")
    d = check_int(decimals, "decimals", 0, 10)
    mean = f"{row['mean']:.{d}f}" + (f" {unit}" if unit else "")
    return f"{mean} (95 % CI {row['ci_low']:.{d}f} to {row['ci_high']:.{d}f})"
