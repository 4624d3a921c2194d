"""Validated loaders for the shipped data files.

``load_claims`` reads the claims registry (``data/claims.csv``), ``load_channels`` the channel
catalogue (``data/channels.csv``) and ``load_hillstrom`` the MineThatData e-mail experiment.
Every problem is reported as a :class:`DataValidationError` that names the file, the row (as the
line number in the file, header = line 1), the column, the value and what is allowed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from mcstudy import config
from mcstudy._errors import DataValidationError
from mcstudy._hillstrom import hillstrom_customer_table, load_hillstrom

__all__ = [
    "CHANNEL_COLUMNS",
    "CLAIM_COLUMNS",
    "CLAIM_KINDS",
    "CLAIM_TOPICS",
    "DataValidationError",
    "hillstrom_customer_table",
    "load_channels",
    "load_claims",
    "load_hillstrom",
]

CLAIM_COLUMNS = (
    "claim_id", "source", "quote_fr", "statement_en", "figure",
    "topic", "kind", "notebook", "note",
)
CLAIM_TOPICS = (
    "uplift", "intrusiveness", "attention", "permission", "integration", "profiles",
    "cross-channel", "cost-to-serve", "attribution", "service", "other",
)
CLAIM_KINDS = ("simulation", "real-data", "consistency", "not-testable")
#: Notebooks a claim may point at: every study notebook except the scorecard.
CLAIM_NOTEBOOKS = tuple(nb for nb in config.STUDY_NOTEBOOKS if not nb.startswith("99_"))
SOURCE_DOCUMENTS = (
    "000_da6d8463cb5d92d2.txt",
    "001_5be708621ecec0ed.txt",
    "002_633b85f482797c72.txt",
    "003_ccbbe6c2245e2fd3.txt",
    "004_7ae1ad8b10f73eac.txt",
)

CHANNEL_COLUMNS = (
    "channel", "label_fr", "label_en", "communication_modes", "sensory_registers",
    "modes_provenance", "cost_per_contact_eur", "cost_provenance", "service_cost_eur",
    "service_cost_provenance", "intrusiveness",
    "intrusiveness_provenance", "persuasion", "persuasion_provenance", "service_price_index",
    "price_provenance", "affinity_social", "affinity_autonomous", "affinity_provenance",
    "outbound", "inbound",
)
#: numeric column -> (low, high, low_open, may_be_blank, provenance column)
_CHANNEL_NUMBERS = {
    "cost_per_contact_eur": (0.0, np.inf, True, False, "cost_provenance"),
    "service_cost_eur": (0.0, np.inf, False, False, "service_cost_provenance"),
    "intrusiveness": (0.0, 1.0, False, False, "intrusiveness_provenance"),
    "persuasion": (0.0, 1.0, False, False, "persuasion_provenance"),
    "service_price_index": (0.0, np.inf, True, True, "price_provenance"),
    "affinity_social": (0.0, np.inf, True, False, "affinity_provenance"),
    "affinity_autonomous": (0.0, np.inf, True, False, "affinity_provenance"),
}


def _read_csv(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: file not found.")
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataValidationError(
            path, f"missing columns {missing}; the file must have columns {list(columns)}."
        )
    return df


def _line(index: int) -> int:
    """Line number in the CSV file of data row ``index`` (header is line 1)."""
    return int(index) + 2


def _check_required(df: pd.DataFrame, path: Path, columns) -> None:
    for col in columns:
        blank = df[col].str.strip() == ""
        if blank.any():
            i = int(np.flatnonzero(blank)[0])
            raise DataValidationError(path, "must not be blank.", row=_line(i), column=col,
                                      value="")


def _check_vocabulary(df: pd.DataFrame, path: Path, column: str, allowed) -> None:
    bad = ~df[column].isin(allowed)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataValidationError(
            path, f"must be one of {sorted(allowed)}.",
            row=_line(i), column=column, value=df[column].iloc[i],
        )


def _check_unique(df: pd.DataFrame, path: Path, column: str) -> None:
    dup = df[column].duplicated(keep="first")
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        first = int(np.flatnonzero(df[column] == df[column].iloc[i])[0])
        raise DataValidationError(
            path, f"duplicate id; first used on line {_line(first)}; ids must be unique.",
            row=_line(i), column=column, value=df[column].iloc[i],
        )


def load_claims(path: str | Path | None = None) -> pd.DataFrame:
    """Load and validate the claims registry.

    Parameters
    ----------
    path : str or Path, default=None
        CSV file; ``data/claims.csv`` of the repository when None.

    Returns
    -------
    pandas.DataFrame
        One row per claim, columns :data:`CLAIM_COLUMNS` in that order; ``topic``, ``kind``,
        ``source`` and ``notebook`` are categoricals.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    DataValidationError
        On missing columns, blank required cells, duplicate ids, a topic, kind, source or
        notebook outside the allowed lists, or a ``not-testable`` claim without a note.
    """
    path = Path(path) if path is not None else config.CLAIMS_CSV
    df = _read_csv(path, CLAIM_COLUMNS)[list(CLAIM_COLUMNS)]
    _check_required(df, path, ("claim_id", "source", "quote_fr", "statement_en", "topic",
                               "kind", "notebook"))
    _check_unique(df, path, "claim_id")
    _check_vocabulary(df, path, "source", SOURCE_DOCUMENTS)
    _check_vocabulary(df, path, "topic", CLAIM_TOPICS)
    _check_vocabulary(df, path, "kind", CLAIM_KINDS)
    _check_vocabulary(df, path, "notebook", CLAIM_NOTEBOOKS)
    silent = (df["kind"] == "not-testable") & (df["note"].str.strip() == "")
    if silent.any():
        i = int(np.flatnonzero(silent)[0])
        raise DataValidationError(
            path, "a not-testable claim must say why in its note.",
            row=_line(i), column="note", value="",
        )
    for col, cats in (("source", SOURCE_DOCUMENTS), ("topic", CLAIM_TOPICS),
                      ("kind", CLAIM_KINDS), ("notebook", CLAIM_NOTEBOOKS)):
        df[col] = pd.Categorical(df[col], categories=list(cats))
    return df


def load_channels(path: str | Path | None = None) -> pd.DataFrame:
    """Load and validate the channel catalogue.

    Parameters
    ----------
    path : str or Path, default=None
        CSV file; ``data/channels.csv`` of the repository when None.

    Returns
    -------
    pandas.DataFrame
        One row per channel, columns :data:`CHANNEL_COLUMNS`; numbers as floats (NaN where a
        number may be blank), ``outbound`` and ``inbound`` as bools.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    DataValidationError
        On missing columns, duplicate channels, non-numeric or out-of-range numbers, a number
        without its provenance, or a flag that is not ``true``/``false``.
    """
    path = Path(path) if path is not None else config.CHANNELS_CSV
    df = _read_csv(path, CHANNEL_COLUMNS)[list(CHANNEL_COLUMNS)]
    _check_required(df, path, ("channel", "label_en", "modes_provenance"))
    _check_unique(df, path, "channel")
    for col, (low, high, low_open, may_be_blank, prov) in _CHANNEL_NUMBERS.items():
        text = df[col].str.strip()
        values = pd.to_numeric(text.where(text != ""), errors="coerce")
        for i in range(len(df)):
            value, raw = values.iloc[i], text.iloc[i]
            if raw == "" and may_be_blank:
                continue
            below = value <= low if low_open else value < low
            if raw == "" or np.isnan(value) or below or value > high:
                right = "]" if high < np.inf else ")"
                allowed = f"{'(' if low_open else '['}{low:g}, {high:g}{right}"
                raise DataValidationError(
                    path, f"must be a number in {allowed}.",
                    row=_line(i), column=col, value=raw,
                )
            if df[prov].iloc[i].strip() == "":
                raise DataValidationError(
                    path, f"the number in {col!r} needs its provenance (document, study or "
                    "'assumption').", row=_line(i), column=prov, value="",
                )
        df[col] = values.astype(float)
    for col in ("outbound", "inbound"):
        _check_vocabulary(df, path, col, ("true", "false"))
        df[col] = df[col] == "true"
    return df
