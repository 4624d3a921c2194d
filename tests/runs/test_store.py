"""Tests for mcstudy.runs.store: run.json, the code fingerprint, output directories, file modes."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pandas as pd
import pytest

from mcstudy import __version__
from mcstudy.model import engine
from mcstudy.runs import RunConfigError, model_fingerprint, sweep

GRID = {"rate": [0.5, 3.0], "n": [5, 50]}


@pytest.fixture(autouse=True)
def _no_tqdm(monkeypatch):
    monkeypatch.setenv("TQDM_DISABLE", "1")


@pytest.fixture
def fresh_fingerprint():
    """Recompute the (cached) fingerprint in this test and after it."""
    model_fingerprint.cache_clear()
    yield
    model_fingerprint.cache_clear()


def _run(out_dir, study="toy_poisson", **kwargs):
    return sweep(study, GRID, n_replications=3, rng=123, out_dir=out_dir, progress=False,
                 **kwargs)


def _manifest(out_dir: Path) -> dict:
    return json.loads((out_dir / "run.json").read_text())


# --- the code fingerprint ------------------------------------------------------------------------


def test_run_json_records_the_code_fingerprint(tmp_path):
    _run(tmp_path)
    code = _manifest(tmp_path)["code"]
    assert code == model_fingerprint()
    assert code["mcstudy_version"] == __version__
    assert code["block_size"] == engine.BLOCK_SIZE
    assert re.fullmatch(r"[0-9a-f]{64}", code["model_source_sha256"])
    assert _manifest(tmp_path)["format"] == 2


def test_fingerprint_is_computed_once_per_process():
    assert model_fingerprint() is model_fingerprint()


@pytest.mark.parametrize("source", ["_kernel.py", "engine.py"])
def test_resume_refused_when_simulator_source_changed(tmp_path, monkeypatch, fresh_fingerprint,
                                                      source):
    _run(tmp_path)
    read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read(self) + (
        b"\n# edited\n" if self.name == source else b""))
    model_fingerprint.cache_clear()
    pattern = (r"run.json was written by different code \(model_source_sha256: '[0-9a-f]{12}"
               r"\.\.\.' -> '[0-9a-f]{12}\.\.\.'\); its 12 finished tasks must not be mixed with "
               r"results of this code\. To start afresh, use another output directory, or delete "
               rf"'{re.escape(str(tmp_path))}' and run again\.")
    with pytest.raises(RunConfigError, match=pattern):
        _run(tmp_path)


def test_resume_refused_when_block_size_or_version_changed(tmp_path, monkeypatch,
                                                           fresh_fingerprint):
    _run(tmp_path)
    monkeypatch.setattr(engine, "BLOCK_SIZE", 4096)
    model_fingerprint.cache_clear()
    with pytest.raises(RunConfigError, match=r"different code \(block_size: 8192 -> 4096\)"):
        _run(tmp_path)
    monkeypatch.setattr(engine, "BLOCK_SIZE", 8192)
    monkeypatch.setattr("mcstudy.__version__", "9.9.9")
    model_fingerprint.cache_clear()
    with pytest.raises(RunConfigError, match=r"\(mcstudy_version: '0\.1\.0' -> '9\.9\.9'\)"):
        _run(tmp_path)


def test_run_json_without_fingerprint_is_refused(tmp_path):
    _run(tmp_path)
    old = _manifest(tmp_path)
    del old["code"]
    old["format"] = 1
    (tmp_path / "run.json").write_text(json.dumps(old))
    pattern = (r"run.json was written by an older mcstudy \(run.json format 1\) that recorded no "
               r"fingerprint of the simulator code, so its 12 finished tasks may come from other "
               r"code\. To start afresh, use another output directory, or delete '.*' and run "
               r"again\.")
    with pytest.raises(RunConfigError, match=pattern):
        _run(tmp_path)


def test_same_code_resumes(tmp_path):
    first = _run(tmp_path)
    (tmp_path / "tasks" / "000002.parquet").unlink()
    pd.testing.assert_frame_equal(_run(tmp_path), first, check_exact=True)


# --- damaged run records -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"not json {", r"it is not JSON: Expecting value: line 1 column 1 \(char 0\)"),
        (b"", r"it is not JSON: Expecting value"),
        (b'{"study": "toy_poisson", ', r"it is not JSON: Expecting property name"),
        (b"[1, 2]", r"it holds a JSON list, not an object"),
        (b'"toy_poisson"', r"it holds a JSON str, not an object"),
        (b"\xff\xfe\x00{", r"it is not UTF-8 text"),
    ],
    ids=["text", "empty", "truncated", "list", "string", "binary"],
)
def test_damaged_run_json_names_the_file_and_how_to_start_afresh(tmp_path, content, problem):
    (tmp_path / "run.json").write_bytes(content)
    pattern = (rf"^{re.escape(str(tmp_path / 'run.json'))} is not a valid run record \({problem}"
               rf".*\), so the run in '{re.escape(str(tmp_path))}' cannot be resumed\. To start "
               r"afresh, use another output directory, or delete '.*' and run again\.$")
    with pytest.raises(RunConfigError, match=pattern):
        _run(tmp_path)


# --- file modes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_files_get_the_mode_the_umask_gives(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        _run(tmp_path)
    finally:
        os.umask(old)
    files = [tmp_path / "run.json", *(tmp_path / "tasks").iterdir()]
    assert len(files) == 13
    assert {oct(stat.S_IMODE(f.stat().st_mode)) for f in files} == {oct(mode)}
