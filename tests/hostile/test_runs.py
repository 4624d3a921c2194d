"""Hostile inputs to the batch runs: studies, grids, task files on resume, configs, summaries."""

from __future__ import annotations

import math
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mcstudy.experiments import (
    ConfigError,
    RunConfigError,
    load_sweep_config,
    mean_interval,
    replicate,
    summarise_replications,
    sweep,
)

TOY = {"n_replications": 2, "rng": 1, "progress": False}
RESULTS = pd.DataFrame(
    {"replication": [0, 1, 0, 1], "metric": ["a", "a", "b", "b"], "value": [1.0, 2.0, 3.0, 5.0]}
)


def _tmp() -> Path:
    return Path(tempfile.mkdtemp(prefix="mcstudy-hostile-runs-"))


def _run(out):
    return replicate("toy_poisson", params={"rate": 2.0}, out_dir=out, **TOY)


def _resume_with(damage):
    """Run, damage task 1's file with ``damage(path)``, and run the same call again."""
    out = _tmp()
    try:
        _run(out)
        damage(out / "tasks" / "000001.parquet")
        return _run(out)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _rewrite(change):
    def damage(path):
        frame = pd.read_parquet(path)
        change(frame).to_parquet(path, index=False)

    return damage


def _from_other_study(path):
    other = _tmp()
    try:
        replicate(
            lambda p, r: pd.DataFrame({"arm": ["x"], "metric": ["m"], "value": [1.0]}),
            out_dir=other,
            **TOY,
        )
        shutil.copy(other / "tasks" / "000001.parquet", path)
    finally:
        shutil.rmtree(other, ignore_errors=True)


def _resume_ok():
    out = _tmp()
    try:
        first = _run(out)
        again = _run(out)
        pd.testing.assert_frame_equal(first, again)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _config(text: str | bytes, name: str = "c.toml"):
    path = _tmp() / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return load_sweep_config(path)


OK_TOML = 'study = "toy_poisson"\nseed = 1\nn_replications = 2\n'


def _email_two():
    return replicate("email_experiment", params={"n_customers": 2}, **TOY)


def _single_replication():
    s = summarise_replications(RESULTS[RESULTS["replication"] == 0])
    assert (s["n_replications"] == 1).all() and s["ci_low"].isna().all()


CASES = [
    # task files on resume
    (
        "runs/resume truncated task file",
        lambda: _resume_with(_truncate),
        RunConfigError,
        r"000001\.parquet cannot be read .*delete that file to compute the task again",
    ),
    (
        "runs/resume empty task file",
        lambda: _resume_with(lambda p: p.write_bytes(b"")),
        RunConfigError,
        r"000001\.parquet cannot be read",
    ),
    (
        "runs/resume text in a task file",
        lambda: _resume_with(lambda p: p.write_text("task_id,metric,value\n1,mean,2\n")),
        RunConfigError,
        r"000001\.parquet cannot be read",
    ),
    (
        "runs/resume task file is a directory",
        lambda: _resume_with(lambda p: (p.unlink(), p.mkdir())),
        RunConfigError,
        r"000001\.parquet (cannot be read|is not a task file of this run)",
    ),
    (
        "runs/resume task file without value column",
        lambda: _resume_with(_rewrite(lambda f: f.drop(columns="value"))),
        RunConfigError,
        r"000001\.parquet is not a task file of this run: it lacks columns \['value'\].*delete "
        r"that file",
    ),
    (
        "runs/resume task file without id columns",
        lambda: _resume_with(_rewrite(lambda f: f[["metric", "value"]])),
        RunConfigError,
        r"lacks columns \['task_id', 'point', 'replication'\]",
    ),
    (
        "runs/resume task file of another task",
        lambda: _resume_with(_rewrite(lambda f: f.assign(task_id=7))),
        RunConfigError,
        r"000001\.parquet is not task 1 of this run: its column 'task_id' must be 1 on every "
        r"row; it holds \[7\]",
    ),
    (
        "runs/resume task file of another point",
        lambda: _resume_with(_rewrite(lambda f: f.assign(point=3))),
        RunConfigError,
        r"its column 'point' must be 0 on every row; it holds \[3\]",
    ),
    (
        "runs/resume task file with text values",
        lambda: _resume_with(_rewrite(lambda f: f.assign(value=f["value"].astype(str)))),
        RunConfigError,
        r"its column 'value' must be numeric",
    ),
    (
        "runs/resume task file with an extra column",
        lambda: _resume_with(_rewrite(lambda f: f.assign(arm="x"))),
        RunConfigError,
        r"000001\.parquet has columns \[.*'arm'.*\], unlike the run's other task files",
    ),
    (
        "runs/resume task file from another study",
        lambda: _resume_with(_from_other_study),
        RunConfigError,
        r"000001\.parquet has columns .*unlike the run's other task files .*another run",
    ),
    (
        "runs/resume of an intact run gives the same table",
        _resume_ok,
        None,
        None,
    ),
    # arms without customers
    (
        "runs/email experiment with an empty arm",
        _email_two,
        ValueError,
        r"arms \[.*\] drew no customer out of 2; simulate more customers \('n_customers'",
    ),
    (
        "runs/strategy comparison with an empty arm",
        lambda: replicate("strategy_comparison", params={"n_customers": 1, "n_weeks": 2}, **TOY),
        ValueError,
        r"arms \['(baseline|treatment)'\] drew no customer",
    ),
    # studies and their parameters
    (
        "runs/toy rate inf",
        lambda: replicate("toy_poisson", params={"rate": math.inf}, **TOY),
        ValueError,
        r"'rate' must be a real number in \(0, inf\); got inf",
    ),
    (
        "runs/toy rate 1e300",
        lambda: replicate("toy_poisson", params={"rate": 1e300}, **TOY),
        ValueError,
        r"'rate' must be a real number in \(0, 1e\+18\]; got 1e\+300",
    ),
    (
        "runs/toy rate NaN",
        lambda: replicate("toy_poisson", params={"rate": math.nan}, **TOY),
        ValueError,
        r"'rate' must be a real number in \(0, inf\); got nan",
    ),
    (
        "runs/toy n a float",
        lambda: replicate("toy_poisson", params={"n": 10.0}, **TOY),
        TypeError,
        r"'n' must be an int in \[1, 1e\+08\]; got 10\.0",
    ),
    (
        "runs/unknown parameter",
        lambda: replicate("toy_poisson", params={"nn": 10}, **TOY),
        ValueError,
        r"'nn' is not a parameter of study 'toy_poisson'",
    ),
    (
        "runs/unknown study",
        lambda: replicate("nope", **TOY),
        ValueError,
        r"unknown study 'nope'; registered studies",
    ),
    (
        "runs/study an int",
        lambda: replicate(3, **TOY),
        TypeError,
        r"'study' must be a registered study name or a callable; got 3",
    ),
    (
        "runs/zero replications",
        lambda: replicate("toy_poisson", n_replications=0, rng=1, progress=False),
        ValueError,
        r"'n_replications' must be an int in \[1, inf\); got 0",
    ),
    (
        "runs/negative seed",
        lambda: replicate("toy_poisson", n_replications=1, rng=-1, progress=False),
        ValueError,
        r"'rng' as an int seed must be in \[0, 2\*\*63 - 1\]; got -1",
    ),
    (
        "runs/unknown backend",
        lambda: replicate("toy_poisson", backend="mpi", **TOY),
        ValueError,
        r"'backend' must be one of \['dask', 'processes', 'serial'\]; got 'mpi'",
    ),
    (
        "runs/reserved parameter name",
        lambda: replicate(lambda p, r: {"a": 1.0}, params={"metric": 1}, **TOY),
        ValueError,
        r"parameter names \['metric'\] are reserved for result columns",
    ),
    (
        "runs/out_dir a file",
        lambda: replicate("toy_poisson", out_dir=__file__, **TOY),
        ValueError,
        r"'out_dir' must be a directory; '.*test_runs\.py' is an existing file",
    ),
    (
        "runs/study returns text values",
        lambda: replicate(lambda p, r: pd.DataFrame({"metric": ["a"], "value": ["x"]}), **TOY),
        TypeError,
        r"a study DataFrame's column 'value' must be numeric; got dtype .*\(first value 'x'\)",
    ),
    (
        "runs/study returns bool values",
        lambda: replicate(lambda p, r: pd.DataFrame({"metric": ["a"], "value": [True]}), **TOY),
        TypeError,
        r"column 'value' must be numeric; got dtype bool",
    ),
    (
        "runs/study returns None",
        lambda: replicate(lambda p, r: None, **TOY),
        TypeError,
        r"a study must return a dict of metric -> value or a DataFrame; got NoneType",
    ),
    (
        "runs/study returns a string metric value",
        lambda: replicate(lambda p, r: {"a": "1"}, **TOY),
        TypeError,
        r"metric 'a' must be a real number; got '1'",
    ),
    (
        "runs/study frame without value",
        lambda: replicate(lambda p, r: pd.DataFrame({"metric": ["a"]}), **TOY),
        ValueError,
        r"a study DataFrame must have columns \['metric', 'value'\]; missing \['value'\]",
    ),
    # grids
    (
        "runs/grid empty list",
        lambda: sweep("toy_poisson", [], **TOY),
        TypeError,
        r"'grid' must be a dict of lists or a non-empty list of dicts; got \[\]",
    ),
    (
        "runs/grid with no values",
        lambda: sweep("toy_poisson", {"rate": []}, **TOY),
        ValueError,
        r"grid\['rate'\] must list at least one value; got \[\]",
    ),
    (
        "runs/grid values a string",
        lambda: sweep("toy_poisson", {"rate": "abc"}, **TOY),
        TypeError,
        r"grid\['rate'\] must be a list of values; got 'abc'",
    ),
    (
        "runs/grid points with different keys",
        lambda: sweep("toy_poisson", [{"rate": 1.0}, {"n": 5}], **TOY),
        ValueError,
        r"grid point 1 has keys \['n'\]; point 0 has \['rate'\]",
    ),
    (
        "runs/grid NaN value",
        lambda: sweep("toy_poisson", {"rate": [1.0, math.nan]}, **TOY),
        ValueError,
        r"'rate' must be a real number in \(0, inf\); got nan",
    ),
    (
        "runs/grid a DataFrame",
        lambda: sweep("toy_poisson", pd.DataFrame({"rate": [1.0, 2.0]}), **TOY),
        TypeError,
        r"'grid' must be a dict of lists or a list of dicts",
    ),
    (
        "runs/grid overlaps fixed",
        lambda: sweep("toy_poisson", {"rate": [1.0]}, params={"rate": 2.0}, **TOY),
        ValueError,
        r"parameters \['rate'\] are both swept in 'grid' and fixed in 'params'",
    ),
    # sweep configurations
    (
        "runs/config path None",
        lambda: load_sweep_config(None),
        TypeError,
        r"'path' must be a path \(str or os\.PathLike\); got None",
    ),
    (
        "runs/config missing file",
        lambda: load_sweep_config(_tmp() / "nope.toml"),
        FileNotFoundError,
        r"nope\.toml: no such file; give the path of a TOML sweep configuration",
    ),
    (
        "runs/config a directory",
        lambda: load_sweep_config(_tmp()),
        ConfigError,
        r"is a directory, not a TOML sweep configuration file",
    ),
    (
        "runs/config empty file",
        lambda: _config(""),
        ConfigError,
        r"c\.toml: is empty",
    ),
    (
        "runs/config UTF-16",
        lambda: _config(("[run]\n" + OK_TOML).encode("utf-16")),
        ConfigError,
        r"c\.toml: is a binary file",
    ),
    (
        "runs/config Latin-1",
        lambda: _config("[run]\n# caf\xe9\n".encode("latin-1") + OK_TOML.encode()),
        ConfigError,
        r"c\.toml: is not UTF-8 text \(byte 0xe9",
    ),
    (
        "runs/config keys outside [run]",
        lambda: _config(OK_TOML + "[grid]\nrate = [1.0]\n"),
        ConfigError,
        r"unknown tables \['n_replications', 'seed', 'study'\]; allowed",
    ),
    (
        "runs/config grid empty list",
        lambda: _config("[run]\n" + OK_TOML + "[grid]\nrate = []\n"),
        ConfigError,
        r"\[grid\] 'rate' must be a non-empty list of values; got \[\]",
    ),
    (
        "runs/config grid negative",
        lambda: _config("[run]\n" + OK_TOML + "[grid]\nrate = [-1.0]\n"),
        ConfigError,
        r"\[grid\] 'rate' must be a real number in \(0, inf\); got -1\.0",
    ),
    (
        "runs/config n_replications a float",
        lambda: _config(
            '[run]\nstudy = "toy_poisson"\nseed = 1\nn_replications = 2.5\n[grid]\nrate = [1.0]\n'
        ),
        ConfigError,
        r"\[run\] 'n_replications' must be an int in \[1, inf\); got 2\.5 \(a TOML float\)",
    ),
    (
        "runs/config fixed repeats grid",
        lambda: _config("[run]\n" + OK_TOML + "[grid]\nrate = [1.0]\n[fixed]\nrate = 2.0\n"),
        ConfigError,
        r"\[fixed\] 'rate' is also in \[grid\]",
    ),
    # summaries
    (
        "runs/summary text values",
        lambda: summarise_replications(RESULTS.assign(value=["x", "y", "z", "w"])),
        TypeError,
        r"'results' column 'value' must be numeric; got dtype",
    ),
    (
        "runs/summary missing replication",
        lambda: summarise_replications(RESULTS.drop(columns="replication")),
        ValueError,
        r"'results' is missing columns \['replication'\]",
    ),
    (
        "runs/summary unknown metric",
        lambda: summarise_replications(RESULTS, metrics=["c"]),
        ValueError,
        r"metrics \['c'\] are not in 'results'",
    ),
    (
        "runs/summary metrics a string",
        lambda: summarise_replications(RESULTS, metrics="a"),
        TypeError,
        r"'metrics' must be a list of metric names or None; got 'a'",
    ),
    (
        "runs/summary by unknown column",
        lambda: summarise_replications(RESULTS, by=["arm"]),
        ValueError,
        r"'results' is missing columns \['arm'\]",
    ),
    (
        "runs/summary alpha 2",
        lambda: summarise_replications(RESULTS, alpha=2),
        ValueError,
        r"'alpha' must be a real number in \(0, 1\); got 2",
    ),
    (
        "runs/summary results a list",
        lambda: summarise_replications([1, 2]),
        TypeError,
        r"'results' must be a pandas DataFrame; got list",
    ),
    (
        "runs/summary single replication",
        _single_replication,
        None,
        None,
    ),
    (
        "runs/mean interval strings",
        lambda: mean_interval(["a", "b"]),
        TypeError,
        r"'values' must be a sequence of real numbers; got \['a', 'b'\]",
    ),
    (
        "runs/mean interval inf",
        lambda: mean_interval([1.0, np.inf]),
        ValueError,
        r"'values' must be finite numbers \(NaN for a missing one\); got inf",
    ),
    (
        "runs/mean interval two-dimensional",
        lambda: mean_interval([[1.0, 2.0], [3.0, 4.0]]),
        ValueError,
        r"'values' must be one-dimensional .*got shape \(2, 2\)",
    ),
    (
        "runs/mean interval alpha 0",
        lambda: mean_interval([1.0, 2.0], alpha=0),
        ValueError,
        r"'alpha' must be a real number in \(0, 1\); got 0",
    ),
    (
        "runs/mean interval empty",
        lambda: _nan_pair(mean_interval([])),
        None,
        None,
    ),
]


def _nan_pair(pair):
    assert all(math.isnan(x) for x in pair), pair


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_case(case, check_case):
    check_case(case)
