"""The customer simulator: who the customers are, what the firm does, and what happens weekly.

- :mod:`~mcstudy.model.channels`: the simulated channels (:class:`ChannelSet`);
- :mod:`~mcstudy.model.population`: customer populations (:class:`PopulationSpec`);
- :mod:`~mcstudy.model.strategies`: contact strategies, monochannel to omnichannel;
- :mod:`~mcstudy.model.response`: how customers respond to contacts (:class:`ResponseSpec`);
- :mod:`~mcstudy.model.engine`: :func:`simulate`, which runs the weekly kernel in blocks;
- :mod:`~mcstudy.model.context`: the model objects for a point of the plausible parameter
  space, parameters named as in ``data/parameters.csv`` (:func:`model_context`);
- :mod:`~mcstudy.model.counterfactual`: the causal contribution of each channel, customer by
  customer, by re-simulation with common random numbers (:func:`channel_contributions`);
- :mod:`~mcstudy.model.design`: experimental designs over strategies (factorial arms,
  integration paths);
- :mod:`~mcstudy.model.decomposition`: the Shapley decomposition of an outcome difference
  among the factors of a design;
- :mod:`~mcstudy.model.equalisation`: arms equalised on contacts or budget per customer;
- :mod:`~mcstudy.model.tables`, :mod:`~mcstudy.model.effects`, :mod:`~mcstudy.model.costs`:
  the result tables, the first-order approximation of each contact's effect, and the cost
  ledger.
"""

from mcstudy.model.channels import ChannelSet
from mcstudy.model.context import ModelContext, model_context
from mcstudy.model.counterfactual import Contributions, channel_contributions
from mcstudy.model.decomposition import shapley_decomposition
from mcstudy.model.design import factorial_arms, integration_path
from mcstudy.model.engine import BLOCK_SIZE, SimulationResult, simulate
from mcstudy.model.equalisation import Equalised, equalise
from mcstudy.model.population import Population, PopulationSpec, generate_population
from mcstudy.model.response import ResponseSpec
from mcstudy.model.strategies import (
    INTEGRATION_FACTORS,
    STRATEGIES,
    CrossChannel,
    Monochannel,
    Omnichannel,
    SiloedMultichannel,
    Strategy,
    ValueTiered,
    make_strategy,
    preset_table,
)

__all__ = [
    "BLOCK_SIZE",
    "INTEGRATION_FACTORS",
    "STRATEGIES",
    "ChannelSet",
    "Contributions",
    "CrossChannel",
    "Equalised",
    "ModelContext",
    "Monochannel",
    "Omnichannel",
    "Population",
    "PopulationSpec",
    "ResponseSpec",
    "SiloedMultichannel",
    "SimulationResult",
    "Strategy",
    "ValueTiered",
    "channel_contributions",
    "equalise",
    "factorial_arms",
    "generate_population",
    "integration_path",
    "make_strategy",
    "model_context",
    "preset_table",
    "shapley_decomposition",
    "simulate",
]
