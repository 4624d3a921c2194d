"""Batch runs of studies: replications and sweeps, on serial, process or Dask backends.

- :mod:`~mcstudy.runs.registry`: named studies and the parameters they accept;
- :mod:`~mcstudy.runs.studies`: the simulator studies shipped with mcstudy;
- :mod:`~mcstudy.runs.grid`: parameter grids;
- :mod:`~mcstudy.runs.batch`: :func:`replicate` and :func:`sweep`, the entry points;
- :mod:`~mcstudy.runs.backends`: where tasks run;
- :mod:`~mcstudy.runs.store`: the resumable task store;
- :mod:`~mcstudy.runs.config`: TOML sweep configurations;
- :mod:`~mcstudy.runs.summary`: summaries of replications.
"""

from mcstudy._random import task_seed_sequence
from mcstudy.runs.backends import BACKENDS, DEFAULT_CONNECT_TIMEOUT
from mcstudy.runs.batch import MAX_TASKS, SweepInterrupted, replicate, sweep
from mcstudy.runs.config import EXAMPLE_SWEEP_CONFIG, ConfigError, SweepConfig, load_sweep_config
from mcstudy.runs.registry import (
    STUDIES,
    FloatParam,
    IntParam,
    OptionParam,
    StudySpec,
    register_study,
)
from mcstudy.runs.store import RunConfigError, model_fingerprint
from mcstudy.runs.summary import mean_interval, summarise_replications

__all__ = [
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
