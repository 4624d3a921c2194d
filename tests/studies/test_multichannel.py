"""Multichannel purchase uplift (mcstudy.studies.multichannel)."""

import math

import numpy as np
import pandas as pd
import pytest

from mcstudy.model.engine import simulate
from mcstudy.model.population import PopulationSpec
from mcstudy.model.strategies import Monochannel
from mcstudy.studies.multichannel import (
    MULTICHANNEL_STATISTICS,
    POISSON_PML,
    association_at_point,
    decompose_gap,
    decompose_gaps,
    gap_table,
    multichannel_statistics,
    purchase_regressions,
    relative_gap,
    simulate_panel,
)


def test_relative_gap_known_answer():
    # groups {1, 3} (breadth 1, mean 2) and {4, 4} (breadth 2, mean 4); breadth 0 is left out
    gap = relative_gap([0, 1, 1, 2, 2], [9.0, 1.0, 3.0, 4.0, 4.0])
    assert gap.estimate == pytest.approx(1.0)
    # delta method by hand: var(log m1) = 0, var(log m0) = 2 / (2 * 2**2) = 0.25
    se = 0.5
    assert gap.ci_low == pytest.approx(2 * math.exp(-1.959964 * se) - 1)
    assert gap.ci_high == pytest.approx(2 * math.exp(1.959964 * se) - 1)
    assert (gap.n_multi, gap.n_single) == (2, 2)
    assert list(gap.summary().columns)[:3] == ["estimate", "ci_low", "ci_high"]
    three = relative_gap([1, 1, 2, 3, 3], [1.0, 1.0, 100.0, 3.0, 3.0], at_least=3)
    assert three.estimate == pytest.approx(2.0)


def test_relative_gap_bad_input():
    with pytest.raises(ValueError, match="same length"):
        relative_gap([1, 2], [1.0])
    with pytest.raises(ValueError, match="multichannel group must have at least 2"):
        relative_gap([1, 1, 2], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="mean outcome must be > 0"):
        relative_gap([1, 1, 2, 2], [0.0, 0.0, 3.0, 3.0])
    with pytest.raises(ValueError, match="'at_least' must be an int"):
        relative_gap([1, 1, 2, 2], [1.0, 1.0, 3.0, 3.0], at_least=1)


def test_decompose_gap_known_answer_and_bad_input():
    # (1 + 3) = (1 + 1) * 2 * (1 + 0): half mechanics, half selection on the log scale
    parts = decompose_gap(3.0, 1.0, 0.0).set_index("part")
    assert parts["share"].tolist() == pytest.approx([0.5, 0.5, 0.0])
    assert parts["log_gap"].sum() == pytest.approx(math.log(4.0))
    parts = decompose_gap(7.0, 1.0, 1.0).set_index("part")
    assert parts.loc["causal", "share"] == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="'mechanical' must be a relative gap > -1"):
        decompose_gap(1.0, -1.0, 0.0)
    with pytest.raises(ValueError, match="no gap to split"):
        decompose_gap(0.0, 0.0, 0.0)


def test_first_year_of_a_two_year_run_is_the_one_year_run():
    """The panel's year 2 is a difference of runs: it needs the draws keyed by week."""
    kwargs = dict(n_journeys=0, n_threads=1, progress=False, rng=11)
    strategy = Monochannel(channel="email", contact_pressure=0.0)
    one = simulate(PopulationSpec(n_customers=3000), strategy, n_weeks=52, **kwargs)
    two = simulate(PopulationSpec(n_customers=3000), strategy, n_weeks=104, **kwargs)
    w1, w2 = one.weekly, two.weekly
    cols = ["week", "channel", "purchases", "revenue_eur", "active_customers"]
    pd.testing.assert_frame_equal(
        w1[cols].reset_index(drop=True),
        w2.loc[w2["week"] < 52, cols].reset_index(drop=True),
        check_dtype=False,
    )
    a, b = one.customers, two.customers
    quiet = b["last_purchase_week"].fillna(-1).astype(int) < 52  # no purchase in year 2
    assert quiet.sum() > 2000
    assert (a.loc[quiet, "n_purchases"] == b.loc[quiet, "n_purchases"]).all()
    assert (b["n_purchases"] >= a["n_purchases"]).all()
    for c in ("engagement", "n_repertoire_channels", "tier"):
        pd.testing.assert_series_equal(a[c], b[c])


def test_panel_is_deterministic_and_consistent():
    params = {"n_customers": 4000}
    a = simulate_panel(params, np.random.default_rng(3))
    pd.testing.assert_frame_equal(a, simulate_panel(params, np.random.default_rng(3)))
    assert not a.equals(simulate_panel(params, np.random.default_rng(4)))
    assert (a["purchases"] >= 0).all() and (a["purchases_before"] >= 0).all()
    assert (a["channels_during"] <= a["purchases"]).all()
    assert (a["channels_during"] <= a["n_repertoire_channels"]).all()
    assert (a["channels_before"] <= a["n_repertoire_channels"]).all()
    # the calibrated model: channels cause nothing, the counterfactual is the outcome
    assert (a["purchases_no_breadth_effect"] == a["purchases"]).all()


def test_breadth_effect_counterfactual():
    params = {"n_customers": 4000, "population.breadth_purchase_effect": 1.0}
    panel = simulate_panel(params, np.random.default_rng(5))
    single = panel["n_repertoire_channels"] == 1
    # one channel: the breadth effect multiplies the rate by 1, the same draws, the same count
    assert (
        panel.loc[single, "purchases"] == panel.loc[single, "purchases_no_breadth_effect"]
    ).all()
    assert (
        panel.loc[~single, "purchases"].sum()
        > panel.loc[~single, "purchases_no_breadth_effect"].sum()
    )


def test_statistics_finite_and_causal_effect_zero_by_construction():
    s = multichannel_statistics({"n_customers": 5000}, np.random.default_rng(1))
    assert set(s) == set(MULTICHANNEL_STATISTICS)
    assert all(math.isfinite(v) for v in s.values())
    assert s["causal_2plus"] == 0.0 and s["causal_3plus"] == 0.0
    assert s == multichannel_statistics({"n_customers": 5000}, np.random.default_rng(1))
    on = multichannel_statistics(
        {"n_customers": 5000, "population.breadth_purchase_effect": 1.0},
        np.random.default_rng(1),
    )
    assert on["causal_3plus"] > on["causal_2plus"] > 0.5
    # too few customers for any group: the gaps stay finite (0)
    tiny = multichannel_statistics(
        {"n_customers": 100, "population.purchase_rate_per_week": 0.001},
        np.random.default_rng(1),
    )
    assert all(math.isfinite(v) for v in tiny.values())


def test_statistics_bad_input():
    with pytest.raises(ValueError, match="'n_customers' must be an int"):
        multichannel_statistics({"n_customers": 10}, np.random.default_rng(1))


def test_purchase_regressions_match_the_raw_gap_without_controls():
    panel = simulate_panel({"n_customers": 30_000}, np.random.default_rng(2))
    table = purchase_regressions(panel)
    assert len(table) == 5 and table["n"].gt(0).all()
    assert (table["ci_low"] <= table["estimate"]).all()
    assert (table["estimate"] <= table["ci_high"]).all()
    # with a single indicator the maximum-likelihood means are the group means
    row = table[(table["breadth_measured"] == "before") & (table["controls"] == "none")].iloc[0]
    raw = relative_gap(panel["channels_before"], panel["purchases"])
    assert row["estimate"] == pytest.approx(raw.estimate, rel=1e-4)
    with pytest.raises(ValueError, match="channels_during"):
        purchase_regressions(panel.drop(columns="channels_during"))


def test_purchase_regressions_use_one_estimator_and_survive_a_1e9_perturbation():
    # the estimator is never chosen by a property of the fit (formerly: whether a negative
    # binomial's standard error came out finite, which differs between CPUs), and the printed
    # table does not move when the data move by 1e-9 relative
    panel = simulate_panel({"n_customers": 20_000}, np.random.default_rng(5))
    table = pd.concat([purchase_regressions(panel, at_least=k) for k in (2, 3)])
    assert set(table["model"]) == {POISSON_PML}
    noise = np.random.default_rng(6).uniform(-1e-9, 1e-9, size=(len(panel), 2))
    moved = panel.assign(
        purchases=panel["purchases"] * (1 + noise[:, 0]),
        purchases_before=panel["purchases_before"] * (1 + noise[:, 1]),
    )
    again = pd.concat([purchase_regressions(moved, at_least=k) for k in (2, 3)])
    pd.testing.assert_frame_equal(table.round(3), again.round(3))


def _summary(values: dict) -> pd.DataFrame:
    return pd.DataFrame({"mean": values, "ci_low": {k: v - 0.1 for k, v in values.items()}}).assign(
        ci_high=lambda d: d["mean"] + 0.1
    )


GAPS = {
    f"{kind}_{k}plus": v
    for k, base in ((2, 1.0), (3, 2.0))
    for kind, v in (
        ("gap_during", base),
        ("gap_before", base + 0.2),
        ("gap_repertoire", base / 2),
        ("causal", 0.0),
    )
}


def test_gap_table_puts_observed_gaps_beside_the_causal_effect():
    summary = _summary(GAPS)
    totals = pd.Series(
        {f"n_{m}_{k}plus": 100 * k for m in ("during", "before", "repertoire") for k in (2, 3)}
        | {"n_during_1": 1000, "n_before_1": 2000, "n_repertoire_1": 3000}
    )
    table = gap_table(summary, totals)
    assert len(table) == 8
    row = table[table["statistic"] == "gap_during_3plus"].iloc[0]
    assert row["relative_gap"] == 2.0 and row["contrast"] == "3+ vs 1 channel"
    assert row["n"] == 300 + 1000  # multichannel and single-channel customers
    causal = table[table["statistic"] == "causal_2plus"].iloc[0]
    assert causal["evidence"] == "causal" and causal["n"] == 200  # the repertoire group only
    with pytest.raises(ValueError, match=r"lacks the metrics \['gap_during_2plus'\]"):
        gap_table(summary.drop(index="gap_during_2plus"), totals)
    with pytest.raises(ValueError, match="'totals' lacks the counts"):
        gap_table(summary, totals.drop(index="n_before_1"))
    with pytest.raises(TypeError, match="'summary' must be a DataFrame"):
        gap_table(GAPS, totals)


def test_decompose_gaps_is_decompose_gap_per_contrast_and_measure():
    reference = _summary(GAPS)
    mechanical = _summary({k: v / 2 for k, v in GAPS.items() if k.startswith("gap_")})
    parts = decompose_gaps(reference, mechanical)
    assert len(parts) == 2 * 2 * 3
    one = parts[(parts["contrast"] == "3+ vs 1 channel") & (parts["breadth_measured"] == "before")]
    expected = decompose_gap(2.2, 1.1, 0.0)
    assert one["share"].tolist() == pytest.approx(expected["share"].tolist())
    assert one["mechanical_ci_low"].iloc[0] == pytest.approx(1.0)


def test_association_at_point_judges_point_estimates():
    from mcstudy import rule_for

    rule = rule_for("C000-07")
    assert association_at_point(rule, 1.1, 0.0) == "artefact"
    assert association_at_point(rule, 1.1, 1.0) == "overstated"
    with pytest.raises(ValueError, match="'rule' must be a claim's registered 'association'"):
        association_at_point(rule_for("C000-03"), 1.1, 0.0)
