"""Tests of how notebook 06 reads its cost-to-serve runs."""

import math
import pickle

import numpy as np
import pandas as pd
import pytest

from mcstudy.claims.rules import Rule
from mcstudy.experiments.robustness import assess_robustness, parameter_space
from mcstudy.studies.cost_to_serve import OPTIONS, SOURCE_000_ASSIGNMENT, assignment_margins
from mcstudy.studies.cost_to_serve_claims import (
    COST_PARAMETERS,
    PERSUASION_PARAMETERS,
    PartsJudge,
    assignment_contact_cost,
    locate_assignment,
    statistic_drivers,
    weakest_part,
)

SHARES = (0.75, 0.20, 0.05)
EFFECT = Rule("C9", "margin (EUR)", 1, math.nan, 1.0, "effect")


def test_each_channel_is_varied_on_its_own_within_a_factor_of_two_of_the_catalogue():
    space = parameter_space([*COST_PARAMETERS, *PERSUASION_PARAMETERS]).set_index("parameter")
    visit = space.loc["channel.cost_per_contact_eur.face_to_face"]
    assert (visit["low"], visit["high"]) == (75.0, 300.0)
    phone = space.loc["channel.cost_per_contact_eur.telephone"]
    assert (phone["low"], phone["high"]) == (3.5, 14.0)
    # the visit-to-call-centre cost ratio now moves: from 75 / 9 to 300 / 2.25
    cc = space.loc["channel.cost_per_contact_eur.call_centre"]
    assert visit["low"] / cc["high"] < 10 < 100 < visit["high"] / cc["low"]


def test_weakest_part_names_the_part_that_decides():
    part, by_part = weakest_part(EFFECT, {"mail": (15.7, 16.7), "visits": (-1486.0, -1369.0)})
    assert part == "visits"
    assert by_part == {"mail": "supported", "visits": "not supported"}
    # an inconclusive part is weaker than a supported one, stronger than not supported
    part, _ = weakest_part(EFFECT, {"a": (2.0, 3.0), "b": (-1.0, 5.0)})
    assert part == "b"
    with pytest.raises(TypeError, match="'intervals' must be a non-empty mapping"):
        weakest_part(EFFECT, {})


def test_parts_judge_takes_the_weakest_part_at_each_point():
    judge = PartsJudge(EFFECT, ("mail", "visits"), "not supported")
    assert judge({"mail": 16.0, "visits": -1400.0})
    assert not judge({"mail": 16.0, "visits": 40.0})  # both parts supported there
    assert judge({"mail": -5.0, "visits": 40.0})  # the other part fails: still not supported
    one = PartsJudge(EFFECT, ("mail",), "supported")
    assert one({"mail": 2.0}) and not one({"mail": 0.5})
    # picklable, so that process backends can carry it
    assert pickle.loads(pickle.dumps(judge))({"mail": 16.0, "visits": -1400.0})


def test_parts_judge_refuses_bad_input():
    with pytest.raises(TypeError, match="'rule' must be a Rule"):
        PartsJudge("effect", ("a",), "supported")
    with pytest.raises(TypeError, match="'parts' must be a non-empty sequence"):
        PartsJudge(EFFECT, "a", "supported")
    with pytest.raises(ValueError, match="'verdict' must be one of"):
        PartsJudge(EFFECT, ("a",), "mostly")
    association = Rule("C8", "gap", 1, math.nan, 0.05, "association")
    with pytest.raises(ValueError, match="'association' rule of C8"):
        PartsJudge(association, ("a",), "supported")
    with pytest.raises(KeyError, match=r"lack the parts \['b'\] of C9"):
        PartsJudge(EFFECT, ("a", "b"), "supported")({"a": 2.0})


def _runs():
    rows = []
    for rep in range(2):
        for tier, base in zip(("small", "medium", "key_account"), (1.0, 2.0, 4.0), strict=True):
            for k, option in enumerate(OPTIONS):
                rows.append((rep, tier, option, "contact_cost", base * k + rep))
                rows.append((rep, tier, option, "margin", base - k))
    return pd.DataFrame(rows, columns=["replication", "tier", "option", "metric", "value"])


def test_assignment_contact_cost_weights_each_tier_by_its_share():
    zeros = pd.DataFrame(
        np.zeros((3, len(OPTIONS))),
        index=pd.Index(["small", "medium", "key_account"], name="tier"),
        columns=list(OPTIONS),
    )
    search = assignment_margins(zeros, SHARES)
    cost = assignment_contact_cost(search, _runs(), SHARES)
    i = locate_assignment(search, SOURCE_000_ASSIGNMENT)
    # small mailed 1 * 1, medium phoned 2 * 3, key accounts option 5: 4 * 5 (+ 0.5 each)
    assert cost.iloc[i] == pytest.approx(0.75 * 1.5 + 0.2 * 6.5 + 0.05 * 20.5)
    none = locate_assignment(search, dict.fromkeys(("small", "medium", "key_account"), "none"))
    assert cost.iloc[none] == pytest.approx(0.5)
    with pytest.raises(ValueError, match="'tier_shares' must have 3 shares"):
        assignment_contact_cost(search, _runs(), (0.5, 0.5))
    runs = _runs()
    runs = runs[
        ~(
            (runs["metric"] == "contact_cost")
            & (runs["tier"] == "small")
            & (runs["option"] == "none")
        )
    ]
    with pytest.raises(ValueError, match="no contact cost of tier 'small' under option 'none'"):
        assignment_contact_cost(search, runs, SHARES)


def test_locate_assignment_refuses_unknown_options():
    search = pd.DataFrame({"small": ["email"], "medium": ["email"], "key_account": ["email"]})
    email = dict.fromkeys(("small", "medium", "key_account"), "email")
    assert locate_assignment(search, email) == 0
    with pytest.raises(ValueError, match="options .* not in"):
        locate_assignment(search, {"small": "fax", "medium": "email", "key_account": "email"})
    with pytest.raises(ValueError, match="must give an option to each tier"):
        locate_assignment(search, {"small": "email"})
    with pytest.raises(ValueError, match="0 times"):
        locate_assignment(search, dict.fromkeys(("small", "medium", "key_account"), "none"))


def _study(params, rng):
    noise = np.random.default_rng(rng).normal(0.0, 0.01)
    return {"gap": 3.0 * params["a"] + 0.1 * params["b"] + noise, "other": params["b"]}


def test_statistic_drivers_ranks_the_parameter_that_moves_the_statistic():
    result = assess_robustness(
        _study,
        {"a": (0.0, 1.0), "b": (0.0, 1.0), "c": (0.0, 1.0)},
        {"C9": lambda s: s["gap"] > 0},
        n_share=16,
        n_trajectories=4,
        n_sobol=8,
        n_noise=0,
        rng=3,
    )
    table = statistic_drivers(result, {"C9": "gap"}, n=2)
    row = table.iloc[0]
    assert row["moved_by"].startswith("a (")
    assert 0.0 <= row["low"] < row["high"] <= 3.2
    # "other" moves with b alone: a and c do not move it and are left out
    other = statistic_drivers(result, {"C9": "other"}, n=3).iloc[0]["moved_by"]
    assert other.startswith("b (") and "a (" not in other and "c (" not in other
    with pytest.raises(ValueError, match="'missing' of C9 is not among"):
        statistic_drivers(result, {"C9": "missing"})
    with pytest.raises(ValueError, match="'n' must be"):
        statistic_drivers(result, {"C9": "gap"}, n=0)
