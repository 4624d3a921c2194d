"""How far attribution credit is from what each channel caused: the tables, figures and prose.

Built on the tidy replications of
:func:`~mcstudy.studies.cross_channel.cross_channel_outcomes` and their summary
(:func:`mcstudy.experiments.summarise_replications` grouped by its key columns):
:func:`arm_summary` and :func:`credit_phrase` (credit is not incrementality),
:func:`plot_credit_against_cause` (channel by channel), :func:`grading_wide`,
:func:`grading_intervals`, :func:`plot_grading` and :func:`grading_phrase` (the grades of the
methods), :func:`upstream_phrase` (last touch and the channels that start journeys, C003-06)
and :func:`grading_across_points` (the grades over a robustness design's points).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from mcstudy._validation import check_frame
from mcstudy.analysis import idxbest
from mcstudy.studies.attribution_grading import ATTRIBUTION_METHODS, KEY_COLUMNS
from mcstudy.studies.cross_channel_design import CROSS_CHANNEL_ARMS, REFERENCE_ARM
from mcstudy.studies.cross_channel_report import statistic_row

__all__ = [
    "arm_summary",
    "credit_phrase",
    "grading_across_points",
    "grading_intervals",
    "grading_phrase",
    "grading_wide",
    "plot_credit_against_cause",
    "plot_grading",
    "upstream_phrase",
]

_ARM_METRICS = ("contacts_per_customer", "purchases_per_customer", "causal_total", "credited_share")
_GRADES_SHOWN = ("mae", "mae_normalised", "spearman")


def arm_summary(stats: pd.DataFrame) -> pd.DataFrame:
    """Contacts, purchases, caused and credited shares per arm (means over replications).

    ``stats`` is the grouped summary of the cross-channel replications; one row per arm of
    :data:`CROSS_CHANNEL_ARMS` (index ``arm``), one column per metric.
    """
    return pd.DataFrame(
        [
            {"arm": a, **{m: statistic_row(stats, m, a)["mean"] for m in _ARM_METRICS}}
            for a in CROSS_CHANNEL_ARMS
        ]
    ).set_index("arm")


def credit_phrase(arms: pd.DataFrame, n_replications: int, n_per_arm: int) -> str:
    """Say how much the contacts cause against how much credit the rules hand out (Markdown).

    ``arms`` is :func:`arm_summary`; the sentence reads the reference arm.
    """
    ref = arms.loc[REFERENCE_ARM]
    return (
        f"Means over {n_replications} replications of {n_per_arm:,} customers per arm over a "
        f"year. In the cross-channel arm the outbound contacts together cause "
        f"{100 * ref['causal_total']:.0f} % of the arm's purchases (the sum of each channel's "
        f"leave-one-out contribution); every attribution rule hands out credit for the "
        f"{100 * ref['credited_share']:.0f} % of purchase weeks that some contact preceded. The "
        f"difference is the purchases that would have happened anyway: a rule that splits "
        f"conversions among the channels that touched them credits them too. **Attribution "
        f"rules measure credit, not incrementality.**"
    )


def plot_credit_against_cause(runs: pd.DataFrame, shares: pd.DataFrame, *, seed: int):
    """Bars of each channel's caused share and each method's credit, reference arm.

    ``runs`` are the tidy replications, ``shares`` :func:`share_table` (its channels, ordered
    by causal share); ``seed`` fixes the bootstrap of the error bars. Returns the figure.
    """
    check_frame(runs, [*KEY_COLUMNS, "metric", "value"], name="runs")
    methods = ["causal", *ATTRIBUTION_METHODS]
    long = runs[
        (runs["arm"] == REFERENCE_ARM)
        & (runs["metric"] == "share")
        & runs["method"].isin(methods)
        & runs["channel"].isin(shares.index)
    ]
    fig, ax = plt.subplots(figsize=(10, 4.2))
    sns.barplot(
        data=long,
        x="channel",
        y="value",
        hue="method",
        hue_order=methods,
        order=list(shares.sort_values("causal", ascending=False).index),
        errorbar=("ci", 95),
        seed=seed,
        ax=ax,
    )
    ax.axhline(0, color="0.3", lw=0.8)
    ax.set_ylabel("share of the arm's conversions")
    ax.set_xlabel("")
    ax.set_title("Cross-channel firm: purchases each channel caused against the credit it gets")
    ax.legend(ncol=4, fontsize=8, loc="upper right")
    fig.tight_layout()
    return fig


def grading_wide(grades: pd.DataFrame) -> pd.DataFrame:
    """Mean grades, one row per method and one column per (grade, arm).

    The grades ``mae``, ``mae_normalised`` and ``spearman`` of :func:`grading_table`.
    """
    wide = grades[grades["measure"].isin(_GRADES_SHOWN)].pivot_table(
        index="method", columns=["measure", "arm"], values="mean"
    )
    return wide.reindex(list(ATTRIBUTION_METHODS))[
        [(m, a) for m in _GRADES_SHOWN for a in CROSS_CHANNEL_ARMS]
    ]


def grading_intervals(grades: pd.DataFrame, arm: str = REFERENCE_ARM) -> pd.DataFrame:
    """Each method's grades in one arm as "mean (ci_low to ci_high)" text, and ``n``."""
    g = grades[grades["arm"] == arm].set_index(["method", "measure"])
    table = pd.DataFrame(
        {
            measure: [
                f"{g.loc[(m, measure), 'mean']:.3f} ({g.loc[(m, measure), 'ci_low']:.3f} to "
                f"{g.loc[(m, measure), 'ci_high']:.3f})"
                for m in ATTRIBUTION_METHODS
            ]
            for measure in _GRADES_SHOWN
        },
        index=list(ATTRIBUTION_METHODS),
    )
    table["n"] = [int(g.loc[(m, "mae"), "n"]) for m in ATTRIBUTION_METHODS]
    return table


def plot_grading(runs: pd.DataFrame, *, seed: int):
    """Point plots of each method's normalised error and rank correlation, by arm."""
    check_frame(runs, [*KEY_COLUMNS, "metric", "value"], name="runs")
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, measure, label in (
        (
            axes[0],
            "mae_normalised",
            "mean absolute error of credit shares\n(distributions over channels)",
        ),
        (axes[1], "spearman", "Spearman rank correlation\nwith causal contributions"),
    ):
        sns.pointplot(
            data=runs[runs["metric"] == measure],
            x="value",
            y="method",
            hue="arm",
            order=list(ATTRIBUTION_METHODS),
            hue_order=list(CROSS_CHANNEL_ARMS),
            errorbar=("ci", 95),
            seed=seed,
            dodge=0.4,
            linestyle="none",
            ax=ax,
        )
        ax.set_xlabel(label)
        ax.set_ylabel("")
    axes[1].axvline(0, color="0.4", lw=0.8)
    axes[0].get_legend().remove()
    fig.suptitle("Attribution methods graded against re-simulated causal contributions")
    fig.tight_layout()
    return fig


def grading_phrase(grades: pd.DataFrame) -> str:
    """Say that the methods differ in how they split credit, not in how much (Markdown)."""
    g = grades[grades["arm"] == REFERENCE_ARM].set_index(["method", "measure"])
    best_mae = idxbest(g.xs("mae_normalised", level="measure")["mean"], "min")
    best_rank = idxbest(g.xs("spearman", level="measure")["mean"])
    spread = (
        grades[grades["measure"] == "mae"].groupby("arm")["mean"].agg(lambda s: s.max() - s.min())
    )
    return (
        f"On the scale of conversions every method misses by about the same amount "
        f"(the spread of the mean absolute error across methods is at most "
        f"{spread.max():.3f} in any arm): each hands out all the touched conversions, so each "
        f"over-credits every channel that causes less than its credit. Where the methods differ "
        f"is in *how they split* the credit: in the cross-channel arm the split closest to the "
        f"causal one is **{best_mae}**'s (mean absolute error "
        f"{g.loc[(best_mae, 'mae_normalised'), 'mean']:.3f}), and the best ranking is "
        f"**{best_rank}**'s (Spearman {g.loc[(best_rank, 'spearman'), 'mean']:.2f}). Here the "
        f"channels with the most contacts both cause the most and open the most journeys, which "
        f"is why a rule can rank them right without measuring any effect: the agreement is a "
        f"property of this contact plan, not of the rule."
    )


def upstream_phrase(stats: pd.DataFrame) -> str:
    """Say whether last touch gives the upstream channels less of the credit (C003-06)."""
    u = statistic_row(stats, "upstream_gap", REFERENCE_ARM, "last_touch")
    un = statistic_row(stats, "upstream_gap_normalised", REFERENCE_ARM, "last_touch")
    verdict = (
        "smaller, which is what source 003 describes: last touch gives the channels that open "
        "journeys less of the credit, relative to the others, than their part of the effect. "
        if un["ci_high"] < 0
        else "not clearly smaller. "
    )
    return (
        f"In the cross-channel arm the upstream channels' share of the last-touch credit is "
        f"{un['mean']:+.3f} ({un['ci_low']:+.3f} to {un['ci_high']:+.3f}, "
        f"{int(un['n_replications'])} replications) away from their share of the causal "
        f"effect: {verdict}On the scale of conversions last touch gives them {u['mean']:+.3f} "
        f"of the conversions more than they cause ({u['ci_low']:+.3f} to "
        f"{u['ci_high']:+.3f}): it over-credits them, as it over-credits every channel, which "
        f"is why that scale could not answer the claim."
    )


def grading_across_points(assessment) -> pd.DataFrame:
    """The grades of the methods in the reference arm over a design's Latin hypercube points.

    ``assessment`` is :func:`mcstudy.experiments.assess_robustness` of
    :func:`~mcstudy.studies.cross_channel.cross_channel_statistics`. One row per method: the
    median and 90th percentile of ``mae_normalised``, the median ``spearman`` and the share
    of points where it exceeds 0.5.
    """
    from mcstudy.studies.cross_channel import STATISTICS

    pts = assessment.points[assessment.points["stage"] == "share"]
    column = {(m, k): name for name, (_, m, k) in STATISTICS.items()}
    return pd.DataFrame(
        {
            method: {
                "normalised MAE, median": pts[column[method, "mae_normalised"]].median(),
                "normalised MAE, 90th percentile": pts[column[method, "mae_normalised"]].quantile(
                    0.9
                ),
                "Spearman, median": pts[column[method, "spearman"]].median(),
                "Spearman, share of points > 0.5": (pts[column[method, "spearman"]] > 0.5).mean(),
            }
            for method in ATTRIBUTION_METHODS
        }
    ).T
