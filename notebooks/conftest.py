"""nbval settings for the study notebooks (``make test`` runs ``pytest --nbval notebooks/``).

The kernels nbval starts run in ``notebooks/`` and inherit this process's environment, so before
any kernel starts:

- ``MCSTUDY_ROOT`` defaults to the project folder holding this directory, so ``mcstudy.config``
  in the kernels points at this project's ``figures/`` and ``results/`` however mcstudy is
  installed (source checkout or wheel);
- a relative ``MCSTUDY_HILLSTROM`` is made absolute against pytest's working directory, by the
  rule ``load_hillstrom`` follows (:func:`mcstudy.io.hillstrom.locate_hillstrom`);
- notebooks that need the Hillstrom file are skipped, not failed, when it is not found or
  ``MCSTUDY_HILLSTROM`` is set but empty (real data turned off).
"""

import os
from pathlib import Path

import pytest

os.environ.setdefault("TQDM_DISABLE", "1")
if not os.environ.get("MCSTUDY_ROOT", "").strip():
    os.environ["MCSTUDY_ROOT"] = str(Path(__file__).resolve().parents[1])

from mcstudy import config  # noqa: E402
from mcstudy.io.hillstrom import locate_hillstrom  # noqa: E402
from mcstudy.reports import _NEEDS_HILLSTROM  # noqa: E402

_WHERE = locate_hillstrom()
if config.HILLSTROM_ENV in os.environ and _WHERE.path is not None:
    os.environ[config.HILLSTROM_ENV] = str(_WHERE.path)


def pytest_collection_modifyitems(config, items):
    """Skip the notebooks that need the Hillstrom file when it is not available."""
    if _WHERE.found:
        return
    skip = pytest.mark.skip(
        reason=f"Hillstrom data not found: {_WHERE.describe()}; download it (see README) or "
        "set MCSTUDY_HILLSTROM; this notebook is skipped, not failed"
    )
    for item in items:
        if item.path.name in _NEEDS_HILLSTROM:
            item.add_marker(skip)
