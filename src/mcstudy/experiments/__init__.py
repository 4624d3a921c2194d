"""Everything that runs the simulator many times.

- :mod:`~mcstudy.experiments.registry`: named studies and the parameters they accept;
- :mod:`~mcstudy.experiments.sweep_studies`: the simulator studies shipped for sweeps;
- :mod:`~mcstudy.experiments.grid`: parameter grids;
- :mod:`~mcstudy.experiments.batch`: :func:`replicate` and :func:`sweep`, the entry points;
- :mod:`~mcstudy.experiments.backends`: where tasks run (serial, processes, Dask);
- :mod:`~mcstudy.experiments.store`: the resumable task store;
- :mod:`~mcstudy.experiments.config`: TOML sweep configurations;
- :mod:`~mcstudy.experiments.summary`: summaries of replications;
- :mod:`~mcstudy.experiments.robustness`: how much of the plausible parameter space a verdict
  holds in, what it hinges on and where it flips (Morris, then Sobol' with SALib);
- :mod:`~mcstudy.experiments.calibration`: fitting model parameters to real targets by
  simulated method of moments (imported on use);
- :mod:`~mcstudy.experiments.bench`: simulator throughput.
"""

from mcstudy._random import design_stream, task_seed_sequence
from mcstudy.experiments import robustness
from mcstudy.experiments.backends import BACKENDS, DEFAULT_CONNECT_TIMEOUT
from mcstudy.experiments.batch import MAX_TASKS, SweepInterrupted, replicate, sweep
from mcstudy.experiments.config import (
    EXAMPLE_SWEEP_CONFIG,
    ConfigError,
    SweepConfig,
    load_sweep_config,
)
from mcstudy.experiments.registry import (
    STUDIES,
    FloatParam,
    IntParam,
    OptionParam,
    StudySpec,
    register_study,
)
from mcstudy.experiments.robustness import (
    FlipRegion,
    RobustnessAssessment,
    RobustnessResult,
    assess_robustness,
    design_points,
    parameter_space,
)
from mcstudy.experiments.store import RunConfigError, model_fingerprint
from mcstudy.experiments.summary import mean_interval, summarise_replications

__all__ = [
    "FlipRegion",
    "RobustnessAssessment",
    "RobustnessResult",
    "assess_robustness",
    "design_points",
    "design_stream",
    "parameter_space",
    "robustness",
    "BACKENDS",
    "DEFAULT_CONNECT_TIMEOUT",
    "EXAMPLE_SWEEP_CONFIG",
    "MAX_TASKS",
    "STUDIES",
    "ConfigError",
    "FloatParam",
    "IntParam",
    "OptionParam",
    "RunConfigError",
    "StudySpec",
    "SweepConfig",
    "SweepInterrupted",
    "load_sweep_config",
    "mean_interval",
    "model_fingerprint",
    "register_study",
    "replicate",
    "summarise_replications",
    "sweep",
    "task_seed_sequence",
]
