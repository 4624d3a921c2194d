"""The intrusiveness, attention and permission experiment (mcstudy.studies.attention)."""

import math

import numpy as np
import pandas as pd
import pytest

from mcstudy.experiments import replicate
from mcstudy.studies.attention import (
    ARM_OUTCOMES,
    ATTENTION_STATISTICS,
    CONTACT_ARMS,
    arm_outcomes,
    attention_arms,
    attention_equal_pressures,
    attention_factorial_arms,
    attention_outcomes,
    attention_statistics,
    factorial_revenue_gains,
    interval_text,
    mix_pressure_guess,
)


def _run(params, seed):
    """The arms' outcomes (arm x metric) and the statistics of one attention_outcomes run."""
    table = attention_outcomes(params, np.random.SeedSequence(seed))
    stats = table[table["arm"].isna()]
    arms = table[table["arm"].notna()].pivot(index="arm", columns="metric", values="value")
    return arms, dict(zip(stats["metric"], stats["value"], strict=True))


def test_statistics_are_finite_reproducible_and_follow_from_the_arms():
    arms, a = _run({"n_customers": 800, "n_weeks": 8}, 1)
    b = attention_statistics({"n_customers": 800, "n_weeks": 8}, np.random.SeedSequence(1))
    assert a == b  # the robustness study's statistics are those of the tidy run
    assert set(b) == set(ATTENTION_STATISTICS)
    assert all(math.isfinite(a[k]) for k in ATTENTION_STATISTICS)
    assert set(arms.index) == set(attention_arms(0.6)) | set(attention_factorial_arms())
    assert list(arms.columns) == sorted(ARM_OUTCOMES)
    # no statistic or outcome name carries an arm
    assert not any("/" in name for name in [*a, *arms.columns])
    assert arms.loc["email_0", "contacts_per_customer"] == 0.0
    # the statistics are the stated differences of arm outcomes
    assert a["sms_minus_email_churn"] == pytest.approx(
        arms.loc["unsolicited_sms", "churn_rate"] - arms.loc["unsolicited_email", "churn_rate"]
    )
    assert a["sms_extra_churn_min"] == min(a["sms_minus_email_churn"], a["sms_minus_mail_churn"])
    singles = np.mean(
        [
            arms.loc[f"single_{c}", "revenue_per_customer_eur"]
            for c in ("email", "postal_mail", "sms")
        ]
    )
    assert a["spread_revenue_gain"] == pytest.approx(
        arms.loc["spread", "revenue_per_customer_eur"] - singles
    )
    # the permission arm's pressure is scaled by 1 / consent rate to send about as many contacts
    assert 0.7 < a["permission_contacts_ratio"] < 1.3


def test_the_factorial_pairs_send_the_contacts_of_their_single_arms():
    arms, a = _run({"n_customers": 1500, "n_weeks": 8}, 4)
    assert arms.loc["factorial_none", "contacts_per_customer"] == 0.0
    for partner, label in (("postal_mail", "mail"), ("telephone", "telephone")):
        pair = arms.loc[f"factorial_email_and_{partner}", "contacts_per_customer"]
        singles = (
            arms.loc["factorial_email", "contacts_per_customer"]
            + arms.loc[f"factorial_{partner}", "contacts_per_customer"]
        )
        # equal contacts: each channel team sends its own 1 a week to its consenting list
        assert pair == pytest.approx(singles, rel=0.05)
        for metric, name in (
            ("margin_per_customer_eur", "margin"),
            ("revenue_per_customer_eur", "revenue"),
        ):
            assert a[f"email_{label}_{name}_interaction"] == pytest.approx(
                arms.loc[f"factorial_email_and_{partner}", f"{metric}"]
                - arms.loc["factorial_email", metric]
                - arms.loc[f"factorial_{partner}", f"{metric}"]
                + arms.loc["factorial_none", metric]
            )
    assert a["telephone_revenue_gain_with_email"] - a[
        "telephone_revenue_gain_alone"
    ] == pytest.approx(a["email_telephone_revenue_interaction"])
    assert a["contact_minus_none_margin"] == pytest.approx(
        arms.loc["mix_planned_1", "margin_per_customer_eur"]
        - arms.loc["email_0", "margin_per_customer_eur"]
    )
    assert a["email_minus_none_margin"] == pytest.approx(
        arms.loc["email_1", "margin_per_customer_eur"]
        - arms.loc["email_0", "margin_per_customer_eur"]
    )
    assert set(attention_factorial_arms()).isdisjoint(attention_arms(0.6))


def test_the_factorial_leaves_the_first_population_as_it_was():
    from dataclasses import replace

    from mcstudy.model.context import model_context
    from mcstudy.model.engine import simulate

    outcomes, _ = _run({"n_customers": 300, "n_weeks": 4}, 6)
    arms = attention_arms(0.6)
    ctx = model_context({})
    seed = np.random.SeedSequence(6)  # the first population draws from the study's sequence
    alone = simulate(
        replace(ctx.population, n_customers=300 * len(arms)),
        arms,
        n_weeks=4,
        response=ctx.response,
        channels=ctx.channels,
        n_journeys=0,
        n_threads=1,
        progress=False,
        rng=seed,
    ).summary()
    alone = alone.set_index("arm")["revenue_per_customer_eur"]
    for arm in arms:
        assert outcomes.loc[arm, "revenue_per_customer_eur"] == alone[arm]


def test_model_parameters_move_the_statistics():
    base = attention_statistics({"n_customers": 800, "n_weeks": 8}, np.random.default_rng(2))
    calm = attention_statistics(
        {"n_customers": 800, "n_weeks": 8, "response.churn_irritation": 0.0},
        np.random.default_rng(2),
    )
    # without irritation-driven churn, the unsolicited SMS arm churns no more than e-mail's
    # beyond chance, and less than with it
    assert calm["sms_minus_email_churn"] < base["sms_minus_email_churn"]


def test_replicated_runs_give_arm_outcomes():
    table = replicate(
        attention_outcomes,
        params={"n_customers": 300, "n_weeks": 4},
        n_replications=2,
        rng=3,
        progress=False,
    )
    outcomes = arm_outcomes(table)
    assert set(outcomes.index) == set(attention_arms(0.6)) | set(attention_factorial_arms())
    assert set(outcomes.columns) == set(ARM_OUTCOMES)
    rows = table[(table["arm"] == "email_1") & (table["metric"] == "churn_rate")]
    assert outcomes.loc["email_1", "churn_rate"] == pytest.approx(rows["value"].mean())


def test_arm_outcomes_needs_the_arm_column():
    # a metric that packs its arm into its name ("all/margin") is no longer read
    table = pd.DataFrame({"replication": [0], "metric": ["all/margin"], "value": [1.0]})
    with pytest.raises(ValueError, match=r"'table' is missing columns \['arm'\]"):
        arm_outcomes(table)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"n_customers": 10}, r"'n_customers' must be an int in \[100, 1e\+06\]"),
        ({"n_weeks": 2}, r"'n_weeks' must be an int in \[4, 520\]"),
        ({"response.colour": 1.0}, r"parameter 'response.colour' cannot be set"),
    ],
)
def test_bad_parameters(params, match):
    with pytest.raises(ValueError, match=match):
        attention_statistics(params, np.random.default_rng(0))


def test_contacts_association_reports_both_models():
    from mcstudy.studies.attention import contacts_association

    table = contacts_association(3000, n_weeks=8, rng=1)
    assert list(table["model"]) == ["without controls", "with controls"]
    assert ((table["ci_low"] <= table["estimate"]) & (table["estimate"] <= table["ci_high"])).all()
    assert (table["n"] == 3000).all()
    with pytest.raises(ValueError, match=r"'n_customers' must be an int in"):
        contacts_association(10)


def test_the_mix_pressure_guess_follows_consent():
    # everyone consents: one routed contact a week is one contact, so the mix needs 1 a week
    assert mix_pressure_guess(1.0) == pytest.approx(1.0)
    assert mix_pressure_guess(1.0, 3.0) == pytest.approx(3.0)
    # consent 0.5 on four channels: 15/16 of customers get the routed contact, the mix sends
    # half its pressure
    assert mix_pressure_guess(0.5) == pytest.approx((15 / 16) / 0.5)
    with pytest.raises(ValueError, match=r"'consent_rate' must be .*got 0"):
        mix_pressure_guess(0.0)
    with pytest.raises(ValueError, match=r"'multiple' must be .*got -1"):
        mix_pressure_guess(0.6, -1.0)


def test_the_contact_arms_send_what_their_names_say():
    arms = attention_arms(0.6, pressure_mix_equal_contacts=1.7, pressure_mix_3x_contacts=5.0)
    assert set(CONTACT_ARMS) <= set(arms)
    assert arms["preferred_1_a_week"].route_by_preference
    assert arms["preferred_1_a_week"].contact_pressure == 1.0
    assert arms["mix_equal_contacts"].contact_pressure == 1.7
    assert arms["mix_3x_contacts"].contact_pressure == 5.0
    # one contact a week on each of the four channels, to the customers who consented to it
    assert arms["mix_each_consented"].contact_pressure == 4.0
    assert not arms["mix_each_consented"].route_by_preference
    assert arms["mix_planned_1"].contact_pressure == 1.0
    default = attention_arms(0.6)
    assert default["mix_3x_contacts"].contact_pressure == pytest.approx(mix_pressure_guess(0.6, 3))
    with pytest.raises(ValueError, match=r"'pressure_mix_3x_contacts' must be .*got 0"):
        attention_arms(0.6, pressure_mix_3x_contacts=0.0)


def test_the_pilot_pressures_give_one_and_three_times_the_routed_contacts():
    pressures = attention_equal_pressures(n_customers=3000, n_weeks=13, tol=0.01, rng=5)
    assert set(pressures) == {"pressure_mix_equal_contacts", "pressure_mix_3x_contacts"}
    # the same customers as the pilot are not redrawn, so allow the sampling noise of 3,000
    arms, a = _run({"n_customers": 3000, "n_weeks": 13, **pressures}, 5)
    assert a["mix_equal_over_preferred_contacts"] == pytest.approx(1.0, abs=0.05)
    assert a["mix_3x_over_preferred_contacts"] == pytest.approx(3.0, abs=0.15)
    # once on each consented channel is fewer than three times: consent is 0.6 per channel
    assert 1.2 < a["each_consented_over_preferred_contacts"] < 2.6
    assert a["preferred_minus_mix_3x_revenue"] == pytest.approx(
        arms.loc["preferred_1_a_week", "revenue_per_customer_eur"]
        - arms.loc["mix_3x_contacts", "revenue_per_customer_eur"]
    )
    # the pressures are fixed parameters of the study: passing them changes the mixes only
    arms_b, _ = _run({"n_customers": 3000, "n_weeks": 13}, 5)
    assert (
        arms_b.loc["email_1", "revenue_per_customer_eur"]
        == arms.loc["email_1", "revenue_per_customer_eur"]
    )
    assert (
        arms_b.loc["mix_3x_contacts", "contacts_per_customer"]
        != arms.loc["mix_3x_contacts", "contacts_per_customer"]
    )


def test_factorial_revenue_gains_are_the_stated_differences():
    table = replicate(
        attention_outcomes,
        params={"n_customers": 300, "n_weeks": 4},
        n_replications=2,
        rng=3,
        progress=False,
    )
    gains = factorial_revenue_gains(table)
    assert len(gains) == 2 * 2 * 2  # replications x partners x kinds of customer
    revenue = table[table["metric"] == "revenue_per_customer_eur"]
    wide = revenue.pivot_table(index="replication", columns="arm", values="value")
    row = gains[(gains["channel added"] == "telephone") & (gains["customers"] == "e-mailed weekly")]
    expected = wide["factorial_email_and_telephone"] - wide["factorial_email"]
    assert row["revenue gain (EUR per customer-year)"].to_numpy() == pytest.approx(
        expected.to_numpy()
    )
    with pytest.raises(ValueError, match=r"'table' has no revenue of arm 'factorial_none'"):
        factorial_revenue_gains(table[table["arm"] != "factorial_none"])
    with pytest.raises(ValueError, match=r"'table' is missing columns"):
        factorial_revenue_gains(table.drop(columns="replication"))


def test_interval_text():
    row = pd.Series({"mean": -2.1147, "ci_low": -3.9897, "ci_high": -0.2397})
    assert interval_text(row) == "-2.11 EUR (95 % CI -3.99 to -0.24)"
    assert interval_text(row, unit="", decimals=1) == "-2.1 (95 % CI -4.0 to -0.2)"
    with pytest.raises(ValueError, match=r"missing \['ci_high'\]"):
        interval_text(row.drop("ci_high"))
    with pytest.raises(ValueError, match=r"'decimals' must be an int"):
        interval_text(row, decimals=-1)
