"""Reading CSV files, the schema checks every loader uses, and the error they raise.

:func:`read_csv` is the one place where a data file is opened: it turns every way a file can
fail to be a comma-separated UTF-8 table (a directory, an empty or binary file, another text
encoding, another separator, a line with too many fields) into a one-line
:class:`DataValidationError` that names the file and says what is wrong. The checks then report
a :class:`DataValidationError` that names the file, the line (header = line 1), the column, the
value and what is allowed.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "DataValidationError",
    "as_path",
    "check_required",
    "check_trimmed",
    "check_unique",
    "check_vocabulary",
    "file_line",
    "read_csv",
]

#: Leading bytes of binary formats that users save by mistake under a ``.csv`` name.
_MAGIC = {
    b"\x1f\x8b": "a gzip-compressed file (decompress it first)",
    b"PK\x03\x04": "a ZIP archive, such as an Excel .xlsx workbook (export it as CSV)",
    b"\xd0\xcf\x11\xe0": "an Excel .xls workbook (export it as CSV)",
    b"PAR1": "a Parquet file",
    b"\x89PNG": "a PNG image",
    b"%PDF": "a PDF document",
}
_SEPARATORS = {";": "semicolon", "\t": "tab", "|": "vertical bar"}


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


def _read_text(path: Path) -> str:
    """Return the file's text; raise unless it is a non-empty UTF-8 text file."""
    if path.is_dir():
        raise DataValidationError(path, f"is a directory, expected a CSV file ({path}).")
    if not path.exists():
        raise FileNotFoundError(f"{path}: file not found.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataValidationError(path, f"cannot be read: {exc.strerror or exc}.") from exc
    if not data:
        raise DataValidationError(
            path,
            "the file is empty (0 bytes); expected a CSV file with a header line and data rows.",
        )
    encoding = _wide_encoding(data)
    if encoding is not None:
        raise DataValidationError(
            path, f"file {path.name} is {encoding}; save it as UTF-8 (comma-separated text)."
        )
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise DataValidationError(path, f"is a binary file, not CSV text: {kind}.")
    if b"\x00" in data:
        raise DataValidationError(
            path, f"is a binary file, not CSV text (NUL byte at offset {data.index(0)})."
        )
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[start:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = start + exc.start
        line = data.count(b"\n", 0, offset) + 1
        raise DataValidationError(
            path,
            f"not UTF-8 text (byte 0x{data[offset]:02x} at offset {offset}, line "
            f"{line}); save the file as UTF-8 (it may be Latin-1 or Windows-1252).",
        ) from exc


#: Byte-order marks of the wide Unicode encodings, longest first (UTF-32-LE starts like UTF-16-LE).
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def _wide_encoding(data: bytes) -> str | None:
    """``"UTF-16"`` or ``"UTF-32"`` if ``data`` is text in that encoding, else None.

    A byte-order mark decides; without one, text whose first bytes are mostly NUL except at
    every second (fourth) byte, as mostly-ASCII text is in UTF-16 (UTF-32), is taken as such.
    """
    for bom, name in _WIDE_BOMS:
        if data.startswith(bom):
            return name
    head = np.frombuffer(data[:4000], dtype=np.uint8)
    for width, name in ((4, "UTF-32"), (2, "UTF-16")):
        n = len(head) // width * width
        if n < 4 * width:
            continue
        cells = head[:n].reshape(-1, width) == 0
        for offset in range(width):
            others = np.delete(cells, offset, axis=1)
            if others.mean() >= 0.9 and cells[:, offset].mean() <= 0.1:
                return name
    return None


def as_path(value: object, name: str = "path") -> Path:
    """Return ``value`` as a Path if it is a str or os.PathLike; raise TypeError otherwise."""
    if isinstance(value, str) and not value.strip():
        raise ValueError(f"{name!r} must name a file; got {value!r}.")
    if not isinstance(value, str | os.PathLike):
        raise TypeError(f"{name!r} must be a path (str or os.PathLike); got {value!r}.")
    return Path(value)


def _separator_hint(header: list[str]) -> str:
    """A phrase naming the separator when a one-field header looks split by another one."""
    if len(header) != 1:
        return ""
    for sep, name in _SEPARATORS.items():
        if sep in header[0]:
            return (
                f"the header line has no commas but {header[0].count(sep)} {name}s, so the "
                f"file looks {name}-separated; save it with commas as the separator"
            )
    return ""


def read_csv(path, columns: tuple[str, ...], *, exact: bool = False) -> pd.DataFrame:
    """Read a comma-separated UTF-8 file as text cells; every loader reads through here.

    Parameters
    ----------
    path : str or Path
        The CSV file.
    columns : tuple of str
        Columns the file must have (in any order).
    exact : bool, default=False
        Also reject columns not in ``columns``.

    Returns
    -------
    pandas.DataFrame
        One row per data line, all cells ``str`` (a line with fewer fields than the header is
        padded with empty cells); blank lines are skipped. The index, named ``line``, holds the
        line number of each row in the file (header = line 1), for :func:`file_line`.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    DataValidationError
        With a one-line message naming the file if it is a directory, cannot be read, is empty,
        is binary, is not UTF-8 (the byte, offset and line are given; a UTF-8 byte-order mark
        is accepted), misses columns (listed; a header split by semicolons or tabs is pointed
        out), has unexpected columns (``exact=True``), repeats a column name, is not valid CSV,
        has a line with more fields than the header, or has no data rows.
    """
    path = as_path(path)
    text = _read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header, rows, lines, line = None, [], [], 1
    try:
        for fields in reader:
            if fields and header is None:
                header = fields
                _check_header(path, header, columns, exact)
            elif fields:
                if len(fields) > len(header):
                    raise DataValidationError(
                        path,
                        f"{len(fields)} fields, but the header has {len(header)}; quote "
                        "cells that contain commas.",
                        row=line,
                    )
                rows.append(fields + [""] * (len(header) - len(fields)))
                lines.append(line)
            line = reader.line_num + 1
    except csv.Error as exc:
        raise DataValidationError(path, f"is not valid CSV: {exc}.", row=reader.line_num) from exc
    if header is None:
        raise DataValidationError(path, "the file has no header line (only blank lines).")
    if not rows:
        raise DataValidationError(path, "the file has a header but no data rows.")
    return pd.DataFrame(rows, columns=header, index=pd.Index(lines, name="line"), dtype=str)


def _check_header(path: Path, header: list[str], columns, exact: bool) -> None:
    missing = [c for c in columns if c not in header]
    unexpected = [c for c in header if c not in columns] if exact else []
    hint = _separator_hint(header)
    if missing and hint:
        raise DataValidationError(path, f"missing columns {missing}: {hint}.")
    if missing or unexpected:
        listed = f"missing columns {missing}"
        if exact:
            listed += f", unexpected columns {unexpected}; the file must have exactly the columns"
        else:
            listed += "; the file must have columns"
        raise DataValidationError(path, f"{listed} {list(columns)}.")
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise DataValidationError(path, f"repeated column names {repeated} in the header line.")


def file_line(df: pd.DataFrame, index: int) -> int:
    """Line number in the CSV file of data row ``index`` (position) of a :func:`read_csv` frame."""
    return int(df.index[index])


def check_required(df: pd.DataFrame, path: Path, columns) -> None:
    """Raise on the first blank cell in any of ``columns``."""
    for col in columns:
        blank = df[col].str.strip() == ""
        if blank.any():
            i = int(np.flatnonzero(blank)[0])
            raise DataValidationError(
                path, "must not be blank.", row=file_line(df, i), column=col, value=""
            )


def check_trimmed(df: pd.DataFrame, path: Path, columns) -> None:
    """Raise on the first cell of ``columns`` that starts or ends with whitespace.

    Ids and labels are compared exactly, so ``'C000-01 '`` would be a different id from
    ``'C000-01'``; nothing is stripped silently. When the stripped value occurs elsewhere in
    the column, the message gives its line.
    """
    for col in columns:
        values = df[col]
        padded = values != values.str.strip()
        if padded.any():
            i = int(np.flatnonzero(padded)[0])
            value = values.iloc[i]
            same = np.flatnonzero((values == value.strip()).to_numpy())
            clash = (
                f" Stripped, it equals the value on line {file_line(df, same[0])}."
                if len(same)
                else ""
            )
            raise DataValidationError(
                path,
                "must not start or end with spaces or tabs (values are compared exactly; "
                f"nothing is stripped).{clash}",
                row=file_line(df, i),
                column=col,
                value=value,
            )


def check_vocabulary(df: pd.DataFrame, path: Path, column: str, allowed) -> None:
    """Raise on the first value of ``column`` outside ``allowed``."""
    bad = ~df[column].isin(allowed)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataValidationError(
            path,
            f"must be one of {sorted(allowed)}.",
            row=file_line(df, i),
            column=column,
            value=df[column].iloc[i],
        )


def check_unique(df: pd.DataFrame, path: Path, column: str) -> None:
    """Raise on the first repeated value of ``column``, naming the line of its first use."""
    dup = df[column].duplicated(keep="first")
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        first = int(np.flatnonzero(df[column] == df[column].iloc[i])[0])
        raise DataValidationError(
            path,
            f"duplicate id; first used on line {file_line(df, first)}; ids must be unique.",
            row=file_line(df, i),
            column=column,
            value=df[column].iloc[i],
        )
