"""The verdicts table on disk: reading it, validated, and writing verdict rows into it.

:func:`load_verdicts` reads ``results/verdicts.csv`` (or another verdicts CSV) and checks every
row; :func:`_record_rows` puts new rows into it for
:func:`~mcstudy.claims.verdicts.record_verdict` and :func:`~mcstudy.claims.judge`. Notebooks
run side by side record into the same table, so the read, the change and the write happen
under an exclusive lock between processes, and the new table replaces the old one whole.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
from filelock import FileLock

from mcstudy import config
from mcstudy._files import write_atomic
from mcstudy._validation import check_output_dir
from mcstudy._vocab import EVIDENCE, EVIDENCE_CLASSES, VERDICTS

__all__ = ["VERDICT_TABLE_COLUMNS", "load_verdicts"]


def _verdicts_path(path: object) -> Path:
    """``path`` (the verdicts CSV; the repository's when None) as a Path that is not a folder."""
    if path is None:
        return Path(config.VERDICTS_CSV)
    if isinstance(path, str) and not path.strip():
        raise ValueError(f"'path' must name the verdicts CSV file; got {path!r}.")
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"'path' must be a path (str or os.PathLike); got {path!r}.")
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"'path' must be the verdicts CSV file; {str(path)!r} is a directory.")
    return path


#: Columns :func:`load_verdicts` requires (tables written before ``rule``,
#: ``robustness_share`` and ``hinges_on`` existed are read with those left blank).
VERDICT_TABLE_COLUMNS = (
    "claim_id",
    "verdict",
    "effect",
    "ci_low",
    "ci_high",
    "measure",
    "method",
    "n",
    "evidence",
    "condition",
    "notebook",
)


def load_verdicts(path: str | Path | None = None) -> pd.DataFrame:
    """Read the verdicts table written by :func:`record_verdict`.

    Parameters
    ----------
    path : str or Path, default=None
        Verdicts CSV; ``results/verdicts.csv`` of the repository when None.

    Returns
    -------
    pandas.DataFrame
        One row per verdict, in file order; text columns as ``str`` (blank, not NaN), the
        numbers as floats (NaN where blank) and ``n`` as integers. A file with a header and
        no rows gives an empty table.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    mcstudy.io.DataValidationError
        If the file cannot be read as comma-separated UTF-8 text (a directory, an empty,
        binary, UTF-16 or Latin-1 file), lacks a column of :data:`VERDICT_TABLE_COLUMNS`
        (listed), has a blank or repeated claim id, a verdict or evidence outside its
        vocabulary, text in a number column, or an ``n`` that is not a whole number >= 0.
        The message names the file, the column, the row (claim) and the value.
    """
    from io import StringIO

    from mcstudy.io.schema import DataValidationError, _read_text

    path = _verdicts_path(path)
    content = _read_text(path)
    text = [
        "claim_id",
        "verdict",
        "measure",
        "method",
        "evidence",
        "evidence_class",
        "lean",
        "condition",
        "notebook",
        "rule",
        "hinges_on",
    ]
    numbers = ("effect", "ci_low", "ci_high", "robustness_share", "noise_share")
    try:
        df = pd.read_csv(
            StringIO(content),
            dtype={c: str for c in text},
            keep_default_na=False,
            na_values={c: [""] for c in numbers},
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataValidationError(path, f"is not a valid CSV table: {exc}".strip()) from exc
    missing = [c for c in VERDICT_TABLE_COLUMNS if c not in df.columns]
    if missing:
        raise DataValidationError(
            path,
            f"missing columns {missing}; a verdicts table has the columns "
            f"{list(VERDICT_TABLE_COLUMNS)} (and 'evidence_class', 'rule', 'robustness_share', "
            "'hinges_on'), "
            f"as record_verdict writes it; got {list(df.columns)}.",
        )
    for column in ("rule", "hinges_on", "evidence_class", "lean"):
        if column not in df.columns:  # a table written before these columns existed
            df[column] = ""
    if "robustness_share" not in df.columns:  # a table written before the column existed
        df["robustness_share"] = float("nan")
    if "noise_share" not in df.columns:
        df.insert(df.columns.get_loc("robustness_share") + 1, "noise_share", float("nan"))

    def fail(i, column, message):
        claim, value = df["claim_id"].iloc[i], df[column].iloc[i]
        value = value.item() if isinstance(value, np.generic) else value
        raise DataValidationError(
            path, f"row {i} (claim {claim!r}): {message}", column=column, value=value
        )

    blank = (df["claim_id"].str.strip() == "").to_numpy()
    if blank.any():
        fail(int(np.flatnonzero(blank)[0]), "claim_id", "a verdict must name its claim.")
    repeated = df["claim_id"].duplicated().to_numpy()
    if repeated.any():
        fail(
            int(np.flatnonzero(repeated)[0]),
            "claim_id",
            "the claim has two verdicts; the table holds one verdict per claim.",
        )
    classes = ("", *EVIDENCE_CLASSES)
    for column, allowed in (
        ("verdict", VERDICTS),
        ("lean", ("", *VERDICTS)),
        ("evidence", EVIDENCE),
        ("evidence_class", classes),
    ):
        bad = ~df[column].isin(allowed).to_numpy()
        if bad.any():
            fail(int(np.flatnonzero(bad)[0]), column, f"must be one of {list(allowed)}.")
    for column in (*numbers, "n"):
        values = pd.to_numeric(df[column], errors="coerce")
        bad = values.isna() & df[column].notna()
        if column == "n":
            bad = bad | values.isna() | (values < 0) | (values % 1 != 0)
        bad = bad.to_numpy()
        if bad.any():
            allowed = "a whole number >= 0" if column == "n" else "a number (blank for none)"
            fail(int(np.flatnonzero(bad)[0]), column, f"must be {allowed}.")
    return df


def _lock_path(path: Path) -> Path:
    """The lock file of the verdicts table ``path``: ``.<name>.lock`` in the same folder."""
    return path.with_name(f".{path.name}.lock")


def _record_rows(rows: list[pd.DataFrame], path: object) -> None:
    """Put ``rows`` (one-row verdict frames, as ``record_verdict`` builds them) into the table.

    Each row replaces an earlier verdict of its claim; the table is sorted by claim id and
    written with six significant digits. The read, the change and the write happen under an
    exclusive lock on :func:`_lock_path` (held until the new table is in place), so that
    processes recording at the same time each add their rows to the table the other left; the
    new table is written to a temporary file that then replaces the old one, so that a reader,
    which takes no lock, sees the old table or the new one, never a part of either.

    Raises
    ------
    ValueError
        If ``path`` is a directory or cannot be created.
    mcstudy.io.DataValidationError
        If the table there cannot be read (:func:`load_verdicts`). Nothing is written then.
    """
    path = _verdicts_path(path)
    if not rows:
        return
    if path.parent.is_file():
        raise ValueError(
            f"'path' cannot be created: {str(path.parent)!r}, on its path, is a file, not "
            f"a directory; got {str(path)!r}."
        )
    check_output_dir(path.parent, "path")
    path.parent.mkdir(parents=True, exist_ok=True)
    ids = [row["claim_id"].iloc[0] for row in rows]
    with FileLock(_lock_path(path)):
        parts = list(rows)
        if path.exists():
            table = load_verdicts(path)
            parts.insert(0, table[~table["claim_id"].isin(ids)])
        table = pd.concat([p for p in parts if len(p)], ignore_index=True)
        table = table.sort_values("claim_id").reset_index(drop=True)[list(rows[0].columns)]
        write_atomic(path, lambda tmp: table.to_csv(tmp, index=False, float_format="%.6g"))
