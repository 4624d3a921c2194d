"""Path tables: journeys in the convention of the ChannelAttribution package.

A *path table* has one row per path: ``path`` (the touchpoints in order, joined by a
separator, ``"email > website > face_to_face"``), ``conversions`` (journeys along the path that
converted, or their number of conversions), ``nulls`` (journeys along the path that did not
convert) and ``value`` (the value of the conversions). This module owns that convention:

- :func:`paths_from_journeys`: customer-level journeys (one row per touchpoint) aggregated to
  unique paths;
- :func:`paths_from_simulation`: the journeys table of a :class:`~mcstudy.model.SimulationResult`
  turned into a path table;
- :func:`check_paths`: validate a path table (a real export as it is, or one built here) and
  return it aggregated to unique paths in the standard column names.

The attribution methods parse a checked table once into :class:`ParsedPaths` (integer channel
codes, one flat array of touches), so that they work on arrays, not strings.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from itertools import chain, pairwise

import numpy as np
import pandas as pd

from mcstudy._validation import (
    check_column_numbers,
    check_frame,
    check_option,
    check_separator,
)

__all__ = [
    "PATH_COLUMNS",
    "ParsedPaths",
    "check_paths",
    "parse_paths",
    "paths_from_journeys",
    "paths_from_simulation",
]

#: The standard columns of a path table, in order.
PATH_COLUMNS = ("path", "conversions", "nulls", "value")

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

#: Other names of the optional columns: a table holding one of them, and not the standard
#: column, was almost certainly meant to use it (a ChannelAttribution export's
#: ``total_null`` left out of ``columns`` would make every journey convert).
_NEAR_MISSES = {
    "nulls": ("nulls", "null", "total_null", "total_nulls", "non_conversions"),
    "value": ("value", "values", "total_value", "conversion_value", "total_conversion_value"),
}

# Multipliers of the sequence hash (odd 64-bit constants); tests set them to 0 to force
# collisions and check that they are resolved exactly.
_HASH_BASE = 0x9E3779B97F4A7C15
_HASH_LENGTH = 0xBF58476D1CE4E5B9


# --------------------------------------------------------------------------------------------
# Checking a path table
# --------------------------------------------------------------------------------------------


def _column_names(columns: Mapping[str, str] | None) -> dict[str, str]:
    names = dict(zip(PATH_COLUMNS, PATH_COLUMNS, strict=True))
    if columns is None:
        return names
    if not isinstance(columns, Mapping):
        raise TypeError(
            f"'columns' must be a mapping from {list(PATH_COLUMNS)} to column names; "
            f"got {columns!r}."
        )
    for key, name in columns.items():
        check_option(key, "columns key", PATH_COLUMNS)
        if not isinstance(name, str):
            raise TypeError(f"'columns'[{key!r}] must be a column name (str); got {name!r}.")
        names[key] = name
    return names


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


def _path_strings(df: pd.DataFrame, column: str, sep: str, name: str):
    """Factorize the path column: (code of each row, unique strings, first row of each)."""
    paths = df[column]
    missing = paths.isna().to_numpy()
    if pd.api.types.is_string_dtype(paths) and not pd.api.types.is_object_dtype(paths):
        not_str = missing
    else:
        not_str = ~paths.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    if not_str.any():
        i = int(np.flatnonzero(not_str)[0])
        value = paths.iloc[i]
        what = "missing" if missing[i] else f"not a string ({type(value).__name__})"
        raise ValueError(
            f"{name!r} column {column!r}: {_row(df, i)} is {what}: {value!r}; every path must "
            f"be a string of touchpoints joined by {sep!r}."
        )
    codes, uniques = pd.factorize(paths.to_numpy(dtype=object), sort=False)
    first = np.full(len(uniques), len(codes), dtype=np.int64)
    np.minimum.at(first, codes, np.arange(len(codes)))
    return codes, np.asarray(uniques, dtype=object), first


def _tokenize(strings: np.ndarray, sep: str):
    """Split path strings into (touch codes, lengths, sorted channels); blank touches get -1."""
    token = _split_token(sep)
    parts = [s.split(token) for s in strings]  # one call per unique path
    lengths = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
    flat = np.fromiter(chain.from_iterable(parts), dtype=object, count=int(lengths.sum()))
    raw_codes, raw_tokens = pd.factorize(flat, sort=False)
    stripped = np.array([t.strip() for t in raw_tokens], dtype=object)  # distinct tokens only
    channels = np.array(sorted(set(stripped) - {""}), dtype=object)
    remap = np.full(len(stripped), -1, dtype=np.int64)
    named = stripped != ""
    remap[named] = np.searchsorted(channels, stripped[named])
    return remap[raw_codes], lengths, tuple(str(c) for c in channels)


def _check_tokens(df, column, sep, name, strings, first, codes, lengths) -> None:
    """Raise on empty paths, paths of separators only, empty touchpoints, a wrong separator."""
    path = np.repeat(np.arange(len(lengths)), lengths)
    n_blank = np.bincount(path, codes < 0, minlength=len(lengths))

    def fail(bad: np.ndarray, problem: str) -> None:
        i = int(first[bad].min())
        raise ValueError(
            f"{name!r} column {column!r}: {_row(df, i)} {problem}: {df[column].iloc[i]!r}."
        )

    if ((lengths == 1) & (n_blank == 1)).any():
        fail((lengths == 1) & (n_blank == 1), "is an empty path (no touchpoint)")
    if ((lengths > 1) & (n_blank == lengths)).any():
        fail((lengths > 1) & (n_blank == lengths), f"is made only of separators {sep!r}")
    if (n_blank > 0).any():
        fail(n_blank > 0, f"has an empty touchpoint between separators {sep!r}")
    if (lengths > 1).any():
        return
    token = _split_token(sep)
    for other in COMMON_SEPARATORS:
        if other in token or token in other:
            continue
        several = np.array(
            [other in s and all(t.strip() for t in s.split(other)) for s in strings], dtype=bool
        )
        if several.any():
            i = int(first[several].min())
            raise ValueError(
                f"{name!r} column {column!r}: no path contains the separator {sep!r}, but "
                f"{_row(df, i)} splits into several touchpoints at {other!r}: "
                f"{df[column].iloc[i]!r}; pass sep={other!r} if that is the separator."
            )


def _check_channels(df, column, sep, name, strings, first, codes, lengths, channels, reserved):
    """Raise on a channel name that is a separator's leftover, a missing value or reserved."""
    reserved_lower = {r.lower(): r for r in reserved}
    path = np.repeat(np.arange(len(lengths)), lengths)
    for code, channel in enumerate(channels):
        at = path[codes == code]
        if not len(at):
            continue
        i = int(first[at].min())
        value = df[column].iloc[i]
        if channel.lower() in reserved_lower:
            raise ValueError(
                f"{name!r} column {column!r}: {_row(df, i)} has touchpoint {channel!r}, the name "
                f"of a state of the Markov chain ({', '.join(map(repr, reserved))}); rename the "
                f"channel: {value!r}."
            )
        problem = _name_problem(channel, sep, strings[int(at.min())])
        if problem is not None:
            raise ValueError(
                f"{name!r} column {column!r}: {_row(df, i)} has touchpoint {channel!r}, which "
                f"{problem[0]}: {value!r}; {problem[1]}."
            )


def _check_near_misses(df: pd.DataFrame, names: dict, columns, name: str) -> None:
    """Raise if an optional column is absent but a column of a near name is there."""
    for key, near in _NEAR_MISSES.items():
        if names[key] in df.columns or (columns is not None and key in columns):
            continue
        for c in df.columns:
            if isinstance(c, str) and c.strip().lower() in near:
                raise ValueError(
                    f"{name!r} has no column {key!r} but has {c!r}; pass "
                    f"columns={{{key!r}: {c!r}}} to use it (or rename or drop it), since "
                    f"without {key!r} the table is read as having none."
                )


@dataclass(frozen=True)
class ParsedPaths:
    """A checked path table as arrays: one row per unique path, touches as channel codes.

    Attributes
    ----------
    channels : tuple of str
        Channel names, sorted; a touch's code indexes this tuple.
    conversions, nulls, value : numpy.ndarray
        Per unique path (``value`` all NaN when the table had none).
    offsets : numpy.ndarray
        Touches of path ``i`` are ``codes[offsets[i]:offsets[i + 1]]``.
    codes : numpy.ndarray
        Channel code of every touch, path after path, in order.
    has_value : bool
        Whether the table gave values.
    """

    channels: tuple[str, ...]
    conversions: np.ndarray
    nulls: np.ndarray
    value: np.ndarray
    offsets: np.ndarray
    codes: np.ndarray
    has_value: bool

    @property
    def n_paths(self) -> int:
        """Number of unique paths."""
        return len(self.conversions)

    @property
    def lengths(self) -> np.ndarray:
        """Number of touches of each path."""
        return np.diff(self.offsets)

    @property
    def path_of_touch(self) -> np.ndarray:
        """Index of the path each touch belongs to."""
        return np.repeat(np.arange(self.n_paths), self.lengths)

    @property
    def position(self) -> np.ndarray:
        """Position of each touch in its path, from 0."""
        return np.arange(len(self.codes)) - np.repeat(self.offsets[:-1], self.lengths)

    def totals(self) -> tuple[float, float]:
        """Observed total conversions and total value (NaN without values)."""
        value = float(self.value.sum()) if self.has_value else np.nan
        return float(self.conversions.sum()), value

    def path_strings(self, sep: str = DEFAULT_SEP) -> list[str]:
        """The paths as strings, touchpoints joined by ``sep``."""
        names = np.asarray(self.channels, dtype=object)
        return [sep.join(names[self.codes[a:b]]) for a, b in pairwise(self.offsets)]


def parse_paths(
    paths: pd.DataFrame,
    *,
    sep: str = DEFAULT_SEP,
    columns: Mapping[str, str] | None = None,
    name: str = "paths",
) -> ParsedPaths:
    """Check a path table and encode it as :class:`ParsedPaths`.

    Takes the same arguments as :func:`check_paths` and raises the same errors; equal paths
    (after trimming blanks around touchpoints) are merged.
    """
    return _parse_paths(paths, sep=sep, columns=columns, name=name)


def _parse_paths(
    paths: pd.DataFrame,
    *,
    sep: str = DEFAULT_SEP,
    columns: Mapping[str, str] | None = None,
    name: str = "paths",
    reserved: tuple[str, ...] = (),
) -> ParsedPaths:
    """:func:`parse_paths`, refusing also the channel names of ``reserved``."""
    if not isinstance(name, str):
        raise TypeError(f"'name' must be a str (used in error messages); got {name!r}.")
    names = _column_names(columns)
    check_separator(sep, "sep")
    check_frame(paths, [names["path"], names["conversions"]], name)
    df = paths
    used = [names[k] for k in PATH_COLUMNS if k in ("path", "conversions") or names[k] in df]
    shared = [c for c in dict.fromkeys(used) if used.count(c) > 1]
    if shared:
        roles = [k for k in PATH_COLUMNS if names[k] == shared[0]]
        raise ValueError(
            f"'columns' gives the same column {shared[0]!r} to {roles}; each of "
            f"{list(PATH_COLUMNS)} must be a different column."
        )
    _check_unique_columns(df, used, name)
    _check_near_misses(df, names, columns, name)
    data = {}
    for key in ("conversions", "nulls", "value"):
        column = names[key]
        if column in df.columns:
            data[key] = _numbers(df, column, name, low=0.0)
            with np.errstate(over="ignore"):
                total = data[key].sum()
            if not np.isfinite(total):
                i = int(np.argmax(data[key]))
                raise ValueError(
                    f"{name!r} column {column!r} must sum to a finite number; its total "
                    f"overflows to {float(total)!r} (the largest is {float(data[key][i])!r}, "
                    f"{_row(df, i)})."
                )
        elif columns is not None and key in columns:
            check_frame(df, [column], name)  # named explicitly, so it must be there
        else:
            data[key] = np.zeros(len(df))
    row_path, strings, first = _path_strings(df, names["path"], sep, name)
    codes, lengths, channels = _tokenize(strings, sep)
    _check_tokens(df, names["path"], sep, name, strings, first, codes, lengths)
    _check_channels(
        df, names["path"], sep, name, strings, first, codes, lengths, channels, reserved
    )
    # Paths equal once their touchpoints are trimmed are one path.
    starts = np.r_[0, np.cumsum(lengths)[:-1]].astype(np.int64)
    group = _sequence_keys(codes, starts, lengths)
    n_groups = int(group.max(initial=-1)) + 1
    row_group = group[row_path]
    sums = {k: np.bincount(row_group, v, minlength=n_groups) for k, v in data.items()}
    rep = np.full(n_groups, len(strings), dtype=np.int64)  # first raw path of each group
    np.minimum.at(rep, group, np.arange(len(strings)))
    codes, lengths = codes[_gather(starts, lengths, rep)], lengths[rep]
    has_value = names["value"] in df.columns
    return ParsedPaths(
        channels=channels,
        conversions=sums["conversions"],
        nulls=sums["nulls"],
        value=sums["value"] if has_value else np.full(n_groups, np.nan),
        offsets=np.r_[0, np.cumsum(lengths)].astype(np.int64),
        codes=codes.astype(np.int64),
        has_value=has_value,
    )


def check_paths(
    paths: pd.DataFrame,
    *,
    sep: str = DEFAULT_SEP,
    columns: Mapping[str, str] | None = None,
    name: str = "paths",
) -> pd.DataFrame:
    """Validate a path table and return it aggregated to unique paths.

    Parameters
    ----------
    paths : pandas.DataFrame
        One row per path (duplicates are summed): a ``path`` column of touchpoints joined by
        ``sep``, a ``conversions`` column and, optionally, ``nulls`` (0 when absent) and
        ``value`` (absent: attributed values are NaN).
    sep : str, default=" > "
        Separator between touchpoints. Blanks around it and around each touchpoint are
        ignored, so ``">"`` and ``" > "`` read the same paths (ChannelAttribution's ``sep=">"``
        exports work as they are).
    columns : mapping of str to str, default=None
        Names of the table's columns when they differ from ``path``, ``conversions``,
        ``nulls`` and ``value``; for a ChannelAttribution export,
        ``{"conversions": "total_conversions", "nulls": "total_null",
        "value": "total_conversion_value"}``.
    name : str, default="paths"
        The name used in error messages.

    Returns
    -------
    pandas.DataFrame
        Columns ``path`` (touchpoints trimmed of blanks and joined by ``sep``),
        ``conversions``, ``nulls`` and ``value`` (float; ``value`` NaN when the table has
        none), one row per unique path, sorted by path; ``attrs["has_value"]`` tells
        whether values were given.

    Raises
    ------
    TypeError
        If ``paths`` is not a DataFrame or a count column is not numeric.
    ValueError
        On a missing column, a column used that is not unique, one column given two roles, an
        absent ``nulls`` or ``value`` column while a column of a near name (``total_null``,
        ``Nulls``, ``total_conversion_value``...) is there, an empty or missing path, a path
        made only of separators, an empty touchpoint, a separator that no path contains while
        another common one splits them, a touchpoint that holds another separator (a table
        mixing separators: ``"c,d"`` among ``" > "`` paths), begins or ends with one's
        leftover (``"a -> b"`` read at ``">"`` gives ``"a -"``) or spells a missing value
        (``"nan"``, ``"None"``, ``"null"``), a negative or non-finite count or value, or a
        column whose total overflows; the message names the row (its position and index
        label), the column and the value. Channel names may hold ``"/"``
        (``"google / cpc"``).

    Examples
    --------
    >>> import pandas as pd
    >>> export = pd.DataFrame({"path": ["a>b", "a > b", "c"], "total_conversions": [1, 2, 0],
    ...                        "total_null": [0, 1, 4]})
    >>> check_paths(export, sep=">",
    ...             columns={"conversions": "total_conversions", "nulls": "total_null"})
      path  conversions  nulls  value
    0  a>b          3.0    1.0    NaN
    1    c          0.0    4.0    NaN
    """
    parsed = parse_paths(paths, sep=sep, columns=columns, name=name)
    out = pd.DataFrame(
        {
            "path": parsed.path_strings(sep),
            "conversions": parsed.conversions,
            "nulls": parsed.nulls,
            "value": parsed.value,
        }
    )
    out = out.sort_values("path", kind="stable").reset_index(drop=True)
    out.attrs.update(sep=sep, has_value=parsed.has_value)
    return out


def attribution_frame(parsed: ParsedPaths, conversions, value, **extra) -> pd.DataFrame:
    """The result table of a method: ``channel``, ``conversions``, ``value`` and ``extra``."""
    value = np.asarray(value, dtype=float)
    if not parsed.has_value:
        value = np.full(len(parsed.channels), np.nan)
    return pd.DataFrame(
        {
            "channel": list(parsed.channels),
            "conversions": np.asarray(conversions, dtype=float),
            "value": value,
            **{k: np.asarray(v, dtype=float) for k, v in extra.items()},
        }
    )


# --------------------------------------------------------------------------------------------
# Building path tables from journeys
# --------------------------------------------------------------------------------------------


def _gather(starts: np.ndarray, lengths: np.ndarray, which: np.ndarray) -> np.ndarray:
    """Indices of the touches of sequences ``which`` (given by starts and lengths), in order."""
    new_lengths = lengths[which]
    new_starts = np.r_[0, np.cumsum(new_lengths)[:-1]]
    shift = np.repeat(starts[which] - new_starts, new_lengths)
    return np.arange(int(new_lengths.sum())) + shift


def _sequence_keys(codes: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Group equal code sequences: ids 0, 1, ... with equal ids for equal sequences.

    A polynomial hash of the codes and the length (wrapping 64-bit arithmetic) proposes the
    groups; every sequence is then compared touch by touch with the first sequence of its
    group, so a hash collision cannot merge different paths (colliding sequences are then
    grouped by their exact contents).
    """
    n = len(lengths)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    position = np.arange(len(codes)) - np.repeat(starts, lengths)
    with np.errstate(over="ignore"):
        base = np.uint64(_HASH_BASE)
        powers = np.cumprod(np.full(max(int(lengths.max()), 1), base, dtype=np.uint64))
        terms = (codes.astype(np.uint64) + np.uint64(1)) * powers[position]
        key = lengths.astype(np.uint64) * np.uint64(_HASH_LENGTH)
        nonempty = lengths > 0
        if len(terms):
            key[nonempty] += np.add.reduceat(terms, starts[nonempty])
    group, _ = pd.factorize(key)
    first = np.full(int(group.max()) + 1, n, dtype=np.int64)
    np.minimum.at(first, group, np.arange(n))
    rep = first[group]  # the first sequence of each group
    mismatch = codes != codes[np.repeat(starts[rep], lengths) + position]
    if mismatch.any():  # a collision: group the sequences involved by their exact contents
        group = group.astype(np.int64)
        exact: dict[tuple, int] = {}
        for j in np.unique(np.repeat(np.arange(n), lengths)[mismatch]):
            seq = tuple(codes[starts[j] : starts[j] + lengths[j]])
            group[j] = exact.setdefault(seq, n + len(exact))
        group = np.unique(group, return_inverse=True)[1].ravel()
    return group.astype(np.int64)


def _check_order(tp: pd.DataFrame, order) -> None:
    """Raise unless column ``order`` holds finite numbers or time stamps, none missing."""
    series = tp[order]
    dtype = series.dtype
    numeric = pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)
    stamps = pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype)
    ordered = isinstance(dtype, pd.CategoricalDtype) and bool(dtype.ordered)
    if not (numeric or stamps or ordered):
        first = f" (first value {series.iloc[0]!r})" if len(series) else ""
        raise TypeError(
            f"'touchpoints' column {order!r} must hold numbers or time stamps that order the "
            f"touches; got dtype {dtype}{first}. Strings sort as text ('10' before '9'): "
            f"convert them (pd.to_numeric, pd.to_datetime)."
        )
    bad = series.isna().to_numpy(dtype=bool, copy=True)
    if numeric:
        bad |= ~np.isfinite(series.to_numpy(dtype=float, na_value=np.nan))
    if bad.any():
        at = np.flatnonzero(bad)
        first = series.iloc[at[0]]
        first = first.item() if isinstance(first, np.generic) else first
        raise ValueError(
            f"'touchpoints' column {order!r} must hold finite numbers or time stamps, none "
            f"missing; {_rows(tp, at)} {'has' if len(at) == 1 else 'have, first,'} {first!r} "
            f"(a touch without a place in its journey)."
        )


def _channel_names(tp: pd.DataFrame, channel, sep: str) -> pd.Series:
    """The channel column as strings (missing: not a touch); raise on a bad name."""
    raw = tp[channel]
    present = raw.notna().to_numpy(dtype=bool)
    is_str = raw.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    if is_str.any() and (present & ~is_str).any():
        i = int(np.flatnonzero(present & ~is_str)[0])
        raise TypeError(
            f"'touchpoints' column {channel!r} mixes strings and other values: {_row(tp, i)} "
            f"has {raw.iloc[i]!r} ({type(raw.iloc[i]).__name__}); channel names must be of one "
            f"kind (1 and '1' would be one channel)."
        )
    names = raw.astype("string")
    token = _split_token(sep)
    bad = names.str.contains(token, regex=False).fillna(False).to_numpy(bool)
    bad |= names.str.strip().eq("").fillna(False).to_numpy(bool)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"'touchpoints' column {channel!r}: {_row(tp, i)} is empty or contains the "
            f"separator {sep!r}: {raw.iloc[i]!r}."
        )
    stripped = names.str.strip()
    for name in stripped[present].unique():
        problem = _name_problem(str(name), sep, str(name))
        if problem is not None:
            i = int(np.flatnonzero((stripped == name).fillna(False).to_numpy(bool))[0])
            raise ValueError(
                f"'touchpoints' column {channel!r}: {_row(tp, i)} has channel {raw.iloc[i]!r}, "
                f"which {problem[0]}; a channel name must not contain or end with a separator "
                f"(the path table would not read back) nor spell a missing value."
            )
    return names


def paths_from_journeys(
    touchpoints: pd.DataFrame,
    *,
    journey: str = "journey_id",
    channel: str = "channel",
    order: str | None = None,
    conversions: str = "conversions",
    value: str | None = "value",
    outcome: str = "sum",
    sep: str = DEFAULT_SEP,
) -> pd.DataFrame:
    """Aggregate customer-level journeys into a path table.

    Parameters
    ----------
    touchpoints : pandas.DataFrame
        One row per touchpoint (an outbound contact, a visit, a service contact...): the
        journey it belongs to, its channel and, on any row, the journey's conversions and
        value. A row whose channel is missing is not a touch; it only carries an outcome (a
        purchase row, for instance).
    journey : str, default="journey_id"
        Column identifying the journey (a customer, or a customer's journey up to a
        conversion).
    channel : str, default="channel"
        Column naming the channel of the touch; names must not contain ``sep``.
    order : str, default=None
        Column ordering the touches within a journey (a time stamp, a step number); ties and
        None keep the order of the rows.
    conversions : str, default="conversions"
        Column of conversions (a count or a bool).
    value : str, default="value"
        Column of conversion values; None when there are none.
    outcome : {"sum", "max"}, default="sum"
        How the journey's conversions and value are read from its rows: ``"sum"`` adds them
        (outcomes recorded on the rows where they happen), ``"max"`` takes the largest (a
        journey-level flag and value repeated on every row).
    sep : str, default=" > "
        Separator written between touchpoints.

    Returns
    -------
    pandas.DataFrame
        The path table (``path``, ``conversions``, ``nulls``, ``value``), one row per unique
        path, sorted by path. A journey with conversions is counted in ``conversions`` (its
        number of conversions) and one without in ``nulls`` (1). Journeys without any touch
        have no path and are left out; their number and conversions are in
        ``attrs["n_journeys_without_touch"]`` and ``attrs["conversions_without_touch"]``.

    Raises
    ------
    TypeError, ValueError
        On a missing column, a column argument that is None (other than ``order`` and
        ``value``) or names a column also given another role, a column used that is not
        unique, a bad option, a negative or non-finite conversion or value (or totals that
        overflow), a missing journey id, journey ids of mixed kinds, an ``order`` column that
        is not numbers or time stamps or has missing or infinite values, channel names
        mixing strings and other values, or a channel name that contains the separator or
        another one, begins or ends with a separator's leftover or spells a missing value
        (``"nan"``); the message names the rows (position and index label), column and value.

    Examples
    --------
    >>> import pandas as pd
    >>> touches = pd.DataFrame({"journey_id": [1, 1, 2, 3],
    ...                         "channel": ["email", "web", "web", "sms"],
    ...                         "conversions": [0, 1, 1, 0], "value": [0.0, 30.0, 20.0, 0.0]})
    >>> paths_from_journeys(touches)
              path  conversions  nulls  value
    0  email > web          1.0    0.0   30.0
    1          sms          0.0    1.0    0.0
    2          web          1.0    0.0   20.0
    """
    roles = {
        "journey": journey,
        "channel": channel,
        "order": order,
        "conversions": conversions,
        "value": value,
    }
    for role, column in roles.items():
        if (column is None and role not in ("order", "value")) or not isinstance(column, Hashable):
            raise TypeError(
                f"{role!r} must name a column of 'touchpoints'"
                f"{'' if role not in ('order', 'value') else ' (or be None)'}; got {column!r}."
            )
    check_frame(touchpoints, list(roles.values()), "touchpoints")
    check_option(outcome, "outcome", ("sum", "max"))
    check_separator(sep, "sep")
    used = {role: column for role, column in roles.items() if column is not None}
    for role, column in used.items():
        others = [r for r, c in used.items() if c == column and r != role]
        if others:
            raise ValueError(
                f"{role!r} and {others[0]!r} both name column {column!r} of 'touchpoints'; "
                f"each must be a different column."
            )
    _check_unique_columns(touchpoints, used.values(), "touchpoints")
    tp = touchpoints  # messages name its rows by position and index label
    conv = _numbers(tp, conversions, "touchpoints", low=0.0)
    val = np.zeros(len(tp)) if value is None else _numbers(tp, value, "touchpoints")
    if value is not None and (val < 0).any():
        i = int(np.flatnonzero(val < 0)[0])
        raise ValueError(
            f"'touchpoints' column {value!r} must hold values >= 0; {_row(tp, i)} has "
            f"{float(val[i])!r}."
        )
    for column, numbers in ((conversions, conv), (value, val)):
        with np.errstate(over="ignore"):
            total = numbers.sum()
        if not np.isfinite(total):
            i = int(np.argmax(numbers))
            raise ValueError(
                f"'touchpoints' column {column!r} must sum to a finite number; its total "
                f"overflows to {float(total)!r} (the largest is {float(numbers[i])!r}, "
                f"{_row(tp, i)})."
            )
    missing = tp[journey].isna().to_numpy(dtype=bool)
    if missing.any():
        raise ValueError(
            f"'touchpoints' column {journey!r} is missing on {_rows(tp, np.flatnonzero(missing))}"
            f"; every row must belong to a journey (its touch, conversions and value would "
            f"otherwise be lost or added to another journey)."
        )
    if order is not None:
        _check_order(tp, order)
    names = _channel_names(tp, channel, sep)
    df = tp.reset_index(drop=True)
    names = names.reset_index(drop=True)

    sort_cols = [journey] if order is None else [journey, order]
    try:
        rows = df.sort_values(sort_cols, kind="stable").index.to_numpy()
        journey_codes, journey_ids = pd.factorize(df[journey].iloc[rows], sort=True)
    except TypeError as exc:
        kinds = sorted({type(v).__name__ for v in tp[journey]})
        raise TypeError(
            f"'touchpoints' column {journey!r} must hold journey ids of one kind that can be "
            f"sorted and compared (numbers or strings); got values of types {kinds} ({exc})."
        ) from None
    n_journeys = len(journey_ids)
    reduce = np.add if outcome == "sum" else np.maximum
    j_conv = np.zeros(n_journeys)
    j_val = np.zeros(n_journeys)
    reduce.at(j_conv, journey_codes, conv[rows])
    reduce.at(j_val, journey_codes, val[rows])

    is_touch = names.iloc[rows].notna().to_numpy()
    touch_journey = journey_codes[is_touch]
    channels, codes = np.unique(
        names.iloc[rows][is_touch].str.strip().to_numpy(str), return_inverse=True
    )
    lengths = np.bincount(touch_journey, minlength=n_journeys)
    starts = np.r_[0, np.cumsum(lengths)[:-1]]
    has_touch = lengths > 0
    group = _sequence_keys(codes.astype(np.int64), starts, lengths)

    conv_j, val_j = j_conv[has_touch], j_val[has_touch]
    table = pd.DataFrame(
        {
            "group": group[has_touch],
            "conversions": conv_j,
            "nulls": (conv_j == 0).astype(float),
            "value": val_j,
        }
    )
    agg = table.groupby("group", sort=False).agg(
        conversions=("conversions", "sum"), nulls=("nulls", "sum"), value=("value", "sum")
    )
    first_journey = (
        pd.Series(np.flatnonzero(has_touch), index=group[has_touch]).groupby(level=0).first()
    )
    reps = first_journey.loc[agg.index].to_numpy()
    labels = np.asarray(channels, dtype=object)
    agg.insert(
        0,
        "path",
        [sep.join(labels[codes[starts[j] : starts[j] + lengths[j]]]) for j in reps],
    )
    out = agg.sort_values("path").reset_index(drop=True)
    if value is None:
        out["value"] = np.nan
    out.attrs.update(
        sep=sep,
        has_value=value is not None,
        n_journeys_without_touch=int((~has_touch).sum()),
        conversions_without_touch=float(j_conv[~has_touch].sum()),
    )
    return out


def paths_from_simulation(
    result,
    *,
    touches: str = "contacts",
    split: str = "purchase",
    purchase_channel: bool = False,
    arm: str | None = None,
    sep: str = DEFAULT_SEP,
) -> pd.DataFrame:
    """Turn the journeys table of a simulation into a path table.

    The simulator records, for each sampled customer, the outbound contacts of every week
    (channel, number sent, number attended) and the weeks with a purchase (channel, revenue);
    see :attr:`mcstudy.model.SimulationResult.journeys`. Within a week, contacts come before
    the purchase they may have caused.

    Parameters
    ----------
    result : SimulationResult
        A simulation run with ``n_journeys > 0``.
    touches : {"contacts", "attended"}, default="contacts"
        Which contacts are touchpoints: every contact sent (what a firm's contact history
        holds) or only those the customer attended to (what an analyst with open or read
        receipts sees). A week's contacts on one channel count as that many touches.
    split : {"purchase", "customer"}, default="purchase"
        ``"purchase"``: every week with a purchase closes a journey (a conversion of that
        week's revenue), the touches since the previous purchase form its path, and the
        touches after the last purchase form a journey without conversion.
        ``"customer"``: one journey per customer, its touches up to its last purchase, its
        purchase weeks as its conversions (all its touches and a null if it never bought).
    purchase_channel : bool, default=False
        Add the channel of each purchase (the shop, the website...) as a touch where the
        purchase happens, as a last-click export would: the last touch of a converting path
        with ``split="purchase"``.
    arm : str, default=None
        Keep the customers of one arm; every arm when None.
    sep : str, default=" > "
        Separator written between touchpoints.

    Returns
    -------
    pandas.DataFrame
        The path table (:func:`paths_from_journeys`). A conversion is a *week with a
        purchase* (the journeys table does not record several purchases within a week
        separately); its value is the week's revenue. Purchases with no touch before them
        have no path (see ``attrs``).

    Raises
    ------
    TypeError, ValueError
        If ``result`` is not a SimulationResult, an option is not one of those allowed, or
        the arm is unknown.
    """
    from mcstudy.model.engine import SimulationResult

    if not isinstance(result, SimulationResult):
        raise TypeError(f"'result' must be a SimulationResult; got {type(result).__name__}.")
    check_option(touches, "touches", ("contacts", "attended"))
    check_option(split, "split", ("purchase", "customer"))
    if not isinstance(purchase_channel, bool):
        raise TypeError(f"'purchase_channel' must be a bool; got {purchase_channel!r}.")
    jr = result.journeys
    if arm is not None:
        check_option(arm, "arm", [str(a) for a in result.strategies])
        jr = jr[jr["arm"] == arm]
    jr = jr.sort_values(["journey_id", "step"], kind="stable")
    is_purchase = (jr["touchpoint"] == "purchase").to_numpy()
    count = np.where(is_purchase, 1, jr[touches].to_numpy())
    rows = np.repeat(np.arange(len(jr)), count)
    purchase = is_purchase[rows]
    journey_ids = jr["journey_id"].to_numpy()[rows]
    if split == "purchase":
        # Purchases before this row, within the customer: the segment a touch belongs to.
        new_customer = np.r_[True, journey_ids[1:] != journey_ids[:-1]]
        before = np.cumsum(purchase) - purchase
        base = np.maximum.accumulate(np.where(new_customer, before, 0))
        segment = before - base
    else:
        last = (
            pd.Series(np.where(purchase, np.arange(len(rows)), -1))
            .groupby(journey_ids)
            .transform("max")
        )
        segment = np.zeros(len(rows), dtype=np.int64)
        drop_after = (np.arange(len(rows)) > last.to_numpy()) & (last.to_numpy() >= 0)
        keep = ~drop_after
        rows, purchase, journey_ids, segment = (
            rows[keep],
            purchase[keep],
            journey_ids[keep],
            segment[keep],
        )
    channel = jr["channel"].astype(str).to_numpy()[rows].astype(object)
    if not purchase_channel:
        channel = np.where(purchase, None, channel)
    touchpoints = pd.DataFrame(
        {
            "journey_id": journey_ids,
            "segment": segment,
            "channel": channel,
            "conversions": purchase.astype(float),
            "value": np.where(purchase, jr["value_eur"].to_numpy()[rows], 0.0),
        }
    )
    # A journey: one customer's touches up to (and including) a purchase week.
    key = touchpoints["journey_id"].astype(np.int64) * (int(segment.max(initial=0)) + 1) + segment
    touchpoints["journey"] = key
    return paths_from_journeys(
        touchpoints,
        journey="journey",
        channel="channel",
        conversions="conversions",
        value="value",
        sep=sep,
    )
