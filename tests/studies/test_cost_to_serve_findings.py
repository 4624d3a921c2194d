"""Tests of what the cost-to-serve experiments find, in tables, figures and words."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from mcstudy._vocab import TIERS
from mcstudy.io import load_channels
from mcstudy.studies import cost_to_serve_findings as found
from mcstudy.studies.cost_to_serve import OPTIONS, assignment_margins

SHARES = (0.75, 0.20, 0.05)


def _stats(names, mean=0.1, low=0.05, high=0.15, n=20):
    return pd.DataFrame(
        {"mean": mean, "ci_low": low, "ci_high": high, "n_replications": n},
        index=pd.Index(list(names), name="metric"),
    )


def _runs(n_reps=4):
    """Per-tier margins: key accounts earn 100 more than small ones, each option k adds k."""
    rows = []
    for rep in range(n_reps):
        for t, tier in enumerate(TIERS):
            for k, option in enumerate(OPTIONS):
                rows.append((rep, None, tier, option, "margin", 50.0 * t + k + 0.1 * rep))
        rows.append((rep, "tiered", None, None, "margin", 1.0 + rep))
        rows.append((rep, None, None, None, "tiered_minus_uniform_margin", 2.0))
    return pd.DataFrame(rows, columns=["replication", "arm", "tier", "option", "metric", "value"])


def _search():
    zeros = pd.DataFrame(
        np.arange(3 * len(OPTIONS), dtype=float).reshape(3, -1),
        index=pd.Index(list(TIERS), name="tier"),
        columns=list(OPTIONS),
    )
    table = assignment_margins(zeros, SHARES)
    table = table.rename(columns={"margin_per_customer_eur": "mean"})
    table = table.sort_values("mean", ascending=False, ignore_index=True)
    return table.assign(ci_low=table["mean"] - 1, ci_high=table["mean"] + 1, wins=0.5)


def test_tier_contrasts_set_the_tier_gap_against_the_randomised_ones():
    observed = found.tier_contrasts(_runs())
    assert observed["kind"].tolist() == ["observational", *["causal (randomised)"] * 2]
    gap = observed["margin difference (EUR per customer-year)"]
    # key accounts visited and phoned (option 5) minus small ones mailed (option 1)
    assert gap.tolist() == pytest.approx([100.0 + 5 - 1, 5 - 1, 1 - 0])
    # the differences do not vary across replications: a zero-width interval
    assert observed["ci_low"].tolist() == pytest.approx(gap.tolist())
    assert observed["n"].tolist() == [4, 4, 4]
    text = found.describe_tier_gap(observed)
    assert "earn 104 euros of margin per customer-year" in text
    assert "postal mail is 4 euros (4 to 4)" in text


def test_arm_table_averages_each_arm():
    runs = pd.DataFrame(
        {
            "replication": [0, 1, 0],
            "arm": ["a", "a", None],
            "metric": ["margin", "margin", "gap"],
            "value": [1.0, 3.0, 9.0],
        }
    )
    full = pd.concat([runs.assign(metric=m) for m in found._ARM_COLUMNS if m != "margin"] + [runs])
    table = found.arm_table(full)
    assert list(table.index) == ["a"] and table.loc["a", "margin"] == 2.0
    assert list(table.columns) == found._ARM_COLUMNS


def test_shown_assignments_and_search_text():
    search = _search()
    search["rank"] = range(1, len(search) + 1)
    shown = found.shown_assignments(search, at=100, n_best=3)
    assert list(shown.index[:3]) == [1, 2, 3] and shown.index[-1] == 101
    assert shown.loc[shown.index[3:-1], "uniform"].all()
    stats = _stats(["search_best_minus_best_uniform_margin", "search_best_minus_000_margin"])
    text = found.describe_search(search, stats)
    assert "key accounts **face_to_face+telephone**" in text
    assert f"of {len(search)}:" in text


def test_plot_margin_by_tier_draws_one_panel_per_tier():
    fig = found.plot_margin_by_tier(_runs(), seed=0)
    assert [ax.get_title() for ax in fig.axes] == [f"{t} customers" for t in TIERS]
    assert "4 replications" in fig._suptitle.get_text()
    plt.close(fig)


def test_declared_space_and_price_ladder():
    space = found.declared_space(
        ["channel.cost_per_contact_eur.email", "response.persuasion_effect"]
    )
    assert list(space.columns) == ["low", "high", "scale", "status", "declared"]
    assert space.loc["channel.cost_per_contact_eur.email", "low"] > 0
    check = found.price_ladder_check()
    assert check.loc["telephone", "price from 000 (1 - discount)"] == pytest.approx(0.8)
    assert check.loc["website", "catalogue service_price_index"] == pytest.approx(0.6)


def test_describe_cost_ratios_quotes_the_catalogue():
    catalogue = load_channels().set_index("channel")
    params = [f"channel.cost_per_contact_eur.{c}" for c in ("face_to_face", "call_centre")]
    params += [f"channel.cost_per_contact_eur.{c}" for c in ("telephone", "postal_mail")]
    space = found.declared_space(params)
    ratio = (
        catalogue.loc["face_to_face", "cost_per_contact_eur"]
        / catalogue.loc["call_centre", "cost_per_contact_eur"]
    )
    assert found.describe_cost_ratios(catalogue, space).startswith(
        f"A visit costs {ratio:.0f} times a call-centre contact"
    )


def test_describe_paragraphs_quote_their_statistics():
    stats = _stats(
        [
            "tiered_minus_uniform_margin",
            "tiered_minus_uniform_contact_cost",
            "uniform_pressure_ratio",
            "tiered_composed_minus_simulated_margin",
            "tiered_minus_none_margin",
            "call_centre_cost_change",
            "call_centre_revenue_change",
            "branch_share_change",
            "branch_share_uniform_prices",
            "search_best_minus_000_margin",
            "key_visits_minus_none_margin",
        ]
    )
    assert "(the remaining gap is 0.10 euros, 0.05 to 0.15)" in found.describe_equal_budget(stats)
    arms = pd.DataFrame({"cost": [200.0, 90.0]}, index=["cc_sales_force", "cc_call_centre_small"])
    text = found.describe_call_centre(stats, arms, SHARES)
    assert "by 10.0% (5.0% to 15.0%), from 200 to 90 euros" in text
    space = found.declared_space(["study.channel_price_elasticity"])
    assert "changes by 0.1000 (0.0500 to 0.1500)" in found.describe_price_ladder(stats, space)
    drivers = pd.DataFrame(
        {
            "claim_id": ["C1", "C1 (other part)"],
            "statistic": ["a", "b"],
            "low": [1.0, 2.0],
            "high": [3.0, 4.0],
            "moved_by": ["x (1)", "none"],
        }
    )
    summary = pd.DataFrame({"share": [0.75]}, index=["C1"])
    text = found.describe_drivers(drivers, summary, stats.iloc[0], stats)
    assert text.splitlines()[1].startswith("* **C1 (other part)** (`b`): from 2 to 4")
    assert "holds in a share 0.75" in text


def test_notes_and_method_of_the_verdicts():
    search = _search()
    stats = _stats(
        ["tiered_minus_none_margin", "search_best_minus_000_margin", "key_visits_minus_none_margin"]
    )
    notes = found.cost_to_serve_notes(
        stats,
        search,
        stats.iloc[0],
        {"small_mail_minus_phone_margin": "supported", "key_visits_minus_none_margin": "no"},
    )
    assert set(notes) == {"C000-05", "C000-08", "C002-05", "C002-07"}
    assert f"of {len(search)}" in notes["C000-08"]
    assert "remote channels for small customers supported" in notes["C002-05"]
    method = found.cost_to_serve_method(
        n_per_arm=3000, n_weeks=52, pressure=0.25, n_replications=20
    )
    assert method.startswith("randomised arms on one simulated population, 3,000 customers")
    assert "base pressure 0.25 contact a week" in method
