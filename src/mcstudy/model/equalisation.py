"""Fair comparisons of strategies: arms rescaled to the same contacts or budget per customer.

:func:`equalise` rescales the contact pressure of each arm so that every arm sends the same
number of contacts, or spends the same contact budget, per customer, by simulating the arms
together with common random numbers; it returns an :class:`Equalised`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mcstudy._random import seed_sequence
from mcstudy._validation import check_int, check_number, check_option
from mcstudy._vocab import PARAMETER_RANGES
from mcstudy.model import _libm
from mcstudy.model.engine import SimulationResult, simulate
from mcstudy.model.strategies import Strategy

__all__ = ["EQUALISE_TARGETS", "Equalised", "equalise"]

#: What :func:`equalise` can hold equal across arms: outbound contacts sent per customer over
#: the horizon, or the cost of those contacts in euros per customer.
EQUALISE_TARGETS = ("contacts", "budget")

_MAX_PRESSURE = PARAMETER_RANGES["contact_pressure"][1]
#: Largest change of an arm's pressure in one iteration of :func:`equalise` (factor).
_MAX_STEP = 10.0
#: Bounds on the elasticity of the target to the pressure estimated by :func:`equalise`.
_ELASTICITY_BOUNDS = (0.1, 2.0)


@dataclass(frozen=True)
class Equalised:
    """What :func:`equalise` returns: arms rescaled to the same contacts or budget per customer.

    Attributes
    ----------
    arms : dict of str to Strategy
        The arms, each with its contact pressure rescaled; simulate them with ``rng=rng`` to
        reproduce ``achieved``.
    pressure : dict of str to float
        Contact pressure of each rescaled arm.
    initial_pressure : dict of str to float
        Contact pressure of each arm as given.
    achieved : dict of str to float
        Contacts (or contact cost in euros) per customer of each rescaled arm in the last
        simulation, each within ``tol`` (relative) of ``value``.
    target : {"contacts", "budget"}
        What was equalised.
    value : float
        The common value per customer.
    tol : float
        Relative tolerance met by every arm.
    iterations : int
        Simulations run (the last one is that of ``achieved``).
    rng : numpy.random.SeedSequence
        Seed sequence of every simulation (common random numbers).
    """

    arms: dict[str, Strategy]
    pressure: dict[str, float]
    initial_pressure: dict[str, float]
    achieved: dict[str, float]
    target: str
    value: float
    tol: float
    iterations: int
    rng: np.random.SeedSequence

    def summary(self) -> pd.DataFrame:
        """One row per arm: initial and rescaled pressure, their ratio, achieved, relative error.

        Columns ``arm, initial_pressure, pressure, pressure_ratio, achieved,
        relative_error``; ``achieved`` is contacts or euros per customer, as ``target`` says.
        """
        arms = list(self.arms)
        df = pd.DataFrame(
            {
                "arm": arms,
                "initial_pressure": [self.initial_pressure[a] for a in arms],
                "pressure": [self.pressure[a] for a in arms],
                "achieved": [self.achieved[a] for a in arms],
            }
        )
        df.insert(3, "pressure_ratio", df["pressure"] / df["initial_pressure"])
        df["relative_error"] = df["achieved"] / self.value - 1.0
        return df


def _achieved(res: SimulationResult, target: str) -> dict[str, float]:
    """Contacts or contact cost (euros) per customer of each arm of a simulation."""
    n = res.customers["arm"].value_counts().reindex(list(res.strategies), fill_value=0)
    empty = [a for a in n.index if n[a] == 0]
    if empty:
        raise ValueError(
            f"arms {empty} drew no customer; simulate more customers (population.n_customers)."
        )
    if target == "contacts":
        total = res.customers.groupby("arm", observed=False)["contacts_received"].sum()
    else:
        total = res.weekly.groupby("arm", observed=False)["contact_cost_eur"].sum()
    return {a: float(total.get(a, 0.0)) / int(n[a]) for a in res.strategies}


def _next_pressure(history: list[tuple[float, float]], value: float) -> float:
    """Pressure expected to achieve ``value``, from the (pressure, achieved) points of an arm.

    The local model is log(achieved) = alpha + e * log(pressure): the elasticity ``e`` is the
    least-squares slope over the points when their pressures span more than 5 % (bounded to
    :data:`_ELASTICITY_BOUNDS`), 1 otherwise (contacts proportional to the pressure); ``alpha``
    is averaged over the points within 5 % of the last pressure, which averages the Monte Carlo
    noise of the simulations out instead of chasing the last one.

    The logarithms come from the C library and the slope from correctly rounded sums
    (:func:`math.fsum`), not from numpy's SIMD routines and LAPACK, so the pressures are the
    same with and without AVX-512 (``docs/model.md`` §4.9).
    """
    pts = _libm.log([(p, a) for p, a in history if p > 0 and a > 0])
    last_p = pts[-1, 0]
    e = 1.0
    if np.ptp(pts[:, 0]) > 0.05:
        x, y = pts[:, 0], pts[:, 1]
        dx, dy = x - math.fsum(x) / len(x), y - math.fsum(y) / len(y)
        slope = math.fsum(dx * dy) / math.fsum(dx * dx)
        e = float(np.clip(slope, *_ELASTICITY_BOUNDS))
    near = pts[np.abs(pts[:, 0] - last_p) <= 0.05]
    alpha = float(np.mean(near[:, 1] - e * near[:, 0]))
    step = (math.log(value) - alpha) / e - last_p
    step = float(np.clip(step, -math.log(_MAX_STEP), math.log(_MAX_STEP)))
    return math.exp(last_p + step)


def equalise(
    arms: Mapping[str, Strategy],
    *,
    target: str = "contacts",
    value: float | None = None,
    population=None,
    n_weeks: int = 52,
    response=None,
    channels=None,
    rng=0,
    tol: float = 0.005,
    max_iter: int = 20,
) -> Equalised:
    r"""Rescale the arms' contact pressures so that every arm sends the same contacts or budget.

    Comparing strategies at the same planned ``contact_pressure`` is not a fair comparison when
    they turn it into different numbers of contacts (a frequency cap, consent or suppression
    removes contacts) or different costs (channel mixes of different prices). ``equalise``
    finds, for each arm, the pressure at which it sends ``value`` contacts per customer over
    the horizon (``target="contacts"``) or spends ``value`` euros of contact cost per
    customer (``target="budget"``).

    Parameters
    ----------
    arms : mapping of str to Strategy
        Arm name -> strategy, as for :func:`~mcstudy.simulate`.
    target : {"contacts", "budget"}, default="contacts"
        ``"contacts"``: outbound contacts sent per customer over the ``n_weeks`` weeks
        (``contacts_per_customer`` of :meth:`SimulationResult.summary`); ``"budget"``: their
        cost in euros per customer (the weekly table's ``contact_cost_eur`` summed over the
        arm, divided by the arm's customers; service and integration costs are not included).
    value : float, default=None
        The common value, > 0; None for the mean over arms of what they achieve at the
        pressures given.
    population : PopulationSpec, default=None
        Population simulated; ``PopulationSpec()`` when None.
    n_weeks : int, default=52
        Weeks simulated, in [1, 520].
    response : ResponseSpec, default=None
        Customer response; ``ResponseSpec()`` when None.
    channels : ChannelSet, default=None
        Simulated channels; the default catalogue when None.
    rng : None, int, SeedSequence or Generator, default=0
        Root of the random streams, turned once into a seed sequence that every iteration
        reuses (common random numbers); it is returned as :attr:`Equalised.rng`.
    tol : float, default=0.005
        Relative tolerance, in (0, 0.1]: every arm must end within ``value * (1 ± tol)``.
    max_iter : int, default=20
        Most simulations run, in [1, 1000].

    Returns
    -------
    Equalised
        The rescaled arms, their pressures and what they achieved in the last simulation.
        ``simulate(population, result.arms, n_weeks=n_weeks, response=response,
        channels=channels, rng=result.rng)`` reproduces that simulation exactly.

    Raises
    ------
    TypeError, ValueError
        On an invalid argument, naming it, its value and what is allowed; if an arm cannot
        reach ``value`` (it sends no contacts, or too few, even at the maximum pressure of
        50 contacts a week: the message names the arm, the target, the value and the best the
        arm achieved); or if the arms are not all within ``tol`` after ``max_iter``
        simulations (the message gives the Monte Carlo noise seen).

    Notes
    -----
    Only the level of each strategy changes (:meth:`Strategy.with_pressure`): its channel mix,
    its per-tier ratios and every other field stay as given, and so does the pressure of the
    siloed phase before the deployment lag, which follows ``contact_pressure``.

    Method: the arms are simulated together, randomised in one population, and every
    iteration reuses the same seed sequence, so that the population and the randomisation are
    the same in every iteration (common random numbers [1]_). Each arm's pressure is then
    rescaled multiplicatively, :math:`p \leftarrow p\,(v/\bar a)^{1/e}`, where
    :math:`\bar a` is the arm's achievement averaged over the iterations at nearly the same
    pressure and :math:`e` the elasticity of the achievement to the pressure estimated from
    the iterations (1 until the pressure has moved by more than 5 %; below 1 when a frequency
    cap or churn saturates the contacts), with steps bounded to a factor 10. It stops at the
    first simulation in which every arm is within ``tol``; that simulation is the one
    :attr:`Equalised.achieved` describes.

    The kernel's random draws are keyed by customer, event stream and counter, so a change of
    pressure moves only the contact draws it causes: the achievement is a nearly monotone
    function of the pressure on fixed customers, not a fresh Monte Carlo sample at each
    iteration. Its granularity is whole contacts, of relative size about :math:`1/N` for
    :math:`N` contacts in an arm; a ``tol`` below that is met only by chance, and
    ``equalise`` then stops after ``max_iter`` simulations with an error that reports the
    spread seen. Measured (``benchmarks/decompose_integration.py``): 64 arms of 10,000
    customers over 52 weeks reach equal contacts within 0.27 % in 4 iterations.

    References
    ----------
    .. [1] Law, A. M. (2015). *Simulation Modeling and Analysis*, 5th ed., McGraw-Hill,
       section 11.2 (common random numbers).

    Examples
    --------
    >>> from dataclasses import replace
    >>> from mcstudy import Omnichannel, PopulationSpec, SiloedMultichannel
    >>> arms = {"siloed": SiloedMultichannel(),
    ...         "omni": replace(Omnichannel(), deployment_lag_weeks=0)}
    >>> eq = equalise(arms, population=PopulationSpec(n_customers=20_000), n_weeks=26,
    ...               tol=0.01)
    >>> all(abs(a / eq.value - 1) <= 0.01 for a in eq.achieved.values())
    True
    """
    if not isinstance(arms, Mapping):
        raise TypeError(f"'arms' must be a mapping of arm name to Strategy; got {arms!r}.")
    if not arms:
        raise ValueError("'arms' must hold at least one arm; got an empty mapping.")
    for arm, s in arms.items():
        if not isinstance(arm, str) or not isinstance(s, Strategy):
            raise TypeError(
                f"'arms' must map arm names (str) to Strategy objects; got {arm!r}: {s!r}."
            )
    target = check_option(target, "target", EQUALISE_TARGETS)
    if value is not None:
        value = check_number(value, "value", 0.0, math.inf, low_open=True)
    tol = check_number(tol, "tol", 0.0, 0.1, low_open=True)
    max_iter = check_int(max_iter, "max_iter", 1, 1000)
    ss = seed_sequence(rng)

    initial = {a: float(s.contact_pressure) for a, s in arms.items()}
    positive = [p for p in initial.values() if p > 0]
    start = math.exp(math.fsum(map(math.log, positive)) / len(positive)) if positive else 1.0
    pressure = {a: (p if p > 0 else start) for a, p in initial.items()}
    history: dict[str, list[tuple[float, float]]] = {a: [] for a in arms}
    what = "contacts per customer" if target == "contacts" else "contact cost per customer (EUR)"

    def unreachable(arm: str, reason: str) -> ValueError:
        best_p, best_a = max(history[arm], key=lambda pa: pa[1])
        return ValueError(
            f"arm {arm!r} cannot reach target={target!r} value={value:.6g} ({what}): {reason}; "
            f"the best it achieved is {best_a:.6g} at contact_pressure={best_p:.6g}."
        )

    for iteration in range(1, max_iter + 1):
        current = {a: s.with_pressure(pressure[a]) for a, s in arms.items()}
        res = simulate(
            population,
            current,
            n_weeks=n_weeks,
            response=response,
            channels=channels,
            n_journeys=0,
            progress=False,
            rng=ss,
        )
        achieved = _achieved(res, target)
        for a in arms:
            history[a].append((pressure[a], achieved[a]))
        if value is None:
            value = float(np.mean(list(achieved.values())))
            if value <= 0:
                raise ValueError(
                    f"no arm sends any {what} at the pressures given, so 'value' cannot be "
                    f"their mean; pass 'value' or give positive pressures; got {initial}."
                )
        if all(abs(achieved[a] / value - 1.0) <= tol for a in arms):
            return Equalised(
                arms=current,
                pressure=dict(pressure),
                initial_pressure=initial,
                achieved=achieved,
                target=target,
                value=float(value),
                tol=tol,
                iterations=iteration,
                rng=ss,
            )
        for a in arms:
            p, got = pressure[a], achieved[a]
            if got < value * (1.0 - tol) and p >= _MAX_PRESSURE:
                reason = (
                    "it sends none even at the maximum contact_pressure "
                    if got == 0
                    else "it stays below it even at the maximum contact_pressure "
                )
                raise unreachable(a, reason + f"{_MAX_PRESSURE:g}")
            if got == 0:
                new = p * _MAX_STEP
            else:
                new = _next_pressure(history[a], value)
            pressure[a] = float(min(max(new, 1e-9), _MAX_PRESSURE))

    noise = []
    for a in arms:
        last_p = history[a][-1][0]
        logs = [math.log(g) for p, g in history[a] if g > 0 and abs(math.log(p / last_p)) <= 0.05]
        if len(logs) > 2:
            noise.append(f"{a!r}: {100 * float(np.std(logs)):.2g} %")
    last = {a: round(history[a][-1][1], 6) for a in arms}
    raise ValueError(
        f"equalise did not bring every arm within tol={tol:g} of target={target!r} "
        f"value={value:.6g} in max_iter={max_iter} simulations; last achieved {last}"
        + (f"; Monte Carlo noise between iterations about {', '.join(noise)}" if noise else "")
        + ". A tol below the noise is met only by chance: simulate more customers, or raise "
        "tol or max_iter."
    )
