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
#: Multipliers and probabilities, in [0, 1].
_SHARES = ("no_consent_persuasion", "inconsistency_persuasion", "visit_conversion")


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

    def __post_init__(self):
        for name in _DECAYS:
            check_number(getattr(self, name), name, 0, 1, high_open=True)
        for name in _SHARES:
            check_number(getattr(self, name), name, 0, 1)
        for name, value in asdict(self).items():
            check_number(value, name, 0, 1e3)

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The parameter names, in field order (the kernel reads them by these names)."""
        return tuple(f.name for f in fields(cls))

    def as_tuple(self) -> tuple[float, ...]:
        """The parameters as floats, in field order."""
        return tuple(float(v) for v in asdict(self).values())
