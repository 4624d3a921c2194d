"""The mcstudy weekly rules written as a Mesa 3 agent-based model.

This is the model a researcher would write in Mesa: one :class:`CustomerAgent` per customer,
whose ``step`` applies the rules of one week in plain Python, and a :class:`CustomerModel`
that steps every active agent once a week. It re-implements, rule by rule, the numba kernel
:func:`mcstudy.model._kernel.run_block`, so that it can

* cross-check the engine: the two implementations share the customer distributions
  (:func:`mcstudy.model.population.generate_population`) and the strategy tables
  (:func:`mcstudy.model.engine._strategy_tables`) but nothing else, so statistical agreement of
  their outputs checks the kernel's rules; and
* measure how much faster the engine is (``benchmarks/compare_mesa.py``).

The random draws are not those of the engine (agreement is statistical): every draw comes
from the model's ``numpy.random.Generator`` (``Model.rng``), with numpy's own samplers. An
event with weekly hazard ``h`` (consent withdrawal, churn) happens with probability
``1 - exp(-h)``.

Weekly rules, per active customer, in the order of the kernel's steps 1-9. The strategy
tables give, per arm and phase (before / from the deployment lag), the pressure per value
tier, the channel shares per tier and the integration factors. Below, ``R`` is the irritation
stock, ``P`` the persuasion stock, ``Q`` the relationship stock, ``s`` the customer's
sensitivity, ``n_c`` and ``a_c`` the contacts sent and attended on channel ``c`` this week,
``pi_c`` the channel's persuasion weight relative to e-mail, and the other names are fields of
:class:`~mcstudy.model.response.ResponseSpec` or columns of the channel catalogue.

1. Outbound contacts, unless the customer bought within the last ``suppress`` weeks: a
   Poisson count per channel with mean ``pressure[tier] x w[c]``, or
   ``pressure[tier] x w[c] / sum(w)`` when the strategy routes by preference. ``w[c]`` is the
   tier's share of channel ``c``, zero without consent when the strategy respects consent (the
   default), times the customer's affinity when it routes by preference. A channel switched
   off (a counterfactual) sends nothing but keeps its weight in ``sum(w)``.
2. The firm's frequency cap, then the customer's attention, both in the customer's preference
   order. The cap is none, fixed, or learned: the learned estimate starts at 2 when a phase
   starts; after a week with contacts it rises by 1 if every contact was attended and they
   were at least the estimate, and becomes ``max(attended, 1)`` if some were ignored. After
   the cap, the contacts kept are the contacts sent; those beyond the attention capacity are
   clutter (sent, not attended).
3. Contradictory offers, with the strategy's probability, in a week when two or more channels
   sent contacts (after the cap).
4. Stocks:
   ``R = irritation_decay x R + inconsistency_irritation [contradictory week]
   + sum_c s x intrusiveness_c x (irritation_per_contact x (1 + no_consent_irritation
   [no consent on c]) x n_c + clutter_irritation x (n_c - a_c))``;
   ``P = persuasion_decay x P + sum_c pi_c x affinity_c x n_channels x a_c``, times
   ``no_consent_persuasion`` on a channel without consent and ``inconsistency_persuasion`` in
   a contradictory week;
   ``Q = relationship_decay x Q + relationship_per_contact x (attended contacts on consented
   channels)``, the increment only in a week without contradictory offers.
5. Visits and purchases, with ``damp = exp(-R)``: organic visits
   Poisson(``organic_visits_per_week x engagement``); triggered visits
   Poisson(``visits_per_attended_contact x sum_c pi_c a_c``), each converting to a purchase
   with probability ``visit_conversion x damp``; purchases Poisson(``base x damp x
   (1 + persuasion_effect x P)``), ``base`` the base rate with the breadth effect, plus the
   conversions.
6. Purchase channel (one for the week's purchases) and one channel per visit, drawn from the
   same probabilities: the own repertoire, or, with the referral strength in a week with an
   attended contact, where the attended contacts refer.
7. Self-initiated service contacts, Poisson(``service_rate_per_week``, plus
   ``service_after_purchase`` in a purchase week), each on an inbound channel in proportion
   to affinity: one that finds the history (the strategy's probability) adds
   ``relationship_per_resolved_service`` to ``Q``, one that does not is an effort event that
   adds ``effort_irritation`` to ``R``.
8. Consent withdrawal on each consented channel that sent contacts: hazard
   ``consent_withdrawal_c x s x n_c x (1 + R)`` (``ChannelSet.consent_withdrawal``); the
   contact weights are recomputed next week.
9. Churn (the agent is removed from the model): hazard ``(churn_base_per_week +
   churn_irritation x R + churn_effort x effort events this week) x exp(-retention_effect x
   Q)``.

Satisfaction at the end is ``1 / (1 + exp(R - Q))``.

The mechanisms that are neutral by default (``docs/model.md`` §7.15 and §7.16) change these
rules as follows; at their neutral values each change is void.

* ``history_contact_pressure`` (neutral 0): the pressure of step 1 is multiplied by
  ``1 + history_contact_pressure x history_shared`` of the arm and phase.
* ``fatigue_sharing`` (neutral 1), ``f`` below: in step 2, when the contacts exceed the
  attention capacity ``K``, channel ``c`` (in preference order) attends
  ``min(n_c, max(0, floor(K - f x (contacts attended on the channels before it))))``, and
  the attended contacts are their sum. Each channel also keeps a stock of its own contacts'
  irritation, ``R_c = irritation_decay x R_c + (the irritation its contacts added in step
  4)`` (contradictory offers and effort belong to no channel). Purchases, conversions and
  churn (steps 5 and 9) respond to ``max(0, R - (1 - f) x (sum_c R_c - max_c R_c))``, which
  is also the irritation reported, and channel ``c``'s consent withdrawal (step 8) to
  ``max(0, R - (1 - f) x sum_{c' != c} R_c')``, in place of ``R``.
* ``channel_synergy`` (neutral 0), ``g`` below: an attended contact's persuasion (step 4)
  and its pull on triggered visits are multiplied by ``1 + g`` when another channel had an
  attended contact this week or the week before.
* ``consistency_offer_loss`` (neutral 0), ``l`` below: in a week with contacts on two or
  more channels and no contradictory offers, an attended contact's persuasion and its pull
  on triggered visits are multiplied by ``1 - l x e``, where ``e``, the consistency effort
  of the arm and phase, is the share of the siloed preset's contradictory-offer probability
  the phase removes (between 0 and 1).
* ``dropout_cv`` (neutral 0): the base churn hazard of step 9 is multiplied by the customer's
  dropout multiplier (``Population.dropout``).
* ``pre_period_weeks`` (neutral 0): the customers are the buyers of a pre-period
  (:func:`~mcstudy.model.population.generate_population` draws them). A customer who lapsed
  in it is never stepped and is recorded churned in week 0 with no activity; the others
  start with the weeks since their last pre-period purchase, a purchase ``w`` weeks before
  week 0 counting as one in week ``-max(ceil(w), 1)`` (for the suppression of step 1).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import SimpleNamespace

import mesa
import numpy as np
import pandas as pd

from mcstudy.io.catalogue import load_channels
from mcstudy.model.channels import ChannelSet
from mcstudy.model.engine import _arms, _strategy_tables
from mcstudy.model.population import PopulationSpec, generate_population
from mcstudy.model.response import ResponseSpec
from mcstudy.model.strategies import SiloedMultichannel, Strategy

__all__ = ["CustomerAgent", "CustomerModel", "run_mesa"]

#: "Weeks since last purchase" before any purchase (as in the kernel).
NEVER = 1_000_000

#: Frequency-cap modes of the strategy tables (as in the kernel).
CAP_NONE, CAP_FIXED, CAP_LEARNED = 0, 1, 2

#: Per-customer output columns, in the order of the engine's customer table.
OUTPUT_COLUMNS = (
    "customer_id",
    "arm",
    "n_purchases",
    "revenue_eur",
    "visits",
    "visits_triggered",
    "contacts_received",
    "contacts_attended",
    "contacts_clutter",
    "inconsistent_weeks",
    "irritation",
    "relationship",
    "consent_withdrawals",
    "churned",
    "churn_week",
    "service_contacts",
    "effort_events",
    "satisfaction",
)


def _pick(weights, total, u):
    """Index drawn with probability ``weights[c] / total`` given a uniform ``u`` in [0, 1)."""
    x = u * total
    acc = 0.0
    last = -1
    for c, w in enumerate(weights):
        if w > 0.0:
            acc += w
            last = c
            if x < acc:
                return c
    return last  # rounding: u * total landed on the total


class CustomerAgent(mesa.Agent):
    """One customer: fixed attributes, consent, stocks and running totals.

    Parameters
    ----------
    model : CustomerModel
        The model the agent belongs to.
    arm : int
        Index of the customer's strategy arm.
    base_rate : float
        Base purchases per week, breadth effect included.
    basket_eur : float
        Basket value, euros.
    tier : int
        Value tier (0 small, 1 medium, 2 key account).
    engagement : float
        Latent engagement (mean 1); scales the organic visits.
    affinity : list of float
        Channel affinities (sum 1).
    preference_order : list of int
        Channels from most to least preferred.
    purchase_shares : list of float
        Purchase-channel probabilities without referral (affinity over the repertoire).
    attention : int
        Contacts per week the customer can attend.
    consent : list of bool
        Marketing consent per channel (changes when the customer withdraws it).
    sensitivity : float
        Sensitivity to intrusiveness.
    dropout : float, default=1.0
        Multiplier of the base churn hazard (mean 1 across customers).
    weeks_since_purchase : int, default=NEVER
        Weeks since the last purchase before week 0 (a purchase in week ``-k`` gives
        ``k - 1``); :data:`NEVER` without one.
    """

    def __init__(
        self,
        model,
        *,
        arm,
        base_rate,
        basket_eur,
        tier,
        engagement,
        affinity,
        preference_order,
        purchase_shares,
        attention,
        consent,
        sensitivity,
        dropout=1.0,
        weeks_since_purchase=NEVER,
    ):
        super().__init__(model)
        self.arm = arm
        self.base_rate = base_rate
        self.basket_eur = basket_eur
        self.tier = tier
        self.engagement = engagement
        self.affinity = affinity
        self.preference_order = preference_order
        self.purchase_shares = purchase_shares
        self.attention = attention
        self.consent = consent
        self.sensitivity = sensitivity
        self.dropout = dropout
        # service contacts go to inbound channels in proportion to affinity
        self.service_weights = [a * b for a, b in zip(affinity, model.inbound, strict=True)]
        self.service_total = sum(self.service_weights)
        # state
        self.persuasion = 0.0
        self.irritation = 0.0
        self.relationship = 0.0
        self.felt = 0.0  # the irritation purchases and churn respond to (R unless f < 1)
        self.channel_irritation = [0.0] * model.n_channels  # own stock per channel (f < 1)
        self.reached_last_week = []  # channels with an attended contact last week (synergy)
        self.weeks_since_purchase = weeks_since_purchase
        self.phase = -1  # strategy phase of the previous week
        self.learned_cap = 0  # the firm's estimate of the attention (learned cap)
        self._stale = True  # contact rates and effects to recompute (phase or consent)
        self._rates = []  # (channel, Poisson mean of its contacts)
        self._irritation_1 = []  # irritation of one contact, per channel
        self._persuasion_1 = []  # persuasion of one attended contact, per channel
        # outputs
        self.purchases = [0] * len(model.purchase_index)
        self.visits_by_channel = [0] * len(model.purchase_index)
        self.revenue_eur = 0.0
        self.visits = 0
        self.visits_triggered = 0
        self.contacts_received = 0
        self.contacts_attended = 0
        self.contacts_clutter = 0
        self.inconsistent_weeks = 0
        self.consent_withdrawals = 0
        self.service = [0] * model.n_channels
        self.effort_events = 0
        self.churn_week = -1

    def _recompute(self, plan):
        """Contact rates per channel and the effect of one contact, for ``plan`` and consent."""
        model = self.model
        r = model.response
        n_ch = model.n_channels
        weights = []
        for c in range(n_ch):
            w = plan.weights[self.tier][c]
            if plan.respect_consent and not self.consent[c]:
                w = 0.0
            if plan.route_by_preference:
                w *= self.affinity[c]
            weights.append(w)
        total = sum(weights)  # switched-off channels keep their share of the sum
        pressure = plan.pressure[self.tier]
        scale = pressure / total if plan.route_by_preference and total > 0 else pressure
        self._rates = [
            (c, scale * w)
            for c, w in enumerate(weights)
            if w > 0 and not plan.off[c] and pressure > 0
        ]
        self._irritation_1 = [
            r.irritation_per_contact
            * self.sensitivity
            * model.intrusiveness[c]
            * (1.0 if self.consent[c] else 1.0 + r.no_consent_irritation)
            for c in range(n_ch)
        ]
        self._persuasion_1 = [
            model.persuasion[c]
            * self.affinity[c]
            * n_ch
            * (1.0 if self.consent[c] else r.no_consent_persuasion)
            for c in range(n_ch)
        ]

    def step(self):
        """Apply one week of the model to this customer."""
        model = self.model
        rng = model.rng
        r = model.response
        n_ch = model.n_channels
        week = model.week
        phase = 1 if week >= model.lags[self.arm] else 0
        plan = model.plans[self.arm][phase]
        self.weeks_since_purchase += 1
        if phase != self.phase:  # a new plan: the learned cap starts afresh
            self.phase = phase
            self.learned_cap = plan.cap
            self._stale = True
        if self._stale:
            self._stale = False
            self._recompute(plan)

        # 1. Outbound contacts: Poisson per channel.
        sent = [0] * n_ch
        total = 0
        if self.weeks_since_purchase > plan.suppress_weeks:
            for c, rate in self._rates:
                k = int(rng.poisson(rate))
                sent[c] = k
                total += k

        # 2. The firm's frequency cap, then the customer's attention, in preference order.
        if plan.cap_mode != CAP_NONE:
            firm_cap = plan.cap if plan.cap_mode == CAP_FIXED else self.learned_cap
            if total > firm_cap:
                keep = firm_cap
                for c in self.preference_order:
                    sent[c] = min(sent[c], keep)
                    keep -= sent[c]
                total = firm_cap
        attended_by = list(sent)
        attended = total
        if total > self.attention:
            if model.fatigue_sharing < 1.0:  # a channel's room shrinks by a share of the others'
                attended = 0
                for c in self.preference_order:
                    room = max(math.floor(self.attention - model.fatigue_sharing * attended), 0)
                    attended_by[c] = min(sent[c], room)
                    attended += attended_by[c]
            else:
                room = self.attention
                for c in self.preference_order:
                    attended_by[c] = min(sent[c], room)
                    room -= attended_by[c]
                attended = self.attention
        if plan.cap_mode == CAP_LEARNED and total > 0:  # what the firm sees
            if attended == total and total >= self.learned_cap:
                self.learned_cap += 1
            elif attended < total:
                self.learned_cap = max(attended, 1)
        self.contacts_received += total
        self.contacts_attended += attended
        self.contacts_clutter += total - attended
        channels_used = [c for c in range(n_ch) if sent[c] > 0]

        # 3. Contradictory offers when two or more channels spoke this week.
        inconsistent = (
            len(channels_used) >= 2
            and plan.inconsistent_prob > 0
            and rng.random() < plan.inconsistent_prob
        )
        if inconsistent:
            self.inconsistent_weeks += 1
        # a consistent multi-channel week loses the relevant offers the consistency rule
        # suppresses; a contradictory week persuades less
        offer = plan.offer if len(channels_used) >= 2 and not inconsistent else 1.0
        persuade = r.inconsistency_persuasion if inconsistent else offer

        # 4. Irritation, persuasion and relationship stocks; the pull of attended contacts.
        synergy = model.channel_synergy != 0.0
        if synergy:
            reached = [c for c in channels_used if attended_by[c] > 0]
        channel_fatigue = model.fatigue_sharing < 1.0
        if channel_fatigue:
            self.channel_irritation = [r.irritation_decay * x for x in self.channel_irritation]
        add_irritation = r.inconsistency_irritation if inconsistent else 0.0
        add_persuasion = 0.0
        add_relationship = 0.0
        pull = 0.0
        for c in channels_used:
            irritation_c = self._irritation_1[c] * sent[
                c
            ] + r.clutter_irritation * self.sensitivity * model.intrusiveness[c] * (
                sent[c] - attended_by[c]
            )
            add_irritation += irritation_c
            if channel_fatigue:
                self.channel_irritation[c] += irritation_c
            effect = 1.0
            if synergy and attended_by[c] > 0:
                # another channel reached the customer this week or the week before
                if len(reached) > 1 or any(d != c for d in self.reached_last_week):
                    effect = 1.0 + model.channel_synergy
            add_persuasion += self._persuasion_1[c] * persuade * attended_by[c] * effect
            pull += model.persuasion[c] * attended_by[c] * effect * offer
            if self.consent[c] and not inconsistent:
                add_relationship += r.relationship_per_contact * attended_by[c]
        if synergy:
            self.reached_last_week = reached
        self.irritation = r.irritation_decay * self.irritation + add_irritation
        self.persuasion = r.persuasion_decay * self.persuasion + add_persuasion
        self.relationship = r.relationship_decay * self.relationship + add_relationship
        unfelt = 0.0  # the channel stocks beyond the most irritated one's, not felt (f < 1)
        if channel_fatigue:
            unfelt = (1.0 - model.fatigue_sharing) * (
                sum(self.channel_irritation) - max(self.channel_irritation)
            )
        self.felt = max(self.irritation - unfelt, 0.0)

        # 5. Visits (organic and triggered) and purchases.
        damp = math.exp(-self.felt)
        organic = int(rng.poisson(r.organic_visits_per_week * self.engagement))
        triggered = int(rng.poisson(r.visits_per_attended_contact * pull)) if pull > 0 else 0
        bought = int(
            rng.poisson(self.base_rate * damp * (1.0 + r.persuasion_effect * self.persuasion))
        )
        if triggered:
            bought += int(rng.binomial(triggered, r.visit_conversion * damp))
        visits = organic + triggered
        self.visits += visits
        self.visits_triggered += triggered

        # 6. Purchase and visit channels: own repertoire, or where an attended contact refers.
        if bought or visits:
            rho = plan.referral_strength if attended > 0 else 0.0
            shares = [(1.0 - rho) * s for s in self.purchase_shares]
            if rho > 0:
                for c in channels_used:
                    if attended_by[c]:
                        w = rho * attended_by[c] / attended
                        for p, ref in enumerate(model.referral[c]):
                            shares[p] += w * ref
            share_sum = sum(shares)
            for _ in range(visits):
                self.visits_by_channel[_pick(shares, share_sum, rng.random())] += 1
            if bought:
                p = _pick(shares, share_sum, rng.random())
                self.purchases[p] += bought
                self.revenue_eur += bought * self.basket_eur
                self.weeks_since_purchase = 0

        # 7. Self-initiated service contacts: effort when the history is lost, relationship
        #    when it is found.
        effort = 0
        n_service = int(
            rng.poisson(r.service_rate_per_week + (r.service_after_purchase if bought else 0.0))
        )
        if n_service and self.service_total > 0:
            for _ in range(n_service):
                self.service[_pick(self.service_weights, self.service_total, rng.random())] += 1
                if rng.random() < plan.history_shared:
                    self.relationship += r.relationship_per_resolved_service
                else:
                    effort += 1
            self.effort_events += effort
            self.irritation += r.effort_irritation * effort
            self.felt = max(self.irritation - unfelt, 0.0)

        # 8. Consent withdrawal on the consented channels that contacted the customer.
        for c in channels_used:
            if self.consent[c]:
                own = self.irritation  # the irritation channel c's contacts meet
                if channel_fatigue:
                    others = sum(self.channel_irritation) - self.channel_irritation[c]
                    own = max(self.irritation - (1.0 - model.fatigue_sharing) * others, 0.0)
                hazard = model.consent_withdrawal[c] * self.sensitivity * sent[c] * (1.0 + own)
                if rng.random() < -math.expm1(-hazard):
                    self.consent[c] = False
                    self.consent_withdrawals += 1
                    self._stale = True  # the contact weights, next week

        # 9. Churn: raised by irritation and effort, lowered by the relationship.
        hazard = (
            r.churn_base_per_week * self.dropout
            + r.churn_irritation * self.felt
            + r.churn_effort * effort
        ) * math.exp(-r.retention_effect * self.relationship)
        if rng.random() < -math.expm1(-hazard):
            self.churn_week = week
            self.remove()


class CustomerModel(mesa.Model):
    """Customers under one or more randomised contact strategies, week by week.

    Parameters
    ----------
    population : PopulationSpec, default=None
        Customer distributions; ``PopulationSpec()`` when None. Its ``n_customers`` customers
        are created as agents (those lapsed in a pre-period already churned).
    strategy : Strategy or mapping of str to Strategy, default=None
        One strategy, or arms ``{name: strategy}`` with equal shares; ``SiloedMultichannel()``
        when None.
    response : ResponseSpec, default=None
        Response parameters; ``ResponseSpec()`` when None.
    channels : ChannelSet, default=None
        Channels; the default catalogue channels when None.
    seed : int, default=None
        Seed of the model's random generators (Mesa's ``seed``).
    switched_off : sequence of str, default=()
        Outbound channels whose contacts are not sent, in every arm (as ``simulate``'s
        ``switched_off``).

    Attributes
    ----------
    customers : list of CustomerAgent
        Every customer, churned or not (churned agents are removed from ``agents``).
    week : int
        The week the next :meth:`step` simulates (0-based).
    """

    def __init__(
        self,
        population=None,
        strategy=None,
        *,
        response=None,
        channels=None,
        seed=None,
        switched_off=(),
    ):
        super().__init__(seed=seed)
        spec = population if population is not None else PopulationSpec()
        self.response = r = response if response is not None else ResponseSpec()
        self.fatigue_sharing = r.fatigue_sharing
        self.channel_synergy = r.channel_synergy
        self.channels = channels if channels is not None else ChannelSet(load_channels())
        arms, shares = _arms(strategy if strategy is not None else SiloedMultichannel(), None)
        self.arm_names = list(arms)
        pol = _strategy_tables(arms, self.channels, tuple(switched_off))
        self.lags = [int(x) for x in pol.lag]
        # a shared history raises the pressure; consistency costs relevant offers
        siloed_prob = SiloedMultichannel().inconsistent_offer_prob
        self.plans = [
            [
                SimpleNamespace(
                    pressure=[
                        p * (1.0 + r.history_contact_pressure * float(pol.hist[a, ph]))
                        for p in pol.pressure[a, ph].tolist()
                    ],
                    weights=pol.weights[a, ph].tolist(),
                    respect_consent=bool(pol.consent[a, ph]),
                    cap_mode=int(pol.cap_mode[a, ph]),
                    cap=int(pol.cap[a, ph]),
                    route_by_preference=bool(pol.pref[a, ph]),
                    suppress_weeks=int(pol.suppress[a, ph]),
                    inconsistent_prob=float(pol.incons[a, ph]),
                    history_shared=float(pol.hist[a, ph]),
                    referral_strength=float(pol.ref[a, ph]),
                    off=pol.off[a].tolist(),
                    offer=1.0
                    - r.consistency_offer_loss
                    * min(max((siloed_prob - float(pol.incons[a, ph])) / siloed_prob, 0.0), 1.0),
                )
                for ph in (0, 1)
            ]
            for a in range(len(arms))
        ]

        ch = self.channels
        self.n_channels = ch.n_channels
        self.intrusiveness = ch.intrusiveness.tolist()
        self.persuasion = ch.persuasion.tolist()
        self.consent_withdrawal = ch.consent_withdrawal.tolist()
        self.inbound = ch.inbound.astype(float).tolist()
        self.referral = ch.referral.tolist()
        self.purchase_index = ch.purchase_index.tolist()

        n = spec.n_customers
        pop = generate_population(spec, ch, n, rng=self.rng, response=r)
        self.population = pop  # the customers' draws, for checks
        cum = np.cumsum(shares)
        cum[-1] = 1.0
        arm = np.searchsorted(cum, self.rng.random(n), side="right")
        rep_aff = pop.affinity[:, ch.purchase_index] * pop.repertoire
        purchase_shares = rep_aff / rep_aff.sum(axis=1, keepdims=True)
        breadth = pop.repertoire.sum(axis=1)
        base_rate = pop.base_rate * (1.0 + spec.breadth_purchase_effect * (breadth - 1))
        self.consent_start = pop.consent.sum(axis=1)
        dropout = pop.dropout if pop.dropout is not None else np.ones(n)
        lapsed = pop.lapsed if pop.lapsed is not None else np.zeros(n, bool)
        since = [NEVER] * n
        if pop.weeks_since_purchase is not None:
            for i, w in enumerate(pop.weeks_since_purchase.tolist()):
                if not math.isnan(w):  # bought in week -max(ceil(w), 1)
                    since[i] = max(math.ceil(w), 1) - 1
        self.customers = [
            CustomerAgent(
                self,
                arm=int(arm[i]),
                base_rate=float(base_rate[i]),
                basket_eur=float(pop.basket_eur[i]),
                tier=int(pop.tier[i]),
                engagement=float(pop.engagement[i]),
                affinity=pop.affinity[i].tolist(),
                preference_order=pop.preference_order[i].tolist(),
                purchase_shares=purchase_shares[i].tolist(),
                attention=int(pop.attention[i]),
                consent=pop.consent[i].tolist(),
                sensitivity=float(pop.sensitivity[i]),
                dropout=float(dropout[i]),
                weeks_since_purchase=since[i],
            )
            for i in range(n)
        ]
        for i in np.flatnonzero(lapsed):  # lapsed in the pre-period: churned, never stepped
            self.customers[i].churn_week = 0
            self.customers[i].remove()
        self.week = 0

    def step(self):
        """Simulate one week for every active customer, in random order."""
        self.agents.shuffle_do("step")
        self.week += 1

    def customer_table(self) -> pd.DataFrame:
        """One row per customer, columns named and typed as in the engine's customer table."""
        a = self.customers
        churn = np.array([x.churn_week for x in a], dtype=np.int64)
        irritation = np.array([x.felt for x in a], dtype=float)
        relationship = np.array([x.relationship for x in a], dtype=float)
        df = pd.DataFrame(
            {
                "customer_id": np.arange(len(a), dtype=np.int64),
                "arm": pd.Categorical.from_codes([x.arm for x in a], categories=self.arm_names),
                "n_purchases": np.array([sum(x.purchases) for x in a], dtype=np.int64),
                "revenue_eur": np.array([x.revenue_eur for x in a], dtype=float),
                "visits": np.array([x.visits for x in a], dtype=np.int64),
                "visits_triggered": np.array([x.visits_triggered for x in a], dtype=np.int64),
                "contacts_received": np.array([x.contacts_received for x in a], dtype=np.int64),
                "contacts_attended": np.array([x.contacts_attended for x in a], dtype=np.int64),
                "contacts_clutter": np.array([x.contacts_clutter for x in a], dtype=np.int64),
                "inconsistent_weeks": np.array([x.inconsistent_weeks for x in a], dtype=np.int64),
                "irritation": irritation,
                "relationship": relationship,
                "consent_withdrawals": np.array([x.consent_withdrawals for x in a], dtype=np.int64),
                "churned": churn >= 0,
                "churn_week": pd.array(np.where(churn >= 0, churn, 0), dtype="Int64"),
                "service_contacts": np.array([sum(x.service) for x in a], dtype=np.int64),
                "effort_events": np.array([x.effort_events for x in a], dtype=np.int64),
                "satisfaction": 1.0 / (1.0 + np.exp(irritation - relationship)),
            }
        )
        df.loc[churn < 0, "churn_week"] = pd.NA
        return df[list(OUTPUT_COLUMNS)]


def run_mesa(
    population_spec: PopulationSpec | None = None,
    strategy: Strategy | Mapping[str, Strategy] | None = None,
    n_weeks: int = 52,
    seed: int | None = None,
    *,
    response: ResponseSpec | None = None,
    channels: ChannelSet | None = None,
    switched_off: tuple[str, ...] | list[str] = (),
) -> pd.DataFrame:
    """Run the Mesa model and return its customer table.

    Parameters
    ----------
    population_spec : PopulationSpec, default=None
        Customer distributions (``n_customers`` agents); ``PopulationSpec()`` when None.
    strategy : Strategy or mapping of str to Strategy, default=None
        One strategy or equally shared arms; ``SiloedMultichannel()`` when None.
    n_weeks : int, default=52
        Weeks to simulate, >= 1.
    seed : int, default=None
        Seed of the model's random generators.
    response : ResponseSpec, default=None
        Response parameters; ``ResponseSpec()`` when None.
    channels : ChannelSet, default=None
        Channels; the default catalogue channels when None.
    switched_off : sequence of str, default=()
        Outbound channels whose contacts are not sent (as ``simulate``'s ``switched_off``).

    Returns
    -------
    pandas.DataFrame
        One row per customer with the columns :data:`OUTPUT_COLUMNS` (``customer_id``,
        ``arm``, ``n_purchases``, ``revenue_eur``, ``visits``, ``visits_triggered``,
        ``contacts_received``, ``contacts_attended``, ``contacts_clutter``,
        ``inconsistent_weeks``, ``irritation``, ``relationship``, ``consent_withdrawals``,
        ``churned``, ``churn_week``, ``service_contacts``, ``effort_events`` and
        ``satisfaction``), named and typed as in ``simulate(...).customers``.
    """
    if isinstance(n_weeks, bool) or not isinstance(n_weeks, int | np.integer) or n_weeks < 1:
        raise ValueError(f"'n_weeks' must be an int in [1, inf); got {n_weeks!r}.")
    model = CustomerModel(
        population_spec,
        strategy,
        response=response,
        channels=channels,
        seed=seed,
        switched_off=switched_off,
    )
    for _ in range(int(n_weeks)):
        model.step()
    return model.customer_table()


#: Metrics compared by :func:`agreement_table`: per-customer means (``churned`` a proportion).
AGREEMENT_METRICS = (
    "n_purchases",
    "revenue_eur",
    "visits",
    "visits_triggered",
    "contacts_received",
    "contacts_attended",
    "contacts_clutter",
    "inconsistent_weeks",
    "irritation",
    "relationship",
    "consent_withdrawals",
    "churned",
    "service_contacts",
    "effort_events",
)


def agreement_table(
    engine: pd.DataFrame, mesa_customers: pd.DataFrame, metrics=AGREEMENT_METRICS
) -> pd.DataFrame:
    """Two-sample tests of equal per-customer means, engine vs Mesa.

    Parameters
    ----------
    engine, mesa_customers : pandas.DataFrame
        Customer tables of :func:`mcstudy.model.engine.simulate` and :func:`run_mesa`.
    metrics : sequence of str, default=AGREEMENT_METRICS
        Columns to compare; boolean columns get a two-proportion z test (pooled), the others
        Welch's t test.

    Returns
    -------
    pandas.DataFrame
        One row per metric: ``metric``, ``engine_mean``, ``mesa_mean``, ``statistic``,
        ``pvalue``, ``method``. A metric constant and equal in both gets p = 1; constant and
        different, p = 0.
    """
    from scipy import stats

    rows = []
    for name in metrics:
        x = engine[name].to_numpy(dtype=float)
        y = mesa_customers[name].to_numpy(dtype=float)
        mx, my = x.mean(), y.mean()
        if engine[name].dtype == bool:
            method = "two-proportion z"
            pooled = (x.sum() + y.sum()) / (len(x) + len(y))
            se = math.sqrt(pooled * (1 - pooled) * (1 / len(x) + 1 / len(y)))
            stat = (mx - my) / se if se > 0 else (0.0 if mx == my else math.inf)
            pvalue = 2 * stats.norm.sf(abs(stat))
        else:
            method = "Welch t"
            if x.var() + y.var() > 0:
                res = stats.ttest_ind(x, y, equal_var=False)
                stat, pvalue = float(res.statistic), float(res.pvalue)
            else:
                stat, pvalue = (0.0, 1.0) if mx == my else (math.inf, 0.0)
        rows.append((name, mx, my, stat, pvalue, method))
    return pd.DataFrame(
        rows, columns=["metric", "engine_mean", "mesa_mean", "statistic", "pvalue", "method"]
    )
