"""Path tables: checks with clear errors, aggregation, journeys and simulations to paths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mcstudy import PopulationSpec, SiloedMultichannel, simulate
from mcstudy.attribution import _sequences as sequences_module
from mcstudy.attribution import (
    check_paths,
    linear,
    markov,
    parse_paths,
    paths_from_journeys,
    paths_from_simulation,
    shapley,
)


def frame(paths, conversions=None, **extra) -> pd.DataFrame:
    conversions = [1] * len(paths) if conversions is None else conversions
    return pd.DataFrame({"path": paths, "conversions": conversions, **extra})


# --- real exports as they are --------------------------------------------------------------


def test_channelattribution_export_works_as_it_is():
    export = pd.DataFrame(
        {
            "path": ["eta > iota > alpha > eta", "iota > iota > iota > iota", "alpha>iota"],
            "total_conversions": [1, 0, 2],
            "total_conversion_value": [0.244, 0.0, 3.1],
            "total_null": [3, 1, 0],
        }
    )
    columns = {
        "conversions": "total_conversions",
        "nulls": "total_null",
        "value": "total_conversion_value",
    }
    table = check_paths(export, sep=">", columns=columns)
    assert list(table.columns) == ["path", "conversions", "nulls", "value"]
    assert table["path"].tolist() == ["alpha>iota", "eta>iota>alpha>eta", "iota>iota>iota>iota"]
    out = markov(export, sep=">", columns=columns)
    assert out["conversions"].sum() == pytest.approx(3.0)
    assert out["value"].sum() == pytest.approx(3.344)


def test_blanks_around_touchpoints_and_duplicates_are_merged():
    df = frame(["a > b", "a>b", " a >  b ", "b"], [1, 2, 3, 4], nulls=[1, 1, 1, 0])
    table = check_paths(df)
    assert table["path"].tolist() == ["a > b", "b"]
    assert table["conversions"].tolist() == [6.0, 4.0]
    assert table["nulls"].tolist() == [3.0, 0.0]
    assert table["value"].isna().all()
    parsed = parse_paths(df)
    assert parsed.channels == ("a", "b")
    assert parsed.lengths.tolist() == [2, 1]


def test_whitespace_separator_and_multi_character_separator():
    assert check_paths(frame(["a b c"]), sep=" ")["path"].tolist() == ["a b c"]
    assert check_paths(frame(["a->b", "c"]), sep="->")["path"].tolist() == ["a->b", "c"]


def test_hash_collisions_are_resolved_exactly(monkeypatch):
    # With both multipliers 0 every path gets the same hash; grouping must still be exact.
    monkeypatch.setattr(sequences_module, "_HASH_BASE", 0)
    monkeypatch.setattr(sequences_module, "_HASH_LENGTH", 0)
    df = frame(["a > b", "b > a", "a>b", "c", "a > b > c"], [1, 2, 4, 8, 16])
    table = check_paths(df)
    assert dict(zip(table["path"], table["conversions"], strict=True)) == {
        "a > b": 5.0,
        "a > b > c": 16.0,
        "b > a": 2.0,
        "c": 8.0,
    }


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paths", "match"),
    [
        (["a > b", ""], r"'paths' column 'path': row 1 \(index 1\) is an empty path"),
        (["a > b", "   "], r"row 1 \(index 1\) is an empty path \(no touchpoint\): '   '"),
        (["a", " > > "], r"row 1 \(index 1\) is made only of separators ' > ': ' > > '"),
        (["a >  > b"], r"row 0 \(index 0\) has an empty touchpoint between separators"),
        (["a > b >"], r"row 0 \(index 0\) has an empty touchpoint between separators"),
        (["a", None], r"row 1 \(index 1\) is missing: (None|nan)"),
        (["a", np.nan], r"row 1 \(index 1\) is missing: nan"),
        (["a", 5], r"row 1 \(index 1\) is not a string \(int\): 5"),
    ],
)
def test_bad_paths_name_row_column_and_value(paths, match):
    with pytest.raises(ValueError, match=match):
        check_paths(frame(paths))


def test_unknown_separator_is_detected():
    df = frame(["email,web,shop", "web", "email,shop"])
    with pytest.raises(
        ValueError,
        match=r"no path contains the separator ' > ', but row 0 \(index 0\) splits into "
        r"several touchpoints at ',': 'email,web,shop'; pass sep=','",
    ):
        linear(df)
    assert linear(df, sep=",")["conversions"].sum() == pytest.approx(3.0)
    # ChannelAttribution's ">" read with sep="|"
    with pytest.raises(ValueError, match=r"splits into several touchpoints at '>'"):
        check_paths(frame(["a>b", "c"]), sep="|")


def test_index_labels_are_reported():
    df = frame(["a", "b"], [1, -1]).set_axis(["x", "y"])
    with pytest.raises(
        ValueError,
        match=r"'paths' column 'conversions' must hold finite numbers >= 0; "
        r"row 1 \(index 'y'\) has -1.0",
    ):
        check_paths(df)


@pytest.mark.parametrize(
    ("column", "values", "match"),
    [
        (
            "conversions",
            [1, -2],
            r"column 'conversions' must hold finite numbers >= 0; row 1 \(index 1\) has -2.0",
        ),
        (
            "nulls",
            [0, np.nan],
            r"column 'nulls' must hold finite numbers >= 0; row 1 \(index 1\) has nan",
        ),
        (
            "value",
            [np.inf, 1.0],
            r"column 'value' must hold finite numbers >= 0; row 0 \(index 0\) has inf",
        ),
        (
            "value",
            [1.0, -5.0],
            r"column 'value' must hold finite numbers >= 0; row 1 \(index 1\) has -5.0",
        ),
    ],
)
def test_bad_numbers_name_row_column_and_value(column, values, match):
    df = frame(["a", "b"])
    df[column] = values
    with pytest.raises(ValueError, match=match):
        shapley(df)


def test_non_numeric_counts():
    with pytest.raises(TypeError, match=r"'paths' column 'conversions' must be numeric; got dtype"):
        check_paths(frame(["a"], ["3"]))


def test_missing_columns_are_listed():
    with pytest.raises(ValueError, match=r"'paths' is missing columns \['conversions'\]"):
        markov(pd.DataFrame({"path": ["a"]}))
    with pytest.raises(ValueError, match=r"'paths' is missing columns \['path'\]"):
        markov(pd.DataFrame({"channels": ["a"], "conversions": [1]}))
    # a column named explicitly must exist
    with pytest.raises(ValueError, match=r"'paths' is missing columns \['total_null'\]"):
        markov(frame(["a"]), columns={"nulls": "total_null"})


def test_bad_arguments():
    with pytest.raises(TypeError, match="'paths' must be a pandas DataFrame; got dict"):
        check_paths({"path": ["a"], "conversions": [1]})
    with pytest.raises(ValueError, match="'sep' must be a non-empty str; got ''"):
        check_paths(frame(["a"]), sep="")
    with pytest.raises(TypeError, match="'sep' must be a non-empty str; got None"):
        check_paths(frame(["a"]), sep=None)
    with pytest.raises(ValueError, match=r"'columns key' must be one of .*; got 'conv'"):
        check_paths(frame(["a"]), columns={"conv": "x"})


# --- journeys to paths ---------------------------------------------------------------------


def test_paths_from_journeys_orders_touches_and_counts_nulls():
    touches = pd.DataFrame(
        {
            "customer": [7, 7, 7, 8, 9, 9, 10, 11],
            "t": [3, 1, 2, 1, 2, 1, 1, 1],
            "channel": ["shop", "email", "web", "web", "web", "email", None, "sms"],
            "bought": [1, 0, 0, 0, 1, 0, 1, 0],
            "eur": [50.0, 0.0, 0.0, 0.0, 20.0, 0.0, 9.0, 0.0],
        }
    )
    out = paths_from_journeys(
        touches, journey="customer", order="t", conversions="bought", value="eur"
    )
    assert out.to_dict("list") == {
        "path": ["email > web", "email > web > shop", "sms", "web"],
        "conversions": [1.0, 1.0, 0.0, 0.0],
        "nulls": [0.0, 0.0, 1.0, 1.0],
        "value": [20.0, 50.0, 0.0, 0.0],
    }
    # customer 10 bought without any touch
    assert out.attrs["n_journeys_without_touch"] == 1
    assert out.attrs["conversions_without_touch"] == 1.0


def test_paths_from_journeys_flag_repeated_on_every_row():
    touches = pd.DataFrame(
        {"journey_id": [1, 1, 2], "channel": ["a", "b", "a"], "converted": [True, True, False]}
    )
    out = paths_from_journeys(touches, conversions="converted", value=None, outcome="max")
    assert out["conversions"].tolist() == [0.0, 1.0]
    assert out["value"].isna().all()
    summed = paths_from_journeys(touches, conversions="converted", value=None)
    assert summed["conversions"].tolist() == [0.0, 2.0]


def test_paths_from_journeys_bad_input():
    touches = pd.DataFrame({"journey_id": [1, 2], "channel": ["a > b", "c"], "conversions": [1, 0]})
    with pytest.raises(
        ValueError, match=r"column 'channel': row 0 \(index 0\) is empty or contains the separator"
    ):
        paths_from_journeys(touches, value=None)
    touches["channel"] = ["a", "c"]
    with pytest.raises(ValueError, match=r"'touchpoints' is missing columns \['value'\]"):
        paths_from_journeys(touches)
    touches["conversions"] = [1, -1]
    with pytest.raises(
        ValueError, match=r"column 'conversions' must hold finite numbers >= 0; row 1"
    ):
        paths_from_journeys(touches, value=None)
    with pytest.raises(ValueError, match=r"'outcome' must be one of \['max', 'sum'\]; got 'mean'"):
        paths_from_journeys(touches, value=None, outcome="mean")


# --- simulations to paths ------------------------------------------------------------------


@pytest.fixture(scope="module")
def run():
    return simulate(
        PopulationSpec(n_customers=2000),
        {"siloed": SiloedMultichannel(), "other": SiloedMultichannel(contact_pressure=2.0)},
        n_weeks=26,
        n_journeys=400,
        n_threads=1,
        progress=False,
        rng=5,
    )


def test_simulation_paths_keep_every_purchase(run):
    jr = run.journeys
    purchases = jr[jr["touchpoint"] == "purchase"]
    for split in ("purchase", "customer"):
        paths = paths_from_simulation(run, split=split)
        total = paths["conversions"].sum() + paths.attrs["conversions_without_touch"]
        assert total == len(purchases)
        revenue = paths["value"].sum() + _value_without_touch(jr, split)
        assert revenue == pytest.approx(purchases["value_eur"].sum())
    # one journey per customer with a record: customers = nulls + converting journeys
    per_customer = paths_from_simulation(run, split="customer")
    n_converting = jr.loc[jr["converted"], "journey_id"].nunique()
    n_without = per_customer.attrs["n_journeys_without_touch"]
    assert per_customer["nulls"].sum() == jr["journey_id"].nunique() - n_converting
    assert n_without <= n_converting


def _value_without_touch(jr: pd.DataFrame, split: str) -> float:
    """Revenue of purchases with no contact before them (in their journey)."""
    total = 0.0
    for _, rows in jr.groupby("journey_id"):
        seen = False
        for touchpoint, value in zip(rows["touchpoint"], rows["value_eur"], strict=True):
            if touchpoint == "contact":
                seen = True
            else:
                if not seen:
                    total += value
                if split == "purchase":
                    seen = False
    return total


def test_simulation_touches_and_purchase_channel(run):
    sent = paths_from_simulation(run)
    attended = paths_from_simulation(run, touches="attended")
    n_sent = (sent["path"].str.count(">") + 1) @ (sent["conversions"] + sent["nulls"])
    n_attended = (attended["path"].str.count(">") + 1) @ (
        attended["conversions"] + attended["nulls"]
    )
    assert n_attended <= n_sent
    jr = run.journeys
    assert n_sent == jr.loc[jr["touchpoint"] == "contact", "contacts"].sum()
    with_shop = paths_from_simulation(run, purchase_channel=True)
    converting = with_shop[with_shop["conversions"] > 0]
    last = converting["path"].str.split(" > ").str[-1]
    purchase_channels = set(jr.loc[jr["touchpoint"] == "purchase", "channel"].astype(str))
    assert set(last) <= purchase_channels
    assert with_shop.attrs["conversions_without_touch"] == 0
    assert with_shop["conversions"].sum() == (jr["touchpoint"] == "purchase").sum()


def test_simulation_one_arm(run):
    both = paths_from_simulation(run)
    one = paths_from_simulation(run, arm="siloed")
    other = paths_from_simulation(run, arm="other")
    assert one["nulls"].sum() + other["nulls"].sum() == both["nulls"].sum()


def test_simulation_bad_input(run):
    with pytest.raises(TypeError, match="'result' must be a SimulationResult; got DataFrame"):
        paths_from_simulation(run.journeys)
    with pytest.raises(ValueError, match=r"'touches' must be one of \['attended', 'contacts'\]"):
        paths_from_simulation(run, touches="all")
    with pytest.raises(ValueError, match=r"'arm' must be one of \['other', 'siloed'\]; got 'omni'"):
        paths_from_simulation(run, arm="omni")
    with pytest.raises(ValueError, match=r"'split' must be one of \['customer', 'purchase'\]"):
        paths_from_simulation(run, split="week")
