"""Tests for the registered simulator studies (mcstudy.experiments.sweep_studies)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mcstudy.experiments import STUDIES, replicate
from mcstudy.experiments.sweep_studies import EMAIL_ARMS, email_experiment

ARM_METRICS = ("conversion_rate", "spend_per_customer_eur", "contacts_per_customer")
EFFECT_METRICS = (
    "conversion_diff",
    "conversion_relative_lift",
    "spend_diff_eur",
    "spend_relative_lift",
)
CONTROL_METRICS = (
    "control_multichannel_share",
    "control_multichannel_conversion_rate",
    "control_single_conversion_rate",
    "control_multichannel_spend_per_customer_eur",
    "control_single_spend_per_customer_eur",
    "control_multichannel_conversion_relative_lift",
    "control_multichannel_spend_relative_lift",
)


def run(seed: int = 0, **params) -> dict[str, float]:
    # 30,000 customers: at the calibrated two-week conversion (about 0.6 %) each arm has about
    # 60 buyers, enough for every rate and lift to be defined.
    full = STUDIES["email_experiment"].validate({"n_customers": 30_000, **params})
    return email_experiment(full, np.random.default_rng(seed))


def test_registered_with_defaults():
    spec = STUDIES["email_experiment"]
    assert spec.func is email_experiment
    defaults = spec.validate({})
    assert defaults["n_weeks"] == 2
    assert defaults["email_pressure"] == 1.0
    assert defaults["engagement_breadth_link"] == 1.0
    assert defaults["breadth_purchase_effect"] == 0.0
    with pytest.raises(ValueError, match="'email_pressure' must be a real number in"):
        spec.validate({"email_pressure": -1.0})


def test_keys_and_values():
    out = run()
    expected = {f"{arm}_{m}" for arm in EMAIL_ARMS for m in ARM_METRICS}
    expected |= {f"{arm}_{m}" for arm in EMAIL_ARMS[1:] for m in EFFECT_METRICS}
    expected |= set(CONTROL_METRICS)
    assert set(out) == expected
    assert all(isinstance(v, float) and math.isfinite(v) for v in out.values())
    for arm in EMAIL_ARMS:
        assert 0.0 <= out[f"{arm}_conversion_rate"] <= 1.0
        assert out[f"{arm}_spend_per_customer_eur"] >= 0.0
    assert 0.0 < out["control_multichannel_share"] < 1.0


def test_control_gets_no_contacts_and_email_arms_get_the_pressure():
    out = run(n_customers=3000, email_pressure=1.5, n_weeks=2)
    assert out["control_contacts_per_customer"] == 0.0
    for arm in EMAIL_ARMS[1:]:
        # Poisson(1.5) e-mails a week for two weeks, about 1,000 customers per arm.
        assert out[f"{arm}_contacts_per_customer"] == pytest.approx(3.0, abs=0.3)


def test_zero_pressure_sends_nothing():
    out = run(email_pressure=0.0)
    assert all(out[f"{arm}_contacts_per_customer"] == 0.0 for arm in EMAIL_ARMS)


def test_differences_are_consistent_with_arm_means():
    out = run(seed=3)
    for arm in EMAIL_ARMS[1:]:
        for metric, level, diff_name in (
            ("conversion", "conversion_rate", "conversion_diff"),
            ("spend", "spend_per_customer_eur", "spend_diff_eur"),
        ):
            diff = out[f"{arm}_{level}"] - out[f"control_{level}"]
            assert out[f"{arm}_{diff_name}"] == pytest.approx(diff)
            assert out[f"{arm}_{metric}_relative_lift"] == pytest.approx(
                out[f"{arm}_{level}"] / out[f"control_{level}"] - 1
            )
    assert out["control_multichannel_conversion_relative_lift"] == pytest.approx(
        out["control_multichannel_conversion_rate"] / out["control_single_conversion_rate"] - 1
    )


def test_same_seed_same_metrics_and_spawned_children_differ():
    assert run(seed=5) == run(seed=5)
    table = replicate(
        "email_experiment", params={"n_customers": 30_000}, n_replications=2, rng=1, progress=False
    )
    by_rep = table.pivot(index="metric", columns="replication", values="value")
    assert not by_rep[0].equals(by_rep[1])


def test_observational_gap_comes_from_the_engagement_link():
    # With the link, engaged customers use more channels and buy more: multichannel customers
    # convert more in the control arm although channel breadth causes nothing. Without it the
    # gap disappears. Five replications of 300,000 customers (a few seconds): at the calibrated
    # two-week conversion (about 0.6 %) the control arm has about 600 buyers each time.
    lift = {}
    for link in (1.0, 0.0):
        table = replicate(
            "email_experiment",
            params={"n_customers": 300_000, "engagement_breadth_link": link},
            n_replications=5,
            rng=11,
            progress=False,
        )
        rows = table["metric"] == "control_multichannel_conversion_relative_lift"
        lift[link] = table.loc[rows, "value"].mean()
    assert lift[1.0] > 0.2
    assert abs(lift[0.0]) < 0.15


# --- strategy_comparison -----------------------------------------------------------------------


def _compare(**params) -> dict[str, float]:
    from mcstudy.experiments.sweep_studies import strategy_comparison

    full = STUDIES["strategy_comparison"].validate({"n_customers": 20_000, "n_weeks": 26, **params})
    return strategy_comparison(full, np.random.default_rng(7))


@pytest.mark.parametrize(
    ("compare_at", "column"),
    [("contacts", "contacts_per_customer"), ("budget", "cost_per_customer_eur")],
)
def test_strategy_comparison_holds_contacts_or_budget_equal(compare_at, column):
    # value-tiered (no deployment lag) contacts tiers at different pressures on other
    # channels: at equal planned pressure it sends other volumes, at other costs, than siloed
    out = _compare(compare_at=compare_at, strategy="value_tiered")
    if compare_at == "contacts":
        base, treat = out["baseline_contacts_per_customer"], out["treatment_contacts_per_customer"]
        assert treat == pytest.approx(base, rel=0.01)
    nominal = _compare(compare_at="pressure", strategy="value_tiered")
    assert nominal["baseline_contact_pressure"] == nominal["treatment_contact_pressure"] == 1.0
    assert out["treatment_contact_pressure"] != out["baseline_contact_pressure"]
    assert column in {k.removeprefix("baseline_") for k in out}


def test_strategy_comparison_defaults_see_a_year_after_the_deployment_lag():
    defaults = STUDIES["strategy_comparison"].validate({})
    assert defaults["compare_at"] == "contacts" and defaults["n_weeks"] == 26 + 52
