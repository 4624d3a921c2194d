"""Replications and parameter sweeps: serial, local processes or a Dask cluster, resumable.

A *study* is a function ``study(params, rng)`` that runs one simulation with the parameters in
the dict ``params`` and the ``numpy.random.SeedSequence`` ``rng`` (which it hands to
:func:`mcstudy.model.simulate` as it is, or turns into a ``numpy.random.Generator`` where it
draws numbers itself) and returns its metrics, either
as a dict ``{metric name: value}`` or as a tidy DataFrame with columns ``metric`` and ``value``
(plus optional key columns such as ``arm``). :func:`replicate` runs one parameter set
``n_replications`` times; :func:`sweep` runs every point of a grid ``n_replications`` times.
Both return one tidy DataFrame with one row per grid point × replication × metric.

Studies are registered by name in :data:`STUDIES` with :func:`register_study`, which also
declares the parameters each study accepts, so that TOML sweep configurations
(:func:`load_sweep_config`, ``mcstudy sweep CONFIG.toml``) are validated before anything runs.

Seeds
-----
Task ``(point p, replication r)`` is handed ``np.random.SeedSequence(seed, spawn_key=(p, r))``
(:func:`mcstudy._random.task_seed_sequence`), the only place where the run's int seed changes form;
it is the same sequence as ``SeedSequence(seed).spawn(n_points)[p].spawn(n_replications)[r]``: one
child per grid point, one grandchild per replication. The stream depends only on ``seed``, ``p`` and
``r``, never on the backend, the number of workers or the order in which tasks finish, so the same
seed gives the same table everywhere; adding replications or appending grid points leaves the
existing tasks' numbers unchanged. :func:`replicate` is a sweep with the single point 0.

Backends
--------
``"serial"`` (default) runs in this process. ``"processes"`` uses a
:class:`concurrent.futures.ProcessPoolExecutor` with ``workers`` spawned processes; the study
must then be picklable (a top-level function of an importable module) and scripts need the
``if __name__ == "__main__":`` guard. ``"dask"`` submits tasks to a ``distributed`` cluster:
the one at ``scheduler`` (an address or a ``distributed.Client``) or else a ``LocalCluster``
with ``workers`` single-threaded worker processes, started and closed by the call. Dask is the
optional extra ``pip install mcstudy[cluster]``.

Resuming
--------
With ``out_dir``, every finished task is written atomically (temporary file in the same
directory, then ``os.replace``) to ``out_dir/tasks/<task_id>.parquet``, and the run
configuration (study, seed, grid, fixed parameters, the study defaults used,
``n_replications``) and a fingerprint of the simulator code
(:func:`mcstudy.experiments.store.model_fingerprint`: mcstudy version, a hash of the model
sources, ``BLOCK_SIZE``) to ``out_dir/run.json``. Running again into the same directory
recomputes only the missing tasks (``on_start`` is told how many are done); a different
configuration or different code raises :class:`RunConfigError` instead of mixing results.
The directory is checked before any task runs (not a file, writable). Run one process per
``out_dir`` at a time.

Interrupting
------------
Ctrl-C (``KeyboardInterrupt``) cancels the tasks not yet started, stops the worker processes
or the ``LocalCluster`` and raises :class:`SweepInterrupted`, a ``KeyboardInterrupt`` that
says how many tasks are done; with ``out_dir`` they are saved, and the same call resumes.
Local worker processes also exit when the calling process is killed.

Limits
------
A run has at most :data:`MAX_TASKS` tasks (grid points × replications), checked before
anything is built per point or per task; split larger runs. Tasks are generated and
submitted as workers free up, so memory grows with the results, not with the task count.

Slurm and PBS clusters
----------------------
With ``dask-jobqueue`` (part of the ``cluster`` extra), start the cluster from a long-lived
Python process on the login node (e.g. in ``tmux``) and point the sweep at its scheduler::

    from dask_jobqueue import SLURMCluster        # or PBSCluster, same arguments
    cluster = SLURMCluster(cores=1, processes=1, memory="4GB", walltime="02:00:00",
                           queue="normal", account="myproject",
                           job_script_prologue=["source /path/to/mcstudy/.venv/bin/activate"])
    cluster.scale(jobs=20)                          # 20 batch jobs, one worker each
    print(cluster.scheduler_address)                # e.g. tcp://10.1.2.3:45678

then, in a shell (keep the Python process alive while the sweep runs)::

    mcstudy sweep sweep.toml --backend dask --scheduler tcp://10.1.2.3:45678 --out runs/run1

or from the same Python process ``sweep(..., backend="dask", scheduler=cluster.scheduler_address,
out_dir="runs/run1")``. A scheduler that does not answer within ``connect_timeout`` seconds
(default 5) is reported at once with its address. Results are written by the submitting
process, so workers need mcstudy installed but no shared file system; if the jobs hit their
walltime, rerun the same command to finish the missing tasks.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from mcstudy._progress import progress_enabled
from mcstudy._random import run_seed
from mcstudy._validation import check_int, check_number, check_option
from mcstudy.experiments.backends import (
    BACKENDS,
    DEFAULT_CONNECT_TIMEOUT,
    _Interrupts,
    _run_dask,
    _run_processes,
    _run_serial,
)
from mcstudy.experiments.grid import _Factorial, _grid
from mcstudy.experiments.registry import (
    _ID_COLUMNS,
    _RESERVED,
    StudySpec,
    _callable_name,
    _resolve_study,
)
from mcstudy.experiments.store import RunConfigError, _check_out_dir, _jsonable, _TaskStore

__all__ = [
    "MAX_TASKS",
    "SweepInterrupted",
    "replicate",
    "sweep",
]

#: Most tasks (grid points × replications) one run may have. A run keeps every result in
#: memory and, with ``out_dir``, one file per task; split larger runs into several runs
#: (part of the grid each, or fewer replications), each with its own output directory.
MAX_TASKS = 1_000_000


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a run; the tasks finished so far are saved when it had an ``out_dir``.

    A ``KeyboardInterrupt``, so code that stops on Ctrl-C keeps working.

    Attributes
    ----------
    n_done : int
        Tasks finished: with an ``out_dir``, the task files saved there (what a resume reads);
        without one, the tasks completed before the interruption.
    n_tasks : int
        Tasks of the whole run.
    out_dir : Path or None
        Where the finished tasks are saved; None when the run had no ``out_dir`` (they are
        lost).
    """

    def __init__(self, n_done: int, n_tasks: int, out_dir: Path | None):
        where = f"saved in {out_dir}" if out_dir is not None else "not saved (no out_dir)"
        super().__init__(f"interrupted: {n_done} of {n_tasks} tasks done and {where}")
        self.n_done = n_done
        self.n_tasks = n_tasks
        self.out_dir = out_dir

    def __reduce__(self):
        return type(self), (self.n_done, self.n_tasks, self.out_dir)


def replicate(
    study: str | Callable | StudySpec,
    *,
    n_replications: int,
    rng: object,
    params: Mapping[str, object] | None = None,
    backend: str = "serial",
    workers: int | None = None,
    scheduler: object = None,
    connect_timeout: float | None = None,
    out_dir: str | os.PathLike | None = None,
    progress: bool | None = None,
    on_start: Callable[[int, int], object] | None = None,
) -> pd.DataFrame:
    """Run ``study`` with ``params`` ``n_replications`` times on independent random streams.

    Parameters
    ----------
    study : str, StudySpec or callable
        A registered study name (its parameters are validated and defaults filled in) or a
        function ``study(params, rng) -> dict[str, float] | DataFrame``, ``rng`` the task's
        ``numpy.random.SeedSequence``.
    n_replications : int
        Number of replications, at least 1 (at most :data:`MAX_TASKS`).
    rng : int, SeedSequence, Generator or None
        Root of the random streams, turned into an int seed by
        :func:`mcstudy._random.run_seed` (an int is used as it is) and recorded in the
        ``seed`` column of the result; replication ``r`` uses
        ``SeedSequence(seed, spawn_key=(0, r))``, see :func:`task_seed_sequence`.
    params : dict, optional
        Parameters passed to every replication; each becomes a column of the result.
    backend : {"serial", "processes", "dask"}, default="serial"
        Where tasks run; every backend gives the same table.
    workers : int, optional
        Worker processes for ``"processes"`` (default: CPU count) or for the ``LocalCluster``
        that ``"dask"`` starts when no ``scheduler`` is given.
    scheduler : str or distributed.Client, optional
        Dask scheduler address (``"tcp://host:8786"``) or client; ``"dask"`` backend only.
    connect_timeout : float, optional
        Seconds to wait for the scheduler at the address ``scheduler`` before raising
        ``ConnectionError`` (default :data:`~mcstudy.experiments.backends.DEFAULT_CONNECT_TIMEOUT`,
        5 s); only with a ``scheduler`` address.
    out_dir : path, optional
        Directory for per-task files and ``run.json``; makes the run resumable. Checked
        before any task runs.
    progress : bool, optional
        Show a tqdm bar. ``None`` shows it only when stderr is a terminal; ``TQDM_DISABLE``
        in the environment turns it off in every case.
    on_start : callable, optional
        Called once before the first task runs as ``on_start(n_done, n_tasks)``: the tasks
        already finished in ``out_dir`` (0 for a new run) and the tasks of the whole run.
        The command line uses it to say that it resumes.

    Returns
    -------
    DataFrame
        Columns ``task_id, point, replication, seed, <params>, [study key columns,] metric,
        value``, rows sorted by ``task_id``; ``seed`` is the int root seed of the run (the
        same on every row); ``attrs`` also holds ``seed``, ``study`` and ``n_replications``.

    Raises
    ------
    ValueError, TypeError
        For invalid arguments, parameters, or study outputs; for more than
        :data:`MAX_TASKS` tasks; for an ``out_dir`` that is a file, lies inside a file or
        cannot be written.
    RunConfigError
        If ``out_dir`` holds a run with a different configuration, of different code (or of
        an older mcstudy that recorded no code fingerprint), or a damaged ``run.json``.
    ConnectionError
        If the Dask scheduler at ``scheduler`` does not answer within ``connect_timeout``.
    SweepInterrupted
        On Ctrl-C, once the workers are stopped; it says how many tasks are done and saved.
    ImportError
        If ``backend="dask"`` and dask/distributed are not installed.

    See Also
    --------
    sweep : the same over a grid of parameter values.

    Examples
    --------
    >>> table = replicate("toy_poisson", params={"rate": 2.0}, n_replications=3, rng=1,
    ...                   progress=False)
    >>> table.shape
    (6, 7)
    >>> int(table["seed"].iloc[0])
    1
    """
    return _run(
        study,
        _Factorial({}),
        params,
        n_replications,
        rng,
        backend,
        workers,
        scheduler,
        connect_timeout,
        out_dir,
        progress,
        on_start,
    )


def sweep(
    study: str | Callable | StudySpec,
    grid: Mapping[str, Sequence] | Sequence[Mapping[str, object]],
    *,
    n_replications: int,
    rng: object,
    params: Mapping[str, object] | None = None,
    backend: str = "serial",
    workers: int | None = None,
    scheduler: object = None,
    connect_timeout: float | None = None,
    out_dir: str | os.PathLike | None = None,
    progress: bool | None = None,
    on_start: Callable[[int, int], object] | None = None,
) -> pd.DataFrame:
    """Run ``study`` ``n_replications`` times at every point of ``grid``.

    Parameters
    ----------
    study : str, StudySpec or callable
        As in :func:`replicate`.
    grid : dict of str to list, or list of dict
        A dict ``{param: [values...]}`` is expanded to its full factorial in key order, the
        last key varying fastest; a list of dicts gives the points explicitly (all with the
        same keys). Point ``p`` is the ``p``-th point in this order.
    n_replications : int
        Replications per grid point, at least 1; points × replications is at most
        :data:`MAX_TASKS`.
    rng : int, SeedSequence, Generator or None
        Root of the random streams (as in :func:`replicate`); task (point ``p``,
        replication ``r``) uses ``SeedSequence(seed, spawn_key=(p, r))``, see
        :func:`task_seed_sequence`.
    params : dict, optional
        Fixed parameters for every point (must not overlap the grid's).
    backend, workers, scheduler, connect_timeout, out_dir, progress, on_start
        As in :func:`replicate`.

    Returns
    -------
    DataFrame
        One row per point × replication × metric with columns ``task_id, point,
        replication, seed, <grid params>, <fixed params>, [study key columns,] metric,
        value``, sorted by ``task_id`` (``point * n_replications + replication``); ``attrs``
        also holds ``seed``, ``study`` and ``n_replications``.

    Raises
    ------
    ValueError, TypeError, RunConfigError, ConnectionError, SweepInterrupted, ImportError
        As in :func:`replicate`.

    Examples
    --------
    >>> table = sweep("toy_poisson", {"rate": [0.5, 2.0], "n": [10, 100]}, n_replications=2,
    ...               rng=7, progress=False)
    >>> table.groupby(["rate", "n", "metric"])["value"].mean().shape
    (8,)
    """
    return _run(
        study,
        _grid(grid),
        params,
        n_replications,
        rng,
        backend,
        workers,
        scheduler,
        connect_timeout,
        out_dir,
        progress,
        on_start,
    )


class _Results:
    """Finished task frames, concatenated a thousand at a time to keep memory per row small."""

    _CHUNK = 1000

    def __init__(self):
        self.n = 0
        self._chunks: list[pd.DataFrame] = []
        self._batch: list[pd.DataFrame] = []

    def add(self, frame: pd.DataFrame) -> None:
        self._batch.append(frame)
        self.n += 1
        if len(self._batch) >= self._CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self._batch:
            self._chunks.append(pd.concat(self._batch, ignore_index=True))
            self._batch = []

    def table(self) -> pd.DataFrame:
        """All rows, sorted by task id (stable: a task's rows keep their order)."""
        self._flush()
        table = (
            self._chunks[0]
            if len(self._chunks) == 1
            else pd.concat(self._chunks, ignore_index=True)
        )
        if not table["task_id"].is_monotonic_increasing:
            table = table.sort_values("task_id", kind="stable", ignore_index=True)
        return table


def _check_run_args(backend, workers, scheduler, connect_timeout, progress, on_start):
    check_option(backend, "backend", BACKENDS)
    if workers is not None:
        workers = check_int(workers, "workers", 1)
    if backend == "serial" and workers is not None:
        raise ValueError(
            "'workers' is used by backends 'processes' and 'dask'; got backend='serial'."
        )
    if scheduler is not None and backend != "dask":
        raise ValueError(f"'scheduler' is used by backend 'dask' only; got backend={backend!r}.")
    if scheduler is not None and workers is not None:
        raise ValueError(
            "'workers' sizes the LocalCluster started when no 'scheduler' is "
            "given; scale the cluster at 'scheduler' instead."
        )
    if connect_timeout is None:
        connect_timeout = DEFAULT_CONNECT_TIMEOUT
    else:
        connect_timeout = check_number(connect_timeout, "connect_timeout", 0, 3600, low_open=True)
        if not isinstance(scheduler, str):
            raise ValueError(
                "'connect_timeout' is the wait for the Dask scheduler at the address "
                f"'scheduler' (backend='dask'); got scheduler={scheduler!r}."
            )
    if progress is not None and not isinstance(progress, bool):
        raise TypeError(f"'progress' must be a bool or None; got {progress!r}.")
    if on_start is not None and not callable(on_start):
        raise TypeError(f"'on_start' must be callable or None; got {on_start!r}.")
    return workers, connect_timeout


def _run(
    study,
    grid,
    fixed,
    n_replications,
    rng,
    backend,
    workers,
    scheduler,
    connect_timeout,
    out_dir,
    progress,
    on_start,
) -> pd.DataFrame:
    study_name, func, spec = _resolve_study(study)
    n_replications = check_int(n_replications, "n_replications", 1)
    seed = run_seed(rng)
    workers, connect_timeout = _check_run_args(
        backend, workers, scheduler, connect_timeout, progress, on_start
    )
    out = None if out_dir is None else _check_out_dir(out_dir, "out_dir")
    fixed = dict(fixed or {})
    overlap = sorted(set(fixed) & set(grid.names))
    if overlap:
        raise ValueError(
            f"parameters {overlap} are both swept in 'grid' and fixed in "
            "'params'; give each in one place only."
        )
    names = [*grid.names, *fixed]
    reserved = sorted(set(names) & _RESERVED)
    if reserved:
        raise ValueError(f"parameter names {reserved} are reserved for result columns.")
    n_tasks = grid.n_points * n_replications
    if n_tasks > MAX_TASKS:
        raise ValueError(
            f"the run has {n_tasks:,} tasks ({_plural(grid.n_points, 'grid point')} x "
            f"{_plural(n_replications, 'replication')}), more than MAX_TASKS = {MAX_TASKS:,} "
            "(mcstudy.experiments.MAX_TASKS); split it into runs of at most that many tasks (part "
            "of the grid, or fewer replications, per run), each with its own output directory."
        )
    defaults: dict[str, object] = {}
    if spec is not None:  # check values, fill in defaults, and use the checked values below
        grid = grid.validated(spec)
        fixed = {k: spec.validate_value(k, v) for k, v in fixed.items()}
        full = spec.validate({**grid.point(0), **fixed})  # also: required parameters given
        defaults = {k: v for k, v in full.items() if k not in names}
    if backend == "processes":
        try:
            pickle.dumps(func)
        except Exception as exc:
            raise TypeError(
                f"backend='processes' needs a picklable study (a top-level function of an "
                f"importable module); {_callable_name(func)} is not: {exc}"
            ) from exc

    store = None
    done: list[int] = []
    if out is not None:
        store = _TaskStore(out)
        store.open(
            {
                "study": study_name,
                "seed": seed,
                "n_replications": n_replications,
                "grid": [_jsonable(grid.point(p)) for p in range(grid.n_points)],
                "fixed": _jsonable(fixed),
                "defaults": _jsonable(defaults),
            }
        )
        done = _saved(store, n_tasks)
    if on_start is not None:
        on_start(len(done), n_tasks)
    results = _Results()
    columns = None
    for tid in done:
        frame = _read_task(store, tid, n_replications, columns)
        columns = list(frame.columns)
        results.add(frame)

    def todo() -> Iterator[tuple]:
        finished = set(done)
        for tid in range(n_tasks):
            if tid not in finished:
                p, r = divmod(tid, n_replications)
                yield (func, {**grid.point(p), **fixed, **defaults}, seed, tid, p, r)

    from tqdm import tqdm

    try:
        with (
            _Interrupts() as interrupts,
            tqdm(
                total=n_tasks,
                initial=results.n,
                unit="task",
                desc=study_name,
                disable=not progress_enabled(progress),
            ) as bar,
        ):

            def deliver(frame: pd.DataFrame, task: tuple) -> None:
                if store is not None:
                    store.write(task[3], frame)
                results.add(frame)
                bar.update(1)
                interrupts.check()

            if backend == "serial":
                _run_serial(todo(), deliver)
            elif backend == "processes":
                _run_processes(todo(), workers, deliver)
            else:
                _run_dask(todo(), workers, scheduler, connect_timeout, deliver)
    except SweepInterrupted:
        raise
    except KeyboardInterrupt:
        # with a store, the tasks saved: Ctrl-C can land between a task's file and its count
        n_done = results.n if store is None else len(_saved(store, n_tasks))
        raise SweepInterrupted(n_done, n_tasks, out) from None

    return _assemble(results, grid, fixed, seed, study_name, n_replications)


def _saved(store: _TaskStore, n_tasks: int) -> list[int]:
    """The ids of this run's tasks whose files are saved in ``store`` (what a resume reads)."""
    return [tid for tid in store.finished() if tid < n_tasks]


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _read_task(
    store: _TaskStore, task_id: int, n_replications: int, columns: list | None = None
) -> pd.DataFrame:
    """Read a finished task's file back, checking that it is this task's rows of this run.

    The file must hold the id columns ``task_id``, ``point`` and ``replication`` with this
    task's values on every row, ``metric`` and ``value`` (numbers), and the same columns as the
    run's other task files (``columns``, those of the first one read); anything else is a
    damaged file or one from another run, reported naming the file rather than mixed in.
    """
    path = store.path(task_id)
    delete = "delete that file to compute the task again."
    try:
        frame = store.read(task_id)
    except Exception as exc:  # a file damaged after it was written whole
        raise RunConfigError(
            f"{path} cannot be read ({type(exc).__name__}: {exc}); {delete}"
        ) from None
    need = [*_ID_COLUMNS, "metric", "value"]
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise RunConfigError(
            f"{path} is not a task file of this run: it lacks columns {missing} (it has "
            f"{list(frame.columns)}); {delete}"
        )
    point, replication = divmod(task_id, n_replications)
    for column, expected in (("task_id", task_id), ("point", point), ("replication", replication)):
        values = frame[column]
        if not pd.api.types.is_integer_dtype(values) or (values != expected).any():
            found = sorted(pd.unique(values).tolist(), key=str)[:5]
            raise RunConfigError(
                f"{path} is not task {task_id} of this run: its column {column!r} must be "
                f"{expected} on every row; it holds {found}; {delete}"
            )
    if not pd.api.types.is_numeric_dtype(frame["value"]) or pd.api.types.is_bool_dtype(
        frame["value"]
    ):
        raise RunConfigError(
            f"{path} is not a task file of this run: its column 'value' must be numeric; got "
            f"dtype {frame['value'].dtype}; {delete}"
        )
    if columns is not None and list(frame.columns) != list(columns):
        raise RunConfigError(
            f"{path} has columns {list(frame.columns)}, unlike the run's other task files "
            f"({list(columns)}): it comes from another run or study; {delete}"
        )
    return frame


def _assemble(results, grid, fixed, seed, study_name, n_replications) -> pd.DataFrame:
    table = results.table()
    table.insert(len(_ID_COLUMNS), "seed", np.full(len(table), seed, dtype=np.int64))
    points = table["point"].to_numpy()
    at = len(_ID_COLUMNS) + 1
    for name in grid.names:
        table.insert(at, name, grid.column(name, points))
        at += 1
    zeros = np.zeros(len(table), dtype=np.intp)
    for name, value in fixed.items():
        table.insert(at, name, pd.Series([value]).take(zeros).reset_index(drop=True))
        at += 1
    table.attrs = {"seed": seed, "study": study_name, "n_replications": n_replications}
    return table
