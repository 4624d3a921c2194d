"""What the Complete Journey panels show about campaigns, the mailer and displays.

The panels are shaped in :mod:`mcstudy.studies.completejourney_study` and the estimators are
general (:func:`mcstudy.analysis.event_study`, :func:`mcstudy.analysis.fixed_effects_ols`);
this module asks them the study's questions and words the answers:

- who the campaigns reached (:func:`reached_groups`, :func:`describe_targeting`);
- what a household's first campaign changed, within households (:func:`campaign_studies`,
  :func:`campaign_table`, :func:`campaign_effects`, :func:`plot_event_studies`,
  :func:`describe_campaigns`);
- what the weekly mailer and in-store displays go with, with and without the discount they
  coincide with, and together (:func:`placement_table`, :func:`placement_fits`,
  :func:`fits_table`, :func:`plot_placement`, :func:`describe_placement`,
  :func:`describe_interaction`).

The coupons and the households' heterogeneity are in
:mod:`~mcstudy.studies.completejourney_claims`.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from mcstudy.analysis import event_study, fixed_effects_ols
from mcstudy.claims.rules import rule_for

__all__ = [
    "CAMPAIGN_OUTCOMES",
    "PLACEMENT_SPECS",
    "campaign_effects",
    "campaign_studies",
    "campaign_table",
    "describe_campaigns",
    "describe_interaction",
    "describe_panel",
    "describe_placement",
    "describe_tables",
    "describe_targeting",
    "fits_table",
    "placement_fits",
    "placement_table",
    "plot_event_studies",
    "plot_placement",
    "reached_groups",
]

#: The weekly outcomes of a household and how the tables label them.
CAMPAIGN_OUTCOMES = {
    "n_baskets": "baskets per week",
    "active": "bought that week",
    "spend_usd": "spend per week (USD)",
}
#: The placement regressions, without and with the product-week discount.
PLACEMENT_SPECS = {
    "without the discount": ["in_mailer", "on_display"],
    "with the discount": ["in_mailer", "on_display", "discount_share"],
}
_TABLE_NOTES = {
    "transactions": "receipt lines",
    "campaigns": "household reached by a campaign",
    "coupon_redemptions": "coupon redeemed by a household",
    "promotions": "product on display or in the mailer, in a store, in a week",
}
_GROUPS = [
    "reached in 2016 / week 1",
    "first reached weeks 2-20",
    "first reached weeks 21-53",
    "never reached",
]


def describe_tables(cj: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The rows of each Complete Journey table, with what a row is for the main ones."""
    rows = pd.DataFrame({"rows": {name: len(table) for name, table in cj.items()}})
    return rows.assign(note=rows.index.map(_TABLE_NOTES).fillna(""))


def reached_groups(panel: pd.DataFrame, pre_weeks: int) -> pd.DataFrame:
    """Households by when a campaign first reached them, in the first ``pre_weeks`` weeks.

    Parameters
    ----------
    panel : pandas.DataFrame
        :func:`mcstudy.studies.completejourney_study.campaign_panel`.
    pre_weeks : int
        The weeks at the start of the year compared.

    Returns
    -------
    pandas.DataFrame
        One row per group (reached in 2016 or week 1, first reached weeks 2-20 or 21-53, never
        reached): households, baskets per week, share of weeks buying, spend per week.
    """
    first = panel.drop_duplicates("household_id").set_index("household_id")["first_campaign_week"]
    group = pd.cut(first.fillna(99), bins=[-np.inf, 1, 20, 53, np.inf], labels=_GROUPS)
    early = panel[panel["week"] <= pre_weeks].assign(group=panel["household_id"].map(group))
    return early.groupby("group", observed=True).agg(
        households=("household_id", "nunique"),
        baskets_per_week=("n_baskets", "mean"),
        share_weeks_buying=("active", "mean"),
        spend_per_week_usd=("spend_usd", "mean"),
    )


def describe_targeting(groups: pd.DataFrame, pre_weeks: int) -> str:
    """Whom the campaigns went to, from :func:`reached_groups`, in Markdown."""
    means = groups["baskets_per_week"]
    return (
        f"In the first {pre_weeks} weeks of the year, before households first reached in weeks "
        f"21-53 had received anything, they already made {means['first reached weeks 21-53']:.2f} "
        f"baskets a week against {means['never reached']:.2f} for households never reached: the "
        f"retailer sent its campaigns to its heavier buyers. A comparison of reached and "
        f"unreached households mixes the campaigns' effect with that choice."
    )


def campaign_studies(panel: pd.DataFrame, *, pre: int, post: int, n_boot: int, rng) -> dict:
    """The event study of a household's first campaign on each weekly outcome.

    Parameters
    ----------
    panel : pandas.DataFrame
        :func:`mcstudy.studies.completejourney_study.campaign_panel`.
    pre, post : int
        Weeks before the first campaign shown and required; weeks after it averaged.
    n_boot : int
        Cluster-bootstrap replicates (households redrawn with all their weeks).
    rng : int or numpy.random.Generator
        The bootstrap's seed (the same for every outcome).

    Returns
    -------
    dict
        Outcome to :class:`mcstudy.analysis.panel.EventStudy`.
    """
    return {
        outcome: event_study(
            panel,
            unit="household_id",
            period="week",
            outcome=outcome,
            first_treated="first_campaign_week",
            pre=pre,
            post=post,
            n_boot=n_boot,
            rng=rng,
        )
        for outcome in CAMPAIGN_OUTCOMES
    }


def campaign_table(studies: Mapping) -> pd.DataFrame:
    """The raw and within-household comparisons of every event study, one row each."""
    table = pd.concat([s.summary() for s in studies.values()], ignore_index=True)
    table["kind"] = np.where(
        table["comparison"].str.startswith("difference"),
        "within household (difference in differences)",
        "observational (raw)",
    )
    return table[["outcome", "kind", "comparison", "relative_difference", "ci_low", "ci_high", "n"]]


def campaign_effects(studies: Mapping) -> pd.DataFrame:
    """The difference in differences of every event study in the outcome's unit, one column each."""
    return pd.DataFrame(
        {
            outcome: {
                "effect (outcome units)": s.att,
                "ci_low": s.ci_low,
                "ci_high": s.ci_high,
                "reached mean, weeks 0-7": s.treated_mean,
                "counterfactual mean": s.counterfactual_mean,
                "households in cohorts": s.n_treated,
                "never reached": s.n_never,
                "cohorts": s.n_cohorts,
            }
            for outcome, s in studies.items()
        }
    )


def plot_event_studies(studies: Mapping):
    """The effect of the first campaign by week since it, one panel per outcome.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, axes = plt.subplots(1, len(studies), figsize=(14, 3.8))
    for ax, (outcome, s) in zip(np.atleast_1d(axes), studies.items(), strict=True):
        d = s.event_times
        ax.axhline(0, color="0.4", lw=1)
        ax.axvline(-0.5, color="0.6", ls="--", lw=1)
        ax.errorbar(
            d["event_time"],
            d["att"],
            yerr=[d["att"] - d["ci_low"], d["ci_high"] - d["att"]],
            fmt="o",
            capsize=3,
            color=sns.color_palette()[0],
        )
        ax.set_xlabel("weeks since the household's first campaign")
        ax.set_title(CAMPAIGN_OUTCOMES.get(outcome, outcome))
    np.atleast_1d(axes)[0].set_ylabel("difference in differences (95 % CI)")
    fig.suptitle(
        "Effect of a household's first campaign, against households not yet reached", y=1.03
    )
    fig.tight_layout()
    return fig


def _pct(value: float, digits: int = 0) -> str:
    return f"{100 * value:+.{digits}f} %"


def describe_campaigns(studies: Mapping) -> str:
    """What the event studies of :func:`campaign_studies` show, in Markdown."""
    baskets, active, spend = (studies[o] for o in ("n_baskets", "active", "spend_usd"))
    pre_rows = baskets.event_times[baskets.event_times["event_time"] < -1]
    covering = (pre_rows["ci_low"] <= 0) & (pre_rows["ci_high"] >= 0)

    def within(s) -> str:
        return (
            f"{_pct(s.relative, 1)} ({_pct(s.relative_ci_low, 1)} to {_pct(s.relative_ci_high, 1)})"
        )

    return f"""**What section 2 shows.** Households ever reached by a campaign made
{_pct(baskets.naive)} more baskets a week than households never reached (95 % CI
{_pct(baskets.naive_ci_low)} to {_pct(baskets.naive_ci_high)}) and bought in
{_pct(active.naive)} more weeks ({_pct(active.naive_ci_low)} to {_pct(active.naive_ci_high)}).
Before their first campaign the same households already made {_pct(baskets.pre_gap)} more
baskets ({_pct(baskets.pre_gap_ci_low)} to {_pct(baskets.pre_gap_ci_high)}) than the never
reached in the same weeks. Within households, the first campaign changed baskets by
{_pct(baskets.relative, 1)} (95 % CI {_pct(baskets.relative_ci_low, 1)} to
{_pct(baskets.relative_ci_high, 1)}), the share of weeks with a purchase by {within(active)} and
spend by {within(spend)}, over {baskets.n_cohorts} cohorts ({baskets.n_treated:,} households)
and {baskets.n_never:,} households never reached. {int(covering.sum())} of the {len(pre_rows)}
pre-campaign weeks tested have an interval that holds 0 (parallel trends before the campaign
are not rejected week by week)."""


def describe_panel(n_rows: int, promo_panel: pd.DataFrame) -> str:
    """The size of the product x store x week table and of the promotion panel drawn from it."""
    return (
        f"product x store x week table: {n_rows:,} rows; panel: {len(promo_panel):,} rows, "
        f"{promo_panel['product_id'].nunique()} products, "
        f"{promo_panel['store_id'].nunique()} stores, "
        f"{promo_panel['product_store'].nunique():,} product-store pairs"
    )


def placement_table(promo_panel: pd.DataFrame) -> pd.DataFrame:
    """Units and discount of the panel's rows by placement (mailer, display, both, neither)."""
    placement = promo_panel.assign(
        placement=np.select(
            [
                (promo_panel["in_mailer"] == 1) & (promo_panel["on_display"] == 1),
                promo_panel["in_mailer"] == 1,
                promo_panel["on_display"] == 1,
            ],
            ["mailer and display", "mailer only", "display only"],
            default="neither",
        )
    )
    return placement.groupby("placement").agg(
        rows=("units", "size"),
        units=("units", "mean"),
        discount_share=("discount_share", "mean"),
        share_discounted=("discount_share", lambda s: (s > 0.05).mean()),
    )


def placement_fits(promo_panel: pd.DataFrame, *, interaction: bool = False) -> dict:
    """``log(1 + units)`` on the placements, without and with the discount (``PLACEMENT_SPECS``).

    One fixed effect per product-store pair and one per week, standard errors clustered by
    product. With ``interaction``, the product ``in_mailer:on_display`` is added.

    Returns
    -------
    dict
        Specification name to :func:`mcstudy.analysis.fixed_effects_ols` fit.
    """
    options = {"interactions": [("in_mailer", "on_display")]} if interaction else {}
    return {
        name: fixed_effects_ols(
            promo_panel,
            "log_units",
            regressors,
            absorb=["product_store", "week"],
            cluster="product_id",
            **options,
        )
        for name, regressors in PLACEMENT_SPECS.items()
    }


def fits_table(fits: Mapping) -> pd.DataFrame:
    """The coefficients of every fit of :func:`placement_fits`, with a ``specification`` column."""
    table = pd.concat(
        [fit.summary().assign(specification=name) for name, fit in fits.items()],
        ignore_index=True,
    )
    return table[
        ["specification", "term", "coef", "ci_low", "ci_high", "pvalue", "n", "n_clusters"]
    ]


def plot_placement(table: pd.DataFrame):
    """The mailer and display coefficients of :func:`fits_table`, by specification.

    Returns
    -------
    matplotlib.figure.Figure
    """
    rows_to_plot = table[table["term"] != "discount_share"]
    fig, ax = plt.subplots(figsize=(7.5, 3.2))
    palette = dict(zip(PLACEMENT_SPECS, sns.color_palette()[:2], strict=True))
    for i, (name, rows) in enumerate(rows_to_plot.groupby("specification", sort=False)):
        y = np.arange(len(rows)) + (i - 0.5) * 0.25
        ax.errorbar(
            rows["coef"],
            y,
            xerr=[rows["coef"] - rows["ci_low"], rows["ci_high"] - rows["coef"]],
            fmt="o",
            capsize=3,
            color=palette[name],
            label=name,
        )
    ax.set_yticks(np.arange(2), ["in the mailer", "on display"])
    ax.axvline(0, color="0.4", lw=1)
    ax.set_xlabel("change in log(1 + units), product x store and week fixed effects (95 % CI)")
    ax.legend(loc="lower right", frameon=True)
    ax.set_title("Placement and units sold, without and with the product-week discount")
    fig.tight_layout()
    return fig


def _effect(e, digits: int = 3) -> str:
    return f"{e[0]:+.{digits}f} ({e[1]:+.{digits}f} to {e[2]:+.{digits}f})"


def describe_placement(fits: Mapping) -> str:
    """What the placement fits of :func:`placement_fits` show, in Markdown."""
    raw, adj = fits["without the discount"], fits["with the discount"]
    mailer_raw = raw.effect("in_mailer")
    discount = adj.effect("discount_share")
    return f"""**What section 3 shows.** Within the same product and store, and net of the week's
common shocks, weeks in the mailer sold {mailer_raw[0]:+.3f} more log units (95 % CI
{mailer_raw[1]:+.3f} to {mailer_raw[2]:+.3f}); holding the product's discount that week fixed the
mailer's coefficient becomes {_effect(adj.effect("in_mailer"))}. For displays:
{_effect(raw.effect("on_display"))} and {_effect(adj.effect("on_display"))}. A discount of the
whole price goes with {discount[0]:+.2f} log units ({discount[1]:+.2f} to {discount[2]:+.2f}).
Part of what the mailer seems to do is the price cut that comes with it; what remains is still
an association, since the retailer chooses which products to feature and when (for example
ahead of a seasonal peak the week effects do not remove for a single product)."""


def describe_interaction(fits: Mapping) -> str:
    """What the mailer x display interaction of :func:`placement_fits` shows, in Markdown."""
    fit = fits["with the discount"]
    mx = fit.effect("in_mailer:on_display")
    mx_raw = fits["without the discount"].effect("in_mailer:on_display")
    mailer, display = fit.effect("in_mailer"), fit.effect("on_display")
    together = mailer[0] + display[0] + mx[0]
    return f"""**What the interaction shows.** Holding the discount fixed, a product in the mailer
but not on display sold {_effect(mailer)} log units more than in a week with neither, one on
display but not in the mailer {_effect(display)}. In a week with both it sold
{together:+.3f} more, against {mailer[0] + display[0]:+.3f} for the two alone added up: the
interaction is {mx[0]:+.3f} log units (95 % CI {mx[1]:+.3f} to {mx[2]:+.3f}; {mx_raw[0]:+.3f},
{mx_raw[1]:+.3f} to {mx_raw[2]:+.3f}, without the discount), against a smallest effect that
matters of {rule_for("C000-44").smallest_effect:g} either way. Which products the retailer
features and displays together, and in which weeks, is its choice: the interaction is
adjusted, not randomised."""
