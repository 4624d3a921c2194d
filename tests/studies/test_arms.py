"""Replicated randomised comparisons at equal contacts or budget (mcstudy.studies.arms)."""

import pandas as pd
import pytest

from mcstudy import PopulationSpec
from mcstudy.model.strategies import Monochannel
from mcstudy.studies import ARM_METRICS, arm_contrasts, compare_arms

ARMS = {
    "email": Monochannel(channel="email", contact_pressure=1.0),
    "mail": Monochannel(channel="postal_mail", contact_pressure=0.5),
}


def test_equal_contacts_are_achieved_and_runs_reproduce():
    spec = PopulationSpec(n_customers=4000)
    table = compare_arms(ARMS, population=spec, n_weeks=8, n_replications=2, rng=3)
    again = compare_arms(ARMS, population=spec, n_weeks=8, n_replications=2, rng=3)
    pd.testing.assert_frame_equal(table, again)
    assert set(table["metric"]) == set(ARM_METRICS)
    contacts = table[table["metric"] == "contacts_per_customer"].pivot(
        index="replication", columns="arm", values="value"
    )
    assert (abs(contacts["email"] / contacts["mail"] - 1) < 0.02).all()
    # at their planned pressures the two arms would send very different numbers of contacts
    planned = compare_arms(
        ARMS, equal="pressure", population=spec, n_weeks=8, n_replications=1, rng=3
    )
    sent = planned[planned["metric"] == "contacts_per_customer"].set_index("arm")["value"]
    assert sent["email"] > 1.5 * sent["mail"]


def test_contrasts_on_a_hand_built_table():
    rows = []
    for rep, (a, b) in enumerate([(1.0, 3.0), (2.0, 5.0), (3.0, 4.0)]):
        rows += [
            {"replication": rep, "arm": "base", "metric": "m", "value": a},
            {"replication": rep, "arm": "new", "metric": "m", "value": b},
        ]
    out = arm_contrasts(pd.DataFrame(rows), "base").set_index("arm").loc["new"]
    assert out["mean"] == pytest.approx(2.0)  # differences 2, 3, 1
    assert out["sd"] == pytest.approx(1.0)
    assert out["reference_mean"] == pytest.approx(2.0)
    half = 4.302652729911275 / 3**0.5  # t(0.975, 2) x sd / sqrt(3)
    assert (out["ci_low"], out["ci_high"]) == pytest.approx((2.0 - half, 2.0 + half))


@pytest.mark.parametrize(
    ("arms", "kwargs", "error", "match"),
    [
        ({"one": ARMS["email"]}, {}, ValueError, r"'arms' must map at least two arm names"),
        ({"a": ARMS["email"], "b": "mail"}, {}, TypeError, r"'arms\['b'\]' must be a Strategy"),
        (ARMS, {"equal": "revenue"}, ValueError, r"'equal' must be one of"),
        (ARMS, {"n_replications": 0}, ValueError, r"'n_replications' must be an int in"),
    ],
)
def test_bad_input(arms, kwargs, error, match):
    with pytest.raises(error, match=match):
        compare_arms(arms, population=PopulationSpec(n_customers=500), n_weeks=2, **kwargs)


def test_unknown_reference_arm():
    table = pd.DataFrame(
        {"replication": [0, 0], "arm": ["a", "b"], "metric": ["m", "m"], "value": [1.0, 2.0]}
    )
    with pytest.raises(ValueError, match=r"'reference' must be one of \['a', 'b'\]"):
        arm_contrasts(table, "c")
