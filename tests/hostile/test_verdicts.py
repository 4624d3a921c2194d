"""Hostile inputs to the verdicts: the rules, Verdict, with_robustness, record_verdict (which
re-judges a verdict with the claim's registered rule), load_verdicts and the registry helpers."""

import codecs
import math
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import pytest

from mcstudy.claims.verdicts import (
    Verdict,
    judge_association,
    judge_consistency,
    judge_effect,
    judge_non_inferiority,
    load_verdicts,
    record_untestable,
    record_verdict,
    rule_for,
    summarise_claims,
    weakest,
    with_robustness,
)
from mcstudy.io import load_claims

TMP = Path(tempfile.mkdtemp(prefix="mcstudy-hostile-verdicts-"))
CLAIMS = load_claims()
M = 0.05
_counter = iter(range(10**6))


def _out() -> Path:
    """A fresh verdicts path that does not exist yet."""
    return TMP / f"verdicts_{next(_counter)}.csv"


def _verdict(claim_id="C000-04", verdict="supported", effect=0.2, low=0.1, high=0.3, **kw):
    fields = dict(
        measure="difference",
        method="welch",
        n=100,
        evidence="causal",
        condition="",
        notebook="05_integration_costs.ipynb",
        rule="effect",
    )
    fields.update(kw)
    return Verdict(claim_id, verdict, effect, low, high, **fields)


def _untestable(claim_id="C000-01"):
    return Verdict(
        claim_id,
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


def _record(verdict, **kw):
    return lambda: record_verdict(verdict, kw.pop("path", None) or _out(), **kw)


def _registry(**changes):
    frame = pd.DataFrame(
        {
            "claim_id": ["X-1", "X-2"],
            "direction": [1, 1],
            "claimed": [math.nan, math.nan],
            "smallest_effect": [0.05, 0.05],
            "rule": ["effect", "effect"],
            "kind": ["simulation", "simulation"],
        }
    )
    for column, value in changes.items():
        if value is None:
            frame = frame.drop(columns=column)
        else:
            frame[column] = value
    return frame


def _file(data: bytes | str) -> Path:
    path = TMP / f"table_{next(_counter)}.csv"
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


VALID_TABLE = _verdict().summary().to_csv(index=False)


def _table(**changes) -> Path:
    row = _verdict().summary()
    for column, value in changes.items():
        if value is None:
            row = row.drop(columns=column)
        else:
            row[column] = [value]
    return _file(row.to_csv(index=False))


def _two_rows(first, second) -> Path:
    rows = pd.concat([first.summary(), second.summary()], ignore_index=True)
    return _file(rows.to_csv(index=False))


@dataclass
class _Robustness:
    claim_id: str
    share: float
    hinges_on: tuple

    def robust_verdict(self, verdict):
        if self.share >= 0.9:
            return verdict, ""
        return "conditional", f"{verdict}: holds in {self.share:.0%} of the space"


def _committed_verdicts_pass():
    table = load_verdicts()
    path = _out()
    for row in table.to_dict("records"):
        record_verdict(Verdict(**{**_fields(row), "n": int(row["n"])}), path)
    assert load_verdicts(path)["verdict"].tolist() == table["verdict"].tolist()


def _conditional_as_with_robustness_writes_it():
    v = with_robustness(_verdict(), _Robustness("C000-04", 0.53, ("response.x",)))
    record_verdict(v, _out())
    assert v.verdict == "conditional" and v.condition.startswith("supported: holds in")


def _association_artefact():
    v = _verdict("C001-06", "artefact", 3.5, 3.0, 4.0, rule="association", evidence="observational")
    assert record_verdict(v, _out())["verdict"].iloc[0] == "artefact"


def _expect(got, wanted):
    assert got == wanted, f"got {got!r}, expected {wanted!r}"


def _header_only_is_empty():
    path = _file(",".join(_verdict().summary().columns) + "\n")
    assert len(load_verdicts(path)) == 0


CASES = [
    # ---------------------------------------------------------------- record_verdict re-judges
    (
        "verdicts/record_verdict: typed-in 'supported' on (-0.4, -0.2), effect rule",
        _record(_verdict(effect=-0.3, low=-0.4, high=-0.2)),
        ValueError,
        r"verdict 'supported' on C000-04 does not follow from its registered 'effect' rule "
        r".*\[-0.4, -0.2\] the rule gives 'not supported'",
    ),
    (
        "verdicts/record_verdict: 'artefact' under the effect rule",
        _record(_verdict(verdict="artefact")),
        ValueError,
        r"verdict 'artefact' on C000-04 does not follow .* gives 'supported'",
    ),
    (
        "verdicts/record_verdict: 'inconclusive' on an interval the rule calls supported",
        _record(_verdict(verdict="inconclusive")),
        ValueError,
        r"verdict 'inconclusive' on C000-04 .* gives 'supported'",
    ),
    (
        "verdicts/record_verdict: 'supported' where the association is not even shown",
        _record(_verdict("C001-06", effect=0.2, rule="association", evidence="observational")),
        ValueError,
        r"verdict 'supported' on C001-06 does not follow .*'association'.* gives 'not supported'",
    ),
    (
        "verdicts/record_verdict: consistency verdict against the figures",
        _record(_verdict("C001-08", effect=0.2, rule="consistency", evidence="arithmetic")),
        ValueError,
        r"verdict 'supported' on C001-08 .*'consistency' rule .* gives 'not supported'",
    ),
    (
        "verdicts/record_verdict: conditional without the reference verdict",
        _record(_verdict(verdict="conditional", robustness_share=0.5)),
        ValueError,
        r"verdict 'conditional' on C000-04 does not say which verdict is conditional",
    ),
    (
        "verdicts/record_verdict: conditional whose reference verdict does not follow",
        _record(
            _verdict(
                verdict="conditional",
                condition="not supported: holds in 50 % of the space",
                robustness_share=0.5,
            )
        ),
        ValueError,
        r"verdict at the reference context 'not supported' on C000-04 does not follow",
    ),
    (
        "verdicts/record_verdict: conditional with a robust share",
        _record(
            _verdict(
                verdict="conditional",
                condition="supported: holds in 95 % of the space",
                robustness_share=0.95,
            )
        ),
        ValueError,
        r"'conditional' on C000-04 needs a robustness share below 0.9 .*got "
        r"robustness_share=0.95",
    ),
    (
        "verdicts/record_verdict: conditional without a robustness share",
        _record(_verdict(verdict="conditional", condition="supported: holds in 50 % of the space")),
        ValueError,
        r"'conditional' on C000-04 needs a robustness share .*got robustness_share=nan",
    ),
    (
        "verdicts/record_verdict: 'supported' that holds in half the space",
        _record(_verdict(robustness_share=0.5)),
        ValueError,
        r"verdict 'supported' on C000-04 holds in only 50% .*'conditional'",
    ),
    (
        "verdicts/record_verdict: a verdict on a claim that is not testable",
        _record(_verdict("C000-01")),
        ValueError,
        r"verdict 'supported' on C000-01, but the registry .* registers no rule",
    ),
    (
        "verdicts/record_verdict: 'not testable' on a testable claim",
        _record(_untestable("C000-04")),
        ValueError,
        r"verdict 'not testable' on C000-04, but the registry .* registers the 'effect' rule",
    ),
    (
        "verdicts/record_verdict: another rule than the registered one",
        _record(_verdict(rule="consistency")),
        ValueError,
        r"drawn with rule 'consistency', but the registry .* registers 'effect'",
    ),
    (
        "verdicts/record_verdict: claims frame without a rule column",
        _record(_verdict("X-1"), claims=_registry(rule=None)),
        ValueError,
        r"'claims' must have the columns .* it lacks \['rule'\]",
    ),
    (
        "verdicts/record_verdict: claims frame without the rule's numbers",
        _record(_verdict("X-1"), claims=_registry(smallest_effect=None, direction=None)),
        ValueError,
        r"'claims' must have the columns .* it lacks \['direction', 'smallest_effect'\]",
    ),
    (
        "verdicts/record_verdict: claims frame with a repeated id",
        _record(_verdict("X-1"), claims=_registry(claim_id=["X-1", "X-1"])),
        ValueError,
        r"'claims' must have one row per claim; ids repeated: \['X-1'\]",
    ),
    (
        "verdicts/record_verdict: claims frame with direction 0",
        _record(_verdict("X-1"), claims=_registry(direction=[0, 1])),
        ValueError,
        r"registry .* no usable rule for X-1: 'direction' must be 1 or -1; got 0",
    ),
    (
        "verdicts/record_verdict: claims frame with NaN smallest effect",
        _record(_verdict("X-1"), claims=_registry(smallest_effect=[math.nan, 0.05])),
        ValueError,
        r"no usable rule for X-1: 'smallest_effect' must be a finite number > 0; got nan",
    ),
    (
        "verdicts/record_verdict: claims frame with an unknown rule",
        _record(_verdict("X-1"), claims=_registry(rule=["effekt", "effect"])),
        ValueError,
        r"registers for X-1 the rule 'effekt'; a rule must be one of",
    ),
    (
        "verdicts/record_verdict: claims as a list",
        _record(_verdict(), claims=["C000-04"]),
        TypeError,
        r"'claims' must be a DataFrame, a path or None; got list",
    ),
    (
        "verdicts/record_verdict: a dict instead of a Verdict",
        _record({"claim_id": "C000-04"}),
        TypeError,
        r"'verdict' must be a Verdict; got dict",
    ),
    (
        "verdicts/record_verdict: path is a directory",
        lambda: record_verdict(_verdict(), TMP),
        ValueError,
        r"'path' must be the verdicts CSV file; .* is a directory",
    ),
    (
        "verdicts/record_verdict: path inside a file",
        lambda: record_verdict(_verdict(), _file("x") / "verdicts.csv"),
        ValueError,
        r"'path' cannot be created: .* is a file, not a directory",
    ),
    (
        "verdicts/record_verdict: path of a wrong type",
        lambda: record_verdict(_verdict(), 3),
        TypeError,
        r"'path' must be a path \(str or os.PathLike\); got 3",
    ),
    (
        "verdicts/record_verdict: existing table in UTF-16",
        lambda: record_verdict(_verdict(), _file(VALID_TABLE.encode("utf-16"))),
        ValueError,
        r"verdicts_\d+\.csv|table_\d+\.csv: file .* is UTF-16; save it as UTF-8",
    ),
    (
        "verdicts/record_verdict: existing table with an unknown verdict",
        lambda: record_verdict(_verdict("C000-10"), _table(verdict="probably")),
        ValueError,
        r"table_\d+\.csv, column 'verdict', value 'probably': row 0 .*must be one of",
    ),
    ("verdicts/record_verdict: every committed verdict", _committed_verdicts_pass, None, None),
    (
        "verdicts/record_verdict: conditional from with_robustness",
        _conditional_as_with_robustness_writes_it,
        None,
        None,
    ),
    (
        "verdicts/record_verdict: association shown, artefact by the causal interval",
        _association_artefact,
        None,
        None,
    ),
    # ---------------------------------------------------------------- load_verdicts
    (
        "verdicts/load_verdicts: missing file",
        lambda: load_verdicts(TMP / "none.csv"),
        FileNotFoundError,
        r"none\.csv",
    ),
    (
        "verdicts/load_verdicts: a directory",
        lambda: load_verdicts(TMP),
        ValueError,
        r"'path' must be the verdicts CSV file; .* is a directory",
    ),
    (
        "verdicts/load_verdicts: empty file",
        lambda: load_verdicts(_file(b"")),
        ValueError,
        r"table_\d+\.csv: the file is empty \(0 bytes\)",
    ),
    (
        "verdicts/load_verdicts: UTF-16 with BOM",
        lambda: load_verdicts(_file(codecs.BOM_UTF16_LE + VALID_TABLE.encode("utf-16-le"))),
        ValueError,
        r"table_\d+\.csv: file table_\d+\.csv is UTF-16; save it as UTF-8",
    ),
    (
        "verdicts/load_verdicts: Latin-1 bytes",
        lambda: load_verdicts(_file(VALID_TABLE.encode() + b"C000-10,supported,\xe9\n")),
        ValueError,
        r"table_\d+\.csv: not UTF-8 text \(byte 0xe9",
    ),
    (
        "verdicts/load_verdicts: semicolon-separated",
        lambda: load_verdicts(_file(VALID_TABLE.replace(",", ";"))),
        ValueError,
        r"table_\d+\.csv: missing columns \['claim_id', 'verdict'",
    ),
    (
        "verdicts/load_verdicts: missing verdict column",
        lambda: load_verdicts(_table(verdict=None)),
        ValueError,
        r"table_\d+\.csv: missing columns \['verdict'\]",
    ),
    (
        "verdicts/load_verdicts: unknown verdict",
        lambda: load_verdicts(_table(verdict="Supported")),
        ValueError,
        r"column 'verdict', value 'Supported': row 0 \(claim 'C000-04'\): must be one of",
    ),
    (
        "verdicts/load_verdicts: unknown evidence",
        lambda: load_verdicts(_table(evidence="anecdote")),
        ValueError,
        r"column 'evidence', value 'anecdote': .*must be one of",
    ),
    (
        "verdicts/load_verdicts: duplicated claim id",
        lambda: load_verdicts(_two_rows(_verdict(), _verdict())),
        ValueError,
        r"column 'claim_id', value 'C000-04': row 1 .*two verdicts",
    ),
    (
        "verdicts/load_verdicts: blank claim id",
        lambda: load_verdicts(_table(claim_id="")),
        ValueError,
        r"column 'claim_id', value '': row 0 .*must name its claim",
    ),
    (
        "verdicts/load_verdicts: text in a number column",
        lambda: load_verdicts(_table(effect="big")),
        ValueError,
        r"column 'effect', value 'big': row 0 .*must be a number",
    ),
    (
        "verdicts/load_verdicts: negative n",
        lambda: load_verdicts(_table(n=-3)),
        ValueError,
        r"column 'n', value -3: row 0 .*whole number >= 0",
    ),
    (
        "verdicts/load_verdicts: fractional n",
        lambda: load_verdicts(_table(n=2.5)),
        ValueError,
        r"column 'n', value 2.5: .*whole number >= 0",
    ),
    (
        "verdicts/load_verdicts: path of a wrong type",
        lambda: load_verdicts(["results/verdicts.csv"]),
        TypeError,
        r"'path' must be a path \(str or os.PathLike\)",
    ),
    ("verdicts/load_verdicts: header only is an empty table", _header_only_is_empty, None, None),
    # ---------------------------------------------------------------- with_robustness
    (
        "verdicts/with_robustness: None as robustness",
        lambda: with_robustness(_verdict(), None),
        TypeError,
        r"'robustness' must be a RobustnessResult .*got NoneType",
    ),
    (
        "verdicts/with_robustness: a dict as robustness",
        lambda: with_robustness(_verdict(), {"share": 0.5}),
        TypeError,
        r"'robustness' must be a RobustnessResult .*got dict",
    ),
    (
        "verdicts/with_robustness: another claim's result",
        lambda: with_robustness(_verdict(), _Robustness("C000-05", 0.5, ())),
        ValueError,
        r"'robustness' is the result of claim 'C000-05', not of the verdict's claim 'C000-04'",
    ),
    (
        "verdicts/with_robustness: applied twice",
        lambda: with_robustness(
            with_robustness(_verdict(), _Robustness("C000-04", 0.5, ())),
            _Robustness("C000-04", 0.5, ()),
        ),
        ValueError,
        r"'verdict' must be the verdict drawn at the reference context .*got 'conditional'",
    ),
    (
        "verdicts/with_robustness: hinges_on as one string",
        lambda: with_robustness(_verdict(), _Robustness("C000-04", 0.5, "response.x")),
        TypeError,
        r"'robustness.hinges_on' must be a sequence of parameter names; got the str",
    ),
    (
        "verdicts/with_robustness: not a Verdict",
        lambda: with_robustness("supported", _Robustness("C000-04", 0.5, ())),
        TypeError,
        r"'verdict' must be a Verdict; got str",
    ),
    # ---------------------------------------------------------------- the rules
    (
        "verdicts/judge_effect: limit as text",
        lambda: judge_effect("0.1", 0.5, smallest_effect=M),
        TypeError,
        r"'ci_low' must be a real number; got '0.1'",
    ),
    (
        "verdicts/judge_effect: NaN limit",
        lambda: judge_effect(0.1, math.nan, smallest_effect=M),
        ValueError,
        r"'ci_high' must be a real number, not NaN",
    ),
    (
        "verdicts/judge_effect: reversed interval",
        lambda: judge_effect(0.5, 0.1, smallest_effect=M),
        ValueError,
        r"'ci_low' must be <= 'ci_high'; got ci_low=0.5 > ci_high=0.1",
    ),
    (
        "verdicts/judge_effect: direction True",
        lambda: judge_effect(0.1, 0.5, direction=True, smallest_effect=M),
        ValueError,
        r"'direction' must be one of \[-1, 1\]; got True",
    ),
    (
        "verdicts/judge_effect: direction 0",
        lambda: judge_effect(0.1, 0.5, direction=0, smallest_effect=M),
        ValueError,
        r"'direction' must be one of \[-1, 1\]; got 0",
    ),
    (
        "verdicts/judge_effect: negative smallest effect",
        lambda: judge_effect(0.1, 0.5, smallest_effect=-0.05),
        ValueError,
        r"'smallest_effect' must be > 0 .*got -0.05",
    ),
    (
        "verdicts/judge_effect: smallest effect as text",
        lambda: judge_effect(0.1, 0.5, smallest_effect="0.05"),
        TypeError,
        r"'smallest_effect' must be a finite real number > 0; got '0.05'",
    ),
    (
        "verdicts/judge_effect: claimed 0",
        lambda: judge_effect(0.1, 0.5, smallest_effect=M, claimed=0),
        ValueError,
        r"'claimed' must be > 0",
    ),
    (
        "verdicts/judge_effect: a point interval on the threshold",
        lambda: _expect(judge_effect(M, M, smallest_effect=M), "supported"),
        None,
        None,
    ),
    (
        "verdicts/judge_effect: one-sided infinite interval",
        lambda: _expect(judge_effect(-math.inf, math.inf, smallest_effect=M), "inconclusive"),
        None,
        None,
    ),
    (
        "verdicts/judge_non_inferiority: NaN limit",
        lambda: judge_non_inferiority(math.nan, 0.5, smallest_effect=1.0),
        ValueError,
        r"'ci_low' must be a real number, not NaN",
    ),
    (
        "verdicts/judge_non_inferiority: direction as text",
        lambda: judge_non_inferiority(0.1, 0.5, direction="up", smallest_effect=1.0),
        ValueError,
        r"'direction' must be one of \[-1, 1\]; got 'up'",
    ),
    (
        "verdicts/judge_non_inferiority: zero smallest effect",
        lambda: judge_non_inferiority(0.1, 0.5, smallest_effect=0.0),
        ValueError,
        r"'smallest_effect' must be > 0",
    ),
    (
        "verdicts/judge_association: three limits",
        lambda: judge_association((0.1, 0.2, 0.3), (0, 1), smallest_effect=M),
        TypeError,
        r"'observational_ci' must be \(low, high\); got \(0.1, 0.2, 0.3\)",
    ),
    (
        "verdicts/judge_association: causal interval None",
        lambda: judge_association((0.2, 0.4), None, smallest_effect=M),
        TypeError,
        r"'causal_ci' must be \(low, high\); got None",
    ),
    (
        "verdicts/judge_association: observed as text",
        lambda: judge_association((0.2, 0.4), (0, 0.1), smallest_effect=M, observed="0.3"),
        TypeError,
        r"'observed' must be a real number; got '0.3'",
    ),
    (
        "verdicts/judge_consistency: tolerance 0",
        lambda: judge_consistency(0.6, 0.6, claimed=0.6, tolerance=0),
        ValueError,
        r"'tolerance' must be > 0",
    ),
    (
        "verdicts/judge_consistency: claimed NaN",
        lambda: judge_consistency(0.6, 0.6, claimed=math.nan, tolerance=0.01),
        TypeError,
        r"'claimed' must be a finite real number; got nan",
    ),
    (
        "verdicts/Rule.judge: association without the causal interval",
        lambda: rule_for("C001-06").judge(0.1, 0.3),
        ValueError,
        r"the 'association' rule of C001-06 needs 'causal_ci'",
    ),
    (
        "verdicts/Rule.judge: effect rule given a causal interval",
        lambda: rule_for("C000-04").judge(0.1, 0.3, causal_ci=(0, 1)),
        ValueError,
        r"the 'effect' rule of C000-04 takes no 'causal_ci'",
    ),
    # ---------------------------------------------------------------- registry helpers
    (
        "verdicts/rule_for: unknown claim",
        lambda: rule_for("C999-99"),
        ValueError,
        r"'claim_id' must be an id of the claims registry .*got 'C999-99'",
    ),
    (
        "verdicts/rule_for: claim that is not testable",
        lambda: rule_for("C000-01"),
        ValueError,
        r"claim C000-01 is not testable: it has no verdict rule",
    ),
    (
        "verdicts/rule_for: claim id as a number",
        lambda: rule_for(4),
        TypeError,
        r"'claim_id' must be a str such as 'C000-04'; got 4",
    ),
    (
        "verdicts/rule_for: claims frame without the rule columns",
        lambda: rule_for("X-1", pd.DataFrame({"claim_id": ["X-1"]})),
        ValueError,
        r"'claims' is missing columns \[",
    ),
    (
        "verdicts/rule_for: claims frame with the claim twice",
        lambda: rule_for("C000-04", pd.concat([CLAIMS, CLAIMS.iloc[[3]]])),
        ValueError,
        r"'claims' must have one row per claim; ids repeated: \['C000-04'\]",
    ),
    (
        "verdicts/rule_for: claims as a list",
        lambda: rule_for("C000-04", ["C000-04"]),
        TypeError,
        r"'claims' must be a DataFrame, a path or None; got list",
    ),
    (
        "verdicts/record_untestable: claims without a kind column",
        lambda: record_untestable(CLAIMS.drop(columns="kind"), "x.ipynb", _out()),
        ValueError,
        r"'claims' is missing columns \['kind'\]",
    ),
    (
        "verdicts/record_untestable: claims as a list",
        lambda: record_untestable(["C000-01"], "x.ipynb", _out()),
        TypeError,
        r"'claims' must be a pandas DataFrame; got list",
    ),
    (
        "verdicts/record_untestable: notebook None",
        lambda: record_untestable(CLAIMS, None, _out()),
        TypeError,
        r"'notebook' must be the notebook's file name \(a non-empty str\); got None",
    ),
    (
        "verdicts/summarise_claims: frame without a topic column",
        lambda: summarise_claims(CLAIMS.drop(columns="topic")),
        ValueError,
        r"'claims' is missing columns \['topic'\]",
    ),
    (
        "verdicts/summarise_claims: a list",
        lambda: summarise_claims([1, 2]),
        TypeError,
        r"'claims' must be a pandas DataFrame; got list",
    ),
    (
        "verdicts/weakest: one string instead of a list",
        lambda: weakest("supported"),
        TypeError,
        r"'verdicts' must be an iterable of verdicts \(str\), not one str; got 'supported'",
    ),
    (
        "verdicts/weakest: a verdict outside the strength order",
        lambda: weakest(["supported", "not testable"]),
        ValueError,
        r"'verdict' must be one of .*; got 'not testable'",
    ),
    (
        "verdicts/weakest: empty",
        lambda: weakest([]),
        ValueError,
        r"'verdicts' must hold at least one verdict; got \[\]",
    ),
    # ---------------------------------------------------------------- Verdict
    (
        "verdicts/Verdict: unknown verdict",
        lambda: _verdict(verdict="probably"),
        ValueError,
        r"'verdict' must be one of .*; got 'probably'",
    ),
    (
        "verdicts/Verdict: unknown evidence",
        lambda: _verdict(evidence="hearsay"),
        ValueError,
        r"'evidence' must be one of .*; got 'hearsay'",
    ),
    (
        "verdicts/Verdict: effect outside its interval",
        lambda: _verdict(effect=0.9),
        ValueError,
        r"'effect' must be finite and lie in its interval",
    ),
    (
        "verdicts/Verdict: n True",
        lambda: _verdict(n=True),
        TypeError,
        r"'n' must be an int >= 0; got True",
    ),
    (
        "verdicts/Verdict: robustness share 1.5",
        lambda: _verdict(robustness_share=1.5),
        ValueError,
        r"'robustness_share' must be in \[0, 1\] or NaN; got 1.5",
    ),
    (
        "verdicts/Verdict: robustness share as text",
        lambda: _verdict(robustness_share="0.5"),
        TypeError,
        r"'robustness_share' must be a real number or NaN; got '0.5'",
    ),
    (
        "verdicts/Verdict: blank claim id",
        lambda: _verdict(claim_id=" "),
        ValueError,
        r"'claim_id' must be a claim id such as 'C001-06'; got ' '",
    ),
    (
        "verdicts/Verdict: infinite effect",
        lambda: _verdict(effect=math.inf, high=math.inf),
        ValueError,
        r"'effect' must be finite",
    ),
    (
        "verdicts/Verdict: a not testable verdict with a rule",
        lambda: replace(_untestable(), rule="effect"),
        ValueError,
        r"'not testable' verdict has no rule; got 'effect'",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_case(case, check_case):
    check_case(case)


def _fields(row):
    """A verdicts-table row as Verdict's fields (the class and the lean are the table's)."""
    return {k: v for k, v in row.items() if k not in ("evidence_class", "lean")}
