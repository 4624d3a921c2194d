"""Validated loaders: claims registry, channel catalogue, parameter table, real data sets.

- :mod:`~mcstudy.io.schema`: :class:`DataValidationError` and the CSV checks every loader uses;
- :mod:`~mcstudy.io.catalogue`: the shipped data files (claims, channels, parameters);
- :mod:`~mcstudy.io.hillstrom`: the MineThatData (Hillstrom) e-mail experiment.
"""

from mcstudy.io.catalogue import load_channels, load_claims, load_parameters
from mcstudy.io.hillstrom import hillstrom_customer_table, load_hillstrom
from mcstudy.io.schema import DataValidationError

__all__ = [
    "DataValidationError",
    "hillstrom_customer_table",
    "load_channels",
    "load_claims",
    "load_hillstrom",
    "load_parameters",
]
