"""The shared study skeleton: run sizes, the simulation seed, one population of arms."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from mcstudy.model import model_context, simulate
from mcstudy.model.strategies import Omnichannel, SiloedMultichannel
from mcstudy.studies._skeleton import pop_sizes, run_arms, simulation_seed


def test_pop_sizes_takes_the_sizes_out_and_leaves_params_alone():
    params = {"n_customers": 300, "n_weeks": 10, "response.persuasion_effect": 0.1}
    rest, n, weeks = pop_sizes(params, 2000)
    assert (rest, n, weeks) == ({"response.persuasion_effect": 0.1}, 300, 10)
    assert "n_customers" in params
    assert pop_sizes({}, 2000)[1:] == (2000, 52)


@pytest.mark.parametrize(
    ("params", "match"),
    [({"n_customers": 50}, "'n_customers'"), ({"n_weeks": 1000}, "'n_weeks'")],
)
def test_pop_sizes_refuses_sizes_out_of_range(params, match):
    with pytest.raises(ValueError, match=match):
        pop_sizes(params, 2000)


def test_simulation_seed_is_the_generators_next_draw():
    assert simulation_seed(np.random.default_rng(7)) == int(
        np.random.default_rng(7).integers(2**63)
    )


def test_run_arms_is_simulate_on_one_population_of_the_arms():
    ctx = model_context({})
    arms = {"siloed": SiloedMultichannel(), "omni": Omnichannel()}
    got = run_arms(ctx, arms, n_per_arm=500, n_weeks=8, seed=11)
    want = simulate(
        replace(ctx.population, n_customers=1000),
        arms,
        n_weeks=8,
        response=ctx.response,
        channels=ctx.channels,
        n_journeys=0,
        n_threads=1,
        progress=False,
        rng=11,
    )
    pd.testing.assert_frame_equal(got.customers, want.customers)
    assert len(got.customers) == 1000
    journeys = run_arms(ctx, arms, n_per_arm=500, n_weeks=8, seed=11, n_journeys=100)
    assert len(journeys.journeys) > 0
