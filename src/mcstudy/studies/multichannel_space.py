"""Notebook 03's robustness space, to be judged over what the data allow (``docs/model.md`` §9.6).

Notebook 03 judges C000-07 (multichannel customers buy more, read as an association against
what the channels cause) over one robustness design:
:func:`~mcstudy.studies.multichannel.multichannel_statistics` over the plausible ranges of
:data:`ROBUSTNESS_PARAMETERS` (how engagement, breadth and purchase rate are drawn), at
:data:`ROBUSTNESS_CUSTOMERS` customers a point. Its judge reads two statistics, the observed gap
and the caused increase (:func:`~mcstudy.studies.multichannel_claims.association_judges`), so
the space gives its own (:attr:`~mcstudy.experiments.data_allowed.AllowedSpace.judges`).
"""

from __future__ import annotations

from mcstudy.experiments.data_allowed import AllowedSpace
from mcstudy.studies.multichannel import multichannel_statistics
from mcstudy.studies.multichannel_claims import association_judges

__all__ = ["ROBUSTNESS_CUSTOMERS", "ROBUSTNESS_PARAMETERS", "multichannel_space"]

#: The parameters notebook 03's design varies over their plausible ranges.
ROBUSTNESS_PARAMETERS = (
    "population.engagement_breadth_link",
    "population.breadth_purchase_effect",
    "population.engagement_sigma",
    "population.breadth_rate",
    "population.rate_shape",
    "population.purchase_rate_per_week",
)
#: Customers at each point of its design.
ROBUSTNESS_CUSTOMERS = 30_000


def _association_judge(rule, verdict: str):
    """C000-07's judge of a point: the association rule gives ``verdict`` there."""
    return association_judges(rule, verdict)["C000-07"]


def multichannel_space() -> AllowedSpace:
    """Notebook 03's space: how engagement, channel breadth and purchase rate are drawn.

    Returns
    -------
    AllowedSpace
        ``multichannel``: :func:`~mcstudy.studies.multichannel.multichannel_statistics` over
        :data:`ROBUSTNESS_PARAMETERS` at :data:`ROBUSTNESS_CUSTOMERS` customers; C000-07,
        judged on the gap between customers of two or more channels and those of one
        (``gap_during_2plus``) against what the channels cause, by the association rule.
    """
    return AllowedSpace(
        name="multichannel",
        notebook="03",
        study=multichannel_statistics,
        parameters=ROBUSTNESS_PARAMETERS,
        claim_statistics={"C000-07": "gap_during_2plus"},
        fixed={"n_customers": ROBUSTNESS_CUSTOMERS},
        judges={"C000-07": _association_judge},
    )
