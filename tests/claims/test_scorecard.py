"""Tests for the claims scorecard (mcstudy.claims.scorecard), on small hand-built tables."""

import json

import numpy as np
import pandas as pd
import pytest

from mcstudy._vocab import SOURCE_DOCUMENTS, VERDICTS
from mcstudy.claims.scorecard import (
    DOCUMENT_LABELS,
    NO_VERDICT,
    SCORECARD_COLUMNS,
    SCORECARD_VERDICTS,
    VERDICT_COLOURS,
    build_scorecard,
    check_verdicts,
    claims_without_verdict,
    document_tables,
    executed_notebooks,
    fixed_by_construction,
    format_effect,
    load_scorecard,
    verdict_counts,
)

DOC0, DOC1 = SOURCE_DOCUMENTS[0], SOURCE_DOCUMENTS[1]
NB02, NB04 = "02_profiles_and_channel_choice.ipynb", "04_intrusiveness_and_attention.ipynb"


def claims_frame():
    rows = [
        ("C000-01", DOC0, "other", "not-testable", "00_claims_registry.ipynb"),
        ("C000-02", DOC0, "profiles", "simulation", NB02),
        ("C000-03", DOC0, "attention", "simulation", NB04),
        ("C001-01", DOC1, "uplift", "real-data", "08_real_data_hillstrom.ipynb"),
    ]
    frame = pd.DataFrame(rows, columns=["claim_id", "source", "topic", "kind", "notebook"])
    return frame.assign(
        quote_fr=[f"citation {i}" for i in range(len(rows))],
        statement_en=[f"statement {i}" for i in range(len(rows))],
    )


def verdict_row(claim_id, verdict, notebook, effect=1.0, low=0.5, high=1.5, **extra):
    row = {
        "claim_id": claim_id,
        "verdict": verdict,
        "effect": effect,
        "ci_low": low,
        "ci_high": high,
        "n": 20,
        "measure": "margin (EUR)",
        "evidence": "causal",
        "condition": "",
        "notebook": notebook,
        "rule": "effect",
        "robustness_share": 0.95,
        "hinges_on": "",
    }
    row.update(extra)
    return row


def verdicts_frame():
    return pd.DataFrame(
        [
            verdict_row(
                "C000-01",
                "not testable",
                "00_claims_registry.ipynb",
                np.nan,
                np.nan,
                np.nan,
                n=0,
                evidence="none",
                rule="",
                robustness_share=np.nan,
                condition="Definition.",
            ),
            verdict_row("C000-02", "conditional", NB02, -6.42, -7.52, -5.32, robustness_share=0.72),
            verdict_row(
                "C001-01",
                "supported",
                "08_real_data_hillstrom.ipynb",
                robustness_share=np.nan,
                condition="By construction: an input.",
            ),
        ]
    )


def test_scorecard_has_one_row_per_claim_and_marks_the_missing_verdict():
    card = build_scorecard(claims_frame(), verdicts_frame())
    assert list(card.columns) == list(SCORECARD_COLUMNS)
    assert list(card["claim_id"]) == ["C000-01", "C000-02", "C000-03", "C001-01"]
    assert list(card["verdict"].astype(str)) == [
        "not testable",
        "conditional",
        NO_VERDICT,
        "supported",
    ]
    assert list(card["verdict"].cat.categories) == list(SCORECARD_VERDICTS)
    missing = card.set_index("claim_id").loc["C000-03"]
    assert np.isnan(missing["effect"]) and pd.isna(missing["n"]) and missing["condition"] == ""
    assert card.loc[1, "verdict_notebook"] == NB02
    assert card.loc[3, "document"] == DOCUMENT_LABELS[DOC1]


def test_scorecard_with_no_verdicts_at_all():
    empty = verdicts_frame().iloc[:0]
    card = build_scorecard(claims_frame(), empty)
    assert (card["verdict"] == NO_VERDICT).all()


def test_missing_verdicts_file_means_no_verdict_yet(tmp_path):
    card = load_scorecard(verdicts_path=tmp_path / "absent.csv")
    assert (card["verdict"] == NO_VERDICT).all() and len(card) > 0


@pytest.mark.parametrize(
    ("which", "change", "error", "match"),
    [
        (
            "claims",
            lambda c, v: c.drop(columns=["kind"]),
            ValueError,
            r"'claims' is missing .*kind",
        ),
        (
            "verdicts",
            lambda c, v: v.drop(columns=["n"]),
            ValueError,
            r"'verdicts' is missing .*'n'",
        ),
        ("claims", lambda c, v: "claims.csv", TypeError, r"'claims' must be a pandas DataFrame"),
        (
            "verdicts",
            lambda c, v: pd.concat([v, v.iloc[[1]]]),
            ValueError,
            r"'verdicts' must have one row per claim; ids repeated: \['C000-02'\]",
        ),
        (
            "verdicts",
            lambda c, v: v.assign(verdict=["not testable", "maybe", "supported"]),
            ValueError,
            r"'verdicts.verdict' must be one of .*got 'maybe'",
        ),
        (
            "verdicts",
            lambda c, v: v.assign(claim_id=["C000-01", "C000-02", "C999-01"]),
            ValueError,
            r"names claims the registry does not have: \['C999-01'\]",
        ),
        (
            "claims",
            lambda c, v: c.assign(topic=["other", "profiles", "weather", "uplift"]),
            ValueError,
            r"'claims.topic' must be one of .*got 'weather'",
        ),
    ],
)
def test_bad_inputs_are_clear_errors(which, change, error, match):
    claims, verdicts = claims_frame(), verdicts_frame()
    changed = change(claims, verdicts)
    args = (changed, verdicts) if which == "claims" else (claims, changed)
    with pytest.raises(error, match=match):
        build_scorecard(*args)


def test_document_tables_format_effects_robustness_and_blank_numbers():
    tables = document_tables(build_scorecard(claims_frame(), verdicts_frame()))
    assert list(tables) == [DOCUMENT_LABELS[DOC0], DOCUMENT_LABELS[DOC1]]  # empty ones left out
    doc0 = tables[DOCUMENT_LABELS[DOC0]]
    assert list(doc0.columns) == [
        "quote (French)",
        "verdict",
        "effect (95 % CI)",
        "n",
        "evidence",
        "robustness",
        "condition",
    ]
    assert doc0.loc["C000-02", "effect (95 % CI)"] == "-6.42 (-7.52 to -5.32)"
    assert doc0.loc["C000-02", "robustness"] == "72%"
    assert doc0.loc["C000-02", "n"] == "20"
    assert doc0.loc["C000-01", ["effect (95 % CI)", "n", "robustness"]].tolist() == ["", "", ""]
    assert doc0.loc["C000-03", "verdict"] == NO_VERDICT and doc0.loc["C000-03", "n"] == ""
    doc1 = tables[DOCUMENT_LABELS[DOC1]]
    assert doc1.loc["C001-01", "robustness"] == "no parameter space"  # real data


def test_format_effect():
    assert format_effect(0.004553, -0.001292, 0.010398) == "0.00455 (-0.00129 to 0.0104)"
    assert format_effect(np.nan, np.nan, np.nan) == ""
    assert format_effect(2.0, -np.inf, 3.0) == "2 (-inf to 3)"


def test_verdict_counts_keep_every_verdict_and_add_totals():
    card = build_scorecard(claims_frame(), verdicts_frame())
    by_doc = verdict_counts(card)
    assert list(by_doc.columns) == [*SCORECARD_VERDICTS, "total"]
    assert list(by_doc.index) == [DOCUMENT_LABELS[DOC0], DOCUMENT_LABELS[DOC1], "total"]
    assert by_doc.loc[DOCUMENT_LABELS[DOC0], NO_VERDICT] == 1
    assert by_doc.loc[DOCUMENT_LABELS[DOC0], "artefact"] == 0
    assert by_doc.loc["total", "total"] == 4
    verdicts = list(SCORECARD_VERDICTS)
    assert by_doc.loc["total", verdicts].tolist() == by_doc[verdicts].iloc[:-1].sum().tolist()
    assert (by_doc["total"] == by_doc[verdicts].sum(axis=1)).all()
    by_topic = verdict_counts(card, "topic")
    assert list(by_topic.index) == [
        "uplift",
        "attention",
        "profiles",
        "other",
        "total",
    ]  # vocab order
    assert verdict_counts(card, "notebook").loc[NB04, NO_VERDICT] == 1
    with pytest.raises(
        ValueError, match=r"'by' must be one of \['document', 'notebook', 'topic'\]"
    ):
        verdict_counts(card, "source")


def write_nb(path, executed):
    outputs = [{"output_type": "stream", "name": "stdout", "text": "ok\n"}] if executed else []
    cell = {
        "cell_type": "code",
        "metadata": {},
        "source": "1",
        "outputs": outputs,
        "execution_count": 1 if executed else None,
    }
    nb = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb), encoding="utf-8")


def test_executed_notebooks_need_outputs_and_a_registered_name(tmp_path):
    write_nb(tmp_path / NB02, executed=True)
    write_nb(tmp_path / NB04, executed=False)
    write_nb(tmp_path / "42_unknown.ipynb", executed=True)
    write_nb(tmp_path / "99_scorecard.ipynb", executed=True)  # owns no claims
    assert executed_notebooks(tmp_path) == [NB02]
    assert executed_notebooks(tmp_path, executed_only=False) == [NB02, NB04]


def test_claims_without_verdict_say_whether_the_notebook_exists(tmp_path):
    card = build_scorecard(claims_frame(), verdicts_frame())
    pending = claims_without_verdict(card)
    assert list(pending["claim_id"]) == ["C000-03"]
    assert "status" not in pending
    assert claims_without_verdict(card, tmp_path)["status"].tolist() == ["notebook not written yet"]
    write_nb(tmp_path / NB04, executed=False)
    assert claims_without_verdict(card, tmp_path)["status"].tolist() == [
        "in notebooks/, not recorded"
    ]


def test_check_verdicts_finds_each_kind_of_problem(tmp_path):
    for name in ("00_claims_registry.ipynb", NB02, "08_real_data_hillstrom.ipynb"):
        write_nb(tmp_path / name, executed=True)
    card = build_scorecard(claims_frame(), verdicts_frame())
    assert check_verdicts(card, tmp_path).empty  # NB04 absent: its claim may wait

    write_nb(tmp_path / NB04, executed=False)
    assert check_verdicts(card, tmp_path).empty  # present but not executed: may wait
    write_nb(tmp_path / NB04, executed=True)
    problems = check_verdicts(card, tmp_path)
    assert problems.values.tolist() == [
        ["C000-03", f"{NB04} has run but recorded no verdict on it"]
    ]

    verdicts = verdicts_frame()
    verdicts.loc[1, "notebook"] = NB04  # recorded by the wrong notebook
    verdicts.loc[2, "verdict"] = "not testable"  # on a real-data claim
    verdicts = pd.concat(
        [
            verdicts,
            pd.DataFrame([verdict_row("C000-03", "supported", "05_integration_costs.ipynb")]),
        ]
    )
    problems = check_verdicts(build_scorecard(claims_frame(), verdicts), tmp_path)
    text = problems.set_index("claim_id")["problem"]
    assert "registry assigns the claim to '02_profiles" in text["C000-02"]
    assert list(text["C000-03"]) == [
        f"verdict recorded by '05_integration_costs.ipynb', but the registry assigns the claim "
        f"to '{NB04}'",
        f"verdict names '05_integration_costs.ipynb', not in '{tmp_path}'",
    ]
    assert text["C001-01"] == "verdict 'not testable' on a claim of kind 'real-data'"
    verdicts.loc[0, "verdict"] = "supported"
    problems = check_verdicts(build_scorecard(claims_frame(), verdicts), tmp_path)
    assert "verdict 'supported' on a claim of kind 'not-testable'" in set(problems["problem"])


def test_fixed_by_construction_reads_the_condition():
    rows = fixed_by_construction(build_scorecard(claims_frame(), verdicts_frame()))
    assert rows["claim_id"].tolist() == ["C001-01"]
    assert rows["verdict"].tolist() == ["supported"]


@pytest.mark.parametrize(
    "condition, marked",
    [
        ("By construction in direction: e-mail is not a purchase channel.", True),
        ("Mechanical: follows from the spread of preferred channels.", True),
        ("Fixed by the catalogue's cost ratio of a call to a mailing (an input).", True),
        ("The direction is fixed by the model (a shared history removes repeats).", True),
        ("The price was fixed by the firm in 2004; no construction here.", False),
        ("supported: holds in 53 % of the plausible space.", False),
    ],
)
def test_fixed_by_construction_knows_the_phrasings(condition, marked):
    verdicts = verdicts_frame()
    verdicts.loc[verdicts["claim_id"] == "C001-01", "condition"] = condition
    rows = fixed_by_construction(build_scorecard(claims_frame(), verdicts))
    assert (rows["claim_id"].tolist() == ["C001-01"]) is marked


def test_every_verdict_has_a_colour_and_every_document_a_label():
    assert set(VERDICT_COLOURS) == set(VERDICTS) | {NO_VERDICT}
    assert tuple(DOCUMENT_LABELS) == SOURCE_DOCUMENTS
    assert len(set(VERDICT_COLOURS.values())) == len(VERDICT_COLOURS)
