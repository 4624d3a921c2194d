"""Mechanisms that can push both ways: shared or channel-specific fatigue, a signed
cross-channel interaction, integration factors that cost, consent correlated with interest.

Each parameter at its neutral value must reproduce the model without it (the pinned digests
of ``test_pinned_results.py`` check the defaults); away from it, the mechanism must move the
tables in the stated direction.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mcstudy.model.context import model_context
from mcstudy.model.engine import _consistency_effort, simulate
from mcstudy.model.population import PopulationSpec
from mcstudy.model.response import ResponseSpec
from mcstudy.model.strategies import (
    CrossChannel,
    Monochannel,
    Omnichannel,
    SiloedMultichannel,
    make_strategy,
)

#: Each new parameter: (spec, name, neutral value, a value away from it).
NEW_PARAMETERS = [
    ("response", "fatigue_sharing", 1.0, 0.999),
    ("response", "channel_synergy", 0.0, 0.01),
    ("response", "history_contact_pressure", 0.0, 0.01),
    ("response", "consistency_offer_loss", 0.0, 0.01),
    ("population", "consent_interest_correlation", 0.0, 0.01),
]
TABLES = ("customers", "weekly", "journeys", "costs")
ARMS = {
    "siloed": SiloedMultichannel(),
    "cross": CrossChannel(deployment_lag_weeks=3),
    "omni": Omnichannel(deployment_lag_weeks=3),
}


def _run(strategy=None, n=3000, n_weeks=20, rng=7, population=None, n_threads=1, **response):
    return simulate(
        population or PopulationSpec(n_customers=n),
        ARMS if strategy is None else strategy,
        n_weeks=n_weeks,
        response=ResponseSpec(**response),
        n_journeys=100,
        n_threads=n_threads,
        progress=False,
        rng=rng,
    )


def _run_with(spec, name, value, **kw):
    if spec == "population":
        return _run(population=PopulationSpec(n_customers=3000, **{name: value}), **kw)
    return _run(**{name: value}, **kw)


def _equal(a, b) -> bool:
    for t in TABLES:
        try:
            pd.testing.assert_frame_equal(getattr(a, t), getattr(b, t))
        except AssertionError:
            return False
    return True


# --- neutral values -------------------------------------------------------------------------


@pytest.mark.parametrize(("spec", "name", "neutral", "away"), NEW_PARAMETERS)
def test_the_neutral_value_is_the_default_and_gives_identical_tables(spec, name, neutral, away):
    cls = PopulationSpec if spec == "population" else ResponseSpec
    assert getattr(cls(), name) == neutral
    unset = _run()
    assert _equal(_run_with(spec, name, neutral), unset)
    # the parameter is live: a value next to the neutral one changes the tables
    assert not _equal(_run_with(spec, name, away), unset)


def test_non_neutral_values_give_the_same_tables_whatever_the_threads():
    pop = PopulationSpec(n_customers=20_000, consent_interest_correlation=0.4)
    kw = dict(
        population=pop,
        fatigue_sharing=0.3,
        channel_synergy=-0.3,
        history_contact_pressure=0.5,
        consistency_offer_loss=0.4,
    )
    assert _equal(_run(n_threads=1, **kw), _run(n_threads=2, **kw))


def test_model_context_sets_the_new_parameters_by_their_table_names():
    ctx = model_context(
        {
            "response.fatigue_sharing": 0.2,
            "response.channel_synergy": -0.3,
            "response.history_contact_pressure": 0.5,
            "response.consistency_offer_loss": 0.25,
            "population.consent_interest_correlation": 0.4,
        }
    )
    assert ctx.response.fatigue_sharing == 0.2
    assert ctx.response.channel_synergy == -0.3
    assert ctx.response.history_contact_pressure == 0.5
    assert ctx.response.consistency_offer_loss == 0.25
    assert ctx.population.consent_interest_correlation == 0.4


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"fatigue_sharing": 1.5}, r"'fatigue_sharing' must be a real number in \[0, 1\]; got 1.5"),
        ({"fatigue_sharing": -0.1}, r"'fatigue_sharing' must be a real number in \[0, 1\]"),
        (
            {"channel_synergy": -1.5},
            r"'channel_synergy' must be a real number in \(-1, 1000\]; got -1.5",
        ),
        (
            {"history_contact_pressure": -0.1},
            r"'history_contact_pressure' must be a real number in \[0, 1000\]; got -0.1",
        ),
        (
            {"consistency_offer_loss": 1.2},
            r"'consistency_offer_loss' must be a real number in \[0, 1\]; got 1.2",
        ),
        ({"channel_synergy": -1.0}, r"'channel_synergy' must be a real number in \(-1, 1000\]"),
        ({"channel_synergy": float("nan")}, r"'channel_synergy' must be a real number"),
    ],
)
def test_bad_response_values_name_the_parameter_and_range(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ResponseSpec(**kwargs)


def test_bad_consent_interest_correlation():
    with pytest.raises(
        ValueError,
        match=r"'consent_interest_correlation' must be a real number in \[-1, 1\]; got 1.2",
    ):
        PopulationSpec(consent_interest_correlation=1.2)
    with pytest.raises(TypeError, match=r"'consent_interest_correlation' must be a real number"):
        PopulationSpec(consent_interest_correlation="high")
    with pytest.raises(TypeError, match=r"'channel_synergy' must be a real number"):
        ResponseSpec(channel_synergy="0.2")


# --- 1. fatigue shared or channel-specific --------------------------------------------------


def test_a_single_channel_is_unaffected_by_fatigue_sharing_or_synergy():
    # with one channel there is nothing to share and no other channel to interact with
    mono = Monochannel(channel="email", contact_pressure=3.0)
    ref = _run(mono)
    assert _equal(_run(mono, fatigue_sharing=0.0), ref)
    assert _equal(_run(mono, channel_synergy=0.8), ref)
    assert _equal(_run(mono, channel_synergy=-0.8), ref)


def _email_attended_share(**response):
    """Share of e-mails attended, alone and with a second channel's contacts."""
    pop = PopulationSpec(n_customers=20_000, attention_mean=1.0)
    share = []
    for channels in (("email",), ("email", "postal_mail")):
        s = make_strategy("siloed", channels=channels, contact_pressure=len(channels))
        wk = _run(s, population=pop, n_weeks=10, **response).weekly
        email = wk[wk["channel"] == "email"]
        share.append(email["contacts_attended"].sum() / email["contacts"].sum())
    return share


def test_channel_specific_attention_is_not_used_up_by_another_channel():
    alone, combined = _email_attended_share(fatigue_sharing=0.0)
    assert combined == pytest.approx(alone, abs=0.01)
    alone, combined = _email_attended_share(fatigue_sharing=1.0)
    assert combined < alone - 0.1  # postal mail, often preferred, takes the attention


def _interaction(rng=5, n=20_000, **response):
    """Purchases: both channels - e-mail alone - mail alone + neither, on the same customers.

    One contact a week per channel, no contradictory offers; common random numbers make the
    four runs differ only by the contacts.
    """

    def plan(channels):
        return make_strategy(
            "siloed",
            channels=channels or ("email",),
            contact_pressure=float(len(channels)),
            inconsistent_offer_prob=0.0,
        )

    y = [
        _run(plan(ch), n=n, n_weeks=26, rng=rng, **response).customers["n_purchases"].mean()
        for ch in ((), ("email",), ("postal_mail",), ("email", "postal_mail"))
    ]
    return y[3] - y[1] - y[2] + y[0]


def test_shared_fatigue_makes_channels_sub_additive_and_channel_specific_less_so():
    shared = _interaction(fatigue_sharing=1.0)
    own = _interaction(fatigue_sharing=0.0)
    assert shared < -0.01
    assert own > shared + 0.01


def test_channel_specific_irritation_lowers_the_irritation_purchases_and_churn_see():
    s = make_strategy("siloed", channels=("email", "sms"), contact_pressure=2.0)
    shared = _run(s, n=10_000, fatigue_sharing=1.0).customers
    own = _run(s, n=10_000, fatigue_sharing=0.0).customers
    assert own["irritation"].mean() < 0.9 * shared["irritation"].mean()
    assert own["churned"].mean() < shared["churned"].mean()


# --- 2. signed cross-channel interaction ----------------------------------------------------

NO_IRRITATION = dict(fatigue_sharing=0.0, irritation_per_contact=0.0, clutter_irritation=0.0)


def test_synergy_makes_two_channels_sell_more_than_the_sum_and_interference_less():
    # without irritation and with channel-specific attention, channels add up at synergy 0
    neutral = _interaction(**NO_IRRITATION)
    assert abs(neutral) < 0.01
    assert _interaction(channel_synergy=0.5, **NO_IRRITATION) > 0.02
    assert _interaction(channel_synergy=-0.5, **NO_IRRITATION) < -0.02
    # and with today's fatigue, synergy moves the interaction the same way
    assert _interaction(channel_synergy=0.5) > _interaction() > _interaction(channel_synergy=-0.5)


def test_synergy_acts_through_triggered_visits_and_persuasion():
    s = make_strategy("siloed", channels=("email", "postal_mail"), contact_pressure=2.0)
    base = _run(s, n=10_000).customers
    plus = _run(s, n=10_000, channel_synergy=0.5).customers
    minus = _run(s, n=10_000, channel_synergy=-0.5).customers
    assert plus["visits_triggered"].sum() > 1.1 * base["visits_triggered"].sum()
    assert minus["visits_triggered"].sum() < 0.9 * base["visits_triggered"].sum()
    assert plus["n_purchases"].sum() > base["n_purchases"].sum() > minus["n_purchases"].sum()


# --- 3. integration factors that cost -------------------------------------------------------


def test_consistency_effort_is_the_share_of_the_siloed_inconsistency_removed():
    assert _consistency_effort(SiloedMultichannel().inconsistent_offer_prob) == 0.0
    assert _consistency_effort(CrossChannel().inconsistent_offer_prob) == pytest.approx(2 / 3)
    assert _consistency_effort(Omnichannel().inconsistent_offer_prob) == 1.0
    assert _consistency_effort(0.6) == 0.0


def _arm(res, arm):
    return res.customers[res.customers["arm"] == arm].reset_index(drop=True)


def test_shared_history_that_raises_pressure_lowers_retention():
    base = _run(n=20_000, n_weeks=52)
    more = _run(n=20_000, n_weeks=52, history_contact_pressure=1.0)
    # siloed teams share no history: their customers are untouched, bit for bit
    pd.testing.assert_frame_equal(_arm(more, "siloed"), _arm(base, "siloed"))
    for arm in ("cross", "omni"):
        b, m = _arm(base, arm), _arm(more, arm)
        assert m["contacts_received"].mean() > 1.2 * b["contacts_received"].mean()
        assert m["irritation"].mean() > b["irritation"].mean()
        assert m["churned"].mean() > b["churned"].mean() + 0.005


def test_a_consistency_rule_that_suppresses_relevant_offers_lowers_response():
    base = _run(n=20_000, n_weeks=52)
    loss = _run(n=20_000, n_weeks=52, consistency_offer_loss=0.5)
    pd.testing.assert_frame_equal(_arm(loss, "siloed"), _arm(base, "siloed"))
    b, m = _arm(base, "omni"), _arm(loss, "omni")
    assert m["visits_triggered"].sum() < 0.9 * b["visits_triggered"].sum()
    assert m["n_purchases"].sum() < 0.97 * b["n_purchases"].sum()
    # a single channel never has a multi-channel week: nothing to keep consistent
    mono = Monochannel(channel="email", contact_pressure=2.0)
    assert _equal(_run(mono, consistency_offer_loss=1.0), _run(mono))


# --- 4. consent correlated with interest ----------------------------------------------------


def _consent_gap(rho):
    pop = PopulationSpec(n_customers=30_000, consent_interest_correlation=rho)
    c = _run(SiloedMultichannel(), population=pop, n_weeks=1).customers
    many = c["n_consented_channels_start"] >= 4
    log_e = np.log(c["engagement"])
    return log_e[many].mean() - log_e[~many].mean(), c["n_consented_channels_start"].mean()


def test_consent_correlated_with_interest_makes_consenting_customers_more_interested():
    gap0, n0 = _consent_gap(0.0)
    gap_pos, n_pos = _consent_gap(0.5)
    gap_neg, n_neg = _consent_gap(-0.5)
    assert abs(gap0) < 0.02
    assert gap_pos > 0.15
    assert gap_neg < -0.15
    # each channel's consent rate is unchanged (6 channels at 0.6)
    for n in (n0, n_pos, n_neg):
        assert n == pytest.approx(3.6, abs=0.03)


def test_perfect_correlation_is_finite_and_orders_consent_by_interest():
    pop = PopulationSpec(n_customers=5000, consent_interest_correlation=1.0, consent_rate=0.5)
    c = _run(SiloedMultichannel(), population=pop, n_weeks=1).customers
    # consent on every channel or none, split at the median interest
    assert set(c["n_consented_channels_start"]) == {0, 6}
    high = c["engagement"] > c["engagement"].median()
    assert (c.loc[high, "n_consented_channels_start"] == 6).mean() > 0.99


def _one_customer_kernel_run(synergy, n_weeks=6, lag=3):
    """Run the kernel for one customer: channel 1 before week ``lag``, channel 0 from it.

    A certain contact a week (high pressure, ample attention, no churn), so channel 0's
    first week follows a week of channel 1's contacts and its later weeks do not.
    """
    from mcstudy.model import _kernel

    n_ch, n_pur = 2, 1
    one = np.ones(1)
    cust = _kernel.Customers(
        key=np.array([12345], np.uint64),
        base_rate=one * 0.01,
        basket=one * 50.0,
        tier=np.zeros(1, np.int64),
        engagement=one,
        affinity=np.full((1, n_ch), 0.5),
        pref=np.array([[0, 1]], np.int64),
        pbase=np.ones((1, n_pur)),
        breadth=np.ones(1, np.int64),
        attention=np.array([1000], np.int64),
        consent=np.ones((1, n_ch), np.bool_),
        sens=one,
        arm=np.zeros(1, np.int64),
        jidx=np.zeros(1, np.int64),
        dropout=one,
        lapsed=np.zeros(1, np.bool_),
        since=np.full(1, _kernel.NEVER, np.int64),
    )
    weights = np.zeros((1, 2, 3, n_ch))
    weights[0, 0, :, 1] = 1.0  # phase 0: channel 1 only
    weights[0, 1, :, 0] = 1.0  # phase 1: channel 0 only
    zeros = np.zeros((1, 2))
    pol = _kernel.Policy(
        pressure=np.full((1, 2, 3), 40.0),
        weights=weights,
        consent=np.ones((1, 2), np.bool_),
        cap_mode=np.zeros((1, 2), np.int64),
        cap=np.zeros((1, 2), np.int64),
        pref=np.zeros((1, 2), np.bool_),
        suppress=np.zeros((1, 2), np.int64),
        incons=zeros,
        hist=zeros,
        ref=zeros,
        lag=np.array([lag], np.int64),
        off=np.zeros((1, n_ch), np.bool_),
    )
    chan = _kernel.Channels(
        intr=np.full(n_ch, 0.2),
        pers=np.ones(n_ch),
        withdraw=np.zeros(n_ch),
        inbound=np.zeros(n_ch),
        pidx=np.zeros(n_pur, np.int64),
        referral=np.ones((n_ch, n_pur)),
    )
    resp = ResponseSpec(
        channel_synergy=synergy, churn_base_per_week=0.0, churn_irritation=0.0, churn_effort=0.0
    )
    floats = {"revenue", "irritation", "relationship"}
    out = _kernel.Outputs(
        **{
            f: np.zeros(1, np.float64 if f in floats else np.int64)
            for f in _kernel.Outputs._fields
            if f not in ("purch", "service")
        },
        purch=np.zeros((1, n_pur), np.int64),
        service=np.zeros((1, n_ch), np.int64),
    )
    out.churn[:] = -1
    wk = np.zeros((1, n_weeks, n_ch, len(_kernel.WEEKLY_METRICS)))
    per_channel = {"n", "a", "dp", "dr"}
    jr = _kernel.Journeys(
        **{
            f: np.zeros(
                (1, n_weeks, n_ch) if f in per_channel else (1, n_weeks),
                np.float64 if f in {"dp", "dr", "val", "g", "h"} else np.int64,
            )
            for f in _kernel.Journeys._fields
        }
    )
    prev = np.zeros(n_ch, np.bool_) if synergy != 0.0 else None
    _kernel.run_block(
        n_weeks, cust, pol, chan, _kernel.Response(*resp.as_tuple()), 0.0, out, wk, jr, None, prev
    )
    return jr


def test_synergy_counts_another_channel_in_the_same_or_the_previous_week_only():
    lag = 3
    base = _one_customer_kernel_run(0.0, lag=lag)
    plus = _one_customer_kernel_run(0.5, lag=lag)
    assert (base.a[0, :lag, 1] > 0).all() and (base.a[0, lag:, 0] > 0).all()
    per_contact = plus.dp[0, :, 0] / np.maximum(plus.a[0, :, 0], 1)
    reference = base.dp[0, :, 0] / np.maximum(base.a[0, :, 0], 1)
    # channel 0's first week follows a week of channel 1: boosted; later weeks are not
    assert per_contact[lag] == pytest.approx(1.5 * reference[lag])
    np.testing.assert_allclose(per_contact[lag + 1 :], reference[lag + 1 :])
    # channel 1 alone before the lag: never boosted
    np.testing.assert_allclose(plus.dp[0, :lag, 1], base.dp[0, :lag, 1])
