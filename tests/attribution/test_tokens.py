"""Splitting path strings in bulk: the one-byte splitter gives the pieces of ``str.split``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mcstudy.attribution import _tokens as tokens_module
from mcstudy.attribution import parse_paths
from mcstudy.attribution._tokens import _split_at_byte, _tokenize


def pieces_of(strings, sep):
    """What the splitter must give: ``str.split`` pieces, each followed by its separator."""
    pieces, lengths = [], []
    for s in strings:
        parts = s.split(sep)
        pieces.extend([p + sep for p in parts[:-1]] + [parts[-1]])
        lengths.append(len(parts))
    return pieces, lengths


def check_split(array: pa.Array, sep: str) -> None:
    pieces, lengths = _split_at_byte(array, ord(sep))
    expected, expected_lengths = pieces_of(array.to_pylist(), sep)
    assert pieces.to_pylist() == expected
    np.testing.assert_array_equal(lengths, expected_lengths)


@pytest.mark.parametrize("kind", [pa.string(), pa.large_string()])
def test_split_at_byte_edge_cases(kind):
    strings = ["a > b", "", ">", " > c >", "x>y>>z", "é>ü > ß", "no separator", ">>", "  "]
    check_split(pa.array(strings, type=kind), ">")


@pytest.mark.parametrize("kind", [pa.string(), pa.large_string()])
def test_split_at_byte_on_a_slice(kind):
    array = pa.array(["skip > me", "a > b", "c", "d>", "also skipped"], type=kind)
    check_split(array.slice(1, 3), ">")


@settings(max_examples=200, deadline=None)
@given(
    strings=st.lists(
        st.text(alphabet=st.sampled_from(list("ab >,|é→ \t\u00a0")), max_size=12),
        min_size=1,
        max_size=8,
    ),
    sep=st.sampled_from([">", ",", "|", "a", " "]),
)
def test_split_at_byte_is_str_split(strings, sep):
    check_split(pa.array(strings, type=pa.large_string()), sep)


def test_tokenize_takes_the_byte_path_only_for_one_ascii_character(monkeypatch):
    calls = []
    original = tokens_module._split_at_byte

    def spy(array, byte):
        calls.append(byte)
        return original(array, byte)

    monkeypatch.setattr(tokens_module, "_split_at_byte", spy)
    paths = pd.Series(["a > b", "b"], dtype=object)
    for sep, used in [(" > ", [ord(">")]), ("->", []), ("→", []), (" ", [ord(" ")])]:
        calls.clear()
        _tokenize(paths, sep)
        assert calls == used


@pytest.mark.parametrize(
    ("strings", "codes", "lengths", "channels"),
    [
        # stray spaces around and inside the separator's neighbourhood are trimmed
        (["a>b", " a  >b ", "b>  a"], [0, 1, 0, 1, 1, 0], [2, 2, 2], ("a", "b")),
        # an empty path and empty touchpoints are blank touches (-1), refused later
        (["", "a >", "> >"], [-1, 0, -1, -1, -1, -1], [1, 2, 3], ("a",)),
        # channels never seen elsewhere are simply new codes, sorted by name
        (["zeta > alpha", "new"], [2, 0, 1], [2, 1], ("alpha", "new", "zeta")),
    ],
)
def test_tokenize_codes_blanks_and_channels(strings, codes, lengths, channels):
    for dtype in (object, "str"):
        out = _tokenize(pd.Series(strings, dtype=dtype), " > ")
        np.testing.assert_array_equal(out[0], codes)
        np.testing.assert_array_equal(out[1], lengths)
        assert out[2] == channels


@pytest.mark.parametrize(
    ("paths", "match"),
    [
        (["a > b", ""], r"row 1 \(index 1\) is an empty path"),
        (["a > b", " > "], r"row 1 \(index 1\) is made only of separators"),
        (["a >  > b"], r"row 0 \(index 0\) has an empty touchpoint"),
        (["a > b >"], r"row 0 \(index 0\) has an empty touchpoint"),
    ],
)
def test_blank_paths_and_touchpoints_are_refused_after_the_byte_split(paths, match):
    df = pd.DataFrame({"path": pd.Series(paths, dtype="str"), "conversions": 1.0})
    with pytest.raises(ValueError, match=match):
        parse_paths(df)
