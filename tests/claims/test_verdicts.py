import math

import numpy as np
import pandas as pd
import pytest

from mcstudy.claims.verdicts import (
    Verdict,
    judge_association,
    judge_effect,
    load_verdicts,
    record_untestable,
    record_verdict,
    summarise_claims,
)
from mcstudy.io.catalogue import load_claims

M = 0.05  # smallest effect that matters in the cases below

# (ci_low, ci_high, direction, claimed, expected): judge_effect's rule table
EFFECT_CASES = [
    (0.1, 0.5, 1, None, "supported"),  # above 0 and reaches what matters
    (-0.1, 0.5, 1, None, "inconclusive"),  # holds 0 and effects that matter (underpowered)
    (-0.1, 0.02, 1, None, "not supported"),  # excludes every effect that matters
    (0.01, 0.03, 1, None, "not supported"),  # real but trivial
    (-0.5, -0.1, 1, None, "not supported"),  # the other side of 0
    (-0.5, -0.1, -1, None, "supported"),  # a claimed decrease
    (0.1, 0.5, 1, 2.87, "not supported"),  # real but smaller than claimed (+287 %)
    (0.1, 3.0, 1, 2.87, "supported"),  # reaches the claimed magnitude
    (-0.2, -0.1, -1, 0.5, "not supported"),  # the case: a magnitude, not a signed value
    (-0.2, 3.0, 1, 2.87, "inconclusive"),  # holds 0 and the claim
    (-0.25, 1.04, 1, 2.87, "not supported"),  # holds 0 but excludes the claimed +287 %
    (0.1, math.inf, 1, None, "supported"),  # one-sided interval
]


@pytest.mark.parametrize(("low", "high", "direction", "claimed", "expected"), EFFECT_CASES)
def test_judge_effect_rule_table(low, high, direction, claimed, expected):
    got = judge_effect(low, high, direction=direction, smallest_effect=M, claimed=claimed)
    assert got == expected


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [(-0.5, 2.0, "supported"), (-3.0, -1.5, "not supported"), (-2.0, 0.5, "inconclusive")],
)
def test_judge_non_inferiority_rule_table(low, high, expected):
    from mcstudy.claims.verdicts import judge_non_inferiority

    assert judge_non_inferiority(low, high, smallest_effect=1.0) == expected


@pytest.mark.parametrize(
    ("observational", "causal", "expected"),
    [
        ((0.2, 0.4), (-0.05, 0.04), "artefact"),  # the causal effect excludes one that matters
        # the causal interval excludes what is seen, but not an effect that matters: selection
        # is shown, that it explains everything is not
        ((0.2, 0.4), (-0.05, 0.05), "inconclusive"),
        # a world where channels cause +220 % against +285 % observed: the claim's direction
        # holds, its size is overstated by selection (not an artefact)
        ((2.7, 3.0), (2.1, 2.3), "overstated"),
        # C000-40: the mailer's effect with the discount held fixed stands on its own
        ((0.103, 0.147), (0.049, 0.077), "overstated"),
        ((0.2, 0.4), (0.1, 0.35), "supported"),  # real and causal
        ((0.19, 0.84), (-0.6, 1.5), "inconclusive"),  # too wide to call an artefact (issue)
        ((-0.1, 0.4), (0.1, 0.3), "inconclusive"),  # the association itself is not shown
        ((-0.3, 0.01), (0.1, 0.3), "not supported"),  # nor even possible at a size that matters
        ((0.2, 0.4), (0.0, 0.35), "inconclusive"),  # the causal interval covers the observed 0.3
    ],
)
def test_judge_association_rule_table(observational, causal, expected):
    assert judge_association(observational, causal, smallest_effect=M) == expected


def test_judge_consistency():
    from mcstudy.claims.verdicts import judge_consistency

    assert judge_consistency(0.6, 0.6, claimed=0.6, tolerance=0.005) == "supported"
    assert judge_consistency(0.04, 0.1, claimed=2.87, tolerance=0.05) == "not supported"


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: judge_effect(math.nan, 0.5, smallest_effect=M),
            ValueError,
            r"'ci_low' must be a real number, not NaN; got nan",
        ),
        (
            lambda: judge_effect(0.5, 0.1, smallest_effect=M),
            ValueError,
            r"'ci_low' must be <= 'ci_high'; got ci_low=0.5 > ci_high=0.1",
        ),
        (
            lambda: judge_effect(0.1, "0.5", smallest_effect=M),
            TypeError,
            r"'ci_high' must be a real number; got '0.5'",
        ),
        (
            lambda: judge_effect(0, 1, direction=2, smallest_effect=M),
            ValueError,
            r"'direction' must be one of \[-1, 1\]; got 2",
        ),
        (
            lambda: judge_effect(-0.2, -0.1, direction=-1, smallest_effect=M, claimed=-0.5),
            ValueError,
            r"'claimed' must be > 0 \(a magnitude, .*got -0.5",
        ),
        (
            lambda: judge_effect(0.1, 0.5, smallest_effect=0),
            ValueError,
            r"'smallest_effect' must be > 0",
        ),
        (
            lambda: judge_effect(0.1, 0.5, smallest_effect=math.nan),
            TypeError,
            r"'smallest_effect' must be a finite real number > 0; got nan",
        ),
        (
            lambda: judge_association((0.1, math.nan), (0, 1), smallest_effect=M),
            ValueError,
            r"'ci_high' must be a real number, not NaN",
        ),
        (
            lambda: judge_association((0.2, 0.4), (1.0, 0.0), smallest_effect=M),
            ValueError,
            r"'causal_ci\[0\]' must be <= 'causal_ci\[1\]'",
        ),
        (
            lambda: judge_association(0.3, (0, 1), smallest_effect=M),
            TypeError,
            r"'observational_ci' must be \(low, high\)",
        ),
    ],
)
def test_invalid_input_is_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_every_testable_claim_has_a_rule_the_notebooks_look_up():
    from mcstudy._vocab import RULES
    from mcstudy.claims.verdicts import rule_for

    claims = load_claims()
    testable = claims[claims["kind"] != "not-testable"]
    # 83 registered (62 + 12 from the re-reading + 3 for notebook 09 + 2 for notebook 10 + 2 more
    # for notebook 09 + 2 for notebook 11), 35 of them not testable under the testability policy
    assert len(testable) == 48
    assert (testable["kind"] == "real-data").sum() == 14
    for claim_id in testable["claim_id"]:
        rule = rule_for(claim_id, claims)
        assert rule.rule in RULES and rule.smallest_effect > 0 and rule.estimand
        assert rule.direction in (1, -1)
    assert rule_for("C001-06").claimed == 2.87
    with pytest.raises(ValueError, match=r"claim C000-01 is not testable"):
        rule_for("C000-01")
    with pytest.raises(ValueError, match=r"'claim_id' must be an id of the claims registry"):
        rule_for("C999-01")


def test_a_rule_judges_intervals_and_points():
    from mcstudy.claims.verdicts import rule_for

    rule = rule_for("C000-03")  # effect, +1, smallest effect 0.25 pp
    assert rule.judge(-0.0013, 0.0104) == "inconclusive"  # the Hillstrom interval
    assert rule.judge(0.003, 0.01) == "supported"
    assert rule.holds(0.004) and not rule.holds(0.001) and not rule.holds(-0.01)
    assert rule.holds(0.001, "not supported")
    with pytest.raises(ValueError, match=r"the 'effect' rule of C000-03 takes no 'causal_ci'"):
        rule.judge(0.0, 0.1, causal_ci=(0.0, 0.1))
    association = rule_for("C000-07")
    with pytest.raises(ValueError, match=r"needs 'causal_ci'"):
        association.judge(0.1, 0.3)
    assert association.judge(0.2, 0.4, causal_ci=(-0.05, 0.04)) == "artefact"
    assert association.judge(0.2, 0.4, causal_ci=(0.1, 0.15)) == "overstated"
    non_inferior = rule_for("C000-14")  # non-inferiority, margin 1 EUR
    assert non_inferior.judge(-0.9, 2.0) == "supported"
    assert non_inferior.holds(-0.5) and not non_inferior.holds(-1.5)


def test_with_robustness_makes_a_fragile_verdict_conditional():
    from dataclasses import dataclass

    from mcstudy.claims.verdicts import with_robustness

    @dataclass
    class Result:  # the part of RobustnessResult with_robustness reads
        share: float
        hinges_on: tuple

        def robust_verdict(self, verdict):
            if self.share >= 0.9:
                return verdict, ""
            return "conditional", f"{verdict}: holds in {self.share:.0%} of the space"

    base = _verdict("C000-18")
    fragile = with_robustness(base, Result(0.6, ("response.irritation_per_contact",)))
    assert fragile.verdict == "conditional" and fragile.robustness_share == 0.6
    assert fragile.hinges_on == "response.irritation_per_contact"
    assert fragile.condition.startswith("supported: holds in 60%")
    sturdy = with_robustness(base, Result(0.95, ()))
    assert sturdy.verdict == "supported" and sturdy.hinges_on == ""


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
        rule="effect",
    )


def test_record_verdict_replaces_earlier_rows(tmp_path):
    path = tmp_path / "verdicts.csv"
    record_verdict(_verdict("C000-02", "supported", 2.0, 1.5, 3.0), path)
    record_verdict(_verdict("C000-04", "supported"), path)
    record_verdict(_verdict("C000-02", "not supported", math.nan), path)
    table = load_verdicts(path)
    assert table["claim_id"].tolist() == ["C000-02", "C000-04"]
    assert table.set_index("claim_id").loc["C000-02", "verdict"] == "not supported"
    assert math.isnan(table.set_index("claim_id").loc["C000-02", "effect"])
    assert (table["rule"] == "effect").all() and table["robustness_share"].isna().all()
    with pytest.raises(ValueError, match=r"'rule' must be one of"):
        _verdict("C001-06").__class__(**{**_verdict("C001-06").__dict__, "rule": ""})
    with pytest.raises(ValueError, match=r"'robustness_share' must be in \[0, 1\] or NaN"):
        _verdict("C001-06").__class__(**{**_verdict("C001-06").__dict__, "robustness_share": 2.0})


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
    for verdict in ("supported", "not supported", "inconclusive", "artefact", "conditional"):
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
    registry = pd.DataFrame(
        {
            "claim_id": ["X-1", "X-2"],
            "direction": [1, 1],
            "claimed": [math.nan, math.nan],
            "smallest_effect": [0.05, 0.05],
            "rule": ["effect", "effect"],
            "kind": ["simulation", "simulation"],
        }
    )
    record_verdict(_verdict("X-2"), path, claims=registry)
    with pytest.raises(ValueError, match=r"'claims' must have the columns .* it lacks \['rule'\]"):
        record_verdict(_verdict("X-2"), path, claims=registry.drop(columns="rule"))
    with pytest.raises(
        ValueError,
        match=r"\(the 'claims' frame, 2 claims, e.g. \['X-1', "
        r"'X-2'\]\); got 'C001-06'",
    ):
        record_verdict(_verdict("C001-06"), path, claims=registry)
    csv = tmp_path / "claims.csv"
    load_claims().to_csv(csv, index=False)
    record_verdict(_verdict("C000-04"), path, claims=csv)
    assert load_verdicts(path)["claim_id"].tolist() == ["C000-04", "X-2"]
    with pytest.raises(TypeError, match="'verdict' must be a Verdict; got dict"):
        record_verdict({"claim_id": "C001-06"}, path)
    with pytest.raises(TypeError, match="'claims' must be a DataFrame, a path or None; got list"):
        record_verdict(_verdict("C001-06"), path, claims=["C001-06"])


def test_record_verdict_refuses_a_rule_other_than_the_registered_one(tmp_path):
    path = tmp_path / "verdicts.csv"
    verdict = _verdict("C001-06")  # registered: association
    with pytest.raises(
        ValueError,
        match=r"drawn with rule 'effect', but the registry .* "
        r"registers 'association'",
    ):
        record_verdict(verdict, path)
    assert not path.exists()
    from dataclasses import replace

    # (0.1, 0.3) excludes the claimed +287 %: the association rule gives 'not supported'
    with pytest.raises(
        ValueError,
        match=r"verdict 'supported' on C001-06 does not follow from its registered "
        r"'association' rule .* gives 'not supported'",
    ):
        record_verdict(replace(verdict, rule="association"), path)
    record_verdict(replace(verdict, rule="association", verdict="not supported"), path)
    assert load_verdicts(path)["rule"].tolist() == ["association"]


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
    from mcstudy.claims.verdicts import weakest

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
        verdict = Verdict(**{**_fields(row), "n": int(row["n"])})
        assert verdict.claim_id in ids
        assert verdict.verdict == "not testable" or verdict.rule  # the rule is recorded


def test_every_committed_verdict_follows_its_registered_rule(tmp_path):
    # Each row of results/verdicts.csv, recorded again against data/claims.csv, passes the
    # re-judging of record_verdict (rule, interval, robustness share): the notebooks' verdicts.
    table = load_verdicts()
    assert len(table) > 0
    path = tmp_path / "verdicts.csv"
    for row in table.to_dict("records"):
        verdict = Verdict(**{**_fields(row), "n": int(row["n"])})
        record_verdict(verdict, path)
    pd.testing.assert_frame_equal(load_verdicts(path), table, check_dtype=False)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        # the reviewer's case: a typed-in 'supported' on an interval below 0
        (
            {"claim_id": "C000-04", "effect": -0.3, "ci_low": -0.4, "ci_high": -0.2},
            r"verdict 'supported' on C000-04 does not follow .* gives 'not supported'",
        ),
        (
            {"claim_id": "C000-04", "verdict": "artefact"},
            r"verdict 'artefact' on C000-04 does not follow .* gives 'supported'",
        ),
        (
            {"claim_id": "C000-04", "verdict": "conditional", "robustness_share": 0.5},
            r"verdict 'conditional' on C000-04 does not say which verdict is conditional",
        ),
        (
            {
                "claim_id": "C000-04",
                "verdict": "conditional",
                "condition": "not supported: holds in 50 % of the plausible space",
                "robustness_share": 0.5,
            },
            r"the verdict at the reference context 'not supported' on C000-04 does not follow",
        ),
        (
            {
                "claim_id": "C000-04",
                "verdict": "conditional",
                "condition": "supported: holds in 95 % of the plausible space",
                "robustness_share": 0.95,
            },
            r"'conditional' on C000-04 needs a robustness share below 0.9",
        ),
        (
            {"claim_id": "C000-04", "robustness_share": 0.5},
            r"verdict 'supported' on C000-04 holds in only 50% .* is 'conditional'",
        ),
        (
            {"claim_id": "C000-01"},
            r"verdict 'supported' on C000-01, but the registry .* registers no rule",
        ),
    ],
)
def test_record_verdict_refuses_a_verdict_the_rule_does_not_give(tmp_path, changes, message):
    from dataclasses import replace

    verdict = replace(_verdict("C000-04"), **changes)
    with pytest.raises(ValueError, match=message):
        record_verdict(verdict, tmp_path / "verdicts.csv")
    assert not (tmp_path / "verdicts.csv").exists()


def test_record_verdict_accepts_what_the_rules_allow(tmp_path):
    from dataclasses import replace

    path = tmp_path / "verdicts.csv"
    # a conditional verdict as with_robustness writes it
    conditional = replace(
        _verdict("C000-04"),
        verdict="conditional",
        condition="supported: holds in 53 % of the plausible space (95 % CI 44 % to 62 %)",
        robustness_share=0.53,
    )
    record_verdict(conditional, path)
    # an association that is shown: the unrecorded causal interval decides (artefact)
    shown = replace(
        _verdict("C001-06", "artefact", 3.5, 3.0, 4.0), rule="association", evidence="observational"
    )
    record_verdict(shown, path)
    assert load_verdicts(path)["verdict"].tolist() == ["conditional", "artefact"]


def _fields(row):
    """A verdicts-table row as Verdict's fields (the class and the lean are the table's)."""
    return {k: v for k, v in row.items() if k not in ("evidence_class", "lean")}


def test_the_weakest_part_wins_and_overstated_sits_below_supported():
    from mcstudy.claims import weakest

    # C002-05: "A and B" with B losing money is not supported because A is
    assert weakest(["supported", "not supported"]) == "not supported"
    assert weakest(["supported", "overstated"]) == "overstated"
    assert weakest(["overstated", "conditional"]) == "conditional"


def test_a_conditional_verdict_leans_to_its_reference_verdict():
    from mcstudy.claims.verdicts import lean

    assert lean("conditional", "not supported: holds in 77 % of the plausible space") == (
        "not supported"
    )
    assert lean("supported", "anything") == "supported"
    assert lean("not testable", "") == ""
    with pytest.raises(ValueError, match="must open with the verdict at the reference"):
        lean("conditional", "holds somewhere")
