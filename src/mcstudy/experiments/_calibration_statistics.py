"""The calibration's statistics, computed from simulations shaped like the Hillstrom test.

Private to :mod:`mcstudy.experiments.calibration`, which re-exports its public names.
:func:`simulated_statistics` runs the two-week experiment of the Hillstrom test (a no-e-mail
arm and an e-mail arm, every customer on the e-mail list) and computes the statistics of
:data:`SIMULATED_STATISTICS`, those :func:`~mcstudy.experiments.calibration.fit` matches to
the targets; :func:`check_statistics` computes those of :data:`CHECK_STATISTICS`, for the
targets not used in the fit (a simulated past year, an SMS and a direct-mail campaign). Both
take parameters by their names in ``data/parameters.csv`` (:data:`FREE_PARAMETERS`) and give
each statistic with its simulation standard error; the approximations they make are stated in
:mod:`mcstudy.experiments.calibration`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from mcstudy._random import block_generator, seed_sequence
from mcstudy._validation import check_int
from mcstudy.experiments.channel_interaction import (
    UndefinedInteractionError,
    simulated_relative_interaction,
)
from mcstudy.io.catalogue import load_channels
from mcstudy.io.hillstrom import _quantile_se
from mcstudy.model.channels import ChannelSet
from mcstudy.model.engine import BLOCK_SIZE, simulate
from mcstudy.model.population import PopulationSpec, generate_population
from mcstudy.model.response import ResponseSpec
from mcstudy.model.strategies import Monochannel

__all__ = [
    "CHECK_STATISTICS",
    "FREE_PARAMETERS",
    "PAST_YEAR_PARAMETERS",
    "RECORDED_BY_HILLSTROM",
    "SIMULATED_STATISTICS",
    "check_statistics",
    "simulated_statistics",
]

#: Parameters :func:`~mcstudy.experiments.calibration.fit` can free, by their name in
#: ``data/parameters.csv``.
FREE_PARAMETERS = (
    "population.purchase_rate_per_week",
    "population.basket_mean_eur",
    "response.organic_visits_per_week",
    "response.visits_per_attended_contact",
    "response.visit_conversion",
    "channel.consent_withdrawal.email",
)

#: Further parameters the two simulations accept (not freed by the calibration's default fit):
#: the purchase process's heterogeneity and dropout, and the pre-period through which the
#: simulated customers are drawn as past-year buyers (:mod:`mcstudy.model.lapse`).
PAST_YEAR_PARAMETERS = (
    "population.dropout_cv",
    "population.pre_period_weeks",
    "population.pre_period_rate_ratio",
    "population.rate_shape",
    "population.basket_sigma",
    "response.churn_base_per_week",
)

#: Parameters that decide who buys through which channels and how much more the multichannel
#: buyers buy (the profile shares, the spread of affinities, the breadth of the purchase
#: repertoire and the engagement behind it): free for searches that ask whether the past-year
#: channel shares can be matched (``benchmarks/past_year_fit.py --channel-mix``), not fitted by
#: the calibration.
CHANNEL_MIX_PARAMETERS = (
    "population.social_share",
    "population.affinity_concentration",
    "population.breadth_rate",
    "population.engagement_sigma",
    "population.engagement_breadth_link",
)

#: Statistics the Hillstrom-shaped simulation computes (``statistic`` column of the targets).
SIMULATED_STATISTICS = (
    "control_visit_rate",
    "control_conversion_rate",
    "control_spend_per_customer",
    "email_visit_effect",
    "email_conversion_effect",
    "email_spend_effect",
    "email_unsubscribe_per_send",
)

#: Statistics :func:`check_statistics` computes for the targets not used in the fit.
CHECK_STATISTICS = (
    "past_year_channel_share_phone",
    "past_year_channel_share_web",
    "past_year_channel_share_multichannel",
    "past_year_spend_ratio_multichannel_single",
    "past_year_spend_median",
    "past_year_spend_p90",
    "past_year_recency_mean_months",
    "past_year_recency_share_3_months",
    "sms_optout_per_message",
    "direct_mail_response_rate",
    "completejourney_relative_interaction",
)

#: The purchase channels whose orders Hillstrom's file records as conversions and spend, as
#: the file reads: the website's. Every converter also visited the website in the two weeks
#: (578 of 578) and spend is positive exactly for the converters; the file's description says
#: only "purchased merchandise", so that telephone orders are left out is an assumption
#: (``docs/model.md`` 9.5; the loader refuses a file that breaks either rule).
RECORDED_BY_HILLSTROM = ("website",)

#: Weeks of the simulated past year, and of the SMS and direct-mail campaigns of the checks
#: (one message or piece per customer on average: Poisson(1)).
_PAST_WEEKS = 52
_CAMPAIGN_WEEKS = 4

#: Weeks of the experiment and e-mails per customer per week in the e-mail arm (Poisson(1)
#: e-mails in all).
_WEEKS = 2
_EMAIL_PRESSURE = 0.5


def _split(params: Mapping[str, float]):
    """Population, response and channel changes from parameter names."""
    allowed = FREE_PARAMETERS + PAST_YEAR_PARAMETERS + CHANNEL_MIX_PARAMETERS
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise ValueError(
            f"parameters {unknown} cannot be set by the calibration; allowed: {list(allowed)}."
        )
    pop, resp, chan = {}, {}, {}
    for name, value in params.items():
        group, rest = name.split(".", 1)
        if rest != "pre_period_weeks":  # an int, checked by PopulationSpec
            value = float(value)
        {"population": pop, "response": resp, "channel": chan}[group][rest] = value
    return pop, resp, chan


@functools.lru_cache(maxsize=1)
def _catalogue() -> pd.DataFrame:
    """The shipped channel catalogue, read once per process (copied before any change)."""
    return load_channels()


def _channels(changes: Mapping[str, float], base: ChannelSet | None = None) -> ChannelSet:
    """``base`` (the shipped catalogue's default channels when None) with ``changes`` applied.

    ``base``'s selected channels, referral matrix and purchase channels are kept.
    """
    if base is not None and not isinstance(base, ChannelSet):
        raise TypeError(f"'channels' must be a ChannelSet or None; got {type(base).__name__}.")
    if base is None and not changes:
        return ChannelSet(_catalogue().copy())
    catalogue = (_catalogue() if base is None else base.catalogue).copy()
    for key, value in changes.items():
        column, channel = key.rsplit(".", 1)
        catalogue.loc[catalogue["channel"] == channel, column] = value
    if base is None:
        return ChannelSet(catalogue)
    return ChannelSet(catalogue, names=base.names, referral=base.referral, purchase=base.purchase)


def simulated_statistics(
    params: Mapping[str, float] | None = None,
    *,
    n_customers: int = 200_000,
    rng=0,
    population: PopulationSpec | None = None,
    response: ResponseSpec | None = None,
    channels: ChannelSet | None = None,
    recorded: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The statistics of :data:`SIMULATED_STATISTICS` from one Hillstrom-shaped simulation.

    Parameters
    ----------
    params : mapping of str to float, default=None
        Values of some of :data:`FREE_PARAMETERS`; the others keep ``population``'s,
        ``response``'s and the channel catalogue's values.
    n_customers : int, default=200_000
        Customers simulated (half per arm), in [1,000, 10,000,000].
    rng : int, SeedSequence or Generator, default=0
        Root of the random streams; keep it fixed across evaluations (common random numbers).
    population, response : default=None
        The reference context; ``PopulationSpec()`` and ``ResponseSpec()`` when None.
    channels : ChannelSet, default=None
        The context's channels (``channel.*`` values are applied to a copy of its catalogue);
        the shipped catalogue's default channels when None.
    recorded : sequence of str, default=None
        The purchase channels whose orders the test's conversion and spend count; every
        purchase channel when None. Hillstrom's file seems to record orders on the website
        (:data:`RECORDED_BY_HILLSTROM`, an assumption: each of its 578 converters also visited
        the website in the two weeks, and spend is positive exactly for them). A customer's
        recorded spend is their orders in these channels times their basket (each order is one
        basket, ``docs/model.md`` step 6).

    Returns
    -------
    pandas.DataFrame
        Indexed by statistic: ``value`` and ``se`` (its simulation standard error).

    Raises
    ------
    ValueError
        If ``recorded`` is empty, names a channel twice, or names one that is not one of the
        context's purchase channels.
    """
    n_customers = check_int(n_customers, "n_customers", 1000, 10_000_000)
    pop_changes, resp_changes, chan_changes = _split(dict(params or {}))
    channels = _channels(chan_changes, channels)
    if recorded is not None:
        recorded = _recorded_channels(recorded, channels.purchase_channels)
    population = population if population is not None else PopulationSpec()
    response = response if response is not None else ResponseSpec()
    spec = replace(population, n_customers=n_customers, consent_rate={"email": 1.0})
    spec = replace(spec, **pop_changes)
    response = replace(response, **resp_changes)
    email = Monochannel(channel="email", contact_pressure=_EMAIL_PRESSURE, respect_consent=False)
    arms = {"control": replace(email, contact_pressure=0.0), "email": email}
    res = simulate(
        spec,
        arms,
        n_weeks=_WEEKS,
        response=response,
        channels=channels,
        n_journeys=0,
        progress=False,
        rng=rng,
    )
    c = res.customers
    if recorded is not None:  # only the orders the file records
        orders = c[[f"purchases_{name}" for name in recorded]].sum(axis=1)
        c = c.assign(n_purchases=orders, revenue_eur=orders * c["basket_eur"])
    control, treated = c[c["arm"] == "control"], c[c["arm"] == "email"]

    def share(df, column):
        p = float((df[column] > 0).mean())
        return p, math.sqrt(p * (1 - p) / len(df))

    def mean(df, column):
        x = df[column].to_numpy(float)
        return float(x.mean()), float(x.std(ddof=1) / math.sqrt(len(x)))

    def diff(a, b):
        return a[0] - b[0], math.hypot(a[1], b[1])

    out = {
        "control_visit_rate": share(control, "visits"),
        "control_conversion_rate": share(control, "n_purchases"),
        "control_spend_per_customer": mean(control, "revenue_eur"),
        "email_visit_effect": diff(share(treated, "visits"), share(control, "visits")),
        "email_conversion_effect": diff(
            share(treated, "n_purchases"), share(control, "n_purchases")
        ),
        "email_spend_effect": diff(mean(treated, "revenue_eur"), mean(control, "revenue_eur")),
    }
    sends = float(treated["contacts_received"].sum())
    quits = float(treated["consent_withdrawals"].sum())
    out["email_unsubscribe_per_send"] = (quits / sends, math.sqrt(max(quits, 1.0)) / sends)
    return pd.DataFrame(out, index=["value", "se"]).T.rename_axis("statistic")


def _recorded_channels(recorded, purchase_channels) -> tuple[str, ...]:
    """``recorded`` as a tuple, checked against the context's purchase channels."""
    names = (recorded,) if isinstance(recorded, str) else tuple(recorded)
    allowed = tuple(purchase_channels)
    wrong = [name for name in names if name not in allowed]
    if not names or wrong or len(set(names)) < len(names):
        raise ValueError(
            f"recorded must name one or more of the context's purchase channels {list(allowed)}, "
            f"each once; got {list(names)}."
        )
    return names


def _share(mask: np.ndarray) -> tuple[float, float]:
    p = float(mask.mean()) if len(mask) else math.nan
    return p, math.sqrt(p * (1 - p) / len(mask)) if len(mask) else math.nan


def _populations(spec, channels, response, rng) -> list:
    """The populations :func:`simulate` draws from ``spec`` and ``rng``, block by block.

    Each simulation block's population is drawn again from the block's own generator
    (``_random.block_generator``), as :func:`simulate` draws it: these are the customers of the
    simulation with the same ``spec``, ``response`` and ``rng`` (an int or a SeedSequence; a
    Generator gives a fresh child on each call).
    """
    ss = seed_sequence(rng)
    n = spec.n_customers
    return [
        generate_population(
            spec,
            channels,
            min(BLOCK_SIZE, n - start),
            rng=block_generator(ss, b),
            response=response,
        )
        for b, start in enumerate(range(0, n, BLOCK_SIZE))
    ]


def _pre_period_columns(spec, channels, response, rng) -> dict[str, np.ndarray]:
    """Pre-period purchase channels, spend and recency of the customers of :func:`_populations`."""
    pops = _populations(spec, channels, response, rng)
    names = list(channels.purchase_channels)
    by_channel = np.concatenate([p.past_purchases_by_channel for p in pops])
    return {
        "n_channels": (by_channel > 0).sum(axis=1),
        "phone": by_channel[:, names.index("telephone")] > 0,
        "web": by_channel[:, names.index("website")] > 0,
        "spend": np.concatenate([p.past_revenue_eur for p in pops]),
        "weeks_since": np.concatenate([p.weeks_since_purchase for p in pops]),
    }


def _past_year_statistics(n_channels, phone, web, spend, weeks_since) -> dict:
    """The past-year checks among buyers, from their channels, spend and weeks since buying.

    Recency in Hillstrom's unit: ``ceil(weeks_since x 12 / 52)`` months, in [1, 12].
    """
    used = np.asarray(n_channels)
    multi, single = spend[used >= 2], spend[used == 1]
    if len(multi) > 1 and len(single) > 1:
        m1, m0 = multi.mean(), single.mean()
        se1, se0 = (
            multi.std(ddof=1) / math.sqrt(len(multi)),
            single.std(ddof=1) / math.sqrt(len(single)),
        )
        ratio = (m1 / m0, m1 / m0 * math.hypot(se1 / m1, se0 / m0))
    else:
        ratio = (math.nan, math.nan)
    months = np.clip(np.ceil(weeks_since * 12 / _PAST_WEEKS), 1, 12)
    return {
        "past_year_channel_share_phone": _share((used == 1) & phone),
        "past_year_channel_share_web": _share((used == 1) & web),
        "past_year_channel_share_multichannel": _share(used >= 2),
        "past_year_spend_ratio_multichannel_single": ratio,
        "past_year_spend_median": _quantile_se(spend, 0.5) if len(spend) else (math.nan,) * 2,
        "past_year_spend_p90": _quantile_se(spend, 0.9) if len(spend) else (math.nan,) * 2,
        "past_year_recency_mean_months": (
            float(months.mean()) if len(months) else math.nan,
            float(months.std(ddof=1) / math.sqrt(len(months))) if len(months) > 1 else math.nan,
        ),
        "past_year_recency_share_3_months": _share(months <= 3),
    }


def check_statistics(
    params: Mapping[str, float] | None = None,
    *,
    n_customers: int = 200_000,
    rng=0,
    population: PopulationSpec | None = None,
    response: ResponseSpec | None = None,
    channels: ChannelSet | None = None,
) -> pd.DataFrame:
    """The statistics of :data:`CHECK_STATISTICS`, for the targets not used in the fit.

    Simulations of ``n_customers`` each, with the same parameters as
    :func:`simulated_statistics`:

    - a past year: 52 weeks without marketing contacts (with ``population.pre_period_weeks``
      > 0: the pre-period through which :func:`simulated_statistics`'s customers were drawn,
      on those same customers, lapsed or not). Among the customers who bought in it
      (Hillstrom's population), the shares who bought by telephone only, on the website only
      and through several purchase channels (the rest bought in a shop or by mail order only,
      channels Hillstrom's retailer does not have); the ratio of the mean spend of
      multichannel to single-channel buyers; the median and 90th percentile of spend; and the
      recency at the end of the year in months, ``ceil((52 - last purchase week) x 12 / 52)``
      (1-12, Hillstrom's unit), as a mean and as the share at most 3 months (with
      ``channels`` whose purchase channels are the telephone and the website only, as
      Hillstrom's retailer, no buyer is left out of the three shares);
    - an SMS campaign over 4 weeks, Poisson(1) messages per customer, everyone consenting:
      consent withdrawals per message sent;
    - a direct-mail campaign over 4 weeks, Poisson(1) pieces: the share of customers who
      received a piece and bought within the 4 weeks (the reports count any order in the
      campaign window, with or without a response code);
    - a one-week factorial of e-mail and postal mail (four runs: none, each alone, both;
      Poisson(1) contacts a week per channel, everyone consenting to both), every customer
      in every arm: what the two together add to purchases beyond the sum of each alone,
      relative to that sum, the scale of the Complete Journey's mailer x display interaction;
      NaN when what the two add alone is not 3 standard errors above 0 at this size
      (:func:`mcstudy.experiments.channel_interaction.simulated_relative_interaction`).

    ``population``, ``response`` and ``channels`` are as in :func:`simulated_statistics`.

    Returns
    -------
    pandas.DataFrame
        Indexed by statistic: ``value`` and ``se`` (simulation standard error; quantiles by
        the same order-statistics interval as the Hillstrom targets).
    """
    n_customers = check_int(n_customers, "n_customers", 1000, 10_000_000)
    pop_changes, resp_changes, chan_changes = _split(dict(params or {}))
    population = population if population is not None else PopulationSpec()
    response = replace(response if response is not None else ResponseSpec(), **resp_changes)
    spec = replace(population, n_customers=n_customers, **pop_changes)
    channels = _channels(chan_changes, channels)
    ss = seed_sequence(rng)
    past_seed, sms_seed, mail_seed = ss.spawn(3)

    def run(strategy, n_weeks, seed, consent):
        return simulate(
            replace(spec, consent_rate=consent),
            strategy,
            n_weeks=n_weeks,
            response=response,
            channels=channels,
            n_journeys=0,
            progress=False,
            rng=seed,
        ).customers

    if spec.pre_period_weeks > 0:  # the same customers as simulated_statistics's test
        out = _past_year_statistics(
            **_pre_period_columns(
                replace(spec, consent_rate={"email": 1.0}), channels, response, rng
            )
        )
    else:
        quiet = Monochannel(channel="email", contact_pressure=0.0)
        past = run(quiet, _PAST_WEEKS, past_seed, spec.consent_rate)
        buyers = past[past["n_purchases"] > 0]
        out = _past_year_statistics(
            n_channels=buyers["n_channels_used"].to_numpy(),
            phone=buyers["purchases_telephone"].to_numpy() > 0,
            web=buyers["purchases_website"].to_numpy() > 0,
            spend=buyers["revenue_eur"].to_numpy(float),
            weeks_since=_PAST_WEEKS - buyers["last_purchase_week"].to_numpy(dtype=float),
        )
    sms = Monochannel(channel="sms", contact_pressure=1 / _CAMPAIGN_WEEKS, respect_consent=False)
    texted = run(sms, _CAMPAIGN_WEEKS, sms_seed, {"sms": 1.0})
    sends = float(texted["contacts_received"].sum())
    quits = float(texted["consent_withdrawals"].sum())
    out["sms_optout_per_message"] = (quits / sends, math.sqrt(max(quits, 1.0)) / sends)
    mail = Monochannel(
        channel="postal_mail", contact_pressure=1 / _CAMPAIGN_WEEKS, respect_consent=False
    )
    mailed = run(mail, _CAMPAIGN_WEEKS, mail_seed, {"postal_mail": 1.0})
    reached = mailed[mailed["contacts_received"] > 0]
    out["direct_mail_response_rate"] = _share(reached["n_purchases"].to_numpy() > 0)
    (interaction_seed,) = ss.spawn(1)  # after the three above, which keep their streams
    try:
        r = simulated_relative_interaction(
            n_customers=n_customers,
            rng=interaction_seed,
            population=spec,
            response=response,
            context_channels=channels,
        )
        out["completejourney_relative_interaction"] = (r["estimate"], r["se"])
    except UndefinedInteractionError:  # the channels add too little at this size: unknown
        out["completejourney_relative_interaction"] = (math.nan, math.nan)
    return pd.DataFrame(out, index=["value", "se"]).T.rename_axis("statistic")
