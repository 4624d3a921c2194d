import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from mcstudy.model import _kernel
from mcstudy.model.engine import BLOCK_SIZE, simulate
from mcstudy.model.population import PopulationSpec
from mcstudy.model.response import ResponseSpec
from mcstudy.model.strategies import (
    CrossChannel,
    Monochannel,
    Omnichannel,
    SiloedMultichannel,
    ValueTiered,
    make_strategy,
)

ARMS = {"siloed": SiloedMultichannel(), "omni": Omnichannel(deployment_lag_weeks=0)}
FAST = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def small(n=2000, **kw):
    return PopulationSpec(n_customers=n, **kw)


# --- reproducibility -------------------------------------------------------------------------


def test_same_seed_same_tables_whatever_the_threads():
    spec = small(2 * BLOCK_SIZE + 500)
    a = simulate(spec, ARMS, n_weeks=20, rng=7, n_threads=1)
    b = simulate(spec, ARMS, n_weeks=20, rng=7, n_threads=2)
    c = simulate(spec, ARMS, n_weeks=20, rng=np.random.SeedSequence(7), n_threads=3)
    for name in ("customers", "weekly", "journeys", "costs"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
        pd.testing.assert_frame_equal(getattr(a, name), getattr(c, name))


def test_customers_do_not_depend_on_how_the_population_is_cut():
    # Blocks own their streams: the customers of a complete block are the same people, with
    # the same histories, in a bigger run.
    a = simulate(small(BLOCK_SIZE + 300), ARMS, n_weeks=10, rng=3).customers
    b = simulate(small(2 * BLOCK_SIZE + 10), ARMS, n_weeks=10, rng=3).customers
    pd.testing.assert_frame_equal(a.iloc[:BLOCK_SIZE], b.iloc[:BLOCK_SIZE])


def test_different_seeds_differ():
    a = simulate(small(), ARMS, n_weeks=10, rng=1).customers
    b = simulate(small(), ARMS, n_weeks=10, rng=2).customers
    assert not a["n_purchases"].equals(b["n_purchases"])
    assert not np.allclose(a["engagement"], b["engagement"])


def test_generator_argument_advances():
    rng = np.random.default_rng(5)
    a = simulate(small(500), n_weeks=5, rng=rng).customers
    b = simulate(small(500), n_weeks=5, rng=rng).customers
    assert not a["engagement"].equals(b["engagement"])


# --- invariants (property tests) -------------------------------------------------------------


@FAST
@given(
    n=st.integers(1, 600),
    weeks=st.integers(1, 30),
    seed=st.integers(0, 2**32 - 1),
    pressure=st.floats(0, 8),
    name=st.sampled_from(["siloed", "omnichannel", "cross_channel", "monochannel", "value_tiered"]),
)
def test_invariants(n, weeks, seed, pressure, name):
    strategy = make_strategy(name, contact_pressure=pressure)
    res = simulate(small(n), strategy, n_weeks=weeks, rng=seed, n_journeys=n)
    c, w, j = res.customers, res.weekly, res.journeys
    counts = c.select_dtypes("number").drop(columns=["churn_week"])
    assert (counts >= 0).all().all()
    # customers conserved
    assert len(c) == n and c["customer_id"].tolist() == list(range(n))
    first_week = w.loc[w["week"] == 0].groupby("arm", observed=True)["active_customers"].first()
    assert first_week.sum() == n
    active = w.groupby("week")["active_customers"].first().to_numpy()
    assert (np.diff(active) <= 0).all()
    assert active[-1] == n - c.loc[c["churn_week"] < weeks - 1, "churn_week"].count()
    # totals agree between tables
    assert w["contacts"].sum() == c["contacts_received"].sum()
    assert w["purchases"].sum() == c["n_purchases"].sum()
    assert np.isclose(w["revenue_eur"].sum(), c["revenue_eur"].sum())
    assert (c["contacts_attended"] + c["contacts_clutter"] == c["contacts_received"]).all()
    assert (c["contacts_attended"] <= c["attention_capacity"] * weeks).all()
    # churned customers never buy again
    churn = c.set_index("customer_id")["churn_week"]
    buys = j[j["touchpoint"] == "purchase"]
    late = buys["week"].to_numpy() > churn.reindex(buys["journey_id"]).fillna(weeks).to_numpy()
    assert not late.any()
    assert (buys.groupby("journey_id").size() > 0).all()
    # visits: organic plus triggered; triggered ones need attended contacts
    assert (c["visits"] >= c["visits_triggered"]).all()
    assert (c.loc[c["contacts_attended"] == 0, "visits_triggered"] == 0).all()
    assert w["visits"].sum() == c["visits"].sum()
    # stocks and satisfaction
    assert (c["relationship"] >= 0).all() and (c["irritation"] >= 0).all()
    assert ((c["satisfaction"] > 0) & (c["satisfaction"] < 1)).all()
    # the pre/post windows partition the horizon
    windows = res.summary_by_window()
    assert windows.groupby("arm", observed=True)["weeks"].sum().eq(weeks).all()
    # zero pressure, zero outbound contacts
    if pressure == 0:
        assert c["contacts_received"].sum() == 0 and j[j["touchpoint"] == "contact"].empty


@FAST
@given(seed=st.integers(0, 2**32 - 1), rate=st.floats(0.01, 1.0), sigma=st.floats(0.0, 2.0))
def test_breadth_ignores_purchase_rate_when_link_is_zero(seed, rate, sigma):
    # With the link at 0, breadth is drawn with the same probability for everyone, so the
    # same seed gives the same breadths whatever the purchase-rate distribution.
    base = simulate(small(300, engagement_breadth_link=0.0), n_weeks=1, rng=seed).customers
    other = simulate(
        small(
            300, engagement_breadth_link=0.0, purchase_rate_per_week=rate, engagement_sigma=sigma
        ),
        n_weeks=1,
        rng=seed,
    ).customers
    assert base["n_repertoire_channels"].equals(other["n_repertoire_channels"])


def test_breadth_correlates_with_rate_only_through_the_link():
    def rho(link):
        c = simulate(small(20_000, engagement_breadth_link=link), n_weeks=1, rng=11).customers
        return stats.spearmanr(c["n_repertoire_channels"], c["base_rate_per_week"])

    off, on = rho(0.0), rho(2.0)
    assert off.pvalue > 0.001
    assert on.statistic > 0.1 and on.pvalue < 1e-10


# --- known answers ---------------------------------------------------------------------------


def test_event_clocks_give_independent_poisson_counts():
    # A clock advanced by rate r_t each week gives Poisson(r_t) counts, independent across
    # weeks, whatever the earlier rates (memorylessness of the exponential).
    @_kernel.numba.njit
    def draw(key, rates):
        clock = np.zeros((1, 2))
        nth = np.zeros(1, np.int64)
        _kernel._start(clock, nth, 0)
        out = np.empty(rates.size, np.int64)
        for k in range(rates.size):
            out[k] = _kernel._arrivals(key, clock, nth, 0, rates[k])
        return out

    cycle = np.array([0.05, 1.3, 0.0, 7.0])
    rates = np.tile(cycle, 100_000)
    x = draw(_kernel.customer_keys(0, np.array([7]))[0], rates)
    assert (x[rates == 0] == 0).all()
    for mu in (0.05, 1.3, 7.0):
        counts = x[rates == mu]
        observed = np.bincount(counts, minlength=30)[:30]
        expected = stats.poisson.pmf(np.arange(30), mu) * len(counts)
        keep = expected > 5
        chi2 = ((observed[keep] - expected[keep]) ** 2 / expected[keep]).sum()
        assert stats.chi2.sf(chi2, keep.sum() - 1) > 1e-4
    # independence of the counts of consecutive weeks with positive rates
    after = x[rates == 7.0][:-1], x[rates == 0.05][1:]
    r = np.corrcoef(*after)[0, 1]
    assert abs(r) < 4 / np.sqrt(len(after[0]))


def test_without_contacts_or_churn_purchases_are_poisson_in_the_base_rate():
    quiet = ResponseSpec(
        churn_base_per_week=0.0, service_rate_per_week=0.0, service_after_purchase=0.0
    )
    res = simulate(
        small(20_000), SiloedMultichannel(contact_pressure=0.0), n_weeks=26, response=quiet, rng=4
    )
    c = res.customers
    expected = c["base_rate_per_week"] * 26
    z = (c["n_purchases"].sum() - expected.sum()) / np.sqrt(expected.sum())
    assert abs(z) < 4
    assert not c["churned"].any() and c["contacts_received"].sum() == 0


def test_contact_costs_in_the_ledger_equal_contacts_times_unit_cost():
    res = simulate(small(3000), ARMS, n_weeks=8, rng=2)
    ledger = res.costs[res.costs["item"] == "contacts"]
    assert np.isclose(ledger["amount_eur"].sum(), res.weekly["contact_cost_eur"].sum())
    assert (res.costs["amount_eur"] > 0).all()
    omni_fixed = res.costs.query("arm == 'omni' and item == 'fixed_investment'")["amount_eur"]
    n_omni = (res.customers["arm"] == "omni").sum()
    assert np.isclose(omni_fixed.item(), 500_000 * n_omni / 100_000)


# --- mechanisms ------------------------------------------------------------------------------


def test_arms_are_randomised_and_omnichannel_mechanisms_work():
    res = simulate(small(20_000), ARMS, n_weeks=26, rng=5)
    c = res.customers
    share = (c["arm"] == "omni").mean()
    assert abs(share - 0.5) < 0.02
    by = c.groupby("arm", observed=True).mean(numeric_only=True)
    # randomisation balances pre-treatment attributes
    assert abs(by.loc["omni", "engagement"] - by.loc["siloed", "engagement"]) < 0.03
    # omnichannel: shared history, no contradictory offers, a learned frequency cap that
    # cuts clutter (without knowing each customer's attention, so not to zero)
    assert by.loc["omni", "effort_events"] < 0.2 * by.loc["siloed", "effort_events"]
    assert by.loc["omni", "inconsistent_weeks"] == 0
    clutter = by["contacts_clutter"] / by["contacts_received"]
    assert 0 < clutter["omni"] < clutter["siloed"]


def test_a_fixed_cap_of_one_leaves_no_clutter():
    # attention capacity is at least 1, so one contact a week is always attended
    strategy = Omnichannel(frequency_cap=1, contact_pressure=3.0, deployment_lag_weeks=0)
    res = simulate(small(5000), strategy, n_weeks=12, rng=5)
    c = res.customers
    assert c["contacts_received"].sum() > 0 and c["contacts_clutter"].sum() == 0
    assert (c["contacts_received"] <= 12).all()


def test_deployment_lag_keeps_siloed_behaviour_until_it_ends():
    res = simulate(
        small(5000),
        {"omni": Omnichannel(deployment_lag_weeks=10, frequency_cap=1)},
        n_weeks=20,
        rng=6,
        n_journeys=5000,
    )
    j = res.journeys
    weeks_with_clutter = set(j.loc[j["contacts"] > j["attended"], "week"])
    assert weeks_with_clutter and max(weeks_with_clutter) < 10


def test_monochannel_and_tiered_channels():
    res = simulate(
        small(3000),
        {"mono": Monochannel(channel="email"), "tiered": ValueTiered()},
        n_weeks=6,
        rng=8,
    )
    w = res.weekly.groupby(["arm", "channel"], observed=True)["contacts"].sum()
    assert w["mono"].drop("email").sum() == 0 and w["mono"]["email"] > 0
    c = res.customers[res.customers["arm"] == "tiered"]
    assert set(w["tiered"][w["tiered"] > 0].index) <= {"postal_mail", "telephone", "face_to_face"}
    assert c.loc[c["tier"] == "small", "contacts_received"].sum() > 0


def test_journey_effects_are_positive_without_irritation():
    calm = ResponseSpec(
        irritation_per_contact=0.0, clutter_irritation=0.0, inconsistency_irritation=0.0
    )
    res = simulate(small(3000), CrossChannel(), n_weeks=10, response=calm, rng=9)
    contacts = res.journeys[res.journeys["touchpoint"] == "contact"]
    assert len(contacts) > 100
    attended = contacts["attended"] > 0
    assert (contacts.loc[attended, "first_order_purchases"] > 0).all()
    assert (contacts.loc[~attended, "first_order_purchases"] == 0).all()


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"n_customers": 0}, r"'n_customers' must be an int in \[1, 1e\+08\]; got 0"),
        ({"n_customers": 2.5}, r"'n_customers' must be an int"),
        ({"social_share": 1.2}, r"'social_share' must be a real number in \[0, 1\]; got 1.2"),
        ({"engagement_sigma": -1}, r"'engagement_sigma' must be a real number in \[0, 3\]"),
        ({"engagement_breadth_link": 9}, r"'engagement_breadth_link'.*\[0, 5\]; got 9"),
        ({"breadth_rate": 0}, r"'breadth_rate' must be a real number in \(0, 100\]"),
        ({"purchase_rate_per_week": 0}, r"'purchase_rate_per_week'.*\(0, 10\]"),
        ({"rate_shape": -2}, r"'rate_shape'"),
        ({"basket_mean_eur": 0}, r"'basket_mean_eur'"),
        ({"basket_sigma": 4}, r"'basket_sigma'"),
        ({"tier_shares": (0.5, 0.5)}, r"'tier_shares' must have 3 entries"),
        ({"tier_shares": (0.5, 0.4, 0.2)}, r"'tier_shares' must sum to 1"),
        ({"tier_shares": (1.5, -0.5, 0)}, r"'tier_shares\[0\]'"),
        ({"tier_value_multipliers": (1, 0, 2)}, r"'tier_value_multipliers\[1\]'"),
        (
            {"affinity_concentration": 0.01},
            r"'affinity_concentration' must be a real number in \[0.1, 1e\+06\]",
        ),
        ({"attention_mean": 0.5}, r"'attention_mean' must be a real number in \[1, 100\]; got 0.5"),
        ({"consent_rate": 2}, r"'consent_rate'"),
        ({"consent_rate": {"email": -0.1}}, r"'consent_rate\[email\]'"),
        ({"sensitivity_shape": 0}, r"'sensitivity_shape'"),
        ({"breadth_purchase_effect": -1}, r"'breadth_purchase_effect'"),
    ],
)
def test_population_errors(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        PopulationSpec(**kwargs)


@pytest.mark.parametrize("name", [f for f in ResponseSpec.__dataclass_fields__])
def test_response_errors(name):
    with pytest.raises(ValueError, match=rf"'{name}' must be a real number in .*; got -1.0"):
        ResponseSpec(**{name: -1.0})


def test_decay_must_be_below_one():
    with pytest.raises(ValueError, match=r"'persuasion_decay' must be a real number in \[0, 1\)"):
        ResponseSpec(persuasion_decay=1.0)


@pytest.mark.parametrize(
    "cls,kwargs,match",
    [
        (SiloedMultichannel, {"contact_pressure": -1}, r"'contact_pressure'.*\[0, 50\]; got -1"),
        (SiloedMultichannel, {"contact_pressure": 60}, r"'contact_pressure'"),
        (SiloedMultichannel, {"channels": "email"}, r"'channels' must be a non-empty tuple"),
        (SiloedMultichannel, {"channels": {"email": 0}}, r"'channels\[email\]'"),
        (
            Omnichannel,
            {"frequency_cap": True},
            r"'frequency_cap' must be None \(no cap\), an int "
            r"in \[1, 50\] \(contacts per customer per week\) or 'learned' \(estimated from "
            r"responses\); got True",
        ),
        (Omnichannel, {"frequency_cap": 0}, r"'frequency_cap' must be None .*; got 0"),
        (
            ValueTiered,
            {"tier_pressure": {"gold": 2.0}},
            r"'tier_pressure' has tiers \['gold'\] "
            r"that do not exist; allowed tiers: \['small', 'medium', 'key_account'\]",
        ),
        (
            ValueTiered,
            {"tier_pressure": {"small": -1}},
            r"'tier_pressure\[small\]' must be a "
            r"real number in \[0, 50\]; got -1",
        ),
        (Omnichannel, {"suppress_weeks_after_purchase": 60}, r"'suppress_weeks_after_purchase'"),
        (SiloedMultichannel, {"inconsistent_offer_prob": 1.5}, r"'inconsistent_offer_prob'"),
        (Omnichannel, {"history_shared": -0.1}, r"'history_shared'"),
        (CrossChannel, {"referral_strength": 2}, r"'referral_strength'"),
        (Omnichannel, {"fixed_investment_eur": -5}, r"'fixed_investment_eur'"),
        (Omnichannel, {"deployment_lag_weeks": 1.5}, r"'deployment_lag_weeks' must be an int"),
        (
            ValueTiered,
            {"tier_channels": {"vip": ("email",)}},
            r"'tier_channels key' must be one of",
        ),
        (Monochannel, {"channel": 3}, r"'channel' must be a channel name"),
    ],
)
def test_strategy_errors(cls, kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        cls(**kwargs)


def test_make_strategy_errors():
    with pytest.raises(ValueError, match=r"'strategy' must be one of \['cross_channel'"):
        make_strategy("hybrid")
    with pytest.raises(ValueError, match=r"unknown parameters \['pressure'\]"):
        make_strategy("siloed", pressure=2)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"n_weeks": 0}, r"'n_weeks' must be an int in \[1, 520\]; got 0"),
        ({"n_journeys": 10_000}, r"'n_journeys' must be an int in \[0, 100\]"),
        ({"n_threads": 0}, r"'n_threads'"),
        ({"rng": "seed"}, r"'rng' must be None, an int seed"),
        ({"strategy": "omni"}, r"'strategy' must be a Strategy or a non-empty mapping"),
        ({"strategy": {}}, r"'strategy' must be a Strategy or a non-empty mapping"),
        ({"strategy": {"a": 1}}, r"'strategy' must map arm names"),
        ({"strategy": ARMS, "arm_shares": {"siloed": 1.0}}, r"'arm_shares' must map each arm"),
        ({"strategy": ARMS, "arm_shares": {"siloed": 0.7, "omni": 0.7}}, r"must sum to 1"),
        ({"strategy": Monochannel(channel="fax")}, r"uses channels \['fax'\]; allowed outbound"),
        (
            {"population": PopulationSpec(n_customers=100, consent_rate={"fax": 0.5})},
            r"'consent_rate' has channels \['fax'\]",
        ),
        ({"population": {"n_customers": 5}}, r"'population' must be a PopulationSpec"),
        ({"response": {}}, r"'response' must be a ResponseSpec"),
    ],
)
def test_simulate_errors(kwargs, match):
    kwargs = {"population": PopulationSpec(n_customers=100), **kwargs}
    with pytest.raises((ValueError, TypeError), match=match):
        simulate(**kwargs)


def test_no_journeys_are_recorded_when_none_are_asked_for():
    # customer 0 used to be recorded whatever n_journeys said
    result = simulate(
        PopulationSpec(n_customers=300),
        {"a": Omnichannel()},
        n_weeks=4,
        n_journeys=0,
        rng=1,
        progress=False,
    )
    assert len(result.journeys) == 0
