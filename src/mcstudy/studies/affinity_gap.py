"""The affinity-gap sweep: how the gain of segment-matched channels depends on the profiles' gap.

Notebook 02 asks how the gain of the segment policy of :mod:`~mcstudy.studies.profiles`
depends on how different the profiles really are. The *affinity gap* ``g`` scales the
log-ratio of the two profiles' base weights around their geometric mean
(:func:`gap_affinities`): ``g = 0`` gives both profiles the same weights, ``g = 1`` the
catalogue's, ``g = 2`` squares every social/autonomous ratio. At each gap the policies (with
``pooled``, the one mix weighted by the population's average preferences, beside them) are
first brought to equal contacts per customer (:func:`equal_contact_pressures`,
:func:`mcstudy.model.equalise`), then replicated by :func:`affinity_gap_statistics` on the
same random streams at every gap (:func:`affinity_gap_sweep`). The gap's weights are
:mod:`~mcstudy.studies.affinity_weights`' (its names are imported here as well).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from mcstudy._random import design_stream, run_seed
from mcstudy._validation import check_int, check_number
from mcstudy.experiments.batch import replicate
from mcstudy.experiments.summary import summarise_replications
from mcstudy.model.channels import ChannelSet
from mcstudy.model.context import model_context
from mcstudy.model.design import equalise
from mcstudy.model.engine import simulate
from mcstudy.model.strategies import Strategy
from mcstudy.studies._profile_policies import (
    OUTBOUND,
    PROFILES,
    _arm_outcomes,
    _pop_run_parameters,
    _profile_population,
    _profile_seeds,
    _profile_shares,
    _tidy,
    _weighted,
)
from mcstudy.studies._skeleton import run_arms
from mcstudy.studies.affinity_weights import MAX_AFFINITY_GAP, gap_affinities, with_affinity_gap

__all__ = [
    "GAP_COMPARATORS",
    "GAP_DECIMALS",
    "GAP_GAINS",
    "GAP_OUTCOMES",
    "GAP_POLICIES",
    "GAP_STATISTICS",
    "MAX_AFFINITY_GAP",
    "AffinityGapSweep",
    "affinity_gap_statistics",
    "affinity_gap_sweep",
    "equal_contact_pressures",
    "format_interval",
    "gap_affinities",
    "pressure_parameters",
    "with_affinity_gap",
]

#: The policies of the affinity-gap sweep: the three of
#: :func:`~mcstudy.studies.profiles.profile_statistics` and ``pooled``, one mix for everyone
#: weighted by the population's average preferences.
GAP_POLICIES = ("uniform", "pooled", "segment", "individual")
#: The policies the segment policy is compared with in the affinity-gap sweep.
GAP_COMPARATORS = ("uniform", "pooled", "individual")
#: Outcomes of the affinity-gap sweep (short name -> per-arm metric), per customer randomised,
#: over the horizon: revenue, contact cost and margin in euros, the irritation stock at the
#: end of the horizon (at the churn week for customers who churned), the share of customers
#: who churned, and contacts received.
GAP_OUTCOMES = {
    "revenue": "revenue_per_customer_eur",
    "contact_cost": "contact_cost_per_customer_eur",
    "margin": "margin_per_customer_eur",
    "irritation": "irritation_per_customer",
    "churn": "churn_rate",
    "contacts": "contacts_per_customer",
}
#: The gains of the segment policy: ``metric`` (its name among the statistics
#: :func:`affinity_gap_statistics` returns), ``comparator`` and ``outcome``.
GAP_GAINS = pd.DataFrame(
    [(f"segment_minus_{c}_{o}", c, o) for c in GAP_COMPARATORS for o in GAP_OUTCOMES],
    columns=["metric", "comparator", "outcome"],
)
#: The statistics :func:`affinity_gap_statistics` returns (beside every arm's outcomes).
GAP_STATISTICS = tuple(GAP_GAINS["metric"])
#: Decimals of each outcome in the sweep's text (money and contacts take 2).
GAP_DECIMALS = {"irritation": 4, "churn": 4}


def format_interval(mean: float, ci_low: float, ci_high: float, decimals: int = 2) -> str:
    """A mean and its interval as signed text: ``+m [+low, +high]`` with ``decimals`` decimals.

    Examples
    --------
    >>> format_interval(1.834, 0.931, 2.7349)
    '+1.83 [+0.93, +2.73]'
    >>> format_interval(-0.0021, -0.0028, -0.0013, decimals=4)
    '-0.0021 [-0.0028, -0.0013]'
    """
    decimals = check_int(decimals, "decimals", 0, 12)
    for name, value in (("mean", mean), ("ci_low", ci_low), ("ci_high", ci_high)):
        check_number(value, name)
    return f"{mean:+.{decimals}f} [{ci_low:+.{decimals}f}, {ci_high:+.{decimals}f}]"


def _gap_policies(channels: ChannelSet, social_share: float) -> dict[str, dict[str, Strategy]]:
    """The four policies for each profile (planned pressure 1)."""
    names = list(channels.names)
    idx = [names.index(c) for c in OUTBOUND]
    shares = channels.affinity[:, idx]
    shares = shares / shares.sum(axis=1, keepdims=True)
    pooled = social_share * shares[0] + (1.0 - social_share) * shares[1]
    out = {}
    for k, profile in enumerate(PROFILES):
        out[profile] = {
            "uniform": Strategy(channels=dict.fromkeys(OUTBOUND, 1.0)),
            "pooled": Strategy(
                channels={c: float(w) for c, w in zip(OUTBOUND, pooled, strict=True)}
            ),
            "segment": Strategy(
                channels={c: float(w) for c, w in zip(OUTBOUND, shares[k], strict=True)}
            ),
            "individual": Strategy(channels=dict.fromkeys(OUTBOUND, 1.0), route_by_preference=True),
        }
    return out


def _gap_setup(params: dict):
    """Pop the sweep's own parameters; the model context at the gap and the policies."""
    params = dict(params)
    gap = check_number(params.pop("affinity_gap", 1.0), "affinity_gap", 0.0, MAX_AFFINITY_GAP)
    params, n, n_weeks, pressures = _pop_run_parameters(params, GAP_POLICIES)
    ctx = model_context(params)
    channels = with_affinity_gap(ctx.channels, gap)
    policies = _gap_policies(channels, ctx.population.social_share)
    for profile, arms in policies.items():
        policies[profile] = {
            name: arm.with_pressure(pressures[(name, profile)]) for name, arm in arms.items()
        }
    return ctx, channels, policies, n, n_weeks


def _gap_outcomes(result) -> pd.DataFrame:
    """Per-arm outcomes of :data:`GAP_OUTCOMES` (index: arm)."""
    summary = result.summary().set_index("arm")
    customers = summary["customers"].astype(float)
    contact_cost = result.weekly.groupby("arm", observed=False)["contact_cost_eur"].sum()
    irritation = result.customers.groupby("arm", observed=False)["irritation"].mean()
    summary["contact_cost_per_customer_eur"] = contact_cost.reindex(summary.index) / customers
    summary["irritation_per_customer"] = irritation.reindex(summary.index)
    return summary[list(GAP_OUTCOMES.values())]


def affinity_gap_statistics(params: dict, rng: np.random.SeedSequence) -> pd.DataFrame:
    """Run the four policies on each profile at one affinity gap; the gains of ``segment``.

    Parameters
    ----------
    params : dict
        ``affinity_gap`` (default 1, the catalogue; :func:`gap_affinities`),
        ``n_customers`` (customers per profile and policy, default 5,000, in [100,
        1,000,000]), ``n_weeks`` (default 52, in [4, 520]), ``pressure`` (planned contacts
        per week of every arm, default 1.0), ``pressure_<policy>_<profile>`` (one arm's
        pressure, e.g. from :func:`equal_contact_pressures`; default ``pressure``) and any
        model parameter by its name in ``data/parameters.csv``; the gap is applied to the
        profile weights after them.
    rng : numpy.random.SeedSequence
        The study's seed sequence; each profile's population draws from its own stream under it
        (:func:`mcstudy._random.study_stream`), so the same sequence gives the same streams at
        every gap (common random numbers).

    Returns
    -------
    pandas.DataFrame
        Columns ``profile``, ``policy``, ``metric`` and ``value``: first the
        :data:`GAP_STATISTICS` (``profile`` and ``policy`` None; the segment policy's outcome
        minus the other policy's, both profiles weighted by their shares, :data:`GAP_GAINS`),
        then every arm's outcomes (:data:`GAP_OUTCOMES`, by their column names) for each
        profile and for ``all`` (weighted by the shares).
    """
    ctx, channels, policies, n, n_weeks = _gap_setup(params)
    shares = _profile_shares(ctx.population)
    outcomes = {}
    for (profile, arms), seed in zip(policies.items(), _profile_seeds(rng), strict=True):
        result = run_arms(
            ctx,
            arms,
            n_per_arm=n,
            n_weeks=n_weeks,
            seed=seed,
            population=_profile_population(ctx.population, profile),
            channels=channels,
        )
        outcomes[profile] = _gap_outcomes(result)
    outcomes["all"] = _weighted(outcomes, shares)
    both = outcomes["all"]
    gains = {
        g.metric: float(both.loc["segment", GAP_OUTCOMES[g.outcome]])
        - float(both.loc[g.comparator, GAP_OUTCOMES[g.outcome]])
        for g in GAP_GAINS.itertuples()
    }
    return _tidy(gains, outcomes)


def equal_contact_pressures(
    gap: float,
    *,
    params: dict | None = None,
    n_customers: int = 5000,
    n_weeks: int = 52,
    pressure: float = 1.0,
    tol: float = 0.005,
    rng=None,
) -> dict[str, float]:
    """Pressures at which the four policies send equal contacts, at one affinity gap.

    For each profile, the contacts per customer that the ``uniform`` policy sends at
    ``pressure`` are measured on a pilot population, and every policy's pressure is rescaled
    to send as many (:func:`mcstudy.model.equalise`, common random numbers). Routing by
    preference re-spreads the whole pressure over the channels a customer consented to, so
    ``individual`` needs a lower planned pressure than the others for the same contacts.

    Parameters
    ----------
    gap : float
        Affinity gap, in [0, :data:`MAX_AFFINITY_GAP`].
    params : dict, default=None
        Model parameters by their names in ``data/parameters.csv``.
    n_customers : int, default=5000
        Pilot customers per profile and policy, in [100, 1,000,000].
    n_weeks : int, default=52
        Weeks, in [4, 520].
    pressure : float, default=1.0
        Planned contacts per week of the uniform policy, in [0, 50].
    tol : float, default=0.005
        Relative tolerance of :func:`~mcstudy.model.equalise` on the pilot. The replications
        draw other customers, so their contacts differ by the pilot's sampling noise as well.
    rng : None, int, SeedSequence or Generator, default=None
        Seed of the pilot (a design passes its ``pilot`` stream,
        :func:`mcstudy.experiments.design_stream`); each profile draws from its own stream under it.

    Returns
    -------
    dict of str to float
        ``pressure_<policy>_<profile>`` for every policy and profile, ready to be passed to
        :func:`affinity_gap_statistics`.
    """
    setup = {
        **dict(params or {}),
        "affinity_gap": gap,
        "n_customers": n_customers,
        "n_weeks": n_weeks,
        "pressure": pressure,
    }
    ctx, channels, policies, n, n_weeks = _gap_setup(setup)
    seeds = _profile_seeds(rng)
    out = {}
    for (profile, arms), seed in zip(policies.items(), seeds, strict=True):
        common = {
            "n_weeks": n_weeks,
            "response": ctx.response,
            "channels": channels,
            "rng": seed,
        }
        population = _profile_population(ctx.population, profile)
        pilot = simulate(
            replace(population, n_customers=n),
            {"uniform": arms["uniform"]},
            n_journeys=0,
            progress=False,
            **common,
        )
        value = float(pilot.customers["contacts_received"].mean())
        fair = equalise(
            arms,
            target="contacts",
            value=value,
            population=replace(population, n_customers=n * len(arms)),
            tol=tol,
            **common,
        )
        out.update({_pressure_name(a, profile): float(p) for a, p in fair.pressure.items()})
    return out


def _pressure_name(policy: str, profile: str) -> str:
    """The parameter that sets one arm's planned pressure."""
    return f"pressure_{policy}_{profile}"


def pressure_parameters(
    pressures, policies=("uniform", "segment", "individual")
) -> dict[str, float]:
    """The planned pressures of ``policies`` among ``pressures``, by their parameter names.

    Parameters
    ----------
    pressures : mapping of str to float
        ``pressure_<policy>_<profile>`` for every policy and profile, as
        :func:`equal_contact_pressures` gives them.
    policies : sequence of str, default=("uniform", "segment", "individual")
        The policies to keep (those of :func:`~mcstudy.studies.profiles.profile_statistics`
        by default).

    Returns
    -------
    dict of str to float
        The pressures of those policies, profile by profile.

    Raises
    ------
    ValueError
        If a policy is not one of :data:`GAP_POLICIES` or ``pressures`` lacks one of them.
    """
    unknown = [p for p in policies if p not in GAP_POLICIES]
    if unknown:
        raise ValueError(f"'policies' must be among {list(GAP_POLICIES)}; got {unknown}.")
    names = [_pressure_name(p, q) for q in PROFILES for p in policies]
    missing = [k for k in names if k not in pressures]
    if missing:
        raise ValueError(f"'pressures' lacks {missing}.")
    return {k: float(pressures[k]) for k in names}


@dataclass(frozen=True)
class AffinityGapSweep:
    """What :func:`affinity_gap_sweep` returns.

    Attributes
    ----------
    runs : pandas.DataFrame
        The replications, tidy (:func:`mcstudy.experiments.replicate` at each gap, one after the
        other, with the column ``affinity_gap``).
    pressures : pandas.DataFrame
        ``affinity_gap``, ``profile``, ``policy``, ``pressure``: the planned pressures at
        which the policies send equal contacts (:func:`equal_contact_pressures`).
    gaps : tuple of float
        The gaps, increasing.
    n_replications : int
        Replications per gap.
    seed : int
        Root seed: replication ``r`` uses the same stream at every gap.
    """

    runs: pd.DataFrame = field(repr=False)
    pressures: pd.DataFrame = field(repr=False)
    gaps: tuple[float, ...]
    n_replications: int
    seed: int

    def summary(self, alpha: float = 0.05) -> pd.DataFrame:
        """Gains of the segment policy by gap: mean, interval over replications and spread.

        Returns
        -------
        pandas.DataFrame
            One row per gap × comparator × outcome: ``affinity_gap``, ``comparator``,
            ``outcome`` (:data:`GAP_OUTCOMES`), ``metric``, and the columns of
            :func:`mcstudy.experiments.summarise_replications` (``mean`` the segment policy minus
            the comparator, ``ci_low``/``ci_high`` the t-interval of the mean, ``n`` the
            replications).
        """
        out = summarise_replications(
            self.runs, list(GAP_STATISTICS), by=["affinity_gap"], alpha=alpha
        )
        parts = GAP_GAINS.set_index("metric").loc[out["metric"]]
        out.insert(1, "comparator", parts["comparator"].to_numpy())
        out.insert(2, "outcome", parts["outcome"].to_numpy())
        return out

    def gains(self) -> pd.DataFrame:
        """Every replication's gains of the segment policy, with ``comparator`` and ``outcome``."""
        rows = self.runs[self.runs["metric"].isin(GAP_STATISTICS)]
        return rows.merge(GAP_GAINS, on="metric", how="left")

    def arms(self) -> pd.DataFrame:
        """Mean outcome of every policy by gap and profile (``all``: weighted by the shares)."""
        table = _arm_outcomes(self.runs).pivot_table(
            index=["affinity_gap", "profile", "policy"], columns="metric", values="value"
        )
        return table.rename_axis(columns="outcome")

    def distinguishable_from(self, metric: str, alpha: float = 0.05) -> float:
        """Smallest gap from which the gain's interval excludes zero, with one sign, to the end.

        Parameters
        ----------
        metric : str
            One of :data:`GAP_STATISTICS`.
        alpha : float, default=0.05
            Level of the intervals.

        Returns
        -------
        float
            The smallest gap of the sweep at which the interval of ``metric``, and that at
            every larger gap of the sweep, lies on one side of zero (the same side); NaN if
            the interval at the largest gap includes zero.
        """
        if metric not in GAP_STATISTICS:
            raise ValueError(f"'metric' must be one of {list(GAP_STATISTICS)}; got {metric!r}.")
        s = self.summary(alpha)
        s = s[s["metric"] == metric].sort_values("affinity_gap")
        sign = np.where(s["ci_low"] > 0, 1, np.where(s["ci_high"] < 0, -1, 0))
        first = np.nan
        for gap, sg in zip(s["affinity_gap"][::-1], sign[::-1], strict=True):
            if sg == 0 or sg != sign[-1]:
                break
            first = float(gap)
        return first

    def describe(self, metric: str, gap: float, alpha: float = 0.05) -> str:
        """The gain ``metric`` at one gap of the sweep and its interval, as text.

        Decimals follow the outcome (:data:`GAP_DECIMALS`); :func:`format_interval` writes it.

        Raises
        ------
        ValueError
            If ``metric`` is not one of :data:`GAP_STATISTICS` or ``gap`` not a gap of the
            sweep.
        """
        if metric not in GAP_STATISTICS:
            raise ValueError(f"'metric' must be one of {list(GAP_STATISTICS)}; got {metric!r}.")
        if gap not in self.gaps:
            raise ValueError(
                f"'gap' must be a gap of the sweep, one of {list(self.gaps)}; got {gap!r}."
            )
        s = self.summary(alpha)
        row = s[(s["metric"] == metric) & (s["affinity_gap"] == gap)].iloc[0]
        decimals = GAP_DECIMALS.get(str(row["outcome"]), 2)
        return format_interval(row["mean"], row["ci_low"], row["ci_high"], decimals)

    def describe_from(self, metric: str, alpha: float = 0.05) -> str:
        """From which gap on the gain ``metric`` stays distinguishable from zero, as text.

        Reads :meth:`distinguishable_from`: either "distinguishable from zero, <sign>, at every
        gap from <g> on (<gain at g>; <gain at the largest gap>)" or "not distinguishable from
        zero at the largest gap (<gain there>)".
        """
        start = self.distinguishable_from(metric, alpha)
        last = max(self.gaps)
        at_last = f"{self.describe(metric, last, alpha)} at gap {last:g}"
        if np.isnan(start):
            return f"not distinguishable from zero at the largest gap ({at_last})"
        s = self.summary(alpha)
        mean = s[(s["metric"] == metric) & (s["affinity_gap"] == last)]["mean"].iloc[0]
        sign = "positive" if mean > 0 else "negative"
        tail = f"; {at_last})" if start != last else ")"
        return (
            f"distinguishable from zero, {sign}, at every gap from {start:g} on "
            f"({self.describe(metric, start, alpha)}{tail}"
        )


def affinity_gap_sweep(
    gaps: Sequence[float],
    *,
    n_customers: int = 5000,
    n_weeks: int = 52,
    pressure: float = 1.0,
    params: dict | None = None,
    n_replications: int = 20,
    pilot_customers: int = 10_000,
    tol: float = 0.005,
    rng=None,
    backend: str = "serial",
    workers: int | None = None,
) -> AffinityGapSweep:
    """The randomised policies of :func:`affinity_gap_statistics` at a grid of affinity gaps.

    At each gap, the policies' pressures are first set to equal contacts
    (:func:`equal_contact_pressures`, on a pilot population drawn from the same stream at every
    gap), then :func:`mcstudy.experiments.replicate` runs ``n_replications`` replications with the
    same root seed at every gap: replication ``r`` draws the same customers' random streams at
    every gap (common random numbers), so that differences between gaps are not sampling noise
    of different populations.

    Parameters
    ----------
    gaps : sequence of float
        Affinity gaps, each in [0, :data:`MAX_AFFINITY_GAP`], distinct (sorted here).
    n_customers : int, default=5000
        Customers per profile and policy in each replication.
    n_weeks : int, default=52
        Weeks simulated.
    pressure : float, default=1.0
        Planned contacts per week of the uniform policy; the others send as many contacts.
    params : dict, default=None
        Model parameters by their names in ``data/parameters.csv``.
    n_replications : int, default=20
        Replications per gap.
    pilot_customers : int, default=10_000
        Customers per profile and policy of the pilot that sets the pressures.
    tol : float, default=0.005
        Relative tolerance of the equalisation on the pilot.
    rng : None, int, SeedSequence or Generator, default=None
        Root seed (:func:`mcstudy._random.run_seed`).
    backend, workers
        As in :func:`mcstudy.experiments.replicate`.

    Returns
    -------
    AffinityGapSweep

    Raises
    ------
    ValueError, TypeError
        On a bad argument, naming it, its value and what is allowed.
    """
    if isinstance(gaps, str) or not isinstance(gaps, Sequence) or not gaps:
        raise TypeError(f"'gaps' must be a non-empty sequence of numbers; got {gaps!r}.")
    values = [check_number(g, f"gaps[{k}]", 0.0, MAX_AFFINITY_GAP) for k, g in enumerate(gaps)]
    if len(set(values)) != len(values):
        raise ValueError(f"'gaps' must be distinct; got {list(gaps)}.")
    values = sorted(values)
    seed = run_seed(rng)
    pilot = design_stream(seed, "pilot")
    frames, pressures = [], []
    for gap in values:
        fair = equal_contact_pressures(
            gap,
            params=params,
            n_customers=pilot_customers,
            n_weeks=n_weeks,
            pressure=pressure,
            tol=tol,
            rng=pilot,
        )
        runs = replicate(
            affinity_gap_statistics,
            params={
                "affinity_gap": gap,
                **dict(params or {}),
                "n_customers": n_customers,
                "n_weeks": n_weeks,
                **fair,
            },
            n_replications=n_replications,
            rng=seed,
            backend=backend,
            workers=workers,
            progress=False,
        )
        frames.append(runs)
        pressures += [
            {"affinity_gap": gap, "profile": profile, "policy": policy, "pressure": fair[name]}
            for profile in PROFILES
            for policy in GAP_POLICIES
            if (name := _pressure_name(policy, profile)) in fair
        ]
    return AffinityGapSweep(
        runs=pd.concat(frames, ignore_index=True),
        pressures=pd.DataFrame(pressures),
        gaps=tuple(values),
        n_replications=n_replications,
        seed=seed,
    )
