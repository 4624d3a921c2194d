"""Path tables: journeys in the convention of the ChannelAttribution package.

A *path table* has one row per path: ``path`` (the touchpoints in order, joined by a
separator, ``"email > website > face_to_face"``), ``conversions`` (journeys along the path that
converted, or their number of conversions), ``nulls`` (journeys along the path that did not
convert) and ``value`` (the value of the conversions). This module owns that convention and
its checks:

- :func:`check_paths`: validate a path table (a real export as it is, or one built from
  journeys) and return it aggregated to unique paths in the standard column names;
- :func:`parse_paths`: the same checks, the table encoded as :class:`ParsedPaths`.

The attribution methods parse a checked table into :class:`ParsedPaths` (integer channel
codes, one flat array of touches), so that they work on arrays, not strings; the strings are
split for the whole column at once (:mod:`~mcstudy.attribution._tokens`). Every method also
takes a :class:`ParsedPaths`, so that a table parsed once serves several methods. Path tables
are built from customer-level journeys or a simulation by :func:`paths_from_journeys` and
:func:`paths_from_simulation` (:mod:`~mcstudy.attribution.journeys`, importable from here
too).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise

import numpy as np
import pandas as pd

from mcstudy._validation import check_frame, check_option, check_separator
from mcstudy.attribution._cache import cached_parse, remember_parse
from mcstudy.attribution._checks import (
    COMMON_SEPARATORS,
    DEFAULT_SEP,
    _check_unique_columns,
    _name_problem,
    _numbers,
    _row,
    _split_token,
)
from mcstudy.attribution._checks import MISSING_SPELLINGS as MISSING_SPELLINGS
from mcstudy.attribution._checks import NAME_SEPARATORS as NAME_SEPARATORS
from mcstudy.attribution._sequences import _gather, _sequence_keys
from mcstudy.attribution._tokens import _containing, _path_column, _tokenize
from mcstudy.attribution.journeys import paths_from_journeys, paths_from_simulation

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

#: Other names of the optional columns: a table holding one of them, and not the standard
#: column, was almost certainly meant to use it (a ChannelAttribution export's
#: ``total_null`` left out of ``columns`` would make every journey convert).
_NEAR_MISSES = {
    "nulls": ("nulls", "null", "total_null", "total_nulls", "non_conversions"),
    "value": ("value", "values", "total_value", "conversion_value", "total_conversion_value"),
}


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


def _check_tokens(df, column, sep, name, paths, codes, lengths) -> None:
    """Raise on empty paths, paths of separators only, empty touchpoints, a wrong separator."""
    blank = codes < 0
    n_blank = np.zeros(len(lengths), dtype=np.int64)
    if blank.any():
        n_blank = np.bincount(np.repeat(np.arange(len(lengths)), lengths), blank, len(lengths))

    def fail(bad: np.ndarray, problem: str) -> None:
        i = int(np.flatnonzero(bad)[0])
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
    others = [o for o in COMMON_SEPARATORS if o not in token and token not in o]
    for other, holding in _containing(paths, others).items():
        for i in holding:  # the paths holding `other`, in order
            s = paths.iloc[i]
            if all(t.strip() for t in s.split(other)):
                raise ValueError(
                    f"{name!r} column {column!r}: no path contains the separator {sep!r}, but "
                    f"{_row(df, int(i))} splits into several touchpoints at {other!r}: "
                    f"{df[column].iloc[i]!r}; pass sep={other!r} if that is the separator."
                )


def _check_channels(df, column, sep, name, paths, codes, lengths, channels, reserved):
    """Raise on a channel name that is a separator's leftover, a missing value or reserved."""
    reserved_lower = {r.lower(): r for r in reserved}
    named = np.flatnonzero(codes >= 0)
    touch = np.full(len(channels), len(codes), dtype=np.int64)  # first touch of each channel
    np.minimum.at(touch, codes[named], named)
    first = np.searchsorted(np.cumsum(lengths), touch, side="right")  # its path
    for code, channel in enumerate(channels):
        if touch[code] == len(codes):
            continue
        i = int(first[code])
        value = df[column].iloc[i]
        if channel.lower() in reserved_lower:
            raise ValueError(
                f"{name!r} column {column!r}: {_row(df, i)} has touchpoint {channel!r}, the name "
                f"of a state of the Markov chain ({', '.join(map(repr, reserved))}); rename the "
                f"channel: {value!r}."
            )
        problem = _name_problem(channel, sep, paths.iloc[i])
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


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


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

    @cached_property
    def lengths(self) -> np.ndarray:
        """Number of touches of each path (computed once, read-only)."""
        return _read_only(np.diff(self.offsets))

    @cached_property
    def path_of_touch(self) -> np.ndarray:
        """Index of the path each touch belongs to (computed once, read-only)."""
        return _read_only(np.repeat(np.arange(self.n_paths), self.lengths))

    @cached_property
    def position(self) -> np.ndarray:
        """Position of each touch in its path, from 0 (computed once, read-only)."""
        return _read_only(np.arange(len(self.codes)) - np.repeat(self.offsets[:-1], self.lengths))

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
    (after trimming blanks around touchpoints) are merged. Every attribution method takes
    the result in place of the table, so that a table parsed once serves several methods.

    Parameters
    ----------
    paths : pandas.DataFrame
        A path table (see :func:`check_paths`).
    sep : str, default=" > "
        Separator between touchpoints.
    columns : mapping of str to str, default=None
        Column names of the table when they differ from the standard ones.
    name : str, default="paths"
        The name used in error messages.

    Returns
    -------
    ParsedPaths
        One row per unique path, touches as channel codes.

    Raises
    ------
    TypeError, ValueError
        As :func:`check_paths`.

    Examples
    --------
    >>> import pandas as pd
    >>> from mcstudy.attribution import first_touch, last_touch
    >>> df = pd.DataFrame({"path": ["email > web", "web"], "conversions": [2, 1]})
    >>> parsed = parse_paths(df)
    >>> parsed.channels
    ('email', 'web')
    >>> first_touch(parsed)["conversions"].tolist(), last_touch(parsed)["conversions"].tolist()
    ([2.0, 1.0], [0.0, 3.0])
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
    path_column = _path_column(df, names["path"], sep, name)
    codes, lengths, channels = _tokenize(path_column, sep)
    _check_tokens(df, names["path"], sep, name, path_column, codes, lengths)
    _check_channels(df, names["path"], sep, name, path_column, codes, lengths, channels, reserved)
    # Paths equal once their touchpoints are trimmed are one path.
    starts = np.r_[0, np.cumsum(lengths)[:-1]].astype(np.int64)
    group = _sequence_keys(codes, starts, lengths)
    n_groups = int(group.max(initial=-1)) + 1
    sums = {k: np.bincount(group, v, minlength=n_groups) for k, v in data.items()}
    if n_groups < len(lengths) or not np.array_equal(group, np.arange(n_groups)):
        rep = np.full(n_groups, len(lengths), dtype=np.int64)  # first row of each group
        np.minimum.at(rep, group, np.arange(len(lengths)))
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


def _as_parsed(
    paths: pd.DataFrame | ParsedPaths,
    *,
    sep: str = DEFAULT_SEP,
    columns: Mapping[str, str] | None = None,
    reserved: tuple[str, ...] = (),
) -> ParsedPaths:
    """``paths`` parsed: a DataFrame is checked and parsed, a :class:`ParsedPaths` kept.

    A table parsed once (:func:`parse_paths`) can so be given to several methods. ``sep``
    and ``columns`` apply to a DataFrame; ``columns`` with a :class:`ParsedPaths` is an error.
    A DataFrame's parse is remembered (:mod:`~mcstudy.attribution._cache`) while the table
    is unchanged, so that several methods on one table split its strings once.
    """
    if not isinstance(paths, ParsedPaths):
        return _parse_remembered(paths, sep=sep, columns=columns, reserved=reserved)
    if columns is not None:
        raise ValueError(
            f"'columns' names the columns of a DataFrame and must be None when 'paths' is a "
            f"ParsedPaths (already parsed); got {columns!r}."
        )
    channel = _reserved_channel(paths.channels, reserved)
    if channel is not None:
        raise ValueError(
            f"'paths' has channel {channel!r}, the name of a state of the Markov chain "
            f"({', '.join(map(repr, reserved))}); rename the channel."
        )
    return paths


def _reserved_channel(channels: tuple[str, ...], reserved: tuple[str, ...]) -> str | None:
    """The first of ``channels`` named like one of ``reserved`` (in any case), or None."""
    reserved_lower = {r.lower() for r in reserved}
    return next((c for c in channels if c.lower() in reserved_lower), None)


def _parse_remembered(df, *, sep, columns, reserved) -> ParsedPaths:
    """:func:`_parse_paths` of a DataFrame, served from the cache when the table is unchanged.

    The parse does not depend on ``reserved`` (it only refuses), so a remembered parse
    holding a reserved name is parsed again, to raise the error that names the row.
    """
    if not isinstance(df, pd.DataFrame) or not (columns is None or isinstance(columns, Mapping)):
        return _parse_paths(df, sep=sep, columns=columns, reserved=reserved)
    options = (sep, None if columns is None else tuple(columns.items()))
    parsed = cached_parse(df, options)
    if parsed is not None and _reserved_channel(parsed.channels, reserved) is None:
        return parsed
    parsed = _parse_paths(df, sep=sep, columns=columns, reserved=reserved)
    for array in (parsed.conversions, parsed.nulls, parsed.value, parsed.offsets, parsed.codes):
        _read_only(array)  # shared by the methods that take the remembered parse
    names = _column_names(columns)
    counts = [names[k] for k in ("conversions", "nulls", "value") if names[k] in df.columns]
    remember_parse(df, options, names["path"], counts, parsed)
    return parsed


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
