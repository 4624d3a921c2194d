"""Where mcstudy finds its shipped data and the project folders."""

from pathlib import Path

import pytest

from mcstudy import config, load_channels, load_claims, load_parameters, load_targets

CHECKOUT = Path(__file__).resolve().parents[1]


def test_shipped_data_is_inside_the_package():
    package = Path(config.__file__).resolve().parent
    assert config.CLAIMS_CSV == package / "data" / "claims.csv"
    assert config.CHANNELS_CSV == package / "data" / "channels.csv"
    assert config.PARAMETERS_CSV == package / "data" / "parameters.csv"
    assert config.TARGETS_CSV == package / "data" / "targets.csv"
    assert len(load_claims()) > 0 and len(load_channels()) > 0 and len(load_parameters()) > 0
    assert len(load_targets()) > 0


def test_checkout_links_to_the_packaged_files():
    # readers, hooks and docs use data/*.csv of the repository
    for name in ("claims.csv", "channels.csv", "parameters.csv", "targets.csv"):
        link = CHECKOUT / "data" / name
        assert link.is_symlink()
        assert link.resolve() == (CHECKOUT / "src" / "mcstudy" / "data" / name).resolve()


def test_root_from_the_environment_relative_to_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(config.ROOT_ENV, "proj")
    assert config.find_project_root() == (tmp_path.resolve() / "proj", "MCSTUDY_ROOT")


@pytest.mark.parametrize("value", [None, "", "  "])
def test_root_without_the_variable_is_the_checkout_when_run_from_one(monkeypatch, tmp_path, value):
    monkeypatch.chdir(tmp_path)
    if value is None:
        monkeypatch.delenv(config.ROOT_ENV, raising=False)
    else:
        monkeypatch.setenv(config.ROOT_ENV, value)
    root, origin = config.find_project_root()
    if Path(config.__file__).resolve().parent == CHECKOUT / "src" / "mcstudy":
        assert (root, origin) == (CHECKOUT, "the source checkout")
    else:  # an installed wheel: the working directory
        assert (root, origin) == (tmp_path.resolve(), "the working directory")
