"""Hostile inputs to ``mcstudy.attribution``: path tables, journeys and the methods.

Sub-families: ``attribution-paths`` (checking and parsing a path table),
``attribution-journeys`` (journeys and simulations to path tables) and
``attribution-methods`` (the heuristics, the Shapley value and the Markov chain).
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd
import pytest

from mcstudy import attribution as attr

CASES: list[tuple] = []

# --------------------------------------------------------------------------------------------
# Valid fixtures (built once, corrupted one thing per case)
# --------------------------------------------------------------------------------------------

PATHS = pd.DataFrame(
    {
        "path": ["a > b > c", "b", "c > a", "a > a > d", "e"],
        "conversions": [2, 1, 0, 1, 0],
        "nulls": [0, 0, 3, 0, 2],
        "value": [20.0, 5.0, 0.0, 10.0, 0.0],
    }
)

TOUCHES = pd.DataFrame(
    {
        "journey_id": [1, 1, 1, 2, 2, 3, 4],
        "t": [3, 1, 2, 1, 2, 1, 1],
        "channel": ["shop", "email", "web", "web", "email", None, "sms"],
        "conversions": [1, 0, 0, 0, 1, 1, 0],
        "value": [50.0, 0.0, 0.0, 0.0, 20.0, 9.0, 0.0],
    }
)

EXPORT_COLUMNS = {
    "conversions": "total_conversions",
    "nulls": "total_null",
    "value": "total_conversion_value",
}

METHODS = {
    "first_touch": attr.first_touch,
    "last_touch": attr.last_touch,
    "linear": attr.linear,
    "time_decay": attr.time_decay,
    "position_based": attr.position_based,
    "shapley": attr.shapley,
    "markov": attr.markov,
}


def paths(path=None, **changes) -> pd.DataFrame:
    """The valid path table, with column ``path`` or others replaced."""
    df = PATHS.copy()
    if path is not None:
        df = df.iloc[: len(path)].copy()
        df["path"] = path
    for column, values in changes.items():
        if values is None:
            df = df.drop(columns=column)
        else:
            df[column] = values
    return df


def touches(**changes) -> pd.DataFrame:
    """The valid touchpoints table, with columns replaced (None drops one)."""
    df = TOUCHES.copy()
    for column, values in changes.items():
        if values is None:
            df = df.drop(columns=column)
        else:
            df[column] = values
    return df


def refused(case_id, fn, *args, exp=ValueError, pat=None, **kwargs) -> None:
    """A case that must be refused with ``exp`` and a message matching ``pat``."""
    CASES.append((case_id, lambda: fn(*args, **kwargs), exp, pat))


def right(case_id, check) -> None:
    """A valid-but-awkward case: ``check`` asserts the result itself."""
    CASES.append((case_id, check, None, None))


def journeys(df, **kwargs):
    """paths_from_journeys with the fixture's ``value`` column unless told otherwise."""
    return attr.paths_from_journeys(df, **kwargs)


@cache
def small_run():
    """A cheap simulation with journeys (300 customers, 8 weeks)."""
    from mcstudy import PopulationSpec, simulate

    return simulate(
        PopulationSpec(n_customers=300),
        n_weeks=8,
        n_journeys=100,
        n_threads=1,
        progress=False,
        rng=1,
    )


# --------------------------------------------------------------------------------------------
# attribution-paths: check_paths / parse_paths
# --------------------------------------------------------------------------------------------

F = "attribution-paths"
DF_TYPE = r"'paths' must be a pandas DataFrame; got "
refused(f"{F}/list instead of frame", attr.check_paths, [["a", 1]], exp=TypeError, pat=DF_TYPE)
refused(f"{F}/None instead of frame", attr.check_paths, None, exp=TypeError, pat=DF_TYPE)
refused(
    f"{F}/dict instead of frame",
    attr.check_paths,
    {"path": ["a"], "conversions": [1]},
    exp=TypeError,
    pat=DF_TYPE + "dict",
)
refused(
    f"{F}/no conversions column",
    attr.check_paths,
    paths(conversions=None),
    pat=r"'paths' is missing columns \['conversions'\]",
)
refused(
    f"{F}/no path column",
    attr.check_paths,
    paths().rename(columns={"path": "paths"}),
    pat=r"'paths' is missing columns \['path'\]",
)
refused(
    f"{F}/misspelt conversions column",
    attr.check_paths,
    paths().rename(columns={"conversions": "conversion"}),
    pat=r"missing columns \['conversions'\]; it has columns \['path', 'conversion'",
)
for label, bad, pat in [
    ("None", None, r"row 1 \(index 1\) is missing: None"),
    ("NaN", np.nan, r"row 1 \(index 1\) is missing: nan"),
    ("int", 7, r"row 1 \(index 1\) is not a string \(int\): 7"),
    ("bytes", b"a > b", r"row 1 \(index 1\) is not a string \(bytes\)"),
    ("list", ["a", "b"], r"row 1 \(index 1\) is not a string \(list\)"),
    ("empty string", "", r"row 1 \(index 1\) is an empty path \(no touchpoint\): ''"),
    ("blanks only", "   ", r"row 1 \(index 1\) is an empty path"),
    ("separators only", " > > ", r"row 1 \(index 1\) is made only of separators ' > '"),
    ("empty touchpoint", "a >  > b", r"row 1 \(index 1\) has an empty touchpoint"),
    ("trailing separator", "a > b >", r"row 1 \(index 1\) has an empty touchpoint"),
    ("leading separator", "> a", r"row 1 \(index 1\) has an empty touchpoint"),
]:
    values = pd.Series(["a > b", bad, "c"], dtype=object)
    refused(
        f"{F}/path {label}",
        attr.check_paths,
        pd.DataFrame({"path": values, "conversions": [1, 1, 1]}),
        pat=r"'paths' column 'path': " + pat,
    )
refused(
    f"{F}/path pandas string NA",
    attr.check_paths,
    paths(pd.array(["a", pd.NA], dtype="string")),
    pat=r"row 1 \(index 1\) is missing: <NA>",
)
refused(
    f"{F}/conversions strings",
    attr.check_paths,
    paths(conversions=["2", "1", "0", "1", "0"]),
    exp=TypeError,
    pat=r"'paths' column 'conversions' must be numeric; got dtype (object|str)",
)
refused(
    f"{F}/conversions mixed object",
    attr.check_paths,
    paths(conversions=pd.Series([2, "x", 0, 1, 0], dtype=object)),
    exp=TypeError,
    pat=r"column 'conversions' must be numeric",
)
for column in ("conversions", "nulls", "value"):
    for label, bad in [("negative", -1.0), ("NaN", np.nan), ("inf", np.inf), ("-inf", -np.inf)]:
        values = PATHS[column].astype(float).to_numpy().copy()
        values[3] = bad
        shown = {"negative": r"-1\.0", "NaN": "nan", "inf": "inf", "-inf": "-inf"}[label]
        refused(
            f"{F}/{column} {label}",
            attr.check_paths,
            paths(**{column: values}),
            pat=rf"'paths' column '{column}' must hold finite numbers >= 0; row 3 \(index 3\) "
            rf"has {shown}",
        )
refused(
    f"{F}/conversions complex",
    attr.check_paths,
    paths(conversions=[2 + 1j, 1, 0, 1, 0]),
    exp=TypeError,
    pat=r"'paths' column 'conversions' must hold real numbers; got dtype complex128",
)
refused(
    f"{F}/value complex",
    attr.check_paths,
    paths(value=[20.0, 5j, 0.0, 10.0, 0.0]),
    exp=TypeError,
    pat=r"'paths' column 'value' must hold real numbers",
)
refused(
    f"{F}/name not a str",
    attr.check_paths,
    paths(),
    name=5,
    exp=TypeError,
    pat=r"'name' must be a str \(used in error messages\); got 5",
)
refused(
    f"{F}/conversions nullable Int64 with NA",
    attr.check_paths,
    paths(conversions=pd.array([2, 1, None, 1, 0], dtype="Int64")),
    pat=r"column 'conversions' must hold finite numbers >= 0; row 2 \(index 2\) has nan",
)
for column in ("conversions", "nulls", "value"):
    refused(
        f"{F}/{column} sum overflows",
        attr.check_paths,
        paths(["a", "a"], **{"conversions": [1, 1], column: [1e308, 1e308]}),
        pat=rf"'paths' column '{column}' must sum to a finite number; its total overflows to "
        r"inf \(the largest is 1e\+308, row 0 \(index 0\)\)",
    )

# Separators: a table read with the wrong separator, or mixing separators.
SEP_CASES = [
    (
        "arrow '->' read at '>'",
        ["a -> b", "b"],
        " > ",
        r"0 \(index 0\) has touchpoint 'a -'.*"
        r"pass sep='->'",
    ),
    (
        "arrow '=>' read at '>'",
        ["a => b", "b"],
        " > ",
        r"0 \(index 0\) has touchpoint 'a ='.*"
        r"pass sep='=>'",
    ),
    ("'->' read with sep='>'", ["a->b", "c"], ">", r"0 \(index 0\) has touchpoint 'a-'.*sep='->'"),
    (
        "mixed '>' and ','",
        ["a > b", "c,d"],
        " > ",
        r"1 \(index 1\) has touchpoint 'c,d', which "
        r"contains ',', another separator: 'c,d'; every path must use the one separator ' > '",
    ),
    (
        "mixed '>' and ';'",
        ["a > b", "c;d"],
        " > ",
        r"1 \(index 1\) has touchpoint 'c;d', which "
        r"contains ';'",
    ),
    ("mixed '>' and '|'", ["a > b", "c | d"], " > ", r"1 \(index 1\) has touchpoint 'c \| d'"),
    (
        "mixed '>' and tab",
        ["a > b", "c\td"],
        " > ",
        r"1 \(index 1\) has touchpoint 'c\\td', which "
        r"contains",
    ),
    ("mixed '>' and unicode arrow", ["a > b", "c → d"], " > ", r"1 \(index 1\) .* contains '→'"),
    (
        "'>' paths read with sep='->'",
        ["a > b", "c"],
        "->",
        r"0 \(index 0\) has touchpoint 'a > b'"
        r", which contains '>'",
    ),
    (
        "mixed ',' and '>' with sep=','",
        ["a,b", "c > d"],
        ",",
        r"1 \(index 1\) has touchpoint "
        r"'c > d'",
    ),
    (
        "junk at the end of a touchpoint",
        ["a > b-", "c"],
        " > ",
        r"0 \(index 0\) has touchpoint "
        r"'b-', which begins or ends with the leftover of a separator",
    ),
    (
        "junk at the start of a touchpoint",
        ["a > =b", "c"],
        " > ",
        r"0 \(index 0\) has "
        r"touchpoint '=b'",
    ),
]
for label, values, sep, pat in SEP_CASES:
    refused(
        f"{F}/{label}",
        attr.check_paths,
        pd.DataFrame({"path": values, "conversions": [1] * len(values)}),
        sep=sep,
        pat=r"'paths' column 'path': row " + pat,
    )
refused(
    f"{F}/every path at ',' read with default sep",
    attr.check_paths,
    paths(["email,web", "web"]),
    pat=r"no path contains the separator ' > ', but row 0 \(index 0\) splits into several "
    r"touchpoints at ','",
)
refused(
    f"{F}/every path at '>' read with sep='|'",
    attr.check_paths,
    paths(["a>b", "c"]),
    sep="|",
    pat=r"splits into several touchpoints at '>'.*pass sep='>'",
)
for spelling in ("nan", "None", "NULL", "NaN", "NaT"):
    refused(
        f"{F}/touchpoint spelled {spelling}",
        attr.check_paths,
        paths(["a > b", f"a > {spelling}"]),
        pat=rf"row 1 \(index 1\) has touchpoint '{spelling}', which looks like a missing value",
    )


def _ga_names():
    out = attr.check_paths(paths(["google / cpc > email", "direct / none"]))
    assert out["path"].tolist() == ["direct / none", "google / cpc > email"], out


right(f"{F}/channel names holding '/' (Google Analytics)", _ga_names)


def _internal_hyphen():
    out = attr.parse_paths(paths(["e-mail > face_to_face", "e-mail"]))
    assert out.channels == ("e-mail", "face_to_face"), out.channels


right(f"{F}/channel names with an inner hyphen", _internal_hyphen)
refused(
    f"{F}/duplicated conversions column",
    attr.check_paths,
    pd.DataFrame([["a", 1, 2]], columns=["path", "conversions", "conversions"]),
    pat=r"'paths' has 2 columns named 'conversions'; the columns used must be unique",
)
refused(
    f"{F}/duplicated path column",
    attr.check_paths,
    pd.DataFrame([["a", "b", 2]], columns=["path", "path", "conversions"]),
    pat=r"'paths' has 2 columns named 'path'",
)
refused(
    f"{F}/duplicated value column",
    attr.check_paths,
    pd.DataFrame([["a", 1, 2.0, 3.0]], columns=["path", "conversions", "value", "value"]),
    pat=r"'paths' has 2 columns named 'value'",
)
refused(
    f"{F}/columns maps nulls to the conversions column",
    attr.check_paths,
    paths(nulls=None),
    columns={"nulls": "conversions"},
    pat=r"'columns' gives the same column 'conversions' to \['conversions', 'nulls'\]",
)
refused(
    f"{F}/columns maps value to the path column",
    attr.check_paths,
    paths(value=None),
    columns={"value": "path"},
    pat=r"'columns' gives the same column 'path' to \['path', 'value'\]",
)
refused(
    f"{F}/columns a str",
    attr.check_paths,
    paths(),
    columns="conversions",
    exp=TypeError,
    pat=r"'columns' must be a mapping",
)
refused(
    f"{F}/columns unknown key",
    attr.check_paths,
    paths(),
    columns={"conv": "conversions"},
    pat=r"'columns key' must be one of \['conversions', 'nulls', 'path', 'value'\]; got 'conv'",
)
refused(
    f"{F}/columns name not a str",
    attr.check_paths,
    paths(),
    columns={"nulls": 3},
    exp=TypeError,
    pat=r"'columns'\['nulls'\] must be a column name \(str\); got 3",
)
refused(
    f"{F}/columns names an absent column",
    attr.check_paths,
    paths(),
    columns={"nulls": "total_null"},
    pat=r"'paths' is missing columns \['total_null'\]",
)
EXPORT = paths().rename(columns={k: v for k, v in EXPORT_COLUMNS.items()})
refused(
    f"{F}/export's total_null left out of columns",
    attr.check_paths,
    EXPORT,
    columns={"conversions": "total_conversions", "value": "total_conversion_value"},
    pat=r"'paths' has no column 'nulls' but has 'total_null'; pass "
    r"columns=\{'nulls': 'total_null'\}",
)
refused(
    f"{F}/export's total_conversion_value left out of columns",
    attr.check_paths,
    EXPORT,
    columns={"conversions": "total_conversions", "nulls": "total_null"},
    pat=r"has no column 'value' but has 'total_conversion_value'",
)
refused(
    f"{F}/nulls column capitalised",
    attr.check_paths,
    paths().rename(columns={"nulls": "Nulls"}),
    pat=r"'paths' has no column 'nulls' but has 'Nulls'",
)
refused(
    f"{F}/nulls column singular",
    attr.check_paths,
    paths().rename(columns={"nulls": "null"}),
    pat=r"'paths' has no column 'nulls' but has 'null'",
)


def _export_read():
    out = attr.check_paths(EXPORT, columns=EXPORT_COLUMNS)
    assert out["nulls"].sum() == 5.0 and out["value"].sum() == 35.0, out


right(f"{F}/export with every column mapped", _export_read)
refused(f"{F}/sep empty", attr.check_paths, paths(), sep="", pat=r"'sep' must be a non-empty str")
refused(f"{F}/sep None", attr.check_paths, paths(), sep=None, exp=TypeError, pat=r"'sep' must be")
refused(f"{F}/sep int", attr.check_paths, paths(), sep=5, exp=TypeError, pat=r"got 5")
refused(
    f"{F}/index label named",
    attr.check_paths,
    paths(conversions=[2, 1, 0, -1, 0]).set_axis(list("vwxyz")),
    pat=r"row 3 \(index 'y'\) has -1\.0",
)
refused(
    f"{F}/parse_paths arrow",
    attr.parse_paths,
    paths(["a -> b"]),
    pat=r"row 0 \(index 0\) has touchpoint 'a -'",
)
refused(
    f"{F}/parse_paths empty path",
    attr.parse_paths,
    paths(["a", ""]),
    pat=r"row 1 \(index 1\) is an empty path",
)


def _empty_table():
    empty = pd.DataFrame({"path": pd.Series([], dtype=object), "conversions": []})
    out = attr.check_paths(empty)
    assert len(out) == 0 and list(out.columns) == list(attr.PATH_COLUMNS), out


right(f"{F}/empty table gives an empty table", _empty_table)


def _duplicated_rows_summed():
    out = attr.check_paths(paths(["a > b", "a > b", "a>b"], conversions=[1, 2, 4]))
    assert out["path"].tolist() == ["a > b"] and out["conversions"].tolist() == [7.0], out
    assert out["nulls"].tolist() == [3.0] and out["value"].tolist() == [25.0], out


right(f"{F}/duplicated path rows are summed (documented)", _duplicated_rows_summed)


def _trimmed_paths_merge():
    out = attr.check_paths(paths([" a > b ", "a  >  b"], conversions=[1, 2]))
    assert out["path"].tolist() == ["a > b"] and out["conversions"].tolist() == [3.0], out


right(f"{F}/channel names equal once trimmed are one channel", _trimmed_paths_merge)


def _categorical_paths():
    out = attr.check_paths(paths(pd.Categorical(["a > b", "b"]), conversions=[1, 2]))
    assert out["conversions"].tolist() == [1.0, 2.0], out


right(f"{F}/categorical path column", _categorical_paths)


def _big_but_finite():
    out = attr.check_paths(paths(["a", "b"], conversions=[1e307, 1e307]))
    assert np.isfinite(out["conversions"]).all(), out


right(f"{F}/huge but finite counts", _big_but_finite)

# --------------------------------------------------------------------------------------------
# attribution-methods: heuristics, Shapley, Markov
# --------------------------------------------------------------------------------------------

F = "attribution-methods"
for method, fn in METHODS.items():
    refused(
        f"{F}/{method} list of paths",
        fn,
        ["a > b", "b"],
        exp=TypeError,
        pat=r"'paths' must be a pandas DataFrame; got list",
    )
    refused(
        f"{F}/{method} arrow paths",
        fn,
        paths(["a -> b", "b"]),
        pat=r"row 0 \(index 0\) has touchpoint 'a -'.*pass sep='->'",
    )
    refused(
        f"{F}/{method} duplicated column",
        fn,
        pd.DataFrame([["a", 1, 2]], columns=["path", "conversions", "conversions"]),
        pat=r"'paths' has 2 columns named 'conversions'",
    )
    refused(
        f"{F}/{method} sum overflows",
        fn,
        paths(["a", "b"], conversions=[1e308, 1e308]),
        pat=r"'paths' column 'conversions' must sum to a finite number",
    )
for name in ("(start)", "(conversion)", "(null)", "(START)"):
    for fn in (attr.markov, attr.transition_matrix):
        refused(
            f"{F}/{fn.__name__} channel named {name}",
            fn,
            paths(["a > b", f"{name} > b", "b"], conversions=[1, 1, 0], nulls=[1, 1, 1]),
            pat=rf"row 1 \(index 1\) has touchpoint '{re.escape(name)}', the name of a state of "
            r"the Markov chain",
        )
EMPTY = pd.DataFrame({"path": pd.Series([], dtype=object), "conversions": [], "nulls": []})
ZERO_WEIGHT = paths(["a > b", "b"], conversions=[0, 0], nulls=[0, 0])
for fn in (attr.markov, attr.transition_matrix):
    refused(
        f"{F}/{fn.__name__} empty table",
        fn,
        EMPTY,
        pat=r"'paths' has no rows: the Markov chain needs at least one journey",
    )
    refused(
        f"{F}/{fn.__name__} no journey on any path",
        fn,
        ZERO_WEIGHT,
        pat=r"'paths' has 0 conversions and 0 nulls on every row: the Markov chain needs",
    )
    refused(
        f"{F}/{fn.__name__} conversions + nulls overflow",
        fn,
        paths(["a", "b"], conversions=[1e308, 1.0], nulls=[1e308, 1.0]),
        pat=r"'paths' counts are too large: the transitions of the Markov chain .* overflow",
    )
    refused(
        f"{F}/{fn.__name__} export's total_null left out",
        fn,
        EXPORT,
        columns={"conversions": "total_conversions"},
        pat=r"has no column 'nulls' but has 'total_null'",
    )
for label, order, exp in [
    ("0", 0, ValueError),
    ("9", 9, ValueError),
    ("-1", -1, ValueError),
    ("1.5", 1.5, TypeError),
    ("str", "1", TypeError),
    ("bool", True, TypeError),
    ("None", None, TypeError),
]:
    refused(
        f"{F}/markov order {label}",
        attr.markov,
        paths(),
        order,
        exp=exp,
        pat=r"'order' must be an int in \[1, 8\]",
    )
refused(
    f"{F}/transition_matrix order 0",
    attr.transition_matrix,
    paths(),
    0,
    pat=r"'order' must be an int in \[1, 8\]; got 0",
)
MANY = pd.DataFrame(
    {"path": [f"c{k:03d} > c{k + 1:03d}" for k in range(220)], "conversions": 1, "nulls": 1}
)
refused(
    f"{F}/markov order 8 with 221 channels",
    attr.markov,
    MANY,
    8,
    pat=r"'order' = 8 with 221 channels gives more states than can be encoded",
)
for label, value, exp in [
    ("0", 0.0, ValueError),
    ("negative", -1.0, ValueError),
    ("NaN", np.nan, ValueError),
    ("inf", np.inf, ValueError),
    ("str", "2", TypeError),
    ("None", None, TypeError),
    ("bool", True, TypeError),
]:
    refused(
        f"{F}/time_decay half_life {label}",
        attr.time_decay,
        paths(),
        half_life=value,
        exp=exp,
        pat=r"'half_life' must be a real number in \(0, inf\)",
    )
for label, kwargs, exp, pat in [
    ("first negative", {"first": -0.1}, ValueError, r"'first' must be a real number in \[0, 1\]"),
    ("first above 1", {"first": 1.5}, ValueError, r"'first' must be a real number in \[0, 1\]"),
    ("first NaN", {"first": np.nan}, ValueError, r"'first' must be a real number"),
    ("last inf", {"last": np.inf}, ValueError, r"'last' must be a real number in \[0, 1\]"),
    ("first str", {"first": "0.4"}, TypeError, r"'first' must be a real number"),
    ("last None", {"last": None}, TypeError, r"'last' must be a real number"),
    ("shares above 1", {"first": 0.6, "last": 0.5}, ValueError, r"'first' \+ 'last' must be"),
]:
    refused(f"{F}/position_based {label}", attr.position_based, paths(), exp=exp, pat=pat, **kwargs)
for label, kwargs, exp, pat in [
    ("ordered str", {"ordered": "yes"}, TypeError, r"'ordered' must be a bool; got 'yes'"),
    ("ordered None", {"ordered": None}, TypeError, r"'ordered' must be a bool; got None"),
    ("ordered 1", {"ordered": 1}, TypeError, r"'ordered' must be a bool; got 1"),
    ("method unknown", {"method": "exact"}, ValueError, r"'method' must be one of"),
    ("method None", {"method": None}, TypeError, r"'method' must be a str"),
    (
        "ordered with coalitions",
        {"ordered": True, "method": "coalitions"},
        ValueError,
        r"'ordered' is computed with method='simplified' only",
    ),
]:
    refused(f"{F}/shapley {label}", attr.shapley, paths(), exp=exp, pat=pat, **kwargs)
WIDE = pd.DataFrame({"path": [" > ".join(f"c{k}" for k in range(21))], "conversions": [1]})
refused(
    f"{F}/shapley coalitions with 21 channels",
    attr.shapley,
    WIDE,
    method="coalitions",
    pat=r"allows at most 20 channels; the paths have 21",
)
refused(
    f"{F}/linear sep None",
    attr.linear,
    paths(),
    sep=None,
    exp=TypeError,
    pat=r"'sep' must be a non-empty str; got None",
)
refused(
    f"{F}/shapley columns list",
    attr.shapley,
    paths(),
    columns=["path"],
    exp=TypeError,
    pat=r"'columns' must be a mapping",
)


def _zero_conversions():
    table = paths(["a > b", "b", "c"], conversions=[0, 0, 0], nulls=[1, 2, 3], value=[0.0] * 3)
    for method, fn in METHODS.items():
        out = fn(table)
        assert out["channel"].tolist() == ["a", "b", "c"], (method, out)
        assert (out["conversions"] == 0).all() and (out["value"] == 0).all(), (method, out)
    assert attr.markov(table).attrs["conversion_probability"] == 0.0


right(f"{F}/zero conversions everywhere credit nothing", _zero_conversions)


def _single_channel():
    table = paths(["a", "a > a"], conversions=[1, 2], nulls=[1, 0], value=[1.0, 2.0])
    for method, fn in METHODS.items():
        out = fn(table)
        assert out["channel"].tolist() == ["a"], (method, out)
        assert out["conversions"].tolist() == [3.0] and out["value"].tolist() == [3.0], method
    assert attr.markov(table)["removal_effect"].tolist() == [1.0]
    assert attr.shapley(table, method="coalitions")["conversions"].tolist() == [3.0]


right(f"{F}/a single channel gets everything", _single_channel)


def _duplicated_rows_as_merged():
    dup = paths(["a > b", "b", "a > b"], conversions=[1, 1, 2], nulls=[1, 3, 0], value=[1, 2, 4.0])
    merged = paths(["a > b", "b"], conversions=[3, 1], nulls=[1, 3], value=[5.0, 2.0])
    for method, fn in METHODS.items():
        pd.testing.assert_frame_equal(fn(dup), fn(merged), obj=method)
    pd.testing.assert_frame_equal(attr.transition_matrix(dup), attr.transition_matrix(merged))


right(f"{F}/duplicated path rows count as one summed row", _duplicated_rows_as_merged)


def _empty_heuristics():
    for method, fn in METHODS.items():
        if method == "markov":
            continue
        out = fn(EMPTY)
        assert len(out) == 0 and {"channel", "conversions", "value"} <= set(out.columns), method


right(f"{F}/empty table: heuristics and Shapley credit no channel", _empty_heuristics)


def _no_value_column():
    for method, fn in METHODS.items():
        out = fn(paths(value=None))
        assert out["value"].isna().all(), method
        assert out["conversions"].sum() == pytest.approx(4.0), method


right(f"{F}/no value column gives NaN values", _no_value_column)


def _channel_on_zero_weight_path():
    table = paths(["a > b", "c"], conversions=[1, 0], nulls=[1, 0])
    out = attr.markov(table).set_index("channel")
    assert out.loc["c", "conversions"] == 0.0 and out["conversions"].sum() == 1.0, out


right(f"{F}/markov channel only on a path without journeys", _channel_on_zero_weight_path)


def _coalitions_agree():
    a = attr.shapley(PATHS)
    b = attr.shapley(PATHS, method="coalitions")
    assert np.allclose(a["conversions"], b["conversions"]) and np.allclose(a["value"], b["value"])


right(f"{F}/shapley coalitions agree with the closed form", _coalitions_agree)


def _extreme_half_life():
    slow = attr.time_decay(PATHS, half_life=1e300)
    fast = attr.time_decay(PATHS, half_life=1e-300)
    assert np.allclose(slow["conversions"], attr.linear(PATHS)["conversions"])
    assert np.allclose(fast["conversions"], attr.last_touch(PATHS)["conversions"])


right(f"{F}/time_decay extreme half lives", _extreme_half_life)

# --------------------------------------------------------------------------------------------
# attribution-journeys: paths_from_journeys, paths_from_simulation
# --------------------------------------------------------------------------------------------

F = "attribution-journeys"
refused(
    f"{F}/list instead of frame",
    journeys,
    TOUCHES.to_dict("records"),
    exp=TypeError,
    pat=r"'touchpoints' must be a pandas DataFrame; got list",
)
refused(
    f"{F}/None instead of frame",
    journeys,
    None,
    exp=TypeError,
    pat=r"'touchpoints' must be a pandas DataFrame; got NoneType",
)
refused(
    f"{F}/no channel column",
    journeys,
    touches(channel=None),
    pat=r"'touchpoints' is missing columns \['channel'\]",
)
refused(
    f"{F}/order column absent",
    journeys,
    touches(),
    order="time",
    pat=r"'touchpoints' is missing columns \['time'\]",
)
for role in ("journey", "channel", "conversions"):
    refused(
        f"{F}/{role} column None",
        journeys,
        touches(),
        exp=TypeError,
        pat=rf"'{role}' must name a column of 'touchpoints'; got None",
        **{role: None},
    )
refused(
    f"{F}/journey column a list",
    journeys,
    touches(),
    journey=["journey_id"],
    exp=TypeError,
    pat=r"'journey' must name a column of 'touchpoints'; got \['journey_id'\]",
)
refused(
    f"{F}/missing journey id on an outcome row",
    journeys,
    touches(journey_id=[1, 1, 1, 2, 2, np.nan, 4]),
    pat=r"'touchpoints' column 'journey_id' is missing on row 5 \(index 5\); every row must "
    r"belong to a journey",
)
refused(
    f"{F}/missing journey ids on touch rows",
    journeys,
    touches(journey_id=[1, None, None, 2, None, 3, None]).set_axis([f"r{k}" for k in range(7)]),
    pat=r"missing on rows 1, 2, 4 \(index 'r1', 'r2', 'r4'\) and 1 more",
)
refused(
    f"{F}/missing journey id as None in strings",
    journeys,
    touches(journey_id=["x", "x", "x", "y", "y", None, "z"]),
    pat=r"column 'journey_id' is missing on row 5",
)
refused(
    f"{F}/journey ids mixing int and str",
    journeys,
    touches(journey_id=pd.Series([1, 1, 1, "2", "2", 3, 4], dtype=object)),
    exp=TypeError,
    pat=r"'touchpoints' column 'journey_id' must hold journey ids of one kind .* "
    r"\['int', 'str'\]",
)
refused(
    f"{F}/journey ids unhashable",
    journeys,
    touches(journey_id=pd.Series([[1]] * 7, dtype=object)),
    exp=TypeError,
    pat=r"column 'journey_id' must hold journey ids of one kind .*\['list'\]",
)
refused(
    f"{F}/missing order value",
    journeys,
    touches(t=[3, np.nan, 2, 1, 2, 1, 1]),
    order="t",
    pat=r"'touchpoints' column 't' must hold finite numbers or time stamps, none missing; "
    r"row 1 \(index 1\) has nan",
)
refused(
    f"{F}/infinite order value",
    journeys,
    touches(t=[3, np.inf, 2, 1, 2, 1, 1]),
    order="t",
    pat=r"column 't' must hold finite numbers or time stamps.*row 1 \(index 1\) has inf",
)
refused(
    f"{F}/missing time stamp",
    journeys,
    touches(
        t=pd.to_datetime(["2024-01-03", None, "2024-01-02", "2024-01-01"] + ["2024-01-01"] * 3)
    ),
    order="t",
    pat=r"column 't' must hold finite numbers or time stamps, none missing; row 1 \(index 1\) "
    r"has NaT",
)
refused(
    f"{F}/order as strings",
    journeys,
    touches(t=["10", "9", "11", "1", "2", "1", "1"]),
    order="t",
    exp=TypeError,
    pat=r"'touchpoints' column 't' must hold numbers or time stamps that order the touches; "
    r"got dtype (object|str)",
)
refused(
    f"{F}/order as mixed objects",
    journeys,
    touches(t=pd.Series([3, "1", 2, 1, 2, 1, 1], dtype=object)),
    order="t",
    exp=TypeError,
    pat=r"column 't' must hold numbers or time stamps",
)
refused(
    f"{F}/channel names mixing int and str",
    journeys,
    touches(channel=pd.Series([1, "1", "web", "web", "email", None, "sms"], dtype=object)),
    exp=TypeError,
    pat=r"'touchpoints' column 'channel' mixes strings and other values: row 0 \(index 0\) "
    r"has 1 \(int\)",
)
for spelling in ("nan", "None", "NaN", "null"):
    refused(
        f"{F}/channel spelled {spelling}",
        journeys,
        touches(channel=["shop", spelling, "web", "web", "email", None, "sms"]),
        pat=rf"column 'channel': row 1 \(index 1\) has channel '{spelling}', which looks like a "
        r"missing value",
    )
refused(
    f"{F}/channel holding another separator",
    journeys,
    touches(channel=["shop", "email,web", "web", "web", "email", None, "sms"]),
    pat=r"row 1 \(index 1\) has channel 'email,web', which contains ','",
)
refused(
    f"{F}/channel ending in a separator's leftover",
    journeys,
    touches(channel=["shop", "email -", "web", "web", "email", None, "sms"]),
    pat=r"row 1 \(index 1\) has channel 'email -', which begins or ends",
)
refused(
    f"{F}/channel containing the separator",
    journeys,
    touches(channel=["shop", "a > b", "web", "web", "email", None, "sms"]),
    pat=r"row 1 \(index 1\) is empty or contains the separator ' > ': 'a > b'",
)
refused(
    f"{F}/channel blank",
    journeys,
    touches(channel=["shop", "  ", "web", "web", "email", None, "sms"]),
    pat=r"row 1 \(index 1\) is empty or contains the separator",
)
for column, label, bad, pat in [
    ("conversions", "negative", -1, r"must hold finite numbers >= 0; row 2 \(index 2\) has -1"),
    ("conversions", "NaN", np.nan, r"must hold finite numbers >= 0; row 2 \(index 2\) has nan"),
    ("conversions", "inf", np.inf, r"must hold finite numbers >= 0; row 2 \(index 2\) has inf"),
    ("value", "negative", -3.0, r"must hold values >= 0; row 2 \(index 2\) has -3\.0"),
    ("value", "NaN", np.nan, r"must hold finite numbers; row 2 \(index 2\) has nan"),
    ("value", "inf", np.inf, r"must hold finite numbers; row 2 \(index 2\) has inf"),
]:
    values = TOUCHES[column].astype(float).to_numpy().copy()
    values[2] = bad
    refused(
        f"{F}/{column} {label}",
        journeys,
        touches(**{column: values}),
        pat=rf"'touchpoints' column '{column}' " + pat,
    )
refused(
    f"{F}/conversions strings",
    journeys,
    touches(conversions=["1", "0", "0", "0", "1", "1", "0"]),
    exp=TypeError,
    pat=r"'touchpoints' column 'conversions' must be numeric",
)
refused(
    f"{F}/conversions complex",
    journeys,
    touches(conversions=[1, 0, 0, 0, 1j, 1, 0]),
    exp=TypeError,
    pat=r"'touchpoints' column 'conversions' must hold real numbers; got dtype complex128",
)
refused(
    f"{F}/conversions sum overflows",
    journeys,
    touches(conversions=[1e308, 0, 0, 0, 1e308, 1, 0]),
    pat=r"'touchpoints' column 'conversions' must sum to a finite number; its total overflows",
)
refused(
    f"{F}/value sum overflows",
    journeys,
    touches(value=[1e308, 0, 0, 0, 1e308, 9.0, 0]),
    pat=r"'touchpoints' column 'value' must sum to a finite number",
)
refused(
    f"{F}/conversions and value the same column",
    journeys,
    touches(),
    conversions="value",
    pat=r"'conversions' and 'value' both name column 'value' of 'touchpoints'",
)
refused(
    f"{F}/order is the journey column",
    journeys,
    touches(),
    order="journey_id",
    pat=r"'journey' and 'order' both name column 'journey_id'",
)
refused(
    f"{F}/channel is the journey column",
    journeys,
    touches(),
    channel="journey_id",
    pat=r"'journey' and 'channel' both name column 'journey_id'",
)
refused(
    f"{F}/duplicated conversions column",
    journeys,
    pd.concat([TOUCHES, TOUCHES[["conversions"]]], axis=1),
    pat=r"'touchpoints' has 2 columns named 'conversions'",
)
refused(
    f"{F}/duplicated journey column",
    journeys,
    pd.concat([TOUCHES, TOUCHES[["journey_id"]]], axis=1),
    pat=r"'touchpoints' has 2 columns named 'journey_id'",
)
refused(
    f"{F}/outcome unknown",
    journeys,
    touches(),
    outcome="mean",
    pat=r"'outcome' must be one of \['max', 'sum'\]; got 'mean'",
)
refused(
    f"{F}/outcome None",
    journeys,
    touches(),
    outcome=None,
    exp=TypeError,
    pat=r"'outcome' must be a str",
)
refused(f"{F}/sep empty", journeys, touches(), sep="", pat=r"'sep' must be a non-empty str")
refused(
    f"{F}/value column absent",
    journeys,
    touches(value=None),
    pat=r"'touchpoints' is missing columns \['value'\]",
)


def _ordered_touches():
    out = journeys(touches(), order="t")
    assert out["path"].tolist() == ["email > web > shop", "sms", "web > email"], out
    assert out["conversions"].tolist() == [1.0, 0.0, 1.0], out
    assert out.attrs["n_journeys_without_touch"] == 1, out.attrs
    assert out.attrs["conversions_without_touch"] == 1.0, out.attrs


right(f"{F}/rows out of order are sorted by the order column", _ordered_touches)


def _time_stamps():
    stamps = pd.to_datetime(["2024-01-03", "2024-01-01", "2024-01-02"] + ["2024-01-01"] * 4)
    out = journeys(touches(t=stamps), order="t")
    assert "email > web > shop" in out["path"].tolist(), out


right(f"{F}/time stamps order the touches", _time_stamps)


def _shuffled_rows():
    shuffled = TOUCHES.sample(frac=1.0, random_state=3)
    a = journeys(shuffled, order="t")
    b = journeys(TOUCHES, order="t")
    pd.testing.assert_frame_equal(a, b)


right(f"{F}/shuffled rows give the same paths", _shuffled_rows)


def _duplicated_labels():
    out = journeys(touches().set_axis([0] * 7), order="t")
    assert out["conversions"].sum() == 2.0, out


right(f"{F}/duplicated index labels", _duplicated_labels)


def _empty_touchpoints():
    out = journeys(TOUCHES.iloc[:0])
    assert len(out) == 0 and list(out.columns) == list(attr.PATH_COLUMNS), out


right(f"{F}/no touchpoints give an empty path table", _empty_touchpoints)


def _no_touch_at_all():
    out = journeys(touches(channel=[None] * 7))
    assert len(out) == 0 and out.attrs["n_journeys_without_touch"] == 4, out.attrs
    assert out.attrs["conversions_without_touch"] == 3.0, out.attrs


right(f"{F}/journeys without any touch", _no_touch_at_all)


def _integer_channels():
    out = journeys(touches(channel=pd.array([1, 2, 3, 3, 2, None, 4], dtype="Int64")))
    assert set(out["path"]) == {"1 > 2 > 3", "3 > 2", "4"}, out


right(f"{F}/integer channel codes", _integer_channels)

SIM = "attribution-journeys/paths_from_simulation"
refused(
    f"{SIM} journeys frame instead of result",
    lambda: attr.paths_from_simulation(small_run().journeys),
    exp=TypeError,
    pat=r"'result' must be a SimulationResult; got DataFrame",
)
refused(
    f"{SIM} None",
    attr.paths_from_simulation,
    None,
    exp=TypeError,
    pat=r"'result' must be a SimulationResult; got NoneType",
)
for label, kwargs, exp, pat in [
    ("touches unknown", {"touches": "all"}, ValueError, r"'touches' must be one of"),
    ("touches None", {"touches": None}, TypeError, r"'touches' must be a str"),
    ("split unknown", {"split": "week"}, ValueError, r"'split' must be one of"),
    ("purchase_channel str", {"purchase_channel": "yes"}, TypeError, r"'purchase_channel' must"),
    ("purchase_channel 1", {"purchase_channel": 1}, TypeError, r"'purchase_channel' must be a"),
    ("arm unknown", {"arm": "omni"}, ValueError, r"'arm' must be one of \['siloed'\]; got 'omni'"),
    ("arm int", {"arm": 0}, TypeError, r"'arm' must be a str"),
    ("sep empty", {"sep": ""}, ValueError, r"'sep' must be a non-empty str"),
]:
    CASES.append(
        (
            f"{SIM} {label}",
            lambda kwargs=kwargs: attr.paths_from_simulation(small_run(), **kwargs),
            exp,
            pat,
        )
    )


def _simulation_round_trip():
    out = attr.paths_from_simulation(small_run())
    jr = small_run().journeys
    total = out["conversions"].sum() + out.attrs["conversions_without_touch"]
    assert total == (jr["touchpoint"] == "purchase").sum(), out
    attr.markov(out)  # a simulated table reads back


right(f"{SIM} conversions kept and the table reads back", _simulation_round_trip)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_case(case, check_case):
    check_case(case)
