"""Leave one group of checks out: how many of notebook 01's checks the model predicts.

The registered designs of ``docs/model.md`` §9.8. For each group of :data:`past_year_fit.
CHECK_GROUPS` (channel shares, past-year spend, recency, published rates), one search by
``benchmarks/past_year_fit.py`` fits the Hillstrom e-mail test and the other groups' checks
with the group held out of the objective and of the choice of the best point; the held
group's checks at that point are out of sample. A fifth run holds nothing out: the same
search's in-sample reach. The five runs share every setting, run ``--jobs`` at a time, and
each writes its best point's targets; this script gathers them into ``--out`` and prints, per
check, whether it is matched out of sample (|z| < 3 or inside its published range, at a best
point that fits the test).

Two designs (``--design``):

- ``hypercube`` (design A): each run from its own Latin hypercube, least squares, then
  Nelder-Mead, with the checks fitted as the test's targets are (``--fit-checks``);
- ``test-fit`` (design B): a first search fits the e-mail test alone (every check held out)
  from the committed calibration's point, the other parameters at their defaults; each of the
  five runs then starts from its best point, Nelder-Mead with the checks counted as
  ``log(1 + z^2)`` (``past_year_fit.py``'s default objective, which favours the test).

    python benchmarks/held_out_checks.py [--design hypercube|test-fit] [--jobs 2]
        [--out data/held_out_checks_DESIGN.csv] [--work /tmp/held_out_checks_DESIGN]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import past_year_fit  # noqa: E402

from mcstudy import config  # noqa: E402
from mcstudy.experiments.calibration import load_calibration  # noqa: E402
from mcstudy.io.catalogue import load_parameters  # noqa: E402
from mcstudy.studies.calibration_report import (  # noqa: E402
    describe_held_out_checks,
    held_out_checks,
)

#: CDNOW's purchase rates' squared CV and dropout CV, held among the customers drawn (§9.7).
RATE_CV2, DROPOUT_CV = 1.674, 1.384
#: The context and the held spreads every run shares (docs/model.md §9.7, §9.8).
CONTEXT = (
    "--retailer --tiers 1,1,1 --recorded website --rate-ratio 1,10 --channel-mix "
    f"--rate-cv2 {RATE_CV2} --dropout-cv {DROPOUT_CV} --spread-among candidates "
    "--customers 50000 --seed 0"
).split()
#: Design A's search (registered before its runs).
HYPERCUBE = "--lhs 240 --starts 1 --least-squares --maxfev 20 --polish 300 --fit-checks".split()
#: Design B's first search: the e-mail test alone, from :func:`calibration_start`.
TEST_FIT_FIRST = (
    "--hold-out channels,spend,recency,published --least-squares --maxfev 15 --polish 150"
).split()
#: Design B's runs, each from the first search's best point.
TEST_FIT_RUN = "--maxfev 300".split()
#: The runs: each group held out in turn, then none (the in-sample reference).
RUNS = (*past_year_fit.CHECK_GROUPS, "none")
SCRIPT = Path(__file__).resolve().parent / "past_year_fit.py"


def searched_names() -> list[str]:
    """The parameters the runs search: :data:`CONTEXT`'s space without the held spreads."""
    args = argparse.Namespace(channel_mix=True, rate_ratio=(1.0, 10.0))
    left, _ = past_year_fit.held_parameters(
        past_year_fit.searched_space(args), None, RATE_CV2, "candidates", DROPOUT_CV
    )
    return [name for name, *_ in left]


def calibration_start() -> dict[str, float]:
    """Design B's start: the committed calibration's six parameters (fitted to the e-mail test
    alone), every other searched parameter at its default in data/parameters.csv."""
    fitted = load_calibration(config.DATA_DIR / "calibration.toml")["parameters"]
    defaults = load_parameters().set_index("name")["default"]
    return {
        name: float(fitted[name]) if name in fitted else float(defaults[name])
        for name in searched_names()
    }


def search(name: str, extra: list[str], work: Path) -> Path:
    """One ``past_year_fit.py`` run with :data:`CONTEXT` and ``extra``; its log, every point,
    its best point's targets (the returned path) and parameters go to ``work``."""
    summary = work / f"{name}.csv"
    cmd = [sys.executable, str(SCRIPT), *CONTEXT, *extra]
    cmd += ["--out", str(work / f"{name}_points.csv"), "--summary", str(summary)]
    cmd += ["--best-json", str(work / f"{name}_best.json")]
    t0 = time.perf_counter()
    log_path = work / f"{name}.log"
    with open(log_path, "w") as log:
        done = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, check=False)
    if done.returncode:
        raise SystemExit(f"the search {name!r} failed; see {log_path}")
    print(f"{name}: {time.perf_counter() - t0:.0f} s", flush=True)
    return summary


def main() -> None:
    """Run a design's searches and print what is matched out of sample."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--design", choices=("hypercube", "test-fit"), default="test-fit")
    ap.add_argument("--jobs", type=int, default=2, help="searches run at a time (default 2)")
    ap.add_argument("--out", help="default data/held_out_checks_DESIGN.csv")
    ap.add_argument("--work", help="logs and every point; default /tmp/held_out_checks_DESIGN")
    args = ap.parse_args()
    if args.jobs < 1:
        ap.error(f"--jobs: expected at least 1, got {args.jobs}")
    tag = args.design.replace("-", "_")
    out = Path(args.out or config.DATA_DIR / f"held_out_checks_{tag}.csv")
    work = Path(args.work or f"/tmp/held_out_checks_{tag}")
    work.mkdir(parents=True, exist_ok=True)
    if args.design == "hypercube":
        common = HYPERCUBE
    else:
        start = json.dumps(calibration_start())
        first = search("first", [*TEST_FIT_FIRST, "--start", start], work)
        fits = bool(pd.read_csv(first)["best_fits_test"].iloc[0])
        print(f"first search: its best point fits the test: {fits}", flush=True)
        common = [*TEST_FIT_RUN, "--start", (work / "first_best.json").read_text()]

    def one(group: str) -> Path:
        return search(group, common + ([] if group == "none" else ["--hold-out", group]), work)

    with ThreadPoolExecutor(args.jobs) as pool:
        summaries = list(pool.map(one, RUNS))
    table = pd.concat([pd.read_csv(p) for p in summaries], ignore_index=True)
    table.to_csv(out, index=False)
    result = held_out_checks(table)
    pd.set_option("display.width", 200)
    print(result.to_string())
    print("\n" + describe_held_out_checks(result, table))


if __name__ == "__main__":
    main()
