"""Time one robustness design of a simulator study, and how it scales.

The study randomises one population to the siloed and the omnichannel presets (contact
pressure 1, the defaults of every other parameter) and returns per-arm outcomes, their
differences and 95 % intervals of the revenue and churn differences; three claims are judged
from them. The design varies 8 parameters of data/parameters.csv at the notebook size (Latin
hypercube of 128 points, 10 Morris trajectories, Sobol' N = 64 on the 3 leading parameters
and the rest as a group: 602 runs) on the process backend.

Then it scales: 4 and 16 parameters, and the default 8 parameters with 3 statistics instead of
34, or 9 claims instead of 3. Prints one line per design (wall time, and CPU time of this
process and its workers, which does not depend on what else the machine runs) and ends with one
JSON line.

    python benchmarks/robustness_design.py [--customers 20000] [--weeks 52] [--workers 2]
        [--size notebook] [--only-default]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import time

os.environ.setdefault("TQDM_DISABLE", "1")

from mcstudy import PopulationSpec, ResponseSpec, make_strategy, simulate  # noqa: E402
from mcstudy.experiments.robustness import assess_robustness, design_points  # noqa: E402

#: Parameters varied, from data/parameters.csv: the first 4, 8 or all 16.
PARAMETERS = [
    "population.purchase_rate_per_week",
    "response.persuasion_effect",
    "response.irritation_per_contact",
    "response.retention_effect",
    "population.engagement_breadth_link",
    "population.attention_mean",
    "response.visit_conversion",
    "response.churn_irritation",
    "population.consent_rate",
    "population.social_share",
    "response.organic_visits_per_week",
    "response.visits_per_attended_contact",
    "response.inconsistency_irritation",
    "response.effort_irritation",
    "response.relationship_per_contact",
    "response.churn_base_per_week",
]

#: The claims the design judges (three, or nine with thresholds around each).
CLAIMS = {
    "revenue": lambda s: bool(s["revenue_diff_ci_low"] > 0),
    "retention": lambda s: bool(s["churn_diff_ci_high"] < 0),
    "margin": lambda s: bool(s["diff_margin_per_customer_eur"] > 0),
}
MORE_CLAIMS = {
    **CLAIMS,
    "revenue_5": lambda s: bool(s["revenue_diff_ci_low"] > 5),
    "revenue_10": lambda s: bool(s["revenue_diff_ci_low"] > 10),
    "retention_2pp": lambda s: bool(s["churn_diff_ci_high"] < -0.02),
    "retention_5pp": lambda s: bool(s["churn_diff_ci_high"] < -0.05),
    "margin_5": lambda s: bool(s["diff_margin_per_customer_eur"] > 5),
    "contacts": lambda s: bool(s["diff_contacts_per_customer"] > 0),
}
FEW_STATISTICS = ("revenue_diff_ci_low", "churn_diff_ci_high", "diff_margin_per_customer_eur")


def omnichannel_vs_siloed(params: dict, rng) -> dict[str, float]:
    """Siloed vs omnichannel on one population: per-arm summary, differences, two intervals."""
    population, response = {}, {}
    for name, value in params.items():
        group, _, field = name.partition(".")
        if group == "population":
            population[field] = value
        elif group == "response":
            response[field] = value
    arms = {
        "siloed": make_strategy("siloed", contact_pressure=1.0),
        "omnichannel": make_strategy("omnichannel", contact_pressure=1.0),
    }
    result = simulate(
        PopulationSpec(n_customers=params["n_customers"], **population),
        arms,
        response=ResponseSpec(**response),
        n_weeks=params["n_weeks"],
        n_journeys=0,
        n_threads=1,
        progress=False,
        rng=rng,
    )
    summary = result.summary().set_index("arm").drop(columns="customers")
    out = {}
    for arm in arms:
        out.update({f"{arm}_{k}": float(v) for k, v in summary.loc[arm].items()})
    diff = summary.loc["omnichannel"] - summary.loc["siloed"]
    out.update({f"diff_{k}": float(v) for k, v in diff.items()})
    customers = result.customers
    for column, name in (("revenue_eur", "revenue"), ("churned", "churn")):
        by_arm = customers.groupby("arm", observed=True)[column].agg(["mean", "var", "count"])
        a, b = by_arm.loc["omnichannel"], by_arm.loc["siloed"]
        se = math.sqrt(a["var"] / a["count"] + b["var"] / b["count"])
        out[f"{name}_diff_ci_low"] = float(a["mean"] - b["mean"] - 1.959964 * se)
        out[f"{name}_diff_ci_high"] = float(a["mean"] - b["mean"] + 1.959964 * se)
    if params.get("few_statistics"):
        out = {k: out[k] for k in FEW_STATISTICS}
    return out


def run(n_parameters, claims, args, *, few=False):
    fixed = {"n_customers": args.customers, "n_weeks": args.weeks}
    if few:
        fixed["few_statistics"] = 1
    start, cpu = time.perf_counter(), _cpu_seconds()
    result = assess_robustness(
        omnichannel_vs_siloed,
        PARAMETERS[:n_parameters],
        claims,
        fixed=fixed,
        size=args.size,
        rng=args.seed,
        backend="processes",
        workers=args.workers,
        progress=False,
    )
    seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
    n_statistics = result.points.shape[1] - 2 - n_parameters
    row = {
        "parameters": n_parameters,
        "statistics": n_statistics,
        "claims": len(claims),
        "points": result.design["total"],
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "cpu_ms_per_point": round(1000 * cpu / result.design["total"], 1),
        "load_average": round(os.getloadavg()[0], 2),
    }
    print(
        f"{n_parameters:2d} parameters, {n_statistics:2d} statistics, {len(claims)} claims: "
        f"{row['points']} runs in {seconds:6.1f} s, {cpu:6.1f} CPU s "
        f"({row['cpu_ms_per_point']} CPU ms a run; load average {row['load_average']})",
        flush=True,
    )
    return row, result


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished worker processes."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--size", default="notebook", choices=["notebook", "publication"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only-default", action="store_true")
    args = parser.parse_args()
    print(
        f"{args.customers:,} customers (two arms) x {args.weeks} weeks per run, "
        f"{args.workers} worker processes, size {args.size!r}; design points for 4/8/16 "
        f"parameters: {[design_points(k, size=args.size)['total'] for k in (4, 8, 16)]}",
        flush=True,
    )
    # compile the kernel once (numba caches it on disk for the worker processes too)
    omnichannel_vs_siloed({"n_customers": 200, "n_weeks": 2}, 0)

    rows = []
    row, result = run(8, CLAIMS, args)
    rows.append(row)
    print(result.summary()[["claim_id", "share", "ci_low", "ci_high", "hinges_on"]].round(3))
    for claim in result.results.values():
        print(f"  {claim.claim_id}: {claim.flip_region}")
    if not args.only_default:
        for k in (4, 16):
            rows.append(run(k, CLAIMS, args)[0])
        rows.append(run(8, CLAIMS, args, few=True)[0])
        rows.append(run(8, MORE_CLAIMS, args)[0])
    print(
        json.dumps(
            {
                "customers": args.customers,
                "weeks": args.weeks,
                "workers": args.workers,
                "size": args.size,
                "designs": rows,
            }
        )
    )


if __name__ == "__main__":
    main()
