"""What the Starbucks promotion experiment says about targeting, in tables, words and verdicts.

The targeting itself (the split, the uplift model, the policy's value) is in
:mod:`mcstudy.studies.promotion_targeting`; this module asks it the study's questions:

- what promoting everyone does (:func:`blanket_effect`, :func:`describe_blanket`);
- whether the model's ranking finds the customers who respond (:func:`held_out_view`,
  :func:`uplift_quintiles`, :func:`plot_uplift_quintiles`, :func:`describe_quintiles`,
  :func:`describe_halves`);
- what targeting is worth against promoting everyone or no one (:func:`policy_table`,
  :func:`targeting_parts`, :func:`describe_policy`);
- whether the verdicts hold on other splits (:func:`other_splits`,
  :func:`describe_other_splits`);
- the estimate of each claim (C000-46, C000-47) for :func:`mcstudy.claims.judge`
  (:func:`promotion_claim_estimates`).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from mcstudy.analysis import arm_effects, subgroup_effects
from mcstudy.claims.rules import rule_for
from mcstudy.claims.verdicts import weakest
from mcstudy.report.figures import plot_effects
from mcstudy.studies.promotion_targeting import (
    PROMOTION_COST,
    PolicyComparison,
    predict_uplift,
    split_halves,
    targeting_value,
    uplift_halves,
)

__all__ = [
    "blanket_effect",
    "describe_blanket",
    "describe_halves",
    "describe_other_splits",
    "describe_policy",
    "describe_quintiles",
    "held_out_view",
    "other_splits",
    "plot_uplift_quintiles",
    "policy_table",
    "promotion_claim_estimates",
    "purchase_rates",
    "split_sizes",
    "targeting_parts",
    "uplift_quintiles",
]

_QUINTILE = "predicted uplift quintile"


def purchase_rates(customers: pd.DataFrame) -> pd.DataFrame:
    """Customers and purchase rate by published split and arm."""
    return customers.groupby(["split", "arm"], observed=True).agg(
        customers=("purchased", "size"), purchase_rate=("purchased", "mean")
    )


def blanket_effect(customers: pd.DataFrame) -> pd.Series:
    """The promotion's effect on the purchase rate over all customers (promoting everyone)."""
    return arm_effects(customers, outcomes=["purchased"], control="control").iloc[0]


def describe_blanket(customers: pd.DataFrame, blanket: pd.Series) -> str:
    """What promoting everyone does, net of the promotion's cost, in Markdown."""
    net = blanket["difference"] - PROMOTION_COST
    return f"""Over all {len(customers):,} customers, the promotion raised the purchase rate
from {100 * blanket["control_mean"]:.2f} % to {100 * blanket["mean"]:.2f} %:
{100 * blanket["difference"]:+.2f} points (95 % CI {100 * blanket["ci_low"]:+.2f} to
{100 * blanket["ci_high"]:+.2f}). At {PROMOTION_COST:.3f} purchase per promotion, sending it to
everyone {"gains" if net > 0 else "loses"} {abs(net):.4f} purchase per customer
against sending it to no one."""


def held_out_view(held: pd.DataFrame, uplift) -> pd.DataFrame:
    """The held-out customers with their predicted uplift, its quintile and its half."""
    uplift = np.asarray(uplift)
    return held.assign(
        predicted_uplift=uplift,
        quintile=pd.qcut(
            pd.Series(uplift).rank(method="first"), 5, labels=[f"Q{i}" for i in range(1, 6)]
        ).to_numpy(),
        half=np.where(
            pd.Series(uplift).rank(method="first", ascending=False).to_numpy() <= len(held) // 2,
            "upper",
            "lower",
        ),
    )


def split_sizes(fit_half: pd.DataFrame, held: pd.DataFrame) -> pd.DataFrame:
    """Customers, promoted customers and purchase rate of the fitting and held-out halves."""
    return pd.DataFrame(
        {
            "customers": [len(fit_half), len(held)],
            "promoted": [fit_half["arm"].eq("promotion").sum(), held["arm"].eq("promotion").sum()],
            "purchase_rate": [fit_half["purchased"].mean(), held["purchased"].mean()],
        },
        index=["fitting half", "held-out half"],
    )


def uplift_quintiles(view: pd.DataFrame) -> pd.DataFrame:
    """The held-out promotion effect in each quintile of predicted uplift."""
    return subgroup_effects(
        view, by="quintile", outcomes=["purchased"], arm="arm", control="control"
    ).rename(columns={"level": _QUINTILE})


def plot_uplift_quintiles(by_quintile: pd.DataFrame):
    """The effect by quintile of predicted uplift, the promotion's cost dashed.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = plot_effects(
        by_quintile,
        y=_QUINTILE,
        col="outcome",
        xlabel={"purchased": "promotion effect on purchase rate"},
    )
    for ax in fig.axes:
        ax.axvline(PROMOTION_COST, color="grey", linestyle="--", linewidth=1)
    fig.suptitle("Held-out promotion effect by quintile of predicted uplift (95 % CI)", y=1.04)
    return fig


def describe_quintiles(by_quintile: pd.DataFrame, qini: float, uplift) -> str:
    """What the effect by quintile and the Qini coefficient show, in Markdown."""
    q = by_quintile.set_index(_QUINTILE)
    targeted = np.asarray(uplift) > PROMOTION_COST
    return f"""On the held-out half, the promotion's effect on the purchase rate runs from
{100 * q.loc["Q1", "difference"]:+.2f} points in the fifth of customers with the lowest predicted
uplift to {100 * q.loc["Q5", "difference"]:+.2f} points in the fifth with the highest (dashed
line: the cost, {100 * PROMOTION_COST:.1f} points). The model's Qini coefficient on these
customers is {qini:.3f} (1 for a perfect ranking, about 0 for a random one). The targeted policy
would send the promotion to {100 * targeted.mean():.1f} % of the held-out customers."""


def policy_table(policy: PolicyComparison) -> pd.DataFrame:
    """The promotion's effect among the targeted customers and the others."""
    return pd.DataFrame(
        {
            "customers": [policy.n_targeted, policy.n - policy.n_targeted],
            "promotion_effect": [policy.effect_targeted, policy.effect_not_targeted],
            "ci_low": [policy.effect_targeted_ci[0], policy.effect_not_targeted_ci[0]],
            "ci_high": [policy.effect_targeted_ci[1], policy.effect_not_targeted_ci[1]],
        },
        index=["targeted", "not targeted"],
    )


def targeting_parts(policy: PolicyComparison) -> pd.DataFrame:
    """The two parts of C000-46, each judged by its rule: targeting minus everyone, minus no one.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``part``: ``effect``, ``ci_low``, ``ci_high`` (net purchases per customer)
        and ``verdict``.
    """
    rule = rule_for("C000-46")
    parts = pd.DataFrame(
        [
            ("targeted - everyone", policy.vs_everyone, *policy.vs_everyone_ci),
            ("targeted - no one", policy.vs_no_one, *policy.vs_no_one_ci),
        ],
        columns=["part", "effect", "ci_low", "ci_high"],
    ).set_index("part")
    parts["verdict"] = [rule.judge(lo, hi) for lo, hi in parts[["ci_low", "ci_high"]].values]
    return parts


def _recorded_part(parts: pd.DataFrame) -> str:
    # the weakest part; between parts with the same verdict, the one nearest to failing
    verdict = weakest(parts["verdict"])
    return parts[parts["verdict"] == verdict]["ci_low"].idxmin()


def describe_policy(policy: PolicyComparison) -> str:
    """What targeting is worth against promoting everyone or no one, in Markdown."""
    parts = targeting_parts(policy)
    ev, no = parts.loc["targeted - everyone"], parts.loc["targeted - no one"]
    part = _recorded_part(parts)

    def per_1000(row) -> str:
        return f"{1000 * row['ci_low']:+.2f} to {1000 * row['ci_high']:+.2f}"

    return f"""The model targeted {100 * policy.share_targeted:.1f} % of the held-out customers.
Among them the promotion raised the purchase rate by {100 * policy.effect_targeted:+.2f} points
(95 % CI {100 * policy.effect_targeted_ci[0]:+.2f} to {100 * policy.effect_targeted_ci[1]:+.2f});
among the others by {100 * policy.effect_not_targeted:+.2f} points
({100 * policy.effect_not_targeted_ci[0]:+.2f} to
{100 * policy.effect_not_targeted_ci[1]:+.2f}), against a cost of
{100 * PROMOTION_COST:.1f} points. Per 1,000 held-out customers, targeting yields
{1000 * ev["effect"]:+.2f} net purchases (95 % CI {per_1000(ev)}) more than promoting everyone
and {1000 * no["effect"]:+.2f} ({per_1000(no)}) more than promoting no one, against
{1000 * rule_for("C000-46").smallest_effect:.1f} that would matter. Verdicts by part:
{ev["verdict"]} and {no["verdict"]}; the claim, judged on the weaker part:
**{parts.loc[part, "verdict"]}**, recorded with the interval of the part "{part}"."""


def describe_halves(view: pd.DataFrame, halves) -> str:
    """The effect in the upper and lower half of predicted uplift, and C000-47's verdict."""
    by_half = subgroup_effects(
        view, by="half", outcomes=["purchased"], arm="arm", control="control"
    ).set_index("level")
    rule = rule_for("C000-47")
    up, low = by_half.loc["upper"], by_half.loc["lower"]
    return f"""In the upper half of predicted uplift the promotion changed the purchase rate by
{100 * up["difference"]:+.2f} points ({100 * up["ci_low"]:+.2f} to {100 * up["ci_high"]:+.2f}); in
the lower half by {100 * low["difference"]:+.2f} points ({100 * low["ci_low"]:+.2f} to
{100 * low["ci_high"]:+.2f}). The difference, {100 * halves.effect[0]:+.2f} points (95 % CI
{100 * halves.ci_low[0]:+.2f} to {100 * halves.ci_high[0]:+.2f}), is judged against the
{100 * rule.smallest_effect:.2f} point that would matter. Verdict by the registered rule:
**{rule.judge(halves.ci_low[0], halves.ci_high[0])}**."""


def other_splits(customers: pd.DataFrame, seeds: Iterable[int]) -> pd.DataFrame:
    """Both claims' statistics and verdicts on the published split and on other seeds' splits.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``design`` (``published split``, then ``seed {s}``): the share targeted, the
        gains over promoting everyone and no one, the halves' difference, and the verdict of
        each claim (columns ``C000-46`` and ``C000-47``).
    """
    designs = {
        "published split": (
            customers[customers["split"] == "training"],
            customers[customers["split"] == "test"],
        )
    }
    designs |= {f"seed {s}": split_halves(customers, seed=s) for s in seeds}
    rule46, rule47 = rule_for("C000-46"), rule_for("C000-47")
    rows = []
    for name, (part_fit, part_held) in designs.items():
        score = predict_uplift(part_fit, part_held)
        pol, hv = targeting_value(part_held, score), uplift_halves(part_held, score)
        rows.append(
            {
                "design": name,
                "share_targeted": pol.share_targeted,
                "vs_everyone": pol.vs_everyone,
                "vs_no_one": pol.vs_no_one,
                "vs_no_one_low": pol.vs_no_one_ci[0],
                "C000-46": weakest(
                    rule46.judge(*ci) for ci in (pol.vs_everyone_ci, pol.vs_no_one_ci)
                ),
                "halves": hv.effect[0],
                "halves_low": hv.ci_low[0],
                "C000-47": rule47.judge(hv.ci_low[0], hv.ci_high[0]),
            }
        )
    return pd.DataFrame(rows).set_index("design")


def describe_other_splits(splits: pd.DataFrame, policy: PolicyComparison, halves) -> str:
    """How often the registered split's verdicts recur on the other seeds' splits, in Markdown.

    ``policy`` and ``halves`` are the registered split's
    (:func:`mcstudy.studies.promotion_targeting.targeting_value` and ``uplift_halves``).
    """
    seeds = splits.drop(index="published split")
    verdicts = {
        "C000-46": weakest(targeting_parts(policy)["verdict"]),
        "C000-47": rule_for("C000-47").judge(halves.ci_low[0], halves.ci_high[0]),
    }
    same = {c: (seeds[c] == verdicts[c]).mean() for c in ("C000-46", "C000-47")}
    published = splits.loc["published split"]
    return f"""On the published split, C000-46 is **{published["C000-46"]}** (targeting gains
{1000 * published["vs_everyone"]:+.2f} net purchases per 1,000 customers over promoting everyone
and {1000 * published["vs_no_one"]:+.2f} over promoting no one) and C000-47 is
**{published["C000-47"]}** (difference between the halves {100 * published["halves"]:+.2f}
points). Over {len(seeds)} other seeds, the registered verdict of C000-46 recurs in
{100 * same["C000-46"]:.0f} % of them and that of C000-47 in {100 * same["C000-47"]:.0f} %; the
gain over promoting no one ranges from {1000 * seeds["vs_no_one"].min():+.2f} to
{1000 * seeds["vs_no_one"].max():+.2f} per 1,000 customers."""


def promotion_claim_estimates(policy: PolicyComparison, halves) -> pd.DataFrame:
    """The estimate of C000-46 and C000-47, one row each, for ``claims.judge``.

    C000-46 is recorded with its weaker part (:func:`targeting_parts`); between parts with
    the same verdict, the one nearest to failing (the lowest lower limit).

    Parameters
    ----------
    policy : PolicyComparison
        :func:`mcstudy.studies.promotion_targeting.targeting_value` on the held-out half.
    halves
        :func:`mcstudy.studies.promotion_targeting.uplift_halves` on the held-out half.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``claim_id``: ``effect``, ``ci_low``, ``ci_high``, ``n``, ``measure`` (the
        part C000-46 is recorded with; NaN for C000-47, whose measure is its registered
        estimand), ``method`` and ``condition``.
    """
    parts = targeting_parts(policy)
    part = _recorded_part(parts)
    rows = [
        {
            "claim_id": "C000-46",
            **parts.loc[part, ["effect", "ci_low", "ci_high"]].to_dict(),
            "n": policy.n,
            "measure": f"net incremental purchases per held-out customer, {part} (cost "
            f"{PROMOTION_COST:.3f} purchase per promotion), Starbucks promotion experiment",
            "method": policy.method,
            "condition": "; ".join(
                f"{p}: {1000 * r.effect:+.2f} (95 % CI {1000 * r.ci_low:+.2f} to "
                f"{1000 * r.ci_high:+.2f}) purchases per 1,000 customers, {r.verdict}"
                for p, r in zip(parts.index, parts.itertuples(), strict=True)
            )
            + f". Targeted {100 * policy.share_targeted:.1f} % of held-out customers. One "
            "promotion of one coffee chain; features anonymised; the model was fitted on the "
            "other half.",
        },
        {
            "claim_id": "C000-47",
            "effect": halves.effect[0],
            "ci_low": halves.ci_low[0],
            "ci_high": halves.ci_high[0],
            "n": halves.n,
            "method": halves.method,
            "condition": (
                f"Interaction {100 * halves.effect[0]:+.2f} pp (95 % CI "
                f"{100 * halves.ci_low[0]:+.2f} to {100 * halves.ci_high[0]:+.2f}); smallest "
                f"that matters {100 * rule_for('C000-47').smallest_effect:.2f} pp. The halves are "
                "defined by seven anonymised features through the model; the segments cannot be "
                "named."
            ),
        },
    ]
    return pd.DataFrame(rows).set_index("claim_id")
