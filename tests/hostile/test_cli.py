"""Hostile command lines: exit status 2 and one clear stderr line, before any long work."""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
import time
from pathlib import Path

import pytest

from mcstudy.cli import main

TOML = '[run]\nstudy = "toy_poisson"\nseed = 1\nn_replications = 2\n[grid]\nrate = [1.0, 2.0]\n'


def _tmp() -> Path:
    return Path(tempfile.mkdtemp(prefix="mcstudy-hostile-cli-"))


def _config(tmp: Path) -> str:
    path = tmp / "sweep.toml"
    path.write_text(TOML, encoding="utf-8")
    return str(path)


def _refused(argv, pattern, *, within=1.0, before=0):
    """Run ``mcstudy argv``; assert exit 2, one stderr line matching ``pattern``, fast.

    ``before`` lines of information (such as "resuming ...") may precede the error line.
    """
    err, out = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main([str(a) for a in argv])
    seconds = time.perf_counter() - start
    lines = err.getvalue().splitlines()
    assert code == 2, (code, err.getvalue())
    assert len(lines) == 1 + before, lines
    assert re.search(pattern, lines[-1]), lines[-1]
    assert seconds < within, f"took {seconds:.2f} s before refusing"


def _sweep_summary_is_dir():
    tmp = _tmp()
    (tmp / "o" / "summary.csv").mkdir(parents=True)
    _refused(
        ["sweep", _config(tmp), "--out", tmp / "o"],
        r"mcstudy sweep: error: '--out' must be a file path; '.*summary\.csv' is a directory",
    )
    assert not (tmp / "o" / "tasks").exists(), "tasks ran before the output was checked"


def _sweep_out_inside_file():
    tmp = _tmp()
    (tmp / "f").write_text("x")
    _refused(
        ["sweep", _config(tmp), "--out", tmp / "f" / "o"],
        r"'--out' cannot be created: '.*f', on its path, is a file",
    )


def _calibrate_out_dir():
    tmp = _tmp()
    _refused(
        ["calibrate", "--customers", "1000", "--out", tmp],
        r"mcstudy calibrate: error: '--out' must be a file path; '.*' is a directory",
    )


def _calibrate_out_under_file():
    tmp = _tmp()
    (tmp / "f").write_text("x")
    _refused(
        ["calibrate", "--customers", "1000", "--out", tmp / "f" / "fit.toml"],
        r"mcstudy calibrate: error: '--out' cannot be created: '.*f', on its path, is a file",
    )


def _calibrate_out_empty():
    _refused(
        ["calibrate", "--customers", "1000", "--out", ""],
        r"mcstudy calibrate: error: '--out' must name an output file; got ''",
    )


def _calibrate_out_missing_parent_ok_but_small_customers():
    tmp = _tmp()
    _refused(
        ["calibrate", "--customers", "10", "--out", tmp / "new" / "fit.toml"],
        r"'--customers' must be an int in \[1000, 1e\+07\]; got 10",
    )


def _calibrate_targets_missing():
    tmp = _tmp()
    _refused(
        ["calibrate", "--customers", "1000", "--targets", tmp / "none.csv"],
        r"none\.csv",
    )


def _simulate_output_file_is_dir():
    tmp = _tmp()
    (tmp / "o" / "customers.parquet").mkdir(parents=True)
    _refused(
        ["simulate", "--customers", "100", "--weeks", "2", "--out", tmp / "o"],
        r"mcstudy simulate: error: '--out' must be a file path; '.*customers\.parquet' is a "
        r"directory",
    )


def _simulate_summary_is_dir():
    tmp = _tmp()
    (tmp / "o" / "summary.csv").mkdir(parents=True)
    _refused(
        ["simulate", "--customers", "100", "--weeks", "2", "--out", tmp / "o"],
        r"'--out' must be a file path; '.*summary\.csv' is a directory",
    )


def _simulate_out_file():
    tmp = _tmp()
    (tmp / "f").write_text("x")
    _refused(
        ["simulate", "--out", tmp / "f"],
        r"'--out' must be a directory; '.*f' is an existing file",
    )


def _simulate_pressure_inf():
    _refused(
        ["simulate", "--out", _tmp() / "o", "--pressure", "inf"],
        r"'contact_pressure' must be a real number in \[0, 50\]; got inf",
    )


def _sweep_tasks_is_file():
    tmp = _tmp()
    (tmp / "o").mkdir()
    (tmp / "o" / "tasks").write_text("x")
    _refused(
        ["sweep", _config(tmp), "--out", tmp / "o"],
        r"'out_dir' cannot hold a run: '.*tasks' is a file",
    )


def _sweep_config_dir():
    tmp = _tmp()
    _refused(["sweep", tmp, "--out", tmp / "o"], r"is a directory, not a TOML sweep")


def _sweep_config_missing():
    tmp = _tmp()
    _refused(["sweep", tmp / "no.toml", "--out", tmp / "o"], r"no\.toml: no such file")


def _sweep_timeout_negative():
    tmp = _tmp()
    _refused(
        [
            "sweep",
            _config(tmp),
            "--out",
            tmp / "o",
            "--backend",
            "dask",
            "--scheduler",
            "tcp://127.0.0.1:1",
            "--connect-timeout",
            "-1",
        ],
        r"'connect_timeout' must be a real number in \(0, 3600\]; got -1\.0",
    )


def _sweep_damaged_task_on_resume():
    tmp = _tmp()
    config = _config(tmp)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(["sweep", config, "--out", str(tmp / "o"), "--no-progress"]) == 0
    (tmp / "o" / "tasks" / "000002.parquet").write_bytes(b"PAR1 truncated")
    _refused(
        ["sweep", config, "--out", tmp / "o", "--no-progress"],
        r"mcstudy sweep: error: .*000002\.parquet cannot be read .*delete that file",
        before=1,
    )


def _bench_weeks_negative():
    _refused(["bench", "--weeks", "-3"], r"'n_weeks' must be an int in \[1, 520\]; got -3")


CASES = [
    ("cli/sweep summary.csv is a directory", _sweep_summary_is_dir, None, None),
    ("cli/sweep --out inside a file", _sweep_out_inside_file, None, None),
    ("cli/sweep tasks is a file", _sweep_tasks_is_file, None, None),
    ("cli/sweep config is a directory", _sweep_config_dir, None, None),
    ("cli/sweep config missing", _sweep_config_missing, None, None),
    ("cli/sweep negative connect timeout", _sweep_timeout_negative, None, None),
    ("cli/sweep damaged task file on resume", _sweep_damaged_task_on_resume, None, None),
    ("cli/calibrate --out a directory", _calibrate_out_dir, None, None),
    ("cli/calibrate --out under a file", _calibrate_out_under_file, None, None),
    ("cli/calibrate --out empty", _calibrate_out_empty, None, None),
    (
        "cli/calibrate too few customers",
        _calibrate_out_missing_parent_ok_but_small_customers,
        None,
        None,
    ),
    ("cli/calibrate targets missing", _calibrate_targets_missing, None, None),
    ("cli/simulate customers.parquet is a directory", _simulate_output_file_is_dir, None, None),
    ("cli/simulate summary.csv is a directory", _simulate_summary_is_dir, None, None),
    ("cli/simulate --out a file", _simulate_out_file, None, None),
    ("cli/simulate pressure inf", _simulate_pressure_inf, None, None),
    ("cli/bench negative weeks", _bench_weeks_negative, None, None),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_case(case, check_case):
    check_case(case)
