"""The Pareto/NBD fit: published CDNOW estimates, recovery of known parameters, bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mcstudy.analysis.dropout import (
    CDNOW_CALIBRATION_END,
    ParetoNBDFit,
    fit_pareto_nbd,
    rfm_summary,
)
from mcstudy.io.datasets import load_cdnow

lifetimes_datasets = pytest.importorskip("lifetimes.datasets")
#: lifetimes ships the CDNOW 1-in-10 sample and Fader and Hardie's summary of it.
CDNOW_SAMPLE = Path(lifetimes_datasets.__file__).parent / "CDNOW_sample.txt"


def test_rfm_summary_of_the_cdnow_sample_is_fader_and_hardies():
    summary = rfm_summary(load_cdnow(CDNOW_SAMPLE, sample=True), end=CDNOW_CALIBRATION_END)
    published = lifetimes_datasets.load_cdnow_summary(index_col=[0])
    order = ["frequency", "recency", "T"]
    ours = summary.round(2).sort_values(order).to_numpy()
    theirs = published.sort_values(order).to_numpy()
    assert ours.shape == theirs.shape == (2357, 3)
    np.testing.assert_array_equal(ours, theirs)


def test_cdnow_sample_gives_the_published_estimates():
    """Fader, Hardie and Lee (2005): r 0.55, alpha 10.58, s 0.61, beta 11.67; LL -9,595.0."""
    fit = fit_pareto_nbd(lifetimes_datasets.load_cdnow_summary(index_col=[0]))
    assert (round(fit.r, 2), round(fit.alpha, 2), round(fit.s, 2), round(fit.beta, 2)) == (
        0.55,
        10.58,
        0.61,
        11.67,
    )
    assert fit.loglik == pytest.approx(-9594.98, abs=0.01)
    assert fit.n == 2357
    table = fit.summary().set_index("quantity")
    assert table.loc["rate_cv2", "estimate"] == pytest.approx(1 / fit.r)
    assert table.loc["dropout_cv", "estimate"] == pytest.approx(fit.s**-0.5)
    assert table.loc["mean_dropout_per_week", "estimate"] == pytest.approx(fit.s / fit.beta)
    assert (table["ci_low"] < table["estimate"]).all()
    assert (table["estimate"] < table["ci_high"]).all()


def _pareto_nbd_customers(r, alpha, s, beta, weeks, n, seed):
    """Customers of a Pareto/NBD world, observed for ``weeks`` from their first purchase."""
    rng = np.random.default_rng(seed)
    rate = rng.gamma(r, 1 / alpha, n)
    lifetime = rng.exponential(1 / rng.gamma(s, 1 / beta, n))
    alive = np.minimum(lifetime, weeks)
    frequency = rng.poisson(rate * alive)
    # the last of `frequency` uniform times over the alive part
    recency = np.where(frequency > 0, alive * rng.random(n) ** (1 / np.maximum(frequency, 1)), 0)
    return pd.DataFrame({"frequency": frequency, "recency": recency, "T": np.full(n, weeks)})


def test_fit_recovers_known_parameters_within_its_intervals():
    truth = {"r": 0.6, "alpha": 12.0, "s": 0.5, "beta": 9.0}
    fit = fit_pareto_nbd(_pareto_nbd_customers(**truth, weeks=39.0, n=20_000, seed=3))
    table = fit.summary().set_index("quantity")
    for name, value in truth.items():
        assert table.loc[name, "ci_low"] < value < table.loc[name, "ci_high"], name
    # and the intervals are informative: r's interval spans less than 25 %, the dropout CV's
    # estimate is within 25 % of the truth
    assert table.loc["r", "ci_high"] / table.loc["r", "ci_low"] < 1.25
    assert abs(table.loc["dropout_cv", "estimate"] / 0.5**-0.5 - 1) < 0.25


def test_fit_tells_heterogeneous_from_homogeneous_dropout():
    """Much dropout heterogeneity (s = 0.3) against little (s = 20): the CV estimates differ."""
    hetero = fit_pareto_nbd(_pareto_nbd_customers(0.8, 10.0, 0.3, 5.0, 52.0, 20_000, 1))
    homo = fit_pareto_nbd(_pareto_nbd_customers(0.8, 10.0, 20.0, 400.0, 52.0, 20_000, 1))
    cv = {
        name: fit.summary().set_index("quantity").loc["dropout_cv"]
        for name, fit in (("hetero", hetero), ("homo", homo))
    }
    assert cv["hetero"]["ci_low"] > 1.2 > cv["homo"]["ci_high"]


def test_result_is_frozen():
    fit = fit_pareto_nbd(_pareto_nbd_customers(0.6, 12.0, 0.5, 9.0, 39.0, 2_000, 0))
    assert isinstance(fit, ParetoNBDFit)
    with pytest.raises(AttributeError):
        fit.r = 1.0


def test_rfm_summary_refuses_bad_input():
    log = pd.DataFrame(
        {"customer_id": [1, 1, 2], "date": pd.to_datetime(["1997-01-01", "1997-02-01", None])}
    )
    with pytest.raises(ValueError, match=r"'transactions' is missing columns \['when'\]"):
        rfm_summary(log, end="1997-09-30", date="when")
    with pytest.raises(ValueError, match=r"column 'date' has missing values at rows \[2\]"):
        rfm_summary(log, end="1997-09-30")
    with pytest.raises(
        ValueError, match=r"must hold dates \(datetime64, no time zone\); got (object|str)"
    ):
        rfm_summary(log.assign(date=["a", "b", "c"]), end="1997-09-30")
    with pytest.raises(ValueError, match="no purchase on or before end 1996-12-31"):
        rfm_summary(log.dropna(), end="1996-12-31")
    with pytest.raises(ValueError, match=r"column 'customer_id' has missing values at rows \[1\]"):
        rfm_summary(log.dropna().assign(customer_id=[1, None]), end="1997-09-30")
    with pytest.raises(ValueError, match="'end' must be a date"):
        rfm_summary(log.dropna(), end="not a date")
    with pytest.raises(ValueError, match="no time zone"):
        rfm_summary(
            log.dropna().assign(date=log["date"].dropna().dt.tz_localize("UTC")), end="1997-09-30"
        )


def test_rfm_summary_counts_every_purchase_of_the_end_day():
    log = pd.DataFrame(
        {"customer_id": [1, 1], "date": pd.to_datetime(["1997-01-01 00:00", "1997-01-08 10:00"])}
    )
    summary = rfm_summary(log, end="1997-01-08")
    assert summary.loc[1, "frequency"] == 1


def test_fit_refuses_bad_summaries():
    good = _pareto_nbd_customers(0.6, 12.0, 0.5, 9.0, 39.0, 500, 0)
    with pytest.raises(ValueError, match=r"'summary' is missing columns \['T'\]"):
        fit_pareto_nbd(good.drop(columns="T"))
    with pytest.raises(ValueError, match=r"'frequency' must be finite numbers >= 0 and integers"):
        fit_pareto_nbd(good.assign(frequency=good["frequency"] + 0.5))
    with pytest.raises(ValueError, match=r"'recency' must be finite numbers >= 0; rows \[0\]"):
        fit_pareto_nbd(good.assign(recency=[np.nan, *good["recency"].iloc[1:]]))
    late = good.copy()
    late.loc[late.index[late["frequency"] > 0][0], "recency"] = 100.0
    with pytest.raises(ValueError, match="recency must be at most T, and 0 exactly when"):
        fit_pareto_nbd(late)
    with pytest.raises(ValueError, match="'frequency' must hold numbers; got booleans"):
        fit_pareto_nbd(good.assign(frequency=good["frequency"] > 0))
    with pytest.raises(ValueError, match="1 customers made a repeat purchase; .* at least 10"):
        fit_pareto_nbd(
            pd.DataFrame({"frequency": [1] + [0] * 99, "recency": [3.0] + [0.0] * 99, "T": 39.0})
        )


def test_fit_refuses_a_maximum_on_the_boundary():
    """Thirty customers with little heterogeneity: the likelihood runs off to s -> inf."""
    few = _pareto_nbd_customers(3.0, 12.0, 0.5, 9.0, 39.0, 30, 0)
    assert (few["frequency"] > 0).sum() >= 10
    with pytest.raises(ValueError, match="has no interior maximum"):
        fit_pareto_nbd(few)
