"""Tests for mcstudy.runs.summary."""


from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

from mcstudy.runs import summarise_replications

# ---- replication summaries -----------------------------------------------------------------

def test_summarise_replications():
    from mcstudy.runs import replicate

    table = replicate("toy_poisson", params={"rate": 3.0, "n": 50}, n_replications=8, rng=2,
                      progress=False)
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
