"""The one testability policy: every not-testable claim names its clause."""

from __future__ import annotations

import pandas as pd
import pytest

from mcstudy.claims.testability import CLAUSES, not_testable_claims, policy_clause
from mcstudy.io import load_claims


def test_every_not_testable_claim_of_the_registry_names_a_clause_of_the_policy():
    table = not_testable_claims(load_claims())
    missing = table.loc[table["clause"].isna(), "claim_id"].tolist()
    assert missing == [], f"not-testable claims whose note names no clause: {missing}"
    assert set(table["clause"]) <= set(CLAUSES)
    assert (table["reason"] != "").all()


def test_a_testable_claim_names_no_clause():
    claims = load_claims()
    testable = claims[claims["kind"] != "not-testable"]
    named = [
        c for c, n in zip(testable["claim_id"], testable["note"], strict=True) if policy_clause(n)
    ]
    assert named == [], f"testable claims whose note names a not-testable clause: {named}"


@pytest.mark.parametrize(
    ("note", "clause"),
    [
        ("Not testable under the testability policy (T2). No prospects.", "T2"),
        ("see the testability policy (T4)", "T4"),
        ("Not testable under the testability policy (T9). Unknown.", None),
        ("Hinges on costs.", None),
        (None, None),
        (float("nan"), None),
    ],
)
def test_clause_read_from_a_note(note, clause):
    assert policy_clause(note) == clause


def test_not_testable_claims_refuses_a_frame_without_its_columns():
    with pytest.raises(ValueError, match="'claims' is missing columns"):
        not_testable_claims(pd.DataFrame({"claim_id": ["C1"]}))
    with pytest.raises(TypeError, match="'claims' must be a pandas DataFrame"):
        not_testable_claims("claims.csv")
