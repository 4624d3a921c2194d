"""How a simulated study reads its robustness designs and words its verdicts' conditions.

The steps the study notebooks of the integration and cost-to-serve questions take around their
experiments, so that their cells stay calls (their claims, rules and verdicts are shown by
:mod:`mcstudy.claims.reading`, the robustness figure by
:func:`mcstudy.report.plot_robustness_shares`):

- :func:`joint_robustness`: the results of several robustness designs read as one (for
  :func:`mcstudy.claims.judge`);
- :func:`simulated_conditions`: each verdict's condition, opening with what the reader should
  know about the claim.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from mcstudy.claims.rules import Rule

__all__ = [
    "JointRobustness",
    "joint_robustness",
    "simulated_conditions",
]


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


def simulated_conditions(
    notes: Mapping[str, str],
    rules: Mapping[str, Rule],
    context: str = "calibrated reference context",
) -> dict[str, str]:
    """Each claim's condition: its note, then the context and the smallest effect that matters.

    ``context`` names the reference context the claims were simulated in.

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
        claim: f"{note} Simulated, {context}; the smallest effect that would matter is "
        f"{rules[claim].smallest_effect:g}."
        for claim, note in notes.items()
    }
