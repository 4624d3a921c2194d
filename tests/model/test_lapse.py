"""Heterogeneous dropout and a customer file drawn as past-period buyers (model.lapse).

At their neutral values (``dropout_cv`` 0, ``pre_period_weeks`` 0) both reproduce the model
without them (the pinned digests of ``test_pinned_results.py`` check the defaults; here,
explicit neutral values against unset ones); away from them they move what they should.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from mcstudy.experiments._calibration_statistics import _populations
from mcstudy.io.catalogue import load_channels
from mcstudy.model import _kernel
from mcstudy.model.channels import ChannelSet
from mcstudy.model.engine import BLOCK_SIZE, simulate
from mcstudy.model.lapse import draw_dropout, kernel_fields
from mcstudy.model.population import Population, PopulationSpec, generate_population
from mcstudy.model.response import ResponseSpec
from mcstudy.model.strategies import Monochannel, SiloedMultichannel

CHANNELS = ChannelSet(load_channels())
QUIET = Monochannel(channel="email", contact_pressure=0.0)


def _run(population, strategy=None, n_weeks=20, rng=7, **response):
    return simulate(
        population,
        strategy or {"siloed": SiloedMultichannel(), "quiet": QUIET},
        n_weeks=n_weeks,
        response=ResponseSpec(**response),
        n_journeys=50,
        n_threads=1,
        progress=False,
        rng=rng,
    )


def _tables_equal(a, b) -> bool:
    for t in ("customers", "weekly", "journeys", "costs"):
        try:
            pd.testing.assert_frame_equal(getattr(a, t), getattr(b, t))
        except AssertionError:
            return False
    return True


# --- neutral values --------------------------------------------------------------------------


def test_the_neutral_values_are_the_defaults_and_give_identical_tables():
    spec = PopulationSpec(n_customers=3000)
    assert spec.dropout_cv == 0.0 and spec.pre_period_weeks == 0
    assert spec.pre_period_rate_ratio == 1.0
    unset = _run(spec)
    explicit = _run(PopulationSpec(n_customers=3000, dropout_cv=0.0, pre_period_weeks=0))
    assert _tables_equal(unset, explicit)
    # both are live
    assert not _tables_equal(unset, _run(PopulationSpec(n_customers=3000, dropout_cv=2.0)))
    assert not _tables_equal(unset, _run(PopulationSpec(n_customers=3000, pre_period_weeks=52)))


def test_no_heterogeneity_draws_no_random_number_and_heterogeneity_only_appends_draws():
    g0, g1 = np.random.default_rng(3), np.random.default_rng(3)
    assert (draw_dropout(0.0, 10, g0) == 1.0).all()
    assert g0.bit_generator.state == g1.bit_generator.state
    neutral = generate_population(PopulationSpec(), CHANNELS, 2000, rng=5)
    spread = generate_population(PopulationSpec(dropout_cv=1.5), CHANNELS, 2000, rng=5)
    assert (neutral.dropout == 1.0).all()
    # every other attribute keeps its draws: the multipliers are drawn last
    for name in ("base_rate", "basket_eur", "affinity", "repertoire", "consent", "sensitivity"):
        np.testing.assert_array_equal(getattr(neutral, name), getattr(spread, name))
    assert neutral.lapsed is None and neutral.past_purchases is None


def test_neutral_kernel_fields_are_the_kernels_start():
    pop = generate_population(PopulationSpec(), CHANNELS, 100, rng=1)
    fields = kernel_fields(pop)
    assert (fields["dropout"] == 1.0).all()
    assert not fields["lapsed"].any()
    assert (fields["since"] == _kernel.NEVER).all()


# --- heterogeneous dropout -------------------------------------------------------------------


def test_dropout_multipliers_have_mean_one_and_the_requested_cv():
    m = draw_dropout(1.5, 400_000, np.random.default_rng(0))
    assert m.mean() == pytest.approx(1.0, abs=0.01)
    assert m.std() / m.mean() == pytest.approx(1.5, rel=0.02)


def test_heterogeneous_dropout_lowers_the_churned_share_at_the_same_mean_hazard():
    # E[1 - exp(-h m t)] < 1 - exp(-h t) (Jensen): the same mean hazard spread over customers
    # loses fewer of them, and the ones it loses are those with high multipliers
    quiet = {"quiet": QUIET}
    only_base = {"churn_effort": 0.0, "churn_irritation": 0.0, "retention_effect": 0.0}
    shares = [
        _run(PopulationSpec(n_customers=20_000, dropout_cv=cv), quiet, n_weeks=52, **only_base)
        .customers["churned"]
        .mean()
        for cv in (0.0, 2.0)
    ]
    expected = 1 - math.exp(-52 * 0.003)
    assert shares[0] == pytest.approx(expected, abs=0.01)
    gamma_share = 1 - (1 + 52 * 0.003 * 4) ** -0.25  # Gamma(1/4, 4) mixture, Laplace transform
    assert shares[1] == pytest.approx(gamma_share, abs=0.01)
    assert shares[1] < shares[0] - 0.03


# --- the pre-period --------------------------------------------------------------------------


def _homogeneous(**kw) -> PopulationSpec:
    """Every customer the same purchase rate (no engagement or gamma spread)."""
    return PopulationSpec(engagement_sigma=0.0, rate_shape=1e6, **kw)


def test_without_dropout_the_kept_customers_are_zero_truncated_poisson_buyers():
    lam, weeks = 0.02, 52
    spec = _homogeneous(purchase_rate_per_week=lam, pre_period_weeks=weeks)
    no_churn = ResponseSpec(churn_base_per_week=0.0)
    pop = generate_population(spec, CHANNELS, 100_000, rng=4, response=no_churn)
    assert (pop.past_purchases >= 1).all() and not pop.lapsed.any()
    mu = lam * weeks
    assert pop.past_purchases.mean() == pytest.approx(mu / (1 - math.exp(-mu)), rel=0.01)
    np.testing.assert_array_equal(pop.past_purchases_by_channel.sum(axis=1), pop.past_purchases)
    np.testing.assert_allclose(pop.past_revenue_eur, pop.past_purchases * pop.basket_eur)
    # weeks since the last purchase: P(> x) = (exp(-lam x) - exp(-mu)) / (1 - exp(-mu))
    ws = pop.weeks_since_purchase
    assert ((ws > 0) & (ws <= weeks)).all()
    for x in (4.0, 13.0, 30.0):
        expected = (math.exp(-lam * x) - math.exp(-mu)) / (1 - math.exp(-mu))
        assert (ws > x).mean() == pytest.approx(expected, abs=0.006)


def test_a_pre_period_rate_ratio_scales_only_the_pre_periods_purchase_rate():
    lam, weeks, ratio = 0.01, 52, 4.0
    no_churn = ResponseSpec(churn_base_per_week=0.0)
    spec = _homogeneous(purchase_rate_per_week=lam, pre_period_weeks=weeks)
    past = generate_population(
        replace(spec, pre_period_rate_ratio=ratio), CHANNELS, 100_000, rng=4, response=no_churn
    )
    mu = ratio * lam * weeks  # the kept customers are zero-truncated Poisson(mu) buyers
    assert past.past_purchases.mean() == pytest.approx(mu / (1 - math.exp(-mu)), rel=0.01)
    assert past.base_rate == pytest.approx(lam, rel=0.01)  # the simulated weeks' rate
    # at 1 the pre-period draws what it drew before the ratio existed (digest taken then, as
    # a CPU without AVX-512 computed it: the population's functions now give its bits on any)
    stationary = generate_population(
        PopulationSpec(pre_period_weeks=52, purchase_rate_per_week=0.01, dropout_cv=1.0),
        CHANNELS,
        5000,
        rng=4,
    )
    digest = hashlib.sha256()
    fields = ("past_purchases", "weeks_since_purchase", "past_purchases_by_channel")
    for a in (*fields, "base_rate", "lapsed"):
        digest.update(np.ascontiguousarray(getattr(stationary, a)).tobytes())
    assert digest.hexdigest() == (
        "998eee2ea637414ba0d3593ce213a9658a928a8c8c2072e451e9f9a101ef2a28"
    )
    file = PopulationSpec(n_customers=3000, pre_period_weeks=52)
    assert not _tables_equal(_run(file), _run(replace(file, pre_period_rate_ratio=3.0)))
    # without a pre-period there is nothing to scale
    no_file = PopulationSpec(n_customers=3000)
    assert _tables_equal(_run(no_file), _run(replace(no_file, pre_period_rate_ratio=3.0)))
    # a larger ratio keeps customers of a lower simulated-weeks rate: they buy less in them
    heterogeneous = PopulationSpec(n_customers=20_000, pre_period_weeks=52)
    rates = [
        np.concatenate(
            [
                p.base_rate
                for p in _populations(
                    replace(heterogeneous, pre_period_rate_ratio=r), CHANNELS, ResponseSpec(), 2
                )
            ]
        ).mean()
        for r in (1.0, 5.0)
    ]
    assert rates[1] < 0.8 * rates[0]


def test_dropout_lapses_past_buyers_and_lapsed_customers_do_nothing():
    spec = PopulationSpec(n_customers=20_000, pre_period_weeks=52, purchase_rate_per_week=0.02)
    low = _run(spec, {"email": Monochannel(channel="email", contact_pressure=1.0)}, n_weeks=4)
    high = _run(
        spec,
        {"email": Monochannel(channel="email", contact_pressure=1.0)},
        n_weeks=4,
        churn_base_per_week=0.05,
    )
    pops = {
        name: _populations(spec, CHANNELS, ResponseSpec(churn_base_per_week=h), 7)
        for name, h in (("low", 0.003), ("high", 0.05))
    }
    lapsed = {name: np.concatenate([p.lapsed for p in pop]) for name, pop in pops.items()}
    assert lapsed["high"].mean() > lapsed["low"].mean() + 0.3
    # lapsed customers (the simulation's own): churned in week 0, no contact, visit or purchase
    c = high.customers[lapsed["high"]]
    assert (c["churn_week"] == 0).all()
    assert (
        (c[["contacts_received", "n_purchases", "visits", "consent_withdrawals"]] == 0).all().all()
    )
    alive = high.customers[~lapsed["high"]]
    assert (alive["contacts_received"] > 0).mean() > 0.5  # 60 % consent to e-mail
    # past-year buyers who lapse more buy less in the period
    assert high.customers["n_purchases"].mean() < 0.7 * low.customers["n_purchases"].mean()


def test_recency_carries_into_the_kernels_post_purchase_suppression():
    attrs = ("profile", "engagement", "base_rate", "tier", "basket_eur", "affinity")
    attrs += ("preference_order", "repertoire", "attention", "consent", "sensitivity")
    pop = Population(
        **dict.fromkeys(attrs, np.zeros(4)),
        past_purchases=np.array([1, 1, 1, 0]),
        weeks_since_purchase=np.array([0.3, 1.0, 2.5, np.nan]),
    )
    # week 0 adds 1: a purchase in the pre-period's last week is 1 week old in week 0
    np.testing.assert_array_equal(kernel_fields(pop)["since"], [0, 0, 2, _kernel.NEVER])


def test_the_calibration_regenerates_the_simulated_customers():
    spec = PopulationSpec(n_customers=BLOCK_SIZE + 500, pre_period_weeks=52)
    res = _run(spec, {"a": QUIET}, n_weeks=1, rng=11)
    pops = _populations(spec, CHANNELS, ResponseSpec(), 11)
    basket = np.concatenate([p.basket_eur for p in pops])
    np.testing.assert_array_equal(res.customers["basket_eur"].to_numpy(), basket)
    assert len(pops) == 2


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kw", "error", "match"),
    [
        (
            {"dropout_cv": -0.1},
            ValueError,
            r"'dropout_cv' must be a real number in \[0, 10\]; got -0.1",
        ),
        (
            {"dropout_cv": 11},
            ValueError,
            r"'dropout_cv' must be a real number in \[0, 10\]; got 11",
        ),
        ({"dropout_cv": "high"}, TypeError, r"'dropout_cv' must be a real number"),
        (
            {"pre_period_weeks": -1},
            ValueError,
            r"'pre_period_weeks' must be an int in \[0, 520\]; got -1",
        ),
        (
            {"pre_period_weeks": 521},
            ValueError,
            r"'pre_period_weeks' must be an int in \[0, 520\]; got 521",
        ),
        ({"pre_period_weeks": 52.5}, TypeError, r"'pre_period_weeks' must be an int"),
        (
            {"pre_period_rate_ratio": 0.0},
            ValueError,
            r"'pre_period_rate_ratio' must be a real number in \(0, 100\]; got 0.0",
        ),
        (
            {"pre_period_rate_ratio": 101},
            ValueError,
            r"'pre_period_rate_ratio' must be a real number in \(0, 100\]; got 101",
        ),
        ({"pre_period_rate_ratio": None}, TypeError, r"'pre_period_rate_ratio' must be a real"),
    ],
)
def test_bad_dropout_parameters(kw, error, match):
    with pytest.raises(error, match=match):
        PopulationSpec(**kw)


def test_a_pre_period_without_buyers_is_an_error():
    spec = PopulationSpec(purchase_rate_per_week=1e-9, pre_period_weeks=1)
    with pytest.raises(
        ValueError, match=r"'pre_period_weeks' = 1: only 0 of \d+ candidates bought"
    ):
        generate_population(spec, CHANNELS, 10, rng=0)


def test_a_parameter_space_can_vary_the_pre_period_rate_ratio():
    # a design checks each parameter's range on its own; the ratio's must pass without a
    # pre-period in the same context
    from mcstudy.experiments._parameter_space import parameter_space

    space = parameter_space({"population.pre_period_rate_ratio": (1.0, 10.0, "log")})
    assert len(space) == 1
