"""The schema checks every loader uses, and the error they raise.

Each check reports a :class:`DataValidationError` that names the file, the line (header =
line 1), the column, the value and what is allowed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "DataValidationError",
    "check_required",
    "check_unique",
    "check_vocabulary",
    "file_line",
    "read_csv",
]


class DataValidationError(ValueError):
    """A data file breaks its schema; the message says where and what is allowed."""

    def __init__(self, path, message, *, row=None, column=None, value=None):
        self.path, self.row, self.column, self.value = Path(path), row, column, value
        where = f"{self.path.name}"
        if row is not None:
            where += f", line {row}"
        if column is not None:
            where += f", column {column!r}"
        if value is not None:
            where += f", value {value!r}"
        super().__init__(f"{where}: {message}")


def read_csv(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    """Read ``path`` as text cells; raise unless it exists and has every column of ``columns``."""
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


def file_line(index: int) -> int:
    """Line number in the CSV file of data row ``index`` (header is line 1)."""
    return int(index) + 2


def check_required(df: pd.DataFrame, path: Path, columns) -> None:
    """Raise on the first blank cell in any of ``columns``."""
    for col in columns:
        blank = df[col].str.strip() == ""
        if blank.any():
            i = int(np.flatnonzero(blank)[0])
            raise DataValidationError(path, "must not be blank.", row=file_line(i), column=col,
                                      value="")


def check_vocabulary(df: pd.DataFrame, path: Path, column: str, allowed) -> None:
    """Raise on the first value of ``column`` outside ``allowed``."""
    bad = ~df[column].isin(allowed)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataValidationError(
            path, f"must be one of {sorted(allowed)}.",
            row=file_line(i), column=column, value=df[column].iloc[i],
        )


def check_unique(df: pd.DataFrame, path: Path, column: str) -> None:
    """Raise on the first repeated value of ``column``, naming the line of its first use."""
    dup = df[column].duplicated(keep="first")
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        first = int(np.flatnonzero(df[column] == df[column].iloc[i])[0])
        raise DataValidationError(
            path, f"duplicate id; first used on line {file_line(first)}; ids must be unique.",
            row=file_line(i), column=column, value=df[column].iloc[i],
        )
