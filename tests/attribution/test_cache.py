"""The parse of a table is shared by the methods, and never outlives a change to the table."""

from __future__ import annotations

import gc

import numpy as np
import pandas as pd
import pytest

from mcstudy.attribution import _cache as cache_module
from mcstudy.attribution import (
    first_touch,
    last_touch,
    linear,
    markov,
    parse_paths,
    shapley,
    time_decay,
)
from mcstudy.attribution import paths as paths_module


@pytest.fixture
def parses(monkeypatch):
    """Count the tables parsed from scratch; start with an empty cache."""
    cache_module.clear_parse_cache()
    calls = []
    original = paths_module._parse_paths

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(paths_module, "_parse_paths", counting)
    yield calls
    cache_module.clear_parse_cache()


def table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "path": ["a > b > c", "b", "c > a", "a > a > d", "e"],
            "conversions": [2.0, 1.0, 0.0, 1.0, 0.0],
            "nulls": [0.0, 0.0, 3.0, 0.0, 2.0],
            "value": [20.0, 5.0, 0.0, 10.0, 0.0],
        }
    )


def fresh(method, df, **kwargs):
    """``method`` on a table parsed from scratch."""
    return method(parse_paths(df), **kwargs)


def test_methods_on_one_table_parse_it_once_with_the_same_results(parses):
    df = table()
    methods = (first_touch, last_touch, linear, time_decay, shapley, markov)
    results = [method(df) for method in methods]
    assert len(parses) == 1
    for method, result in zip(methods, results, strict=True):
        pd.testing.assert_frame_equal(result, fresh(method, df))


def test_other_options_are_parsed_apart(parses):
    df = table()
    first_touch(df)
    first_touch(df, sep=">")
    first_touch(df, columns={"nulls": "nulls"})
    first_touch(df, sep=">")
    assert len(parses) == 3


@pytest.mark.parametrize(
    "change",
    [
        lambda df: df.loc.__setitem__((0, "path"), "a > c"),
        lambda df: df.loc.__setitem__((1, "conversions"), 5.0),
        lambda df: df.loc.__setitem__((2, "nulls"), -0.0),  # same value, other bits
        lambda df: df.loc.__setitem__((3, "value"), 11.0),
        lambda df: df.__setitem__("conversions", df["conversions"].astype(int)),
        lambda df: df.__setitem__("other", 1),
    ],
)
def test_a_table_changed_in_place_is_parsed_again(parses, change):
    df = table()
    linear(df)
    change(df)
    result = linear(df)
    assert len(parses) == 2
    pd.testing.assert_frame_equal(result, fresh(linear, df))


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda df: df.loc.__setitem__((1, "conversions"), np.nan), r"'conversions' must hold"),
        (lambda df: df.loc.__setitem__((4, "path"), ""), r"row 4 \(index 4\) is an empty path"),
        (lambda df: df.loc.__setitem__((1, "path"), "b >  > a"), r"has an empty touchpoint"),
        (lambda df: df.loc.__setitem__((1, "path"), "nan"), r"looks like a missing value"),
        (lambda df: df.pop("conversions"), r"'paths' is missing column"),
    ],
)
def test_a_table_made_bad_in_place_is_refused(parses, change, match):
    df = table()
    first_touch(df)
    change(df)
    with pytest.raises(ValueError, match=match):
        first_touch(df)
    with pytest.raises(ValueError, match=match):  # and again: a failed parse is not kept
        last_touch(df)


def test_a_near_miss_column_added_in_place_is_refused(parses):
    df = table().drop(columns="nulls")
    first_touch(df)
    df["total_null"] = 1.0
    with pytest.raises(ValueError, match=r"has no column 'nulls' but has 'total_null'"):
        first_touch(df)


def test_stray_spaces_edited_in_keep_the_merged_result(parses):
    df = table()
    before = linear(df)
    df.loc[0, "path"] = " a>b  >c "  # the same path once trimmed
    pd.testing.assert_frame_equal(linear(df), before)
    assert len(parses) == 2


def test_a_reserved_name_is_refused_with_its_row_after_a_shared_parse(parses):
    df = pd.DataFrame({"path": ["a > b", "a > (Null)"], "conversions": [1, 2], "nulls": [1, 0]})
    first_touch(df)  # heuristics accept any channel name
    with pytest.raises(ValueError, match=r"row 1 \(index 1\) has touchpoint '\(Null\)'"):
        markov(df)


def test_tables_not_compared_exactly_are_not_kept(parses):
    df = table().astype({"conversions": "Int64"})
    first_touch(df)
    pd.testing.assert_frame_equal(first_touch(df), fresh(first_touch, df))
    assert len(parses) == 3  # two calls, and parse_paths in `fresh`


def test_unhashable_options_are_parsed_without_the_cache(parses):
    df = table()
    with pytest.raises(ValueError, match=r"'columns key' must be one of"):
        first_touch(df, columns={"convs": ["a"]})
    assert len(parses) == 1


def test_the_remembered_parse_is_read_only(parses):
    df = table()
    first_touch(df)
    parsed = cache_module.cached_parse(df, (" > ", None))
    assert parsed is not None
    for field in ("conversions", "nulls", "value", "offsets", "codes"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(parsed, field)[0] = 1


def test_entries_go_with_their_table_and_are_bounded(parses):
    frames = [table() for _ in range(cache_module._MAX_ENTRIES + 2)]
    for df in frames:
        first_touch(df)
    assert len(cache_module._entries) == cache_module._MAX_ENTRIES
    first_touch(frames[0])  # pushed out: parsed again
    assert len(parses) == len(frames) + 1
    del frames, df
    gc.collect()
    assert len(cache_module._entries) == 0


def test_a_table_collected_while_the_cache_is_busy_is_dropped_later(parses):
    df = table()
    first_touch(df)
    (ref,) = [entry[0] for entry in cache_module._entries.values()]
    with cache_module._lock:  # as if the collection ran inside the cache's own critical section
        cache_module._forget(ref)
        assert len(cache_module._entries) == 1
    last_touch(table())  # the next use drops it
    assert all(entry[0] is not ref for entry in cache_module._entries.values())
