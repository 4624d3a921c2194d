"""The calibration targets given by the Hillstrom experiment, with their standard errors.

:func:`hillstrom_targets` computes, from the frame that
:func:`~mcstudy.io.hillstrom.load_hillstrom` returns, the Hillstrom rows of
``data/targets.csv``: the No E-Mail arm's outcomes, the effects of the two e-mails and the
past year's channel shares, spend and recency, each with its standard error.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mcstudy.io.hillstrom_customers import _ARMS, hillstrom_customer_table

__all__ = ["hillstrom_targets"]

_SOURCE = "Hillstrom (2008), MineThatData E-Mail Analytics and Data Mining Challenge file"
_TWO_WEEKS = "2 weeks"
_PAST_YEAR = "past year"
#: Quantile level -> id suffix, statistic and wording of the past-year spend quantiles.
_SPEND_QUANTILES = {
    0.5: ("spend_median", "past_year_spend_median", "median"),
    0.9: ("spend_p90", "past_year_spend_p90", "90th percentile"),
}
_Z95 = 1.959963984540054


def _mean_se(x: np.ndarray) -> tuple[float, float]:
    """Mean and its standard error (sample standard deviation, ddof=1, over sqrt(n))."""
    return float(x.mean()), float(x.std(ddof=1) / np.sqrt(len(x)))


def _quantile_se(x: np.ndarray, q: float) -> tuple[float, float]:
    """Sample quantile (linear interpolation) and a distribution-free standard error.

    The 95 % confidence interval of the quantile from order statistics, ranks
    ``n q -/+ z sqrt(n q (1 - q))``, divided by ``2 z``.
    """
    xs = np.sort(x)
    n = len(xs)
    half = _Z95 * np.sqrt(n * q * (1 - q))
    lo = xs[max(int(np.floor(n * q - half)) - 1, 0)]
    hi = xs[min(int(np.ceil(n * q + half)) - 1, n - 1)]
    return float(np.quantile(xs, q)), float((hi - lo) / (2 * _Z95))


def hillstrom_targets(df: pd.DataFrame) -> pd.DataFrame:
    r"""Compute the calibration targets given by the Hillstrom experiment, with standard errors.

    Parameters
    ----------
    df : pandas.DataFrame
        Output of :func:`~mcstudy.io.hillstrom.load_hillstrom`.

    Returns
    -------
    pandas.DataFrame
        One row per target, in the columns of :data:`mcstudy.io.catalogue.TARGET_COLUMNS`
        (``low`` and ``high`` NaN: every row has a standard error; ``used_in_fit`` bool):

        - ``hillstrom.control.*``: visit rate, conversion rate and spend per customer (USD) of
          the No E-Mail arm over the two weeks;
        - ``hillstrom.mens_email.*`` and ``hillstrom.womens_email.*``: the difference of the
          e-mailed arm from the No E-Mail arm in the same three outcomes;
        - ``hillstrom.past_year.*``: shares of customers by the channels they bought through in
          the past year, the ratio of the mean past-year spend of multichannel customers to
          that of single-channel (phone or web) customers, and the median and 90th percentile
          of past-year spend (USD), and the mean recency (months since the last purchase, 1-12)
          and share of recency at most 3 months, over all 64,000 customers (measured before
          the campaign).

    Raises
    ------
    TypeError
        If ``df`` is not a DataFrame, or a number column holds text.
    ValueError
        As :func:`~mcstudy.io.hillstrom_customers.hillstrom_customer_table`; also if an arm
        of ``segment`` has fewer than 2 customers (no standard error).

    Notes
    -----
    Standard errors: a mean's is the sample standard deviation (``ddof=1``) over
    :math:`\sqrt n` (shares and rates are means of 0/1 indicators); a difference of the means
    of two independent arms has :math:`\sqrt{se_1^2 + se_0^2}`; the spend ratio
    :math:`R = m_1/m_0` of two disjoint groups has, by the delta method,
    :math:`R\sqrt{(se_1/m_1)^2 + (se_0/m_0)^2}`; a quantile (``numpy.quantile``, linear
    interpolation) has the width of its distribution-free 95 % interval from order statistics
    divided by :math:`2 \times 1.96`. Nothing is random: the output is the same on every call.

    The Hillstrom rows of ``data/targets.csv`` are this output on the published file, numbers
    rounded to 6 significant digits; a test checks that they agree.

    References
    ----------
    .. [1] K. Hillstrom, "The MineThatData E-Mail Analytics and Data Mining Challenge",
       MineThatData blog, March 2008.

    Examples
    --------
    >>> hillstrom_targets(load_hillstrom())[["target_id", "value", "se"]]  # doctest: +SKIP
    """
    table = hillstrom_customer_table(df)
    counts = table["arm"].value_counts()
    small = {arm: int(counts.get(arm, 0)) for arm in _ARMS.values() if counts.get(arm, 0) < 2}
    if small:
        raise ValueError(
            f"'df' must have at least 2 customers in every arm of 'segment' "
            f"({list(_ARMS)}) for a mean and its standard error; got counts {small}."
        )
    rows = []

    def add(target_id, value, se, unit, window, population, measures, statistic, used, note=""):
        rows.append(
            {
                "target_id": target_id,
                "value": value,
                "se": se,
                "low": np.nan,
                "high": np.nan,
                "unit": unit,
                "window": window,
                "population": population,
                "source": _SOURCE,
                "measures": measures,
                "statistic": statistic,
                "used_in_fit": used,
                "note": note,
            }
        )

    outcomes = {
        "visit": ("visited", "share", "share of customers who visited the website"),
        "conversion": ("converted", "share", "share of customers who bought"),
        "spend": ("spend_usd", "USD", "spend per customer (non-buyers count as 0)"),
    }
    control = table[table["arm"] == "control"]
    in_control = f"No E-Mail arm ({len(control):,} customers)"
    everyone = f"{len(table):,} customers who bought in the past year (all three arms)"
    for name, (col, unit, what) in outcomes.items():
        key = f"{name}_rate" if name != "spend" else "spend_per_customer"
        value, se = _mean_se(control[col].to_numpy(dtype=float))
        add(
            f"hillstrom.control.{key}",
            value,
            se,
            unit,
            _TWO_WEEKS,
            in_control,
            f"{what} in the two weeks after the campaign, without an e-mail",
            f"control_{key}",
            True,
        )
    for arm, label in (("mens_email", "men's"), ("womens_email", "women's")):
        sent = table[table["arm"] == arm]
        n_sent = len(sent)
        for name, (col, unit, what) in outcomes.items():
            m1, se1 = _mean_se(sent[col].to_numpy(dtype=float))
            m0, se0 = _mean_se(control[col].to_numpy(dtype=float))
            add(
                f"hillstrom.{arm}.{name}_effect",
                m1 - m0,
                float(np.hypot(se1, se0)),
                unit,
                _TWO_WEEKS,
                f"{label.capitalize()} E-Mail arm ({n_sent:,} customers) vs No E-Mail arm",
                f"effect of one {label} e-mail on the {what} in the two weeks after it: "
                "e-mailed minus control (randomised)",
                f"email_{name}_effect",
                True,
            )
    past = table["past_channel"].astype(str).to_numpy()
    spend = table["past_spend_usd"].to_numpy(dtype=float)
    not_fitted = (
        "a check, not in the fit: the simulated past year (a year without marketing contacts "
        "before the campaign) is compared with it"
    )
    for channel in ("phone", "web", "multichannel"):
        value, se = _mean_se((past == channel).astype(float))
        how = "several channels" if channel == "multichannel" else f"the {channel} only"
        add(
            f"hillstrom.past_year.channel_share_{channel}",
            value,
            se,
            "share",
            _PAST_YEAR,
            everyone,
            f"share of customers who bought through {how} in the past year",
            f"past_year_channel_share_{channel}",
            False,
            not_fitted,
        )
    m1, se1 = _mean_se(spend[past == "multichannel"])
    m0, se0 = _mean_se(spend[past != "multichannel"])
    ratio = m1 / m0
    add(
        "hillstrom.past_year.spend_ratio_multichannel_single",
        ratio,
        float(ratio * np.hypot(se1 / m1, se0 / m0)),
        "ratio",
        _PAST_YEAR,
        everyone,
        f"mean past-year spend of multichannel customers (USD {m1:.2f}) over that of "
        f"single-channel (phone or web) customers (USD {m0:.2f}); observational, not causal",
        "past_year_spend_ratio_multichannel_single",
        False,
        not_fitted,
    )
    for q, (key, statistic, word) in _SPEND_QUANTILES.items():
        value, se = _quantile_se(spend, q)
        add(
            f"hillstrom.past_year.{key}",
            value,
            se,
            "USD",
            _PAST_YEAR,
            everyone,
            f"{word} of past-year spend per customer",
            statistic,
            False,
            not_fitted,
        )
    recency = table["recency_months"].to_numpy(dtype=float)
    for key, x, unit, what in (
        ("recency_mean_months", recency, "months", "mean months since the last purchase"),
        (
            "recency_share_3_months",
            (recency <= 3).astype(float),
            "share",
            "share of customers whose last purchase was at most 3 months before the campaign",
        ),
    ):
        value, se = _mean_se(x)
        add(
            f"hillstrom.past_year.{key}",
            value,
            se,
            unit,
            _PAST_YEAR,
            everyone,
            what + " (recency, 1-12 months)",
            f"past_year_{key}",
            False,
            not_fitted,
        )
    return pd.DataFrame(rows)
