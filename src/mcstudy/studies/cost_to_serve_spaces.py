"""Notebook 06's robustness spaces, to be judged over what the data allow (``docs/model.md`` §9.6).

Notebook 06 runs two robustness designs, and this module builds each as an
:class:`~mcstudy.experiments.data_allowed.AllowedSpace` (the same study, parameters and run
settings as the notebook):

- :func:`cost_to_serve_space`, the consumer design (section 8):
  :func:`~mcstudy.studies.cost_to_serve.cost_to_serve_contrasts` over
  :data:`~mcstudy.studies.cost_to_serve_claims.ROBUSTNESS_PARAMETERS`. Its claim is C002-07,
  the one claim whose verdict the notebook records from the consumer context; it also judges
  C000-05, C000-08 and C002-05 there, but records their verdicts (and their ``hinges_on``,
  ``business.*`` names) from the business design.
- :func:`cost_to_serve_business_space`, the business design (section 9):
  :func:`~mcstudy.studies.cost_to_serve.business_cost_to_serve_contrasts` over the business
  context's ranges (:func:`~mcstudy.studies.cost_to_serve_claims.business_design_space`), with
  C000-05, C000-08 and C002-05.

Each claim is judged on one statistic, as
:func:`mcstudy.studies.data_allowed_spaces.allowed_space_tables` asks. The notebook's judges
(:class:`~mcstudy.studies.cost_to_serve_claims.PartsJudge`) give the same answer for a claim of
one part; C002-05, of two parts, is judged on the part its recorded verdict uses (the weaker,
``small_mail_minus_phone_margin`` in the business context), and its recorded reference verdict
is inconclusive, which has no region to hold in.

**The targets' context.** :func:`~mcstudy.experiments.data_allowed.simulate_space` sets the
targets' context with :func:`~mcstudy.model.context.model_context` from the point's
``population.``, ``response.`` and ``channel.`` parameters; ``model_context`` takes only scalar
population fields and refuses the consumer design's ``population.tier_shares.small`` and
``population.tier_value_multipliers.key_account``, which the study applies itself (a new small
share rescales the other two; the multipliers scale the baskets, and so Hillstrom's spend).
The consumer space's :func:`targets_context` applies them to the targets' context the study's
way (:attr:`~mcstudy.experiments.data_allowed.AllowedSpace.targets_context`). ``business.*``,
``strategy.*`` and ``study.*`` parameters do not enter the targets (consumer targets say nothing
of them).
"""

from __future__ import annotations

from collections.abc import Mapping

from mcstudy.experiments.data_allowed import AllowedSpace
from mcstudy.model.context import ModelContext, model_context
from mcstudy.studies.cost_to_serve import (
    _population,
    business_cost_to_serve_contrasts,
    cost_to_serve_contrasts,
)
from mcstudy.studies.cost_to_serve_claims import (
    BUSINESS_CLAIMS,
    BUSINESS_OTHER_PARAMETERS,
    CLAIM_STATISTICS,
    ROBUSTNESS_PARAMETERS,
    business_design_space,
)

__all__ = [
    "BUSINESS_SPACE_FIXED",
    "SPACE_FIXED",
    "cost_to_serve_business_space",
    "cost_to_serve_space",
    "targets_context",
]

#: The consumer design's run settings: notebook 06's ``ROBUSTNESS_PER_ARM`` customers per arm,
#: ``N_WEEKS`` weeks and base ``PRESSURE`` (section 8's ``fixed``).
SPACE_FIXED = {"n_customers": 800, "n_weeks": 52, "pressure": 0.25}
#: The business design's: ``BUSINESS_ROBUSTNESS_PER_ARM`` accounts per arm (section 9).
BUSINESS_SPACE_FIXED = {"n_customers": 1_500, "n_weeks": 52, "pressure": 0.25}


def cost_to_serve_space() -> AllowedSpace:
    """Notebook 06's consumer design: channel costs and persuasion, tiers, the price elasticity.

    Returns
    -------
    AllowedSpace
        ``cost_to_serve``: :func:`~mcstudy.studies.cost_to_serve.cost_to_serve_contrasts` over
        the 13 parameters of
        :data:`~mcstudy.studies.cost_to_serve_claims.ROBUSTNESS_PARAMETERS`, at
        :data:`SPACE_FIXED`; the claims recorded from it (C002-07) and their statistics.
    """
    return AllowedSpace(
        name="cost_to_serve",
        notebook="06",
        study=cost_to_serve_contrasts,
        parameters=tuple(ROBUSTNESS_PARAMETERS),
        claim_statistics={c: s for c, s in CLAIM_STATISTICS.items() if c not in BUSINESS_CLAIMS},
        fixed=dict(SPACE_FIXED),
        targets_context=targets_context,
    )


def cost_to_serve_business_space() -> AllowedSpace:
    """Notebook 06's business design: the business context's numbers, tier pressure, persuasion.

    Returns
    -------
    AllowedSpace
        ``cost_to_serve_business``:
        :func:`~mcstudy.studies.cost_to_serve.business_cost_to_serve_contrasts` over the
        explicit ranges of
        :func:`~mcstudy.studies.cost_to_serve_claims.business_design_space` (the business
        parameters and
        :data:`~mcstudy.studies.cost_to_serve_claims.BUSINESS_OTHER_PARAMETERS`), at
        :data:`BUSINESS_SPACE_FIXED`; C000-05, C000-08 and C002-05 and their statistics.
    """
    return AllowedSpace(
        name="cost_to_serve_business",
        notebook="06",
        study=business_cost_to_serve_contrasts,
        parameters=business_design_space(others=BUSINESS_OTHER_PARAMETERS),
        claim_statistics={c: CLAIM_STATISTICS[c] for c in BUSINESS_CLAIMS},
        fixed=dict(BUSINESS_SPACE_FIXED),
    )


def targets_context(params: Mapping[str, float]) -> ModelContext:
    """The context the targets are simulated at: ``params`` applied as the consumer study does.

    :func:`~mcstudy.model.context.model_context` of ``params``, with
    ``population.tier_shares.small`` and ``population.tier_value_multipliers.<tier>`` applied
    to the population first (as :func:`~mcstudy.studies.cost_to_serve.cost_to_serve_contrasts`
    applies them: a new small share rescales the medium and key-account shares).

    Parameters
    ----------
    params : mapping of str to float
        Model parameters by their names in ``data/parameters.csv``.

    Returns
    -------
    ModelContext
    """
    if not isinstance(params, Mapping):
        raise TypeError(f"'params' must be a mapping of names to values; got {params!r}.")
    rest = dict(params)
    population = _population(rest, model_context().population)
    return model_context(rest, population=population)
