"""Execute the study notebooks in order and render them as HTML reports.

Used by ``mcstudy reproduce`` (and so by ``make reproduce``): each notebook in
:data:`mcstudy.config.STUDY_NOTEBOOKS` that exists is executed in place with nbclient (its
outputs, figures and results regenerated), then rendered to ``reports/<name>.html``, and
``reports/index.html`` links them all.
"""

from __future__ import annotations

import html
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from mcstudy import config
from mcstudy.io.hillstrom import locate_hillstrom

__all__ = ["NotebookRun", "reproduce", "notebooks_to_run"]

#: Notebooks that need a data file the user downloads, and how to tell whether it is there.
_NEEDS_HILLSTROM = {"07_real_data_hillstrom.ipynb"}


@dataclass(frozen=True)
class NotebookRun:
    """What happened to one notebook: ``status`` is ``executed`` or ``skipped``."""

    name: str
    status: str
    seconds: float
    reason: str = ""
    html: Path | None = None


def hillstrom_available() -> tuple[bool, str]:
    """Whether the Hillstrom file can be found, and where it was looked for.

    Uses :func:`mcstudy.io.hillstrom.locate_hillstrom`, the rule :func:`load_hillstrom`
    follows, so a notebook is skipped exactly when the loader would not find the file.

    Returns
    -------
    found : bool
    where : str
        Where the file was looked for, or that ``MCSTUDY_HILLSTROM`` is set but empty (the
        real data turned off).
    """
    where = locate_hillstrom()
    return where.found, where.describe()


def notebooks_to_run(names: Iterable[str] | None = None) -> list[Path]:
    """Study notebooks that exist, in order; ``names`` restricts them (file names or stems)."""
    paths = [config.NOTEBOOKS_DIR / n for n in config.STUDY_NOTEBOOKS
             if (config.NOTEBOOKS_DIR / n).is_file()]
    if names:
        wanted = {n if n.endswith(".ipynb") else f"{n}.ipynb" for n in names}
        unknown = sorted(wanted - {p.name for p in paths})
        if unknown:
            raise ValueError(
                f"'notebooks' must be among {[p.name for p in paths]}; got unknown {unknown}."
            )
        paths = [p for p in paths if p.name in wanted]
    return paths


def _execute(path: Path, timeout: int) -> None:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    nbformat.write(nb, path)


def _render(path: Path, out_dir: Path) -> Path:
    import nbformat
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_notebook_node(nbformat.read(path, as_version=4))
    out = out_dir / f"{path.stem}.html"
    out.write_text(body, encoding="utf-8")
    return out


def _write_index(runs: list[NotebookRun], out_dir: Path) -> Path:
    items = []
    for run in runs:
        if run.html is not None:
            items.append(f'<li><a href="{run.html.name}">{html.escape(run.name)}</a></li>')
        else:
            items.append(f"<li>{html.escape(run.name)} — skipped: {html.escape(run.reason)}</li>")
    page = ("<!doctype html><meta charset='utf-8'><title>mcstudy reports</title>"
            "<h1>mcstudy: study notebooks</h1><ol>" + "".join(items) + "</ol>")
    index = out_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def reproduce(names: Iterable[str] | None = None, *, html_reports: bool = True,
              timeout: int = 1800,
              on_event: Callable[[str, int, int, NotebookRun | None], None] | None = None,
              ) -> list[NotebookRun]:
    """Execute the study notebooks in order and render the HTML reports.

    Parameters
    ----------
    names : iterable of str, default=None
        Notebooks to run (all that exist when None).
    html_reports : bool, default=True
        Render ``reports/*.html`` and ``reports/index.html``.
    timeout : int, default=1800
        Seconds allowed per cell.
    on_event : callable, default=None
        Called as ``on_event(name, i, n, run)`` before (``run=None``) and after each notebook,
        for progress display.

    Returns
    -------
    list of NotebookRun
    """
    os.environ.setdefault("TQDM_DISABLE", "1")
    paths = notebooks_to_run(names)
    config.FIGURES_DIR.mkdir(parents=True, exist_ok=True)
    config.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    if html_reports:
        config.REPORTS_DIR.mkdir(parents=True, exist_ok=True)
    runs = []
    for i, path in enumerate(paths, 1):
        if on_event:
            on_event(path.name, i, len(paths), None)
        start = time.perf_counter()
        found, where = hillstrom_available()
        if path.name in _NEEDS_HILLSTROM and not found:
            run = NotebookRun(path.name, "skipped", 0.0,
                              f"Hillstrom data not found: {where} (set {config.HILLSTROM_ENV})")
        else:
            _execute(path, timeout)
            out = _render(path, config.REPORTS_DIR) if html_reports else None
            run = NotebookRun(path.name, "executed", time.perf_counter() - start, html=out)
        runs.append(run)
        if on_event:
            on_event(path.name, i, len(paths), run)
    if html_reports:
        _write_index(runs, config.REPORTS_DIR)
    return runs
