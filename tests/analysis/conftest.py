"""Synthetic customer tables with known effects, shared by the statistics tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mcstudy.io.hillstrom import hillstrom_customer_table, load_hillstrom


@pytest.fixture
def customers() -> pd.DataFrame:
    """600 customers shaped like simulator output, with known effects.

    Visit probability 0.10 in control, 0.25 with an e-mail (+0.15); spend of visitors is
    gamma with mean 50. Past channel is confounded with past spend and has no effect.
    """
    rng = np.random.default_rng(0)
    n = 600
    arm = rng.choice(["control", "mens_email", "womens_email"], n)
    past_spend = rng.gamma(2.0, 100.0, n)
    p_multi = 1 / (1 + np.exp(-(past_spend - 300) / 100))
    past_channel = np.where(
        rng.random(n) < p_multi, "multichannel", rng.choice(["phone", "web"], n)
    )
    visited = (rng.random(n) < np.where(arm == "control", 0.10, 0.25)).astype(int)
    converted = visited * (rng.random(n) < 0.4)
    spend = converted * rng.gamma(2.0, 25.0, n)
    return pd.DataFrame(
        {
            "customer_id": np.arange(n),
            "arm": pd.Categorical(arm, categories=["control", "mens_email", "womens_email"]),
            "past_channel": pd.Categorical(past_channel, ["phone", "web", "multichannel"]),
            "past_spend": past_spend,
            "area": rng.choice(["urban", "rural"], n),
            "visited": visited,
            "converted": converted,
            "spend": spend,
            "spend_next_year": 0.01 * past_spend + rng.normal(0, 1, n),
        }
    )


@pytest.fixture
def heterogeneous() -> pd.DataFrame:
    """4,000 customers; an e-mail raises conversion by 0.02 for 'old' and 0.12 for 'new'."""
    rng = np.random.default_rng(4)
    n = 4000
    segment = rng.choice(["old", "new"], n)
    treated = rng.integers(0, 2, n)
    p = 0.05 + treated * np.where(segment == "new", 0.12, 0.02)
    converted = (rng.random(n) < p).astype(int)
    return pd.DataFrame(
        {
            "arm": np.where(treated == 1, "email", "control"),
            "treated": treated,
            "segment": pd.Categorical(segment, categories=["old", "new"]),
            "age": rng.normal(40, 10, n),
            "converted": converted,
        }
    )


@pytest.fixture
def confounded() -> pd.DataFrame:
    """Purchases depend on past spend only; the 'multi' group has higher past spend."""
    rng = np.random.default_rng(7)
    n = 20_000
    past = rng.gamma(2.0, 1.0, n)
    multi = rng.random(n) < 1 / (1 + np.exp(-(past - 3)))
    group = np.where(multi, "multi", rng.choice(["phone", "web"], n))
    bought = (rng.random(n) < 0.02 * np.exp(0.4 * past)).astype(int)
    return pd.DataFrame(
        {"group": group, "past": past, "bought": bought, "spend": bought * rng.gamma(2.0, 30.0, n)}
    )


@pytest.fixture
def uplift_data():
    """Treatment lifts the response rate by 0.3 for x = 1 and lowers it by 0.05 for x = 0."""
    rng = np.random.default_rng(0)
    n = 4000
    x = rng.integers(0, 2, n)
    treated = rng.random(n) < 0.5
    p = 0.2 + treated * np.where(x == 1, 0.3, -0.05)
    return treated, (rng.random(n) < p).astype(int), x + rng.normal(0, 0.01, n), rng


@pytest.fixture(scope="module")
def real_customers(hillstrom_path):
    """The real Hillstrom customers (skips when the file is not found)."""
    return hillstrom_customer_table(load_hillstrom(hillstrom_path))
