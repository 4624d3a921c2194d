r"""The simulator's cross-channel interaction on the scale of a real-data target.

The Complete Journey's mailer x display interaction (``data/targets.csv``,
``completejourney.mailer_display.relative_interaction``) is read as a *relative interaction*:
what two channels together add beyond the sum of what each adds alone, over that sum,

.. math:: R = \frac{Y_{AB} - Y_A - Y_B + Y_0}{(Y_A - Y_0) + (Y_B - Y_0)},

0 when the two effects add, negative when together they add less than the sum of each alone
(shared attention, shared irritation, interference), positive when more (synergy). The ratio
has no unit, so a grocer's promotion channels and the simulator's contact channels can be put
on one scale; that the one measures the other is an **assumption** (``docs/model.md`` §9.6).

:func:`simulated_relative_interaction` measures :math:`R` in the simulator at any point of the
parameter space: the same customers, with the same random draws (common random numbers), are
simulated four times, with no contact, contacts on channel A, on channel B, and on each (a
Poisson(1) number a week per channel, as in the factorial of
:func:`mcstudy.studies.attention.attention_factorial_arms`), over ``n_weeks`` weeks; :math:`Y`
is purchases per customer. Every customer consents to both channels, as a grocer's mailer and
display reach every shopper: with the usual consent rates, customers reachable on one channel
only would add to the denominator and never to the interaction, pulling :math:`R` towards 0.
Because every customer is in every arm, :math:`R` is a ratio of two means of per-customer
contrasts, and its Monte Carlo standard error comes from the delta method on those contrasts
(:func:`mcstudy.analysis.intervals.ratio_of_means`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np

from mcstudy._random import seed_sequence
from mcstudy._validation import check_int
from mcstudy.analysis.intervals import ratio_of_means
from mcstudy.model.channels import ChannelSet
from mcstudy.model.context import model_context
from mcstudy.model.engine import simulate
from mcstudy.model.population import PopulationSpec
from mcstudy.model.response import ResponseSpec
from mcstudy.model.strategies import Monochannel, Strategy

__all__ = ["UndefinedInteractionError", "simulated_relative_interaction"]


class UndefinedInteractionError(ValueError):
    """The two channels' effects are not clearly above 0: the ratio is not defined."""


#: The two channels' effects must together lie this many standard errors above 0.
_MIN_Z = 3.0


def _factorial(a: str, b: str) -> dict[str, Strategy]:
    """The four arms: nothing, Poisson(1) contacts a week on ``a``, on ``b``, and on each."""
    return {
        "none": Monochannel(channel=a, contact_pressure=0.0),
        "a": Monochannel(channel=a, contact_pressure=1.0),
        "b": Monochannel(channel=b, contact_pressure=1.0),
        "both": Strategy(channels={a: 1.0, b: 1.0}, contact_pressure=2.0),
    }


def simulated_relative_interaction(
    params: Mapping[str, float] | None = None,
    *,
    channels: tuple[str, str] = ("email", "postal_mail"),
    n_customers: int = 200_000,
    n_weeks: int = 1,
    rng=None,
    population: PopulationSpec | None = None,
    response: ResponseSpec | None = None,
    context_channels: ChannelSet | None = None,
) -> dict[str, float]:
    """The relative interaction :math:`R` of two channels in the simulator, and its error.

    Parameters
    ----------
    params : mapping of str to float, default=None
        Model parameters by their names in ``data/parameters.csv``
        (:func:`mcstudy.model.model_context`); the reference context when None.
    channels : pair of str, default=("email", "postal_mail")
        The two outbound channels A and B.
    n_customers : int, default=200_000
        Customers, each simulated in all four arms; in [1,000, 10,000,000].
    n_weeks : int, default=1
        Weeks from the first contact; in [1, 52].
    rng : None, int, SeedSequence or Generator, default=None
        Root of the random streams, the same for the four arms.
    population, response, context_channels : default=None
        The context simulated instead of the reference context with ``params`` applied
        (:class:`~mcstudy.model.PopulationSpec` whose ``n_customers`` is replaced,
        :class:`~mcstudy.model.ResponseSpec`, :class:`~mcstudy.model.ChannelSet`); each
        None keeps that part of the reference context. ``params`` must then be None.

    Returns
    -------
    dict
        ``estimate`` (:math:`R`), ``se`` (its Monte Carlo standard error), ``effect_a``,
        ``effect_b`` (purchases per customer added by each channel alone), ``interaction``
        (purchases per customer added together beyond the sum), ``n_customers``.

    Raises
    ------
    ValueError
        If the channels are not two different outbound channels of the context, or a size is
        out of range.
    UndefinedInteractionError
        (a ValueError) If what the two channels add alone is not at least 3 standard errors
        above 0 (the ratio's denominator; the target's lifts must be too): raise
        ``n_customers`` or ``n_weeks``.
    """
    n = check_int(n_customers, "n_customers", 1_000, 10_000_000)
    weeks = check_int(n_weeks, "n_weeks", 1, 52)
    if not (isinstance(channels, tuple | list) and len(channels) == 2):
        raise ValueError(f"'channels' must be a pair of channel names; got {channels!r}.")
    a, b = channels
    given = (population, response, context_channels)
    if params is not None and any(x is not None for x in given):
        raise ValueError(
            "give either 'params' (applied to the reference context) or the context's "
            "'population', 'response' and 'context_channels', not both."
        )
    ctx = model_context(params)
    population = ctx.population if population is None else population
    response = ctx.response if response is None else response
    simulated = ctx.channels if context_channels is None else context_channels
    outbound = [c for c, out in zip(simulated.names, simulated.outbound, strict=True) if out]
    if a == b or a not in outbound or b not in outbound:
        raise ValueError(
            f"'channels' must be two different outbound channels of {list(outbound)}; "
            f"got {channels!r}."
        )
    seed = seed_sequence(rng)
    rates = population.consent_rate
    rates = dict(rates) if isinstance(rates, Mapping) else dict.fromkeys(simulated.names, rates)
    population = dataclasses.replace(
        population, n_customers=n, consent_rate={**rates, a: 1.0, b: 1.0}
    )
    y = {}
    for arm, strategy in _factorial(a, b).items():
        result = simulate(
            population,
            strategy,
            n_weeks=weeks,
            response=response,
            channels=simulated,
            n_journeys=0,
            n_threads=1,
            progress=False,
            rng=seed,
        )
        customers = result.customers.sort_values("customer_id", kind="stable")
        y[arm] = customers["n_purchases"].to_numpy(dtype=float)
    inter = y["both"] - y["a"] - y["b"] + y["none"]
    denom = y["a"] + y["b"] - 2.0 * y["none"]
    denom_se = float(denom.std(ddof=1) / np.sqrt(n))
    if not (denom.mean() > 0.0 and denom.mean() >= _MIN_Z * denom_se):
        raise UndefinedInteractionError(
            f"channels {channels!r} add {denom.mean():.3g} purchases per customer over "
            f"{weeks} week(s) among {n} customers (standard error {denom_se:.3g}), not at "
            f"least {_MIN_Z:g} standard errors above 0: the relative interaction is not "
            "defined at this size; raise 'n_customers' or 'n_weeks'."
        )
    ratio = ratio_of_means(inter, denom)
    return {
        "estimate": ratio.estimate,
        "se": ratio.se,
        "effect_a": float((y["a"] - y["none"]).mean()),
        "effect_b": float((y["b"] - y["none"]).mean()),
        "interaction": float(inter.mean()),
        "n_customers": n,
    }
