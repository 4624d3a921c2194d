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
simulated four times, with no contact, one contact a week on channel A, one on channel B, and
one on each (the factorial of :func:`mcstudy.studies.attention.attention_factorial_arms`), over
``n_weeks`` weeks; :math:`Y` is purchases per customer. Because every customer is in every
arm, :math:`R` is a ratio of two means of per-customer contrasts, and its Monte Carlo standard
error comes from the delta method on those contrasts
(:func:`mcstudy.analysis.intervals.ratio_of_means`).

:func:`data_allowed` keeps the points of a design at which the simulated :math:`R` is not
ruled out by the target (implausibility at most 3, with the target's and the simulation's
variance; :func:`mcstudy.experiments.history_matching.implausibility`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from mcstudy._validation import check_int, check_number
from mcstudy.analysis.intervals import ratio_of_means
from mcstudy.experiments.history_matching import implausibility
from mcstudy.model.channels import ChannelSet
from mcstudy.model.context import model_context
from mcstudy.model.engine import simulate
from mcstudy.model.population import PopulationSpec
from mcstudy.model.response import ResponseSpec
from mcstudy.model.strategies import Monochannel, Strategy
from mcstudy.studies._skeleton import simulation_seed

__all__ = ["data_allowed", "simulated_relative_interaction"]

#: The arms of the factorial, in the order of the contrast's terms.
_ARMS = ("none", "a", "b", "both")


def _factorial(a: str, b: str) -> dict[str, Strategy]:
    """The four arms: nothing, one contact a week on ``a``, on ``b``, and on each."""
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
    rng=0,
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
    rng : None, int, SeedSequence or Generator, default=0
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
        If the channels are not two different outbound channels of the context, a size is
        out of range, or the two channels together add no purchases (the ratio's denominator
        is 0 at this size: raise ``n_customers`` or ``n_weeks``).
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
    seed = simulation_seed(rng)
    population = dataclasses.replace(population, n_customers=n)
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
    if not denom.mean() > 0.0:
        raise ValueError(
            f"channels {channels!r} add no purchases over {weeks} week(s) among {n} customers: "
            "the relative interaction is undefined; raise 'n_customers' or 'n_weeks'."
        )
    ratio = ratio_of_means(inter, denom)
    estimate = ratio.estimate
    se = (ratio.ci_high - estimate) / float(stats.t.ppf(0.975, n - 1))
    return {
        "estimate": estimate,
        "se": se,
        "effect_a": float((y["a"] - y["none"]).mean()),
        "effect_b": float((y["b"] - y["none"]).mean()),
        "interaction": float(inter.mean()),
        "n_customers": n,
    }


def data_allowed(
    simulated: pd.DataFrame,
    observed: float,
    observed_se: float,
    *,
    cutoff: float = 3.0,
) -> pd.DataFrame:
    """Which points' simulated statistic the observed one does not rule out.

    Parameters
    ----------
    simulated : pandas.DataFrame
        One row per point, with columns ``estimate`` and ``se`` (the simulated statistic and
        its Monte Carlo standard error, as :func:`simulated_relative_interaction` returns).
    observed, observed_se : float
        The target and its standard error (> 0).
    cutoff : float, default=3.0
        A point is ruled out when its implausibility exceeds this (Pukelsheim's three-sigma
        rule), > 0.

    Returns
    -------
    pandas.DataFrame
        ``simulated`` with ``implausibility`` and ``allowed`` (bool) added.
    """
    if not isinstance(simulated, pd.DataFrame) or not {"estimate", "se"} <= set(simulated):
        raise ValueError("'simulated' must be a DataFrame with columns 'estimate' and 'se'.")
    observed = check_number(observed, "observed")
    observed_se = check_number(observed_se, "observed_se", low=0, low_open=True)
    cutoff = check_number(cutoff, "cutoff", low=0, low_open=True)
    sim = simulated["estimate"].to_numpy(dtype=float)[:, None]
    var = observed_se**2 + simulated["se"].to_numpy(dtype=float)[:, None] ** 2
    imp = implausibility(sim, np.array([observed]), var)[:, 0]
    return simulated.assign(implausibility=imp, allowed=imp <= cutoff)
