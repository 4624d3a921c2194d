"""How notebook 06 reads its cost-to-serve runs: judges, assignments and what a verdict hinges on.

:mod:`mcstudy.studies.cost_to_serve` runs the experiments; this module holds what the notebook
does with their outputs:

- :data:`COST_PARAMETERS` and :data:`PERSUASION_PARAMETERS`: one parameter per channel of the
  study, so that a robustness design moves the channels' cost and persuasion *ratios* (a
  common multiplier leaves them fixed). Each takes the relative range of its catalogue column
  in ``data/parameters.csv`` (a factor of 2 either way) times the channel's catalogue value
  (:func:`mcstudy.experiments.robustness.parameter_space`), drawn independently per channel.
- :data:`ROBUSTNESS_PARAMETERS`, :data:`BUSINESS_OTHER_PARAMETERS`, :data:`CLAIM_STATISTICS`,
  :data:`CLAIM_PARTS` and :data:`BUSINESS_CLAIMS`: the notebook's two robustness designs and
  the statistics its claims are judged on, defined once
  (:mod:`mcstudy.studies.cost_to_serve_spaces` builds the designs from them).
- :func:`weakest_part` and :class:`PartsJudge`: a claim "A and B" is no stronger than its
  weakest part (``docs/verdicts.md``), at the reference context and at every point of a
  robustness design.
- :func:`assignment_contact_cost` and :func:`locate_assignment`: the contact cost of each
  assignment of the exact search, and where a given assignment (source 000's) ranks.
- :data:`BUSINESS_PARAMETERS` and :func:`business_design_space`: the robustness design of the
  claims judged in the business-customer reference context (each business channel's cost,
  persuasion and intrusiveness on its own, the tier order values and shares, the order rate),
  with the plausible ranges of ``data/business_context.csv``.
- :func:`statistic_drivers`: the parameters that move a claim's statistic most (Morris
  screening of the statistic, not of the verdict), and the range the statistic takes over
  the plausible space: what a verdict hinges on even where it never flips.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from mcstudy._validation import check_frame, check_int
from mcstudy._vocab import TIERS
from mcstudy.claims.combine import weakest
from mcstudy.claims.rules import Rule
from mcstudy.experiments.robustness import parameter_space
from mcstudy.model.business import BUSINESS_CHANNELS, business_space
from mcstudy.studies.cost_to_serve import OPTIONS

__all__ = [
    "BUSINESS_CLAIMS",
    "BUSINESS_OTHER_PARAMETERS",
    "BUSINESS_PARAMETERS",
    "CLAIM_PARTS",
    "CLAIM_STATISTICS",
    "COST_PARAMETERS",
    "PERSUASION_PARAMETERS",
    "ROBUSTNESS_PARAMETERS",
    "PartsJudge",
    "assignment_contact_cost",
    "business_design_space",
    "locate_assignment",
    "statistic_drivers",
    "weakest_part",
]

#: Outbound channels of the study (the options of the search and the call centre).
_STUDY_CHANNELS = ("face_to_face", "telephone", "call_centre", "postal_mail", "email")
#: One cost per outbound contact for each channel of the study, varied independently.
COST_PARAMETERS = tuple(f"channel.cost_per_contact_eur.{c}" for c in _STUDY_CHANNELS)
#: One persuasion weight for each channel the deciding comparisons set against each other
#: (visits, telephone, postal mail), varied independently; ``response.persuasion_effect``
#: scales every channel's persuasion together.
PERSUASION_PARAMETERS = tuple(
    f"channel.persuasion.{c}" for c in ("face_to_face", "telephone", "postal_mail")
)

#: The business context's own parameters a robustness design of its claims varies: each
#: channel's cost, persuasion and intrusiveness on its own, the tier order values and shares,
#: the small account's order value and the order rate (``data/business_context.csv``).
BUSINESS_PARAMETERS = (
    *(
        f"business.{column}.{c}"
        for column in ("cost_per_contact_eur", "persuasion", "intrusiveness")
        for c in BUSINESS_CHANNELS
    ),
    "business.tier_value_multipliers.medium",
    "business.tier_value_multipliers.key_account",
    "business.basket_mean_eur",
    "business.purchase_rate_per_week",
    "business.tier_shares.small",
    "business.tier_shares.key_account",
)


#: The consumer robustness design of notebook 06 (section 8): each channel's cost and the
#: persuasion of visits, telephone and mail on their own, the common persuasion scale, and the
#: business, strategy and study settings the verdicts turn on. The notebook defines the same
#: list in a cell (``ROBUSTNESS_PARAMETERS``); it should import this one.
ROBUSTNESS_PARAMETERS = (
    *COST_PARAMETERS,
    *PERSUASION_PARAMETERS,
    "response.persuasion_effect",
    "population.tier_value_multipliers.key_account",
    "population.tier_shares.small",
    "strategy.tier_pressure.small",
    "study.channel_price_elasticity",
)
#: Parameters of ``data/parameters.csv`` the business design varies beside
#: :data:`BUSINESS_PARAMETERS` (notebook 06, section 9: ``business_design_space(others=...)``;
#: the notebook should import this).
BUSINESS_OTHER_PARAMETERS = ("strategy.tier_pressure.small", "response.persuasion_effect")
#: The statistic of :func:`~mcstudy.studies.cost_to_serve.cost_to_serve_contrasts` each claim
#: of notebook 06 is judged on (the notebook's ``STATISTIC``; it should import this). C002-05's
#: is its first part; the notebook judges it on its weaker part (:data:`CLAIM_PARTS`,
#: :func:`weakest_part`).
CLAIM_STATISTICS = {
    "C000-05": "call_centre_cost_change",
    "C000-08": "tiered_minus_uniform_margin",
    "C002-05": "small_mail_minus_phone_margin",
    "C002-07": "branch_share_change",
}
#: The parts of each claim (the notebook's ``PARTS``): one statistic, or C002-05's two (remote
#: channels for small customers, sales visits for key accounts).
CLAIM_PARTS = {
    **{claim: (statistic,) for claim, statistic in CLAIM_STATISTICS.items()},
    "C002-05": ("small_mail_minus_phone_margin", "key_visits_minus_none_margin"),
}
#: The claims whose verdicts notebook 06 records from the business-customer reference context
#: (section 9, the notebook's ``B2B_CLAIMS``); the others are recorded from the consumer one.
BUSINESS_CLAIMS = ("C000-05", "C000-08", "C002-05")


def business_design_space(
    business: Sequence[str] = BUSINESS_PARAMETERS, others: Sequence[str] = ()
) -> dict[str, tuple]:
    """Ranges of a robustness design in the business context, ``{name: (low, high, scale)}``.

    Parameters
    ----------
    business : sequence of str, default=BUSINESS_PARAMETERS
        Business parameters (``data/business_context.csv``), with their plausible ranges.
    others : sequence of str, default=()
        Names of ``data/parameters.csv`` (e.g. ``strategy.tier_pressure.small``), with theirs.

    Returns
    -------
    dict of str to (float, float, str)
        Low, high and scale (log for a positive range spanning a factor of 10 or more, as
        :func:`mcstudy.experiments.robustness.parameter_space` does), business parameters
        first; pass it as ``parameters`` to
        :func:`~mcstudy.experiments.robustness.assess_robustness`.

    Raises
    ------
    ValueError
        On a name that is not a settable business parameter or not in the parameter table.
    """
    ranges = parameter_space(business_space(list(business)))
    if len(others):
        ranges = pd.concat([ranges, parameter_space(list(others))], ignore_index=True)
    return {r.parameter: (float(r.low), float(r.high), str(r.scale)) for r in ranges.itertuples()}


def _check_rule(rule: object) -> Rule:
    if not isinstance(rule, Rule):
        raise TypeError(f"'rule' must be a Rule (mcstudy.rule_for); got {type(rule).__name__}.")
    if rule.rule == "association":
        raise ValueError(
            f"'rule' must judge one interval per part; the 'association' rule of "
            f"{rule.claim_id} needs a causal interval too."
        )
    return rule


def _check_parts(parts: object, name: str) -> tuple[str, ...]:
    if isinstance(parts, str) or not isinstance(parts, Sequence) or len(parts) == 0:
        raise TypeError(f"{name!r} must be a non-empty sequence of statistic names; got {parts!r}.")
    if not all(isinstance(p, str) and p for p in parts):
        raise TypeError(f"{name!r} must hold statistic names (non-empty str); got {parts!r}.")
    return tuple(parts)


def weakest_part(rule: Rule, intervals: Mapping[str, tuple[float, float]]) -> tuple[str, dict]:
    """The weakest part of a claim "A and B", and the verdict of every part.

    Parameters
    ----------
    rule : Rule
        The claim's registered rule (not ``association``), applied to each part.
    intervals : mapping of str to (float, float)
        The interval ``(ci_low, ci_high)`` of each part's statistic, by statistic name.

    Returns
    -------
    (str, dict of str to str)
        The name of the weakest part (the first in ``intervals`` order among parts with the
        weakest verdict, :func:`mcstudy.claims.weakest`) and each part's verdict.

    Raises
    ------
    TypeError
        If ``rule`` is not a :class:`~mcstudy.claims.rules.Rule` or ``intervals`` not a
        non-empty mapping.
    ValueError
        If ``rule`` is an ``association`` rule, or an interval is not valid for the rule.

    Examples
    --------
    >>> rule = Rule("C0", "margin", 1, float("nan"), 1.0, "effect")
    >>> weakest_part(rule, {"a": (15.0, 17.0), "b": (-1486.0, -1369.0)})
    ('b', {'a': 'supported', 'b': 'not supported'})
    """
    rule = _check_rule(rule)
    if not isinstance(intervals, Mapping) or len(intervals) == 0:
        raise TypeError(
            f"'intervals' must be a non-empty mapping of statistic name to (ci_low, ci_high); "
            f"got {intervals!r}."
        )
    by_part = {p: rule.judge(*ci) for p, ci in intervals.items()}
    low = weakest(by_part.values())
    return next(p for p, v in by_part.items() if v == low), by_part


class PartsJudge:
    """Whether a claim's reference verdict holds at one point of a robustness design.

    The point's estimate of each part is judged by the claim's rule as a degenerate interval
    (as :meth:`mcstudy.claims.rules.Rule.holds` does); the claim's verdict at the point is the
    weakest of its parts' verdicts. A claim of one part is judged on that part alone.

    Parameters
    ----------
    rule : Rule
        The claim's registered rule (not ``association``).
    parts : sequence of str
        The statistics of the claim's parts, as the study names them.
    verdict : str
        The verdict at the reference context.

    Examples
    --------
    >>> rule = Rule("C0", "margin", 1, float("nan"), 1.0, "effect")
    >>> judge = PartsJudge(rule, ("a", "b"), "not supported")
    >>> judge({"a": 16.0, "b": -1400.0}), judge({"a": 16.0, "b": 20.0})
    (True, False)
    """

    def __init__(self, rule: Rule, parts: Sequence[str], verdict: str):
        self.rule = _check_rule(rule)
        self.parts = _check_parts(parts, "parts")
        weakest([verdict])  # a verdict on a testable claim, or a clear error
        self.verdict = verdict

    def __call__(self, statistics: Mapping[str, float]) -> bool:
        """Whether the weakest part's verdict at this point is the reference verdict."""
        missing = [p for p in self.parts if p not in statistics]
        if missing:
            raise KeyError(
                f"the statistics of this point lack the parts {missing} of "
                f"{self.rule.claim_id}; they hold {sorted(statistics)[:5]}..."
            )
        got = [self.rule.judge(statistics[p], statistics[p]) for p in self.parts]
        return weakest(got) == self.verdict

    def __repr__(self) -> str:
        return f"PartsJudge({self.rule.claim_id!r}, {self.parts!r}, {self.verdict!r})"


def assignment_contact_cost(search: pd.DataFrame, runs: pd.DataFrame, tier_shares) -> pd.Series:
    """Contact cost per customer-year of each assignment of the exact search.

    Parameters
    ----------
    search : pandas.DataFrame
        Assignments, one per row, with the option of each tier in columns ``small``,
        ``medium``, ``key_account`` (as :func:`~mcstudy.studies.cost_to_serve.search_assignments`
        returns them).
    runs : pandas.DataFrame
        Replications of :func:`~mcstudy.studies.cost_to_serve.cost_to_serve_statistics`
        (``tier``, ``option``, ``metric``, ``value``) holding the per-tier contact costs
        (``metric`` ``contact_cost`` with a ``tier`` and an ``option``).
    tier_shares : sequence of 3 floats
        Share of each tier in the population.

    Returns
    -------
    pandas.Series
        Indexed as ``search``: the share-weighted mean over tiers of each tier's contact cost
        under its option (mean over the replications, euros).

    Raises
    ------
    ValueError
        If a frame lacks its columns, ``tier_shares`` does not have one share per tier, or
        ``runs`` lacks the contact cost of an option the search uses.
    """
    check_frame(search, list(TIERS), "search")
    check_frame(runs, ["tier", "option", "metric", "value"], "runs")
    shares = np.asarray(tier_shares, dtype=float)
    if shares.shape != (len(TIERS),):
        raise ValueError(
            f"'tier_shares' must have {len(TIERS)} shares (tiers {list(TIERS)}); "
            f"got {tier_shares!r}."
        )
    rows = runs[(runs["metric"] == "contact_cost") & runs["tier"].notna()]
    cost = rows.groupby(["tier", "option"])["value"].mean()
    total = pd.Series(0.0, index=search.index)
    for tier, share in zip(TIERS, shares, strict=True):
        keys = pd.MultiIndex.from_arrays([[tier] * len(search), search[tier].astype(str)])
        missing = sorted(set(keys) - set(cost.index))
        if missing:
            raise ValueError(
                f"'runs' has no contact cost of tier {missing[0][0]!r} under option "
                f"{missing[0][1]!r}."
            )
        total += share * cost.reindex(keys).to_numpy()
    return total


def locate_assignment(search: pd.DataFrame, assignment: Mapping[str, str]) -> int:
    """Position (0-based row) of ``assignment`` in ``search``.

    Parameters
    ----------
    search : pandas.DataFrame
        Assignments with columns ``small``, ``medium``, ``key_account``.
    assignment : mapping of str to str
        The option of each tier, e.g.
        :data:`~mcstudy.studies.cost_to_serve.SOURCE_000_ASSIGNMENT`.

    Raises
    ------
    ValueError
        If ``assignment`` does not give one option of :data:`OPTIONS` to every tier, or is
        not (exactly once) in ``search``.
    """
    check_frame(search, list(TIERS), "search")
    if not isinstance(assignment, Mapping) or set(assignment) != set(TIERS):
        raise ValueError(
            f"'assignment' must give an option to each tier {list(TIERS)}; got {assignment!r}."
        )
    bad = {t: o for t, o in assignment.items() if o not in OPTIONS}
    if bad:
        raise ValueError(f"'assignment' has options {bad} not in {list(OPTIONS)}.")
    hit = np.ones(len(search), dtype=bool)
    for tier in TIERS:
        hit &= (search[tier] == assignment[tier]).to_numpy()
    if hit.sum() != 1:
        raise ValueError(f"'search' holds assignment {dict(assignment)} {int(hit.sum())} times.")
    return int(np.flatnonzero(hit)[0])


def statistic_drivers(robustness, statistics: Mapping[str, str], *, n: int = 3) -> pd.DataFrame:
    """What moves each claim's statistic across the plausible space.

    Parameters
    ----------
    robustness : mcstudy.experiments.robustness.RobustnessAssessment
        A design whose study returned ``statistics``.
    statistics : mapping of str to str
        The statistic each claim is judged on, by claim id.
    n : int, default=3
        Parameters listed per claim, in [1, 20].

    Returns
    -------
    pandas.DataFrame
        One row per claim: ``claim_id``, ``statistic``, ``low`` and ``high`` (its smallest and
        largest value over the Latin hypercube points, the part of the design spread
        uniformly over the space) and ``moved_by``: the (at most) ``n`` parameters with the
        largest Morris mean absolute elementary effect (``mu_star``) on the statistic, with it;
        parameters whose effect is 0 (to 9 decimals) are left out, and equal effects keep the
        order of the design's parameters. ``moved_by`` is ``"none"`` when no parameter moves
        the statistic.
    """
    n = check_int(n, "n", 1, 20)
    missing = [a for a in ("morris", "points") if not hasattr(robustness, a)]
    if missing:
        raise TypeError(
            f"'robustness' must be a RobustnessAssessment; got {type(robustness).__name__}, "
            f"without {missing}."
        )
    if not isinstance(statistics, Mapping) or len(statistics) == 0:
        raise TypeError(f"'statistics' must be a non-empty mapping; got {statistics!r}.")
    morris = robustness.morris[robustness.morris["kind"] == "statistic"]
    share = robustness.points[robustness.points["stage"] == "share"]
    rows = []
    for claim, stat in statistics.items():
        if stat not in share.columns:
            raise ValueError(f"statistic {stat!r} of {claim} is not among the design's outputs.")
        # parameters that move the statistic (mu_star > 0 to 9 decimals), largest first; the
        # rounding and a stable sort keep near-equal values from reordering across CPUs
        m_all = morris[morris["output"] == stat]
        key = m_all["mu_star"].round(9)
        m = m_all.loc[(-key[key > 0]).sort_values(kind="stable").index].head(n)
        moved = ", ".join(
            f"{p} ({v:.3g})" for p, v in zip(m["parameter"], m["mu_star"], strict=True)
        )
        moved = moved or "none"
        values = share[stat].astype(float)
        rows.append(
            {
                "claim_id": claim,
                "statistic": stat,
                "low": float(values.min()),
                "high": float(values.max()),
                "moved_by": moved,
            }
        )
    return pd.DataFrame(rows)
