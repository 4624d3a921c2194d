"""Siloed -> omnichannel, one integration factor at a time, at equal contacts sent.

Builds the 2**k arms between the siloed and the omnichannel presets over the integration
factors in which they differ (:func:`mcstudy.model.integration_path`; deployment lag and
integration costs left out, consent respected in both), rescales every arm's pressure so that
all send the siloed arm's contacts per customer (:func:`mcstudy.model.equalise`), simulates
them randomised in one population, and reports each factor's Shapley share of the gap in
revenue, purchases and churn, with a 95 % interval over replications (independent seeds).

    python benchmarks/decompose_integration.py --customers 640000 --replications 5
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

import numpy as np
import pandas as pd
from scipy import stats

from mcstudy.model import (
    INTEGRATION_FACTORS,
    Omnichannel,
    PopulationSpec,
    SiloedMultichannel,
    equalise,
    integration_path,
    shapley_decomposition,
    simulate,
)

METRICS = ("revenue_per_customer_eur", "purchases_per_customer", "churn_rate")


def one_replication(n_customers: int, n_weeks: int, seed: int) -> pd.DataFrame:
    """Shapley value of each factor for each metric, for one seed."""
    base = SiloedMultichannel()
    target = replace(Omnichannel(), deployment_lag_weeks=0)
    factors = [f for f in INTEGRATION_FACTORS if getattr(base, f) != getattr(target, f)]
    arms = integration_path(base, target, factors)
    population = PopulationSpec(n_customers=n_customers)
    siloed = simulate(population, {"none": base}, n_weeks=n_weeks, rng=seed)
    value = float(siloed.summary()["contacts_per_customer"].iloc[0])
    eq = equalise(
        arms, target="contacts", value=value, population=population, n_weeks=n_weeks, rng=seed + 1
    )
    res = simulate(population, eq.arms, n_weeks=n_weeks, rng=seed + 1)  # as equalised
    summary = res.summary().set_index("arm")
    rows = []
    for metric in METRICS:
        phi = shapley_decomposition(summary[metric], factors)
        gap = summary.loc["+".join(factors), metric] - summary.loc["none", metric]
        rows += [{"metric": metric, "factor": f, "value": v} for f, v in phi.items()]
        rows.append({"metric": metric, "factor": "total gap", "value": gap})
    spread = summary["contacts_per_customer"]
    rows.append(
        {
            "metric": "contacts_per_customer",
            "factor": "max relative deviation",
            "value": float((spread / value - 1).abs().max()),
        }
    )
    rows.append({"metric": "equalise", "factor": "iterations", "value": eq.iterations})
    return pd.DataFrame(rows).assign(seed=seed)


def main() -> None:
    """Run the replications and print the decomposition with 95 % t-intervals."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=640_000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--replications", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    start = time.perf_counter()
    table = pd.concat(
        [
            one_replication(args.customers, args.weeks, args.seed + 10 * r)
            for r in range(args.replications)
        ],
        ignore_index=True,
    )
    g = table.groupby(["metric", "factor"], sort=False)["value"]
    out = g.agg(["mean", "std", "count"])
    half = stats.t.ppf(0.975, np.maximum(out["count"] - 1, 1)) * out["std"] / np.sqrt(out["count"])
    out["ci_low"], out["ci_high"] = out["mean"] - half, out["mean"] + half
    print(out[["mean", "ci_low", "ci_high", "count"]].to_string(float_format="{:.4f}".format))
    print(
        f"{args.replications} replications of {args.customers:,} customers x {args.weeks} "
        f"weeks in {time.perf_counter() - start:.0f} s"
    )


if __name__ == "__main__":
    main()
