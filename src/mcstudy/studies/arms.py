"""Randomised comparisons of contact policies, replicated, at equal contacts or equal budget.

:func:`compare_arms` randomises one simulated population to the arms given, replication by
replication, after rescaling each arm's contact pressure so that every arm sends the same
contacts (or spends the same contact budget) per customer (:func:`mcstudy.model.equalise`): a
difference between arms is then the effect of *how* they contact, not of how much.
:func:`arm_contrasts` turns the per-arm outcomes into differences from a reference arm, with
the mean over replications and its interval.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from mcstudy._random import seed_sequence
from mcstudy._validation import check_frame, check_int, check_option
from mcstudy.experiments.summary import summarise_replications
from mcstudy.model.design import equalise
from mcstudy.model.engine import simulate
from mcstudy.model.population import PopulationSpec
from mcstudy.model.response import ResponseSpec
from mcstudy.model.strategies import Strategy

__all__ = ["ARM_METRICS", "EQUAL", "arm_contrasts", "compare_arms"]

#: What :func:`compare_arms` holds equal between arms.
EQUAL = ("contacts", "budget", "pressure")

#: Per-arm outcomes of :func:`compare_arms`, per customer randomised to the arm.
ARM_METRICS = (
    "revenue_per_customer_eur",
    "margin_per_customer_eur",
    "purchases_per_customer",
    "visits_per_customer",
    "contacts_per_customer",
    "cost_per_customer_eur",
    "clutter_share",
    "consent_withdrawals_per_customer",
    "churn_rate",
    "effort_per_customer",
)


def compare_arms(
    arms: Mapping[str, Strategy],
    *,
    equal: str = "contacts",
    value: float | None = None,
    population: PopulationSpec | None = None,
    response: ResponseSpec | None = None,
    n_weeks: int = 52,
    n_replications: int = 20,
    rng=None,
) -> pd.DataFrame:
    """Per-arm outcomes of randomised arms, per replication, at equal contacts or budget.

    Parameters
    ----------
    arms : mapping of str to Strategy
        At least two arms.
    equal : {"contacts", "budget", "pressure"}, default="contacts"
        What every arm holds equal: contacts sent per customer, contact cost per customer, or
        (``"pressure"``) nothing is rescaled and the arms keep their planned pressures.
    value : float, default=None
        The common number of contacts (or euros) per customer over the horizon; None for the
        mean of what the arms send at their given pressures (in each replication).
    population, response : default=None
        The reference context; the calibrated defaults when None.
    n_weeks : int, default=52
        Weeks simulated, in [1, 520].
    n_replications : int, default=20
        Independent replications (children of ``rng``), in [1, 10,000].
    rng : None, int, SeedSequence or Generator, default=None
        Root of the replications' streams.

    Returns
    -------
    pandas.DataFrame
        Long table: ``replication``, ``arm``, ``metric`` (:data:`ARM_METRICS`), ``value``,
        and ``pressure`` (the arm's pressure after equalisation); the root seed in
        ``attrs["seed"]``.

    Raises
    ------
    TypeError, ValueError
        On a bad argument, naming it, its value and what is allowed.
    """
    if not isinstance(arms, Mapping) or len(arms) < 2:
        raise ValueError(f"'arms' must map at least two arm names to strategies; got {arms!r}.")
    for name, strategy in arms.items():
        if not isinstance(strategy, Strategy):
            raise TypeError(f"'arms[{name!r}]' must be a Strategy; got {strategy!r}.")
    check_option(equal, "equal", EQUAL)
    n_weeks = check_int(n_weeks, "n_weeks", 1, 520)
    n_replications = check_int(n_replications, "n_replications", 1, 10_000)
    population = population if population is not None else PopulationSpec()
    ss = seed_sequence(rng)
    frames = []
    for rep, child in enumerate(ss.spawn(n_replications)):
        planned, seed = dict(arms), child
        if equal != "pressure":
            fair = equalise(
                planned,
                target=equal,
                value=value,
                population=population,
                n_weeks=n_weeks,
                response=response,
                rng=child,
            )
            planned, seed = dict(fair.arms), fair.rng
        summary = simulate(
            population,
            planned,
            n_weeks=n_weeks,
            response=response,
            n_journeys=0,
            progress=False,
            rng=seed,
        ).summary()
        long = summary.melt(id_vars="arm", value_vars=list(ARM_METRICS), var_name="metric")
        long["pressure"] = long["arm"].map({a: s.contact_pressure for a, s in planned.items()})
        frames.append(long.assign(replication=rep))
    table = pd.concat(frames, ignore_index=True)
    table["arm"] = table["arm"].astype(str)
    table = table[["replication", "arm", "metric", "value", "pressure"]]
    table.attrs["seed"] = ss.entropy
    return table


def arm_contrasts(
    table: pd.DataFrame,
    reference: str,
    *,
    metrics: Sequence[str] | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Differences of every arm from ``reference``, per metric, over the replications.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`compare_arms`.
    reference : str
        The arm the others are compared with.
    metrics : sequence of str, default=None
        Metrics to keep; every metric of the table when None.
    alpha : float, default=0.05
        Level of the intervals.

    Returns
    -------
    pandas.DataFrame
        One row per arm (other than the reference) x metric, the columns of
        :func:`mcstudy.experiments.summarise_replications` (``mean`` is the mean difference,
        ``ci_low``/``ci_high`` its t-interval over replications, ``q_low``/``q_high`` the
        spread of single replications) and ``reference_mean`` (the reference arm's mean level).
    """
    check_frame(table, ["replication", "arm", "metric", "value"], name="table")
    value = table["value"]
    if not pd.api.types.is_numeric_dtype(value) or pd.api.types.is_bool_dtype(value):
        raise TypeError(f"'table' column 'value' must be numeric; got dtype {value.dtype}.")
    keys = ["replication", "arm", "metric"]
    repeated = table.duplicated(keys)
    if repeated.any():
        first = table.loc[repeated, keys].iloc[0].to_dict()
        raise ValueError(
            f"'table' must have one row per replication, arm and metric; {first} appears "
            "more than once."
        )
    arms = sorted(table["arm"].unique())
    check_option(reference, "reference", arms)
    wide = table.pivot_table(index=["replication", "metric"], columns="arm", values="value")
    ref = wide[reference]
    rows = []
    for arm in arms:
        if arm == reference:
            continue
        diff = (wide[arm] - ref).rename("value").reset_index()
        summary = summarise_replications(diff, metrics, alpha=alpha)
        summary.insert(0, "arm", arm)
        rows.append(summary)
    out = pd.concat(rows, ignore_index=True)
    levels = ref.groupby(level="metric").mean()
    out["reference_mean"] = out["metric"].map(levels)
    return out
