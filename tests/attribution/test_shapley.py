"""Shapley attribution: hand-worked answers, the coalition formula, the axioms."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mcstudy.attribution import MAX_COALITION_CHANNELS, shapley


def credits(table: pd.DataFrame, column: str = "conversions") -> dict[str, float]:
    return dict(zip(table["channel"], table[column], strict=True))


def random_paths(n_channels: int, n_paths: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    channels = np.array([f"c{k}" for k in range(n_channels)])
    return pd.DataFrame(
        {
            "path": [" > ".join(rng.choice(channels, rng.integers(1, 6))) for _ in range(n_paths)],
            "conversions": rng.poisson(1.5, n_paths),
            "nulls": rng.poisson(3.0, n_paths),
            "value": rng.gamma(2.0, 20.0, n_paths),
        }
    )


def test_simplified_formula_by_hand(hand_paths):
    # {a,b,c}: 2 conversions, 2/3 each; {b}: 1 to b; {a,d} ("a > a > d"): 1/2 each.
    out = shapley(hand_paths)
    expected = {"a": 2 / 3 + 1 / 2, "b": 2 / 3 + 1, "c": 2 / 3, "d": 1 / 2, "e": 0.0}
    assert credits(out) == pytest.approx(expected)
    # value: 20/3 each on {a,b,c}, 5 to b, 10/2 each on {a,d}
    value = {"a": 20 / 3 + 5, "b": 20 / 3 + 5, "c": 20 / 3, "d": 5.0, "e": 0.0}
    assert credits(out, "value") == pytest.approx(value)


def test_coalition_formula_by_hand_three_players():
    # R({x}) = 1, R({x,y}) = 2. v: {x} 1, {y} 0, {x,y} 3.
    # phi_x = 1/2 (v(x) - 0) + 1/2 (v(xy) - v(y)) = 1/2 + 3/2 = 2; phi_y = 1/2 * 0 + 1/2 * 2 = 1
    df = pd.DataFrame({"path": ["x", "x > y", "y > x"], "conversions": [1, 1, 1]})
    for method in ("simplified", "coalitions"):
        assert credits(shapley(df, method=method)) == pytest.approx({"x": 2.0, "y": 1.0})


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_coalitions_equal_simplified(seed):
    df = random_paths(n_channels=9, n_paths=200, seed=seed)
    simplified = shapley(df)
    coalitions = shapley(df, method="coalitions")
    np.testing.assert_allclose(coalitions["conversions"], simplified["conversions"])
    np.testing.assert_allclose(coalitions["value"], simplified["value"])


def test_efficiency(hand_paths):
    for method in ("simplified", "coalitions"):
        out = shapley(hand_paths, method=method)
        assert out["conversions"].sum() == pytest.approx(4.0)
        assert out["value"].sum() == pytest.approx(35.0)


def test_symmetry_channels_always_together_get_equal_credit():
    df = pd.DataFrame(
        {
            "path": ["p > q > r", "q > p", "r", "p > r > q > q"],
            "conversions": [3, 2, 2, 5],  # p, q: 1 + 1 + 5/3; r: 1 + 2 + 5/3
        }
    )
    for method in ("simplified", "coalitions"):
        out = credits(shapley(df, method=method))
        assert out["p"] == pytest.approx(out["q"])
        assert out["r"] == pytest.approx(out["p"] + 1.0)


def test_null_player_gets_nothing(hand_paths):
    # e appears only on a path without conversion; adding it to more null paths changes nothing
    more = pd.concat(
        [hand_paths, pd.DataFrame({"path": ["e > a", "b > e"], "conversions": [0, 0]})]
    )
    for method in ("simplified", "coalitions"):
        base = shapley(hand_paths, method=method)
        out = shapley(more.fillna(0), method=method)
        assert credits(out)["e"] == 0.0
        pd.testing.assert_frame_equal(out, base)


def test_ordered_variant_by_hand(hand_paths):
    # distinct channels by first appearance: (a, b, c) x2 -> 2/3 at positions 1, 2, 3;
    # (b) -> 1 at 1; (a, d) -> 1/2 at positions 1 and 2.
    out = shapley(hand_paths, ordered=True)
    assert list(out.columns) == ["channel", "position", "conversions", "value"]
    cell = {
        (c, p): v
        for c, p, v in zip(out["channel"], out["position"], out["conversions"], strict=True)
    }
    assert cell[("a", 1)] == pytest.approx(2 / 3 + 1 / 2)
    assert cell[("b", 1)] == pytest.approx(1.0)
    assert cell[("b", 2)] == pytest.approx(2 / 3)
    assert cell[("c", 3)] == pytest.approx(2 / 3)
    assert cell[("d", 2)] == pytest.approx(1 / 2)
    assert cell[("a", 2)] == 0.0
    summed = out.groupby("channel")[["conversions", "value"]].sum()
    unordered = shapley(hand_paths).set_index("channel")[["conversions", "value"]]
    pd.testing.assert_frame_equal(summed, unordered, check_names=False)


def test_repeated_touches_do_not_add_credit():
    once = shapley(pd.DataFrame({"path": ["x > y"], "conversions": [1]}))
    many = shapley(pd.DataFrame({"path": ["x > x > x > y"], "conversions": [1]}))
    pd.testing.assert_frame_equal(once, many)


def test_coalitions_refuses_too_many_channels():
    n = MAX_COALITION_CHANNELS + 1
    df = pd.DataFrame({"path": [" > ".join(f"c{k}" for k in range(n))], "conversions": [1]})
    with pytest.raises(
        ValueError, match=rf"at most {MAX_COALITION_CHANNELS} channels; the paths have {n}"
    ):
        shapley(df, method="coalitions")
    assert shapley(df)["conversions"].sum() == pytest.approx(1.0)


def test_bad_options(hand_paths):
    with pytest.raises(ValueError, match=r"'method' must be one of \['coalitions', 'simplified'\]"):
        shapley(hand_paths, method="exact")
    with pytest.raises(TypeError, match="'ordered' must be a bool; got 1"):
        shapley(hand_paths, ordered=1)
    with pytest.raises(ValueError, match="'ordered' is computed with method='simplified' only"):
        shapley(hand_paths, ordered=True, method="coalitions")
