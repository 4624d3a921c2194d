"""Tests of the notes of the registry, calibration and scorecard notebooks.

mcstudy.studies.registry_notes, calibration_report and scorecard_notes, on the committed
registry and verdicts and on small hand-built fit results.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from mcstudy.claims.scorecard import NO_VERDICT, load_scorecard
from mcstudy.claims.testability import not_testable_claims
from mcstudy.io import load_claims, load_targets
from mcstudy.studies import calibration_report, registry_notes, scorecard_notes


@pytest.fixture(scope="module")
def claims():
    return load_claims()


@pytest.fixture(scope="module")
def scorecard():
    return load_scorecard()


def test_registry_notes(claims):
    assert registry_notes.describe_registry(claims) == (
        f"{len(claims)} claims from {claims['source'].nunique()} documents"
    )
    fig = registry_notes.plot_claims_by_topic(claims)
    assert fig.axes[0].get_xlabel() == "number of claims"
    policy = not_testable_claims(claims)
    text = registry_notes.describe_not_testable(policy, claims)
    assert text.startswith(f"{len(policy)} of {len(claims)} claims are not testable")
    table = registry_notes.not_testable_table(policy)
    assert sum(len(ids) for ids in table["claims"]) == len(policy)
    with pytest.raises(ValueError, match="clause"):
        registry_notes.not_testable_table(policy.drop(columns="clause"))


def fit_result(z):
    ids = [
        "hillstrom.mens_email.visit_effect",
        "hillstrom.womens_email.visit_effect",
        *[f"t{i}" for i in range(len(z) - 2)],
    ]
    table = pd.DataFrame(
        {
            "target_id": ids,
            "observed": np.linspace(0.01, 0.05, len(z)),
            "observed_se": 0.01,
            "simulated": 0.03,
            "simulated_se": 0.001,
            "z": z,
        }
    )
    parameters = pd.DataFrame({"estimate": [1.0, 2.0]}, index=["a", "b"])
    return SimpleNamespace(
        fit_table=table, parameters=parameters, rank=2, n_evaluations=7, n_customers=1000
    )


def test_calibration_fit_notes():
    result = fit_result([3.0, -2.5, 0.1, 1.9])
    table = calibration_report.fit_rows(result)
    assert calibration_report.describe_fit(table).startswith("2 of 4 targets are matched")
    assert calibration_report.describe_fit_size(result) == (
        "rank of the Jacobian: 2 of 2; 7 simulations of 1,000 customers"
    )
    assert len(calibration_report.plot_calibration_fit(table).axes[0].get_yticks()) == 4
    record = {"parameters": {"a": 1.5, "b": 2.5}, "intervals": {"a": [1, 2], "b": [2, 3]}}
    compared = calibration_report.compare_with_committed(result, record)
    assert compared.loc["b"].tolist() == [2.0, 2.5, 2, 3]


def test_target_table_and_checks():
    targets = load_targets()
    table = calibration_report.target_table(targets)
    assert (table["uncertainty"] > 0).all()
    checks = pd.DataFrame(
        {
            "target_id": ["x", "y"],
            "observed": [1.0, 2.0],
            "observed_se": 0.5,
            "low": 0.0,
            "high": 3.0,
            "simulated": 1.0,
            "simulated_se": 0.1,
            "z": 0.0,
            "matched": [True, False],
            "used_in_fit": [True, False],
        }
    )
    assert calibration_report.checks_left_out(checks)["target_id"].tolist() == ["y"]


@pytest.mark.parametrize(("observed", "settles"), [(-0.063, False), (-0.5, True)])
def test_the_interaction_check_says_whether_the_interval_settles_the_sign(observed, settles):
    row = {"simulated": -0.12, "observed": observed, "observed_se": 0.1, "z": -0.5}
    checks = pd.DataFrame(row, index=["completejourney.mailer_display.relative_interaction"])
    text = calibration_report._interaction_text(checks)
    assert f"{observed:+.1%}" in text and "-12.0%" in text
    assert ("does not settle the sign" in text) is not settles


def test_scorecard_notes(scorecard):
    judged = int((scorecard["verdict"].astype(str) != NO_VERDICT).sum())
    assert f"{judged} have a verdict" in scorecard_notes.describe_judged(scorecard)
    assert "Informative share" in scorecard_notes.describe_informative_share(scorecard)
    sections = scorecard_notes.document_sections(scorecard, 10)
    assert all(t["condition"].str.len().max() <= 10 for t in sections.values())
    table = scorecard_notes.evidence_table(scorecard)
    assert table.to_numpy().sum() == judged
    assert len(scorecard_notes.plot_scorecard(scorecard).axes) >= 2
    assert scorecard_notes.describe_problems(pd.DataFrame(), scorecard).startswith(
        "No inconsistency among"
    )
    assert scorecard_notes.describe_problems(pd.DataFrame({"a": [1]}), scorecard).startswith(
        "**1 inconsistencies**"
    )
    pending = pd.DataFrame({"notebook": ["a.ipynb", "a.ipynb", "b.ipynb"]})
    assert scorecard_notes.describe_pending(pending) == (
        "3 claims have no verdict yet: 2 in a.ipynb; 1 in b.ipynb."
    )
    assert scorecard_notes.describe_pending(pending.iloc[:0]).startswith("Every claim")
    note, construction, check = scorecard_notes.describe_construction(scorecard)
    assert note.startswith(f"{len(construction)} verdicts are decided by construction")
    assert check
