"""How customers respond, week by week: the parameters of the weekly dynamics.

The equations are in ``docs/model.md`` ("Details: weekly dynamics"); each parameter below names
the stock, rate or hazard it enters. ``data/parameters.csv`` gives each one's status
(assumption, source or calibrated) and plausible range.

Identifiability: two parameters that enter the model only as a product cannot both be fitted,
so one scale of each such pair is fixed (see ``docs/model.md``, "Identifiable parameters"):

- the effect of irritation on the log purchase rate is 1: irritation is measured in those
  units, and the irritation increments carry the scale;
- channel persuasion weights are relative to e-mail (``ChannelSet.persuasion``, e-mail = 1):
  ``persuasion_effect`` is the lift of one e-mail-equivalent unit of persuasion stock, and
  ``visits_per_attended_contact`` the visits an attended e-mail triggers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from mcstudy._validation import check_number

__all__ = ["ResponseSpec"]

#: Carry-over rates, in [0, 1).
_DECAYS = ("persuasion_decay", "irritation_decay", "relationship_decay")
#: Multipliers, probabilities and shares, in [0, 1].
_SHARES = (
    "no_consent_persuasion",
    "inconsistency_persuasion",
    "visit_conversion",
    "fatigue_sharing",
    "consistency_offer_loss",
)
#: Signed parameters, in (-1, 1e3]: a contact's effect times (1 + this) stays positive.
_SIGNED = ("channel_synergy",)


@dataclass(frozen=True)
class ResponseSpec:
    """Parameters of the customers' weekly response.

    Parameters
    ----------
    persuasion_decay : float, default=0.5
        Weekly carry-over of the persuasion stock (adstock), in [0, 1).
    persuasion_effect : float, default=0.125
        Purchase-rate lift per unit of persuasion stock (one attended e-mail adds
        ``affinity x n_channels`` units for a customer of average affinity), >= 0.
    no_consent_persuasion : float, default=0.5
        Persuasion multiplier of a contact on a channel without consent, in [0, 1].
    inconsistency_persuasion : float, default=0.3
        Persuasion multiplier of contacts in a week with contradictory offers, in [0, 1].
    irritation_decay : float, default=0.7
        Weekly carry-over of the irritation stock, in [0, 1).
    irritation_per_contact : float, default=0.075
        Irritation from one contact of intrusiveness 1 to a customer of sensitivity 1, >= 0.
    no_consent_irritation : float, default=2.0
        Extra irritation multiplier for a contact without consent (x (1 + this)), >= 0.
    clutter_irritation : float, default=0.15
        Irritation from each contact beyond the customer's attention capacity, per unit of
        that contact's intrusiveness and of the customer's sensitivity, >= 0.
    inconsistency_irritation : float, default=0.25
        Irritation from a week with contradictory offers, >= 0.
    effort_irritation : float, default=0.2
        Irritation from each service contact where the customer must repeat themself, >= 0.
    organic_visits_per_week : float, default=0.0567411
        Visits per week of a customer of engagement 1 without contacts, >= 0; each visit
        goes to a purchase channel (shop, website, telephone or catalogue order) drawn like a
        purchase's. Organic visits carry the base purchases; they add none of their own.
    visits_per_attended_contact : float, default=0.0784265
        Visits triggered by one attended contact of persuasion weight 1 (an e-mail), >= 0.
    visit_conversion : float, default=0.0637981
        Probability that a triggered visit ends in a purchase, before irritation damping
        (x exp(-irritation)), in [0, 1]. These three are calibrated
        (``data/calibration.toml``) to the Hillstrom experiment.
    service_rate_per_week : float, default=0.02
        Base rate of self-initiated service contacts per week, >= 0.
    service_after_purchase : float, default=0.3
        Extra service contacts expected in a week with a purchase, >= 0.
    churn_base_per_week : float, default=0.003
        Weekly churn hazard with no irritation, effort or relationship (about 15 % a
        year), >= 0.
    churn_irritation : float, default=0.02
        Extra weekly churn hazard per unit of irritation, >= 0.
    churn_effort : float, default=0.05
        Extra churn hazard per effort event in the week, >= 0.
    relationship_decay : float, default=0.9
        Weekly carry-over of the relationship stock, in [0, 1).
    relationship_per_contact : float, default=0.05
        Relationship built by one attended contact on a consented channel in a week without
        contradictory offers, >= 0.
    relationship_per_resolved_service : float, default=0.2
        Relationship built by one service contact that finds the customer's history, >= 0.
    retention_effect : float, default=0.5
        The churn hazard is multiplied by ``exp(-retention_effect x relationship)``, >= 0;
        0 switches the retention path off.
    fatigue_sharing : float, default=1.0
        How much the channels share the customer's fatigue, in [0, 1]. 1: one attention
        budget for all channels, and one irritation stock whose whole sum damps purchases and
        raises churn and every channel's consent withdrawal. 0: each channel has its own
        attention budget (the customer's capacity per channel) and its own irritation stock;
        purchases and churn respond to the most irritated channel's stock (plus the irritation
        of contradictory offers and effort), a channel's consent withdrawal to its own.
        In between, a channel's attention is reduced by this share of the contacts attended on
        more preferred channels, and the channel stocks count by this share beyond the
        largest.
    channel_synergy : float, default=0.0
        Signed cross-channel interaction, in (-1, 1e3]: an attended contact persuades and
        triggers visits ``1 + channel_synergy`` times as much when another channel reached the
        customer (an attended contact) in the same or the previous week. > 0 is synergy, < 0
        interference; 0 leaves channels without interaction.
    history_contact_pressure : float, default=0.0
        Extra contact pressure of a shared customer history, >= 0: the planned contacts are
        multiplied by ``1 + history_contact_pressure x history_shared`` (every channel team
        sees each purchase and service contact and follows it up). 0: sharing history changes
        no contact.
    consistency_offer_loss : float, default=0.0
        Effect lost to a rule that keeps offers consistent, in [0, 1]: in a week with
        contacts on two or more channels and no contradictory offer, attended contacts
        persuade and trigger visits ``1 - consistency_offer_loss x e`` times as much (the
        rule replaces each channel's most relevant offer by the common one), where ``e`` is the
        firm's
        consistency effort, the share of the siloed preset's contradictory-offer probability
        its rule removes (0 siloed, 1 omnichannel). 0: consistency costs no relevant offer.
    """

    persuasion_decay: float = 0.5
    persuasion_effect: float = 0.125
    no_consent_persuasion: float = 0.5
    inconsistency_persuasion: float = 0.3
    irritation_decay: float = 0.7
    irritation_per_contact: float = 0.075
    no_consent_irritation: float = 2.0
    clutter_irritation: float = 0.15
    inconsistency_irritation: float = 0.25
    effort_irritation: float = 0.2
    organic_visits_per_week: float = 0.0567411
    visits_per_attended_contact: float = 0.0784265
    visit_conversion: float = 0.0637981
    service_rate_per_week: float = 0.02
    service_after_purchase: float = 0.3
    churn_base_per_week: float = 0.003
    churn_irritation: float = 0.02
    churn_effort: float = 0.05
    relationship_decay: float = 0.9
    relationship_per_contact: float = 0.05
    relationship_per_resolved_service: float = 0.2
    retention_effect: float = 0.5
    fatigue_sharing: float = 1.0
    channel_synergy: float = 0.0
    history_contact_pressure: float = 0.0
    consistency_offer_loss: float = 0.0

    def __post_init__(self):
        for name in _DECAYS:
            check_number(getattr(self, name), name, 0, 1, high_open=True)
        for name in _SHARES:
            check_number(getattr(self, name), name, 0, 1)
        for name, value in asdict(self).items():
            if name in _SIGNED:
                check_number(value, name, -1, 1e3, low_open=True)
            else:
                check_number(value, name, 0, 1e3)

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The parameter names, in field order (the kernel reads them by these names)."""
        return tuple(f.name for f in fields(cls))

    def as_tuple(self) -> tuple[float, ...]:
        """The parameters as floats, in field order."""
        return tuple(float(v) for v in asdict(self).values())
