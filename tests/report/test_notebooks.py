"""Tests for the notebook runner (mcstudy.report.notebooks) and ``mcstudy reproduce``."""

import importlib.util

import nbformat
import pytest

from mcstudy import config
from mcstudy.cli import main
from mcstudy.report import notebooks as reports

from .conftest import SITE_TOOLS, need

#: Two customers in the schema of the Hillstrom file (not the published file: verify=False).
HILLSTROM_TEXT = (
    "recency,history_segment,history,mens,womens,zip_code,newbie,channel,segment,visit,"
    "conversion,spend\n"
    "10,2) $100 - $200,142.44,1,0,Surburban,0,Phone,Womens E-Mail,0,0,0\n"
    "6,3) $200 - $350,329.08,1,1,Rural,1,Web,No E-Mail,1,1,29.99\n"
)


def write_notebook(path, *sources):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


@pytest.fixture
def project(tmp_path):
    write_notebook(tmp_path / "notebooks" / "00_claims_registry.ipynb", "x = 6 * 7\nx")
    write_notebook(tmp_path / "notebooks" / "08_real_data_hillstrom.ipynb", "1 + 1")
    return tmp_path


def test_reproduce_executes_renders_and_skips_without_data(project, monkeypatch, capfd):
    missing = [m for m in SITE_TOOLS if importlib.util.find_spec(m) is None]
    need(not missing, f"the site tools {missing} are not installed: pip install 'mcstudy[site]'")
    monkeypatch.setenv(config.HILLSTROM_ENV, str(project / "missing.csv"))
    events = []
    runs = reports.reproduce(project=project, on_event=lambda *e: events.append(e))
    assert [r.status for r in runs] == ["executed", "skipped"]
    assert "missing.csv" in runs[1].reason
    executed = nbformat.read(project / "notebooks" / "00_claims_registry.ipynb", as_version=4)
    assert executed.cells[0].outputs[0]["data"]["text/plain"] == "42"
    index = (project / "reports" / "index.html").read_text()
    assert (
        'href="00_claims_registry.html"' in index and 'href="08_real_data_hillstrom.html"' in index
    )
    assert runs[0].html == project / "reports" / "00_claims_registry.html"
    assert runs[0].html.is_file() and runs[1].html is None  # the skipped one: as committed
    assert (project / "build" / "site" / "source" / "index.md").is_file()
    assert (project / "figures").is_dir() and (project / "results").is_dir()
    assert [e[3] is None for e in events] == [True, False, True, False]
    # the kernel talks over IPC sockets in a temporary folder: no TCP warning, no socket files
    assert "without encryption" not in capfd.readouterr().err
    assert sorted(p.name for p in (project / "notebooks").iterdir()) == [
        "00_claims_registry.ipynb",
        "08_real_data_hillstrom.ipynb",
    ]


def test_unknown_notebook_is_a_clear_error(project):
    with pytest.raises(ValueError, match=r"'notebooks' must be among .*unknown \['42_x'\]"):
        reports.reproduce(["42_x"], project=project)
    assert reports.notebooks_to_run(["08"], project=project) == reports.notebooks_to_run(
        ["08_real_data_hillstrom.ipynb"], project=project
    )


def test_no_notebooks_is_an_error_saying_where_it_looked(tmp_path):
    with pytest.raises(
        FileNotFoundError,
        match=rf"no study notebooks in '{tmp_path}/notebooks' \(project folder "
        rf"'{tmp_path}', from the 'project' argument\).*'mcstudy reproduce "
        r"--project DIR' or MCSTUDY_ROOT=DIR",
    ):
        reports.reproduce(project=tmp_path)
    assert not (tmp_path / "figures").exists()  # nothing written


def test_cli_without_notebooks_exits_2(tmp_path, monkeypatch, capsys):
    # as after `pip install mcstudy`, run in a folder without notebooks
    monkeypatch.setattr(config, "ROOT", tmp_path)
    monkeypatch.setattr(config, "ROOT_ORIGIN", "the working directory")
    for name in ("NOTEBOOKS_DIR", "FIGURES_DIR", "RESULTS_DIR", "REPORTS_DIR"):
        monkeypatch.setattr(config, name, tmp_path / name.split("_")[0].lower())
    assert main(["reproduce"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mcstudy reproduce: error: no study notebooks in ")
    assert "from the working directory" in err and "--project DIR" in err
    assert main(["reproduce", "--project", str(tmp_path / "nowhere")]) == 2
    assert "'project' must be an existing folder" in capsys.readouterr().err


def test_project_must_be_a_path():
    with pytest.raises(TypeError, match=r"'project' must be a path \(str or Path\); got 3"):
        reports.reproduce(project=3)


@pytest.fixture
def failing_project(tmp_path):
    nb = tmp_path / "notebooks"
    write_notebook(nb / "00_claims_registry.ipynb", "1")
    write_notebook(
        nb / "02_profiles_and_channel_choice.ipynb",
        "x = 1",
        "# the second cell\nraise ValueError('boom:\\n  second line')",
        "x",
    )
    write_notebook(nb / "03_multichannel_purchase_uplift.ipynb", "2")
    return tmp_path


def test_cli_failing_notebook_is_named_and_stops_the_run(failing_project, capsys):
    failing = failing_project / "notebooks" / "02_profiles_and_channel_choice.ipynb"
    before = failing.read_bytes()
    assert main(["reproduce", "--project", str(failing_project), "--no-html"]) == 1
    out, err = capsys.readouterr()
    assert (
        "[2/3] 02_profiles_and_channel_choice.ipynb FAILED: cell 2 ('# the second cell'): "
        "ValueError: boom: second line" in out
    )
    assert "[3/3] 03_multichannel_purchase_uplift.ipynb NOT RUN: an earlier notebook failed" in out
    assert "1 of 3 notebooks executed (1 failed, 1 not run)" in out
    assert (
        "mcstudy reproduce: error: 02_profiles_and_channel_choice.ipynb failed in cell 2 "
        "('# the second cell'): ValueError: boom: second line"
    ) in err
    assert "--keep-going" in err
    assert failing.read_bytes() == before  # a half-executed notebook does not replace it


def test_keep_going_runs_the_rest(failing_project):
    runs = reports.reproduce(
        ["02", "03"], project=failing_project, html_reports=False, keep_going=True
    )
    assert [r.status for r in runs] == ["failed", "executed"]


def test_notebooks_get_the_project_and_an_absolute_hillstrom_path(project, monkeypatch):
    # MCSTUDY_HILLSTROM relative to the caller's directory; the notebook runs in notebooks/
    (project / "h.csv").write_text(HILLSTROM_TEXT, encoding="utf-8")
    monkeypatch.chdir(project)
    monkeypatch.setenv(config.HILLSTROM_ENV, "h.csv")
    monkeypatch.delenv(config.ROOT_ENV, raising=False)
    write_notebook(
        project / "notebooks" / "08_real_data_hillstrom.ipynb",
        "from mcstudy import config, load_hillstrom\n"
        "n = len(load_hillstrom(verify=False))\n"
        "(config.FIGURES_DIR / 'probe.txt').write_text(f'{n} {config.ROOT_ORIGIN}')",
    )
    runs = reports.reproduce(["08"], project=project, html_reports=False)
    assert [r.status for r in runs] == ["executed"], runs
    assert (project / "figures" / "probe.txt").read_text() == "2 MCSTUDY_ROOT"


def test_hillstrom_default_file_is_the_projects(project, monkeypatch):
    monkeypatch.delenv(config.HILLSTROM_ENV, raising=False)
    assert not reports.hillstrom_available(project=project)[0]
    default = project / "data" / "external" / "hillstrom.csv"
    default.parent.mkdir(parents=True)
    default.write_text(HILLSTROM_TEXT, encoding="utf-8")
    assert reports.hillstrom_available(project=project) == (
        True,
        f"{str(default)!r} (from the default path)",
    )
