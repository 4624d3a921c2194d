"""What the data allow of notebook 06's two robustness spaces, and their claims judged over it.

Notebook 06 judges its cost-to-serve claims over two robustness designs
(:mod:`mcstudy.studies.cost_to_serve_spaces`): the consumer one (C002-07; channel costs and
persuasion, the tiers, the price elasticity) and the business one (C000-05, C000-08, C002-05;
the business context's numbers). This script simulates one space's sample as notebook 04's
(``benchmarks/interaction_constraint.py``): a Latin hypercube of ``--points`` points (seed
``--seed``), at each the claims' statistics from the notebook's study at the space's run
settings and every target but Hillstrom's past-year rows from ``--customers`` customers; then
judges the claims over the points no target rules out (``docs/model.md`` §9.6). The sample is
written to ``data/data_allowed_<space>.csv`` (or ``--out``) and re-read with ``--from``.

    python benchmarks/cost_to_serve_constraint.py --space cost_to_serve
        [--points 200] [--customers 50000] [--seed 0] [--out CSV] [--from CSV]
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TQDM_DISABLE", "1")

import pandas as pd  # noqa: E402

from mcstudy.config import VERDICTS_CSV  # noqa: E402
from mcstudy.io import load_targets  # noqa: E402
from mcstudy.studies import data_allowed_spaces as das  # noqa: E402
from mcstudy.studies.cost_to_serve_spaces import (  # noqa: E402
    cost_to_serve_business_space,
    cost_to_serve_space,
    simulate_cost_to_serve_space,
)

das.SPACES["cost_to_serve"] = cost_to_serve_space
das.SPACES["cost_to_serve_business"] = cost_to_serve_business_space


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--space", choices=["cost_to_serve", "cost_to_serve_business"], required=True)
    ap.add_argument("--points", type=int, default=das.N_POINTS)
    ap.add_argument("--customers", type=int, default=das.TARGET_CUSTOMERS)
    ap.add_argument("--seed", type=int, default=das.SEED)
    ap.add_argument("--out", default=None)
    ap.add_argument("--from", dest="from_csv", default=None, help="judge simulated points")
    args = ap.parse_args()
    space = das.load_space(args.space)
    if args.from_csv:
        points = pd.read_csv(args.from_csv)
    else:
        load, start = os.getloadavg()[0], time.perf_counter()
        points = simulate_cost_to_serve_space(
            space, n_points=args.points, n_customers=args.customers, rng=args.seed
        )
        seconds = time.perf_counter() - start
        print(
            f"{args.points} points in {seconds:.0f} s ({seconds / args.points:.2f} s a point); "
            f"load average {load:.2f} at the start, {os.getloadavg()[0]:.2f} at the end"
        )
        points.to_csv(args.out or das.sample_path(args.space), index=False, float_format="%.10g")
    t = das.allowed_space_tables(
        space.claim_statistics, points, load_targets(), pd.read_csv(VERDICTS_CSV)
    )
    pd.set_option("display.width", 200)
    print(t["targets"].round(2).to_string())
    print(f"{int(t['allowed'].sum())} of {len(points)} points allowed")
    print(t["parameters"].round(3).sort_values("narrowing", ascending=False).to_string())
    print(t["claims"].round(3).to_string())


if __name__ == "__main__":
    main()
