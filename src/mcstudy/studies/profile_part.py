"""The part of a channel policy's gain that needs the customers' profiles to differ.

Source 000 credits channels that reach each segment "according to its habits and interests":
the gain of matching channels to segments should come from the segments being different. In
notebook 02's affinity-gap sweep (:mod:`~mcstudy.studies.affinity_gap`) the segment policy's
gain over a comparator at the catalogue's affinity gap (1) holds that part and a part that
appears even when both profiles share one mix (gap 0: leaning the mix toward the channels
customers prefer on average). The *profile part* is the gain at a gap minus the gain at gap
0, replication by replication on the same random streams (common random numbers):
:func:`profile_part` reads it from a sweep, :func:`profile_part_statistics` computes it at one
point of a robustness design, and :func:`profile_study_statistics` runs it with
:func:`~mcstudy.studies.profiles.profile_statistics` so that one design judges every claim of
notebook 02.

:data:`ULTRA_SEGMENTATION_PARTS` names the parts of the claim that ultra-segmentation improves
response *and* loyalty, each with the direction and smallest effect the registry states.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from mcstudy._validation import check_number
from mcstudy.experiments.summary import mean_interval
from mcstudy.studies._profile_policies import PROFILES
from mcstudy.studies._skeleton import simulation_seed
from mcstudy.studies.affinity_gap import (
    GAP_GAINS,
    GAP_POLICIES,
    MAX_AFFINITY_GAP,
    AffinityGapSweep,
    affinity_gap_statistics,
)
from mcstudy.studies.profiles import (
    PROFILE_POLICIES,
    arm_outcomes,
    profile_statistics,
    statistics_of,
)

__all__ = [
    "PROFILE_PART_NAMES",
    "PROFILE_PART_STATISTICS",
    "ULTRA_SEGMENTATION_PARTS",
    "ClaimPart",
    "gap_pressures",
    "profile_part",
    "profile_part_statistics",
    "profile_study_statistics",
]

#: The name of each gain's profile part (``profile_part_<comparator>_<outcome>``: the segment
#: policy's gain over the comparator at the gap minus the same at the reference gap), by the
#: gain's name (:data:`~mcstudy.studies.affinity_gap.GAP_STATISTICS`).
PROFILE_PART_NAMES = {
    g.metric: f"profile_part_{g.comparator}_{g.outcome}" for g in GAP_GAINS.itertuples()
}
#: What :func:`profile_part_statistics` returns.
PROFILE_PART_STATISTICS = tuple(PROFILE_PART_NAMES.values())


@dataclass(frozen=True)
class ClaimPart:
    """One part of a claim "A and B", read from a statistic of the study.

    Attributes
    ----------
    name : str
        The part, in the claim's words (``response``, ``loyalty``).
    statistic : str
        The statistic of the study it is judged on.
    direction : int or None, default=None
        +1 or -1 when the part's direction differs from the registry row's, else None (the
        row's).
    smallest_effect : float or None, default=None
        The part's smallest effect when it differs from the row's (another scale), else None.
    """

    name: str
    statistic: str
    direction: int | None = None
    smallest_effect: float | None = None

    def rule(self, registered):
        """The claim's registered rule with this part's direction and smallest effect."""
        changes = {}
        if self.direction is not None:
            changes["direction"] = self.direction
        if self.smallest_effect is not None:
            changes["smallest_effect"] = self.smallest_effect
        return replace(registered, **changes)


#: C002-04, "ultra-segmentation improves response and loyalty": individual routing minus the
#: segment mix, response on revenue (the registry row's direction and smallest effect) and
#: loyalty on churn (lower is better, one point of customers, as the row's estimand states).
ULTRA_SEGMENTATION_PARTS = (
    ClaimPart("response", "individual_minus_segment_revenue"),
    ClaimPart("loyalty", "individual_minus_segment_churn", direction=-1, smallest_effect=0.01),
)


def _check_gap_pair(gap, reference_gap) -> tuple[float, float]:
    gap = check_number(gap, "gap", 0.0, MAX_AFFINITY_GAP)
    reference_gap = check_number(reference_gap, "reference_gap", 0.0, MAX_AFFINITY_GAP)
    if gap == reference_gap:
        raise ValueError(
            f"'gap' and 'reference_gap' must differ (the part is the gain at one minus at the "
            f"other); got {gap!r} for both."
        )
    return gap, reference_gap


def profile_part(
    sweep: AffinityGapSweep,
    metric: str,
    *,
    gap: float = 1.0,
    reference_gap: float = 0.0,
    alpha: float = 0.05,
) -> pd.Series:
    """The gain ``metric`` at ``gap`` minus at ``reference_gap``, paired by replication.

    The sweep draws replication ``r`` from the same random streams at every gap, so the
    difference is taken within each replication and its mean gets the t-interval over
    replications (:func:`mcstudy.experiments.mean_interval`).

    Parameters
    ----------
    sweep : AffinityGapSweep
        From :func:`~mcstudy.studies.affinity_gap.affinity_gap_sweep`.
    metric : str
        One of :data:`~mcstudy.studies.affinity_gap.GAP_STATISTICS`
        (``segment_minus_<comparator>_<outcome>``).
    gap, reference_gap : float, default=1.0 and 0.0
        Two distinct gaps of the sweep.
    alpha : float, default=0.05
        Level of the interval.

    Returns
    -------
    pandas.Series
        ``metric`` (``profile_part_<comparator>_<outcome>``), ``mean``, ``ci_low``,
        ``ci_high``, ``n_replications``, ``gap`` and ``reference_gap``.

    Raises
    ------
    TypeError
        If ``sweep`` is not an :class:`AffinityGapSweep`.
    ValueError
        If ``metric`` is unknown, a gap is not in the sweep, the gaps are equal, or the two
        gaps do not hold the same replications.
    """
    if not isinstance(sweep, AffinityGapSweep):
        raise TypeError(f"'sweep' must be an AffinityGapSweep; got {type(sweep).__name__}.")
    if metric not in PROFILE_PART_NAMES:
        raise ValueError(f"'metric' must be one of {list(PROFILE_PART_NAMES)}; got {metric!r}.")
    gap, reference_gap = _check_gap_pair(gap, reference_gap)
    for name, value in (("gap", gap), ("reference_gap", reference_gap)):
        if value not in sweep.gaps:
            raise ValueError(
                f"{name!r} must be a gap of the sweep, one of {list(sweep.gaps)}; got {value!r}."
            )
    runs = sweep.runs[sweep.runs["metric"] == metric]
    wide = runs.pivot_table(index="replication", columns="affinity_gap", values="value")
    if wide[[gap, reference_gap]].isna().any().any():
        raise ValueError(
            f"the sweep's gaps {gap:g} and {reference_gap:g} do not hold the same replications "
            f"of {metric!r}; the part is paired by replication."
        )
    diff = (wide[gap] - wide[reference_gap]).to_numpy()
    low, high = mean_interval(diff, alpha)
    return pd.Series(
        {
            "metric": PROFILE_PART_NAMES[metric],
            "mean": float(diff.mean()),
            "ci_low": low,
            "ci_high": high,
            "n_replications": int(diff.size),
            "gap": gap,
            "reference_gap": reference_gap,
        }
    )


def gap_pressures(sweep: AffinityGapSweep, gaps) -> dict[float, dict[str, float]]:
    """The planned pressures the sweep set at each of ``gaps``, by their parameter names.

    Returns
    -------
    dict of float to dict of str to float
        ``{gap: {"pressure_<policy>_<profile>": pressure}}``, as
        :func:`profile_part_statistics` takes them in ``gap_pressures``.
    """
    if not isinstance(sweep, AffinityGapSweep):
        raise TypeError(f"'sweep' must be an AffinityGapSweep; got {type(sweep).__name__}.")
    out = {}
    for g in gaps:
        rows = sweep.pressures[sweep.pressures["affinity_gap"] == g]
        if rows.empty:
            raise ValueError(
                f"'gaps' must be gaps of the sweep, among {list(sweep.gaps)}; got {g!r}."
            )
        out[float(g)] = {
            f"pressure_{r.policy}_{r.profile}": float(r.pressure) for r in rows.itertuples()
        }
    return out


def profile_part_statistics(params: dict, rng: np.random.SeedSequence) -> dict[str, float]:
    """The profile part of every gain of the segment policy, at one point of a design.

    Runs :func:`~mcstudy.studies.affinity_gap.affinity_gap_statistics` at ``affinity_gap``
    and at ``reference_gap`` from one seed drawn from ``rng`` (the same streams at both gaps:
    common random numbers) and returns the difference of each gain.

    Parameters
    ----------
    params : dict
        ``affinity_gap`` (default 1, the catalogue), ``reference_gap`` (default 0),
        ``gap_pressures`` (default None: ``{gap: {"pressure_<policy>_<profile>": value}}``,
        each gap's equal-contact pressures, e.g. from :func:`gap_pressures`; without it every
        arm plans ``pressure``), and what
        :func:`~mcstudy.studies.affinity_gap.affinity_gap_statistics` takes (``n_customers``,
        ``n_weeks``, ``pressure`` and model parameters).
    rng : numpy.random.SeedSequence
        The study's seed sequence, used for both windows.

    Returns
    -------
    dict of str to float
        :data:`PROFILE_PART_STATISTICS`.

    Raises
    ------
    TypeError
        If ``gap_pressures`` is not a mapping of gaps to mappings.
    ValueError
        If the gaps are out of range or equal, or ``gap_pressures`` lacks one of them.
    """
    params = dict(params)
    gap, reference_gap = _check_gap_pair(
        params.pop("affinity_gap", 1.0), params.pop("reference_gap", 0.0)
    )
    pressures = params.pop("gap_pressures", None)
    if pressures is not None:
        if not isinstance(pressures, Mapping) or not all(
            isinstance(v, Mapping) for v in pressures.values()
        ):
            raise TypeError(
                "'gap_pressures' must map each gap to a mapping of pressure names to values; "
                f"got {pressures!r}."
            )
        missing = [g for g in (gap, reference_gap) if g not in pressures]
        if missing:
            raise ValueError(
                f"'gap_pressures' must hold the pressures of both gaps {[gap, reference_gap]}; "
                f"missing {missing}."
            )
        names = {f"pressure_{p}_{q}" for p in GAP_POLICIES for q in PROFILES}
        for g in (gap, reference_gap):
            unknown = sorted(k for k in pressures[g] if k not in names)
            if unknown:
                raise ValueError(
                    f"'gap_pressures'[{g!r}] must name arms as 'pressure_<policy>_<profile>' "
                    f"(policies {list(GAP_POLICIES)}); got {unknown}."
                )
    seed = simulation_seed(rng)
    at = {}
    for g in (gap, reference_gap):
        arm_pressures = dict(pressures[g]) if pressures is not None else {}
        at[g] = statistics_of(
            affinity_gap_statistics({**params, **arm_pressures, "affinity_gap": g}, seed)
        )
    return {
        part: at[gap][gain] - at[reference_gap][gain] for gain, part in PROFILE_PART_NAMES.items()
    }


def profile_study_statistics(params: dict, rng: np.random.SeedSequence) -> dict[str, float]:
    """Every statistic notebook 02's claims are judged on, at one point of a design.

    :func:`~mcstudy.studies.profiles.profile_statistics` (its own pressures
    ``pressure_<policy>_<profile>``, ``n_customers``, ``n_weeks`` and the model parameters)
    and :func:`profile_part_statistics` (the same model parameters, customers and weeks, with
    ``affinity_gap``, ``reference_gap`` and ``gap_pressures``), in that order from ``rng``
    (so the first draws what ``profile_statistics`` alone would).

    Returns
    -------
    dict of str to float
        The statistics of both, and ``<policy>_contacts_per_customer``: the contacts per
        customer each policy of ``profile_statistics`` sent (both profiles weighted by their
        shares), which shows how equal the contacts stay away from the pilot's parameters.
    """
    params = dict(params)
    part = {
        k: params.pop(k) for k in ("affinity_gap", "reference_gap", "gap_pressures") if k in params
    }
    shared = {k: v for k, v in params.items() if "." in k or k in ("n_customers", "n_weeks")}
    table = profile_statistics(params, rng)
    both = arm_outcomes(table).loc["all"]
    contacts = {
        f"{policy}_contacts_per_customer": float(both.loc[policy, "contacts_per_customer"])
        for policy in PROFILE_POLICIES
    }
    parts = profile_part_statistics({**shared, **part}, rng)
    return {**statistics_of(table), **contacts, **parts}
