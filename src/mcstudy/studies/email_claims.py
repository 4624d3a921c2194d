"""The Hillstrom claims' estimates, judged in one call, and what the verdicts say.

:func:`email_claim_estimates` gathers, for each claim the Hillstrom notebook judges (C000-03,
C001-06, C003-05, C004-06), the estimate its registered rule reads: effect, interval, n, the
adjusted interval of the ``association`` claims, and the measure, method, evidence and
condition recorded with it, ready for :func:`mcstudy.claims.judge`. A claim of "A and B" is
recorded with its weaker part, and the claim that the A/B test's winner is at least as good
everywhere with its weakest pre-registered segment (:func:`winner_segments`).
:func:`describe_email_verdicts` words the recorded verdicts.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from mcstudy.analysis.hillstrom import winner_by_segment
from mcstudy.claims.rules import rule_for
from mcstudy.claims.verdicts import weakest
from mcstudy.studies.verdict_notes import minimum_detectable

__all__ = [
    "c003_parts",
    "describe_email_verdicts",
    "describe_power",
    "describe_winner",
    "email_claim_estimates",
    "winner_segments",
]

_LOYAL = ("converted", "additive (OLS)")
_LOYAL_ODDS = ("converted", "odds ratio (logit)")
_C003_PARTS = {
    "conversion": ("conversion", "all arms"),
    "basket value": ("basket (spend of buyers)", "all arms"),
}


def winner_segments(customers: pd.DataFrame) -> pd.DataFrame:
    """The A/B test's overall winner minus the other e-mail in every pre-registered segment.

    Each row (segment ``all`` first) is judged by C000-04-06's registered ``non_inferiority``
    rule (column ``verdict``).

    Parameters
    ----------
    customers : pandas.DataFrame
        The Hillstrom customer table with the analysis columns.

    Returns
    -------
    pandas.DataFrame
        :func:`mcstudy.analysis.hillstrom.winner_by_segment` on 2-week conversion of the
        e-mailed customers, with a ``verdict`` column.
    """
    rule = rule_for("C004-06")
    by_segment = winner_by_segment(customers[customers["emailed"] == 1], outcome="converted")
    by_segment["verdict"] = [
        rule.judge(lo, hi) for lo, hi in by_segment[["ci_low", "ci_high"]].values
    ]
    return by_segment


def describe_winner(by_segment: pd.DataFrame) -> str:
    """The overall winner of :func:`winner_segments`, the margin and the segments' verdicts."""
    overall = by_segment[by_segment["segment"] == "all"].iloc[0]
    counts = by_segment.loc[by_segment["segment"] != "all", "verdict"].value_counts()
    return (
        f"overall winner: {overall['winner']} (minus {overall['other']}: "
        f"{100 * overall['difference']:+.2f} pp, {100 * overall['ci_low']:+.2f} to "
        f"{100 * overall['ci_high']:+.2f}); margin "
        f"{100 * rule_for('C004-06').smallest_effect:g} pp; segments: "
        + ", ".join(f"{n} {v}" for v, n in counts.items())
    )


def describe_power(loyal: Mapping) -> str:
    """The smallest loyal x e-mail difference the C000-03 test detects with 80 % power."""
    test = loyal[_LOYAL]
    detectable = minimum_detectable(test.ci_low[0], test.ci_high[0])
    return (
        f"C000-03: smallest difference that would matter "
        f"{100 * rule_for('C000-03').smallest_effect:.2f} pp; minimum detectable difference at "
        f"80 % power {100 * detectable:.2f} pp"
    )


def _weakest_segment(by_segment: pd.DataFrame):
    segments = by_segment[by_segment["segment"] != "all"]
    verdict = weakest(segments["verdict"])
    weak = segments[segments["verdict"] == verdict].sort_values("ci_low", kind="stable").iloc[0]
    return segments, weak


def _c000_03(loyal: Mapping, tests: pd.DataFrame) -> dict:
    test, rule = loyal[_LOYAL], rule_for("C000-03")
    joint = tests[(tests["moderator"] != "past_channel") & (tests["outcome"] == "converted")]
    detectable = minimum_detectable(test.ci_low[0], test.ci_high[0])
    return {
        "claim_id": "C000-03",
        "effect": test.effect[0],
        "ci_low": test.ci_low[0],
        "ci_high": test.ci_high[0],
        "n": test.n,
        "measure": "e-mail effect on 2-week conversion among loyal customers (recency <= 3 "
        "months and past-year spend >= $350) minus among the others, difference in proportions",
        "method": test.method,
        "evidence": "causal",
        "condition": (
            f"The loyal-vs-other difference in the randomised e-mail effect is "
            f"{test.effect[0] * 100:+.2f} pp (95 % CI {test.ci_low[0] * 100:+.2f} to "
            f"{test.ci_high[0] * 100:+.2f}); the smallest difference that would matter is "
            f"{rule.smallest_effect * 100:.2f} pp and the smallest this test detects with 80 % "
            f"power is {detectable * 100:.2f} pp. On the odds-ratio scale it is "
            f"{loyal[_LOYAL_ODDS].effect[0]:+.3f} (log odds ratio). "
            f"Joint tests of e-mail x recency and e-mail x past-spend buckets on conversion: "
            f"smallest p = {joint['pvalue'].min():.2f}. Loyalty is proxied by recency and past "
            f"spend: Hillstrom has no opt-in variable."
        ),
    }


def _association_row(lift, **text) -> dict:
    raw = lift.unadjusted
    return {
        "effect": raw.lift,
        "ci_low": raw.ci_low,
        "ci_high": raw.ci_high,
        "causal_ci_low": lift.adjusted.ci[0],
        "causal_ci_high": lift.adjusted.ci[1],
        "n": lift.n,
        "method": lift.method + "; association judged against the covariate-adjusted comparison",
        "evidence": "observational",
        **text,
    }


def _c001_06(lifts: Mapping) -> dict:
    lift, pooled = lifts[("conversion", "No E-Mail arm")], lifts[("conversion", "all arms")]
    rule = rule_for("C001-06")
    raw, adjusted = lift.unadjusted, lift.adjusted
    pooled_verdict = rule.judge(*pooled.unadjusted.ci, causal_ci=pooled.adjusted.ci)
    return _association_row(
        lift,
        claim_id="C001-06",
        measure="relative difference in 2-week conversion, past-year Multichannel vs Phone+Web "
        "customers, No E-Mail arm, unadjusted (claimed +2.87)",
        condition=(
            f"Raw lift {raw.describe()}, adjusted {adjusted.describe()}; the claimed "
            f"{rule.claimed:+.0%} lies {'above' if raw.ci_high < rule.claimed else 'inside'} the "
            f"raw interval. Over all arms the raw lift {pooled.unadjusted.describe()} becomes "
            f"{pooled.adjusted.describe()} after adjustment ({pooled_verdict} by the same rule, "
            f"without the claimed magnitude it would be judged on its own). 'Multichannel' is "
            f"defined by past purchases (selection on frequency and value)."
        ),
    )


def c003_parts(lifts: Mapping) -> dict:
    """Each part of C003-05 (conversion, basket value) judged by its rule, raw against adjusted."""
    rule = rule_for("C003-05")
    return {
        part: rule.judge(
            *lifts[key].unadjusted.ci,
            causal_ci=lifts[key].adjusted.ci,
            observed=lifts[key].unadjusted.lift,
        )
        for part, key in _C003_PARTS.items()
    }


def _c003_05(lifts: Mapping) -> dict:
    parts = c003_parts(lifts)
    verdict = weakest(parts.values())
    weakest_part = next(part for part, v in parts.items() if v == verdict)
    return _association_row(
        lifts[_C003_PARTS[weakest_part]],
        claim_id="C003-05",
        measure=f"relative difference in {weakest_part} (the weaker part of the claim), "
        "past-year Multichannel vs Phone+Web customers, all arms, unadjusted",
        condition="; ".join(
            f"{part}: raw {lifts[key].unadjusted.describe()}, adjusted "
            f"{lifts[key].adjusted.describe()} -> {parts[part]}"
            for part, key in _C003_PARTS.items()
        )
        + ". Adjustment for observed covariates is not randomisation.",
    )


def _c004_06(by_segment: pd.DataFrame) -> dict:
    rule = rule_for("C004-06")
    overall = by_segment[by_segment["segment"] == "all"].iloc[0]
    segments, weak = _weakest_segment(by_segment)
    return {
        "claim_id": "C004-06",
        "effect": float(weak["difference"]),
        "ci_low": float(weak["ci_low"]),
        "ci_high": float(weak["ci_high"]),
        "n": int(weak["n"] + weak["n_other"]),
        "measure": f"2-week conversion, {overall['winner']} (the overall winner) minus "
        f"{overall['other']}, in the weakest pre-registered segment ({weak['segment']} = "
        f"{weak['level']}), difference in proportions",
        "method": f"{weak['method']}; non-inferiority at {100 * rule.smallest_effect:g} point in "
        f"each of {len(segments)} segments, the claim judged on the weakest",
        "evidence": "causal",
        "condition": (
            f"Overall winner {overall['winner']}: {100 * overall['difference']:+.2f} pp "
            f"({100 * overall['ci_low']:+.2f} to {100 * overall['ci_high']:+.2f}). By segment: "
            + "; ".join(
                f"{r.segment} {r.level} {100 * r.difference:+.2f} pp ({100 * r.ci_low:+.2f} to "
                f"{100 * r.ci_high:+.2f}) -> {r.verdict}"
                for r in segments.itertuples()
            )
            + ". Segments registered before this comparison; the merchandise groups' comparison "
            "was already in this notebook's outputs."
        ),
    }


def email_claim_estimates(
    loyal: Mapping, tests: pd.DataFrame, lifts: Mapping, by_segment: pd.DataFrame
) -> pd.DataFrame:
    """The estimate of each Hillstrom claim, one row per claim, for :func:`mcstudy.claims.judge`.

    Parameters
    ----------
    loyal : mapping
        :func:`mcstudy.studies.email_response.loyal_interactions` (C000-03).
    tests : pandas.DataFrame
        :func:`mcstudy.studies.email_response.interaction_tests` (C000-03's condition).
    lifts : mapping
        :func:`mcstudy.studies.multichannel_selection.multichannel_lifts` (C001-06, C003-05).
    by_segment : pandas.DataFrame
        :func:`winner_segments` (C004-06).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``claim_id``: ``effect``, ``ci_low``, ``ci_high``, ``n``, the adjusted
        interval (``causal_ci_low``, ``causal_ci_high``; NaN for the causal claims),
        ``measure``, ``method``, ``evidence`` and ``condition``.
    """
    rows = [_c000_03(loyal, tests), _c001_06(lifts), _c003_05(lifts), _c004_06(by_segment)]
    return pd.DataFrame(rows).set_index("claim_id")


def describe_email_verdicts(
    recorded: pd.DataFrame, loyal: Mapping, lifts: Mapping, by_segment: pd.DataFrame
) -> str:
    """The summary of the Hillstrom verdicts, in Markdown.

    Parameters
    ----------
    recorded : pandas.DataFrame
        The verdicts :func:`mcstudy.claims.judge` recorded from :func:`email_claim_estimates`.
    loyal, lifts, by_segment
        As for :func:`email_claim_estimates`.
    """
    v = recorded.set_index("claim_id")
    c000, c004 = v.loc["C000-03"], v.loc["C004-06"]
    test = loyal[_LOYAL]
    detectable = minimum_detectable(test.ci_low[0], test.ci_high[0])
    lift_no_email, lift_all = (
        lifts[("conversion", "No E-Mail arm")],
        lifts[_C003_PARTS["conversion"]],
    )
    basket = lifts[_C003_PARTS["basket value"]].unadjusted
    parts = c003_parts(lifts)
    overall = by_segment[by_segment["segment"] == "all"].iloc[0]
    segments, weak = _weakest_segment(by_segment)
    open_question = ": the data neither show nor rule out what the claim says"
    return f"""**Summary** (each verdict as recorded above).

* **C000-03, e-mail better received by loyal customers: {c000["verdict"]}.** The randomised e-mail
  effect among recent, high-spending customers minus the effect among the others is
  {100 * c000["effect"]:+.2f} points (95 % CI {100 * c000["ci_low"]:+.2f} to
  {100 * c000["ci_high"]:+.2f});
  on the odds scale {loyal[_LOYAL_ODDS].effect[0]:+.3f}. The test could detect a difference of
  {100 * detectable:.2f} points with 80 % power, against
  {100 * rule_for("C000-03").smallest_effect:.2f} that would
  matter{open_question if c000["verdict"] == "inconclusive" else ""}.
* **C001-06, multichannel customers buy +287 % more often: {v.loc["C001-06", "verdict"]}.**
  The two-week conversion of Multichannel customers without e-mail differs by
  {lift_no_email.unadjusted.describe()} from single-channel customers (adjusted
  {lift_no_email.adjusted.describe()}). Over all arms the
  raw gap {lift_all.unadjusted.describe()} becomes {lift_all.adjusted.describe()} after adjustment.
* **C003-05, higher conversion and basket values: {v.loc["C003-05", "verdict"]}.** Conversion:
  {parts["conversion"]}; basket values differ by {basket.describe()}
  ({parts["basket value"]}).
* **C004-06, the A/B test's winner is at least as good in every segment: {c004["verdict"]}.**
  Over all e-mailed customers {overall["winner"]} beats {overall["other"]} by
  {100 * overall["difference"]:+.2f} points (95 % CI {100 * overall["ci_low"]:+.2f} to
  {100 * overall["ci_high"]:+.2f}); it is not worse by {100 * rule_for("C004-06").smallest_effect:g}
  point or more in {(segments["verdict"] == "supported").sum()} of the {len(segments)}
  pre-registered segments. In the weakest, {weak["segment"]} = {weak["level"]}, the difference is
  {100 * c004["effect"]:+.2f} points ({100 * c004["ci_low"]:+.2f} to
  {100 * c004["ci_high"]:+.2f})."""
