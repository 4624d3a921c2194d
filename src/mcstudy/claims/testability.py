"""The one testability policy: why a claim of the registry is not testable.

A claim is testable when a study of the project can compute its estimand from something that
could have come out either way: real data, or a mechanism of the model that produces the
outcome. It is not testable for one of four reasons, the clauses of :data:`CLAUSES`. A claim
whose mechanism *is* in the model, but whose sign an assumption fixes over the whole plausible
range, stays testable and is classed ``by construction`` (its ``fixed_by`` column names the
input; :mod:`mcstudy.claims.evidence`): a two-sided model or data can make it informative later
without re-registering it.

Every not-testable claim's ``note`` in ``data/claims.csv`` opens with the clause it falls under,
"Not testable under the testability policy (T2). ..."; :func:`policy_clause` reads it and
:func:`not_testable_claims` lists the claims by clause. ``docs/verdicts.md`` gives the policy and
the claims re-registered under it.
"""

from __future__ import annotations

import re

import pandas as pd

from mcstudy._validation import check_frame
from mcstudy._vocab import KIND_NOT_TESTABLE

__all__ = ["CLAUSES", "not_testable_claims", "policy_clause"]

#: The clauses of the policy: a claim is not testable when...
CLAUSES = {
    "T1": "it defines, lists or recommends, with no outcome",
    "T2": (
        "neither the project's data nor a mechanism of the model produce its outcome: the "
        "mechanism, path or population it speaks of is absent, so a simulated result would be "
        "typed in, or zero by omission"
    ),
    "T3": (
        "its outcome is, by the model's own definition, one input (or an identity of inputs), "
        "so a simulation can only print the input back"
    ),
    "T4": (
        "it is a consistency check whose only comparison figure is the same document or a copy "
        "of it, so it cannot fail"
    ),
}

_CLAUSE = re.compile(r"testability policy \((?P<clause>T\d)\)")


def policy_clause(note: object) -> str | None:
    """The clause of :data:`CLAUSES` a registry note names, or None when it names none.

    Examples
    --------
    >>> policy_clause("Not testable under the testability policy (T3). An identity.")
    'T3'
    >>> policy_clause("Hinges on the catalogue's costs.") is None
    True
    """
    if not isinstance(note, str):
        return None
    match = _CLAUSE.search(note)
    if match is None or match["clause"] not in CLAUSES:
        return None
    return match["clause"]


def not_testable_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """The registry's not-testable claims with the clause of the policy each falls under.

    Parameters
    ----------
    claims : pandas.DataFrame
        The registry (:func:`mcstudy.io.load_claims`), with ``claim_id``, ``kind``,
        ``statement_en`` and ``note``.

    Returns
    -------
    pandas.DataFrame
        Columns ``claim_id``, ``clause`` (None where the note names no clause),
        ``reason`` (the clause's text) and ``statement_en``, in registry order.

    Raises
    ------
    TypeError, ValueError
        If ``claims`` is not a DataFrame with those columns.
    """
    check_frame(claims, ("claim_id", "kind", "statement_en", "note"), "claims")
    rows = claims[claims["kind"] == KIND_NOT_TESTABLE]
    clause = rows["note"].map(policy_clause)
    return pd.DataFrame(
        {
            "claim_id": rows["claim_id"].to_numpy(),
            "clause": clause.to_numpy(),
            "reason": clause.map(lambda c: CLAUSES.get(c, "")).to_numpy(),
            "statement_en": rows["statement_en"].to_numpy(),
        }
    )
