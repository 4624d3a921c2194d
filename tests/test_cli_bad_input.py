"""The command line with bad input: exit code 2 and one line that names what is wrong.

Each row is ``(arguments, pattern)``: ``mcstudy <arguments>`` must exit with status 2, print
nothing on stdout, print exactly one line on stderr that matches ``pattern`` (a regular
expression) and never a traceback. ``{tmp}`` in an argument is replaced by a temporary
directory holding the files made by :func:`files`.
"""

from __future__ import annotations

import re

import pytest

from mcstudy.cli import main

CASES = [
    # the command itself
    (["bogus"], r"mcstudy: error: argument COMMAND: invalid choice: 'bogus'"),
    # simulate
    (
        ["simulate", "--out", "{tmp}/o", "--customers", "0"],
        r"'n_customers' must be an int in \[1, 1e\+08\]; got 0",
    ),
    (
        ["simulate", "--out", "{tmp}/o", "--customers", "-5"],
        r"'n_customers' must be an int in \[1, 1e\+08\]; got -5",
    ),
    (
        ["simulate", "--out", "{tmp}/o", "--customers", "abc"],
        r"argument --customers: invalid int value: 'abc'",
    ),
    (
        ["simulate", "--out", "{tmp}/o", "--customers", "100000000"],
        r"simulating 100,000,000 customers needs about \d+\.\d GB of memory; .* available",
    ),
    (
        ["simulate", "--out", "{tmp}/o", "--weeks", "0"],
        r"'n_weeks' must be an int in \[1, 520\]; got 0",
    ),
    (
        ["simulate", "--out", "{tmp}/o", "--weeks", "521"],
        r"'n_weeks' must be an int in \[1, 520\]; got 521",
    ),
    (
        ["simulate", "--out", "{tmp}/o", "--seed", "-1"],
        r"'rng' must be None, a non-negative int seed, .*; got -1",
    ),
    (
        ["simulate", "--out", "{tmp}/o", "--strategy", "fax"],
        r"argument --strategy: invalid choice: 'fax' \(choose from 'cross_channel', ",
    ),
    (
        ["simulate", "--out", "{tmp}/o", "--strategy", "siloed", "--strategy", "siloed"],
        r"'--strategy' names each arm once; got \['siloed'\] more than once",
    ),
    (
        ["simulate", "--out", "{tmp}/o", "--pressure", "-1"],
        r"'contact_pressure' must be a real number in \[0, 50\]; got -1\.0",
    ),
    (
        ["simulate", "--out", "{tmp}/o", "--pressure", "51"],
        r"'contact_pressure' must be a real number in \[0, 50\]; got 51\.0",
    ),
    (
        ["simulate", "--out", "{tmp}/o", "--pressure", "nan"],
        r"'contact_pressure' must be a real number in \[0, 50\]; got nan",
    ),
    (
        ["simulate", "--out", "{tmp}/o", "--threads", "0"],
        r"'n_threads' must be an int in \[1, 1024\]; got 0",
    ),
    (["simulate", "--out", ""], r"'--out' must name an output directory; got ''"),
    (
        ["simulate", "--out", "{tmp}/file.txt"],
        r"'--out' must be a directory; '.*file\.txt' is an existing file",
    ),
    (
        ["simulate", "--out", "{tmp}/file.txt/sub"],
        r"'--out' cannot be created: '.*file\.txt', on its path, is a file",
    ),
    (["simulate"], r"the following arguments are required: --out"),
    # bench
    (["bench", "--customers", "0"], r"'n_customers' must be an int in \[1, 1e\+08\]; got 0"),
    (["bench", "--weeks", "0"], r"'n_weeks' must be an int in \[1, 520\]; got 0"),
    (["bench", "--threads", "0"], r"'n_threads' must be an int in \[1, 1024\]; got 0"),
    (["bench", "--customers", "1e6"], r"argument --customers: invalid int value: '1e6'"),
    # claims
    (["claims", "--path", "{tmp}/missing.csv"], r"missing\.csv"),
    # sweep
    (["sweep"], r"give a CONFIG\.toml and --out DIR"),
    (["sweep", "{tmp}/missing.toml", "--out", "{tmp}/o"], r"missing\.toml"),
    (["sweep", "{tmp}/bad.toml", "--out", "{tmp}/o"], r"bad\.toml: invalid TOML"),
    (
        ["sweep", "{tmp}/unknown_study.toml", "--out", "{tmp}/o"],
        r"unknown_study\.toml: \[run\] study: unknown study 'nope'; registered studies: \[",
    ),
    (
        ["sweep", "{tmp}/bad_value.toml", "--out", "{tmp}/o"],
        r"bad_value\.toml: \[grid\] 'contact_pressure' must be a real number in \[0, 50\]; "
        r"got 99",
    ),
    (
        ["sweep", "{tmp}/ok.toml", "--out", "{tmp}/o", "--backend", "mpi"],
        r"argument --backend: invalid choice: 'mpi'",
    ),
    (
        ["sweep", "{tmp}/ok.toml", "--out", "{tmp}/o", "--workers", "2"],
        r"'workers' is used by backends 'processes' and 'dask'; got backend='serial'",
    ),
    (
        ["sweep", "{tmp}/ok.toml", "--out", "{tmp}/o", "--backend", "processes", "--workers", "0"],
        r"'workers' must be an int in \[1, inf\); got 0",
    ),
    (
        ["sweep", "{tmp}/ok.toml", "--out", "{tmp}/o", "--scheduler", "tcp://127.0.0.1:1"],
        r"'scheduler' is used by backend 'dask' only; got backend='serial'",
    ),
    (
        ["sweep", "{tmp}/ok.toml", "--out", "{tmp}/file.txt"],
        r"'--out' must be a directory; '.*file\.txt' is an existing file",
    ),
    (["sweep", "{tmp}/ok.toml", "--out", ""], r"'--out' must name an output directory; got ''"),
    (
        ["sweep", "{tmp}/wrong_type.toml", "--out", "{tmp}/o"],
        r"wrong_type\.toml: \[run\] 'seed' must be an int in \[0, inf\); got 'x' \(a TOML string\)",
    ),
    (
        ["sweep", "{tmp}/huge.toml", "--out", "{tmp}/o"],
        r"the run has 1,001,000 tasks \(1,001 grid points x 1,000 replications\), more than "
        r"MAX_TASKS = 1,000,000",
    ),
    (
        ["sweep", "{tmp}/ok.toml", "--out", "{tmp}/o", "--connect-timeout", "2"],
        r"'connect_timeout' is the wait for the Dask scheduler at the address 'scheduler'",
    ),
    (
        [
            "sweep",
            "{tmp}/ok.toml",
            "--out",
            "{tmp}/o",
            "--backend",
            "dask",
            "--scheduler",
            "tcp://127.0.0.1:1",
            "--connect-timeout",
            "-1",
        ],
        r"'connect_timeout' must be a real number in \(0, 3600\]; got -1\.0",
    ),
    (
        ["sweep", "{tmp}/ok.toml", "--out", "{tmp}/o", "--backend", "dask", "--workers", "0"],
        r"'workers' must be an int in \[1, inf\); got 0",
    ),
    # claims and other CSV files
    (
        ["claims", "--path", "{tmp}/semicolon.csv"],
        r"semicolon\.csv: missing columns \[.*\]: the header line has no commas but 1 "
        r"semicolons, so the file looks semicolon-separated",
    ),
    (["claims", "--path", "{tmp}/empty.csv"], r"empty\.csv: the file is empty \(0 bytes\)"),
    (
        ["claims", "--path", "{tmp}/binary.csv"],
        r"binary\.csv: file binary\.csv is UTF-16; save it as UTF-8",
    ),
    (["claims", "--path", "{tmp}"], r"is a directory, expected a CSV file"),
    # calibrate
    (
        ["calibrate", "--customers", "10"],
        r"'--customers' must be an int in \[1000, 1e\+07\]; got 10",
    ),
    (["calibrate", "--out", "{tmp}"], r"'--out' must be a file path; '.*' is a directory"),
    (["calibrate", "--targets", "{tmp}/empty.csv"], r"empty\.csv: the file is empty"),
    (["calibrate", "--no-fit"], r"'--no-fit' needs '--data-allowed': there would be nothing"),
    (
        ["calibrate", "--data-allowed", "nope", "attention"],
        r"'--data-allowed' names \['nope'\]; the spaces are \[.*'attention'",
    ),
    (
        ["calibrate", "--no-fit", "--data-allowed", "--points", "1"],
        r"'--points' must be an int in \[2, 100000\]; got 1",
    ),
    (
        ["calibrate", "--no-fit", "--data-allowed", "--data-dir", "{tmp}/file.txt"],
        r"--data-dir",
    ),
    (
        ["calibrate", "--no-fit", "--data-allowed", "--workers", "0"],
        r"'--workers' must be an int in \[1, 1024\]; got 0",
    ),
    (
        ["calibrate", "--no-fit", "--data-allowed", "--out", "{tmp}/x.toml"],
        r"'--no-fit' takes no '--out' or '--targets': they are the fit's",
    ),
    # reproduce
    (
        ["reproduce", "--project", "{tmp}/missing"],
        r"'project' must be an existing folder; got '.*missing'",
    ),
    (["reproduce", "--project", "{tmp}"], r"no study notebooks in '.*notebooks' \(project folder"),
    (["reproduce", "99_nope"], r"'notebooks' must be among \[.*\]; got unknown \['99_nope"),
]

TOML_OK = """[run]
study = "toy_poisson"
seed = 1
n_replications = 2
[grid]
rate = [1.0, 2.0]
"""


def files(tmp):
    """The input files the cases refer to."""
    (tmp / "file.txt").write_text("not a directory\n")
    (tmp / "bad.toml").write_text("[run\nstudy = 1\n")
    (tmp / "unknown_study.toml").write_text(TOML_OK.replace("toy_poisson", "nope"))
    (tmp / "bad_value.toml").write_text(
        '[run]\nstudy = "strategy_comparison"\nseed = 1\nn_replications = 1\n'
        "[grid]\ncontact_pressure = [1.0, 99]\n"
    )
    (tmp / "ok.toml").write_text(TOML_OK)
    (tmp / "wrong_type.toml").write_text(TOML_OK.replace("seed = 1", 'seed = "x"'))
    rates = ", ".join(str(1 + i) for i in range(1001))
    (tmp / "huge.toml").write_text(
        TOML_OK.replace("n_replications = 2", "n_replications = 1000").replace(
            "rate = [1.0, 2.0]", f"rate = [{rates}]"
        )
    )
    (tmp / "semicolon.csv").write_text("a;b\n1;2\n")
    (tmp / "empty.csv").write_text("")
    (tmp / "binary.csv").write_bytes(b"\xff\xfe\x00bad")


@pytest.mark.parametrize(("argv", "pattern"), CASES, ids=[" ".join(c[0]) or "-" for c in CASES])
def test_bad_input_exits_2_with_one_line(argv, pattern, tmp_path, capsys):
    files(tmp_path)
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    out, err = capsys.readouterr()
    assert code == 2, (code, out, err)
    assert out == ""
    lines = err.strip("\n").splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert re.search(pattern, lines[0]), lines[0]


def test_the_bad_input_table_covers_every_command():
    commands = {argv[0] for argv, _ in CASES}
    assert {"simulate", "sweep", "bench", "claims", "reproduce", "calibrate"} <= commands
    assert len(CASES) >= 45
