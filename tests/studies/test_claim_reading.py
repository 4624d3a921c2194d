"""Tests of how a study shows its claims, robustness and verdicts."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from mcstudy.claims.rules import Rule
from mcstudy.studies.claim_reading import (
    joint_robustness,
    plot_robustness_shares,
    quote_claims,
    rule_table,
    simulated_conditions,
    verdict_notes,
)

RULE = Rule("C9", "a gap", 1, float("nan"), 0.25, "effect")


def test_quote_claims_gives_one_block_per_claim():
    claims = pd.DataFrame(
        {"quote_fr": ["q1", "q2"], "kind": ["simulation", "real"], "note": ["n1", "n2 " * 60]},
        index=["C1", "C2"],
    )
    text = quote_claims(claims, label="kind", text="note")
    blocks = text.split("\n\n")
    assert blocks[0] == "C1 (simulation): « q1 »\n    n1"
    assert blocks[1].startswith("C2 (real): « q2 »\n    n2")
    assert all(len(line) <= 100 for line in text.splitlines())
    assert quote_claims(claims, label=None, text="note").startswith("C1: « q1 »")
    with pytest.raises(ValueError, match="missing columns"):
        quote_claims(claims, label="topic")


def test_rule_table_has_one_row_per_claim():
    table = rule_table({"C9": RULE})
    assert table.loc["C9", "smallest effect"] == 0.25
    assert table.loc["C9", "rule"] == "effect"
    with pytest.raises(TypeError, match="'rules' must map"):
        rule_table({"C9": "effect"})


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


def test_plot_robustness_shares_draws_one_bar_per_claim():
    summary = pd.DataFrame(
        {"share": [1.0, 0.5], "ci_low": [0.9, 0.4], "ci_high": [1.0, 0.6]}, index=["C1", "C2"]
    )
    fig = plot_robustness_shares(summary, height=3.2)
    ax = fig.axes[0]
    assert len(ax.patches) == 2 and fig.get_figheight() == pytest.approx(3.2)
    plt.close(fig)
    with pytest.raises(ValueError, match="missing columns"):
        plot_robustness_shares(summary.drop(columns="share"))


def test_verdict_notes_wrap_measure_and_condition():
    recorded = pd.DataFrame(
        {
            "claim_id": ["C1", "C2"],
            "verdict": ["supported", "not supported"],
            "measure": ["m1", "m2"],
            "condition": ["c1", "c2 " * 50],
        }
    )
    text = verdict_notes(recorded)
    assert text.startswith("C1 (supported) - m1.\n    c1 \n\nC2 (not supported) - m2.\n    c2")
    assert all(len(line) <= 101 for line in text.splitlines())
