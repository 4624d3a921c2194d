"""The recorded verdicts of a notebook as wrapped lines of text: :func:`verdict_lines`."""

from __future__ import annotations

import textwrap

import pandas as pd

from mcstudy._validation import check_frame

__all__ = ["verdict_lines"]


def verdict_lines(
    recorded: pd.DataFrame, width: int = 100, no_measure: str = "not testable."
) -> str:
    """Each verdict's claim, verdict and measure, then its condition, indented.

    Parameters
    ----------
    recorded : pandas.DataFrame
        Verdict rows (:func:`mcstudy.claims.judge` or
        :func:`~mcstudy.claims.verdicts.record_untestable`): ``claim_id``, ``verdict``,
        ``measure`` and ``condition``.
    width : int, default=100
        Line width.
    no_measure : str, default="not testable."
        What follows the verdict when it has no measure (a claim not testable).

    Returns
    -------
    str
        One paragraph per verdict.
    """
    check_frame(recorded, ["claim_id", "verdict", "measure", "condition"], name="recorded")
    blocks = []
    for v in recorded.itertuples(index=False):
        measured = isinstance(v.measure, str) and v.measure
        head = f"{v.measure}." if measured else no_measure
        condition = v.condition if isinstance(v.condition, str) else ""
        blocks.append(
            textwrap.fill(f"{v.claim_id} ({v.verdict}) - {head}", width)
            + "\n"
            + textwrap.fill(condition, width, initial_indent="    ", subsequent_indent="    ")
            + " \n"
        )
    return "\n".join(blocks)
