"""Replications and parameter sweeps: serial, local processes or a Dask cluster, resumable.

A *study* is a function ``study(params, rng)`` that runs one simulation with the parameters in
the dict ``params`` and the ``numpy.random.Generator`` ``rng`` and returns its metrics, either
as a dict ``{metric name: value}`` or as a tidy DataFrame with columns ``metric`` and ``value``
(plus optional key columns such as ``arm``). :func:`replicate` runs one parameter set
``n_replications`` times; :func:`sweep` runs every point of a grid ``n_replications`` times.
Both return one tidy DataFrame with one row per grid point × replication × metric.

Studies are registered by name in :data:`STUDIES` with :func:`register_study`, which also
declares the parameters each study accepts, so that TOML sweep configurations
(:func:`load_sweep_config`, ``mcstudy sweep CONFIG.toml``) are validated before anything runs.

Seeds
-----
Task ``(point p, replication r)`` draws from
``np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(p, r)))``, which is the same
stream as ``SeedSequence(seed).spawn(n_points)[p].spawn(n_replications)[r]``: one child per
grid point, one grandchild per replication. The stream depends only on ``seed``, ``p`` and
``r``, never on the backend, the number of workers or the order in which tasks finish, so the
same seed gives the same table everywhere; adding replications or appending grid points leaves
the existing tasks' numbers unchanged. :func:`replicate` is a sweep with the single point 0.

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
``n_replications``) to ``out_dir/run.json``. Running again into the same directory recomputes
only the missing tasks; a different configuration raises :class:`RunConfigError` instead of
mixing results. Run one process per ``out_dir`` at a time.

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

    mcstudy sweep sweep.toml --backend dask --scheduler tcp://10.1.2.3:45678 --out results/run1

or from the same Python process ``sweep(..., backend="dask", scheduler=cluster.scheduler_address,
out_dir="results/run1")``. Results are written by the submitting process, so workers need
mcstudy installed but no shared file system; if the jobs hit their walltime, rerun the same
command to finish the missing tasks.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from mcstudy._progress import progress_enabled
from mcstudy._random import run_seed
from mcstudy._validation import check_int, check_option
from mcstudy.runs.backends import BACKENDS, _deliver, _run_dask, _run_processes, _run_task
from mcstudy.runs.grid import _grid_points
from mcstudy.runs.registry import (
    _ID_COLUMNS,
    _RESERVED,
    StudySpec,
    _callable_name,
    _resolve_study,
)
from mcstudy.runs.store import _jsonable, _TaskStore

__all__ = [
    "replicate",
    "sweep",
]


def replicate(
    study: str | Callable | StudySpec,
    *,
    n_replications: int,
    rng: object,
    params: Mapping[str, object] | None = None,
    backend: str = "serial",
    workers: int | None = None,
    scheduler: object = None,
    out_dir: str | os.PathLike | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Run ``study`` with ``params`` ``n_replications`` times on independent random streams.

    Parameters
    ----------
    study : str, StudySpec or callable
        A registered study name (its parameters are validated and defaults filled in) or a
        function ``study(params, rng) -> dict[str, float] | DataFrame``.
    n_replications : int
        Number of replications, at least 1.
    rng : int, SeedSequence, Generator or None
        Root of the random streams, turned into an int seed by
        :func:`mcstudy._random.run_seed` (an int is used as it is); replication ``r`` uses
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
    out_dir : path, optional
        Directory for per-task files and ``run.json``; makes the run resumable.
    progress : bool, optional
        Show a tqdm bar. ``None`` shows it only when stderr is a terminal; ``TQDM_DISABLE``
        in the environment turns it off in every case.

    Returns
    -------
    DataFrame
        Columns ``task_id, point, replication, seed, <params>, [study key columns,] metric,
        value``, rows sorted by ``task_id``; ``seed`` is the int root seed of the run (the
        same on every row); ``attrs`` also holds ``seed``, ``study`` and ``n_replications``.

    Raises
    ------
    ValueError, TypeError
        For invalid arguments, parameters, or study outputs.
    RunConfigError
        If ``out_dir`` holds a run with a different configuration.
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
    """
    return _run(
        study, [{}], params, n_replications, rng, backend, workers, scheduler, out_dir, progress
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
    out_dir: str | os.PathLike | None = None,
    progress: bool | None = None,
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
        Replications per grid point, at least 1.
    rng : int, SeedSequence, Generator or None
        Root of the random streams (as in :func:`replicate`); task (point ``p``,
        replication ``r``) uses ``SeedSequence(seed, spawn_key=(p, r))``, see
        :func:`task_seed_sequence`.
    params : dict, optional
        Fixed parameters for every point (must not overlap the grid's).
    backend, workers, scheduler, out_dir, progress
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
    ValueError, TypeError, RunConfigError, ImportError
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
        _grid_points(grid),
        params,
        n_replications,
        rng,
        backend,
        workers,
        scheduler,
        out_dir,
        progress,
    )


def _run(
    study, points, fixed, n_replications, rng, backend, workers, scheduler, out_dir, progress
) -> pd.DataFrame:
    study_name, func, spec = _resolve_study(study)
    n_replications = check_int(n_replications, "n_replications", 1)
    seed = run_seed(rng)
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
    if progress is not None and not isinstance(progress, bool):
        raise TypeError(f"'progress' must be a bool or None; got {progress!r}.")
    fixed = dict(fixed or {})
    overlap = sorted(set(fixed) & set(points[0]))
    if overlap:
        raise ValueError(
            f"parameters {overlap} are both swept in 'grid' and fixed in "
            "'params'; give each in one place only."
        )
    names = [*points[0], *fixed]
    reserved = sorted(set(names) & _RESERVED)
    if reserved:
        raise ValueError(f"parameter names {reserved} are reserved for result columns.")
    explicit = [{**p, **fixed} for p in points]
    defaults: dict[str, object] = {}
    if spec is not None:  # check values, fill in defaults, and use the checked values below
        full = [spec.validate(p) for p in explicit]
        explicit = [{k: f[k] for k in names} for f in full]
        fixed = {k: explicit[0][k] for k in fixed}
        points = [{k: e[k] for k in points[0]} for e in explicit]
        defaults = {k: v for k, v in full[0].items() if k not in names}
    else:
        full = explicit
    if backend == "processes":
        try:
            pickle.dumps(func)
        except Exception as exc:
            raise TypeError(
                f"backend='processes' needs a picklable study (a top-level function of an "
                f"importable module); {_callable_name(func)} is not: {exc}"
            ) from exc

    tasks = [
        (p * n_replications + r, p, r) for p in range(len(points)) for r in range(n_replications)
    ]
    store = None
    if out_dir is not None:
        store = _TaskStore(Path(out_dir))
        store.open(
            {
                "study": study_name,
                "seed": seed,
                "n_replications": n_replications,
                "grid": [_jsonable(p) for p in points],
                "fixed": _jsonable(fixed),
                "defaults": _jsonable(defaults),
            }
        )
    frames: dict[int, pd.DataFrame] = {}
    if store is not None:
        frames = {tid: store.read(tid) for tid, _, _ in tasks if store.has(tid)}
    todo = [(tid, p, r) for tid, p, r in tasks if tid not in frames]

    from tqdm import tqdm

    with tqdm(
        total=len(tasks),
        initial=len(frames),
        unit="task",
        desc=study_name,
        disable=not progress_enabled(progress),
    ) as bar:
        args = [(func, full[p], seed, tid, p, r) for tid, p, r in todo]
        if backend == "serial":
            for a in args:
                _deliver(_run_task(*a), a, store, frames, bar)
        elif backend == "processes":
            _run_processes(args, workers, store, frames, bar)
        else:
            _run_dask(args, workers, scheduler, store, frames, bar)

    return _assemble(frames, tasks, explicit, names, seed, study_name, n_replications)


def _assemble(frames, tasks, explicit, names, seed, study_name, n_replications) -> pd.DataFrame:
    table = pd.concat([frames[tid] for tid, _, _ in tasks], ignore_index=True)
    table.insert(len(_ID_COLUMNS), "seed", np.full(len(table), seed, dtype=np.int64))
    if names:
        by_point = pd.DataFrame(explicit, columns=names)
        values = by_point.take(table["point"].to_numpy()).reset_index(drop=True)
        for i, name in enumerate(names):
            table.insert(len(_ID_COLUMNS) + 1 + i, name, values[name])
    table.attrs = {"seed": seed, "study": study_name, "n_replications": n_replications}
    return table
