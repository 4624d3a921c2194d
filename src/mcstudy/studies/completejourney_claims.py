"""The Complete Journey's coupons, its households' heterogeneity, and its claims' estimates.

- :func:`redeemer_gaps`, :func:`gap_table`, :func:`plot_redeemer_gaps`,
  :func:`describe_redeemers`: how much more coupon redeemers spend, raw and relative to their
  own spending before the campaign;
- :func:`heterogeneity_fits`, :func:`plot_heterogeneity`, :func:`describe_heterogeneity`: how
  much households differ in purchase frequency, next to the simulator's assumption;
- :func:`journey_claim_estimates`: the estimate each claim of the Complete Journey study is
  judged on (C002-30, C000-40, C000-41, C000-44, C000-45), ready for
  :func:`mcstudy.claims.judge`; :func:`describe_journey_verdicts` words the verdicts.

The campaign and placement analyses are in :mod:`~mcstudy.studies.completejourney_report`.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from mcstudy.analysis import fit_lognormal_gamma_poisson, fit_negative_binomial, rate_cv2
from mcstudy.claims.rules import rule_for
from mcstudy.claims.verdicts import judge_effect, weakest
from mcstudy.io import load_channels, load_parameters
from mcstudy.model import PopulationSpec
from mcstudy.model.channels import ChannelSet
from mcstudy.model.population import generate_population
from mcstudy.studies.completejourney_coupons import redeemer_gap

__all__ = [
    "describe_heterogeneity",
    "describe_journey_verdicts",
    "describe_redeemers",
    "gap_table",
    "heterogeneity_fits",
    "journey_claim_estimates",
    "plot_heterogeneity",
    "plot_redeemer_gaps",
    "redeemer_gaps",
]

_C002_PARTS = {"baskets per week": "n_baskets", "weeks with a purchase": "active"}


def redeemer_gaps(redemptions: pd.DataFrame, *, n_boot: int, rng) -> dict:
    """The redeemer gap over all campaigns, then by campaign type (the same bootstrap seed)."""
    gaps = {"all campaigns": redeemer_gap(redemptions, n_boot=n_boot, rng=rng)}
    for kind, rows in redemptions.groupby("campaign_type"):
        gaps[kind] = redeemer_gap(rows, n_boot=n_boot, rng=rng)
    return gaps


def gap_table(gaps: Mapping) -> pd.DataFrame:
    """The comparisons of every redeemer gap of :func:`redeemer_gaps`, one row each."""
    table = pd.concat(
        [
            g.summary().assign(campaigns=name, households=g.n_households, redeemed=g.n_redeemed)
            for name, g in gaps.items()
        ],
        ignore_index=True,
    )
    columns = ["campaigns", "comparison", "relative_difference", "ci_low", "ci_high", "n"]
    return table[[*columns, "households", "redeemed"]]


def plot_redeemer_gaps(table: pd.DataFrame):
    """The redeemers' relative spend of :func:`gap_table`, by campaigns and comparison.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = plt.subplots(figsize=(8, 3.4))
    order = list(dict.fromkeys(table["campaigns"]))
    for i, comparison in enumerate(table["comparison"].unique()):
        rows = table[table["comparison"] == comparison].set_index("campaigns").loc[order]
        y = np.arange(len(order)) + (i - 1) * 0.22
        ax.errorbar(
            rows["relative_difference"],
            y,
            xerr=[
                rows["relative_difference"] - rows["ci_low"],
                rows["ci_high"] - rows["relative_difference"],
            ],
            fmt="o",
            capsize=3,
            label=comparison,
        )
    ax.set_yticks(np.arange(len(order)), order)
    ax.axvline(0, color="0.4", lw=1)
    ax.xaxis.set_major_formatter(lambda v, _: f"{100 * v:+.0f} %")
    ax.set_xlabel("spend per week, redeemers relative to reached non-redeemers (95 % CI)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=3, fontsize=8, frameon=False)
    ax.set_title("Coupon redeemers were heavier buyers before the campaign")
    fig.tight_layout()
    return fig


def _pct(value: float, digits: int = 0) -> str:
    return f"{100 * value:+.{digits}f} %"


def describe_redeemers(gap, pre_weeks: int) -> str:
    """What the redeemer gap over all campaigns shows, in Markdown."""
    return f"""**What section 4 shows.** During a campaign, households that redeemed its coupons
spent {_pct(gap.raw)} a week more than the households it reached that did not
(95 % CI {_pct(gap.raw_ci[0])} to {_pct(gap.raw_ci[1])};
{gap.n_rows:,} household-campaigns, {gap.n_households:,} households). In the
{pre_weeks} weeks before the campaign they already spent {_pct(gap.before)} more
({_pct(gap.before_ci[0])} to {_pct(gap.before_ci[1])}). Relative to their own
spending before, redeemers' spend rose {_pct(gap.adjusted, 1)} more than the others'
({_pct(gap.adjusted_ci[0], 1)} to {_pct(gap.adjusted_ci[1], 1)}). Even that
remainder is not the coupon's effect: a household that plans a big shop is the one that redeems
that week. The campaign's effect on everyone it reached, redeemers or not, is the difference in
differences of section 2."""


def heterogeneity_fits(counts: pd.Series, *, n_simulated: int, rng) -> dict:
    """Zero-truncated fits of the households' yearly basket counts, and the simulator's rates.

    Parameters
    ----------
    counts : pandas.Series
        Baskets per household in the year
        (:func:`mcstudy.studies.completejourney_study.household_basket_counts`).
    n_simulated : int
        Customers drawn from the simulator's default population.
    rng : int or numpy.random.Generator
        Seeds the simulated population.

    Returns
    -------
    dict
        ``nb`` and ``mixture`` (the negative binomial and log-normal x gamma fits), ``spec``
        (the default :class:`~mcstudy.model.PopulationSpec`), ``sim_cv2`` (the squared
        coefficient of variation of the drawn rates), ``n_simulated``, and ``table``: one row
        per model with its parameters, intervals, cv2, AIC and n.
    """
    nb = fit_negative_binomial(counts, zero_truncated=True)
    mixture = fit_lognormal_gamma_poisson(counts, zero_truncated=True)
    spec = PopulationSpec()
    rates = generate_population(spec, ChannelSet(load_channels()), n_simulated, rng=rng).base_rate
    assumed = {
        "model": "simulator, calibrated defaults (assumed)",
        "shape": spec.rate_shape,
        "sigma": spec.engagement_sigma,
        "cv2": rate_cv2(spec.engagement_sigma, spec.rate_shape),
        "n": n_simulated,
    }
    table = pd.concat([nb.summary(), mixture.summary(), pd.DataFrame([assumed])], ignore_index=True)
    columns = ["model", "mean", "shape", "shape_ci_low", "shape_ci_high", "sigma"]
    columns += ["sigma_ci_low", "sigma_ci_high", "cv2", "cv2_ci_low", "cv2_ci_high", "aic", "n"]
    return {
        "nb": nb,
        "mixture": mixture,
        "spec": spec,
        "sim_cv2": float(np.var(rates) / np.mean(rates) ** 2),
        "n_simulated": n_simulated,
        "table": table[columns],
    }


def describe_counts(counts: pd.Series, fits: Mapping) -> str:
    """The households' basket counts and the simulator's drawn rates, in one line."""
    return (
        f"{len(counts):,} households; baskets per household-year: mean {counts.mean():.1f}, "
        f"median {counts.median():.0f}, minimum {counts.min()}; simulator's drawn rates: "
        f"cv2 {fits['sim_cv2']:.3f} over {fits['n_simulated']:,} customers"
    )


def plot_heterogeneity(counts: pd.Series, fits: Mapping):
    """The households' basket counts against the fits and the simulator's heterogeneity.

    Returns
    -------
    matplotlib.figure.Figure
    """
    nb, mixture, spec = fits["nb"], fits["mixture"], fits["spec"]
    top = int(np.quantile(counts, 0.99))
    fig, ax = plt.subplots(figsize=(9, 3.8))
    bins = np.arange(0, top + 10, 10)
    ax.hist(
        counts[counts <= top], bins=bins, density=True, color="0.8", label="households (observed)"
    )
    lines = {
        "negative binomial fit": (nb.mean, 0.0, nb.shape),
        "log-normal x gamma fit": (mixture.mean, mixture.sigma, mixture.shape),
        "simulator's heterogeneity at the observed mean": (
            mixture.mean,
            spec.engagement_sigma,
            spec.rate_shape,
        ),
    }
    grid = np.arange(0, top + 1)
    for (label, (mean, sigma, shape)), color in zip(
        lines.items(), sns.color_palette(), strict=False
    ):
        fit = type(nb)(**{**nb.__dict__, "mean": mean, "sigma": sigma, "shape": shape})
        pmf = fit.pmf(grid)
        ax.plot(grid[1:], pmf[1:] / (1 - pmf[0]), color=color, lw=2, label=label)
    ax.set_xlabel("baskets per household in the year")
    ax.set_ylabel("share of households")
    ax.legend(frameon=True)
    ax.set_title(
        "Purchase-frequency heterogeneity: grocery households and the simulator's assumption"
    )
    fig.tight_layout()
    return fig


def describe_heterogeneity(fits: Mapping) -> str:
    """What the fits of :func:`heterogeneity_fits` show, next to the parameters' ranges."""
    nb, mixture, spec = fits["nb"], fits["mixture"], fits["spec"]
    assumed = rate_cv2(spec.engagement_sigma, spec.rate_shape)
    inside = nb.cv2_ci[0] <= assumed <= nb.cv2_ci[1]
    ranges = (
        load_parameters()
        .set_index("name")
        .loc[["population.rate_shape", "population.engagement_sigma"], ["low", "high"]]
        .astype(float)
    )
    shape_range, sigma_range = (
        ranges.loc["population.rate_shape"],
        ranges.loc["population.engagement_sigma"],
    )
    covered = (
        shape_range["low"] <= min(nb.shape, mixture.shape)
        and max(nb.shape, mixture.shape) <= shape_range["high"]
        and sigma_range["low"] <= mixture.sigma <= sigma_range["high"]
    )
    return f"""**What section 5 shows.** Grocery households differ a lot in how often they shop:
the negative binomial puts the gamma shape of their rates at {nb.shape:.2f} (95 % CI
{nb.shape_ci[0]:.2f} to {nb.shape_ci[1]:.2f}), a squared coefficient of variation of
{nb.cv2:.2f} ({nb.cv2_ci[0]:.2f} to {nb.cv2_ci[1]:.2f}); the log-normal x gamma mixture fits
better (AIC {mixture.aic:,.0f} against {nb.aic:,.0f}), with sigma {mixture.sigma:.2f}
({mixture.sigma_ci[0]:.2f} to {mixture.sigma_ci[1]:.2f}), shape {mixture.shape:.2f}
({mixture.shape_ci[0]:.2f} to {mixture.shape_ci[1]:.2f}) and a squared coefficient of variation
of {mixture.cv2:.2f} ({mixture.cv2_ci[0]:.2f} to {mixture.cv2_ci[1]:.2f}). The simulator assumes
sigma {spec.engagement_sigma:g} and shape {spec.rate_shape:g}, a squared coefficient of
variation of {assumed:.2f} (the rates of {fits["n_simulated"]:,} drawn customers give
{fits["sim_cv2"]:.2f}): {"inside" if inside else "above"} the negative binomial's interval,
{mixture.cv2 / assumed:.2f} times the mixture's estimate. These households are a panel of a
grocer's regular customers, which the simulator's catalogue customers need not resemble; both
rate parameters stay assumptions with plausible ranges (`data/parameters.csv`: `rate_shape`
{shape_range["low"]:g} to {shape_range["high"]:g}, `engagement_sigma` {sigma_range["low"]:g}
to {sigma_range["high"]:g}), which {"cover" if covered else "do not cover"} the point estimates
above."""


def _c002_30(studies: Mapping, post_weeks: int) -> dict:
    rule = rule_for("C002-30")
    parts = {
        part: rule.judge(
            s.naive_ci_low,
            s.naive_ci_high,
            causal_ci=(s.relative_ci_low, s.relative_ci_high),
            observed=s.naive,
        )
        for part, s in ((p, studies[o]) for p, o in _C002_PARTS.items())
    }
    weak_part = next(p for p, v in parts.items() if v == weakest(parts.values()))
    weak = studies[_C002_PARTS[weak_part]]
    return {
        "claim_id": "C002-30",
        "effect": weak.naive,
        "ci_low": weak.naive_ci_low,
        "ci_high": weak.naive_ci_high,
        "causal_ci_low": weak.relative_ci_low,
        "causal_ci_high": weak.relative_ci_high,
        "n": weak.n_units,
        "measure": f"relative difference in {weak_part} (the weaker part), households ever "
        "reached by a campaign vs never reached, all weeks (raw)",
        "method": weak.method + "; association judged against the difference in differences",
        "condition": "; ".join(
            f"{part}: raw {_pct(s.naive)} ({_pct(s.naive_ci_low)} to {_pct(s.naive_ci_high)}), "
            f"before the first campaign {_pct(s.pre_gap)}, difference in differences weeks "
            f"0-{post_weeks - 1} {_pct(s.relative, 1)} ({_pct(s.relative_ci_low, 1)} to "
            f"{_pct(s.relative_ci_high, 1)}) -> {parts[part]}"
            for part, s in ((p, studies[o]) for p, o in _C002_PARTS.items())
        )
        + ". Campaigns were targeted at heavier buyers; the quality of the relationship is not "
        "observed.",
    }


def _effect(e) -> str:
    return f"{e[0]:+.3f} ({e[1]:+.3f} to {e[2]:+.3f})"


def _c000_40(fits: Mapping, n_products: int) -> dict:
    raw, adj = fits["without the discount"], fits["with the discount"]
    mailer_raw, mailer_adj = raw.effect("in_mailer"), adj.effect("in_mailer")
    alone = judge_effect(
        mailer_adj[1], mailer_adj[2], smallest_effect=rule_for("C000-40").smallest_effect
    )
    return {
        "claim_id": "C000-40",
        "effect": mailer_raw[0],
        "ci_low": mailer_raw[1],
        "ci_high": mailer_raw[2],
        "causal_ci_low": mailer_adj[1],
        "causal_ci_high": mailer_adj[2],
        "n": adj.n,
        "measure": "change in log(1 + units) of a product in a store-week featured in the weekly "
        "mailer, product x store and week fixed effects, display held fixed, without the "
        "discount (raw)",
        "method": adj.method + f"; {n_products} most-sold products; association judged against "
        "the model holding the product-week discount fixed",
        "condition": (
            f"Mailer {_effect(mailer_raw)} without the discount, {_effect(mailer_adj)} with it "
            f"(judged alone by the effect rule: {alone}). Display "
            f"{raw.effect('on_display')[0]:+.3f} and {adj.effect('on_display')[0]:+.3f}. "
            "Placement is chosen by the retailer and coincides with price cuts; the mailer is a "
            "printed circular and sends customers to the shop only (no other purchase channel "
            "in the data)."
        ),
    }


def _c000_41(gap, pre_weeks: int) -> dict:
    return {
        "claim_id": "C000-41",
        "effect": gap.raw,
        "ci_low": gap.raw_ci[0],
        "ci_high": gap.raw_ci[1],
        "causal_ci_low": gap.adjusted_ci[0],
        "causal_ci_high": gap.adjusted_ci[1],
        "n": gap.n_rows,
        "measure": "relative difference in spend per week during a campaign, households that "
        "redeemed its coupons vs reached households that did not (raw)",
        "method": gap.method + "; association judged against the ratio of ratios to the "
        f"{pre_weeks} weeks before the campaign",
        "condition": (
            f"Raw {_pct(gap.raw)} ({_pct(gap.raw_ci[0])} to {_pct(gap.raw_ci[1])}); before the "
            f"campaign {_pct(gap.before)} ({_pct(gap.before_ci[0])} to {_pct(gap.before_ci[1])}); "
            f"relative to before {_pct(gap.adjusted, 1)} ({_pct(gap.adjusted_ci[0], 1)} to "
            f"{_pct(gap.adjusted_ci[1], 1)}). Redemption is chosen, so even the adjusted gap is "
            "not the coupon's effect. The shop-to-online ratio of the Celio example cannot be "
            "computed: the data have no online channel."
        ),
    }


def _c000_44_45(interaction_fits: Mapping, n_products: int) -> list[dict]:
    fit = interaction_fits["with the discount"]
    mx = fit.effect("in_mailer:on_display")
    mx_raw = interaction_fits["without the discount"].effect("in_mailer:on_display")
    mailer, display = fit.effect("in_mailer")[0], fit.effect("on_display")[0]
    shared = {
        "effect": mx[0],
        "ci_low": mx[1],
        "ci_high": mx[2],
        "n": fit.n,
        "method": fit.method + f"; {n_products} most-sold products; the product of the two "
        "placements added to the model of C000-40 holding the discount fixed",
        "condition": (
            f"Interaction {_effect(mx)} with the discount held fixed, {_effect(mx_raw)} without "
            f"it; mailer alone {mailer:+.3f}, display alone {display:+.3f}, both "
            f"{mailer + display + mx[0]:+.3f}. Placements are chosen by the retailer; the two "
            "channels are a grocer's printed circular and in-store displays acting on a "
            "product's sales, not the documents' e-mail, mail and telephone contacts of a "
            "customer."
        ),
    }
    return [{"claim_id": claim, **shared} for claim in ("C000-44", "C000-45")]


def journey_claim_estimates(
    studies: Mapping,
    fits: Mapping,
    interaction_fits: Mapping,
    gap,
    *,
    pre_weeks: int,
    post_weeks: int,
    n_products: int,
) -> pd.DataFrame:
    """The estimate of each Complete Journey claim, one row per claim, for ``claims.judge``.

    Parameters
    ----------
    studies : mapping
        :func:`mcstudy.studies.completejourney_report.campaign_studies` (C002-30: each part,
        baskets and weeks with a purchase, judged raw against the difference in differences;
        the claim recorded with the weaker).
    fits, interaction_fits : mapping
        :func:`mcstudy.studies.completejourney_report.placement_fits` without and with the
        interaction (C000-40; C000-44 and C000-45, judged on the same interval).
    gap : RedeemerGap
        The redeemer gap over all campaigns (C000-41).
    pre_weeks, post_weeks, n_products : int
        The study's parameters, quoted in the method and condition.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``claim_id`` (C000-40, C000-41, C002-30, C000-44, C000-45): ``effect``,
        ``ci_low``, ``ci_high``, ``n``, the within interval (``causal_ci_low``,
        ``causal_ci_high``) of the ``association`` claims, ``measure`` (NaN for C000-44 and
        C000-45, whose measure is their registered estimand), ``method``,
        ``condition``.
    """
    rows = [
        _c000_40(fits, n_products),
        _c000_41(gap, pre_weeks),
        _c002_30(studies, post_weeks),
        *_c000_44_45(interaction_fits, n_products),
    ]
    return pd.DataFrame(rows).set_index("claim_id")


def describe_journey_verdicts(
    recorded: pd.DataFrame, studies: Mapping, fits: Mapping, interaction_fits: Mapping, gap
) -> str:
    """The summary of the Complete Journey verdicts, in Markdown."""
    v = recorded.set_index("claim_id")["verdict"]
    baskets, active = studies["n_baskets"], studies["active"]
    mailer_raw = fits["without the discount"].effect("in_mailer")
    mailer_adj = fits["with the discount"].effect("in_mailer")
    fit = interaction_fits["with the discount"]
    mx = fit.effect("in_mailer:on_display")
    mailer, display = fit.effect("in_mailer")[0], fit.effect("on_display")[0]
    m_mx = rule_for("C000-44").smallest_effect
    inside = "inside" if -m_mx < mx[1] and mx[2] < m_mx else "not inside"
    return f"""**Summary** (each verdict as recorded above).

* **C002-30, contact density brings repeat purchases and loyalty: {v["C002-30"]}.** Reached
  households made {_pct(baskets.naive)} more baskets than households never reached, but
  were already {_pct(baskets.pre_gap)} ahead before any campaign; within households the
  first campaign changed baskets by {_pct(baskets.relative, 1)} ({_pct(baskets.relative_ci_low, 1)}
  to {_pct(baskets.relative_ci_high, 1)}) and weeks with a purchase by
  {_pct(active.relative, 1)} ({_pct(active.relative_ci_low, 1)} to
  {_pct(active.relative_ci_high, 1)}).
* **C000-40, the mailer sends customers to the shop: {v["C000-40"]}.** The mailer's
  association with units sold, {mailer_raw[0]:+.3f} log units, falls to {_effect(mailer_adj)}
  once the discount it comes with is held fixed.
* **C000-41, coupon redemptions count purchases the coupon generated: {v["C000-41"]}.**
  Redeemers spent {_pct(gap.raw)} more during the campaign and already
  {_pct(gap.before)} more before it; relative to before, {_pct(gap.adjusted, 1)}.
* **C000-44, channels used together produce synergies: {v["C000-44"]}; C000-45, a second
  channel adds less: {v["C000-45"]}.** With the discount held fixed, featuring and displaying a
  product in the same week adds {mx[0]:+.3f} log units ({mx[1]:+.3f} to {mx[2]:+.3f}) beyond the
  mailer alone ({mailer:+.3f}) plus the display alone ({display:+.3f}). The interval lies
  {inside} (-{m_mx:g}, +{m_mx:g}), the smallest effect that matters either way."""
