"""The committed data-allowed samples (studies.data_allowed_spaces, studies.data_allowed_report)."""

import numpy as np
import pandas as pd
import pytest

from mcstudy import config
from mcstudy.experiments._parameter_space import parameter_space
from mcstudy.experiments.data_allowed import constraint_targets
from mcstudy.io import load_targets
from mcstudy.studies import data_allowed_spaces as das
from mcstudy.studies.attention import attention_statistics
from mcstudy.studies.attention_report import (
    ATTENTION_CLAIM_STATISTICS,
    ATTENTION_ROBUSTNESS_PARAMETERS,
)
from mcstudy.studies.data_allowed_report import all_spaces, describe_space

SAMPLE = das.sample_path("attention")


def attention_space_tables(points, targets, verdicts):
    return das.allowed_space_tables(das.load_space("attention"), points, targets, verdicts)


@pytest.fixture(scope="module")
def points():
    return pd.read_csv(SAMPLE)


@pytest.fixture(scope="module")
def tables(points):
    return attention_space_tables(points, load_targets(), pd.read_csv(config.VERDICTS_CSV))


def test_the_sample_covers_the_space_the_claims_and_the_targets(points):
    space = parameter_space(list(ATTENTION_ROBUSTNESS_PARAMETERS))
    assert len(points) == 200
    for name, low, high in space[["parameter", "low", "high"]].itertuples(index=False):
        assert points[f"u:{name}"].between(0, 1).all()
        assert points[name].between(low * (1 - 1e-9), high * (1 + 1e-9)).all()
    for statistic in ATTENTION_CLAIM_STATISTICS.values():
        assert points[f"stat:{statistic}"].notna().all()
    for target in constraint_targets(load_targets())["target_id"]:
        assert {f"sim:{target}", f"sim_se:{target}"} <= set(points)


def test_a_committed_point_is_reproduced_from_its_parameters(points, reproduce_committed_point):
    space = das.load_space("attention")
    assert space.fixed == {"n_customers": 3000, "n_weeks": 52}
    assert space.study is attention_statistics
    reproduce_committed_point(space, points)


def test_the_tables_and_their_description_agree(tables):
    claims = tables["claims"]
    assert list(claims.index) == list(ATTENTION_CLAIM_STATISTICS)
    assert claims["share_allowed"].between(claims["ci_low"], claims["ci_high"]).all()
    text = describe_space(tables)
    assert f"{int(tables['allowed'].sum())} of the 200 points over 22 parameters" in text
    n_constrained = int(claims["data_constrained"].sum())
    assert ("none of the 10 claims" in text) is (n_constrained == 0)
    recorded = pd.read_csv(config.VERDICTS_CSV).set_index("claim_id")["evidence_class"]
    by_construction = recorded.loc[claims.index] == "by construction"
    # a verdict the model's form decides stays so; the others follow the rule
    assert (claims.loc[by_construction, "evidence_class"] == "by construction").all()
    expected = np.where(
        claims.loc[~by_construction, "data_constrained"],
        "simulation, data-constrained",
        "simulation, assumption-driven",
    )
    assert (claims.loc[~by_construction, "evidence_class"] == expected).all()
    top = tables["parameters"]["narrowing"].idxmax()
    assert top in text
    par = tables["parameters"]
    beyond = int((par["narrowing"] > par["chance_97.5"]).sum())
    assert f"{beyond} of the 22 narrowings exceed" in text


def test_bad_verdicts_are_named(points):
    with pytest.raises(ValueError, match="hinges_on"):
        attention_space_tables(points, load_targets(), pd.DataFrame({"claim_id": [], "lean": []}))
    verdicts = pd.read_csv(config.VERDICTS_CSV)
    with pytest.raises(ValueError, match=r"no row for the space's claims \['C000-14'\]"):
        attention_space_tables(points, load_targets(), verdicts[verdicts["claim_id"] != "C000-14"])


def test_the_registry_names_unknown_spaces():
    with pytest.raises(ValueError, match=r"no data-allowed space 'nope'; the spaces: \["):
        das.load_space("nope")
    with pytest.raises(ValueError, match="no data-allowed space 'nope'"):
        das.sample_path("nope")
    with pytest.raises(TypeError, match="'space' must be an AllowedSpace; got dict"):
        das.simulate_allowed_space({})


def test_every_space_builds_with_its_claims_hinges_among_its_parameters():
    verdicts = pd.read_csv(config.VERDICTS_CSV).set_index("claim_id")
    for name in das.SPACES:
        space = das.load_space(name)
        assert space.name == name
        design = set(
            parameter_space(
                space.parameters if isinstance(space.parameters, dict) else list(space.parameters)
            )["parameter"]
        )
        for claim in space.claim_statistics:
            hinges = verdicts.loc[claim, "hinges_on"]
            if isinstance(hinges, str):
                assert set(hinges.split("; ")) <= design, (name, claim)


def test_all_spaces_gathers_every_committed_sample():
    verdicts = pd.read_csv(config.VERDICTS_CSV)
    result = all_spaces(verdicts, load_targets())
    assert list(result["spaces"].index) == list(das.SPACES)
    claims = result["claims"]
    assert claims.index.is_unique
    assert (result["spaces"]["claims"].sum()) == len(claims)
    # a recorded "by construction" stays so; nothing else is by construction
    by_construction = claims["recorded_class"] == "by construction"
    assert (claims.loc[by_construction, "evidence_class"] == "by construction").all()
    assert (claims.loc[~by_construction, "evidence_class"] != "by construction").all()
    spaces = result["spaces"]
    assert (spaces["allowed"] <= spaces["points"]).all()
    assert spaces["narrowing"].between(-1, 1).all()
