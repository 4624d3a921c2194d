"""Checks that path tables and touchpoint tables share: separators, channel names, rows.

A path table (:mod:`~mcstudy.attribution.paths`) and a table of touchpoints
(:mod:`~mcstudy.attribution.journeys`) hold the same channel names, joined by the same
separators, and report bad input the same way: this module owns the separators known, the
rules a channel name must follow, and the helpers that name rows and read number columns in
error messages.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mcstudy._validation import check_column_numbers

#: Separators that real exports use; a table whose paths contain none of the separator given
#: but split into several tokens by one of these was almost certainly read with the wrong one.
COMMON_SEPARATORS = (">", "->", "=>", ",", ";", "|", "/", "\t", "→", "›", "»")

DEFAULT_SEP = " > "

#: Separators a channel name may not contain, lest a table mixing separators or read with
#: the wrong one pass unnoticed ("/" is allowed: Google Analytics names such as
#: "google / cpc" hold it).
NAME_SEPARATORS = tuple(s for s in COMMON_SEPARATORS if s != "/")

#: Characters a channel name may not begin or end with: the leftovers of a longer separator
#: split at a shorter one ("a -> b" split at ">" gives "a -").
_JUNK_ENDS = "-=<>"

#: Spellings of a missing value that a touchpoint written as text may hold.
MISSING_SPELLINGS = ("nan", "none", "null", "<na>", "nat")


def _row(df: pd.DataFrame, position: int) -> str:
    return f"row {position} (index {df.index[position]!r})"


def _rows(df: pd.DataFrame, positions, limit: int = 3) -> str:
    """The first ``limit`` rows of ``positions``: "rows 3, 7 (index 'x', 'y')" and how many more."""
    positions = [int(p) for p in positions]
    shown = positions[:limit]
    text = (
        f"{'row' if len(positions) == 1 else 'rows'} {', '.join(map(str, shown))} "
        f"(index {', '.join(repr(df.index[p]) for p in shown)})"
    )
    if len(positions) > limit:
        text += f" and {len(positions) - limit} more"
    return text


def _numbers(df: pd.DataFrame, column, name: str, *, low: float = -np.inf) -> np.ndarray:
    """:func:`check_column_numbers`, refusing complex numbers (their imaginary part would go)."""
    if pd.api.types.is_complex_dtype(df[column]):
        raise TypeError(
            f"{name!r} column {column!r} must hold real numbers; got dtype {df[column].dtype}."
        )
    return check_column_numbers(df, column, name, low=low)


def _check_unique_columns(df: pd.DataFrame, columns, name: str) -> None:
    """Raise if a column used is not unique in ``df`` (``df[column]`` would be a frame)."""
    duplicated = set(df.columns[df.columns.duplicated()])
    for column in dict.fromkeys(columns):
        if column is not None and column in duplicated:
            n = sum(1 for c in df.columns if c == column)
            raise ValueError(
                f"{name!r} has {n} columns named {column!r}; the columns used must be unique."
            )


def _name_problem(channel: str, sep: str, path: str) -> tuple[str, str] | None:
    """What is wrong with a channel name (trimmed, without ``sep``) and a hint, or None."""
    token = _split_token(sep)
    if channel.lower() in MISSING_SPELLINGS:
        return (
            "looks like a missing value written as text",
            "a touchpoint must name a channel (drop the touch or name it, 'unknown' for instance)",
        )
    for other in NAME_SEPARATORS:
        if other != token and other in channel:
            return (
                f"contains {other!r}, another separator",
                f"every path must use the one separator {sep!r} (pass sep={other!r} if it is "
                f"the separator of every path)",
            )
    if channel[0] in _JUNK_ENDS or channel[-1] in _JUNK_ENDS:
        longer = [o for o in COMMON_SEPARATORS if token in o and o != token and o in path]
        hint = (
            f"the path holds {longer[0]!r}, of which {sep!r} is only a part; pass sep={longer[0]!r}"
            if longer
            else f"a channel name may not begin or end with any of {list(_JUNK_ENDS)}"
        )
        return "begins or ends with the leftover of a separator", hint
    return None


def _split_token(sep: str) -> str:
    """The string paths are split at: ``sep`` without surrounding blanks, unless blank only."""
    return sep.strip() or sep
