import nbformat
import pytest

from mcstudy import config, reports


@pytest.fixture
def project(tmp_path, monkeypatch):
    nbdir, repdir = tmp_path / "notebooks", tmp_path / "reports"
    nbdir.mkdir()
    for name, source in (("00_claims_registry.ipynb", "x = 6 * 7\nx"),
                         ("07_real_data_hillstrom.ipynb", "1 + 1")):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
        nbformat.write(nb, nbdir / name)
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", nbdir)
    monkeypatch.setattr(config, "REPORTS_DIR", repdir)
    monkeypatch.setattr(config, "FIGURES_DIR", tmp_path / "figures")
    monkeypatch.setattr(config, "RESULTS_DIR", tmp_path / "results")
    return tmp_path


def test_reproduce_executes_renders_and_skips_without_data(project, monkeypatch):
    monkeypatch.setenv(config.HILLSTROM_ENV, str(project / "missing.csv"))
    events = []
    runs = reproduce_all(events)
    assert [r.status for r in runs] == ["executed", "skipped"]
    assert "missing.csv" in runs[1].reason
    executed = nbformat.read(project / "notebooks" / "00_claims_registry.ipynb", as_version=4)
    assert executed.cells[0].outputs[0]["data"]["text/plain"] == "42"
    index = (project / "reports" / "index.html").read_text()
    assert "00_claims_registry.html" in index and "skipped" in index
    assert (project / "reports" / "00_claims_registry.html").is_file()
    assert [e[3] is None for e in events] == [True, False, True, False]


def reproduce_all(events):
    return reports.reproduce(on_event=lambda *e: events.append(e))


def test_unknown_notebook_is_a_clear_error(project):
    with pytest.raises(ValueError, match=r"'notebooks' must be among .*unknown \['42_x.ipynb'\]"):
        reports.reproduce(["42_x"])
