"""The Complete Journey study (notebook 09): the analysis tables and the coupon-selection statistic.

The estimators are general (:mod:`mcstudy.analysis.panel`, :mod:`mcstudy.analysis.heterogeneity`);
this module shapes the Complete Journey for them and holds the one statistic specific to
coupons:

- :func:`campaign_panel`: the household x week table with each household's first campaign week
  (the staggered treatment of the campaign study) and whether it bought that week;
- :func:`promotion_panel`: a complete product x store x week panel of the most-sold products in
  the stores whose promotions are recorded, with units, mailer and display placement and the
  product-week discount (the price cut that placements coincide with);
- :func:`redemption_table` and :func:`redeemer_gap`: one row per household and campaign that
  reached it, whether it redeemed the campaign's coupons and its spend per week during and
  before the campaign; the raw gap between redeemers and the others and the gap relative to
  before the campaign (ratio of ratios), with a cluster bootstrap over households;
- :func:`redemption_rates`: the share of reached households that redeemed, by campaign type,
  with Wilson intervals.

Everything is vectorised over households, products and rows; loops run over campaigns or
cohorts only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from mcstudy._validation import check_frame, check_int, check_number
from mcstudy.io.completejourney import COMPLETEJOURNEY_N_WEEKS, completejourney_week

__all__ = [
    "EXCLUDED_DEPARTMENTS",
    "RedeemerGap",
    "campaign_panel",
    "household_basket_counts",
    "promotion_panel",
    "redeemer_gap",
    "redemption_rates",
    "redemption_table",
]

#: Departments left out of the promotion panel: their ``quantity`` is not a count of items
#: (gallons of fuel, coupon and miscellaneous lines; see docs/data_completejourney.md).
EXCLUDED_DEPARTMENTS = ("FUEL", "COUPON/MISC ITEMS", "MISCELLANEOUS", "KIOSK-GAS")


def _needs(tables: object, names: tuple[str, ...]) -> None:
    if not isinstance(tables, Mapping):
        raise TypeError(
            f"'tables' must be a mapping of table name to DataFrame, as load_completejourney() "
            f"returns; got {type(tables).__name__}."
        )
    missing = [n for n in names if n not in tables]
    if missing:
        raise ValueError(f"'tables' is missing tables {missing}; needed: {list(names)}.")


def _campaign_weeks(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    cd = tables["campaign_descriptions"][["campaign_id", "campaign_type", "start_date", "end_date"]]
    return cd.assign(
        start_week=completejourney_week(cd["start_date"]),
        end_week=completejourney_week(cd["end_date"]),
        campaign_type=cd["campaign_type"].astype(str),
    )


def campaign_panel(
    tables: Mapping[str, pd.DataFrame], household_weeks: pd.DataFrame
) -> pd.DataFrame:
    """The household x week table with the week each household was first reached by a campaign.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Needs ``campaigns`` and ``campaign_descriptions``.
    household_weeks : pandas.DataFrame
        :func:`~mcstudy.io.completejourney_household_weeks`.

    Returns
    -------
    pandas.DataFrame
        ``household_weeks`` with ``first_campaign_week`` (float: the start week of the first
        campaign that reached the household, 0 or below for campaigns that started in 2016;
        NaN if no campaign reached it), ``reached`` (bool) and ``active`` (1.0 if the
        household bought that week, else 0.0).
    """
    _needs(tables, ("campaigns", "campaign_descriptions"))
    check_frame(household_weeks, ["household_id", "week", "n_baskets"], "household_weeks")
    weeks = _campaign_weeks(tables)
    reached = tables["campaigns"][["campaign_id", "household_id"]].merge(
        weeks[["campaign_id", "start_week"]], on="campaign_id", how="left"
    )
    first = reached.groupby("household_id")["start_week"].min().astype(float)
    out = household_weeks.copy()
    out["first_campaign_week"] = out["household_id"].map(first)
    out["reached"] = out["first_campaign_week"].notna()
    out["active"] = (out["n_baskets"] > 0).astype(float)
    return out


def household_basket_counts(household_weeks: pd.DataFrame) -> pd.Series:
    """Baskets (purchase occasions) per household over the year, indexed by household."""
    check_frame(household_weeks, ["household_id", "n_baskets"], "household_weeks")
    return household_weeks.groupby("household_id")["n_baskets"].sum().rename("n_baskets")


def promotion_panel(
    tables: Mapping[str, pd.DataFrame],
    product_store_weeks: pd.DataFrame,
    *,
    n_products: int = 300,
) -> pd.DataFrame:
    """A complete product x store x week panel of the most-sold products, with their placements.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Needs ``transactions`` (for the discount of every store) and ``products``.
    product_store_weeks : pandas.DataFrame
        :func:`~mcstudy.io.completejourney_product_store_weeks`.
    n_products : int, default=300
        Products kept: those with the most product-store-weeks with sales in the stores whose
        promotions are recorded, outside :data:`EXCLUDED_DEPARTMENTS`.

    Returns
    -------
    pandas.DataFrame
        One row per kept product, store where it sold at least once (among the stores with
        promotion records) and week 1-53, zero units where nothing sold: ``product_id``,
        ``store_id``, ``week``, ``product_store`` (int64 id of the pair), ``units``,
        ``log_units`` (``log(1 + units)``), ``in_mailer``, ``on_display`` (0/1) and
        ``discount_share``, the product's loyalty-card discount that week over its price before
        discount, over every store (``retail_disc / (sales + retail_disc)``); product-weeks
        without any sale are dropped (their discount is unknown).

    Notes
    -----
    The product x store x week table lists only combinations that sold or were promoted;
    for a fixed-effects comparison the kept pairs are completed to all 53 weeks, so that a
    week without sales and without promotion counts as zero units.
    """
    _needs(tables, ("transactions", "products"))
    n_products = check_int(n_products, "n_products", 1, 100_000)
    psw = product_store_weeks
    check_frame(
        psw,
        ["product_id", "store_id", "week", "units", "sales_usd", "in_mailer", "on_display"],
        "product_store_weeks",
    )
    promo_stores = np.unique(psw.loc[psw["in_mailer"] | psw["on_display"], "store_id"].to_numpy())
    products = tables["products"]
    excluded = products.loc[
        products["department"].astype(str).isin(EXCLUDED_DEPARTMENTS), "product_id"
    ].to_numpy()
    sold = psw[(psw["units"] > 0) & np.isin(psw["store_id"].to_numpy(), promo_stores)]
    sold = sold[~np.isin(sold["product_id"].to_numpy(), excluded)]
    top = sold["product_id"].value_counts()
    top = np.sort(top.index[:n_products].to_numpy())
    pairs = sold.loc[np.isin(sold["product_id"].to_numpy(), top), ["product_id", "store_id"]]
    pairs = pairs.drop_duplicates().sort_values(["product_id", "store_id"]).to_numpy()
    n_w = COMPLETEJOURNEY_N_WEEKS
    panel = pd.DataFrame(
        {
            "product_id": np.repeat(pairs[:, 0], n_w).astype(np.int32),
            "store_id": np.repeat(pairs[:, 1], n_w).astype(np.int32),
            "week": np.tile(np.arange(1, n_w + 1), len(pairs)).astype(np.int8),
        }
    )
    rows = psw.loc[
        np.isin(psw["product_id"].to_numpy(), top),
        ["product_id", "store_id", "week", "units", "in_mailer", "on_display"],
    ]
    panel = panel.merge(rows, on=["product_id", "store_id", "week"], how="left")
    panel["units"] = panel["units"].fillna(0).astype(float)
    for col in ("in_mailer", "on_display"):
        panel[col] = panel[col].fillna(False).astype(float)
    panel["log_units"] = np.log1p(panel["units"].clip(lower=0))
    tx = tables["transactions"]
    tx = tx.loc[
        np.isin(tx["product_id"].to_numpy(), top),
        ["product_id", "week", "sales_value", "retail_disc"],
    ]
    pw = tx.groupby(["product_id", "week"], observed=True)[["sales_value", "retail_disc"]].sum()
    full = pw["sales_value"] + pw["retail_disc"]
    share = (pw["retail_disc"] / full.where(full > 0)).rename("discount_share").reset_index()
    panel = panel.merge(share, on=["product_id", "week"], how="inner")
    panel = panel[panel["discount_share"].notna()].sort_values(["product_id", "store_id", "week"])
    panel["product_store"] = (panel["product_id"].to_numpy(np.int64) << 20) | panel[
        "store_id"
    ].to_numpy(np.int64)
    return panel.reset_index(drop=True)[
        [
            "product_id",
            "store_id",
            "week",
            "product_store",
            "units",
            "log_units",
            "in_mailer",
            "on_display",
            "discount_share",
        ]
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
        week ``pre_weeks + 1`` are left out.

    Returns
    -------
    pandas.DataFrame
        ``household_id``, ``campaign_id``, ``campaign_type``, ``start_week``, ``end_week``
        (clipped to 53), ``redeemed`` (the household redeemed at least one of the campaign's
        coupons), ``spend_during`` and ``spend_before`` (USD per week, during the campaign's
        weeks and in the ``pre_weeks`` weeks before its start week).
    """
    _needs(tables, ("campaigns", "campaign_descriptions", "coupon_redemptions"))
    check_frame(household_weeks, ["household_id", "week", "spend_usd"], "household_weeks")
    pre_weeks = check_int(pre_weeks, "pre_weeks", 1, COMPLETEJOURNEY_N_WEEKS - 1)
    weeks = _campaign_weeks(tables)
    weeks = weeks[weeks["start_week"] > pre_weeks]
    rows = tables["campaigns"][["campaign_id", "household_id"]].merge(
        weeks[["campaign_id", "campaign_type", "start_week", "end_week"]], on="campaign_id"
    )
    rows["end_week"] = rows["end_week"].clip(upper=COMPLETEJOURNEY_N_WEEKS)
    redeemed = tables["coupon_redemptions"][["household_id", "campaign_id"]].drop_duplicates()
    rows = rows.merge(
        redeemed.assign(redeemed=True), on=["household_id", "campaign_id"], how="left"
    )
    rows["redeemed"] = rows["redeemed"].fillna(False).astype(bool)
    # cumulative spend per household over weeks: window sums without a loop
    hw = household_weeks.sort_values(["household_id", "week"])
    households = hw["household_id"].unique()
    n_w = COMPLETEJOURNEY_N_WEEKS
    spend = hw["spend_usd"].to_numpy(dtype=float).reshape(len(households), n_w)
    cum = np.concatenate([np.zeros((len(households), 1)), np.cumsum(spend, axis=1)], axis=1)
    h = np.searchsorted(households, rows["household_id"].to_numpy())
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
    ValueError
        If a column is missing, spend is negative or not finite, or a group is empty.
    """
    check_frame(table, ["household_id", "redeemed", "spend_during", "spend_before"], "table")
    n_boot = check_int(n_boot, "n_boot", 1, 1_000_000)
    alpha = check_number(alpha, "alpha", 0, 1, low_open=True, high_open=True)
    rng = np.random.default_rng(rng)
    red = table["redeemed"].to_numpy(dtype=bool)
    if red.all() or not red.any():
        raise ValueError("'table' needs both redeemers and non-redeemers.")
    values = table[["spend_during", "spend_before"]].to_numpy(dtype=float)
    if not np.isfinite(values).all() or (values < 0).any():
        raise ValueError("'spend_during' and 'spend_before' must be finite and >= 0.")
    households, h = np.unique(table["household_id"].to_numpy(), return_inverse=True)
    n_h = len(households)
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

    def ci(draws: np.ndarray) -> tuple[float, float]:
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
    out = table.groupby("campaign_type").agg(
        campaigns=("campaign_id", "nunique"),
        reached=("redeemed", "size"),
        redeemed=("redeemed", "sum"),
    )
    out["share"] = out["redeemed"] / out["reached"]
    low, high = proportion_confint(out["redeemed"], out["reached"], alpha=alpha, method="wilson")
    out["ci_low"], out["ci_high"] = np.asarray(low), np.asarray(high)
    return out.reset_index()
