"""Simulate and judge the data-allowed sample of notebook 02's robustness space (§9.6).

Registers :func:`mcstudy.studies.profile_space.profiles_space` as the space ``profiles``,
simulates its sample (200 Latin hypercube points, seed 0, 50,000 customers per target
simulation: :func:`mcstudy.studies.data_allowed_spaces.simulate_allowed_space`), writes it to
``data/data_allowed_profiles.csv`` and prints its tables
(:func:`mcstudy.studies.profile_space.profile_space_tables`), with the wall time and the load
average. ``--from CSV`` judges a sample already simulated.

    python benchmarks/profile_space_sample.py [--points 200] [--from CSV]
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
from mcstudy.studies.profile_space import profile_space_tables, profiles_space  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=das.N_POINTS)
    ap.add_argument("--from", dest="from_csv", default=None, help="judge simulated points")
    args = ap.parse_args()
    das.SPACES["profiles"] = profiles_space
    start = time.perf_counter()
    space = das.load_space("profiles")
    print(f"space built in {time.perf_counter() - start:.1f} s (load {os.getloadavg()})")
    if args.from_csv:
        points = pd.read_csv(args.from_csv)
    else:
        start = time.perf_counter()
        points = das.simulate_allowed_space(space, n_points=args.points, progress=False)
        wall = time.perf_counter() - start
        print(f"{len(points)} points in {wall:.0f} s (load {os.getloadavg()})")
        points.to_csv(das.sample_path("profiles"), index=False, float_format="%.10g")
    verdicts = pd.read_csv(VERDICTS_CSV)
    t = profile_space_tables(points, load_targets(), verdicts)
    pd.set_option("display.width", 200)
    print(f"allowed: {int(t['allowed'].sum())} of {len(points)}")
    print(t["targets"].sort_values("points_ruled_out", ascending=False).to_string())
    print(t["parameters"].sort_values("narrowing", ascending=False).to_string())
    print(t["claims"].to_string())


if __name__ == "__main__":
    main()
