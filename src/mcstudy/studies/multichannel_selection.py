"""Do multichannel customers buy more, or are frequent buyers multichannel? (Hillstrom).

"Multichannel" in the Hillstrom file means having bought by phone and on the web in the past
year: a label nobody assigned, which selects frequent, high-value buyers. This module makes the
observational comparison of the channel groups on the Hillstrom customer table, raw and
adjusted for the pre-campaign covariates (:func:`channel_comparisons`,
:func:`multichannel_lifts`, :func:`lift_table`, :func:`check_claimed_lift`), and runs the
simulated experiment shaped like it, where channel breadth causes no purchase
(:func:`simulate_email_experiment`, :func:`compare_with_simulation`); the ``describe_*``
functions word what the tables show.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from mcstudy.analysis import adjusted_comparison, relative_lift
from mcstudy.analysis.hillstrom import email_experiment_statistics, real_vs_simulated
from mcstudy.experiments import replicate, summarise_replications

__all__ = [
    "CLAIMED_LIFT",
    "COVARIATES",
    "SIM_METRICS",
    "channel_comparisons",
    "check_claimed_lift",
    "compare_with_simulation",
    "describe_channel_groups",
    "describe_multichannel_gap",
    "describe_simulation",
    "lift_table",
    "multichannel_lifts",
    "simulate_email_experiment",
]

#: The pre-campaign covariates of the adjusted comparisons.
COVARIATES = ("recency_months", "past_spend_usd", "bought_mens", "bought_womens", "newbie", "area")
#: The claimed "+287 %": 3.87 times the single-channel conversion rate (C001-06).
CLAIMED_LIFT = 2.87
#: The simulated statistics set beside the real ones, and how the comparison labels them.
SIM_METRICS = {
    "control_conversion_rate": "control conversion rate",
    "mens_email_conversion_diff": "mens e-mail effect on conversion (difference)",
    "womens_email_conversion_diff": "womens e-mail effect on conversion (difference)",
    "mens_email_conversion_relative_lift": "mens e-mail effect on conversion (relative)",
    "womens_email_conversion_relative_lift": "womens e-mail effect on conversion (relative)",
    "mens_email_contacts_per_customer": "mens e-mail contacts per customer",
    "control_multichannel_share": "multichannel share (control arm)",
    "control_multichannel_conversion_relative_lift": (
        "multichannel vs single: conversion (relative, control arm)"
    ),
    "control_multichannel_spend_relative_lift": (
        "multichannel vs single: spend (relative, control arm)"
    ),
}
_MULTI = {"group": "past_channel", "level": "multichannel", "reference": ["phone", "web"]}


def describe_channel_groups(control: pd.DataFrame) -> pd.DataFrame:
    """Past spend, recency and campaign-window outcomes of each past-channel group.

    ``in_lowest_spend_bucket`` is the share who spent under $100 in the past year.
    """
    return (
        control.assign(lowest_bucket=(control["past_spend_usd"] < 100).astype(int))
        .groupby("past_channel", observed=True)
        .agg(
            customers=("customer_id", "size"),
            past_spend_usd=("past_spend_usd", "mean"),
            recency_months=("recency_months", "mean"),
            in_lowest_spend_bucket=("lowest_bucket", "mean"),
            visited=("visited", "mean"),
            converted=("converted", "mean"),
            spend_usd=("spend_usd", "mean"),
        )
    )


def channel_comparisons(control: pd.DataFrame) -> pd.DataFrame:
    """Each outcome by past channel (Phone the reference), without and with the covariates.

    Visit and conversion by a logistic regression (log odds ratios), spend per customer by a
    linear one (dollars): :func:`mcstudy.analysis.adjusted_comparison`.
    """
    comparisons = [
        adjusted_comparison(
            control,
            group="past_channel",
            outcome=outcome,
            covariates=list(COVARIATES),
            reference="phone",
            family=family,
        ).summary()
        for outcome, family in (("visited", "logit"), ("converted", "logit"), ("spend_usd", "ols"))
    ]
    columns = ["outcome", "group", "n", "mean", "reference_mean", "unadjusted_difference"]
    rest = ["adjusted_effect", "ci_low", "ci_high", "pvalue", "effect_scale"]
    return pd.concat(comparisons, ignore_index=True)[columns + rest]


def multichannel_lifts(customers: pd.DataFrame) -> dict:
    """Multichannel vs single-channel customers, raw and adjusted, keyed by (measure, sample).

    In the No E-Mail arm: past-year spend (what the label selects on; adjusted for the
    covariates other than past spend), visit, conversion and spend per customer. Over all
    arms (adjusted also for the arm): conversion, and the basket of the customers who bought.
    """
    control = customers[customers["arm"] == "control"]
    buyers = customers[customers["converted"] == 1]
    covariates = list(COVARIATES)
    no_past_spend = [c for c in covariates if c != "past_spend_usd"]
    return {
        ("past-year spend", "No E-Mail arm"): relative_lift(
            control, outcome="past_spend_usd", covariates=no_past_spend, **_MULTI
        ),
        ("visit", "No E-Mail arm"): relative_lift(
            control, outcome="visited", covariates=covariates, **_MULTI
        ),
        ("conversion", "No E-Mail arm"): relative_lift(
            control, outcome="converted", covariates=covariates, **_MULTI
        ),
        ("spend per customer", "No E-Mail arm"): relative_lift(
            control, outcome="spend_usd", covariates=covariates, **_MULTI
        ),
        ("conversion", "all arms"): relative_lift(
            customers, outcome="converted", covariates=[*covariates, "arm"], **_MULTI
        ),
        ("basket (spend of buyers)", "all arms"): relative_lift(
            buyers, outcome="spend_usd", covariates=[*covariates, "arm"], **_MULTI
        ),
    }


def count_buyers(customers: pd.DataFrame) -> str:
    """How many customers bought, in all arms and in the No E-Mail arm."""
    control = customers[customers["arm"] == "control"]
    return (
        f"buyers: {int(customers['converted'].sum()):,} in all arms, "
        f"{int(control['converted'].sum())} in the No E-Mail arm"
    )


def lift_table(lifts: Mapping) -> pd.DataFrame:
    """The lifts of :func:`multichannel_lifts`, raw and adjusted, as one table."""
    table = pd.concat(
        [
            lift.summary().assign(measure=key[0], sample=key[1], n=lift.n)
            for key, lift in lifts.items()
        ],
        ignore_index=True,
    )
    columns = ["measure", "sample", "estimate", "n", "mean", "reference_mean", "relative_lift"]
    return table[[*columns, "ci_low", "ci_high", "pvalue"]]


def check_claimed_lift(table: pd.DataFrame, claimed: float = CLAIMED_LIFT) -> pd.DataFrame:
    """The conversion lifts of :func:`lift_table` as ratios, beside the claimed ratio.

    ``claim_inside_ci`` says whether the claimed lift lies in the lift's interval.
    """
    check = table[table["measure"] == "conversion"][
        ["sample", "estimate", "relative_lift", "ci_low", "ci_high"]
    ].copy()
    check["ratio"] = 1 + check["relative_lift"]
    check["ratio_ci_high"] = 1 + check["ci_high"]
    check["claimed_ratio"] = 1 + claimed
    check["claim_inside_ci"] = (check["ci_low"] <= claimed) & (claimed <= check["ci_high"])
    return check


def describe_multichannel_gap(lifts: Mapping, claimed: float = CLAIMED_LIFT) -> str:
    """What the lifts of :func:`multichannel_lifts` show, in Markdown."""
    L = lifts
    spend_lift = L[("past-year spend", "No E-Mail arm")]
    highest_upper = max(
        lift.unadjusted.ci_high for key, lift in L.items() if key[0] == "conversion"
    )
    return f"""**What section 4 shows.** Multichannel customers had spent
{1 + spend_lift.unadjusted.lift:.2f} times as much as single-channel customers in the past year
({100 * spend_lift.unadjusted.lift:+.0f} %; {100 * spend_lift.adjusted.lift:+.0f} % after
adjusting for recency and the other covariates): that is what the label selects on. In the two
campaign weeks without an e-mail they visited more often,
{L[("visit", "No E-Mail arm")].unadjusted.describe()}, a gap that becomes
{100 * L[("visit", "No E-Mail arm")].adjusted.lift:+.0f} % after adjustment; conversion
{L[("conversion", "No E-Mail arm")].unadjusted.describe()}, spend per customer
{100 * L[("spend per customer", "No E-Mail arm")].unadjusted.lift:+.0f} %. Pooling the three
arms gives more purchases: a raw conversion gap of
{L[("conversion", "all arms")].unadjusted.describe()}, which becomes
{L[("conversion", "all arms")].adjusted.describe()} once recency, past spend and the other
covariates are held fixed. The basket of those who bought differs by
{L[("basket (spend of buyers)", "all arms")].unadjusted.describe()}. The claimed +287 % is
{1 + claimed:.2f} times the single-channel rate; the highest upper bound of any conversion
interval above is {1 + highest_upper:.2f} times."""


def simulate_email_experiment(
    *,
    n_customers: int,
    email_pressure: float,
    n_replications: int,
    seed: int,
    links: Sequence[float] = (1.0, 0.0),
) -> pd.DataFrame:
    """The registered ``email_experiment`` study at each engagement-breadth link, summarised.

    Every link runs the same replications (same seed), so the customers' purchase draws are
    the same; only who counts as multichannel changes.

    Parameters
    ----------
    n_customers : int
        Simulated customers per replication.
    email_pressure : float
        E-mails per customer per week in the e-mail arms.
    n_replications : int
        Replications per link.
    seed : int
        The root seed of the replications.
    links : sequence of float, default=(1.0, 0.0)
        Values of ``engagement_breadth_link``.

    Returns
    -------
    pandas.DataFrame
        :func:`mcstudy.experiments.summarise_replications` of :data:`SIM_METRICS`, with an
        ``engagement_breadth_link`` column.
    """
    summaries = []
    for link in links:
        table = replicate(
            "email_experiment",
            params={
                "n_customers": n_customers,
                "engagement_breadth_link": link,
                "email_pressure": email_pressure,
            },
            n_replications=n_replications,
            rng=seed,
            backend="serial",
            progress=False,
        )
        summaries.append(
            summarise_replications(table, list(SIM_METRICS)).assign(engagement_breadth_link=link)
        )
    return pd.concat(summaries, ignore_index=True)


def compare_with_simulation(customers: pd.DataFrame, simulated: pd.DataFrame) -> pd.DataFrame:
    """The real statistics beside the simulated ones of each link, one row per statistic.

    Columns ``real`` and, per link, ``sim_link{link}_{mean, ci_low, ci_high, ...}``
    (:func:`mcstudy.analysis.hillstrom.real_vs_simulated`).
    """
    return real_vs_simulated(
        email_experiment_statistics(customers),
        {
            f"sim_link{link:g}": rows
            for link, rows in simulated.groupby("engagement_breadth_link", sort=False)
        },
    )


def describe_simulation(comparison: pd.DataFrame) -> str:
    """The simulated statistics of :func:`compare_with_simulation` beside the real ones."""
    sim, sim0 = "sim_link1_{}".format, "sim_link0_{}".format
    key = comparison.loc
    rate = "control_conversion_rate"
    lines = [
        f"Baseline two-week conversion: simulated {key[rate, sim('mean')]:.1%}, "
        f"real {key[rate, 'real']:.2%} ({key[rate, sim('mean')] / key[rate, 'real']:.1f} times).",
        "E-mail effect on conversion, simulated: "
        f"{100 * key['mens_email_conversion_diff', sim('mean')]:+.2f} and "
        f"{100 * key['womens_email_conversion_diff', sim('mean')]:+.2f} points "
        f"({key['mens_email_conversion_relative_lift', sim('mean')]:+.0%} and "
        f"{key['womens_email_conversion_relative_lift', sim('mean')]:+.0%}); real: "
        f"{100 * key['mens_email_conversion_diff', 'real']:+.2f} and "
        f"{100 * key['womens_email_conversion_diff', 'real']:+.2f} points "
        f"({key['mens_email_conversion_relative_lift', 'real']:+.0%} and "
        f"{key['womens_email_conversion_relative_lift', 'real']:+.0%}).",
    ]
    conv, spend = (
        "control_multichannel_conversion_relative_lift",
        "control_multichannel_spend_relative_lift",
    )
    for label, col in (("default link", sim), ("link cut", sim0)):
        lines.append(
            f"Multichannel vs single in the control arm, {label}: conversion "
            f"{key[conv, col('mean')]:+.1%} ({key[conv, col('ci_low')]:+.1%} to "
            f"{key[conv, col('ci_high')]:+.1%}), spend {key[spend, col('mean')]:+.1%} "
            f"({key[spend, col('ci_low')]:+.1%} to {key[spend, col('ci_high')]:+.1%})."
        )
    lines.append(
        f"Multichannel share: simulated {key['control_multichannel_share', sim('mean')]:.0%}, "
        f"real {key['control_multichannel_share', 'real']:.0%}."
    )
    return "\n".join(lines)
