"""Exceptions shared by the data loaders."""

from __future__ import annotations

from pathlib import Path

__all__ = ["DataValidationError"]


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
