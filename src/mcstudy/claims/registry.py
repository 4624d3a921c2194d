"""The claims registry's consistency with the notebooks: which notebook owns each claim.

Every claim of the registry (``data/claims.csv``) names, in its ``notebook`` column, the study
notebook that tests it. :data:`CLAIM_NOTEBOOKS` are the notebooks a claim may name: the study
notebooks of :data:`mcstudy.config.STUDY_NOTEBOOKS` but the scorecard, which tests no claim of
its own. :func:`check_claim_notebooks` raises on a claim that names another;
:func:`~mcstudy.io.catalogue.load_claims` calls it when it reads the registry.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mcstudy import config
from mcstudy.io.schema import check_vocabulary

__all__ = ["CLAIM_NOTEBOOKS", "check_claim_notebooks"]

#: Notebooks a claim may point at: every study notebook except the scorecard.
CLAIM_NOTEBOOKS = tuple(nb for nb in config.STUDY_NOTEBOOKS if not nb.startswith("99_"))


def check_claim_notebooks(df: pd.DataFrame, path: Path) -> None:
    """Raise unless every claim names a notebook of :data:`CLAIM_NOTEBOOKS`.

    Parameters
    ----------
    df : pandas.DataFrame
        The registry as :func:`~mcstudy.io.schema.read_csv` returns it (text cells, indexed by
        line number), with a ``notebook`` column.
    path : Path
        The registry's file, named in the error.

    Raises
    ------
    DataValidationError
        On the first claim whose ``notebook`` is not one of :data:`CLAIM_NOTEBOOKS`, naming the
        file, line, column, value and the allowed notebooks.
    """
    check_vocabulary(df, path, "notebook", CLAIM_NOTEBOOKS)
