"""Exponentials, logarithms and powers that give the same bits with and without AVX-512.

numpy computes ``np.exp``, ``np.log`` and ``np.power`` on float64 arrays with SIMD code chosen
when it is imported: on a CPU with AVX-512 (most servers) it runs its own vectorised routines,
on one without (most laptops) the C library's. The two disagree in the last bit for a few per
cent of arguments (on 10^7 standard normal arguments: ``exp`` 4.6 %, ``power`` 5.3 %, ``log``
0.3 %), so a population drawn with numpy's functions differs, bit for bit, between machines with
the same seed.

The simulator computes every transcendental function that shapes its inputs or its tables here,
in compiled loops that call the C library's scalar functions, as the kernel does
(:mod:`mcstudy.model._kernel`): the same bits wherever the C library is the same
(``docs/model.md`` §4.9). Python's :mod:`math` module calls the same functions, and the tests
compare the two bit for bit; they would fail if numba vectorised these loops with Intel's SVML
(``numba.config.USING_SVML``, only when ``icc_rt`` is installed), which gives other bits.
"""

from __future__ import annotations

import math

import numba
import numpy as np

__all__ = ["exp", "log", "power"]


@numba.njit(nogil=True, cache=True)
def _exp(x, out):
    for i in range(x.size):
        out[i] = math.exp(x[i])


@numba.njit(nogil=True, cache=True)
def _log(x, out):
    for i in range(x.size):
        out[i] = math.log(x[i])


@numba.njit(nogil=True, cache=True)
def _power(x, y, out):
    for i in range(x.size):
        out[i] = math.pow(x[i], y[i])


def _apply(kernel, *args) -> np.ndarray:
    """``kernel`` over the broadcast float64 ``args``, as an array of their shape."""
    arrays = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in args))
    flat = [np.ascontiguousarray(a).reshape(-1) for a in arrays]
    out = np.empty(arrays[0].size)
    kernel(*flat, out)
    return out.reshape(arrays[0].shape)


def exp(x) -> np.ndarray:
    """``exp(x)`` elementwise, by the C library's ``exp``.

    Parameters
    ----------
    x : array_like of float

    Returns
    -------
    numpy.ndarray
        float64, the shape of ``x`` (0-d for a scalar).
    """
    return _apply(_exp, x)


def log(x) -> np.ndarray:
    """``log(x)`` elementwise, by the C library's ``log`` (-inf at 0, nan below 0, no warning).

    Parameters
    ----------
    x : array_like of float

    Returns
    -------
    numpy.ndarray
        float64, the shape of ``x`` (0-d for a scalar).
    """
    return _apply(_log, x)


def power(x, y) -> np.ndarray:
    """``x ** y`` elementwise, by the C library's ``pow``.

    Parameters
    ----------
    x, y : array_like of float
        Broadcast against each other.

    Returns
    -------
    numpy.ndarray
        float64, the broadcast shape.
    """
    return _apply(_power, x, y)
