"""The checks the Complete Journey loader applies to the values and keys of its tables.

Column checks (missing values, integer ranges, finite non-negative dollars, vocabularies) run
while :func:`~mcstudy.io.completejourney.load_completejourney` reads each file; key checks
(unique keys, baskets, weeks, and the ids shared between tables) run on the loaded frames.
:func:`_check_frames` and :func:`_check_frame_keys` apply the same checks to tables given in
memory, for the table builders. Every failure is a
:class:`~mcstudy.io.schema.DataValidationError` naming the file, the column, up to five
offending values and their row positions (0-based).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from mcstudy.io.completejourney_schema import (
    _VOCABULARIES,
    COMPLETEJOURNEY_SCHEMA,
    COMPLETEJOURNEY_UNLISTED_PRODUCTS,
    CompleteJourneyColumn,
)
from mcstudy.io.completejourney_weeks import (
    _YEAR,
    COMPLETEJOURNEY_N_WEEKS,
    COMPLETEJOURNEY_TIMEZONE,
    completejourney_week,
)
from mcstudy.io.schema import DataValidationError

__all__: list[str] = []

_INT32_MAX = 2**31 - 1
_MONEY = ("sales_value", "retail_disc", "coupon_disc", "coupon_match_disc")
_MAX_SHOWN = 5


def _fail(path: Path, column: str | None, bad: np.ndarray, values, message: str):
    """Raise a DataValidationError for the rows flagged in ``bad`` (0-based positions)."""
    rows = np.flatnonzero(bad)
    shown_values = np.asarray(values, dtype=object)[rows[:1000]]
    shown = list(dict.fromkeys(str(v) for v in shown_values))[:_MAX_SHOWN]
    more = " (first 5 shown)" if len(rows) > _MAX_SHOWN else ""
    raise DataValidationError(
        path,
        f"{message}; {len(rows):,} row(s) fail, values {shown} in rows "
        f"{rows[:_MAX_SHOWN].tolist()} (0-based){more}.",
        column=column,
    )


def _int_range(col: CompleteJourneyColumn) -> tuple[int, int, str]:
    """The allowed ``[low, high]`` of an integer column and its description."""
    if col.name == "week":
        return 1, COMPLETEJOURNEY_N_WEEKS, "a week number in [1, 53]"
    if col.name == "quantity":
        return 0, np.iinfo(np.int64).max, "a count >= 0"
    hi = _INT32_MAX if col.dtype == "int32" else np.iinfo(np.int64).max
    return 1, hi, f"a positive id <= {hi:,}"


def _check_missing(path: Path, col: CompleteJourneyColumn, bad: np.ndarray) -> None:
    """Raise for the missing values flagged in ``bad`` of a column that may not have any."""
    if not col.nullable and bad.any():
        _fail(path, col.name, bad, np.full(len(bad), None), "must not be missing")


def _check_money(path: Path, col: CompleteJourneyColumn, values: np.ndarray) -> None:
    """Raise unless every value of a dollar (float) column is finite and >= 0."""
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        what = "dollars" if col.name in _MONEY else "a number"
        _fail(path, col.name, bad, values, f"must be finite and >= 0 ({what})")


def _check_vocabulary(path: Path, col: str, series: pd.Series, vocabulary) -> None:
    """Raise unless every non-missing value of ``series`` is in ``vocabulary``."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        # count rows per category (code -1 is missing) rather than compare every row
        codes = series.cat.codes.to_numpy()
        used = np.bincount(codes + 1, minlength=len(series.cat.categories) + 1)[1:] > 0
        unknown = [c for c in series.cat.categories[used] if c not in vocabulary]
        bad = np.isin(codes, series.cat.categories.get_indexer(unknown)) if unknown else None
    else:
        bad = (series.notna() & ~series.isin(list(vocabulary))).to_numpy()
        bad = bad if bad.any() else None
    if bad is not None:
        _fail(path, col, bad, series, f"must be one of {list(vocabulary)}")


def _check_column(path: Path, col: CompleteJourneyColumn, column: pa.ChunkedArray):
    """Check a column's missing values and integer range; narrow integers to their dtype."""
    if not col.nullable and column.null_count:
        _check_missing(path, col, column.is_null().to_numpy(zero_copy_only=False))
    if col.file_type != "int64" or len(column) == 0:
        return column
    bounds = pc.min_max(column)
    low, high = bounds["min"].as_py(), bounds["max"].as_py()
    lo, hi, what = _int_range(col)
    if low < lo or high > hi:
        values = column.to_numpy()
        _fail(path, col.name, (values < lo) | (values > hi), values, f"must be {what}")
    if col.dtype == "int64":
        return column
    return column.cast(pa.from_numpy_dtype(np.dtype(col.dtype)))


def _check_unique(path: Path, df: pd.DataFrame, columns: list[str]) -> None:
    dup = df.duplicated(columns, keep="first").to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        key = tuple(df[c].iloc[i].item() for c in columns)
        same = np.flatnonzero((df[columns] == df[columns].iloc[i]).all(axis=1).to_numpy())
        label = columns[0] if len(columns) == 1 else f"({', '.join(columns)})"
        shown = key[0] if len(columns) == 1 else key
        raise DataValidationError(
            path,
            f"duplicate key {label} = {shown} in rows {same[:_MAX_SHOWN].tolist()} (0-based); "
            f"{label} must identify one row ({int(dup.sum()):,} repeated row(s)).",
        )


def _isin(values: np.ndarray, universe: np.ndarray) -> np.ndarray:
    """``np.isin`` for non-negative integer ids, through a lookup table when they are small."""
    values, universe = np.asarray(values), np.asarray(universe)
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    top = max(int(values.max()), int(universe.max(initial=0)))
    if top < 2**26 and values.min() >= 0 and universe.min(initial=0) >= 0:
        table = np.zeros(top + 1, dtype=bool)
        table[universe] = True
        return table[values]
    return np.isin(values, universe)


def _check_in(path, df, column, universe, where, *, allowed=()):
    values = df[column].to_numpy()
    ok = _isin(values, universe)
    if allowed:
        ok |= _isin(values, np.fromiter(allowed, dtype=np.int64))
    if not ok.all():
        _fail(path, column, ~ok, values, f"must be a {column} of {where}")


def _check_pairs(path, df, columns, other, where):
    ok = pd.MultiIndex.from_frame(df[columns]).isin(pd.MultiIndex.from_frame(other[columns]))
    if not ok.all():
        shown = df[columns].astype(str).agg(", ".join, axis=1).to_numpy()
        _fail(path, f"({', '.join(columns)})", ~ok, shown, f"must be a pair of {where}")


def _check_keys(frames: dict[str, pd.DataFrame], paths: dict[str, Path]) -> None:
    """Keys within and between the loaded tables (a rule is checked when its tables are)."""
    for name, key in (
        ("products", ["product_id"]),
        ("demographics", ["household_id"]),
        ("campaign_descriptions", ["campaign_id"]),
        ("campaigns", ["campaign_id", "household_id"]),
        ("transactions", ["basket_id", "product_id"]),
    ):
        if name in frames and all(c in frames[name].columns for c in key):
            _check_unique(paths[name], frames[name], key)

    if "campaign_descriptions" in frames:
        cd, path = frames["campaign_descriptions"], paths["campaign_descriptions"]
        bad = (cd["end_date"] < cd["start_date"]).to_numpy()
        if bad.any():
            shown = cd["start_date"].astype(str) + " to " + cd["end_date"].astype(str)
            _fail(path, "end_date", bad, shown, "must not be before start_date")

    if "transactions" in frames:
        tx, path = frames["transactions"], paths["transactions"]
        if "basket_id" in tx.columns:
            _check_baskets(path, tx)
    if "transactions" in frames and "transaction_timestamp" in tx.columns:
        local = (
            tx["transaction_timestamp"]
            .dt.tz_localize("UTC")
            .dt.tz_convert(COMPLETEJOURNEY_TIMEZONE)
            .dt.tz_localize(None)
        )
        bad = completejourney_week(local) != tx["week"].to_numpy()
        if bad.any():
            shown = (
                "week " + tx["week"].astype(str) + " at " + tx["transaction_timestamp"].astype(str)
            )
            _fail(
                path,
                "week",
                bad,
                shown,
                "must be the week of the local date of transaction_timestamp (stored in UTC, "
                f"local zone {COMPLETEJOURNEY_TIMEZONE}; week 1 = Sunday 1 January 2017, then "
                "Monday-to-Sunday weeks)",
            )
    if "transactions" in frames and "household_id" in tx.columns:
        households = tx["household_id"].unique()
        for name in ("demographics", "campaigns", "coupon_redemptions"):
            if name in frames:
                _check_in(
                    paths[name],
                    frames[name],
                    "household_id",
                    households,
                    "transactions.parquet (the households of the study)",
                )
    if "transactions" in frames and "store_id" in tx.columns:
        stores = tx["store_id"].unique()
        if "promotions" in frames:
            _check_in(
                paths["promotions"],
                frames["promotions"],
                "store_id",
                stores,
                "transactions.parquet",
            )

    if "campaign_descriptions" in frames:
        campaigns = frames["campaign_descriptions"]["campaign_id"].to_numpy()
        for name in ("campaigns", "coupons", "coupon_redemptions"):
            if name in frames:
                _check_in(
                    paths[name],
                    frames[name],
                    "campaign_id",
                    campaigns,
                    "campaign_descriptions.parquet",
                )

    if "products" in frames:
        products = frames["products"]["product_id"].to_numpy()
        for name, allowed in (
            ("transactions", COMPLETEJOURNEY_UNLISTED_PRODUCTS),
            ("coupons", COMPLETEJOURNEY_UNLISTED_PRODUCTS),
            ("promotions", ()),
        ):
            if name in frames:
                where = "products.parquet" + (
                    " (or one of the 20 unlisted ids of the release)" if allowed else ""
                )
                _check_in(paths[name], frames[name], "product_id", products, where, allowed=allowed)

    if "coupon_redemptions" in frames:
        red, path = frames["coupon_redemptions"], paths["coupon_redemptions"]
        date = red["redemption_date"]
        bad = ((date < _YEAR[0]) | (date > _YEAR[1]) | (date != date.dt.normalize())).to_numpy()
        if bad.any():
            _fail(path, "redemption_date", bad, date, "must be a date in 2017 (the study year)")
        if "campaigns" in frames:
            _check_pairs(
                path,
                red,
                ["household_id", "campaign_id"],
                frames["campaigns"],
                "campaigns.parquet (a household redeems coupons of campaigns that reached it)",
            )
        if "coupons" in frames and "coupon_upc" in red.columns:
            _check_pairs(
                path,
                red,
                ["coupon_upc", "campaign_id"],
                frames["coupons"],
                "coupons.parquet (a coupon of that campaign)",
            )
        if "campaign_descriptions" in frames:
            window = frames["campaign_descriptions"].set_index("campaign_id")
            start = red["campaign_id"].map(window["start_date"])
            end = red["campaign_id"].map(window["end_date"])
            bad = ((date < start) | (date > end)).to_numpy()
            if bad.any():
                shown = (
                    "campaign "
                    + red["campaign_id"].astype(str)
                    + " on "
                    + date.dt.strftime("%Y-%m-%d")
                )
                _fail(
                    path,
                    "redemption_date",
                    bad,
                    shown,
                    "must lie within its campaign's start_date and end_date",
                )


def _check_baskets(path: Path, tx: pd.DataFrame) -> None:
    """Each basket (purchase occasion) has one household, store, week and timestamp."""
    basket = tx["basket_id"].to_numpy()
    order = np.argsort(basket, kind="stable")
    same = basket[order][1:] == basket[order][:-1]
    for col in ("household_id", "store_id", "week", "transaction_timestamp"):
        if col not in tx.columns:
            continue
        values = tx[col].to_numpy()[order]
        bad = same & (values[1:] != values[:-1])
        if bad.any():
            rows = np.zeros(len(tx), dtype=bool)
            rows[order[1:][bad]] = True
            _fail(
                path,
                col,
                rows,
                "basket " + tx["basket_id"].astype(str) + ": " + tx[col].astype(str),
                "must be the same on every row of a basket (one purchase occasion)",
            )


def _dtype_ok(col: CompleteJourneyColumn, series: pd.Series) -> tuple[bool, str]:
    """Whether a column of an in-memory table has a dtype the loader's checks apply to."""
    dtype = series.dtype
    if col.file_type == "int64":
        return pd.api.types.is_integer_dtype(dtype), "int (integer ids and counts)"
    if col.file_type == "double":
        ok = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
        return ok, "float (dollars)"
    if col.file_type == "timestamp[ns]":
        ok = pd.api.types.is_datetime64_dtype(dtype) and not isinstance(dtype, pd.DatetimeTZDtype)
        return ok, "datetime64[ns] (tz-naive, as load_completejourney() returns)"
    return True, "text"


def _frame_paths(frames: dict[str, pd.DataFrame], label: str) -> dict[str, Path]:
    """Names for tables given in memory, in the errors: ``tables['<name>']``."""
    return {name: Path(f"{label}[{name!r}]") for name in frames}


def _check_frames(frames: dict[str, pd.DataFrame], label: str = "tables") -> None:
    """Apply the loader's column checks to tables given in memory (by the table builders).

    Each column of :data:`COMPLETEJOURNEY_SCHEMA` that a frame has is checked as
    :func:`~mcstudy.io.completejourney.load_completejourney` checks it: dtype, missing values,
    integer ranges, finite non-negative dollars, vocabularies. The keys are checked by
    :func:`_check_frame_keys`.
    Errors name the table as ``tables['<name>']``.
    """
    paths = _frame_paths(frames, label)
    for name, df in frames.items():
        path = paths[name]
        for col in COMPLETEJOURNEY_SCHEMA[name]:
            if col.name not in df.columns:
                continue
            series = df[col.name]
            _check_missing(path, col, series.isna().to_numpy())
            ok, allowed = _dtype_ok(col, series)
            if not ok:
                first = f" (first value {series.iloc[0]!r})" if len(series) else ""
                raise TypeError(
                    f"{label}[{name!r}] column {col.name!r} must be {allowed}; got dtype "
                    f"{series.dtype}{first}."
                )
            if col.file_type == "int64" and len(series):
                lo, hi, what = _int_range(col)
                values = series.to_numpy()
                bad = (values < lo) | (values > hi)
                if bad.any():
                    _fail(path, col.name, bad, values, f"must be {what}")
            elif col.file_type == "double":
                _check_money(path, col, series.to_numpy(dtype=float))
            elif (name, col.name) in _VOCABULARIES:
                _check_vocabulary(path, col.name, series, _VOCABULARIES[name, col.name])


def _check_frame_keys(frames: dict[str, pd.DataFrame], label: str = "tables") -> None:
    """Apply the loader's key checks (:func:`_check_keys`) to tables given in memory.

    A rule whose columns a frame does not have is skipped.
    """
    _check_keys(frames, _frame_paths(frames, label))
