"""Customer populations: who the customers are.

A :class:`PopulationSpec` fixes the distributions; :func:`generate_population` draws the
customers as a struct of numpy arrays (:class:`Population`). Every default and its provenance
is listed in ``docs/model.md``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numba
import numpy as np
from scipy.special import ndtr, ndtri

from mcstudy._validation import check_int, check_number, check_probability
from mcstudy._vocab import DEFAULT_CONSENT_RATE, PARAMETER_RANGES, PROFILES, TIERS
from mcstudy.model import _libm, lapse
from mcstudy.model.channels import ChannelSet
from mcstudy.model.response import ResponseSpec

__all__ = ["PROFILES", "TIERS", "Population", "PopulationSpec", "generate_population"]


@dataclass(frozen=True)
class PopulationSpec:
    """Distributions of customer attributes.

    Parameters
    ----------
    n_customers : int, default=10_000
        Number of customers, in [1, 100_000_000].
    social_share : float, default=0.5
        Share of customers with the *social* relational profile (the rest are *autonomous*),
        in [0, 1]. Source 000 ref 12 names the two profiles; the share is an assumption.
    engagement_sigma : float, default=0.5
        Standard deviation of log engagement (log-normal, mean 1), in [0, 3].
    engagement_breadth_link : float, default=1.0
        Exponent linking engagement to the number of purchase channels a customer uses, in
        [0, 5]. 0 makes channel breadth independent of engagement and of the purchase rate.
    breadth_rate : float, default=0.5
        Scale of the probability of using each extra purchase channel, > 0.
    purchase_rate_per_week : float, default=0.00288745
        Mean base purchase rate (purchases per week), in (0, 10]. Calibrated
        (``data/calibration.toml``) to the Hillstrom experiment's two-week visits, purchases
        and spend.
    rate_shape : float, default=1.0
        Gamma shape of purchase-rate heterogeneity, > 0 (given engagement, counts over a
        period without contacts are negative binomial).
    basket_mean_eur : float, default=56.4935
        Mean basket value before the tier multiplier (the small tier's mean with the default
        multipliers), euros, > 0. Calibrated like ``purchase_rate_per_week`` (spend in
        dollars matched in the simulator's currency unit).
    basket_sigma : float, default=0.4
        Standard deviation of log basket value, in [0, 3].
    tier_shares : tuple of 3 floats, default=(0.75, 0.20, 0.05)
        Shares of small, medium and key-account customers; non-negative, sum 1.
    tier_value_multipliers : tuple of 3 floats, default=(1.0, 3.0, 12.0)
        Basket multiplier of each tier, > 0.
    affinity_concentration : float, default=5.0
        Concentration of the Dirichlet channel affinities around the profile's base weights
        (``data/channels.csv``), in [0.1, 1e6]. Larger means customers of one profile are
        more alike; below 0.1 the Dirichlet draws underflow to zero.
    attention_mean : float, default=2.0
        Mean attention capacity, contacts per week a customer can process, in [1, 100].
        Capacity is ``1 + Poisson(attention_mean - 1)``.
    consent_rate : float or mapping of str to float, default=0.6
        Probability that a customer consents to marketing contacts on a channel; a float for
        every channel or a mapping channel -> probability (others get
        :data:`mcstudy._vocab.DEFAULT_CONSENT_RATE`, 0.6).
    consent_interest_correlation : float, default=0.0
        Correlation, in [-1, 1], between a customer's latent propensity to consent (on every
        channel) and their interest (the normal behind log engagement, which raises the
        purchase rate): a Gaussian copula that leaves each channel's consent rate unchanged.
        > 0: consenting customers are the more interested ones. 0: consent independent of
        every other attribute.
    sensitivity_shape : float, default=2.0
        Gamma shape of the sensitivity to intrusiveness (mean 1), > 0.
    breadth_purchase_effect : float, default=0.0
        Causal effect on the purchase rate of each purchase channel beyond the first
        (rate × (1 + effect × (breadth − 1))), in [0, 5]. 0: using more channels causes no
        extra purchases; only engagement does.
    dropout_cv : float, default=0.0
        Coefficient of variation of each customer's churn-hazard multiplier (gamma, mean 1:
        the Pareto/NBD's heterogeneous dropout rate, shape ``1 / dropout_cv**2``), in
        [0, 10]. 0: every customer has the base hazard and no random number is drawn.
    pre_period_weeks : int, default=0
        Weeks of a pre-period without marketing contacts through which candidates are
        observed; only those who bought in it are kept (a file of past-period buyers, as
        Hillstrom's was drawn), carrying into the simulation whether they lapsed in it and
        when they last bought (:mod:`mcstudy.model.lapse`), in [0, 520]. 0: no pre-period.
    pre_period_rate_ratio : float, default=1.0
        Each candidate's purchase rate in the pre-period, relative to their rate in the
        simulated weeks, in (0, 100]: a past period that held a season the simulated weeks do
        not, or a purchase level that has fallen since (below 1: the reverse). 1: a stationary
        purchase rate. It acts only on a pre-period (``pre_period_weeks`` > 0); without one
        there is nothing for it to scale. (It is not refused then: parameter spaces check
        each parameter's range on its own, as :func:`mcstudy.model.model_context` sets it.)
    """

    n_customers: int = 10_000
    social_share: float = 0.5
    engagement_sigma: float = 0.5
    engagement_breadth_link: float = 1.0
    breadth_rate: float = 0.5
    purchase_rate_per_week: float = 0.00288745
    rate_shape: float = 1.0
    basket_mean_eur: float = 56.4935
    basket_sigma: float = 0.4
    tier_shares: tuple[float, float, float] = (0.75, 0.20, 0.05)
    tier_value_multipliers: tuple[float, float, float] = (1.0, 3.0, 12.0)
    affinity_concentration: float = 5.0
    attention_mean: float = 2.0
    consent_rate: float | Mapping[str, float] = 0.6
    sensitivity_shape: float = 2.0
    breadth_purchase_effect: float = 0.0
    consent_interest_correlation: float = 0.0
    dropout_cv: float = 0.0
    pre_period_weeks: int = 0
    pre_period_rate_ratio: float = 1.0

    def __post_init__(self):
        check_int(self.n_customers, "n_customers", *PARAMETER_RANGES["n_customers"])
        check_number(self.social_share, "social_share", *PARAMETER_RANGES["social_share"])
        check_number(self.engagement_sigma, "engagement_sigma", 0, 3)
        check_number(
            self.engagement_breadth_link,
            "engagement_breadth_link",
            *PARAMETER_RANGES["engagement_breadth_link"],
        )
        check_number(self.breadth_rate, "breadth_rate", 0, 100, low_open=True)
        check_number(self.purchase_rate_per_week, "purchase_rate_per_week", 0, 10, low_open=True)
        check_number(self.rate_shape, "rate_shape", 0, 1e6, low_open=True)
        check_number(self.basket_mean_eur, "basket_mean_eur", 0, 1e9, low_open=True)
        check_number(self.basket_sigma, "basket_sigma", 0, 3)
        for name, what in (("tier_shares", "shares"), ("tier_value_multipliers", "multipliers")):
            value = getattr(self, name)
            if isinstance(value, str | Mapping) or not isinstance(value, Iterable):
                raise TypeError(f"{name!r} must be a sequence of 3 {what}; got {value!r}.")
        shares = tuple(self.tier_shares)
        if len(shares) != 3:
            raise ValueError(f"'tier_shares' must have 3 entries; got {shares!r}.")
        for k, s in enumerate(shares):
            check_probability(s, f"tier_shares[{k}]")
        if not math.isclose(sum(shares), 1.0, abs_tol=1e-9):
            raise ValueError(f"'tier_shares' must sum to 1; got {shares!r} (sum {sum(shares)}).")
        mults = tuple(self.tier_value_multipliers)
        if len(mults) != 3:
            raise ValueError(f"'tier_value_multipliers' must have 3 entries; got {mults!r}.")
        for k, m in enumerate(mults):
            check_number(m, f"tier_value_multipliers[{k}]", 0, 1e6, low_open=True)
        object.__setattr__(self, "tier_shares", shares)
        object.__setattr__(self, "tier_value_multipliers", mults)
        check_number(self.affinity_concentration, "affinity_concentration", 0.1, 1e6)
        check_number(self.attention_mean, "attention_mean", *PARAMETER_RANGES["attention_mean"])
        if isinstance(self.consent_rate, Mapping):
            for ch, p in self.consent_rate.items():
                if not isinstance(ch, str):
                    raise TypeError(f"'consent_rate' keys must be channel names (str); got {ch!r}.")
                check_probability(p, f"consent_rate[{ch}]")
            object.__setattr__(self, "consent_rate", dict(self.consent_rate))
        else:
            check_probability(self.consent_rate, "consent_rate")
        check_number(self.sensitivity_shape, "sensitivity_shape", 0, 1e6, low_open=True)
        check_number(
            self.breadth_purchase_effect,
            "breadth_purchase_effect",
            *PARAMETER_RANGES["breadth_purchase_effect"],
        )
        check_number(self.consent_interest_correlation, "consent_interest_correlation", -1, 1)
        check_number(self.dropout_cv, "dropout_cv", 0, 10)
        check_int(self.pre_period_weeks, "pre_period_weeks", 0, 520)
        check_number(self.pre_period_rate_ratio, "pre_period_rate_ratio", 0, 100, low_open=True)

    def consent_probabilities(self, channels: ChannelSet) -> np.ndarray:
        """Consent probability of each channel of ``channels``."""
        if not isinstance(self.consent_rate, Mapping):
            return np.full(channels.n_channels, float(self.consent_rate))
        unknown = sorted(set(self.consent_rate) - set(channels.names))
        if unknown:
            raise ValueError(
                f"'consent_rate' has channels {unknown} that are not simulated; "
                f"allowed: {list(channels.names)}."
            )
        return np.array([self.consent_rate.get(c, DEFAULT_CONSENT_RATE) for c in channels.names])


@dataclass(frozen=True)
class Population:
    """Customers as a struct of arrays (one row per customer).

    Attributes
    ----------
    profile : int8 array, 0 social, 1 autonomous.
    engagement : float array, latent engagement (log-normal, mean 1).
    base_rate : float array, base purchases per week.
    tier : int8 array, 0 small, 1 medium, 2 key account.
    basket_eur : float array, basket value.
    affinity : float array (n, n_channels), channel preferences, rows sum to 1.
    preference_order : int64 array (n, n_channels), channels from most to least preferred.
    repertoire : bool array (n, n_purchase_channels), purchase channels the customer uses.
    attention : int64 array, contacts per week the customer can attend.
    consent : bool array (n, n_channels), marketing consent per channel.
    sensitivity : float array, sensitivity to intrusiveness (mean 1).
    dropout : float array, churn-hazard multiplier (mean 1); None means 1 for everyone.
    lapsed : bool array, lapsed during the pre-period (never acts again); None without one.
    past_purchases : int array, purchases in the pre-period; None without one.
    past_revenue_eur : float array, spend in the pre-period; None without one.
    past_purchases_by_channel : int array (n, n_purchase_channels), pre-period purchases per
        purchase channel; None without a pre-period.
    weeks_since_purchase : float array, weeks from the last pre-period purchase to the start
        of the simulation (NaN without one); None without a pre-period.
    """

    profile: np.ndarray
    engagement: np.ndarray
    base_rate: np.ndarray
    tier: np.ndarray
    basket_eur: np.ndarray
    affinity: np.ndarray
    preference_order: np.ndarray
    repertoire: np.ndarray
    attention: np.ndarray
    consent: np.ndarray
    sensitivity: np.ndarray
    dropout: np.ndarray | None = None
    lapsed: np.ndarray | None = None
    past_purchases: np.ndarray | None = None
    past_revenue_eur: np.ndarray | None = None
    past_purchases_by_channel: np.ndarray | None = None
    weeks_since_purchase: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.profile)


def generate_population(
    spec: PopulationSpec, channels: ChannelSet, n: int, *, rng=None, response=None
) -> Population:
    """Draw ``n`` customers from ``spec``.

    With ``spec.pre_period_weeks`` > 0 the customers are those who bought in a pre-period
    without contacts (:func:`mcstudy.model.lapse.draw_past_buyers`); otherwise every
    candidate is kept.

    Parameters
    ----------
    spec : PopulationSpec
        Attribute distributions (its ``n_customers`` is ignored: ``n`` is used).
    channels : ChannelSet
        Channels, for affinities and consent.
    n : int
        Number of customers to draw.
    rng : numpy.random.Generator or seed, default=None
        Random source.
    response : ResponseSpec, default=None
        Gives the base churn hazard of the pre-period (``churn_base_per_week``);
        ``ResponseSpec()`` when None. Unused without a pre-period.

    Returns
    -------
    Population

    Raises
    ------
    TypeError
        If ``spec`` is not a PopulationSpec or ``channels`` not a ChannelSet.
    ValueError
        If ``n`` is negative.
    """
    if not isinstance(spec, PopulationSpec):
        raise TypeError(f"'spec' must be a PopulationSpec; got {spec!r}.")
    if not isinstance(channels, ChannelSet):
        raise TypeError(f"'channels' must be a ChannelSet; got {type(channels).__name__}.")
    rng = np.random.default_rng(rng)
    n = check_int(n, "n", 0)
    if spec.pre_period_weeks == 0:
        return _draw(spec, channels, n, rng)
    if response is None:
        response = ResponseSpec()
    return lapse.draw_past_buyers(
        lambda m, g: _draw(spec, channels, m, g),
        spec,
        channels,
        n,
        float(response.churn_base_per_week),
        rng,
    )


def _draw(spec: PopulationSpec, channels: ChannelSet, n: int, rng) -> Population:
    """``n`` customers from ``spec``, every one kept (the draws of §5.2, in order)."""
    n_channels = channels.n_channels
    profile = (rng.random(n) >= spec.social_share).astype(np.int8)
    s = spec.engagement_sigma
    interest = rng.standard_normal(n)
    engagement = _libm.exp(s * interest - s * s / 2)
    heterogeneity = rng.gamma(spec.rate_shape, 1.0 / spec.rate_shape, n)
    base_rate = spec.purchase_rate_per_week * engagement * heterogeneity
    tier = rng.choice(3, size=n, p=spec.tier_shares).astype(np.int8)
    b = spec.basket_sigma
    basket = (
        spec.basket_mean_eur
        * np.asarray(spec.tier_value_multipliers)[tier]
        * _libm.exp(b * rng.standard_normal(n) - b * b / 2)
    )

    base = channels.affinity
    alpha = spec.affinity_concentration * base / base.sum(axis=1, keepdims=True) * n_channels
    draws = rng.standard_gamma(alpha[profile])
    affinity = draws / draws.sum(axis=1, keepdims=True)

    # Purchase repertoire: 1 + Binomial(P - 1, p_i) channels, p_i rising with engagement
    # through the link exponent, drawn without replacement in proportion to affinity: an
    # exponential race, the channels whose Exp(1) / affinity comes first (the same law as
    # the Gumbel top-k trick).
    pidx = channels.purchase_index
    n_purchase = len(pidx)
    p_extra = 1.0 - _libm.exp(
        -spec.breadth_rate * _libm.power(engagement, spec.engagement_breadth_link)
    )
    breadth = 1 + rng.binomial(n_purchase - 1, p_extra)
    arrival = rng.standard_exponential((n, n_purchase)) / affinity[:, pidx]
    preference_order = np.empty((n, n_channels), np.int64)
    repertoire = np.empty((n, n_purchase), np.bool_)
    _orders(affinity, arrival, breadth.astype(np.int64), preference_order, repertoire)

    attention = 1 + rng.poisson(spec.attention_mean - 1.0, n)
    consent = _consent(rng.random((n, n_channels)), interest, spec, channels)
    sensitivity = rng.gamma(spec.sensitivity_shape, 1.0 / spec.sensitivity_shape, n)
    dropout = lapse.draw_dropout(spec.dropout_cv, n, rng)  # after the others: they keep theirs
    return Population(
        profile,
        engagement,
        base_rate,
        tier,
        basket,
        affinity,
        preference_order,
        repertoire,
        attention,
        consent,
        sensitivity,
        dropout,
    )


def _consent(u: np.ndarray, interest: np.ndarray, spec: PopulationSpec, channels) -> np.ndarray:
    """Consent per customer and channel from the uniforms ``u`` (n, n_channels).

    Independent of everything else at ``consent_interest_correlation`` 0 (consent when
    ``u < rate``); otherwise each uniform is moved through a Gaussian copula towards the
    customer's interest, which keeps it uniform (and each channel's consent rate) while
    correlating the latent consent propensity with interest.
    """
    rate = spec.consent_probabilities(channels)
    rho = spec.consent_interest_correlation
    if rho == 0.0:
        return u < rate
    x = ndtri(np.maximum(u, np.finfo(float).tiny))  # u = 0 would give -inf
    return ndtr(math.sqrt(1.0 - rho * rho) * x - rho * interest[:, None]) < rate


@numba.njit(nogil=True, cache=True, inline="always")
def _before(x, y):
    """``x`` sorts before ``y`` in numpy's order (NaN after every number)."""
    return x < y or (y != y and x == x)


@numba.njit(nogil=True, cache=True)
def _stable_argsort(keys, out):
    """``out[:] = numpy.argsort(keys, kind="stable")`` for one short row (insertion sort)."""
    for j in range(keys.shape[0]):
        out[j] = j
    for j in range(1, keys.shape[0]):
        v = out[j]
        k = j - 1
        while k >= 0 and _before(keys[v], keys[out[k]]):
            out[k + 1] = out[k]
            k -= 1
        out[k + 1] = v


@numba.njit(nogil=True, cache=True)
def _orders(affinity, arrival, breadth, preference_order, repertoire):
    """Fill each customer's channel preference order and purchase repertoire.

    ``preference_order[i]`` is ``argsort(-affinity[i], kind="stable")``: channels from most to
    least preferred, ties in channel order. ``repertoire[i, p]`` is True when purchase channel
    ``p`` is among the ``breadth[i]`` first of the exponential race ``arrival[i]`` (ranked by a
    stable argsort). Row by row, without the temporaries of numpy's sorts along an axis.
    """
    n, n_channels = affinity.shape
    n_purchase = arrival.shape[1]
    neg = np.empty(n_channels)
    order = np.empty(n_purchase, np.int64)
    for i in range(n):
        for c in range(n_channels):
            neg[c] = -affinity[i, c]
        _stable_argsort(neg, preference_order[i])
        _stable_argsort(arrival[i], order)
        for r in range(n_purchase):
            repertoire[i, order[r]] = r < breadth[i]
