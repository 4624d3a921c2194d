"""Tests for mcstudy.experiments: seeds, backends, resume, configs and the sweep CLI."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mcstudy.cli import main
from mcstudy.experiments import (
    EXAMPLE_SWEEP_CONFIG,
    STUDIES,
    ConfigError,
    FloatParam,
    IntParam,
    OptionParam,
    RunConfigError,
    StudySpec,
    SweepInterrupted,
    load_sweep_config,
    register_study,
    replicate,
    sweep,
    task_seed_sequence,
)
from mcstudy.experiments import sweep_studies as studies

GRID = {"rate": [0.5, 3.0], "n": [5, 50]}
COLUMNS = ["task_id", "point", "replication", "seed", "rate", "n", "metric", "value"]


def _run_toy(**kwargs):
    kwargs.setdefault("progress", False)
    return sweep("toy_poisson", GRID, n_replications=3, rng=123, **kwargs)


@pytest.fixture(autouse=True)
def _no_tqdm(monkeypatch):
    monkeypatch.setenv("TQDM_DISABLE", "1")


@pytest.fixture
def registry(monkeypatch):
    """Let a test register studies without leaking them into other tests."""
    saved = dict(STUDIES)
    yield STUDIES
    for name in set(STUDIES) - set(saved):
        del STUDIES[name]
    STUDIES.update(saved)


# --- tables and seeds ---------------------------------------------------------------------------


def test_sweep_table_layout():
    table = _run_toy()
    assert list(table.columns) == COLUMNS
    assert len(table) == 4 * 3 * 2
    assert table["task_id"].is_monotonic_increasing
    assert (table["task_id"] == table["point"] * 3 + table["replication"]).all()
    # full factorial in key order, last key fastest
    points = table.drop_duplicates("point")[["rate", "n"]].to_numpy().tolist()
    assert points == [[0.5, 5], [0.5, 50], [3.0, 5], [3.0, 50]]
    assert table.attrs == {"seed": 123, "study": "toy_poisson", "n_replications": 3}
    assert str(table["metric"].dtype) == "str" and table["value"].dtype == float
    assert table.groupby("task_id")["metric"].apply(list).map(tuple).unique().tolist() == [
        ("mean", "variance")
    ]


def test_same_seed_same_table_other_seed_other_table():
    a, b = _run_toy(), _run_toy()
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    c = sweep("toy_poisson", GRID, n_replications=3, rng=124, progress=False)
    assert not np.allclose(a["value"], c["value"])
    # replications of one point use different streams
    first = a[(a["point"] == 3) & (a["metric"] == "mean")]["value"]
    assert first.nunique() == 3


def test_task_streams_are_seedsequence_children():
    table = _run_toy()
    for point, replication in [(0, 0), (2, 1), (3, 2)]:
        params = {"rate": GRID["rate"][point // 2], "n": GRID["n"][point % 2]}
        rng = np.random.default_rng(task_seed_sequence(123, point, replication))
        expected = studies.toy_poisson(params, rng)
        rows = table[(table["point"] == point) & (table["replication"] == replication)]
        assert rows.set_index("metric")["value"].to_dict() == expected
        # equivalent to one child per point, one grandchild per replication
        nested = np.random.SeedSequence(123).spawn(4)[point].spawn(3)[replication]
        assert np.array_equal(
            nested.generate_state(4),
            task_seed_sequence(123, point, replication).generate_state(4),
        )


def test_existing_tasks_unchanged_when_replications_or_points_added():
    small = sweep("toy_poisson", {"rate": [0.5]}, n_replications=2, rng=9, progress=False)
    big = sweep("toy_poisson", {"rate": [0.5, 4.0]}, n_replications=5, rng=9, progress=False)
    keep = big[(big["point"] == 0) & (big["replication"] < 2)]
    np.testing.assert_array_equal(keep["value"].to_numpy(), small["value"].to_numpy())


def test_replicate_is_single_point_sweep():
    rep = replicate("toy_poisson", params={"rate": 2.0}, n_replications=4, rng=5, progress=False)
    assert list(rep.columns) == [
        "task_id",
        "point",
        "replication",
        "seed",
        "rate",
        "metric",
        "value",
    ]
    assert (rep["seed"] == 5).all()
    assert (rep["point"] == 0).all() and rep["replication"].tolist() == [0, 0, 1, 1, 2, 2, 3, 3]
    swp = sweep("toy_poisson", {"rate": [2.0]}, n_replications=4, rng=5, progress=False)
    pd.testing.assert_frame_equal(rep, swp, check_exact=True)


def test_callable_study_list_grid_fixed_params_and_dataframe_output():
    def study(params, rng):
        assert isinstance(rng, np.random.SeedSequence)  # a study is handed its task's sequence
        draws = np.random.default_rng(rng).normal(size=2)
        return pd.DataFrame(
            {
                "arm": ["control", "treated"],
                "metric": ["sales", "sales"],
                "value": [draws[0], draws[1] + params["lift"]],
            }
        )

    grid = [{"lift": 0.0}, {"lift": 1.0}]
    table = sweep(study, grid, params={"size": 3}, n_replications=2, rng=1, progress=False)
    assert list(table.columns) == [
        *("task_id", "point", "replication", "seed", "lift", "size", "arm", "metric", "value")
    ]
    assert table["arm"].tolist() == ["control", "treated"] * 4
    assert table.attrs["study"].endswith("study")


def test_registered_study_fills_defaults_and_checks_params():
    seen = []

    def spy(params, rng):
        seen.append(params)
        return {"x": 0.0}

    replicate(
        StudySpec("spy", spy, {"k": IntParam(1, 5, default=2), "s": OptionParam(["a", "b"])}),
        params={"s": "a"},
        n_replications=1,
        rng=0,
        progress=False,
    )
    assert seen == [{"s": "a", "k": 2}]
    with pytest.raises(ValueError, match=r"'rate' must be a real number in \(0, inf\); got -1"):
        sweep("toy_poisson", {"rate": [1.0, -1.0]}, n_replications=1, rng=0)
    with pytest.raises(ValueError, match=r"'lam' is not a parameter of study 'toy_poisson'; "):
        replicate("toy_poisson", params={"lam": 1.0}, n_replications=1, rng=0)
    with pytest.raises(ValueError, match=r"unknown study 'nope'; registered studies: \["):
        replicate("nope", n_replications=1, rng=0)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"n_replications": 0}, ValueError, r"'n_replications' must be an int in \[1, inf\)"),
        ({"rng": -1}, ValueError, r"'rng' as an int seed must be in \[0, 2\*\*63 - 1\]; got -1"),
        ({"rng": 1.5}, TypeError, r"'rng' must be None, an int seed, a SeedSequence or a Gen"),
        ({"backend": "mpi"}, ValueError, r"'backend' must be one of \['dask', 'processes'"),
        ({"workers": 2}, ValueError, r"'workers' is used by backends 'processes' and 'dask'"),
        ({"scheduler": "tcp://x:1"}, ValueError, r"'scheduler' is used by backend 'dask' only"),
        ({"params": {"rate": 1.0}}, ValueError, r"\['rate'\] are both swept in 'grid' and fixed"),
        ({"grid": {"rate": 1.0}}, TypeError, r"grid\['rate'\] must be a list of values; got 1.0"),
        ({"grid": {"rate": []}}, ValueError, r"grid\['rate'\] must list at least one value"),
        ({"grid": [{"rate": 1.0}, {"n": 2}]}, ValueError, r"grid point 1 has keys \['n'\]"),
        ({"progress": "yes"}, TypeError, r"'progress' must be a bool or None"),
        (
            {"connect_timeout": 1.0},
            ValueError,
            r"'connect_timeout' is the wait for the Dask scheduler at the address 'scheduler' "
            r"\(backend='dask'\); got scheduler=None",
        ),
        (
            {"backend": "dask", "scheduler": "tcp://127.0.0.1:1", "connect_timeout": 0},
            ValueError,
            r"'connect_timeout' must be a real number in \(0, 3600\]; got 0",
        ),
        ({"on_start": 3}, TypeError, r"'on_start' must be callable or None; got 3"),
    ],
)
def test_argument_errors(kwargs, exc, match):
    args = {"grid": {"rate": [1.0]}, "n_replications": 1, "rng": 0, **kwargs}
    with pytest.raises(exc, match=match):
        sweep("toy_poisson", args.pop("grid"), **args)


@pytest.mark.parametrize(
    ("output", "exc", "match"),
    [
        ([1.0], TypeError, r"must return a dict of metric -> value or a DataFrame; got list"),
        ({"m": "high"}, TypeError, r"metric 'm' must be a real number; got 'high'"),
        (pd.DataFrame({"value": [1.0]}), ValueError, r"missing \['metric'\]"),
    ],
)
def test_bad_study_output_names_the_task(output, exc, match):
    with pytest.raises(exc, match=match) as info:
        replicate(lambda p, rng: output, n_replications=1, rng=0, progress=False)
    assert "task 0 (point 0, replication 0" in "".join(info.value.__notes__)


# --- backends -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    yield cluster
    cluster.close()


def test_backends_and_worker_counts_give_identical_tables(dask_cluster):
    serial = _run_toy()
    processes = _run_toy(backend="processes", workers=2)
    dask = _run_toy(backend="dask", scheduler=dask_cluster.scheduler_address)
    for other in (processes, dask):
        pd.testing.assert_frame_equal(serial, other, check_exact=True)
        assert other.attrs == serial.attrs


def test_dask_starts_and_closes_its_own_local_cluster(dask_cluster, monkeypatch):
    import distributed

    calls = {}

    class Borrowed:  # stands in for a new LocalCluster, reusing the fixture's
        def __init__(self, **kwargs):
            calls["kwargs"] = kwargs
            self.scheduler_address = dask_cluster.scheduler_address

        def close(self):
            calls["closed"] = True

    real_client = distributed.Client
    monkeypatch.setattr(distributed, "LocalCluster", Borrowed)
    monkeypatch.setattr(
        distributed, "Client", lambda c: real_client(getattr(c, "scheduler_address", c))
    )
    table = sweep(
        "toy_poisson",
        {"rate": [1.0]},
        n_replications=2,
        rng=3,
        backend="dask",
        workers=2,
        progress=False,
    )
    assert calls == {
        "kwargs": {
            "n_workers": 2,
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": None,
        },
        "closed": True,
    }
    pd.testing.assert_frame_equal(
        table, sweep("toy_poisson", {"rate": [1.0]}, n_replications=2, rng=3, progress=False)
    )


def test_dask_missing_gives_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError, match=r"pip install mcstudy\[cluster\]"):
        replicate("toy_poisson", n_replications=1, rng=0, backend="dask", progress=False)


def test_processes_backend_rejects_unpicklable_study():
    with pytest.raises(TypeError, match=r"backend='processes' needs a picklable study"):
        replicate(lambda p, rng: {"x": 1.0}, n_replications=2, rng=0, backend="processes")


# --- resumable runs -----------------------------------------------------------------------------


def test_out_dir_writes_tasks_and_manifest(tmp_path):
    table = _run_toy(out_dir=tmp_path)
    files = sorted(p.name for p in (tmp_path / "tasks").iterdir())
    assert files == [f"{i:06d}.parquet" for i in range(12)]
    manifest = json.loads((tmp_path / "run.json").read_text())
    assert manifest["seed"] == 123 and manifest["n_replications"] == 3
    assert manifest["study"] == "toy_poisson"
    assert manifest["grid"][1] == {"rate": 0.5, "n": 50}
    pd.testing.assert_frame_equal(table, _run_toy(), check_exact=True)


def test_rerun_skips_finished_tasks(tmp_path):
    calls = []

    def study(params, rng):
        calls.append(params["a"])
        return {"u": np.random.default_rng(rng).random()}

    def run():
        return sweep(
            study, {"a": [1, 2]}, n_replications=3, rng=4, out_dir=tmp_path, progress=False
        )

    first = run()
    assert len(calls) == 6
    (tmp_path / "tasks" / "000004.parquet").unlink()
    (tmp_path / "tasks" / ".000005.abc.tmp").write_text("partial write of a killed run")
    second = run()
    assert calls[6:] == [2]  # only task 4 (point 1, replication 1) ran again
    assert not list((tmp_path / "tasks").glob("*.tmp"))
    pd.testing.assert_frame_equal(first, second, check_exact=True)


@pytest.mark.parametrize(
    "change",
    [{"rng": 124}, {"n_replications": 4}, {"grid": {"rate": [0.5], "n": [5, 50]}}],
)
def test_rerun_with_other_config_is_refused(tmp_path, change):
    _run_toy(out_dir=tmp_path)
    kwargs = {"grid": GRID, "n_replications": 3, "rng": 123, **change}
    key = {"rng": "seed"}.get(next(iter(change)), next(iter(change)))  # run.json says "seed"
    with pytest.raises(RunConfigError, match=rf"run.json belongs to a run with .*\({key}: "):
        sweep("toy_poisson", kwargs.pop("grid"), out_dir=tmp_path, progress=False, **kwargs)
    with pytest.raises(RunConfigError, match=r"study: 'toy_poisson' -> "):
        sweep(lambda p, r: {}, GRID, n_replications=3, rng=123, out_dir=tmp_path)


def _sleepy(params, rng):
    """Toy study that takes a little while per task."""
    time.sleep(0.1)
    return {"draw": float(np.random.default_rng(rng).normal(params["mu"]))}


@pytest.fixture(scope="module")
def sleepy_fresh():
    """The uninterrupted run that interrupted and resumed runs of 'sleepy' must equal."""
    spec = StudySpec("sleepy", _sleepy, {"mu": FloatParam(-10, 10)})
    return sweep(spec, {"mu": [0.0, 5.0]}, n_replications=8, rng=11, progress=False)


_RESUME_SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
from mcstudy.experiments import FloatParam, register_study, sweep
from test_batch import _sleepy
register_study("sleepy", _sleepy, params={{"mu": FloatParam(-10, 10)}})
sweep("sleepy", {{"mu": [0.0, 5.0]}}, n_replications=8, rng=11, out_dir={out!r}, {backend})
"""

BACKEND_ARGS = {
    "serial": "",
    "processes": "backend='processes', workers=2",
    "dask": "backend='dask', workers=2",
}


def _backend_param(name):
    marks = [
        pytest.mark.skipif(not _importable("distributed"), reason="dask/distributed not installed")
    ]
    return pytest.param(name, marks=marks if name == "dask" else [])


def _importable(module):
    import importlib.util

    return importlib.util.find_spec(module) is not None


def _children(pid):
    """Processes started by ``pid`` (worker processes), via psutil."""
    psutil = pytest.importorskip("psutil")
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _wait_gone(processes, seconds=5.0):
    """Return the processes of ``processes`` still running after ``seconds``."""
    import psutil

    deadline = time.monotonic() + seconds
    alive = list(processes)
    while alive and time.monotonic() < deadline:
        alive = [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        time.sleep(0.05)
    return alive


def _wait_for_tasks(proc, out, n, seconds=60):
    deadline = time.monotonic() + seconds
    while len(list(out.glob("tasks/*.parquet"))) < n:
        assert proc.poll() is None, "the sweep ended before it could be stopped"
        assert time.monotonic() < deadline, "no task files appeared"
        time.sleep(0.02)


@pytest.mark.parametrize("backend", [_backend_param(b) for b in BACKEND_ARGS])
def test_kill_and_resume_equals_uninterrupted_run(tmp_path, registry, backend, sleepy_fresh):
    register_study("sleepy", _sleepy, params={"mu": FloatParam(-10, 10)})
    out = tmp_path / "run"
    script = _RESUME_SCRIPT.format(
        tests=str(Path(__file__).parent), out=str(out), backend=BACKEND_ARGS[backend]
    )
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(script)])
    try:
        _wait_for_tasks(proc, out, 4)
        workers = _children(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    # the workers of a killed sweep do not linger (they watch their parent)
    assert _wait_gone(workers) == []
    n_done = len(list(out.glob("tasks/*.parquet")))
    assert 4 <= n_done < 16

    resumed = sweep("sleepy", {"mu": [0.0, 5.0]}, n_replications=8, rng=11, out_dir=out)
    fresh = sleepy_fresh
    pd.testing.assert_frame_equal(resumed, fresh, check_exact=True)
    assert not resumed.duplicated(["task_id", "metric"]).any()
    assert resumed["task_id"].tolist() == list(range(16))
    assert len(list(out.glob("tasks/*.parquet"))) == 16
    assert not list(out.glob("tasks/*.tmp"))


_INTERRUPT_SCRIPT = """
import json, sys
sys.path.insert(0, {tests!r})
from mcstudy.experiments import FloatParam, SweepInterrupted, register_study, sweep
from test_batch import _sleepy
register_study("sleepy", _sleepy, params={{"mu": FloatParam(-10, 10)}})
try:
    sweep("sleepy", {{"mu": [0.0, 5.0]}}, n_replications=8, rng=11, out_dir={out!r},
          progress=False, {backend})
except SweepInterrupted as exc:
    print(json.dumps({{"n_done": exc.n_done, "n_tasks": exc.n_tasks, "out_dir": str(exc.out_dir),
                      "message": str(exc)}}))
    sys.exit(130)
"""


@pytest.mark.parametrize("backend", [_backend_param(b) for b in BACKEND_ARGS])
def test_ctrl_c_stops_workers_keeps_finished_tasks_and_resumes(
    tmp_path, registry, backend, sleepy_fresh
):
    register_study("sleepy", _sleepy, params={"mu": FloatParam(-10, 10)})
    out = tmp_path / "run"
    script = _INTERRUPT_SCRIPT.format(
        tests=str(Path(__file__).parent), out=str(out), backend=BACKEND_ARGS[backend]
    )
    # its own process group, so that SIGINT reaches it and its workers, as Ctrl-C at a terminal
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        _wait_for_tasks(proc, out, 3)
        workers = _children(proc.pid)
        os.killpg(proc.pid, signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, stderr
    # no traceback, from the sweep or from its workers; on a loaded machine Dask may warn that
    # its event loop was slow, which says nothing about the interruption
    noise = ("Event loop was unresponsive", "distributed.core - INFO", "distributed.utils_perf")
    lines = [line for line in stderr.splitlines() if not any(n in line for n in noise)]
    assert lines == [], stderr
    report = json.loads(stdout)
    n_saved = len(list(out.glob("tasks/*.parquet")))
    assert report == {
        "n_done": n_saved,
        "n_tasks": 16,
        "out_dir": str(out),
        "message": f"interrupted: {n_saved} of 16 tasks done and saved in {out}",
    }
    assert 3 <= n_saved < 16
    assert _wait_gone(workers) == []  # pending work cancelled, workers shut down

    starts = []
    resumed = sweep(
        "sleepy",
        {"mu": [0.0, 5.0]},
        n_replications=8,
        rng=11,
        out_dir=out,
        on_start=lambda n_done, n_tasks: starts.append((n_done, n_tasks)),
    )
    assert starts == [(n_saved, 16)]
    pd.testing.assert_frame_equal(resumed, sleepy_fresh, check_exact=True)


def _interrupting(params, rng):
    """Toy study: task ``stop`` presses Ctrl-C (sends SIGINT to this process)."""
    if params["i"] == params["stop"]:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(5)  # interrupted at once
    return {"u": float(np.random.default_rng(rng).random())}


def test_ctrl_c_raises_sweep_interrupted_with_the_count(tmp_path):
    out = tmp_path / "run"
    grid = {"i": list(range(6))}
    with pytest.raises(SweepInterrupted) as info:
        sweep(
            _interrupting,
            grid,
            params={"stop": 4},
            n_replications=1,
            rng=3,
            out_dir=out,
            progress=False,
        )
    exc = info.value
    assert isinstance(exc, KeyboardInterrupt)
    assert (exc.n_done, exc.n_tasks, exc.out_dir) == (4, 6, out)
    assert str(exc) == f"interrupted: 4 of 6 tasks done and saved in {out}"
    assert sorted(p.name for p in (out / "tasks").iterdir()) == [
        f"{i:06d}.parquet" for i in range(4)
    ]
    with pytest.raises(
        SweepInterrupted,
        match=r"^interrupted: 2 of 6 tasks done and not saved "
        r"\(no out_dir\)$",
    ):
        sweep(_interrupting, grid, params={"stop": 2}, n_replications=1, rng=3, progress=False)


def test_ctrl_c_between_a_tasks_file_and_its_count_counts_the_saved_task(tmp_path, monkeypatch):
    # Ctrl-C can land after a finished task's file is written and before the run counts it:
    # the count must be what a resume will find, the files saved.
    from mcstudy.experiments import batch

    add = batch._Results.add

    def add_then_press(self, frame):
        if self.n == 3:  # the fourth task's file is written: Ctrl-C before it is counted
            raise KeyboardInterrupt
        add(self, frame)

    monkeypatch.setattr(batch._Results, "add", add_then_press)
    out = tmp_path / "run"
    with pytest.raises(SweepInterrupted) as info:
        sweep(
            _interrupting,
            {"i": list(range(6))},
            params={"stop": -1},
            n_replications=1,
            rng=3,
            out_dir=out,
            progress=False,
        )
    assert len(list((out / "tasks").glob("*.parquet"))) == 4
    assert (info.value.n_done, info.value.n_tasks) == (4, 6)


_PRESS_AT: list[int] = []  # tasks of _interrupting_cli that press Ctrl-C


def _interrupting_cli(params, rng):
    """Toy study for the CLI: presses Ctrl-C at the tasks listed in ``_PRESS_AT``."""
    return _interrupting({"i": params["i"], "stop": _PRESS_AT[0] if _PRESS_AT else -1}, rng)


def test_cli_ctrl_c_says_what_is_saved_exits_130_and_resumes(
    tmp_path, registry, capsys, monkeypatch
):
    register_study("interrupting", _interrupting_cli, params={"i": IntParam(0, 10)})
    cfg = _write(
        tmp_path,
        '[run]\nstudy = "interrupting"\nseed = 3\nn_replications = 1\n[grid]\ni = [0, 1, 2, 3]\n',
    )
    out = tmp_path / "out"
    monkeypatch.setattr(sys.modules[__name__], "_PRESS_AT", [2])
    assert main(["sweep", str(cfg), "--out", str(out), "--no-progress"]) == 130
    assert capsys.readouterr().err == (
        f"mcstudy sweep: interrupted: 2 of 4 tasks done and saved in {out}; rerun the same "
        "command to resume\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "_PRESS_AT", [])
    assert main(["sweep", str(cfg), "--out", str(out), "--no-progress"]) == 0
    captured = capsys.readouterr()
    assert captured.err == f"resuming {out}: 2 of 4 tasks already done\n"
    assert "4 tasks of study 'interrupting', 4 rows" in captured.out
    fresh = sweep(_interrupting_cli, {"i": [0, 1, 2, 3]}, n_replications=1, rng=3, progress=False)
    resumed = pd.read_csv(out / "summary.csv")
    np.testing.assert_array_equal(resumed["value"].to_numpy(), fresh["value"].to_numpy())


def test_on_start_is_told_how_many_tasks_are_done(tmp_path):
    seen = []

    def on_start(n_done, n_tasks):
        seen.append((n_done, n_tasks))

    first = _run_toy(out_dir=tmp_path, on_start=on_start)
    for path in sorted((tmp_path / "tasks").iterdir())[:5]:
        path.unlink()
    resumed = _run_toy(out_dir=tmp_path, on_start=on_start)
    _run_toy(on_start=on_start)
    assert seen == [(0, 12), (7, 12), (0, 12)]
    pd.testing.assert_frame_equal(first, resumed, check_exact=True)


# --- limits -------------------------------------------------------------------------------------


def test_too_many_tasks_refused_before_anything_is_built_or_run(tmp_path, monkeypatch):
    from mcstudy.experiments import batch

    monkeypatch.setattr(batch, "MAX_TASKS", 10)
    calls = []

    def study(params, rng):
        calls.append(params)
        return {"x": 1.0}

    pattern = (
        r"^the run has 12 tasks \(6 grid points x 2 replications\), more than MAX_TASKS = "
        r"10 \(mcstudy\.experiments\.MAX_TASKS\); split it into runs of at most that many tasks "
        r"\(part of the grid, or fewer replications, per run\), each with its own output "
        r"directory\.$"
    )
    with pytest.raises(ValueError, match=pattern):
        sweep(study, {"a": [1, 2, 3], "b": [1, 2]}, n_replications=2, rng=0, out_dir=tmp_path / "o")
    assert calls == [] and not (tmp_path / "o").exists()
    with pytest.raises(ValueError, match=r"has 11 tasks \(1 grid point x 11 replications\)"):
        replicate(study, n_replications=11, rng=0)
    assert len(sweep(study, {"a": [1, 2, 3, 4, 5]}, n_replications=2, rng=0)) == 10


def test_absurd_task_counts_are_refused_at_once_without_memory():
    import tracemalloc

    tracemalloc.start()
    try:
        start = time.perf_counter()
        with pytest.raises(
            ValueError,
            match=r"^the run has 100,000,000 tasks \(1 grid point x "
            r"100,000,000 replications\), more than MAX_TASKS "
            r"= 1,000,000",
        ):
            replicate("toy_poisson", n_replications=10**8, rng=0)
        with pytest.raises(
            ValueError,
            match=r"has 2,000,000,000 tasks \(1,000,000,000 grid "
            r"points x 2 replications\)",
        ):
            sweep(lambda p, rng: {}, {"x": range(10**9)}, n_replications=2, rng=0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - start < 2
    assert peak < 5_000_000  # bytes: nothing was built per point or per task


def test_results_gathered_in_chunks_give_the_same_table(monkeypatch):
    from mcstudy.experiments import batch

    whole = _run_toy()
    monkeypatch.setattr(batch._Results, "_CHUNK", 5)
    # tasks finish out of order on processes: chunks are concatenated, then sorted
    pd.testing.assert_frame_equal(_run_toy(backend="processes", workers=2), whole, check_exact=True)
    pd.testing.assert_frame_equal(_run_toy(), whole, check_exact=True)


# --- registry -----------------------------------------------------------------------------------


def test_register_study(registry):
    spec = register_study(
        "demo",
        _sleepy,
        params={"mu": FloatParam(0, 50, default=1.0), "strategy": OptionParam(["a", "b"])},
    )
    assert registry["demo"] is spec and spec.description.startswith("Toy study")
    register_study("demo", _sleepy, params={})  # same function again: fine (module reload)
    with pytest.raises(ValueError, match=r"'demo' is already registered to .*replace=True"):
        register_study("demo", studies.toy_poisson, params={})
    register_study("demo", studies.toy_poisson, params={}, replace=True)
    with pytest.raises(ValueError, match=r"'mu' must be a real number in \[0, 50\]; got 99"):
        register_study("bad", _sleepy, params={"mu": FloatParam(0, 50, default=99)})
    with pytest.raises(ValueError, match=r"parameter name 'metric' is reserved"):
        register_study("bad", _sleepy, params={"metric": IntParam()})
    with pytest.raises(TypeError, match=r"parameter 'mu' must be declared with IntParam"):
        register_study("bad", _sleepy, params={"mu": (0, 1)})
    with pytest.raises(ValueError, match=r"study 'demo2' requires parameters \['mu'\]"):
        register_study("demo2", _sleepy, params={"mu": FloatParam()}).validate({})


# --- config files -------------------------------------------------------------------------------


def _write(tmp_path, text, name="sweep.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_load_example_config(tmp_path):
    config = load_sweep_config(_write(tmp_path, EXAMPLE_SWEEP_CONFIG))
    assert config.study == "strategy_comparison" and config.n_tasks >= 8
    assert config.grid == {
        "strategy": ["cross_channel", "omnichannel"],
        "contact_pressure": [0.5, 1.0, 2.0],
    }
    assert config.fixed == {
        "baseline": "siloed",
        "compare_at": "contacts",
        "n_customers": 5000,
        "n_weeks": 78,
    }


@pytest.fixture
def strategy_study(registry):
    register_study(
        "strategic",
        _sleepy,
        params={
            "n_customers": IntParam(100, 10_000_000),
            "strategy": OptionParam(["monochannel", "omnichannel", "siloed_multichannel"]),
            "contact_pressure": FloatParam(0, 50, default=2.0),
        },
    )


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (
            '[run]\nstudy = "nope"\nseed = 1\nn_replications = 2\n',
            r"sweep.toml: \[run\] study: unknown study 'nope'; registered studies: \[.*'strategic'",
        ),
        (
            '[run]\nstudy = "strategic"\nseed = 1\n',
            r"sweep.toml: \[run\] missing keys \['n_replications'\]",
        ),
        (
            '[run]\nstudy = "strategic"\nseed = -3\nn_replications = 2\n',
            r"sweep.toml: \[run\] 'seed' must be an int in \[0, inf\); got -3",
        ),
        (
            "RUN\nworkers = 3\n",
            r"\[run\] unknown keys \['workers'\]; allowed: \['n_replications', 'seed', 'study'\]",
        ),
        (
            "RUN\n[grid]\nn_customer = [100]\n",
            r"\[grid\] 'n_customer' is not a parameter of study 'strategic'; allowed parameters: "
            r"\['contact_pressure', 'n_customers', 'strategy'\]",
        ),
        (
            "RUN\n[grid]\nn_customers = [1000]\ncontact_pressure = [1, 80]\n",
            r"\[grid\] 'contact_pressure' must be a real number in \[0, 50\]; got 80",
        ),
        (
            'RUN\n[grid]\nstrategy = ["omnichannel", "omni"]\n[fixed]\nn_customers = 1000\n',
            r"\[grid\] 'strategy' must be one of \['monochannel', 'omnichannel', "
            r"'siloed_multichannel'\]; got 'omni'",
        ),
        (
            "RUN\n[fixed]\nn_customers = 5\n",
            r"\[fixed\] 'n_customers' must be an int in \[100, 1e\+07\]; got 5",
        ),
        (
            'RUN\n[grid]\nstrategy = "a"\n',
            r"\[grid\] 'strategy' must be a non-empty list of values; got 'a'",
        ),
        (
            "RUN\n[grid]\nn_customers = [100]\n[fixed]\nn_customers = 200\n",
            r"\[fixed\] 'n_customers' is also in \[grid\]",
        ),
        (
            "RUN\n[grid]\nn_customers = [100]\n",
            r"sweep.toml: study 'strategic' requires parameters \['strategy'\]",
        ),
        (
            '[run]\nstudy = "strategic"\n[grids]\n',
            r"sweep.toml: unknown tables \['grids'\]; allowed: \['fixed', 'grid', 'run'\]",
        ),
        ("[run\n", r"sweep.toml: invalid TOML"),
        (
            '[run]\nstudy = ["strategic"]\nseed = 1\nn_replications = 2\n',
            r"sweep.toml: \[run\] 'study' must be a string naming a registered study, one of "
            r"\[.*'strategic'.*\]; got \['strategic'\] \(a TOML array\)",
        ),
        (
            '[run]\nstudy = {name = "strategic"}\nseed = 1\nn_replications = 2\n',
            r"\[run\] 'study' must be a string .*; got \{'name': 'strategic'\} \(a TOML table\)",
        ),
        (
            '[run]\nstudy = "strategic"\nseed = "1"\nn_replications = 2\n',
            r"sweep.toml: \[run\] 'seed' must be an int in \[0, inf\); got '1' \(a TOML string\)",
        ),
        (
            '[run]\nstudy = "strategic"\nseed = true\nn_replications = 2\n',
            r"\[run\] 'seed' must be an int in \[0, inf\); got True \(a TOML boolean\)",
        ),
        (
            '[run]\nstudy = "strategic"\nseed = 1\nn_replications = 2.0\n',
            r"\[run\] 'n_replications' must be an int in \[1, inf\); got 2.0 \(a TOML float\)",
        ),
        (
            '[run]\nstudy = "strategic"\nseed = 1\nn_replications = [2]\n',
            r"\[run\] 'n_replications' must be an int in \[1, inf\); got \[2\] \(a TOML array\)",
        ),
        (
            '[run]\nstudy = "strategic"\nseed = 2024-06-01\nn_replications = 2\n',
            r"\[run\] 'seed' must be an int .*; got datetime.date\(2024, 6, 1\) \(a TOML date",
        ),
    ],
)
def test_config_errors_name_file_parameter_value_and_allowed(tmp_path, strategy_study, body, match):
    body = body.replace("RUN\n", '[run]\nstudy = "strategic"\nseed = 1\nn_replications = 2\n')
    with pytest.raises(ConfigError, match=match):
        load_sweep_config(_write(tmp_path, body))


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (
            '[run]\nstudy = "café"\n'.encode("latin-1"),
            r"^\S*sweep.toml: is not UTF-8 text \(byte 0xe9 at offset 18\); "
            r"TOML files must be UTF-8",
        ),
        (
            b"",
            r"^\S*sweep.toml: is empty; a sweep configuration needs a \[run\] table with keys "
            r"\['study', 'seed', 'n_replications'\]; see 'mcstudy sweep --example'",
        ),
        (b" \n\t\n", r"sweep.toml: is empty; "),
        (
            bytes(range(256)),
            r"^\S*sweep.toml: is a binary file \(it contains NUL bytes\), not a "
            r"TOML sweep configuration",
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", r"sweep.toml: is a binary file"),
        (None, r"^\S*sweep.toml: is a directory, not a TOML sweep configuration file\.$"),
    ],
    ids=["latin-1", "empty", "blank", "binary", "png", "directory"],
)
def test_unreadable_config_files_give_one_line_naming_the_file(tmp_path, content, match):
    path = tmp_path / "sweep.toml"
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    with pytest.raises(ConfigError, match=match) as info:
        load_sweep_config(path)
    assert "\n" not in str(info.value)


def test_config_with_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "sweep.toml"
    path.write_bytes(b"\xef\xbb\xbf" + EXAMPLE_SWEEP_CONFIG.encode())
    assert load_sweep_config(path).study == "strategy_comparison"


def test_example_config_suggests_an_ignored_output_folder():
    assert "--out runs/sweeps/example" in EXAMPLE_SWEEP_CONFIG
    assert "results/" not in EXAMPLE_SWEEP_CONFIG  # results/ is committed


def test_config_with_strategy_study(tmp_path, strategy_study):
    path = _write(
        tmp_path,
        """
        [run]
        study = "strategic"
        seed = 7
        n_replications = 3
        [grid]
        strategy = ["monochannel", "omnichannel"]
        contact_pressure = [1, 2.5]
        [fixed]
        n_customers = 1000
        """,
    )
    config = load_sweep_config(path)
    assert config.grid["contact_pressure"] == [1.0, 2.5]
    assert config.n_tasks == 12


# --- CLI ----------------------------------------------------------------------------------------


def test_cli_example_runs_end_to_end(tmp_path, capsys):
    assert main(["sweep", "--example"]) == 0
    example = capsys.readouterr().out
    assert example == EXAMPLE_SWEEP_CONFIG
    cfg = _write(tmp_path, example)
    out = tmp_path / "out"
    assert main(["sweep", str(cfg), "--out", str(out), "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "12 tasks of study 'strategy_comparison'" in printed
    assert str(out / "summary.csv") in printed
    summary = pd.read_csv(out / "summary.csv")
    config = load_sweep_config(cfg)
    expected = sweep(
        config.study,
        config.grid,
        params=config.fixed,
        rng=config.seed,
        n_replications=config.n_replications,
        progress=False,
    )
    assert list(summary.columns) == list(expected.columns)
    np.testing.assert_allclose(summary["value"], expected["value"], rtol=1e-12)
    # resuming a finished run recomputes nothing and gives the same summary
    before = {p: p.stat().st_mtime_ns for p in (out / "tasks").iterdir()}
    assert (
        main(["sweep", str(cfg), "--out", str(out), "--backend", "processes", "--workers", "2"])
        == 0
    )
    assert before == {p: p.stat().st_mtime_ns for p in (out / "tasks").iterdir()}
    pd.testing.assert_frame_equal(pd.read_csv(out / "summary.csv"), summary)


def test_cli_reports_config_errors(tmp_path, capsys):
    cfg = _write(
        tmp_path, '[run]\nstudy = "toy_poisson"\nseed = 1\nn_replications = 2\n[grid]\nrate = [0]\n'
    )
    assert main(["sweep", str(cfg), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert (
        "mcstudy sweep: error:" in err and "[grid] 'rate' must be a real number in (0, inf)" in err
    )
    assert main(["sweep", str(cfg)]) == 2
    assert "give a CONFIG.toml and --out DIR" in capsys.readouterr().err
    assert main(["sweep", str(tmp_path / "missing.toml"), "--out", str(tmp_path)]) == 2
    assert "missing.toml" in capsys.readouterr().err


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signal masks only")
def test_ctrl_c_is_held_back_while_workers_start_and_not_lost():
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from mcstudy.experiments.backends import _init_worker, _sigint_deferred

    ctx = multiprocessing.get_context("spawn")
    blocked = (signal.pthread_sigmask, (signal.SIG_BLOCK, []))  # the worker's blocked signals
    handler = (signal.getsignal, (signal.SIGINT,))
    # a process started in the block holds Ctrl-C back from its first instruction on
    with _sigint_deferred(), ctx.Pool(1) as pool:
        assert signal.SIGINT in pool.apply(*blocked)
        assert pool.apply(*handler) is not signal.SIG_IGN
    # a worker, once its initializer has run, ignores SIGINT and no longer holds it back
    with _sigint_deferred():
        executor = ProcessPoolExecutor(
            1, mp_context=ctx, initializer=_init_worker, initargs=(os.getpid(),)
        )
        futures = [executor.submit(f, *a) for f, a in (blocked, handler)]
    with executor:
        assert signal.SIGINT not in futures[0].result(timeout=60)
        assert futures[1].result(timeout=60) is signal.SIG_IGN
    # the parent is not spared: a press in the block is raised, at the latest when it ends
    with pytest.raises(KeyboardInterrupt):
        with _sigint_deferred():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)


def test_ctrl_c_inside_a_finaliser_is_kept_for_check_and_not_printed(monkeypatch):
    from mcstudy.experiments.backends import _Interrupts

    class Released:
        def __del__(self):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)  # the handler runs here, inside __del__

    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    with _Interrupts() as interrupts:
        obj = Released()
        del obj
        # Python would have swallowed a KeyboardInterrupt raised in __del__, and printed it
        assert unraisable == []
        assert interrupts.pressed
        with pytest.raises(KeyboardInterrupt):
            interrupts.check()
        # elsewhere a press raises at once, as usual
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)


def test_ctrl_c_tests_pass_in_a_run_that_inherits_sigint_ignored():
    # under nohup, after '&' in a non-interactive shell or on some CI runners, the test run
    # inherits SIGINT ignored; the Ctrl-C tests set the disposition they rely on themselves
    here = Path(__file__)
    tests = [
        f"{here}::test_ctrl_c_raises_sweep_interrupted_with_the_count",
        f"{here}::test_ctrl_c_stops_workers_keeps_finished_tasks_and_resumes[processes]",
    ]
    command = " ".join(
        [shlex.quote(sys.executable), "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        + [shlex.quote(t) for t in tests]
    )
    proc = subprocess.run(
        ["sh", "-c", f"trap '' INT; exec {command}"],
        cwd=here.parents[2],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "2 passed" in proc.stdout
