"""Validated loaders for the shipped data files.

``load_claims`` reads the claims registry (``data/claims.csv``) and ``load_channels`` the
channel catalogue (``data/channels.csv``).
Every problem is reported as a :class:`DataValidationError` that names the file, the row (as the
line number in the file, header = line 1), the column, the value and what is allowed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from mcstudy import config
from mcstudy.io.schema import (
    DataValidationError,
    check_required,
    check_unique,
    check_vocabulary,
    file_line,
    read_csv,
)
from mcstudy.vocab import CLAIM_KINDS, CLAIM_TOPICS, KIND_NOT_TESTABLE, SOURCE_DOCUMENTS

__all__ = [
    "CHANNEL_COLUMNS",
    "CLAIM_COLUMNS",
    "CLAIM_KINDS",
    "CLAIM_TOPICS",
    "load_channels",
    "load_claims",
]

CLAIM_COLUMNS = (
    "claim_id", "source", "quote_fr", "statement_en", "figure",
    "topic", "kind", "notebook", "note",
)
#: Notebooks a claim may point at: every study notebook except the scorecard.
CLAIM_NOTEBOOKS = tuple(nb for nb in config.STUDY_NOTEBOOKS if not nb.startswith("99_"))

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
    df = read_csv(path, CLAIM_COLUMNS)[list(CLAIM_COLUMNS)]
    check_required(df, path, ("claim_id", "source", "quote_fr", "statement_en", "topic",
                               "kind", "notebook"))
    check_unique(df, path, "claim_id")
    check_vocabulary(df, path, "source", SOURCE_DOCUMENTS)
    check_vocabulary(df, path, "topic", CLAIM_TOPICS)
    check_vocabulary(df, path, "kind", CLAIM_KINDS)
    check_vocabulary(df, path, "notebook", CLAIM_NOTEBOOKS)
    silent = (df["kind"] == KIND_NOT_TESTABLE) & (df["note"].str.strip() == "")
    if silent.any():
        i = int(np.flatnonzero(silent)[0])
        raise DataValidationError(
            path, "a not-testable claim must say why in its note.",
            row=file_line(i), column="note", value="",
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
    df = read_csv(path, CHANNEL_COLUMNS)[list(CHANNEL_COLUMNS)]
    check_required(df, path, ("channel", "label_en", "modes_provenance"))
    check_unique(df, path, "channel")
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
                    row=file_line(i), column=col, value=raw,
                )
            if df[prov].iloc[i].strip() == "":
                raise DataValidationError(
                    path, f"the number in {col!r} needs its provenance (document, study or "
                    "'assumption').", row=file_line(i), column=prov, value="",
                )
        df[col] = values.astype(float)
    for col in ("outbound", "inbound"):
        check_vocabulary(df, path, col, ("true", "false"))
        df[col] = df[col] == "true"
    return df
