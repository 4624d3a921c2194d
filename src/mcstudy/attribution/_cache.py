"""Remembering the parse of a path table, so that several methods on one table split it once.

Every attribution method given a DataFrame parses it (:mod:`~mcstudy.attribution.paths`), and
the parse costs more than any heuristic. The last few tables parsed by the methods are kept
here with a snapshot of what the parse read: the column labels, the path column and the count
columns. A table is served from here only if it is the same object with the same labels and
the same contents in those columns, compared exactly (strings by equality, numbers bit for
bit), so that a table changed in place is parsed (and checked) again. An entry goes when its
table is garbage-collected or when newer tables push it out.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict

import numpy as np
import pandas as pd

#: Tables remembered at most.
_MAX_ENTRIES = 4

_entries: OrderedDict = OrderedDict()
_lock = threading.Lock()
_dead: list = []  # references to tables collected, whose entries are still to drop


def _exact_numbers(series: pd.Series) -> np.ndarray | None:
    """A copy of a numeric column's values, or None if its dtype is not a plain numpy one."""
    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
        return series.to_numpy(copy=True)
    return None


def _same_numbers(series: pd.Series, stored: np.ndarray) -> bool:
    """Whether a column holds exactly ``stored``, bit for bit (``-0.0`` differs from ``0.0``)."""
    if series.dtype != stored.dtype or len(series) != len(stored):
        return False
    bits = np.dtype(f"u{stored.dtype.itemsize}")
    return bool(np.array_equal(series.to_numpy().view(bits), stored.view(bits)))


def _snapshot(df: pd.DataFrame, path_column, number_columns) -> tuple | None:
    """What a parse of ``df`` read, to compare with later; None if it cannot be compared."""
    numbers = {}
    for column in number_columns:
        values = _exact_numbers(df[column])
        if values is None:
            return None
        numbers[column] = values
    return list(df.columns), path_column, df[path_column].copy(deep=True), numbers


def _unchanged(df: pd.DataFrame, snapshot: tuple) -> bool:
    """Whether ``df`` still holds what its snapshot recorded."""
    labels, path_column, paths, numbers = snapshot
    try:
        if list(df.columns) != labels:
            return False
    except (TypeError, ValueError):  # labels that do not compare as booleans
        return False
    if not df[path_column].equals(paths):
        return False
    return all(_same_numbers(df[c], values) for c, values in numbers.items())


def _purge() -> None:
    """Drop the entries of the tables collected (with the lock held)."""
    while _dead:
        ref = _dead.pop()
        for key in [k for k, entry in _entries.items() if entry[0] is ref]:
            del _entries[key]


def _forget(ref: weakref.ref) -> None:
    """Called when a table remembered is collected; never waits for the lock.

    The collection may happen while this thread holds the lock (a garbage collection run
    inside it): the entry is then dropped at the next use of the cache.
    """
    _dead.append(ref)
    if _lock.acquire(blocking=False):
        try:
            _purge()
        finally:
            _lock.release()


def cached_parse(df: pd.DataFrame, options: tuple):
    """The parse remembered for ``df`` read with ``options``, or None."""
    try:
        key = (id(df), options)
        with _lock:
            _purge()
            entry = _entries.get(key)
    except TypeError:  # unhashable options: never remembered
        return None
    if entry is None or entry[0]() is not df or not _unchanged(df, entry[1]):
        return None
    with _lock:
        if key in _entries:
            _entries.move_to_end(key)
    return entry[2]


def remember_parse(df: pd.DataFrame, options: tuple, path_column, number_columns, parsed):
    """Remember ``parsed``, the parse of ``df`` read with ``options``, while ``df`` lives."""
    try:
        key = (id(df), options)
        hash(key)
    except TypeError:
        return
    snapshot = _snapshot(df, path_column, number_columns)
    if snapshot is None:
        return
    ref = weakref.ref(df, _forget)
    with _lock:
        _purge()
        _entries[key] = (ref, snapshot, parsed)
        _entries.move_to_end(key)
        while len(_entries) > _MAX_ENTRIES:
            _entries.popitem(last=False)


def clear_parse_cache() -> None:
    """Forget every parse remembered (benchmarks call it to time a parse from scratch)."""
    with _lock:
        _entries.clear()
        _dead.clear()
