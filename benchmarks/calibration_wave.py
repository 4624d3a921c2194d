"""Time one calibration wave: many simulations over a space-filling design, common random numbers.

A wave of history matching runs the simulator at every point of a Latin hypercube over the
calibrated parameters (``FREE_PARAMETERS`` of the calibration, within their plausible ranges),
each run on the same customers and draws (one seed for every point), and keeps a few summary
statistics per point. The default is the size a calibration asks for: 5,000 points of 50,000
customers x 52 weeks, an e-mail arm and a no-contact arm, on the process backend.

    python benchmarks/calibration_wave.py [--points 5000] [--customers 50000] [--weeks 52]
                                          [--workers 2] [--backend processes]

Prints the wall time, the customer-weeks per second, and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import time

os.environ.setdefault("TQDM_DISABLE", "1")

import numpy as np  # noqa: E402
from scipy.stats import qmc  # noqa: E402

from mcstudy.experiments import sweep  # noqa: E402
from mcstudy.experiments._calibration_statistics import FREE_PARAMETERS  # noqa: E402
from mcstudy.experiments._parameter_space import from_unit, parameter_space  # noqa: E402
from mcstudy.model import model_context  # noqa: E402
from mcstudy.model.strategies import Strategy  # noqa: E402
from mcstudy.studies._skeleton import pop_sizes, run_arms  # noqa: E402

#: One seed for every point: the same customers and draws (common random numbers).
COMMON_SEED = 20261206
ARMS = {
    "none": Strategy(channels={"email": 1.0}, contact_pressure=0.0),
    "email": Strategy(channels={"email": 1.0}, contact_pressure=1.0),
}


def wave_point(params: dict, rng: np.random.Generator) -> dict[str, float]:
    """Simulate both arms at one point of the design; the statistics a wave keeps."""
    params, n, n_weeks = pop_sizes(params, 50_000)
    result = run_arms(
        model_context(params), ARMS, n_per_arm=n // 2, n_weeks=n_weeks, seed=COMMON_SEED
    )
    summary = result.summary().set_index("arm")
    return {
        f"{stat}_{arm}": float(summary.loc[arm, stat])
        for arm in ARMS
        for stat in ("purchases_per_customer", "revenue_per_customer_eur", "churn_rate")
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=5_000)
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--backend", default="processes")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    space = parameter_space(list(FREE_PARAMETERS))
    u = qmc.LatinHypercube(d=len(space), seed=np.random.default_rng(args.seed)).random(args.points)
    values = from_unit(space, u)
    points = [dict(zip(space["parameter"], map(float, row), strict=True)) for row in values]
    fixed = {"n_customers": args.customers, "n_weeks": args.weeks}
    wave_point(fixed, np.random.default_rng(0))  # compile the kernel before timing

    start = time.perf_counter()
    table = sweep(
        wave_point,
        points,
        n_replications=1,
        params=fixed,
        rng=args.seed,
        backend=args.backend,
        **({} if args.backend == "serial" else {"workers": args.workers}),
        progress=False,
    )
    seconds = time.perf_counter() - start
    customer_weeks = args.points * args.customers * args.weeks
    print(
        f"{args.points:,} simulations of {args.customers:,} customers x {args.weeks} weeks "
        f"({len(space)} parameters, {args.backend}, {args.workers} workers): {seconds:.1f} s, "
        f"{customer_weeks / seconds:.3g} customer-weeks/s, {len(table):,} rows"
    )
    print(
        json.dumps(
            {
                "points": args.points,
                "customers": args.customers,
                "weeks": args.weeks,
                "backend": args.backend,
                "workers": args.workers,
                "seconds": round(seconds, 1),
                "customer_weeks_per_second": customer_weeks / seconds,
            }
        )
    )


if __name__ == "__main__":
    main()
