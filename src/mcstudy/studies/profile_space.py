"""Notebook 02's robustness space, to be judged over what the data allow (``docs/model.md`` §9.6).

Notebook 02 judges its profile claims over one robustness design:
:func:`~mcstudy.studies.profile_part.profile_study_statistics` over the plausible ranges of
:data:`~mcstudy.studies.profile_claims.ROBUSTNESS_PARAMETERS`, every point run at the
equal-contact pressures of the reference context. Those pressures come from the notebook's
pilots: section 4's (affinity gap 1, the catalogue) for the three policies of
:func:`~mcstudy.studies.profiles.profile_statistics`, and the affinity-gap sweep's at the two
gaps whose difference is the profile part (1 and 0). The sweep sets each gap's pressures on
a pilot drawn from the same ``pilot`` stream at every gap, apart from its replications, so
:func:`pilot_gap_pressures` computes the same pressures at those two gaps without the sweep
(section 4's pilot is the sweep's at gap 1).

:func:`profiles_space` builds the space as the notebook runs it
(:class:`~mcstudy.experiments.data_allowed.AllowedSpace`), with the claims its design judges:
C000-15 and C001-02 on their statistics
(:data:`~mcstudy.studies.profile_claims.CLAIM_STATISTICS`) and C002-04 on the statistic of
its weaker part at the reference (:func:`recorded_weaker_part`, read from the recorded
verdict). C000-02 is inconclusive at the reference, so the design does not judge it.

C002-04 is judged by its part's rule (the part's direction and smallest effect, on the
part's scale), not by the registered rule: :func:`profile_space_rules` gives the rules, which
the space carries (:attr:`~mcstudy.experiments.data_allowed.AllowedSpace.rules`; the
registry's rule would read a churn difference on the revenue scale of the response part).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from mcstudy._random import design_stream, run_seed
from mcstudy._validation import check_frame
from mcstudy.claims.rules import Rule, rule_for
from mcstudy.config import VERDICTS_CSV
from mcstudy.experiments.data_allowed import AllowedSpace
from mcstudy.studies.affinity_gap import equal_contact_pressures, pressure_parameters
from mcstudy.studies.profile_claims import (
    CLAIM_STATISTICS,
    ROBUSTNESS_PARAMETERS,
    verdict_measures,
)
from mcstudy.studies.profile_part import (
    ULTRA_SEGMENTATION_PARTS,
    ClaimPart,
    profile_study_statistics,
)

__all__ = [
    "GAP_PILOT",
    "N_WEEKS",
    "PART_GAPS",
    "ROBUSTNESS_PER_ARM",
    "SEED",
    "pilot_gap_pressures",
    "profile_space_rules",
    "profiles_space",
    "recorded_weaker_part",
]

# Notebook 02's settings (its first cell defines the same values; it should import these).
#: Root seed of notebook 02.
SEED = 20261125
#: Weeks simulated.
N_WEEKS = 52
#: Pilot customers per profile and policy that set equal contacts.
GAP_PILOT = 10_000
#: Customers per profile and policy at each point of the robustness design (one point's study
#: takes about 1.3 s on two shared cores).
ROBUSTNESS_PER_ARM = 1_500
#: The affinity gaps of the profile part: the catalogue's, and 0 (both profiles share one mix).
PART_GAPS = (1.0, 0.0)
#: The claim judged on the weaker of its parts.
PART_CLAIM = "C002-04"


def pilot_gap_pressures(
    gaps: Sequence[float] = PART_GAPS,
    *,
    n_customers: int = GAP_PILOT,
    n_weeks: int = N_WEEKS,
    rng=SEED,
) -> dict[float, dict[str, float]]:
    """The equal-contact pressures the affinity-gap sweep sets at ``gaps``, without the sweep.

    :func:`~mcstudy.studies.affinity_gap.affinity_gap_sweep` sets each gap's pressures by
    :func:`~mcstudy.studies.affinity_gap.equal_contact_pressures` on a pilot drawn from the
    ``pilot`` stream of its root seed (:func:`mcstudy.experiments.design_stream`), the same
    at every gap and apart from the replications; this runs those pilots alone.

    Parameters
    ----------
    gaps : sequence of float, default=PART_GAPS
        Affinity gaps.
    n_customers : int, default=GAP_PILOT
        Pilot customers per profile and policy (the sweep's ``pilot_customers``).
    n_weeks : int, default=N_WEEKS
        Weeks.
    rng : int, SeedSequence or Generator, default=SEED
        The sweep's root seed (:func:`mcstudy._random.run_seed`).

    Returns
    -------
    dict of float to dict of str to float
        ``{gap: {"pressure_<policy>_<profile>": pressure}}`` for the four policies of the
        sweep, as :func:`~mcstudy.studies.profile_part.gap_pressures` reads them from a sweep.
    """
    pilot = design_stream(run_seed(rng), "pilot")
    return {
        float(g): equal_contact_pressures(g, n_customers=n_customers, n_weeks=n_weeks, rng=pilot)
        for g in gaps
    }


def recorded_weaker_part(verdicts: pd.DataFrame) -> ClaimPart:
    """The part of C002-04 its recorded verdict was judged on (the weaker at the reference).

    The notebook judges each part of C002-04 at the reference and the claim on the weaker
    (:func:`~mcstudy.studies.profile_claims.judge_parts`); its recorded ``measure`` is
    :func:`~mcstudy.studies.profile_claims.verdict_measures`' text for that part.

    Raises
    ------
    ValueError
        If ``verdicts`` has no row for C002-04 or its measure is that of no part.
    """
    check_frame(verdicts, ["claim_id", "measure"], "verdicts")
    rows = verdicts[verdicts["claim_id"] == PART_CLAIM]
    if rows.empty:
        raise ValueError(f"'verdicts' has no row for {PART_CLAIM}.")
    measure = rows["measure"].iloc[0]
    for part in ULTRA_SEGMENTATION_PARTS:
        names = [p.name for p in ULTRA_SEGMENTATION_PARTS]
        weaker = pd.DataFrame({"weaker": [n == part.name for n in names]}, index=names)
        if verdict_measures(weaker)[PART_CLAIM] == measure:
            return part
    raise ValueError(
        f"the measure of {PART_CLAIM} in 'verdicts' is that of none of its parts "
        f"{[p.name for p in ULTRA_SEGMENTATION_PARTS]}; got {measure!r}."
    )


def _verdicts(verdicts: pd.DataFrame | None) -> pd.DataFrame:
    return pd.read_csv(VERDICTS_CSV) if verdicts is None else verdicts


def _claim_statistics(part: ClaimPart) -> dict[str, str]:
    return {**CLAIM_STATISTICS, PART_CLAIM: part.statistic}


def profile_space_rules(verdicts: pd.DataFrame | None = None) -> dict[str, Rule]:
    """The rules the design judges its claims by: the registry's, C002-04's weaker part's.

    As :func:`~mcstudy.studies.profile_claims.profile_claim_rules`, the weaker part taken from
    the recorded verdict (:func:`recorded_weaker_part`; ``results/verdicts.csv`` when
    ``verdicts`` is None).
    """
    part = recorded_weaker_part(_verdicts(verdicts))
    rules = {c: rule_for(c) for c in CLAIM_STATISTICS}
    return {**rules, PART_CLAIM: part.rule(rule_for(PART_CLAIM))}


def profiles_space(verdicts: pd.DataFrame | None = None) -> AllowedSpace:
    """Notebook 02's space: profile affinities, social share, costs and the response's mechanisms.

    The study, parameters and fixed settings of the notebook's robustness design: section 4's
    equal-contact pressures (pilot at gap 1) and the sweep's at gaps 1 and 0
    (:func:`pilot_gap_pressures`, the same pilots; about 10 s), :data:`ROBUSTNESS_PER_ARM`
    customers per profile and policy, :data:`N_WEEKS` weeks. The claims are those the design
    judges, C002-04 on its recorded weaker part (:func:`recorded_weaker_part`,
    ``results/verdicts.csv`` when ``verdicts`` is None).
    """
    part = recorded_weaker_part(_verdicts(verdicts))
    pressures = pilot_gap_pressures(PART_GAPS)
    return AllowedSpace(
        name="profiles",
        notebook="02",
        study=profile_study_statistics,
        parameters=tuple(ROBUSTNESS_PARAMETERS),
        claim_statistics=_claim_statistics(part),
        rules=profile_space_rules(verdicts),
        fixed={
            "n_customers": ROBUSTNESS_PER_ARM,
            "n_weeks": N_WEEKS,
            **pressure_parameters(pressures[PART_GAPS[0]]),
            "gap_pressures": pressures,
        },
    )
