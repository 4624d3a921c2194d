"""Experimental designs over strategies: factorial arms, integration paths, Shapley values and
arms equalised on contacts or budget.

The simulator's mechanisms change over time, so the tests check invariants (names, counts,
balance, exact sums, equal contacts after equalising) rather than numbers of the current model.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import fields, replace

import numpy as np
import pandas as pd
import pytest

import mcstudy
from mcstudy.model import (
    CrossChannel,
    Equalised,
    Monochannel,
    Omnichannel,
    PopulationSpec,
    SiloedMultichannel,
    equalise,
    factorial_arms,
    integration_path,
    shapley_decomposition,
    simulate,
)
from mcstudy.model.design import MAX_PATH_FACTORS

BASE = SiloedMultichannel()


def _fields(strategy):
    return {f.name: getattr(strategy, f.name) for f in fields(strategy) if f.init}


# --- factorial_arms ---------------------------------------------------------------------------


def test_full_factorial_names_order_and_levels():
    factors = {
        "suppress_weeks_after_purchase": [0, 2, 4],
        "history_shared": [0.0, 1.0],
        "route_by_preference": [False, True],
    }
    arms = factorial_arms(BASE, factors)
    assert len(arms) == 3 * 2 * 2
    names = list(arms)
    assert (
        names[0] == "suppress_weeks_after_purchase=0,history_shared=0.0,route_by_preference=False"
    )
    assert names[1] == "suppress_weeks_after_purchase=0,history_shared=0.0,route_by_preference=True"
    assert (
        names[-1] == "suppress_weeks_after_purchase=4,history_shared=1.0,route_by_preference=True"
    )
    for levels in itertools.product(*factors.values()):
        name = ",".join(f"{f}={v}" for f, v in zip(factors, levels, strict=True))
        arm = arms[name]
        assert type(arm) is type(BASE)
        expected = _fields(BASE) | dict(zip(factors, levels, strict=True))
        assert _fields(arm) == expected


def test_factorial_arms_are_stable_and_simulate():
    factors = {"inconsistent_offer_prob": [0.0, 0.3], "referral_strength": [0.0, 1.0]}
    arms = factorial_arms(Omnichannel(deployment_lag_weeks=0), factors)
    assert list(arms) == list(factorial_arms(Omnichannel(deployment_lag_weeks=0), factors))
    res = simulate(PopulationSpec(n_customers=400), arms, n_weeks=3, rng=1)
    assert list(res.summary()["arm"]) == list(arms)


def test_levels_as_mapping_label_the_arms_and_collections_are_joined():
    arms = factorial_arms(
        BASE, {"channels": {"digital": ("email", "sms"), "default": None}}, name="siloed"
    )
    assert list(arms) == ["siloed[channels=digital]", "siloed[channels=default]"]
    assert arms["siloed[channels=digital]"].channels == {"email": 1.0, "sms": 1.0}
    arms = factorial_arms(BASE, {"channels": [("email", "sms"), {"email": 0.7, "sms": 0.3}]})
    assert list(arms) == ["channels=email|sms", "channels=email:0.7|sms:0.3"]


def test_any_strategy_field_can_be_a_factor():
    arms = factorial_arms(BASE, {"contact_pressure": [0.5, 2.0], "deployment_lag_weeks": [0, 4]})
    assert arms["contact_pressure=2.0,deployment_lag_weeks=4"].contact_pressure == 2.0
    mono = factorial_arms(Monochannel(), {"channel": ["email", "sms"]})
    assert mono["channel=sms"].channels == {"sms": 1.0}


@pytest.mark.parametrize("k", [3, 4, 5])
def test_half_fraction_keeps_runs_with_product_plus_one(k):
    names = [
        "history_shared",
        "referral_strength",
        "inconsistent_offer_prob",
        "route_by_preference",
    ]
    names += ["suppress_weeks_after_purchase"]
    lows = {"history_shared": 0.0, "referral_strength": 0.0, "inconsistent_offer_prob": 0.0}
    lows |= {"route_by_preference": False, "suppress_weeks_after_purchase": 0}
    highs = {"history_shared": 1.0, "referral_strength": 1.0, "inconsistent_offer_prob": 0.5}
    highs |= {"route_by_preference": True, "suppress_weeks_after_purchase": 3}
    factors = {f: [lows[f], highs[f]] for f in names[:k]}
    full = factorial_arms(BASE, factors)
    half = factorial_arms(BASE, factors, fraction="half")
    assert len(half) == 2 ** (k - 1)
    assert set(half) <= set(full)
    codes = np.array(
        [[1 if getattr(s, f) == highs[f] else -1 for f in factors] for s in half.values()]
    )
    assert (codes.prod(axis=1) == 1).all()
    # balanced and orthogonal main effects: every pair of factors shows each combination
    # of levels equally often
    for i, j in itertools.combinations(range(k), 2):
        pairs = pd.Series(list(zip(codes[:, i], codes[:, j], strict=True))).value_counts()
        assert len(pairs) == 4 and pairs.nunique() == 1
    all_low = ",".join(f"{f}={lows[f]}" for f in factors)
    assert (all_low in half) == (k % 2 == 0)


def test_factorial_arms_bad_input():
    with pytest.raises(ValueError, match=r"unknown factor 'colour' for strategy 'siloed'.*"):
        factorial_arms(BASE, {"colour": ["red"]})
    with pytest.raises(ValueError, match=r"fields of the strategy: \[.*'referral_strength'"):
        factorial_arms(BASE, {"colour": ["red"]})
    with pytest.raises(ValueError, match="factor 'history_shared' must have at least one level"):
        factorial_arms(BASE, {"history_shared": []})
    with pytest.raises(ValueError, match=r"levels of factor 'history_shared' must be distinct"):
        factorial_arms(BASE, {"history_shared": [0.5, 0.5]})
    with pytest.raises(TypeError, match="levels of factor 'history_shared' must be a sequence"):
        factorial_arms(BASE, {"history_shared": 0.5})
    with pytest.raises(ValueError, match="'factors' must name at least one"):
        factorial_arms(BASE, {})
    with pytest.raises(TypeError, match="'base' must be a Strategy"):
        factorial_arms("siloed", {"history_shared": [0.0]})
    with pytest.raises(ValueError, match=r"'name' must be a non-empty str"):
        factorial_arms(BASE, {"history_shared": [0.0]}, name="")


def test_invalid_level_gives_the_strategy_error_prefixed_with_the_factor():
    with pytest.raises(
        ValueError,
        match=r"factor 'inconsistent_offer_prob', level '1.5': 'inconsistent_offer_prob' must be "
        r"a real number in \[0, 1\]; got 1.5",
    ):
        factorial_arms(BASE, {"history_shared": [0.0, 1.0], "inconsistent_offer_prob": [0, 1.5]})
    with pytest.raises(TypeError, match=r"factor 'suppress_weeks_after_purchase', level '2.5'"):
        factorial_arms(BASE, {"suppress_weeks_after_purchase": [2.5]})


def test_half_fraction_bad_input():
    two = {"history_shared": [0.0, 1.0], "referral_strength": [0.0, 1.0]}
    with pytest.raises(ValueError, match=r"at least 3 two-level factors .*; got 2 factor\(s\)"):
        factorial_arms(BASE, two, fraction="half")
    three = two | {"suppress_weeks_after_purchase": [0, 1, 2]}
    with pytest.raises(
        ValueError, match=r"exactly 2 levels for every factor; got \{'suppress_weeks_after_pur"
    ):
        factorial_arms(BASE, three, fraction="half")
    with pytest.raises(ValueError, match=r"'fraction' must be one of \['half'\]; got 'quarter'"):
        factorial_arms(BASE, two, fraction="quarter")


# --- integration_path -------------------------------------------------------------------------

TARGET = replace(BASE, suppress_weeks_after_purchase=2, history_shared=1.0, referral_strength=0.5)


def test_integration_path_over_the_fields_that_differ():
    arms = integration_path(BASE, TARGET)
    assert list(arms) == [
        "none",
        "suppress_weeks_after_purchase",
        "history_shared",
        "referral_strength",
        "suppress_weeks_after_purchase+history_shared",
        "suppress_weeks_after_purchase+referral_strength",
        "history_shared+referral_strength",
        "suppress_weeks_after_purchase+history_shared+referral_strength",
    ]
    assert arms["none"] == BASE
    assert _fields(arms["suppress_weeks_after_purchase+history_shared+referral_strength"]) == (
        _fields(TARGET)
    )
    on = arms["history_shared+referral_strength"]
    assert (on.suppress_weeks_after_purchase, on.history_shared, on.referral_strength) == (
        0,
        1.0,
        0.5,
    )


def test_integration_path_given_factors_and_groups():
    arms = integration_path(BASE, TARGET, ["referral_strength", "history_shared"])
    assert list(arms) == [
        "none",
        "referral_strength",
        "history_shared",
        "referral_strength+history_shared",
    ]
    assert all(s.suppress_weeks_after_purchase == 0 for s in arms.values())  # not a factor
    grouped = integration_path(
        BASE,
        TARGET,
        {
            "service": ("history_shared",),
            "sales": ("referral_strength", "suppress_weeks_after_purchase"),
        },
    )
    assert list(grouped) == ["none", "service", "sales", "service+sales"]
    assert _fields(grouped["service+sales"]) == _fields(TARGET)
    assert grouped["sales"].history_shared == BASE.history_shared
    assert grouped["sales"].referral_strength == 0.5


def test_integration_path_between_presets_keeps_the_base_class():
    omni = Omnichannel(deployment_lag_weeks=0)
    arms = integration_path(CrossChannel(), omni, ["referral_strength", "history_shared"])
    assert all(type(s) is CrossChannel for s in arms.values())
    assert arms["referral_strength+history_shared"].history_shared == omni.history_shared


def test_integration_path_bad_input():
    with pytest.raises(ValueError, match=r"unknown factor 'colour' for strategy 'siloed'"):
        integration_path(BASE, TARGET, ["colour"])
    with pytest.raises(ValueError, match="do not differ in any field"):
        integration_path(BASE, SiloedMultichannel())
    with pytest.raises(ValueError, match="'history_shared' is in two factors"):
        integration_path(BASE, TARGET, {"a": ("history_shared",), "b": ("history_shared",)})
    with pytest.raises(ValueError, match="must have the same fields"):
        integration_path(BASE, Monochannel())
    with pytest.raises(TypeError, match="'target' must be a Strategy"):
        integration_path(BASE, "omnichannel")
    many = [f.name for f in fields(BASE) if f.init][: MAX_PATH_FACTORS + 1]
    with pytest.raises(ValueError, match=rf"needs 2\*\*{MAX_PATH_FACTORS + 1} arms; at most"):
        integration_path(BASE, TARGET, many)


# --- shapley_decomposition --------------------------------------------------------------------


def _all_subsets(factors):
    return [c for r in range(len(factors) + 1) for c in itertools.combinations(factors, r)]


def test_shapley_additive_outcome_gives_each_factor_its_own_effect():
    effect = {"a": 1.5, "b": -2.0, "c": 0.25, "d": 4.0}
    values = {frozenset(s): 10.0 + sum(effect[f] for f in s) for s in _all_subsets(list(effect))}
    phi = shapley_decomposition(values, list(effect))
    assert list(phi) == list(effect)
    assert phi == pytest.approx(effect, abs=1e-12)


def test_shapley_pure_interaction_is_shared_equally():
    factors = ["a", "b", "c"]
    values = {s: (6.0 if len(s) == 3 else 0.0) for s in _all_subsets(factors)}
    assert shapley_decomposition(values, factors) == pytest.approx(
        {"a": 2.0, "b": 2.0, "c": 2.0}, abs=1e-12
    )


def test_shapley_glove_game():
    # The glove game: L holds a left glove, R1 and R2 a right glove each; a coalition is
    # worth 1 when it can make a pair. Over the 3! orders of arrival, L completes a pair
    # whenever it does not come first (4 of 6 orders) and R1 only in the order L, R1, R2
    # (1 of 6), so the Shapley values are L 2/3, R1 and R2 1/6 each.
    factors = ["L", "R1", "R2"]
    values = {s: float("L" in s and len(s) >= 2) for s in _all_subsets(factors)}
    phi = shapley_decomposition(values, factors)
    assert phi == pytest.approx({"L": 2 / 3, "R1": 1 / 6, "R2": 1 / 6}, abs=1e-12)


def test_shapley_values_sum_to_all_minus_none():
    gen = np.random.default_rng(3)
    factors = ["a", "b", "c", "d", "e"]
    values = {s: float(gen.normal(0, 100)) for s in _all_subsets(factors)}
    phi = shapley_decomposition(values, factors)
    assert sum(phi.values()) == pytest.approx(values[tuple(factors)] - values[()], abs=1e-9)


def test_shapley_accepts_arm_names_of_an_integration_path():
    arms = integration_path(BASE, TARGET)
    res = simulate(PopulationSpec(n_customers=600), arms, n_weeks=4, rng=2)
    margin = res.summary().set_index("arm")["margin_per_customer_eur"]
    phi = shapley_decomposition(margin)
    assert list(phi) == ["suppress_weeks_after_purchase", "history_shared", "referral_strength"]
    total = margin[list(arms)[-1]] - margin["none"]
    assert sum(phi.values()) == pytest.approx(total, abs=1e-9)


def test_shapley_bad_input():
    factors = ["a", "b"]
    values = {(): 0.0, ("a",): 1.0, ("b",): 2.0, ("a", "b"): 5.0}
    assert shapley_decomposition(values, factors) == {"a": 2.0, "b": 3.0}
    with pytest.raises(
        ValueError, match=r"all 2\*\*2 = 4 subsets.*1 missing, e.g. \[\['a', 'b'\]\]"
    ):
        shapley_decomposition({k: v for k, v in values.items() if k != ("a", "b")}, factors)
    with pytest.raises(ValueError, match=r"names factors \['c'\] that are not in 'factors'"):
        shapley_decomposition(values | {("c",): 1.0}, factors)
    with pytest.raises(ValueError, match="two keys of 'values' give the same subset"):
        shapley_decomposition(values | {("b", "a"): 5.0}, factors)
    with pytest.raises(ValueError, match=r"'values\[\(\)\]' must be a real number"):
        shapley_decomposition(values | {(): math.nan}, factors)
    with pytest.raises(TypeError, match="'values' must be a non-empty mapping"):
        shapley_decomposition({}, factors)


# --- equalise ---------------------------------------------------------------------------------

PRESETS = {
    "siloed": SiloedMultichannel(),
    "cross_channel": CrossChannel(),
    "omnichannel": Omnichannel(deployment_lag_weeks=0),
}
WEEKS = 26
# An arm's contacts (and more so its contact cost: expensive contacts are rare) per customer
# carry Monte Carlo noise of a relative size ~ cv / sqrt(customers in the arm), and equalise
# can only meet a tolerance above that noise. With three arms over 26 weeks, 40,000 customers
# put the noise of contacts near 0.3 % and 120,000 that of the budget near 0.4 %, below the
# default tol of 0.5 %.
CONTACTS_POP = PopulationSpec(n_customers=40_000)
BUDGET_POP = PopulationSpec(n_customers=120_000)


def _per_customer(res, target):
    n = res.customers["arm"].value_counts()
    if target == "contacts":
        total = res.customers.groupby("arm", observed=False)["contacts_received"].sum()
    else:
        total = res.weekly.groupby("arm", observed=False)["contact_cost_eur"].sum()
    return {a: total[a] / n[a] for a in res.strategies}


@pytest.mark.parametrize(
    ("target", "population"), [("contacts", CONTACTS_POP), ("budget", BUDGET_POP)]
)
def test_equalise_makes_a_fresh_simulation_equal_across_arms(target, population):
    eq = equalise(PRESETS, target=target, population=population, n_weeks=WEEKS, rng=11)
    assert isinstance(eq, Equalised)
    assert list(eq.arms) == list(PRESETS) and eq.target == target and 1 <= eq.iterations <= 20
    res = simulate(population, eq.arms, n_weeks=WEEKS, rng=11)
    got = _per_customer(res, target)
    assert max(got.values()) / min(got.values()) - 1 <= 0.01
    assert got == pytest.approx(eq.achieved, rel=1e-12)  # the last iteration, reproduced
    assert all(abs(a / eq.value - 1) <= eq.tol for a in got.values())
    if target == "budget":  # the summary's contact costs agree
        ledger = res.costs[res.costs["item"] == "contacts"].groupby("arm", observed=False)
        n = res.customers["arm"].value_counts()
        assert {a: ledger["amount_eur"].sum()[a] / n[a] for a in PRESETS} == pytest.approx(got)
    else:
        summary = res.summary().set_index("arm")["contacts_per_customer"]
        assert summary.to_dict() == pytest.approx(got)
    # value=None is the mean over arms at the pressures given
    before = _per_customer(simulate(population, PRESETS, n_weeks=WEEKS, rng=11), target)
    assert eq.value == pytest.approx(np.mean(list(before.values())), rel=1e-12)


def test_equalise_only_rescales_the_pressure():
    eq = equalise(PRESETS, population=CONTACTS_POP, n_weeks=WEEKS, rng=11)
    for arm, s in PRESETS.items():
        new = eq.arms[arm]
        assert type(new) is type(s)
        assert new.contact_pressure == eq.pressure[arm] > 0
        assert replace(new, contact_pressure=s.contact_pressure) == s
    table = eq.summary()
    assert list(table.columns) == [
        "arm",
        "initial_pressure",
        "pressure",
        "pressure_ratio",
        "achieved",
        "relative_error",
    ]
    assert (table["relative_error"].abs() <= eq.tol).all()


def test_equalise_to_a_given_value_with_a_generator():
    rng = np.random.default_rng(4)
    arms = {"siloed": SiloedMultichannel(), "omni": Omnichannel(deployment_lag_weeks=0)}
    eq = equalise(arms, value=15.0, population=CONTACTS_POP, n_weeks=WEEKS, rng=rng, tol=0.01)
    assert eq.value == 15.0
    res = simulate(CONTACTS_POP, eq.arms, n_weeks=WEEKS, rng=eq.rng)
    assert all(abs(a / 15.0 - 1) <= 0.01 for a in _per_customer(res, "contacts").values())


SMALL = PopulationSpec(n_customers=2_000)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"target": "revenue"},
            ValueError,
            r"'target' must be one of \['budget', 'contacts'\]; got 'revenue'",
        ),
        ({"value": -1.0}, ValueError, r"'value' must be a real number in \(0, inf\); got -1.0"),
        ({"value": 0}, ValueError, r"'value' must be a real number in \(0, inf\); got 0.0"),
        ({"tol": 0.0}, ValueError, r"'tol' must be a real number in \(0, 0.1\]; got 0.0"),
        ({"tol": 0.2}, ValueError, r"'tol' must be a real number in \(0, 0.1\]; got 0.2"),
        ({"max_iter": 0}, ValueError, r"'max_iter' must be an int in \[1, 1000\]; got 0"),
        ({"n_weeks": 0}, ValueError, r"'n_weeks' must be an int in \[1, 520\]; got 0"),
    ],
)
def test_equalise_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        equalise(PRESETS, population=SMALL, **kwargs)


def test_equalise_bad_arms():
    with pytest.raises(ValueError, match="'arms' must hold at least one arm"):
        equalise({}, population=SMALL)
    with pytest.raises(TypeError, match="'arms' must map arm names"):
        equalise({"a": "siloed"}, population=SMALL)
    with pytest.raises(TypeError, match="'arms' must be a mapping"):
        equalise(SiloedMultichannel(), population=SMALL)


def test_equalise_unreachable_value_names_arm_target_value_and_best():
    # 2,000 contacts per customer in 10 weeks needs 200 a week; the maximum pressure is 50.
    with pytest.raises(
        ValueError,
        match=r"arm 'siloed' cannot reach target='contacts' value=2000 \(contacts per customer\): "
        r"it stays below it even at the maximum contact_pressure 50; the best it achieved is "
        r"[0-9.]+ at contact_pressure=",
    ):
        equalise({"siloed": SiloedMultichannel()}, value=2000, population=SMALL, n_weeks=10)


def test_equalise_arm_without_contacts_at_any_pressure():
    # Nobody consents to postal mail, and the arm respects consent: it sends nothing.
    population = PopulationSpec(n_customers=2_000, consent_rate={"postal_mail": 0.0})
    arms = {
        "mail": Monochannel(channel="postal_mail", respect_consent=True),
        "siloed": SiloedMultichannel(),
    }
    with pytest.raises(
        ValueError,
        match=r"arm 'mail' cannot reach target='budget' value=[0-9.]+ \(contact cost per "
        r"customer \(EUR\)\): it sends none even at the maximum contact_pressure 50",
    ):
        equalise(arms, target="budget", population=population, n_weeks=5)
    with pytest.raises(ValueError, match="no arm sends any contacts per customer"):
        equalise({"mail": arms["mail"]}, population=population, n_weeks=5)


def test_equalise_reports_noise_when_tol_is_not_met():
    # A handful of customers: the Monte Carlo noise is far above tol=0.001.
    with pytest.raises(
        ValueError, match=r"did not bring every arm within tol=0.001 .* in max_iter=4"
    ):
        equalise(
            PRESETS, population=PopulationSpec(n_customers=300), n_weeks=4, tol=0.001, max_iter=4
        )


def test_exported_from_the_top_level():
    for name in (
        "equalise",
        "Equalised",
        "factorial_arms",
        "integration_path",
        "shapley_decomposition",
    ):
        assert getattr(mcstudy, name) is getattr(mcstudy.model, name)
        assert name in mcstudy.__all__ and name in mcstudy.model.__all__
