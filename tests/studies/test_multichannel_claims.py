"""Notebook 03's sweep, prose and estimates (mcstudy.studies.multichannel_claims)."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from mcstudy.claims import judge, rule_for
from mcstudy.studies import multichannel_claims as mc
from mcstudy.studies.multichannel import (
    MULTICHANNEL_STATISTICS,
    decompose_gaps,
    multichannel_statistics,
)

NOTEBOOK = "03_multichannel_purchase_uplift.ipynb"


def _summary(values):
    return pd.DataFrame(
        {
            "mean": [values.get(m, 0.5) for m in MULTICHANNEL_STATISTICS],
            "ci_low": [values.get(m, 0.5) - 0.1 for m in MULTICHANNEL_STATISTICS],
            "ci_high": [values.get(m, 0.5) + 0.1 for m in MULTICHANNEL_STATISTICS],
        },
        index=pd.Index(MULTICHANNEL_STATISTICS, name="metric"),
    )


def test_gap_sweep_runs_every_point_on_the_same_draws():
    grid = mc.gap_sweep((0.0,), (0.0, 1.0), n_customers=500, rng=np.random.SeedSequence(3))
    assert grid[["engagement_breadth_link", "breadth_purchase_effect"]].values.tolist() == [
        [0.0, 0.0],
        [0.0, 1.0],
    ]
    seed = np.random.SeedSequence(3)
    first = multichannel_statistics(
        {
            "n_customers": 500,
            "population.engagement_breadth_link": 0.0,
            "population.breadth_purchase_effect": 0.0,
        },
        seed,
    )
    assert grid.iloc[0][list(first)].tolist() == list(first.values())
    assert grid.loc[0, "causal_3plus"] == 0.0
    fig = mc.plot_gap_sweep(grid, 2.87)
    assert len(fig.axes) == 4
    assert mc.first_causal_effect(grid, 1e9) != mc.first_causal_effect(grid, 1e9)  # NaN
    text = mc.sweep_phrase(grid, 2.87, 0.3)
    assert "of the 2 grid\npoints" in text and "against 0.300" in text


def test_phrases_print_the_computed_values():
    ref = _summary({"gap_during_2plus": 1.12, "causal_2plus": 0.0, "purchases_per_customer": 0.2})
    text = mc.reference_phrase(ref)
    assert "+112 % more" in text and "makes 0.200 purchases" in text
    mech = _summary({"gap_during_2plus": 1.0})
    decomposition = decompose_gaps(ref, mech)
    shares = mc.decomposition_shares(decomposition)
    assert shares.sum() == pytest.approx(1.0)
    assert f"{100 * shares['mechanical']:.0f} % of the" in mc.decomposition_phrase(
        decomposition, 20
    )
    table = mc.decomposition_table(decomposition)
    assert list(table.columns) == ["mechanical", "selection", "causal"] and len(table) == 4


def test_regression_phrase_reads_the_2plus_rows():
    rows = [
        ("2+ vs 1 channel", "during", "tier + profile", 1.1, 1.0, 1.2, 100),
        ("2+ vs 1 channel", "before", "tier + profile + purchases before", 0.2, 0.05, 0.3, 200),
        ("3+ vs 1 channel", "during", "tier + profile", 9.0, 8.0, 10.0, 50),
    ]
    regressions = pd.DataFrame(
        rows,
        columns=["contrast", "breadth_measured", "controls", "estimate", "ci_low", "ci_high", "n"],
    )
    text = mc.regression_phrase(regressions)
    assert "it is +110 % (95 % CI\n+100 to +120 %, n =\n100)" in text
    assert "gap to +20 %" in text and "+900" not in text


def test_association_estimate_is_judged_against_the_causal_interval():
    ref = _summary({"gap_during_2plus": 1.12, "causal_2plus": 0.0})
    ref.loc["causal_2plus", ["ci_low", "ci_high"]] = [0.0, 0.0]
    gaps = pd.DataFrame({"statistic": ["gap_during_2plus"], "n": [1234]})
    est = mc.association_estimate(ref, gaps, n_replications=3, n_customers=1000)
    assert est.loc["C000-07", "n"] == 1234
    assert "3 replications of 1,000 simulated customers" in est.loc["C000-07", "method"]
    verdict = judge(est, notebook=NOTEBOOK, record=False)["verdict"].item()
    assert verdict == "artefact"
    holds = mc.association_judges(rule_for("C000-07"), verdict)["C000-07"]
    assert holds({"gap_during_2plus": 1.12, "causal_2plus": 0.0}) is True
    assert holds({"gap_during_2plus": 1.12, "causal_2plus": 1.12}) is False


def test_hbr_estimates_give_the_registered_verdicts():
    est = mc.hbr_estimates()
    assert est.loc["C001-07", ["ci_low", "ci_high"]].tolist() == [0.04, 0.23]
    verdicts = judge(est, notebook=NOTEBOOK, record=False).set_index("claim_id")["verdict"]
    assert verdicts.to_dict() == {"C001-07": "not supported", "C001-08": "supported"}


def test_regression_table_stacks_both_contrasts():
    from mcstudy.studies.multichannel import purchase_regressions, simulate_panel

    panel = simulate_panel({"n_customers": 30_000}, np.random.default_rng(2))
    table = mc.regression_table(panel)
    assert list(table["contrast"].unique()) == ["2+ vs 1 channel", "3+ vs 1 channel"]
    assert list(table.columns)[:3] == ["contrast", "breadth_measured", "controls"]
    two = purchase_regressions(panel, at_least=2)
    assert table["estimate"].iloc[: len(two)].tolist() == two["estimate"].tolist()
