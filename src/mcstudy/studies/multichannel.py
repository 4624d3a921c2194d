"""Multichannel purchase uplift: do customers who use several channels buy more, and why.

Three quantities are kept apart (notebook 03):

- the **observational gap** an analyst sees, the relative difference in purchases per
  customer-year between customers buying through two (or three) or more channels and
  customers buying through one, with channel breadth measured *during* the outcome window
  (a customer who buys more often has more chances to use more channels: the mechanical part),
  *before* it (channels used in the previous year), or as the latent repertoire;
- the **causal effect** of the channels in a customer's repertoire on their purchases: the same
  customers, the same random draws, simulated with the model's breadth effect and without it
  (``breadth_purchase_effect = 0``), so that each customer's counterfactual "had one channel"
  purchase count is observed;
- the **selection** in between: engaged customers use more channels
  (``engagement_breadth_link``) and buy more.

:func:`simulate_panel` builds the per-customer panel (year 1 before, year 2 the outcome
window), :func:`relative_gap` the gaps with a delta-method interval,
:func:`multichannel_statistics` every statistic of the notebook's claims (a study in the sense
of :func:`mcstudy.experiments.replicate` and
:func:`mcstudy.experiments.robustness.assess_robustness`),
:func:`purchase_regressions` the count regressions an analyst would fit, and
:func:`decompose_gap` the split of a gap into mechanics, selection and cause.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from mcstudy._validation import check_frame, check_int
from mcstudy.analysis.intervals import relative_difference
from mcstudy.model.context import model_context
from mcstudy.model.strategies import Monochannel
from mcstudy.studies._skeleton import run_arms, simulation_seed

__all__ = [
    "BREADTH_MEASURES",
    "MULTICHANNEL_STATISTICS",
    "POISSON_PML",
    "WINDOW_WEEKS",
    "GapEstimate",
    "association_at_point",
    "decompose_gap",
    "decompose_gaps",
    "gap_table",
    "multichannel_statistics",
    "purchase_regressions",
    "relative_gap",
    "simulate_panel",
]

#: The estimator of every row of :func:`purchase_regressions`.
POISSON_PML = "Poisson pseudo-likelihood, HC1"

#: Weeks in each window of the panel (year 1 before, year 2 the outcome).
WINDOW_WEEKS = 52

#: Columns of :func:`simulate_panel` measuring channel breadth, by name.
BREADTH_MEASURES = {
    "during": "channels_during",
    "before": "channels_before",
    "repertoire": "n_repertoire_channels",
}

#: The statistics :func:`multichannel_statistics` returns.
MULTICHANNEL_STATISTICS = tuple(
    [f"gap_{m}_{k}plus" for m in BREADTH_MEASURES for k in (2, 3)]
    + ["causal_2plus", "causal_3plus", "purchases_per_customer", "multichannel_share"]
    + [f"n_{m}_{k}" for m in BREADTH_MEASURES for k in ("1", "2plus", "3plus")]
)

_PANEL_COLUMNS = (
    "customer_id",
    "tier",
    "profile",
    "engagement",
    "n_repertoire_channels",
    "purchases_before",
    "channels_before",
    "purchases",
    "channels_during",
    "purchases_no_breadth_effect",
)


@dataclass(frozen=True)
class GapEstimate:
    """Relative difference in mean purchases, multichannel vs single-channel customers.

    Attributes
    ----------
    estimate : float
        ``mean(multi) / mean(single) - 1``.
    ci_low, ci_high : float
        95 % interval (delta method on the log of the ratio of means).
    n_multi, n_single : int
        Customers in each group.
    method : str
        How the interval was computed.
    """

    estimate: float
    ci_low: float
    ci_high: float
    n_multi: int
    n_single: int
    method: str = "ratio of means, delta method on the log scale"

    def summary(self) -> pd.DataFrame:
        """The estimate as a one-row DataFrame."""
        return pd.DataFrame([asdict(self)])


def relative_gap(
    breadth: np.ndarray | pd.Series, outcome: np.ndarray | pd.Series, *, at_least: int = 2
) -> GapEstimate:
    """Relative gap in ``outcome`` between customers with ``breadth >= at_least`` and ``== 1``.

    Customers with a breadth of 0 (no purchase channel used) are in neither group.

    Parameters
    ----------
    breadth : array of int
        Channels per customer.
    outcome : array of float
        Purchases per customer (same length).
    at_least : int, default=2
        Breadth of the multichannel group, in [2, 100].

    Returns
    -------
    GapEstimate

    Raises
    ------
    ValueError
        If the arrays differ in length, a group has fewer than two customers, or the
        single-channel group's mean is not positive.

    Examples
    --------
    >>> relative_gap([1, 1, 2, 2], [1.0, 3.0, 4.0, 4.0]).estimate
    1.0
    """
    at_least = check_int(at_least, "at_least", 2, 100)
    b = np.asarray(breadth)
    y = np.asarray(outcome, dtype=float)
    if b.shape != y.shape or b.ndim != 1:
        raise ValueError(
            f"'breadth' and 'outcome' must be 1-d arrays of the same length; got shapes "
            f"{b.shape} and {y.shape}."
        )
    multi, single = y[b >= at_least], y[b == 1]
    for name, group in (("multichannel", multi), ("single-channel", single)):
        if len(group) < 2:
            raise ValueError(f"the {name} group must have at least 2 customers; got {len(group)}.")
    m1, m0 = multi.mean(), single.mean()
    if m0 <= 0:
        raise ValueError(f"the single-channel group's mean outcome must be > 0; got {m0!r}.")
    if m1 <= 0:
        return GapEstimate(-1.0, -1.0, -1.0, len(multi), len(single))
    # z rounded to 6 decimals (Z95 is 1.959963984540054): kept so that the gaps are the same
    # to the last digit as those recorded so far.
    estimate, low, high = relative_difference(multi, single, z=1.959964)
    return GapEstimate(estimate, low, high, len(multi), len(single))


def _window_counts(params: dict, n: int, n_weeks: int, seed: int) -> pd.DataFrame:
    ctx = model_context(params)
    no_contacts = {"no_contacts": Monochannel(channel="email", contact_pressure=0.0)}
    return run_arms(ctx, no_contacts, n_per_arm=n, n_weeks=n_weeks, seed=seed).customers


def simulate_panel(params: dict, rng: np.random.SeedSequence) -> pd.DataFrame:
    """Simulate two years of a population without contacts; one row per customer.

    The same customers and random draws are simulated for one year and for two (the
    simulator's draws are keyed by customer and week, so the first year of the two-year run
    is the one-year run); year 2 is their difference. A third run on the same draws with
    ``population.breadth_purchase_effect = 0`` gives each customer's purchases had their
    channels no effect (the counterfactual of a single channel; the breadth effect is the
    only way channels enter the purchase rate).

    Parameters
    ----------
    params : dict
        ``n_customers`` (default 100,000, in [100, 10,000,000]) and any model parameter by its
        name in ``data/parameters.csv`` (see :func:`mcstudy.model.model_context`).
    rng : numpy.random.SeedSequence
        The study's seed sequence, used for both windows.

    Returns
    -------
    pandas.DataFrame
        ``customer_id, tier, profile, engagement, n_repertoire_channels, purchases_before``
        (year 1), ``channels_before`` (purchase channels used in year 1), ``purchases``
        (year 2), ``channels_during`` (used in year 2), ``purchases_no_breadth_effect``
        (year 2, breadth effect switched off).
    """
    params = dict(params)
    n = check_int(params.pop("n_customers", 100_000), "n_customers", 100, 10_000_000)
    seed = simulation_seed(rng)
    year1 = _window_counts(params, n, WINDOW_WEEKS, seed)
    both = _window_counts(params, n, 2 * WINDOW_WEEKS, seed)
    channel_cols = [c for c in both.columns if c.startswith("purchases_")]
    during = both[channel_cols].to_numpy() - year1[channel_cols].to_numpy()
    panel = pd.DataFrame(
        {
            "customer_id": both["customer_id"].to_numpy(),
            "tier": both["tier"].to_numpy(),
            "profile": both["profile"].to_numpy(),
            "engagement": both["engagement"].to_numpy(),
            "n_repertoire_channels": both["n_repertoire_channels"].to_numpy(),
            "purchases_before": year1["n_purchases"].to_numpy(),
            "channels_before": year1["n_channels_used"].to_numpy(),
            "purchases": (both["n_purchases"] - year1["n_purchases"]).to_numpy(),
            "channels_during": (during > 0).sum(axis=1),
        }
    )
    effect = params.get("population.breadth_purchase_effect", None)
    if effect is None:
        effect = model_context(params).population.breadth_purchase_effect
    if effect == 0:
        panel["purchases_no_breadth_effect"] = panel["purchases"]
    else:
        off = {**params, "population.breadth_purchase_effect": 0.0}
        y1 = _window_counts(off, n, WINDOW_WEEKS, seed)["n_purchases"].to_numpy()
        y2 = _window_counts(off, n, 2 * WINDOW_WEEKS, seed)["n_purchases"].to_numpy()
        panel["purchases_no_breadth_effect"] = y2 - y1
    return panel


def _gap_or_zero(breadth, outcome, at_least: int) -> float:
    """The gap, or 0 where it is undefined (a group too small, no single-channel purchase)."""
    try:
        return relative_gap(breadth, outcome, at_least=at_least).estimate
    except ValueError:
        return 0.0


def _causal(panel: pd.DataFrame, at_least: int) -> float:
    treated = panel[panel["n_repertoire_channels"] >= at_least]
    base = treated["purchases_no_breadth_effect"].sum()
    return float(treated["purchases"].sum() / base - 1.0) if base > 0 else 0.0


def multichannel_statistics(params: dict, rng: np.random.SeedSequence) -> dict[str, float]:
    """The statistics of notebook 03's claims from one :func:`simulate_panel` run.

    Parameters
    ----------
    params : dict
        As in :func:`simulate_panel`.
    rng : numpy.random.SeedSequence
        The study's seed sequence, passed to the engine as it is.

    Returns
    -------
    dict of str to float
        ``gap_<measure>_<k>plus``: relative difference in year-2 purchases per customer,
        customers with breadth ``>= k`` vs 1, breadth measured ``during`` year 2, ``before``
        (year 1) or as the ``repertoire`` (0 where a group has fewer than two customers, so
        that the statistic stays finite across a robustness design); ``causal_<k>plus``: the
        relative increase in year-2 purchases that the channels of customers with a
        repertoire of ``k`` or more cause (with vs without the breadth effect, same draws);
        ``purchases_per_customer`` (year 2); ``multichannel_share`` (share of year-2 buyers
        using 2 or more channels); ``n_<measure>_<group>``: customers per group.
    """
    panel = simulate_panel(params, rng)
    y = panel["purchases"].to_numpy()
    out: dict[str, float] = {}
    for measure, column in BREADTH_MEASURES.items():
        b = panel[column].to_numpy()
        for k in (2, 3):
            out[f"gap_{measure}_{k}plus"] = _gap_or_zero(b, y, k)
    out["causal_2plus"] = _causal(panel, 2)
    out["causal_3plus"] = _causal(panel, 3)
    out["purchases_per_customer"] = float(y.mean())
    buyers = panel["channels_during"] >= 1
    out["multichannel_share"] = (
        float((panel.loc[buyers, "channels_during"] >= 2).mean()) if buyers.any() else 0.0
    )
    for measure, column in BREADTH_MEASURES.items():
        b = panel[column].to_numpy()
        out[f"n_{measure}_1"] = float((b == 1).sum())
        out[f"n_{measure}_2plus"] = float((b >= 2).sum())
        out[f"n_{measure}_3plus"] = float((b >= 3).sum())
    return out


def purchase_regressions(panel: pd.DataFrame, *, at_least: int = 2) -> pd.DataFrame:
    """Count regressions of year-2 purchases on multichannel use.

    What an analyst with the firm's data would fit: among customers who bought through at
    least one channel in the window where breadth is measured, purchases in year 2 on an
    indicator of ``at_least`` or more channels (against exactly one; customers in between are
    left out), breadth measured during year 2 or in year 1, without controls, with the
    controls a firm has (value tier, relational profile) and, for breadth measured before,
    with year-1 purchases as well.

    Every row is the same estimator, Poisson pseudo-maximum likelihood with
    heteroskedasticity-robust (HC1) errors. It estimates the rate ratio consistently whatever
    the overdispersion (it needs only the conditional mean to be right; Wooldridge 2010,
    §18.2), so no row switches estimator on a property of the data. A negative binomial would
    need such a switch where its overdispersion is at its bound of 0 (among customers who all
    bought in the window), and the switch would turn on whether an optimiser's standard error
    comes out finite: a floating-point knife edge that differs between CPUs.

    Parameters
    ----------
    panel : pandas.DataFrame
        Output of :func:`simulate_panel`.
    at_least : int, default=2
        Breadth of the multichannel group, in [2, 100].

    Returns
    -------
    pandas.DataFrame
        One row per model: ``breadth_measured`` (during, before), ``controls``,
        ``model``, ``estimate`` (incidence rate ratio minus 1: the relative difference in
        purchases), ``ci_low``, ``ci_high`` (95 %, from the coefficient's Wald interval),
        ``pvalue``, ``n``.

    Raises
    ------
    ValueError
        If ``panel`` lacks a column of :func:`simulate_panel`.

    References
    ----------
    Wooldridge, J. M. (2010). *Econometric Analysis of Cross Section and Panel Data*, 2nd ed.,
    MIT Press, ch. 18.
    """
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    check_frame(panel, list(_PANEL_COLUMNS), "panel")
    at_least = check_int(at_least, "at_least", 2, 100)
    specs = (
        ("during", "none", ""),
        ("during", "tier + profile", " + C(tier) + C(profile)"),
        ("before", "none", ""),
        ("before", "tier + profile", " + C(tier) + C(profile)"),
        (
            "before",
            "tier + profile + purchases before",
            " + C(tier) + C(profile) + np.log1p(purchases_before)",
        ),
    )
    rows = []
    for measure, label, controls in specs:
        b = panel[BREADTH_MEASURES[measure]]
        data = panel[(b == 1) | (b >= at_least)].assign(multi=(b >= at_least).astype(int))
        fit = smf.glm(f"purchases ~ multi{controls}", data=data, family=sm.families.Poisson()).fit(
            cov_type="HC1"
        )
        low, high = fit.conf_int().loc["multi"]
        rows.append(
            {
                "breadth_measured": measure,
                "controls": label,
                "model": POISSON_PML,
                "estimate": float(np.expm1(fit.params["multi"])),
                "ci_low": float(np.expm1(low)),
                "ci_high": float(np.expm1(high)),
                "pvalue": float(fit.pvalues["multi"]),
                "n": int(fit.nobs),
            }
        )
    return pd.DataFrame(rows)


def decompose_gap(total: float, mechanical: float, causal: float) -> pd.DataFrame:
    """Split a relative gap into mechanics, selection and cause, on the log scale.

    ``total`` is the observational gap, ``mechanical`` the gap with neither selection nor a
    causal effect of breadth (``engagement_breadth_link = 0``,
    ``breadth_purchase_effect = 0``), ``causal`` the causal effect; selection is what is left.
    Relative gaps multiply, so the parts add on the log scale:
    ``log(1 + total) = log(1 + mechanical) + selection + log(1 + causal)``.

    Returns
    -------
    pandas.DataFrame
        One row per part (``mechanical``, ``selection``, ``causal``): ``log_gap`` and ``share``
        of ``log(1 + total)``.

    Raises
    ------
    ValueError
        If a gap is not above -1, or ``total`` is 0 (nothing to split).

    Examples
    --------
    >>> decompose_gap(3.0, 1.0, 0.0)["share"].round(2).tolist()
    [0.5, 0.5, 0.0]
    """
    for name, value in (("total", total), ("mechanical", mechanical), ("causal", causal)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > -1:
            raise ValueError(f"{name!r} must be a relative gap > -1; got {value!r}.")
    log_total = math.log1p(total)
    if log_total == 0:
        raise ValueError("'total' must not be 0: there is no gap to split.")
    mech, cause = math.log1p(mechanical), math.log1p(causal)
    parts = {"mechanical": mech, "selection": log_total - mech - cause, "causal": cause}
    return pd.DataFrame(
        {
            "part": list(parts),
            "log_gap": list(parts.values()),
            "share": [v / log_total for v in parts.values()],
        }
    )


#: The rows of :func:`gap_table`: evidence, what is measured, the gap's statistic and the
#: statistic counting its customers (``{k}``: 2 or 3 channels).
#: The rows of :func:`gap_table`: evidence, measure, the statistic, the count of its
#: multichannel group and that of the single-channel group it is compared with (None for the
#: causal effect, which compares each customer with themselves).
_GAP_ROWS = (
    (
        "observational",
        "breadth during the outcome year",
        "gap_during_{k}plus",
        "n_during_{k}plus",
        "n_during_1",
    ),
    (
        "observational",
        "breadth in the year before",
        "gap_before_{k}plus",
        "n_before_{k}plus",
        "n_before_1",
    ),
    (
        "observational",
        "latent repertoire (not observed by a firm)",
        "gap_repertoire_{k}plus",
        "n_repertoire_{k}plus",
        "n_repertoire_1",
    ),
    (
        "causal",
        "channels' own effect (same draws, effect off)",
        "causal_{k}plus",
        "n_repertoire_{k}plus",
        None,
    ),
)


def _check_summary(summary: object, name: str, metrics) -> None:
    if not isinstance(summary, pd.DataFrame) or not {"mean", "ci_low", "ci_high"} <= set(
        summary.columns
    ):
        raise TypeError(
            f"{name!r} must be a DataFrame indexed by metric with columns 'mean', 'ci_low' and "
            f"'ci_high' (summarise_replications(...).set_index('metric')); got "
            f"{type(summary).__name__}."
        )
    missing = [m for m in metrics if m not in summary.index]
    if missing:
        raise ValueError(f"{name!r} lacks the metrics {missing} (multichannel_statistics).")


def gap_table(summary: pd.DataFrame, totals: pd.Series) -> pd.DataFrame:
    """The observed multichannel gaps beside the causal effect of breadth, 2+ and 3+ channels.

    Parameters
    ----------
    summary : pandas.DataFrame
        :func:`mcstudy.experiments.summarise_replications` of :func:`multichannel_statistics`
        replications, indexed by ``metric``.
    totals : pandas.Series
        Each metric's value summed over the replications (for the customer counts).

    Returns
    -------
    pandas.DataFrame
        One row per contrast (``2+ vs 1 channel``, ``3+ vs 1 channel``) and measure:
        ``contrast``, ``evidence`` (``observational`` or ``causal``), ``measure``,
        ``relative_gap`` (mean over replications), ``ci_low``, ``ci_high``, ``n`` (customers
        in the groups compared, summed over replications; for an observed gap the multichannel
        and the single-channel customers) and ``statistic``.

    Raises
    ------
    TypeError, ValueError
        If ``summary`` is not such a table or lacks a statistic, or ``totals`` a count.
    """
    metrics = [r[2].format(k=k) for k in (2, 3) for r in _GAP_ROWS]
    _check_summary(summary, "summary", metrics)
    if not isinstance(totals, pd.Series):
        raise TypeError(f"'totals' must be a pandas Series by metric; got {type(totals).__name__}.")
    counts = [r[3].format(k=k) for k in (2, 3) for r in _GAP_ROWS]
    counts += [r[4] for r in _GAP_ROWS if r[4] is not None]
    missing = [m for m in counts if m not in totals.index]
    if missing:
        raise ValueError(f"'totals' lacks the counts {missing} (multichannel_statistics).")
    table = []
    for k in (2, 3):
        for kind, measure, metric, n_metric, single in _GAP_ROWS:
            m, nm = metric.format(k=k), n_metric.format(k=k)
            n = totals[nm] + (totals[single] if single is not None else 0)
            table.append(
                {
                    "contrast": f"{k}+ vs 1 channel",
                    "evidence": kind,
                    "measure": measure,
                    "relative_gap": summary.loc[m, "mean"],
                    "ci_low": summary.loc[m, "ci_low"],
                    "ci_high": summary.loc[m, "ci_high"],
                    "n": int(n),
                    "statistic": m,
                }
            )
    return pd.DataFrame(table)


def decompose_gaps(reference: pd.DataFrame, mechanical: pd.DataFrame) -> pd.DataFrame:
    """:func:`decompose_gap` for 2+ and 3+ channels, breadth measured during and before.

    Parameters
    ----------
    reference : pandas.DataFrame
        Summary of the replications at the reference context, indexed by ``metric`` (the
        observed gaps and the causal effects).
    mechanical : pandas.DataFrame
        The same with ``engagement_breadth_link = 0`` (and no causal effect of breadth): the
        mechanical gaps.

    Returns
    -------
    pandas.DataFrame
        Per contrast and measure, the parts of :func:`decompose_gap` with ``contrast``,
        ``breadth_measured``, ``total_gap``, ``mechanical_gap``, ``mechanical_ci_low`` and
        ``mechanical_ci_high``.
    """
    gaps = [f"gap_{m}_{k}plus" for k in (2, 3) for m in ("during", "before")]
    _check_summary(reference, "reference", gaps + ["causal_2plus", "causal_3plus"])
    _check_summary(mechanical, "mechanical", gaps)
    parts = []
    for k in (2, 3):
        for measure in ("during", "before"):
            gap = f"gap_{measure}_{k}plus"
            split = decompose_gap(
                float(reference.loc[gap, "mean"]),
                float(mechanical.loc[gap, "mean"]),
                float(reference.loc[f"causal_{k}plus", "mean"]),
            )
            parts.append(
                split.assign(
                    contrast=f"{k}+ vs 1 channel",
                    breadth_measured=measure,
                    total_gap=reference.loc[gap, "mean"],
                    mechanical_gap=mechanical.loc[gap, "mean"],
                    mechanical_ci_low=mechanical.loc[gap, "ci_low"],
                    mechanical_ci_high=mechanical.loc[gap, "ci_high"],
                )
            )
    return pd.concat(parts, ignore_index=True)


def association_at_point(rule, gap: float, causal: float) -> str:
    """The ``association`` rule on one run's point estimates (for robustness designs).

    Parameters
    ----------
    rule : mcstudy.claims.Rule
        A claim's registered ``association`` rule.
    gap, causal : float
        The observed gap and the causal effect at the point, each judged as a degenerate
        interval; the gap is also the observed association.

    Returns
    -------
    str
        The verdict the rule gives.
    """
    if getattr(rule, "rule", None) != "association":
        raise ValueError(f"'rule' must be a claim's registered 'association' rule; got {rule!r}.")
    return rule.judge(gap, gap, causal_ci=(causal, causal), observed=gap)
