"""What the profile claims are judged on (mcstudy.studies.profile_claims)."""

import numpy as np
import pandas as pd
import pytest

from mcstudy.claims import judge, rule_for
from mcstudy.io import load_claims
from mcstudy.studies.affinity_gap import GAP_STATISTICS, AffinityGapSweep
from mcstudy.studies.profile_claims import (
    CLAIM_STATISTICS,
    POLICY_STATISTICS,
    PROFILE_CLAIMS,
    judge_parts,
    profile_claim_estimates,
    profile_claim_registry,
    profile_claim_rules,
    reference_table,
    reference_verdicts,
    robustness_judges,
    verdict_conditions,
    verdict_measures,
    verdict_methods,
)
from mcstudy.studies.profile_part import PROFILE_PART_STATISTICS
from mcstudy.studies.profiles import PROFILE_STATISTICS

NOTEBOOK = "02_profiles_and_channel_choice.ipynb"


def _stats(**intervals):
    """Statistics indexed by name: every one of POLICY_STATISTICS, some given as (low, high)."""
    rows = {}
    for name in POLICY_STATISTICS:
        low, high = intervals.get(name, (0.5, 0.7))
        rows[name] = {"mean": (low + high) / 2, "ci_low": low, "ci_high": high}
    table = pd.DataFrame(rows).T
    table["n_replications"] = 20
    return table


def _part_table(low=-2.0, high=3.0):
    rows = {
        name: {"mean": (low + high) / 2, "ci_low": low, "ci_high": high, "n_replications": 20}
        for name in PROFILE_PART_STATISTICS
    }
    return pd.DataFrame(rows).T


def _sweep():
    rows = [
        {"affinity_gap": g, "replication": r, "metric": m, "value": g + 0.1 * r}
        for g in (0.0, 1.0)
        for r in range(4)
        for m in GAP_STATISTICS
    ]
    return AffinityGapSweep(
        runs=pd.DataFrame(rows), pressures=pd.DataFrame(), gaps=(0.0, 1.0), n_replications=4, seed=0
    )


# response straddles its smallest effect (1 EUR): inconclusive; loyalty's churn rise is below
# one point: not supported. The weaker part is loyalty.
MIXED = {
    "individual_minus_segment_revenue": (-1.0, 2.0),
    "individual_minus_segment_churn": (-0.002, 0.004),
}


def test_statistics_shown_are_the_studys():
    assert set(POLICY_STATISTICS) <= set(PROFILE_STATISTICS)
    assert len(set(POLICY_STATISTICS)) == len(POLICY_STATISTICS)
    assert set(CLAIM_STATISTICS) < set(PROFILE_CLAIMS)


def test_judge_parts_judges_each_part_on_its_scale_and_names_the_weaker():
    parts = judge_parts(_stats(**MIXED), rule_for("C002-04"))
    assert list(parts.index) == ["response", "loyalty"]
    assert parts["verdict"].tolist() == ["inconclusive", "not supported"]
    assert parts["weaker"].tolist() == [False, True]
    assert parts.loc["loyalty", "direction"] == -1
    assert parts.loc["loyalty", "smallest_effect"] == 0.01
    assert parts.loc["loyalty", "ci_high"] == 0.004
    # a tie goes to the first part in the registry's order
    both = judge_parts(
        _stats(
            individual_minus_segment_revenue=(2.0, 3.0),
            individual_minus_segment_churn=(-0.03, -0.02),
        ),
        rule_for("C002-04"),
    )
    assert both["verdict"].tolist() == ["supported", "supported"]
    assert both["weaker"].tolist() == [True, False]
    with pytest.raises(ValueError, match="'stats' .*n_replications"):
        judge_parts(_stats().drop(columns="n_replications"), rule_for("C002-04"))


def test_estimates_rules_and_registry_follow_the_weaker_part():
    stats = _stats(**MIXED)
    parts = judge_parts(stats, rule_for("C002-04"))
    estimates = profile_claim_estimates(stats, _part_table(), parts)
    assert list(estimates.index) == list(PROFILE_CLAIMS)
    assert estimates.loc["C002-04", "statistic"] == "individual_minus_segment_churn"
    assert estimates.loc["C002-04", ["ci_low", "ci_high"]].tolist() == [-0.002, 0.004]
    assert estimates.loc["C000-02", "statistic"] == "profile_part_uniform_revenue"
    assert estimates.loc["C000-02", "ci_low"] == -2.0
    assert estimates.loc["C001-02", "statistic"] == "reach_gain_per_channel"
    assert (estimates["n"] == 20).all()
    rules = profile_claim_rules(parts)
    assert rules["C002-04"].direction == -1
    assert rules["C000-15"].smallest_effect == rule_for("C000-15").smallest_effect
    registry = profile_claim_registry(rules)
    row = registry.set_index("claim_id").loc["C002-04"]
    assert (row["direction"], row["smallest_effect"]) == (-1, 0.01)
    original = load_claims()
    assert original.set_index("claim_id").loc["C002-04", "direction"] == 1
    others = registry["claim_id"] != "C002-04"
    pd.testing.assert_frame_equal(
        registry[others].drop(columns=["direction", "smallest_effect"]),
        original[others].drop(columns=["direction", "smallest_effect"]),
    )


def test_reference_verdicts_and_the_robustness_judges():
    stats = _stats(**MIXED)
    parts = judge_parts(stats, rule_for("C002-04"))
    estimates = profile_claim_estimates(stats, _part_table(), parts)
    rules = profile_claim_rules(parts)
    reference = reference_verdicts(estimates, rules)
    # C000-02's interval straddles its smallest effect: no robustness judge for it
    assert reference.to_dict() == {
        "C000-02": "inconclusive",
        "C000-15": "supported",
        "C001-02": "supported",
        "C002-04": "not supported",
    }
    table = reference_table(estimates, rules)
    assert table.loc["C002-04", "direction"] == -1
    assert table["reference verdict"].tolist() == reference.tolist()
    judges = robustness_judges(estimates, rules)
    assert list(judges) == ["C000-15", "C001-02", "C002-04"]
    point = pd.Series(
        {"service_phone_share_social_minus_autonomous": 0.2, "reach_gain_per_channel": 0.0}
    )
    assert judges["C000-15"](point) and not judges["C001-02"](point)
    assert judges["C002-04"](pd.Series({"individual_minus_segment_churn": 0.0}))
    assert not judges["C002-04"](pd.Series({"individual_minus_segment_churn": -0.05}))


def test_verdict_text_and_one_call_to_judge():
    stats = _stats(**MIXED)
    parts = judge_parts(stats, rule_for("C002-04"))
    part_table = _part_table()
    rules = profile_claim_rules(parts)
    methods = verdict_methods(n_per_arm=3000, gap_per_arm=2000, pilot=10_000, n_weeks=52, n_reps=20)
    assert "2,000 customers per arm" in methods["C000-02"]
    assert "3,000 customers per arm" in methods["C000-15"]
    assert "pilot of 10,000" in methods["C002-04"] and "20 replications" in methods["C001-02"]
    conditions = verdict_conditions(_sweep(), part_table, parts, rules)
    assert list(conditions) == list(PROFILE_CLAIMS)
    assert conditions["C002-04"].startswith(
        "Judged on its weakest part: response +0.50 [-1.00, +2.00] -> inconclusive; loyalty "
        "+0.0010 [-0.0020, +0.0040] -> not supported"
    )
    assert "direction -1 and smallest effect 0.01" in conditions["C002-04"]
    assert conditions["C002-04"].endswith("the smallest effect that would matter is 0.01.")
    assert "profile part is +0.50 [-2.00, +3.00] EUR" in conditions["C000-02"]
    measures = verdict_measures(parts)
    assert measures["C002-04"].startswith("loyalty, the weaker part of response and loyalty: share")
    got = judge(
        profile_claim_estimates(stats, part_table, parts),
        notebook=NOTEBOOK,
        method=methods,
        condition=conditions,
        measure=measures,
        claims=profile_claim_registry(rules),
        record=False,
    )
    assert got["verdict"].tolist() == ["inconclusive", "supported", "supported", "not supported"]
    assert got.loc[0, "measure"] == rule_for("C000-02").estimand
    assert got.loc[1, "measure"].endswith("uniform outbound mix")
    assert np.isclose(got.loc[3, "effect"], 0.001)
