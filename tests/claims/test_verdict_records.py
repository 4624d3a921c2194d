"""The repository's verdicts against its registry and notebooks (``results/verdicts.csv``).

These hold whatever set of study notebooks exists: a notebook that is in ``notebooks/`` and
has been executed must have recorded a verdict on every claim the registry assigns to it, and
every verdict must come from the claim's registered notebook, which must exist.
"""

import json

import pytest

from mcstudy import config
from mcstudy.claims.registry import CLAIM_NOTEBOOKS
from mcstudy.claims.verdicts import load_verdicts
from mcstudy.io import load_claims


def executed(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return any(c["cell_type"] == "code" and c.get("outputs") for c in cells)


CLAIMS = load_claims()
PRESENT = [nb for nb in CLAIM_NOTEBOOKS if (config.NOTEBOOKS_DIR / nb).is_file()]


@pytest.fixture(scope="module")
def verdicts():
    if not config.VERDICTS_CSV.is_file():
        pytest.skip(f"no verdicts recorded yet: {config.VERDICTS_CSV} does not exist")
    return load_verdicts()


def test_every_verdict_row_names_an_existing_notebook(verdicts):
    registered = dict(zip(CLAIMS["claim_id"], CLAIMS["notebook"].astype(str), strict=True))
    wrong = {
        row.claim_id: row.notebook
        for row in verdicts.itertuples(index=False)
        if row.notebook != registered.get(row.claim_id)
        or not (config.NOTEBOOKS_DIR / row.notebook).is_file()
    }
    assert not wrong, (
        "verdicts recorded by a notebook that is not the claim's registered notebook in "
        f"{config.NOTEBOOKS_DIR}: {wrong}"
    )


@pytest.mark.parametrize("notebook", PRESENT)
def test_every_testable_claim_has_a_verdict_once_its_notebook_has_run(notebook, verdicts):
    if not executed(config.NOTEBOOKS_DIR / notebook):
        pytest.skip(f"{notebook} has not been executed (no outputs)")
    owned = CLAIMS.loc[CLAIMS["notebook"] == notebook, ["claim_id", "kind"]]
    testable = set(owned.loc[owned["kind"] != "not-testable", "claim_id"])
    missing = sorted(testable - set(verdicts["claim_id"]))
    assert not missing, f"{notebook} has run but recorded no verdict on {missing}"


def test_not_testable_claims_have_a_not_testable_verdict(verdicts):
    kinds = dict(zip(CLAIMS["claim_id"], CLAIMS["kind"].astype(str), strict=True))
    mismatched = {
        row.claim_id: (kinds[row.claim_id], row.verdict)
        for row in verdicts.itertuples(index=False)
        if (kinds[row.claim_id] == "not-testable") != (row.verdict == "not testable")
    }
    assert not mismatched
