"""Shapley-value attribution (Zhao, Mahboobi and Bagheri 2018).

The channels are the players. The worth of a coalition ``S`` of channels is the number of
conversions of the paths whose set of channels lies inside ``S``,

    v(S) = sum over T subset of S of R(T),

where ``R(T)`` is the number of conversions of the paths whose set of channels is exactly
``T``. For this game the Shapley value has a closed form (Zhao et al. 2018, the "simplified
formula"): each path's conversions are split equally among its distinct channels,

    phi_j = sum over T containing j of R(T) / |T|.

It is exact, not an approximation, and costs one pass over the unique paths whatever the
number of channels. ``method="coalitions"`` computes the same values the long way, from
``v`` on all ``2 ** n`` coalitions and the Shapley formula, as an independent check (up to
:data:`MAX_COALITION_CHANNELS` channels). The *ordered* variant of the same paper credits
each channel at the position where it first appears among the path's distinct channels.
"""

from __future__ import annotations

from collections.abc import Mapping
from math import factorial

import numpy as np
import pandas as pd

from mcstudy._validation import check_option
from mcstudy.attribution.paths import DEFAULT_SEP, ParsedPaths, _as_parsed, attribution_frame

__all__ = ["MAX_COALITION_CHANNELS", "shapley"]

#: Most channels for which ``method="coalitions"`` enumerates the ``2 ** n`` coalitions.
MAX_COALITION_CHANNELS = 20


def _distinct(parsed: ParsedPaths) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct channels of each path: (path, channel code, rank of first appearance)."""
    n_ch = len(parsed.channels)
    key = parsed.path_of_touch * n_ch + parsed.codes
    _, first = np.unique(key, return_index=True)
    first.sort()  # touches in path order: distinct channels by first appearance
    path, code = parsed.path_of_touch[first], parsed.codes[first]
    starts = np.r_[0, np.flatnonzero(np.diff(path)) + 1]
    counts = np.diff(np.r_[starts, len(path)])
    rank = np.arange(len(path)) - np.repeat(starts, counts)
    return path, code, rank


def _simplified(parsed: ParsedPaths, ordered: bool) -> pd.DataFrame:
    path, code, rank = _distinct(parsed)
    size = np.bincount(path, minlength=parsed.n_paths)[path]
    conv = parsed.conversions[path] / size
    value = np.nan_to_num(parsed.value)[path] / size
    n = len(parsed.channels)
    if not ordered:
        return attribution_frame(
            parsed,
            np.bincount(code, conv, minlength=n),
            np.bincount(code, value, minlength=n),
        )
    n_pos = int(rank.max(initial=-1)) + 1
    cell = code * n_pos + rank
    conversions = np.bincount(cell, conv, minlength=n * n_pos)
    values = np.bincount(cell, value, minlength=n * n_pos)
    table = pd.DataFrame(
        {
            "channel": np.repeat(list(parsed.channels), n_pos),
            "position": np.tile(np.arange(1, n_pos + 1), n),
            "conversions": conversions,
            "value": values if parsed.has_value else np.nan,
        }
    )
    return table


def _coalitions(parsed: ParsedPaths) -> pd.DataFrame:
    n = len(parsed.channels)
    if n > MAX_COALITION_CHANNELS:
        raise ValueError(
            f"method='coalitions' enumerates 2 ** n coalitions and allows at most "
            f"{MAX_COALITION_CHANNELS} channels; the paths have {n}. Use method='simplified', "
            f"which gives the same values."
        )
    path, code, _ = _distinct(parsed)
    mask = np.zeros(parsed.n_paths, dtype=np.int64)
    np.bitwise_or.at(mask, path, np.left_shift(1, code))
    out = []
    for outcome in (parsed.conversions, np.nan_to_num(parsed.value)):
        worth = np.bincount(mask, outcome, minlength=2**n)  # R(T)
        for bit in range(n):  # subset sums: v(S) = sum of R(T) over T inside S
            worth = worth.reshape(-1, 2, 2**bit)
            worth[:, 1, :] += worth[:, 0, :]
            worth = worth.ravel()
        coalitions = np.arange(2**n)
        size = np.bitwise_count(coalitions.astype(np.uint64)).astype(np.int64)
        weight = np.array([factorial(s) * factorial(n - s - 1) for s in range(n)], float)
        weight /= factorial(n)
        phi = np.empty(n)
        for j in range(n):
            without = coalitions[(coalitions >> j) & 1 == 0]
            phi[j] = np.sum(weight[size[without]] * (worth[without | (1 << j)] - worth[without]))
        out.append(phi)
    return attribution_frame(parsed, out[0], out[1])


def shapley(
    paths: pd.DataFrame | ParsedPaths,
    *,
    ordered: bool = False,
    method: str = "simplified",
    sep: str = DEFAULT_SEP,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Attribute conversions and value by the Shapley value of the channels.

    Parameters
    ----------
    paths : pandas.DataFrame or ParsedPaths
        A path table (:func:`~mcstudy.attribution.check_paths`), or one parsed by
        :func:`~mcstudy.attribution.parse_paths`; ``nulls`` play no part.
    ordered : bool, default=False
        Also break each channel's credit down by stage: the position (from 1) at which the
        channel first appears among the distinct channels of a path (Zhao et al. 2018,
        ordered Shapley value). Summed over positions it gives the unordered value.
    method : {"simplified", "coalitions"}, default="simplified"
        ``"simplified"``: each path's conversions split equally among its distinct channels
        (the closed form; any number of channels). ``"coalitions"``: the Shapley formula
        over all ``2 ** n`` coalitions of the game above (at most
        :data:`MAX_COALITION_CHANNELS` channels); the same values, computed independently.
        Not available with ``ordered=True``.
    sep : str, default=" > "
        Separator between touchpoints (of a DataFrame).
    columns : mapping of str to str, default=None
        Column names of a DataFrame when they differ from the standard ones; None with a
        ParsedPaths.

    Returns
    -------
    pandas.DataFrame
        ``channel`` (sorted), ``conversions`` and ``value`` (NaN when the table has no
        value); with ``ordered=True``, one row per channel and ``position``. They sum to the
        observed totals.

    Raises
    ------
    TypeError, ValueError
        On a bad path table (see :func:`~mcstudy.attribution.check_paths`) or option, or
        ``method="coalitions"`` with too many channels.

    Notes
    -----
    A channel's repeated touches within a path do not add to its credit (the coalition is
    the *set* of channels), unlike :func:`~mcstudy.attribution.linear`. The properties of the
    Shapley value hold: efficiency (the credits sum to the conversions), symmetry (channels
    that always appear together get equal credit) and the null player (a channel in no
    converting path gets nothing).

    References
    ----------
    .. [1] Zhao, K., Mahboobi, S. H. and Bagheri, S. R. (2018). Shapley value methods for
       attribution modeling in online advertising. arXiv:1804.05327.
    .. [2] Shapley, L. S. (1953). A value for n-person games. In *Contributions to the Theory
       of Games II*, 307-317. Princeton University Press.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"path": ["email > web", "web"], "conversions": [2, 1]})
    >>> shapley(df)[["channel", "conversions"]]
      channel  conversions
    0   email          1.0
    1     web          2.0
    """
    check_option(method, "method", ("simplified", "coalitions"))
    if not isinstance(ordered, bool):
        raise TypeError(f"'ordered' must be a bool; got {ordered!r}.")
    if ordered and method == "coalitions":
        raise ValueError("'ordered' is computed with method='simplified' only; got 'coalitions'.")
    parsed = _as_parsed(paths, sep=sep, columns=columns)
    if method == "coalitions":
        return _coalitions(parsed)
    return _simplified(parsed, ordered)
