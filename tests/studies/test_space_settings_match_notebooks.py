"""The data-allowed spaces run at the notebooks' own settings.

Each space of ``mcstudy.studies.data_allowed_spaces.SPACES`` repeats the run settings of its
notebook's robustness design (customers per arm, weeks, pressure), because the committed
samples (``data/data_allowed_<name>.csv``) are simulated outside the notebook. A change of a
notebook's parameters cell that its space does not follow would judge the notebook's claims
over other runs than its own design's, silently; these tests read the notebooks' cells.
"""

from __future__ import annotations

import ast
import json
import re

import pytest

from mcstudy import config
from mcstudy.studies.data_allowed_spaces import SPACES

#: Space -> {key of its ``fixed`` settings: the notebook constant that must equal it}.
SETTINGS = {
    "profiles": {"n_customers": "ROBUSTNESS_PER_ARM", "n_weeks": "N_WEEKS"},
    "multichannel": {"n_customers": "ROBUSTNESS_CUSTOMERS"},
    "attention": {"n_customers": "ROBUSTNESS_PER_ARM", "n_weeks": "N_WEEKS"},
    "integration": {"n_customers": "ROBUSTNESS_PER_ARM", "n_weeks": "N_WEEKS"},
    "coordination": {"n_weeks": "N_WEEKS"},
    "cost_to_serve": {
        "n_customers": "ROBUSTNESS_PER_ARM",
        "n_weeks": "N_WEEKS",
        "pressure": "PRESSURE",
    },
    "cost_to_serve_business": {
        "n_customers": "BUSINESS_ROBUSTNESS_PER_ARM",
        "n_weeks": "N_WEEKS",
        "pressure": "PRESSURE",
    },
    "cross_channel": {"n_customers": "ROBUSTNESS_PER_ARM", "n_weeks": "N_WEEKS"},
}


def _notebook(number: str) -> dict:
    paths = sorted(config.NOTEBOOKS_DIR.glob(f"{number}_*.ipynb"))
    if not paths:
        pytest.skip(f"notebook {number} is not in {config.NOTEBOOKS_DIR}")
    (path,) = paths
    return json.loads(path.read_text(encoding="utf-8"))


def _constants(notebook: dict) -> dict:
    """The literal constants assigned in the notebook's parameters cell (its first code cell)."""
    cell = next(c for c in notebook["cells"] if c["cell_type"] == "code")
    out = {}
    for node in ast.parse("".join(cell["source"])).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                try:
                    out[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    pass  # not a literal
    return out


@pytest.fixture(scope="module")
def spaces():
    return {name: build() for name, build in SPACES.items()}


def test_every_space_is_checked():
    assert set(SETTINGS) == set(SPACES)


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_the_space_runs_at_its_notebooks_settings(spaces, name):
    space = spaces[name]
    constants = _constants(_notebook(space.notebook))
    for key, constant in SETTINGS[name].items():
        assert constant in constants, f"notebook {space.notebook} no longer sets {constant}"
        assert space.fixed[key] == constants[constant], (
            f"space {name!r}: fixed[{key!r}] = {space.fixed[key]!r}, notebook "
            f"{space.notebook}'s {constant} = {constants[constant]!r}"
        )


def test_the_coordination_space_runs_at_notebook_05s_customers_per_point(spaces):
    # notebook 05 writes the coordination design's size in the cell that runs it
    sources = ["".join(c["source"]) for c in _notebook("05")["cells"] if c["cell_type"] == "code"]
    sizes = {
        int(m)
        for s in sources
        if "COORDINATION_PARAMETERS" in s
        for m in re.findall(r'fixed=\{"n_customers": (\d+), "n_weeks": N_WEEKS\}', s)
    }
    assert sizes == {spaces["coordination"].fixed["n_customers"]}
