"""Tests of how a study reads its robustness designs and words its conditions."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import pytest

from mcstudy.claims.rules import Rule
from mcstudy.studies.claim_reading import joint_robustness, simulated_conditions

RULE = Rule("C9", "a gap", 1, float("nan"), 0.25, "effect")


def test_joint_robustness_reads_several_designs_as_one():
    a = SimpleNamespace(results={"C1": "r1"})
    b = SimpleNamespace(results={"C2": "r2"})
    both = joint_robustness(a, b)
    assert both["C2"] == "r2" and set(both.results) == {"C1", "C2"}
    with pytest.raises(KeyError, match="no claim 'C3'"):
        both["C3"]
    with pytest.raises(ValueError, match=r"claims \['C1'\] are judged by two designs"):
        joint_robustness(a, a)
    with pytest.raises(TypeError, match="assessment 1 must be a RobustnessAssessment"):
        joint_robustness(a, 3)


def test_simulated_conditions_quote_the_smallest_effect():
    out = simulated_conditions({"C9": "Note."}, {"C9": RULE})
    assert out["C9"].startswith("Note. Simulated, calibrated reference context")
    assert out["C9"].endswith("would matter is 0.25.")
    with pytest.raises(ValueError, match=r"no rule for the claims \['C8'\]"):
        simulated_conditions({"C8": "x"}, {"C9": RULE})
