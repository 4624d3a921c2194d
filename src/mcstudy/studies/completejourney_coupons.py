"""The coupon statistics of the Complete Journey study (notebook 09): who redeemed, what they spent.

- :func:`redemption_table` and :func:`redeemer_gap`: one row per household and campaign that
  reached it, whether it redeemed the campaign's coupons and its spend per week during and
  before the campaign; the raw gap between redeemers and the others and the gap relative to
  before the campaign (ratio of ratios), with a cluster bootstrap over households;
- :func:`redemption_rates`: the share of reached households that redeemed, by campaign type,
  with Wilson intervals.

Everything is vectorised over households and rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from mcstudy._random import check_rng
from mcstudy._validation import check_frame, check_int, check_number
from mcstudy.io.completejourney import COMPLETEJOURNEY_N_WEEKS
from mcstudy.studies._completejourney_inputs import (
    _CAMPAIGNS,
    _DESCRIPTIONS,
    _campaign_weeks,
    _check_bool,
    _check_household_weeks,
    _needs,
)

__all__ = [
    "RedeemerGap",
    "redeemer_gap",
    "redemption_rates",
    "redemption_table",
]


def redemption_table(
    tables: Mapping[str, pd.DataFrame], household_weeks: pd.DataFrame, *, pre_weeks: int = 6
) -> pd.DataFrame:
    """One row per household and campaign that reached it, with redemption and spend per week.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Needs ``campaigns``, ``campaign_descriptions`` and ``coupon_redemptions``.
    household_weeks : pandas.DataFrame
        :func:`~mcstudy.io.completejourney_household_weeks`.
    pre_weeks : int, default=6
        Weeks before the campaign's start week used as its "before"; campaigns starting before
        week ``pre_weeks + 1``, or after week 53 (no week of them observed), are left out.

    Returns
    -------
    pandas.DataFrame
        ``household_id``, ``campaign_id``, ``campaign_type``, ``start_week``, ``end_week``
        (clipped to 53), ``redeemed`` (the household redeemed at least one of the campaign's
        coupons), ``spend_during`` and ``spend_before`` (USD per week, during the campaign's
        weeks and in the ``pre_weeks`` weeks before its start week).

    Raises
    ------
    TypeError, ValueError
        If a table or column is missing, the tables break a rule of
        :func:`~mcstudy.io.completejourney.load_completejourney` (missing dates, a campaign
        ending before it starts, a campaign not described, repeated keys), or
        ``household_weeks`` does not have exactly one row per household and week 1-53 (a
        repeated or missing household-week is named; spend is joined on the household and
        week, never by position), its spend is not finite and >= 0, or a household that a
        campaign reached has no row.
    """
    _needs(
        tables,
        {
            "campaigns": _CAMPAIGNS,
            "campaign_descriptions": _DESCRIPTIONS,
            "coupon_redemptions": ["household_id", "campaign_id"],
        },
    )
    _check_household_weeks(household_weeks, ["spend_usd"], complete=True)
    pre_weeks = check_int(pre_weeks, "pre_weeks", 1, COMPLETEJOURNEY_N_WEEKS - 1)
    weeks = _campaign_weeks(tables)
    # campaigns that start too early for their weeks before, or after the year, are left out
    weeks = weeks[
        (weeks["start_week"] > pre_weeks) & (weeks["start_week"] <= COMPLETEJOURNEY_N_WEEKS)
    ]
    rows = tables["campaigns"][["campaign_id", "household_id"]].merge(
        weeks[["campaign_id", "campaign_type", "start_week", "end_week"]], on="campaign_id"
    )
    rows["end_week"] = rows["end_week"].clip(upper=COMPLETEJOURNEY_N_WEEKS)
    redeemed = tables["coupon_redemptions"][["household_id", "campaign_id"]].drop_duplicates()
    rows = rows.merge(
        redeemed.assign(redeemed=True), on=["household_id", "campaign_id"], how="left"
    )
    rows["redeemed"] = rows["redeemed"].fillna(False).astype(bool)
    # spend per household x week, placed by its keys; cumulative sums give window sums
    hw = household_weeks
    households = np.unique(hw["household_id"].to_numpy())
    n_w = COMPLETEJOURNEY_N_WEEKS
    spend = np.zeros((len(households), n_w))
    spend[
        np.searchsorted(households, hw["household_id"].to_numpy()),
        hw["week"].to_numpy().astype(np.int64) - 1,
    ] = hw["spend_usd"].to_numpy(dtype=float)
    cum = np.concatenate([np.zeros((len(households), 1)), np.cumsum(spend, axis=1)], axis=1)
    reached = rows["household_id"].to_numpy()
    h = np.searchsorted(households, reached)
    absent = h >= len(households)
    absent[~absent] = households[h[~absent]] != reached[~absent]
    if absent.any():
        i = int(np.flatnonzero(absent)[0])
        raise ValueError(
            f"'household_weeks' has no row for household_id {reached[i].item()!r}, reached by "
            f"campaign {rows['campaign_id'].iloc[i].item()!r} in tables['campaigns'] "
            f"({int(absent.sum())} reached household-campaign row(s) without spend); every "
            "household of tables['campaigns'] must be in 'household_weeks'."
        )
    start, end = rows["start_week"].to_numpy(), rows["end_week"].to_numpy()
    rows["spend_during"] = (cum[h, end] - cum[h, start - 1]) / (end - start + 1)
    rows["spend_before"] = (cum[h, start - 1] - cum[h, start - 1 - pre_weeks]) / pre_weeks
    return rows.sort_values(["campaign_id", "household_id"]).reset_index(drop=True)


@dataclass(frozen=True)
class RedeemerGap:
    """Redeemers against reached non-redeemers: raw gap and gap relative to before the campaign.

    Attributes
    ----------
    raw, raw_ci : float, tuple of float
        ``mean(spend_during | redeemed) / mean(spend_during | not) - 1``.
    before, before_ci : float, tuple of float
        The same ratio, minus 1, in the weeks before the campaign (selection).
    adjusted, adjusted_ci : float, tuple of float
        Ratio of ratios minus 1: ``(during / before | redeemed) / (during / before | not) - 1``.
    n_rows, n_households, n_redeemed : int
    method : str
    """

    raw: float
    raw_ci: tuple[float, float]
    before: float
    before_ci: tuple[float, float]
    adjusted: float
    adjusted_ci: tuple[float, float]
    n_rows: int
    n_households: int
    n_redeemed: int
    method: str

    def summary(self) -> pd.DataFrame:
        """Return three rows: during the campaign (raw), before it, and the ratio of ratios."""
        return pd.DataFrame(
            {
                "comparison": [
                    "during the campaign (raw)",
                    "before the campaign",
                    "during relative to before (ratio of ratios)",
                ],
                "relative_difference": [self.raw, self.before, self.adjusted],
                "ci_low": [self.raw_ci[0], self.before_ci[0], self.adjusted_ci[0]],
                "ci_high": [self.raw_ci[1], self.before_ci[1], self.adjusted_ci[1]],
                "n": self.n_rows,
            }
        )


def redeemer_gap(
    table: pd.DataFrame, *, n_boot: int = 999, alpha: float = 0.05, rng=None
) -> RedeemerGap:
    """Spend of coupon redeemers against reached non-redeemers, raw and relative to before.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`redemption_table` (or rows of it): ``household_id``, ``redeemed``,
        ``spend_during``, ``spend_before``.
    n_boot : int, default=999
        Cluster bootstrap replicates: households are redrawn with all their rows.
    alpha : float, default=0.05
    rng : None, int or numpy.random.Generator

    Returns
    -------
    RedeemerGap

    Raises
    ------
    TypeError
        If ``redeemed`` is not a bool column, or ``rng`` is not a seed.
    ValueError
        If a column is missing, spend is negative or not finite, a household id is missing, a
        group is empty, fewer than 2 households are given (the bootstrap redraws them), a
        ratio's denominator (mean spend of the non-redeemers during and before, of the
        redeemers before) is 0, or no bootstrap replicate is defined.
    """
    check_frame(table, ["household_id", "redeemed", "spend_during", "spend_before"], "table")
    n_boot = check_int(n_boot, "n_boot", 1, 1_000_000)
    alpha = check_number(alpha, "alpha", 0, 1, low_open=True, high_open=True)
    rng = np.random.default_rng(check_rng(rng))
    missing = table["household_id"].isna().to_numpy()
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        raise ValueError(
            f"'table' column 'household_id' must not be missing; row {i} (index "
            f"{table.index[i]!r}) is {table['household_id'].iloc[i]!r}."
        )
    red = _check_bool(table, "redeemed", "table")
    if red.all() or not red.any():
        raise ValueError("'table' needs both redeemers and non-redeemers.")
    values = table[["spend_during", "spend_before"]].to_numpy(dtype=float)
    if not np.isfinite(values).all() or (values < 0).any():
        raise ValueError("'spend_during' and 'spend_before' must be finite and >= 0.")
    households, h = np.unique(table["household_id"].to_numpy(), return_inverse=True)
    n_h = len(households)
    if n_h < 2:
        raise ValueError(
            "redeemer_gap's cluster bootstrap redraws households: 'table' needs rows of at "
            f"least 2 households; got {n_h}."
        )
    # per household: sums of during/before and row counts, for redeemer and other rows
    per = np.zeros((n_h, 6))
    for k, (mask, col) in enumerate(
        ((red, 0), (red, 1), (red, None), (~red, 0), (~red, 1), (~red, None))
    ):
        w = np.ones(mask.sum()) if col is None else values[mask, col]
        per[:, k] = np.bincount(h[mask], weights=w, minlength=n_h)
    weights = np.empty((n_boot + 1, n_h))
    weights[0] = 1.0
    weights[1:] = rng.multinomial(n_h, np.full(n_h, 1.0 / n_h), size=n_boot)
    s = weights @ per
    with np.errstate(invalid="ignore", divide="ignore"):
        r_during, r_before = s[:, 0] / s[:, 2], s[:, 1] / s[:, 2]
        o_during, o_before = s[:, 3] / s[:, 5], s[:, 4] / s[:, 5]
        raw = r_during / o_during - 1
        before = r_before / o_before - 1
        adjusted = (r_during / r_before) / (o_during / o_before) - 1

    for group, k_during, k_before, k_n in (("redeemers", 0, 1, 2), ("non-redeemers", 3, 4, 5)):
        for col, k in (("spend_during", k_during), ("spend_before", k_before)):
            if group == "redeemers" and col == "spend_during":
                continue  # a numerator only
            if s[0, k] == 0:
                raise ValueError(
                    f"the mean {col} of the {group} is 0 ({int(s[0, k_n])} rows): the ratios "
                    "of mean spend are undefined (division by zero)."
                )

    def ci(draws: np.ndarray) -> tuple[float, float]:
        if not np.isfinite(draws[1:]).any():
            raise ValueError(
                f"too few households for the cluster bootstrap: no bootstrap replicate of "
                f"{n_boot} drew both a redeemer and a non-redeemer with spend ({n_h} "
                "households); give more households or more replicates."
            )
        low, high = np.nanquantile(draws[1:], [alpha / 2, 1 - alpha / 2])
        return float(low), float(high)

    return RedeemerGap(
        raw=float(raw[0]),
        raw_ci=ci(raw),
        before=float(before[0]),
        before_ci=ci(before),
        adjusted=float(adjusted[0]),
        adjusted_ci=ci(adjusted),
        n_rows=int(len(table)),
        n_households=int(n_h),
        n_redeemed=int(red.sum()),
        method=(
            f"ratios of mean spend per week, redeemers vs reached non-redeemers; "
            f"{1 - alpha:.0%} percentile intervals from a cluster bootstrap of households "
            f"({n_boot} replicates)"
        ),
    )


def redemption_rates(table: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """Share of reached households that redeemed, by campaign type (Wilson intervals).

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`redemption_table`.
    alpha : float, default=0.05

    Returns
    -------
    pandas.DataFrame
        One row per ``campaign_type``: ``campaigns``, ``reached`` (household-campaign rows),
        ``redeemed``, ``share``, ``ci_low``, ``ci_high``.
    """
    check_frame(table, ["campaign_type", "campaign_id", "redeemed"], "table")
    alpha = check_number(alpha, "alpha", 0, 1, low_open=True, high_open=True)
    _check_bool(table, "redeemed", "table")
    missing = table["campaign_type"].isna().to_numpy()
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        raise ValueError(
            f"'table' column 'campaign_type' must not be missing; row {i} (index "
            f"{table.index[i]!r}) is {table['campaign_type'].iloc[i]!r}."
        )
    out = table.groupby("campaign_type").agg(
        campaigns=("campaign_id", "nunique"),
        reached=("redeemed", "size"),
        redeemed=("redeemed", "sum"),
    )
    out["share"] = out["redeemed"] / out["reached"]
    low, high = proportion_confint(out["redeemed"], out["reached"], alpha=alpha, method="wilson")
    out["ci_low"], out["ci_high"] = np.asarray(low), np.asarray(high)
    return out.reset_index()
