"""Tidy analysis tables built from the Complete Journey: household x week, product x store x week.

:func:`completejourney_household_weeks` gives, for every household of the study and every week,
its spend, baskets and discounts, the campaigns that reached it and were running, and the
coupons it received and redeemed. :func:`completejourney_product_store_weeks` gives, for every
product, store and week in which the product sold or was promoted, its units, sales and
discounts with its in-store display and weekly-mailer placement. Both take the tables returned
by :func:`~mcstudy.io.completejourney.load_completejourney` and are vectorised: integer keys,
``numpy.bincount`` and sorted reductions, no Python loop over rows.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from mcstudy.io.completejourney_checks import _check_frame_keys, _check_frames
from mcstudy.io.completejourney_schema import CAMPAIGN_TYPES, DISPLAY_LOCATIONS, MAILER_LOCATIONS
from mcstudy.io.completejourney_weeks import COMPLETEJOURNEY_N_WEEKS, completejourney_week

__all__ = [
    "HOUSEHOLD_WEEK_COLUMNS",
    "PRODUCT_STORE_WEEK_COLUMNS",
    "completejourney_household_weeks",
    "completejourney_product_store_weeks",
]

#: Columns of :func:`completejourney_household_weeks`, in order.
HOUSEHOLD_WEEK_COLUMNS = (
    "household_id",
    "week",
    "spend_usd",
    "n_baskets",
    "retail_disc_usd",
    "coupon_disc_usd",
    "coupon_match_disc_usd",
    "n_campaigns_active",
    "n_campaigns_active_type_a",
    "n_campaigns_active_type_b",
    "n_campaigns_active_type_c",
    "n_campaigns_started",
    "n_coupons_received",
    "n_coupons_valid",
    "n_coupons_redeemed",
)
#: Columns of :func:`completejourney_product_store_weeks`, in order.
PRODUCT_STORE_WEEK_COLUMNS = (
    "product_id",
    "store_id",
    "week",
    "units",
    "sales_usd",
    "retail_disc_usd",
    "coupon_disc_usd",
    "coupon_match_disc_usd",
    "n_baskets",
    "display_location",
    "mailer_location",
    "on_display",
    "in_mailer",
)
_MONEY = {
    "sales_value": "sales_usd",
    "retail_disc": "retail_disc_usd",
    "coupon_disc": "coupon_disc_usd",
    "coupon_match_disc": "coupon_match_disc_usd",
}
_HOUSEHOLD_INPUTS = {
    "transactions": ["household_id", "basket_id", "week", *_MONEY, "product_id"],
    "campaigns": ["campaign_id", "household_id"],
    "campaign_descriptions": ["campaign_id", "campaign_type", "start_date", "end_date"],
    "coupons": ["coupon_upc", "campaign_id"],
    "coupon_redemptions": ["household_id", "campaign_id", "redemption_date"],
}
_PRODUCT_INPUTS = {
    "transactions": ["product_id", "store_id", "week", "quantity", *_MONEY, "basket_id"],
    "promotions": ["product_id", "store_id", "week", "display_location", "mailer_location"],
}


def _inputs(tables: object, needed: dict[str, list[str]], caller: str) -> None:
    """Raise unless ``tables`` maps every needed table name to a frame with its columns."""
    if not isinstance(tables, Mapping):
        raise TypeError(
            f"'tables' must be a mapping of table name to DataFrame, as load_completejourney() "
            f"returns; got {type(tables).__name__}."
        )
    missing = [name for name in needed if name not in tables]
    if missing:
        raise ValueError(
            f"'tables' is missing tables {missing}; {caller} needs {list(needed)} "
            f"(load_completejourney({list(needed)}) loads them)."
        )
    for name, columns in needed.items():
        df = tables[name]
        if not isinstance(df, pd.DataFrame):
            raise TypeError(
                f"tables[{name!r}] must be a pandas DataFrame; got {type(df).__name__}."
            )
        missing = [c for c in columns if c not in df.columns]
        if missing:
            raise ValueError(
                f"tables[{name!r}] is missing columns {missing}; {caller} needs its columns "
                f"{columns}."
            )
    for name in needed:
        if "week" in tables[name].columns and pd.api.types.is_numeric_dtype(tables[name]["week"]):
            week = tables[name]["week"].to_numpy()
            bad = (week < 1) | (week > COMPLETEJOURNEY_N_WEEKS)
            if bad.any():
                raise ValueError(
                    f"tables[{name!r}] column 'week' must be in [1, "
                    f"{COMPLETEJOURNEY_N_WEEKS}]; got {week[bad][0].item()!r} "
                    f"(row {int(np.flatnonzero(bad)[0])})."
                )
    # the loader's checks of columns (dtypes, missing values, ranges, vocabularies)
    _check_frames({name: tables[name] for name in needed})


def _positions(ids: np.ndarray, universe: np.ndarray, what: str, where: str) -> np.ndarray:
    """Positions of ``ids`` in the sorted ``universe``; raise on an id outside it."""
    pos = np.searchsorted(universe, ids)
    pos_ok = np.minimum(pos, len(universe) - 1)
    bad = universe[pos_ok] != ids if len(universe) else np.ones(len(ids), dtype=bool)
    if bad.any():
        raise ValueError(
            f"{where} has {what} {ids[bad][0].item()!r} (row {int(np.flatnonzero(bad)[0])}), which "
            "is not in the table it refers to; load the tables with load_completejourney(), "
            "which checks the keys."
        )
    return pos


def completejourney_household_weeks(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Build the household x week table of the Complete Journey.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Tables as returned by :func:`~mcstudy.io.completejourney.load_completejourney`; needs
        ``transactions``, ``campaigns``, ``campaign_descriptions``, ``coupons`` and
        ``coupon_redemptions``.

    Returns
    -------
    pandas.DataFrame
        One row per household of ``transactions`` and week 1-53, households in increasing
        id, then weeks (2,469 x 53 = 130,857 rows for the release; a household-week without
        a purchase has zero spend), with columns :data:`HOUSEHOLD_WEEK_COLUMNS`:

        - ``household_id`` (int32), ``week`` (int8; see
          :func:`~mcstudy.io.completejourney.completejourney_week`);
        - ``spend_usd``: the sum of ``sales_value`` (dollars the retailer receives);
          ``retail_disc_usd``, ``coupon_disc_usd``, ``coupon_match_disc_usd``: the sums of the
          loyalty-card, manufacturer-coupon and retailer-match discounts (positive dollars);
          float64;
        - ``n_baskets``: distinct baskets (purchase occasions);
        - ``n_campaigns_active``: campaigns that reached the household (a row of
          ``campaigns``) and were running in the week, i.e. whose ``start_date`` to
          ``end_date`` (both included) shares a day with it; ``n_campaigns_active_type_a``,
          ``_b``, ``_c``: the same by ``campaign_type``;
        - ``n_campaigns_started``: campaigns that reached the household and started in the
          week (campaigns that started before 1 January 2017 never count);
        - ``n_coupons_received``: the coupons of the campaigns counted in
          ``n_campaigns_started``, i.e. received when the campaign starts;
        - ``n_coupons_valid``: the coupons of the campaigns counted in
          ``n_campaigns_active``, i.e. that the household could redeem that week;
        - ``n_coupons_redeemed``: rows of ``coupon_redemptions`` of the household whose
          ``redemption_date`` falls in the week.

        Counts are int32. A campaign's coupons are its distinct ``coupon_upc`` values in
        ``coupons``; a UPC offered by two campaigns counts once for each.

    Raises
    ------
    TypeError
        If ``tables`` is not a mapping, or a needed table is not a DataFrame.
    ValueError
        If a needed table or column is missing (listed), a ``week`` is outside [1, 53], or a
        household, campaign or redemption date refers outside the tables (a household of
        ``campaigns`` or ``coupon_redemptions`` without transactions, a campaign not in
        ``campaign_descriptions``, a redemption outside weeks 1-53), or the tables break a
        rule that :func:`~mcstudy.io.completejourney.load_completejourney` checks (the same
        checks, applied to the frames given; a :class:`~mcstudy.io.DataValidationError`
        naming ``tables['<name>']``, the column, values and rows): missing values, negative
        ids or counts, dollars that are not finite and >= 0, an unknown ``campaign_type``, a
        duplicate key (a repeated transaction (``basket_id``, ``product_id``) would count its
        spend twice; a repeated campaign), a basket in two households or weeks, a ``week`` not
        that of ``transaction_timestamp``, a campaign ending before it starts, a redemption
        outside its campaign. A column of the wrong dtype (text for dollars, floats for ids or
        weeks, tz-aware timestamps) raises TypeError.

    Notes
    -----
    The tables say which households a campaign reached and which coupons it offered, not
    which of its coupons each household got: ``n_coupons_received`` and ``n_coupons_valid``
    count every coupon of the campaign, an upper bound for targeted campaigns. The campaign
    weeks are clipped to the study year: campaigns 24-26 started in November and December
    2016 (active from week 1, never "started"), campaigns 15, 20, 21, 22 and 23 end in 2018.

    Examples
    --------
    >>> cj = load_completejourney()  # doctest: +SKIP
    >>> completejourney_household_weeks(cj).groupby("week")["spend_usd"].sum()  # doctest: +SKIP
    """
    _inputs(tables, _HOUSEHOLD_INPUTS, "completejourney_household_weeks")
    tx = tables["transactions"]
    households = np.unique(tx["household_id"].to_numpy())
    campaign_ids = np.unique(tables["campaign_descriptions"]["campaign_id"].to_numpy())
    for name, column, universe in (
        ("campaigns", "household_id", households),
        ("campaigns", "campaign_id", campaign_ids),
        ("coupons", "campaign_id", campaign_ids),
        ("coupon_redemptions", "campaign_id", campaign_ids),
        ("coupon_redemptions", "household_id", households),
    ):
        _positions(tables[name][column].to_numpy(), universe, column, f"tables[{name!r}]")
    # then the loader's rules: unique keys, one household and week per basket, the week of
    # the timestamp, campaign dates in order, redemptions within their campaign
    _check_frame_keys({name: tables[name] for name in _HOUSEHOLD_INPUTS})
    n_h, n_w = len(households), COMPLETEJOURNEY_N_WEEKS
    weeks = np.arange(1, n_w + 1)

    h = np.searchsorted(households, tx["household_id"].to_numpy())
    cell = h * n_w + tx["week"].to_numpy().astype(np.int64) - 1
    out = {
        "household_id": np.repeat(households, n_w).astype(np.int32),
        "week": np.tile(weeks, n_h).astype(np.int8),
    }
    money = {
        usd: np.bincount(cell, weights=tx[col].to_numpy(dtype=float), minlength=n_h * n_w)
        for col, usd in _MONEY.items()
    }
    out["spend_usd"] = money.pop("sales_usd")
    first = ~tx["basket_id"].duplicated().to_numpy()
    out["n_baskets"] = np.bincount(cell[first], minlength=n_h * n_w)
    out.update(money)

    cd = tables["campaign_descriptions"].sort_values("campaign_id")
    campaign_ids = cd["campaign_id"].to_numpy()
    start = completejourney_week(cd["start_date"])[:, None]
    end = completejourney_week(cd["end_date"])[:, None]
    active = ((weeks >= start) & (weeks <= end)).astype(np.int64)  # campaigns x weeks
    started = (weeks == start).astype(np.int64)
    coupons = tables["coupons"][["campaign_id", "coupon_upc"]].drop_duplicates()
    n_coupons = np.bincount(
        _positions(
            coupons["campaign_id"].to_numpy(), campaign_ids, "campaign_id", "tables['coupons']"
        ),
        minlength=len(campaign_ids),
    )[:, None]
    camp = tables["campaigns"]
    reached = np.zeros((n_h, len(campaign_ids)), dtype=np.int64)  # households x campaigns
    reached[
        _positions(
            camp["household_id"].to_numpy(), households, "household_id", "tables['campaigns']"
        ),
        _positions(
            camp["campaign_id"].to_numpy(), campaign_ids, "campaign_id", "tables['campaigns']"
        ),
    ] = 1

    def per_cell(campaign_weeks: np.ndarray, columns=slice(None)) -> np.ndarray:
        return (reached[:, columns] @ campaign_weeks[columns]).ravel()

    out["n_campaigns_active"] = per_cell(active)
    kinds = cd["campaign_type"].astype(str).to_numpy()
    for kind in CAMPAIGN_TYPES:
        suffix = kind.split()[-1].lower()
        out[f"n_campaigns_active_type_{suffix}"] = per_cell(active, kinds == kind)
    out["n_campaigns_started"] = per_cell(started)
    out["n_coupons_received"] = per_cell(started * n_coupons)
    out["n_coupons_valid"] = per_cell(active * n_coupons)

    red = tables["coupon_redemptions"]
    _positions(
        red["campaign_id"].to_numpy(), campaign_ids, "campaign_id", "tables['coupon_redemptions']"
    )
    red_week = completejourney_week(red["redemption_date"])
    bad = (red_week < 1) | (red_week > n_w)
    if bad.any():
        raise ValueError(
            "tables['coupon_redemptions'] column 'redemption_date' must fall in weeks 1-53 "
            f"(2017); got {red['redemption_date'].iloc[int(np.flatnonzero(bad)[0])]}."
        )
    red_h = _positions(
        red["household_id"].to_numpy(),
        households,
        "household_id",
        "tables['coupon_redemptions']",
    )
    out["n_coupons_redeemed"] = np.bincount(red_h * n_w + red_week - 1, minlength=n_h * n_w)
    for col in HOUSEHOLD_WEEK_COLUMNS:
        if col.startswith("n_"):
            out[col] = out[col].astype(np.int32)
    return pd.DataFrame({col: out[col] for col in HOUSEHOLD_WEEK_COLUMNS}, copy=False)


def _key_layout(max_product: int, max_store: int) -> tuple[int, int]:
    """Bits for store and week in the combined int64 key; raise when the ids do not fit."""
    week_bits = int(COMPLETEJOURNEY_N_WEEKS).bit_length()
    store_bits = max(max_store.bit_length(), 1)
    product_bits = max(max_product.bit_length(), 1)
    if product_bits + store_bits + week_bits > 63:
        raise ValueError(
            f"product and store ids too large to combine into one 63-bit key (largest "
            f"product_id {max_product}, store_id {max_store})."
        )
    return store_bits, week_bits


def _location(
    series: pd.Series, vocabulary: tuple[str, ...], order: np.ndarray, starts: np.ndarray
) -> pd.Categorical:
    """Location codes per output row: the largest over the key's promotion rows.

    ``order`` sorts the promotion rows followed by the sales-only entries (code ``"0"``, the
    first of ``vocabulary``); ``starts`` marks the first sorted entry of each output row.
    """
    values = pd.Categorical(series, categories=list(vocabulary))
    lost = values.isna() & series.notna().to_numpy()
    if lost.any():
        raise ValueError(
            f"tables['promotions'] column {series.name!r} must be one of {list(vocabulary)}; "
            f"got {series.iloc[int(np.flatnonzero(lost)[0])]!r}."
        )
    codes = np.zeros(len(order), dtype=np.int8)
    codes[: len(series)] = values.codes
    reduced = np.maximum.reduceat(codes[order], starts) if len(starts) else codes[:0]
    return pd.Categorical.from_codes(reduced, categories=list(vocabulary))


def completejourney_product_store_weeks(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Build the product x store x week table of the Complete Journey: sales and promotion.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Tables as returned by :func:`~mcstudy.io.completejourney.load_completejourney`; needs
        ``transactions`` and ``promotions``.

    Returns
    -------
    pandas.DataFrame
        One row per (product, store, week) that has a transaction or a promotions row, sorted
        by ``product_id``, ``store_id``, ``week``; the combinations absent from both tables
        are neither sold nor promoted and are not listed. The release gives 21,986,134 rows:
        1,338,177 with sales, 20,927,744 promoted, 279,787 both. Columns
        :data:`PRODUCT_STORE_WEEK_COLUMNS`:

        - ``product_id``, ``store_id`` (int32), ``week`` (int8);
        - ``units``: the sum of ``quantity`` (int64; 0 without sales);
        - ``sales_usd``, ``retail_disc_usd``, ``coupon_disc_usd``, ``coupon_match_disc_usd``:
          the sums of ``sales_value`` and the three discounts (float64 dollars);
        - ``n_baskets``: transaction rows, i.e. baskets with the product (a basket lists a
          product once) (int32);
        - ``display_location``, ``mailer_location``: categorical codes of
          :data:`~mcstudy.io.completejourney.DISPLAY_LOCATIONS` and
          :data:`~mcstudy.io.completejourney.MAILER_LOCATIONS`, ``"0"`` (not on display, not
          on ad) when the promotions table has no row;
        - ``on_display``, ``in_mailer``: bool, the code is not ``"0"``.

    Raises
    ------
    TypeError
        If ``tables`` is not a mapping, or a needed table is not a DataFrame.
    ValueError
        If a needed table or column is missing (listed), a ``week`` is outside [1, 53], a
        location code is outside its vocabulary, the ids are too large to combine, or the
        tables break a rule that :func:`~mcstudy.io.completejourney.load_completejourney`
        checks (as for :func:`completejourney_household_weeks`: a repeated transaction
        (``basket_id``, ``product_id``) would count its units twice; a store of promotions
        must be a store of transactions). A column of the wrong dtype raises TypeError.

    Notes
    -----
    The promotions table of the release has two rows for 12,785 (product, store, week) keys,
    mostly one on display and one not; they are combined: a code other than ``"0"`` wins, and
    of two different codes other than ``"0"`` (9 keys, all mailer codes) the later one in
    vocabulary order is kept.

    Each (product, store, week) becomes one int64 key (product id, store id and week in
    disjoint bits); the promotions keys and the sales keys are sorted together once (a stable
    sort, fast on the nearly sorted promotions file) and reduced with ``numpy`` reductions over
    runs of equal keys. No Python loop runs over rows.

    Examples
    --------
    >>> cj = load_completejourney(["transactions", "promotions"])  # doctest: +SKIP
    >>> psw = completejourney_product_store_weeks(cj)  # doctest: +SKIP
    >>> psw.groupby("on_display")["units"].mean()  # doctest: +SKIP
    """
    _inputs(tables, _PRODUCT_INPUTS, "completejourney_product_store_weeks")
    _check_frame_keys({name: tables[name] for name in _PRODUCT_INPUTS})
    tx, promo = tables["transactions"], tables["promotions"]
    tx_product, tx_store = tx["product_id"].to_numpy(), tx["store_id"].to_numpy()
    pr_product, pr_store = promo["product_id"].to_numpy(), promo["store_id"].to_numpy()
    for name, values in (
        ("transactions", tx_product),
        ("transactions", tx_store),
        ("promotions", pr_product),
        ("promotions", pr_store),
    ):
        if len(values) and values.min() < 0:
            raise ValueError(f"tables[{name!r}] has negative ids; ids must be >= 0.")
    store_bits, week_bits = _key_layout(
        int(max(tx_product.max(initial=0), pr_product.max(initial=0))),
        int(max(tx_store.max(initial=0), pr_store.max(initial=0))),
    )
    low_bits = store_bits + week_bits

    def key(product, store, week) -> np.ndarray:
        return (
            (product.astype(np.int64) << low_bits)
            | (store.astype(np.int64) << week_bits)
            | week.astype(np.int64)
        )

    # sales: aggregate transactions by key
    tx_key = key(tx_product, tx_store, tx["week"].to_numpy())
    order = np.argsort(tx_key, kind="stable")
    sorted_key = tx_key[order]
    starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    sales_key = sorted_key[starts]
    sums = {
        usd: np.add.reduceat(tx[col].to_numpy(dtype=float)[order], starts) if len(starts) else []
        for col, usd in _MONEY.items()
    }
    units = (
        np.add.reduceat(tx["quantity"].to_numpy(dtype=np.int64)[order], starts)
        if len(starts)
        else np.zeros(0, np.int64)
    )
    baskets = np.diff(np.r_[starts, len(sorted_key)])
    del tx_key, order, sorted_key

    # union of promotion keys and sales keys, sorted once
    n_promo = len(promo)
    all_key = np.concatenate([key(pr_product, pr_store, promo["week"].to_numpy()), sales_key])
    order = np.argsort(all_key, kind="stable")
    all_key = all_key[order]
    is_start = np.empty(len(all_key), dtype=bool)
    is_start[:1] = True
    np.not_equal(all_key[1:], all_key[:-1], out=is_start[1:])
    starts = np.flatnonzero(is_start)
    out_key = all_key[starts]
    del all_key
    index_type = np.int32 if len(is_start) < 2**31 else np.int64
    row = np.cumsum(is_start, dtype=index_type) - 1  # output row of each sorted entry
    del is_start
    n_out = len(starts)

    # promotion codes: the maximum over the rows of a key ("0", code 0, for sales-only keys)
    display = _location(promo["display_location"], tuple(DISPLAY_LOCATIONS), order, starts)
    mailer = _location(promo["mailer_location"], tuple(MAILER_LOCATIONS), order, starts)

    # sales: scatter into the output rows of the sales keys
    sales_entry = np.flatnonzero(order >= n_promo)
    sales_row = np.empty(len(sales_key), dtype=np.int64)
    sales_row[order[sales_entry] - n_promo] = row[sales_entry]
    del order, row, sales_entry

    def scatter(values: np.ndarray, dtype) -> np.ndarray:
        full = np.zeros(n_out, dtype=dtype)
        full[sales_row] = values
        return full

    out = {
        "product_id": (out_key >> low_bits).astype(np.int32),
        "store_id": ((out_key >> week_bits) & ((1 << store_bits) - 1)).astype(np.int32),
        "week": (out_key & ((1 << week_bits) - 1)).astype(np.int8),
        "units": scatter(units, np.int64),
    }
    del out_key
    for usd in _MONEY.values():
        out[usd] = scatter(sums.pop(usd), np.float64)
    out["n_baskets"] = scatter(baskets, np.int32)
    out["display_location"] = display
    out["mailer_location"] = mailer
    out["on_display"] = display.codes != 0
    out["in_mailer"] = mailer.codes != 0
    return pd.DataFrame(out, copy=False)
