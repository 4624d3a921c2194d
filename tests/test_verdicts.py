import math

import numpy as np
import pandas as pd
import pytest

from mcstudy.io.catalogue import load_claims
from mcstudy.verdicts import (
    Verdict,
    judge_association,
    judge_effect,
    load_verdicts,
    record_untestable,
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


def test_judge_effect_refuses_an_interval_that_was_not_computed():
    # Before: a NaN interval was judged "not supported".
    with pytest.raises(ValueError, match="'ci_low' must be a real number, not NaN; got nan"):
        judge_effect(math.nan, 0.5)
    with pytest.raises(
        ValueError,
        match=r"'ci_low' must be <= 'ci_high'; got ci_low=0.5 > "
        r"ci_high=0.1",
    ):
        judge_effect(0.5, 0.1)
    with pytest.raises(TypeError, match="'ci_high' must be a real number; got '0.5'"):
        judge_effect(0.1, "0.5")


def test_judge_association_detects_selection_artefacts():
    assert judge_association((0.2, 0.4), (-0.05, 0.05)) == "artefact"
    assert judge_association((0.2, 0.4), (0.1, 0.3)) == "supported"
    assert judge_association((-0.1, 0.4), (0.1, 0.3)) == "not supported"


def _verdict(claim_id, verdict="supported", effect=0.2, ci_low=0.1, ci_high=0.3, n=100):
    return Verdict(
        claim_id,
        verdict,
        effect,
        ci_low,
        ci_high,
        "difference",
        "welch",
        n,
        "causal",
        "",
        "03_multichannel_purchase_uplift.ipynb",
    )


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


def test_verdict_refuses_values_that_make_no_sense():
    # Before: each of these was accepted and written to the verdicts table.
    with pytest.raises(ValueError, match=r"'n' must be an int >= 0; got -5"):
        _verdict("C000-03", n=-5)
    with pytest.raises(TypeError, match=r"'n' must be an int >= 0; got 12.5"):
        _verdict("C000-03", n=12.5)
    with pytest.raises(
        ValueError,
        match=r"'effect' must be finite and lie in its interval "
        r"\[ci_low, ci_high\] = \[0.1, 0.3\] \(or be NaN\); got 0.9",
    ):
        _verdict("C000-03", effect=0.9)
    with pytest.raises(
        ValueError,
        match=r"'ci_low' must be <= 'ci_high'; got ci_low=0.3 > "
        r"ci_high=0.1",
    ):
        _verdict("C000-03", ci_low=0.3, ci_high=0.1)
    for verdict in ("supported", "not supported", "artefact", "conditional"):
        with pytest.raises(
            ValueError,
            match=rf"'ci_high' must be a number when 'verdict' is "
            rf"'{verdict}' \(only 'not testable' verdicts may lack an interval\)",
        ):
            _verdict("C000-03", verdict, effect=math.nan, ci_high=math.nan)
    with pytest.raises(
        ValueError,
        match=r"'not testable' verdict rests on no estimate: .*got "
        r"\{'effect': 0.2, 'ci_low': 0.1, 'ci_high': 0.3, 'n': 100\}",
    ):
        _verdict("C000-01", "not testable")
    with pytest.raises(
        TypeError,
        match=r"'effect' must be a real number \(NaN allowed\); got "
        r"'0.2'",
    ):
        _verdict("C000-03", effect="0.2")
    with pytest.raises(TypeError, match=r"'claim_id' must be a str; got 3"):
        _verdict(3)
    # Allowed: NaN effect with an interval, one-sided intervals, numpy numbers.
    assert math.isnan(_verdict("C000-03", effect=math.nan).effect)
    assert _verdict("C000-03", ci_high=math.inf).ci_high == math.inf
    assert _verdict("C000-03", effect=np.float64(0.2), n=np.int64(7)).n == 7
    untestable = Verdict(
        "C000-01",
        "not testable",
        math.nan,
        math.nan,
        math.nan,
        "",
        "registry",
        0,
        "none",
        "definition",
        "00_claims_registry.ipynb",
    )
    assert untestable.n == 0


def test_record_verdict_refuses_claims_outside_the_registry(tmp_path):
    path = tmp_path / "verdicts.csv"
    with pytest.raises(
        ValueError,
        match=r"'claim_id' must be an id of the claims registry "
        r"\(data/claims.csv, \d+ claims, e.g. \['C000-01', .*\]\); got "
        r"'C999-01'",
    ):
        record_verdict(_verdict("C999-01"), path)
    assert not path.exists()  # nothing written
    registry = pd.DataFrame({"claim_id": ["X-1", "X-2"]})
    record_verdict(_verdict("X-2"), path, claims=registry)
    with pytest.raises(
        ValueError,
        match=r"\(the 'claims' frame, 2 claims, e.g. \['X-1', "
        r"'X-2'\]\); got 'C001-05'",
    ):
        record_verdict(_verdict("C001-05"), path, claims=registry)
    csv = tmp_path / "claims.csv"
    load_claims().to_csv(csv, index=False)
    record_verdict(_verdict("C001-05"), path, claims=csv)
    assert load_verdicts(path)["claim_id"].tolist() == ["C001-05", "X-2"]
    with pytest.raises(TypeError, match="'verdict' must be a Verdict; got dict"):
        record_verdict({"claim_id": "C001-05"}, path)
    with pytest.raises(TypeError, match="'claims' must be a DataFrame, a path or None; got list"):
        record_verdict(_verdict("C001-05"), path, claims=["C001-05"])


def test_record_untestable_still_records_the_registry_notes(tmp_path):
    claims = load_claims()
    path = tmp_path / "verdicts.csv"
    written = record_untestable(claims, "00_claims_registry.ipynb", path)
    untestable = claims[claims["kind"] == "not-testable"]
    assert written["claim_id"].tolist() == untestable["claim_id"].tolist()
    table = load_verdicts(path)
    assert (table["verdict"] == "not testable").all() and (table["n"] == 0).all()
    assert table[["effect", "ci_low", "ci_high"]].isna().all().all()


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


def test_committed_verdicts_are_valid():
    # Every row of results/verdicts.csv passes the checks of Verdict and of the registry.
    table = load_verdicts()
    ids = set(load_claims()["claim_id"])
    for row in table.to_dict("records"):
        verdict = Verdict(**{**row, "n": int(row["n"])})
        assert verdict.claim_id in ids
