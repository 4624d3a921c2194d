"""mcstudy: put claims about multichannel and omnichannel customer contact to the test."""

__version__ = "0.1.0"

from mcstudy import studies as _studies  # noqa: F401  (registers the simulator studies)
from mcstudy.channels import ChannelSet
from mcstudy.claims import Verdict, judge_association, judge_effect, record_verdict
from mcstudy.datasets import load_channels, load_claims, load_hillstrom
from mcstudy.engine import SimulationResult, simulate
from mcstudy.experiments import replicate, sweep
from mcstudy.population import PopulationSpec, generate_population
from mcstudy.response import ResponseSpec
from mcstudy.strategies import (
    CrossChannel,
    Monochannel,
    Omnichannel,
    SiloedMultichannel,
    Strategy,
    ValueTiered,
    make_strategy,
)

__all__ = [
    "ChannelSet",
    "CrossChannel",
    "Monochannel",
    "Omnichannel",
    "PopulationSpec",
    "ResponseSpec",
    "SiloedMultichannel",
    "SimulationResult",
    "Strategy",
    "ValueTiered",
    "Verdict",
    "__version__",
    "generate_population",
    "judge_association",
    "judge_effect",
    "load_channels",
    "load_claims",
    "load_hillstrom",
    "make_strategy",
    "record_verdict",
    "replicate",
    "simulate",
    "sweep",
]
