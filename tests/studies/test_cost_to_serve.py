"""Tests of the cost-to-serve study (notebook 06)."""

import numpy as np
import pandas as pd
import pytest

from mcstudy._vocab import TIERS
from mcstudy.model.strategies import ValueTiered
from mcstudy.studies.cost_to_serve import (
    COST_TO_SERVE_STATISTICS,
    OPTIONS,
    assignment_margins,
    cost_to_serve_arms,
    cost_to_serve_contrasts,
    cost_to_serve_statistics,
    price_ladder,
    search_assignments,
    steer_channel_choice,
)

SHARES = (0.75, 0.20, 0.05)
TIER_PRESSURE = {"small": 0.5, "medium": 1.0, "key_account": 2.0}


def _by_key(frame: pd.DataFrame) -> dict:
    """The study's rows by key: a statistic by name, an arm's outcome by ("arm", arm, metric),
    a tier's outcome under an option by (metric, tier, option)."""
    assert list(frame.columns) == ["arm", "tier", "option", "metric", "value"]
    out = {}
    for arm, tier, option, metric, value in frame.itertuples(index=False):
        if not pd.isna(arm):
            out[("arm", arm, metric)] = value
        elif not pd.isna(tier):
            out[(metric, tier, option)] = value
        else:
            out[metric] = value
    return out


@pytest.fixture(scope="module")
def frame():
    return cost_to_serve_statistics({"n_customers": 1500}, np.random.default_rng(7))


@pytest.fixture(scope="module")
def stats(frame):
    return _by_key(frame)


def test_statistics_are_finite_and_deterministic(frame, stats):
    assert set(COST_TO_SERVE_STATISTICS) <= set(stats)
    assert np.isfinite(frame["value"]).all()
    again = cost_to_serve_statistics({"n_customers": 1500}, np.random.default_rng(7))
    pd.testing.assert_frame_equal(again, frame)
    other = _by_key(cost_to_serve_statistics({"n_customers": 1500}, np.random.default_rng(8)))
    assert other["tiered_minus_uniform_margin"] != stats["tiered_minus_uniform_margin"]
    # no metric name packs an arm, a tier or an option
    assert not frame["metric"].str.contains("/").any()


def test_contrasts_are_the_statistics_of_the_same_run(stats):
    contrasts = cost_to_serve_contrasts({"n_customers": 1500}, np.random.default_rng(7))
    assert set(contrasts) == set(COST_TO_SERVE_STATISTICS)
    assert contrasts == {k: stats[k] for k in contrasts}


def test_source_000_against_no_contact_is_the_difference_of_the_two_arms(stats):
    gap = stats["arm", "tiered", "margin"] - stats["arm", "none", "margin"]
    assert stats["tiered_minus_none_margin"] == pytest.approx(gap)
    # visits to key accounts cost more than the margin they persuade at the reference context
    assert stats["tiered_minus_none_margin"] < 0


def test_equal_budget_is_reached(stats):
    cost = stats["arm", "pair_tiered", "contact_cost"]
    assert abs(stats["tiered_minus_uniform_contact_cost"]) <= 0.021 * cost
    assert stats["arm", "none", "contact_cost"] == 0.0


def test_uniform_plans_the_same_contacts_of_each_channel_as_tiered():
    arms = cost_to_serve_arms(0.25, TIER_PRESSURE, SHARES)
    tiered, uniform = arms["tiered"], arms["uniform"]
    assert isinstance(tiered, ValueTiered) and uniform.tier_pressure is None
    planned = {}
    for tier, w in zip(TIERS, SHARES, strict=True):
        for c in tiered.tier_channels[tier]:
            share = w * 0.25 * TIER_PRESSURE[tier] / len(tiered.tier_channels[tier])
            planned[c] = planned.get(c, 0.0) + share
    uniform_planned = {c: uniform.contact_pressure * s for c, s in uniform.channels.items()}
    assert uniform_planned == pytest.approx(planned)


def test_composition_of_tier_outcomes_matches_the_simulated_tiered_arm():
    # the tiered arm is source 000's assignment; composing its tiers' outcomes from the
    # one-option arms must give the same margin up to Monte Carlo noise
    s = _by_key(cost_to_serve_statistics({"n_customers": 6000}, np.random.default_rng(3)))
    assert abs(s["tiered_composed_minus_simulated_margin"]) < 0.15 * abs(
        s["arm", "tiered", "margin"]
    )


def test_cheaper_channel_changes_follow_the_catalogue(stats):
    # small orders moved from visits (150 EUR) to the call centre (4.5 EUR): cost falls
    assert -0.8 < stats["call_centre_cost_change"] < -0.3
    assert stats["cost_per_won_call_centre"] < stats["cost_per_won_face_to_face"]
    # a costlier call centre (as dear as a visit) would cut nothing
    dear = cost_to_serve_contrasts(
        {"n_customers": 1500, "channel.cost_per_contact_eur.call_centre": 150.0},
        np.random.default_rng(7),
    )
    assert dear["call_centre_cost_change"] > -0.1


def test_price_ladder_moves_orders_out_of_the_branch_only_with_price_sensitivity():
    assert price_ladder() == {"face_to_face": 1.0, "telephone": 0.8, "website": 0.6}
    purchases = pd.DataFrame(
        {"face_to_face": [2, 0, 1], "telephone": [1, 0, 0], "website": [1, 3, 0]}
    )
    groups = ["a", "a", "b"]
    before, same = steer_channel_choice(purchases, groups, price_ladder(), 0.0)
    assert before == same == pytest.approx(3 / 8)
    _, after = steer_channel_choice(purchases, groups, price_ladder(), 1.0)
    # group a: 2 branch orders of 7 reweighted; group b: only the branch, cannot switch
    a = 7 * 2 / (2 + 1 / 0.8 + 4 / 0.6)
    assert after == pytest.approx((a + 1) / 8)
    with pytest.raises(ValueError, match=r"'elasticity' must be"):
        steer_channel_choice(purchases, groups, price_ladder(), -1.0)


def test_exact_search_enumerates_every_assignment():
    margins = pd.DataFrame(
        np.arange(18, dtype=float).reshape(3, 6), index=list(TIERS), columns=list(OPTIONS)
    ).rename_axis("tier")
    table = assignment_margins(margins, SHARES)
    assert len(table) == 6**3 and table["uniform"].sum() == 6
    best = table.loc[table["margin_per_customer_eur"].idxmax()]
    assert tuple(best[list(TIERS)]) == ("face_to_face+telephone",) * 3
    row = table[(table["small"] == "none") & (table["medium"] == "email")]
    row = row[row["key_account"] == "telephone"]
    assert row["margin_per_customer_eur"].item() == pytest.approx(0 * 0.75 + 8 * 0.2 + 15 * 0.05)
    with pytest.raises(ValueError, match="missing"):
        assignment_margins(margins.drop(columns="email"), SHARES)


def test_search_over_replications_gives_intervals_and_wins():
    rows = []
    for rep in range(5):
        for t, tier in enumerate(TIERS):
            for o, option in enumerate(OPTIONS):
                value = 10.0 * (o == t) + rep * 0.1
                rows.append((rep, tier, option, "margin", value))
    table = pd.DataFrame(rows, columns=["replication", "tier", "option", "metric", "value"])
    found = search_assignments(table, SHARES)
    top = found.iloc[0]
    assert (top["small"], top["medium"], top["key_account"]) == ("none", "postal_mail", "email")
    assert top["wins"] == 1.0 and top["n_replications"] == 5
    assert top["ci_low"] < top["mean"] < top["ci_high"]


def test_bad_parameters_are_named():
    with pytest.raises(ValueError, match=r"'pressure' must be"):
        cost_to_serve_statistics({"n_customers": 200, "pressure": 0}, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"'population.tier_shares.small' must be"):
        cost_to_serve_statistics(
            {"n_customers": 200, "population.tier_shares.small": 1.0}, np.random.default_rng(0)
        )
