"""History-match the model to the Hillstrom test, its past-year file and the published rates.

Where ``benchmarks/past_year_fit.py`` searches for one point, this script asks which region of
the same ten parameters (``past_year_fit.SPACE``) the targets of ``data/targets.csv`` do not
rule out, with :func:`mcstudy.experiments.history_matching.history_match`: every target at
once (the e-mail test's, the past-year distributions of Hillstrom's customers and the
published unsubscribe, SMS opt-out and direct-mail rates), the customers drawn as Hillstrom's
file was (``population.pre_period_weeks`` = 52).

The two e-mail arms (men's and women's e-mail) are one simulated e-mail: each of the three
e-mail effects becomes one target, the mean of the two arms, whose standard deviation adds
half the gap between the arms to their sampling error (which e-mail was sent is a
discrepancy the model does not represent).

With ``--retailer``, Hillstrom's retailer (purchases by telephone and on the website only),
``--recorded`` the purchase channels whose orders the test's conversion and spend count
(``website``: Hillstrom's file) and ``--tiers`` the tier value multipliers, as in
``past_year_fit.py``; ``--rate-ratio LOW,HIGH`` adds the pre-period's purchase rate relative
to the test weeks' (``population.pre_period_rate_ratio``) to the searched parameters, and
``--channel-mix`` the five parameters of ``past_year_fit.CHANNEL_MIX`` (the profile shares,
the spread of channel affinities, the repertoire's breadth and the engagement behind it).

    python benchmarks/history_match_hillstrom.py [--customers 30000] [--waves 3] [--runs 60]
        [--seed 0] [--retailer] [--tiers 1,3,12] [--discrepancy 0] [--candidates 100000]
        [--screen-rank 1] [--recorded website] [--rate-ratio 1,10] [--channel-mix]
        [--out /tmp/hm.csv]

Prints the waves, the range of each parameter left, and per target how many runs it ruled
out and its best implausibility; writes every run to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TQDM_DISABLE", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

from past_year_fit import (  # noqa: E402
    PRE_PERIOD,
    add_context_arguments,
    searched_space,
    simulated_context,
)

from mcstudy.experiments.calibration import compare_targets  # noqa: E402
from mcstudy.experiments.data_allowed import EFFECTS, one_email_targets  # noqa: E402
from mcstudy.experiments.history_matching import history_match  # noqa: E402
from mcstudy.io import load_targets  # noqa: E402


def checks_matched(runs: pd.DataFrame, targets: pd.DataFrame, cutoff: float = 3.0) -> pd.DataFrame:
    """Among the runs within the cut on every fitted target, the checks matched two ways.

    ``with_discrepancy``: the history match's own implausibility (observation, simulation and
    discrepancy variance) within the cut; ``notebook_01``: notebook 01's rule without a
    discrepancy, |simulated - observed| / se < 3 with the target's sampling error (the
    simulation's error, smaller at notebook 01's 200,000 customers, left out), or for a
    published range the simulated value inside it. One row per such run.
    """
    t = targets.set_index("target_id")
    imp = runs[[c for c in runs if c.startswith("imp:")]]
    fitted = [c for c in imp if t.loc[c[4:].replace(".email.", ".mens_email."), "used_in_fit"]]
    checks = [c[4:] for c in imp if c not in fitted]
    good = runs[(imp[fitted] <= cutoff).all(axis=1)]
    strict = {}
    for c in checks:
        sim = good[f"sim:{c}"]
        if pd.notna(t.loc[c, "low"]):
            strict[c] = (sim >= t.loc[c, "low"]) & (sim <= t.loc[c, "high"])
        else:
            strict[c] = ((sim - t.loc[c, "value"]) / t.loc[c, "se"]).abs() < cutoff
    return pd.DataFrame(
        {
            "with_discrepancy": (good[[f"imp:{c}" for c in checks]] <= cutoff).sum(axis=1),
            "notebook_01": pd.DataFrame(strict).sum(axis=1),
        }
    )


def main() -> None:
    """Run the history match and print what it left."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=30_000)
    ap.add_argument("--waves", type=int, default=3)
    ap.add_argument("--runs", type=int, default=60)
    ap.add_argument("--seed", type=int, default=0)
    add_context_arguments(ap)
    ap.add_argument("--discrepancy", type=float, default=0.0)
    ap.add_argument("--candidates", type=int, default=100_000)
    ap.add_argument("--screen-rank", type=int, default=None)
    ap.add_argument("--out", default="/tmp/history_match_hillstrom.csv")
    args = ap.parse_args()
    targets = load_targets()
    context = simulated_context(args)

    def evaluate(params: dict) -> pd.DataFrame:
        try:
            table = compare_targets(
                targets,
                {**params, **PRE_PERIOD},
                n_customers=args.customers,
                rng=args.seed,
                **context,
            )
        except ValueError:  # almost no buyers in the pre-period: every statistic unknown
            table = pd.DataFrame(
                {"target_id": targets["target_id"], "simulated": np.nan, "simulated_se": 0.0}
            )
        t = table.set_index("target_id")
        for effect in EFFECTS:  # one simulated e-mail arm: the men's row holds it
            t.loc[f"hillstrom.email.{effect}"] = t.loc[f"hillstrom.mens_email.{effect}"]
        return t.reset_index()[["target_id", "simulated", "simulated_se"]]

    space = {
        name: (low, high, "log" if log else "linear")
        for name, low, high, log in searched_space(args)
    }
    t0 = time.perf_counter()
    result = history_match(
        evaluate,
        space,
        one_email_targets(targets),
        waves=args.waves,
        runs_per_wave=args.runs,
        discrepancy=args.discrepancy,
        candidates=args.candidates,
        screen_rank=args.screen_rank,
        seed=args.seed,
    )
    result.runs.to_csv(args.out, index=False)
    pd.set_option("display.width", 200)
    print(
        f"context: retailer {args.retailer}, recorded {args.recorded or 'all'}, tiers "
        f"{args.tiers}, pre-period rate ratio {args.rate_ratio or 1}, channel mix searched "
        f"{args.channel_mix}, discrepancy "
        f"{args.discrepancy}, "
        f"screening rank {args.screen_rank or 1}"
    )
    print(result.waves.to_string(index=False))
    print(result.range_kept().to_string(index=False))
    print(result.ruled_out_by().to_string(index=False))
    best = result.runs.sort_values("implausibility", kind="stable").iloc[0]
    print("least implausible run:", json.dumps({k: float(best[k]) for k in space}, indent=1))
    imps = best[[c for c in result.runs if c.startswith("imp:")]].astype(float)
    print(imps.round(2).to_string())
    n_ok = (result.runs[[c for c in result.runs if c.startswith("imp:")]] <= 3).sum(axis=1)
    print("targets within the cut, runs by wave:")
    print(pd.crosstab(result.runs["wave"], n_ok).to_string())
    matched = checks_matched(result.runs, targets)
    n_checks = int((~targets["used_in_fit"].astype(bool)).sum())
    with_discrepancy = matched["with_discrepancy"].value_counts().to_dict()
    print(
        f"{len(matched)} runs within the cut on every fitted target; checks matched "
        f"(of {n_checks}), with the discrepancy: {with_discrepancy}; "
        f"by notebook 01's rule: {matched['notebook_01'].value_counts().to_dict()}"
    )
    print(f"{len(result.runs)} runs, {len(result.retained)} kept, {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
