"""Tests for mcstudy.experiments.summary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from mcstudy.experiments import summarise_replications

# ---- replication summaries -----------------------------------------------------------------


def test_summarise_replications():
    from mcstudy.experiments import replicate

    table = replicate(
        "toy_poisson", params={"rate": 3.0, "n": 50}, n_replications=8, rng=2, progress=False
    )
    out = summarise_replications(table, metrics=["variance", "mean"])
    assert list(out["metric"]) == ["variance", "mean"]
    values = table.loc[table["metric"] == "mean", "value"]
    row = out.set_index("metric").loc["mean"]
    assert row["n_replications"] == 8
    assert row["mean"] == pytest.approx(values.mean())
    assert row["sd"] == pytest.approx(values.std(ddof=1))
    half = sps.t.ppf(0.975, 7) * values.std(ddof=1) / np.sqrt(8)
    assert row["ci_low"] == pytest.approx(values.mean() - half)
    assert row["q_high"] == pytest.approx(values.quantile(0.975))
    assert list(summarise_replications(table)["metric"]) == ["mean", "variance"]
    with pytest.raises(ValueError, match=r"metrics \['median'\] are not in 'results'"):
        summarise_replications(table, metrics=["median"])


def test_missing_values_are_counted_apart_and_left_out():
    # Values [1, NaN, 3]: n = 2, mean 2, sd sqrt(2), and the 95 % t-interval
    # 2 -/+ t(0.975, df=1) * sqrt(2) / sqrt(2) = 2 -/+ 12.7062 (t(0.975, 1) = 12.7062 in any
    # t table, e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2) = (-10.7062, 14.7062). Counting the
    # NaN as a replication gave n = 3 and (-1.51, 5.51).
    table = pd.DataFrame(
        {
            "replication": [0, 1, 2, 0, 1, 2],
            "metric": ["a"] * 3 + ["b"] * 3,
            "value": [1.0, np.nan, 3.0, np.nan, np.nan, 4.0],
        }
    )
    out = summarise_replications(table).set_index("metric")
    assert list(out.columns) == [
        "n_replications",
        "n_missing",
        "mean",
        "sd",
        "ci_low",
        "ci_high",
        "q_low",
        "q_high",
    ]
    a = out.loc["a"]
    assert (a["n_replications"], a["n_missing"]) == (2, 1)
    assert a["mean"] == 2.0 and a["sd"] == pytest.approx(np.sqrt(2))
    assert a["ci_low"] == pytest.approx(-10.7062, abs=1e-4)
    assert a["ci_high"] == pytest.approx(14.7062, abs=1e-4)
    b = out.loc["b"]  # one value: a mean but no interval
    assert (b["n_replications"], b["n_missing"], b["mean"]) == (1, 2, 4.0)
    assert np.isnan(b["sd"]) and np.isnan(b["ci_low"]) and np.isnan(b["ci_high"])


def test_mean_interval_is_the_tables_interval():
    from mcstudy.experiments import mean_interval

    values = [2.0, 3.5, 1.0, 4.0, np.nan, 2.5]
    table = pd.DataFrame({"replication": range(6), "metric": "m", "value": values})
    row = summarise_replications(table).iloc[0]
    assert mean_interval(values) == pytest.approx((row["ci_low"], row["ci_high"]))
    # by hand: 5 values, mean 2.6, sd 1.1937..., t(0.975, 4) = 2.776...
    half = sps.t.ppf(0.975, 4) * np.std([2.0, 3.5, 1.0, 4.0, 2.5], ddof=1) / np.sqrt(5)
    assert mean_interval(values)[0] == pytest.approx(2.6 - half)
    assert all(np.isnan(mean_interval([1.0])))
    with pytest.raises(ValueError, match="'alpha'"):
        mean_interval(values, alpha=1.5)
