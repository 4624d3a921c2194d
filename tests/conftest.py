import getpass
import os
import signal
import sys
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("TQDM_DISABLE", "1")

# Under pytest-xdist (``make test`` runs the tests in two processes) each worker compiles into a
# numba cache of its own, set before numba is imported and inherited by the processes it starts.
# numba saves a compiled function by reading the cache index, adding the new entry and writing
# index and data back, with no lock: two workers compiling different signatures of one function
# at the same moment (after the source changed) could each take the same data file, and the
# index would then name one signature's machine code for the other. The caches are kept (in the
# system temporary folder, by user and worker) so that the next run finds them warm.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
if _WORKER and "NUMBA_CACHE_DIR" not in os.environ:
    _NUMBA_CACHE = Path(tempfile.gettempdir()) / f"mcstudy-numba-{getpass.getuser()}" / _WORKER
    os.environ["NUMBA_CACHE_DIR"] = str(_NUMBA_CACHE)

# Test modules are imported as ``tests.<area>.test_<name>`` (``--import-mode=importlib``), and
# the functions they hand to the process and Dask backends are pickled under those names. A
# worker process finds them only if the repository root is on the path it inherits:
# ``python -m pytest`` puts the working directory there, the ``pytest`` script does not, so
# the root is added here whichever way pytest was started.
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.append(_ROOT)


@pytest.fixture(autouse=True)
def ctrl_c_raises_keyboard_interrupt():
    """Every test runs with Ctrl-C (SIGINT) raising KeyboardInterrupt, as at a terminal.

    A test run started under ``nohup``, after ``&`` in a non-interactive shell, or by a CI
    runner inherits SIGINT *ignored*; Python then leaves it ignored, and so do the processes it
    starts. The tests that press Ctrl-C (in this process, or in a child started from it, which
    gets the default disposition back on exec) rely on the usual one, so it is set here and
    restored after each test.
    """
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.fixture(autouse=True)
def empty_data_cache(tmp_path, monkeypatch):
    """Every test sees an empty mcstudy data cache (``MCSTUDY_CACHE``), whatever was fetched.

    Tests of where data are found must not depend on what this machine happens to hold. The
    real data sets reach tests through the session fixtures below (``hillstrom_path``), which
    are resolved before this one, against the real cache.
    """
    monkeypatch.setenv("MCSTUDY_CACHE", str(tmp_path / "mcstudy-cache"))


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
