"""Tables, sentences and figures of the attention experiment (studies.attention_report/figures)."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from mcstudy.claims import judge
from mcstudy.experiments import replicate
from mcstudy.model import PopulationSpec
from mcstudy.studies import attention_figures as figures
from mcstudy.studies import attention_report as report
from mcstudy.studies import pressure_response
from mcstudy.studies.attention import (
    ATTENTION_STATISTICS,
    CONTACT_ARMS,
    arm_outcomes,
    attention_outcomes,
    attention_statistics,
    factorial_revenue_gains,
)

NOTEBOOK = "04_intrusiveness_and_attention.ipynb"


@pytest.fixture(scope="module")
def runs():
    return replicate(
        attention_outcomes,
        params={"n_customers": 300, "n_weeks": 8},
        n_replications=3,
        rng=1,
        progress=False,
    )


def _row(mean, low, high, n=20):
    return {"mean": mean, "ci_low": low, "ci_high": high, "n_replications": n}


def test_the_statistics_named_are_the_studys():
    names = {*report.ATTENTION_CLAIM_STATISTICS.values(), *report.SECONDARY_STATISTICS}
    assert names | set(report.PAY_AND_PAIRS) | set(report.CONTACT_RATIOS) <= set(
        ATTENTION_STATISTICS
    )


def test_robustness_parameter_table_has_a_row_per_parameter():
    table = report.robustness_parameter_table()
    assert list(table.index) == list(report.ATTENTION_ROBUSTNESS_PARAMETERS)
    assert (table["low"] < table["high"]).all()
    assert table["status"].notna().all()


def test_sms_text_says_whether_sms_stays_the_most_intrusive():
    text = report.sms_intrusiveness_text()
    assert "the most intrusive of the three" in text
    assert "Over the whole plausible ranges SMS stays the most intrusive" in text  # 0.35 > 0.26


def test_tables_of_the_runs(runs):
    outcomes = arm_outcomes(runs)
    stats = report.attention_statistics_table(runs)
    assert stats.index[0] == "preferred_minus_each_consented_revenue"
    assert (stats["n_replications"] == 3).all()
    shown = report.arm_outcome_table(outcomes)
    assert "factorial_none" in shown.index and "conversion" in shown.columns
    delivered = report.delivered_contacts(outcomes)
    assert list(delivered.index) == list(CONTACT_ARMS)
    assert delivered.loc["preferred_1_a_week", "contacts / preferred_1_a_week"] == 1.0
    ratio = delivered.loc["mix_3x_contacts", "contacts / preferred_1_a_week"]
    assert ratio == pytest.approx(
        outcomes.loc["mix_3x_contacts", "contacts_per_customer"]
        / outcomes.loc["preferred_1_a_week", "contacts_per_customer"]
    )
    text = report.contacts_delivered_text(delivered, stats)
    assert f"{delivered.loc['preferred_1_a_week', 'contacts_per_customer']:.1f}" in text


def test_observed_and_causal_side_by_side():
    observed = pd.DataFrame(
        [
            {
                "model": "without controls",
                "estimate": 0.02,
                "ci_low": 0.01,
                "ci_high": 0.03,
                "pvalue": 0.001,
                "n": 100,
            }
        ]
    )
    stats = pd.DataFrame({"email_purchases_per_contact": _row(0.01, 0.005, 0.015)}).T
    table = report.observed_and_causal(observed, stats)
    assert list(table["kind"]) == [
        "observational (regression across customers)",
        "causal (randomised)",
    ]
    assert table["n"].tolist() == [100, 20]
    assert "a ratio of 2.00" in report.observed_and_causal_text(observed, stats)


def test_contact_pays_text_follows_the_interval():
    outcomes = pd.DataFrame(
        {"revenue_per_customer_eur": [10.0, 20.0], "margin_per_customer_eur": [10.0, 5.0]},
        index=["email_0", "mix_planned_1"],
    )
    stats = pd.DataFrame(
        {
            "contact_minus_none_revenue": _row(10.0, 9.0, 11.0),
            "contact_minus_none_margin": _row(-5.0, -6.0, -4.0),
            "email_minus_none_margin": _row(1.0, 0.5, 1.5),
        }
    ).T
    text = report.contact_pays_text(outcomes, stats)
    # 15 EUR of extra cost for 10 EUR of revenue: pays at two thirds of the costs
    assert "costs 15.00 EUR more" in text and "at most 0.67 times" in text
    assert "e-mail alone pays." in text
    stats.loc["email_minus_none_margin", ["ci_low"]] = -0.5
    assert "e-mail alone is not shown to pay." in report.contact_pays_text(outcomes, stats)


def test_channel_pairs_text_prints_the_interactions():
    stats = pd.DataFrame(
        {
            "telephone_revenue_gain_alone": _row(3.0, 2.0, 4.0),
            "telephone_revenue_gain_with_email": _row(1.0, 0.0, 2.0),
            "email_telephone_revenue_interaction": _row(-2.0, -3.0, -1.0),
            "email_mail_margin_interaction": _row(-1.0, -2.0, 0.5),
            "email_mail_revenue_interaction": _row(-0.5, -1.0, 0.0),
        }
    ).T
    text = report.channel_pairs_text(stats)
    assert "adds 3.00 EUR" in text and "-2.00 EUR (95 % CI -3.00 to -1.00)" in text


def test_judges_and_estimates(runs):
    stats = report.attention_statistics_table(runs)
    outcomes = arm_outcomes(runs)
    judges = report.attention_judges(stats)
    point = pd.Series(
        attention_statistics({"n_customers": 300, "n_weeks": 8}, np.random.SeedSequence(0))
    )
    for claim, holds in judges.items():
        rule_verdict = judge(
            report.attention_estimates(stats, outcomes).loc[[claim]],
            notebook=NOTEBOOK,
            record=False,
        )["verdict"].iloc[0]
        assert rule_verdict in ("supported", "not supported")
        assert holds(point) in (True, False)
    estimates = report.attention_estimates(stats, outcomes)
    assert list(estimates.index) == list(report.ATTENTION_CLAIM_STATISTICS)
    assert estimates["condition"].str.contains("the smallest effect that would matter is").all()
    assert estimates.loc["C000-25", "effect"] == stats.loc["contact_minus_none_margin", "mean"]
    recorded = judge(estimates, notebook=NOTEBOOK, method="m", record=False)
    assert list(recorded["claim_id"]) == list(estimates.index)


def test_figures_are_drawn(runs):
    gains = factorial_revenue_gains(runs)
    fig = figures.plot_factorial_gains(gains, seed=1)
    assert "(3 replications)" in fig.axes[0].get_title()
    curves = pressure_response(
        ["email"],
        [0, 0.5, 1, 2, 4, 6],
        population=PopulationSpec(n_customers=300),
        n_weeks=8,
        n_replications=2,
        rng=1,
    )
    optima = figures.response_optima(curves, ["email"])
    assert list(optima["metric"]) == ["revenue_per_customer_eur", "margin_per_customer_eur"]
    text = figures.response_peaks_text(optima)
    assert text.startswith("Revenue peaks") and "email" in text
    fig = figures.plot_response_curves(curves, ["email"], seed=1)
    assert fig._suptitle.get_text() == "One channel alone, 2 replications of 300 customers"
    assert len(fig.axes) == 3


class _Assessment:
    """The parts of a robustness assessment the texts read."""

    def __init__(self, noisy):
        self.points = pd.DataFrame({"x": range(7)})
        self.space = pd.DataFrame({"parameter": ["a", "b"]})
        self.results = {"C000-17": None, "C000-25": None}
        self._noisy = noisy

    def summary(self):
        return pd.DataFrame(
            {
                "claim_id": ["C000-17", "C000-25"],
                "share": [0.8, 1.0],
                "ci_low": [0.7, 0.95],
                "ci_high": [0.9, 1.0],
                "noisy": self._noisy,
            }
        )

    def __getitem__(self, claim):
        return type("Result", (), {"n_noise": 40})()


def test_robustness_texts():
    text = report.robustness_design_text(_Assessment([False, False]), n_per_arm=100, n_weeks=52)
    assert text.startswith("7 runs of ") and "(2 parameters, 2 claims judged" in text
    calm = report.noise_text(_Assessment([False, False]), n_per_arm=3000)
    assert calm.startswith("Over 40 runs of 3,000 customers") and "every judged verdict" in calm
    noisy = report.noise_text(_Assessment([True, False]), n_per_arm=3000)
    assert "for C000-17:" in noisy and "The others (C000-25)" in noisy
