"""The inputs of the Complete Journey study functions: their tables checked, the campaigns' weeks.

The functions of :mod:`~mcstudy.studies.completejourney_study` and
:mod:`~mcstudy.studies.completejourney_coupons` take the tables of
:func:`~mcstudy.io.completejourney.load_completejourney` and the household x week table of
:func:`~mcstudy.io.completejourney_household_weeks`; the checks here refuse anything else with
a message that names the table, column, row and value.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from mcstudy._validation import check_column_numbers, check_frame
from mcstudy.io.completejourney import (
    COMPLETEJOURNEY_N_WEEKS,
    _check_frame_keys,
    _check_frames,
    completejourney_week,
)

__all__: list[str] = []

_CAMPAIGNS = ["campaign_id", "household_id"]
_DESCRIPTIONS = ["campaign_id", "campaign_type", "start_date", "end_date"]


def _needs(tables: object, needed: dict[str, list[str]]) -> None:
    """Raise unless ``tables`` has every needed table with its columns, valid as the loader's.

    The tables get the checks of :func:`~mcstudy.io.completejourney.load_completejourney`
    (dtypes, missing values, ranges, vocabularies, unique keys, campaign dates in order, keys
    between the tables given).
    """
    if not isinstance(tables, Mapping):
        raise TypeError(
            f"'tables' must be a mapping of table name to DataFrame, as load_completejourney() "
            f"returns; got {type(tables).__name__}."
        )
    missing = [n for n in needed if n not in tables]
    if missing:
        raise ValueError(f"'tables' is missing tables {missing}; needed: {list(needed)}.")
    for name, columns in needed.items():
        df = tables[name]
        if not isinstance(df, pd.DataFrame):
            raise TypeError(
                f"tables[{name!r}] must be a pandas DataFrame; got {type(df).__name__}."
            )
        absent = [c for c in columns if c not in df.columns]
        if absent:
            raise ValueError(
                f"tables[{name!r}] is missing columns {absent}; needed: {columns}; it has "
                f"columns {list(df.columns)}."
            )
    frames = {name: tables[name] for name in needed}
    _check_frames(frames)
    _check_frame_keys(frames)


def _check_household_weeks(
    hw: object, numbers: list[str], *, complete: bool = False, extra: tuple[str, ...] = ()
) -> None:
    """Raise unless ``hw`` is a household x week table: one row per household and week 1-53.

    ``numbers`` are columns that must hold finite numbers >= 0; with ``complete``, every
    household must have all 53 weeks.
    """
    name = "household_weeks"
    check_frame(hw, ["household_id", "week", *numbers, *extra], name)
    for col in ("household_id", "week"):
        missing = hw[col].isna().to_numpy()
        if missing.any():
            i = int(np.flatnonzero(missing)[0])
            raise ValueError(
                f"{name!r} column {col!r} must not be missing; row {i} (index "
                f"{hw.index[i]!r}) is {hw[col].iloc[i]!r}."
            )
    week = hw["week"]
    n_w = COMPLETEJOURNEY_N_WEEKS
    if not pd.api.types.is_numeric_dtype(week) or pd.api.types.is_bool_dtype(week):
        raise TypeError(
            f"{name!r} column 'week' must be week numbers in [1, {n_w}]; got dtype {week.dtype}."
        )
    w = week.to_numpy(dtype=float)
    bad = (w < 1) | (w > n_w) | (w != np.round(w))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{name!r} column 'week' must be week numbers in [1, {n_w}]; row {i} (index "
            f"{hw.index[i]!r}) has {week.iloc[i]!r}."
        )
    dup = hw.duplicated(["household_id", "week"]).to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        key = (hw["household_id"].iloc[i].item(), week.iloc[i].item())
        raise ValueError(
            f"{name!r} must have one row per household_id and week; (household_id, week) = "
            f"{key} is repeated (row {i}, {int(dup.sum())} repeated row(s))."
        )
    if complete:
        counts = hw.groupby("household_id")["week"].size()
        short = counts[counts != n_w]
        if len(short):
            raise ValueError(
                f"{name!r} must have every week 1-{n_w} of each household (as "
                f"completejourney_household_weeks() gives); household_id {short.index[0]!r} has "
                f"{int(short.iloc[0])} week(s) ({len(short)} household(s) incomplete)."
            )
    for col in numbers:
        check_column_numbers(hw, col, name, low=0)


def _check_bool(table: pd.DataFrame, column: str, name: str) -> np.ndarray:
    """Return a bool column as an array; raise unless its dtype is bool."""
    series = table[column]
    if not pd.api.types.is_bool_dtype(series):
        first = f" (first value {series.iloc[0]!r})" if len(series) else ""
        raise TypeError(
            f"{name!r} column {column!r} must be bool (True/False); got dtype "
            f"{series.dtype}{first}."
        )
    return series.to_numpy(dtype=bool)


def _campaign_weeks(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    cd = tables["campaign_descriptions"][["campaign_id", "campaign_type", "start_date", "end_date"]]
    return cd.assign(
        start_week=completejourney_week(cd["start_date"]),
        end_week=completejourney_week(cd["end_date"]),
        campaign_type=cd["campaign_type"].astype(str),
    )
