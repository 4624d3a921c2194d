"""The kernel's random numbers: counter-based draws keyed by customer, stream and counter.

Every random number of :mod:`mcstudy.model._kernel` is a SplitMix64 hash of the customer's key,
a *stream* (one per kind of event and per-week decision, numbered below) and a counter within
it, so no draw depends on how many draws were made elsewhere (``docs/model.md`` §4.9). The event
clocks (:func:`_start`, :func:`_arrivals`) run unit-rate Poisson processes in operational time.
The kernel imports these functions; numba inlines them.
"""

from __future__ import annotations

import math

import numba
import numpy as np

# Streams of a customer. Clocks (Poisson processes): PURCHASES .. VISITS_TRIGGERED, then one
# per channel for contacts (CONTACT + c) and for consent withdrawal (CONTACT + n_ch + c).
# Per-week decisions: their own streams, counter = week x 2**20 + index within the week.
PURCHASES, SERVICE, CHURN, VISITS_ORGANIC, VISITS_TRIGGERED, CONTACT = 0, 1, 2, 3, 4, 5
D_INCONSISTENT, D_PURCHASE_CHANNEL, D_SERVICE_CHANNEL, D_HISTORY, D_CONVERSION = range(1000, 1005)
D_VISIT_CHANNEL = 1005
_WEEK = 1 << 20

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_S30, _S27, _S31, _S11, _S40 = (np.uint64(k) for k in (30, 27, 31, 11, 40))
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


@numba.njit(nogil=True, cache=True, inline="always")
def _mix(z):
    """SplitMix64 finaliser: a bijective avalanche of a uint64."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


def customer_keys(run_key: int, customer_ids: np.ndarray) -> np.ndarray:
    """The random key of each customer: a hash of the run's key and the customer id."""
    ids = np.asarray(customer_ids, dtype=np.uint64)
    with np.errstate(over="ignore"):
        return _mix_array(np.uint64(run_key) ^ _mix_array(ids * _GOLDEN + _GOLDEN))


def _mix_array(z: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        z = (z ^ (z >> _S30)) * _M1
        z = (z ^ (z >> _S27)) * _M2
        return z ^ (z >> _S31)


@numba.njit(nogil=True, cache=True, inline="always")
def _uniform(key, stream, k):
    """Draw ``k`` of ``stream`` for the customer with ``key``: a uniform in [0, 1).

    SplitMix64 seeded with the customer's key, at position ``stream x 2**40 + k`` of its
    sequence: streams are disjoint stretches of one well-tested generator (counters stay
    below 2**40 within a stream).
    """
    z = _mix(key + ((np.uint64(stream) << _S40) + np.uint64(k)) * _GOLDEN)
    return np.float64(z >> _S11) * _TO_UNIT


@numba.njit(nogil=True, cache=True, inline="always")
def _exponential(key, stream, k):
    return -math.log(1.0 - _uniform(key, stream, k))


@numba.njit(nogil=True, cache=True, inline="always")
def _start(clock, nth, e):
    """Reset clock ``e`` for a new customer: no time elapsed, no arrival time drawn yet.

    :func:`_arrivals` draws the first arrival time (an Exp(1), draw 0 of the clock's stream)
    when it first advances the clock; until then ``clock[e, 1]`` holds the previous
    customer's value and nothing reads it. A clock that is never advanced (a channel that
    never contacts the customer) costs no draw.
    """
    clock[e, 0] = 0.0
    nth[e] = 0


@numba.njit(nogil=True, cache=True, inline="always")
def _arrivals(key, clock, nth, e, rate):
    """Advance clock ``e`` by ``rate`` units of operational time; return the arrivals."""
    if nth[e] == 0:  # first advance since the start: draw the first arrival time
        clock[e, 1] = _exponential(key, e, 0)
        nth[e] = 1
    clock[e, 0] += rate
    k = 0
    while clock[e, 1] <= clock[e, 0]:
        k += 1
        clock[e, 1] += _exponential(key, e, nth[e])
        nth[e] += 1
    return k


@numba.njit(nogil=True, cache=True, inline="always")
def _choose(key, stream, k, probs, total):
    """Index drawn in proportion to ``probs`` (cumulative sums in ``probs``, ``total`` last)."""
    u = _uniform(key, stream, k) * total
    p = 0
    while p < probs.shape[0] - 1 and u >= probs[p]:
        p += 1
    return p
