"""Notebook 03's robustness space judged over what the data allow (studies.multichannel_space)."""

import numpy as np
import pandas as pd
import pytest

from mcstudy import config, rule_for
from mcstudy.io import load_targets
from mcstudy.studies import data_allowed_spaces as das
from mcstudy.studies.multichannel_claims import association_at_point
from mcstudy.studies.multichannel_space import ROBUSTNESS_PARAMETERS, multichannel_space


@pytest.fixture(scope="module")
def points():
    return pd.read_csv(das.sample_path("multichannel"))


def test_the_space_is_the_notebooks_design():
    space = das.load_space("multichannel")
    assert (space.name, space.notebook) == ("multichannel", "03")
    assert space.parameters == ROBUSTNESS_PARAMETERS and space.fixed == {"n_customers": 30_000}
    assert set(space.judges) == set(space.claim_statistics) == {"C000-07"}


def test_c000_07_is_judged_by_its_association_rule(points):
    verdicts = pd.read_csv(config.VERDICTS_CSV)
    tables = das.allowed_space_tables(multichannel_space(), points, load_targets(), verdicts)
    claims = tables["claims"]
    reference = verdicts.set_index("claim_id").loc["C000-07", "lean"]
    assert claims.loc["C000-07", "reference"] == reference
    gaps, causes = points["stat:gap_during_2plus"], points["stat:causal_2plus"]
    holds = np.array(
        [
            association_at_point(rule_for("C000-07"), gap, causal) == reference
            for gap, causal in zip(gaps, causes, strict=True)
        ]
    )
    assert claims.loc["C000-07", "share_all"] == pytest.approx(np.mean(holds))
    allowed = tables["allowed"].to_numpy()
    assert claims.loc["C000-07", "share_allowed"] == pytest.approx(holds[allowed].mean())
    # by construction whatever the data allow (its registry row names what fixes it)
    assert claims.loc["C000-07", "evidence_class"] == "by construction"


def test_a_committed_point_is_reproduced_from_its_parameters(points, reproduce_committed_point):
    reproduce_committed_point(multichannel_space(), points)
