"""nbval settings for the study notebooks (``make test`` runs ``pytest --nbval notebooks/``)."""

import os

import pytest

os.environ.setdefault("TQDM_DISABLE", "1")

from mcstudy.reports import _NEEDS_HILLSTROM, hillstrom_available  # noqa: E402


def pytest_collection_modifyitems(config, items):
    found, where = hillstrom_available()
    if found:
        return
    skip = pytest.mark.skip(
        reason=f"Hillstrom data not found at {where}: download it (see README) or set "
               "MCSTUDY_HILLSTROM; this notebook is skipped, not failed"
    )
    for item in items:
        if item.path.name in _NEEDS_HILLSTROM:
            item.add_marker(skip)
