"""The report site: Sphinx, MyST-NB and sphinx-book-theme over the committed notebooks.

:func:`build_site` writes the site's sources into a build folder (the Sphinx configuration and
stylesheet shipped in ``mcstudy/report/_site/``, the front page of
:mod:`mcstudy.report.front`, and a prepared copy of each study notebook,
:func:`mcstudy.report.pages.prepare_notebook`; the committed notebooks are only read) and runs
Sphinx on them: the notebooks are rendered with the outputs they were committed with, never
executed; then :func:`mcstudy.report.assets.trim_theme_assets` takes off the theme's scripts
and style rules that no page uses. The site works offline (the theme ships its scripts, styles
and fonts; no MathJax, require.js or widget script), every page stays under
:data:`PAGE_LIMIT` bytes (:func:`page_sizes`) and every link resolves (:func:`check_links`).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlsplit

from mcstudy import config
from mcstudy._validation import check_output_dir
from mcstudy.report.assets import _pages, trim_theme_assets
from mcstudy.report.cards import claim_anchor

__all__ = [
    "INDEX_NAME",
    "PAGE_LIMIT",
    "SiteBuild",
    "build_site",
    "check_links",
    "page_sizes",
]

#: File name of the front page.
INDEX_NAME = "index.html"
#: Largest page allowed, in bytes: its HTML plus the images it shows.
PAGE_LIMIT = 1_000_000
#: Sphinx configuration and stylesheet of the site, inside the package.
_SITE_FILES = "_site"


@dataclass(frozen=True)
class SiteBuild:
    """What :func:`build_site` did: the site folder, its pages and the claims anchored."""

    site: Path
    source: Path
    pages: dict[str, Path]
    anchors: dict[str, str]
    seconds: float
    warnings: list[str] = field(default_factory=list)


def _git(root: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=20, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip()


def _metadata(root: Path) -> dict[str, str]:
    """Version, commit, build date, footer and the "cite as" text of the site."""
    commit = _git(root, "rev-parse", "--short=12", "HEAD") or "unknown (not a git checkout)"
    if _git(root, "status", "--porcelain", "--untracked-files=no"):
        commit += " (with uncommitted changes)"
    date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    version = config.VERSION
    year = datetime.now(UTC).year
    citation = (
        f"mcstudy contributors ({year}). mcstudy: putting popular claims about multichannel "
        f"customer contact to the test (version {version}, commit {commit.split()[0]}). "
        "Software and report, MIT licence. See CITATION.cff."
    )
    footer = (
        f'<p class="mc-footer">mcstudy {version} · commit <code>{commit}</code> · built {date}'
        ' · MIT licence · <a href="index.html#cite">how to cite</a></p>'
    )
    return {
        "version": version,
        "commit": commit,
        "date": date,
        "citation": citation,
        "footer": footer,
    }


def _check_site_tools() -> None:
    """Raise ImportError, saying what to install, unless Sphinx and its extensions import."""
    from importlib.util import find_spec

    missing = [
        m for m in ("sphinx", "myst_nb", "sphinx_book_theme", "nbformat") if not find_spec(m)
    ]
    if missing:
        raise ImportError(
            f"building the report site needs {missing}, which are not installed: "
            "pip install 'mcstudy[site]' (or run 'make report' in a checkout)."
        )


def _check_site_folder(site: Path, reports: Path) -> None:
    """Refuse a non-empty ``site`` that is neither a site built here nor ``reports/``."""
    if site.is_dir() and any(site.iterdir()):
        ours = (site / ".buildinfo").is_file() or site.resolve() == reports.resolve()
        if not ours:
            raise ValueError(
                f"'out_dir' {str(site)!r} is a folder with files that are not a site built by "
                "mcstudy report; choose an empty or new folder."
            )


def _empty_site_folder(site: Path) -> Path:
    """``site``, emptied for a new build (checked by :func:`_check_site_folder`)."""
    if site.exists():
        shutil.rmtree(site)
    site.mkdir(parents=True)
    return site


def _write_sources(source: Path, meta: dict[str, str]) -> None:
    """The Sphinx configuration and stylesheet of the package, and the build's metadata."""
    if source.exists():
        shutil.rmtree(source)
    packaged = resources.files("mcstudy.report") / _SITE_FILES
    with resources.as_file(packaged) as folder:
        shutil.copytree(folder, source, ignore=shutil.ignore_patterns("__pycache__"))
    (source / "mcstudy_site.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")


def _run_sphinx(source: Path, doctrees: Path, site: Path) -> list[str]:
    """Run Sphinx (html builder, in this process); return its warnings, raise on failure."""
    from myst_nb.sphinx_ext import OUTPUT_FOLDER
    from sphinx.cmd.build import build_main

    log = io.StringIO()
    warnings = doctrees.parent / "sphinx-warnings.txt"
    args = ["-b", "html", "-q", "-E", "-d", str(doctrees), "-w", str(warnings)]
    # MyST-NB writes the notebooks' outputs to its OUTPUT_FOLDER beside the output folder (for
    # reports/, the project root); the site holds its own copies, so a folder this build made
    # there is removed, one that was there before is left alone
    stray = site.parent / OUTPUT_FOLDER
    existed = stray.exists()
    try:
        with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
            status = build_main([*args, str(source), str(site)])
    finally:
        if not existed:
            shutil.rmtree(stray, ignore_errors=True)
    text = warnings.read_text(encoding="utf-8") if warnings.is_file() else ""
    lines = [line for line in text.splitlines() if line.strip()]
    if status != 0:
        raise RuntimeError(
            f"sphinx could not build the site from {str(source)!r} (exit status {status}): "
            + " | ".join(lines[-5:] or log.getvalue().strip().splitlines()[-5:])
        )
    return lines


def build_site(
    names: Iterable[str] | None = None,
    *,
    project: str | Path | None = None,
    out_dir: str | Path | None = None,
    build_dir: str | Path | None = None,
) -> SiteBuild:
    """Build the report site from the committed, executed notebooks, executing nothing.

    Parameters
    ----------
    names : iterable of str, default=None
        Study notebooks to include (all that exist when None); as in
        :func:`mcstudy.report.notebooks.notebooks_to_run`.
    project : str or Path, default=None
        Project folder (``notebooks/``, ``results/verdicts.csv``); :data:`mcstudy.config.ROOT`
        when None.
    out_dir : str or Path, default=None
        Where the site goes (emptied first); the project's ``reports/`` when None. A folder
        holding other files is refused.
    build_dir : str or Path, default=None
        Where the sources and Sphinx's cache go; the project's ``build/site/`` when None.

    Returns
    -------
    SiteBuild

    Raises
    ------
    FileNotFoundError, ValueError
        As :func:`mcstudy.report.notebooks.notebooks_to_run`; ValueError also for an
        ``out_dir`` with foreign files, or a figure without a caption
        (:func:`mcstudy.report.pages.check_captions`).
    ImportError
        If Sphinx, MyST-NB or sphinx-book-theme is missing (``pip install 'mcstudy[site]'``).
    RuntimeError
        If Sphinx fails.
    """
    import nbformat

    from mcstudy.report.front import front_page, site_table
    from mcstudy.report.notebooks import _project, notebooks_to_run
    from mcstudy.report.pages import load_captions, prepare_notebook

    start = time.perf_counter()
    proj = _project(project)
    site = (
        check_output_dir(proj.reports, "project reports folder")
        if out_dir is None
        else check_output_dir(out_dir, "out_dir")
    )
    build = check_output_dir(
        proj.root / "build" / "site" if build_dir is None else build_dir, "build_dir"
    )
    paths = notebooks_to_run(names, project=project)
    _check_site_folder(site, proj.reports)
    _check_site_tools()
    table = site_table(proj.results / "verdicts.csv")
    captions = load_captions()
    source = build / "source"
    meta = _metadata(proj.root)
    _write_sources(source, meta)
    originals = source / "_extra" / "_notebooks"
    originals.mkdir(parents=True)
    judged = table[table["verdict_notebook"].astype(str) != ""].assign(
        notebook=lambda t: t["verdict_notebook"].astype(str)
    )
    pages, anchors = {}, {}
    for path in paths:
        shutil.copy2(path, originals / path.name)
        nb = nbformat.read(path, as_version=4)
        prepared, anchored = prepare_notebook(
            nb, path.name, judged, captions, download=f"_notebooks/{path.name}"
        )
        nbformat.write(prepared, source / path.name)
        pages[path.name] = path.stem
        anchors.update({c: f"{path.stem}.html#{claim_anchor(c)}" for c in anchored})
    (source / "index.md").write_text(front_page(table, pages, anchors, meta=meta), encoding="utf-8")
    site = _empty_site_folder(site)
    doctrees = build / "doctrees"
    shutil.rmtree(doctrees, ignore_errors=True)
    warnings = _run_sphinx(source, doctrees, site)
    trim_theme_assets(site)
    return SiteBuild(
        site=site,
        source=source,
        pages={name: site / f"{stem}.html" for name, stem in pages.items()},
        anchors=anchors,
        seconds=time.perf_counter() - start,
        warnings=warnings,
    )


def page_sizes(site_dir: str | Path) -> dict[str, int]:
    """Bytes of each HTML page of ``site_dir`` with the local images it shows.

    Scripts, styles and fonts, shared by every page and cached by the browser, are not
    counted.
    """
    site = _site_dir(site_dir)
    sizes = {}
    for page in _pages(site):
        parsed = _parse(page)
        images = {
            (page.parent / unquote(urlsplit(ref).path)).resolve()
            for tag, ref in parsed.refs
            if tag == "img" and not urlsplit(ref).scheme and urlsplit(ref).path
        }
        sizes[str(page.relative_to(site))] = page.stat().st_size + sum(
            p.stat().st_size for p in images if p.is_file()
        )
    return sizes


def _site_dir(site_dir) -> Path:
    if not isinstance(site_dir, str | os.PathLike) or not str(site_dir).strip():
        raise TypeError(f"'site_dir' must be a path (str or os.PathLike); got {site_dir!r}.")
    site = Path(site_dir).resolve()
    if not site.is_dir():
        state = "is a file" if site.exists() else "does not exist"
        raise FileNotFoundError(
            f"'site_dir' must be the folder of the site; {str(site_dir)!r} {state}."
        )
    return site


# --------------------------------------------------------------------------- link checking


class _Links(HTMLParser):
    """Collect the ids of a page and its ``href``/``src`` values."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif name in ("href", "src"):
                self.refs.append((tag, value))


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def check_links(site_dir: str | Path) -> list[str]:
    """Every ``href`` and ``src`` of the HTML files of ``site_dir`` that does not resolve.

    A relative link must name a file inside ``site_dir`` and, with a fragment, an element of
    that page with that id (compared as written, then percent-decoded, as browsers do); an
    in-page link ``#x`` an id of the same page. ``data:`` URIs resolve. A ``src`` must not
    point at the network (the site works offline); an external ``href`` (``http:``,
    ``https:``, ``mailto:``) is not fetched.

    Parameters
    ----------
    site_dir : str or Path
        The folder of the site (``reports/``).

    Returns
    -------
    list of str
        One line per problem, ``page: tag attribute -> reason``; empty when every link
        resolves.
    """
    site = _site_dir(site_dir)
    pages = {p.resolve(): _parse(p) for p in _pages(site)}
    problems = []
    for page, parsed in pages.items():
        where = page.relative_to(site)
        for tag, ref in parsed.refs:
            parts = urlsplit(ref)
            if parts.scheme == "data":
                continue
            if parts.scheme or ref.startswith("//"):
                if tag != "a":
                    problems.append(f"{where}: <{tag}> {ref[:80]!r} loads from the network")
                continue
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if not target.is_relative_to(site):
                problems.append(f"{where}: <{tag}> {ref!r} points outside the site")
                continue
            if not target.is_file():
                problems.append(f"{where}: <{tag}> {ref!r}: no such file")
                continue
            if parts.fragment:
                ids = pages[target].ids if target in pages else set()
                if parts.fragment not in ids and unquote(parts.fragment) not in ids:
                    problems.append(f"{where}: <{tag}> {ref!r}: no element with that id")
    return problems
