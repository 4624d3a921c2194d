"""Hostile inputs of the Complete Journey loader, its tidy tables, the study and its estimators.

Families: ``completejourney-io`` (loader, week numbering, household x week and product x store
x week tables), ``completejourney-study`` (campaign panel, promotion panel, redemption table,
redeemer gap, redemption rates), ``panel`` (event study, demeaning, fixed-effects OLS) and
``heterogeneity`` (count-mixture fits). Every fixture is a small hand-made frame built once;
each case corrupts one thing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mcstudy.analysis import heterogeneity as het
from mcstudy.analysis import panel as pnl
from mcstudy.io import completejourney as cjio
from mcstudy.io import completejourney_tables as cjt
from mcstudy.studies import completejourney_study as cjs

IO, STUDY, PANEL, HET = "completejourney-io", "completejourney-study", "panel", "heterogeneity"


# ---------------------------------------------------------------------------------------------
# fixtures: a tiny release in the loaded dtypes


def _release() -> dict[str, pd.DataFrame]:
    """Three households, three products, two stores, three campaigns (loaded dtypes)."""
    tx = pd.DataFrame(
        [
            (10, 1, 1001, 100, 2, 3.00, 0.50, 0.0, 0.0, 1, "2017-01-01 17:00"),
            (10, 1, 1001, 200, 1, 1.50, 0.00, 0.0, 0.0, 1, "2017-01-01 17:00"),
            (10, 2, 1003, 300, 1, 4.00, 0.00, 1.0, 0.25, 2, "2017-01-03 15:00"),
            (20, 1, 2001, 100, 3, 4.50, 0.30, 0.0, 0.0, 3, "2017-01-10 15:00"),
            (30, 2, 3001, 100, 1, 1.40, 0.00, 0.5, 0.0, 53, "2017-12-31 18:00"),
        ],
        columns=[c.name for c in cjio.COMPLETEJOURNEY_SCHEMA["transactions"]],
    )
    tx["transaction_timestamp"] = pd.to_datetime(tx["transaction_timestamp"]).astype(
        "datetime64[ns]"
    )
    tx = tx.astype(
        {"household_id": "int32", "store_id": "int32", "product_id": "int32", "week": "int8"}
    )
    cd = pd.DataFrame(
        {
            "campaign_id": np.array([1, 2, 3], dtype=np.int32),
            "campaign_type": pd.Categorical(
                ["Type A", "Type B", "Type C"], categories=list(cjio.CAMPAIGN_TYPES)
            ),
            "start_date": pd.to_datetime(["2016-12-20", "2017-01-04", "2017-12-20"]),
            "end_date": pd.to_datetime(["2017-01-10", "2017-01-16", "2018-01-20"]),
        }
    )
    campaigns = pd.DataFrame(
        {"campaign_id": [1, 2, 2, 3], "household_id": [10, 10, 20, 30]}, dtype=np.int32
    )
    coupons = pd.DataFrame(
        {
            "coupon_upc": np.array([5001, 5002, 5003, 5004], dtype=np.int64),
            "product_id": np.array([100, 100, 300, 100], dtype=np.int32),
            "campaign_id": np.array([1, 1, 2, 3], dtype=np.int32),
        }
    )
    red = pd.DataFrame(
        {
            "household_id": np.array([10, 10, 30], dtype=np.int32),
            "coupon_upc": np.array([5001, 5003, 5004], dtype=np.int64),
            "campaign_id": np.array([1, 2, 3], dtype=np.int32),
            "redemption_date": pd.to_datetime(["2017-01-03", "2017-01-08", "2017-12-31"]),
        }
    )
    promo = pd.DataFrame(
        {
            "product_id": np.array([100, 200], dtype=np.int32),
            "store_id": np.array([1, 2], dtype=np.int32),
            "display_location": pd.Categorical(["3", "0"], categories=list("012345679A")),
            "mailer_location": pd.Categorical(["0", "D"], categories=list("0ACDFHJLPXZ")),
            "week": np.array([1, 5], dtype=np.int8),
        }
    )
    return {
        "transactions": tx,
        "campaigns": campaigns,
        "campaign_descriptions": cd,
        "coupons": coupons,
        "coupon_redemptions": red,
        "promotions": promo,
    }


CJ = _release()
HW_OK = cjt.completejourney_household_weeks(CJ)
PSW_OK = cjt.completejourney_product_store_weeks(CJ)


def cj(name: str, df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The release with one table replaced."""
    return {**CJ, name: df}


def tx_with(**changes) -> pd.DataFrame:
    """Transactions with one cell changed: ``col=(row, value)``."""
    df = CJ["transactions"].copy()
    for col, (row, value) in changes.items():
        if isinstance(value, float | str):
            df[col] = df[col].astype(object if isinstance(value, str) else float)
        df.loc[row, col] = value
    return df


def hw_weeks(tables) -> pd.DataFrame:
    return cjt.completejourney_household_weeks(tables)


def ps_weeks(tables) -> pd.DataFrame:
    return cjt.completejourney_product_store_weeks(tables)


def _write(tables: dict[str, pd.DataFrame]) -> Path:
    """Write tables in the file schema to a fresh folder (for the loader)."""
    folder = Path(tempfile.mkdtemp(prefix="cj-hostile-"))
    for name, df in tables.items():
        schema = pa.schema(
            [(c.name, pa.type_for_alias(c.file_type)) for c in cjio.COMPLETEJOURNEY_SCHEMA[name]]
        )
        df = df.copy()
        for c in cjio.COMPLETEJOURNEY_SCHEMA[name]:
            if c.file_type == "string":
                df[c.name] = df[c.name].astype(object)
        pq.write_table(
            pa.Table.from_pandas(df, schema=schema, preserve_index=False),
            folder / (f"{name}.parquet"),
        )
    return folder


def load(tables: dict[str, pd.DataFrame], names=None):
    folder = _write(tables)
    return cjio.load_completejourney(names or list(tables), path=folder, verify=False)


SMALL = {k: CJ[k] for k in ("campaigns", "campaign_descriptions")}


def _bad_file(content: bytes, name="campaigns"):
    folder = Path(tempfile.mkdtemp(prefix="cj-hostile-"))
    (folder / f"{name}.parquet").write_bytes(content)
    return cjio.load_completejourney([name], path=folder, verify=False)


def _dir_as_table():
    folder = Path(tempfile.mkdtemp(prefix="cj-hostile-"))
    (folder / "campaigns.parquet").mkdir()
    return cjio.load_completejourney(["campaigns"], path=folder, verify=False)


def _file_as_folder():
    folder = Path(tempfile.mkdtemp(prefix="cj-hostile-"))
    (folder / "x.txt").write_text("x")
    return cjio.load_completejourney(["campaigns"], path=folder / "x.txt")


def _check_weeks(dates, expected):
    got = cjio.completejourney_week(dates)
    assert got.tolist() == expected, got


def _hw_same(tables):
    got = hw_weeks(tables)
    pd.testing.assert_frame_equal(got, HW_OK)


def _ps_same(tables):
    got = ps_weeks(tables)
    pd.testing.assert_frame_equal(got, PSW_OK)


def _shuffled(name):
    df = CJ[name]
    return df.iloc[::-1].set_axis(np.arange(len(df)) * 7 + 3)


# ---------------------------------------------------------------------------------------------
# completejourney-io cases

IO_CASES = [
    # week numbering
    (
        "completejourney_week NaT",
        lambda: cjio.completejourney_week(pd.to_datetime(["2017-01-01", None])),
        ValueError,
        r"'dates' must not be missing.*NaT.*position 1",
    ),
    (
        "completejourney_week integers",
        lambda: cjio.completejourney_week(np.array([1, 2, 3])),
        TypeError,
        r"'dates' must be datetime.*int64",
    ),
    (
        "completejourney_week strings",
        lambda: cjio.completejourney_week(["2017-01-01", "2017-01-02"]),
        TypeError,
        r"'dates' must be datetime.*pd\.to_datetime",
    ),
    (
        "completejourney_week None",
        lambda: cjio.completejourney_week(None),
        TypeError,
        r"'dates' must be datetime.*None",
    ),
    (
        "completejourney_week tz-aware",
        lambda: cjio.completejourney_week(
            pd.Series(pd.to_datetime(["2017-01-01"]).tz_localize("UTC"))
        ),
        TypeError,
        r"'dates' must be tz-naive",
    ),
    (
        "completejourney_week 2-d array",
        lambda: cjio.completejourney_week(
            np.array([["2017-01-01", "2017-01-02"]], dtype="datetime64[ns]")
        ),
        ValueError,
        r"'dates' must be 1-d.*shape \(1, 2\)",
    ),
    (
        "completejourney_week dates outside the year",
        lambda: _check_weeks(pd.to_datetime(["2016-12-25", "2018-01-01"]), [0, 54]),
        None,
        None,
    ),
    (
        "completejourney_week empty",
        lambda: _check_weeks(pd.to_datetime([]), []),
        None,
        None,
    ),
    (
        "completejourney_week datetime64[s] array",
        lambda: _check_weeks(np.array(["2017-01-02"], dtype="datetime64[s]"), [2]),
        None,
        None,
    ),
    (
        "completejourney_week Timestamp objects",
        lambda: _check_weeks([pd.Timestamp("2017-01-08"), pd.Timestamp("2017-01-09")], [2, 3]),
        None,
        None,
    ),
    # loader arguments and files
    (
        "load tables=5",
        lambda: cjio.load_completejourney(5),
        TypeError,
        r"'tables' must be None, a table name",
    ),
    ("load tables=[]", lambda: cjio.load_completejourney([]), ValueError, r"\(no table\)"),
    (
        "load unknown table",
        lambda: cjio.load_completejourney(["campaign"]),
        ValueError,
        r"unknown: \['campaign'\]",
    ),
    (
        "load tables set",
        lambda: cjio.load_completejourney({"campaigns"}),
        TypeError,
        r"'tables' must be None",
    ),
    (
        "load verify='yes'",
        lambda: cjio.load_completejourney(["campaigns"], verify="yes"),
        TypeError,
        r"'verify' must be a bool",
    ),
    (
        "load path=3",
        lambda: cjio.load_completejourney(["campaigns"], path=3),
        TypeError,
        r"'path' must be a folder",
    ),
    (
        "load path=''",
        lambda: cjio.load_completejourney(["campaigns"], path=""),
        ValueError,
        r"'path' must name a folder.*got ''",
    ),
    (
        "load path missing",
        lambda: cjio.load_completejourney(["campaigns"], path="/nonexistent/cj"),
        FileNotFoundError,
        r"'path' must be an existing folder",
    ),
    ("load path is a file", _file_as_folder, FileNotFoundError, r"'path' must be an existing"),
    (
        "load table file missing",
        lambda: load(SMALL, ["campaigns", "coupons"]),
        ValueError,
        r"coupons\.parquet.*is missing",
    ),
    ("load table is a directory", _dir_as_table, ValueError, r"is a directory"),
    ("load empty file", lambda: _bad_file(b""), ValueError, r"not a readable Parquet file"),
    (
        "load CSV named .parquet",
        lambda: _bad_file(b"campaign_id,household_id\n1,10\n"),
        ValueError,
        r"campaigns\.parquet.*not a readable Parquet",
    ),
    (
        "load UTF-16 text",
        lambda: _bad_file("campaign_id\n1\n".encode("utf-16")),
        ValueError,
        r"not a readable Parquet",
    ),
    (
        "load truncated parquet",
        lambda: _bad_file((_write(SMALL) / "campaigns.parquet").read_bytes()[:-20]),
        ValueError,
        r"not a readable Parquet",
    ),
    (
        "load NaT start_date",
        lambda: load(
            {
                **SMALL,
                "campaign_descriptions": CJ["campaign_descriptions"].assign(
                    start_date=pd.to_datetime(["2016-12-20", None, "2017-12-20"])
                ),
            }
        ),
        ValueError,
        r"column 'start_date'.*must not be missing",
    ),
    (
        "load swapped campaign dates",
        lambda: load(
            {
                **SMALL,
                "campaign_descriptions": CJ["campaign_descriptions"].assign(
                    end_date=pd.to_datetime(["2016-12-01", "2017-01-16", "2018-01-20"])
                ),
            }
        ),
        ValueError,
        r"column 'end_date'.*must not be before start_date",
    ),
    (
        "load duplicate campaign row",
        lambda: load({**SMALL, "campaigns": pd.concat([CJ["campaigns"]] * 2)}),
        ValueError,
        r"duplicate key \(campaign_id, household_id\)",
    ),
    (
        "load campaign type unknown",
        lambda: load(
            {
                **SMALL,
                "campaign_descriptions": CJ["campaign_descriptions"].assign(
                    campaign_type=["Type A", "Type D", "Type C"]
                ),
            }
        ),
        ValueError,
        r"campaign_type.*must be one of",
    ),
    # the household x week table
    (
        "household_weeks tables list",
        lambda: hw_weeks(list(CJ.values())),
        TypeError,
        r"'tables' must be a mapping",
    ),
    (
        "household_weeks missing table",
        lambda: hw_weeks({"transactions": CJ["transactions"]}),
        ValueError,
        r"'tables' is missing tables \['campaigns'",
    ),
    (
        "household_weeks table is a list",
        lambda: hw_weeks(cj("campaigns", [[1, 10]])),
        TypeError,
        r"tables\['campaigns'\] must be a pandas DataFrame",
    ),
    (
        "household_weeks missing column",
        lambda: hw_weeks(cj("transactions", CJ["transactions"].drop(columns="sales_value"))),
        ValueError,
        r"tables\['transactions'\] is missing columns \['sales_value'\]",
    ),
    (
        "household_weeks duplicated transaction row",
        lambda: hw_weeks(
            cj("transactions", pd.concat([CJ["transactions"], CJ["transactions"].iloc[[0]]]))
        ),
        ValueError,
        r"tables\['transactions'\].*duplicate key \(basket_id, product_id\) = \(1001, 100\)",
    ),
    (
        "household_weeks NaN sales",
        lambda: hw_weeks(cj("transactions", tx_with(sales_value=(2, np.nan)))),
        ValueError,
        r"tables\['transactions'\].*'sales_value'.*must not be missing.*rows \[2\]",
    ),
    (
        "household_weeks negative sales",
        lambda: hw_weeks(cj("transactions", tx_with(sales_value=(1, -1.5)))),
        ValueError,
        r"'sales_value'.*finite and >= 0.*-1\.5",
    ),
    (
        "household_weeks inf discount",
        lambda: hw_weeks(cj("transactions", tx_with(retail_disc=(1, np.inf)))),
        ValueError,
        r"'retail_disc'.*finite and >= 0.*inf",
    ),
    (
        "household_weeks sales as strings",
        lambda: hw_weeks(cj("transactions", tx_with(sales_value=(1, "1.50")))),
        TypeError,
        r"tables\['transactions'\] column 'sales_value' must be float.*object",
    ),
    (
        "household_weeks NaN household",
        lambda: hw_weeks(cj("transactions", tx_with(household_id=(1, np.nan)))),
        ValueError,
        r"tables\['transactions'\].*'household_id'.*must not be missing",
    ),
    (
        "household_weeks float week 2.5",
        lambda: hw_weeks(cj("transactions", tx_with(week=(2, 2.5)))),
        TypeError,
        r"tables\['transactions'\] column 'week' must be int.*float64",
    ),
    (
        "household_weeks basket in two households",
        lambda: hw_weeks(cj("transactions", tx_with(household_id=(1, 20)))),
        ValueError,
        r"'household_id'.*same on every row of a basket",
    ),
    (
        "household_weeks week not that of the timestamp",
        lambda: hw_weeks(cj("transactions", tx_with(week=(3, 4)).astype({"week": "int8"}))),
        ValueError,
        r"'week'.*must be the week of the local date",
    ),
    (
        "household_weeks tz-aware timestamps",
        lambda: hw_weeks(
            cj(
                "transactions",
                CJ["transactions"].assign(
                    transaction_timestamp=CJ["transactions"][
                        "transaction_timestamp"
                    ].dt.tz_localize("UTC")
                ),
            )
        ),
        TypeError,
        r"'transaction_timestamp' must be datetime64\[ns\] \(tz-naive",
    ),
    (
        "household_weeks NaT start_date",
        lambda: hw_weeks(
            cj(
                "campaign_descriptions",
                CJ["campaign_descriptions"].assign(
                    start_date=pd.to_datetime(["2016-12-20", None, "2017-12-20"])
                ),
            )
        ),
        ValueError,
        r"tables\['campaign_descriptions'\].*'start_date'.*must not be missing.*rows \[1\]",
    ),
    (
        "household_weeks swapped campaign dates",
        lambda: hw_weeks(
            cj(
                "campaign_descriptions",
                CJ["campaign_descriptions"].assign(
                    start_date=pd.to_datetime(["2016-12-20", "2017-01-16", "2017-12-20"]),
                    end_date=pd.to_datetime(["2017-01-10", "2017-01-04", "2018-01-20"]),
                ),
            )
        ),
        ValueError,
        r"'end_date'.*must not be before start_date.*2017-01-16 to 2017-01-04",
    ),
    (
        "household_weeks duplicated campaign id",
        lambda: hw_weeks(
            cj(
                "campaign_descriptions",
                pd.concat([CJ["campaign_descriptions"], CJ["campaign_descriptions"].iloc[[1]]]),
            )
        ),
        ValueError,
        r"duplicate key campaign_id = 2",
    ),
    (
        "household_weeks duplicated campaign reach",
        lambda: hw_weeks(cj("campaigns", pd.concat([CJ["campaigns"], CJ["campaigns"].iloc[[0]]]))),
        ValueError,
        r"tables\['campaigns'\].*duplicate key \(campaign_id, household_id\) = \(1, 10\)",
    ),
    (
        "household_weeks unknown campaign type",
        lambda: hw_weeks(
            cj(
                "campaign_descriptions",
                CJ["campaign_descriptions"].assign(campaign_type=["Type A", "Type D", "Type C"]),
            )
        ),
        ValueError,
        r"'campaign_type'.*must be one of \['Type A', 'Type B', 'Type C'\].*Type D",
    ),
    (
        "household_weeks missing campaign type",
        lambda: hw_weeks(
            cj(
                "campaign_descriptions",
                CJ["campaign_descriptions"].assign(campaign_type=["Type A", None, "Type C"]),
            )
        ),
        ValueError,
        r"'campaign_type'.*must not be missing",
    ),
    (
        "household_weeks redemption outside its campaign",
        lambda: hw_weeks(
            cj(
                "coupon_redemptions",
                CJ["coupon_redemptions"].assign(
                    redemption_date=pd.to_datetime(["2017-01-03", "2017-03-08", "2017-12-31"])
                ),
            )
        ),
        ValueError,
        r"'redemption_date'.*within its campaign's start_date and end_date.*campaign 2",
    ),
    (
        "household_weeks redemption date with a time",
        lambda: hw_weeks(
            cj(
                "coupon_redemptions",
                CJ["coupon_redemptions"].assign(
                    redemption_date=pd.to_datetime(
                        ["2017-01-03 10:00", "2017-01-08 00:00", "2017-12-31 00:00"]
                    )
                ),
            )
        ),
        ValueError,
        r"'redemption_date'.*must be a date in 2017",
    ),
    (
        "household_weeks campaign of an unknown household",
        lambda: hw_weeks(cj("campaigns", CJ["campaigns"].replace({"household_id": {20: 99}}))),
        ValueError,
        r"tables\['campaigns'\].*household_id.*99",
    ),
    (
        "household_weeks coupon of an unknown campaign",
        lambda: hw_weeks(cj("coupons", CJ["coupons"].replace({"campaign_id": {3: 9}}))),
        ValueError,
        r"tables\['coupons'\].*campaign_id.*9",
    ),
    (
        "household_weeks negative id",
        lambda: hw_weeks(cj("transactions", tx_with(basket_id=(4, -3001)))),
        ValueError,
        r"'basket_id'.*must be a positive id.*-3001",
    ),
    (
        "household_weeks rows shuffled and odd index",
        lambda: _hw_same({k: _shuffled(k) for k in CJ}),
        None,
        None,
    ),
    (
        "household_weeks int64 ids",
        lambda: _hw_same(cj("transactions", CJ["transactions"].astype({"household_id": "int64"}))),
        None,
        None,
    ),
    (
        "household_weeks no redemption",
        lambda: (
            lambda hw: (
                None
                if (hw["n_coupons_redeemed"] == 0).all() and len(hw) == 3 * 53
                else (_ for _ in ()).throw(AssertionError("redemptions counted"))
            )
        )(hw_weeks(cj("coupon_redemptions", CJ["coupon_redemptions"].iloc[:0]))),
        None,
        None,
    ),
    # the product x store x week table
    (
        "product_store_weeks duplicated transaction row",
        lambda: ps_weeks(
            cj("transactions", pd.concat([CJ["transactions"], CJ["transactions"].iloc[[3]]]))
        ),
        ValueError,
        r"duplicate key \(basket_id, product_id\) = \(2001, 100\)",
    ),
    (
        "product_store_weeks NaN quantity",
        lambda: ps_weeks(cj("transactions", tx_with(quantity=(0, np.nan)))),
        ValueError,
        r"'quantity'.*must not be missing",
    ),
    (
        "product_store_weeks negative quantity",
        lambda: ps_weeks(cj("transactions", tx_with(quantity=(0, -2)))),
        ValueError,
        r"'quantity'.*must be a count >= 0.*-2",
    ),
    (
        "product_store_weeks missing display code",
        lambda: ps_weeks(
            cj(
                "promotions",
                CJ["promotions"].assign(
                    display_location=pd.Categorical([None, "0"], categories=list("012345679A"))
                ),
            )
        ),
        ValueError,
        r"'display_location'.*must not be missing",
    ),
    (
        "product_store_weeks unknown mailer code",
        lambda: ps_weeks(cj("promotions", CJ["promotions"].assign(mailer_location=["0", "Q"]))),
        ValueError,
        r"'mailer_location'.*must be one of",
    ),
    (
        "product_store_weeks float week",
        lambda: ps_weeks(cj("promotions", CJ["promotions"].assign(week=[1.0, 5.5]))),
        TypeError,
        r"tables\['promotions'\] column 'week' must be int",
    ),
    (
        "product_store_weeks promotion in an unknown store",
        lambda: ps_weeks(cj("promotions", CJ["promotions"].assign(store_id=[1, 9]))),
        ValueError,
        r"tables\['promotions'\].*store_id.*9",
    ),
    (
        "product_store_weeks missing basket_id",
        lambda: ps_weeks(cj("transactions", CJ["transactions"].drop(columns="basket_id"))),
        ValueError,
        r"tables\['transactions'\] is missing columns \['basket_id'\]",
    ),
    (
        "product_store_weeks week 0",
        lambda: ps_weeks(cj("promotions", CJ["promotions"].assign(week=np.int8(0)))),
        ValueError,
        r"column 'week' must be in \[1, 53\]; got 0",
    ),
    (
        "product_store_weeks rows shuffled",
        lambda: _ps_same({k: _shuffled(k) for k in CJ}),
        None,
        None,
    ),
]

# ---------------------------------------------------------------------------------------------
# completejourney-study cases


def household_weeks(spend: dict) -> pd.DataFrame:
    ids = sorted(spend)
    values = np.array([spend[h] for h in ids], dtype=float)
    return pd.DataFrame(
        {
            "household_id": np.repeat(ids, 53),
            "week": np.tile(np.arange(1, 54), len(ids)),
            "spend_usd": values.ravel(),
            "n_baskets": (values.ravel() > 0).astype(int) * 2,
        }
    )


def study_tables() -> dict[str, pd.DataFrame]:
    cd = pd.DataFrame(
        {
            "campaign_id": [1, 2, 3],
            "campaign_type": pd.Categorical(["Type A", "Type B", "Type B"]),
            "start_date": pd.to_datetime(["2017-03-06", "2016-12-20", "2017-01-03"]),
            "end_date": pd.to_datetime(["2017-03-19", "2017-01-20", "2017-01-20"]),
        }
    )
    campaigns = pd.DataFrame({"campaign_id": [1, 1, 1, 2, 3], "household_id": [10, 20, 30, 30, 20]})
    red = pd.DataFrame(
        {
            "household_id": [10, 10],
            "campaign_id": [1, 1],
            "coupon_upc": [5, 6],
            "redemption_date": pd.to_datetime(["2017-03-07", "2017-03-08"]),
        }
    )
    return {"campaign_descriptions": cd, "campaigns": campaigns, "coupon_redemptions": red}


ST = study_tables()
SPEND = {
    10: [20.0] * 10 + [40.0, 40.0] + [20.0] * 41,
    20: [10.0] * 53,
    30: [0.0] + [5.0] * 52,
    40: [8.0] * 53,
}
HW = household_weeks(SPEND)
ROWS = cjs.redemption_table(ST, HW, pre_weeks=6)
RT_OK = ROWS.copy()


def st(name, df):
    return {**ST, name: df}


def cd_with(**cols):
    return st("campaign_descriptions", ST["campaign_descriptions"].assign(**cols))


def hw_with(col, row, value):
    df = HW.copy()
    if isinstance(value, str) or (isinstance(value, float) and np.isnan(value)):
        df[col] = df[col].astype(object if isinstance(value, str) else float)
    df.loc[row, col] = value
    return df


def _rt_same(hw):
    got = cjs.redemption_table(ST, hw, pre_weeks=6)
    pd.testing.assert_frame_equal(got, RT_OK)


def _row(h, w):
    return (sorted(SPEND).index(h)) * 53 + w - 1


GAP_ROWS = pd.DataFrame(
    {
        "household_id": np.arange(40),
        "redeemed": np.arange(40) % 4 == 0,
        "spend_before": 10.0 + np.arange(40) % 7,
        "spend_during": 11.0 + np.arange(40) % 5,
    }
)


def gap(table, **kw):
    return cjs.redeemer_gap(table, **{"n_boot": 50, "rng": 1, **kw})


PSW = pd.DataFrame(
    {
        "product_id": [1, 1, 2, 3],
        "store_id": [7, 7, 7, 8],
        "week": [2, 3, 2, 5],
        "units": [4, 0, 1, 2],
        "sales_usd": [8.0, 0.0, 1.0, 2.0],
        "in_mailer": [False, True, False, False],
        "on_display": [False, False, True, False],
    }
)
PTX = pd.DataFrame(
    {
        "product_id": [1, 1, 2, 3, 1],
        "week": [2, 3, 2, 5, 5],
        "sales_value": [8.0, 3.0, 1.0, 2.0, 1.0],
        "retail_disc": [2.0, 1.0, 0.0, 0.0, 0.0],
    }
)
PRODUCTS = pd.DataFrame({"product_id": [1, 2, 3], "department": ["GROCERY", "FUEL", "DELI"]})
PT = {"transactions": PTX, "products": PRODUCTS}


def promo(tables=None, psw=None, **kw):
    return cjs.promotion_panel(tables or PT, PSW if psw is None else psw, **{"n_products": 5, **kw})


def psw_with(col, row, value):
    df = PSW.copy()
    if isinstance(value, str) or (isinstance(value, float) and np.isnan(value)):
        df[col] = df[col].astype(object if isinstance(value, str) else float)
    df.loc[row, col] = value
    return df


def _raises_nothing_but(check):
    def run():
        assert check(), "wrong result"

    return run


STUDY_CASES = [
    # campaign_panel
    (
        "campaign_panel tables list",
        lambda: cjs.campaign_panel([ST], HW),
        TypeError,
        r"'tables' must be a mapping",
    ),
    (
        "campaign_panel household_weeks list",
        lambda: cjs.campaign_panel(ST, HW.to_numpy()),
        TypeError,
        r"'household_weeks' must be a pandas DataFrame",
    ),
    (
        "campaign_panel campaigns not a frame",
        lambda: cjs.campaign_panel(st("campaigns", {"campaign_id": [1]}), HW),
        TypeError,
        r"tables\['campaigns'\] must be a pandas DataFrame",
    ),
    (
        "campaign_panel campaigns missing column",
        lambda: cjs.campaign_panel(st("campaigns", ST["campaigns"][["campaign_id"]]), HW),
        ValueError,
        r"tables\['campaigns'\] is missing columns \['household_id'\]",
    ),
    (
        "campaign_panel NaT start date",
        lambda: cjs.campaign_panel(
            cd_with(start_date=pd.to_datetime(["2017-03-06", None, "2017-01-03"])), HW
        ),
        ValueError,
        r"'start_date'.*must not be missing",
    ),
    (
        "campaign_panel campaign not described",
        lambda: cjs.campaign_panel(
            st("campaigns", ST["campaigns"].replace({"campaign_id": {2: 7}})), HW
        ),
        ValueError,
        r"tables\['campaigns'\].*campaign_id.*7",
    ),
    (
        "campaign_panel n_baskets NaN",
        lambda: cjs.campaign_panel(ST, hw_with("n_baskets", 5, np.nan)),
        ValueError,
        r"'household_weeks' column 'n_baskets' must hold finite numbers >= 0; row 5",
    ),
    (
        "campaign_panel n_baskets strings",
        lambda: cjs.campaign_panel(ST, hw_with("n_baskets", 5, "2")),
        TypeError,
        r"'household_weeks' column 'n_baskets' must be numeric",
    ),
    (
        "campaign_panel duplicated household-week",
        lambda: cjs.campaign_panel(ST, pd.concat([HW, HW.iloc[[60]]])),
        ValueError,
        r"'household_weeks' must have one row per household_id and week.*\(20, 8\)",
    ),
    (
        "campaign_panel week 54",
        lambda: cjs.campaign_panel(ST, hw_with("week", 3, 54)),
        ValueError,
        r"'household_weeks' column 'week' must be.*\[1, 53\].*54",
    ),
    (
        "campaign_panel swapped campaign dates",
        lambda: cjs.campaign_panel(
            cd_with(end_date=pd.to_datetime(["2017-03-01", "2017-01-20", "2017-01-20"])), HW
        ),
        ValueError,
        r"'end_date'.*must not be before start_date",
    ),
    # household_basket_counts
    (
        "household_basket_counts list",
        lambda: cjs.household_basket_counts([1, 2]),
        TypeError,
        r"'household_weeks' must be a pandas DataFrame",
    ),
    (
        "household_basket_counts negative",
        lambda: cjs.household_basket_counts(hw_with("n_baskets", 0, -2)),
        ValueError,
        r"'n_baskets' must hold finite numbers >= 0; row 0",
    ),
    (
        "household_basket_counts NaN",
        lambda: cjs.household_basket_counts(hw_with("n_baskets", 0, np.nan)),
        ValueError,
        r"'n_baskets' must hold finite numbers >= 0",
    ),
    (
        "household_basket_counts duplicated rows",
        lambda: cjs.household_basket_counts(pd.concat([HW, HW.iloc[[0]]])),
        ValueError,
        r"one row per household_id and week.*\(10, 1\)",
    ),
    (
        "household_basket_counts NaN household",
        lambda: cjs.household_basket_counts(hw_with("household_id", 0, np.nan)),
        ValueError,
        r"'household_weeks' column 'household_id' must not be missing.*row 0",
    ),
    (
        "household_basket_counts empty",
        _raises_nothing_but(lambda: len(cjs.household_basket_counts(HW.iloc[:0])) == 0),
        None,
        None,
    ),
    # promotion_panel
    ("promotion_panel n_products 0", lambda: promo(n_products=0), ValueError, r"'n_products'"),
    ("promotion_panel n_products '3'", lambda: promo(n_products="3"), TypeError, r"'n_products'"),
    (
        "promotion_panel products missing department",
        lambda: promo({**PT, "products": PRODUCTS[["product_id"]]}),
        ValueError,
        r"tables\['products'\] is missing columns \['department'\]",
    ),
    (
        "promotion_panel transactions missing retail_disc",
        lambda: promo({**PT, "transactions": PTX.drop(columns="retail_disc")}),
        ValueError,
        r"tables\['transactions'\] is missing columns \['retail_disc'\]",
    ),
    (
        "promotion_panel NaN units",
        lambda: promo(psw=psw_with("units", 1, np.nan)),
        ValueError,
        r"'product_store_weeks' column 'units' must hold finite numbers >= 0; row 1",
    ),
    (
        "promotion_panel duplicated product-store-week",
        lambda: promo(psw=pd.concat([PSW, PSW.iloc[[0]]])),
        ValueError,
        r"'product_store_weeks' must have one row per.*\(1, 7, 2\)",
    ),
    (
        "promotion_panel week 60",
        lambda: promo(psw=psw_with("week", 1, 60)),
        ValueError,
        r"'product_store_weeks' column 'week'.*\[1, 53\].*60",
    ),
    (
        "promotion_panel in_mailer strings",
        lambda: promo(psw=psw_with("in_mailer", 1, "yes")),
        TypeError,
        r"'product_store_weeks' column 'in_mailer' must be bool",
    ),
    (
        "promotion_panel negative discount",
        lambda: promo({**PT, "transactions": PTX.assign(retail_disc=[2.0, -1.0, 0, 0, 0])}),
        ValueError,
        r"tables\['transactions'\], column 'retail_disc': must be finite and >= 0.*rows \[1\]",
    ),
    (
        "promotion_panel store id over 2**20",
        lambda: promo(psw=psw_with("store_id", 0, 2**21)),
        ValueError,
        r"'product_store_weeks' column 'store_id' must be.*\[0, 1048575\].*2097152",
    ),
    (
        "promotion_panel sales strings",
        lambda: promo({**PT, "transactions": PTX.assign(sales_value=["8", "3", "1", "2", "1"])}),
        TypeError,
        r"tables\['transactions'\] column 'sales_value' must be float",
    ),
    # redemption_table
    (
        "redemption_table one household dropped",
        lambda: cjs.redemption_table(ST, HW[HW["household_id"] != 20], pre_weeks=6),
        ValueError,
        r"'household_weeks' has no row for household_id 20",
    ),
    (
        "redemption_table one household-week duplicated",
        lambda: cjs.redemption_table(ST, pd.concat([HW, HW.iloc[[_row(20, 8)]]]), pre_weeks=6),
        ValueError,
        r"'household_weeks' must have one row per household_id and week.*\(20, 8\)",
    ),
    (
        "redemption_table duplicate and drop (same length)",
        lambda: cjs.redemption_table(
            ST,
            pd.concat([HW.drop(index=_row(10, 53)), HW.iloc[[_row(20, 8)]]]),
            pre_weeks=6,
        ),
        ValueError,
        r"one row per household_id and week.*\(20, 8\)",
    ),
    (
        "redemption_table one household-week missing",
        lambda: cjs.redemption_table(ST, HW.drop(index=_row(30, 40)), pre_weeks=6),
        ValueError,
        r"'household_weeks' must have every week 1-53 of each household.*30",
    ),
    (
        "redemption_table weeks out of order",
        lambda: _rt_same(HW.sample(frac=1.0, random_state=3)),
        None,
        None,
    ),
    (
        "redemption_table NaN spend",
        lambda: cjs.redemption_table(ST, hw_with("spend_usd", _row(10, 11), np.nan)),
        ValueError,
        r"'household_weeks' column 'spend_usd' must hold finite numbers >= 0; row 10",
    ),
    (
        "redemption_table negative spend",
        lambda: cjs.redemption_table(ST, hw_with("spend_usd", 3, -5.0)),
        ValueError,
        r"'spend_usd' must hold finite numbers >= 0; row 3",
    ),
    (
        "redemption_table spend strings",
        lambda: cjs.redemption_table(ST, hw_with("spend_usd", 3, "5")),
        TypeError,
        r"'household_weeks' column 'spend_usd' must be numeric",
    ),
    (
        "redemption_table pre_weeks 0",
        lambda: cjs.redemption_table(ST, HW, pre_weeks=0),
        ValueError,
        r"'pre_weeks' must be an int in \[1, 52\]; got 0",
    ),
    (
        "redemption_table pre_weeks 6.0",
        lambda: cjs.redemption_table(ST, HW, pre_weeks=6.0),
        TypeError,
        r"'pre_weeks' must be an int",
    ),
    (
        "redemption_table NaT start date",
        lambda: cjs.redemption_table(
            cd_with(start_date=pd.to_datetime(["2017-03-06", "2016-12-20", None])), HW
        ),
        ValueError,
        r"'start_date'.*must not be missing",
    ),
    (
        "redemption_table swapped dates",
        lambda: cjs.redemption_table(
            cd_with(end_date=pd.to_datetime(["2017-02-19", "2017-01-20", "2017-01-20"])), HW
        ),
        ValueError,
        r"'end_date'.*must not be before start_date.*2017-03-06 to 2017-02-19",
    ),
    (
        "redemption_table campaign not described",
        lambda: cjs.redemption_table(
            st("campaigns", ST["campaigns"].replace({"campaign_id": {1: 8}})), HW
        ),
        ValueError,
        r"tables\['campaigns'\].*campaign_id.*8",
    ),
    (
        "redemption_table redemptions missing column",
        lambda: cjs.redemption_table(
            st("coupon_redemptions", ST["coupon_redemptions"].drop(columns="campaign_id")), HW
        ),
        ValueError,
        r"tables\['coupon_redemptions'\] is missing columns \['campaign_id'\]",
    ),
    (
        "redemption_table campaign starting in 2018 left out",
        _raises_nothing_but(
            lambda: cjs.redemption_table(
                cd_with(
                    start_date=pd.to_datetime(["2017-03-06", "2016-12-20", "2018-01-03"]),
                    end_date=pd.to_datetime(["2017-03-19", "2017-01-20", "2018-01-20"]),
                ),
                HW,
            ).equals(RT_OK)
        ),
        None,
        None,
    ),
    (
        "redemption_table NaN household",
        lambda: cjs.redemption_table(ST, hw_with("household_id", 0, np.nan)),
        ValueError,
        r"'household_weeks' column 'household_id' must not be missing.*row 0",
    ),
    # redeemer_gap
    ("redeemer_gap list", lambda: gap([1]), TypeError, r"'table' must be a pandas DataFrame"),
    (
        "redeemer_gap all redeemed",
        lambda: gap(GAP_ROWS.assign(redeemed=True)),
        ValueError,
        r"needs both redeemers and non-redeemers",
    ),
    ("redeemer_gap n_boot 0", lambda: gap(GAP_ROWS, n_boot=0), ValueError, r"'n_boot'"),
    ("redeemer_gap alpha 1", lambda: gap(GAP_ROWS, alpha=1.0), ValueError, r"'alpha'"),
    (
        "redeemer_gap rng string",
        lambda: gap(GAP_ROWS, rng="seed"),
        TypeError,
        r"'rng' must be None, an int >= 0 or a numpy\.random\.Generator; got 'seed'",
    ),
    (
        "redeemer_gap NaN spend",
        lambda: gap(GAP_ROWS.assign(spend_during=np.r_[np.nan, GAP_ROWS["spend_during"][1:]])),
        ValueError,
        r"'spend_during'",
    ),
    (
        "redeemer_gap redeemed as strings",
        lambda: gap(GAP_ROWS.assign(redeemed=np.where(GAP_ROWS["redeemed"], "True", "False"))),
        TypeError,
        r"'table' column 'redeemed' must be bool.*first value 'True'",
    ),
    (
        "redeemer_gap redeemed with None",
        lambda: gap(GAP_ROWS.assign(redeemed=[None] + GAP_ROWS["redeemed"].tolist()[1:])),
        TypeError,
        r"'table' column 'redeemed' must be bool",
    ),
    (
        "redeemer_gap non-redeemers spend 0 during",
        lambda: gap(GAP_ROWS.assign(spend_during=np.where(GAP_ROWS["redeemed"], 5.0, 0.0))),
        ValueError,
        r"mean spend_during of the non-redeemers is 0",
    ),
    (
        "redeemer_gap redeemers spend 0 before",
        lambda: gap(GAP_ROWS.assign(spend_before=np.where(GAP_ROWS["redeemed"], 0.0, 5.0))),
        ValueError,
        r"mean spend_before of the redeemers is 0",
    ),
    (
        "redeemer_gap one household",
        lambda: gap(GAP_ROWS.iloc[:2].assign(household_id=7)),
        ValueError,
        r"at least 2 households.*got 1",
    ),
    (
        "redeemer_gap NaN household",
        lambda: gap(GAP_ROWS.assign(household_id=np.r_[np.nan, np.arange(1.0, 40)])),
        ValueError,
        r"'table' column 'household_id' must not be missing.*row 0",
    ),
    (
        "redeemer_gap two households, all draws undefined",
        lambda: gap(GAP_ROWS.iloc[:2], n_boot=1, rng=3),
        ValueError,
        r"no bootstrap replicate|too few households",
    ),
    (
        "redeemer_gap known answer",
        _raises_nothing_but(
            lambda: abs(cjs.redeemer_gap(ROWS, n_boot=20, rng=1).adjusted - 1.0) < 1e-12
        ),
        None,
        None,
    ),
    # redemption_rates
    (
        "redemption_rates missing column",
        lambda: cjs.redemption_rates(ROWS.drop(columns="campaign_type")),
        ValueError,
        r"'table' is missing columns \['campaign_type'\]",
    ),
    (
        "redemption_rates redeemed strings",
        lambda: cjs.redemption_rates(ROWS.assign(redeemed=["yes", "no", "no"])),
        TypeError,
        r"'table' column 'redeemed' must be bool",
    ),
    (
        "redemption_rates missing campaign type",
        lambda: cjs.redemption_rates(ROWS.assign(campaign_type=[None, "Type A", "Type A"])),
        ValueError,
        r"'table' column 'campaign_type' must not be missing.*row 0",
    ),
    ("redemption_rates alpha 0", lambda: cjs.redemption_rates(ROWS, alpha=0), ValueError, "alpha"),
    (
        "redemption_rates empty",
        _raises_nothing_but(lambda: len(cjs.redemption_rates(ROWS.iloc[:0])) == 0),
        None,
        None,
    ),
]

# ---------------------------------------------------------------------------------------------
# panel cases


def _staggered(n_units=60, n_periods=16, seed=3):
    rng = np.random.default_rng(seed)
    cohort = np.where(
        np.arange(n_units) % 3 == 0, np.nan, np.where(np.arange(n_units) % 3 == 1, 7.0, 10.0)
    )
    y = 2.0 + rng.normal(0, 0.3, (n_units, 1)) + 0.05 * np.arange(1, n_periods + 1)
    y = y + rng.normal(0, 0.1, y.shape)
    return pd.DataFrame(
        {
            "unit": np.repeat(np.arange(n_units), n_periods),
            "period": np.tile(np.arange(1, n_periods + 1), n_units),
            "y": y.ravel(),
            "first": np.repeat(cohort, n_periods),
        }
    )


SP = _staggered()
EKW = dict(unit="unit", period="period", outcome="y", first_treated="first", pre=3, post=3)


def es(panel=None, **kw):
    return pnl.event_study(SP if panel is None else panel, **{**EKW, "n_boot": 20, "rng": 1, **kw})


def sp_first(f):
    return SP.assign(first=SP["unit"].map(f).astype(float))


def _fe_df(n_units=20, n_periods=5, n_clusters=5, seed=11):
    rng = np.random.default_rng(seed)
    u = np.repeat(np.arange(n_units), n_periods)
    t = np.tile(np.arange(n_periods), n_units)
    x = rng.normal(0, 1, len(u))
    d = rng.normal(0, 1, len(u))
    y = 0.3 * x + 0.8 * d + u * 0.1 + rng.normal(0, 0.2, len(u))
    return pd.DataFrame({"unit": u, "period": t, "cluster": u % n_clusters, "x": x, "d": d, "y": y})


FE = _fe_df()


def fe(df=None, outcome="y", regressors=("x", "d"), **kw):
    kw = {"absorb": ["unit", "period"], "cluster": "cluster", **kw}
    return pnl.fixed_effects_ols(
        FE if df is None else df,
        outcome,
        list(regressors) if not isinstance(regressors, str) else regressors,
        **kw,
    )


def _fe_shuffled_same():
    a = fe()
    b = fe(FE.sample(frac=1.0, random_state=2).set_axis(np.arange(len(FE)) * 3))
    assert np.allclose(a.coef, b.coef, atol=1e-10) and np.allclose(a.se, b.se, atol=1e-10)


def _es_constant_nonzero():
    r = es(SP.assign(y=5.0))
    assert r.att == 0 and r.relative == 0 and r.naive == 0, r


PANEL_CASES = [
    ("event_study list", lambda: pnl.event_study([1], **EKW), TypeError, r"'panel' must be a"),
    ("event_study pre 0", lambda: es(pre=0), ValueError, r"'pre' must be an int"),
    ("event_study post '3'", lambda: es(post="3"), TypeError, r"'post' must be an int"),
    ("event_study alpha nan", lambda: es(alpha=np.nan), ValueError, r"'alpha'"),
    (
        "event_study rng string",
        lambda: es(rng="x"),
        TypeError,
        r"'rng' must be None, an int >= 0 or a numpy\.random\.Generator",
    ),
    (
        "event_study all treated",
        lambda: es(sp_first(lambda u: 7.0 if u % 2 else 10.0)),
        ValueError,
        r"no never-treated unit",
    ),
    ("event_study never treated", lambda: es(SP.assign(first=np.nan)), ValueError, r"no cohort"),
    (
        "event_study unbalanced",
        lambda: es(SP.iloc[1:]),
        ValueError,
        r"'panel' must be balanced",
    ),
    (
        "event_study duplicate and drop",
        lambda: es(pd.concat([SP.iloc[1:], SP.iloc[[5]]])),
        ValueError,
        r"'panel' must be balanced",
    ),
    (
        "event_study NaN outcome",
        lambda: es(SP.assign(y=np.r_[np.nan, SP["y"].to_numpy()[1:]])),
        ValueError,
        r"column 'y' must be finite numbers.*row 0",
    ),
    (
        "event_study first_treated strings",
        lambda: es(SP.assign(first=SP["first"].map(lambda v: "never" if np.isnan(v) else str(v)))),
        TypeError,
        r"column 'first' must be numeric",
    ),
    (
        "event_study first_treated between periods",
        lambda: es(sp_first(lambda u: np.nan if u % 3 == 0 else 7.5)),
        ValueError,
        r"column 'first' must be one of the periods.*7\.5",
    ),
    (
        "event_study first_treated inf",
        lambda: es(sp_first(lambda u: np.nan if u % 3 == 0 else (np.inf if u % 3 == 1 else 10.0))),
        ValueError,
        r"column 'first' must be.*inf",
    ),
    (
        "event_study period strings",
        lambda: es(SP.assign(period=SP["period"].map("p{:02d}".format))),
        TypeError,
        r"column 'period' must be numeric",
    ),
    (
        "event_study NaN unit",
        lambda: es(SP.assign(unit=np.r_[np.nan, SP["unit"].to_numpy()[1:]])),
        ValueError,
        r"must have no missing values",
    ),
    (
        "event_study constant zero outcome",
        lambda: es(SP.assign(y=0.0)),
        ValueError,
        r"mean of 'y'.*is 0.*relative",
    ),
    ("event_study constant nonzero outcome", _es_constant_nonzero, None, None),
    (
        "event_study too few units for the bootstrap",
        lambda: es(SP[SP["unit"].isin([0, 1])], n_boot=1, rng=5),
        ValueError,
        r"too few units|no bootstrap replicate",
    ),
    (
        "event_study first_treated varies",
        lambda: es(SP.assign(first=np.where(SP["period"] == 3, 7.0, SP["first"]))),
        ValueError,
        r"must be constant within each 'unit'",
    ),
    # demean
    (
        "demean columns as a str",
        lambda: pnl.demean(FE, "y", ["unit"]),
        TypeError,
        r"'columns' must be a sequence of column names, not a str; got 'y'",
    ),
    (
        "demean groups as a str",
        lambda: pnl.demean(FE, ["y"], "unit"),
        TypeError,
        r"'groups' must be a sequence of column names, not a str; got 'unit'",
    ),
    (
        "demean no group",
        lambda: pnl.demean(FE, ["y"], []),
        ValueError,
        r"'groups' must name at least one column",
    ),
    (
        "demean string column",
        lambda: pnl.demean(FE.assign(y="a"), ["y"], ["unit"]),
        TypeError,
        r"'df' column 'y' must be numeric",
    ),
    (
        "demean empty frame",
        lambda: pnl.demean(FE.iloc[:0], ["y"], ["unit"]),
        ValueError,
        r"'df' has no rows",
    ),
    (
        "demean NaN group",
        lambda: pnl.demean(FE.assign(unit=np.r_[np.nan, FE["unit"][1:]]), ["y"], ["unit"]),
        ValueError,
        r"group column 'unit' must have no missing values",
    ),
    ("demean tol 0", lambda: pnl.demean(FE, ["y"], ["unit"], tol=0), ValueError, r"'tol'"),
    (
        "demean no convergence",
        lambda: pnl.demean(FE.iloc[3:], ["y"], ["unit", "period"], max_iter=1),
        ValueError,
        r"did not converge in 1 sweeps",
    ),
    # fixed_effects_ols
    (
        "fixed_effects regressors as a str",
        lambda: fe(regressors="x"),
        TypeError,
        r"'regressors' must be a sequence of column names, not a str",
    ),
    (
        "fixed_effects absorb empty",
        lambda: fe(absorb=[]),
        ValueError,
        r"'absorb' must name at least one column",
    ),
    (
        "fixed_effects absorb as a str",
        lambda: fe(absorb="unit"),
        TypeError,
        r"'absorb' must be a sequence of column names, not a str",
    ),
    (
        "fixed_effects one cluster",
        lambda: fe(FE.assign(cluster=0)),
        ValueError,
        r"at least 2 clusters.*'cluster'.*got 1",
    ),
    (
        "fixed_effects two clusters, two regressors",
        lambda: fe(FE.assign(cluster=FE["unit"] % 2)),
        ValueError,
        r"more clusters than regressors|standard errors.*not finite",
    ),
    (
        "fixed_effects constant outcome",
        lambda: fe(FE.assign(y=1.0)),
        ValueError,
        r"outcome 'y' has no variation within the fixed effects",
    ),
    (
        "fixed_effects outcome among regressors",
        lambda: fe(regressors=["x", "y"]),
        ValueError,
        r"'outcome' 'y' must not be one of the regressors",
    ),
    (
        "fixed_effects duplicate regressors",
        lambda: fe(regressors=["x", "x"]),
        ValueError,
        r"'regressors' must not repeat a column; got \['x', 'x'\]",
    ),
    (
        "fixed_effects collinear regressors",
        lambda: fe(FE.assign(z=2 * FE["x"] + FE["d"]), regressors=["x", "d", "z"]),
        ValueError,
        r"regressors .*are collinear",
    ),
    (
        "fixed_effects outcome strings",
        lambda: fe(FE.assign(y="a")),
        TypeError,
        r"'df' column 'y' must be numeric",
    ),
    (
        "fixed_effects NaN cluster",
        lambda: fe(FE.assign(cluster=np.r_[np.nan, FE["cluster"][1:]])),
        ValueError,
        r"cluster column 'cluster' must have no missing values",
    ),
    ("fixed_effects alpha 2", lambda: fe(alpha=2), ValueError, r"'alpha'"),
    ("fixed_effects shuffled rows", _fe_shuffled_same, None, None),
    (
        "FixedEffectsFit.effect unknown term",
        lambda: fe().effect("z"),
        ValueError,
        r"'term' must be one of \['x', 'd'\]; got 'z'",
    ),
]

# ---------------------------------------------------------------------------------------------
# heterogeneity cases

COUNTS = np.array([0, 0, 1, 1, 1, 2, 2, 3, 4, 5, 7, 9, 12, 0, 1, 3, 6, 15, 2, 1])
NB = het.fit_negative_binomial(COUNTS)


def _pmf_negative():
    p = NB.pmf([-1, 0, 1])
    assert p[0] == 0 and np.isfinite(p).all(), p


HET_CASES = [
    ("rate_cv2 sigma str", lambda: het.rate_cv2("a", 1.0), TypeError, r"'sigma'"),
    ("rate_cv2 sigma nan", lambda: het.rate_cv2(np.nan, 1.0), ValueError, r"'sigma'"),
    ("rate_cv2 shape 0", lambda: het.rate_cv2(0.5, 0.0), ValueError, r"'shape'"),
    ("rate_cv2 sigma 11", lambda: het.rate_cv2(11.0, 1.0), ValueError, r"'sigma'"),
    (
        "rate_cv2 overflow",
        lambda: het.rate_cv2(10.0, 1e-300),
        ValueError,
        r"rate_cv2.*overflows.*sigma 10.*shape 1e-300",
    ),
    ("rate_cv2 shape inf", lambda: het.rate_cv2(0.0, np.inf), ValueError, r"'shape'.*got inf"),
    ("nb too few counts", lambda: het.fit_negative_binomial([1, 2]), ValueError, r"at least 10"),
    (
        "nb 2-d counts",
        lambda: het.fit_negative_binomial(COUNTS.reshape(4, 5)),
        ValueError,
        r"1-d array.*shape \(4, 5\)",
    ),
    (
        "nb negative count",
        lambda: het.fit_negative_binomial(np.r_[-1, COUNTS]),
        ValueError,
        r"non-negative integers; got -1\.0 at index 0",
    ),
    (
        "nb fractional count",
        lambda: het.fit_negative_binomial(np.r_[COUNTS, 1.5]),
        ValueError,
        r"non-negative integers; got 1\.5",
    ),
    (
        "nb NaN count",
        lambda: het.fit_negative_binomial(np.r_[COUNTS, np.nan]),
        ValueError,
        r"non-negative integers; got nan",
    ),
    (
        "nb string counts",
        lambda: het.fit_negative_binomial(["a"] * 12),
        TypeError,
        r"'counts' must be numbers; got.*'a'",
    ),
    (
        "nb None counts",
        lambda: het.fit_negative_binomial(None),
        TypeError,
        r"'counts' must be numbers; got None",
    ),
    (
        "nb huge count",
        lambda: het.fit_negative_binomial(np.r_[COUNTS, 1e308]),
        ValueError,
        r"'counts' must be.*<= 1e\+?12|too large",
    ),
    (
        "nb zero_truncated 'yes'",
        lambda: het.fit_negative_binomial(COUNTS, zero_truncated="yes"),
        TypeError,
        r"'zero_truncated' must be a bool; got 'yes'",
    ),
    (
        "nb zeros with zero_truncated",
        lambda: het.fit_negative_binomial(COUNTS, zero_truncated=True),
        ValueError,
        r"has zeros",
    ),
    (
        "nb not over-dispersed",
        lambda: het.fit_negative_binomial([1, 2] * 6),
        ValueError,
        r"not over-dispersed",
    ),
    (
        "lngp n_nodes 3",
        lambda: het.fit_lognormal_gamma_poisson(COUNTS, n_nodes=3),
        ValueError,
        r"'n_nodes'",
    ),
    (
        "lngp start with a zero",
        lambda: het.fit_lognormal_gamma_poisson(COUNTS, start=(3.0, 0.0, 1.0)),
        ValueError,
        r"'start' must be 3 positive finite numbers \(mean, sigma, shape\); got \(3\.0, 0\.0",
    ),
    (
        "lngp start of wrong length",
        lambda: het.fit_lognormal_gamma_poisson(COUNTS, start=(3.0, 0.5)),
        ValueError,
        r"'start' must be 3 positive finite numbers",
    ),
    (
        "lngp start strings",
        lambda: het.fit_lognormal_gamma_poisson(COUNTS, start=("a", "b", "c")),
        TypeError,
        r"'start' must be 3 positive finite numbers",
    ),
    (
        "lngp zero_truncated 1",
        lambda: het.fit_lognormal_gamma_poisson(COUNTS, zero_truncated=1),
        TypeError,
        r"'zero_truncated' must be a bool",
    ),
    ("CountFit.pmf of a negative count", _pmf_negative, None, None),
    (
        "CountFit.pmf fractional count",
        lambda: NB.pmf([1.5]),
        ValueError,
        r"'counts' must be integers; got 1\.5 at index 0",
    ),
    (
        "CountFit.pmf NaN count",
        lambda: NB.pmf([0, np.nan]),
        ValueError,
        r"'counts' must be integers; got nan at index 1",
    ),
    (
        "CountFit.pmf strings",
        lambda: NB.pmf(["a"]),
        TypeError,
        r"'counts' must be numbers",
    ),
]


CASES = (
    [(f"{IO}/{c[0]}", *c[1:]) for c in IO_CASES]
    + [(f"{STUDY}/{c[0]}", *c[1:]) for c in STUDY_CASES]
    + [(f"{PANEL}/{c[0]}", *c[1:]) for c in PANEL_CASES]
    + [(f"{HET}/{c[0]}", *c[1:]) for c in HET_CASES]
)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_case(case, check_case):
    check_case(case)
