"""Where tasks run: in this process, in local processes, or on a Dask cluster.

Each backend runs :func:`_run_task` on task tuples taken from an iterator and hands every
finished task to a callback as soon as it completes, so that the caller can store it at once.
The process and Dask backends keep a bounded number of tasks in flight, so memory does not
grow with the number of tasks.

Stopping
--------
On ``KeyboardInterrupt`` (Ctrl-C) or an error, a backend cancels the tasks not yet started,
stops its worker processes (or the ``LocalCluster`` it started, or its connection to a
cluster) and re-raises; tasks already handed to the callback stay stored. Local worker
processes ignore Ctrl-C themselves (the parent stops them) and exit on their own when the
parent dies without stopping them (e.g. ``kill -9``): a thread in each worker watches the
parent process id (POSIX; on Windows the operating system offers no such signal).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Mapping
from numbers import Real

import numpy as np
import pandas as pd

from mcstudy._random import task_seed_sequence
from mcstudy.experiments.registry import (
    _ID_COLUMNS,
    _callable_name,
)

__all__ = [
    "BACKENDS",
    "DEFAULT_CONNECT_TIMEOUT",
]


#: Execution backends accepted by :func:`replicate` and :func:`sweep`.
BACKENDS = ("serial", "processes", "dask")

#: Seconds to wait for a Dask scheduler given by address before giving up (``connect_timeout``).
DEFAULT_CONNECT_TIMEOUT = 5.0

#: Tasks submitted to a Dask cluster at a time: keeps 2,500 worker threads busy without
#: holding a future per task of a long sweep.
_DASK_IN_FLIGHT = 10_000

#: Seconds between two checks of a local worker process that its parent is still alive.
_PARENT_POLL_SECONDS = 0.2


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
        value = output["value"]
        if not pd.api.types.is_numeric_dtype(value) or pd.api.types.is_bool_dtype(value):
            raise TypeError(
                f"a study DataFrame's column 'value' must be numeric; got dtype {value.dtype}"
                + (f" (first value {value.iloc[0]!r})." if len(value) else ".")
            )
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
    try:
        return _task_frame(
            func(dict(params), task_seed_sequence(seed, point, replication)),
            task_id,
            point,
            replication,
        )
    except Exception as exc:
        exc.add_note(
            f"in study {_callable_name(func)}, task {task_id} "
            f"(point {point}, replication {replication}, params {params!r})"
        )
        raise


Deliver = Callable[[pd.DataFrame, tuple], None]


@contextlib.contextmanager
def _sigint_ignored():
    """Ignore Ctrl-C in this block (main thread only; elsewhere Python has no handler).

    Worker processes started in the block inherit the ignored SIGINT, so that a Ctrl-C at
    the terminal, sent to the whole process group, stops the run through the parent only.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler if previous is None else previous)


@contextlib.contextmanager
def _sigint_deferred():
    """Hold Ctrl-C back in the worker processes started in this block, until they ignore it.

    SIGINT is blocked in the main thread in the block (POSIX only).

    A worker process started in the block inherits the blocked signal: a Ctrl-C sent to the
    whole process group while the worker is still starting (unpickling, importing mcstudy,
    before :func:`_init_worker` ignores SIGINT) stays pending in it, and is discarded when it
    ignores SIGINT, instead of a ``KeyboardInterrupt`` traceback on the terminal. The parent
    still gets the press: through another of its threads at once, or when the block ends.
    """
    block = getattr(signal, "pthread_sigmask", None)
    if block is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    # multiprocessing starts its resource tracker with the same technique (bpo-33613) and
    # unblocks SIGINT when it is done, which would end this block early: start it first
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _in_finaliser(frame) -> bool:
    """Whether ``frame`` runs inside a ``__del__`` method (where exceptions are swallowed)."""
    while frame is not None:
        if frame.f_code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


class _Interrupts:
    """Ctrl-C during a run: raise ``KeyboardInterrupt`` as usual, and remember it.

    Python swallows an exception raised in a ``__del__`` method (printing "Exception ignored
    in" and its traceback), so a Ctrl-C that lands while an object is being released (Dask
    futures are, after each finished task) would be lost and the run would go on. The handler
    records every press, and does not raise inside a ``__del__``; :meth:`check`, called after
    each finished task, raises it.
    """

    def __init__(self):
        self.pressed = False
        self._previous = None

    def __enter__(self) -> _Interrupts:
        if threading.current_thread() is threading.main_thread():
            previous = signal.getsignal(signal.SIGINT)
            if callable(previous):  # not SIG_IGN or SIG_DFL: leave those alone
                self._previous = previous
                signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum, frame) -> None:
        self.pressed = True
        if not _in_finaliser(frame):
            self._previous(signum, frame)

    def check(self) -> None:
        """Raise ``KeyboardInterrupt`` if Ctrl-C was pressed (and perhaps swallowed)."""
        if self.pressed:
            raise KeyboardInterrupt

    def __exit__(self, *exc) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


def _run_serial(args: Iterable[tuple], deliver: Deliver) -> None:
    for a in args:
        deliver(_run_task(*a), a)


def _watch_parent(parent_pid: int) -> None:
    """Exit this worker process as soon as its parent ``parent_pid`` is gone."""
    while os.getppid() == parent_pid:
        time.sleep(_PARENT_POLL_SECONDS)
    os._exit(1)


def _init_worker(parent_pid: int) -> None:
    """Set up a local worker process: leave Ctrl-C to the parent, die with the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # also discards a press held back at start
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    if os.name == "posix":
        threading.Thread(
            target=_watch_parent, args=(parent_pid,), name="mcstudy-parent-watch", daemon=True
        ).start()


def _stop_workers(pool) -> None:
    """Terminate the worker processes of ``pool`` without waiting for their tasks."""
    terminate = getattr(pool, "terminate_workers", None)  # Python >= 3.14
    if terminate is not None:
        terminate()
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(5)


def _run_processes(args: Iterable[tuple], workers: int | None, deliver: Deliver) -> None:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    n_workers = workers or os.cpu_count() or 1
    ctx = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        max_workers=n_workers, mp_context=ctx, initializer=_init_worker, initargs=(os.getpid(),)
    )
    todo = iter(args)
    pending: dict = {}
    finished = False
    try:
        while True:
            # submitting may start a worker process (Python starts them on demand)
            with _sigint_deferred():
                while len(pending) < 2 * n_workers and (a := next(todo, None)) is not None:
                    pending[pool.submit(_run_task, *a)] = a
            if not pending:
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                deliver(fut.result(), pending.pop(fut))
        finished = True
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:  # Ctrl-C or an error: running tasks' results would be discarded, so stop now
            with _sigint_ignored():
                for fut in pending:
                    fut.cancel()
                _stop_workers(pool)
                pool.shutdown(wait=True, cancel_futures=True)


def _quiet_cancellations() -> None:
    """In a worker of our own LocalCluster: do not log the tasks we cancel when we stop it.

    Closing the cluster after Ctrl-C cancels the running tasks, and each worker would log a
    warning per task ("Async instruction ... ended with CancelledError") on the terminal.
    """
    import logging

    logging.getLogger("distributed.worker.state_machine").setLevel(logging.ERROR)


def _connect(distributed, address: str, timeout: float):
    """Return a ``distributed.Client`` of the scheduler at ``address``; fail after ``timeout``."""
    try:
        return distributed.Client(address, timeout=timeout)
    except OSError as exc:
        reason = "" if str(exc).startswith("Timed out") else f": {exc}"
        raise ConnectionError(
            f"cannot reach the Dask scheduler at {address!r} (no connection within "
            f"{timeout:g} s{reason}). Check that the cluster is running and that the address "
            "is right (e.g. print(cluster.scheduler_address) where it was started), or allow "
            "more time with 'connect_timeout' (--connect-timeout on the command line)."
        ) from None
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"'scheduler' must be a Dask scheduler address such as 'tcp://host:8786' or a "
            f"distributed.Client; got {address!r} ({exc})."
        ) from None


def _run_dask(
    args: Iterable[tuple],
    workers: int | None,
    scheduler: object,
    connect_timeout: float,
    deliver: Deliver,
) -> None:
    try:
        import distributed
    except ImportError as exc:
        raise ImportError(f"backend='dask' needs dask and distributed: {_CLUSTER_HINT}") from exc

    cluster = client = None
    todo = iter(args)
    pending: dict = {}
    finished = False
    try:
        if scheduler is None:
            import dask

            # Dask's workers return freed memory to the system at 64 KiB by default; the
            # simulator allocates and frees large arrays in every task, so keep glibc's default.
            trim = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"
            with dask.config.set({trim: None}), _sigint_ignored(), warnings.catch_warnings():
                # without a dashboard the scheduler still serves HTTP, by default on port
                # 8787, and warns when another cluster holds it: it then takes a free port
                warnings.filterwarnings("ignore", "Port .* is already in use", UserWarning)
                cluster = distributed.LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
                )
            active = client = distributed.Client(cluster)
            client.run(_quiet_cancellations)
        elif isinstance(scheduler, str):
            active = client = _connect(distributed, scheduler, connect_timeout)
        elif isinstance(scheduler, distributed.Client):
            active = scheduler
        else:
            raise TypeError(
                "'scheduler' must be a Dask scheduler address such as 'tcp://host:8786' or a "
                f"distributed.Client; got {scheduler!r}."
            )
        running = distributed.as_completed()

        def top_up():
            while len(pending) < _DASK_IN_FLIGHT and (a := next(todo, None)) is not None:
                fut = active.submit(_run_task, *a, pure=False)
                pending[fut.key] = (fut, a)
                running.add(fut)

        top_up()
        for fut in running:
            result, task = fut.result(), pending.pop(fut.key)[1]
            del fut  # release it before deliver checks for a Ctrl-C pressed meanwhile
            deliver(result, task)
            top_up()
        finished = True
    finally:
        with _sigint_ignored() if not finished else contextlib.nullcontext():
            if pending:
                active.cancel([fut for fut, _ in pending.values()])
            if client is not None:
                client.close()
            if cluster is not None:
                cluster.close()
