import math

import pytest

from mcstudy.io.catalogue import load_claims
from mcstudy.verdicts import (
    Verdict,
    judge_association,
    judge_effect,
    load_verdicts,
    record_verdict,
    summarise_claims,
)


def test_judge_effect():
    assert judge_effect(0.1, 0.5) == "supported"
    assert judge_effect(-0.1, 0.5) == "not supported"
    assert judge_effect(-0.5, -0.1) == "not supported"
    assert judge_effect(-0.5, -0.1, direction=-1) == "supported"
    assert judge_effect(0.1, 0.5, claimed=2.87) == "conditional"
    assert judge_effect(0.1, 3.0, claimed=2.87) == "supported"
    with pytest.raises(ValueError, match="'direction' must be one of"):
        judge_effect(0, 1, direction=2)


def test_judge_association_detects_selection_artefacts():
    assert judge_association((0.2, 0.4), (-0.05, 0.05)) == "artefact"
    assert judge_association((0.2, 0.4), (0.1, 0.3)) == "supported"
    assert judge_association((-0.1, 0.4), (0.1, 0.3)) == "not supported"


def _verdict(claim_id, verdict="supported", effect=0.2):
    return Verdict(claim_id, verdict, effect, 0.1, 0.3, "difference", "welch", 100, "causal",
                   "", "02_multichannel_purchase_uplift.ipynb")


def test_record_verdict_replaces_earlier_rows(tmp_path):
    path = tmp_path / "verdicts.csv"
    record_verdict(_verdict("C001-05"), path)
    record_verdict(_verdict("C000-07", "artefact"), path)
    record_verdict(_verdict("C001-05", "not supported", math.nan), path)
    table = load_verdicts(path)
    assert table["claim_id"].tolist() == ["C000-07", "C001-05"]
    assert table.set_index("claim_id").loc["C001-05", "verdict"] == "not supported"
    assert math.isnan(table.set_index("claim_id").loc["C001-05", "effect"])


def test_verdict_validation():
    with pytest.raises(ValueError, match="'verdict' must be one of"):
        _verdict("C000-01", "probably")


def test_summary_counts_every_claim():
    claims = load_claims()
    tables = summarise_claims(claims)
    assert tables["by document and kind"].loc["total", "total"] == len(claims)
    assert tables["by notebook"]["claims"].sum() == len(claims)


def test_weakest():
    from mcstudy.verdicts import weakest

    assert weakest(["supported", "artefact", "conditional"]) == "artefact"
    assert weakest(iter(["supported"])) == "supported"
    with pytest.raises(ValueError, match=r"'verdicts' must hold at least one verdict"):
        weakest([])
    with pytest.raises(ValueError, match=r"'verdict' must be one of .*; got 'maybe'"):
        weakest(["supported", "maybe"])
