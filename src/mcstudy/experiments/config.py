"""TOML sweep configurations: read, validate against the study registry, and an example."""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from mcstudy._validation import check_int
from mcstudy.experiments.registry import (
    STUDIES,
)

__all__ = [
    "ConfigError",
    "EXAMPLE_SWEEP_CONFIG",
    "SweepConfig",
    "load_sweep_config",
]


class ConfigError(ValueError):
    """A sweep configuration file is invalid; the message names the file, key and value."""


#: Example configuration printed by ``mcstudy sweep --example`` (12 tasks, about a second).
EXAMPLE_SWEEP_CONFIG = """\
# mcstudy sweep configuration: run with
#   mcstudy sweep sweep.toml --backend processes --workers 2 --out runs/sweeps/example
# (runs/ is git-ignored scratch space; rerun the same command to resume an interrupted run)
# Every combination of the [grid] values is run n_replications times; [fixed] values apply
# to every run. Parameters you leave out take the study's defaults.

[run]
study = "strategy_comparison"  # a registered study (mcstudy.experiments.STUDIES)
seed = 20240601                # root seed: same seed, same table on every backend
n_replications = 2

[grid]
strategy = ["cross_channel", "omnichannel"]  # compared with the baseline below
contact_pressure = [0.5, 1.0, 2.0]           # contacts per customer per week, in [0, 50]

[fixed]
baseline = "siloed"
compare_at = "contacts"   # equal contacts sent per customer ("budget": equal contact cost)
n_customers = 5000
n_weeks = 78              # omnichannel's 26-week deployment lag, then a year
"""


_RUN_KEYS = ("study", "seed", "n_replications")

_TOML_TYPES = (
    (bool, "boolean"),
    (int, "integer"),
    (float, "float"),
    (str, "string"),
    (list, "array"),
    (dict, "table"),
)


def _toml_type(value: object) -> str:
    """Name the TOML type of a parsed value, for error messages ("an array", "a date")."""
    for kind, name in _TOML_TYPES:
        if isinstance(value, kind):
            return f"a TOML {name}"
    return "a TOML date/time"


def _read_toml(path: Path) -> dict:
    """Parse ``path`` as TOML; every failure but a missing file is one ConfigError line."""
    if path.is_dir():
        raise ConfigError(f"{path}: is a directory, not a TOML sweep configuration file.")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise FileNotFoundError(
            f"{path}: no such file; give the path of a TOML sweep configuration (see "
            "'mcstudy sweep --example')."
        ) from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror or exc}.") from None
    if b"\0" in data:
        raise ConfigError(
            f"{path}: is a binary file (it contains NUL bytes), not a TOML sweep "
            "configuration; see 'mcstudy sweep --example'."
        )
    try:
        text = data.decode("utf-8-sig")  # a byte order mark, as some editors write, is fine
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "TOML files must be UTF-8: save it as UTF-8."
        ) from None
    if not text.strip():
        raise ConfigError(
            f"{path}: is empty; a sweep configuration needs a [run] table with keys "
            f"{list(_RUN_KEYS)}; see 'mcstudy sweep --example'."
        )
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


@dataclass(frozen=True)
class SweepConfig:
    """A validated sweep configuration, as read by :func:`load_sweep_config`.

    Attributes
    ----------
    path : Path
        The file it was read from.
    study : str
        Name of a registered study.
    seed : int
        Root seed.
    n_replications : int
        Replications per grid point.
    grid : dict of str to list
        Swept parameters and their values.
    fixed : dict
        Parameters held fixed at every point.
    """

    path: Path
    study: str
    seed: int
    n_replications: int
    grid: dict[str, list]
    fixed: dict[str, object]

    @property
    def n_tasks(self) -> int:
        """Number of tasks: grid points × replications."""
        return math.prod(len(v) for v in self.grid.values()) * self.n_replications


def load_sweep_config(path: str | os.PathLike) -> SweepConfig:
    """Read and validate a TOML sweep configuration.

    The file has a ``[run]`` table with ``study``, ``seed`` and ``n_replications``, a
    ``[grid]`` table mapping parameters to lists of values and an optional ``[fixed]`` table
    of single values; see :data:`EXAMPLE_SWEEP_CONFIG`.

    Parameters
    ----------
    path : path
        The configuration file.

    Returns
    -------
    SweepConfig

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ConfigError
        If ``path`` is a directory, unreadable, binary, not UTF-8, empty or not valid TOML,
        or breaks the schema; the message is one line that names the file, the table and
        key, the value and what is allowed (e.g. the study's parameters, or the allowed
        strategies).
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"'path' must be a path (str or os.PathLike); got {path!r}.")
    path = Path(path)
    doc = _read_toml(path)

    def fail(where: str, message: str) -> ConfigError:
        return ConfigError(f"{path}: [{where}] {message}")

    unknown = sorted(set(doc) - {"run", "grid", "fixed"})
    if unknown:
        raise ConfigError(f"{path}: unknown tables {unknown}; allowed: ['fixed', 'grid', 'run'].")
    for table in ("run", "grid", "fixed"):
        if not isinstance(doc.get(table, {}), dict):
            raise ConfigError(f"{path}: {table!r} must be a table [{table}].")
    run = doc.get("run")
    if run is None:
        raise ConfigError(f"{path}: missing table [run] with keys {list(_RUN_KEYS)}.")
    extra = sorted(set(run) - set(_RUN_KEYS))
    if extra:
        raise fail("run", f"unknown keys {extra}; allowed: {sorted(_RUN_KEYS)}.")
    missing = [k for k in _RUN_KEYS if k not in run]
    if missing:
        raise fail("run", f"missing keys {missing}.")
    study = run["study"]
    if not isinstance(study, str):
        raise fail(
            "run",
            f"'study' must be a string naming a registered study, one of {sorted(STUDIES)}; "
            f"got {study!r} ({_toml_type(study)}).",
        )
    if study not in STUDIES:
        raise fail("run", f"study: unknown study {study!r}; registered studies: {sorted(STUDIES)}.")
    spec = STUDIES[study]
    for key, low in (("seed", 0), ("n_replications", 1)):
        value = run[key]
        if isinstance(value, bool) or not isinstance(value, int):
            kind = _toml_type(value)
            raise fail("run", f"{key!r} must be an int in [{low}, inf); got {value!r} ({kind}).")
    try:
        seed = check_int(run["seed"], "seed", 0)
        n_replications = check_int(run["n_replications"], "n_replications", 1)
    except (TypeError, ValueError) as exc:
        raise fail("run", str(exc)) from None

    grid: dict[str, list] = {}
    for name, values in doc.get("grid", {}).items():
        if not isinstance(values, list) or not values:
            raise fail("grid", f"{name!r} must be a non-empty list of values; got {values!r}.")
        try:
            grid[name] = [spec.validate_value(name, v) for v in values]
        except (TypeError, ValueError) as exc:
            raise fail("grid", str(exc)) from None
    fixed: dict[str, object] = {}
    for name, value in doc.get("fixed", {}).items():
        if name in grid:
            raise fail("fixed", f"{name!r} is also in [grid]; give it in one table only.")
        try:
            fixed[name] = spec.validate_value(name, value)
        except (TypeError, ValueError) as exc:
            raise fail("fixed", str(exc)) from None
    try:
        spec.validate({**{k: v[0] for k, v in grid.items()}, **fixed})
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: {exc} Give them in [grid] or [fixed].") from None
    return SweepConfig(
        path=path, study=study, seed=seed, n_replications=n_replications, grid=grid, fixed=fixed
    )
