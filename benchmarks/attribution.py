"""Time the attribution methods on a million customer journeys, and how they scale.

Draws synthetic customer journeys (one row per touchpoint: a channel drawn from a skewed
mix, a geometric number of touches, a conversion whose probability rises with the channels
touched, a log-normal value), aggregates them to unique paths with
``paths_from_journeys``, and times ``markov`` (order 1) and ``shapley`` on the path table.
Then repeats with more channels and with more unique paths (longer journeys), and prints the
wall time of each step, journeys per second, then one JSON line.

    python benchmarks/attribution.py [--journeys 1000000] [--repeat 3] [--quick]

Each timing is the fastest of ``--repeat`` runs. ``--quick`` runs the scaling part on
100,000 journeys only.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import pandas as pd

from mcstudy.attribution import markov, paths_from_journeys, shapley
from mcstudy.attribution._cache import clear_parse_cache


def draw_journeys(
    n_journeys: int, n_channels: int, mean_touches: float, rng: np.random.Generator
) -> pd.DataFrame:
    """Synthetic touchpoints: ``journey_id``, ``channel``, ``conversions``, ``value``."""
    lengths = rng.geometric(1.0 / mean_touches, size=n_journeys)
    mix = 1.0 / np.arange(1, n_channels + 1)
    codes = rng.choice(n_channels, size=lengths.sum(), p=mix / mix.sum())
    journey = np.repeat(np.arange(n_journeys), lengths)
    lift = rng.uniform(-0.3, 0.6, size=n_channels)
    score = -3.0 + np.bincount(journey, lift[codes], minlength=n_journeys)
    converted = rng.random(n_journeys) < 1.0 / (1.0 + np.exp(-score))
    value = np.where(converted, rng.lognormal(4.0, 0.5, size=n_journeys), 0.0)
    last = np.cumsum(lengths) - 1  # the outcome sits on the journey's last touch
    conv_row = np.zeros(len(codes))
    value_row = np.zeros(len(codes))
    conv_row[last] = converted
    value_row[last] = value
    names = np.array([f"channel_{k:02d}" for k in range(n_channels)], dtype=object)
    return pd.DataFrame(
        {
            "journey_id": journey,
            "channel": names[codes],
            "conversions": conv_row,
            "value": value_row,
        }
    )


def best_time(function, *args, repeat: int = 1, **kwargs):
    """The result and the fastest of ``repeat`` calls, each parsing the table afresh."""
    times = []
    for _ in range(repeat):
        clear_parse_cache()  # the methods remember a table's parse: time it every call
        start = time.perf_counter()
        result = function(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return result, min(times)


def run(n_journeys, n_channels, mean_touches, repeat, seed=2026) -> dict:
    touches = draw_journeys(n_journeys, n_channels, mean_touches, np.random.default_rng(seed))
    paths, t_paths = best_time(paths_from_journeys, touches)
    _, t_markov = best_time(markov, paths, repeat=repeat)
    _, t_shapley = best_time(shapley, paths, repeat=repeat)
    row = {
        "journeys": n_journeys,
        "touches": len(touches),
        "channels": n_channels,
        "mean_touches": mean_touches,
        "unique_paths": len(paths),
        "paths_from_journeys_s": round(t_paths, 3),
        "markov_s": round(t_markov, 3),
        "shapley_s": round(t_shapley, 3),
        "markov_journeys_per_s": round(n_journeys / t_markov),
        "shapley_journeys_per_s": round(n_journeys / t_shapley),
    }
    if n_channels <= 16:
        _, t_coal = best_time(shapley, paths, method="coalitions", repeat=1)
        row["shapley_coalitions_s"] = round(t_coal, 3)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journeys", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()

    rows = [run(args.journeys, 8, 3.5, args.repeat)]
    n_scale = 100_000 if args.quick else args.journeys
    for n_channels in (4, 12, 16, 24):
        rows.append(run(n_scale, n_channels, 3.5, args.repeat))
    for mean_touches in (2.0, 6.0, 10.0):
        rows.append(run(n_scale, 8, mean_touches, args.repeat))
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.to_string(index=False))
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
