"""Notebook 06's business-to-business claims in the business context (cost_to_serve_business)."""

import numpy as np
import pandas as pd
import pytest

from mcstudy.claims.rules import Rule
from mcstudy.model.business import business_context
from mcstudy.studies import cost_to_serve_business as b2b
from mcstudy.studies.cost_to_serve import (
    COST_TO_SERVE_STATISTICS,
    business_cost_to_serve_contrasts,
    business_cost_to_serve_statistics,
    cost_to_serve_contrasts,
)
from mcstudy.studies.cost_to_serve_claims import BUSINESS_PARAMETERS, business_design_space

SMALL = {"n_customers": 300, "n_weeks": 12}


@pytest.fixture(scope="module")
def business():
    return business_cost_to_serve_contrasts(SMALL, np.random.SeedSequence(5))


def test_business_study_returns_every_statistic_and_is_the_same_run_as_its_table(business):
    assert set(business) == set(COST_TO_SERVE_STATISTICS)
    table = business_cost_to_serve_statistics(SMALL, np.random.SeedSequence(5))
    top = table[table["arm"].isna() & table["tier"].isna()].set_index("metric")["value"]
    assert top["tiered_minus_uniform_margin"] == business["tiered_minus_uniform_margin"]


def test_business_context_changes_the_scale_and_the_consumer_one_is_untouched(business):
    consumer = cost_to_serve_contrasts(SMALL, np.random.SeedSequence(5))
    again = cost_to_serve_contrasts(SMALL, np.random.SeedSequence(5))
    assert consumer == again
    table = business_cost_to_serve_statistics(SMALL, np.random.SeedSequence(5))
    revenue = table[(table["arm"] == "none") & (table["metric"] == "revenue")]["value"].iloc[0]
    assert revenue > 1_000  # accounts, not 15-euro consumers


def test_a_business_parameter_moves_the_statistic_it_drives():
    # dearer call-centre contacts make moving small accounts off visits cut less
    cheap = business_cost_to_serve_contrasts(
        {**SMALL, "business.cost_per_contact_eur.call_centre": 3.0}, np.random.SeedSequence(5)
    )
    dear = business_cost_to_serve_contrasts(
        {**SMALL, "business.cost_per_contact_eur.call_centre": 15.0}, np.random.SeedSequence(5)
    )
    assert cheap["call_centre_cost_change"] < dear["call_centre_cost_change"] < 0


def test_design_space_takes_both_files():
    space = business_design_space(others=["strategy.tier_pressure.small"])
    assert list(space)[: len(BUSINESS_PARAMETERS)] == list(BUSINESS_PARAMETERS)
    assert space["strategy.tier_pressure.small"][:2] == (0.25, 1.0)
    assert space["business.tier_value_multipliers.key_account"][2] == "log"
    declared = b2b.business_declared_space(space)
    assert declared.loc["strategy.tier_pressure.small", "file"] == "parameters.csv"
    assert declared.loc["business.basket_mean_eur", "status"] == "source"
    with pytest.raises(ValueError, match="not settable"):
        business_design_space(["business.tier_shares.medium"])


def _stats():
    names = ["tiered_minus_none_margin", "call_centre_margin_diff", "call_centre_revenue_change"]
    return pd.DataFrame(
        {"mean": [10.0, -5.0, -0.1], "ci_low": [8.0, -6.0, -0.2], "ci_high": [12.0, -4.0, 0.0]},
        index=names,
    )


def test_notes_and_conditions_print_the_computed_numbers():
    notes = b2b.business_notes(_stats(), (0.7, 0.22, 0.08))
    assert "10 EUR per account-year (8 to 12)" in notes["C000-08"]
    assert "a share 0.70 of the accounts" in notes["C000-05"]
    rule = Rule("C000-08", "x", 1, float("nan"), 1.0, "effect")
    cond = b2b.business_conditions({"C000-08": "N."}, {"C000-08": rule})
    assert cond["C000-08"].startswith("N. Simulated, business-customer reference context")
    with pytest.raises(ValueError, match="no rule"):
        b2b.business_conditions({"C9": "N."}, {})
    with pytest.raises(ValueError, match="no statistic 'tiered_minus_none_margin'"):
        b2b.business_notes(_stats().drop("tiered_minus_none_margin"), (0.7, 0.22, 0.08))


def test_c002_05_gets_a_note_with_both_parts_only_when_its_parts_are_judged():
    parts = pd.DataFrame(
        {"mean": [12.5, 25000.0], "ci_low": [10.0, 14000.0], "ci_high": [15.0, 36000.0]},
        index=["small_mail_minus_phone_margin", "key_visits_minus_none_margin"],
    )
    stats = pd.concat([_stats(), parts])
    assert "C002-05" not in b2b.business_notes(stats, (0.7, 0.22, 0.08))
    by_part = {"small_mail_minus_phone_margin": "supported", "key_visits_minus_none_margin": "x"}
    note = b2b.business_notes(stats, (0.7, 0.22, 0.08), by_part)["C002-05"]
    assert "small accounts supported (margin 12.5 EUR per account-year, 10.0 to 15.0)" in note
    assert "key accounts x (visits change a key account's margin by 25,000 EUR" in note
    with pytest.raises(ValueError, match="no statistic 'key_visits_minus_none_margin'"):
        b2b.business_notes(stats.drop("key_visits_minus_none_margin"), (0.7, 0.22, 0.08), by_part)


def test_describe_business_context_prints_the_context_numbers():
    text = b2b.describe_business_context(business_context())
    assert "450 euros" in text and "18,000" in text and "250 euros" in text


def test_context_comparison_pairs_before_and_after():
    cols = dict(verdict="supported", effect=1.0, ci_low=0.5, ci_high=1.5, robustness_share=1.0)
    before = pd.DataFrame([{"claim_id": "C000-08", **cols}])
    after = pd.DataFrame([{"claim_id": "C000-08", **cols, "effect": 900.0}])
    table = b2b.context_comparison(before, after)
    assert table.loc[("C000-08", "business (after)"), "effect"] == 900.0
    assert table.loc[("C000-08", "consumer (before)"), "effect"] == 1.0
    with pytest.raises(ValueError, match="not in 'before'"):
        b2b.context_comparison(before.assign(claim_id="C000-05"), after)
