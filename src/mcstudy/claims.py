"""The claims registry and the verdicts the notebooks record about them."""

from __future__ import annotations

import pandas as pd

__all__ = ["summarise_claims"]


def summarise_claims(claims: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Count claims by document, topic and kind.

    Parameters
    ----------
    claims : pandas.DataFrame
        The registry, as returned by :func:`mcstudy.datasets.load_claims`.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``"by document and kind"`` (documents × kinds, with totals), ``"by topic and kind"``
        (topics × kinds, with totals) and ``"by notebook"`` (claims per notebook).
    """
    out = {}
    for title, rows in (("by document and kind", "source"), ("by topic and kind", "topic")):
        table = pd.crosstab(claims[rows], claims["kind"], margins=True, margins_name="total",
                            dropna=False)
        table.columns.name = None
        out[title] = table
    out["by notebook"] = (claims["notebook"].value_counts(sort=False).rename("claims")
                          .to_frame().rename_axis("notebook"))
    return out
