"""What the two profile studies share: channels, run parameters, populations, outcome tables.

:mod:`~mcstudy.studies.profiles` (uniform, segment and individual policies) and
:mod:`~mcstudy.studies.affinity_gap` (the same policies, and ``pooled``, as the profiles'
affinities move apart) mix the same outbound channels, read the same run parameters, simulate
each profile apart and return the same kind of table: one row per statistic, or per profile,
policy and outcome.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pandas as pd

from mcstudy._random import study_stream
from mcstudy._validation import check_number
from mcstudy.studies._skeleton import pop_sizes, simulation_seed

__all__ = ["OUTBOUND", "PROFILES"]

#: The outbound channels the policies mix.
OUTBOUND = ("email", "sms", "postal_mail", "telephone")
#: The two relational profiles, simulated apart; ``all`` weights them by their shares.
PROFILES = ("social", "autonomous")


def _pop_run_parameters(params: Mapping, policies) -> tuple[dict, int, int, dict]:
    """``params`` without its run parameters; customers per arm, weeks and the arms' pressures.

    Every arm's pressure is ``pressure_<policy>_<profile>`` if given, else ``pressure``; each
    is checked, as are the sizes (:func:`~mcstudy.studies._skeleton.pop_sizes`).
    """
    params, n, n_weeks = pop_sizes(params, 5000)
    pressure = check_number(params.pop("pressure", 1.0), "pressure", 0.0, 50.0)
    pressures = {
        (policy, profile): check_number(
            params.pop(f"pressure_{policy}_{profile}", pressure),
            f"pressure_{policy}_{profile}",
            0.0,
            50.0,
        )
        for profile in PROFILES
        for policy in policies
    }
    return params, n, n_weeks, pressures


def _profile_seeds(rng) -> list[np.random.SeedSequence]:
    """One seed sequence per profile, under the study's (the streams every profile study uses)."""
    ss = simulation_seed(rng)
    return [study_stream(ss, "profile", k) for k in range(len(PROFILES))]


def _profile_population(population, profile: str):
    """``population`` with every customer of ``profile``."""
    return replace(population, social_share=1.0 if profile == "social" else 0.0)


def _profile_shares(population) -> dict[str, float]:
    """The profiles' shares of the population, by profile."""
    return {"social": population.social_share, "autonomous": 1.0 - population.social_share}


def _weighted(outcomes: dict[str, pd.DataFrame], shares: Mapping[str, float]) -> pd.DataFrame:
    """Both profiles' outcomes weighted by their shares (the whole population's)."""
    return sum(shares[p] * outcomes[p] for p in shares)


def _tidy(statistics: Mapping[str, float], outcomes: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """One table of a profile study: its statistics, then every profile's and policy's outcomes.

    Columns ``profile``, ``policy`` (None on a statistic's row), ``metric`` and ``value``;
    ``outcomes`` maps a profile to a table indexed by policy with one column per outcome.
    """
    rows = [(None, None, m, float(v)) for m, v in statistics.items()]
    for profile, table in outcomes.items():
        for policy, values in table.iterrows():
            rows += [(profile, policy, m, float(v)) for m, v in values.items()]
    return pd.DataFrame(rows, columns=["profile", "policy", "metric", "value"])


def _statistics(table: pd.DataFrame) -> dict[str, float]:
    """The statistics' rows of a profile study's table, by name."""
    rows = table[table["profile"].isna()]
    return dict(zip(rows["metric"], rows["value"].astype(float), strict=True))


def _arm_outcomes(runs: pd.DataFrame) -> pd.DataFrame:
    """The profiles' and policies' outcomes of a profile study's table or replications."""
    return runs[runs["profile"].notna()]
