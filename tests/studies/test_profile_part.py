"""The profile part of the segment policy's gain (mcstudy.studies.profile_part)."""

import numpy as np
import pytest

from mcstudy import rule_for
from mcstudy.io import load_claims
from mcstudy.studies.affinity_gap import (
    GAP_STATISTICS,
    affinity_gap_statistics,
    affinity_gap_sweep,
    format_interval,
)
from mcstudy.studies.profile_part import (
    PROFILE_PART_STATISTICS,
    ULTRA_SEGMENTATION_PARTS,
    ClaimPart,
    gap_pressures,
    profile_part,
    profile_part_statistics,
    profile_study_statistics,
)
from mcstudy.studies.profiles import PROFILE_STATISTICS, profile_statistics, statistics_of

SMALL = {"n_customers": 300, "n_weeks": 8}


@pytest.fixture(scope="module")
def sweep():
    return affinity_gap_sweep(
        (0.0, 1.0, 2.0), n_customers=300, n_weeks=8, n_replications=3, pilot_customers=400, rng=3
    )


def test_profile_part_is_the_gain_at_a_gap_minus_at_the_reference_paired_by_replication(sweep):
    metric = "segment_minus_uniform_revenue"
    runs = sweep.runs[sweep.runs["metric"] == metric]
    wide = runs.pivot_table(index="replication", columns="affinity_gap", values="value")
    by_hand = wide[2.0] - wide[0.0]
    part = profile_part(sweep, metric, gap=2.0, reference_gap=0.0)
    assert part["metric"] == "profile_part_uniform_revenue"
    assert part["n_replications"] == 3
    assert part["mean"] == pytest.approx(by_hand.mean())
    # the t-interval of the paired differences, not of the two gaps apart
    half = 4.302652729911275 * by_hand.std(ddof=1) / np.sqrt(3)  # t(0.975, 2)
    assert part["ci_low"] == pytest.approx(by_hand.mean() - half)
    assert part["ci_high"] == pytest.approx(by_hand.mean() + half)
    # swapping the gaps turns the sign
    back = profile_part(sweep, metric, gap=0.0, reference_gap=2.0)
    assert back["mean"] == pytest.approx(-part["mean"])


def test_profile_part_refuses_what_the_sweep_does_not_hold(sweep):
    with pytest.raises(TypeError, match="'sweep' must be an AffinityGapSweep"):
        profile_part(sweep.runs, "segment_minus_uniform_revenue")
    with pytest.raises(ValueError, match="'metric' must be one of"):
        profile_part(sweep, "revenue")
    with pytest.raises(ValueError, match="'gap' must be a gap of the sweep"):
        profile_part(sweep, "segment_minus_uniform_revenue", gap=1.5)
    with pytest.raises(ValueError, match="'gap' and 'reference_gap' must differ"):
        profile_part(sweep, "segment_minus_uniform_revenue", gap=1.0, reference_gap=1.0)


def test_gap_pressures_are_the_sweeps_by_parameter_name(sweep):
    pressures = gap_pressures(sweep, (1.0, 0.0))
    assert set(pressures) == {1.0, 0.0}
    rows = sweep.pressures[sweep.pressures["affinity_gap"] == 1.0]
    assert len(pressures[1.0]) == len(rows) == 8
    first = rows.iloc[0]
    assert pressures[1.0][f"pressure_{first['policy']}_{first['profile']}"] == first["pressure"]
    with pytest.raises(ValueError, match="'gaps' must be gaps of the sweep"):
        gap_pressures(sweep, (0.5,))


def test_profile_part_statistics_use_common_random_numbers_at_both_gaps(sweep):
    pressures = gap_pressures(sweep, (1.0, 0.0))
    params = {**SMALL, "gap_pressures": pressures}
    out = profile_part_statistics(params, np.random.SeedSequence(8))
    assert set(out) == set(PROFILE_PART_STATISTICS)
    seed = np.random.SeedSequence(8)
    at1 = statistics_of(
        affinity_gap_statistics({**SMALL, **pressures[1.0], "affinity_gap": 1.0}, seed)
    )
    at0 = statistics_of(
        affinity_gap_statistics({**SMALL, **pressures[0.0], "affinity_gap": 0.0}, seed)
    )
    for c in ("uniform", "pooled"):
        key = f"segment_minus_{c}_revenue"
        assert out[f"profile_part_{c}_revenue"] == pytest.approx(at1[key] - at0[key])
    # the same streams at both gaps: swapping them turns the sign exactly
    same = profile_part_statistics(
        {**SMALL, "affinity_gap": 0.0, "reference_gap": 1.0, "gap_pressures": pressures},
        np.random.SeedSequence(8),
    )
    assert same["profile_part_uniform_revenue"] == pytest.approx(
        -out["profile_part_uniform_revenue"]
    )


def test_profile_part_statistics_bad_parameters(sweep):
    pressures = gap_pressures(sweep, (1.0, 0.0))
    rng = np.random.default_rng(1)
    with pytest.raises(ValueError, match="'gap' and 'reference_gap' must differ"):
        profile_part_statistics({**SMALL, "affinity_gap": 0.0}, rng)
    with pytest.raises(ValueError, match=r"'gap' must be .*got 5"):
        profile_part_statistics({**SMALL, "affinity_gap": 5.0}, rng)
    with pytest.raises(
        ValueError, match=r"must hold the pressures of both gaps .* missing \[0.0\]"
    ):
        profile_part_statistics({**SMALL, "gap_pressures": {1.0: pressures[1.0]}}, rng)
    with pytest.raises(TypeError, match="'gap_pressures' must map each gap"):
        profile_part_statistics({**SMALL, "gap_pressures": {1.0: 0.9, 0.0: 0.9}}, rng)
    bad = {1.0: {"pressure_mixed_social": 1.0}, 0.0: pressures[0.0]}
    with pytest.raises(ValueError, match=r"must name arms as .*got \['pressure_mixed_social'\]"):
        profile_part_statistics({**SMALL, "gap_pressures": bad}, rng)


def test_profile_study_statistics_holds_both_studies_in_order(sweep):
    params = {
        **SMALL,
        "population.social_share": 0.4,
        "gap_pressures": gap_pressures(sweep, (1.0, 0.0)),
    }
    out = profile_study_statistics(params, np.random.default_rng(6))
    rng = np.random.default_rng(6)
    table = profile_statistics({**SMALL, "population.social_share": 0.4}, rng)
    alone = statistics_of(table)
    part = profile_part_statistics(params, rng)
    assert {k: out[k] for k in alone} == alone
    assert {k: out[k] for k in part} == pytest.approx(part)
    assert set(PROFILE_STATISTICS) <= set(out)
    # each policy's contacts, both profiles weighted by their shares, under flat names
    both = table[(table["profile"] == "all") & (table["metric"] == "contacts_per_customer")]
    for policy, value in zip(both["policy"], both["value"], strict=True):
        assert out[f"{policy}_contacts_per_customer"] == value
    assert not any("/" in k for k in out)


def test_ultra_segmentation_parts_follow_the_registry():
    registered = rule_for("C002-04")
    estimand = load_claims().set_index("claim_id").loc["C002-04", "estimand"]
    response, loyalty = ULTRA_SEGMENTATION_PARTS
    assert response.rule(registered) == registered
    assert loyalty.rule(registered).direction == -1
    assert loyalty.rule(registered).smallest_effect == 0.01
    assert loyalty.rule(registered).rule == registered.rule
    # the loyalty part's direction and smallest effect are the ones the registry states
    assert "loyalty, share of customers churned" in estimand
    assert "direction -1, smallest effect 0.01" in estimand
    for part in ULTRA_SEGMENTATION_PARTS:
        assert part.statistic in PROFILE_STATISTICS
    # a lower churn is the claimed direction: a fall of two points is supported
    assert loyalty.rule(registered).judge(-0.03, -0.02) == "supported"
    assert ClaimPart("x", "y").rule(registered) == registered


def test_churn_of_routing_is_the_difference_of_the_arms():
    table = profile_statistics(SMALL, np.random.default_rng(2))
    out = statistics_of(table)
    both = table[table["profile"] == "all"].set_index(["policy", "metric"])["value"]
    out.update({("all", *k): v for k, v in both.items()})
    assert out["individual_minus_segment_churn"] == pytest.approx(
        out["all", "individual", "churn_rate"] - out["all", "segment", "churn_rate"]
    )


def test_sweep_describes_its_gains_as_text(sweep):
    s = sweep.summary()
    row = s[(s["metric"] == "segment_minus_uniform_churn") & (s["affinity_gap"] == 1.0)].iloc[0]
    text = sweep.describe("segment_minus_uniform_churn", 1.0)
    assert text == format_interval(row["mean"], row["ci_low"], row["ci_high"], 4)
    start = sweep.distinguishable_from("segment_minus_uniform_contact_cost")
    told = sweep.describe_from("segment_minus_uniform_contact_cost")
    if np.isnan(start):
        assert told.startswith("not distinguishable from zero at the largest gap")
    else:
        assert told.startswith("distinguishable from zero") and f"from {start:g} on" in told
    with pytest.raises(ValueError, match="'gap' must be a gap of the sweep"):
        sweep.describe("segment_minus_uniform_churn", 0.5)
    with pytest.raises(ValueError, match="'metric' must be one of"):
        sweep.describe("churn", 1.0)
    assert set(GAP_STATISTICS) >= {"segment_minus_uniform_churn"}


def test_format_interval():
    assert format_interval(1.834, 0.931, 2.7349) == "+1.83 [+0.93, +2.73]"
    assert format_interval(-0.00214, -0.0028, -0.0013, decimals=4) == "-0.0021 [-0.0028, -0.0013]"
    with pytest.raises(TypeError, match="'decimals'"):
        format_interval(1.0, 0.0, 2.0, decimals=1.5)
    with pytest.raises((TypeError, ValueError), match="'ci_low'"):
        format_interval(1.0, "0", 2.0)
