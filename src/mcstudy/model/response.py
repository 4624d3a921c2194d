"""How customers respond, week by week: the parameters of the weekly dynamics.

The equations are in ``docs/model.md`` ("Weekly dynamics"); each parameter below names the
stock or hazard it enters. All defaults are assumptions chosen to give plausible orders of
magnitude (a few purchases a year, 10–30 % yearly churn); notebooks vary the ones a verdict
depends on.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from mcstudy._validation import check_number

__all__ = ["ResponseSpec"]


@dataclass(frozen=True)
class ResponseSpec:
    """Parameters of the customers' weekly response.

    Parameters
    ----------
    persuasion_decay : float, default=0.5
        Weekly carry-over of the persuasion stock (adstock), in [0, 1).
    persuasion_effect : float, default=0.5
        Purchase-rate lift per unit of persuasion stock, >= 0.
    no_consent_persuasion : float, default=0.5
        Persuasion multiplier of a contact on a channel without consent, in [0, 1].
    inconsistency_persuasion : float, default=0.3
        Persuasion multiplier of contacts in a week with contradictory offers, in [0, 1].
    irritation_decay : float, default=0.7
        Weekly carry-over of the irritation stock, in [0, 1).
    irritation_per_contact : float, default=0.15
        Irritation from one contact of intrusiveness 1 to a customer of sensitivity 1, >= 0.
    no_consent_irritation : float, default=2.0
        Extra irritation multiplier for a contact without consent (× (1 + this)), >= 0.
    clutter_irritation : float, default=0.3
        Irritation from each contact beyond the customer's attention capacity, >= 0.
    inconsistency_irritation : float, default=0.5
        Irritation from a week with contradictory offers, >= 0.
    effort_irritation : float, default=0.4
        Irritation from each service contact where the customer must repeat themself, >= 0.
    irritation_effect : float, default=0.5
        Purchase rate is multiplied by exp(-irritation_effect × irritation), >= 0.
    service_rate_per_week : float, default=0.02
        Base rate of self-initiated service contacts per week, >= 0.
    service_after_purchase : float, default=0.3
        Extra service contacts expected in a week with a purchase, >= 0.
    consent_withdrawal_rate : float, default=0.05
        Hazard scale of withdrawing consent on a channel after contacts on it, >= 0.
    churn_base_per_week : float, default=0.003
        Weekly churn hazard with no irritation or effort (about 15 % a year), >= 0.
    churn_irritation : float, default=0.01
        Extra weekly churn hazard per unit of irritation, >= 0.
    churn_effort : float, default=0.05
        Extra churn hazard per effort event in the week, >= 0.
    """

    persuasion_decay: float = 0.5
    persuasion_effect: float = 0.5
    no_consent_persuasion: float = 0.5
    inconsistency_persuasion: float = 0.3
    irritation_decay: float = 0.7
    irritation_per_contact: float = 0.15
    no_consent_irritation: float = 2.0
    clutter_irritation: float = 0.3
    inconsistency_irritation: float = 0.5
    effort_irritation: float = 0.4
    irritation_effect: float = 0.5
    service_rate_per_week: float = 0.02
    service_after_purchase: float = 0.3
    consent_withdrawal_rate: float = 0.05
    churn_base_per_week: float = 0.003
    churn_irritation: float = 0.01
    churn_effort: float = 0.05

    def __post_init__(self):
        for name in ("persuasion_decay", "irritation_decay"):
            check_number(getattr(self, name), name, 0, 1, high_open=True)
        for name in ("no_consent_persuasion", "inconsistency_persuasion"):
            check_number(getattr(self, name), name, 0, 1)
        for name, value in asdict(self).items():
            check_number(value, name, 0, 1e3)

    def as_tuple(self) -> tuple[float, ...]:
        """The parameters as floats, in field order (the kernel's argument order)."""
        return tuple(float(v) for v in asdict(self).values())
