"""Grouping equal sequences of channel codes, exactly, without a Python loop per sequence.

Path tables (:mod:`~mcstudy.attribution.paths`) merge paths that are equal once trimmed, and
journeys (:mod:`~mcstudy.attribution.journeys`) are aggregated to unique paths: both group
sequences of integer channel codes given as one flat array with starts and lengths.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Multipliers of the sequence hash (odd 64-bit constants); tests set them to 0 to force
# collisions and check that they are resolved exactly.
_HASH_BASE = 0x9E3779B97F4A7C15
_HASH_LENGTH = 0xBF58476D1CE4E5B9


def _gather(starts: np.ndarray, lengths: np.ndarray, which: np.ndarray) -> np.ndarray:
    """Indices of the touches of sequences ``which`` (given by starts and lengths), in order."""
    new_lengths = lengths[which]
    new_starts = np.r_[0, np.cumsum(new_lengths)[:-1]]
    shift = np.repeat(starts[which] - new_starts, new_lengths)
    return np.arange(int(new_lengths.sum())) + shift


def _sequence_keys(codes: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Group equal code sequences: ids 0, 1, ... with equal ids for equal sequences.

    A polynomial hash of the codes and the length (wrapping 64-bit arithmetic) proposes the
    groups. Sequences with different hashes differ, so when every hash is distinct the groups
    are final; otherwise every sequence is compared touch by touch with the first sequence of
    its group, so a hash collision cannot merge different paths (colliding sequences are then
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
    if len(group) and group[-1] == n - 1:  # ids in order of appearance: all keys distinct
        return group.astype(np.int64)  # different keys are different sequences
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
