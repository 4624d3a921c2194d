"""Time the numba engine against the Mesa implementation of the same weekly rules.

Usage::

    .venv/bin/python benchmarks/compare_mesa.py --customers 10000 --weeks 52 --seed 1

Both simulate the siloed multichannel strategy for the same population distribution. The
engine is timed after a warm-up call, so numba's compilation (or the load of its on-disk
cache) is excluded from its time and reported separately, with the time to compile the kernel
from scratch; its time is the best of ``--repeats`` runs. Mesa runs once. Each time covers
drawing the population, simulating every week and building the customer table. Customer-weeks
per second count every customer for every week (churned customers included), the same
numerator for both. The last line printed is a JSON object with the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numba

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mesa_model import CustomerModel, agreement_table  # noqa: E402

from mcstudy.model import _kernel  # noqa: E402
from mcstudy.model.engine import simulate  # noqa: E402
from mcstudy.model.population import PopulationSpec  # noqa: E402
from mcstudy.model.strategies import SiloedMultichannel  # noqa: E402


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an int >= 1; got {text!r}")
    return value


def _time_engine(spec, strategy, n_weeks, seed, n_threads, repeats):
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = simulate(
            spec, strategy, n_weeks=n_weeks, n_threads=n_threads, progress=False, rng=seed
        )
        best = min(best, time.perf_counter() - start)
    return best, result.customers


def _compile_seconds() -> float:
    """Seconds to compile ``run_block`` from scratch (a fresh dispatcher, no on-disk cache)."""
    fresh = numba.njit(nogil=True, error_model="numpy")(_kernel.run_block.py_func)
    start = time.perf_counter()
    for signature in _kernel.run_block.signatures:
        fresh.compile(signature)
    return time.perf_counter() - start


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=_positive_int, default=10_000)
    parser.add_argument("--weeks", type=_positive_int, default=52)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--repeats",
        type=_positive_int,
        default=3,
        help="engine runs timed; the best is kept (default 3)",
    )
    parser.add_argument(
        "--engine-threads",
        type=_positive_int,
        default=None,
        help="engine threads (default: simulate's default, the CPU count)",
    )
    args = parser.parse_args(argv)

    spec = PopulationSpec(n_customers=args.customers)
    strategy = SiloedMultichannel()
    cw = args.customers * args.weeks

    # Warm-up: compiles run_block, or loads it from numba's cache.
    start = time.perf_counter()
    simulate(
        PopulationSpec(n_customers=200), strategy, n_weeks=2, n_journeys=10, progress=False, rng=0
    )
    warmup = time.perf_counter() - start
    stats = _kernel.run_block.stats
    from_cache = bool(stats.cache_hits) and not stats.cache_misses
    compile_seconds = _compile_seconds()

    threads = args.engine_threads or os.cpu_count() or 1
    t_engine, engine = _time_engine(
        spec, strategy, args.weeks, args.seed, args.engine_threads, args.repeats
    )
    t_engine_1, _ = _time_engine(spec, strategy, args.weeks, args.seed, 1, args.repeats)

    start = time.perf_counter()
    model = CustomerModel(spec, strategy, seed=args.seed)
    t_setup = time.perf_counter() - start
    for _ in range(args.weeks):
        model.step()
    mesa = model.customer_table()
    t_mesa = time.perf_counter() - start

    out = {
        "customers": args.customers,
        "weeks": args.weeks,
        "seed": args.seed,
        "strategy": strategy.name,
        "engine_seconds": t_engine,
        "engine_threads": min(threads, -(-args.customers // 8192)),
        "engine_one_thread_seconds": t_engine_1,
        "engine_warmup_seconds": warmup,
        "engine_warmup_from_numba_cache": from_cache,
        "engine_compile_seconds": compile_seconds,
        "mesa_seconds": t_mesa,
        "mesa_setup_seconds": t_setup,
        "engine_customer_weeks_per_second": cw / t_engine,
        "engine_one_thread_customer_weeks_per_second": cw / t_engine_1,
        "mesa_customer_weeks_per_second": cw / t_mesa,
        "speed_ratio": t_mesa / t_engine,
        "speed_ratio_one_thread": t_mesa / t_engine_1,
    }
    print(f"customers                      {args.customers}")
    print(f"weeks                          {args.weeks}")
    print(f"engine warm-up (numba {'cache load' if from_cache else 'compile'}) {warmup:10.3f} s")
    print(f"engine compile from scratch    {compile_seconds:10.3f} s")
    print(
        f"engine ({out['engine_threads']} thread(s), best of {args.repeats})"
        f"{t_engine:12.3f} s  {cw / t_engine:14,.0f} customer-weeks/s"
    )
    print(
        f"engine (1 thread)              {t_engine_1:10.3f} s  {cw / t_engine_1:14,.0f} "
        "customer-weeks/s"
    )
    print(
        f"mesa (setup {t_setup:.2f} s)          {t_mesa:10.3f} s  {cw / t_mesa:14,.0f} "
        "customer-weeks/s"
    )
    print(
        f"speed ratio mesa/engine        {out['speed_ratio']:10.1f} x  "
        f"(vs 1 thread: {out['speed_ratio_one_thread']:.1f} x)"
    )
    print("agreement (engine vs Mesa, per-customer means):")
    print(agreement_table(engine, mesa).round(4).to_string(index=False))
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
