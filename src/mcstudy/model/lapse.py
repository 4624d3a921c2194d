r"""Heterogeneous dropout, and a customer file drawn as the buyers of a past period.

Two population-side mechanisms of the Pareto/NBD family (Schmittlein, Morrison and Colombo
1987; Fader, Hardie and Lee 2005), with the pre-period's purchase level, all neutral by default
(``docs/model.md`` §7.16):

- **Heterogeneous dropout** (``PopulationSpec.dropout_cv``): each customer's churn hazard is
  the base hazard :math:`h_0` (``response.churn_base_per_week``) times their own multiplier
  :math:`m_i \sim \text{Gamma}(1/c^2, c^2)`, mean 1 and coefficient of variation :math:`c`:
  the Pareto/NBD's gamma-distributed dropout rate :math:`\mu \sim \text{Gamma}(s, \beta)`
  with :math:`s = 1/c^2` and :math:`\beta = s/h_0`. :func:`draw_dropout` draws it; at
  :math:`c = 0` every multiplier is 1 and no random number is drawn.
- **A file of past-period buyers** (``PopulationSpec.pre_period_weeks``): Hillstrom's file is
  the customers who bought in the past 12 months. With :math:`W > 0` weeks, candidates are
  drawn as usual and observed through a pre-period of :math:`W` weeks without marketing
  contacts (:func:`run_pre_period`): lifetime :math:`\tau_i \sim \text{Exp}(h_0 m_i)`,
  purchases :math:`K_i \sim \text{Poisson}(\phi_W \lambda_i \min(\tau_i, W))` over the alive
  part (:math:`\phi_W`, ``PopulationSpec.pre_period_rate_ratio``, the pre-period's purchase
  rate relative to the simulated weeks'; 1 by default),
  each in a channel of the customer's repertoire (multinomial on its choice shares), the
  last at :math:`\min(\tau_i, W)\,U^{1/K_i}` (the largest of :math:`K_i` uniform times); the
  candidates with :math:`K_i \ge 1` are kept (:func:`draw_past_buyers`). The kept customers
  carry into the simulated period whether they lapsed in the pre-period (:math:`\tau_i < W`:
  they never act again) and the weeks since their last purchase; by the exponential's
  memorylessness the others continue with the same hazard.

:func:`kernel_fields` turns a population into the kernel's per-customer dropout inputs.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from mcstudy.model import _kernel, _libm

__all__ = ["draw_dropout", "draw_past_buyers", "kernel_fields", "run_pre_period"]

#: Draws at most this many candidates per customer kept before giving up.
_MAX_CANDIDATES_PER_BUYER = 1000
#: Candidates drawn at once (bounds the memory of a batch).
_MAX_BATCH = 100_000


def draw_dropout(dropout_cv: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """Per-customer churn-hazard multipliers, gamma with mean 1 and CV ``dropout_cv``.

    Parameters
    ----------
    dropout_cv : float
        Coefficient of variation, >= 0; 0 gives ones and draws nothing from ``rng``.
    n : int
        Number of customers.
    rng : numpy.random.Generator
        Random source.

    Returns
    -------
    numpy.ndarray
        ``n`` multipliers.
    """
    if dropout_cv == 0.0:
        return np.ones(n)
    shape = 1.0 / (dropout_cv * dropout_cv)
    return rng.gamma(shape, 1.0 / shape, n)


def _purchase_shares(pop, channels) -> np.ndarray:
    """Each customer's purchase-channel choice shares without contacts (``pbase`` of the kernel)."""
    rep_aff = pop.affinity[:, channels.purchase_index] * pop.repertoire
    return rep_aff / rep_aff.sum(axis=1, keepdims=True)


def run_pre_period(pop, spec, channels, churn_base_per_week: float, rng: np.random.Generator):
    """Observe ``pop`` through ``spec.pre_period_weeks`` weeks without marketing contacts.

    Parameters
    ----------
    pop : Population
        Candidate customers (with their ``dropout`` multipliers).
    spec : PopulationSpec
        Gives ``pre_period_weeks`` (> 0), ``pre_period_rate_ratio`` and
        ``breadth_purchase_effect``.
    channels : ChannelSet
        The simulated channels.
    churn_base_per_week : float
        The base churn hazard :math:`h_0`; a customer's is :math:`h_0 m_i`.
    rng : numpy.random.Generator
        Random source.

    Returns
    -------
    Population
        ``pop`` with ``lapsed``, ``past_purchases``, ``past_revenue_eur``,
        ``past_purchases_by_channel`` and ``weeks_since_purchase`` (NaN without a purchase)
        filled in.

    Notes
    -----
    Without contacts the kernel's purchase rate is the base rate times the breadth effect
    (no persuasion, no irritation, no triggered visits); the pre-period's is that times
    ``pre_period_rate_ratio``, the past period's purchase level relative to the simulated
    weeks' (1: the same). Its churn hazard is the base
    hazard (no irritation; the effort of lost service contacts and the relationship of
    resolved ones are left out of the pre-period). Each purchase is one basket
    (``basket_eur``), as in the kernel.
    """
    n = len(pop)
    weeks = float(spec.pre_period_weeks)
    breadth = pop.repertoire.sum(axis=1)
    rate = (
        pop.base_rate
        * (1.0 + spec.breadth_purchase_effect * (breadth - 1))
        * spec.pre_period_rate_ratio  # at 1, exact: the stationary rate bit for bit
    )
    hazard = churn_base_per_week * pop.dropout
    with np.errstate(divide="ignore"):
        lifetime = rng.standard_exponential(n) / hazard  # inf at a zero hazard
    alive = np.minimum(lifetime, weeks)
    k = rng.poisson(rate * alive)
    last = alive * _libm.power(rng.random(n), 1.0 / np.maximum(k, 1))
    by_channel = rng.multinomial(k, _purchase_shares(pop, channels))
    return dataclasses.replace(
        pop,
        lapsed=lifetime < weeks,
        past_purchases=k,
        past_revenue_eur=k * pop.basket_eur,
        past_purchases_by_channel=by_channel,
        weeks_since_purchase=np.where(k > 0, weeks - last, np.nan),
    )


def _take(pop, rows: np.ndarray):
    """The customers ``rows`` of ``pop`` (every array field indexed on its first axis)."""
    return dataclasses.replace(
        pop,
        **{
            f.name: getattr(pop, f.name)[rows]
            for f in dataclasses.fields(pop)
            if getattr(pop, f.name) is not None
        },
    )


def _concat(pops: list):
    """One population from several, rows in order."""
    first = pops[0]
    return dataclasses.replace(
        first,
        **{
            f.name: np.concatenate([getattr(p, f.name) for p in pops])
            for f in dataclasses.fields(first)
            if getattr(first, f.name) is not None
        },
    )


def draw_past_buyers(draw, spec, channels, n: int, churn_base_per_week: float, rng):
    """Draw ``n`` customers who bought at least once in a pre-period, as Hillstrom's file was.

    Candidates are drawn in batches by ``draw(m, rng)`` (a population of ``m`` customers with
    their dropout multipliers), observed through the pre-period (:func:`run_pre_period`) and
    kept when they bought; batches continue until ``n`` are kept (the first ``n`` kept, in
    draw order), at most 100,000 candidates a batch.

    Parameters
    ----------
    draw : callable
        ``draw(m, rng)`` returns ``m`` candidate customers.
    spec : PopulationSpec
        With ``pre_period_weeks`` > 0.
    channels : ChannelSet
        The simulated channels.
    n : int
        Customers to keep.
    churn_base_per_week : float
        The base churn hazard.
    rng : numpy.random.Generator
        Random source.

    Returns
    -------
    Population

    Raises
    ------
    ValueError
        If fewer than one candidate in 1,000 buys in the pre-period (the parameters give
        almost no buyers).
    """
    kept, have, drawn = [], 0, 0
    share = 1.0
    while True:
        m = min(max(int(np.ceil((n - have) / share * 1.1)) + 64, 256), _MAX_BATCH)
        batch = run_pre_period(draw(m, rng), spec, channels, churn_base_per_week, rng)
        rows = np.flatnonzero(batch.past_purchases > 0)[: n - have]
        kept.append(_take(batch, rows))
        have += len(rows)
        drawn += m
        if have >= n:
            return _concat(kept)
        if drawn > _MAX_CANDIDATES_PER_BUYER * max(n, 1):
            raise ValueError(
                f"'pre_period_weeks' = {spec.pre_period_weeks}: only {have} of {drawn} "
                f"candidates bought in the pre-period (fewer than 1 in "
                f"{_MAX_CANDIDATES_PER_BUYER}); raise the purchase rate or lower the churn "
                "hazard."
            )
        share = max(have / drawn, 1.0 / _MAX_CANDIDATES_PER_BUYER)


def kernel_fields(pop) -> dict[str, np.ndarray]:
    """The kernel's per-customer dropout inputs: ``dropout``, ``lapsed`` and ``since``.

    ``since`` is the kernel's count of weeks since the last purchase before week 0: the
    pre-period's ``ceil(weeks_since_purchase) - 1`` (a purchase in the last pre-period week
    gives 1 in week 0), or ``_kernel.NEVER`` without one (the kernel's start without a
    pre-period).
    """
    n = len(pop)
    since = np.full(n, _kernel.NEVER, np.int64)
    if pop.weeks_since_purchase is not None:
        bought = pop.past_purchases > 0
        weeks = np.maximum(np.ceil(pop.weeks_since_purchase[bought]), 1.0)
        since[bought] = weeks.astype(np.int64) - 1
    return {
        "dropout": pop.dropout if pop.dropout is not None else np.ones(n),
        "lapsed": pop.lapsed if pop.lapsed is not None else np.zeros(n, np.bool_),
        "since": since,
    }
