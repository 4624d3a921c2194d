"""Time one sweep on the serial, process and Dask backends and check they agree.

Runs the ``strategy_comparison`` study over a grid of 2 strategies x 5 contact pressures x
4 replications (40 tasks) on each backend, prints the wall time and the speed-up over serial,
checks the three tables are identical, and ends with one JSON line.

    python benchmarks/sweep_backends.py [--customers 100000] [--weeks 52] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import time

os.environ.setdefault("TQDM_DISABLE", "1")

import pandas as pd  # noqa: E402

import mcstudy  # noqa: E402, F401  (registers the studies)
from mcstudy.experiments import sweep  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--replications", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    grid = {
        "strategy": ["cross_channel", "omnichannel"],
        "contact_pressure": [0.25, 0.5, 1.0, 2.0, 4.0],
    }
    fixed = {"n_customers": args.customers, "n_weeks": args.weeks}
    n_tasks = 2 * 5 * args.replications
    # Compile the kernel once (numba caches it on disk for the worker processes too).
    sweep(
        "strategy_comparison",
        {"strategy": ["omnichannel"]},
        params={"n_customers": 200, "n_weeks": 2},
        n_replications=1,
        rng=0,
        progress=False,
    )

    timings, tables = {}, {}
    for backend in ("serial", "processes", "dask"):
        workers = None if backend == "serial" else args.workers
        start = time.perf_counter()
        tables[backend] = sweep(
            "strategy_comparison",
            grid,
            params=fixed,
            rng=args.seed,
            n_replications=args.replications,
            backend=backend,
            workers=workers,
            progress=False,
        )
        timings[backend] = time.perf_counter() - start
        print(
            f"{backend:>9}: {n_tasks} tasks in {timings[backend]:6.1f} s "
            f"(speed-up {timings['serial'] / timings[backend]:.2f}x)",
            flush=True,
        )
    for backend in ("processes", "dask"):
        pd.testing.assert_frame_equal(tables["serial"], tables[backend])
    print("tables identical on all backends")
    print(
        json.dumps(
            {
                "tasks": n_tasks,
                "customers": args.customers,
                "weeks": args.weeks,
                "workers": args.workers,
                **{f"{k}_seconds": round(v, 2) for k, v in timings.items()},
                "speedup_processes": round(timings["serial"] / timings["processes"], 2),
                "speedup_dask": round(timings["serial"] / timings["dask"], 2),
            }
        )
    )


if __name__ == "__main__":
    main()
