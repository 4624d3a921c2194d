"""Splitting a column of path strings into touchpoints, in bulk.

A path table's ``path`` column is split at the separator once for the whole column, so that
the cost does not grow with a Python call per path: at a one-character ASCII separator (``>``,
``,``, ``|``...) by finding the separator's byte in the strings' data with numpy and viewing
the pieces in place (:func:`_split_at_byte`), at a longer one with Arrow's
:func:`pyarrow.compute.split_pattern`; then the touchpoints are dictionary-encoded. The result is
the same as ``str.split`` path by path followed by ``str.strip`` of each touchpoint: the
separator is matched left to right without overlaps as ``str.split`` does, and only the
distinct touchpoints, usually a few dozen, are stripped in Python. Strings that Arrow cannot
hold (lone surrogates) are split in Python, path by path.
"""

from __future__ import annotations

from itertools import chain

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from mcstudy.attribution._checks import _row, _split_token


def _path_column(df: pd.DataFrame, column: str, sep: str, name: str) -> pd.Series:
    """Column ``column`` of ``df``; raise on the first value that is missing or not a str."""
    paths = df[column]
    if pd.api.types.is_string_dtype(paths) and not pd.api.types.is_object_dtype(paths):
        not_str = paths.isna().to_numpy(dtype=bool)
    elif pd.api.types.infer_dtype(paths, skipna=False) in ("string", "empty"):
        return paths  # every value a str, checked without a Python call per value
    else:
        not_str = ~paths.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    if not_str.any():
        i = int(np.flatnonzero(not_str)[0])
        value = paths.iloc[i]
        missing = paths.isna().to_numpy(dtype=bool)
        what = "missing" if missing[i] else f"not a string ({type(value).__name__})"
        raise ValueError(
            f"{name!r} column {column!r}: {_row(df, i)} is {what}: {value!r}; every path must "
            f"be a string of touchpoints joined by {sep!r}."
        )
    return paths


def _to_arrow(paths: pd.Series) -> pa.Array | None:
    """The strings of ``paths`` as one Arrow array, or None when Arrow cannot hold them."""
    try:
        if isinstance(paths.array, pd.arrays.ArrowStringArray):
            array = pa.array(paths.array)
        else:
            array = pa.array(paths.to_numpy(dtype=object), type=pa.large_string())
    except (pa.ArrowException, UnicodeError, TypeError):
        return None
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array


def _split_at_byte(array: pa.Array, byte: int) -> tuple[pa.Array, np.ndarray]:
    """Split Arrow strings at a one-byte (ASCII) separator, without copying the characters.

    An ASCII byte never occurs inside the UTF-8 encoding of another character, so the
    separators are the positions of ``byte`` in the strings' data. Returns the pieces, each a
    touchpoint followed by its separator (the last touchpoint of a string has none), as one
    string array over the same data, and the number of pieces of each string; the pieces
    without their separator are those of ``str.split``, in order, empty ones included.
    """
    _, offsets, values = array.buffers()
    width = np.int64 if pa.types.is_large_string(array.type) else np.int32
    bounds = np.frombuffer(offsets, dtype=width)[array.offset : array.offset + len(array) + 1]
    bounds = bounds.astype(np.int64)  # string i is data[bounds[i]:bounds[i + 1]]
    data = np.frombuffer(values, dtype=np.uint8)
    at = np.flatnonzero(data[bounds[0] : bounds[-1]] == byte) + bounds[0]
    before = np.searchsorted(at, bounds)  # separators before the start of each string
    n_strings, n_pieces = len(array), len(array) + len(at)
    first = np.arange(n_strings) + before[:-1]  # the first piece of each string
    starts = np.empty(n_pieces + 1, dtype=np.int64)
    opens = np.zeros(n_pieces, dtype=bool)
    opens[first] = True
    starts[first] = bounds[:-1]
    starts[:-1][~opens] = at + 1  # a piece after a separator starts past it
    starts[-1] = bounds[-1]
    pieces = pa.LargeStringArray.from_buffers(n_pieces, pa.py_buffer(starts), values)
    return pieces, np.diff(before) + 1


def _tokenize(paths: pd.Series, sep: str):
    """Split every path (a Series of str) into touchpoints.

    Returns
    -------
    codes : numpy.ndarray
        The channel code of every touch, path after path (-1 for a blank touchpoint).
    lengths : numpy.ndarray
        The number of touches of each path.
    channels : tuple of str
        The distinct touchpoints once stripped of blanks, without the empty one, sorted.
    """
    token = _split_token(sep)
    array = _to_arrow(paths)
    if array is not None and len(token) == 1 and token.isascii() and array.buffers()[2]:
        pieces, lengths = _split_at_byte(array, ord(token))
        encoded = pc.dictionary_encode(pieces)
        raw_codes = encoded.indices.to_numpy(zero_copy_only=False)
        # A piece is a touchpoint followed by the separator, but for the last of its path.
        raw_tokens = [t.removesuffix(token) for t in encoded.dictionary.to_pylist()]
    elif array is not None:
        parts = pc.split_pattern(array, token)
        lengths = np.diff(parts.offsets.to_numpy().astype(np.int64))
        encoded = pc.dictionary_encode(parts.flatten())
        raw_codes = encoded.indices.to_numpy(zero_copy_only=False)
        raw_tokens = encoded.dictionary.to_pylist()
    else:
        pieces = [s.split(token) for s in paths.to_numpy(dtype=object)]
        lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
        flat = np.fromiter(chain.from_iterable(pieces), dtype=object, count=int(lengths.sum()))
        raw_codes, raw_tokens = pd.factorize(flat, sort=False)
    stripped = np.array([t.strip() for t in raw_tokens], dtype=object)  # distinct tokens only
    channels = np.array(sorted(set(stripped) - {""}), dtype=object)
    remap = np.full(len(stripped), -1, dtype=np.int64)
    named = stripped != ""
    remap[named] = np.searchsorted(channels, stripped[named])
    return remap[raw_codes], lengths, tuple(str(c) for c in channels)


def _containing(paths: pd.Series, parts) -> dict[str, np.ndarray]:
    """For each string of ``parts``, the positions of the paths that contain it."""
    array = _to_arrow(paths)
    found = {}
    for part in parts:
        if array is not None:
            mask = pc.match_substring(array, part).to_numpy(zero_copy_only=False)
        else:
            mask = np.fromiter((part in s for s in paths), dtype=bool, count=len(paths))
        found[part] = np.flatnonzero(mask)
    return found
