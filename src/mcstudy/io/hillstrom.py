"""Load and validate the MineThatData (Hillstrom) e-mail experiment.

The file is not shipped with mcstudy. :func:`load_hillstrom` finds it, checks it against the
schema of the published file and returns typed columns; :func:`hillstrom_customer_table`
renames it into the shape of the simulator's per-customer table, so that
:mod:`mcstudy.analysis` runs unchanged on real and simulated customers.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from mcstudy import config
from mcstudy.io.schema import DataValidationError

__all__ = [
    "HILLSTROM_COLUMNS",
    "HILLSTROM_URL",
    "hillstrom_customer_table",
    "load_hillstrom",
]

#: Public file of the MineThatData E-Mail Analytics and Data Mining Challenge (2008).
HILLSTROM_URL = (
    "http://www.minethatdata.com/"
    "Kevin_Hillstrom_MineThatData_E-MailAnalytics_DataMiningChallenge_2008.03.20.csv"
)
HILLSTROM_COLUMNS = (
    "recency", "history_segment", "history", "mens", "womens", "zip_code",
    "newbie", "channel", "segment", "visit", "conversion", "spend",
)
_INT_COLUMNS = ("recency", "mens", "womens", "newbie", "visit", "conversion")
_FLOAT_COLUMNS = ("history", "spend")
_BINARY_COLUMNS = ("mens", "womens", "newbie", "visit", "conversion")
_SEGMENTS = ("No E-Mail", "Mens E-Mail", "Womens E-Mail")
_CHANNELS = ("Phone", "Web", "Multichannel")
_ZIP_CODES = ("Urban", "Surburban", "Rural")  # "Surburban" is the original spelling
#: history_segment label -> [low, high) bounds of ``history`` in dollars.
_HISTORY_BUCKETS = {
    "1) $0 - $100": (0.0, 100.0),
    "2) $100 - $200": (100.0, 200.0),
    "3) $200 - $350": (200.0, 350.0),
    "4) $350 - $500": (350.0, 500.0),
    "5) $500 - $750": (500.0, 750.0),
    "6) $750 - $1,000": (750.0, 1000.0),
    "7) $1,000 +": (1000.0, np.inf),
}
_CATEGORIES = {
    "segment": (_SEGMENTS, False),
    "channel": (_CHANNELS, False),
    "zip_code": (_ZIP_CODES, False),
    "history_segment": (tuple(_HISTORY_BUCKETS), True),
}
_MAX_SHOWN = 5


def _resolve_path(path) -> Path:
    """Return the file to read: ``path``, else ``$MCSTUDY_HILLSTROM``, else the default."""
    if path is not None:
        candidate, source = Path(path), "the 'path' argument"
    elif os.environ.get(config.HILLSTROM_ENV):
        candidate, source = Path(os.environ[config.HILLSTROM_ENV]), config.HILLSTROM_ENV
    else:
        candidate, source = Path(config.HILLSTROM_DEFAULT), "the default path"
    if candidate.is_file():
        return candidate
    raise FileNotFoundError(
        f"Hillstrom data file not found; tried {str(candidate)!r} (from {source}). The file is "
        "the MineThatData E-Mail Analytics and Data Mining Challenge (Kevin Hillstrom, 2008), "
        f"published as {HILLSTROM_URL}. Download it and save it as "
        f"{str(config.HILLSTROM_DEFAULT)!r}, or set the environment variable "
        f"{config.HILLSTROM_ENV} (or pass 'path') to where it is. Do not commit it."
    )


def _fail(path: Path, column: str, bad: np.ndarray, shown: pd.Series, message: str):
    """Raise a DataValidationError for the rows flagged in ``bad``.

    The message gives the number of bad rows, up to five distinct offending values (taken from
    ``shown``) and up to five line numbers (header is line 1).
    """
    rows = np.flatnonzero(bad)
    values = list(dict.fromkeys(shown.iloc[rows].astype(str)))[:_MAX_SHOWN]
    lines = [int(i) + 2 for i in rows[:_MAX_SHOWN]]
    raise DataValidationError(
        path, f"{message}; {len(rows)} row(s) fail, values {values} on lines {lines}"
        f"{' (first 5 shown)' if len(rows) > _MAX_SHOWN else ''}.", column=column,
    )


def _parse_numbers(raw: pd.DataFrame, path: Path) -> dict[str, pd.Series]:
    """Parse the integer and float columns, failing on text that is not a finite number."""
    out = {}
    for col in _INT_COLUMNS + _FLOAT_COLUMNS:
        values = pd.to_numeric(raw[col], errors="coerce").astype(float)
        bad = ~np.isfinite(values.to_numpy())
        kind = "a finite number"
        if col in _INT_COLUMNS:
            bad |= np.isfinite(values.to_numpy()) & (values.to_numpy() % 1 != 0)
            kind = "an integer"
        if bad.any():
            _fail(path, col, bad, raw[col], f"must be {kind}")
        out[col] = values.astype("int64") if col in _INT_COLUMNS else values
    return out


def load_hillstrom(path: str | Path | None = None) -> pd.DataFrame:
    """Load and validate the Hillstrom e-mail experiment.

    Parameters
    ----------
    path : str or Path, default=None
        CSV file. When None, the environment variable ``MCSTUDY_HILLSTROM`` is used if set,
        else :data:`mcstudy.config.HILLSTROM_DEFAULT` (``data/external/hillstrom.csv``). The
        first of these that is given is the only path tried.

    Returns
    -------
    pandas.DataFrame
        One row per customer, in file order (64,000 rows in the published file; about 6,500
        rows repeat another row and are distinct customers, so nothing is de-duplicated).
        Columns as in the file. ``segment`` is categorical (No E-Mail, Mens E-Mail,
        Womens E-Mail), ``channel`` (Phone, Web, Multichannel), ``zip_code`` (Urban,
        Surburban, Rural) and ``history_segment`` ordered categorical; ``recency`` and the 0/1
        columns are int64; ``history`` and ``spend`` (dollars) float64.

    Raises
    ------
    FileNotFoundError
        If the file is missing; the message says where to download it and where to put it.
    DataValidationError
        If the file breaks one of these rules (the message names the column, up to five
        offending values and up to five line numbers, header = line 1):

        - exactly the twelve columns of :data:`HILLSTROM_COLUMNS` (missing and unexpected
          columns are listed) and at least one data row;
        - ``recency`` and the 0/1 columns are integers, ``history`` and ``spend`` finite
          numbers;
        - ``segment``, ``channel``, ``zip_code``, ``history_segment`` take the known labels;
        - ``recency`` in [1, 12]; ``mens``, ``womens``, ``newbie``, ``visit``, ``conversion``
          in {0, 1}; ``history`` >= 0; ``spend`` >= 0;
        - ``conversion`` = 1 implies ``visit`` = 1; ``spend`` > 0 exactly when
          ``conversion`` = 1; ``history`` lies in the [low, high) range of its
          ``history_segment``.

        The published file satisfies every rule.

    References
    ----------
    .. [1] K. Hillstrom, "The MineThatData E-Mail Analytics and Data Mining Challenge",
       MineThatData blog, March 2008.

    Examples
    --------
    >>> df = load_hillstrom()  # doctest: +SKIP
    >>> df.groupby("segment", observed=True)["conversion"].mean()  # doctest: +SKIP
    """
    path = _resolve_path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataValidationError(path, f"cannot be read as CSV: {exc}") from exc
    raw = raw.fillna("")  # short lines leave missing cells; they fail the type checks below
    missing = [c for c in HILLSTROM_COLUMNS if c not in raw.columns]
    unexpected = [c for c in raw.columns if c not in HILLSTROM_COLUMNS]
    if missing or unexpected:
        raise DataValidationError(
            path, f"missing columns {missing}, unexpected columns {unexpected}; the file must "
            f"have exactly the columns {list(HILLSTROM_COLUMNS)}."
        )
    if raw.empty:
        raise DataValidationError(path, "the file has a header but no data rows.")

    numbers = _parse_numbers(raw, path)
    for col, (labels, _) in _CATEGORIES.items():
        bad = ~raw[col].isin(labels).to_numpy()
        if bad.any():
            _fail(path, col, bad, raw[col], f"must be one of {list(labels)}")

    recency = numbers["recency"].to_numpy()
    if ((recency < 1) | (recency > 12)).any():
        _fail(path, "recency", (recency < 1) | (recency > 12), raw["recency"],
              "must be an integer number of months in [1, 12]")
    for col in _BINARY_COLUMNS:
        bad = ~np.isin(numbers[col].to_numpy(), (0, 1))
        if bad.any():
            _fail(path, col, bad, raw[col], "must be 0 or 1")
    for col in _FLOAT_COLUMNS:
        bad = numbers[col].to_numpy() < 0
        if bad.any():
            _fail(path, col, bad, raw[col], "must be >= 0 (dollars)")

    visit, conversion = numbers["visit"].to_numpy(), numbers["conversion"].to_numpy()
    spend, history = numbers["spend"].to_numpy(), numbers["history"].to_numpy()
    bad = (conversion == 1) & (visit == 0)
    if bad.any():
        _fail(path, "visit", bad, "conversion=" + raw["conversion"] + ", visit=" + raw["visit"],
              "a customer who converted must have visited (conversion = 1 requires visit = 1)")
    bad = (spend > 0) != (conversion == 1)
    if bad.any():
        _fail(path, "spend", bad, "conversion=" + raw["conversion"] + ", spend=" + raw["spend"],
              "spend must be > 0 exactly when conversion = 1")
    low = raw["history_segment"].map(lambda s: _HISTORY_BUCKETS[s][0]).to_numpy(dtype=float)
    high = raw["history_segment"].map(lambda s: _HISTORY_BUCKETS[s][1]).to_numpy(dtype=float)
    bad = (history < low) | (history >= high)
    if bad.any():
        _fail(path, "history", bad, raw["history_segment"] + ": " + raw["history"],
              "must lie in the [low, high) dollar range of its history_segment")

    df = pd.DataFrame(numbers)
    for col, (labels, ordered) in _CATEGORIES.items():
        df[col] = pd.Categorical(raw[col], categories=list(labels), ordered=ordered)
    return df[list(HILLSTROM_COLUMNS)]


_ARMS = {"No E-Mail": "control", "Mens E-Mail": "mens_email", "Womens E-Mail": "womens_email"}
_PAST_CHANNELS = {"Phone": "phone", "Web": "web", "Multichannel": "multichannel"}
_AREAS = {"Urban": "urban", "Surburban": "suburban", "Rural": "rural"}


def hillstrom_customer_table(df: pd.DataFrame) -> pd.DataFrame:
    """Shape the Hillstrom data like the simulator's per-customer table.

    Parameters
    ----------
    df : pandas.DataFrame
        Output of :func:`load_hillstrom`.

    Returns
    -------
    pandas.DataFrame
        One row per customer, in file order, with columns

        - ``customer_id`` (int64): row position in the file (the file has no id);
        - ``arm`` (categorical ``control``, ``mens_email``, ``womens_email``) from ``segment``;
        - ``past_channel`` (categorical ``phone``, ``web``, ``multichannel``) from ``channel``:
          channels used in the past year, *not* randomised;
        - ``area`` (categorical ``urban``, ``suburban``, ``rural``) from ``zip_code``;
        - ``recency_months``, ``past_spend_usd`` (dollars, past year) and ``past_spend_bucket``;
        - ``bought_mens``, ``bought_womens``, ``newbie`` (0/1);
        - ``visited``, ``converted`` (0/1) and ``spend_usd`` (dollars) in the two weeks after the
          e-mail.

    Raises
    ------
    TypeError
        If ``df`` is not a DataFrame.
    ValueError
        If columns of :data:`HILLSTROM_COLUMNS` are missing (they are listed).
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"'df' must be a pandas DataFrame; got {type(df).__name__}.")
    missing = [c for c in HILLSTROM_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"'df' is missing columns {missing}; use load_hillstrom() to read it.")

    def recode(col, mapping):
        labels = df[col].astype(str).map(mapping)
        return pd.Categorical(labels, categories=list(mapping.values()))

    return pd.DataFrame({
        "customer_id": np.arange(len(df), dtype="int64"),
        "arm": recode("segment", _ARMS),
        "past_channel": recode("channel", _PAST_CHANNELS),
        "area": recode("zip_code", _AREAS),
        "recency_months": df["recency"].astype("int64").to_numpy(),
        "past_spend_usd": df["history"].astype(float).to_numpy(),
        "past_spend_bucket": df["history_segment"].array,
        "bought_mens": df["mens"].astype("int64").to_numpy(),
        "bought_womens": df["womens"].astype("int64").to_numpy(),
        "newbie": df["newbie"].astype("int64").to_numpy(),
        "visited": df["visit"].astype("int64").to_numpy(),
        "converted": df["conversion"].astype("int64").to_numpy(),
        "spend_usd": df["spend"].astype(float).to_numpy(),
    })
