"""Contact strategies, from monochannel and siloed multichannel to omnichannel.

A strategy is what the firm does: how many contacts a week it plans per customer (the contact
pressure), on which channels, and which integration mechanisms it runs (shared frequency cap,
consent, routing to preferred channels, suppression after a purchase, consistent offers, shared
service history, cross-channel referral). Integration levels follow source 001 ("Multicanal vs
Omnicanal": mono-, multi-, cross-, omnichannel); the siloed failure modes follow source 000
(box 2, Club Med). Costs are stated for a firm of :data:`COST_BASE_CUSTOMERS` customers and
scale with the number of customers in the arm.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace

from mcstudy._validation import check_int, check_number, check_option, check_probability
from mcstudy.vocab import PARAMETER_RANGES, TIERS

__all__ = [
    "COST_BASE_CUSTOMERS",
    "STRATEGIES",
    "CrossChannel",
    "Monochannel",
    "Omnichannel",
    "SiloedMultichannel",
    "Strategy",
    "ValueTiered",
    "make_strategy",
]

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
    frequency_cap : bool
        Cap the week's contacts at the customer's attention capacity (shared contact plan).
    respect_consent : bool
        Contact a customer only on channels they consented to.
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
        Probability that a service contact finds the customer's history, in [0, 1].
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
    frequency_cap: bool = False
    respect_consent: bool = False
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
        for name in ("frequency_cap", "respect_consent", "route_by_preference"):
            if not isinstance(getattr(self, name), bool):
                raise TypeError(f"{name!r} must be a bool; got {getattr(self, name)!r}.")
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

    def pre_deployment(self) -> Strategy:
        """What the firm does before the integration works: siloed, same pressure and channels."""
        return SiloedMultichannel(
            contact_pressure=self.contact_pressure,
            channels=self.channels,
            tier_channels=self.tier_channels,
        )

    def with_pressure(self, contact_pressure: float) -> Strategy:
        """Return a copy with another contact pressure."""
        return replace(self, contact_pressure=contact_pressure)


@dataclass(frozen=True)
class Monochannel(Strategy):
    """One channel, one team: no cross-channel inconsistency, one history.

    The single team holds the customer's whole history, so service contacts find it whatever
    channel the customer uses (``history_shared=1``, an assumption).

    Parameters
    ----------
    channel : str, default="postal_mail"
        The single outbound channel.
    """

    name = "monochannel"
    channel: str = "postal_mail"
    history_shared: float = 1.0

    def __post_init__(self):
        if not isinstance(self.channel, str):
            raise TypeError(f"'channel' must be a channel name; got {self.channel!r}.")
        object.__setattr__(self, "channels", {self.channel: 1.0})
        super().__post_init__()


@dataclass(frozen=True)
class SiloedMultichannel(Strategy):
    """Each channel team plans its own contacts (source 000, box 2).

    No shared frequency cap, no consent routing, no suppression after a purchase,
    contradictory offers with probability ``inconsistent_offer_prob`` (default 0.3, an
    assumption) and service contacts without shared history.
    """

    name = "siloed"
    inconsistent_offer_prob: float = 0.3


@dataclass(frozen=True)
class CrossChannel(Strategy):
    """Channels refer customers to each other and share part of the history (source 001)."""

    name = "cross_channel"
    respect_consent: bool = True
    inconsistent_offer_prob: float = 0.1
    history_shared: float = 0.5
    referral_strength: float = 0.5
    integration_cost_per_channel_eur: float = 20_000.0
    coordination_cost_per_pair_eur_per_week: float = 50.0
    deployment_lag_weeks: int = 13


@dataclass(frozen=True)
class Omnichannel(Strategy):
    """One customer profile shared by every channel (source 001).

    Frequency cap at the customer's attention, contacts routed to consented preferred
    channels, suppression after a purchase, consistent offers, shared history, full
    referral. Costs follow source 001 (from 50,000 euros to several million; 6 to 18 months
    before benefits): the defaults take 500,000 euros plus 50,000 per channel and a 26-week
    lag, for a firm of 100,000 customers (the split is an assumption).
    """

    name = "omnichannel"
    frequency_cap: bool = True
    respect_consent: bool = True
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
    in equal shares; with ``tier_channels`` set, ``channels`` is not used.
    """

    name = "value_tiered"
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
