"""Notebook 02's robustness space judged over what the data allow (studies.profile_space)."""

import dataclasses

import pandas as pd
import pytest

from mcstudy import config
from mcstudy.experiments._parameter_space import parameter_space
from mcstudy.experiments.data_allowed import constraint_targets
from mcstudy.io import load_targets
from mcstudy.studies import data_allowed_spaces as das
from mcstudy.studies import profile_space as ps
from mcstudy.studies.affinity_gap import affinity_gap_sweep
from mcstudy.studies.profile_claims import ROBUSTNESS_PARAMETERS
from mcstudy.studies.profile_part import gap_pressures, profile_study_statistics

SAMPLE = config.DATA_DIR / "data_allowed_profiles.csv"
NOTEBOOK = "02_profiles_and_channel_choice.ipynb"


@pytest.fixture(scope="module")
def verdicts():
    return pd.read_csv(config.VERDICTS_CSV)


@pytest.fixture(scope="module")
def small_space():
    """The space with small pilots (its structure; the real pilots are tested apart)."""
    with pytest.MonkeyPatch.context() as mp:
        small = ps.pilot_gap_pressures
        mp.setattr(ps, "pilot_gap_pressures", lambda gaps: small(gaps, n_customers=100))
        return ps.profiles_space()


@pytest.fixture(scope="module")
def points():
    return pd.read_csv(SAMPLE)


def test_the_pilots_are_the_sweeps_at_the_two_gaps():
    kwargs = {"n_weeks": 4, "rng": 3}
    sweep = affinity_gap_sweep(
        (0.0, 1.0), n_customers=100, n_replications=2, pilot_customers=100, **kwargs
    )
    alone = ps.pilot_gap_pressures((1.0, 0.0), n_customers=100, **kwargs)
    assert alone == gap_pressures(sweep, (1.0, 0.0))
    assert alone[1.0] != alone[0.0]


def test_the_space_is_the_notebooks_design(small_space, verdicts):
    assert (small_space.name, small_space.notebook) == ("profiles", "02")
    assert small_space.study is profile_study_statistics
    assert small_space.parameters == tuple(ROBUSTNESS_PARAMETERS)
    fixed = small_space.fixed
    assert (fixed["n_customers"], fixed["n_weeks"]) == (ps.ROBUSTNESS_PER_ARM, ps.N_WEEKS)
    assert set(fixed["gap_pressures"]) == set(ps.PART_GAPS)
    # section 4's pressures are the sweep's at the catalogue gap, for its three policies
    for name in ("uniform", "segment", "individual"):
        for profile in ("social", "autonomous"):
            key = f"pressure_{name}_{profile}"
            assert fixed[key] == fixed["gap_pressures"][1.0][key]
    assert not any(k.startswith("pressure_pooled") for k in fixed)
    # the claims are the notebook's simulated claims its robustness design judges
    ours = verdicts[verdicts["notebook"] == NOTEBOOK]
    judged = ours.loc[ours["robustness_share"].notna(), "claim_id"]
    assert set(small_space.claim_statistics) == set(judged)
    hinges = ours.set_index("claim_id").loc[list(judged), "hinges_on"].dropna()
    for hinge in "; ".join(hinges).split("; "):
        assert hinge in small_space.parameters


def test_c002_04_is_judged_on_its_recorded_weaker_part(verdicts):
    part = ps.recorded_weaker_part(verdicts)
    assert (part.name, part.statistic) == ("loyalty", "individual_minus_segment_churn")
    rule = ps.profile_space_rules(verdicts)["C002-04"]
    assert (rule.direction, rule.smallest_effect) == (-1, 0.01)
    recorded = verdicts.set_index("claim_id").loc["C002-04"]
    response = recorded["measure"].replace("loyalty, the weaker", "response, the weaker", 1)
    response = response.replace("share of customers churned", "revenue per customer-year (EUR)", 1)
    other = verdicts.assign(measure=verdicts["measure"].where(verdicts["claim_id"] != "C002-04"))
    other.loc[other["claim_id"] == "C002-04", "measure"] = response
    assert ps.recorded_weaker_part(other).name == "response"
    with pytest.raises(ValueError, match="that of none of its parts"):
        ps.recorded_weaker_part(verdicts.assign(measure="churn"))
    with pytest.raises(ValueError, match="no row for C002-04"):
        ps.recorded_weaker_part(verdicts[verdicts["claim_id"] != "C002-04"])


@pytest.mark.slow
def test_the_pilots_give_the_notebooks_printed_pressures():
    # notebook 02, section 6: the sweep's planned pressures at gaps 1 and 0 (3 decimals)
    printed = {
        1.0: {"individual": (0.570, 0.570), "pooled": (1.019, 1.001)},
        0.0: {"individual": (0.572, 0.571), "pooled": (1.003, 1.001)},
    }
    printed[1.0] |= {"segment": (0.952, 1.146), "uniform": (0.993, 1.000)}
    printed[0.0] |= {"segment": (0.999, 0.995), "uniform": (1.010, 0.996)}
    pressures = ps.profiles_space().fixed["gap_pressures"]
    for gap, by_policy in printed.items():
        for policy, (autonomous, social) in by_policy.items():
            assert round(pressures[gap][f"pressure_{policy}_autonomous"], 3) == autonomous
            assert round(pressures[gap][f"pressure_{policy}_social"], 3) == social


def test_the_sample_covers_the_space_the_claims_and_the_targets(points, small_space):
    space = parameter_space(list(ROBUSTNESS_PARAMETERS))
    assert len(points) == das.N_POINTS
    for name, low, high in space[["parameter", "low", "high"]].itertuples(index=False):
        assert points[f"u:{name}"].between(0, 1).all()
        assert points[name].between(low * (1 - 1e-9), high * (1 + 1e-9)).all()
    for statistic in small_space.claim_statistics.values():
        assert points[f"stat:{statistic}"].notna().all()
    for target in constraint_targets(load_targets())["target_id"]:
        assert {f"sim:{target}", f"sim_se:{target}"} <= set(points)


@pytest.mark.slow
def test_a_committed_point_is_reproduced_from_its_parameters(points, reproduce_committed_point):
    reproduce_committed_point(ps.profiles_space(), points)


def test_the_tables_judge_c002_04_by_its_parts_rule(points, verdicts):
    space = ps.profiles_space(verdicts)
    tables = das.allowed_space_tables(space, points, load_targets(), verdicts)
    claims = tables["claims"]
    assert list(claims.index) == ["C000-15", "C001-02", "C002-04"]
    assert claims["share_allowed"].between(claims["ci_low"], claims["ci_high"]).all()
    churn = points["stat:individual_minus_segment_churn"]
    # reference "not supported": individual routing does not lower churn by one point
    assert claims.loc["C002-04", "share_all"] == pytest.approx((churn > -0.01).mean())
    allowed = tables["allowed"]
    assert claims.loc["C002-04", "share_allowed"] == pytest.approx((churn[allowed] > -0.01).mean())
    # the registry's rule reads the churn difference on the revenue scale: it always "holds"
    registry = das.allowed_space_tables(
        dataclasses.replace(space, rules=None), points, load_targets(), verdicts
    )
    assert registry["claims"].loc["C002-04", "share_all"] == 1.0
    assert claims.loc["C002-04", "share_all"] < 1.0
