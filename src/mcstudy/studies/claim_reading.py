"""How a simulated study shows its claims, its robustness and its verdicts.

The steps every study notebook of the integration and cost-to-serve questions takes around its
experiments, so that their cells stay calls:

- :func:`quote_claims` and :func:`rule_table`: the claims as the registry quotes them, and the
  rule registered for each;
- :func:`joint_robustness`: the results of several robustness designs read as one (for
  :func:`mcstudy.claims.judge`);
- :func:`simulated_conditions`: each verdict's condition, opening with what the reader should
  know about the claim;
- :func:`plot_robustness_shares`: the share of the plausible space where each verdict holds;
- :func:`verdict_notes`: the recorded verdicts' measures and conditions, as text.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from mcstudy._validation import check_frame
from mcstudy.claims.rules import Rule

__all__ = [
    "JointRobustness",
    "joint_robustness",
    "plot_robustness_shares",
    "quote_claims",
    "rule_table",
    "simulated_conditions",
    "verdict_notes",
]

#: Share of the plausible space below which a verdict is conditional (the dashed line).
_CONDITIONAL_BELOW = 0.9


def quote_claims(claims: pd.DataFrame, *, label: str | None = "topic", text="statement_en") -> str:
    """Each claim's French quote and, indented below, its ``text`` column, one block per claim.

    Parameters
    ----------
    claims : pandas.DataFrame
        Rows of the registry indexed by claim id, with ``quote_fr`` and ``text``.
    label : str or None, default="topic"
        Column shown in brackets after the claim id (none when None).
    text : str, default="statement_en"
        Column wrapped at 100 characters below the quote (e.g. ``note``).

    Returns
    -------
    str
        The blocks, separated by a blank line.

    Examples
    --------
    >>> c = pd.DataFrame({"quote_fr": ["q"], "topic": ["t"], "statement_en": ["s"]},
    ...                  index=["C1"])
    >>> print(quote_claims(c))
    C1 (t): « q »
        s
    <BLANKLINE>
    """
    check_frame(claims, ["quote_fr", text, *([label] if label else [])], "claims")
    blocks = []
    for claim, row in claims.iterrows():
        head = f"{claim} ({row[label]})" if label else f"{claim}"
        body = textwrap.fill(row[text], 100, initial_indent="    ", subsequent_indent="    ")
        blocks.append(f"{head}: « {row['quote_fr']} »\n{body}\n")
    return "\n".join(blocks)


def rule_table(rules: Mapping[str, Rule]) -> pd.DataFrame:
    """The rule registered for each claim: one row per claim id.

    Columns ``rule``, ``direction``, ``claimed``, ``smallest effect`` and ``estimand``.
    """
    if not isinstance(rules, Mapping) or not all(isinstance(r, Rule) for r in rules.values()):
        raise TypeError(f"'rules' must map claim ids to Rule (mcstudy.rule_for); got {rules!r}.")
    return pd.DataFrame(
        {
            c: {
                "rule": r.rule,
                "direction": r.direction,
                "claimed": r.claimed,
                "smallest effect": r.smallest_effect,
                "estimand": r.estimand,
            }
            for c, r in rules.items()
        }
    ).T


@dataclass(frozen=True)
class JointRobustness:
    """Results of several robustness designs, by claim id (read as one assessment)."""

    results: dict

    def __getitem__(self, claim_id: str):
        """The result of claim ``claim_id``."""
        if claim_id not in self.results:
            raise KeyError(f"no claim {claim_id!r} in these designs; claims: {list(self.results)}.")
        return self.results[claim_id]

    def summary(self) -> pd.DataFrame:
        """One row per claim, as the assessments' ``summary()``."""
        return pd.concat([r.summary() for r in self.results.values()], ignore_index=True)


def joint_robustness(*assessments) -> JointRobustness:
    """The claims of several robustness designs as one (a claim in two designs is refused).

    Each assessment is a :class:`~mcstudy.experiments.robustness.RobustnessAssessment` (or
    anything with a ``results`` mapping of claim id to result).
    """
    results: dict = {}
    for k, a in enumerate(assessments):
        if not isinstance(getattr(a, "results", None), Mapping):
            raise TypeError(
                f"assessment {k} must be a RobustnessAssessment; got {type(a).__name__}."
            )
        twice = sorted(set(results) & set(a.results))
        if twice:
            raise ValueError(f"claims {twice} are judged by two designs.")
        results.update(a.results)
    return JointRobustness(results)


def simulated_conditions(notes: Mapping[str, str], rules: Mapping[str, Rule]) -> dict[str, str]:
    """Each claim's condition: its note, then the context and the smallest effect that matters.

    Examples
    --------
    >>> rule = Rule("C9", "x", 1, float("nan"), 0.1, "effect")
    >>> simulated_conditions({"C9": "A note."}, {"C9": rule})["C9"]
    'A note. Simulated, calibrated reference context; the smallest effect that would matter is 0.1.'
    """
    missing = sorted(set(notes) - set(rules))
    if missing:
        raise ValueError(f"'rules' has no rule for the claims {missing} of 'notes'.")
    return {
        claim: f"{note} Simulated, calibrated reference context; the smallest effect that "
        f"would matter is {rules[claim].smallest_effect:g}."
        for claim, note in notes.items()
    }


def plot_robustness_shares(summary: pd.DataFrame, *, height: float = 3.8):
    """Bar chart of the share of the plausible space where each reference verdict holds.

    ``summary`` is indexed by claim id with ``share``, ``ci_low``, ``ci_high`` (a robustness
    summary); returns the figure.
    """
    check_frame(summary, ["share", "ci_low", "ci_high"], "summary")
    fig, ax = plt.subplots(figsize=(8, height))
    ax.barh(summary.index, summary["share"], color=sns.color_palette()[0])
    ax.errorbar(
        summary["share"],
        np.arange(len(summary)),
        xerr=[summary["share"] - summary["ci_low"], summary["ci_high"] - summary["share"]],
        fmt="none",
        color="0.2",
        capsize=3,
    )
    ax.axvline(_CONDITIONAL_BELOW, color="0.4", ls="--", lw=1)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of the plausible parameter space where the reference verdict holds")
    ax.set_title("Robustness of the verdicts (dashed: 90 %, below it a verdict is conditional)")
    fig.tight_layout()
    return fig


def verdict_notes(recorded: pd.DataFrame) -> str:
    """The verdicts' measures and conditions as text, wrapped at 100 characters.

    ``recorded`` holds ``claim_id``, ``verdict``, ``measure`` and ``condition`` (as
    :func:`mcstudy.claims.judge` returns them).
    """
    check_frame(recorded, ["claim_id", "verdict", "measure", "condition"], "recorded")
    blocks = []
    for v in recorded.itertuples():
        head = textwrap.fill(f"{v.claim_id} ({v.verdict}) - {v.measure}.", 100)
        cond = textwrap.fill(v.condition, 100, initial_indent="    ", subsequent_indent="    ")
        blocks.append(f"{head}\n{cond} \n")
    return "\n".join(blocks)
