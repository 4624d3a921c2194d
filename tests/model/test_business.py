"""The business-customer reference context (mcstudy.model.business)."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from mcstudy import simulate
from mcstudy.model.business import (
    BUSINESS_CHANNELS,
    business_context,
    business_defaults,
    business_space,
    load_business_context,
)
from mcstudy.model.context import model_context
from mcstudy.model.strategies import SiloedMultichannel


def test_the_context_loads_with_the_numbers_of_its_data_file():
    table = load_business_context().set_index("name")
    ctx = business_context()
    pop = ctx.population
    assert pop.basket_mean_eur == table.loc["business.basket_mean_eur", "default"]
    assert pop.purchase_rate_per_week == table.loc["business.purchase_rate_per_week", "default"]
    assert pop.tier_shares == tuple(
        table.loc[f"business.tier_shares.{t}", "default"]
        for t in ("small", "medium", "key_account")
    )
    assert pop.tier_value_multipliers == (
        1.0,
        table.loc["business.tier_value_multipliers.medium", "default"],
        table.loc["business.tier_value_multipliers.key_account", "default"],
    )
    catalogue = ctx.channels.catalogue.set_index("channel")
    for column in ("cost_per_contact_eur", "persuasion", "intrusiveness"):
        for channel in BUSINESS_CHANNELS:
            assert (
                catalogue.loc[channel, column]
                == table.loc[f"business.{column}.{channel}", "default"]
            )
    # channels the business context does not set keep the consumer catalogue's values
    consumer = model_context().channels.catalogue.set_index("channel")
    assert (
        catalogue.loc["sms", "cost_per_contact_eur"] == consumer.loc["sms", "cost_per_contact_eur"]
    )


def test_every_number_has_a_source_a_status_and_a_range_around_its_default():
    table = load_business_context()
    assert set(table["status"]) <= {"source", "assumption"}
    assert (table["source"].str.len() > 20).all()
    assert ((table["low"] <= table["default"]) & (table["default"] <= table["high"])).all()
    # business scale: orders of hundreds of euros for small accounts, a visit far above a call
    d = business_defaults()
    assert 100 <= d["business.basket_mean_eur"] <= 1000
    key = d["business.basket_mean_eur"] * d["business.tier_value_multipliers.key_account"]
    assert key >= 10_000
    assert (
        d["business.cost_per_contact_eur.face_to_face"]
        > 10 * d["business.cost_per_contact_eur.call_centre"]
    )


def test_the_consumer_context_is_unchanged_by_the_new_options():
    a, b = model_context(), model_context(context="consumer")
    assert a.population == b.population and a.response == b.response
    pd.testing.assert_frame_equal(a.channels.catalogue, b.channels.catalogue)
    ctx = model_context(catalogue=model_context().channels.catalogue)
    pd.testing.assert_frame_equal(ctx.channels.catalogue, a.channels.catalogue)


def test_model_context_gives_the_business_context_by_name():
    a = model_context({"business.basket_mean_eur": 600.0}, context="business")
    b = business_context({"business.basket_mean_eur": 600.0})
    assert a.population == b.population and a.population.basket_mean_eur == 600.0


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"params": {"business.colour": 1.0}}, ValueError, r"'business.colour' cannot be set"),
        ({"params": {"business.tier_shares.medium": 0.3}}, ValueError, r"is derived"),
        (
            {"params": {"population.basket_mean_eur": 90.0}},
            ValueError,
            r"use 'business.basket_mean_eur'",
        ),
        (
            {
                "params": {
                    "business.tier_shares.small": 0.9,
                    "business.tier_shares.key_account": 0.2,
                }
            },
            ValueError,
            r"sum above 1",
        ),
        ({"params": {"business.persuasion.email": -1.0}}, ValueError, r"business.persuasion.email"),
        ({"params": {"business.basket_mean_eur": "big"}}, TypeError, r"real number"),
        ({"params": [("business.basket_mean_eur", 1.0)]}, TypeError, r"must be a mapping"),
    ],
)
def test_bad_input_is_named(kwargs, error, match):
    with pytest.raises(error, match=match):
        business_context(**kwargs)


def test_bad_context_name_is_named():
    with pytest.raises(ValueError, match=r"'context' must be one of \['consumer', 'business'\]"):
        model_context(context="retail")


def test_space_gives_the_plausible_ranges_and_refuses_unknown_names():
    table = load_business_context().set_index("name")
    space = business_space()
    assert "business.tier_shares.medium" not in space  # derived, not varied on its own
    for name, (low, high) in space.items():
        assert (low, high) == (table.loc[name, "low"], table.loc[name, "high"])
    with pytest.raises(ValueError, match=r"not settable parameters"):
        business_space(["business.tier_shares.medium"])


def test_tier_shares_rescale_or_give_medium_the_rest():
    d = business_defaults()
    small = business_context({"business.tier_shares.small": 0.8}).population.tier_shares
    assert small[0] == 0.8 and small[1] / small[2] == pytest.approx(
        d["business.tier_shares.medium"] / d["business.tier_shares.key_account"]
    )
    key = business_context({"business.tier_shares.key_account": 0.1}).population.tier_shares
    assert key[2] == 0.1 and key[1] == pytest.approx(1 - d["business.tier_shares.small"] - 0.1)


def _visit_cost_and_revenue(params, seed=3):
    ctx = business_context(params)
    arms = {"visits": SiloedMultichannel(channels=("face_to_face",), contact_pressure=0.25)}
    res = simulate(
        dataclasses.replace(ctx.population, n_customers=600),
        arms,
        n_weeks=26,
        response=ctx.response,
        channels=ctx.channels,
        rng=seed,
    )
    c = res.customers
    return c["contacts_received"].sum(), c["revenue_eur"].mean(), res


def test_robustness_parameters_move_what_they_should():
    # a visit's cost enters the contact cost; the key-account multiplier the revenue
    base = business_context().channels.catalogue.set_index("channel")
    dear = business_context({"business.cost_per_contact_eur.face_to_face": 500.0})
    dear = dear.channels.catalogue.set_index("channel")
    assert dear.loc["face_to_face", "cost_per_contact_eur"] == 500.0
    assert (
        dear.loc["telephone", "cost_per_contact_eur"]
        == base.loc["telephone", "cost_per_contact_eur"]
    )
    _, rev_low, _ = _visit_cost_and_revenue({"business.tier_value_multipliers.key_account": 10.0})
    _, rev_high, _ = _visit_cost_and_revenue({"business.tier_value_multipliers.key_account": 100.0})
    assert rev_high > 1.5 * rev_low
    # more persuasive visits bring more revenue on the same accounts and draws
    _, rev_weak, _ = _visit_cost_and_revenue({"business.persuasion.face_to_face": 0.5})
    _, rev_strong, _ = _visit_cost_and_revenue({"business.persuasion.face_to_face": 2.0})
    assert rev_strong > rev_weak


def test_business_orders_are_on_a_business_scale():
    _, _, res = _visit_cost_and_revenue({})
    c = res.customers
    buyers = c[c["n_purchases"] > 0]
    per_order = (buyers["revenue_eur"] / buyers["n_purchases"]).groupby(buyers["tier"]).mean()
    assert 150 < per_order["small"] < 1500
    assert per_order["key_account"] > 5_000
    assert isinstance(per_order, pd.Series) and np.isfinite(per_order).all()
