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

from mcstudy._validation import check_column_numbers, check_frame, check_int, check_number
from mcstudy.io.completejourney import (
    COMPLETEJOURNEY_N_WEEKS,
    _check_frame_keys,
    _check_frames,
    completejourney_week,
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
_CAMPAIGNS = ["campaign_id", "household_id"]
_DESCRIPTIONS = ["campaign_id", "campaign_type", "start_date", "end_date"]


def _needs(tables: object, needed: dict[str, list[str]]) -> None:
    """Raise unless ``tables`` has every needed table with its columns, valid as the loader's.

    The tables get the checks of :func:`~mcstudy.io.completejourney.load_completejourney`
    (dtypes, missing values, ranges, vocabularies, unique keys, campaign dates in order, keys
    between the tables given).
    """
    if not isinstance(tables, Mapping):
        raise TypeError(
            f"'tables' must be a mapping of table name to DataFrame, as load_completejourney() "
            f"returns; got {type(tables).__name__}."
        )
    missing = [n for n in needed if n not in tables]
    if missing:
        raise ValueError(f"'tables' is missing tables {missing}; needed: {list(needed)}.")
    for name, columns in needed.items():
        df = tables[name]
        if not isinstance(df, pd.DataFrame):
            raise TypeError(
                f"tables[{name!r}] must be a pandas DataFrame; got {type(df).__name__}."
            )
        absent = [c for c in columns if c not in df.columns]
        if absent:
            raise ValueError(
                f"tables[{name!r}] is missing columns {absent}; needed: {columns}; it has "
                f"columns {list(df.columns)}."
            )
    frames = {name: tables[name] for name in needed}
    _check_frames(frames)
    _check_frame_keys(frames)


def _check_household_weeks(
    hw: object, numbers: list[str], *, complete: bool = False, extra: tuple[str, ...] = ()
) -> None:
    """Raise unless ``hw`` is a household x week table: one row per household and week 1-53.

    ``numbers`` are columns that must hold finite numbers >= 0; with ``complete``, every
    household must have all 53 weeks.
    """
    name = "household_weeks"
    check_frame(hw, ["household_id", "week", *numbers, *extra], name)
    for col in ("household_id", "week"):
        missing = hw[col].isna().to_numpy()
        if missing.any():
            i = int(np.flatnonzero(missing)[0])
            raise ValueError(
                f"{name!r} column {col!r} must not be missing; row {i} (index "
                f"{hw.index[i]!r}) is {hw[col].iloc[i]!r}."
            )
    week = hw["week"]
    n_w = COMPLETEJOURNEY_N_WEEKS
    if not pd.api.types.is_numeric_dtype(week) or pd.api.types.is_bool_dtype(week):
        raise TypeError(
            f"{name!r} column 'week' must be week numbers in [1, {n_w}]; got dtype {week.dtype}."
        )
    w = week.to_numpy(dtype=float)
    bad = (w < 1) | (w > n_w) | (w != np.round(w))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{name!r} column 'week' must be week numbers in [1, {n_w}]; row {i} (index "
            f"{hw.index[i]!r}) has {week.iloc[i]!r}."
        )
    dup = hw.duplicated(["household_id", "week"]).to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        key = (hw["household_id"].iloc[i].item(), week.iloc[i].item())
        raise ValueError(
            f"{name!r} must have one row per household_id and week; (household_id, week) = "
            f"{key} is repeated (row {i}, {int(dup.sum())} repeated row(s))."
        )
    if complete:
        counts = hw.groupby("household_id")["week"].size()
        short = counts[counts != n_w]
        if len(short):
            raise ValueError(
                f"{name!r} must have every week 1-{n_w} of each household (as "
                f"completejourney_household_weeks() gives); household_id {short.index[0]!r} has "
                f"{int(short.iloc[0])} week(s) ({len(short)} household(s) incomplete)."
            )
    for col in numbers:
        check_column_numbers(hw, col, name, low=0)


def _check_bool(table: pd.DataFrame, column: str, name: str) -> np.ndarray:
    """Return a bool column as an array; raise unless its dtype is bool."""
    series = table[column]
    if not pd.api.types.is_bool_dtype(series):
        first = f" (first value {series.iloc[0]!r})" if len(series) else ""
        raise TypeError(
            f"{name!r} column {column!r} must be bool (True/False); got dtype "
            f"{series.dtype}{first}."
        )
    return series.to_numpy(dtype=bool)


def _check_rng(rng: object) -> object:
    """Return ``rng`` if numpy.random.default_rng accepts it as a seed; raise otherwise."""
    ok = rng is None or isinstance(
        rng, np.random.Generator | np.random.BitGenerator | np.random.SeedSequence
    )
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool):
        ok = rng >= 0
    if not ok:
        raise TypeError(
            f"'rng' must be None, an int >= 0 or a numpy.random.Generator; got {rng!r}."
        )
    return rng


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
    rng = np.random.default_rng(_check_rng(rng))
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
