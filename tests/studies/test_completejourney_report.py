"""Tests of the Complete Journey report modules on synthetic panels with planted effects.

mcstudy.studies.completejourney_report (campaigns, mailer and displays) and
completejourney_claims (coupons, heterogeneity, the claims' estimates).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mcstudy.claims import judge
from mcstudy.studies import completejourney_claims as journey_claims
from mcstudy.studies import completejourney_report as journey


def campaign_panel(n: int = 600, seed: int = 3) -> pd.DataFrame:
    """Households x 53 weeks; reached households buy more before (selection), +0.2 baskets after."""
    rng = np.random.default_rng(seed)
    first = rng.choice([1.0, 15.0, 25.0, np.nan], size=n, p=[0.1, 0.25, 0.25, 0.4])
    level = 1.0 + 0.8 * ~np.isnan(first) + rng.gamma(2, 0.2, n)
    week = np.arange(1, 54)
    rate = np.broadcast_to(level[:, None], (n, 53)).copy()
    rate[np.nan_to_num(week[None, :] - first[:, None], nan=-1) >= 0] += 0.2
    baskets = rng.poisson(rate)
    return pd.DataFrame(
        {
            "household_id": np.repeat(np.arange(n), 53),
            "week": np.tile(week, n),
            "first_campaign_week": np.repeat(first, 53),
            "n_baskets": baskets.ravel(),
            "active": (baskets.ravel() > 0).astype(int),
            "spend_usd": baskets.ravel() * 20.0,
        }
    )


def promo_panel(n_products: int = 40, n_stores: int = 3, seed: int = 5) -> pd.DataFrame:
    """Product x store x week; the mailer adds 0.3 log units, the discount 1.0 per unit share."""
    rng = np.random.default_rng(seed)
    rows = n_products * n_stores * 30
    product = np.repeat(np.arange(n_products), n_stores * 30)
    store = np.tile(np.repeat(np.arange(n_stores), 30), n_products)
    week = np.tile(np.arange(1, 31), n_products * n_stores)
    discount = rng.random(rows) * (rng.random(rows) < 0.3)
    mailer = (rng.random(rows) < 0.1 + discount).astype(float)
    display = (rng.random(rows) < 0.15).astype(float)
    log_units = 0.3 * mailer + 1.0 * discount + 0.05 * product + rng.normal(0, 0.3, rows)
    return pd.DataFrame(
        {
            "product_id": product,
            "store_id": store,
            "product_store": product * 100 + store,
            "week": week,
            "in_mailer": mailer,
            "on_display": display,
            "discount_share": discount,
            "log_units": log_units,
            "units": np.expm1(log_units.clip(0)),
        }
    )


def redemptions(n: int = 400, seed: int = 0) -> pd.DataFrame:
    """Household-campaigns of two types; redeemers spend twice as much before and during."""
    rng = np.random.default_rng(seed)
    base = rng.gamma(2, 10, n)
    redeemed = rng.random(n) < 0.3
    before = base * np.where(redeemed, 2.0, 1.0)
    return pd.DataFrame(
        {
            "household_id": np.arange(n),
            "campaign_type": rng.choice(["Type A", "Type B"], n),
            "redeemed": redeemed,
            "spend_before": before,
            "spend_during": before * 1.1,
        }
    )


@pytest.fixture(scope="module")
def studies():
    return journey.campaign_studies(campaign_panel(), pre=4, post=4, n_boot=49, rng=1)


@pytest.fixture(scope="module")
def fits():
    panel = promo_panel()
    return journey.placement_fits(panel), journey.placement_fits(panel, interaction=True)


def test_describe_tables_notes_the_main_tables():
    table = journey.describe_tables({"transactions": pd.DataFrame({"a": [1, 2]}), "other": []})
    assert table.loc["transactions"].tolist() == [2, "receipt lines"]
    assert table.loc["other", "note"] == ""


def test_reached_groups_show_the_targeting():
    groups = journey.reached_groups(campaign_panel(), pre_weeks=6)
    assert list(groups.index) == [
        "reached in 2016 / week 1",
        "first reached weeks 2-20",
        "first reached weeks 21-53",
        "never reached",
    ]
    means = groups["baskets_per_week"]
    assert means["first reached weeks 21-53"] > means["never reached"]
    text = journey.describe_targeting(groups, 6)
    assert f"{means['never reached']:.2f}" in text


def test_campaign_studies_find_the_planted_effect(studies):
    assert list(studies) == list(journey.CAMPAIGN_OUTCOMES)
    baskets = studies["n_baskets"]
    assert baskets.att == pytest.approx(0.2, abs=0.1)
    assert baskets.naive > baskets.relative  # the raw gap is mostly selection
    table = journey.campaign_table(studies)
    assert set(table["kind"]) == {
        "within household (difference in differences)",
        "observational (raw)",
    }
    effects = journey.campaign_effects(studies)
    assert effects.loc["effect (outcome units)", "n_baskets"] == baskets.att
    assert len(journey.plot_event_studies(studies).axes) == 3
    assert f"{baskets.n_never:,} households" in journey.describe_campaigns(studies)


def test_placement_fits_and_tables(fits):
    fe_fits, interaction_fits = fits
    mailer = fe_fits["with the discount"].effect("in_mailer")
    assert mailer[1] < 0.3 < mailer[2]
    assert fe_fits["without the discount"].effect("in_mailer")[0] > mailer[0]
    table = journey.fits_table(fe_fits)
    assert set(table["specification"]) == set(journey.PLACEMENT_SPECS)
    assert len(journey.plot_placement(table).axes) == 1
    assert "A discount of the" in journey.describe_placement(fe_fits)
    assert "in_mailer:on_display" in set(journey.fits_table(interaction_fits)["term"])
    assert "the interaction" in journey.describe_interaction(interaction_fits)


def test_placement_table_and_panel_size():
    panel = promo_panel()
    table = journey.placement_table(panel)
    assert table["rows"].sum() == len(panel)
    assert table.loc["mailer only", "discount_share"] > table.loc["neither", "discount_share"]
    assert journey.describe_panel(123_456, panel).startswith(
        "product x store x week table: 123,456"
    )


def test_redeemer_gaps_by_type_and_description():
    gaps = journey_claims.redeemer_gaps(redemptions(), n_boot=49, rng=2)
    assert list(gaps) == ["all campaigns", "Type A", "Type B"]
    assert gaps["all campaigns"].adjusted == pytest.approx(0.0, abs=1e-12)
    table = journey_claims.gap_table(gaps)
    assert list(dict.fromkeys(table["campaigns"])) == list(gaps)
    assert len(journey_claims.plot_redeemer_gaps(table).axes) == 1
    assert "+0.0 % more than the others'" in journey_claims.describe_redeemers(
        gaps["all campaigns"], 6
    )


@pytest.mark.filterwarnings("ignore:overflow encountered in exp:RuntimeWarning")
def test_heterogeneity_fits_against_the_simulator():
    rng = np.random.default_rng(4)
    counts = pd.Series(rng.negative_binomial(2, 2 / (2 + 30), 3_000)).pipe(lambda s: s[s > 0])
    fits = journey_claims.heterogeneity_fits(counts, n_simulated=5_000, rng=1)
    assert fits["nb"].shape == pytest.approx(2, rel=0.25)
    assert len(fits["table"]) == 3
    assert fits["table"]["model"].iloc[-1] == "simulator, calibrated defaults (assumed)"
    assert journey_claims.describe_counts(counts, fits).startswith(f"{len(counts):,} households")
    assert len(journey_claims.plot_heterogeneity(counts, fits).axes) == 1
    assert "What section 5 shows" in journey_claims.describe_heterogeneity(fits)


def test_journey_claim_estimates_are_judged_in_one_call(studies, fits):
    gap = journey_claims.redeemer_gaps(redemptions(), n_boot=49, rng=2)["all campaigns"]
    estimates = journey_claims.journey_claim_estimates(
        studies, fits[0], fits[1], gap, pre_weeks=4, post_weeks=4, n_products=40
    )
    assert list(estimates.index) == ["C000-40", "C000-41", "C002-30", "C000-44", "C000-45"]
    assert estimates.loc["C000-44", "effect"] == estimates.loc["C000-45", "effect"]
    assert estimates.loc["C000-41", "causal_ci_low"] == gap.adjusted_ci[0]
    got = judge(estimates, notebook="09_real_data_completejourney.ipynb", record=False)
    assert got.set_index("claim_id").loc["C000-41", "verdict"] == "artefact"
    text = journey_claims.describe_journey_verdicts(got, studies, fits[0], fits[1], gap)
    assert all(v in text for v in got["verdict"])
