"""Notebook 07's robustness design as a space judged over what the data allow."""

import pandas as pd
import pytest

from mcstudy import config
from mcstudy.experiments.data_allowed import MODEL_PREFIXES, AllowedSpace, constraint_targets
from mcstudy.io import load_targets
from mcstudy.studies import data_allowed_spaces as das
from mcstudy.studies.cross_channel import cross_channel_statistics
from mcstudy.studies.cross_channel_claims import CLAIM_STATISTICS
from mcstudy.studies.cross_channel_design import (
    ROBUSTNESS_FIXED,
    cross_channel_space,
    robustness_space,
)

NOTEBOOK = "07_cross_channel_and_attribution.ipynb"
SAMPLE = config.DATA_DIR / "data_allowed_cross_channel.csv"


@pytest.fixture(scope="module")
def space():
    return cross_channel_space()


@pytest.fixture(scope="module")
def verdicts():
    return pd.read_csv(config.VERDICTS_CSV).set_index("claim_id")


def test_the_space_is_the_notebooks_design(space, monkeypatch):
    assert isinstance(space, AllowedSpace)
    monkeypatch.setitem(das.SPACES, "cross_channel", cross_channel_space)
    assert das.load_space("cross_channel") == space
    assert das.sample_path("cross_channel") == SAMPLE
    assert (space.name, space.notebook) == ("cross_channel", "07")
    assert space.study is cross_channel_statistics
    assert dict(space.parameters) == robustness_space()
    assert dict(space.claim_statistics) == CLAIM_STATISTICS
    assert dict(space.fixed) == {"n_customers": 1_500, "n_weeks": 52, "design": "reference"}
    assert dict(space.fixed) == ROBUSTNESS_FIXED
    # the sales mix is a setting of the study: the targets do not see it
    assert not "shop_share".startswith(MODEL_PREFIXES)


def test_its_claims_are_the_notebooks_simulated_claims_with_a_robustness_design(space, verdicts):
    mine = verdicts[verdicts["notebook"] == NOTEBOOK]
    assert set(space.claim_statistics) == set(mine.index[mine["robustness_share"].notna()])


def test_every_hinge_of_its_claims_is_a_parameter_of_the_space(space, verdicts):
    hinges = verdicts.loc[list(space.claim_statistics), "hinges_on"].dropna()
    named = {h for text in hinges for h in text.split("; ")}
    assert named  # C000-21, C000-22 and C003-06 hinge on something
    assert named <= set(space.parameters)


@pytest.fixture(scope="module")
def points():
    return pd.read_csv(SAMPLE)


def test_the_committed_sample_covers_the_space_the_claims_and_the_targets(space, points):
    assert len(points) == 200
    for name, (low, high, _) in space.parameters.items():
        assert points[f"u:{name}"].between(0, 1).all()
        assert points[name].between(low * (1 - 1e-9), high * (1 + 1e-9)).all()
    for statistic in space.claim_statistics.values():
        assert points[f"stat:{statistic}"].notna().all()
    for target in constraint_targets(load_targets())["target_id"]:
        assert {f"sim:{target}", f"sim_se:{target}"} <= set(points)
    tables = das.allowed_space_tables(
        space, points, load_targets(), pd.read_csv(config.VERDICTS_CSV)
    )
    assert list(tables["claims"].index) == list(space.claim_statistics)


def test_a_committed_point_is_reproduced_from_its_parameters(
    space, points, reproduce_committed_point
):
    reproduce_committed_point(space, points)
