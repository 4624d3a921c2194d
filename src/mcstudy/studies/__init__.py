"""The studies of the notebooks: experiments on the simulator and the statistics they report.

One module per question, each called by its study notebook (the notebook holds the prose and
the verdicts, the module the logic and its tests): :mod:`~mcstudy.studies.pressure` for
contact-pressure response curves (intrusiveness, attention and permission);
:mod:`~mcstudy.studies.arms` for replicated randomised comparisons of contact policies at
equal contacts or budget; :mod:`~mcstudy.studies.attention` for the one randomised
experiment behind every intrusiveness, attention and permission claim;
:mod:`~mcstudy.studies.profiles` for relational profiles and segment-matched, uniform and
individual channel policies, :mod:`~mcstudy.studies.affinity_gap` for how their gain
depends on the affinity gap between the profiles, and :mod:`~mcstudy.studies.profile_part` for
the part of that gain that needs the profiles to differ; :mod:`~mcstudy.studies.integration` for
integration and silos (with what notebook 05 builds from its outputs in
:mod:`~mcstudy.studies.integration_report`); :mod:`~mcstudy.studies.multichannel` for the
multichannel purchase gap (observational, causal, and its split into mechanics, selection and
cause);
:mod:`~mcstudy.studies.cost_to_serve` for channels assigned by customer value (an exact search
over tier-to-channel assignments at equal budget), the call centre and the price ladder;
:mod:`~mcstudy.studies.cross_channel` for cross-channel influence (notebook 07), with its arms
in :mod:`~mcstudy.studies.cross_channel_design` and the grading of attribution methods against
each channel's causal contribution in :mod:`~mcstudy.studies.attribution_grading`;
:mod:`~mcstudy.studies.completejourney_study` for the panels of the Complete Journey notebook
(campaign cohorts, the promotion panel) and :mod:`~mcstudy.studies.completejourney_coupons` for
its coupon redeemers. The registered studies that the replicate and sweep machinery runs by
name are in :mod:`mcstudy.experiments.sweep_studies`.
"""

from mcstudy.studies.arms import ARM_METRICS, EQUAL, arm_contrasts, compare_arms
from mcstudy.studies.cost_to_serve import cost_to_serve_statistics, search_assignments
from mcstudy.studies.cross_channel import (
    celio_statistics,
    cross_channel_statistics,
    grading_table,
)
from mcstudy.studies.pressure import (
    PRESSURE_METRICS,
    ResponseCurve,
    fit_response_curve,
    pressure_response,
)

__all__ = [
    "ARM_METRICS",
    "EQUAL",
    "PRESSURE_METRICS",
    "arm_contrasts",
    "celio_statistics",
    "cross_channel_statistics",
    "grading_table",
    "compare_arms",
    "cost_to_serve_statistics",
    "search_assignments",
    "ResponseCurve",
    "fit_response_curve",
    "pressure_response",
]
