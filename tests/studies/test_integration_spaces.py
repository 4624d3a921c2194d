"""Notebook 05's robustness spaces and their committed data-allowed samples."""

import pandas as pd
import pytest

from mcstudy import config
from mcstudy.experiments._parameter_space import parameter_space
from mcstudy.experiments.data_allowed import AllowedSpace
from mcstudy.io import load_targets
from mcstudy.studies import data_allowed_spaces as das
from mcstudy.studies.integration import coordination_contrasts, integration_contrasts
from mcstudy.studies.integration_findings import COORDINATION_CLAIMS, INTEGRATION_CLAIMS
from mcstudy.studies.integration_spaces import (
    COORDINATION_ROBUSTNESS_PARAMETERS,
    INTEGRATION_ROBUSTNESS_PARAMETERS,
    coordination_space,
    integration_space,
)


@pytest.fixture(scope="module")
def spaces():
    return {"integration": integration_space(), "coordination": coordination_space()}


@pytest.fixture(scope="module")
def verdicts():
    return pd.read_csv(config.VERDICTS_CSV).set_index("claim_id")


@pytest.fixture
def registered(monkeypatch):
    monkeypatch.setitem(das.SPACES, "integration", integration_space)
    monkeypatch.setitem(das.SPACES, "coordination", coordination_space)


def test_the_spaces_are_the_notebooks_designs(spaces):
    integration, coordination = spaces["integration"], spaces["coordination"]
    assert isinstance(integration, AllowedSpace) and integration.notebook == "05"
    assert integration.study is integration_contrasts
    assert coordination.study is coordination_contrasts
    assert integration.parameters == INTEGRATION_ROBUSTNESS_PARAMETERS
    assert coordination.parameters == COORDINATION_ROBUSTNESS_PARAMETERS
    assert dict(integration.claim_statistics) == INTEGRATION_CLAIMS
    assert dict(coordination.claim_statistics) == COORDINATION_CLAIMS
    assert {k: v for k, v in integration.fixed.items() if k != "pressures"} == {
        "n_customers": 1_000,
        "n_weeks": 52,
        "design": "core",
    }
    assert dict(coordination.fixed) == {"n_customers": 300, "n_weeks": 52}


def test_the_pressures_are_those_notebook_05_prints(spaces):
    pressures = spaces["integration"].fixed["pressures"]
    assert set(pressures) == {"none", "consistent_offers", "shared_history", "all", "single_email"}
    # notebook 05, the table of equalised pressures (rounded to 3 decimals)
    printed = {"none": 1.298, "consistent_offers": 1.290, "all": 0.788, "single_email": 1.236}
    for arm, value in printed.items():
        assert pressures[arm] == pytest.approx(value, abs=5e-4)


def test_the_claims_are_the_notebooks_designed_claims_and_their_hinges_parameters(spaces, verdicts):
    mine = verdicts[verdicts["notebook"] == "05_integration_costs.ipynb"]
    designed = set(mine.index[mine["robustness_share"].notna()])
    assert designed == set(INTEGRATION_CLAIMS) | set(COORDINATION_CLAIMS)
    for space in spaces.values():
        for claim in space.claim_statistics:
            hinges = verdicts.loc[claim, "hinges_on"]
            if pd.notna(hinges):
                assert set(str(hinges).split("; ")) <= set(space.parameters), claim


def test_the_spaces_register_and_name_their_samples(registered):
    assert das.load_space("coordination").name == "coordination"
    assert das.sample_path("integration").name == "data_allowed_integration.csv"


@pytest.mark.parametrize("name", ["integration", "coordination"])
def test_a_committed_point_is_reproduced_from_its_parameters(
    name, spaces, registered, reproduce_committed_point
):
    space = spaces[name]
    points = pd.read_csv(das.sample_path(name))
    assert len(points) == 200
    ranges = parameter_space(list(space.parameters))
    for p, low, high in ranges[["parameter", "low", "high"]].itertuples(index=False):
        assert points[p].between(low * (1 - 1e-9), high * (1 + 1e-9)).all()
    reproduce_committed_point(space, points)


@pytest.mark.parametrize("name", ["integration", "coordination"])
def test_the_committed_samples_judge_their_claims(name, spaces, registered):
    space = spaces[name]
    points = pd.read_csv(das.sample_path(name))
    tables = das.allowed_space_tables(
        space, points, load_targets(), pd.read_csv(config.VERDICTS_CSV)
    )
    claims = tables["claims"]
    assert set(claims.index) <= set(space.claim_statistics)
    assert claims["share_allowed"].between(claims["ci_low"] - 1e-9, claims["ci_high"] + 1e-9).all()
    assert list(tables["parameters"].index) == list(space.parameters)
