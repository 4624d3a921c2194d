"""The studies of the notebooks: experiments on the simulator and the statistics they report.

One module per question, each called by its study notebook (the notebook holds the prose and
the verdicts, the module the logic and its tests). How any notebook quotes its claims, shows
their rules and prints its verdicts is in :mod:`mcstudy.claims.reading`; the robustness figure
is :func:`mcstudy.report.plot_robustness_shares`. The modules, by notebook:

- 00, the registry: :mod:`~mcstudy.studies.registry_notes`, what the claims registry holds;
- 01, calibration: :mod:`~mcstudy.studies.calibration_report`, how well the model meets its targets;
- 02, profiles and channel choice:

  - :mod:`~mcstudy.studies.profiles`: segment-matched, uniform and individual channel policies;
  - :mod:`~mcstudy.studies.affinity_gap`: how their gain depends on the profiles' affinity gap;
  - :mod:`~mcstudy.studies.affinity_weights`: the two profiles' channel weights at a gap;
  - :mod:`~mcstudy.studies.profile_part`: the part of the gain that needs the profiles to differ;
  - :mod:`~mcstudy.studies.profile_claims`: each profile claim's estimate, judge and text;
  - :mod:`~mcstudy.studies.profile_report`: the profile studies' tables, figures and prose;

- 03, multichannel purchase uplift:

  - :mod:`~mcstudy.studies.multichannel`: the multichannel purchase gap and its causes;
  - :mod:`~mcstudy.studies.multichannel_claims`: its sweep, prose and claim estimates;

- 04, intrusiveness and attention:

  - :mod:`~mcstudy.studies.pressure`: contact-pressure response curves, per channel;
  - :mod:`~mcstudy.studies.attention`: the randomised experiment behind the attention claims;
  - :mod:`~mcstudy.studies.attention_report`: its tables, sentences and claim estimates;
  - :mod:`~mcstudy.studies.attention_figures`: its response-curve and channel-pair figures;

- 05, integration costs:

  - :mod:`~mcstudy.studies.integration`: integration and silos, the experiments;
  - :mod:`~mcstudy.studies.integration_report`: what the notebook builds before it judges;
  - :mod:`~mcstudy.studies.integration_findings`: what they find, in tables, figures and words;

- 06, cost to serve:

  - :mod:`~mcstudy.studies.cost_to_serve`: channels assigned by customer value, the search;
  - :mod:`~mcstudy.studies.cost_to_serve_claims`: judges, assignments and what a verdict hinges on;
  - :mod:`~mcstudy.studies.cost_to_serve_findings`: what they find, in tables, figures and words;

- 05 and 06: :mod:`~mcstudy.studies.claim_reading`, joint robustness and verdict conditions;
- 07, cross-channel influence and attribution:

  - :mod:`~mcstudy.studies.cross_channel`: the experiments and their statistics;
  - :mod:`~mcstudy.studies.cross_channel_design`: their arms and referral matrix;
  - :mod:`~mcstudy.studies.cross_channel_report`: tables and phrases from their outputs;
  - :mod:`~mcstudy.studies.cross_channel_claims`: box 3, Celio's ten to one, the estimates;
  - :mod:`~mcstudy.studies.attribution_grading`: attribution methods graded against causes;
  - :mod:`~mcstudy.studies.credit_against_cause`: how far credit is from what a channel caused;

- 08, Hillstrom:

  - :mod:`~mcstudy.studies.email_response`: who responds to the randomised e-mail;
  - :mod:`~mcstudy.studies.multichannel_selection`: multichannel customers or frequent buyers;
  - :mod:`~mcstudy.studies.email_claims`: the claims' estimates and what the verdicts say;

- 09, Complete Journey:

  - :mod:`~mcstudy.studies.completejourney_study`: the panels its estimators take;
  - :mod:`~mcstudy.studies.completejourney_coupons`: who redeemed coupons, what they spent;
  - :mod:`~mcstudy.studies.completejourney_report`: what the panels show of campaigns;
  - :mod:`~mcstudy.studies.completejourney_claims`: heterogeneity and the claims' estimates;
  - :mod:`~mcstudy.studies.completejourney_targets`: its calibration target, the mailer x
    display interaction relative to their lifts;

- 10, message experiments: :mod:`~mcstudy.studies.message_experiments`, relevance, relationship
  age and intrusive mailings;
- 11, promotions:

  - :mod:`~mcstudy.studies.promotion_targeting`: targeting judged on held-out customers;
  - :mod:`~mcstudy.studies.promotion_report`: its tables, words and verdicts;

- 08 to 10: :mod:`~mcstudy.studies.verdict_notes`, minimum detectable effects and p-values as
  text;
- 99, the scorecard: :mod:`~mcstudy.studies.scorecard_notes`, what the scorecard says;
- shared by the simulated studies (04 to 07): :mod:`~mcstudy.studies.arms`, replicated
  randomised comparisons of contact policies at equal contacts or budget.

The registered studies that the replicate and sweep machinery runs by name are in
:mod:`mcstudy.experiments.sweep_studies`.
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
