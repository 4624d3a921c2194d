"""What kind of evidence a verdict is, by one stated rule, and the informative share.

Every verdict carries an evidence class from :data:`mcstudy._vocab.EVIDENCE_CLASSES`, so that a
reader can tell what is known from what was assumed. :func:`evidence_class` assigns it from
the claim's registry row and the verdict, in this order:

1. a ``not testable`` verdict has no class (``""``);
2. a claim of kind ``consistency`` (quoted figures checked against each other or their
   sources) is ``arithmetic``: it is about the documents, not the world;
3. a claim whose registry row names, in ``fixed_by``, the input of the model or catalogue that
   decides its outcome is ``by construction``, reported so the reader knows and never counted
   as evidence;
4. a ``real-data`` claim is ``real data, randomised`` when its statistic is a causal effect of
   a randomised assignment (verdict evidence ``causal``), else ``real data, observational``
   (an association, with the adjustment its notebook states);
5. a ``simulation`` claim is ``simulation, data-constrained`` only when every parameter its
   verdict hinges on is narrowed by real data over a data-allowed parameter sample; no
   verdict's robustness is yet measured over such a sample (robustness is measured over the
   plausible ranges of ``data/parameters.csv``). The one data-allowed sample so far, for the
   ten claims of notebook 04 (``docs/model.md`` §9.6), narrows none of their hinges, so today
   every simulated verdict not decided by construction is ``simulation, assumption-driven``:
   "this follows from these assumptions".

The **informative share** (:func:`informative_share`) is the share of the testable claims whose
verdict is real data or data-constrained simulation (:data:`~mcstudy._vocab.INFORMATIVE_CLASSES`):
the project's headline number.
"""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from mcstudy._validation import check_frame, check_option
from mcstudy._vocab import (
    CLAIM_KINDS,
    EVIDENCE,
    EVIDENCE_CLASSES,
    INFORMATIVE_CLASSES,
    VERDICT_NOT_TESTABLE,
)

__all__ = ["class_counts", "evidence_class", "informative_share"]


def evidence_class(
    *,
    kind: str,
    verdict: str,
    evidence: str,
    fixed_by: str = "",
    data_constrained: bool = False,
) -> str:
    """The evidence class of one verdict, by the rule of the module docstring.

    Parameters
    ----------
    kind : str
        The claim's kind in the registry (``simulation``, ``real-data``, ``consistency``,
        ``not-testable``).
    verdict : str
        The verdict recorded.
    evidence : str
        What the verdict's statistic rests on (``causal``, ``observational``, ``arithmetic``,
        ``none``).
    fixed_by : str, default=""
        The registry's ``fixed_by`` cell: the input that decides the outcome, blank if none.
    data_constrained : bool, default=False
        Whether every parameter the verdict hinges on is narrowed by real data over a
        data-allowed parameter sample (``docs/model.md`` §9.6; none does yet).

    Returns
    -------
    str
        One of :data:`~mcstudy._vocab.EVIDENCE_CLASSES`, or ``""`` for a not-testable claim.

    Raises
    ------
    ValueError
        If ``kind`` or ``evidence`` is outside its vocabulary, or the verdict does not fit the
        kind (a not-testable claim with another verdict, or the reverse).

    Examples
    --------
    >>> evidence_class(kind="real-data", verdict="supported", evidence="causal")
    'real data, randomised'
    >>> evidence_class(kind="simulation", verdict="supported", evidence="causal")
    'simulation, assumption-driven'
    """
    check_option(kind, "kind", CLAIM_KINDS)
    check_option(evidence, "evidence", EVIDENCE)
    if not isinstance(fixed_by, str):
        raise TypeError(f"'fixed_by' must be a str (blank for none); got {fixed_by!r}.")
    if (verdict == VERDICT_NOT_TESTABLE) != (kind == "not-testable"):
        raise ValueError(
            f"verdict {verdict!r} does not fit a claim of kind {kind!r}: a not-testable claim "
            f"takes the verdict {VERDICT_NOT_TESTABLE!r}, and only it does."
        )
    if kind == "not-testable":
        return ""
    if kind == "consistency":
        return "arithmetic"
    if fixed_by.strip():
        return "by construction"
    if kind == "real-data":
        return "real data, randomised" if evidence == "causal" else "real data, observational"
    return "simulation, data-constrained" if data_constrained else "simulation, assumption-driven"


def class_counts(verdicts: pd.DataFrame) -> pd.DataFrame:
    """Count verdicts by evidence class and verdict, the testable claims only.

    Parameters
    ----------
    verdicts : pandas.DataFrame
        A verdicts table with ``evidence_class`` and ``verdict`` columns (as
        :func:`mcstudy.claims.verdicts.load_verdicts` reads it).

    Returns
    -------
    pandas.DataFrame
        One row per class of :data:`~mcstudy._vocab.EVIDENCE_CLASSES` (all of them, in order,
        zeros included), one column per verdict that occurs, and ``total``.
    """
    check_frame(verdicts, ["evidence_class", "verdict"], "verdicts")
    testable = verdicts[verdicts["verdict"] != VERDICT_NOT_TESTABLE]
    _check_classes(testable["evidence_class"])
    table = pd.crosstab(
        pd.Categorical(testable["evidence_class"], categories=list(EVIDENCE_CLASSES)),
        testable["verdict"],
        dropna=False,
    )
    table.index.name, table.columns.name = "evidence_class", None
    table["total"] = table.sum(axis=1)
    return table


def informative_share(
    verdicts: pd.DataFrame, *, informative: Collection[str] = INFORMATIVE_CLASSES
) -> tuple[int, int]:
    """``(informative, testable)``: testable verdicts in an informative class, and all of them.

    Parameters
    ----------
    verdicts : pandas.DataFrame
        A verdicts table with ``evidence_class`` and ``verdict`` columns.
    informative : collection of str, default=INFORMATIVE_CLASSES
        The classes that count as evidence.

    Returns
    -------
    tuple of int
        The two counts; the share is their ratio.
    """
    check_frame(verdicts, ["evidence_class", "verdict"], "verdicts")
    testable = verdicts[verdicts["verdict"] != VERDICT_NOT_TESTABLE]
    _check_classes(testable["evidence_class"])
    return int(testable["evidence_class"].isin(list(informative)).sum()), len(testable)


def _check_classes(classes: pd.Series) -> None:
    bad = sorted(set(classes) - set(EVIDENCE_CLASSES))
    if bad:
        raise ValueError(
            f"'evidence_class' must be one of {list(EVIDENCE_CLASSES)} for a testable claim; "
            f"got {bad}."
        )
