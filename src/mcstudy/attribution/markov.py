"""Markov-chain attribution with removal effects computed exactly from the absorbing chain.

The paths are read as walks of a Markov chain: from ``(start)`` through the touched
channels to ``(conversion)`` or ``(null)``. Transition probabilities are the observed
transition counts, each path weighted by its journeys (``conversions + nulls``), divided by
the counts out of the state. The chain is absorbing; ``P`` is its probability of conversion
from ``(start)``. The *removal effect* of a channel is the relative drop of that probability
when every transition into the channel is sent to ``(null)`` instead,

    RE_j = 1 - P_{-j} / P,

as in the ChannelAttribution package (Altomare and Loris), and each channel is credited
``RE_j / sum_k RE_k`` of the observed conversions. ChannelAttribution estimates these effects
by simulating walks; here they are computed exactly: the absorption probabilities solve
``(I - Q) x = r`` (``Q`` the transitions among transient states, ``r`` the one-step
probabilities of conversion), one sparse LU solve for the full chain and one per channel,
with the channel's states made to lead to ``(null)``.

Order ``k > 1``: a state is a window of ``k`` consecutive touches (a path shorter than ``k``
is one state of all its touches), as in ChannelAttribution; removing a channel removes every
state that contains it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.linalg import splu

from mcstudy._validation import check_int
from mcstudy.attribution.paths import DEFAULT_SEP, ParsedPaths, _as_parsed, attribution_frame

__all__ = ["markov", "transition_matrix"]

START, CONVERSION, NULL = "(start)", "(conversion)", "(null)"


def _sorted_unique(key: np.ndarray, n_keys: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(key, return_inverse=True)`` for keys in ``[0, n_keys)``.

    A table of the keys present replaces the sort when it is no larger than a few times the
    number of keys; the result is the same.
    """
    if n_keys > max(4 * len(key), 1 << 16):
        keys, inverse = np.unique(key, return_inverse=True)
        return keys, inverse.ravel()
    present = np.zeros(n_keys, dtype=bool)
    present[key] = True
    rank = np.cumsum(present) - 1
    return np.flatnonzero(present), rank[key]


def _count_matrix(row: np.ndarray, col: np.ndarray, weight: np.ndarray, n: int):
    """The ``n`` x ``n`` CSR matrix of the weights summed by (row, col).

    A dense count when the matrix is small, a sparse one otherwise; the entries are the same.
    """
    if n * n <= (1 << 20):
        dense = np.bincount(row * n + col, weight, minlength=n * n).reshape(n, n)
        return sparse.csr_matrix(dense)
    return sparse.coo_matrix((weight, (row, col)), shape=(n, n)).tocsr()


def _windows(parsed: ParsedPaths, order: int, base: int, weight: np.ndarray):
    """The states a chain of order ``order`` walks through, path after path.

    Returns the key of each state visited (the codes + 1 of its window of touches, as digits
    in base ``base``), the path it belongs to, and whether it is its path's first; the paths
    of no journey (``weight`` 0) are left out, and consecutive repeats of a state within a
    path collapse into one (no self-loops), as in ChannelAttribution (for order 1 they would
    not change any absorption probability).
    """
    if order == 1 and (weight > 0).all():  # every touch is a window: no selection needed
        key = parsed.codes + 1
        opens = np.zeros(len(key), dtype=bool)
        opens[parsed.offsets[:-1]] = True  # a path has at least one touch
        keep = opens.copy()
        keep[1:] |= key[1:] != key[:-1]
        return key[keep], parsed.path_of_touch[keep], opens[keep]
    lengths, position, path = parsed.lengths, parsed.position, parsed.path_of_touch
    # Windows: each touch where a window starts (a path shorter than `order` is one).
    n_windows = np.maximum(lengths - order + 1, 1)
    starts = np.flatnonzero((position < n_windows[path]) & (weight[path] > 0))
    w_path = path[starts]
    key = parsed.codes[starts] + 1
    if order > 1:
        w_len = np.minimum(lengths[w_path], order)
        for j in range(1, order):
            inside = j < w_len
            code = parsed.codes[np.minimum(starts + j, len(parsed.codes) - 1)]
            key += np.where(inside, (code + 1) * base**j, 0)
    keep = np.r_[True, (key[1:] != key[:-1]) | (w_path[1:] != w_path[:-1])]
    key, w_path = key[keep], w_path[keep]
    return key, w_path, np.r_[True, w_path[1:] != w_path[:-1]]


class _Chain:
    """The absorbing chain of a parsed path table (transient states: 0 is ``(start)``)."""

    def __init__(self, parsed: ParsedPaths, order: int) -> None:
        n_ch = len(parsed.channels)
        base = n_ch + 1
        if order * np.log2(base) >= 62:
            raise ValueError(
                f"'order' = {order} with {n_ch} channels gives more states than can be "
                f"encoded; use a lower order."
            )
        weight = parsed.conversions + parsed.nulls
        key, w_path, first = _windows(parsed, order, base, weight)
        keys, state = _sorted_unique(key, base**order)
        state += 1  # 0 is (start)
        n_states = len(keys) + 1

        last = np.r_[first[1:], True]
        prev = np.where(first, 0, np.r_[0, state[:-1]])
        counts = _count_matrix(prev, state, weight[w_path], n_states)
        ends = state[last]
        paths_ending = w_path[last]
        self_conv = np.bincount(ends, parsed.conversions[paths_ending], minlength=n_states)
        self_null = np.bincount(ends, parsed.nulls[paths_ending], minlength=n_states)
        value = np.nan_to_num(parsed.value)[paths_ending]
        self_value = np.bincount(ends, value, minlength=n_states)
        out = np.asarray(counts.sum(axis=1)).ravel() + self_conv + self_null
        inv = np.divide(1.0, out, out=np.zeros(n_states), where=out > 0)
        self.parsed = parsed
        self.order = order
        self.n_states = n_states
        self.keys = keys
        self.q = sparse.diags(inv) @ counts
        self.r_conv = self_conv * inv
        self.r_null = self_null * inv
        self.r_value = self_value * inv  # expected value of the one-step conversion
        # States containing each channel, read from the digits of each state's key.
        rows, cols = [], []
        for j in range(order):
            digit = keys // base**j % base
            rows.append(np.flatnonzero(digit > 0) + 1)
            cols.append(digit[digit > 0] - 1)
        rows, cols = np.concatenate(rows), np.concatenate(cols)
        self.contains = sparse.coo_matrix(
            (np.ones(len(rows), dtype=bool), (rows, cols)), shape=(n_states, n_ch)
        ).tocsc()

    def absorb(self, removed: np.ndarray | None = None) -> np.ndarray:
        """Probability of conversion and expected value from ``(start)``.

        ``removed``: boolean mask of states sent to ``(null)``.
        """
        keep = np.ones(self.n_states) if removed is None else (~removed).astype(float)
        a = sparse.identity(self.n_states, format="csc") - (sparse.diags(keep) @ self.q).tocsc()
        rhs = np.column_stack([self.r_conv * keep, self.r_value * keep])
        return splu(a).solve(rhs)[0]

    def state_names(self) -> list[str]:
        """Names of the transient states: ``(start)`` and the channels of each window."""
        base = len(self.parsed.channels) + 1
        names = [START]
        for key in self.keys:
            parts, k = [], int(key)
            while k:
                parts.append(self.parsed.channels[k % base - 1])
                k //= base
            names.append(",".join(parts))
        return names


def _build(paths, order, sep, columns) -> _Chain:
    order = check_int(order, "order", 1, 8)
    parsed = _as_parsed(paths, sep=sep, columns=columns, reserved=(START, CONVERSION, NULL))
    weight = parsed.conversions + parsed.nulls
    if not (weight > 0).any():
        what = (
            "has no rows" if parsed.n_paths == 0 else "has 0 conversions and 0 nulls on every row"
        )
        raise ValueError(
            f"'paths' {what}: the Markov chain needs at least one journey (a path with "
            f"conversions + nulls > 0) to estimate its transitions."
        )
    with np.errstate(over="ignore"):
        steps = float(np.sum(weight * (parsed.lengths + 1)))
    if not np.isfinite(steps):
        raise ValueError(
            f"'paths' counts are too large: the transitions of the Markov chain (conversions + "
            f"nulls times the length of each path) overflow to {steps!r}; the largest count is "
            f"{float(weight.max())!r}. Rescale the counts (the chain depends on their ratios)."
        )
    return _Chain(parsed, order)


def markov(
    paths: pd.DataFrame | ParsedPaths,
    order: int = 1,
    *,
    sep: str = DEFAULT_SEP,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Attribute conversions and value by the removal effects of a Markov chain of paths.

    Parameters
    ----------
    paths : pandas.DataFrame or ParsedPaths
        A path table (:func:`~mcstudy.attribution.check_paths`): ``path``, ``conversions``,
        and, for a meaningful chain, ``nulls`` (0 when absent: every journey then converts
        and a removal effect is the share of conversions whose path touches the channel);
        optionally ``value``. Or a table parsed once by
        :func:`~mcstudy.attribution.parse_paths`.
    order : int, default=1
        Order of the chain, in [1, 8]: a state is the last ``order`` touches.
    sep : str, default=" > "
        Separator between touchpoints (of a DataFrame).
    columns : mapping of str to str, default=None
        Column names of a DataFrame when they differ from the standard ones; None with a
        ParsedPaths.

    Returns
    -------
    pandas.DataFrame
        ``channel`` (sorted), ``conversions`` and ``value`` attributed, ``removal_effect``
        (for conversions) and ``removal_effect_value`` (for value; NaN without values).
        Conversions are attributed in proportion to ``removal_effect``, values in
        proportion to ``removal_effect_value``, so that both sum to the observed totals.
        ``attrs["conversion_probability"]`` is ``P``, the probability of conversion from
        ``(start)``, and ``attrs["n_states"]`` the number of transient states.

    Raises
    ------
    TypeError, ValueError
        On a bad path table (see :func:`~mcstudy.attribution.check_paths`) or order, a
        channel named like a state of the chain (``(start)``, ``(conversion)``, ``(null)``,
        in any case), a table without any journey (no rows, or ``conversions + nulls`` 0 on
        every row), or counts so large that the chain's transitions overflow.

    Notes
    -----
    With absorption probabilities ``x = (I - Q)^{-1} r``, ``P = x_start``. Removing channel
    ``j`` zeroes the rows of ``Q`` and ``r`` of the states containing ``j``; ``P_{-j}`` is
    the same solve on that chain. ``RE_j = 1 - P_{-j} / P`` equals the probability that a
    converting walk visits ``j``. The value removal effect replaces ``r`` by the expected
    value of converting in one step from each state (the value of the paths that convert
    from it over the walks out of it), as ChannelAttribution does when it draws a
    simulated conversion's value from the paths ending in the walk's last state. Consecutive
    repeats of a state are merged, as in ChannelAttribution. Unlike ChannelAttribution,
    walks are not cut after a maximum number of steps and there is no simulation error.

    References
    ----------
    .. [1] Anderl, E., Becker, I., von Wangenheim, F. and Schumann, J. H. (2016). Mapping the
       customer journey: lessons learned from graph-based online attribution modeling.
       *International Journal of Research in Marketing* 33(3), 457-474.
    .. [2] Altomare, D. and Loris, D. ChannelAttribution: Markov model for online
       multi-channel attribution (R and Python package), https://channelattribution.io.
    .. [3] Kemeny, J. G. and Snell, J. L. (1976). *Finite Markov Chains*, chapter III
       (absorbing chains, the fundamental matrix). Springer.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"path": ["email > web", "web", "email"],
    ...                    "conversions": [1, 1, 0], "nulls": [0, 1, 1]})
    >>> markov(df)[["channel", "conversions", "removal_effect"]].round(3)
      channel  conversions  removal_effect
    0   email          0.5           0.333
    1     web          1.5           1.000
    """
    chain = _build(paths, order, sep, columns)
    parsed = chain.parsed
    n_ch = len(parsed.channels)
    p_conv, p_value = chain.absorb()
    removal = np.zeros((n_ch, 2))
    for j in range(n_ch):
        removed = chain.contains[:, j].toarray().ravel()
        if not removed.any():
            continue  # a channel only on paths of no journey: no state, no effect
        p = chain.absorb(removed)
        full = np.array([p_conv, p_value])
        removal[j] = np.divide(full - p, full, out=np.zeros(2), where=full > 0)
    removal = np.clip(removal, 0.0, 1.0)  # rounding only: removal never raises P
    total_conv, total_value = parsed.totals()
    shares = removal / np.where(removal.sum(axis=0) > 0, removal.sum(axis=0), 1.0)
    out = attribution_frame(
        parsed,
        shares[:, 0] * total_conv,
        shares[:, 1] * np.nan_to_num(total_value),
        removal_effect=removal[:, 0],
        removal_effect_value=removal[:, 1] if parsed.has_value else np.nan,
    )
    out.attrs.update(conversion_probability=float(p_conv), n_states=chain.n_states)
    return out


def transition_matrix(
    paths: pd.DataFrame | ParsedPaths,
    order: int = 1,
    *,
    sep: str = DEFAULT_SEP,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The transition probabilities of the chain :func:`markov` uses.

    Parameters
    ----------
    paths : pandas.DataFrame or ParsedPaths
        A path table (:func:`~mcstudy.attribution.check_paths`), or one parsed by
        :func:`~mcstudy.attribution.parse_paths`.
    order : int, default=1
        Order of the chain, in [1, 8].
    sep : str, default=" > "
        Separator between touchpoints (of a DataFrame).
    columns : mapping of str to str, default=None
        Column names of a DataFrame when they differ from the standard ones; None with a
        ParsedPaths.

    Returns
    -------
    pandas.DataFrame
        One row per transition with a positive probability: ``channel_from``,
        ``channel_to`` and ``transition_probability`` (the names of ChannelAttribution's
        ``transition_matrix``). States are ``(start)``, the channels (for order ``k > 1``,
        windows of channels joined by ``,``), ``(conversion)`` and ``(null)``; the
        probabilities out of a state sum to one.

    Raises
    ------
    TypeError, ValueError
        As :func:`markov`.
    """
    chain = _build(paths, order, sep, columns)
    names = np.array([*chain.state_names(), CONVERSION, NULL], dtype=object)
    q = chain.q.tocoo()
    frm = np.r_[q.row, np.flatnonzero(chain.r_conv), np.flatnonzero(chain.r_null)]
    to = np.r_[
        q.col,
        np.full(np.count_nonzero(chain.r_conv), chain.n_states),
        np.full(np.count_nonzero(chain.r_null), chain.n_states + 1),
    ]
    prob = np.r_[q.data, chain.r_conv[chain.r_conv > 0], chain.r_null[chain.r_null > 0]]
    df = pd.DataFrame({"from": frm, "to": to, "transition_probability": prob})
    df = df[df["transition_probability"] > 0].sort_values(["from", "to"])
    return pd.DataFrame(
        {
            "channel_from": names[df["from"].to_numpy()],
            "channel_to": names[df["to"].to_numpy()],
            "transition_probability": df["transition_probability"].to_numpy(),
        }
    )
