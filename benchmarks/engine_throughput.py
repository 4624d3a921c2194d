"""Time the simulation engine: customer-weeks per second, best of a few runs.

Simulates the default population under two randomised arms (siloed and omnichannel, so that
every integration factor is exercised) and prints one JSON line with the best and every
wall time. A warm-up run compiles the kernel first. Compare two versions of the code by
running this script alternately with each one on ``PYTHONPATH`` (interleaved runs share the
machine's load).

    python benchmarks/engine_throughput.py [--customers 200000] [--weeks 52] [--threads 2]
        [--repeats 3] [--response name=value ...] [--population name=value ...]
"""

from __future__ import annotations

import argparse
import json
import os
import time

os.environ.setdefault("TQDM_DISABLE", "1")

from mcstudy.model.engine import simulate  # noqa: E402
from mcstudy.model.population import PopulationSpec  # noqa: E402
from mcstudy.model.response import ResponseSpec  # noqa: E402
from mcstudy.model.strategies import Omnichannel, SiloedMultichannel  # noqa: E402


def _pairs(items: list[str]) -> dict[str, float]:
    out = {}
    for item in items:
        name, _, value = item.partition("=")
        out[name] = float(value)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--response", nargs="*", default=[], metavar="NAME=VALUE")
    parser.add_argument("--population", nargs="*", default=[], metavar="NAME=VALUE")
    args = parser.parse_args()
    response = ResponseSpec(**_pairs(args.response))
    arms = {"siloed": SiloedMultichannel(), "omni": Omnichannel(deployment_lag_weeks=0)}

    def run(n: int, weeks: int) -> float:
        start = time.perf_counter()
        simulate(
            PopulationSpec(n_customers=n, **_pairs(args.population)),
            arms,
            n_weeks=weeks,
            response=response,
            n_threads=args.threads,
            progress=False,
            rng=0,
        )
        return time.perf_counter() - start

    run(1000, 2)  # compile
    times = [run(args.customers, args.weeks) for _ in range(args.repeats)]
    best = min(times)
    print(
        json.dumps(
            {
                "customers": args.customers,
                "weeks": args.weeks,
                "threads": args.threads,
                "best_seconds": round(best, 3),
                "seconds": [round(t, 3) for t in times],
                "customer_weeks_per_second": round(args.customers * args.weeks / best),
                "response": args.response,
                "population": args.population,
            }
        )
    )


if __name__ == "__main__":
    main()
