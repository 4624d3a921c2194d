"""Leave one group of checks out: how many of notebook 01's checks the model predicts.

The registered design of ``docs/model.md`` §9.8. For each group of :data:`past_year_fit.
CHECK_GROUPS` (channel shares, past-year spend, recency, published rates), one search by
``benchmarks/past_year_fit.py`` fits the Hillstrom e-mail test and the other groups' checks
(in sample) with the group held out of the objective and of the choice of the best point; the
held group's checks at that point are out of sample. A fifth run holds nothing out: the same
search's in-sample reach. The five runs share every setting (:data:`SETTINGS`), run
``--jobs`` at a time, and each writes its best point's targets; this script gathers them into
``--out`` and prints, per check, whether it is matched out of sample (|z| < 3 or inside its
published range, at a best point that fits the test).

    python benchmarks/held_out_checks.py [--jobs 2] [--out results/held_out_checks.csv]
        [--work /tmp/held_out_checks]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from past_year_fit import CHECK_GROUPS  # noqa: E402

#: The search every run shares (registered in docs/model.md §9.8 before the runs).
SETTINGS = (
    "--retailer --tiers 1,1,1 --recorded website --rate-ratio 1,10 --channel-mix "
    "--rate-cv2 1.674 --dropout-cv 1.384 --spread-among candidates --customers 50000 --seed 0 "
    "--lhs 240 --starts 1 --least-squares --maxfev 20 --polish 300 --fit-checks"
).split()
#: The runs: each group held out in turn, then none (the in-sample reference).
RUNS = (*CHECK_GROUPS, "none")
#: Notebook 01's ten checks are the eleven without the Complete Journey's interaction.
NOT_IN_TEN = "completejourney.mailer_display.relative_interaction"


def run(group: str, work: Path) -> Path:
    """One search, its log and its best point's targets in ``work``; the summary's path."""
    summary = work / f"{group}.csv"
    cmd = [
        sys.executable,
        str(Path(__file__).resolve().parent / "past_year_fit.py"),
        *SETTINGS,
        "--out",
        str(work / f"{group}_points.csv"),
        "--summary",
        str(summary),
    ]
    if group != "none":
        cmd += ["--hold-out", group]
    t0 = time.perf_counter()
    with open(work / f"{group}.log", "w") as log:
        subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, check=True)
    print(f"{group}: {time.perf_counter() - t0:.0f} s", flush=True)
    return summary


def out_of_sample(table: pd.DataFrame) -> pd.DataFrame:
    """Per check, from the runs' summaries: its value, z and match at the best point of the
    run that held its group out, and whether that point fits the test; and the same in the
    run that held nothing out."""
    checks = table[~table["used_in_fit"]]
    held = checks[checks["held_out"]].set_index("target_id")
    inside = checks[checks["hold_out"] == "none"].set_index("target_id")
    out = pd.DataFrame(
        {
            "group": held["hold_out"],
            "observed": held["observed"],
            "simulated_held_out": held["simulated"],
            "z_held_out": held["z"],
            "best_fits_test": held["best_fits_test"],
            "matched_out_of_sample": held["matched_z3"] & held["best_fits_test"],
            "z_in_sample": inside["z"].reindex(held.index),
            "matched_in_sample": (inside["matched_z3"] & inside["best_fits_test"]).reindex(
                held.index
            ),
        }
    )
    out["in_notebook_01_ten"] = out.index != NOT_IN_TEN
    return out


def main() -> None:
    """Run the five searches and print what is matched out of sample."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=2, help="searches run at a time (default 2)")
    ap.add_argument("--out", default="results/held_out_checks.csv")
    ap.add_argument("--work", default="/tmp/held_out_checks", help="logs and every point")
    args = ap.parse_args()
    if args.jobs < 1:
        ap.error(f"--jobs: expected at least 1, got {args.jobs}")
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(args.jobs) as pool:
        summaries = list(pool.map(lambda g: run(g, work), RUNS))
    table = pd.concat([pd.read_csv(p) for p in summaries], ignore_index=True)
    table.to_csv(args.out, index=False)
    result = out_of_sample(table)
    pd.set_option("display.width", 200)
    print(result.to_string())
    ten = result[result["in_notebook_01_ten"]]
    fits = table.groupby("hold_out")["best_fits_test"].first()
    print(f"\nbest point fits the test, by run: {fits.to_dict()}")
    print(
        f"notebook 01's ten checks matched out of sample: "
        f"{int(ten['matched_out_of_sample'].sum())} of {len(ten)}; in sample (nothing held "
        f"out): {int(ten['matched_in_sample'].sum())} of {len(ten)}"
    )


if __name__ == "__main__":
    main()
