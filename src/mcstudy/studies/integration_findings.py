"""What the integration experiments find, in tables, figures and words.

The studies are :mod:`mcstudy.studies.integration`; :mod:`mcstudy.studies.integration_report`
holds the arithmetic on their outputs. This module turns their replicated outputs and
summaries into what a reader sees:

- which claim each statistic judges (:data:`INTEGRATION_CLAIMS`, :data:`COORDINATION_CLAIMS`,
  :data:`KPI_CLAIMS`), what the reader should know about each (:data:`INTEGRATION_NOTES`) and
  how each was estimated (:func:`integration_methods`), and what an effect measures where it
  is narrower than the registry's estimand (:data:`INTEGRATION_MEASURES`);
- the per-arm table of the integration path (:func:`path_table`) and the Shapley shares of its
  factors (:func:`shapley_shares`, :func:`plot_shapley`);
- the uncoordinated teams (:func:`plot_coordination`) and the own-KPI grid
  (:func:`silo_margin_gap`);
- the break-even frontier (:func:`plot_break_even`);
- the paragraphs that quote these numbers (``describe_*``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from mcstudy._validation import check_frame
from mcstudy.analysis.choice import idxbest
from mcstudy.claims.rules import Rule, judge_association
from mcstudy.experiments.summary import summarise_replications
from mcstudy.model.design import shapley_decomposition
from mcstudy.studies.integration import COORDINATION_CHANNELS, INTEGRATION_FACTOR_GROUPS
from mcstudy.studies.integration_report import describe_break_even

__all__ = [
    "COORDINATION_CLAIMS",
    "INTEGRATION_CLAIMS",
    "INTEGRATION_MEASURES",
    "INTEGRATION_NOTES",
    "KPI_CLAIMS",
    "describe_between_firm_gap",
    "describe_comparison_test",
    "describe_coordination",
    "describe_frontier",
    "describe_integration_gain",
    "describe_retention",
    "describe_shapley",
    "describe_silo_gap",
    "integration_methods",
    "path_table",
    "plot_break_even",
    "plot_coordination",
    "plot_shapley",
    "shapley_shares",
    "silo_margin_gap",
]

#: The statistic of :func:`~mcstudy.studies.integration.integration_statistics` each claim
#: is judged on.
INTEGRATION_CLAIMS = {
    "C000-04": "retention_omni_minus_siloed",
    "C000-12": "customers_contradicted_share",
    "C003-02": "purchases_inconsistent_relative",
    "C003-07": "satisfaction_comparison_error",
}
#: ... and of :func:`~mcstudy.studies.integration.coordination_statistics`.
COORDINATION_CLAIMS = {
    "C000-10": "duplicated_customers_share",
    "C000-11": "conflicts_slope",
    "C001-03": "email_after_purchase_share",
}
#: ... and of the own-KPI grid (:func:`silo_margin_gap`).
KPI_CLAIMS = {"C003-09": "margin_global_minus_silo"}

#: What an effect measures where the simulated quantity is narrower than the registry's
#: estimand (contacts counted by week, a purchase standing for a product): the other claims'
#: effects measure their estimand.
INTEGRATION_MEASURES = {
    "C000-10": "share of customers contacted by two or more channels in one week at least once "
    "in a year, siloed teams, default mix",
    "C000-11": "multi-channel plus contradictory weeks per customer-year for each extra "
    "uncoordinated channel (slope), one contact a week in total",
    "C001-03": "share of e-mails sent in the week after a purchase, e-mail system not connected "
    "to the tills",
}
#: What the reader should know about each claim's verdict (its condition opens with it).
INTEGRATION_NOTES = {
    "C000-04": "Integration here is the six factors of the omnichannel preset; its retention "
    "effect runs through irritation, effort and the relationship, whose sizes are assumptions, "
    "and can cost through a shared history that raises contact pressure and a consistency rule "
    "that suppresses relevant offers (varied by the robustness design).",
    "C000-10": "That independent teams contact the same customers in the same week follows "
    "from independent contact plans; the share is a consequence of the calibrated pressure and "
    "mix.",
    "C000-11": "Counts of weeks, at a fixed total pressure; contradictions also depend on the "
    "assumed probability that a multi-channel week contradicts (0.3).",
    "C000-12": "The probability that a multi-channel week carries contradictory offers (0.3) is "
    "an assumption; how often channels meet follows from the contact plan.",
    "C001-03": "Purchases, not products: the model has no product catalogue, so an e-mail in "
    "the week after any purchase stands for an offer on a product just bought.",
    "C003-02": "Contradictions irritate and cancel persuasion by assumption, and a consistency "
    "rule can cost relevant offers (consistency_offer_loss, varied by the robustness design): "
    "the sign rests on the assumed sizes of both.",
    "C003-07": "Judged by equivalence: the comparison is a valid test only if it recovers the "
    "causal effect of integration to within the smallest effect on either side; the observed "
    "gap mixes who buys through several channels with what integration does.",
    "C003-09": "Two teams, gross-sales KPIs, pressures on a grid of five levels each; "
    "robustness was not assessed for this claim (a 25-arm grid at every point of a design is "
    "beyond the notebook's time budget).",
}

_PATH_ARMS = [
    "none",
    "consistent_offers",
    "shared_history",
    "suppression",
    "frequency_cap",
    "routing",
    "referral",
    "all",
    "single_email",
]
_PATH_METRICS = [
    "contacts_per_customer",
    "revenue_per_customer_eur",
    "margin_per_customer_eur",
    "retention",
    "satisfaction",
    "effort_per_customer",
    "inconsistent_weeks",
]
_SHAPLEY_OUTCOMES = (
    "retention",
    "satisfaction",
    "margin_per_customer_eur",
    "revenue_per_customer_eur",
)
_SHAPLEY_PANELS = {
    "retention": "retention (share of customers)",
    "satisfaction": "satisfaction (0-1)",
    "margin_per_customer_eur": "margin per customer-year (EUR)",
}


def _row(table: pd.DataFrame, name: str) -> pd.Series:
    check_frame(table, ["mean", "ci_low", "ci_high"], "table")
    if name not in table.index:
        raise ValueError(f"the table has no statistic {name!r}; it has {sorted(table.index)}.")
    return table.loc[name]


# --- tables and figures -------------------------------------------------------------------------


def path_table(outcomes: pd.DataFrame) -> pd.DataFrame:
    """The arms of the integration path one factor at a time, with the outcomes the text reads.

    ``outcomes`` is :func:`~mcstudy.studies.integration.path_outcomes` of replicated
    :func:`~mcstudy.studies.integration.integration_statistics` runs; rounded to 3 decimals.
    """
    check_frame(outcomes, _PATH_METRICS, "outcomes")
    return outcomes.loc[_PATH_ARMS, _PATH_METRICS].round(3)


def shapley_shares(runs: pd.DataFrame, outcomes=_SHAPLEY_OUTCOMES) -> pd.DataFrame:
    """Each integration factor's Shapley share of the ``all`` minus ``none`` gap, summarised.

    Parameters
    ----------
    runs : pandas.DataFrame
        Replicated :func:`~mcstudy.studies.integration.integration_statistics` runs of the
        full design (every subset of the factors is an arm).
    outcomes : sequence of str
        The per-arm outcomes decomposed.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``outcome``, ``factor``), both sorted:
        :func:`mcstudy.experiments.summarise_replications` of the share of each factor in each
        replication (``mean``, ``ci_low``, ``ci_high``, ``n_replications`` ...).
    """
    check_frame(runs, ["replication", "arm", "metric", "value"], "runs")
    factors = list(INTEGRATION_FACTOR_GROUPS)
    rows = []
    for outcome in outcomes:
        per_arm = runs[(runs["metric"] == outcome) & runs["arm"].notna()]
        for rep, g in per_arm.groupby("replication"):
            values = g.set_index("arm")["value"]
            values = values.drop("single_email").rename({"all": "+".join(factors)})
            for factor, share in shapley_decomposition(values, factors).items():
                rows.append(
                    {"replication": rep, "outcome": outcome, "metric": factor, "value": share}
                )
    summary = summarise_replications(pd.DataFrame(rows), by=["outcome"])
    return summary.rename(columns={"metric": "factor"}).set_index(["outcome", "factor"])


def plot_shapley(shapley: pd.DataFrame):
    """Bars of each factor's Shapley share of the gap, with its interval, one panel per outcome."""
    check_frame(
        shapley.reset_index(), ["outcome", "factor", "mean", "ci_low", "ci_high"], "shapley"
    )
    factors = list(INTEGRATION_FACTOR_GROUPS)
    fig, axes = plt.subplots(1, 3, figsize=(14, 3.8), sharey=True)
    for ax, (metric, label) in zip(axes, _SHAPLEY_PANELS.items(), strict=True):
        d = shapley.loc[metric].loc[factors]
        ax.barh(d.index, d["mean"], color=sns.color_palette()[0])
        ax.errorbar(
            d["mean"],
            np.arange(len(d)),
            xerr=[d["mean"] - d["ci_low"], d["ci_high"] - d["mean"]],
            fmt="none",
            color="0.2",
            capsize=3,
        )
        ax.axvline(0, color="0.4", lw=1)
        ax.set_xlabel(label)
    fig.suptitle(
        "Share of the omnichannel-minus-siloed gap due to each integration factor "
        "(Shapley value, 95 % CI)"
    )
    fig.tight_layout()
    return fig


def plot_coordination(coordination: pd.DataFrame, *, seed: int):
    """Multi-channel and contradictory weeks per customer-year against the number of channels.

    ``coordination`` is replicated
    :func:`~mcstudy.studies.integration.coordination_statistics` runs; ``seed`` seeds the
    bootstrap of the intervals.
    """
    check_frame(coordination, ["arm", "metric", "value"], "coordination")
    n_channels = {f"channels_{k}": k for k in range(1, len(COORDINATION_CHANNELS) + 1)}
    kinds = ("multi_channel_weeks", "contradictory_weeks")
    keep = coordination["arm"].isin(list(n_channels)) & coordination["metric"].isin(kinds)
    long = coordination[keep].assign(
        channels=coordination.loc[keep, "arm"].map(n_channels).astype(int),
        kind=coordination.loc[keep, "metric"].str.replace("_", " "),
    )
    fig, ax = plt.subplots(figsize=(7, 4))
    sns.lineplot(
        data=long,
        x="channels",
        y="value",
        hue="kind",
        marker="o",
        errorbar=("ci", 95),
        seed=seed,
        ax=ax,
    )
    ax.set_xlabel("outbound channels run by separate teams (one contact a week in total)")
    ax.set_ylabel("weeks per customer-year")
    ax.set_xticks(sorted(long["channels"].unique()))
    fig.tight_layout()
    return fig


def silo_margin_gap(evaluation: pd.DataFrame, choice: Mapping[str, str]) -> pd.DataFrame:
    """Margin of the firm's plan minus the teams' plan, replication by replication.

    ``evaluation`` is replicated :func:`~mcstudy.studies.integration.kpi_grid_statistics`
    runs, ``choice`` the arms :func:`~mcstudy.studies.integration.silo_equilibrium` picked
    (``global``, ``silo``). Returns ``replication``, ``metric``
    (``margin_global_minus_silo``), ``value``.
    """
    check_frame(evaluation, ["replication", "arm", "metric", "value"], "evaluation")
    margin = evaluation[evaluation["metric"] == "margin"]
    wide = margin.pivot(index="replication", columns="arm", values="value")
    return pd.DataFrame(
        {
            "replication": wide.index,
            "metric": "margin_global_minus_silo",
            "value": (wide[choice["global"]] - wide[choice["silo"]]).to_numpy(),
        }
    )


def plot_break_even(frontier: pd.DataFrame, largest_base: float):
    """The break-even frontier (:func:`~mcstudy.studies.integration_report.break_even_frontier`)."""
    check_frame(frontier, ["investment_eur", "break_even_customers", "gain"], "frontier")
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    shown = frontier.dropna(subset=["break_even_customers"])
    if shown.empty:
        ax.text(
            0.5,
            0.5,
            f"no base size up to {largest_base:,.0f} customers breaks even",
            ha="center",
            transform=ax.transAxes,
        )
    else:
        sns.lineplot(
            data=shown,
            x="investment_eur",
            y="break_even_customers",
            hue="gain",
            style="deployment_months",
            ax=ax,
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("fixed investment (EUR)")
    ax.set_ylabel("customers needed to break even in 5 years")
    ax.set_title("Above a line omnichannel pays; below it, stay multichannel")
    fig.tight_layout()
    return fig


def integration_methods(
    n_arms: Mapping[str, int],
    n_per_arm: Mapping[str, int],
    *,
    n_weeks: int,
    n_replications: int,
) -> dict[str, str]:
    """How each claim's estimate was obtained, by claim id.

    ``n_arms`` and ``n_per_arm`` give the arms and customers per arm of the three experiments
    (keys ``integration``, ``coordination``, ``kpi``).
    """
    missing = sorted({"integration", "coordination", "kpi"} - set(n_arms))
    missing += sorted({"integration", "coordination", "kpi"} - set(n_per_arm))
    if missing:
        raise ValueError(f"'n_arms' and 'n_per_arm' need the experiments {sorted(set(missing))}.")
    texts = {
        "integration": f"{n_arms['integration']} randomised arms at equal contacts on one "
        f"simulated population, {n_per_arm['integration']:,} customers per arm, {n_weeks} weeks; "
        f"mean and t-interval over {n_replications} replications",
        "coordination": f"{n_arms['coordination']} randomised arms on one simulated population, "
        f"{n_per_arm['coordination']:,} customers per arm, every contact recorded, {n_weeks} "
        f"weeks; mean and t-interval over {n_replications} replications",
        "kpi": f"{n_arms['kpi']} randomised arms (pressure grid), {n_per_arm['kpi']:,} customers "
        f"per arm, {n_weeks} weeks; pressures chosen on {n_replications} planning replications, "
        f"difference evaluated on {n_replications} fresh ones",
    }
    experiments = {
        "integration": INTEGRATION_CLAIMS,
        "coordination": COORDINATION_CLAIMS,
        "kpi": KPI_CLAIMS,
    }
    return {c: texts[e] for e, claims in experiments.items() for c in claims}


# --- the paragraphs -----------------------------------------------------------------------------


def describe_retention(stats: pd.DataFrame) -> str:
    """Integration's retention gain at equal contacts, and what unintegrated channels do."""
    r = _row(stats, "retention_omni_minus_siloed")
    a = _row(stats, "retention_siloed_minus_single")
    ratio = _row(stats, "contacts_omni_over_siloed")
    return (
        f"At equal contacts ({ratio['mean']:.3f} times the siloed "
        f"arm's contacts in the omnichannel arm), integration keeps {100 * r['mean']:.1f} more "
        f"customers in a hundred over a year ({100 * r['ci_low']:.1f} to "
        f"{100 * r['ci_high']:.1f}). "
        f"Adding unintegrated channels to an e-mail-only firm changes retention by "
        f"{100 * a['mean']:+.1f} points ({100 * a['ci_low']:+.1f} to {100 * a['ci_high']:+.1f}): "
        + (
            "a loss, as source 000 says (C000-04)."
            if a["ci_high"] < 0
            else "a gain."
            if a["ci_low"] > 0
            else "not distinguishable from no change."
        )
    )


def describe_comparison_test(stats: pd.DataFrame, rule: Rule) -> str:
    """Whether comparing multi- and single-channel customers recovers integration's effect."""
    o = _row(stats, "satisfaction_multi_minus_single_observed")
    c = _row(stats, "satisfaction_omni_minus_siloed")
    e = _row(stats, "satisfaction_comparison_error")
    smallest = rule.smallest_effect
    old_label = judge_association(
        (o["ci_low"], o["ci_high"]), (c["ci_low"], c["ci_high"]), smallest_effect=smallest
    )
    return (
        f"Customers who bought through several channels are {o['mean']:+.4f} more satisfied than "
        f"single-channel ones ({o['ci_low']:+.4f} to {o['ci_high']:+.4f}); integrating the "
        "channels "
        f"raises satisfaction by {c['mean']:+.4f} ({c['ci_low']:+.4f} to {c['ci_high']:+.4f}). As "
        "a "
        f"test of integration the comparison errs by {e['mean']:+.4f} ({e['ci_low']:+.4f} to "
        f"{e['ci_high']:+.4f}, {int(e['n_replications'])} replications), against a margin of "
        f"{smallest:g} on either side: the `equivalence` rule gives "
        f"**{rule.judge(e['ci_low'], e['ci_high'])}**. The `association` rule the "
        f"claim was registered with until its re-registration gives these intervals *{old_label}*: "
        "it reads the size of the observed gap, not whether the gap recovers the effect, and "
        "would "
        f"read *supported* a gap above the smallest effect yet still far below the causal effect."
    )


def describe_shapley(shapley: pd.DataFrame) -> str:
    """The factors that add most to retention and margin, and the one that costs most margin."""
    ret = shapley.loc["retention", "mean"]
    mar = shapley.loc["margin_per_customer_eur", "mean"]
    return (
        f"The factor that adds most to retention is **{idxbest(ret)}** "
        f"({100 * ret.max():+.2f} points); the one that adds most to margin is "
        f"**{idxbest(mar)}** (EUR {mar.max():+.2f} per customer-year), and the one "
        f"that costs most margin is **{idxbest(mar, 'min')}** (EUR {mar.min():+.2f}). "
        f"Integration is not one thing: its factors act through different mechanisms, and a firm "
        f"can buy the ones that pay first."
    )


def describe_coordination(coord_stats: pd.DataFrame) -> str:
    """Duplicated contacts, conflicts per extra channel and e-mails after a purchase."""
    d = _row(coord_stats, "duplicated_customers_share")
    e = _row(coord_stats, "email_after_purchase_share")
    b = _row(coord_stats, "buyers_emailed_after_purchase_share")
    sl = _row(coord_stats, "conflicts_slope")
    return (
        f"With the default mix run by separate teams, {100 * d['mean']:.0f} % of customers "
        f"({100 * d['ci_low']:.0f} to {100 * d['ci_high']:.0f} %) were contacted by two or more "
        f"channels in the same week at least once in the year; each extra uncoordinated channel "
        f"adds {sl['mean']:.2f} multi-channel or contradictory weeks per customer-year "
        f"({sl['ci_low']:.2f} to {sl['ci_high']:.2f}), at the same total pressure. Only "
        f"{100 * e['mean']:.2f} % of e-mails ({100 * e['ci_low']:.2f} to {100 * e['ci_high']:.2f} "
        "%) "
        f"land in the week after a purchase — customers buy rarely at the calibrated rate — yet "
        f"{100 * b['mean']:.0f} % of the customers who bought ({100 * b['ci_low']:.0f} to "
        f"{100 * b['ci_high']:.0f} %) received one then: rare for the firm, common for its buyers."
    )


def describe_silo_gap(kpi_stats: pd.DataFrame, choice: Mapping, outcomes: pd.DataFrame) -> str:
    """The teams' plan against the firm's, on fresh replications (``outcomes``: per arm)."""
    k = _row(kpi_stats, "margin_global_minus_silo")
    g, s = outcomes.loc[choice["global"]], outcomes.loc[choice["silo"]]
    converged = (
        "where they converged"
        if choice["converged"]
        else "they did not converge: on a noisy grid they cycle, and the last pair is kept"
    )
    return (
        f"The teams' best responses end at `{choice['silo']}` ({converged}); the firm's plan is "
        f"`{choice['global']}`. On fresh replications the firm's plan earns EUR {k['mean']:.2f} "
        "more "
        f"margin per customer-year ({k['ci_low']:.2f} to {k['ci_high']:.2f}): margin "
        f"{g['margin']:.2f} against {s['margin']:.2f}, "
        f"while the silo plan brings more gross revenue "
        f"({s['revenue']:.2f} against {g['revenue']:.2f}). "
        "In this set-up the gap comes from gross-sales KPIs that ignore contact costs; each "
        "team's "
        f"irritation of the other's customers is a second, smaller channel."
    )


def describe_integration_gain(gain_stats: pd.DataFrame) -> str:
    """The margin integration gains per customer-year, with and without routing."""
    a6 = _row(gain_stats, "all six factors")
    m = _row(gain_stats, "all but routing")
    return (
        "Margin gained per customer-year by integration, before its costs, at equal contacts: "
        "with "
        f"all six factors EUR {a6['mean']:.2f} ({a6['ci_low']:.2f} to {a6['ci_high']:.2f}) — "
        "routing "
        f"contacts to each customer's preferred channels sends more of them through dear channels "
        f"(section 4) — and with every factor but routing EUR {m['mean']:.2f} ({m['ci_low']:.2f} "
        "to "
        f"{m['ci_high']:.2f}), {int(m['n_replications'])} replications. The frontier below uses "
        "the "
        "latter: the integration a firm would buy once it has seen the decomposition (chosen on "
        "the "
        f"same replications, so slightly optimistic)."
    )


def describe_frontier(frontier: pd.DataFrame, largest_base: float, months: float = 12) -> str:
    """The customers needed to break even at the smallest and largest investment tried."""
    check_frame(frontier, ["investment_eur", "break_even_customers", "gain"], "frontier")
    mid = frontier[(frontier["gain"] == "estimate") & (frontier["deployment_months"] == months)]
    low_inv, high_inv = mid.iloc[0], mid.iloc[-1]
    return (
        f"At the estimated gain and a {months:g}-month deployment, an investment of "
        f"EUR {low_inv['investment_eur']:,.0f} breaks even in five years with "
        f"{describe_break_even(low_inv['break_even_customers'], largest_base)}, one of "
        f"EUR {high_inv['investment_eur']:,.0f} with "
        f"{describe_break_even(high_inv['break_even_customers'], largest_base)}. Below the line, "
        "source 001's advice to small firms — stay multichannel — is right; the band between the "
        "CI "
        f"lines is how uncertain the simulation leaves that frontier."
    )


def describe_between_firm_gap(points: pd.DataFrame, figure: str, parameters) -> str:
    """Where in the plausible space integration reaches source 001's between-firm gap.

    ``points`` are the robustness design's points (with ``retention_omni_minus_siloed``,
    ``retention_siloed`` and the ``parameters``); ``figure`` is C001-04's quoted figure (two
    percentages, the higher first).
    """
    check_frame(points, ["retention_omni_minus_siloed", "retention_siloed"], "points")
    high, low = (float(x) / 100 for x in re.findall(r"\d+", figure))
    gain = points["retention_omni_minus_siloed"]
    gap = gain >= high - low
    where = points.loc[gap, list(parameters)].median()
    reached = (
        ", where the siloed firm keeps only "
        f"{100 * points.loc[gap, 'retention_siloed'].median():.0f} % "
        f"of its customers (median) and customers call the service about "
        f"{52 * where['response.service_rate_per_week']:.1f} times a year with a churn hazard of "
        f"{where['response.churn_effort']:.2f} per repeated explanation (medians): only where "
        f"lost history drives most customers away. "
        if gap.any()
        else ". "
    )
    return (
        f"Source 001's {100 * high:.0f} % against {100 * low:.0f} % is a gap of "
        f"{100 * (high - low):.0f} points. Across the {len(points)} points of the integration "
        f"robustness design the simulated retention gain from integration ranges from "
        f"{100 * gain.min():.1f} to {100 * gain.max():.1f} points; it reaches the quoted gap at "
        f"{int(gap.sum())} of them"
        + reached
        + "The original survey (Aberdeen Group) compared the top fifth of surveyed firms by "
        "performance — retention among the criteria — with the other four fifths, from "
        "self-reports: a comparison between firms in which retention helped select the groups, "
        "not the effect of integrating channels."
    )
