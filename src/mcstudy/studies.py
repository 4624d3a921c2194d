"""Simulator studies registered for :func:`mcstudy.experiments.sweep` and ``mcstudy sweep``.

Each study is a top-level function ``study(params, rng) -> dict[str, float]`` so it can run in
other processes and on Dask workers; it runs the simulator on one thread (parallelism comes from
running tasks side by side).
"""

from __future__ import annotations

import numpy as np

from mcstudy.engine import simulate
from mcstudy.experiments import FloatParam, IntParam, OptionParam, register_study
from mcstudy.population import PopulationSpec
from mcstudy.strategies import STRATEGIES, make_strategy

__all__ = ["strategy_comparison"]

_POPULATION_PARAMS = {
    "n_customers": IntParam(100, 10_000_000, default=20_000),
    "social_share": FloatParam(0.0, 1.0, default=0.5),
    "engagement_breadth_link": FloatParam(0.0, 5.0, default=1.0),
    "attention_mean": FloatParam(1.0, 100.0, default=2.0),
    "consent_rate": FloatParam(0.0, 1.0, default=0.6),
}


def strategy_comparison(params: dict, rng: np.random.Generator) -> dict[str, float]:
    """Randomise one population to a baseline and a treatment strategy; per-arm outcomes.

    Returns, for each arm (``baseline_``/``treatment_`` prefix) the columns of
    :meth:`mcstudy.engine.SimulationResult.summary`, and their differences (``diff_`` prefix,
    treatment minus baseline): a causal effect, since arms are randomised.
    """
    spec = PopulationSpec(**{k: params[k] for k in _POPULATION_PARAMS})
    pressure = {"contact_pressure": params["contact_pressure"]}
    arms = {"baseline": make_strategy(params["baseline"], **pressure),
            "treatment": make_strategy(params["strategy"], **pressure)}
    result = simulate(spec, arms, n_weeks=params["n_weeks"], n_journeys=0, n_threads=1,
                      progress=False, rng=rng)
    summary = result.summary().set_index("arm").drop(columns="customers")
    out = {}
    for arm in arms:
        out.update({f"{arm}_{k}": float(v) for k, v in summary.loc[arm].items()})
    out.update({f"diff_{k}": float(v) for k, v in
                (summary.loc["treatment"] - summary.loc["baseline"]).items()})
    return out


register_study(
    "strategy_comparison",
    strategy_comparison,
    params={
        **_POPULATION_PARAMS,
        "n_weeks": IntParam(1, 520, default=52),
        "strategy": OptionParam(tuple(sorted(STRATEGIES)), default="omnichannel"),
        "baseline": OptionParam(tuple(sorted(STRATEGIES)), default="siloed"),
        "contact_pressure": FloatParam(0.0, 50.0, default=1.0),
    },
)
