"""Choices with a tolerance for ties (mcstudy.analysis.choice)."""

import numpy as np
import pandas as pd
import pytest

from mcstudy.analysis import TIE_RTOL, argbest, idxbest


def test_a_near_tie_goes_to_the_first_candidate_whichever_is_larger():
    assert argbest([3.0, 3.0 * (1 + 1e-9)]) == 0
    assert argbest([3.0 * (1 + 1e-9), 3.0]) == 0
    assert argbest([3.0, 3.0 * (1 - 1e-9)], "min") == 0
    # a real difference is not a tie
    assert argbest([3.0, 3.0 * (1 + 10 * TIE_RTOL)]) == 1
    assert argbest([1.0, 0.5, 0.9], "min") == 1


def test_near_zero_best_is_judged_against_the_largest_magnitude():
    # differences of a few 1e-12 around 0 next to values of order 1 are ties
    assert argbest([1e-12, 3e-12, -1.0]) == 0


def test_choices_survive_a_1e9_relative_perturbation():
    gen = np.random.default_rng(0)
    values = gen.normal(size=(2_000, 12))
    # plant ties that differ in the last bits, as sums taken in another order do
    values[:, 7] = values.max(axis=1) * (1 + 4e-16)
    chosen = argbest(values)
    for _ in range(5):
        moved = values * (1 + gen.uniform(-1e-9, 1e-9, size=values.shape))
        np.testing.assert_array_equal(argbest(moved), chosen)
    # np.argmax on the same data is not robust: that is the knife edge
    flips = [
        (
            np.argmax(values * (1 + gen.uniform(-1e-9, 1e-9, values.shape)), axis=1)
            != np.argmax(values, axis=1)
        ).any()
        for _ in range(5)
    ]
    assert any(flips)


def test_idxbest_returns_a_label():
    s = pd.Series({"a": 2.0, "b": 5.0, "c": 5.0 + 1e-10})
    assert idxbest(s) == "b"
    assert idxbest(s, "min") == "a"


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (lambda: argbest([]), ValueError, "at least one candidate"),
        (lambda: argbest([1.0, np.nan]), ValueError, "1 NaN or infinite"),
        (lambda: argbest([1.0, np.inf]), ValueError, "NaN or infinite"),
        (lambda: argbest([1.0], "largest"), ValueError, r"'best' must be one of \['max', 'min'\]"),
        (lambda: argbest([1.0], rtol=-1), ValueError, "'rtol' must be a real number in"),
        (lambda: argbest(["a", "b"]), TypeError, "'values' must be real numbers; got"),
        (lambda: idxbest([1.0, 2.0]), TypeError, "'values' must be a pandas Series; got list"),
    ],
)
def test_bad_input(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()
