"""Notebook 05's two robustness spaces, to be judged over what the data allow (§9.6).

Notebook 05 judges its simulated claims over two robustness designs
(:func:`mcstudy.experiments.robustness.assess_robustness`), each built here as an
:class:`~mcstudy.experiments.data_allowed.AllowedSpace` as the notebook runs it:

- :func:`integration_space`: :func:`~mcstudy.studies.integration.integration_contrasts` on the
  core arms (``design="core"``), at the contact pressures that equalise the contacts of every
  arm of the full path (:func:`integration_pressures`), over
  :data:`INTEGRATION_ROBUSTNESS_PARAMETERS`; the claims of
  :data:`~mcstudy.studies.integration_findings.INTEGRATION_CLAIMS`;
- :func:`coordination_space`: :func:`~mcstudy.studies.integration.coordination_contrasts` over
  :data:`COORDINATION_ROBUSTNESS_PARAMETERS`; the claims of
  :data:`~mcstudy.studies.integration_findings.COORDINATION_CLAIMS`.

The parameter lists and run settings are the notebook's (its ``ROBUSTNESS_PARAMETERS`` and
``COORDINATION_PARAMETERS`` cells, its ``SEED``, ``N_WEEKS``, ``EQUALISE_PER_ARM`` and
``ROBUSTNESS_PER_ARM``); the notebook should import the two lists from here.
"""

from __future__ import annotations

from mcstudy.experiments.data_allowed import AllowedSpace
from mcstudy.model import PopulationSpec, equalise
from mcstudy.studies.integration import (
    coordination_contrasts,
    integration_arms,
    integration_contrasts,
)
from mcstudy.studies.integration_findings import COORDINATION_CLAIMS, INTEGRATION_CLAIMS

__all__ = [
    "COORDINATION_ROBUSTNESS_PARAMETERS",
    "INTEGRATION_ROBUSTNESS_PARAMETERS",
    "coordination_space",
    "integration_pressures",
    "integration_space",
]

#: The parameters notebook 05's integration design varies over their plausible ranges
#: (``data/parameters.csv``); its ``ROBUSTNESS_PARAMETERS``.
INTEGRATION_ROBUSTNESS_PARAMETERS = (
    "response.inconsistency_irritation",
    "response.inconsistency_persuasion",
    "response.effort_irritation",
    "response.churn_effort",
    "response.service_rate_per_week",
    "response.relationship_per_resolved_service",
    "response.retention_effect",
    "response.churn_irritation",
    "response.history_contact_pressure",  # integration that costs (docs/model.md 7.15)
    "response.consistency_offer_loss",
)
#: ... and its coordination design (its ``COORDINATION_PARAMETERS``).
COORDINATION_ROBUSTNESS_PARAMETERS = (
    "population.purchase_rate_per_week",
    "population.consent_rate",
    "response.churn_base_per_week",
)
#: Notebook 05's run settings: root seed, weeks, customers per arm when the pressures are
#: equalised, and customers per arm at each point of the integration and coordination designs.
SEED, N_WEEKS, EQUALISE_PER_ARM = 20261124, 52, 1_500
ROBUSTNESS_PER_ARM, COORDINATION_PER_POINT = 1_000, 300


def integration_pressures(
    *, per_arm: int = EQUALISE_PER_ARM, n_weeks: int = N_WEEKS, rng=SEED
) -> dict[str, float]:
    """The core arms' contact pressures at equal contacts, as notebook 05 computes them.

    :func:`mcstudy.model.equalise` of every arm of the full integration path
    (:func:`~mcstudy.studies.integration.integration_arms`) to their mean contacts per
    customer, on one population of ``per_arm`` customers per arm, then the pressures of the
    core arms (``integration_arms("core")``), which the robustness design runs (about 1 s at
    the defaults; 8 s when the engine is first compiled).

    Parameters
    ----------
    per_arm : int, default=EQUALISE_PER_ARM
        Customers per arm of the equalising population (the notebook's ``EQUALISE_PER_ARM``).
    n_weeks : int, default=N_WEEKS
        Weeks simulated.
    rng : None, int or SeedSequence, default=SEED
        The equalising simulations' root (the notebook's ``SEED``).

    Returns
    -------
    dict of str to float
        Core arm -> contact pressure (planned contacts a week).
    """
    arms = integration_arms()
    equal = equalise(
        arms,
        target="contacts",
        population=PopulationSpec(n_customers=per_arm * len(arms)),
        n_weeks=n_weeks,
        rng=rng,
    )
    core = set(integration_arms("core"))
    return {a: float(p) for a, p in dict(equal.pressure).items() if a in core}


def integration_space() -> AllowedSpace:
    """Notebook 05's integration design: the core arms at equal contacts, its ten parameters.

    The study is :func:`~mcstudy.studies.integration.integration_contrasts` with the
    notebook's ``fixed`` settings: :data:`ROBUSTNESS_PER_ARM` customers per arm,
    :data:`N_WEEKS` weeks, ``design="core"`` and the pressures of
    :func:`integration_pressures` (computed here).
    """
    return AllowedSpace(
        name="integration",
        notebook="05",
        study=integration_contrasts,
        parameters=INTEGRATION_ROBUSTNESS_PARAMETERS,
        claim_statistics=dict(INTEGRATION_CLAIMS),
        fixed={
            "n_customers": ROBUSTNESS_PER_ARM,
            "n_weeks": N_WEEKS,
            "design": "core",
            "pressures": integration_pressures(),
        },
    )


def coordination_space() -> AllowedSpace:
    """Notebook 05's coordination design: uncoordinated teams over its three parameters.

    The study is :func:`~mcstudy.studies.integration.coordination_contrasts` with the
    notebook's ``fixed`` settings (:data:`COORDINATION_PER_POINT` customers per arm,
    :data:`N_WEEKS` weeks).
    """
    return AllowedSpace(
        name="coordination",
        notebook="05",
        study=coordination_contrasts,
        parameters=COORDINATION_ROBUSTNESS_PARAMETERS,
        claim_statistics=dict(COORDINATION_CLAIMS),
        fixed={"n_customers": COORDINATION_PER_POINT, "n_weeks": N_WEEKS},
    )
