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

import itertools
import json
import math
import os
import pickle
import tempfile
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from numbers import Real
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mcstudy._progress import progress_enabled
from mcstudy._validation import check_int, check_number, check_option

__all__ = [
    "BACKENDS",
    "EXAMPLE_SWEEP_CONFIG",
    "STUDIES",
    "ConfigError",
    "FloatParam",
    "IntParam",
    "OptionParam",
    "RunConfigError",
    "StudySpec",
    "SweepConfig",
    "load_sweep_config",
    "register_study",
    "replicate",
    "sweep",
    "task_seed_sequence",
]

#: Execution backends accepted by :func:`replicate` and :func:`sweep`.
BACKENDS = ("serial", "processes", "dask")

_ID_COLUMNS = ("task_id", "point", "replication")
_RESERVED = frozenset({*_ID_COLUMNS, "metric", "value"})
_MANIFEST_FORMAT = 1
_CLUSTER_HINT = "pip install mcstudy[cluster]"


class ConfigError(ValueError):
    """A sweep configuration file is invalid; the message names the file, key and value."""


class RunConfigError(ValueError):
    """An output directory holds tasks of a run with a different configuration."""


# --------------------------------------------------------------------------------------------
# Parameter declarations and the study registry
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IntParam:
    """An integer parameter in ``[low, high]``; ``default=None`` makes it required."""

    low: float = -math.inf
    high: float = math.inf
    default: int | None = None

    def validate(self, value: object, name: str) -> int:
        """Return ``value`` as an int; raise TypeError or ValueError if it is not allowed."""
        return check_int(value, name, self.low, self.high)


@dataclass(frozen=True)
class FloatParam:
    """A real parameter in ``[low, high]`` (ends open with ``low_open``/``high_open``)."""

    low: float = -math.inf
    high: float = math.inf
    default: float | None = None
    low_open: bool = False
    high_open: bool = False

    def validate(self, value: object, name: str) -> float:
        """Return ``value`` as a float; raise TypeError or ValueError if it is not allowed."""
        return check_number(
            value, name, self.low, self.high, low_open=self.low_open, high_open=self.high_open
        )


@dataclass(frozen=True)
class OptionParam:
    """A parameter taking one of a closed set of strings, such as a strategy name."""

    options: tuple[str, ...]
    default: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "options", tuple(self.options))

    def validate(self, value: object, name: str) -> str:
        """Return ``value`` if it is one of :attr:`options`; raise otherwise."""
        return check_option(value, name, self.options)


Param = IntParam | FloatParam | OptionParam


@dataclass(frozen=True)
class StudySpec:
    """A registered study: its function and the parameters it accepts.

    Attributes
    ----------
    name : str
        Registry key, used in configuration files and in ``run.json``.
    func : callable
        ``func(params: dict, rng: numpy.random.Generator) -> dict[str, float] | DataFrame``.
    params : dict of str to IntParam, FloatParam or OptionParam
        Allowed parameters with their types, ranges and defaults.
    description : str
        One line shown in error messages and help.
    """

    name: str
    func: Callable[[dict, np.random.Generator], Any]
    params: Mapping[str, Param] = field(default_factory=dict)
    description: str = ""

    def validate_value(self, name: str, value: object) -> object:
        """Return ``value`` checked against parameter ``name``; raise if either is not allowed."""
        if name not in self.params:
            raise ValueError(
                f"{name!r} is not a parameter of study {self.name!r}; "
                f"allowed parameters: {sorted(self.params)}."
            )
        return self.params[name].validate(value, name)

    def validate(self, params: Mapping[str, object]) -> dict[str, object]:
        """Return ``params`` checked and completed with the declared defaults.

        Raises
        ------
        ValueError
            If a parameter is unknown, out of range or required and missing.
        TypeError
            If a value has the wrong type.
        """
        out = {name: self.validate_value(name, value) for name, value in params.items()}
        missing = [n for n, p in self.params.items() if n not in out and p.default is None]
        if missing:
            raise ValueError(f"study {self.name!r} requires parameters {missing}; none given.")
        for name, param in self.params.items():
            out.setdefault(name, param.default)
        return out


#: Registered studies by name; add to it with :func:`register_study`.
STUDIES: dict[str, StudySpec] = {}


def register_study(
    name: str,
    func: Callable[[dict, np.random.Generator], Any],
    params: Mapping[str, Param],
    *,
    description: str | None = None,
    replace: bool = False,
) -> StudySpec:
    """Register ``func`` as the study ``name`` with its allowed ``params``; return its spec.

    Parameters
    ----------
    name : str
        Name used by :func:`sweep`, :func:`replicate` and configuration files.
    func : callable
        ``func(params, rng)``; a top-level function, so that it can run in other processes.
    params : dict of str to IntParam, FloatParam or OptionParam
        Every parameter the study accepts, e.g. ``{"n_customers": IntParam(100, 10_000_000),
        "strategy": OptionParam(["siloed", "omnichannel"]), "contact_pressure": FloatParam(0,
        50)}``. Parameters without a default must be given by the caller.
    description : str, optional
        One line; defaults to the first line of ``func``'s docstring.
    replace : bool, default=False
        Allow replacing a study registered under ``name`` by a different function.

    Returns
    -------
    StudySpec

    Raises
    ------
    ValueError
        If ``name`` is taken by another function, a parameter name is reserved for a result
        column, or a default is outside its parameter's range.
    TypeError
        If ``func`` is not callable or a parameter is not declared with a ``*Param`` class.
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"'name' must be a non-empty str; got {name!r}.")
    if not callable(func):
        raise TypeError(f"'func' must be callable; got {func!r}.")
    for pname, param in params.items():
        if not isinstance(param, IntParam | FloatParam | OptionParam):
            raise TypeError(
                f"parameter {pname!r} must be declared with IntParam, FloatParam or "
                f"OptionParam; got {param!r}."
            )
        if pname in _RESERVED:
            raise ValueError(
                f"parameter name {pname!r} is reserved for a result column; "
                f"reserved: {sorted(_RESERVED)}."
            )
        if param.default is not None:
            param.validate(param.default, pname)
    old = STUDIES.get(name)
    if old is not None and not replace and _callable_name(old.func) != _callable_name(func):
        raise ValueError(
            f"study {name!r} is already registered to {_callable_name(old.func)}; "
            "pass replace=True to replace it."
        )
    if description is None:
        description = ((func.__doc__ or "").strip().splitlines() or [""])[0]
    spec = StudySpec(name=name, func=func, params=dict(params), description=description)
    STUDIES[name] = spec
    return spec


def _callable_name(func: Callable) -> str:
    module = getattr(func, "__module__", None) or "?"
    return f"{module}:{getattr(func, '__qualname__', repr(func))}"


def _toy_poisson(params: dict, rng: np.random.Generator) -> dict[str, float]:
    """Mean and sample variance of ``n`` Poisson(``rate``) draws (a cheap test study)."""
    draws = rng.poisson(params["rate"], size=params["n"])
    variance = float(draws.var(ddof=1)) if draws.size > 1 else math.nan
    return {"mean": float(draws.mean()), "variance": variance}


register_study(
    "toy_poisson",
    _toy_poisson,
    params={
        "rate": FloatParam(0.0, math.inf, default=1.0, low_open=True),
        "n": IntParam(1, 100_000_000, default=100),
    },
)


# --------------------------------------------------------------------------------------------
# Tasks
# --------------------------------------------------------------------------------------------


def task_seed_sequence(seed: int, point: int, replication: int) -> np.random.SeedSequence:
    """Return the seed sequence of task (``point``, ``replication``) of a run with ``seed``.

    It equals ``SeedSequence(seed).spawn(n_points)[point].spawn(n_replications)[replication]``
    for any ``n_points > point`` and ``n_replications > replication``.

    Examples
    --------
    >>> rng = np.random.default_rng(task_seed_sequence(42, point=0, replication=3))
    """
    return np.random.SeedSequence(seed, spawn_key=(point, replication))


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


# --------------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------------


def replicate(
    study: str | Callable | StudySpec,
    *,
    n_replications: int,
    seed: int,
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
    seed : int
        Root seed (non-negative); replication ``r`` uses
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
        Columns ``task_id, point, replication, <params>, [study key columns,] metric, value``,
        rows sorted by ``task_id``; ``attrs`` holds ``seed``, ``study`` and
        ``n_replications``.

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
    >>> table = replicate("toy_poisson", params={"rate": 2.0}, n_replications=3, seed=1,
    ...                   progress=False)
    >>> table.shape
    (6, 6)
    """
    return _run(
        study, [{}], params, n_replications, seed, backend, workers, scheduler, out_dir, progress
    )


def sweep(
    study: str | Callable | StudySpec,
    grid: Mapping[str, Sequence] | Sequence[Mapping[str, object]],
    *,
    n_replications: int,
    seed: int,
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
    seed : int
        Root seed; task (point ``p``, replication ``r``) uses
        ``SeedSequence(seed, spawn_key=(p, r))``, see :func:`task_seed_sequence`.
    params : dict, optional
        Fixed parameters for every point (must not overlap the grid's).
    backend, workers, scheduler, out_dir, progress
        As in :func:`replicate`.

    Returns
    -------
    DataFrame
        One row per point × replication × metric with columns ``task_id, point,
        replication, <grid params>, <fixed params>, [study key columns,] metric, value``,
        sorted by ``task_id`` (``point * n_replications + replication``); ``attrs`` holds
        ``seed``, ``study`` and ``n_replications``.

    Raises
    ------
    ValueError, TypeError, RunConfigError, ImportError
        As in :func:`replicate`.

    Examples
    --------
    >>> table = sweep("toy_poisson", {"rate": [0.5, 2.0], "n": [10, 100]}, n_replications=2,
    ...               seed=7, progress=False)
    >>> table.groupby(["rate", "n", "metric"])["value"].mean().shape
    (8,)
    """
    return _run(
        study,
        _grid_points(grid),
        params,
        n_replications,
        seed,
        backend,
        workers,
        scheduler,
        out_dir,
        progress,
    )


def _grid_points(grid) -> list[dict[str, object]]:
    if isinstance(grid, Mapping):
        for name, values in grid.items():
            if isinstance(values, str | bytes) or not isinstance(values, Sequence):
                raise TypeError(f"grid[{name!r}] must be a list of values; got {values!r}.")
            if len(values) == 0:
                raise ValueError(f"grid[{name!r}] must list at least one value; got [].")
        names = list(grid)
        return [
            dict(zip(names, combo, strict=True))
            for combo in itertools.product(*(grid[n] for n in names))
        ]
    if isinstance(grid, Sequence) and not isinstance(grid, str | bytes):
        points = list(grid)
        if not points or not all(isinstance(p, Mapping) for p in points):
            raise TypeError(
                f"'grid' must be a dict of lists or a non-empty list of dicts; got {grid!r}."
            )
        keys = list(points[0])
        for i, p in enumerate(points):
            if set(p) != set(keys):
                raise ValueError(
                    f"grid point {i} has keys {sorted(p)}; point 0 has "
                    f"{sorted(keys)}. All points need the same keys."
                )
        return [{k: p[k] for k in keys} for p in points]
    raise TypeError(f"'grid' must be a dict of lists or a list of dicts; got {grid!r}.")


def _resolve_study(study) -> tuple[str, Callable, StudySpec | None]:
    if isinstance(study, str):
        if study not in STUDIES:
            raise ValueError(f"unknown study {study!r}; registered studies: {sorted(STUDIES)}.")
        spec = STUDIES[study]
        return spec.name, spec.func, spec
    if isinstance(study, StudySpec):
        return study.name, study.func, study
    if callable(study):
        return _callable_name(study), study, None
    raise TypeError(f"'study' must be a registered study name or a callable; got {study!r}.")


def _run(
    study, points, fixed, n_replications, seed, backend, workers, scheduler, out_dir, progress
) -> pd.DataFrame:
    study_name, func, spec = _resolve_study(study)
    n_replications = check_int(n_replications, "n_replications", 1)
    seed = check_int(seed, "seed", 0)
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


def _assemble(frames, tasks, explicit, names, seed, study_name, n_replications) -> pd.DataFrame:
    table = pd.concat([frames[tid] for tid, _, _ in tasks], ignore_index=True)
    if names:
        by_point = pd.DataFrame(explicit, columns=names)
        values = by_point.take(table["point"].to_numpy()).reset_index(drop=True)
        for i, name in enumerate(names):
            table.insert(len(_ID_COLUMNS) + i, name, values[name])
    table.attrs = {"seed": seed, "study": study_name, "n_replications": n_replications}
    return table


def _jsonable(value):
    """Round-trip ``value`` through JSON (``repr`` for other objects) for the manifest."""
    return json.loads(json.dumps(value, default=repr, sort_keys=False))


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True)


class _TaskStore:
    """``out_dir/run.json`` and one parquet file per finished task, written atomically."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.tasks_dir = out_dir / "tasks"
        self.manifest = out_dir / "run.json"

    def open(self, config: dict) -> None:
        self.tasks_dir.mkdir(parents=True, exist_ok=True)
        config = {"format": _MANIFEST_FORMAT, **config}
        if self.manifest.exists():
            old = json.loads(self.manifest.read_text(encoding="utf-8"))
            diff = [k for k in config if _canonical(old.get(k)) != _canonical(config[k])]
            if diff:
                details = "; ".join(f"{k}: {old.get(k)!r} -> {config[k]!r}" for k in diff)
                raise RunConfigError(
                    f"{self.manifest} belongs to a run with a different configuration "
                    f"({details}). Use another output directory or delete this one."
                )
        else:
            from mcstudy import __version__

            text = json.dumps({**config, "mcstudy_version": __version__}, indent=2)
            _write_atomic(self.manifest, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))
        for stale in self.tasks_dir.glob(".*.tmp"):  # left by a killed run
            stale.unlink(missing_ok=True)

    def path(self, task_id: int) -> Path:
        return self.tasks_dir / f"{task_id:06d}.parquet"

    def has(self, task_id: int) -> bool:
        return self.path(task_id).exists()

    def read(self, task_id: int) -> pd.DataFrame:
        return pd.read_parquet(self.path(task_id))

    def write(self, task_id: int, frame: pd.DataFrame) -> None:
        _write_atomic(self.path(task_id), lambda tmp: frame.to_parquet(tmp, index=False))


def _write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    """Write ``path`` through a temporary file in the same directory and ``os.replace``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------------------------
# TOML configuration files
# --------------------------------------------------------------------------------------------

#: Example configuration printed by ``mcstudy sweep --example`` (12 tasks, about a second).
EXAMPLE_SWEEP_CONFIG = """\
# mcstudy sweep configuration: run with
#   mcstudy sweep sweep.toml --backend processes --workers 2 --out results/sweeps/example
# Every combination of the [grid] values is run n_replications times; [fixed] values apply
# to every run. Parameters you leave out take the study's defaults.

[run]
study = "strategy_comparison"  # a registered study (mcstudy.experiments.STUDIES)
seed = 20240601                # root seed: same seed, same table on every backend
n_replications = 2

[grid]
strategy = ["cross_channel", "omnichannel"]  # compared with the baseline below
contact_pressure = [0.5, 1.0, 2.0]           # contacts per customer per week, in [0, 50]

[fixed]
baseline = "siloed"
n_customers = 5000
n_weeks = 26
"""

_RUN_KEYS = ("study", "seed", "n_replications")


@dataclass(frozen=True)
class SweepConfig:
    """A validated sweep configuration, as read by :func:`load_sweep_config`.

    Attributes
    ----------
    path : Path
        The file it was read from.
    study : str
        Name of a registered study.
    seed : int
        Root seed.
    n_replications : int
        Replications per grid point.
    grid : dict of str to list
        Swept parameters and their values.
    fixed : dict
        Parameters held fixed at every point.
    """

    path: Path
    study: str
    seed: int
    n_replications: int
    grid: dict[str, list]
    fixed: dict[str, object]

    @property
    def n_tasks(self) -> int:
        """Number of tasks: grid points × replications."""
        return math.prod(len(v) for v in self.grid.values()) * self.n_replications


def load_sweep_config(path: str | os.PathLike) -> SweepConfig:
    """Read and validate a TOML sweep configuration.

    The file has a ``[run]`` table with ``study``, ``seed`` and ``n_replications``, a
    ``[grid]`` table mapping parameters to lists of values and an optional ``[fixed]`` table
    of single values; see :data:`EXAMPLE_SWEEP_CONFIG`.

    Parameters
    ----------
    path : path
        The configuration file.

    Returns
    -------
    SweepConfig

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ConfigError
        If the file is not valid TOML or breaks the schema; the message names the file, the
        table and key, the value and what is allowed (e.g. the study's parameters, or the
        allowed strategies).
    """
    path = Path(path)
    with path.open("rb") as fh:
        try:
            doc = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None

    def fail(where: str, message: str) -> ConfigError:
        return ConfigError(f"{path}: [{where}] {message}")

    unknown = sorted(set(doc) - {"run", "grid", "fixed"})
    if unknown:
        raise ConfigError(f"{path}: unknown tables {unknown}; allowed: ['fixed', 'grid', 'run'].")
    for table in ("run", "grid", "fixed"):
        if not isinstance(doc.get(table, {}), dict):
            raise ConfigError(f"{path}: {table!r} must be a table [{table}].")
    run = doc.get("run")
    if run is None:
        raise ConfigError(f"{path}: missing table [run] with keys {list(_RUN_KEYS)}.")
    extra = sorted(set(run) - set(_RUN_KEYS))
    if extra:
        raise fail("run", f"unknown keys {extra}; allowed: {sorted(_RUN_KEYS)}.")
    missing = [k for k in _RUN_KEYS if k not in run]
    if missing:
        raise fail("run", f"missing keys {missing}.")
    study = run["study"]
    if study not in STUDIES:
        raise fail("run", f"study: unknown study {study!r}; registered studies: {sorted(STUDIES)}.")
    spec = STUDIES[study]
    try:
        seed = check_int(run["seed"], "seed", 0)
        n_replications = check_int(run["n_replications"], "n_replications", 1)
    except (TypeError, ValueError) as exc:
        raise fail("run", str(exc)) from None

    grid: dict[str, list] = {}
    for name, values in doc.get("grid", {}).items():
        if not isinstance(values, list) or not values:
            raise fail("grid", f"{name!r} must be a non-empty list of values; got {values!r}.")
        try:
            grid[name] = [spec.validate_value(name, v) for v in values]
        except (TypeError, ValueError) as exc:
            raise fail("grid", str(exc)) from None
    fixed: dict[str, object] = {}
    for name, value in doc.get("fixed", {}).items():
        if name in grid:
            raise fail("fixed", f"{name!r} is also in [grid]; give it in one table only.")
        try:
            fixed[name] = spec.validate_value(name, value)
        except (TypeError, ValueError) as exc:
            raise fail("fixed", str(exc)) from None
    try:
        spec.validate({**{k: v[0] for k, v in grid.items()}, **fixed})
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: {exc} Give them in [grid] or [fixed].") from None
    return SweepConfig(
        path=path, study=study, seed=seed, n_replications=n_replications, grid=grid, fixed=fixed
    )
