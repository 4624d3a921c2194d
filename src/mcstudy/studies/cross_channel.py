"""Cross-channel influence and attribution: the experiments of notebook 07 and their statistics.

The simulator knows what every channel *caused*: re-running the same customers, with the same
random numbers, with one channel's contacts switched off gives that channel's causal
contribution (:mod:`mcstudy.model.counterfactual`), purchase channel by purchase channel.
Attribution rules (:mod:`mcstudy.attribution`) only see who was touched before buying. Studies
in the sense of :func:`mcstudy.experiments.replicate` (``study(params, rng)``, tidy rows with
named key columns):

- :func:`cross_channel_outcomes`: one population randomised to a siloed, a cross-channel and
  an omnichannel firm (:func:`cross_channel_arms`; integration costs and deployment lag left
  out), every customer's journey recorded; each outbound channel switched off in turn (common
  random numbers) for its causal contribution, total and per purchase channel; every
  attribution method applied to each arm's paths and graded against the causal contributions
  (credit share against causal share of the arm's conversions: absolute error and Spearman rank
  agreement over channels); the cross-channel statistics of the claims (where e-mail's,
  the catalogue's and the website's incremental purchases happen).
- :func:`celio_statistics`: e-mail alone, at several referral strengths, under the referral
  matrix built from source 000's box 3 and under the default matrix (whose e-mail row *is*
  Celio's ten to one): the shop-to-online ratio of the purchases e-mail causes, against the
  ratio a campaign report sees (all purchases of the e-mailed customers).

:func:`cross_channel_statistics` gives the scalar statistics of one cross-channel run under
flat names (:data:`STATISTICS`), what :func:`mcstudy.experiments.assess_robustness` judges.

The cross-channel mechanism is the referral matrix (``docs/model.md`` §7.6, §8.5): by default
:func:`~mcstudy.model.channels.network_referral_matrix` of the box-3 network
(``data/referral_network.csv``), in which e-mail and SMS refer like the Internet.

The arms and the referral matrices are in :mod:`~mcstudy.studies.cross_channel_design`, the
grading of the attribution methods in :mod:`~mcstudy.studies.attribution_grading`; their names
are imported here as well.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from mcstudy._validation import check_frame, check_number
from mcstudy.analysis.intervals import RatioEstimate, ratio_of_means
from mcstudy.model.context import model_context
from mcstudy.model.strategies import Monochannel
from mcstudy.studies._skeleton import pop_sizes, run_arms, simulation_seed
from mcstudy.studies.attribution_grading import (
    ATTRIBUTION_METHODS,
    KEY_COLUMNS,
    _graded,
    grading_table,
    share_table,
    tidy_row,
)
from mcstudy.studies.cross_channel_design import (
    CROSS_CHANNEL_ARMS,
    EMAIL_ARM,
    REFERENCE_ARM,
    REFERRAL_MATRICES,
    ROBUSTNESS_PARAMETERS,
    SHOP_SHARE_RANGE,
    cross_channel_arms,
    referral_channels,
    robustness_space,
    with_shop_share,
)

__all__ = [
    "ATTRIBUTION_METHODS",
    "CELIO_STRENGTHS",
    "CROSS_CHANNEL_ARMS",
    "EMAIL_ARM",
    "RATIO_CAP",
    "REFERENCE_ARM",
    "REFERRAL_MATRICES",
    "ROBUSTNESS_PARAMETERS",
    "SHOP_SHARE_RANGE",
    "STATISTICS",
    "celio_statistics",
    "cross_channel_arms",
    "cross_channel_outcomes",
    "cross_channel_statistics",
    "grading_table",
    "RatioEstimate",
    "ratio_of_means",
    "ratio_statistics",
    "referral_channels",
    "robustness_space",
    "share_table",
    "strength_reaching",
    "with_shop_share",
]

#: Referral strengths of the e-mail arms of :func:`celio_statistics`.
CELIO_STRENGTHS = (0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0)
_SHOP, _ONLINE, _CATALOGUE = "face_to_face", "website", "postal_mail"


def _by_arm(customers: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    return customers.groupby("arm", observed=False)[list(columns)].sum()


#: Bound of the ratios the studies return: a ratio is clipped to [-RATIO_CAP, RATIO_CAP] (a
#: log10 ratio to [-3, 3]), and a ratio whose denominator is not positive is the bound on the
#: side of its numerator's sign (0 when both are 0), so that every statistic is finite.
RATIO_CAP = 1e3


def _ratio(num: float, den: float) -> float:
    """``num / den`` bounded by :data:`RATIO_CAP` (see there for a zero or negative ``den``)."""
    if den > 0:
        return float(np.clip(num / den, -RATIO_CAP, RATIO_CAP))
    return float(np.sign(num) * RATIO_CAP)


def _log10_ratio(num: float, den: float) -> float:
    """log10 of ``num / den``, bounded to [-3, 3]: -3 when ``num`` is not positive."""
    r = _ratio(num, den)
    return float(np.log10(np.clip(r, 1.0 / RATIO_CAP, RATIO_CAP)))


def cross_channel_outcomes(params: dict, rng: np.random.SeedSequence) -> pd.DataFrame:
    """Causal contributions of every channel, their attribution, and the cross-channel claims.

    Parameters
    ----------
    params : dict
        ``n_customers`` (customers per arm, default 3,000, in [100, 1,000,000]), ``n_weeks``
        (default 52, in [4, 520]), ``design`` (``"full"``, every arm of
        :func:`cross_channel_arms`, or ``"reference"``, the cross-channel and e-mail arms),
        ``referral`` (``"box3"``, the default, or ``"default"``: the referral matrix, see
        :func:`referral_channels`), ``strategy.referral_strength`` (of the cross-channel and
        e-mail arms, default 0.5), ``shop_share`` (the shops' share of each profile's
        purchase-channel weight, :func:`with_shop_share`; the catalogue's affinities when
        absent), and any model parameter by its name in
        ``data/parameters.csv`` (:func:`mcstudy.model.model_context`).
    rng : numpy.random.SeedSequence
        The study's seed sequence, shared by the run and its counterfactuals.

    Returns
    -------
    pandas.DataFrame
        Tidy rows with the key columns ``arm``, ``method``, ``channel`` and
        ``purchase_channel`` ("" where a key does not apply), ``metric`` and ``value``. For
        each arm of :data:`CROSS_CHANNEL_ARMS` in the design and each outbound channel it
        contacts on, as shares of the arm's conversions (purchases; for credits, purchase
        weeks, the conversions of the path table, which differ only when a customer buys twice
        in a week):

        - ``share`` with method ``causal``: purchases the channel caused (run minus the run
          without it, same customers and random numbers), over the arm's purchases; the arm's
          ``causal_total``: their sum; ``credited_share``: the share of purchase weeks some
          method credits (every method credits the same total: the conversions with a touch
          before them);
        - ``share`` with each method of :data:`ATTRIBUTION_METHODS`: conversions it credits
          to the channel, over the arm's purchase weeks;
        - per method, ``mae``: mean absolute difference between credit and causal shares over
          channels; ``mae_normalised``: the same between the *distributions* of credit and of
          causal contributions over channels (each divided by its total; the causal total
          bounded below by 1e-9); ``spearman``: Spearman rank correlation between credits and
          causal contributions over channels (0 when either has no spread);
          ``upstream_gap``: credit minus causal share summed over the *upstream* channels,
          those first touch credits more than last touch does (0 when there are none), and
          ``upstream_gap_normalised`` on the distributions; the arm's ``n_upstream``: their
          number;
        - the arm's ``purchases_per_customer`` and ``contacts_per_customer``.

        From the purchase channels of the purchases a channel caused, in the cross-channel
        arm (:data:`REFERENCE_ARM`) unless said otherwise (ratios bounded by
        :data:`RATIO_CAP`), one row each: ``email_all_over_online_minus_one``: e-mail's
        purchases in all channels over those online, minus 1; ``email_shop_visit_share``:
        shop share of the visits e-mail caused; ``website_shop_minus_online_share``: (shop -
        online purchases) the website's contacts caused, over all purchases they caused;
        ``catalogue_other_channel_share`` and ``website_other_channel_share``: share of the
        purchases the catalogue (postal mail), resp. the website, caused that were made
        through another channel; ``shop_share_of_purchases``: shop share of the arm's
        purchases (the sales mix); in the e-mail campaign arm (:data:`EMAIL_ARM`):
        ``log10_shop_over_online``, log10 of the shop over online purchases e-mail caused,
        ``observed_log10_shop_over_online``, of all the arm's purchases (what a campaign
        report counts), and ``causal_purchases_per_customer``.

        The components of these ratios, per customer randomised, for ratios of means over
        replications (:func:`ratio_of_means`): ``caused_per_customer``, the purchases the
        channel caused through each purchase channel (``all`` for every one) in the
        cross-channel arm and, for e-mail, in the e-mail arm; and ``purchases_per_customer``
        of the e-mail arm per purchase channel.
    """
    params, n, n_weeks = pop_sizes(params, 3000)
    design = params.pop("design", "full")
    matrix = params.pop("referral", "box3")
    rho = check_number(params.pop("strategy.referral_strength", 0.5), "referral_strength", 0, 1)
    shop_share = params.pop("shop_share", None)
    ctx = model_context(params)
    base_channels = (
        ctx.channels if shop_share is None else with_shop_share(ctx.channels, shop_share)
    )
    channels = referral_channels(matrix, base_channels)
    arms = cross_channel_arms(rho, design)
    seed = simulation_seed(rng)

    def run(off=(), journeys=0):
        return run_arms(
            ctx,
            arms,
            n_per_arm=n,
            n_weeks=n_weeks,
            seed=seed,
            channels=channels,
            n_journeys=journeys,
            switched_off=list(off),
        )

    base = run(journeys=n * len(arms))
    shop, online = f"purchases_{_SHOP}", f"purchases_{_ONLINE}"
    cols = ["n_purchases", *(f"purchases_{p}" for p in channels.purchase_channels)]
    totals = _by_arm(base.customers, cols)
    visits = _visits(base)
    used = base.weekly.groupby("channel", observed=True)["contacts"].sum()
    tested = [c for c in channels.names if used.get(c, 0) > 0]
    effect, visit_effect = {}, {}
    for c in tested:
        other = run(off=[c])
        effect[c] = totals - _by_arm(other.customers, cols)
        visit_effect[c] = visits - _visits(other)
    size = base.customers.groupby("arm", observed=False).size()
    summary = base.summary().set_index("arm")

    rows: list[dict] = []
    for a in (a for a in CROSS_CHANNEL_ARMS if a in arms):
        rows += _graded(base, a, tested, effect, totals, size, summary)

    ref = REFERENCE_ARM
    by = {c: effect[c].loc[ref] for c in tested}
    email, web = by["email"], by["website"]
    v = visit_effect["email"].loc[ref]
    claims = {
        "email_all_over_online_minus_one": _ratio(email["n_purchases"], email[online]) - 1.0,
        "email_shop_visit_share": _ratio(v[_SHOP], v.sum()),
        "website_shop_minus_online_share": _ratio(web[shop] - web[online], web["n_purchases"]),
    }
    for channel, label in ((_CATALOGUE, "catalogue"), (_ONLINE, "website")):
        d = by[channel]
        claims[f"{label}_other_channel_share"] = 1.0 - _ratio(
            d[f"purchases_{channel}"], d["n_purchases"]
        )
    claims["shop_share_of_purchases"] = _ratio(
        totals.loc[ref, shop], totals.loc[ref, "n_purchases"]
    )
    rows += [tidy_row(name, value, arm=ref) for name, value in claims.items()]
    caused = effect["email"].loc[EMAIL_ARM]
    rows += [
        tidy_row(
            "log10_shop_over_online", _log10_ratio(caused[shop], caused[online]), arm=EMAIL_ARM
        ),
        tidy_row(
            "observed_log10_shop_over_online",
            _log10_ratio(totals.loc[EMAIL_ARM, shop], totals.loc[EMAIL_ARM, online]),
            arm=EMAIL_ARM,
        ),
        tidy_row(
            "causal_purchases_per_customer", caused["n_purchases"] / size[EMAIL_ARM], arm=EMAIL_ARM
        ),
    ]
    for c in tested:
        for col in cols:
            rows.append(
                tidy_row(
                    "caused_per_customer",
                    by[c][col] / size[ref],
                    arm=ref,
                    channel=c,
                    purchase_channel=_purchase_channel(col),
                )
            )
    for col in cols:
        p = _purchase_channel(col)
        rows += [
            tidy_row(
                "caused_per_customer",
                caused[col] / size[EMAIL_ARM],
                arm=EMAIL_ARM,
                channel="email",
                purchase_channel=p,
            ),
            tidy_row(
                "purchases_per_customer",
                totals.loc[EMAIL_ARM, col] / size[EMAIL_ARM],
                arm=EMAIL_ARM,
                purchase_channel=p,
            ),
        ]
    return pd.DataFrame(rows, columns=[*KEY_COLUMNS, "metric", "value"])


def _purchase_channel(column: str) -> str:
    """The purchase channel of a customers-table count: ``all`` for ``n_purchases``."""
    return "all" if column == "n_purchases" else column.removeprefix("purchases_")


#: The statistics of :func:`cross_channel_statistics`: flat name -> the keys (``arm``,
#: ``method``, ``metric``) of its row in :func:`cross_channel_outcomes`.
STATISTICS = {
    **{
        name: (REFERENCE_ARM, "", name)
        for name in (
            "email_all_over_online_minus_one",
            "email_shop_visit_share",
            "website_shop_minus_online_share",
            "catalogue_other_channel_share",
            "website_other_channel_share",
            "shop_share_of_purchases",
        )
    },
    **{
        name: (EMAIL_ARM, "", name)
        for name in ("log10_shop_over_online", "observed_log10_shop_over_online")
    },
    "last_touch_upstream_gap_normalised": (REFERENCE_ARM, "last_touch", "upstream_gap_normalised"),
    **{
        f"{method}_{grade}": (REFERENCE_ARM, method, grade)
        for method in ATTRIBUTION_METHODS
        for grade in ("mae_normalised", "spearman")
    },
}


def cross_channel_statistics(params: dict, rng: np.random.SeedSequence) -> dict[str, float]:
    """The scalar statistics of :func:`cross_channel_outcomes` a robustness design judges.

    Same parameters and run as :func:`cross_channel_outcomes`; returns ``{name: value}`` for
    every name of :data:`STATISTICS` (the cross-channel claims' statistics, the upstream gap
    of last touch and each method's ``mae_normalised`` and ``spearman``, all in the
    cross-channel arm, and the e-mail arm's shop-to-online ratios). Needs the cross-channel
    and e-mail arms, which both designs have.
    """
    rows = cross_channel_outcomes(params, rng).set_index(["arm", "method", "metric"])
    rows = rows[rows["channel"] == ""]["value"]
    return {name: float(rows.loc[keys]) for name, keys in STATISTICS.items()}


def _visits(result) -> pd.DataFrame:
    """Visits per arm (rows) and purchase channel (columns) of a run."""
    return result.weekly.pivot_table(
        index="arm", columns="channel", values="visits", aggfunc="sum", observed=False
    )


def celio_statistics(params: dict, rng: np.random.SeedSequence) -> pd.DataFrame:
    """E-mail alone at several referral strengths: the shop-to-online ratio it causes.

    One population is randomised to e-mail-only arms (one e-mail a week, consent respected)
    at the referral strengths :data:`CELIO_STRENGTHS`; it is simulated under each referral
    matrix of :data:`REFERRAL_MATRICES`, and once more with e-mail switched off (common random
    numbers), which gives the purchases e-mail caused in each purchase channel.

    Parameters
    ----------
    params : dict
        ``n_customers`` (customers per arm, default 4,000, in [100, 1,000,000]), ``n_weeks``
        (default 52), ``strengths`` (referral strengths, default :data:`CELIO_STRENGTHS`),
        and model parameters by name (:func:`mcstudy.model.model_context`).
    rng : numpy.random.SeedSequence

    Returns
    -------
    pandas.DataFrame
        Tidy rows ``matrix``, ``referral_strength``, ``metric``, ``value``: for each matrix
        and strength, ``causal_log10`` (log10 of shop over online purchases caused by e-mail,
        bounded as :data:`RATIO_CAP` says), ``observed_log10`` (log10 of shop over online
        purchases of the e-mailed customers, what a campaign report counts) and
        ``causal_purchases`` (purchases caused per customer); and one ``base_shop_share`` row
        (shop share of purchases without e-mail; matrix "", strength NaN).
    """
    params, n, n_weeks = pop_sizes(params, 4000)
    strengths = tuple(params.pop("strengths", CELIO_STRENGTHS))
    for r in strengths:
        check_number(r, "strengths", 0, 1)
    ctx = model_context(params)
    arms = {
        f"{r:g}": Monochannel(channel="email", contact_pressure=1.0, referral_strength=float(r))
        for r in strengths
    }
    seed = simulation_seed(rng)
    shop, online = f"purchases_{_SHOP}", f"purchases_{_ONLINE}"
    cols = ["n_purchases", shop, online]

    def run(channels, off=()):
        return run_arms(
            ctx,
            arms,
            n_per_arm=n,
            n_weeks=n_weeks,
            seed=seed,
            channels=channels,
            switched_off=list(off),
        ).customers

    none = run(ctx.channels, off=["email"])  # no e-mail: the matrix plays no part
    without = _by_arm(none, cols)
    size = none.groupby("arm", observed=False).size()
    rows = []
    for matrix in REFERRAL_MATRICES:
        with_email = _by_arm(run(referral_channels(matrix, ctx.channels)), cols)
        caused = with_email - without
        for arm, r in zip(arms, strengths, strict=True):
            values = {
                "causal_log10": _log10_ratio(caused.loc[arm, shop], caused.loc[arm, online]),
                "observed_log10": _log10_ratio(
                    with_email.loc[arm, shop], with_email.loc[arm, online]
                ),
                "causal_purchases": float(caused.loc[arm, "n_purchases"] / size[arm]),
            }
            rows += [(matrix, float(r), k, v) for k, v in values.items()]
    total = without.sum()
    rows.append(("", float("nan"), "base_shop_share", _ratio(total[shop], total["n_purchases"])))
    return pd.DataFrame(rows, columns=["matrix", "referral_strength", "metric", "value"])


def strength_reaching(curve: pd.Series, target: float) -> float:
    """The smallest referral strength at which ``curve`` reaches ``target``, interpolated.

    ``curve`` maps referral strengths (the index, increasing) to a statistic (e.g. the mean
    log10 shop-to-online ratio over replications); the crossing is interpolated linearly
    between the two strengths around the first one at or above ``target``. NaN when the
    curve never reaches it; the first strength when it starts there.
    """
    if not isinstance(curve, pd.Series):
        raise TypeError(
            f"'curve' must be a pandas Series indexed by referral strength; got "
            f"{type(curve).__name__}."
        )
    target = check_number(target, "target")
    curve = curve.sort_index()
    x, y = curve.index.to_numpy(dtype=float), curve.to_numpy(dtype=float)
    above = np.flatnonzero(y >= target)
    if len(above) == 0:
        return float("nan")
    k = int(above[0])
    if k == 0:
        return float(x[0])
    return float(x[k - 1] + (target - y[k - 1]) * (x[k] - x[k - 1]) / (y[k] - y[k - 1]))


def ratio_statistics(runs: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """The cross-channel ratios of :func:`cross_channel_statistics` as ratios of means.

    ``runs`` is :func:`mcstudy.experiments.replicate` output of :func:`cross_channel_statistics`
    (full or reference design). Each ratio statistic of that function is recomputed from its
    components averaged over replications (:func:`ratio_of_means`), which is stable where
    per-replication ratios of small effects are not.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``statistic`` (the names of :func:`cross_channel_statistics`): ``estimate``,
        ``ci_low``, ``ci_high``, ``n`` (replications) and ``method``. A log10 ratio whose lower
        limit is not positive gets -3 (the bound of :data:`RATIO_CAP`).
    """
    check_frame(runs, ["replication", *KEY_COLUMNS, "metric", "value"], name="runs")
    parts = runs[runs["metric"].isin(["caused_per_customer", "purchases_per_customer"])]
    parts = parts[parts["purchase_channel"] != ""]
    keys = ["arm", "channel", "metric", "purchase_channel"]
    wide = parts.pivot_table(index="replication", columns=keys, values="value")
    ref = REFERENCE_ARM

    def caused(arm, channel, purchase_channel):
        return wide[(arm, channel, "caused_per_customer", purchase_channel)].to_numpy(float)

    def bought(purchase_channel):
        return wide[(EMAIL_ARM, "", "purchases_per_customer", purchase_channel)].to_numpy(float)

    rows = {}

    def add(name, est, transform=lambda v: v, flip=False):
        lo, hi = transform(est.ci_low), transform(est.ci_high)
        lo, hi = (hi, lo) if flip else (lo, hi)
        rows[name] = {
            "estimate": transform(est.estimate),
            "ci_low": lo,
            "ci_high": hi,
            "n": est.n,
            "method": est.method,
        }

    def log10(v):
        return float(np.log10(max(v, 1.0 / RATIO_CAP)))

    for channel, label in ((_CATALOGUE, "catalogue"), (_ONLINE, "website")):
        own = ratio_of_means(
            caused(ref, channel, channel), caused(ref, channel, "all"), alpha=alpha
        )
        add(f"{label}_other_channel_share", own, lambda v: 1.0 - v, flip=True)
    add(
        "email_all_over_online_minus_one",
        ratio_of_means(caused(ref, "email", "all"), caused(ref, "email", _ONLINE), alpha=alpha),
        lambda v: v - 1.0,
    )
    add(
        "website_shop_minus_online_share",
        ratio_of_means(
            caused(ref, "website", _SHOP) - caused(ref, "website", _ONLINE),
            caused(ref, "website", "all"),
            alpha=alpha,
        ),
    )
    add(
        "log10_shop_over_online",
        ratio_of_means(
            caused(EMAIL_ARM, "email", _SHOP), caused(EMAIL_ARM, "email", _ONLINE), alpha=alpha
        ),
        log10,
    )
    add(
        "observed_log10_shop_over_online",
        ratio_of_means(bought(_SHOP), bought(_ONLINE), alpha=alpha),
        log10,
    )
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("statistic")
