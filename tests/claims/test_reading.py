"""How a notebook shows its claims, rules and verdicts (mcstudy.claims.reading)."""

from __future__ import annotations

import pandas as pd
import pytest

from mcstudy.claims import claims_of, quote_claims, rule_for, rule_table, verdict_lines
from mcstudy.claims.rules import Rule
from mcstudy.io import load_claims

RULE = Rule("C9", "a gap", 1, float("nan"), 0.25, "effect")
NOTEBOOK_02 = "02_profiles_and_channel_choice.ipynb"
SHOWN = ["rule", "direction", "smallest_effect", "estimand"]


def test_claims_of_gives_the_notebooks_rows_by_claim_id():
    mine = claims_of(NOTEBOOK_02)
    assert sorted(mine.index) == ["C000-02", "C000-15", "C001-02", "C002-04"]
    assert mine.index.name == "claim_id" and (mine["notebook"] == NOTEBOOK_02).all()
    with pytest.raises(TypeError, match="'notebook' must be a str"):
        claims_of(2)
    with pytest.raises(ValueError, match=r"names notebook '02_profiles.ipynb'; it names \["):
        claims_of("02_profiles.ipynb")


def test_quote_claims_gives_one_block_per_claim():
    claims = pd.DataFrame(
        {"quote_fr": ["q1", "q2"], "kind": ["simulation", "real"], "note": ["n1", "n2 " * 60]},
        index=["C1", "C2"],
    )
    text = quote_claims(claims, label="kind", text="note")
    blocks = text.split("\n\n")
    assert blocks[0] == "C1 (simulation): « q1 »\n    n1"
    assert blocks[1].startswith("C2 (real): « q2 »\n    n2")
    assert text.endswith("\n") and all(len(line) <= 100 for line in text.splitlines())
    assert quote_claims(claims, label=None, text="note").startswith("C1: « q1 »")
    assert all(
        len(x) <= 40 for x in quote_claims(claims, text="note", label=None, width=40).split("\n")
    )
    with pytest.raises(ValueError, match="missing columns"):
        quote_claims(claims, label="topic")


def test_quote_claims_of_a_notebook_from_the_registry():
    claims = load_claims()
    text = quote_claims(claims, "10_real_data_experiments.ipynb")
    ids = [line.split(" ")[0] for line in text.splitlines() if line and not line[0].isspace()]
    assert sorted(ids) == ["C000-29", "C000-42", "C000-43"]
    assert "«" in text
    # the registry by default, and with its claim ids as the index
    assert quote_claims(notebook=NOTEBOOK_02) == quote_claims(claims_of(NOTEBOOK_02))
    for claim in claims_of(NOTEBOOK_02).index:
        assert f"\n{claim} (" in "\n" + quote_claims(notebook=NOTEBOOK_02)


def test_rule_table_of_rules_shows_the_columns_asked():
    table = rule_table({"C9": RULE}, columns=["rule", "claimed", "smallest_effect"])
    assert list(table.columns) == ["rule", "claimed", "smallest effect"]
    assert table.loc["C9", "smallest effect"] == 0.25 and table.loc["C9", "rule"] == "effect"
    assert all(pd.api.types.is_object_dtype(d) for d in table.dtypes) and table.index.name is None
    with pytest.raises(TypeError, match="'rules' must map"):
        rule_table({"C9": "effect"})
    with pytest.raises(ValueError, match=r"'columns' must be fields of Rule .*got \['effect'\]"):
        rule_table({"C9": RULE}, columns=["effect"])


def test_rule_table_of_claim_ids_has_every_field_in_order():
    table = rule_table(["C000-43", "C000-42"])
    assert list(table.index) == ["C000-43", "C000-42"] and table.index.name == "claim_id"
    assert list(table.columns) == ["estimand", "direction", "claimed", "smallest_effect", "rule"]
    assert table.loc["C000-43", "direction"] == -1
    mine = claims_of(NOTEBOOK_02).index
    shown = rule_table(mine, columns=SHOWN)
    assert sorted(shown.index) == sorted(mine)
    assert shown.loc["C000-15", "smallest effect"] == rule_for("C000-15").smallest_effect


def test_verdict_lines_wraps_measure_and_indents_condition():
    recorded = pd.DataFrame(
        {
            "claim_id": ["C1", "C2"],
            "verdict": ["supported", "artefact"],
            "measure": ["a measure", "another"],
            "condition": ["word " * 40, "short"],
        }
    )
    text = verdict_lines(recorded, width=60)
    lines = text.splitlines()
    assert lines[0] == "C1 (supported) - a measure."
    assert all(len(line) <= 61 for line in lines)
    assert lines[1].startswith("    word")
    assert "\n\nC2 (artefact) - another.\n    short \n" in text
    with pytest.raises(ValueError, match="'recorded'.*condition"):
        verdict_lines(recorded.drop(columns="condition"))


def test_verdict_lines_names_untestable_claims():
    recorded = pd.DataFrame(
        {
            "claim_id": ["C1", "C2"],
            "verdict": ["supported", "not testable"],
            "measure": ["a share " * 20, float("nan")],
            "condition": ["holds " * 30, "the registry's note"],
        }
    )
    text = verdict_lines(recorded, width=60)
    assert text.startswith("C1 (supported) - a share")
    assert "C2 (not testable) - not testable.\n    the registry's note \n" in text
    assert "C2 (not testable) - registry note:\n" in verdict_lines(
        recorded, no_measure="registry note:"
    )
