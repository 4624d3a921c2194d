"""The claims registry's rules: verdicts judged from computed intervals.

Every testable claim of ``data/claims.csv`` states, before any notebook runs, its estimand,
direction, claimed magnitude (if any), the smallest effect that would matter and the rule that
judges it (:func:`rule_for` returns it as a :class:`Rule`). A notebook computes the estimate's
interval and asks the rule: :func:`judge_effect`, :func:`judge_non_inferiority`,
:func:`judge_association`, :func:`judge_consistency` and :func:`judge_equivalence` give
``supported``, ``not supported``, ``inconclusive``, ``artefact`` or ``overstated``;
:func:`with_robustness` adds the share of the plausible parameter space the verdict holds in
(``conditional`` below 90 %); :func:`weakest` combines the parts of a claim "A and B" (both in
:mod:`mcstudy.claims.combine`). Recording verdicts is :mod:`mcstudy.claims.verdicts`;
``docs/verdicts.md`` gives the rules with examples.
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass
from numbers import Integral, Real
from pathlib import Path

import pandas as pd

from mcstudy._validation import check_frame, check_option
from mcstudy._vocab import EVIDENCE, KIND_NOT_TESTABLE, RULES, VERDICT_NOT_TESTABLE, VERDICTS
from mcstudy.io.catalogue import load_claims

__all__ = [
    "REGISTRY_COLUMNS",
    "VERDICTS",
    "Rule",
    "Verdict",
    "judge_association",
    "judge_consistency",
    "judge_effect",
    "judge_equivalence",
    "judge_non_inferiority",
    "rule_for",
]

#: Columns a claims registry passed to :func:`record_verdict` must have: the ids, each
#: claim's pre-registered rule (blank ``rule``: the claim is not testable) and its kind (for the
#: evidence class; an optional ``fixed_by`` column says what input decides it).
REGISTRY_COLUMNS = ("claim_id", "direction", "claimed", "smallest_effect", "rule", "kind")


@dataclass(frozen=True)
class Verdict:
    """The verdict on one claim, with the statistic it follows from.

    Attributes
    ----------
    claim_id : str
        Id in ``data/claims.csv``.
    verdict : str
        One of :data:`VERDICTS`.
    effect : float
        The estimate the verdict rests on (NaN when there is none).
    ci_low, ci_high : float
        Its confidence interval.
    measure : str
        What ``effect`` measures, with its unit.
    method : str
        How it was estimated (test, design, replications).
    n : int
        Customers (or replications) behind the estimate.
    evidence : str
        ``causal`` (randomised arms), ``observational``, ``arithmetic`` or ``none``.
    condition : str
        For ``conditional``: the assumption the verdict hinges on; otherwise a short reason.
    notebook : str
        Notebook that computed it.
    rule : str, default=""
        The registered rule it was judged by (:data:`mcstudy._vocab.RULES`); blank only for a
        ``not testable`` verdict.
    robustness_share : float, default=NaN
        Share of the plausible parameter space in which the verdict holds
        (:func:`mcstudy.experiments.robustness.assess_robustness`); NaN when there is no
        parameter space (a real-data verdict).
    hinges_on : str, default=""
        Parameters the verdict hinges on, separated by "; ".
    noise_share : float, default=NaN
        Share of independent runs at the reference context, each of one robustness point's
        size, in which the verdict holds (``RobustnessResult.noise_share``): below
        :data:`mcstudy.experiments.robustness.NOISE_FLOOR` the robustness share cannot be
        told from Monte Carlo noise. NaN when no robustness design measured it.

    Raises
    ------
    TypeError
        If a field has the wrong type (text fields must be str, ``n`` an int, the numbers
        real).
    ValueError
        If ``verdict`` or ``evidence`` is not in its vocabulary, ``claim_id`` is blank, ``n``
        is negative, ``ci_low > ci_high``, ``effect`` lies outside ``[ci_low, ci_high]``, a
        verdict other than ``not testable`` has a NaN interval, or a ``not testable``
        verdict has a number (its effect and interval must be NaN and ``n`` 0).

    Notes
    -----
    ``effect`` may be NaN when the verdict rests on the interval alone, and interval limits
    may be infinite (one-sided intervals); ``effect`` itself must then be finite or NaN.
    """

    claim_id: str
    verdict: str
    effect: float
    ci_low: float
    ci_high: float
    measure: str
    method: str
    n: int
    evidence: str
    condition: str
    notebook: str
    rule: str = ""
    robustness_share: float = float("nan")
    hinges_on: str = ""
    noise_share: float = float("nan")

    def __post_init__(self):
        for name in ("claim_id", "measure", "method", "condition", "notebook", "rule", "hinges_on"):
            value = getattr(self, name)
            if not isinstance(value, str):
                raise TypeError(f"{name!r} must be a str; got {value!r}.")
        if not self.claim_id.strip():
            raise ValueError(
                f"'claim_id' must be a claim id such as 'C001-06'; got {self.claim_id!r}."
            )
        check_option(self.verdict, "verdict", VERDICTS)
        check_option(self.evidence, "evidence", EVIDENCE)
        if self.verdict != VERDICT_NOT_TESTABLE:
            check_option(self.rule, "rule", RULES)
        for name in ("robustness_share", "noise_share"):
            share = getattr(self, name)
            if isinstance(share, bool) or not isinstance(share, Real):
                raise TypeError(f"{name!r} must be a real number or NaN; got {share!r}.")
            if not (math.isnan(share) or 0.0 <= share <= 1.0):
                raise ValueError(f"{name!r} must be in [0, 1] or NaN; got {share!r}.")
        if isinstance(self.n, bool) or not isinstance(self.n, Integral):
            raise TypeError(f"'n' must be an int >= 0; got {self.n!r}.")
        if self.n < 0:
            raise ValueError(f"'n' must be an int >= 0; got {self.n!r}.")
        for name in ("effect", "ci_low", "ci_high"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, Real):
                raise TypeError(f"{name!r} must be a real number (NaN allowed); got {value!r}.")
        effect, low, high = float(self.effect), float(self.ci_low), float(self.ci_high)
        if self.verdict == VERDICT_NOT_TESTABLE:
            numbers = {
                name: value
                for name, value in (("effect", effect), ("ci_low", low), ("ci_high", high))
                if not math.isnan(value)
            }
            if self.n != 0:
                numbers["n"] = int(self.n)
            if numbers:
                raise ValueError(
                    f"a {VERDICT_NOT_TESTABLE!r} verdict rests on no estimate: 'effect', "
                    f"'ci_low' and 'ci_high' must be NaN and 'n' 0; got {numbers}."
                )
            if self.rule:
                raise ValueError(
                    f"a {VERDICT_NOT_TESTABLE!r} verdict has no rule; got {self.rule!r}."
                )
            return
        for name, value in (("ci_low", low), ("ci_high", high)):
            if math.isnan(value):
                raise ValueError(
                    f"{name!r} must be a number when 'verdict' is {self.verdict!r} (only "
                    f"{VERDICT_NOT_TESTABLE!r} verdicts may lack an interval); got nan."
                )
        if low > high:
            raise ValueError(
                f"'ci_low' must be <= 'ci_high'; got ci_low={low!r} > ci_high={high!r}."
            )
        if math.isinf(effect) or not (math.isnan(effect) or low <= effect <= high):
            raise ValueError(
                f"'effect' must be finite and lie in its interval [ci_low, ci_high] = "
                f"[{low!r}, {high!r}] (or be NaN); got {effect!r}."
            )

    def summary(self) -> pd.DataFrame:
        """The verdict as a one-row DataFrame (``noise_share`` next to ``robustness_share``)."""
        row = asdict(self)
        order = list(row)
        order.remove("noise_share")
        order.insert(order.index("robustness_share") + 1, "noise_share")
        return pd.DataFrame([{k: row[k] for k in order}])


def _interval(ci_low, ci_high, names=("ci_low", "ci_high")) -> tuple[float, float]:
    for name, value in zip(names, (ci_low, ci_high), strict=True):
        if isinstance(value, bool) or not isinstance(value, Real):
            raise TypeError(f"{name!r} must be a real number; got {value!r}.")
        if math.isnan(value):
            raise ValueError(f"{name!r} must be a real number, not NaN; got {value!r}.")
    if ci_low > ci_high:
        raise ValueError(
            f"{names[0]!r} must be <= {names[1]!r}; got {names[0]}={ci_low!r} > "
            f"{names[1]}={ci_high!r}."
        )
    return float(ci_low), float(ci_high)


def _positive(value, name: str, *, optional: bool = False) -> float | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise TypeError(f"{name!r} must be a finite real number > 0; got {value!r}.")
    if value <= 0:
        raise ValueError(
            f"{name!r} must be > 0 (a magnitude, in the estimand's unit; 'direction' gives the "
            f"sign); got {value!r}."
        )
    return float(value)


def _direction(direction) -> int:
    if isinstance(direction, bool) or direction not in (1, -1):
        raise ValueError(f"'direction' must be one of [-1, 1]; got {direction!r}.")
    return int(direction)


def judge_effect(
    ci_low: float,
    ci_high: float,
    *,
    direction: int = 1,
    smallest_effect: float,
    claimed: float | None = None,
) -> str:
    """Verdict on a claimed effect from the confidence interval of its estimate.

    The interval is first oriented so that the claimed direction is positive (multiplied by
    ``direction``). With ``m`` the smallest effect that would matter:

    - ``"not supported"`` if the interval lies below ``m``: it excludes every effect that would
      matter in the claimed direction (this includes an interval on the wrong side of 0, and a
      real but trivial effect); or, when a magnitude is ``claimed``, if the interval lies
      entirely below it (the claimed magnitude is excluded, whether or not a smaller effect
      exists);
    - ``"supported"`` if the interval lies above 0 (no effect is excluded) and reaches ``m``,
      and, when a magnitude is claimed, reaches it;
    - ``"inconclusive"`` otherwise: the interval holds both no effect and effects that matter
      (an underpowered test lands here, not in "not supported").

    Parameters
    ----------
    ci_low, ci_high : float
        Confidence interval of the effect (infinite limits allowed for one-sided intervals).
    direction : {1, -1}, default=1
        Sign the claim gives the effect (+1: it raises the quantity).
    smallest_effect : float
        The smallest effect that would matter, > 0, in the effect's unit (registered with the
        claim in ``data/claims.csv``).
    claimed : float, default=None
        Magnitude claimed (> 0, in the same unit; ``direction`` gives its sign), e.g. 2.87 for
        "+287 %" as a relative difference.

    Returns
    -------
    str

    Raises
    ------
    TypeError
        If a limit or a magnitude is not a real number.
    ValueError
        If ``direction`` is not 1 or -1, a limit is NaN, ``ci_low > ci_high``, or
        ``smallest_effect`` / ``claimed`` is not positive (a claimed value of the wrong sign).

    Examples
    --------
    >>> judge_effect(0.1, 0.5, smallest_effect=0.05)
    'supported'
    >>> judge_effect(-0.1, 0.5, smallest_effect=0.05)
    'inconclusive'
    >>> judge_effect(-0.1, 0.02, smallest_effect=0.05)
    'not supported'
    >>> judge_effect(-0.2, -0.1, direction=-1, smallest_effect=0.05, claimed=0.5)
    'not supported'
    """
    low, high = _interval(ci_low, ci_high)
    direction = _direction(direction)
    m = _positive(smallest_effect, "smallest_effect")
    claimed = _positive(claimed, "claimed", optional=True)
    low, high = sorted((direction * low, direction * high))
    if high < m or (claimed is not None and high < claimed):
        return "not supported"
    if low > 0:
        return "supported"
    return "inconclusive"


def judge_non_inferiority(
    ci_low: float, ci_high: float, *, direction: int = 1, smallest_effect: float
) -> str:
    """Verdict on "A works at least as well as B" from the interval of ``A - B``.

    Oriented by ``direction``, with ``m`` the smallest difference that would matter:
    ``"supported"`` if the interval lies above ``-m`` (A is not worse by anything that
    matters), ``"not supported"`` if it lies below ``-m`` (A is worse), ``"inconclusive"``
    otherwise.

    Examples
    --------
    >>> judge_non_inferiority(-0.5, 2.0, smallest_effect=1.0)
    'supported'
    >>> judge_non_inferiority(-3.0, -1.5, smallest_effect=1.0)
    'not supported'
    >>> judge_non_inferiority(-2.0, 0.5, smallest_effect=1.0)
    'inconclusive'
    """
    low, high = _interval(ci_low, ci_high)
    direction = _direction(direction)
    m = _positive(smallest_effect, "smallest_effect")
    low, high = sorted((direction * low, direction * high))
    if low > -m:
        return "supported"
    if high < -m:
        return "not supported"
    return "inconclusive"


def judge_equivalence(ci_low: float, ci_high: float, *, smallest_effect: float) -> str:
    """Verdict on "A recovers B" (two quantities agree) from the interval of ``A - B``.

    With ``m`` the smallest difference that would matter: ``"supported"`` if the interval lies
    inside ``(-m, m)`` (they agree to within what matters), ``"not supported"`` if it lies
    entirely beyond ``-m`` or beyond ``+m`` (they differ by something that matters),
    ``"inconclusive"`` otherwise. This is the two one-sided tests' logic (Schuirmann 1987)
    applied to the interval the notebook computes; the claim has no direction.

    Examples
    --------
    >>> judge_equivalence(-0.01, 0.015, smallest_effect=0.02)
    'supported'
    >>> judge_equivalence(-0.2, -0.1, smallest_effect=0.02)   # an error of 10 to 20 points
    'not supported'
    >>> judge_equivalence(0.0, 0.05, smallest_effect=0.02)
    'inconclusive'

    References
    ----------
    .. [1] Schuirmann, D. J. (1987). A comparison of the two one-sided tests procedure and the
       power approach for assessing the equivalence of average bioavailability. Journal of
       Pharmacokinetics and Biopharmaceutics 15(6), 657-680.
    """
    low, high = _interval(ci_low, ci_high)
    m = _positive(smallest_effect, "smallest_effect")
    if -m < low and high < m:
        return "supported"
    if high <= -m or low >= m:
        return "not supported"
    return "inconclusive"


def judge_association(
    observational_ci: tuple[float, float],
    causal_ci: tuple[float, float],
    *,
    direction: int = 1,
    smallest_effect: float,
    observed: float | None = None,
    claimed: float | None = None,
) -> str:
    """Verdict on "X goes with more Y": the association against a causal or adjusted estimate.

    Parameters
    ----------
    observational_ci : tuple of float
        Interval of the association an analyst sees (raw comparison).
    causal_ci : tuple of float
        Interval of the same quantity from randomised arms, or from a comparison adjusted for
        the selection (say which in the verdict's method); in the same unit.
    direction : {1, -1}, default=1
        Sign the claim gives the association.
    smallest_effect : float
        Smallest effect that would matter, > 0.
    observed : float, default=None
        The association's point estimate; the middle of its interval when None.
    claimed : float, default=None
        Claimed magnitude (> 0), judged on the association.

    Returns
    -------
    str
        If the association itself is not shown (:func:`judge_effect` on it is not
        ``supported``), that verdict. Otherwise the causal or adjusted interval decides, by
        :func:`judge_effect` on it (the smallest effect that matters, not the claimed
        magnitude):

        - ``"artefact"`` when it excludes an effect that matters: selection (or mechanics)
          explains the association;
        - ``"overstated"`` (supported, but overstated by selection) when it shows an effect
          that matters but lies entirely below the observed association (oriented): the
          claim's direction holds, its size is inflated;
        - ``"supported"`` when it shows an effect that matters and does not exclude the
          observed association;
        - ``"inconclusive"`` when it can neither show nor exclude an effect that matters.

    Examples
    --------
    >>> judge_association((0.2, 0.4), (-0.05, 0.05), smallest_effect=0.1)
    'artefact'
    >>> judge_association((2.7, 3.0), (2.1, 2.3), smallest_effect=0.1)  # +220 % against +285 %
    'overstated'
    >>> judge_association((0.19, 0.84), (-0.6, 1.5), smallest_effect=0.05)  # too wide to say
    'inconclusive'
    """
    if not isinstance(observational_ci, tuple | list) or len(observational_ci) != 2:
        raise TypeError(f"'observational_ci' must be (low, high); got {observational_ci!r}.")
    if not isinstance(causal_ci, tuple | list) or len(causal_ci) != 2:
        raise TypeError(f"'causal_ci' must be (low, high); got {causal_ci!r}.")
    seen = judge_effect(
        *observational_ci, direction=direction, smallest_effect=smallest_effect, claimed=claimed
    )
    if seen != "supported":
        return seen
    obs_low, obs_high = _interval(*observational_ci)
    if observed is None:
        observed = (obs_low + obs_high) / 2
    elif isinstance(observed, bool) or not isinstance(observed, Real) or math.isnan(observed):
        raise TypeError(f"'observed' must be a real number; got {observed!r}.")
    c_low, c_high = _interval(*causal_ci, names=("causal_ci[0]", "causal_ci[1]"))
    cause = judge_effect(c_low, c_high, direction=direction, smallest_effect=smallest_effect)
    if cause == "not supported":
        return "artefact"
    if cause == "supported" and max(direction * c_low, direction * c_high) < direction * observed:
        return "overstated"
    return cause


def judge_consistency(ci_low: float, ci_high: float, *, claimed: float, tolerance: float) -> str:
    """Verdict on a reported figure against its source, within ``tolerance``.

    ``ci_low``/``ci_high`` bound the figure the source gives (equal for an exact figure);
    ``"supported"`` if ``claimed`` lies within ``tolerance`` of that range, ``"not
    supported"`` otherwise.

    Examples
    --------
    >>> judge_consistency(0.6, 0.6, claimed=0.6, tolerance=0.005)
    'supported'
    >>> judge_consistency(0.04, 0.1, claimed=2.87, tolerance=0.05)
    'not supported'
    """
    low, high = _interval(ci_low, ci_high)
    tolerance = _positive(tolerance, "tolerance")
    if isinstance(claimed, bool) or not isinstance(claimed, Real) or not math.isfinite(claimed):
        raise TypeError(f"'claimed' must be a finite real number; got {claimed!r}.")
    return "supported" if low - tolerance <= claimed <= high + tolerance else "not supported"


@dataclass(frozen=True)
class Rule:
    """A claim's pre-registered verdict rule (its row of ``data/claims.csv``).

    Attributes
    ----------
    claim_id, estimand : str
        The claim and the quantity its verdict is drawn from (with unit and scale).
    direction : int
        +1 if the claim says the quantity is positive, -1 if negative.
    claimed : float
        The claimed magnitude (> 0), NaN when none.
    smallest_effect : float
        The smallest effect that would matter (for ``consistency``: the tolerance).
    rule : str
        One of :data:`mcstudy._vocab.RULES`.
    """

    claim_id: str
    estimand: str
    direction: int
    claimed: float
    smallest_effect: float
    rule: str

    @property
    def _claimed(self) -> float | None:
        return None if math.isnan(self.claimed) else self.claimed

    def judge(
        self,
        ci_low: float,
        ci_high: float,
        *,
        causal_ci: tuple[float, float] | None = None,
        observed: float | None = None,
    ) -> str:
        """The verdict this rule gives an estimate's interval.

        ``causal_ci`` is required by (and only allowed for) the ``association`` rule: then
        ``(ci_low, ci_high)`` is the association's interval.
        """
        if (self.rule == "association") != (causal_ci is not None):
            raise ValueError(
                f"the {self.rule!r} rule of {self.claim_id} "
                + (
                    "needs 'causal_ci' (the causal or adjusted interval)."
                    if self.rule == "association"
                    else "takes no 'causal_ci'."
                )
            )
        if self.rule == "effect":
            return judge_effect(
                ci_low,
                ci_high,
                direction=self.direction,
                smallest_effect=self.smallest_effect,
                claimed=self._claimed,
            )
        if self.rule == "non_inferiority":
            return judge_non_inferiority(
                ci_low, ci_high, direction=self.direction, smallest_effect=self.smallest_effect
            )
        if self.rule == "association":
            return judge_association(
                (ci_low, ci_high),
                causal_ci,
                direction=self.direction,
                smallest_effect=self.smallest_effect,
                observed=observed,
                claimed=self._claimed,
            )
        if self.rule == "equivalence":
            return judge_equivalence(ci_low, ci_high, smallest_effect=self.smallest_effect)
        return judge_consistency(
            ci_low, ci_high, claimed=self.claimed, tolerance=self.smallest_effect
        )

    def holds(self, estimate: float, verdict: str = "supported") -> bool:
        """Whether the rule gives ``verdict`` to a point estimate (for robustness designs).

        A point is judged as the interval ``[estimate, estimate]``; for the ``association``
        rule the estimate is the causal one (its association part is judged in the notebook).
        """
        if self.rule == "association":
            got = judge_effect(
                estimate,
                estimate,
                direction=self.direction,
                smallest_effect=self.smallest_effect,
            )
        else:
            got = self.judge(estimate, estimate)
        return got == verdict


def rule_for(claim_id: str, claims: pd.DataFrame | str | Path | None = None) -> Rule:
    """The pre-registered rule of ``claim_id`` (from ``data/claims.csv`` by default).

    Raises
    ------
    TypeError
        If ``claim_id`` is not a str, or ``claims`` not a DataFrame, a path or None.
    ValueError
        If the claim is not in the registry, or is not testable (it has no rule); if a
        ``claims`` frame lacks a column of the rule (listed) or has the claim twice.
    """
    if not isinstance(claim_id, str):
        raise TypeError(f"'claim_id' must be a str such as 'C000-04'; got {claim_id!r}.")
    if claims is None or isinstance(claims, str | os.PathLike):
        claims = load_claims(claims)
    elif not isinstance(claims, pd.DataFrame):
        raise TypeError(
            f"'claims' must be a DataFrame, a path or None; got {type(claims).__name__}."
        )
    check_frame(claims, ["claim_id", "estimand", *REGISTRY_COLUMNS[1:]], "claims")
    rows = claims[claims["claim_id"] == claim_id]
    if len(rows) > 1:
        raise ValueError(f"'claims' must have one row per claim; ids repeated: [{claim_id!r}].")
    if rows.empty:
        raise ValueError(
            f"'claim_id' must be an id of the claims registry ({len(claims)} claims, e.g. "
            f"{sorted(claims['claim_id'])[:3]}); got {claim_id!r}."
        )
    row = rows.iloc[0]
    if row["kind"] == KIND_NOT_TESTABLE:
        raise ValueError(f"claim {claim_id} is not testable: it has no verdict rule.")
    claimed = row["claimed"]
    return Rule(
        claim_id=claim_id,
        estimand=str(row["estimand"]),
        direction=int(row["direction"]),
        claimed=float("nan") if pd.isna(claimed) else float(claimed),
        smallest_effect=float(row["smallest_effect"]),
        rule=str(row["rule"]),
    )
