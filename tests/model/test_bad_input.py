"""Bad input to the simulator: each gets a clear error naming the parameter, value and range."""

from __future__ import annotations

import numpy as np
import pytest

from mcstudy.model import (
    Monochannel,
    Omnichannel,
    PopulationSpec,
    SiloedMultichannel,
    ValueTiered,
    engine,
    simulate,
)

SMALL = PopulationSpec(n_customers=200)


@pytest.mark.parametrize(
    ("strategy", "match"),
    [
        (Monochannel(channel="fax"), r"arm 'a': strategy 'monochannel' uses channels \['fax'\]"),
        (
            Omnichannel(channels=("fax",)),
            r"arm 'a': strategy 'omnichannel' uses channels \['fax'\]",
        ),
    ],
)
def test_unknown_channel_names_the_arm_and_its_own_strategy(strategy, match):
    with pytest.raises(ValueError, match=match):
        simulate(SMALL, {"a": strategy}, n_weeks=2, rng=1)


@pytest.mark.parametrize("value", ["email", 3, ()])
def test_tier_channels_must_be_tuples_of_names(value):
    with pytest.raises(TypeError, match=r"'tier_channels\['small'\]' must be a non-empty tuple"):
        ValueTiered(tier_channels={"small": value})
    with pytest.raises(TypeError, match=r"'tier_channels' must map tiers"):
        ValueTiered(tier_channels=["small"])


def test_arm_without_customers_stays_in_the_summary():
    arms = {"a": SiloedMultichannel(), "b": Omnichannel()}
    result = simulate(SMALL, arms, arm_shares={"a": 1.0, "b": 0.0}, n_weeks=2, rng=1)
    summary = result.summary().set_index("arm")
    assert list(summary.index) == ["a", "b"]
    assert summary.loc["b", "customers"] == 0
    assert np.isnan(summary.loc["b", "purchases_per_customer"])
    assert summary.loc["a", "customers"] == 200


def test_simulation_that_cannot_fit_is_refused_before_allocating(monkeypatch):
    monkeypatch.setattr(engine, "_available_memory", lambda: 2e9)
    with pytest.raises(
        MemoryError,
        match=r"simulating 10,000,000 customers needs about "
        r"4\.\d GB of memory; 2\.0 GB is available",
    ):
        simulate(PopulationSpec(n_customers=10_000_000), n_weeks=2, rng=1)


def test_memory_estimate_is_above_the_measured_peaks():
    channels = engine._default_channels()
    # measured with `mcstudy bench`: 538 MB at 1e6 customers, 1.57 GB at 5e6
    assert engine.estimate_peak_memory(1_000_000, channels) > 538e6
    assert engine.estimate_peak_memory(5_000_000, channels) > 1.57e9


@pytest.mark.parametrize(
    ("rng", "exc", "match"),
    [
        (
            -1,
            ValueError,
            r"'rng' must be None, a non-negative int seed, a SeedSequence or a "
            r"Generator; got -1",
        ),
        (
            1.5,
            TypeError,
            r"'rng' must be None, an int seed, a SeedSequence or a Generator; "
            r"got 1\.5",
        ),
        ("1", TypeError, r"'rng' must be None, an int seed"),
    ],
)
def test_bad_rng(rng, exc, match):
    with pytest.raises(exc, match=match):
        simulate(SMALL, n_weeks=2, rng=rng)
