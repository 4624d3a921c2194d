"""Notebook 06's robustness spaces and their committed data-allowed samples."""

import pandas as pd
import pytest

from mcstudy import config, rule_for
from mcstudy.claims.judging import point_judges
from mcstudy.experiments.data_allowed import AllowedSpace, constraint_targets
from mcstudy.experiments.robustness import parameter_space
from mcstudy.io import load_targets
from mcstudy.model.context import model_context
from mcstudy.studies import data_allowed_spaces as das
from mcstudy.studies.cost_to_serve import cost_to_serve_contrasts
from mcstudy.studies.cost_to_serve_claims import CLAIM_PARTS, PartsJudge
from mcstudy.studies.cost_to_serve_findings import PART_MEASURES
from mcstudy.studies.cost_to_serve_spaces import (
    cost_to_serve_business_space,
    cost_to_serve_space,
    targets_context,
)

SPACES = {
    "cost_to_serve": cost_to_serve_space,
    "cost_to_serve_business": cost_to_serve_business_space,
}


@pytest.fixture(scope="module")
def verdicts():
    return pd.read_csv(config.VERDICTS_CSV).set_index("claim_id")


def _names(space: AllowedSpace) -> list[str]:
    return list(parameter_space(space.parameters)["parameter"])


@pytest.mark.parametrize("name", SPACES)
def test_a_space_builds_with_every_hinge_of_its_claims(name, verdicts):
    space = SPACES[name]()
    assert space.name == name and space.notebook == "06"
    assert das.sample_path(name).name == f"data_allowed_{name}.csv"
    names = _names(space)
    for claim in space.claim_statistics:
        hinges = verdicts.loc[claim, "hinges_on"]
        if not pd.isna(hinges):
            assert set(str(hinges).split("; ")) <= set(names), claim
    assert not set(space.fixed) & set(names)


def test_the_claims_are_the_notebooks_simulated_claims_by_the_design_they_are_recorded_from(
    verdicts,
):
    mine = verdicts[verdicts["notebook"] == "06_cost_to_serve.ipynb"]
    simulated = mine[mine["verdict"] != "not testable"]
    consumer, business = cost_to_serve_space(), cost_to_serve_business_space()
    assert set(consumer.claim_statistics) | set(business.claim_statistics) == set(simulated.index)
    assert not set(consumer.claim_statistics) & set(business.claim_statistics)
    from_business = simulated["method"].str.startswith("business-customer reference context")
    assert set(business.claim_statistics) == set(simulated.index[from_business])
    assert len(_names(consumer)) == 13 and len(_names(business)) == 23


def test_each_claim_is_judged_on_the_statistic_of_its_recorded_verdict(verdicts):
    space = cost_to_serve_business_space()
    part = space.claim_statistics["C002-05"]
    assert part in CLAIM_PARTS["C002-05"]
    assert verdicts.loc["C002-05", "measure"].startswith(PART_MEASURES[part])


def test_the_tier_parameters_reach_the_targets_as_the_study_sets_them():
    params = {
        "population.tier_shares.small": 0.6,
        "population.tier_value_multipliers.key_account": 30.0,
        "response.persuasion_effect": 0.2,
    }
    with pytest.raises(ValueError, match="population.tier_shares.small"):
        model_context(params)  # what simulate_space calls for the targets
    ctx = targets_context(params)
    small, medium, key = ctx.population.tier_shares
    default = model_context().population.tier_shares
    assert small == 0.6 and medium / key == pytest.approx(default[1] / default[2])
    assert ctx.population.tier_value_multipliers[2] == 30.0
    assert ctx.response.persuasion_effect == 0.2
    assert cost_to_serve_space().targets_context is targets_context
    with pytest.raises(TypeError, match="'params' must be a mapping"):
        targets_context([("response.persuasion_effect", 0.2)])


@pytest.fixture(scope="module", params=list(SPACES))
def sample(request):
    return request.param, pd.read_csv(das.sample_path(request.param))


def test_the_committed_sample_covers_its_space_claims_and_targets(sample):
    name, points = sample
    space = das.load_space(name)
    assert len(points) == das.N_POINTS
    ranges = parameter_space(space.parameters)
    for p, low, high in ranges[["parameter", "low", "high"]].itertuples(index=False):
        assert points[f"u:{p}"].between(0, 1).all()
        assert points[p].between(low * (1 - 1e-9), high * (1 + 1e-9)).all()
    for statistic in {s for c in space.claim_statistics for s in CLAIM_PARTS[c]}:
        assert points[f"stat:{statistic}"].notna().all()
    for target in constraint_targets(load_targets())["target_id"]:
        assert {f"sim:{target}", f"sim_se:{target}"} <= set(points)


def test_a_judge_of_one_part_is_the_point_judge_of_that_statistic(sample, verdicts):
    name, points = sample
    space = das.load_space(name)
    stats = points[[c for c in points if c.startswith("stat:")]]
    records = stats.rename(columns=lambda c: c[5:]).to_dict("records")
    lean = {c: verdicts.loc[c, "lean"] for c in space.claim_statistics}
    one_part = {c: s for c, s in space.claim_statistics.items() if len(CLAIM_PARTS[c]) == 1}
    rules = {c: rule_for(c) for c in one_part}
    judges = point_judges(rules, lean, one_part)
    assert judges  # C002-07, or C000-05 and C000-08
    for claim, judge in judges.items():
        parts = PartsJudge(rules[claim], CLAIM_PARTS[claim], lean[claim])
        assert [judge(r) for r in records] == [parts(r) for r in records]


def test_the_tables_judge_the_decided_claims(sample, verdicts):
    name, points = sample
    space = das.load_space(name)
    t = das.allowed_space_tables(space, points, load_targets(), verdicts.reset_index())
    decided = [c for c in space.claim_statistics if verdicts.loc[c, "lean"] != "inconclusive"]
    assert list(t["claims"].index) == decided
    assert t["claims"]["share_allowed"].between(t["claims"]["ci_low"], t["claims"]["ci_high"]).all()


@pytest.mark.parametrize("name", SPACES)
def test_a_committed_point_is_reproduced_from_its_parameters(name, reproduce_committed_point):
    space = das.load_space(name)
    reproduce_committed_point(space, pd.read_csv(das.sample_path(name)))
    if name == "cost_to_serve":  # the study is the notebook's consumer design's
        assert space.study is cost_to_serve_contrasts
