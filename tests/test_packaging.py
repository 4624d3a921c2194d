"""The wheel works where it is installed: a fresh virtualenv, a working directory elsewhere.

The fast test builds the wheel from this tree, installs it with ``--no-deps`` into a fresh
virtualenv that borrows the third-party packages of the running interpreter through a ``.pth``
file (added after the install, so pip never sees them), and runs the commands from a temporary
folder: ``claims``, ``simulate``, a Dask sweep on a local cluster whose workers import the
installed wheel, and ``reproduce`` with and without a project. The slow test installs the wheel
with its real dependencies from the package index (``pip install mcstudy-*.whl[cluster]``).
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from importlib.metadata import version
from pathlib import Path

import nbformat
import pytest

from mcstudy.experiments import EXAMPLE_SWEEP_CONFIG

CHECKOUT = Path(__file__).resolve().parents[1]
TIMEOUT = 600


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without anything that could point Python at the checkout."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON", "MCSTUDY_", "VIRTUAL_ENV", "CONDA_PREFIX"))
    }
    env.update(PYTHONNOUSERSITE="1", TQDM_DISABLE="1", **extra)
    return env


def run(cmd, cwd, check=True, **env):
    proc = subprocess.run(
        [str(c) for c in cmd],
        cwd=cwd,
        env=clean_env(**env),
        text=True,
        capture_output=True,
        timeout=TIMEOUT,
    )
    if check and proc.returncode != 0:
        pytest.fail(
            f"{cmd} exited {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
        )
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from a copy of this tree (pyproject, README, LICENSE, src/)."""
    src = tmp_path_factory.mktemp("tree")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(CHECKOUT / name, src / name)
    shutil.copytree(
        CHECKOUT / "src",
        src / "src",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"),
    )
    out = tmp_path_factory.mktemp("dist")
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", out, src]
    if int(version("setuptools").split(".")[0]) >= 77:  # else pip fetches it for the build
        cmd.insert(4, "--no-build-isolation")
    run(cmd, cwd=out)
    (whl,) = out.glob("mcstudy-*.whl")
    return whl


def make_venv(path: Path, *, with_pip: bool) -> Path:
    venv.EnvBuilder(with_pip=with_pip, symlinks=os.name != "nt", clear=True).create(path)
    scripts = "Scripts" if os.name == "nt" else "bin"
    return path / scripts


def site_packages(python: Path) -> Path:
    out = run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        cwd=python.parent,
    )
    return Path(out.stdout.strip())


def write_project(root: Path) -> None:
    """A project folder with one notebook that reports where mcstudy and its paths are."""
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "import mcstudy\nfrom mcstudy import config\n"
                "(config.FIGURES_DIR / 'where.txt')"
                ".write_text(mcstudy.__file__ + '\\n' + str(config.ROOT))"
            )
        ]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    (root / "notebooks").mkdir(parents=True)
    nbformat.write(nb, root / "notebooks" / "00_claims_registry.ipynb")


def exercise(bin_dir: Path, work: Path, *, notebooks: bool, **env: str) -> None:
    """Run the installed commands from ``work`` (outside the checkout) and check the results."""
    python, mcstudy = bin_dir / "python", bin_dir / "mcstudy"
    prefix = str(bin_dir.parent.resolve())
    out = run(
        [python, "-c", "import mcstudy, sys; print(mcstudy.__file__); print(sys.path)"], cwd=work
    ).stdout
    assert out.splitlines()[0].startswith(prefix), out
    # neither src/ nor the editable install is visible (the shared dependencies may live in a
    # virtualenv inside the checkout, so compare whole sys.path entries)
    paths = [Path(p) for p in ast.literal_eval(out.splitlines()[1])]
    assert CHECKOUT / "src" not in paths, out
    assert not any(p == CHECKOUT or CHECKOUT / "src" in p.parents for p in paths), out

    out = run([mcstudy, "claims"], cwd=work).stdout
    assert "claims in the registry shipped with mcstudy (" + prefix in out, out

    run([mcstudy, "simulate", "--customers", 2000, "--weeks", 4, "--out", "sim"], cwd=work)
    assert (work / "sim" / "summary.csv").is_file() and (work / "sim" / "costs.parquet").is_file()

    config = EXAMPLE_SWEEP_CONFIG.replace("n_customers = 5000", "n_customers = 300")
    config = config.replace("n_weeks = 26", "n_weeks = 4")
    config = config.replace("contact_pressure = [0.5, 1.0, 2.0]", "contact_pressure = [1.0]")
    (work / "sweep.toml").write_text(config, encoding="utf-8")
    run(
        [
            mcstudy,
            "sweep",
            "sweep.toml",
            "--backend",
            "dask",
            "--workers",
            2,
            "--out",
            "sw",
            "--no-progress",
        ],
        cwd=work,
    )
    assert (work / "sw" / "summary.csv").is_file()
    out = run(
        [
            python,
            "-c",
            "import distributed\n"
            "with distributed.LocalCluster(n_workers=1, processes=True, dashboard_address=None)"
            " as c, distributed.Client(c) as client:\n"
            "    print(client.submit(lambda: __import__('mcstudy').__file__).result())",
        ],
        cwd=work,
    ).stdout
    assert out.strip().startswith(prefix), out  # the workers import the installed wheel

    proc = run([mcstudy, "reproduce"], cwd=work, check=False)
    assert proc.returncode == 2, proc
    assert f"no study notebooks in '{work.resolve() / 'notebooks'}'" in proc.stderr, proc.stderr
    assert "from the working directory" in proc.stderr and "--project DIR" in proc.stderr
    assert not (work / "figures").exists() and not (Path(prefix) / "lib" / "figures").exists()

    if notebooks:
        project = work / "project"
        write_project(project)
        proc = run([mcstudy, "reproduce", "--project", "project"], cwd=work, **env)
        assert "1 of 1 notebooks executed" in proc.stdout, proc.stdout
        assert "without encryption" not in proc.stderr, proc.stderr
        module, root = (project / "figures" / "where.txt").read_text().splitlines()
        assert module.startswith(prefix) and root == str(project.resolve())
        assert (project / "reports" / "index.html").is_file()


def test_wheel_installs_and_runs_outside_the_checkout(wheel, tmp_path):
    bin_dir = make_venv(tmp_path / "venv", with_pip=False)
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            bin_dir / "python",
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            wheel,
        ],
        cwd=tmp_path,
    )
    installed = site_packages(bin_dir / "python")
    assert (installed / "mcstudy" / "data" / "claims.csv").is_file()
    assert (installed / "mcstudy" / "data" / "channels.csv").is_file()
    assert (installed / "mcstudy" / "data" / "parameters.csv").is_file()
    assert (installed / "mcstudy" / "data" / "targets.csv").is_file()
    # the report site's Sphinx configuration, stylesheet and tables
    assert (installed / "mcstudy" / "report" / "_site" / "conf.py").is_file()
    assert (installed / "mcstudy" / "report" / "_site" / "_static" / "mcstudy.css").is_file()
    assert (installed / "mcstudy" / "data" / "figure_captions.csv").is_file()
    # third-party packages of this interpreter, not mcstudy: .pth files in that folder (the
    # editable install) are not processed for a path added this way
    paths = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (installed / "_mcstudy_test_dependencies.pth").write_text("\n".join(paths) + "\n")
    work = tmp_path / "work"
    work.mkdir()
    # nbconvert's templates are data files of that environment, outside site-packages
    shared = Path(sysconfig.get_paths()["data"]) / "share" / "jupyter"
    exercise(bin_dir, work, notebooks=True, JUPYTER_PATH=str(shared))


@pytest.mark.slow
def test_wheel_installs_with_its_dependencies_from_the_index(wheel, tmp_path):
    # what `pip install mcstudy[cluster]` does: the newest compatible dependencies
    bin_dir = make_venv(tmp_path / "venv", with_pip=True)
    run([bin_dir / "python", "-m", "pip", "install", "--quiet", f"{wheel}[cluster]"], cwd=tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    exercise(bin_dir, work, notebooks=False)  # no Jupyter without the notebooks extra
    proc = run([bin_dir / "mcstudy", "reproduce", "--project", CHECKOUT], cwd=work, check=False)
    assert proc.returncode == 2 and "pip install 'mcstudy[notebooks]'" in proc.stderr, proc
