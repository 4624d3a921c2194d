"""The resumable task store: ``run.json`` and one parquet file per finished task.

Every file is written atomically (a temporary file in the same directory, then
``os.replace``), so a run killed at any moment leaves only whole task files behind.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

__all__ = [
    "RunConfigError",
]


class RunConfigError(ValueError):
    """An output directory holds tasks of a run with a different configuration."""


_MANIFEST_FORMAT = 1


def _jsonable(value):
    """Round-trip ``value`` through JSON (``repr`` for other objects) for the manifest."""
    return json.loads(json.dumps(value, default=repr, sort_keys=False))


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True)


class _TaskStore:
    """``out_dir/run.json`` and one parquet file per finished task, written atomically."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.tasks_dir = out_dir / "tasks"
        self.manifest = out_dir / "run.json"

    def open(self, config: dict) -> None:
        self.tasks_dir.mkdir(parents=True, exist_ok=True)
        config = {"format": _MANIFEST_FORMAT, **config}
        if self.manifest.exists():
            old = json.loads(self.manifest.read_text(encoding="utf-8"))
            diff = [k for k in config if _canonical(old.get(k)) != _canonical(config[k])]
            if diff:
                details = "; ".join(f"{k}: {old.get(k)!r} -> {config[k]!r}" for k in diff)
                raise RunConfigError(
                    f"{self.manifest} belongs to a run with a different configuration "
                    f"({details}). Use another output directory or delete this one."
                )
        else:
            from mcstudy import __version__

            text = json.dumps({**config, "mcstudy_version": __version__}, indent=2)
            _write_atomic(self.manifest, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))
        for stale in self.tasks_dir.glob(".*.tmp"):  # left by a killed run
            stale.unlink(missing_ok=True)

    def path(self, task_id: int) -> Path:
        return self.tasks_dir / f"{task_id:06d}.parquet"

    def has(self, task_id: int) -> bool:
        return self.path(task_id).exists()

    def read(self, task_id: int) -> pd.DataFrame:
        return pd.read_parquet(self.path(task_id))

    def write(self, task_id: int, frame: pd.DataFrame) -> None:
        _write_atomic(self.path(task_id), lambda tmp: frame.to_parquet(tmp, index=False))


def _write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    """Write ``path`` through a temporary file in the same directory and ``os.replace``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
