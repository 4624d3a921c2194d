"""Evidence classes of verdicts (mcstudy.claims.evidence)."""

import math

import pandas as pd
import pytest

from mcstudy._vocab import EVIDENCE_CLASSES
from mcstudy.claims import Verdict, record_verdict
from mcstudy.claims.evidence import class_counts, evidence_class, informative_share
from mcstudy.claims.verdicts import load_verdicts


@pytest.mark.parametrize(
    ("kind", "verdict", "evidence", "fixed_by", "expected"),
    [
        ("real-data", "supported", "causal", "", "real data, randomised"),
        ("real-data", "artefact", "observational", "", "real data, observational"),
        ("simulation", "supported", "causal", "", "simulation, assumption-driven"),
        ("simulation", "conditional", "observational", "", "simulation, assumption-driven"),
        # an input that decides the outcome wins over the design that measured it
        ("simulation", "supported", "causal", "catalogue cost ratios", "by construction"),
        ("consistency", "not supported", "arithmetic", "", "arithmetic"),
        ("not-testable", "not testable", "none", "", ""),
    ],
)
def test_the_rule(kind, verdict, evidence, fixed_by, expected):
    got = evidence_class(kind=kind, verdict=verdict, evidence=evidence, fixed_by=fixed_by)
    assert got == expected


def test_data_constrained_only_when_said():
    assert (
        evidence_class(kind="simulation", verdict="supported", evidence="causal",
                       data_constrained=True)
        == "simulation, data-constrained"
    )  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"kind": "survey"}, ValueError, r"'kind' must be one of"),
        ({"evidence": "anecdote"}, ValueError, r"'evidence' must be one of"),
        ({"fixed_by": math.nan}, TypeError, r"'fixed_by' must be a str"),
        ({"verdict": "not testable"}, ValueError, r"does not fit a claim of kind 'simulation'"),
        ({"kind": "not-testable"}, ValueError, r"does not fit a claim of kind 'not-testable'"),
    ],
)
def test_bad_input(kwargs, error, pattern):
    base = {"kind": "simulation", "verdict": "supported", "evidence": "causal"}
    with pytest.raises(error, match=pattern):
        evidence_class(**{**base, **kwargs})


def test_counts_and_informative_share():
    table = pd.DataFrame(
        {
            "verdict": ["supported", "not supported", "supported", "not testable", "conditional"],
            "evidence_class": [
                "real data, randomised",
                "simulation, assumption-driven",
                "by construction",
                "",
                "simulation, assumption-driven",
            ],
        }
    )
    assert informative_share(table) == (1, 4)
    counts = class_counts(table)
    assert list(counts.index) == list(EVIDENCE_CLASSES)
    assert counts.loc["simulation, assumption-driven", "total"] == 2
    assert counts["total"].sum() == 4
    with pytest.raises(ValueError, match=r"'evidence_class' must be one of"):
        informative_share(table.assign(evidence_class="causal"))


def test_record_verdict_writes_the_class_from_the_registry(tmp_path):
    registry = pd.DataFrame(
        {
            "claim_id": ["X-1", "X-2"],
            "direction": [1, 1],
            "claimed": [math.nan, math.nan],
            "smallest_effect": [0.05, 0.05],
            "rule": ["effect", "effect"],
            "kind": ["simulation", "real-data"],
            "fixed_by": ["an assumed input", ""],
        }
    )
    path = tmp_path / "verdicts.csv"
    for claim in ("X-1", "X-2"):
        verdict = Verdict(
            claim_id=claim, verdict="supported", effect=0.3, ci_low=0.2, ci_high=0.4,
            measure="m", method="t", n=10, evidence="causal", rule="effect",
            condition="", notebook="05_integration_costs.ipynb",
        )  # fmt: skip
        row = record_verdict(verdict, path, claims=registry)
        assert list(row.columns).index("evidence_class") == list(row.columns).index("evidence") + 1
    table = load_verdicts(path)
    assert table.set_index("claim_id")["evidence_class"].to_dict() == {
        "X-1": "by construction",
        "X-2": "real data, randomised",
    }
