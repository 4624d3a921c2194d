"""What the profile claims are judged on: each claim's estimate, rule, robustness judge and text.

Four claims about relational profiles and channel policies are judged on the randomised
policies of :mod:`~mcstudy.studies.profiles` and the affinity-gap sweep of
:mod:`~mcstudy.studies.affinity_gap`: C000-15 (social customers serve themselves by telephone)
and C001-02 (more channels reach more segments) on one statistic each
(:data:`CLAIM_STATISTICS`), C000-02 (channels matched to segments work better) on the profile
part of the segment policy's revenue gain (:data:`PART_GAIN`,
:func:`~mcstudy.studies.profile_part.profile_part`), and C002-04 (ultra-segmentation improves
response and loyalty) on the weaker of its two parts
(:data:`~mcstudy.studies.profile_part.ULTRA_SEGMENTATION_PARTS`, :func:`judge_parts`).

:func:`profile_claim_estimates` gathers them into the table :func:`mcstudy.claims.judge` reads,
:func:`profile_claim_rules` the rules they are judged by, :func:`robustness_judges` the judges
of a robustness design, and :func:`verdict_conditions` and :func:`verdict_methods` the text the
verdicts carry.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from mcstudy._validation import check_frame
from mcstudy.claims.combine import weakest
from mcstudy.claims.judging import point_judges
from mcstudy.claims.rules import Rule, rule_for
from mcstudy.io.catalogue import load_claims
from mcstudy.studies.affinity_gap import AffinityGapSweep, format_interval
from mcstudy.studies.claim_reading import simulated_conditions
from mcstudy.studies.profile_part import PROFILE_PART_NAMES, ULTRA_SEGMENTATION_PARTS

__all__ = [
    "CLAIM_STATISTICS",
    "PART_GAIN",
    "POLICY_STATISTICS",
    "PROFILE_CLAIMS",
    "ROBUSTNESS_PARAMETERS",
    "judge_parts",
    "profile_claim_estimates",
    "profile_claim_registry",
    "profile_claim_rules",
    "reference_table",
    "reference_verdicts",
    "robustness_judges",
    "verdict_conditions",
    "verdict_measures",
    "verdict_methods",
]

#: The claims, in the order they are judged and recorded.
PROFILE_CLAIMS = ("C000-02", "C000-15", "C001-02", "C002-04")
#: Claims judged on one statistic of :func:`~mcstudy.studies.profiles.profile_statistics`.
CLAIM_STATISTICS = {
    "C000-15": "service_phone_share_social_minus_autonomous",
    "C001-02": "reach_gain_per_channel",
}
#: The gain whose profile part C000-02 is judged on (its registered estimand: revenue).
PART_GAIN = "segment_minus_uniform_revenue"
#: The statistics of the policies shown beside the claims' (none of them judged).
_SECONDARY = (
    "segment_minus_uniform_revenue",
    "segment_minus_uniform_margin",
    "segment_minus_uniform_churn",
    "individual_minus_segment_margin",
    "individual_minus_uniform_margin",
    "service_mail_share_autonomous_minus_social",
)
#: The statistics of the randomised policies shown: the claims', C002-04's parts', the others.
POLICY_STATISTICS = (
    *CLAIM_STATISTICS.values(),
    *(p.statistic for p in ULTRA_SEGMENTATION_PARTS),
    *_SECONDARY,
)
#: The parameters the robustness design of the profile claims varies.
ROBUSTNESS_PARAMETERS = (
    "population.affinity_concentration",
    "population.social_share",
    "channel.affinity_social.telephone",
    "channel.affinity_autonomous.postal_mail",
    "channel.cost_per_contact_eur.telephone",
    "response.persuasion_effect",
    "response.irritation_per_contact",
    "population.attention_mean",
    # the two-sided mechanisms (docs/model.md section 7.15): fatigue shared or per channel,
    # synergy or interference between channels
    "response.fatigue_sharing",
    "response.channel_synergy",
)
_INTERVAL = ["mean", "ci_low", "ci_high"]


def judge_parts(stats: pd.DataFrame, registered: Rule, parts=ULTRA_SEGMENTATION_PARTS):
    """Each part of an "A and B" claim judged by its rule, and the weaker part.

    Parameters
    ----------
    stats : pandas.DataFrame
        Indexed by statistic, with ``mean``, ``ci_low``, ``ci_high`` and ``n_replications``
        (:func:`mcstudy.experiments.summarise_replications`).
    registered : mcstudy.claims.Rule
        The claim's registered rule; each part changes its direction and smallest effect
        (:meth:`~mcstudy.studies.profile_part.ClaimPart.rule`).
    parts : sequence of ClaimPart, default=ULTRA_SEGMENTATION_PARTS
        The parts, in the registry's order.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``part``: ``statistic``, ``mean``, ``ci_low``, ``ci_high``,
        ``n_replications``, ``direction``, ``smallest_effect``, ``verdict``, ``rule`` (the
        part's :class:`~mcstudy.claims.Rule`) and ``weaker`` (True on the part that decides
        the claim: the weakest verdict, the first part in the registry's order on a tie).
    """
    check_frame(stats, [*_INTERVAL, "n_replications"], "stats")
    rows = []
    for part in parts:
        rule = part.rule(registered)
        row = stats.loc[part.statistic]
        rows.append(
            {
                "part": part.name,
                "statistic": part.statistic,
                **{c: float(row[c]) for c in _INTERVAL},
                "n_replications": int(row["n_replications"]),
                "direction": rule.direction,
                "smallest_effect": rule.smallest_effect,
                "verdict": rule.judge(row["ci_low"], row["ci_high"]),
                "rule": rule,
            }
        )
    table = pd.DataFrame(rows).set_index("part")
    weak = next(n for n, v in table["verdict"].items() if v == weakest(table["verdict"]))
    return table.assign(weaker=table.index == weak)


def _weaker(parts: pd.DataFrame) -> pd.Series:
    return parts[parts["weaker"]].iloc[0]


def profile_claim_estimates(
    stats: pd.DataFrame, part_table: pd.DataFrame, parts: pd.DataFrame
) -> pd.DataFrame:
    """The estimate each profile claim is judged on, as :func:`mcstudy.claims.judge` reads it.

    Parameters
    ----------
    stats : pandas.DataFrame
        The randomised policies' statistics, indexed by name (``mean``, ``ci_low``,
        ``ci_high``, ``n_replications``).
    part_table : pandas.DataFrame
        The profile parts of the gains over the uniform mix, indexed by name
        (:func:`~mcstudy.studies.profile_report.profile_part_table`); C000-02 is judged on
        that of :data:`PART_GAIN`.
    parts : pandas.DataFrame
        C002-04's parts (:func:`judge_parts`); the weaker one is its estimate.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``claim_id`` (:data:`PROFILE_CLAIMS`): ``statistic``, ``effect``,
        ``ci_low``, ``ci_high`` and ``n``.
    """
    check_frame(stats, [*_INTERVAL, "n_replications"], "stats")
    weak = _weaker(parts)
    part = PROFILE_PART_NAMES[PART_GAIN]
    rows = {
        "C000-02": (part, part_table.loc[part]),
        **{c: (s, stats.loc[s]) for c, s in CLAIM_STATISTICS.items()},
        "C002-04": (weak["statistic"], stats.loc[weak["statistic"]]),
    }
    table = pd.DataFrame(
        [
            {
                "claim_id": claim,
                "statistic": statistic,
                "effect": float(row["mean"]),
                "ci_low": float(row["ci_low"]),
                "ci_high": float(row["ci_high"]),
                "n": int(row["n_replications"]),
            }
            for claim, (statistic, row) in rows.items()
        ]
    )
    return table.set_index("claim_id").loc[list(PROFILE_CLAIMS)]


def profile_claim_rules(parts: pd.DataFrame, claims=None) -> dict[str, Rule]:
    """The rule each profile claim is judged by: the registry's, C002-04's weaker part's.

    Parameters
    ----------
    parts : pandas.DataFrame
        C002-04's parts (:func:`judge_parts`).
    claims : pandas.DataFrame or str or Path, default=None
        The claims registry; ``data/claims.csv`` when None.

    Returns
    -------
    dict of str to mcstudy.claims.Rule
        By claim id, in the order of :data:`PROFILE_CLAIMS`.
    """
    registry = claims if isinstance(claims, pd.DataFrame) else load_claims(claims)
    rules = {c: rule_for(c, registry) for c in PROFILE_CLAIMS}
    rules["C002-04"] = _weaker(parts)["rule"]
    return rules


def profile_claim_registry(rules: Mapping[str, Rule], claims=None) -> pd.DataFrame:
    """The registry with each claim of ``rules`` read by that rule's direction and smallest effect.

    C002-04 is "A and B", judged on its weaker part, whose direction and smallest effect the
    registry's estimand states; judged and recorded against this registry, its verdict is
    read on the part's scale.

    Returns
    -------
    pandas.DataFrame
        A copy of the registry; only the ``direction`` and ``smallest_effect`` of the claims
        of ``rules`` can differ.
    """
    registry = (claims if isinstance(claims, pd.DataFrame) else load_claims(claims)).copy()
    for claim, rule in rules.items():
        at = registry["claim_id"] == claim
        registry.loc[at, "direction"] = rule.direction
        registry.loc[at, "smallest_effect"] = rule.smallest_effect
    return registry


def reference_verdicts(estimates: pd.DataFrame, rules: Mapping[str, Rule]) -> pd.Series:
    """Each claim's verdict at the reference context, by its rule (before robustness)."""
    check_frame(estimates, ["ci_low", "ci_high"], "estimates")
    return pd.Series(
        {c: rules[c].judge(r["ci_low"], r["ci_high"]) for c, r in estimates.iterrows()},
        name="reference verdict",
    )


def reference_table(estimates: pd.DataFrame, rules: Mapping[str, Rule]) -> pd.DataFrame:
    """Each claim's statistic, rule and verdict at the reference context, one row per claim.

    Returns
    -------
    pandas.DataFrame
        Indexed by claim id: ``statistic``, ``direction``, ``smallest effect`` and
        ``reference verdict`` (:func:`reference_verdicts`).
    """
    check_frame(estimates, ["statistic", "ci_low", "ci_high"], "estimates")
    reference = reference_verdicts(estimates, rules)
    return pd.DataFrame(
        {
            c: {
                "statistic": estimates.loc[c, "statistic"],
                "direction": rules[c].direction,
                "smallest effect": rules[c].smallest_effect,
                "reference verdict": reference[c],
            }
            for c in estimates.index
        }
    ).T


def robustness_judges(estimates: pd.DataFrame, rules: Mapping[str, Rule]) -> dict:
    """The judges of a robustness design: whether a point keeps a claim's reference verdict.

    Only claims whose reference verdict is ``supported`` or ``not supported`` get one; each
    reads the statistic its claim is judged on (``estimates["statistic"]``) from a point's
    statistics (:func:`~mcstudy.studies.profile_part.profile_study_statistics`).

    Returns
    -------
    dict of str to callable
        ``{claim: judge(statistics) -> bool}``.
    """
    check_frame(estimates, ["statistic"], "estimates")
    reference = reference_verdicts(estimates, rules).to_dict()
    return point_judges(rules, reference, {c: estimates.loc[c, "statistic"] for c in reference})


def verdict_methods(*, n_per_arm: int, gap_per_arm: int, pilot: int, n_weeks: int, n_reps: int):
    """How each profile claim's estimate was obtained, as its verdict states it.

    Returns
    -------
    dict of str to str
        By claim id (:data:`PROFILE_CLAIMS`).
    """
    method = (
        f"randomised arms per profile at equal contacts (pressures set on a pilot of {pilot:,} "
        f"customers per arm), {n_per_arm:,} customers per arm, {n_weeks} weeks; mean and "
        f"t-interval over {n_reps} replications"
    )
    gap = (
        f"randomised arms per profile at equal contacts at affinity gaps 1 and 0 (pressures "
        f"set at each gap on a pilot of {pilot:,} customers per arm), {gap_per_arm:,} customers "
        f"per arm, {n_weeks} weeks, common random numbers across the gaps; mean and t-interval "
        f"of the paired difference over {n_reps} replications"
    )
    return {c: gap if c == "C000-02" else method for c in PROFILE_CLAIMS}


def verdict_measures(parts: pd.DataFrame) -> dict[str, str]:
    """What an effect measures, where it says more than the registry's estimand.

    C000-15's share is measured under the uniform outbound mix, C001-02's gain is the mean
    over channels 2 to 6, and C002-04's effect is the part it was judged on (:func:`judge_parts`);
    C000-02's measure is its estimand.

    Returns
    -------
    dict of str to str
        By claim id.
    """
    weak = _weaker(parts).name
    scale = {"response": "revenue per customer-year (EUR)", "loyalty": "share of customers churned"}
    return {
        "C000-15": "share of a customer's service contacts by telephone, social minus autonomous "
        "customers, uniform outbound mix",
        "C001-02": "share of customers newly reached on their preferred channel per channel "
        "added (mean over channels 2 to 6)",
        "C002-04": f"{weak}, the weaker part of response and loyalty: {scale[weak]}, routing to "
        "each customer's preferences minus the segment mix, accurate customer files, equal "
        "contacts",
    }


def verdict_conditions(
    sweep: AffinityGapSweep,
    part_table: pd.DataFrame,
    parts: pd.DataFrame,
    rules: Mapping[str, Rule],
) -> dict[str, str]:
    """What each profile claim's verdict rests on, and the smallest effect that would matter.

    Parameters
    ----------
    sweep : AffinityGapSweep
        The affinity-gap sweep (C000-02's gains at gaps 1 and 0).
    part_table : pandas.DataFrame
        The profile parts of the gains over the uniform mix, indexed by name (the margin's is
        shown).
    parts : pandas.DataFrame
        C002-04's parts (:func:`judge_parts`).
    rules : mapping of str to Rule
        The rules the claims are judged by (:func:`profile_claim_rules`).

    Returns
    -------
    dict of str to str
        By claim id.
    """
    loyal = parts.loc["loyalty", "rule"]
    margin_part = part_table.loc[PROFILE_PART_NAMES["segment_minus_uniform_margin"]]
    text = {
        name: format_interval(*row[_INTERVAL], 4 if name == "loyalty" else 2)
        for name, row in parts.iterrows()
    }
    notes = {
        "C000-02": "Judged on revenue: the claim is about the channels' effectiveness, not "
        f"profit. The gain is {sweep.describe(PART_GAIN, 1.0)} EUR at the catalogue gap and "
        f"{sweep.describe(PART_GAIN, 0.0)} at gap 0; the margin's profile part is "
        f"{format_interval(*margin_part[_INTERVAL])} EUR.",
        "C000-15": "By construction: the profile sets the affinities that choose service "
        "channels (an input from source 000, magnitudes assumed); the survey statistics of "
        "section 3 recover it (Cramér's V above).",
        "C001-02": "Mechanical: follows from the spread of preferred channels that the "
        "affinities assume.",
        "C002-04": "Judged on its weakest part: "
        + "; ".join(f"{name} {text[name]} -> {parts.loc[name, 'verdict']}" for name in parts.index)
        + f" (revenue in EUR; churn as a share of customers, judged with direction "
        f"{loyal.direction:+d} and smallest effect {loyal.smallest_effect:g}). Customer files "
        "are accurate in the model; the text's own condition (precise, up-to-date files) is not "
        "varied.",
    }
    return simulated_conditions({c: notes[c] for c in PROFILE_CLAIMS}, rules)
