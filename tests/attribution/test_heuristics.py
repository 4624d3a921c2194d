"""Rule-based attribution: known answers worked out by hand on ``hand_paths``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mcstudy.attribution import first_touch, last_touch, linear, position_based, time_decay


def credits(table: pd.DataFrame, column: str = "conversions") -> dict[str, float]:
    return dict(zip(table["channel"], table[column], strict=True))


def test_first_touch(hand_paths):
    # a opens "a > b > c" (2) and "a > a > d" (1); b opens "b" (1); "c > a" and "e" are nulls.
    out = first_touch(hand_paths)
    assert list(out.columns) == ["channel", "conversions", "value"]
    assert credits(out) == {"a": 3.0, "b": 1.0, "c": 0.0, "d": 0.0, "e": 0.0}
    assert credits(out, "value") == {"a": 30.0, "b": 5.0, "c": 0.0, "d": 0.0, "e": 0.0}


def test_last_touch(hand_paths):
    out = last_touch(hand_paths)
    assert credits(out) == {"a": 0.0, "b": 1.0, "c": 2.0, "d": 1.0, "e": 0.0}
    assert credits(out, "value") == {"a": 0.0, "b": 5.0, "c": 20.0, "d": 10.0, "e": 0.0}


def test_linear_credits_every_touch_including_repeats(hand_paths):
    # "a > b > c" x2: 2/3 each; "b": 1; "a > a > d": a 2/3 (two touches), d 1/3.
    out = linear(hand_paths)
    expected = {"a": 2 / 3 + 2 / 3, "b": 2 / 3 + 1, "c": 2 / 3, "d": 1 / 3, "e": 0.0}
    assert credits(out) == pytest.approx(expected)
    # values: 20/3 each on the first path, 5 to b, 10/3 per touch on the last one
    value = {"a": 20 / 3 + 20 / 3, "b": 20 / 3 + 5, "c": 20 / 3, "d": 10 / 3, "e": 0.0}
    assert credits(out, "value") == pytest.approx(value)


def test_time_decay_half_life_one_touch(hand_paths):
    # h = 1: weights 1/4, 1/2, 1 for 2, 1, 0 touches before the last (sum 7/4).
    # "a > b > c" x2: a 2/7, b 4/7, c 8/7; "b": 1; "a > a > d": a 1/7 + 2/7, d 4/7.
    out = time_decay(hand_paths, half_life=1.0)
    expected = {"a": 5 / 7, "b": 11 / 7, "c": 8 / 7, "d": 4 / 7, "e": 0.0}
    assert credits(out) == pytest.approx(expected)


def test_time_decay_limits():
    df = pd.DataFrame({"path": ["x > y > z"], "conversions": [3]})
    near_linear = credits(time_decay(df, half_life=1e9))
    assert near_linear == pytest.approx({"x": 1.0, "y": 1.0, "z": 1.0})
    near_last = credits(time_decay(df, half_life=1e-3))
    assert near_last == pytest.approx({"x": 0.0, "y": 0.0, "z": 3.0})


def test_position_based_default_40_20_40(hand_paths):
    # "a > b > c" x2: a .8, b .4, c .8; "b": 1; "a > a > d": a .4 + .2, d .4.
    out = position_based(hand_paths)
    expected = {"a": 1.4, "b": 1.4, "c": 0.8, "d": 0.4, "e": 0.0}
    assert credits(out) == pytest.approx(expected)


def test_position_based_two_touches_and_custom_shares():
    df = pd.DataFrame({"path": ["x > y", "x > m1 > m2 > y"], "conversions": [1, 1]})
    # two touches split first:last = 0.3:0.5; four touches: .3, .1, .1, .5
    out = credits(position_based(df, first=0.3, last=0.5))
    assert out == pytest.approx({"x": 0.375 + 0.3, "y": 0.625 + 0.5, "m1": 0.1, "m2": 0.1})
    # first = last = 0: the middle takes everything, two touches split evenly
    out = credits(position_based(df, first=0.0, last=0.0))
    assert out == pytest.approx({"x": 0.5, "y": 0.5, "m1": 0.5, "m2": 0.5})


@pytest.mark.parametrize("method", [first_touch, last_touch, linear, time_decay, position_based])
def test_conservation_on_random_tables(method):
    rng = np.random.default_rng(7)
    channels = np.array(list("abcdefg"))
    paths = [" > ".join(rng.choice(channels, rng.integers(1, 8))) for _ in range(300)]
    df = pd.DataFrame(
        {
            "path": paths,
            "conversions": rng.poisson(2.0, 300),
            "nulls": rng.poisson(5.0, 300),
            "value": rng.gamma(2.0, 30.0, 300),
        }
    )
    out = method(df)
    assert out["conversions"].sum() == pytest.approx(df["conversions"].sum())
    assert out["value"].sum() == pytest.approx(df["value"].sum())
    assert (out["conversions"] >= 0).all()


def test_without_value_column_values_are_missing(hand_paths):
    out = linear(hand_paths.drop(columns="value"))
    assert out["value"].isna().all()
    assert out["conversions"].sum() == pytest.approx(4.0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"half_life": 0.0}, r"'half_life' must be a real number in \(0, inf\); got 0.0"),
        ({"half_life": "2"}, r"'half_life' must be a real number"),
    ],
)
def test_time_decay_bad_half_life(hand_paths, kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        time_decay(hand_paths, **kwargs)


def test_position_based_bad_shares(hand_paths):
    with pytest.raises(ValueError, match=r"'first' \+ 'last' must be <= 1; got 0.6 \+ 0.6"):
        position_based(hand_paths, first=0.6, last=0.6)
    with pytest.raises(ValueError, match=r"'last' must be a real number in \[0, 1\]; got -0.1"):
        position_based(hand_paths, last=-0.1)
