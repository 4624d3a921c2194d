"""Statistics on per-customer tables, real or simulated.

- :mod:`~mcstudy.analysis.randomised`: causal effects of randomised arms, by subgroup, and
  whether they differ;
- :mod:`~mcstudy.analysis.observational`: comparisons of groups nobody randomised, raw and
  adjusted;
- :mod:`~mcstudy.analysis.panel`: panels nobody randomised: staggered difference in
  differences with not-yet-treated controls;
- :mod:`~mcstudy.analysis.fixed_effects`: linear models with absorbed fixed effects, and the
  interaction of two of their regressors relative to their lifts;
- :mod:`~mcstudy.analysis.heterogeneity`: how much purchase rates differ, from counts
  (negative binomial, log-normal x gamma Poisson mixture);
- :mod:`~mcstudy.analysis.dropout`: purchase rates and dropout from a transaction log (the
  Pareto/NBD model);
- :mod:`~mcstudy.analysis.uplift`: how well a targeting score ranks customers by response;
- :mod:`~mcstudy.analysis.choice`: choosing the best of computed values with a stated tolerance
  for ties, so that the choice is the same on every machine;
- :mod:`~mcstudy.analysis.intervals`: large-sample intervals: the normal quantile
  :data:`~mcstudy.analysis.intervals.Z95`, delta-method intervals of ratios of means;
- :mod:`~mcstudy.analysis.results`: :class:`~mcstudy.analysis.results.Estimate`, the base class
  of the results, with ``summary()``.

Robustness designs and calibration, which run the simulator, are in
:mod:`mcstudy.experiments`; their names are still found here, with a DeprecationWarning.
"""

from mcstudy.analysis.choice import TIE_RTOL, argbest, idxbest
from mcstudy.analysis.dropout import ParetoNBDFit, fit_pareto_nbd, rfm_summary
from mcstudy.analysis.fixed_effects import (
    FixedEffectsFit,
    RelativeInteraction,
    demean,
    fixed_effects_ols,
    relative_interaction,
)
from mcstudy.analysis.heterogeneity import (
    CountFit,
    fit_lognormal_gamma_poisson,
    fit_negative_binomial,
    rate_cv2,
)
from mcstudy.analysis.intervals import (
    Z95,
    RatioEstimate,
    ratio_of_means,
    ratio_standard_error,
    relative_difference,
)
from mcstudy.analysis.observational import (
    AdjustedComparison,
    LiftEstimate,
    RelativeLift,
    adjusted_comparison,
    relative_lift,
)
from mcstudy.analysis.panel import EventStudy, event_study
from mcstudy.analysis.randomised import (
    InteractionTest,
    arm_effects,
    interaction_test,
    subgroup_effects,
)
from mcstudy.analysis.results import Estimate
from mcstudy.analysis.uplift import qini_coefficient, qini_curve, two_model_uplift, uplift_at_k

__all__ = [
    "AdjustedComparison",
    "CountFit",
    "Estimate",
    "EventStudy",
    "FixedEffectsFit",
    "InteractionTest",
    "LiftEstimate",
    "ParetoNBDFit",
    "RatioEstimate",
    "RelativeInteraction",
    "RelativeLift",
    "TIE_RTOL",
    "Z95",
    "adjusted_comparison",
    "argbest",
    "arm_effects",
    "demean",
    "event_study",
    "fit_lognormal_gamma_poisson",
    "fit_negative_binomial",
    "fit_pareto_nbd",
    "fixed_effects_ols",
    "idxbest",
    "interaction_test",
    "qini_coefficient",
    "qini_curve",
    "rate_cv2",
    "ratio_of_means",
    "ratio_standard_error",
    "relative_difference",
    "relative_interaction",
    "relative_lift",
    "rfm_summary",
    "subgroup_effects",
    "two_model_uplift",
    "uplift_at_k",
]

#: Names that moved to :mod:`mcstudy.experiments.robustness`, still found here with a warning.
_MOVED_NAMES = (
    "FlipRegion",
    "RobustnessAssessment",
    "RobustnessResult",
    "assess_robustness",
    "design_points",
    "parameter_space",
)


def __getattr__(name: str):
    if name in _MOVED_NAMES:
        import warnings

        from mcstudy.experiments import robustness

        warnings.warn(
            f"mcstudy.analysis.{name} has moved to mcstudy.experiments.{name}; import it from "
            "there (the old path will be removed).",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(robustness, name)
    raise AttributeError(f"module 'mcstudy.analysis' has no attribute {name!r}")
