"""How verdicts combine: robustness across the parameter space, and the parts of a claim.

:func:`with_robustness` adds to a verdict the share of the plausible parameter space it holds
in (``conditional`` below 90 %, the reference verdict kept at the start of the condition);
:func:`weakest` gives the verdict of a claim "A and B" from its parts (it is no stronger than
its weakest part, in the order of :data:`VERDICT_STRENGTH`).
"""

from __future__ import annotations

from dataclasses import replace

from mcstudy._validation import check_option
from mcstudy._vocab import VERDICT_NOT_TESTABLE
from mcstudy.claims.rules import Verdict

__all__ = ["VERDICT_STRENGTH", "weakest", "with_robustness"]


def with_robustness(verdict: Verdict, robustness) -> Verdict:
    """``verdict`` with its robustness across the plausible parameter space recorded.

    Parameters
    ----------
    verdict : Verdict
        The verdict at the reference context.
    robustness : mcstudy.experiments.robustness.RobustnessResult
        The claim's result of a robustness design, whose judge tested whether this verdict
        holds at each point.

    Returns
    -------
    Verdict
        With ``robustness_share``, ``noise_share`` and ``hinges_on`` filled in; a verdict that
        holds in less than :data:`mcstudy.experiments.robustness.ROBUST_SHARE` (90 %) of the
        space becomes ``conditional``, its condition the region where it holds or flips
        (appended to the verdict's own condition). When the noise-only share is below
        :data:`mcstudy.experiments.robustness.NOISE_FLOOR` (95 %), the share cannot be told
        from Monte Carlo noise: the verdict is flagged, not relabelled. Its condition says so
        (with or without ``conditional``), and the scorecard shows the flag.
    """
    if not isinstance(verdict, Verdict):
        raise TypeError(f"'verdict' must be a Verdict; got {type(verdict).__name__}.")
    missing = [a for a in ("robust_verdict", "share", "hinges_on") if not hasattr(robustness, a)]
    if missing:
        raise TypeError(
            "'robustness' must be a RobustnessResult (the claim's result of "
            f"assess_robustness); got {type(robustness).__name__}, without {missing}."
        )
    if verdict.verdict in (VERDICT_NOT_TESTABLE, "conditional"):
        raise ValueError(
            f"'verdict' must be the verdict drawn at the reference context (not "
            f"{VERDICT_NOT_TESTABLE!r}, nor 'conditional', which with_robustness gives); got "
            f"{verdict.verdict!r} on {verdict.claim_id}."
        )
    other = getattr(robustness, "claim_id", None)
    if isinstance(other, str) and other != verdict.claim_id:
        raise ValueError(
            f"'robustness' is the result of claim {other!r}, not of the verdict's claim "
            f"{verdict.claim_id!r}; pass the claim's own result "
            f"(e.g. result[{verdict.claim_id!r}])."
        )
    if isinstance(robustness.hinges_on, str):
        raise TypeError(
            f"'robustness.hinges_on' must be a sequence of parameter names; got the str "
            f"{robustness.hinges_on!r}."
        )
    label, condition = robustness.robust_verdict(verdict.verdict)
    noise_share = float(getattr(robustness, "noise_share", float("nan")))
    if not condition and getattr(robustness, "noisy", False):
        condition = f"{verdict.verdict}: {robustness.condition}"
    text = verdict.condition
    if condition:
        text = f"{condition}. {text}" if text else condition
    return replace(
        verdict,
        verdict=label,
        condition=text,
        robustness_share=float(robustness.share),
        hinges_on="; ".join(robustness.hinges_on),
        noise_share=noise_share,
    )


#: Verdicts on a testable claim from the weakest to the strongest, for combining the parts of
#: a claim of the form "A and B" (it is no stronger than its weakest part).
VERDICT_STRENGTH = (
    "not supported",
    "artefact",
    "inconclusive",
    "conditional",
    "overstated",
    "supported",
)


def weakest(verdicts) -> str:
    """Return the weakest of ``verdicts`` in the order of :data:`VERDICT_STRENGTH`.

    Parameters
    ----------
    verdicts : iterable of str
        Verdicts on the parts of one claim.

    Raises
    ------
    ValueError
        If ``verdicts`` is empty or holds a verdict outside :data:`VERDICT_STRENGTH`.

    Examples
    --------
    >>> weakest(["supported", "artefact"])
    'artefact'
    """
    if isinstance(verdicts, str):
        raise TypeError(
            f"'verdicts' must be an iterable of verdicts (str), not one str; got {verdicts!r}."
        )
    verdicts = list(verdicts)
    if not verdicts:
        raise ValueError("'verdicts' must hold at least one verdict; got [].")
    for v in verdicts:
        check_option(v, "verdict", VERDICT_STRENGTH)
    return min(verdicts, key=VERDICT_STRENGTH.index)
