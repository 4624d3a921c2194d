"""The skeleton every simulated study shares, written once.

A study's run function (``study(params, rng)``, see :mod:`mcstudy.experiments.batch`) pops its
run sizes from ``params`` (:func:`pop_sizes`), applies the remaining model parameters to the
reference context (:func:`mcstudy.model.model_context`), takes the seed sequence it was handed
(:func:`simulation_seed`) and runs its arms on one population (:func:`run_arms`),
single-threaded and silent because replications run side by side.

The seed's path: a notebook's int seed becomes a ``SeedSequence`` once, per task, in
:func:`mcstudy.experiments.batch` (``SeedSequence(seed, spawn_key=(point, replication))``);
the study passes that sequence on unchanged to :func:`mcstudy.model.simulate`, whose blocks
draw from its children. A study that runs a second, independent simulation takes its stream
from :func:`mcstudy._random.study_stream`; nothing turns a generator back into integers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from mcstudy._random import seed_sequence
from mcstudy._validation import check_int
from mcstudy.model.context import ModelContext
from mcstudy.model.engine import simulate

__all__ = ["pop_sizes", "run_arms", "simulation_seed"]

#: Bounds of a study's run sizes: customers per arm and weeks.
CUSTOMERS_RANGE = (100, 1_000_000)
WEEKS_RANGE = (4, 520)


def pop_sizes(params: Mapping, default_customers: int) -> tuple[dict, int, int]:
    """``params`` without its run sizes, and the sizes: customers per arm and weeks.

    ``n_customers`` (default ``default_customers``) must be a whole number in [100,
    1,000,000] and ``n_weeks`` (default 52) one in [4, 520]; the error names the one that is
    not. ``params`` itself is left as it is.
    """
    params = dict(params)
    n = check_int(params.pop("n_customers", default_customers), "n_customers", *CUSTOMERS_RANGE)
    n_weeks = check_int(params.pop("n_weeks", 52), "n_weeks", *WEEKS_RANGE)
    return params, n, n_weeks


def simulation_seed(rng) -> np.random.SeedSequence:
    """The seed sequence a study hands the engine: ``rng`` itself when it is one.

    ``rng`` is what the study was called with: a ``SeedSequence`` (from a replication or a
    robustness design, used as it is), an int seed, None, or a ``Generator`` (which contributes
    a child of its own sequence, see :func:`mcstudy._random.seed_sequence`). Passing the result
    to several simulations gives them the same random numbers (common random numbers).
    """
    return seed_sequence(rng)


def run_arms(
    ctx: ModelContext,
    arms: Mapping,
    *,
    n_per_arm: int,
    n_weeks: int,
    seed: np.random.SeedSequence,
    population=None,
    channels=None,
    **options,
):
    """Simulate ``arms`` on one population of ``n_per_arm`` customers per arm.

    The population, response and channels are the context's unless ``population`` or
    ``channels`` is given; ``options`` go to :func:`mcstudy.model.simulate` (``n_journeys``,
    ``switched_off``, ...). One thread, no progress bar: replications run side by side.
    """
    base = ctx.population if population is None else population
    return simulate(
        replace(base, n_customers=n_per_arm * len(arms)),
        arms,
        n_weeks=n_weeks,
        response=ctx.response,
        channels=ctx.channels if channels is None else channels,
        n_threads=1,
        progress=False,
        rng=seed,
        **{"n_journeys": 0, **options},
    )
