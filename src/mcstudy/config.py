"""Paths and project-wide constants.

Every path the package, the notebooks and the CLI use is defined here, relative to the
repository root, so notebooks never change directory and never hard-code paths.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Repository root (two levels above ``src/mcstudy``). Override with ``MCSTUDY_ROOT``.
ROOT = Path(os.environ.get("MCSTUDY_ROOT", Path(__file__).resolve().parents[2]))
DATA_DIR = ROOT / "data"
EXTERNAL_DATA_DIR = DATA_DIR / "external"
FIGURES_DIR = ROOT / "figures"
RESULTS_DIR = ROOT / "results"
REPORTS_DIR = ROOT / "reports"
NOTEBOOKS_DIR = ROOT / "notebooks"

CLAIMS_CSV = DATA_DIR / "claims.csv"
CHANNELS_CSV = DATA_DIR / "channels.csv"
VERDICTS_CSV = RESULTS_DIR / "verdicts.csv"

#: Where ``load_hillstrom`` looks when neither a path nor ``MCSTUDY_HILLSTROM`` is given.
HILLSTROM_DEFAULT = EXTERNAL_DATA_DIR / "hillstrom.csv"
HILLSTROM_ENV = "MCSTUDY_HILLSTROM"

#: The study notebooks, in the order ``make reproduce`` executes them.
STUDY_NOTEBOOKS = (
    "00_claims_registry.ipynb",
    "01_profiles_and_channel_choice.ipynb",
    "02_multichannel_purchase_uplift.ipynb",
    "03_intrusiveness_and_attention.ipynb",
    "04_integration_costs.ipynb",
    "05_cost_to_serve.ipynb",
    "06_cross_channel_and_attribution.ipynb",
    "07_real_data_hillstrom.ipynb",
    "99_scorecard.ipynb",
)
