"""The resumable task store: ``run.json`` and one parquet file per finished task.

``run.json`` records the run configuration and a fingerprint of the code that computes the
tasks (:func:`model_fingerprint`); a run resumes into a directory only when both match, so
finished tasks are never mixed with results of another configuration or of other code.

Every file is written atomically (a temporary file in the same directory, then
``os.replace``), so a run killed at any moment leaves only whole task files behind. Files get
the usual permissions of new files (``0o666`` less the umask, typically ``-rw-r--r--``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from pathlib import Path

import pandas as pd

from mcstudy._files import write_atomic
from mcstudy._validation import check_output_dir

__all__ = [
    "RunConfigError",
    "model_fingerprint",
]


class RunConfigError(ValueError):
    """An output directory holds a run that this run must not resume or extend.

    Raised when its ``run.json`` records another configuration, another code fingerprint or
    an older format without fingerprint, or cannot be read; the message says what differs and
    how to start afresh.
    """


#: Version of the ``run.json`` layout; 2 added the code fingerprint under ``"code"``.
_MANIFEST_FORMAT = 2

_TASK_FILE = re.compile(r"^(\d{6,})\.parquet$")


def _jsonable(value):
    """Round-trip ``value`` through JSON (``repr`` for other objects) for the manifest."""
    return json.loads(json.dumps(value, default=repr, sort_keys=False))


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True)


def _afresh(out_dir: Path) -> str:
    return (
        f"To start afresh, use another output directory, or delete {str(out_dir)!r} and run again."
    )


@functools.cache
def model_fingerprint() -> dict[str, object]:
    """Return the fingerprint of the code that computes simulated results.

    It holds the mcstudy version, the SHA-256 of the source of the simulator package
    (:mod:`mcstudy.model`: the numba kernel ``_kernel.py``, the engine and every module
    they draw on), of the studies shipped for sweeps
    (:mod:`mcstudy.experiments.sweep_studies`) and of the notebooks' studies
    (:mod:`mcstudy.studies`), and
    :data:`mcstudy.model.engine.BLOCK_SIZE`, which sets how customers map to random streams.
    Computed once per process (a few small files are read).

    Returns
    -------
    dict
        ``{"mcstudy_version": str, "model_source_sha256": str, "block_size": int}``.
    """
    from mcstudy import config
    from mcstudy.experiments import sweep_studies
    from mcstudy.model import engine

    digest = hashlib.sha256()
    studies_dir = Path(engine.__file__).parents[1] / "studies"
    files = [
        *sorted(Path(engine.__file__).parent.glob("*.py")),
        Path(sweep_studies.__file__),
        *sorted(studies_dir.glob("*.py")),
    ]
    for path in files:
        digest.update(f"{path.parent.name}/{path.name}\n".encode())
        digest.update(path.read_bytes())
    return {
        "mcstudy_version": config.VERSION,
        "model_source_sha256": digest.hexdigest(),
        "block_size": int(engine.BLOCK_SIZE),
    }


def _check_out_dir(out_dir: object, name: str = "out_dir") -> Path:
    """Return ``out_dir`` as a Path if the run can write there; raise otherwise.

    Called before any task runs: :func:`mcstudy._validation.check_output_dir` (not a file,
    writable, and so is its ``tasks/`` folder if present), and ``run.json``/``tasks`` must not
    be of the wrong kind.
    """
    out = check_output_dir(out_dir, name, inside=("tasks",))
    tasks, manifest = out / "tasks", out / "run.json"
    if tasks.exists() and not tasks.is_dir():
        raise ValueError(
            f"{name!r} cannot hold a run: {str(tasks)!r} is a file, not the directory of "
            f"finished tasks. {_afresh(out)}"
        )
    if manifest.exists() and not manifest.is_file():
        raise ValueError(
            f"{name!r} cannot hold a run: {str(manifest)!r} is not a file. {_afresh(out)}"
        )
    return out


class _TaskStore:
    """``out_dir/run.json`` and one parquet file per finished task, written atomically."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.tasks_dir = out_dir / "tasks"
        self.manifest = out_dir / "run.json"

    def open(self, config: dict) -> None:
        """Create the directory or check that its run is this one; remove stale temp files.

        Raises
        ------
        RunConfigError
            If ``run.json`` cannot be read, has no code fingerprint (older format), or
            records another configuration or fingerprint.
        ValueError
            If the directory cannot be created.
        """
        config = {"format": _MANIFEST_FORMAT, **config, "code": model_fingerprint()}
        if self.manifest.exists():
            self._check(self._read_manifest(), config)
        try:
            self.tasks_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ValueError(
                f"output directory {str(self.out_dir)!r} cannot be created: "
                f"{exc.strerror or exc} ({exc.filename or self.tasks_dir})."
            ) from None
        if not self.manifest.exists():
            text = json.dumps(config, indent=2)
            write_atomic(self.manifest, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))
        for stale in self.tasks_dir.glob(".*.tmp"):  # left by a killed run
            stale.unlink(missing_ok=True)

    def _read_manifest(self) -> dict:
        try:
            old = json.loads(self.manifest.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            problem = "it is not UTF-8 text"
        except json.JSONDecodeError as exc:
            problem = f"it is not JSON: {exc}"
        except OSError as exc:
            problem = f"it cannot be read: {exc.strerror or exc}"
        else:
            if isinstance(old, dict):
                return old
            problem = f"it holds a JSON {type(old).__name__}, not an object"
        raise RunConfigError(
            f"{self.manifest} is not a valid run record ({problem}), so the run in "
            f"{str(self.out_dir)!r} cannot be resumed. {_afresh(self.out_dir)}"
        )

    def _check(self, old: dict, config: dict) -> None:
        if "code" not in old:
            raise RunConfigError(
                f"{self.manifest} was written by an older mcstudy (run.json format "
                f"{old.get('format')!r}) that recorded no fingerprint of the simulator code, "
                f"so its {self.n_finished()} finished tasks may come from other code. "
                f"{_afresh(self.out_dir)}"
            )
        diff = [
            k for k in config if k != "code" and _canonical(old.get(k)) != _canonical(config[k])
        ]
        if diff:
            details = "; ".join(f"{k}: {old.get(k)!r} -> {config[k]!r}" for k in diff)
            raise RunConfigError(
                f"{self.manifest} belongs to a run with a different configuration "
                f"({details}). {_afresh(self.out_dir)}"
            )
        old_code = old["code"] if isinstance(old["code"], dict) else {}
        code = config["code"]
        changed = [k for k in code if _canonical(old_code.get(k)) != _canonical(code[k])]
        if changed:
            details = "; ".join(
                f"{k}: {_short(old_code.get(k))} -> {_short(code[k])}" for k in changed
            )
            raise RunConfigError(
                f"{self.manifest} was written by different code ({details}); its "
                f"{self.n_finished()} finished tasks must not be mixed with results of this "
                f"code. {_afresh(self.out_dir)}"
            )

    def finished(self) -> list[int]:
        """Return the ids of the finished tasks (whole files in ``tasks/``), sorted."""
        if not self.tasks_dir.is_dir():
            return []
        with os.scandir(self.tasks_dir) as entries:
            ids = [int(m.group(1)) for e in entries if (m := _TASK_FILE.match(e.name))]
        return sorted(ids)

    def n_finished(self) -> int:
        """Return the number of finished task files."""
        return len(self.finished())

    def path(self, task_id: int) -> Path:
        return self.tasks_dir / f"{task_id:06d}.parquet"

    def has(self, task_id: int) -> bool:
        return self.path(task_id).exists()

    def read(self, task_id: int) -> pd.DataFrame:
        return pd.read_parquet(self.path(task_id))

    def write(self, task_id: int, frame: pd.DataFrame) -> None:
        write_atomic(self.path(task_id), lambda tmp: frame.to_parquet(tmp, index=False))


def _short(value: object) -> str:
    """Repr of a fingerprint entry, hashes cut to 12 hex digits."""
    if isinstance(value, str) and re.fullmatch(r"[0-9a-f]{64}", value):
        return repr(value[:12] + "...")
    return repr(value)
