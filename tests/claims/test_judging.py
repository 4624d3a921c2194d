"""One call from a table of estimates to recorded verdicts: claims.judge and estimates_for."""

import math

import pandas as pd
import pytest

from mcstudy.claims import Verdict, estimates_for, judge, load_verdicts, record_verdict, rule_for

NOTEBOOK = "02_profiles_and_channel_choice.ipynb"


def _estimates(**columns):
    base = {"effect": [0.04], "ci_low": [0.03], "ci_high": [0.05], "n": [20]}
    return pd.DataFrame(base | columns, index=pd.Index(["C000-15"], name="claim_id"))


def test_judge_gives_the_registered_rules_verdict_on_the_recorded_intervals():
    # every recorded verdict judged by an interval rule (no robustness relabelling) comes out
    # the same from judge on its recorded interval
    recorded = load_verdicts()
    plain = recorded[
        recorded["rule"].isin(["effect", "non_inferiority", "equivalence", "consistency"])
        & (recorded["verdict"] != "conditional")
    ]
    assert len(plain) >= 20
    table = plain.set_index("claim_id")[["effect", "ci_low", "ci_high", "n", "notebook"]]
    for notebook, rows in table.groupby("notebook"):
        got = judge(rows.drop(columns="notebook"), notebook=notebook, record=False)
        assert list(got["verdict"]) == list(plain.set_index("claim_id").loc[rows.index, "verdict"])


def test_judge_fills_measure_from_the_registry_and_lets_rows_override():
    got = judge(_estimates(), notebook=NOTEBOOK, method="m", condition="c", record=False)
    row = got.iloc[0]
    assert row["measure"] == rule_for("C000-15").estimand
    assert (row["method"], row["condition"], row["evidence"]) == ("m", "c", "causal")
    got = judge(
        _estimates(measure=["share of phone contacts"], condition=["own"]),
        notebook=NOTEBOOK,
        condition={"C000-15": "by claim"},
        record=False,
    )
    assert got.iloc[0][["measure", "condition"]].tolist() == ["share of phone contacts", "own"]
    by_claim = judge(_estimates(), notebook=NOTEBOOK, condition={"C000-15": "x"}, record=False)
    assert by_claim.iloc[0]["condition"] == "x"


def test_judge_verdict_follows_the_interval():
    smallest = rule_for("C000-15").smallest_effect
    low = _estimates(effect=[smallest / 4], ci_low=[-smallest / 2], ci_high=[smallest / 2])
    assert judge(low, notebook=NOTEBOOK, record=False)["verdict"].iloc[0] == "not supported"
    wide = _estimates(effect=[0.0], ci_low=[-1.0], ci_high=[1.0])
    assert judge(wide, notebook=NOTEBOOK, record=False)["verdict"].iloc[0] == "inconclusive"


def test_judge_records_to_the_table_given(tmp_path):
    path = tmp_path / "verdicts.csv"
    out = judge(_estimates(), notebook=NOTEBOOK, method="m", condition="c", path=path)
    assert out["claim_id"].tolist() == ["C000-15"]
    on_disk = pd.read_csv(path)
    assert on_disk["claim_id"].tolist() == ["C000-15"]
    assert on_disk["verdict"].iloc[0] == "supported"


def test_association_needs_the_causal_interval():
    row = pd.DataFrame(
        {"effect": [0.3], "ci_low": [0.2], "ci_high": [0.4], "n": [10]},
        index=pd.Index(["C000-07"], name="claim_id"),
    )
    with pytest.raises(ValueError, match="causal_ci_low"):
        judge(row, notebook="03_multichannel_purchase_uplift.ipynb", record=False)
    row = row.assign(causal_ci_low=-0.01, causal_ci_high=0.01)
    got = judge(row, notebook="03_multichannel_purchase_uplift.ipynb", record=False)
    assert got["verdict"].iloc[0] in ("artefact", "overstated", "not supported")


@pytest.mark.parametrize(
    ("estimates", "error", "match"),
    [
        ("table", TypeError, "must be a pandas DataFrame"),
        (_estimates().drop(columns="n"), ValueError, r"missing columns \['n'\]"),
        (pd.concat([_estimates(), _estimates()]), ValueError, r"repeated: \['C000-15'\]"),
        (_estimates().rename(index={"C000-15": "C999-99"}), ValueError, "C999-99"),
        (_estimates().rename(index={"C000-15": "C000-01"}), ValueError, "not testable"),
        (_estimates(n=[2.5]), ValueError, "'n' of claim C000-15 must be a whole number"),
        (_estimates().set_axis([15]), TypeError, "indexed by claim id"),
        (_estimates(ci_low=[0.06]), ValueError, "ci_low"),
    ],
)
def test_bad_estimates_get_a_clear_error_and_nothing_is_recorded(estimates, error, match, tmp_path):
    path = tmp_path / "verdicts.csv"
    with pytest.raises(error, match=match):
        judge(estimates, notebook=NOTEBOOK, path=path)
    assert not path.exists()


def test_estimates_for_picks_each_claims_statistic():
    stats = pd.DataFrame(
        {
            "metric": ["a", "b"],
            "mean": [1.0, 2.0],
            "ci_low": [0.5, 1.5],
            "ci_high": [1.5, 2.5],
            "n_replications": [20, 20],
            "sd": [0.1, 0.2],
        }
    )
    got = estimates_for(stats, {"C000-15": "b", "C001-02": "a"})
    assert got.index.tolist() == ["C000-15", "C001-02"]
    assert got["statistic"].tolist() == ["b", "a"]
    assert got.loc["C000-15", ["effect", "ci_low", "ci_high", "n"]].tolist() == [2.0, 1.5, 2.5, 20]
    assert got.equals(estimates_for(stats.set_index("metric"), {"C000-15": "b", "C001-02": "a"}))
    with pytest.raises(ValueError, match=r"no row for \{'C000-15': 'c'\}"):
        estimates_for(stats, {"C000-15": "c"})
    with pytest.raises(ValueError, match="repeated"):
        estimates_for(pd.concat([stats, stats]), {"C000-15": "a"})
    with pytest.raises(TypeError, match="'claims' must map"):
        estimates_for(stats, {"C000-15": 1})


def test_record_verdict_and_judge_write_the_same_row(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    judge(_estimates(), notebook=NOTEBOOK, method="m", condition="c", path=a)
    verdict = judge(_estimates(), notebook=NOTEBOOK, method="m", condition="c", record=False)
    fields = verdict.iloc[0].to_dict()
    fields["n"] = int(fields["n"])
    record_verdict(Verdict(**fields), b)
    left, right = pd.read_csv(a), pd.read_csv(b)
    pd.testing.assert_frame_equal(left, right)
    assert not math.isnan(left["effect"].iloc[0])


def test_a_verdict_refused_part_way_leaves_the_table_as_it_was(tmp_path, monkeypatch):
    # the second claim's record fails (as record_verdict refuses a verdict its rule does not
    # give): the first must not be written either
    import mcstudy.claims.judging as judging

    path = tmp_path / "verdicts.csv"
    judge(_estimates(), notebook=NOTEBOOK, method="m", condition="c", path=path)
    before = path.read_bytes()
    calls = []

    check = judging._verdict_row

    def refuse_second(verdict, claims):
        calls.append(verdict.claim_id)
        if len(calls) == 2:
            raise ValueError("refused")
        return check(verdict, claims)

    monkeypatch.setattr(judging, "_verdict_row", refuse_second)
    two = pd.concat([_estimates(), _estimates().rename(index={"C000-15": "C001-02"})])
    with pytest.raises(ValueError, match="refused"):
        judge(two, notebook=NOTEBOOK, method="changed", condition="c", path=path)
    assert calls == ["C000-15", "C001-02"]
    assert path.read_bytes() == before
    # no temporary file is left behind (the lock file stays: removing it is not safe)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".verdicts.csv.lock", "verdicts.csv"]


def test_point_judges_carry_decided_verdicts_and_pickle():
    import pickle

    from mcstudy.claims import point_judges

    rules = {c: rule_for(c) for c in ("C000-15", "C000-21")}
    reference = {"C000-15": "supported", "C000-21": "inconclusive"}
    judges = point_judges(rules, reference, {"C000-15": "gain", "C000-21": "gap"})
    assert list(judges) == ["C000-15"]  # an inconclusive verdict has no region to hold in
    again = pickle.loads(pickle.dumps(judges["C000-15"]))  # runs on every backend
    smallest = rules["C000-15"].smallest_effect
    for value in (10 * smallest, -10 * smallest):
        assert again({"gain": value}) == judges["C000-15"]({"gain": value})
    assert judges["C000-15"]({"gain": 10 * smallest}) != judges["C000-15"]({"gain": -smallest})
    with pytest.raises(ValueError, match="'rules' has no entry for the claims \\['C9'\\]"):
        point_judges(rules, {"C9": "supported"}, {"C9": "x"})
