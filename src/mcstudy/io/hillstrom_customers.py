"""The Hillstrom data shaped like the simulator's per-customer table.

:func:`hillstrom_customer_table` renames the columns and labels of the frame that
:func:`~mcstudy.io.hillstrom.load_hillstrom` returns into those of the simulator's
per-customer table, so that :mod:`mcstudy.analysis` runs unchanged on real and simulated
customers; it first checks that the frame holds what the loader returns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mcstudy._validation import check_column_numbers
from mcstudy.io.hillstrom_schema import (
    _CATEGORIES,
    _FLOAT_COLUMNS,
    _INT_COLUMNS,
    HILLSTROM_COLUMNS,
)

__all__ = ["hillstrom_customer_table"]

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
        Output of :func:`~mcstudy.io.hillstrom.load_hillstrom`.

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
