"""Rule-based attribution: first touch, last touch, linear, time decay and position based.

Each rule gives every touch of a converting path a weight, the weights of a path summing to
one; a channel receives, over all paths, the sum of its touches' weights times the path's
conversions (and times its value). A channel touched several times in a path is credited for
each touch. Attributed conversions and values therefore sum to the observed totals, and
paths without conversions (``nulls``) play no part.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from mcstudy._validation import check_number
from mcstudy.attribution.paths import DEFAULT_SEP, ParsedPaths, _as_parsed, attribution_frame

__all__ = ["first_touch", "last_touch", "linear", "position_based", "time_decay"]


def _credit(parsed: ParsedPaths, weights: np.ndarray) -> pd.DataFrame:
    """Attribute each path's conversions and value to its touches by ``weights``."""
    path = parsed.path_of_touch
    n = len(parsed.channels)
    conversions = np.bincount(parsed.codes, weights * parsed.conversions[path], minlength=n)
    value = np.bincount(parsed.codes, weights * np.nan_to_num(parsed.value)[path], minlength=n)
    return attribution_frame(parsed, conversions, value)


def _credit_equal(parsed: ParsedPaths, share: np.ndarray) -> pd.DataFrame:
    """Attribute the same ``share`` of path ``p``'s conversions and value to each of its touches.

    The same products as :func:`_credit` with ``share[p]`` on every touch of ``p``, formed once
    per path rather than once per touch.
    """
    path = parsed.path_of_touch
    n = len(parsed.channels)
    conversions = np.bincount(parsed.codes, (share * parsed.conversions)[path], minlength=n)
    value = np.bincount(parsed.codes, (share * np.nan_to_num(parsed.value))[path], minlength=n)
    return attribution_frame(parsed, conversions, value)


def _credit_touch(parsed: ParsedPaths, touch: np.ndarray) -> pd.DataFrame:
    """Attribute each path's conversions and value to one of its touches (index ``touch``)."""
    code = parsed.codes[touch]
    n = len(parsed.channels)
    conversions = np.bincount(code, parsed.conversions, minlength=n)
    value = np.bincount(code, np.nan_to_num(parsed.value), minlength=n)
    return attribution_frame(parsed, conversions, value)


_PATHS_DOC = """paths : pandas.DataFrame or ParsedPaths
        A path table (:func:`~mcstudy.attribution.check_paths`): ``path``, ``conversions``
        and optionally ``nulls`` and ``value``; or a table parsed once by
        :func:`~mcstudy.attribution.parse_paths`, to run several methods without parsing
        the strings again.
    sep : str, default=" > "
        Separator between touchpoints (of a DataFrame).
    columns : mapping of str to str, default=None
        Column names of a DataFrame when they differ from the standard ones; None with a
        ParsedPaths."""

_RETURNS_DOC = """pandas.DataFrame
        ``channel`` (every channel of the table, sorted), ``conversions`` and ``value``
        attributed (``value`` NaN when the table has none); they sum to the observed totals."""


def first_touch(
    paths: pd.DataFrame | ParsedPaths,
    *,
    sep: str = DEFAULT_SEP,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Credit each conversion to the first touch of its path.

    Parameters
    ----------
    {paths}

    Returns
    -------
    {returns}
    """
    parsed = _as_parsed(paths, sep=sep, columns=columns)
    return _credit_touch(parsed, parsed.offsets[:-1])


def last_touch(
    paths: pd.DataFrame | ParsedPaths,
    *,
    sep: str = DEFAULT_SEP,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Credit each conversion to the last touch of its path.

    Parameters
    ----------
    {paths}

    Returns
    -------
    {returns}
    """
    parsed = _as_parsed(paths, sep=sep, columns=columns)
    return _credit_touch(parsed, parsed.offsets[1:] - 1)


def linear(
    paths: pd.DataFrame | ParsedPaths,
    *,
    sep: str = DEFAULT_SEP,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Split each conversion equally among the touches of its path.

    A path of ``n`` touches gives ``1 / n`` of its conversions to each touch (as
    ChannelAttribution's ``linear_touch``).

    Parameters
    ----------
    {paths}

    Returns
    -------
    {returns}
    """
    parsed = _as_parsed(paths, sep=sep, columns=columns)
    return _credit_equal(parsed, 1.0 / parsed.lengths)


def time_decay(
    paths: pd.DataFrame | ParsedPaths,
    *,
    half_life: float = 2.0,
    sep: str = DEFAULT_SEP,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Split each conversion among the touches of its path, more to the recent ones.

    In a path of ``n`` touches, touch ``i`` (from 1) has weight ``2 ** (-(n - i) / h)``,
    normalised to sum to one over the path: the last touch weighs 1, a touch ``h`` touches
    before it 1/2, ``2 h`` before it 1/4.

    Parameters
    ----------
    {paths}
    half_life : float, default=2.0
        ``h``, the half-life counted in touches (the paths have no time stamps), > 0 and
        finite. A large half-life tends to :func:`linear`, a small one to
        :func:`last_touch`.

    Returns
    -------
    {returns}
    """
    half_life = check_number(half_life, "half_life", 0.0, low_open=True, high_open=True)
    parsed = _as_parsed(paths, sep=sep, columns=columns)
    path = parsed.path_of_touch
    back = (parsed.lengths - 1)[path] - parsed.position  # touches before the last
    raw = np.exp2(-back / half_life)
    total = np.bincount(path, raw, minlength=parsed.n_paths)
    return _credit(parsed, raw / total[path])


def position_based(
    paths: pd.DataFrame | ParsedPaths,
    *,
    first: float = 0.4,
    last: float = 0.4,
    sep: str = DEFAULT_SEP,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Give fixed shares to the first and last touches and split the rest over the middle.

    A path of ``n >= 3`` touches gives ``first`` to its first touch, ``last`` to its last
    one and ``(1 - first - last) / (n - 2)`` to each touch in between ("U-shaped" or
    40/20/40 by default). A path of two touches splits in the ratio ``first : last`` (half
    each when both are 0), a path of one touch gives it everything.

    Parameters
    ----------
    {paths}
    first, last : float, default=0.4
        Shares of the first and last touches, each in [0, 1], with ``first + last <= 1``.

    Returns
    -------
    {returns}
    """
    first = check_number(first, "first", 0.0, 1.0)
    last = check_number(last, "last", 0.0, 1.0)
    if first + last > 1.0 + 1e-12:
        raise ValueError(f"'first' + 'last' must be <= 1; got {first!r} + {last!r}.")
    parsed = _as_parsed(paths, sep=sep, columns=columns)
    n = parsed.lengths[parsed.path_of_touch]
    pos = parsed.position
    is_first, is_last = pos == 0, pos == n - 1
    ends = first + last
    two_first = first / ends if ends > 0 else 0.5
    weights = np.select(
        [n == 1, (n == 2) & is_first, (n == 2) & is_last, is_first, is_last],
        [1.0, two_first, 1.0 - two_first, first, last],
        default=(1.0 - ends) / np.maximum(n - 2, 1),
    )
    return _credit(parsed, weights)


for _f in (first_touch, last_touch, linear, time_decay, position_based):
    _f.__doc__ = _f.__doc__.format(paths=_PATHS_DOC, returns=_RETURNS_DOC)
del _f
