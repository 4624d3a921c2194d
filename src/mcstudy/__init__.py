"""mcstudy: put claims about multichannel and omnichannel customer contact to the test.

The package is laid out like its data flow:

- :mod:`mcstudy.io`: validated loaders and fetchers (claims registry, channel catalogue,
  parameter table, calibration targets, real data sets);
- :mod:`mcstudy.model`: the customer simulator (population, strategies, kernel, engine);
- :mod:`mcstudy.experiments`: everything that runs the simulator many times: replications and
  sweeps on serial, process and Dask backends, the resumable task store, robustness designs
  across the plausible parameter space, calibration, the throughput benchmark;
- :mod:`mcstudy.analysis`: pure statistics: randomised, observational, panel, heterogeneity and
  uplift estimates, choices with a tolerance for ties;
- :mod:`mcstudy.attribution`: multi-touch attribution of conversions to channels (heuristics,
  Shapley, exact Markov removal effects) on path tables, real or simulated;
- :mod:`mcstudy.studies`: the studies the notebooks run, one question each;
- :mod:`mcstudy.claims`: the registry's rules, verdict records and the scorecard;
- :mod:`mcstudy.report`: notebook execution, the HTML site and figures;
- :mod:`mcstudy.cli` and :mod:`mcstudy.config`: the command line and the project's paths.

Modules that moved keep working at their old paths (``mcstudy.runs``, ``mcstudy.verdicts``,
``mcstudy.scorecard``, ``mcstudy.reports``, ``mcstudy.site``, ``mcstudy.plots``,
``mcstudy.analysis.robustness``, ...) with a DeprecationWarning. The names below are
re-exported for convenience.
"""

from mcstudy import _moved, attribution, config
from mcstudy.claims.verdicts import (
    Verdict,
    judge_association,
    judge_effect,
    record_verdict,
    rule_for,
    with_robustness,
)
from mcstudy.experiments import (
    RobustnessAssessment,
    RobustnessResult,
    assess_robustness,
    replicate,
    robustness,
    sweep,
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

__version__ = config.VERSION

_moved.install()
