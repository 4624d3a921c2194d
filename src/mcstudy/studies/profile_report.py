"""How the profile studies read: their tables, figures and prose.

What the randomised policies of :mod:`~mcstudy.studies.profiles`, the affinity-gap sweep of
:mod:`~mcstudy.studies.affinity_gap` and its profile part
(:mod:`~mcstudy.studies.profile_part`) show, written from computed values (the claims, their rules
and verdicts are shown by :mod:`mcstudy.claims.reading`): the profiles' weights
(:func:`profile_base_weights`, :func:`affinity_ratios`), the survey
(:func:`describe_survey`), the policies (:func:`plot_policy_outcomes`,
:func:`describe_policy_gains`), the sweep (:func:`gap_gain_table`, :func:`plot_gap_gains`,
:func:`describe_gap_gains`, :func:`profile_part_table`) and the verdicts
(:func:`describe_robustness_runs`, :func:`describe_bearing`).
Figures are returned, not saved; text is returned, not printed.
"""

from __future__ import annotations

import textwrap

import pandas as pd

from mcstudy._validation import check_frame
from mcstudy.experiments.summary import mean_interval
from mcstudy.io.catalogue import load_channels
from mcstudy.studies.affinity_gap import (
    GAP_COMPARATORS,
    GAP_DECIMALS,
    GAP_GAINS,
    GAP_OUTCOMES,
    AffinityGapSweep,
    format_interval,
)
from mcstudy.studies.affinity_weights import gap_affinities
from mcstudy.studies.profile_claims import PART_GAIN
from mcstudy.studies.profile_part import PROFILE_PART_NAMES, profile_part

__all__ = [
    "affinity_ratios",
    "describe_bearing",
    "describe_gap_gains",
    "describe_policy_gains",
    "describe_robustness_runs",
    "describe_survey",
    "gap_gain_caption",
    "gap_gain_table",
    "gap_pressure_table",
    "plot_gap_gains",
    "plot_policy_outcomes",
    "profile_base_weights",
    "profile_part_table",
]

#: The channels whose profile weights are shown, in the catalogue's order of contact.
_SHOWN_CHANNELS = ["face_to_face", "telephone", "postal_mail", "email", "sms", "website"]
#: The sweep's outcomes drawn, with their axis titles.
_GAP_PANELS = {
    "revenue": "revenue (EUR)",
    "contact_cost": "contact cost (EUR)",
    "margin": "margin (EUR)",
    "irritation": "irritation stock",
    "churn": "churn (share)",
}
_INTERVAL = ["mean", "ci_low", "ci_high"]


def profile_base_weights(channels=None) -> pd.DataFrame:
    """The profiles' base weights over the channels, and where they come from (the catalogue).

    Returns
    -------
    pandas.DataFrame
        Indexed by channel: ``affinity_social``, ``affinity_autonomous`` and
        ``affinity_provenance``.
    """
    catalogue = (load_channels() if channels is None else channels).set_index("channel")
    return catalogue.loc[
        _SHOWN_CHANNELS, ["affinity_social", "affinity_autonomous", "affinity_provenance"]
    ]


def affinity_ratios(gaps, channels=None) -> pd.DataFrame:
    """Each channel's social/autonomous ratio of base weights at each affinity gap.

    Returns
    -------
    pandas.DataFrame
        Indexed by channel, one column ``gap <g>`` per gap.
    """
    weights = profile_base_weights(channels)
    base = weights[["affinity_social", "affinity_autonomous"]].to_numpy().T
    ratios = {}
    for g in gaps:
        w = gap_affinities(base, g)
        ratios[f"gap {g:g}"] = w[0] / w[1]
    return pd.DataFrame(ratios, index=weights.index)


def describe_survey(survey: dict) -> str:
    """The survey's test of independence and Cramér's V in one line.

    ``survey`` is :func:`~mcstudy.studies.profiles.profile_channel_association`'s result.
    """
    return (
        f"chi-square {survey['chi2']:.1f} (df {survey['dof']}, p = {survey['pvalue']:.2g}), "
        f"Cramér's V {survey['cramers_v']:.3f}, n = {survey['n']:,}"
    )


def plot_policy_outcomes(runs: pd.DataFrame, *, seed=None):
    """Revenue and margin per customer-year of each policy, both profiles, with 95 % CIs.

    Parameters
    ----------
    runs : pandas.DataFrame
        Replications of :func:`~mcstudy.studies.profiles.profile_statistics`.
    seed : int, default=None
        Seed of seaborn's bootstrap of the error bars.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    check_frame(runs, ["profile", "policy", "metric", "value", "replication"], "runs")
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    both = runs[runs["profile"] == "all"]
    for ax, outcome, label in zip(
        axes,
        ("revenue_per_customer_eur", "margin_per_customer_eur"),
        ("revenue per customer-year (EUR)", "margin per customer-year (EUR)"),
        strict=True,
    ):
        sns.barplot(
            data=both[both["metric"] == outcome],
            x="policy",
            y="value",
            order=["uniform", "segment", "individual"],
            errorbar=("ci", 95),
            seed=seed,
            ax=ax,
        )
        ax.set_ylabel(label)
        ax.set_xlabel("channel policy")
    fig.suptitle(
        f"Both profiles, equal contacts, {runs['replication'].nunique()} replications "
        "(error bars: 95 % CI of the mean)"
    )
    fig.tight_layout()
    return fig


def describe_policy_gains(stats: pd.DataFrame, arms: pd.DataFrame, channels=None) -> str:
    """What matching the mix to the segment, and routing to each customer, change (Markdown).

    Parameters
    ----------
    stats : pandas.DataFrame
        The policies' statistics indexed by name (``mean``, ``ci_low``, ``ci_high``).
    arms : pandas.DataFrame
        :func:`~mcstudy.studies.profiles.arm_outcomes`.
    channels : pandas.DataFrame, default=None
        The channel catalogue (its contact costs); ``data/channels.csv`` when None.
    """
    catalogue = (load_channels() if channels is None else channels).set_index("channel")
    rev = stats.loc["segment_minus_uniform_revenue"]
    mar = stats.loc["segment_minus_uniform_margin"]
    ind = stats.loc["individual_minus_segment_revenue"]
    churn = stats.loc["individual_minus_segment_churn"]
    sign = "negative" if (arms["margin_per_customer_eur"] < 0).all() else "mixed"
    return (
        f"Matching the mix to the segment changes revenue by {rev['mean']:+.2f} EUR per "
        f"customer-year ({rev['ci_low']:+.2f} to {rev['ci_high']:+.2f}) and margin by "
        f"{mar['mean']:+.2f} ({mar['ci_low']:+.2f} to {mar['ci_high']:+.2f}): the social "
        "segment's mix leans on the telephone, the most persuasive but also a costly channel "
        f"(catalogue: {catalogue.loc['telephone', 'cost_per_contact_eur']:g} EUR a call against "
        f"{catalogue.loc['email', 'cost_per_contact_eur']:g} for an e-mail). Routing to each "
        f"customer's own preference adds {ind['mean']:+.2f} EUR of revenue "
        f"({ind['ci_low']:+.2f} to {ind['ci_high']:+.2f}) over the segment mix and changes churn "
        f"by {churn['mean']:+.4f} ({churn['ci_low']:+.4f} to {churn['ci_high']:+.4f}). All arms "
        f"send {arms.loc[('all', 'uniform'), 'contacts_per_customer']:.1f} to "
        f"{arms['contacts_per_customer'].max():.1f} contacts per customer-year (the table above; "
        "the uniform mix at one contact a week sets the level). At that pressure, with a quarter "
        "of the uniform mix on the telephone, every "
        f"policy's margin is {sign} at the catalogue's contact costs: the comparison is between "
        "policies, not a recommendation of the pressure."
    )


def gap_pressure_table(sweep: AffinityGapSweep) -> pd.DataFrame:
    """The planned contacts per week that give every arm the same contacts, by gap and arm."""
    return sweep.pressures.pivot_table(
        index="affinity_gap", columns=["profile", "policy"], values="pressure"
    )


def gap_gain_table(sweep: AffinityGapSweep) -> pd.DataFrame:
    """The segment policy's gain over each comparator, by gap, as ``mean [95 % CI]`` text.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``comparator`` (uniform, pooled, individual) and ``affinity_gap``: ``n``
        (replications) and one column per outcome of
        :data:`~mcstudy.studies.affinity_gap.GAP_OUTCOMES`.
    """
    gains = sweep.summary()
    cells = gains.assign(
        text=[
            format_interval(r.mean, r.ci_low, r.ci_high, GAP_DECIMALS.get(r.outcome, 2))
            for r in gains.itertuples()
        ]
    )
    table = cells.pivot(index=["comparator", "affinity_gap"], columns="outcome", values="text")
    table = table.loc[list(GAP_COMPARATORS), list(GAP_OUTCOMES)]
    table.insert(0, "n", gains.groupby(["comparator", "affinity_gap"])["n_replications"].min())
    return table


def gap_gain_caption(n_per_arm: int) -> str:
    """The caption of :func:`gap_gain_table`, wrapped at 100 characters."""
    return textwrap.fill(
        "Segment policy minus each comparator, per customer randomised over the year, both "
        f"profiles weighted by their shares, equal contacts: mean [95 % CI] over n replications "
        f"of {n_per_arm:,} customers per profile and arm (money in EUR, churn as a share of "
        "customers, irritation as the stock at the end of the year). Causal: randomised arms. "
        "The contacts column shows what is left of the difference in contacts after equalising "
        "on the pilot.",
        100,
    )


def plot_gap_gains(sweep: AffinityGapSweep, *, seed=None):
    """The segment policy's gain over each comparator against the affinity gap, by outcome.

    Lines are the mean over replications, bands its t-interval; the dotted line marks the
    catalogue (gap 1).

    Returns
    -------
    seaborn.FacetGrid
    """
    import seaborn as sns

    curves = sweep.gains()
    grid = sns.relplot(
        data=curves[curves["outcome"].isin(list(_GAP_PANELS))],
        x="affinity_gap",
        y="value",
        hue="comparator",
        hue_order=list(GAP_COMPARATORS),
        col="outcome",
        col_order=list(_GAP_PANELS),
        kind="line",
        marker="o",
        errorbar=mean_interval,  # the t-interval of the table
        seed=seed,
        height=3.0,
        aspect=0.85,
        facet_kws={"sharey": False},
    )
    for outcome, ax in grid.axes_dict.items():
        ax.axhline(0.0, color="grey", linewidth=0.8)
        ax.axvline(1.0, color="black", linestyle=":", linewidth=1.0)
        ax.set_title(_GAP_PANELS[outcome])
        ax.set_xlabel("affinity gap (1 = catalogue)")
    grid.set_ylabels("segment policy minus comparator")
    grid.figure.suptitle(
        f"Gain of the segment policy by affinity gap, equal contacts ({sweep.n_replications} "
        "replications; bands: 95 % CI of the mean)",
        y=1.04,
    )
    return grid


def describe_gap_gains(sweep: AffinityGapSweep) -> str:
    """How the segment policy's gains over each comparator move with the gap (Markdown).

    Needs the gaps 0 and 1 in the sweep.
    """
    describe, from_where = sweep.describe, sweep.describe_from
    return (
        "**Against the uniform mix**, the segment policy's revenue gain is "
        f"{from_where('segment_minus_uniform_revenue')}; at gap 0, where both profiles share one "
        f"mix, it is {describe('segment_minus_uniform_revenue', 0.0)} EUR: that part comes from "
        "leaning the mix toward the channels customers prefer on average, not from the profiles "
        f"differing. Its margin is {from_where('segment_minus_uniform_margin')}, its contact "
        f"cost {from_where('segment_minus_uniform_contact_cost')}: the wider the gap, the more "
        "of the social segment's contacts go to the telephone. "
        "**Against the pooled mix** (the part that needs the profiles to differ), revenue is "
        f"{from_where('segment_minus_pooled_revenue')}; margin is "
        f"{from_where('segment_minus_pooled_margin')}, through contact cost "
        f"({from_where('segment_minus_pooled_contact_cost')}: the autonomous segment's mix moves "
        f"off the telephone); irritation is {from_where('segment_minus_pooled_irritation')}; "
        f"churn is {from_where('segment_minus_pooled_churn')}. "
        "**Against routing to each customer's preferences** at equal contacts, the segment "
        f"policy's margin is {from_where('segment_minus_individual_margin')} and its revenue "
        f"{from_where('segment_minus_individual_revenue')}. "
        "**At gap 0 the segment and pooled arms are one policy**, so their comparison there is "
        "an A/A test: it shows what the equalisation on a pilot leaves (contacts "
        f"{describe('segment_minus_pooled_contacts', 0.0)}, margin "
        f"{describe('segment_minus_pooled_margin', 0.0)}) and that, among the table's many "
        "intervals, some miss zero by chance (churn "
        f"{describe('segment_minus_pooled_churn', 0.0)}). "
        f"**The catalogue sits at gap 1**: there the profile part of the gain is "
        f"{describe('segment_minus_pooled_revenue', 1.0)} EUR of revenue and "
        f"{describe('segment_minus_pooled_margin', 1.0)} EUR of margin per customer-year, over "
        f"{sweep.n_replications} replications."
    )


def profile_part_table(sweep: AffinityGapSweep, comparator: str = "uniform") -> pd.DataFrame:
    """The profile part of the segment policy's gain over ``comparator``, for every outcome.

    The gain at the catalogue's gap (1) minus at gap 0, paired by replication
    (:func:`~mcstudy.studies.profile_part.profile_part`).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``metric`` (``profile_part_<comparator>_<outcome>``): ``mean``, ``ci_low``,
        ``ci_high``, ``n_replications``, ``gap`` and ``reference_gap``.
    """
    if comparator not in GAP_COMPARATORS:
        raise ValueError(
            f"'comparator' must be one of {list(GAP_COMPARATORS)}; got {comparator!r}."
        )
    gains = GAP_GAINS.loc[GAP_GAINS["comparator"] == comparator, "metric"]
    rows = [profile_part(sweep, g, gap=1.0, reference_gap=0.0) for g in gains]
    return pd.DataFrame(rows).set_index("metric")


def describe_robustness_runs(robustness, *, n_per_arm: int, n_weeks: int) -> str:
    """The size of a robustness design of the profile claims, and how equal its contacts stay.

    ``robustness`` is the :func:`mcstudy.experiments.robustness.assess_robustness` result of
    :func:`~mcstudy.studies.profile_part.profile_study_statistics`; its points hold
    ``individual_contacts_per_customer`` and ``segment_contacts_per_customer``.
    """
    points = robustness.points
    ratio = points["individual_contacts_per_customer"] / points["segment_contacts_per_customer"]
    return (
        f"{len(points)} runs, each of {6 * n_per_arm:,} customers (section 4's policies) and "
        f"{16 * n_per_arm:,} (section 6's at two gaps) x {n_weeks} weeks "
        f"({len(robustness.space)} parameters, {len(robustness.results)} claims judged at "
        "every point)\n"
        f"individual over segment contacts across the points: median {ratio.median():.3f}, "
        f"5th-95th percentiles {ratio.quantile(0.05):.3f} to {ratio.quantile(0.95):.3f}"
    )


def describe_bearing(
    sweep: AffinityGapSweep,
    part_table: pd.DataFrame,
    parts: pd.DataFrame,
    stats: pd.DataFrame,
    arms: pd.DataFrame,
) -> str:
    """How the sweep and the policies bear on each profile claim's verdict (Markdown).

    Parameters
    ----------
    sweep : AffinityGapSweep
    part_table : pandas.DataFrame
        :func:`profile_part_table` against the uniform mix.
    parts : pandas.DataFrame
        C002-04's parts (:func:`~mcstudy.studies.profile_claims.judge_parts`).
    stats : pandas.DataFrame
        The policies' statistics indexed by name.
    arms : pandas.DataFrame
        :func:`~mcstudy.studies.profiles.arm_outcomes`.
    """
    part02 = part_table.loc[PROFILE_PART_NAMES[PART_GAIN]]
    m02 = part_table.loc["profile_part_uniform_margin"]
    m04 = stats.loc["individual_minus_segment_margin"]
    ind = arms.loc[("all", "individual"), "contacts_per_customer"]
    seg = arms.loc[("all", "segment"), "contacts_per_customer"]
    weak = parts.index[parts["weaker"]][0]
    text = {
        name: format_interval(*row[_INTERVAL], 4 if name == "loyalty" else 2)
        for name, row in parts.iterrows()
    }
    return (
        "**Bearing on the verdicts.** C000-02 is judged on the part of the segment policy's "
        "revenue gain over the uniform mix that needs the profiles to differ: "
        f"{format_interval(*part02[_INTERVAL])} EUR per customer-year, the gain at the catalogue "
        f"gap ({sweep.describe(PART_GAIN, 1.0)}) minus the gain at gap 0 "
        f"({sweep.describe(PART_GAIN, 0.0)}), paired over {int(part02['n_replications'])} "
        "replications. The other reading of that part, the segment policy against the pooled mix "
        f"at the catalogue gap, gives {sweep.describe('segment_minus_pooled_revenue', 1.0)} EUR. "
        "The margin, which the claim does not speak of, has a profile part of "
        f"{format_interval(*m02[_INTERVAL])} EUR. "
        f"C002-04 is judged on its weaker part, {weak}: response (revenue, EUR) "
        f"{text['response']} -> {parts.loc['response', 'verdict']}; loyalty (churn, share of "
        f"customers) {text['loyalty']} -> {parts.loc['loyalty', 'verdict']}; at equal contacts "
        f"({ind:.1f} against {seg:.1f} per customer-year). Its margin, "
        f"{format_interval(*m04[_INTERVAL])} EUR (the estimand of an earlier registration), is "
        "shown, not judged. C000-15 follows from the profile affinities themselves (at gap 0 the "
        "profiles' service channels would differ only by chance, by construction) and C001-02 "
        "from the spread of each customer's preferences; the sweep does not test them."
    )
