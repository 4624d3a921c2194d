"""Relevant messages, relationship age and intrusive mailings, in two randomised experiments.

Three claims the simulator cannot settle, read on real randomised data:

- relevance (C000-42): among Hillstrom customers who bought one merchandise line, the e-mail of
  their line against the other line's (:func:`one_line_buyers`, :func:`relevance_effects`,
  :func:`describe_relevance`);
- relationship age (C000-29): the randomised e-mail effect among new customers minus among the
  others (:func:`age_effects`, :func:`age_interactions`, :func:`describe_age`);
- intrusion (C000-43): the social-pressure mailings, from least to most intrusive
  (:func:`pressure_effects`, :func:`describe_pressure`).

:func:`experiment_claim_estimates` gathers the three estimates for
:func:`mcstudy.claims.judge`.

References
----------
.. [1] Hillstrom, K. (2008). The MineThatData E-Mail Analytics and Data Mining Challenge.
.. [2] Gerber, A. S., Green, D. P. and Larimer, C. W. (2008). Social pressure and voter
   turnout: evidence from a large-scale field experiment. American Political Science Review
   102(1), 33-48.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from mcstudy.analysis import arm_effects, interaction_test, subgroup_effects
from mcstudy.claims.rules import rule_for
from mcstudy.studies.verdict_notes import minimum_detectable

__all__ = [
    "PRESSURE_ORDER",
    "age_effects",
    "age_interactions",
    "age_table",
    "describe_age",
    "describe_pressure",
    "describe_relevance",
    "experiment_claim_estimates",
    "one_line_buyers",
    "pressure_effects",
    "relevance_effects",
    "relevance_table",
]

#: The social-pressure mailings in order of pressure (Gerber, Green and Larimer 2008, section 2).
PRESSURE_ORDER = ["civic_duty", "hawthorne", "self", "neighbors"]
_RELEVANCE_OUTCOMES = ["converted", "visited"]
_POOLED = "one line (pooled)"


def one_line_buyers(customers: pd.DataFrame) -> pd.DataFrame:
    """E-mailed Hillstrom customers who bought one line, with the ``message`` they got.

    ``message`` is ``matched`` when the e-mail featured the customer's line, ``mismatched``
    otherwise.
    """
    one_line = customers[
        (customers["emailed"] == 1) & customers["merchandise"].isin(["mens_only", "womens_only"])
    ].copy()
    one_line["merchandise"] = one_line["merchandise"].cat.remove_unused_categories()
    is_matched = ((one_line["merchandise"] == "mens_only") & (one_line["arm"] == "mens_email")) | (
        (one_line["merchandise"] == "womens_only") & (one_line["arm"] == "womens_email")
    )
    one_line["message"] = pd.Categorical(
        np.where(is_matched, "matched", "mismatched"), categories=["mismatched", "matched"]
    )
    return one_line


def relevance_effects(one_line: pd.DataFrame) -> pd.DataFrame:
    """Matched minus mismatched e-mail on conversion and visits, pooled and by line."""
    return pd.concat(
        [
            arm_effects(
                one_line, outcomes=_RELEVANCE_OUTCOMES, arm="message", control="mismatched"
            ).assign(merchandise=_POOLED),
            subgroup_effects(
                one_line,
                by="merchandise",
                outcomes=_RELEVANCE_OUTCOMES,
                arm="message",
                control="mismatched",
            ).rename(columns={"level": "merchandise"}),
        ],
        ignore_index=True,
    )


def relevance_table(relevance: pd.DataFrame) -> pd.DataFrame:
    """The columns of :func:`relevance_effects` the notebook shows, the rates named by message."""
    columns = ["merchandise", "outcome", "n", "mean", "control_mean", "difference", "ci_low"]
    return relevance[[*columns, "ci_high"]].rename(
        columns={"mean": "matched_rate", "control_mean": "mismatched_rate"}
    )


def _pp(row, digits: int = 2) -> str:
    return (
        f"{100 * row['difference']:+.{digits}f} pp ({100 * row['ci_low']:+.{digits}f} to "
        f"{100 * row['ci_high']:+.{digits}f})"
    )


def _relevance_rows(relevance: pd.DataFrame):
    pooled = relevance.set_index(["merchandise", "outcome"])
    by_line = {m: pooled.loc[(m, "converted")] for m in ("mens_only", "womens_only")}
    return pooled.loc[(_POOLED, "converted")], pooled.loc[(_POOLED, "visited")], by_line


def describe_relevance(relevance: pd.DataFrame) -> str:
    """What :func:`relevance_effects` shows, with C000-42's verdict by its rule, in Markdown."""
    conv, visit, by_line = _relevance_rows(relevance)
    rule = rule_for("C000-42")
    shown = " and ".join(
        f"{m} buyers" for m, r in by_line.items() if r["ci_low"] > 0 or r["ci_high"] < 0
    )
    held = " and ".join(
        f"{m} buyers" for m, r in by_line.items() if r["ci_low"] <= 0 <= r["ci_high"]
    )
    return f"""Among one-line buyers, the matched e-mail converted {100 * conv["mean"]:.2f} % of
customers against {100 * conv["control_mean"]:.2f} % for the mismatched one: a difference of
{100 * conv["difference"]:+.2f} points (95 % CI {100 * conv["ci_low"]:+.2f} to
{100 * conv["ci_high"]:+.2f}), against {100 * rule.smallest_effect:.1f} point that would
matter. On visits the difference is {100 * visit["difference"]:+.2f} points
({100 * visit["ci_low"]:+.2f} to {100 * visit["ci_high"]:+.2f}). By line, conversion moves by
{100 * by_line["mens_only"]["difference"]:+.2f} points among men's-only buyers and
{100 * by_line["womens_only"]["difference"]:+.2f} among women's-only buyers; the interval
excludes 0 among {shown or "neither group"} and holds 0 among {held or "neither group"}, so the
pooled effect is an average over two lines that need not respond alike. Verdict by the
registered rule: **{rule.judge(conv["ci_low"], conv["ci_high"])}**."""


def age_effects(customers: pd.DataFrame) -> pd.DataFrame:
    """The effect of either e-mail on conversion and visits, among new and older customers."""
    by_age = subgroup_effects(
        customers, by="newbie", outcomes=["converted", "visited"], arm="email", control="control"
    )
    by_age["relationship"] = by_age["level"].map({0: "older (newbie = 0)", 1: "new (newbie = 1)"})
    return by_age


def age_interactions(customers: pd.DataFrame) -> dict:
    """The e-mail x newbie interaction on conversion and visits.

    Keys: ``ols`` (conversion, additive), ``logit`` (conversion, log odds ratio) and ``visits``
    (visits, additive).
    """
    tests = {
        family: interaction_test(
            customers, treatment="emailed", moderator="newbie", outcome="converted", family=family
        )
        for family in ("ols", "logit")
    }
    tests["visits"] = interaction_test(
        customers, treatment="emailed", moderator="newbie", outcome="visited", family="ols"
    )
    return tests


def age_table(tests: Mapping) -> pd.DataFrame:
    """The interactions of :func:`age_interactions`, one row each."""
    table = pd.concat([t.summary() for t in tests.values()], ignore_index=True)
    columns = ["outcome", "level", "reference", "interaction", "ci_low", "ci_high", "pvalue"]
    return table[[*columns, "effect_scale"]]


def describe_age(by_age: pd.DataFrame, tests: Mapping) -> str:
    """What the e-mail effect by relationship age shows, with C000-29's verdict, in Markdown."""
    eff = by_age[by_age["outcome"] == "converted"].set_index("level")
    age, logit, rule = tests["ols"], tests["logit"], rule_for("C000-29")
    detectable = minimum_detectable(age.ci_low[0], age.ci_high[0])
    return f"""An e-mail changed conversion by {100 * eff.loc[1, "difference"]:+.2f} points among
new customers ({100 * eff.loc[1, "ci_low"]:+.2f} to {100 * eff.loc[1, "ci_high"]:+.2f})
and by {100 * eff.loc[0, "difference"]:+.2f} points among the others
({100 * eff.loc[0, "ci_low"]:+.2f} to {100 * eff.loc[0, "ci_high"]:+.2f}). The difference,
{100 * age.effect[0]:+.2f} points (95 % CI {100 * age.ci_low[0]:+.2f} to
{100 * age.ci_high[0]:+.2f}), is judged against the {100 * rule.smallest_effect:.2f} point that
would matter; the test detects {100 * detectable:.2f} points with 80 % power. On the odds-ratio
scale the interaction is {logit.effect[0]:+.3f} (p = {logit.pvalue[0]:.2f}); without an e-mail
new customers converted at {100 * eff.loc[1, "control_mean"]:.2f} % and the others at
{100 * eff.loc[0, "control_mean"]:.2f} %, and a group with a higher baseline can show a larger
additive effect with the same relative one. Verdict by the registered rule:
**{rule.judge(age.ci_low[0], age.ci_high[0])}**."""


def pressure_effects(voters: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Turnout by arm, and each mailing against no mailing and against Civic Duty.

    Returns
    -------
    turnout : pandas.DataFrame
        Voters and turnout by arm.
    pressure : pandas.DataFrame
        :func:`mcstudy.analysis.arm_effects` of every mailing, with a ``reference`` column
        (``control`` or ``civic_duty``), the arms in order of pressure.
    """
    turnout = voters.groupby("arm", observed=True).agg(
        voters=("voted", "size"), turnout=("voted", "mean")
    )
    vs_control = arm_effects(voters, outcomes=["voted"], control="control").assign(
        reference="control"
    )
    mailed = voters[voters["arm"] != "control"].copy()
    mailed["arm"] = mailed["arm"].cat.remove_unused_categories()
    vs_civic = arm_effects(mailed, outcomes=["voted"], control="civic_duty").assign(
        reference="civic_duty"
    )
    pressure = pd.concat([vs_control, vs_civic], ignore_index=True)
    pressure["arm"] = pd.Categorical(pressure["arm"], categories=PRESSURE_ORDER, ordered=True)
    return turnout, pressure.sort_values(["reference", "arm"]).reset_index(drop=True)


def _steps(pressure: pd.DataFrame) -> pd.Series:
    return pressure[pressure["reference"] == "control"].set_index("arm")["difference"]


def _neighbors(pressure: pd.DataFrame) -> pd.Series:
    rows = pressure[(pressure["reference"] == "civic_duty") & (pressure["arm"] == "neighbors")]
    return rows.iloc[0]


def describe_pressure(turnout: pd.DataFrame, pressure: pd.DataFrame) -> str:
    """What the social-pressure mailings show, with C000-43's verdict, in Markdown."""
    steps, neigh = _steps(pressure), _neighbors(pressure)
    monotone = bool(np.all(np.diff(steps.loc[PRESSURE_ORDER].to_numpy()) > 0))
    side = "the opposite of" if neigh["difference"] > 0 else "in"
    verdict = rule_for("C000-43").judge(neigh["ci_low"], neigh["ci_high"])
    return f"""Turnout {"rose with every step" if monotone else "did not rise with every step"} of
pressure: against no mailing
({100 * turnout.loc["control", "turnout"]:.1f} % voted), the mailings raised it by
{", ".join(f"{100 * steps[a]:+.1f}" for a in PRESSURE_ORDER)} points (Civic Duty to Neighbors).
The most intrusive mailing drew {100 * neigh["difference"]:+.2f} points more turnout than the
least intrusive one (95 % CI {100 * neigh["ci_low"]:+.2f} to {100 * neigh["ci_high"]:+.2f}),
{side} the claim's direction. Verdict by the registered rule: **{verdict}**."""


def experiment_claim_estimates(
    relevance: pd.DataFrame,
    n_one_line: int,
    age_tests: Mapping,
    pressure: pd.DataFrame,
    voters: pd.DataFrame,
) -> pd.DataFrame:
    """The estimate of C000-42, C000-29 and C000-43, one row each, for ``claims.judge``.

    Parameters
    ----------
    relevance : pandas.DataFrame
        :func:`relevance_effects`.
    n_one_line : int
        One-line buyers (C000-42's n).
    age_tests : mapping
        :func:`age_interactions`.
    pressure : pandas.DataFrame
        The ``pressure`` of :func:`pressure_effects`.
    voters : pandas.DataFrame
        The social-pressure voters (C000-43's n counts the Civic Duty arm).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``claim_id``: ``effect``, ``ci_low``, ``ci_high``, ``n``, ``method`` and
        ``condition``; each claim's measure is its registered estimand.
    """
    conv, visit, by_line = _relevance_rows(relevance)
    age, logit = age_tests["ols"], age_tests["logit"]
    detectable = minimum_detectable(age.ci_low[0], age.ci_high[0])
    steps, neigh = _steps(pressure), _neighbors(pressure)
    rows = [
        {
            "claim_id": "C000-42",
            "effect": conv["difference"],
            "ci_low": conv["ci_low"],
            "ci_high": conv["ci_high"],
            "n": n_one_line,
            "method": conv["method"],
            "condition": f"Visits: {_pp(visit)}. By line, conversion: "
            + ", ".join(f"{m} {_pp(r)}" for m, r in by_line.items())
            + ". Relevance here is the merchandise line only; one retailer, two e-mails, two "
            "weeks.",
        },
        {
            "claim_id": "C000-29",
            "effect": age.effect[0],
            "ci_low": age.ci_low[0],
            "ci_high": age.ci_high[0],
            "n": age.n,
            "method": age.method,
            "condition": (
                f"Interaction {100 * age.effect[0]:+.2f} pp (95 % CI {100 * age.ci_low[0]:+.2f} "
                f"to {100 * age.ci_high[0]:+.2f}); smallest that matters "
                f"{100 * rule_for('C000-29').smallest_effect:.2f} pp, detectable with 80 % power "
                f"{100 * detectable:.2f} pp. Log odds ratio {logit.effect[0]:+.3f} "
                f"({logit.ci_low[0]:+.3f} to {logit.ci_high[0]:+.3f}); visits "
                f"{100 * age_tests['visits'].effect[0]:+.2f} pp. Relationship age is proxied by "
                "newbie; Hillstrom has no opt-in variable, so permission itself is not varied."
            ),
        },
        {
            "claim_id": "C000-43",
            "effect": neigh["difference"],
            "ci_low": neigh["ci_low"],
            "ci_high": neigh["ci_high"],
            "n": int(neigh["n"] + (voters["arm"] == "civic_duty").sum()),
            "method": neigh["method"],
            "condition": "Effects vs no mailing, in order of pressure: "
            + ", ".join(f"{a} {100 * steps[a]:+.2f} pp" for a in PRESSURE_ORDER)
            + ". The claim says more intrusion, less response; the registered direction is -1. "
            "Voters are not customers and turnout is not a purchase; backlash that turnout does "
            "not measure (complaints, unsubscribing) is outside the estimand.",
        },
    ]
    return pd.DataFrame(rows).set_index("claim_id")
