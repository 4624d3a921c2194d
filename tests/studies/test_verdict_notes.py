"""Tests of mcstudy.studies.verdict_notes: what the real-data notebooks print around verdicts."""

from __future__ import annotations

import pandas as pd
import pytest
from scipy.stats import norm

from mcstudy.io import load_claims
from mcstudy.studies.verdict_notes import (
    describe_verdicts,
    minimum_detectable,
    pvalues_as_text,
    quote_claims,
    rules_table,
)


def test_rules_table_has_one_row_per_claim_in_order():
    table = rules_table(["C000-43", "C000-42"])
    assert list(table.index) == ["C000-43", "C000-42"]
    assert {"rule", "direction", "smallest_effect", "estimand"} <= set(table.columns)
    assert table.loc["C000-43", "direction"] == -1


def test_minimum_detectable_known_answer():
    # a 95 % interval of half-width 1.96 is one standard error: 80 % power needs 1.96 + 0.84
    assert minimum_detectable(-1.959963984540054, 1.959963984540054) == pytest.approx(
        1.959963984540054 + 0.8416212335729143
    )
    assert minimum_detectable(0.0, 2 * 1.959963984540054, power=0.9) == pytest.approx(
        1.959963984540054 + norm.ppf(0.9)
    )
    with pytest.raises(ValueError, match="'power' must be in"):
        minimum_detectable(0.0, 1.0, power=1.0)
    with pytest.raises(ValueError, match="'ci_high' must be at least"):
        minimum_detectable(1.0, 0.0)


def test_describe_verdicts_wraps_measure_and_indents_condition():
    verdicts = pd.DataFrame(
        {
            "claim_id": ["C1", "C2"],
            "verdict": ["supported", "artefact"],
            "measure": ["a measure", "another"],
            "condition": ["word " * 40, "short"],
        }
    )
    text = describe_verdicts(verdicts, width=60)
    lines = text.splitlines()
    assert lines[0] == "C1 (supported) - a measure."
    assert all(len(line) <= 61 for line in lines)
    assert lines[1].startswith("    word")
    assert "C2 (artefact) - another.\n    short \n" in text
    with pytest.raises(ValueError, match="condition"):
        describe_verdicts(verdicts.drop(columns="condition"))


def test_pvalues_as_text_keeps_small_pvalues_visible():
    table = pd.DataFrame({"pvalue": [1.234e-9, 0.5]})
    assert pvalues_as_text(table)["pvalue"].tolist() == ["1.23e-09", "0.5"]
    assert table["pvalue"].dtype == float  # the input is left as it is


def test_quote_claims_quotes_the_notebooks_claims_only():
    claims = load_claims()
    text = quote_claims(claims, "10_real_data_experiments.ipynb")
    ids = [line.split(" ")[0] for line in text.splitlines() if line and not line[0].isspace()]
    assert sorted(ids) == ["C000-29", "C000-42", "C000-43"]
    assert "«" in text
