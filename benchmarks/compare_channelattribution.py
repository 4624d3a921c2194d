"""Time mcstudy's attribution against ChannelAttribution on the same path table.

Draws a million synthetic customer journeys (``draw_journeys`` of ``benchmarks/attribution.py``),
aggregates them to unique paths with ``paths_from_journeys`` and runs, on that one table:

- mcstudy's ``first_touch``, ``last_touch`` and ``linear``, each from the table, the three in a
  row, and the three on a table parsed once (``parse_paths``), against ChannelAttribution's
  ``heuristic_models`` (which returns the three at once);
- mcstudy's ``markov`` (order 1, exact removal effects) against ChannelAttribution's
  ``markov_model`` (order 1, removal effects estimated by simulated walks, its defaults);
- ``time_decay``, ``position_based`` and ``shapley``, which ChannelAttribution does not have,
  for reference.

The methods remember the parse of a table they were given (so that several methods on one
table split its strings once); the cache is emptied before every timed call, so that each
time includes the parse, except within ``first+last+linear`` (emptied before the three calls:
one parse shared by three methods, as a user calling them in a row gets).

Each time is the median of ``--repeat`` runs. The ratio is ChannelAttribution's time over
mcstudy's (above 1: mcstudy is faster). ``max_share_diff`` is the largest absolute difference,
over channels, between the two packages' shares of the attributed conversions and of the
attributed value (for the heuristics it should be round-off; for ``markov`` it is
ChannelAttribution's simulation error). The load average is printed with the results.

    pip install -e ".[bench]"        # ChannelAttribution, pinned
    python benchmarks/compare_channelattribution.py [--journeys 1000000] [--channels 8 16]
        [--repeat 5]

Without ChannelAttribution installed, only mcstudy's times are printed, with a message.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from attribution import draw_journeys  # noqa: E402

try:
    from mcstudy.attribution._cache import clear_parse_cache
except ImportError:  # a version without the cache: nothing to empty

    def clear_parse_cache() -> None:
        pass


from mcstudy.attribution import (  # noqa: E402
    first_touch,
    last_touch,
    linear,
    markov,
    parse_paths,
    paths_from_journeys,
    position_based,
    shapley,
    time_decay,
)

HEURISTICS = {"first_touch": first_touch, "last_touch": last_touch, "linear": linear}
CA_HEURISTIC = {"first_touch": "first_touch", "last_touch": "last_touch", "linear": "linear_touch"}


def import_channelattribution():
    """The ChannelAttribution module, or None when it is not installed."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # it prints a banner on import
            import ChannelAttribution
    except ImportError:
        return None
    return ChannelAttribution


def median_time(function, *args, repeat: int, **kwargs):
    """The result of ``function`` and the median wall time of ``repeat`` calls.

    The parse cache is emptied before each call (not timed), so that every call parses.
    """
    times, result = [], None
    for _ in range(repeat):
        clear_parse_cache()
        start = time.perf_counter()
        result = function(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return result, statistics.median(times)


def shares(channels, conversions, value) -> pd.DataFrame:
    """Shares of the attributed conversions and value, indexed by channel."""
    conversions = np.asarray(conversions, dtype=float)
    value = np.asarray(value, dtype=float)
    return pd.DataFrame(
        {"conversions": conversions / conversions.sum(), "value": value / value.sum()},
        index=pd.Index(list(channels), name="channel"),
    ).sort_index()


def max_diff(ours: pd.DataFrame, theirs: pd.DataFrame) -> float:
    """Largest absolute difference between two share tables over the same channels."""
    ours, theirs = ours.align(theirs, join="outer", fill_value=0.0)
    return float(np.max(np.abs(ours.to_numpy() - theirs.to_numpy())))


def three_heuristics(paths):
    return [f(paths) for f in HEURISTICS.values()]


def parse_then_three(paths):
    parsed = parse_paths(paths)
    return [f(parsed) for f in HEURISTICS.values()]


def accepts_parsed(paths) -> bool:
    """Whether the methods take a parsed table (``ParsedPaths``) as well as a DataFrame."""
    try:
        first_touch(parse_paths(paths.head(2)))
    except TypeError:
        return False
    return True


def run(n_journeys: int, n_channels: int, repeat: int, ca, seed: int = 2026) -> list[dict]:
    touches = draw_journeys(n_journeys, n_channels, 3.5, np.random.default_rng(seed))
    paths = paths_from_journeys(touches)
    del touches
    info = {"channels": n_channels, "journeys": n_journeys, "unique_paths": len(paths)}
    rows = []

    def row(method, ours_s, ca_method=None, ca_s=None, diff=None):
        rows.append(
            {
                **info,
                "method": method,
                "mcstudy_s": round(ours_s, 4),
                "channelattribution_method": None if ca_s is None else ca_method,
                "channelattribution_s": None if ca_s is None else round(ca_s, 4),
                "ratio": None if ca_s is None else round(ca_s / ours_s, 2),
                "max_share_diff": None if diff is None else float(f"{diff:.3g}"),
            }
        )

    ca_heur = ca_markov = None
    t_ca_heur = t_ca_markov = None
    if ca is not None:
        ca_heur, t_ca_heur = median_time(
            ca.heuristic_models,
            paths,
            "path",
            "conversions",
            var_value="value",
            sep=">",
            flg_pro=False,
            repeat=repeat,
        )
        ca_markov, t_ca_markov = median_time(
            ca.markov_model,
            paths,
            "path",
            "conversions",
            var_value="value",
            var_null="nulls",
            sep=">",
            verbose=False,
            flg_pro=False,
            repeat=repeat,
        )

    results, diffs = {}, {}
    for name, method in HEURISTICS.items():
        results[name], t = median_time(method, paths, repeat=repeat)
        if ca_heur is not None:
            prefix = CA_HEURISTIC[name]
            theirs = shares(
                ca_heur["channel_name"],
                ca_heur[f"{prefix}_conversions"],
                ca_heur[f"{prefix}_value"],
            )
            out = results[name]
            diffs[name] = max_diff(shares(out["channel"], out["conversions"], out["value"]), theirs)
        row(name, t, "heuristic_models", t_ca_heur, diffs.get(name))
    worst = max(diffs.values()) if diffs else None
    _, t = median_time(three_heuristics, paths, repeat=repeat)
    row("first+last+linear", t, "heuristic_models", t_ca_heur, worst)
    if accepts_parsed(paths):
        _, t = median_time(parse_then_three, paths, repeat=repeat)
        row("parse_paths+first+last+linear", t, "heuristic_models", t_ca_heur, worst)

    out, t = median_time(markov, paths, repeat=repeat)
    diff = None
    if ca_markov is not None:
        theirs = shares(
            ca_markov["channel_name"],
            ca_markov["total_conversions"],
            ca_markov["total_conversion_value"],
        )
        diff = max_diff(shares(out["channel"], out["conversions"], out["value"]), theirs)
    row("markov", t, "markov_model", t_ca_markov, diff)

    _, t = median_time(parse_paths, paths, repeat=repeat)
    row("parse_paths", t)
    for method in (time_decay, position_based, shapley):
        _, t = median_time(method, paths, repeat=repeat)
        row(method.__name__, t)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journeys", type=int, default=1_000_000)
    parser.add_argument("--channels", type=int, nargs="+", default=[8, 16])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    ca = import_channelattribution()
    if ca is None:
        print(
            "ChannelAttribution is not installed: timing mcstudy only. Install the pinned "
            'version with pip install -e ".[bench]" to compare.'
        )
    load_before = os.getloadavg()
    rows = []
    for n_channels in args.channels:
        rows.extend(run(args.journeys, n_channels, args.repeat, ca))
    load_after = os.getloadavg()
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 220, "display.max_columns", 20):
        print(table.drop(columns="journeys").to_string(index=False))
    compared = table.dropna(subset=["ratio"])
    if len(compared):
        for n_channels, group in compared.groupby("channels"):
            worst = group.loc[group["ratio"].idxmin()]
            print(
                f"{n_channels} channels: smallest ratio {worst['ratio']} ({worst['method']}); "
                f"largest share difference {group['max_share_diff'].max():.3g}"
            )
    print(
        f"load average (1, 5, 15 min) before: {', '.join(f'{x:.2f}' for x in load_before)}; "
        f"after: {', '.join(f'{x:.2f}' for x in load_after)}; {os.cpu_count()} CPUs"
    )
    print(json.dumps({"rows": rows, "load_before": load_before, "load_after": load_after}))


if __name__ == "__main__":
    main()
