"""Tests of the integration study (notebook 05)."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from mcstudy.model import Omnichannel, SiloedMultichannel
from mcstudy.studies.integration import (
    INTEGRATION_FACTOR_GROUPS,
    KPI_PRESSURES,
    _emails_after_purchase,
    _exact_slope,
    coordination_contrasts,
    coordination_statistics,
    integration_arms,
    integration_contrasts,
    integration_statistics,
    kpi_grid_statistics,
    omnichannel_npv,
    path_outcomes,
    silo_equilibrium,
)


def test_integration_arms_span_the_path_from_siloed_to_omnichannel():
    arms = integration_arms()
    assert len(arms) == 2 ** len(INTEGRATION_FACTOR_GROUPS) + 1
    assert arms["none"] == SiloedMultichannel()
    omni = replace(
        Omnichannel(),
        fixed_investment_eur=0.0,
        integration_cost_per_channel_eur=0.0,
        coordination_cost_per_pair_eur_per_week=0.0,
        running_cost_per_week_eur=0.0,
        deployment_lag_weeks=0,
    )
    assert {f: getattr(arms["all"], f) for f in ("history_shared", "frequency_cap")} == {
        f: getattr(omni, f) for f in ("history_shared", "frequency_cap")
    }
    assert arms["shared_history"].history_shared == 1.0
    assert (
        arms["shared_history"].inconsistent_offer_prob
        == SiloedMultichannel().inconsistent_offer_prob
    )
    assert list(integration_arms("core")) == [
        "none",
        "consistent_offers",
        "shared_history",
        "all",
        "single_email",
    ]
    with pytest.raises(ValueError, match="'design'"):
        integration_arms("half")


def _by_key(frame: pd.DataFrame) -> dict:
    """A study's tidy rows by (arm, metric); the statistics of the whole experiment by name."""
    assert list(frame.columns) == ["arm", "metric", "value"]
    return {
        (m if pd.isna(a) else (a, m)): v
        for a, m, v in frame[["arm", "metric", "value"]].itertuples(index=False)
    }


@pytest.fixture(scope="module")
def core_run():
    frame = integration_statistics(
        {"n_customers": 3000, "design": "core"}, np.random.SeedSequence(5)
    )
    return _by_key(frame)


def test_integration_contrasts_are_the_study_rows_without_an_arm():
    params = {"n_customers": 600, "design": "core", "n_weeks": 26}
    frame = integration_statistics(params, np.random.SeedSequence(4))
    contrasts = integration_contrasts(params, np.random.SeedSequence(4))
    scalars = frame[frame["arm"].isna()].set_index("metric")["value"].to_dict()
    assert contrasts == scalars
    assert contrasts["retention_siloed"] == _by_key(frame)[("none", "retention")]
    # no metric name packs an arm
    assert not frame["metric"].str.contains("/").any()


def test_integration_statistics_follow_the_mechanisms(core_run):
    s = core_run
    # a shared history means no service contact ends in a repeated explanation
    assert s["shared_history", "effort_per_customer"] == 0.0
    assert s["none", "effort_per_customer"] > 0.0
    assert s["effort_shared_minus_not"] == pytest.approx(-s["none", "effort_per_customer"])
    # consistent offers: no contradictory week
    assert s["consistent_offers", "inconsistent_weeks"] == 0.0
    assert 0.0 < s["customers_contradicted_share"] < 1.0
    assert s["retention_omni_minus_siloed"] == pytest.approx(
        s["none", "churn_rate"] - s["all", "churn_rate"]
    )
    assert -1.0 < s["satisfaction_multi_minus_single_observed"] < 1.0
    # the comparison's error is the observed gap minus the causal effect of the same run
    assert s["satisfaction_comparison_error"] == pytest.approx(
        s["satisfaction_multi_minus_single_observed"]
        - (s["all", "satisfaction"] - s["none", "satisfaction"])
    )
    assert s["satisfaction_omni_minus_siloed"] > 0.0


def test_integration_statistics_apply_the_pressures():
    base = _by_key(
        integration_statistics({"n_customers": 500, "design": "core"}, np.random.SeedSequence(1))
    )
    more = _by_key(
        integration_statistics(
            {"n_customers": 500, "design": "core", "pressures": {"none": 3.0}},
            np.random.SeedSequence(1),
        )
    )
    assert more["none", "contacts_per_customer"] > 2 * base["none", "contacts_per_customer"]
    assert more["all", "contacts_per_customer"] == base["all", "contacts_per_customer"]


@pytest.mark.parametrize(
    ("pressures", "match"),
    [({"nowhere": 1.0}, "not arms"), ({"none": -1.0}, "pressures"), ([1.0], "mapping")],
)
def test_integration_statistics_reject_bad_pressures(pressures, match):
    with pytest.raises((TypeError, ValueError), match=match):
        integration_statistics(
            {"n_customers": 500, "design": "core", "pressures": pressures},
            np.random.SeedSequence(0),
        )


def test_coordination_statistics():
    s = _by_key(coordination_statistics({"n_customers": 400}, np.random.SeedSequence(2)))
    assert {k: s[k] for k in s if isinstance(k, str)} == coordination_contrasts(
        {"n_customers": 400}, np.random.SeedSequence(2)
    )
    # one channel cannot contradict itself or speak twice in a week through two channels
    assert s["channels_1", "multi_channel_weeks"] == 0.0
    assert s["channels_1", "contradictory_weeks"] == 0.0
    assert s["channels_3", "conflicts"] > 0.0
    # two weeks of suppression after a purchase: no e-mail the week after one
    assert s["email_after_purchase_suppressed_share"] == 0.0
    assert 0.0 <= s["email_after_purchase_share"] < 1.0
    assert 0.0 < s["duplicated_customers_share"] <= 1.0


def test_emails_after_purchase_known_answer():
    contacts = pd.DataFrame(
        {
            "arm": ["a"] * 4,
            "journey_id": [0, 0, 1, 1],
            "week": [3, 5, 2, 7],
            "channel": ["email", "email", "email", "sms"],
            "contacts": [2, 1, 1, 1],
        }
    )
    purchases = pd.DataFrame({"arm": ["a", "a"], "journey_id": [0, 1], "week": [2, 6]})
    # customer 0 bought in week 2 and got 2 e-mails in week 3; customer 1's contact in week 7
    # after a purchase in week 6 is an SMS: 2 of the 4 e-mails, 1 of the 2 buyers
    share, buyers = _emails_after_purchase(contacts, purchases, "a")
    assert share == pytest.approx(2 / 4)
    assert buyers == pytest.approx(1 / 2)


def _grid(margin, kpi_email, kpi_mail):
    rows = {}
    for p in KPI_PRESSURES:
        for q in KPI_PRESSURES:
            rows[f"email_{p:g}_mail_{q:g}"] = {
                "margin": margin(p, q),
                "kpi_email": kpi_email(p, q),
                "kpi_postal_mail": kpi_mail(p, q),
            }
    return pd.DataFrame(rows).T


def test_silo_equilibrium_known_answer():
    # each team's KPI rises with its own pressure up to 2, whatever the other does; the
    # firm's margin is highest with half a contact of each
    grid = _grid(
        lambda p, q: -((p - 0.5) ** 2) - (q - 0.5) ** 2,
        lambda p, q: -((p - 2) ** 2),
        lambda p, q: -((q - 2) ** 2) - p,
    )
    out = silo_equilibrium(grid)
    assert out == {"silo": "email_2_mail_2", "global": "email_0.5_mail_0.5", "converged": True}
    with pytest.raises(ValueError, match="columns"):
        silo_equilibrium(grid.drop(columns="margin"))


def test_omnichannel_npv_known_answers():
    # no costs, no discounting: the gain from the end of the deployment to the horizon
    npv = omnichannel_npv(
        12.0,
        1000,
        fixed_investment_eur=0.0,
        integration_cost_per_channel_eur=0.0,
        coordination_cost_per_pair_eur_per_week=0.0,
        running_cost_per_week_eur=0.0,
        deployment_months=6,
        horizon_years=2,
        discount_rate=0.0,
    )
    assert float(npv) == pytest.approx(12.0 * 1000 * 18 / 12)
    # costs only: minus the investment and the running costs after the deployment
    npv = omnichannel_npv(
        0.0,
        1000,
        fixed_investment_eur=100.0,
        n_channels=2,
        integration_cost_per_channel_eur=10.0,
        coordination_cost_per_pair_eur_per_week=1.0,
        running_cost_per_week_eur=0.0,
        deployment_months=0,
        horizon_years=1,
        discount_rate=0.0,
    )
    assert float(npv) == pytest.approx(-120.0 - 52.0)
    grid = omnichannel_npv(5.0, np.array([[1e3], [1e6]]), fixed_investment_eur=np.array([5e4, 5e6]))
    assert grid.shape == (2, 2)
    assert grid[1, 0] > grid[0, 0] and grid[1, 0] > grid[1, 1]
    with pytest.raises(ValueError, match="n_customers"):
        omnichannel_npv(1.0, -5)


def test_silo_equilibrium_ties_go_to_the_lowest_pressure_and_survive_perturbation():
    # the e-mail team's KPI is flat from pressure 1 on: a tie that rounding could break
    # either way; it goes to the lowest pressure whatever the last bits say
    grid = _grid(
        lambda p, q: -((p - 0.5) ** 2) - (q - 0.5) ** 2,
        lambda p, q: 5.0 - (min(p, 1.0) - 1) ** 2,
        lambda p, q: -((q - 2) ** 2),
    )
    expected = silo_equilibrium(grid)
    assert expected["silo"] == "email_1_mail_2"
    gen = np.random.default_rng(0)
    for _ in range(20):
        moved = grid * (1 + gen.uniform(-1e-9, 1e-9, size=grid.shape))
        assert silo_equilibrium(moved) == expected


def test_path_outcomes_average_each_arm_over_the_replications():
    runs = pd.DataFrame(
        {
            "replication": [0, 0, 0, 1, 1, 1],
            "arm": [None, "a", "b", None, "a", "b"],
            "metric": ["gap", "m", "m", "gap", "m", "m"],
            "value": [9.0, 1.0, 2.0, 9.0, 3.0, 6.0],
        }
    )
    out = path_outcomes(runs)
    assert list(out.index) == ["a", "b"]
    assert out["m"].tolist() == [2.0, 4.0]
    assert "gap" not in out.columns


def test_kpi_grid_reaches_the_silo_equilibrium_from_one_run():
    frame = kpi_grid_statistics({"n_customers": 100, "n_weeks": 8}, np.random.SeedSequence(0))
    assert frame["arm"].nunique() == len(KPI_PRESSURES) ** 2
    assert set(frame["metric"]) == {"margin", "revenue", "kpi_email", "kpi_postal_mail"}
    out = silo_equilibrium(path_outcomes(frame.assign(replication=0)))
    assert set(out) == {"silo", "global", "converged"}


def test_silo_equilibrium_refuses_a_dict():
    with pytest.raises(TypeError, match="'outcomes' must be a DataFrame indexed by arm"):
        silo_equilibrium({"email_0_mail_0": {"margin": 1.0}})


def test_the_conflicts_slope_is_exact_so_a_threshold_it_equals_is_met_on_every_cpu():
    # Notebook 05's design had a point whose counts give a slope of exactly 0.1, the rule's
    # smallest effect: LAPACK's fit gave 0.1 with one CPU's kernels and 0.09999999999999999
    # with another's, and the point's verdict with it.
    counts = [100, 110, 150, 140, 160]  # exact slope 15: at 150 customers a year, 0.1
    assert _exact_slope(counts) == Fraction(15)
    assert float(_exact_slope(counts) / (150 * Fraction(52, 52))) == 0.1
    assert _exact_slope([1, 2, 4, 8, 9]) == Fraction(11, 5)  # np.polyfit: 2.2000000000000006
    with pytest.raises(ValueError, match="at least 2 values"):
        _exact_slope([3])
