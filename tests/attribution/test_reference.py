"""Every method against a slow, plain-Python reference, on varied path tables.

The reference below reads each path with ``str.split`` and ``str.strip``, merges equal paths
with a dict, credits touches path by path and solves the Markov chain densely; it follows
the definitions in ``docs/attribution.md`` and is what the vectorised code must reproduce,
to round-off, whatever the table: ties, one-channel paths, paths without conversion,
repeated channels, blanks around touchpoints, duplicate rows, counts that are not whole
numbers, tables without values, other separators, object or Arrow strings.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mcstudy.attribution import _tokens as tokens_module
from mcstudy.attribution import (
    first_touch,
    last_touch,
    linear,
    markov,
    parse_paths,
    position_based,
    shapley,
    time_decay,
    transition_matrix,
)
from mcstudy.attribution._checks import COMMON_SEPARATORS

# --- the reference ------------------------------------------------------------------------


def ref_parse(df: pd.DataFrame, sep: str = " > ") -> tuple[list[str], dict]:
    """Channels (sorted) and {path tuple: [conversions, nulls, value]} in first-row order."""
    token = sep.strip() or sep
    table: dict[tuple, list[float]] = {}
    has_nulls, has_value = "nulls" in df, "value" in df
    for i in range(len(df)):
        row = df.iloc[i]
        touches = tuple(t.strip() for t in row["path"].split(token))
        sums = table.setdefault(touches, [0.0, 0.0, 0.0])
        sums[0] += float(row["conversions"])
        sums[1] += float(row["nulls"]) if has_nulls else 0.0
        sums[2] += float(row["value"]) if has_value else 0.0
    channels = sorted({t for touches in table for t in touches})
    return channels, table


def ref_rule(df: pd.DataFrame, weights, sep: str = " > ") -> dict[str, tuple[float, float]]:
    """Credits of a rule: ``weights(n)`` gives the weights of the touches of an n-touch path."""
    channels, table = ref_parse(df, sep)
    conv, value = defaultdict(float), defaultdict(float)
    for touches, (c, _, v) in table.items():
        for touch, w in zip(touches, weights(len(touches)), strict=True):
            conv[touch] += w * c
            value[touch] += w * v
    return {ch: (conv[ch], value[ch]) for ch in channels}


def ref_position_weights(first: float, last: float):
    def weights(n):
        if n == 1:
            return [1.0]
        if n == 2:
            ends = first + last
            share = first / ends if ends > 0 else 0.5
            return [share, 1.0 - share]
        return [first] + [(1.0 - first - last) / (n - 2)] * (n - 2) + [last]

    return weights


def ref_time_decay_weights(half_life: float):
    def weights(n):
        raw = [2.0 ** (-(n - 1 - i) / half_life) for i in range(n)]
        return [r / sum(raw) for r in raw]

    return weights


RULES = {
    first_touch: lambda n: [1.0] + [0.0] * (n - 1),
    last_touch: lambda n: [0.0] * (n - 1) + [1.0],
    linear: lambda n: [1.0 / n] * n,
    time_decay: ref_time_decay_weights(2.0),
    position_based: ref_position_weights(0.4, 0.4),
}


def ref_shapley(df: pd.DataFrame) -> dict[str, tuple[float, float]]:
    channels, table = ref_parse(df)
    conv, value = defaultdict(float), defaultdict(float)
    for touches, (c, _, v) in table.items():
        distinct = set(touches)
        for touch in distinct:
            conv[touch] += c / len(distinct)
            value[touch] += v / len(distinct)
    return {ch: (conv[ch], value[ch]) for ch in channels}


def ref_markov(df: pd.DataFrame, order: int = 1, sep: str = " > ") -> dict:
    """Removal effects and credits of the order-``order`` chain, by a dense solve."""
    channels, table = ref_parse(df, sep)
    counts = defaultdict(lambda: defaultdict(float))
    conv_value = defaultdict(float)
    for touches, (c, n, v) in table.items():
        if c + n <= 0:
            continue
        if len(touches) < order:
            windows = [touches]
        else:
            windows = [touches[i : i + order] for i in range(len(touches) - order + 1)]
        states = ["(start)"] + [w for i, w in enumerate(windows) if i == 0 or w != windows[i - 1]]
        for a, b in zip(states[:-1], states[1:], strict=True):
            counts[a][b] += c + n
        counts[states[-1]]["(conversion)"] += c
        counts[states[-1]]["(null)"] += n
        conv_value[states[-1]] += v
    transient = ["(start)"] + sorted(
        {s for row in counts.values() for s in row}
        - {
            "(start)",
            "(conversion)",
            "(null)",
        }
    )
    index = {s: i for i, s in enumerate(transient)}
    q = np.zeros((len(transient), len(transient)))
    r = np.zeros((len(transient), 2))
    for s, row in counts.items():
        out = sum(row.values())
        for t, k in row.items():
            if t in index:
                q[index[s], index[t]] = k / out
        r[index[s]] = [row["(conversion)"] / out, conv_value[s] / out]

    def absorb(removed: str | None) -> np.ndarray:
        keep = np.array([removed is None or s == "(start)" or removed not in s for s in transient])
        a = np.eye(len(transient)) - q * keep[:, None]
        return np.linalg.solve(a, r * keep[:, None])[0]

    full = absorb(None)
    effects = {}
    for ch in channels:
        without = absorb(ch)
        effects[ch] = [1.0 - w / f if f > 0 else 0.0 for w, f in zip(without, full, strict=True)]
    total_conv = sum(v[0] for v in table.values())
    total_value = sum(v[2] for v in table.values())
    sum_conv = sum(e[0] for e in effects.values()) or 1.0
    sum_value = sum(e[1] for e in effects.values()) or 1.0
    return {
        "probability": full[0],
        "n_states": len(transient),
        "credits": {
            ch: (
                effects[ch][0] / sum_conv * total_conv,
                effects[ch][1] / sum_value * total_value,
                effects[ch][0],
                effects[ch][1],
            )
            for ch in channels
        },
    }


# --- varied tables -------------------------------------------------------------------------


def random_table(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n_channels = int(rng.integers(1, 9))
    names = [f"ch {k}" if seed % 3 == 0 else f"c{k}" for k in range(n_channels)]
    n = int(rng.integers(1, 120))
    paths = []
    for _ in range(n):
        touches = list(rng.choice(names, int(rng.integers(1, 7))))
        if len(touches) > 1 and rng.random() < 0.3:
            touches[1] = touches[0]  # a repeated channel
        sep = [" > ", ">", "  >   ", " >"][int(rng.integers(0, 4))] if seed % 2 else " > "
        paths.append(sep.join(touches))
    df = pd.DataFrame(
        {
            "path": paths,
            "conversions": rng.integers(0, 4, n) * (rng.random(n) < 0.6),
            "nulls": rng.integers(0, 5, n),
        }
    )
    if seed % 4:
        df["value"] = np.round(rng.gamma(2.0, 10.0, n), 2) * (df["conversions"] > 0)
    if seed % 5 == 0:
        df["conversions"] = df["conversions"] + rng.random(n)  # not whole numbers
    if seed % 7 == 0:
        df["path"] = df["path"].astype(object)
    if df["conversions"].sum() == 0:
        df.loc[0, "conversions"] = 1
    return df


TIES = pd.DataFrame(  # a and b symmetric: equal credits under every method
    {"path": ["a > b", "b > a", "a", "b"], "conversions": [1, 1, 2, 2], "nulls": [1, 1, 3, 3]}
)
ONE_CHANNEL = pd.DataFrame({"path": ["x", "x > x > x"], "conversions": [2, 1], "nulls": [0, 4]})
NO_CONVERSION_PATHS = pd.DataFrame(
    {
        "path": ["a > b", "c", "c > d > c", "a"],
        "conversions": [0, 2, 0, 1],
        "nulls": [5, 1, 2, 0],
        "value": [0.0, 7.5, 0.0, 3.0],
    }
)
TABLES = [random_table(seed) for seed in range(24)] + [TIES, ONE_CHANNEL, NO_CONVERSION_PATHS]


def as_dict(out: pd.DataFrame, columns=("conversions", "value")) -> dict:
    return {row["channel"]: tuple(row[c] for c in columns) for _, row in out.iterrows()}


def assert_close(got: dict, expected: dict, has_value: bool) -> None:
    assert list(got) == list(expected)
    for channel, values in expected.items():
        got_values = got[channel]
        for k, (g, e) in enumerate(zip(got_values, values, strict=False)):
            if k % 2 == 1 and not has_value:
                assert np.isnan(g)
            else:
                assert g == pytest.approx(e, rel=1e-9, abs=1e-12), (channel, k)


@pytest.mark.parametrize("table", range(len(TABLES)))
@pytest.mark.parametrize("method", list(RULES), ids=lambda f: f.__name__)
def test_rules_match_the_reference(method, table):
    df = TABLES[table]
    expected = ref_rule(df, RULES[method])
    assert_close(as_dict(method(df)), expected, "value" in df)


@pytest.mark.parametrize("table", range(len(TABLES)))
def test_other_rule_parameters_and_shapley_match_the_reference(table):
    df = TABLES[table]
    has_value = "value" in df
    expected = ref_rule(df, ref_time_decay_weights(0.7))
    assert_close(as_dict(time_decay(df, half_life=0.7)), expected, has_value)
    expected = ref_rule(df, ref_position_weights(0.3, 0.5))
    assert_close(as_dict(position_based(df, first=0.3, last=0.5)), expected, has_value)
    assert_close(as_dict(shapley(df)), ref_shapley(df), has_value)


@pytest.mark.parametrize("order", [1, 2, 3])
@pytest.mark.parametrize("table", range(len(TABLES)))
def test_markov_matches_the_dense_reference(table, order):
    df = TABLES[table]
    expected = ref_markov(df, order)
    out = markov(df, order=order)
    columns = ("conversions", "value", "removal_effect", "removal_effect_value")
    assert_close(as_dict(out, columns), expected["credits"], "value" in df)
    assert out.attrs["conversion_probability"] == pytest.approx(expected["probability"], rel=1e-9)
    assert out.attrs["n_states"] == expected["n_states"]


def test_ties_give_equal_credits():
    for method in [*RULES, shapley, markov]:
        out = method(TIES).set_index("channel")["conversions"]
        assert out["a"] == pytest.approx(out["b"], rel=1e-12), method.__name__


@pytest.mark.parametrize("sep", ["->", ",", "|", "→", " ; "])
def test_other_separators_match_the_reference(sep):
    token = sep.strip()
    df = pd.DataFrame(
        {
            "path": [f"a{token}b{token}c", f" b {token} a ", "c", f"a {token}a"],
            "conversions": [1, 2, 0, 1],
            "nulls": [1, 0, 3, 2],
        }
    )
    assert_close(as_dict(linear(df, sep=sep)), ref_rule(df, RULES[linear], sep), False)
    columns = ("conversions", "value", "removal_effect", "removal_effect_value")
    got = as_dict(markov(df, sep=sep), columns)
    assert_close(got, ref_markov(df, 1, sep)["credits"], False)


# --- one parse for several methods ---------------------------------------------------------


@pytest.mark.parametrize("table", [0, 5, 7, 24, 26])
def test_a_parsed_table_gives_the_same_results(table):
    df = TABLES[table]
    parsed = parse_paths(df)
    for method in [*RULES, shapley, markov, transition_matrix]:
        pd.testing.assert_frame_equal(method(parsed), method(df))
    pd.testing.assert_frame_equal(markov(parsed, order=2), markov(df, order=2))


def test_a_parsed_table_with_columns_or_a_reserved_name_is_refused():
    parsed = parse_paths(TIES)
    with pytest.raises(ValueError, match=r"'columns' .* must be None when 'paths' is a Parsed"):
        linear(parsed, columns={"conversions": "total_conversions"})
    reserved = parse_paths(pd.DataFrame({"path": ["a > (NULL)"], "conversions": [1]}))
    with pytest.raises(ValueError, match=r"'paths' has channel '\(NULL\)', the name of a state"):
        markov(reserved)


def test_parsed_arrays_are_read_only():
    parsed = parse_paths(TIES)
    with pytest.raises(ValueError, match="read-only"):
        parsed.position[0] = 5


# --- splitting in bulk and path by path agree ----------------------------------------------


def python_only(monkeypatch):
    monkeypatch.setattr(tokens_module, "_to_arrow", lambda paths: None)


@pytest.mark.parametrize("table", range(len(TABLES)))
def test_python_splitting_gives_the_same_table(table, monkeypatch):
    df = TABLES[table]
    bulk = parse_paths(df)
    python_only(monkeypatch)
    one_by_one = parse_paths(df)
    assert bulk.channels == one_by_one.channels
    for field in ("conversions", "nulls", "value", "offsets", "codes"):
        np.testing.assert_array_equal(getattr(bulk, field), getattr(one_by_one, field))


@settings(max_examples=200, deadline=None)
@given(
    strings=st.lists(
        st.text(alphabet=st.sampled_from(list("ab >-=,|→ \t\u00a0\x1f")), max_size=12),
        min_size=1,
        max_size=6,
    ),
    sep=st.sampled_from([" > ", ">", "->", "=>", ",", "|", "→", "--", "a"]),
)
def test_bulk_and_python_splitting_agree_on_any_strings(strings, sep):
    paths = pd.Series(strings, dtype=object)
    bulk = tokens_module._tokenize(paths, sep)
    assert tokens_module._to_arrow(paths) is not None
    original = tokens_module._to_arrow
    tokens_module._to_arrow = lambda paths: None
    try:
        one_by_one = tokens_module._tokenize(paths, sep)
    finally:
        tokens_module._to_arrow = original
    np.testing.assert_array_equal(bulk[0], one_by_one[0])
    np.testing.assert_array_equal(bulk[1], one_by_one[1])
    assert bulk[2] == one_by_one[2]


def test_strings_arrow_cannot_hold_are_split_in_python():
    df = pd.DataFrame(
        {
            "path": pd.Series(["a > b\ud800", "c", "a > b\ud800 "], dtype=object),
            "conversions": [1, 1, 2],
            "nulls": [1, 2, 0],
        }
    )
    parsed = parse_paths(df)
    assert parsed.channels == ("a", "b\ud800", "c")
    np.testing.assert_array_equal(parsed.conversions, [3.0, 1.0])
    np.testing.assert_array_equal(parsed.nulls, [1.0, 2.0])
    np.testing.assert_array_equal(parsed.codes, [0, 1, 2])


@pytest.mark.parametrize(
    ("paths", "match"),
    [
        (["a", "b,c", "d"], r"row 1 \(index 1\) splits into several touchpoints at ','"),
        (["a > b", "c >  > d"], r"row 1 \(index 1\) has an empty touchpoint"),
        (["a > b", "c -"], r"row 1 \(index 1\) has touchpoint 'c -', which begins or ends"),
        (["a > b", "x > nan"], r"row 1 \(index 1\) has touchpoint 'nan', which looks like"),
    ],
)
def test_errors_are_the_same_both_ways(paths, match, monkeypatch):
    df = pd.DataFrame({"path": paths, "conversions": [1] * len(paths)})
    with pytest.raises(ValueError, match=match) as bulk:
        parse_paths(df)
    python_only(monkeypatch)
    with pytest.raises(ValueError, match=match) as one_by_one:
        parse_paths(df)
    assert str(bulk.value) == str(one_by_one.value)


@pytest.mark.parametrize("sep", [s for s in COMMON_SEPARATORS if ">" not in s])
def test_a_wrong_separator_is_found_in_bulk(sep):
    df = pd.DataFrame({"path": ["a", f"b {sep} c", "d"], "conversions": [1, 1, 1]})
    with pytest.raises(ValueError, match=r"no path contains the separator ' > ', but row 1"):
        parse_paths(df)
