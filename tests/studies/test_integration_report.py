"""Tests of what notebook 05 builds from the integration study's outputs."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mcstudy.claims.rules import Rule, Verdict
from mcstudy.experiments import summarise_replications
from mcstudy.studies.integration import omnichannel_npv
from mcstudy.studies.integration_report import (
    arm_differences,
    break_even_frontier,
    describe_break_even,
    point_judges,
    simulated_verdict,
)


def _runs():
    rng = np.random.default_rng(3)
    rows = []
    for rep in range(5):
        shock = rng.normal()
        for arm, level in (("none", 1.0), ("all", 3.0), ("single", 2.0)):
            rows.append({"replication": rep, "arm": arm, "metric": "m", "value": level + shock})
    return pd.DataFrame(rows)


def test_arm_differences_are_taken_within_each_replication():
    runs = _runs()
    diff = arm_differences(runs, {"all - none": ("all", "none"), "s - n": ("single", "none")}, "m")
    assert list(diff.columns) == ["replication", "metric", "value"]
    # the common shock of each replication cancels: the difference has no spread at all
    assert diff.loc[diff["metric"] == "all - none", "value"].tolist() == [2.0] * 5
    summary = summarise_replications(diff).set_index("metric")
    assert summary.loc["s - n", "ci_low"] == pytest.approx(1.0)
    assert summary.loc["s - n", "ci_high"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("pairs", "metric", "error", "match"),
    [
        ({"x": ("all", "nowhere")}, "m", ValueError, r"names arms \['nowhere'\]"),
        ({"x": ("all",)}, "m", TypeError, r"'pairs\['x'\]' must be a pair"),
        ({}, "m", ValueError, "'pairs' must be a non-empty mapping"),
        ([("all", "none")], "m", TypeError, "'pairs' must be a non-empty mapping"),
        ({"x": ("all", "none")}, 3, TypeError, "'metric' must be a non-empty str"),
    ],
)
def test_arm_differences_refuse_bad_input(pairs, metric, error, match):
    with pytest.raises(error, match=match):
        arm_differences(_runs(), pairs, metric)


def test_arm_differences_need_the_replicate_columns():
    with pytest.raises(ValueError, match="'runs' is missing columns"):
        arm_differences(pd.DataFrame({"metric": ["m"]}), {"x": ("a", "a")}, "m")


def test_break_even_frontier_finds_the_first_base_that_pays():
    bases = np.logspace(3, 7, 41)
    frontier = break_even_frontier({"estimate": 5.0, "none": 0.0}, bases, [5e4, 5e6], (6, 18))
    assert len(frontier) == 2 * 2 * 2
    est = frontier[frontier["gain"] == "estimate"].set_index(
        ["deployment_months", "investment_eur"]
    )["break_even_customers"]
    for (months, investment), base in est.items():
        npv = omnichannel_npv(5.0, bases, fixed_investment_eur=investment, deployment_months=months)
        first = bases[npv > 0][0]
        assert base == first
        # the base just below does not pay back
        below = bases[bases < first][-1]
        assert (
            omnichannel_npv(5.0, below, fixed_investment_eur=investment, deployment_months=months)
            <= 0
        )
    # a longer deployment needs at least as many customers
    assert (est.loc[18].to_numpy() >= est.loc[6].to_numpy()).all()
    # no gain: nothing pays back
    assert frontier.loc[frontier["gain"] == "none", "break_even_customers"].isna().all()


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        (([("estimate", 1.0)], [1e3], [5e4]), TypeError, "'gains' must be a mapping"),
        (({}, [1e3], [5e4]), ValueError, "'gains' must name at least one gain"),
        (({"e": 1.0}, [], [5e4]), ValueError, "'n_customers' must be a non-empty"),
        (({"e": 1.0}, [1e3], [[5e4]]), ValueError, "'investments_eur' must be a non-empty"),
        (({"e": float("nan")}, [1e3], [5e4]), ValueError, "'gain_per_customer_year'"),
    ],
)
def test_break_even_frontier_refuses_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        break_even_frontier(*args)


def test_describe_break_even():
    assert describe_break_even(12345.6, 1e7) == "about 12,346 customers"
    assert describe_break_even(math.nan, 1e6) == "no base up to 1,000,000 customers"
    with pytest.raises(TypeError, match="'break_even_customers' must be a real number"):
        describe_break_even("many", 1e6)


def _rule(claim="C9", rule="effect", direction=1, small=0.1):
    return Rule(claim, "x", direction, math.nan, small, rule)


def test_point_judges_test_the_reference_verdict_with_the_rule():
    rules = {"A": _rule("A"), "B": _rule("B", "equivalence", small=0.02), "C": _rule("C")}
    reference = {"A": "supported", "B": "not supported", "C": "inconclusive"}
    judges = point_judges(rules, reference, {"A": "a", "B": "b", "C": "c"})
    # an inconclusive reference verdict has no region to hold in: not judged
    assert set(judges) == {"A", "B"}
    assert judges["A"]({"a": 0.3}) and not judges["A"]({"a": 0.05})
    # equivalence: an error of -0.03 is beyond the margin (the comparison fails), 0.01 within
    assert judges["B"]({"b": -0.03}) and not judges["B"]({"b": 0.01})


def test_point_judges_refuse_missing_claims():
    with pytest.raises(ValueError, match=r"'reference' has no entry for the claims \['A'\]"):
        point_judges({"A": _rule("A")}, {}, {"A": "a"})
    with pytest.raises(TypeError, match="'rules' must be a mapping"):
        point_judges([_rule("A")], {"A": "supported"}, {"A": "a"})


ROW = {"mean": -0.03, "ci_low": -0.035, "ci_high": -0.025, "n_replications": 20}


def test_simulated_verdict_records_the_row_and_the_smallest_effect():
    rule = _rule("C9", "equivalence", small=0.02)
    v = simulated_verdict(
        "C9",
        rule,
        ROW,
        "not supported",
        measure="error",
        method="arms",
        note="A note.",
        notebook="05_integration_costs.ipynb",
    )
    assert isinstance(v, Verdict)
    assert (v.effect, v.ci_low, v.ci_high, v.n) == (-0.03, -0.035, -0.025, 20)
    assert v.rule == "equivalence" and v.evidence == "causal"
    assert v.condition.startswith("A note.") and v.condition.endswith("is 0.02.")


def test_simulated_verdict_refuses_a_foreign_rule_or_a_bad_row():
    kwargs = {"measure": "m", "method": "x", "note": "n", "notebook": "nb.ipynb"}
    with pytest.raises(ValueError, match="'rule' is the rule of 'C8', not of 'C9'"):
        simulated_verdict("C9", _rule("C8"), ROW, "supported", **kwargs)
    with pytest.raises(TypeError, match="'row' must be a summary row"):
        simulated_verdict("C9", _rule("C9"), {"mean": 1.0}, "supported", **kwargs)
    with pytest.raises(TypeError, match="'rule' must be a Rule"):
        simulated_verdict("C9", "effect", ROW, "supported", **kwargs)
