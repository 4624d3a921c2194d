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


def test_simulation_seed_passes_a_seed_sequence_on_as_it_is():
    ss = np.random.SeedSequence(7, spawn_key=(0, 3))
    assert simulation_seed(ss) is ss
    assert simulation_seed(7).entropy == 7 and simulation_seed(7).spawn_key == ()
    # a generator contributes a child of its own sequence: nothing is drawn from it
    gen = np.random.default_rng(7)
    state = gen.bit_generator.state
    child = simulation_seed(gen)
    assert gen.bit_generator.state == state and child.spawn_key == (0,)
    with pytest.raises(TypeError, match="'rng' must be None, an int seed"):
        simulation_seed("seven")


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
