"""Tests of the Complete Journey study tables on small hand-built tables, answers by hand."""

import numpy as np
import pandas as pd
import pytest

from mcstudy.studies.completejourney_study import (
    campaign_panel,
    household_basket_counts,
    promotion_panel,
    redeemer_gap,
    redemption_rates,
    redemption_table,
)


def household_weeks(spend):
    """A household x week table from {household: 53 weekly spends}."""
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


def tables():
    # campaign 1 starts Monday 6 March 2017 (week 11), ends 19 March (week 12);
    # campaign 2 started in 2016 (week -1); campaign 3 starts 3 January (week 2), too early
    campaign_descriptions = pd.DataFrame(
        {
            "campaign_id": [1, 2, 3],
            "campaign_type": pd.Categorical(["Type A", "Type B", "Type B"]),
            "start_date": pd.to_datetime(["2017-03-06", "2016-12-20", "2017-01-03"]),
            "end_date": pd.to_datetime(["2017-03-19", "2017-01-20", "2017-01-20"]),
        }
    )
    campaigns = pd.DataFrame({"campaign_id": [1, 1, 1, 2, 3], "household_id": [10, 20, 30, 30, 20]})
    coupon_redemptions = pd.DataFrame(
        {
            "household_id": [10, 10],
            "campaign_id": [1, 1],
            "coupon_upc": [5, 6],
            "redemption_date": pd.to_datetime(["2017-03-07", "2017-03-08"]),
        }
    )
    return {
        "campaign_descriptions": campaign_descriptions,
        "campaigns": campaigns,
        "coupon_redemptions": coupon_redemptions,
    }


SPEND = {
    # household 10: 20 a week, 40 in the campaign's two weeks (11, 12)
    10: [20.0] * 10 + [40.0, 40.0] + [20.0] * 41,
    # household 20: 10 a week throughout
    20: [10.0] * 53,
    # household 30: 5 a week, 0 in week 1
    30: [0.0] + [5.0] * 52,
    # household 40: never reached
    40: [8.0] * 53,
}


def test_campaign_panel_first_week_and_activity():
    panel = campaign_panel(tables(), household_weeks(SPEND))
    first = panel.drop_duplicates("household_id").set_index("household_id")["first_campaign_week"]
    # 10: campaign 1 (week 11); 20: campaign 3 (week 2) before campaign 1; 30: campaign 2
    # started Tuesday 20 December 2016, week 0; 40: never reached
    assert first.loc[10] == 11 and first.loc[20] == 2 and first.loc[30] == 0
    assert np.isnan(first.loc[40])
    assert panel["reached"].sum() == 3 * 53
    assert panel.loc[(panel["household_id"] == 30) & (panel["week"] == 1), "active"].item() == 0


def test_redemption_table_spend_windows():
    rows = redemption_table(tables(), household_weeks(SPEND), pre_weeks=6)
    # only campaign 1 starts after week 6; it reached 10, 20 and 30
    assert rows["campaign_id"].tolist() == [1, 1, 1]
    r = rows.set_index("household_id")
    assert r["redeemed"].tolist() == [True, False, False]
    assert (r.loc[10, "start_week"], r.loc[10, "end_week"]) == (11, 12)
    assert r.loc[10, "spend_during"] == 40 and r.loc[10, "spend_before"] == 20
    assert r.loc[20, "spend_during"] == 10 and r.loc[30, "spend_before"] == 5


def test_redeemer_gap_known_answer():
    rows = redemption_table(tables(), household_weeks(SPEND), pre_weeks=6)
    gap = redeemer_gap(rows, n_boot=50, rng=1)
    # during: redeemer 40 vs others (10 + 5) / 2 = 7.5 -> 40 / 7.5 - 1
    assert gap.raw == pytest.approx(40 / 7.5 - 1)
    # before: 20 vs 7.5; ratio of ratios (40 / 20) / (7.5 / 7.5) - 1 = 1
    assert gap.before == pytest.approx(20 / 7.5 - 1)
    assert gap.adjusted == pytest.approx(1.0)
    assert (gap.n_rows, gap.n_households, gap.n_redeemed) == (3, 3, 1)


def test_redeemer_gap_selection_only():
    # redeemers buy twice as much before and during: the ratio of ratios is 0
    rng = np.random.default_rng(0)
    n = 400
    base = rng.gamma(2, 10, n)
    redeemed = rng.random(n) < 0.3
    before = base * np.where(redeemed, 2.0, 1.0)
    rows = pd.DataFrame(
        {
            "household_id": np.arange(n),
            "redeemed": redeemed,
            "spend_before": before,
            "spend_during": before * 1.1,
        }
    )
    gap = redeemer_gap(rows, n_boot=200, rng=2)
    assert gap.adjusted == pytest.approx(0.0, abs=1e-12)
    assert gap.raw_ci[0] > 0.5  # the raw gap is all selection
    with pytest.raises(ValueError, match=r"needs both redeemers and non-redeemers"):
        redeemer_gap(rows.assign(redeemed=True))


def test_redemption_rates_by_type():
    rows = redemption_table(tables(), household_weeks(SPEND), pre_weeks=6)
    rates = redemption_rates(rows).set_index("campaign_type")
    assert rates.loc["Type A", ["campaigns", "reached", "redeemed"]].tolist() == [1, 3, 1]
    assert rates.loc["Type A", "share"] == pytest.approx(1 / 3)
    assert rates.loc["Type A", "ci_low"] < 1 / 3 < rates.loc["Type A", "ci_high"]


def test_household_basket_counts():
    counts = household_basket_counts(household_weeks(SPEND))
    assert counts.loc[30] == 104 and counts.loc[10] == 106


def test_promotion_panel_completes_weeks_and_joins_the_discount():
    psw = pd.DataFrame(
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
    tx = pd.DataFrame(
        {
            "product_id": [1, 1, 2, 3, 1],
            "week": [2, 3, 2, 5, 5],
            "sales_value": [8.0, 3.0, 1.0, 2.0, 1.0],
            "retail_disc": [2.0, 1.0, 0.0, 0.0, 0.0],
        }
    )
    products = pd.DataFrame({"product_id": [1, 2, 3], "department": ["GROCERY", "FUEL", "DELI"]})
    panel = promotion_panel({"transactions": tx, "products": products}, psw, n_products=5)
    # store 8 has no promotion record: product 3 is left out; product 2 is fuel
    assert panel["product_id"].unique().tolist() == [1]
    # product 1 sold somewhere in weeks 2, 3 and 5: those product-weeks stay
    assert panel["week"].tolist() == [2, 3, 5]
    assert panel["units"].tolist() == [4.0, 0.0, 0.0]
    assert panel["in_mailer"].tolist() == [0.0, 1.0, 0.0]
    assert panel["discount_share"].tolist() == pytest.approx([0.2, 0.25, 0.0])
    assert panel["log_units"].iloc[0] == pytest.approx(np.log(5))
