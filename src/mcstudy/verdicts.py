"""The claims registry's verdicts: pre-registered rules, judged on computed intervals.

Every testable claim of ``data/claims.csv`` states, before any notebook runs, its estimand,
direction, claimed magnitude (if any), the smallest effect that would matter and the rule that
judges it (:func:`rule_for` returns it as a :class:`Rule`). A notebook computes the estimate's
interval and asks the rule: :func:`judge_effect`, :func:`judge_non_inferiority`,
:func:`judge_association` and :func:`judge_consistency` give ``supported``, ``not supported``,
``inconclusive`` or ``artefact``; :func:`with_robustness` adds the share of the plausible
parameter space the verdict holds in (``conditional`` below 90 %). :func:`record_verdict`
writes the result to ``results/verdicts.csv``, one row per claim, with the rule used, the
robustness share and the parameters the verdict hinges on. ``docs/verdicts.md`` gives the
rules with examples.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import asdict, dataclass, replace
from numbers import Integral, Real
from pathlib import Path

import numpy as np
import pandas as pd

from mcstudy import config
from mcstudy._validation import check_frame, check_option, check_output_dir
from mcstudy.io.catalogue import load_claims
from mcstudy.vocab import EVIDENCE, KIND_NOT_TESTABLE, RULES, VERDICT_NOT_TESTABLE, VERDICTS

__all__ = [
    "VERDICTS",
    "VERDICT_STRENGTH",
    "Verdict",
    "Rule",
    "judge_association",
    "judge_consistency",
    "judge_effect",
    "judge_non_inferiority",
    "rule_for",
    "with_robustness",
    "load_verdicts",
    "record_untestable",
    "record_verdict",
    "REGISTRY_COLUMNS",
    "VERDICT_TABLE_COLUMNS",
    "summarise_claims",
    "weakest",
]


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
        The registered rule it was judged by (:data:`mcstudy.vocab.RULES`); blank only for a
        ``not testable`` verdict.
    robustness_share : float, default=NaN
        Share of the plausible parameter space in which the verdict holds
        (:func:`mcstudy.analysis.robustness.assess_robustness`); NaN when there is no
        parameter space (a real-data verdict).
    hinges_on : str, default=""
        Parameters the verdict hinges on, separated by "; ".

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
        share = self.robustness_share
        if isinstance(share, bool) or not isinstance(share, Real):
            raise TypeError(f"'robustness_share' must be a real number or NaN; got {share!r}.")
        if not (math.isnan(share) or 0.0 <= share <= 1.0):
            raise ValueError(f"'robustness_share' must be in [0, 1] or NaN; got {share!r}.")
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
        """The verdict as a one-row DataFrame."""
        return pd.DataFrame([asdict(self)])


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
        ``supported``), that verdict. Otherwise ``"artefact"`` when the causal interval
        excludes the observed association (lies entirely below it, oriented): most of what is
        seen is selection or mechanics. Otherwise :func:`judge_effect` on the causal interval
        (``supported``, ``inconclusive`` or ``not supported``).

    Examples
    --------
    >>> judge_association((0.2, 0.4), (-0.05, 0.05), smallest_effect=0.05)
    'artefact'
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
    if max(direction * c_low, direction * c_high) < direction * observed:
        return "artefact"
    return judge_effect(c_low, c_high, direction=direction, smallest_effect=smallest_effect)


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
        One of :data:`mcstudy.vocab.RULES`.
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
    check_frame(claims, ["claim_id", "kind", "estimand", *REGISTRY_COLUMNS[1:]], "claims")
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


def with_robustness(verdict: Verdict, robustness) -> Verdict:
    """``verdict`` with its robustness across the plausible parameter space recorded.

    Parameters
    ----------
    verdict : Verdict
        The verdict at the reference context.
    robustness : mcstudy.analysis.robustness.RobustnessResult
        The claim's result of a robustness design, whose judge tested whether this verdict
        holds at each point.

    Returns
    -------
    Verdict
        With ``robustness_share`` and ``hinges_on`` filled in; a verdict that holds in less
        than :data:`mcstudy.analysis.robustness.ROBUST_SHARE` (90 %) of the space becomes
        ``conditional``, its condition the region where it holds or flips (appended to the
        verdict's own condition).
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
    text = verdict.condition
    if condition:
        text = f"{condition}. {text}" if text else condition
    return replace(
        verdict,
        verdict=label,
        condition=text,
        robustness_share=float(robustness.share),
        hinges_on="; ".join(robustness.hinges_on),
    )


def record_untestable(
    claims: pd.DataFrame, notebook: str, path: str | Path | None = None
) -> pd.DataFrame:
    """Record a ``not testable`` verdict for every claim the registry marks ``not-testable``.

    The reason recorded is the registry's note; the notebook recorded is the claim's
    registered notebook (the one that says why it is not tested), ``notebook`` when the
    registry leaves it blank. ``claims`` is also the registry the claim ids are checked
    against. Returns the verdicts written.
    """
    check_frame(claims, ["claim_id", "kind", "note", "notebook"], "claims")
    if not isinstance(notebook, str) or not notebook.strip():
        raise TypeError(
            f"'notebook' must be the notebook's file name (a non-empty str); got {notebook!r}."
        )
    rows = []
    for claim in claims[claims["kind"] == KIND_NOT_TESTABLE].itertuples(index=False):
        verdict = Verdict(
            claim.claim_id,
            VERDICT_NOT_TESTABLE,
            float("nan"),
            float("nan"),
            float("nan"),
            "",
            "registry",
            0,
            "none",
            claim.note,
            str(claim.notebook).strip() or notebook if pd.notna(claim.notebook) else notebook,
        )
        rows.append(record_verdict(verdict, path, claims=claims))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


#: Columns a claims registry passed to :func:`record_verdict` must have: the ids and each
#: claim's pre-registered rule (blank ``rule``: the claim is not testable).
REGISTRY_COLUMNS = ("claim_id", "direction", "claimed", "smallest_effect", "rule")


def _registry(claims: pd.DataFrame | str | Path | None) -> tuple[pd.DataFrame, str]:
    """The registry ``claims`` (a frame, a CSV path, or None for the default) and its name.

    The frame must have :data:`REGISTRY_COLUMNS`; it is returned indexed by ``claim_id``.
    """
    if claims is None or isinstance(claims, (str, Path)):
        source = str(claims) if claims is not None else "data/claims.csv"
        claims = load_claims(claims)
    elif isinstance(claims, pd.DataFrame):
        source = "the 'claims' frame"
        if not set(REGISTRY_COLUMNS) <= set(claims.columns):
            missing = [c for c in REGISTRY_COLUMNS if c not in claims.columns]
            raise ValueError(
                f"'claims' must have the columns {list(REGISTRY_COLUMNS)} (the ids and each "
                f"claim's registered rule, as load_claims returns them); it lacks {missing} "
                f"(it has {list(claims.columns)})."
            )
        repeated = sorted(set(claims.loc[claims["claim_id"].duplicated(), "claim_id"]))
        if repeated:
            raise ValueError(f"'claims' must have one row per claim; ids repeated: {repeated}.")
    else:
        raise TypeError(
            f"'claims' must be a DataFrame, a path or None; got {type(claims).__name__}."
        )
    return claims.assign(claim_id=claims["claim_id"].astype(str)).set_index("claim_id"), source


def _registered_rule(claims: pd.DataFrame, claim_id: str, source: str) -> Rule | None:
    """The rule registered for ``claim_id`` in the indexed registry; None if it has none."""
    row = claims.loc[claim_id].map(lambda v: v.item() if isinstance(v, np.generic) else v)
    rule = row["rule"]
    if pd.isna(rule) or str(rule).strip() == "":
        return None
    if str(rule) not in RULES:
        raise ValueError(
            f"the registry ({source}) registers for {claim_id} the rule {rule!r}; a rule must "
            f"be one of {list(RULES)}."
        )
    numbers = {}
    for column in ("direction", "smallest_effect", "claimed"):
        value = row[column]
        try:
            numbers[column] = float("nan") if pd.isna(value) else float(value)
        except (TypeError, ValueError):
            numbers[column] = None
    direction, small, claimed = (
        numbers["direction"],
        numbers["smallest_effect"],
        numbers["claimed"],
    )
    problems = []
    if direction not in (1.0, -1.0):
        problems.append(f"'direction' must be 1 or -1; got {row['direction']!r}")
    if small is None or not (math.isfinite(small) and small > 0):
        problems.append(
            f"'smallest_effect' must be a finite number > 0; got {row['smallest_effect']!r}"
        )
    if claimed is None or not (math.isnan(claimed) or (math.isfinite(claimed) and claimed > 0)):
        problems.append(f"'claimed' must be NaN or a finite number > 0; got {row['claimed']!r}")
    if str(rule) == "consistency" and claimed is not None and math.isnan(claimed):
        problems.append("a 'consistency' rule needs the 'claimed' figure; got NaN")
    if problems:
        raise ValueError(
            f"the registry ({source}) has no usable rule for {claim_id}: "
            + "; ".join(problems)
            + "."
        )
    return Rule(
        claim_id=claim_id,
        estimand=str(row["estimand"]) if "estimand" in row.index else "",
        direction=int(direction),
        claimed=claimed,
        smallest_effect=small,
        rule=str(rule),
    )


#: Verdicts the causal part of an ``association`` rule can give once the association itself is
#: shown (the causal interval is not recorded, so any of them follows).
_ASSOCIATION_OUTCOMES = ("supported", "artefact", "inconclusive", "not supported")
#: How :func:`with_robustness` opens the condition of a ``conditional`` verdict.
_CONDITIONAL_PREFIX = re.compile(r"^(?P<verdict>[a-z ]+?): holds in ")


def _rejudge(verdict: Verdict, rule: Rule, source: str) -> None:
    """Raise unless ``verdict.verdict`` is what ``rule`` gives its recorded interval.

    The recorded interval is the one the verdict rests on: for ``effect``,
    ``non_inferiority`` and ``consistency`` the rule gives one verdict, which must be the one
    recorded; for ``association`` it is the association's interval, whose own verdict (the
    effect rule with the claimed magnitude) must be recorded unless it is ``supported``, in
    which case the causal interval (not recorded) decides among
    :data:`_ASSOCIATION_OUTCOMES`. A ``conditional`` verdict (from :func:`with_robustness`)
    must carry a robustness share below the threshold and name, at the start of its
    condition, the verdict at the reference context, which is re-judged the same way; a
    verdict with a robustness share below the threshold must be ``conditional``.
    """
    from mcstudy.analysis.robustness import ROBUST_SHARE

    claim, given, share = verdict.claim_id, verdict.verdict, verdict.robustness_share
    if given == "conditional":
        match = _CONDITIONAL_PREFIX.match(verdict.condition)
        reference = match["verdict"] if match else None
        if reference not in _ASSOCIATION_OUTCOMES:
            raise ValueError(
                f"verdict 'conditional' on {claim} does not say which verdict is conditional: "
                "its condition must open with the verdict at the reference context, as "
                "with_robustness writes it ('supported: holds in 62 % of the plausible "
                f"space ...'); got condition {verdict.condition[:80]!r}."
            )
        if math.isnan(share) or share >= ROBUST_SHARE:
            raise ValueError(
                f"verdict 'conditional' on {claim} needs a robustness share below "
                f"{ROBUST_SHARE:g} (with_robustness records it); got robustness_share={share!r}."
            )
    else:
        reference = given
        if not math.isnan(share) and share < ROBUST_SHARE:
            raise ValueError(
                f"verdict {given!r} on {claim} holds in only {share:.0%} of the plausible space "
                f"(robustness_share={share!r} < {ROBUST_SHARE:g}): the verdict is "
                "'conditional' (use with_robustness)."
            )
    low, high = verdict.ci_low, verdict.ci_high
    if rule.rule == "association":
        expected = judge_effect(
            low,
            high,
            direction=rule.direction,
            smallest_effect=rule.smallest_effect,
            claimed=rule._claimed,
        )
        allowed = _ASSOCIATION_OUTCOMES if expected == "supported" else (expected,)
    else:
        expected = rule.judge(low, high)
        allowed = (expected,)
    if reference not in allowed:
        what = "the verdict at the reference context" if given == "conditional" else "verdict"
        gives = (
            f"the association is shown ('supported'), so the causal comparison decides among "
            f"{list(allowed)}"
            if len(allowed) > 1
            else f"the rule gives {expected!r}"
        )
        raise ValueError(
            f"{what} {reference!r} on {claim} does not follow from its registered "
            f"{rule.rule!r} rule ({source}): on the recorded interval [{low!r}, {high!r}] "
            f"{gives}. Record the verdict the rule gives."
        )


def record_verdict(
    verdict: Verdict,
    path: str | Path | None = None,
    *,
    claims: pd.DataFrame | str | Path | None = None,
) -> pd.DataFrame:
    """Write ``verdict`` into the verdicts table (replacing an earlier one for the claim).

    Parameters
    ----------
    verdict : Verdict
        The verdict; its values are checked when it is created.
    path : str or Path, default=None
        Verdicts CSV; ``results/verdicts.csv`` of the repository when None.
    claims : pandas.DataFrame or str or Path, default=None
        The claims registry ``verdict.claim_id`` must belong to: a frame with the columns
        :data:`REGISTRY_COLUMNS` (``claim_id`` and the registered rule: ``direction``,
        ``claimed``, ``smallest_effect``, ``rule``, blank for a claim that is not testable),
        a CSV path read with :func:`mcstudy.io.load_claims`, or ``data/claims.csv`` when None.

    Returns
    -------
    pandas.DataFrame
        The verdict as a one-row DataFrame (rounded for display).

    Raises
    ------
    TypeError
        If ``verdict`` is not a :class:`Verdict`, or ``claims`` or ``path`` is of the wrong
        type.
    ValueError
        If ``verdict.claim_id`` is not in the registry; if the verdict's rule is not the one
        the registry registers for it (a claim without a rule takes only a ``not testable``
        verdict, and a ``not testable`` verdict only such a claim); if the verdict does not
        follow from the registered rule on the recorded interval (see Notes; the message
        names the claim, the verdict given and the verdict the rule gives); if ``path`` is a
        directory or cannot be created, or the table there cannot be read. Nothing is
        written then.

    Notes
    -----
    The verdict is judged again with the claim's registered rule on the recorded
    ``ci_low``/``ci_high``: ``effect``, ``non_inferiority`` and ``consistency`` must give the
    recorded verdict. For ``association`` the recorded interval is the association's: its
    own verdict (not shown: ``inconclusive`` or ``not supported``) must be the recorded one,
    and once it is shown the causal or adjusted interval, which is not recorded, decides
    among ``supported``, ``artefact``, ``inconclusive`` and ``not supported``. A
    ``conditional`` verdict comes from :func:`with_robustness`: its robustness share is below
    :data:`mcstudy.analysis.robustness.ROBUST_SHARE` and its condition opens with the
    verdict at the reference context, which is judged as above; a verdict whose robustness
    share is below that threshold must be ``conditional``.
    """
    if not isinstance(verdict, Verdict):
        raise TypeError(f"'verdict' must be a Verdict; got {type(verdict).__name__}.")
    registry, source = _registry(claims)
    if verdict.claim_id not in registry.index:
        ids = registry.index
        raise ValueError(
            f"'claim_id' must be an id of the claims registry ({source}, {len(ids)} claims, "
            f"e.g. {sorted(ids)[:3]}); got {verdict.claim_id!r}."
        )
    rule = _registered_rule(registry, verdict.claim_id, source)
    if rule is None:
        if verdict.verdict != VERDICT_NOT_TESTABLE:
            raise ValueError(
                f"verdict {verdict.verdict!r} on {verdict.claim_id}, but the registry "
                f"({source}) registers no rule for it: the claim is not testable and takes "
                f"only the verdict {VERDICT_NOT_TESTABLE!r}."
            )
    elif verdict.verdict == VERDICT_NOT_TESTABLE:
        raise ValueError(
            f"verdict {VERDICT_NOT_TESTABLE!r} on {verdict.claim_id}, but the registry "
            f"({source}) registers the {rule.rule!r} rule for it: a testable claim is judged "
            "by its rule."
        )
    elif verdict.rule != rule.rule:
        raise ValueError(
            f"verdict on {verdict.claim_id} was drawn with rule {verdict.rule!r}, but the "
            f"registry ({source}) registers {rule.rule!r}: a verdict follows the rule "
            "registered before the study, not one chosen after it."
        )
    else:
        _rejudge(verdict, rule, source)
    path = _verdicts_path(path)
    if path.exists():
        table = load_verdicts(path)
    else:
        if path.parent.is_file():
            raise ValueError(
                f"'path' cannot be created: {str(path.parent)!r}, on its path, is a file, not "
                f"a directory; got {str(path)!r}."
            )
        check_output_dir(path.parent, "path")
        table = None
    row = verdict.summary()
    parts = [row]
    if table is not None:
        parts.insert(0, table[table["claim_id"] != verdict.claim_id])
    table = pd.concat([p for p in parts if len(p)], ignore_index=True)
    table = table.sort_values("claim_id").reset_index(drop=True)[list(row.columns)]
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=False, float_format="%.6g")
    return row.round(4)


def _verdicts_path(path: object) -> Path:
    """``path`` (the verdicts CSV; the repository's when None) as a Path that is not a folder."""
    if path is None:
        return Path(config.VERDICTS_CSV)
    if isinstance(path, str) and not path.strip():
        raise ValueError(f"'path' must name the verdicts CSV file; got {path!r}.")
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"'path' must be a path (str or os.PathLike); got {path!r}.")
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"'path' must be the verdicts CSV file; {str(path)!r} is a directory.")
    return path


#: Columns :func:`load_verdicts` requires (tables written before ``rule``,
#: ``robustness_share`` and ``hinges_on`` existed are read with those left blank).
VERDICT_TABLE_COLUMNS = (
    "claim_id",
    "verdict",
    "effect",
    "ci_low",
    "ci_high",
    "measure",
    "method",
    "n",
    "evidence",
    "condition",
    "notebook",
)


def load_verdicts(path: str | Path | None = None) -> pd.DataFrame:
    """Read the verdicts table written by :func:`record_verdict`.

    Parameters
    ----------
    path : str or Path, default=None
        Verdicts CSV; ``results/verdicts.csv`` of the repository when None.

    Returns
    -------
    pandas.DataFrame
        One row per verdict, in file order; text columns as ``str`` (blank, not NaN), the
        numbers as floats (NaN where blank) and ``n`` as integers. A file with a header and
        no rows gives an empty table.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    mcstudy.io.DataValidationError
        If the file cannot be read as comma-separated UTF-8 text (a directory, an empty,
        binary, UTF-16 or Latin-1 file), lacks a column of :data:`VERDICT_TABLE_COLUMNS`
        (listed), has a blank or repeated claim id, a verdict or evidence outside its
        vocabulary, text in a number column, or an ``n`` that is not a whole number >= 0.
        The message names the file, the column, the row (claim) and the value.
    """
    from io import StringIO

    from mcstudy.io.schema import DataValidationError, _read_text

    path = _verdicts_path(path)
    content = _read_text(path)
    text = [
        "claim_id",
        "verdict",
        "measure",
        "method",
        "evidence",
        "condition",
        "notebook",
        "rule",
        "hinges_on",
    ]
    numbers = ("effect", "ci_low", "ci_high", "robustness_share")
    try:
        df = pd.read_csv(
            StringIO(content),
            dtype={c: str for c in text},
            keep_default_na=False,
            na_values={c: [""] for c in numbers},
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataValidationError(path, f"is not a valid CSV table: {exc}".strip()) from exc
    missing = [c for c in VERDICT_TABLE_COLUMNS if c not in df.columns]
    if missing:
        raise DataValidationError(
            path,
            f"missing columns {missing}; a verdicts table has the columns "
            f"{list(VERDICT_TABLE_COLUMNS)} (and 'rule', 'robustness_share', 'hinges_on'), "
            f"as record_verdict writes it; got {list(df.columns)}.",
        )
    for column in ("rule", "hinges_on"):
        if column not in df.columns:  # a table written before these columns existed
            df[column] = ""
    if "robustness_share" not in df.columns:
        df["robustness_share"] = float("nan")

    def fail(i, column, message):
        claim, value = df["claim_id"].iloc[i], df[column].iloc[i]
        value = value.item() if isinstance(value, np.generic) else value
        raise DataValidationError(
            path, f"row {i} (claim {claim!r}): {message}", column=column, value=value
        )

    blank = (df["claim_id"].str.strip() == "").to_numpy()
    if blank.any():
        fail(int(np.flatnonzero(blank)[0]), "claim_id", "a verdict must name its claim.")
    repeated = df["claim_id"].duplicated().to_numpy()
    if repeated.any():
        fail(
            int(np.flatnonzero(repeated)[0]),
            "claim_id",
            "the claim has two verdicts; the table holds one verdict per claim.",
        )
    for column, allowed in (("verdict", VERDICTS), ("evidence", EVIDENCE)):
        bad = ~df[column].isin(allowed).to_numpy()
        if bad.any():
            fail(int(np.flatnonzero(bad)[0]), column, f"must be one of {list(allowed)}.")
    for column in (*numbers, "n"):
        values = pd.to_numeric(df[column], errors="coerce")
        bad = values.isna() & df[column].notna()
        if column == "n":
            bad = bad | values.isna() | (values < 0) | (values % 1 != 0)
        bad = bad.to_numpy()
        if bad.any():
            allowed = "a whole number >= 0" if column == "n" else "a number (blank for none)"
            fail(int(np.flatnonzero(bad)[0]), column, f"must be {allowed}.")
    return df


def summarise_claims(claims: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Count claims by document, topic and kind.

    Parameters
    ----------
    claims : pandas.DataFrame
        The registry, as returned by :func:`mcstudy.io.catalogue.load_claims`.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``"by document and kind"`` (documents × kinds, with totals), ``"by topic and kind"``
        (topics × kinds, with totals) and ``"by notebook"`` (claims per notebook).
    """
    check_frame(claims, ["source", "topic", "kind", "notebook"], "claims")
    out = {}
    for title, rows in (("by document and kind", "source"), ("by topic and kind", "topic")):
        table = pd.crosstab(
            claims[rows], claims["kind"], margins=True, margins_name="total", dropna=False
        )
        table.columns.name = None
        out[title] = table
    out["by notebook"] = (
        claims["notebook"]
        .value_counts(sort=False)
        .rename("claims")
        .to_frame()
        .rename_axis("notebook")
    )
    return out


#: Verdicts on a testable claim from the weakest to the strongest, for combining the parts of
#: a claim of the form "A and B" (it is no stronger than its weakest part).
VERDICT_STRENGTH = ("not supported", "artefact", "inconclusive", "conditional", "supported")


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
