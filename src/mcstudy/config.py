"""Paths and project-wide constants.

Two kinds of paths live here, so notebooks never change directory and never hard-code paths:

- **Data shipped inside the package** (the claims registry, the channel catalogue, the
  parameter table and the calibration targets), found with :mod:`importlib.resources` wherever
  mcstudy is installed: :data:`CLAIMS_CSV`, :data:`CHANNELS_CSV`, :data:`PARAMETERS_CSV`,
  :data:`TARGETS_CSV`. A source checkout keeps links to them at ``data/*.csv``.
- **Project folders** (``notebooks/``, ``figures/``, ``results/``, ``reports/``,
  ``data/external/``) under the project root :data:`ROOT`, found by
  :func:`find_project_root`: ``$MCSTUDY_ROOT`` when set, else the source checkout mcstudy is
  imported from, else the current working directory. ``mcstudy reproduce --project DIR``
  passes ``DIR`` to the notebooks it runs through ``MCSTUDY_ROOT``.

The paths are computed once, when this module is first imported.
"""

from __future__ import annotations

import os
from importlib import metadata, resources
from pathlib import Path


def _version() -> str:
    """The installed distribution's version; ``0+unknown`` when mcstudy is run uninstalled."""
    try:
        return metadata.version("mcstudy")
    except metadata.PackageNotFoundError:
        return "0+unknown"


#: The version of mcstudy (``mcstudy.__version__``), read from the installed distribution.
VERSION = _version()

#: Environment variable naming the project root (notebooks/, figures/, results/, reports/).
ROOT_ENV = "MCSTUDY_ROOT"
#: Environment variable naming the Hillstrom file; set but empty turns the real data off.
HILLSTROM_ENV = "MCSTUDY_HILLSTROM"


def find_project_root() -> tuple[Path, str]:
    """Return the project root and a phrase saying where it came from.

    Returns
    -------
    root : Path
        Absolute path of, in this order of precedence:

        1. ``$MCSTUDY_ROOT`` when set and not empty (a relative value is taken relative to the
           current working directory);
        2. the source checkout, when mcstudy is imported from ``<checkout>/src/mcstudy`` (an
           editable install or ``PYTHONPATH=src``) and ``<checkout>/pyproject.toml`` exists:
           ``make reproduce``, nbval and the notebooks of the repository use it;
        3. the current working directory (an installed wheel).
    origin : str
        ``"MCSTUDY_ROOT"``, ``"the source checkout"`` or ``"the working directory"``.
    """
    env = os.environ.get(ROOT_ENV, "").strip()
    if env:
        return Path(env).expanduser().resolve(), ROOT_ENV
    package = Path(__file__).resolve().parent
    checkout = package.parent.parent
    if package.parent.name == "src" and (checkout / "pyproject.toml").is_file():
        return checkout, "the source checkout"
    return Path.cwd().resolve(), "the working directory"


#: Project root (see :func:`find_project_root`) and where it came from.
ROOT, ROOT_ORIGIN = find_project_root()
DATA_DIR = ROOT / "data"
EXTERNAL_DATA_DIR = DATA_DIR / "external"
FIGURES_DIR = ROOT / "figures"
RESULTS_DIR = ROOT / "results"
REPORTS_DIR = ROOT / "reports"
NOTEBOOKS_DIR = ROOT / "notebooks"
VERDICTS_CSV = RESULTS_DIR / "verdicts.csv"

#: Data files shipped inside the package (``mcstudy/data/``), declared as package data. The
#: package is installed as files (numba caches its kernel next to them), so this is a path.
PACKAGE_DATA_DIR = Path(os.fspath(resources.files("mcstudy") / "data"))
CLAIMS_CSV = PACKAGE_DATA_DIR / "claims.csv"
CHANNELS_CSV = PACKAGE_DATA_DIR / "channels.csv"
PARAMETERS_CSV = PACKAGE_DATA_DIR / "parameters.csv"
TARGETS_CSV = PACKAGE_DATA_DIR / "targets.csv"
REFERRAL_NETWORK_CSV = PACKAGE_DATA_DIR / "referral_network.csv"

#: Where ``load_hillstrom`` looks when neither a path nor ``MCSTUDY_HILLSTROM`` is given.
HILLSTROM_DEFAULT = EXTERNAL_DATA_DIR / "hillstrom.csv"

#: The study notebooks, in the order ``make reproduce`` executes them.
STUDY_NOTEBOOKS = (
    "00_claims_registry.ipynb",
    "01_calibration.ipynb",
    "02_profiles_and_channel_choice.ipynb",
    "03_multichannel_purchase_uplift.ipynb",
    "04_intrusiveness_and_attention.ipynb",
    "05_integration_costs.ipynb",
    "06_cost_to_serve.ipynb",
    "07_cross_channel_and_attribution.ipynb",
    "08_real_data_hillstrom.ipynb",
    "09_real_data_completejourney.ipynb",
    "10_real_data_experiments.ipynb",
    "11_real_data_promotions.ipynb",
    "99_scorecard.ipynb",
)
