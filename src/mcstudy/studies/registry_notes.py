"""What the claims registry holds, in words and one figure (the registry notebook).

- :func:`describe_registry`: how many claims, from how many documents;
- :func:`plot_claims_by_topic`: the claims by topic and kind;
- :func:`describe_not_testable`, :func:`not_testable_table`: the claims the testability policy
  leaves untested, by clause.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from mcstudy._validation import check_frame
from mcstudy.claims.testability import CLAUSES

__all__ = [
    "describe_not_testable",
    "describe_registry",
    "not_testable_table",
    "plot_claims_by_topic",
]


def describe_registry(claims: pd.DataFrame) -> str:
    """How many claims the registry holds, from how many documents."""
    check_frame(claims, ["source"], "claims")
    return f"{len(claims)} claims from {claims['source'].nunique()} documents"


def plot_claims_by_topic(claims: pd.DataFrame):
    """The number of claims by topic, one bar per kind.

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_frame(claims, ["topic", "kind"], "claims")
    counts = claims.groupby(["topic", "kind"], observed=False).size().rename("claims")
    fig, ax = plt.subplots(figsize=(8, 4.5))
    sns.barplot(data=counts.reset_index(), y="topic", x="claims", hue="kind", ax=ax)
    ax.set(
        xlabel="number of claims",
        ylabel="",
        title="Claims in the five documents, by topic and kind",
    )
    return fig


def describe_not_testable(policy: pd.DataFrame, claims: pd.DataFrame) -> str:
    """How many claims are not testable, and by which clause of the policy.

    Parameters
    ----------
    policy : pandas.DataFrame
        :func:`mcstudy.claims.testability.not_testable_claims` (a ``clause`` column).
    claims : pandas.DataFrame
        The registry.
    """
    check_frame(policy, ["claim_id", "clause"], "policy")
    by_clause = policy["clause"].value_counts().sort_index()
    return f"{len(policy)} of {len(claims)} claims are not testable; by clause: " + ", ".join(
        f"{c} {n}" for c, n in by_clause.items()
    )


def not_testable_table(policy: pd.DataFrame) -> pd.DataFrame:
    """The untested claims of each clause, beside what the clause says."""
    check_frame(policy, ["claim_id", "clause"], "policy")
    return (
        policy.groupby("clause")["claim_id"]
        .agg(list)
        .to_frame("claims")
        .join(pd.Series(CLAUSES, name="a claim is not testable when"))
    )
