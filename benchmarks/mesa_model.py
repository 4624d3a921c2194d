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
from the model's ``numpy.random.Generator`` (``Model.rng``), with numpy's own samplers.

Weekly rules, per active customer (``docs/model.md``, "Weekly dynamics"):

1. outbound contacts: a Poisson total, each contact sent to a channel in proportion to the
   strategy's weights (tier channels, zeroed without consent when the strategy respects
   consent, times affinity when it routes by preference);
2. frequency cap (firm) then attention (customer), both in the customer's preference order;
3. contradictory offers when two or more channels spoke;
4. irritation and persuasion stocks;
5. purchases (Poisson, persuasion lifts, irritation damps);
6. purchase channel (own repertoire, or referral by an attended contact);
7. self-initiated service contacts, effort when the history is lost;
8. consent withdrawal on the channels that contacted the customer;
9. churn (the agent is removed from the model).

Before the strategy's deployment lag the firm runs the strategy's pre-deployment (siloed)
phase; the agent switches tables when the week reaches the lag.
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

#: Per-customer output columns, in the order of the engine's customer table.
OUTPUT_COLUMNS = (
    "customer_id",
    "arm",
    "n_purchases",
    "revenue_eur",
    "contacts_received",
    "contacts_attended",
    "contacts_clutter",
    "inconsistent_weeks",
    "irritation",
    "consent_withdrawals",
    "churned",
    "churn_week",
    "service_contacts",
    "effort_events",
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
    """

    def __init__(
        self,
        model,
        *,
        arm,
        base_rate,
        basket_eur,
        tier,
        affinity,
        preference_order,
        purchase_shares,
        attention,
        consent,
        sensitivity,
    ):
        super().__init__(model)
        self.arm = arm
        self.base_rate = base_rate
        self.basket_eur = basket_eur
        self.tier = tier
        self.affinity = affinity
        self.preference_order = preference_order
        self.purchase_shares = purchase_shares
        self.attention = attention
        self.consent = consent
        self.sensitivity = sensitivity
        # service contacts go to inbound channels in proportion to affinity
        self.service_weights = [a * b for a, b in zip(affinity, model.inbound, strict=True)]
        self.service_total = sum(self.service_weights)
        # state
        self.persuasion = 0.0
        self.irritation = 0.0
        self.weeks_since_purchase = NEVER
        self._plan = None  # strategy phase the contact weights were computed for
        self._weights = None  # contact weight per channel
        self._weight_sum = 0.0
        # outputs
        self.purchases = [0] * len(model.purchase_index)
        self.revenue_eur = 0.0
        self.contacts_received = 0
        self.contacts_attended = 0
        self.contacts_clutter = 0
        self.inconsistent_weeks = 0
        self.consent_withdrawals = 0
        self.service = [0] * model.n_channels
        self.effort_events = 0
        self.churn_week = -1

    def _contact_weights(self, plan):
        """Contact weight of each channel under ``plan`` (a strategy phase)."""
        weights = []
        for c, base in enumerate(plan.weights[self.tier]):
            w = base
            if plan.respect_consent and not self.consent[c]:
                w = 0.0
            if plan.route_by_preference:
                w *= self.affinity[c]
            weights.append(w)
        return weights

    def step(self):
        """Apply one week of the model to this customer."""
        model = self.model
        rng = model.rng
        r = model.response
        n_ch = model.n_channels
        week = model.week
        plan = model.plans[self.arm][1 if week >= model.lags[self.arm] else 0]
        self.weeks_since_purchase += 1
        if plan is not self._plan:  # new phase, or consent changed (then _plan was reset)
            self._plan = plan
            self._weights = self._contact_weights(plan)
            self._weight_sum = sum(self._weights)

        # 1. Outbound contacts: Poisson total, each contact to a channel by weight.
        sent = [0] * n_ch
        total = 0
        if self.weeks_since_purchase > plan.suppress_weeks and self._weight_sum > 0:
            rate = plan.pressure * (1.0 if plan.route_by_preference else self._weight_sum)
            total = int(rng.poisson(rate))
            for _ in range(total):
                sent[_pick(self._weights, self._weight_sum, rng.random())] += 1
        channels_used = [c for c in range(n_ch) if sent[c] > 0]

        # 2. Frequency cap (firm), then attention (customer), in preference order.
        attended_by = list(sent)
        cap = self.attention
        if total > cap:
            if plan.frequency_cap:
                keep = cap
                for c in self.preference_order:
                    sent[c] = min(sent[c], keep)
                    keep -= sent[c]
                total = cap
            room = cap
            for c in self.preference_order:
                attended_by[c] = min(sent[c], room)
                room -= attended_by[c]
        attended = min(total, cap)
        self.contacts_received += total
        self.contacts_attended += attended
        self.contacts_clutter += total - attended
        channels_used = [c for c in channels_used if sent[c] > 0]

        # 3. Contradictory offers when two or more channels spoke this week.
        inconsistent = (
            len(channels_used) >= 2
            and plan.inconsistent_prob > 0
            and rng.random() < plan.inconsistent_prob
        )
        if inconsistent:
            self.inconsistent_weeks += 1

        # 4. Irritation and persuasion stocks.
        add_irritation = r.inconsistency_irritation if inconsistent else 0.0
        add_persuasion = 0.0
        for c in channels_used:
            consented = self.consent[c]
            add_irritation += r.irritation_per_contact * self.sensitivity * model.intrusiveness[
                c
            ] * (1.0 if consented else 1.0 + r.no_consent_irritation) * sent[
                c
            ] + r.clutter_irritation * (sent[c] - attended_by[c])
            add_persuasion += (
                model.persuasion[c]
                * self.affinity[c]
                * n_ch
                * (1.0 if consented else r.no_consent_persuasion)
                * (r.inconsistency_persuasion if inconsistent else 1.0)
                * attended_by[c]
            )
        self.irritation = r.irritation_decay * self.irritation + add_irritation
        self.persuasion = r.persuasion_decay * self.persuasion + add_persuasion

        # 5. Purchases.
        mu = (
            self.base_rate
            * math.exp(-r.irritation_effect * self.irritation)
            * (1.0 + r.persuasion_effect * self.persuasion)
        )
        bought = int(rng.poisson(mu))
        if bought:
            # 6. Purchase channel: own repertoire, or where an attended contact refers.
            rho = plan.referral_strength if attended > 0 else 0.0
            shares = [(1.0 - rho) * s for s in self.purchase_shares]
            if rho > 0:
                for c in channels_used:
                    if attended_by[c]:
                        w = rho * attended_by[c] / attended
                        for p, ref in enumerate(model.referral[c]):
                            shares[p] += w * ref
            p = _pick(shares, sum(shares), rng.random())
            self.purchases[p] += bought
            self.revenue_eur += bought * self.basket_eur
            self.weeks_since_purchase = 0

        # 7. Self-initiated service contacts; effort when the history is lost.
        effort = 0
        n_service = int(
            rng.poisson(r.service_rate_per_week + (r.service_after_purchase if bought else 0.0))
        )
        if n_service and self.service_total > 0:
            for _ in range(n_service):
                self.service[_pick(self.service_weights, self.service_total, rng.random())] += 1
                if rng.random() >= plan.history_shared:
                    effort += 1
            self.effort_events += effort
            self.irritation += r.effort_irritation * effort

        # 8. Consent withdrawal on the consented channels that contacted the customer.
        for c in channels_used:
            if self.consent[c]:
                hazard = (
                    r.consent_withdrawal_rate
                    * self.sensitivity
                    * model.intrusiveness[c]
                    * sent[c]
                    * (1.0 + self.irritation)
                )
                if rng.random() < -math.expm1(-hazard):
                    self.consent[c] = False
                    self.consent_withdrawals += 1
                    self._plan = None  # recompute the contact weights next week

        # 9. Churn.
        hazard = (
            r.churn_base_per_week + r.churn_irritation * self.irritation + r.churn_effort * effort
        )
        if rng.random() < -math.expm1(-hazard):
            self.churn_week = week
            self.remove()


class CustomerModel(mesa.Model):
    """Customers under one or more randomised contact strategies, week by week.

    Parameters
    ----------
    population : PopulationSpec, default=None
        Customer distributions; ``PopulationSpec()`` when None. Its ``n_customers`` customers
        are created as agents.
    strategy : Strategy or mapping of str to Strategy, default=None
        One strategy, or arms ``{name: strategy}`` with equal shares; ``SiloedMultichannel()``
        when None.
    response : ResponseSpec, default=None
        Response parameters; ``ResponseSpec()`` when None.
    channels : ChannelSet, default=None
        Channels; the default catalogue channels when None.
    seed : int, default=None
        Seed of the model's random generators (Mesa's ``seed``).

    Attributes
    ----------
    customers : list of CustomerAgent
        Every customer, churned or not (churned agents are removed from ``agents``).
    week : int
        The week the next :meth:`step` simulates (0-based).
    """

    def __init__(self, population=None, strategy=None, *, response=None, channels=None, seed=None):
        super().__init__(seed=seed)
        spec = population if population is not None else PopulationSpec()
        self.response = response if response is not None else ResponseSpec()
        self.channels = channels if channels is not None else ChannelSet(load_channels())
        arms, shares = _arms(strategy if strategy is not None else SiloedMultichannel(), None)
        self.arm_names = list(arms)
        tables, lags, weights = _strategy_tables(arms, self.channels)
        self.lags = [int(x) for x in lags]
        self.plans = [
            [
                SimpleNamespace(
                    pressure=float(tables["pressure"][a, ph]),
                    frequency_cap=bool(tables["cap"][a, ph]),
                    respect_consent=bool(tables["consent"][a, ph]),
                    route_by_preference=bool(tables["pref"][a, ph]),
                    suppress_weeks=int(tables["suppress"][a, ph]),
                    inconsistent_prob=float(tables["incons"][a, ph]),
                    history_shared=float(tables["hist"][a, ph]),
                    referral_strength=float(tables["ref"][a, ph]),
                    weights=weights[a, ph].tolist(),
                )
                for ph in (0, 1)
            ]
            for a in range(len(arms))
        ]

        ch = self.channels
        self.n_channels = ch.n_channels
        self.intrusiveness = ch.intrusiveness.tolist()
        self.persuasion = ch.persuasion.tolist()
        self.inbound = ch.inbound.astype(float).tolist()
        self.referral = ch.referral.tolist()
        self.purchase_index = ch.purchase_index.tolist()

        n = spec.n_customers
        pop = generate_population(spec, ch, n, rng=self.rng)
        cum = np.cumsum(shares)
        cum[-1] = 1.0
        arm = np.searchsorted(cum, self.rng.random(n), side="right")
        rep_aff = pop.affinity[:, ch.purchase_index] * pop.repertoire
        purchase_shares = rep_aff / rep_aff.sum(axis=1, keepdims=True)
        breadth = pop.repertoire.sum(axis=1)
        base_rate = pop.base_rate * (1.0 + spec.breadth_purchase_effect * (breadth - 1))
        self.consent_start = pop.consent.sum(axis=1)
        self.customers = [
            CustomerAgent(
                self,
                arm=int(arm[i]),
                base_rate=float(base_rate[i]),
                basket_eur=float(pop.basket_eur[i]),
                tier=int(pop.tier[i]),
                affinity=pop.affinity[i].tolist(),
                preference_order=pop.preference_order[i].tolist(),
                purchase_shares=purchase_shares[i].tolist(),
                attention=int(pop.attention[i]),
                consent=pop.consent[i].tolist(),
                sensitivity=float(pop.sensitivity[i]),
            )
            for i in range(n)
        ]
        self.week = 0

    def step(self):
        """Simulate one week for every active customer, in random order."""
        self.agents.shuffle_do("step")
        self.week += 1

    def customer_table(self) -> pd.DataFrame:
        """One row per customer, columns named and typed as in the engine's customer table."""
        a = self.customers
        churn = np.array([x.churn_week for x in a], dtype=np.int64)
        df = pd.DataFrame(
            {
                "customer_id": np.arange(len(a), dtype=np.int64),
                "arm": pd.Categorical.from_codes([x.arm for x in a], categories=self.arm_names),
                "n_purchases": np.array([sum(x.purchases) for x in a], dtype=np.int64),
                "revenue_eur": np.array([x.revenue_eur for x in a], dtype=float),
                "contacts_received": np.array([x.contacts_received for x in a], dtype=np.int64),
                "contacts_attended": np.array([x.contacts_attended for x in a], dtype=np.int64),
                "contacts_clutter": np.array([x.contacts_clutter for x in a], dtype=np.int64),
                "inconsistent_weeks": np.array([x.inconsistent_weeks for x in a], dtype=np.int64),
                "irritation": np.array([x.irritation for x in a], dtype=float),
                "consent_withdrawals": np.array([x.consent_withdrawals for x in a], dtype=np.int64),
                "churned": churn >= 0,
                "churn_week": pd.array(np.where(churn >= 0, churn, 0), dtype="Int64"),
                "service_contacts": np.array([sum(x.service) for x in a], dtype=np.int64),
                "effort_events": np.array([x.effort_events for x in a], dtype=np.int64),
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

    Returns
    -------
    pandas.DataFrame
        One row per customer with ``customer_id``, ``arm``, ``n_purchases``, ``revenue_eur``,
        ``contacts_received``, ``contacts_attended``, ``contacts_clutter``,
        ``inconsistent_weeks``, ``irritation``, ``consent_withdrawals``, ``churned``,
        ``churn_week``, ``service_contacts`` and ``effort_events``, as in
        ``simulate(...).customers``.
    """
    if isinstance(n_weeks, bool) or not isinstance(n_weeks, int | np.integer) or n_weeks < 1:
        raise ValueError(f"'n_weeks' must be an int in [1, inf); got {n_weeks!r}.")
    model = CustomerModel(
        population_spec, strategy, response=response, channels=channels, seed=seed
    )
    for _ in range(int(n_weeks)):
        model.step()
    return model.customer_table()


#: Metrics compared by :func:`agreement_table`: per-customer means (``churned`` a proportion).
AGREEMENT_METRICS = (
    "n_purchases",
    "revenue_eur",
    "contacts_received",
    "contacts_attended",
    "contacts_clutter",
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
