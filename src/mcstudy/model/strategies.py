"""Contact strategies: a contact policy plus independent integration factors.

A strategy is what the firm does. Its *contact policy* says how many contacts a week it plans
per customer (the contact pressure, optionally a multiplier per value tier) and on which
channels. Its *integration factors* (:data:`INTEGRATION_FACTORS`) are independent switches:
respect consent, a frequency cap, routing to preferred channels, suppression after a purchase,
offer consistency, service-history sharing and cross-channel referral. Any combination can be
simulated; the named strategies (monochannel, siloed, cross-channel, omnichannel,
value-tiered) are documented presets of these factors (:func:`preset_table`, and the table in
``docs/model.md``). Integration levels follow source 001 ("Multicanal vs Omnicanal": mono-,
multi-, cross-, omnichannel); the siloed failure modes follow source 000 (box 2, Club Med).
Costs are stated for a firm of :data:`COST_BASE_CUSTOMERS` customers and scale with the number
of customers in the arm.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from numbers import Integral

import pandas as pd

from mcstudy._validation import check_int, check_number, check_option, check_probability
from mcstudy._vocab import PARAMETER_RANGES, TIERS

__all__ = [
    "COST_BASE_CUSTOMERS",
    "INTEGRATION_FACTORS",
    "LEARNED_CAP",
    "STRATEGIES",
    "CrossChannel",
    "Monochannel",
    "Omnichannel",
    "SiloedMultichannel",
    "Strategy",
    "ValueTiered",
    "make_strategy",
    "preset_table",
]

#: The integration factors of a strategy: fields that can be switched independently of the
#: contact policy, in the order of ``docs/model.md``.
INTEGRATION_FACTORS = (
    "respect_consent",
    "frequency_cap",
    "route_by_preference",
    "suppress_weeks_after_purchase",
    "inconsistent_offer_prob",
    "history_shared",
    "referral_strength",
)

#: ``frequency_cap`` value for a cap the firm learns from each customer's responses.
LEARNED_CAP = "learned"

#: Firm size to which the fixed, integration, coordination and running costs refer.
COST_BASE_CUSTOMERS = 100_000

#: Default split of the contact pressure over outbound channels for a B2C firm: mostly
#: e-mail and on-site messages, some mailings and SMS, few calls, no unsolicited visits
#: (visits are for key accounts, see :class:`ValueTiered`). Assumption.
DEFAULT_CONTACT_MIX = {
    "email": 0.45,
    "website": 0.20,
    "postal_mail": 0.15,
    "sms": 0.12,
    "telephone": 0.08,
}


@dataclass(frozen=True)
class Strategy:
    """A contact strategy; use a subclass or :func:`make_strategy`.

    Parameters
    ----------
    contact_pressure : float, default=1.0
        Planned outbound contacts per customer per week, all channels together, in [0, 50].
    channels : tuple of str or mapping of str to float, default=None
        Outbound channels the firm uses: a tuple (equal shares of the pressure) or a mapping
        channel -> share; None for :data:`DEFAULT_CONTACT_MIX` (restricted to the simulated
        channels).
    tier_pressure : mapping of str to float, default=None
        Pressure multiplier per value tier (``small``, ``medium``, ``key_account``): a
        customer of tier ``k`` is contacted at ``contact_pressure x tier_pressure[k]``; tiers
        left out (or None) get 1. Each multiplier in [0, 50].
    respect_consent : bool, default=True
        Contact a customer only on channels they consented to (opt-in rules for e-mail and
        SMS). Ignoring consent is an explicit choice: ``respect_consent=False``.
    frequency_cap : None, int or "learned", default=None
        The firm's cap on contacts per customer per week, over all channels (a shared contact
        plan): None for no cap, an int in [1, 50] for a fixed cap, or ``"learned"`` for a cap
        estimated from the customer's own responses (start at 2; after a week in which the
        contacts reached the current cap and every one was attended, raise by one; after a
        week with ignored contacts, set to the number attended). The firm never sees the true
        attention capacity; which contacts a cap removes follows the customer's preference
        order.
    route_by_preference : bool
        Spread contacts in proportion to contact mix × the customer's channel affinity,
        re-spreading the whole pressure over the channels allowed; otherwise each channel team
        contacts its list at its share of the contact mix.
    suppress_weeks_after_purchase : int
        Weeks without marketing contacts after a purchase, in [0, 52].
    inconsistent_offer_prob : float
        Probability that a week with contacts on two or more channels carries contradictory
        offers, in [0, 1].
    history_shared : float
        Probability that a service contact finds the customer's history, in [0, 1]. A factor
        of the service organisation, independent of the marketing channels: a monochannel
        firm can lose history between agents too.
    referral_strength : float
        Share of the purchase-channel choice, in a week when the customer attended a contact,
        driven by that contact's cross-channel referral (which may lead to a channel outside
        the customer's repertoire), in [0, 1].
    fixed_investment_eur, integration_cost_per_channel_eur : float
        One-off costs at week 0, >= 0.
    coordination_cost_per_pair_eur_per_week : float
        Weekly cost per pair of channels kept consistent, >= 0.
    running_cost_per_week_eur : float
        Weekly running cost of the integration platform, >= 0.
    deployment_lag_weeks : int
        Weeks before the integration mechanisms work, in [0, 520]; until then the firm
        behaves as siloed multichannel at the same pressure.
    """

    name = "strategy"

    contact_pressure: float = 1.0
    channels: tuple[str, ...] | Mapping[str, float] | None = None
    tier_pressure: Mapping[str, float] | None = field(default=None, repr=False)
    respect_consent: bool = True
    frequency_cap: int | str | None = None
    route_by_preference: bool = False
    suppress_weeks_after_purchase: int = 0
    inconsistent_offer_prob: float = 0.0
    history_shared: float = 0.0
    referral_strength: float = 0.0
    fixed_investment_eur: float = 0.0
    integration_cost_per_channel_eur: float = 0.0
    coordination_cost_per_pair_eur_per_week: float = 0.0
    running_cost_per_week_eur: float = 0.0
    deployment_lag_weeks: int = 0
    tier_channels: Mapping[str, tuple[str, ...]] | None = field(default=None, repr=False)

    def __post_init__(self):
        check_number(
            self.contact_pressure, "contact_pressure", *PARAMETER_RANGES["contact_pressure"]
        )
        if self.channels is not None:
            mix = self.channels
            if isinstance(mix, str) or not mix:
                raise TypeError(
                    f"'channels' must be a non-empty tuple of channel names, a mapping channel "
                    f"-> share, or None; got {self.channels!r}."
                )
            if not isinstance(mix, Mapping):
                mix = {c: 1.0 for c in mix}
            for c, share in mix.items():
                if not isinstance(c, str):
                    raise TypeError(f"'channels' keys must be channel names; got {c!r}.")
                check_number(share, f"channels[{c}]", 0, 1e6, low_open=True)
            object.__setattr__(self, "channels", dict(mix))
        for name in ("respect_consent", "route_by_preference"):
            if not isinstance(getattr(self, name), bool):
                raise TypeError(f"{name!r} must be a bool; got {getattr(self, name)!r}.")
        cap = self.frequency_cap
        if not (
            cap is None
            or cap == LEARNED_CAP
            or (isinstance(cap, Integral) and not isinstance(cap, bool) and 1 <= cap <= 50)
        ):
            raise ValueError(
                "'frequency_cap' must be None (no cap), an int in [1, 50] (contacts per "
                f"customer per week) or {LEARNED_CAP!r} (estimated from responses); got {cap!r}."
            )
        if self.tier_pressure is not None:
            if not isinstance(self.tier_pressure, Mapping):
                raise TypeError(
                    f"'tier_pressure' must map tiers {list(TIERS)} to pressure multipliers; "
                    f"got {self.tier_pressure!r}."
                )
            unknown = sorted(str(k) for k in self.tier_pressure if k not in TIERS)
            if unknown:
                raise ValueError(
                    f"'tier_pressure' has tiers {unknown} that do not exist; allowed tiers: "
                    f"{list(TIERS)}."
                )
            for tier, mult in self.tier_pressure.items():
                check_number(mult, f"tier_pressure[{tier}]", 0, 50)
            object.__setattr__(self, "tier_pressure", dict(self.tier_pressure))
        check_int(self.suppress_weeks_after_purchase, "suppress_weeks_after_purchase", 0, 52)
        check_probability(self.inconsistent_offer_prob, "inconsistent_offer_prob")
        check_probability(self.history_shared, "history_shared")
        check_probability(self.referral_strength, "referral_strength")
        for name in (
            "fixed_investment_eur",
            "integration_cost_per_channel_eur",
            "coordination_cost_per_pair_eur_per_week",
            "running_cost_per_week_eur",
        ):
            check_number(getattr(self, name), name, 0, 1e12)
        check_int(self.deployment_lag_weeks, "deployment_lag_weeks", 0, 520)
        if self.tier_channels is not None:
            if not isinstance(self.tier_channels, Mapping):
                raise TypeError(
                    f"'tier_channels' must map tiers {list(TIERS)} to tuples of "
                    f"channel names; got {self.tier_channels!r}."
                )
            for tier, names in self.tier_channels.items():
                check_option(tier, "tier_channels key", TIERS)
                if (
                    isinstance(names, str)
                    or not isinstance(names, Iterable)
                    or not all(isinstance(c, str) for c in names)
                    or not tuple(names)
                ):
                    raise TypeError(
                        f"'tier_channels[{tier!r}]' must be a non-empty tuple of channel names "
                        f"(e.g. ('email',)); got {names!r}."
                    )
            object.__setattr__(
                self, "tier_channels", {k: tuple(v) for k, v in self.tier_channels.items()}
            )

    def contact_mix(self, available) -> dict[str, float]:
        """Share of the pressure per outbound channel, summing to 1.

        Parameters
        ----------
        available : sequence of str
            Outbound channels of the simulation.

        Raises
        ------
        ValueError
            If the strategy names a channel that is not available, or none of the default mix
            is available.
        """
        available = list(available)
        if self.tier_channels:
            wanted = {c: 1.0 for v in self.tier_channels.values() for c in v}
        elif self.channels is not None:
            wanted = dict(self.channels)
        else:
            wanted = {c: s for c, s in DEFAULT_CONTACT_MIX.items() if c in available}
            if not wanted:
                raise ValueError(
                    f"strategy {self.name!r}: no channel of the default mix "
                    f"{sorted(DEFAULT_CONTACT_MIX)} is simulated; pass 'channels'."
                )
        unknown = sorted(set(wanted) - set(available))
        if unknown:
            raise ValueError(
                f"strategy {self.name!r} uses channels {unknown}; allowed outbound channels "
                f"are {available}."
            )
        total = sum(wanted.values())
        return {c: wanted[c] / total for c in available if c in wanted}

    def pressure_by_tier(self) -> tuple[float, ...]:
        """Planned contacts per customer per week for each tier of :data:`TIERS`."""
        mult = self.tier_pressure or {}
        return tuple(self.contact_pressure * float(mult.get(t, 1.0)) for t in TIERS)

    def factors(self) -> dict[str, object]:
        """The integration factors of this strategy (:data:`INTEGRATION_FACTORS`)."""
        return {name: getattr(self, name) for name in INTEGRATION_FACTORS}

    def pre_deployment(self) -> Strategy:
        """What the firm does before the integration works: siloed, same contact policy.

        Same pressure (per tier), channels and consent rule; the other integration factors
        take the siloed preset's values.
        """
        return SiloedMultichannel(
            contact_pressure=self.contact_pressure,
            channels=self.channels,
            tier_channels=self.tier_channels,
            tier_pressure=self.tier_pressure,
            respect_consent=self.respect_consent,
        )

    def with_pressure(self, contact_pressure: float) -> Strategy:
        """Return a copy with another contact pressure."""
        return replace(self, contact_pressure=contact_pressure)


@dataclass(frozen=True)
class Monochannel(Strategy):
    """One outbound channel: no cross-channel inconsistency.

    Service-history sharing is a separate factor (``history_shared``, 0 by default as in the
    siloed preset): customers still call, write or walk in on any inbound channel, and a
    monochannel firm can lose their history between agents too.

    Parameters
    ----------
    channel : str, default="postal_mail"
        The single outbound channel.
    """

    name = "monochannel"
    channel: str = "postal_mail"

    def __post_init__(self):
        if not isinstance(self.channel, str):
            raise TypeError(f"'channel' must be a channel name; got {self.channel!r}.")
        object.__setattr__(self, "channels", {self.channel: 1.0})
        super().__post_init__()


@dataclass(frozen=True)
class SiloedMultichannel(Strategy):
    """Each channel team plans its own contacts (source 000, box 2).

    Consent respected (as in every preset), no shared frequency cap, no routing to
    preferences, no suppression after a purchase, contradictory offers with probability
    ``inconsistent_offer_prob`` (default 0.3, an assumption) and service contacts without
    shared history.
    """

    name = "siloed"
    inconsistent_offer_prob: float = 0.3


@dataclass(frozen=True)
class CrossChannel(Strategy):
    """Channels refer customers to each other and share part of the history (source 001)."""

    name = "cross_channel"
    inconsistent_offer_prob: float = 0.1
    history_shared: float = 0.5
    referral_strength: float = 0.5
    integration_cost_per_channel_eur: float = 20_000.0
    coordination_cost_per_pair_eur_per_week: float = 50.0
    deployment_lag_weeks: int = 13


@dataclass(frozen=True)
class Omnichannel(Strategy):
    """One customer profile shared by every channel (source 001).

    A frequency cap learned from each customer's responses, contacts routed to consented
    preferred channels, suppression after a purchase, consistent offers, shared history, full
    referral. Costs follow source 001 (from 50,000 euros to several million; 6 to 18 months
    before benefits): the defaults take 500,000 euros plus 50,000 per channel and a 26-week
    lag, for a firm of 100,000 customers (the split is an assumption).
    """

    name = "omnichannel"
    frequency_cap: int | str | None = LEARNED_CAP
    route_by_preference: bool = True
    suppress_weeks_after_purchase: int = 2
    history_shared: float = 1.0
    referral_strength: float = 1.0
    fixed_investment_eur: float = 500_000.0
    integration_cost_per_channel_eur: float = 50_000.0
    coordination_cost_per_pair_eur_per_week: float = 100.0
    running_cost_per_week_eur: float = 2_000.0
    deployment_lag_weeks: int = 26


@dataclass(frozen=True)
class ValueTiered(SiloedMultichannel):
    """Channel by customer value (source 000).

    Key accounts are visited and phoned, medium customers phoned, small customers mailed. A
    tier left out of ``tier_channels`` is contacted on the union of the other tiers' channels
    in equal shares; with ``tier_channels`` set, ``channels`` is not used. The pressure
    differs by tier: by default half the contact pressure for small customers, twice for key
    accounts (``tier_pressure``, an assumption).
    """

    name = "value_tiered"
    tier_pressure: Mapping[str, float] | None = field(
        default_factory=lambda: {"small": 0.5, "medium": 1.0, "key_account": 2.0},
        repr=False,
    )
    tier_channels: Mapping[str, tuple[str, ...]] | None = field(
        default_factory=lambda: {
            "small": ("postal_mail",),
            "medium": ("telephone",),
            "key_account": ("face_to_face", "telephone"),
        },
        repr=False,
    )


STRATEGIES: dict[str, type[Strategy]] = {
    cls.name: cls
    for cls in (Monochannel, SiloedMultichannel, CrossChannel, Omnichannel, ValueTiered)
}


def preset_table() -> pd.DataFrame:
    """The named strategies as presets of the integration factors (one row per preset).

    Columns: ``strategy``, the :data:`INTEGRATION_FACTORS` (``frequency_cap`` "none" for no
    cap), ``deployment_lag_weeks``, and ``channels`` (the default outbound channels, or the
    channels per tier).
    """
    rows = []
    for name, cls in STRATEGIES.items():
        s = cls()
        if s.tier_channels:
            mix = "; ".join(f"{t}: {'+'.join(c)}" for t, c in s.tier_channels.items())
        elif s.channels:
            mix = "+".join(s.channels)
        else:
            mix = "default mix"
        factors = s.factors()
        if factors["frequency_cap"] is None:
            factors["frequency_cap"] = "none"
        rows.append(
            {
                "strategy": name,
                **factors,
                "deployment_lag_weeks": s.deployment_lag_weeks,
                "channels": mix,
            }
        )
    return pd.DataFrame(rows)


def make_strategy(name: str, **params) -> Strategy:
    """Build a strategy by name.

    Parameters
    ----------
    name : {"monochannel", "siloed", "cross_channel", "omnichannel", "value_tiered"}
        Strategy class.
    **params
        Fields of that class (e.g. ``contact_pressure=2.0``).

    Raises
    ------
    ValueError
        If the name or a parameter is unknown.
    """
    cls = STRATEGIES[check_option(name, "strategy", STRATEGIES)]
    allowed = sorted(f.name for f in fields(cls))
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise ValueError(f"unknown parameters {unknown} for strategy {name!r}; allowed: {allowed}.")
    return cls(**params)
