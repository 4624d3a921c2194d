import os

import pytest

os.environ.setdefault("TQDM_DISABLE", "1")


def pytest_addoption(parser):
    parser.addoption("--run-slow", action="store_true", default=False, help="run slow tests")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow test: pass --run-slow to run it")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def _hillstrom_path():
    """The real Hillstrom file, found as mcstudy finds it; None when absent or turned off.

    :func:`mcstudy.io.hillstrom.locate_hillstrom` (``$MCSTUDY_HILLSTROM``, else
    ``data/external/hillstrom.csv``); when the variable is unset and the default file is
    missing, also ``../shared/data/hillstrom.csv`` next to the repository, as the Makefile does.
    """
    from pathlib import Path

    from mcstudy import config
    from mcstudy.io.hillstrom import locate_hillstrom

    found = locate_hillstrom().path
    if found is not None and found.is_file():
        return found
    if os.environ.get(config.HILLSTROM_ENV) is None:
        shared = Path(__file__).resolve().parents[2] / "shared" / "data" / "hillstrom.csv"
        if shared.is_file():
            return shared
    return None


NO_HILLSTROM = (
    "Hillstrom file not found: set MCSTUDY_HILLSTROM, save it as "
    "data/external/hillstrom.csv, or keep ../shared/data/hillstrom.csv next to the "
    "repository."
)


@pytest.fixture(scope="session")
def hillstrom_path():
    """Path of the real Hillstrom file; skips the test when it is not found."""
    path = _hillstrom_path()
    if path is None:
        pytest.skip(NO_HILLSTROM)
    return path
