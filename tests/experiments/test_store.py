"""mcstudy.experiments.store: run.json, the code fingerprint, output directories, file modes."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pandas as pd
import pytest

from mcstudy.config import VERSION
from mcstudy.experiments import RunConfigError, model_fingerprint, sweep
from mcstudy.model import engine

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
    return sweep(study, GRID, n_replications=3, rng=123, out_dir=out_dir, progress=False, **kwargs)


def _manifest(out_dir: Path) -> dict:
    return json.loads((out_dir / "run.json").read_text())


# --- the code fingerprint ------------------------------------------------------------------------


def test_run_json_records_the_code_fingerprint(tmp_path):
    _run(tmp_path)
    code = _manifest(tmp_path)["code"]
    assert code == model_fingerprint()
    assert code["mcstudy_version"] == VERSION
    assert code["block_size"] == engine.BLOCK_SIZE
    assert re.fullmatch(r"[0-9a-f]{64}", code["model_source_sha256"])
    assert _manifest(tmp_path)["format"] == 2


def test_fingerprint_is_computed_once_per_process():
    assert model_fingerprint() is model_fingerprint()


@pytest.mark.parametrize("source", ["_kernel.py", "engine.py", "sweep_studies.py", "profiles.py"])
def test_resume_refused_when_simulator_source_changed(
    tmp_path, monkeypatch, fresh_fingerprint, source
):
    _run(tmp_path)
    read = Path.read_bytes
    monkeypatch.setattr(
        Path,
        "read_bytes",
        lambda self: read(self) + (b"\n# edited\n" if self.name == source else b""),
    )
    model_fingerprint.cache_clear()
    pattern = (
        r"run.json was written by different code \(model_source_sha256: '[0-9a-f]{12}"
        r"\.\.\.' -> '[0-9a-f]{12}\.\.\.'\); its 12 finished tasks must not be mixed with "
        r"results of this code\. To start afresh, use another output directory, or delete "
        rf"'{re.escape(str(tmp_path))}' and run again\."
    )
    with pytest.raises(RunConfigError, match=pattern):
        _run(tmp_path)


def test_resume_refused_when_block_size_or_version_changed(
    tmp_path, monkeypatch, fresh_fingerprint
):
    _run(tmp_path)
    monkeypatch.setattr(engine, "BLOCK_SIZE", 4096)
    model_fingerprint.cache_clear()
    with pytest.raises(RunConfigError, match=r"different code \(block_size: 8192 -> 4096\)"):
        _run(tmp_path)
    monkeypatch.setattr(engine, "BLOCK_SIZE", 8192)
    monkeypatch.setattr("mcstudy.config.VERSION", "9.9.9")
    model_fingerprint.cache_clear()
    with pytest.raises(RunConfigError, match=r"\(mcstudy_version: '0\.1\.0' -> '9\.9\.9'\)"):
        _run(tmp_path)


def test_run_json_without_fingerprint_is_refused(tmp_path):
    _run(tmp_path)
    old = _manifest(tmp_path)
    del old["code"]
    old["format"] = 1
    (tmp_path / "run.json").write_text(json.dumps(old))
    pattern = (
        r"run.json was written by an older mcstudy \(run.json format 1\) that recorded no "
        r"fingerprint of the simulator code, so its 12 finished tasks may come from other "
        r"code\. To start afresh, use another output directory, or delete '.*' and run "
        r"again\."
    )
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
    pattern = (
        rf"^{re.escape(str(tmp_path / 'run.json'))} is not a valid run record \({problem}"
        rf".*\), so the run in '{re.escape(str(tmp_path))}' cannot be resumed\. To start "
        r"afresh, use another output directory, or delete '.*' and run again\.$"
    )
    with pytest.raises(RunConfigError, match=pattern):
        _run(tmp_path)


def test_damaged_task_file_is_named(tmp_path):
    _run(tmp_path)
    (tmp_path / "tasks" / "000003.parquet").write_bytes(b"PAR1 but not really")
    with pytest.raises(
        RunConfigError,
        match=r"000003\.parquet cannot be read \(.*\); delete "
        r"that file to compute the task again\.",
    ):
        _run(tmp_path)


# --- output directories, checked before any task runs --------------------------------------------


def _spy():
    calls = []

    def study(params, rng):
        calls.append(params)
        return {"x": 1.0}

    return study, calls


@pytest.mark.parametrize(
    ("make", "exc", "match"),
    [
        (lambda t: "", ValueError, r"^'out_dir' must name an output directory; got ''\.$"),
        (lambda t: "  ", ValueError, r"^'out_dir' must name an output directory; got '  '\.$"),
        (lambda t: 3, TypeError, r"^'out_dir' must be a path \(str or os\.PathLike\); got 3\.$"),
        (
            lambda t: _file(t / "f.txt"),
            ValueError,
            r"^'out_dir' must be a directory; '.*f\.txt' is an existing file\.$",
        ),
        (
            lambda t: _file(t / "f.txt") / "a" / "b",
            ValueError,
            r"^'out_dir' cannot be created: '.*f\.txt', on its path, is a file, not a directory; "
            r"got '.*f\.txt/a/b'\.$",
        ),
        (
            lambda t: _file(t / "o" / "tasks").parent,
            ValueError,
            r"^'out_dir' cannot hold a run: '.*tasks' is a file, not the directory of finished "
            r"tasks\. To start afresh",
        ),
        (
            lambda t: (t / "o" / "run.json").mkdir(parents=True) or t / "o",
            ValueError,
            r"^'out_dir' cannot hold a run: '.*run\.json' is not a file\.",
        ),
    ],
    ids=["empty", "blank", "int", "file", "inside-file", "tasks-file", "run.json-dir"],
)
def test_unusable_out_dir_is_refused_before_any_task(tmp_path, make, exc, match):
    study, calls = _spy()
    with pytest.raises(exc, match=match):
        sweep(study, {"a": [1, 2]}, n_replications=2, rng=0, out_dir=make(tmp_path), progress=False)
    assert calls == []


def _file(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("not a directory\n")
    return path


@pytest.mark.parametrize("inside", [None, "new", "tasks"])
def test_read_only_out_dir_is_refused_before_any_task(tmp_path, monkeypatch, inside):
    parent = tmp_path / "ro"
    (parent / "tasks").mkdir(parents=True)
    read_only = parent / "tasks" if inside == "tasks" else parent
    out = parent / inside if inside == "new" else parent
    read_only.chmod(0o555)
    if os.geteuid() == 0:  # root writes anyway: let the check see what any other user sees
        access = os.access
        monkeypatch.setattr(
            os,
            "access",
            lambda p, mode, **kw: (
                False if Path(p) == read_only and mode & os.W_OK else access(p, mode, **kw)
            ),
        )
    study, calls = _spy()
    try:
        with pytest.raises(
            ValueError,
            match=rf"^'out_dir' cannot be written: "
            rf"'{re.escape(str(read_only))}' is read-only",
        ):
            sweep(study, {"a": [1]}, n_replications=2, rng=0, out_dir=out, progress=False)
    finally:
        read_only.chmod(0o755)
    assert calls == []


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
