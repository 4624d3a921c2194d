"""The Complete Journey study (notebook 09): the panels its estimators take.

The estimators are general (:mod:`mcstudy.analysis.panel`, :mod:`mcstudy.analysis.heterogeneity`);
this module shapes the Complete Journey for them:

- :func:`campaign_panel`: the household x week table with each household's first campaign week
  (the staggered treatment of the campaign study) and whether it bought that week;
- :func:`promotion_panel`: a complete product x store x week panel of the most-sold products in
  the stores whose promotions are recorded, with units, mailer and display placement and the
  product-week discount (the price cut that placements coincide with).

The coupon statistics (:func:`redemption_table`, :func:`redeemer_gap`,
:func:`redemption_rates`) are in :mod:`~mcstudy.studies.completejourney_coupons` and imported
here as well; the checks of the inputs are in :mod:`mcstudy.studies._completejourney_inputs`.

Everything is vectorised over households, products and rows; loops run over campaigns or
cohorts only.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from mcstudy._validation import check_column_numbers, check_frame, check_int
from mcstudy.io.completejourney import COMPLETEJOURNEY_N_WEEKS
from mcstudy.studies._completejourney_inputs import (
    _CAMPAIGNS,
    _DESCRIPTIONS,
    _campaign_weeks,
    _check_bool,
    _check_household_weeks,
    _needs,
)
from mcstudy.studies.completejourney_coupons import (
    RedeemerGap,
    redeemer_gap,
    redemption_rates,
    redemption_table,
)

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
    _needs(tables, {"campaigns": _CAMPAIGNS, "campaign_descriptions": _DESCRIPTIONS})
    _check_household_weeks(household_weeks, ["n_baskets"])
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
    _check_household_weeks(household_weeks, ["n_baskets"])
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
    _needs(
        tables,
        {
            "transactions": ["product_id", "week", "sales_value", "retail_disc"],
            "products": ["product_id", "department"],
        },
    )
    n_products = check_int(n_products, "n_products", 1, 100_000)
    psw = product_store_weeks
    _check_product_store_weeks(psw)
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


def _check_product_store_weeks(psw: object) -> None:
    name = "product_store_weeks"
    keys = ["product_id", "store_id", "week"]
    check_frame(psw, [*keys, "units", "sales_usd", "in_mailer", "on_display"], name)
    n_w = COMPLETEJOURNEY_N_WEEKS
    for col, low, high in (
        ("product_id", 0, 2**31 - 1),
        ("store_id", 0, 2**20 - 1),
        ("week", 1, n_w),
    ):
        series = psw[col]
        if not pd.api.types.is_integer_dtype(series):
            raise TypeError(
                f"{name!r} column {col!r} must be integers in [{low}, {high}]; got dtype "
                f"{series.dtype}."
            )
        values = series.to_numpy()
        bad = (values < low) | (values > high)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"{name!r} column {col!r} must be integers in [{low}, {high}]; row {i} (index "
                f"{psw.index[i]!r}) has {values[i].item()!r}."
            )
    dup = psw.duplicated(keys).to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        key = tuple(psw[c].iloc[i].item() for c in keys)
        raise ValueError(
            f"{name!r} must have one row per (product_id, store_id, week); {key} is repeated "
            f"(row {i})."
        )
    check_column_numbers(psw, "units", name, low=0)
    for col in ("in_mailer", "on_display"):
        _check_bool(psw, col, name)
