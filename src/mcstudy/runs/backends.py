"""Where tasks run: in this process, in local processes, or on a Dask cluster.

Each backend runs :func:`run_task` on task tuples and hands every finished task to a callback
as soon as it completes, so that the caller can store it at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from numbers import Real

import numpy as np
import pandas as pd

from mcstudy._random import task_seed_sequence
from mcstudy.runs.registry import (
    _ID_COLUMNS,
    _callable_name,
)

__all__ = [
    "BACKENDS",
]


#: Execution backends accepted by :func:`replicate` and :func:`sweep`.
BACKENDS = ("serial", "processes", "dask")


_CLUSTER_HINT = "pip install mcstudy[cluster]"


def _task_frame(output: object, task_id: int, point: int, replication: int) -> pd.DataFrame:
    """Turn one study output into the task's rows with the id columns first."""
    if isinstance(output, Mapping):
        metrics, values = list(output), list(output.values())
        for metric, value in zip(metrics, values, strict=True):
            if not isinstance(metric, str):
                raise TypeError(f"metric names must be str; got {metric!r}.")
            if isinstance(value, bool) or not isinstance(value, Real):
                raise TypeError(f"metric {metric!r} must be a real number; got {value!r}.")
        frame = pd.DataFrame(
            {"metric": pd.Series(metrics, dtype="str"), "value": np.asarray(values, float)}
        )
    elif isinstance(output, pd.DataFrame):
        missing = [c for c in ("metric", "value") if c not in output.columns]
        if missing:
            raise ValueError(
                f"a study DataFrame must have columns ['metric', 'value']; missing {missing}."
            )
        clash = sorted(set(output.columns) & set(_ID_COLUMNS))
        if clash:
            raise ValueError(f"a study DataFrame must not have the columns {clash}.")
        keys = [c for c in output.columns if c not in ("metric", "value")]
        frame = output[[*keys, "metric", "value"]].reset_index(drop=True)
        frame["metric"] = frame["metric"].astype("str")
        frame["value"] = frame["value"].astype(float)
    else:
        raise TypeError(
            f"a study must return a dict of metric -> value or a DataFrame; "
            f"got {type(output).__name__}."
        )
    frame.insert(0, "replication", np.full(len(frame), replication, dtype=np.int64))
    frame.insert(0, "point", np.full(len(frame), point, dtype=np.int64))
    frame.insert(0, "task_id", np.full(len(frame), task_id, dtype=np.int64))
    return frame


def _run_task(
    func: Callable, params: dict, seed: int, task_id: int, point: int, replication: int
) -> pd.DataFrame:
    """Run one task in whatever process it lands on; top-level so that it pickles."""
    rng = np.random.default_rng(task_seed_sequence(seed, point, replication))
    try:
        return _task_frame(func(dict(params), rng), task_id, point, replication)
    except Exception as exc:
        exc.add_note(
            f"in study {_callable_name(func)}, task {task_id} "
            f"(point {point}, replication {replication}, params {params!r})"
        )
        raise


def _deliver(frame, a, store, frames, bar) -> None:
    """Record a finished task: write its file (if resumable), keep it, tick the bar."""
    tid = a[3]
    if store is not None:
        store.write(tid, frame)
    frames[tid] = frame
    bar.update(1)


def _run_processes(args, workers, store, frames, bar) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    ctx = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx)
    try:
        futures = {pool.submit(_run_task, *a): a for a in args}
        for fut in as_completed(futures):
            _deliver(fut.result(), futures[fut], store, frames, bar)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _run_dask(args, workers, scheduler, store, frames, bar) -> None:
    try:
        import distributed
    except ImportError as exc:
        raise ImportError(f"backend='dask' needs dask and distributed: {_CLUSTER_HINT}") from exc

    cluster = client = None
    if scheduler is None:
        import dask

        # Dask's workers return freed memory to the system at 64 KiB by default; the simulator
        # allocates and frees large arrays in every task, so keep glibc's default threshold.
        trim = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"
        with dask.config.set({trim: None}):
            cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1,
                                               processes=True, dashboard_address=None)
        active = client = distributed.Client(cluster)
    elif isinstance(scheduler, distributed.Client):
        active = scheduler
    else:
        active = client = distributed.Client(scheduler)
    try:
        futures = [active.submit(_run_task, *a, pure=False) for a in args]
        index = {f.key: a for f, a in zip(futures, args, strict=True)}
        try:
            for fut in distributed.as_completed(futures):
                _deliver(fut.result(), index[fut.key], store, frames, bar)
        finally:
            active.cancel(futures)
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
