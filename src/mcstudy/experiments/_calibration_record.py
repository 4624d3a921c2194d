"""The calibration record: a fit written as TOML (``data/calibration.toml``) and read back.

Private to :mod:`mcstudy.experiments.calibration`, which re-exports :func:`calibration_record`
and :func:`load_calibration`. The record holds the SHA-256 of the targets file and of the
calibration's code (the modules of :data:`_CODE_MODULES`): reading it against a changed
targets file fails, and a test compares the code's hash, so that the committed fit is re-run
when either changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mcstudy.experiments.calibration import CalibrationResult

__all__ = ["calibration_record", "load_calibration"]

#: The calibration's modules, whose code ``calibration_code_sha256`` hashes: the simulated
#: statistics, the fit and this record all shape the committed record.
_CODE_MODULES = ("calibration.py", "_calibration_statistics.py", "_calibration_record.py")


def _sha256(path) -> str:
    import hashlib
    from pathlib import Path

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _code_sha256() -> str:
    import hashlib
    from pathlib import Path

    here = Path(__file__).parent
    code = b"".join((here / name).read_bytes() for name in _CODE_MODULES)
    return hashlib.sha256(code).hexdigest()


def calibration_record(result: CalibrationResult, targets_path) -> str:
    """The fit as TOML text: what ``data/calibration.toml`` holds.

    Everything in it is reproducible: the seed, the simulation size, the SHA-256 of the targets
    file and of the calibration's code, the fitted values (6 significant digits) with their
    intervals, and the fit table's z-scores; the wall time is left out. Re-running
    :func:`~mcstudy.experiments.calibration.fit` with the same seed, size and targets gives the
    same text.
    """
    from mcstudy.config import VERSION

    lines = [
        "# Calibration of the model to data/targets.csv (mcstudy.experiments.calibration.fit).",
        "# Regenerate with: mcstudy calibrate --out data/calibration.toml",
        "[meta]",
        f'mcstudy_version = "{VERSION}"',
        f'targets_sha256 = "{_sha256(targets_path)}"',
        f'calibration_code_sha256 = "{_code_sha256()}"',
        f"seed = {result.seed}",
        f"n_customers = {result.n_customers}",
        f"rank = {result.rank}",
        f"cost = {result.cost:.6g}",
        "",
        "[parameters]",
    ]
    p = result.parameters
    for name in p.index:
        lines.append(f'"{name}" = {p.loc[name, "estimate"]:.6g}')
    lines += ["", "[intervals]"]
    for name in p.index:
        lo, hi = p.loc[name, "ci_low"], p.loc[name, "ci_high"]
        lines.append(f'"{name}" = [{lo:.6g}, {hi:.6g}]')
    lines += ["", "[z_scores]"]
    for _, row in result.fit_table.iterrows():
        lines.append(f'"{row["target_id"]}" = {row["z"]:.4g}')
    return "\n".join(lines) + "\n"


def load_calibration(path, *, targets_path=None) -> dict:
    """Read a calibration record and check it against the targets file it was fitted to.

    Raises
    ------
    ValueError
        If the record's ``targets_sha256`` is not the SHA-256 of ``targets_path`` (the
        targets changed since the fit: re-run ``mcstudy calibrate``).
    """
    import tomllib

    from mcstudy import config

    with open(path, "rb") as fh:
        record = tomllib.load(fh)
    targets_path = config.TARGETS_CSV if targets_path is None else targets_path
    expected = _sha256(targets_path)
    if record["meta"]["targets_sha256"] != expected:
        raise ValueError(
            f"{path} was fitted to another version of {targets_path} (targets_sha256 "
            f"{record['meta']['targets_sha256'][:12]}..., the file is {expected[:12]}...); "
            "re-run 'mcstudy calibrate --out data/calibration.toml'."
        )
    return record
