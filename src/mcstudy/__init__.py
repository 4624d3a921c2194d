"""mcstudy: put claims about multichannel and omnichannel customer contact to the test.

The package is laid out like its data flow:

- :mod:`mcstudy.io`: validated loaders (claims registry, channel catalogue, parameter table,
  calibration targets, Hillstrom data);
- :mod:`mcstudy.model`: the customer simulator (population, strategies, kernel, engine);
- :mod:`mcstudy.runs`: replications and sweeps on serial, process and Dask backends;
- :mod:`mcstudy.analysis`: randomised, observational and uplift statistics, and the robustness
  of verdicts across the plausible parameter space (:mod:`mcstudy.robustness` is
  :mod:`mcstudy.analysis.robustness`);
- :mod:`mcstudy.attribution`: multi-touch attribution of conversions to channels (heuristics,
  Shapley, exact Markov removal effects) on path tables, real or simulated;
- :mod:`mcstudy.verdicts`, :mod:`mcstudy.scorecard`, :mod:`mcstudy.plots`,
  :mod:`mcstudy.reports`, :mod:`mcstudy.site`, :mod:`mcstudy.cli`: verdicts on claims, the
  claims scorecard, figures, executed notebooks, the HTML report and the command line.

The names below are re-exported for convenience.
"""

__version__ = "0.1.0"

from mcstudy import attribution
from mcstudy.analysis import (
    RobustnessAssessment,
    RobustnessResult,
    assess_robustness,
    robustness,
)
from mcstudy.io import load_channels, load_claims, load_hillstrom, load_parameters, load_targets
from mcstudy.model import (
    ChannelSet,
    CrossChannel,
    Equalised,
    Monochannel,
    Omnichannel,
    PopulationSpec,
    ResponseSpec,
    SiloedMultichannel,
    SimulationResult,
    Strategy,
    ValueTiered,
    channel_contributions,
    equalise,
    factorial_arms,
    generate_population,
    integration_path,
    make_strategy,
    shapley_decomposition,
    simulate,
)
from mcstudy.runs import replicate, sweep
from mcstudy.verdicts import (
    Verdict,
    judge_association,
    judge_effect,
    record_verdict,
    rule_for,
    with_robustness,
)

__all__ = [
    "ChannelSet",
    "CrossChannel",
    "Equalised",
    "Monochannel",
    "Omnichannel",
    "PopulationSpec",
    "ResponseSpec",
    "RobustnessAssessment",
    "RobustnessResult",
    "SiloedMultichannel",
    "SimulationResult",
    "Strategy",
    "ValueTiered",
    "Verdict",
    "__version__",
    "assess_robustness",
    "attribution",
    "channel_contributions",
    "equalise",
    "factorial_arms",
    "generate_population",
    "integration_path",
    "judge_association",
    "judge_effect",
    "rule_for",
    "with_robustness",
    "load_channels",
    "load_claims",
    "load_hillstrom",
    "load_parameters",
    "load_targets",
    "make_strategy",
    "record_verdict",
    "replicate",
    "robustness",
    "shapley_decomposition",
    "simulate",
    "sweep",
]
