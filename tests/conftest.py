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
    """The real Hillstrom file, looked for where the README says; None when absent.

    ``$MCSTUDY_HILLSTROM`` when set and not empty, else ``data/external/hillstrom.csv``, else
    ``../shared/data/hillstrom.csv`` next to the repository.
    """
    from pathlib import Path

    from mcstudy import config

    env = os.environ.get(config.HILLSTROM_ENV)
    root = Path(__file__).resolve().parents[1]
    candidates = [Path(env)] if env else [config.HILLSTROM_DEFAULT,
                                          root.parent / "shared" / "data" / "hillstrom.csv"]
    return next((p for p in candidates if p.is_file()), None)


NO_HILLSTROM = ("Hillstrom file not found: set MCSTUDY_HILLSTROM, save it as "
                "data/external/hillstrom.csv, or keep ../shared/data/hillstrom.csv next to the "
                "repository.")


@pytest.fixture(scope="session")
def hillstrom_path():
    """Path of the real Hillstrom file; skips the test when it is not found."""
    path = _hillstrom_path()
    if path is None:
        pytest.skip(NO_HILLSTROM)
    return path
