"""A first-order approximation of each contact's effect, and the customers' satisfaction.

The journeys table carries, for every contact, its *first-order* effect on expected future
purchases (columns ``first_order_*``): the persuasion it adds, carried forward by the
persuasion adstock, minus the irritation it adds, carried forward by the irritation decay. It
leaves out churn, consent withdrawal, triggered visits, the relationship stock and
contradictory offers, so it is an approximation, not the causal contribution: its measured
error is in ``docs/model.md``. The causal contribution of a channel is computed by
re-simulation (:func:`mcstudy.model.counterfactual.channel_contributions`).
"""

from __future__ import annotations

import numpy as np

from mcstudy.model import _libm

__all__ = ["first_order_effects", "satisfaction"]


def discounted_future(x: np.ndarray, decay: float) -> np.ndarray:
    """``out[:, t] = sum_{s >= t} decay**(s - t) * x[:, s]`` along axis 1."""
    out = np.zeros_like(x)
    acc = np.zeros(x.shape[0])
    for t in range(x.shape[1] - 1, -1, -1):
        acc = x[:, t] + decay * acc
        out[:, t] = acc
    return out


def first_order_effects(jr: dict[str, np.ndarray], response) -> np.ndarray:
    """First-order effect of each journey-week-channel's contacts on expected future purchases.

    Parameters
    ----------
    jr : dict of str to numpy.ndarray
        The kernel's journey arrays: ``dp`` and ``dr`` (persuasion and irritation added by the
        contacts, journey x week x channel), ``g`` and ``h`` (marginal purchases per unit of
        persuasion and of irritation, journey x week).
    response : ResponseSpec
        Gives the persuasion and irritation decays.

    Returns
    -------
    numpy.ndarray
        Journey x week x channel array of incremental expected purchases.
    """
    gain = discounted_future(jr["g"], response.persuasion_decay)
    loss = discounted_future(jr["h"], response.irritation_decay)  # irritation effect is 1
    return jr["dp"] * gain[:, :, None] - jr["dr"] * loss[:, :, None]


def satisfaction(irritation: np.ndarray, relationship: np.ndarray) -> np.ndarray:
    """Satisfaction in (0, 1) at the end of the horizon, from irritation and relationship.

    ``1 / (1 + exp(irritation - relationship))``: 0.5 for a customer with neither irritation
    nor relationship; it falls with irritation and rises with the relationship built by
    attended, consented, consistent contacts and resolved service contacts.
    """
    return 1.0 / (1.0 + _libm.exp(np.asarray(irritation) - np.asarray(relationship)))
