"""The model's mechanisms: visits, retention path, learned cap, common random numbers,
counterfactual contributions, windows, presets, and the kernel contract."""

from dataclasses import fields

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mcstudy.model import _kernel
from mcstudy.model.counterfactual import CONTRIBUTION_METRICS, channel_contributions
from mcstudy.model.engine import simulate
from mcstudy.model.population import PopulationSpec
from mcstudy.model.response import ResponseSpec
from mcstudy.model.strategies import (
    INTEGRATION_FACTORS,
    STRATEGIES,
    CrossChannel,
    Monochannel,
    Omnichannel,
    SiloedMultichannel,
    ValueTiered,
    make_strategy,
    preset_table,
)

FAST = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


def pop(n=4000, **kw):
    return PopulationSpec(n_customers=n, **kw)


# --- the kernel contract ---------------------------------------------------------------------


def test_kernel_reads_the_response_parameters_by_their_dataclass_names():
    assert _kernel.Response._fields == tuple(f.name for f in fields(ResponseSpec))
    spec = ResponseSpec(visit_conversion=0.3)
    resp = _kernel.Response(*spec.as_tuple())
    assert resp.visit_conversion == 0.3 and resp.churn_effort == spec.churn_effort


def test_weekly_metric_constants_follow_the_declared_names():
    names = [
        _kernel.WEEKLY_METRICS[k]
        for k in (
            _kernel.M_CONTACTS,
            _kernel.M_ATTENDED,
            _kernel.M_PURCHASES,
            _kernel.M_REVENUE,
            _kernel.M_SERVICE,
            _kernel.M_VISITS,
        )
    ]
    assert names == [
        "contacts",
        "contacts_attended",
        "purchases",
        "revenue_eur",
        "service_contacts",
        "visits",
    ]
    res = simulate(pop(500), SiloedMultichannel(), n_weeks=4, rng=1)
    assert set(_kernel.WEEKLY_METRICS) <= set(res.weekly.columns)
    assert res.weekly["visits"].sum() == res.customers["visits"].sum()
    assert res.weekly["service_contacts"].sum() == res.customers["service_contacts"].sum()


def test_named_tuples_refuse_a_missing_or_extra_field():
    values = dict.fromkeys(_kernel.Policy._fields, 0)
    values.pop("off")
    with pytest.raises(TypeError):
        _kernel.Policy(**values)
    with pytest.raises(TypeError):
        _kernel.Policy(**values, off=0, extra=1)


def test_counter_based_draws_are_uniform_and_keyed():
    @_kernel.numba.njit
    def draws(key, stream, n):
        out = np.empty(n)
        for k in range(n):
            out[k] = _kernel._uniform(key, stream, k)
        return out

    keys = _kernel.customer_keys(5, np.arange(3))
    assert len(set(keys.tolist())) == 3
    u = draws(keys[0], 7, 200_000)
    from scipy import stats

    assert stats.kstest(u, "uniform").pvalue > 1e-4
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 0.01
    v = draws(keys[0], 8, 200_000)  # another stream of the same customer
    assert abs(np.corrcoef(u, v)[0, 1]) < 0.01


# --- common random numbers and counterfactuals --------------------------------------------


@FAST
@given(seed=st.integers(0, 2**32 - 1), name=st.sampled_from(sorted(STRATEGIES)))
def test_switching_off_a_channel_that_sends_nothing_changes_nothing(seed, name):
    # the strategy never contacts on SMS (its channels exclude it): switching SMS off must
    # leave every customer's history identical, bit for bit
    kwargs = {"channel": "email"} if name == "monochannel" else {}
    if name not in ("monochannel", "value_tiered"):
        kwargs["channels"] = ("email", "postal_mail")
    strategy = make_strategy(name, **kwargs)
    a = simulate(pop(300), strategy, n_weeks=20, rng=seed, n_journeys=300)
    b = simulate(pop(300), strategy, n_weeks=20, rng=seed, n_journeys=300, switched_off=["sms"])
    pd.testing.assert_frame_equal(a.customers, b.customers)
    pd.testing.assert_frame_equal(a.journeys, b.journeys)


def test_contributions_sum_exactly_to_the_arm_contrast():
    arms = {"siloed": SiloedMultichannel(), "cross": CrossChannel(deployment_lag_weeks=0)}
    c = channel_contributions(pop(3000), arms, channels_to_test=["email", "sms"], n_weeks=20, rng=4)
    for channel in ("email", "sms"):
        other = simulate(pop(3000), arms, n_weeks=20, rng=4, switched_off=[channel])
        base = c.result.customers.groupby("arm", observed=True)[list(CONTRIBUTION_METRICS)].sum()
        cf = other.customers.groupby("arm", observed=True)[list(CONTRIBUTION_METRICS)].sum()
        part = c.per_customer[c.per_customer["channel"] == channel]
        summed = part.groupby("arm", observed=True)[list(CONTRIBUTION_METRICS)].sum()
        pd.testing.assert_frame_equal(summed, (base - cf).astype(float), check_names=False)
    contrasts = c.arm_contrasts().set_index(["arm", "channel"])
    per = c.per_customer.groupby(["arm", "channel"], observed=True)[
        list(CONTRIBUTION_METRICS)
    ].sum()
    counts = [m for m in CONTRIBUTION_METRICS if m != "revenue_eur"]  # integers: exact
    np.testing.assert_array_equal(
        contrasts.loc[per.index, counts].to_numpy(float), per[counts].to_numpy()
    )
    np.testing.assert_allclose(
        contrasts.loc[per.index, "revenue_eur"], per["revenue_eur"], rtol=1e-12
    )  # sums of floats in another order
    # the contributions reach the journeys
    j = c.with_journeys()
    assert {"contribution_email_n_purchases", "contribution_sms_revenue_eur"} <= set(j.columns)


def test_all_but_one_contributions_and_interaction():
    c = channel_contributions(
        pop(2000), SiloedMultichannel(), mode="all_but_one", n_weeks=12, rng=2
    )
    assert set(c.channels) == {"telephone", "postal_mail", "email", "sms", "website"}
    inter = c.interaction()
    assert list(inter.columns) == ["arm", *CONTRIBUTION_METRICS]
    # a channel alone receives exactly the contacts it sends in the full run (no cap)
    alone = c.per_customer.groupby("channel", observed=True)["contacts_received"].sum()
    assert (alone > 0).all()


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"mode": "both"}, ValueError, r"'mode' must be one of"),
        ({"rng": None}, ValueError, r"'rng' must be a seed .* shared by the runs; got None"),
        (
            {"channels_to_test": ["fax"]},
            ValueError,
            r"'channels_to_test' names channels \['fax'\] that are not simulated outbound",
        ),
        ({"channels_to_test": "email"}, TypeError, r"must be a list of channel names"),
        ({"switched_off": ["email"]}, ValueError, r"'switched_off' is set by"),
    ],
)
def test_contribution_bad_input(kwargs, exc, match):
    kwargs = {"rng": 1, **kwargs}
    with pytest.raises(exc, match=match):
        channel_contributions(pop(100), SiloedMultichannel(), n_weeks=2, **kwargs)


@pytest.mark.parametrize(
    ("off", "exc", "match"),
    [
        (
            ["fax"],
            ValueError,
            r"'switched_off' names channels \['fax'\] that are not simulated "
            r"outbound channels; allowed: \[",
        ),
        ("email", TypeError, r"'switched_off' must be a list or tuple of channel names"),
    ],
)
def test_switched_off_bad_input(off, exc, match):
    with pytest.raises(exc, match=match):
        simulate(pop(100), SiloedMultichannel(), n_weeks=2, rng=0, switched_off=off)


# --- visits ----------------------------------------------------------------------------------


def test_visits_are_organic_without_contacts_and_rise_with_attended_contacts():
    stay = ResponseSpec(churn_base_per_week=0.0, churn_irritation=0.0, churn_effort=0.0)
    quiet = simulate(
        pop(8000),
        Monochannel(channel="email", contact_pressure=0.0),
        n_weeks=10,
        rng=3,
        response=stay,
    )
    c = quiet.customers
    assert c["visits_triggered"].sum() == 0
    # organic rate x engagement x weeks
    expected = stay.organic_visits_per_week * c["engagement"].sum() * 10
    z = (c["visits"].sum() - expected) / np.sqrt(expected)
    assert abs(z) < 4
    busy = simulate(
        pop(8000),
        Monochannel(channel="email", contact_pressure=1.0, respect_consent=False),
        n_weeks=10,
        rng=3,
        response=stay,
    )
    b = busy.customers
    assert b["visits_triggered"].sum() > 0
    assert (b["visits"] >= b["visits_triggered"]).all()
    # common random numbers: organic visits are the same customers' same draws
    assert (b["visits"] - b["visits_triggered"]).sum() == c["visits"].sum()


def test_triggered_visits_convert():
    response = ResponseSpec(
        visit_conversion=1.0,
        persuasion_effect=0.0,
        irritation_per_contact=0,
        clutter_irritation=0,
        inconsistency_irritation=0,
        effort_irritation=0,
        churn_base_per_week=0,
        churn_irritation=0,
        churn_effort=0,
    )
    arms = {
        "control": Monochannel(channel="email", contact_pressure=0.0, respect_consent=False),
        "email": Monochannel(channel="email", contact_pressure=1.0, respect_consent=False),
    }
    res = simulate(pop(10_000), arms, n_weeks=6, rng=8, response=response)
    by = res.customers.groupby("arm", observed=True)[["n_purchases", "visits_triggered"]].sum()
    extra = by.loc["email", "n_purchases"] - by.loc["control", "n_purchases"]
    # every triggered visit converts; the arms are different customers, so allow noise
    assert extra == pytest.approx(by.loc["email", "visits_triggered"], rel=0.15)


# --- annoyance, retention, cap ---------------------------------------------------------------


def test_clutter_irritation_scales_with_the_channel_intrusiveness():
    calm = dict(irritation_per_contact=0.0, inconsistency_irritation=0.0, effort_irritation=0.0)
    resp = ResponseSpec(**calm)
    heavy = {"contact_pressure": 6.0, "respect_consent": False}
    email = simulate(
        pop(3000), Monochannel(channel="email", **heavy), n_weeks=2, rng=1, response=resp
    ).customers
    sms = simulate(
        pop(3000), Monochannel(channel="sms", **heavy), n_weeks=2, rng=1, response=resp
    ).customers
    # same customers, same clutter counts; SMS (intrusiveness 0.7) vs e-mail (0.2)
    assert email["contacts_clutter"].sum() > 0
    ratio = sms["irritation"].sum() / email["irritation"].sum()
    assert ratio == pytest.approx(0.7 / 0.2, rel=0.1)


def test_retention_path_lets_contacts_lower_churn_and_can_be_switched_off():
    common = dict(
        irritation_per_contact=0.0,
        clutter_irritation=0.0,
        churn_irritation=0.0,
        churn_base_per_week=0.02,
    )
    arms = {
        "none": SiloedMultichannel(contact_pressure=0.0),
        "some": SiloedMultichannel(contact_pressure=1.0, inconsistent_offer_prob=0.0),
    }
    on = simulate(
        pop(20_000), arms, n_weeks=26, rng=5, response=ResponseSpec(**common, retention_effect=2.0)
    ).summary()
    off = simulate(
        pop(20_000), arms, n_weeks=26, rng=5, response=ResponseSpec(**common, retention_effect=0.0)
    ).summary()
    churn_on, churn_off = on.set_index("arm")["churn_rate"], off.set_index("arm")["churn_rate"]
    assert churn_on["some"] < churn_on["none"] - 0.03
    assert abs(churn_off["some"] - churn_off["none"]) < 0.02
    rel = simulate(pop(2000), arms, n_weeks=8, rng=5).customers
    assert (rel["relationship"] >= 0).all()
    assert (
        rel.groupby("arm", observed=True)["relationship"].mean()["none"]
        < rel.groupby("arm", observed=True)["relationship"].mean()["some"]
    )
    assert ((rel["satisfaction"] > 0) & (rel["satisfaction"] < 1)).all()


def test_learned_cap_never_uses_the_true_capacity_and_cuts_clutter():
    strategy = Omnichannel(contact_pressure=4.0, deployment_lag_weeks=0)
    learned = simulate(pop(5000), strategy, n_weeks=26, rng=2).customers
    none = simulate(
        pop(5000),
        Omnichannel(contact_pressure=4.0, deployment_lag_weeks=0, frequency_cap=None),
        n_weeks=26,
        rng=2,
    ).customers
    share = lambda c: c["contacts_clutter"].sum() / c["contacts_received"].sum()  # noqa: E731
    assert 0 < share(learned) < 0.5 * share(none)


# --- presets, windows, horizon ---------------------------------------------------------------


def test_presets_are_combinations_of_the_factors():
    table = preset_table().set_index("strategy")
    assert list(table.index) == list(STRATEGIES)
    assert set(INTEGRATION_FACTORS) <= set(table.columns)
    assert table["respect_consent"].all()  # consent respected by default in every preset
    assert table.loc["omnichannel", "frequency_cap"] == "learned"
    assert table.loc["monochannel", "history_shared"] == table.loc["siloed", "history_shared"]
    # any combination can be run
    mixed = SiloedMultichannel(history_shared=1.0, frequency_cap=2, referral_strength=0.5)
    assert mixed.factors()["frequency_cap"] == 2


def test_value_tiered_pressure_per_tier():
    s = ValueTiered(contact_pressure=1.0)
    assert s.pressure_by_tier() == (0.5, 1.0, 2.0)
    c = simulate(pop(20_000), s, n_weeks=10, rng=6).customers
    per = c.groupby("tier", observed=True)["contacts_received"].mean()
    assert per["small"] < per["medium"] < per["key_account"]


def test_default_horizon_sees_a_year_after_the_longest_lag_and_windows_are_apart():
    res = simulate(pop(1000), {"s": SiloedMultichannel(), "o": Omnichannel()}, rng=1)
    assert res.n_weeks == 26 + 52
    w = res.summary_by_window().set_index(["arm", "window"])
    assert w.loc[("o", "pre"), "weeks"] == 26 and w.loc[("o", "post"), "weeks"] == 52
    assert ("s", "pre") not in w.index and w.loc[("s", "post"), "weeks"] == 78
    total = res.customers.groupby("arm", observed=True)["contacts_received"].mean()
    by_arm = w.groupby(level="arm")["contacts_per_customer"].sum()
    assert by_arm["o"] == pytest.approx(total["o"])
    churned = res.customers.groupby("arm", observed=True)["churned"].mean()
    assert w.groupby(level="arm")["churn_share"].sum()["o"] == pytest.approx(churned["o"])
