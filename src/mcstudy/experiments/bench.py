"""Throughput benchmark of the simulator (``mcstudy bench``)."""

from __future__ import annotations

import os
import resource
import sys
import time

from mcstudy._validation import check_int
from mcstudy._vocab import PARAMETER_RANGES

__all__ = ["run_benchmark"]


def _peak_memory_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB else


def run_benchmark(
    n_customers: int = 1_000_000, n_weeks: int = 52, *, n_threads=None, rng=0
) -> dict:
    """Time one simulation of the default population under the default (siloed) strategy.

    A small warm-up run first compiles the kernel, so the timing excludes compilation; its
    duration is reported as ``compile_seconds``.

    Parameters
    ----------
    n_customers : int, default=1_000_000
        Customers, in [1, 100_000_000].
    n_weeks : int, default=52
        Weeks, in [1, 520].
    n_threads : int, default=None
        Threads (all CPUs when None).
    rng : None, int, SeedSequence or Generator, default=0
        Root of the random streams.

    Returns
    -------
    dict
        ``customers, weeks, channels, threads, seconds, customer_weeks_per_second,
        peak_memory_mb, compile_seconds``.
    """
    from mcstudy.model.engine import simulate
    from mcstudy.model.population import PopulationSpec

    check_int(n_customers, "n_customers", *PARAMETER_RANGES["n_customers"])
    check_int(n_weeks, "n_weeks", *PARAMETER_RANGES["n_weeks"])
    if n_threads is not None:
        check_int(n_threads, "n_threads", 1, 1024)
    start = time.perf_counter()
    simulate(PopulationSpec(n_customers=100), n_weeks=2, n_journeys=10, rng=rng)
    compile_seconds = time.perf_counter() - start
    start = time.perf_counter()
    result = simulate(
        PopulationSpec(n_customers=n_customers), n_weeks=n_weeks, n_threads=n_threads, rng=rng
    )
    seconds = time.perf_counter() - start
    return {
        "customers": n_customers,
        "weeks": n_weeks,
        "channels": len(result.channels),
        "threads": n_threads or os.cpu_count(),
        "seconds": round(seconds, 3),
        "customer_weeks_per_second": round(n_customers * n_weeks / seconds),
        "peak_memory_mb": round(_peak_memory_mb(), 1),
        "compile_seconds": round(compile_seconds, 3),
    }
