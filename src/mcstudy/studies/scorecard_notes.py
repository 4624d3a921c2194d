"""What the scorecard of every verdict says, in words, tables and one figure.

The scorecard itself (one row per claim of the registry, with its verdict) is built by
:mod:`mcstudy.claims.scorecard`; this module words it for the scorecard notebook:

- :func:`describe_informative_share` and :func:`describe_judged`: how many claims rest on
  real data, and how many are judged, with which verdicts;
- :func:`plot_scorecard`: the verdicts by topic and by source document;
- :func:`document_sections`: one table per source document, conditions shortened;
- :func:`evidence_table`: what each verdict's statistic rests on, by evidence class;
- :func:`describe_pending`, :func:`describe_problems`, :func:`describe_construction`: the
  claims still waiting, the inconsistencies, and the verdicts decided by construction.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from mcstudy.claims.evidence import class_counts, informative_share
from mcstudy.claims.scorecard import (
    NO_VERDICT,
    SCORECARD_VERDICTS,
    VERDICT_COLOURS,
    document_tables,
    fixed_by_construction,
    verdict_counts,
)

__all__ = [
    "INFORMATIVE_CLASSES",
    "describe_construction",
    "describe_informative_share",
    "describe_judged",
    "describe_pending",
    "describe_problems",
    "document_sections",
    "evidence_table",
    "plot_scorecard",
]

#: The evidence classes that count as informative: real data, or data-constrained simulation.
INFORMATIVE_CLASSES = (
    "real data, randomised",
    "real data, observational",
    "simulation, data-constrained",
)


def _judged(scorecard: pd.DataFrame) -> pd.DataFrame:
    return scorecard[scorecard["verdict"] != NO_VERDICT]


def describe_informative_share(scorecard: pd.DataFrame) -> str:
    """How many testable claims rest on real data or data-constrained simulation, in Markdown."""
    n_informative, n_testable = informative_share(_judged(scorecard))
    by_class = class_counts(_judged(scorecard))
    return (
        f"**Informative share: {n_informative} of {n_testable} testable claims "
        f"({n_informative / n_testable:.0%})** rest on real data or on a simulation whose "
        "deciding parameters real data narrow. The rest: "
        + ", ".join(
            f"{int(by_class.loc[c, 'total'])} {c}"
            for c in by_class.index
            if c not in INFORMATIVE_CLASSES
        )
        + f". {int(by_class.loc['simulation, data-constrained', 'total'])} simulated verdicts "
        "are data-constrained: robustness is measured over the plausible ranges of "
        "`data/parameters.csv`, not over a parameter region fitted to real data."
    )


def describe_judged(scorecard: pd.DataFrame) -> str:
    """How many claims are judged, with which verdicts, and how many wait, in Markdown."""
    verdict = scorecard["verdict"].astype(str)
    counts = verdict.value_counts()
    judged = verdict != NO_VERDICT
    testable = scorecard["kind"] != "not-testable"
    leans = scorecard.loc[verdict == "conditional", "lean"].value_counts()
    return (
        f"The registry holds {len(scorecard)} claims from {scorecard['source'].nunique()} "
        f"documents; {int(judged.sum())} have a verdict and {int((~judged).sum())} are waiting "
        f"for their study notebook. Of the {int(testable.sum())} testable claims, "
        f"{int((judged & testable).sum())} have been judged: "
        + ", ".join(f"{int(counts.get(v, 0))} {v}" for v in SCORECARD_VERDICTS[:6])
        + " (the conditional ones lean: "
        + ", ".join(f"{n} {lv}" for lv, n in leans.items())
        + f"). {int(counts.get('not testable', 0))} claims are not testable (definitions, "
        "recommendations, statements without a measurable outcome; the registry says why)."
    )


def plot_scorecard(scorecard: pd.DataFrame):
    """The verdicts stacked by topic and by source document.

    Returns
    -------
    matplotlib.figure.Figure
    """
    present = scorecard.assign(verdict=scorecard["verdict"].astype(str))
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.8), gridspec_kw={"width_ratios": [1.1, 1]})
    for ax, column, title in (
        (axes[0], "topic", "By topic"),
        (axes[1], "document", "By source document"),
    ):
        order = list(dict.fromkeys(verdict_counts(scorecard, column).index[:-1]))
        sns.histplot(
            data=present,
            y=pd.Categorical(present[column], categories=order),
            hue="verdict",
            hue_order=list(SCORECARD_VERDICTS),
            palette=VERDICT_COLOURS,
            multiple="stack",
            discrete=True,
            shrink=0.8,
            alpha=1,
            linewidth=0.5,
            legend=ax is axes[1],
            ax=ax,
        )
        ax.set(xlabel="number of claims", ylabel="", title=title)
    sns.move_legend(axes[1], "upper left", bbox_to_anchor=(1.02, 1), title="verdict", frameon=False)
    fig.suptitle("Verdicts on the claims of the source documents")
    fig.tight_layout()
    return fig


def document_sections(scorecard: pd.DataFrame, condition_chars: int) -> dict[str, pd.DataFrame]:
    """One table per source document, each condition cut to ``condition_chars`` characters."""
    return {
        document: table.assign(condition=table["condition"].str.slice(0, condition_chars))
        for document, table in document_tables(scorecard).items()
    }


def evidence_table(scorecard: pd.DataFrame) -> pd.DataFrame:
    """Judged claims by what their statistic rests on and by evidence class."""
    judged = _judged(scorecard.assign(verdict=scorecard["verdict"].astype(str)))
    return pd.crosstab(
        judged["evidence"].replace("none", "none (not testable)"),
        judged["evidence_class"].replace("", "(not testable)"),
    ).rename_axis(index="statistic rests on", columns="evidence class")


def describe_pending(pending: pd.DataFrame) -> str:
    """The claims without a verdict, by notebook, in Markdown."""
    if pending.empty:
        return "Every claim of the registry has a verdict."
    per_notebook = pending.groupby("notebook").size()
    return (
        f"{len(pending)} claims have no verdict yet: "
        + "; ".join(f"{n} in {nb}" for nb, n in per_notebook.items())
        + "."
    )


def describe_problems(problems: pd.DataFrame, scorecard: pd.DataFrame) -> str:
    """Whether the recorded verdicts are consistent, in Markdown."""
    if problems.empty:
        n_judged = int((scorecard["verdict"].astype(str) != NO_VERDICT).sum())
        return f"No inconsistency among the {n_judged} verdicts recorded."
    return f"**{len(problems)} inconsistencies** to fix before these verdicts stand:"


def describe_construction(scorecard: pd.DataFrame) -> tuple[str, pd.DataFrame, str]:
    """The verdicts decided by construction: a note, their table, and the registry check.

    Returns
    -------
    tuple of (str, pandas.DataFrame, str)
        What such a verdict measures (Markdown), the verdicts (claim, verdict, notebook,
        ``fixed_by``), and whether every verdict marked by construction in its notebook is in
        the registry's list.
    """
    construction = scorecard[scorecard["evidence_class"] == "by construction"]
    note = (
        f"{len(construction)} verdicts are decided by construction: an input of the model or "
        "the catalogue, named in the registry's `fixed_by`, fixes their outcome. They measure "
        "the size of a consequence of that input, not whether the claim is true."
    )
    marked = fixed_by_construction(scorecard[scorecard["kind"] != "not-testable"])
    unlisted = sorted(set(marked["claim_id"]) - set(construction["claim_id"]))
    check = (
        "Every verdict whose notebook says it is fixed by construction is in the registry's list."
        if not unlisted
        else f"Marked by construction in their notebook but not in the registry: {unlisted}."
    )
    table = construction[["claim_id", "verdict", "notebook", "fixed_by"]].reset_index(drop=True)
    return note, table, check
