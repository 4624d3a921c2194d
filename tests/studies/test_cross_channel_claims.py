"""The cross-channel claims' evidence: box 3, Celio's ratio, the estimates and judges."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from mcstudy.claims import judge, rule_for
from mcstudy.io import load_referral_network
from mcstudy.studies import cross_channel_claims as evidence


def test_box3_is_coherent_under_every_assignment():
    box = evidence.box3_coherence(load_referral_network())
    assert box.n_assignments == 720
    assert box.total == pytest.approx(1.30)
    assert box.largest == 0.45 and box.named == (0.45, 0.33, 0.21)
    # the two largest shares leaving one channel: 45 % + 33 %
    assert box.largest_outflow == pytest.approx(0.78)
    assert box.catalogue_stays == pytest.approx(1 - 0.45 - 0.21)
    assert "720 assignments" in evidence.box3_phrase(box)
    est = evidence.box3_estimate(box)
    assert est.loc["C000-20", ["ci_low", "ci_high"]].tolist() == pytest.approx([0.445, 0.455])
    with pytest.raises(ValueError, match="network"):
        evidence.box3_coherence(load_referral_network().drop(columns="mapping"))


def _celio():
    rows = []
    for rep in range(3):
        for matrix, slope in (("box3", -0.2), ("default", 2.0)):
            for r in (0.0, 0.5, 1.0):
                rows.append((rep, matrix, r, "causal_log10", slope * r + 0.01 * rep))
                rows.append((rep, matrix, r, "observed_log10", 0.5 * slope * r))
        rows.append((rep, "", np.nan, "base_shop_share", 0.3))
    return pd.DataFrame(
        rows, columns=["replication", "matrix", "referral_strength", "metric", "value"]
    )


def test_celio_table_phrase_and_figure():
    celio = _celio()
    table = evidence.celio_table(celio)
    assert len(table) == 2 * 3 * 2 and (table["n"] == 3).all()
    at = (table["matrix"] == "default") & (table["ratio"] == "causal")
    assert table.loc[at, "log10_mean"].tolist() == pytest.approx([0.01, 1.01, 2.01])
    text = evidence.celio_phrase(celio, table, 1.0)
    # default causal crosses 1 between 0 and 0.5: 0.5 * (1 - 0.01) / 1
    assert "from a referral strength of about 0.49" in text
    assert "at no referral strength" in text and "shops take 30 %" in text
    fig = evidence.plot_celio(celio, 1.0, seed=0)
    assert fig.axes[0].get_xlabel() == "referral strength"


def test_claim_estimates_and_judges_follow_the_registry():
    ratios = pd.DataFrame(
        {"estimate": [0.7, 0.9, -0.25], "ci_low": [0.6, 0.7, -0.3], "ci_high": [0.8, 1.1, -0.2]},
        index=list(evidence.CLAIM_STATISTICS.values())[1:],
    ).assign(n=20, method="ratio of means")
    stats = pd.DataFrame(
        [["cross_channel", "last_touch", "", "upstream_gap_normalised", -0.2, -0.3, -0.1, 20]],
        columns=[
            "arm",
            "method",
            "channel",
            "metric",
            "mean",
            "ci_low",
            "ci_high",
            "n_replications",
        ],
    )
    rules = {c: rule_for(c) for c in evidence.CLAIM_STATISTICS}
    est = evidence.claim_estimates(
        ratios, stats, rules, n_per_arm=100, n_weeks=10, n_replications=20
    )
    assert list(est.index) == list(evidence.CLAIM_STATISTICS)
    assert est.loc["C003-06", "effect"] == -0.2 and est.loc["C000-22", "n"] == 20
    assert "100 customers per arm, 10 weeks" in est.loc["C002-08", "method"]
    reference = judge(est, notebook="07_cross_channel_and_attribution.ipynb", record=False)
    judges = evidence.robustness_judges(reference, rules)
    verdicts = reference.set_index("claim_id")["verdict"]
    for claim, holds in judges.items():
        statistic = evidence.CLAIM_STATISTICS[claim]
        assert holds({statistic: est.loc[claim, "effect"]}) is True, verdicts[claim]
    assert judges["C000-22"]({"log10_shop_over_online": 1.0}) is False
