"""Markov attribution: hand-worked chains, brute-force walks and an iterative solution."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

from mcstudy.attribution import markov, transition_matrix


def credits(table: pd.DataFrame, column: str = "conversions") -> dict[str, float]:
    return dict(zip(table["channel"], table[column], strict=True))


@pytest.fixture
def loop_paths() -> pd.DataFrame:
    """A chain with a cycle (a -> b -> a), worked out by hand below."""
    return pd.DataFrame(
        {
            "path": ["a > b", "b > a", "a"],
            "conversions": [1, 1, 0],
            "nulls": [1, 0, 2],
            "value": [30.0, 10.0, 0.0],
        }
    )


def test_known_answer_with_a_cycle(loop_paths):
    # Counts (each path weighted by conversions + nulls): start->a 2+2, start->b 1;
    # a->b 2, a->conv 1, a->null 2 (out of a: 5); b->a 1, b->conv 1, b->null 1 (out of b: 3).
    # x_a = 1/5 + 2/5 x_b, x_b = 1/3 + 1/3 x_a  =>  x_a = 5/13, x_b = 6/13;
    # P = 4/5 x_a + 1/5 x_b = 2/5.
    # Without a: x_b = 1/3, P = 1/15, RE_a = 1 - (1/15)/(2/5) = 5/6.
    # Without b: x_a = 1/5, P = 4/25, RE_b = 1 - (4/25)/(2/5) = 3/5.
    out = markov(loop_paths)
    assert list(out.columns) == [
        "channel",
        "conversions",
        "value",
        "removal_effect",
        "removal_effect_value",
    ]
    assert out.attrs["conversion_probability"] == pytest.approx(2 / 5)
    assert credits(out, "removal_effect") == pytest.approx({"a": 5 / 6, "b": 3 / 5})
    # 2 conversions split 5/6 : 3/5 = 25 : 18
    assert credits(out) == pytest.approx({"a": 2 * 25 / 43, "b": 2 * 18 / 43})
    # Value: one-step conversion value per walk out of a state: a 10/5, b 30/3.
    # y_a = 2 + 2/5 y_b, y_b = 10 + 1/3 y_a => y_a = 90/13, y_b = 160/13; V = 4/5 y_a + 1/5 y_b
    v = 4 / 5 * 90 / 13 + 1 / 5 * 160 / 13
    # without a: y_b = 10, V = 2; without b: y_a = 2, V = 8/5
    re_value = {"a": 1 - 2 / v, "b": 1 - (8 / 5) / v}
    assert credits(out, "removal_effect_value") == pytest.approx(re_value)
    total = re_value["a"] + re_value["b"]
    assert credits(out, "value") == pytest.approx({k: 40 * r / total for k, r in re_value.items()})


def test_transition_matrix_by_hand(loop_paths):
    tm = transition_matrix(loop_paths)
    got = {(f, t): p for f, t, p in tm.itertuples(index=False)}
    expected = {
        ("(start)", "a"): 4 / 5,
        ("(start)", "b"): 1 / 5,
        ("a", "b"): 2 / 5,
        ("a", "(conversion)"): 1 / 5,
        ("a", "(null)"): 2 / 5,
        ("b", "a"): 1 / 3,
        ("b", "(conversion)"): 1 / 3,
        ("b", "(null)"): 1 / 3,
    }
    assert got == pytest.approx(expected)
    sums = tm.groupby("channel_from")["transition_probability"].sum()
    np.testing.assert_allclose(sums, 1.0)


def _count_transitions(df: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Transition probabilities counted path by path, in plain Python (order 1)."""
    counts: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for path, conv, null in zip(df["path"], df["conversions"], df["nulls"], strict=True):
        touches = [t.strip() for t in path.split(">")]
        states = ["(start)"] + [t for i, t in enumerate(touches) if i == 0 or t != touches[i - 1]]
        for s, t in zip(states[:-1], states[1:], strict=True):
            counts[s][t] += conv + null
        counts[states[-1]]["(conversion)"] += conv
        counts[states[-1]]["(null)"] += null
    return {s: {t: c / sum(row.values()) for t, c in row.items()} for s, row in counts.items()}


def _walks(probs):
    """Brute force: every walk from (start), with P(conversion) and P(conversion, visit j).

    The chain must have no cycle, so that the walks are finitely many.
    """
    p_conv, p_visit = 0.0, defaultdict(float)
    stack = [("(start)", 1.0, frozenset())]
    while stack:
        state, p, seen = stack.pop()
        for nxt, q in probs[state].items():
            pq = p * q
            if nxt == "(conversion)":
                p_conv += pq
                for c in seen:
                    p_visit[c] += pq
            elif nxt != "(null)":
                stack.append((nxt, pq, seen | {nxt}))
    return p_conv, p_visit


@pytest.mark.parametrize("seed", [0, 1])
def test_against_brute_force_enumeration_of_walks(seed):
    # Channels in a fixed order along every path: the chain has no cycle, the walks are
    # finitely many and enumerated exactly. (Cycles: the hand-worked case and value iteration.)
    rng = np.random.default_rng(seed)
    channels = np.array(["a", "b", "c", "d", "e"])
    paths = [sorted(rng.choice(channels, rng.integers(1, 5), replace=False)) for _ in range(20)]
    df = pd.DataFrame(
        {
            "path": [" > ".join(p) for p in paths],
            "conversions": rng.integers(0, 4, 20),
            "nulls": rng.integers(0, 6, 20),
        }
    )
    p_conv, p_visit = _walks(_count_transitions(df))
    out = markov(df)
    assert out.attrs["conversion_probability"] == pytest.approx(p_conv, rel=1e-12)
    # The removal effect is the probability that a converting walk visits the channel.
    expected = {c: p_visit[c] / p_conv for c in channels}
    assert credits(out, "removal_effect") == pytest.approx(expected, rel=1e-12)


def test_against_value_iteration():
    rng = np.random.default_rng(3)
    channels = np.array(list("abcdef"))
    df = pd.DataFrame(
        {
            "path": [" > ".join(rng.choice(channels, rng.integers(1, 7))) for _ in range(80)],
            "conversions": rng.integers(0, 5, 80),
            "nulls": rng.integers(0, 9, 80),
        }
    )
    probs = _count_transitions(df)

    def iterate(removed: str | None) -> float:
        x = defaultdict(float)
        for _ in range(5000):  # x <- Q x + r, from 0; converges geometrically
            x = defaultdict(
                float,
                {
                    s: 0.0
                    if s == removed
                    else sum(q * (1.0 if t == "(conversion)" else x[t]) for t, q in row.items())
                    for s, row in probs.items()
                },
            )
        return x["(start)"]

    p = iterate(None)
    out = markov(df)
    assert out.attrs["conversion_probability"] == pytest.approx(p, rel=1e-9)
    expected = {c: 1 - iterate(c) / p for c in channels}
    assert credits(out, "removal_effect") == pytest.approx(expected, rel=1e-8)


def test_conservation(hand_paths):
    out = markov(hand_paths)
    assert out["conversions"].sum() == pytest.approx(4.0)
    assert out["value"].sum() == pytest.approx(35.0)
    # e is only on a path without conversion: no effect, no credit
    assert credits(out)["e"] == 0.0
    assert credits(out, "removal_effect")["e"] == 0.0


def test_repeated_touches_are_merged_and_do_not_matter_at_order_one():
    plain = pd.DataFrame(
        {"path": ["a > b", "b", "a"], "conversions": [2, 1, 0], "nulls": [1, 1, 3]}
    )
    repeated = plain.assign(path=["a > a > a > b > b", "b > b", "a > a"])
    pd.testing.assert_frame_equal(markov(repeated), markov(plain))


def test_second_order_differs_from_first_by_hand():
    df = pd.DataFrame({"path": ["a > b > c", "a > c"], "conversions": [1, 0], "nulls": [0, 1]})
    # Order 1: start->a, a->b 1/2, a->c 1/2, b->c, c->conv 1/2: P = 1/2; without b the walk
    # a -> c remains: P = 1/4, RE_b = 1/2; without a or c P = 0, RE = 1.
    first = markov(df)
    assert credits(first, "removal_effect") == pytest.approx({"a": 1.0, "b": 0.5, "c": 1.0})
    assert credits(first) == pytest.approx({"a": 0.4, "b": 0.2, "c": 0.4})
    # Order 2: states (a,b) -> (b,c) -> conv and (a,c) -> null; every channel is in every
    # converting walk: RE = 1 each, a third of the conversion each.
    second = markov(df, order=2)
    assert credits(second, "removal_effect") == pytest.approx({"a": 1.0, "b": 1.0, "c": 1.0})
    assert credits(second) == pytest.approx({"a": 1 / 3, "b": 1 / 3, "c": 1 / 3})
    tm = transition_matrix(df, order=2)
    assert set(tm["channel_from"]) == {"(start)", "a,b", "b,c", "a,c"}


def test_short_paths_are_one_state_at_higher_order():
    df = pd.DataFrame({"path": ["a", "a > b > c"], "conversions": [1, 1], "nulls": [1, 0]})
    out = markov(df, order=3)
    # states (a), weight 2, converting 1/2, and (a,b,c), weight 1, converting always:
    # P = 2/3 * 1/2 + 1/3 * 1 = 2/3
    assert out.attrs["conversion_probability"] == pytest.approx(2 / 3)
    # without b (or c): only (a) is left, P = 1/3, RE = 1/2; without a: P = 0
    assert credits(out, "removal_effect") == pytest.approx({"a": 1.0, "b": 0.5, "c": 0.5})


def test_without_nulls_removal_effect_is_share_of_conversions_touching():
    df = pd.DataFrame({"path": ["a > b", "b", "c"], "conversions": [1, 2, 1]})
    out = markov(df)
    assert credits(out, "removal_effect") == pytest.approx({"a": 1 / 4, "b": 3 / 4, "c": 1 / 4})


def test_bad_order(hand_paths):
    with pytest.raises(ValueError, match=r"'order' must be an int in \[1, 8\]; got 0"):
        markov(hand_paths, order=0)
    with pytest.raises(TypeError, match=r"'order' must be an int in \[1, 8\]; got 1.5"):
        markov(hand_paths, order=1.5)
