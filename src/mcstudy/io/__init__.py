"""Validated loaders: claims, channels, parameters, calibration targets, real data sets.

- :mod:`~mcstudy.io.schema`: :class:`DataValidationError` and the CSV checks every loader uses;
- :mod:`~mcstudy.io.catalogue`: the shipped data files (claims, channels, parameters,
  targets);
- :mod:`~mcstudy.io.hillstrom`: the MineThatData (Hillstrom) e-mail experiment.
"""

from mcstudy.io.catalogue import load_channels, load_claims, load_parameters, load_targets
from mcstudy.io.hillstrom import hillstrom_customer_table, hillstrom_targets, load_hillstrom
from mcstudy.io.schema import DataValidationError

__all__ = [
    "DataValidationError",
    "hillstrom_customer_table",
    "hillstrom_targets",
    "load_channels",
    "load_claims",
    "load_hillstrom",
    "load_parameters",
    "load_targets",
]
