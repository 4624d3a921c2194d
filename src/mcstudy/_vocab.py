"""Every closed vocabulary and shared range of mcstudy, defined once.

The loaders, the validators, the simulator, the studies and the docs read these names from
here; nothing else spells them out.
"""

from __future__ import annotations

import math

__all__ = [
    "CLAIM_KINDS",
    "CLAIM_TOPICS",
    "DEFAULT_CONSENT_RATE",
    "EVIDENCE",
    "EVIDENCE_CLASSES",
    "INFORMATIVE_CLASSES",
    "KIND_NOT_TESTABLE",
    "OKABE_ITO",
    "PARAMETER_GROUPS",
    "PARAMETER_RANGES",
    "PARAMETER_RANGE_KINDS",
    "PARAMETER_STATUSES",
    "PROFILES",
    "RULES",
    "SOURCE_DOCUMENTS",
    "TARGET_STATISTICS",
    "TIERS",
    "VERDICTS",
    "VERDICT_NOT_TESTABLE",
]

#: Relational profiles of customers (source 000, ref 12).
PROFILES = ("social", "autonomous")
#: Value tiers of customers, from the smallest to the largest accounts.
TIERS = ("small", "medium", "key_account")

#: What a claim in ``data/claims.csv`` can be tested with.
CLAIM_KINDS = ("simulation", "real-data", "consistency", "not-testable")
#: The claim kind of claims no study can test (the registry's note says why).
KIND_NOT_TESTABLE = "not-testable"
#: What a claim is about.
CLAIM_TOPICS = (
    "uplift",
    "intrusiveness",
    "attention",
    "permission",
    "integration",
    "profiles",
    "cross-channel",
    "cost-to-serve",
    "attribution",
    "service",
    "other",
)
#: The five source documents in ``shared/seeds/``.
SOURCE_DOCUMENTS = (
    "000_da6d8463cb5d92d2.txt",
    "001_5be708621ecec0ed.txt",
    "002_633b85f482797c72.txt",
    "003_ccbbe6c2245e2fd3.txt",
    "004_7ae1ad8b10f73eac.txt",
)

#: Verdicts a notebook can record on a claim.
VERDICTS = (
    "supported",
    "not supported",
    "inconclusive",
    "conditional",
    "artefact",
    "overstated",
    "not testable",
)
#: The verdict recorded for claims of kind :data:`KIND_NOT_TESTABLE`.
VERDICT_NOT_TESTABLE = "not testable"
#: What a verdict's statistic rests on.
EVIDENCE = ("causal", "observational", "arithmetic", "none")
#: What kind of evidence a verdict is (:func:`mcstudy.claims.evidence.evidence_class` assigns
#: it by a stated rule): real data (randomised, or observational with a stated adjustment), a
#: simulation whose deciding parameters real data narrow, a simulation resting on assumptions,
#: an outcome decided by an input of the model or catalogue, or the consistency of quoted
#: figures. A not-testable claim has no class ("").
EVIDENCE_CLASSES = (
    "real data, randomised",
    "real data, observational",
    "simulation, data-constrained",
    "simulation, assumption-driven",
    "by construction",
    "arithmetic",
)
#: The classes that count as evidence about the world: the informative share of the testable
#: claims is the share whose verdict is in one of them.
INFORMATIVE_CLASSES = EVIDENCE_CLASSES[:3]

#: The verdict rules a testable claim of ``data/claims.csv`` is judged by (``rule`` column):
#: ``effect`` (an effect in a claimed direction, at least the smallest effect that matters,
#: and the claimed magnitude if any), ``non_inferiority`` ("at least as well": the effect is
#: not below minus the smallest effect that matters), ``association`` (an observational
#: association, judged against a causal or adjusted estimate: ``artefact`` when that excludes an
#: effect that matters, ``overstated`` when it shows one below the association) and
#: ``consistency`` (a reported figure against its source, within the smallest difference that
#: matters) and ``equivalence`` (two quantities agree: the difference lies within the smallest
#: difference that matters on either side; used for claims that a comparison recovers another
#: quantity). See :mod:`mcstudy.claims.verdicts`.
RULES = ("effect", "non_inferiority", "association", "consistency", "equivalence")

#: Consent probability of a channel that a ``consent_rate`` mapping leaves out (assumption).
DEFAULT_CONSENT_RATE = 0.6

#: Parts of the model a parameter in ``data/parameters.csv`` belongs to (``study``: a small
#: model a study builds on top of the simulated outputs, e.g. price-steered channel choice).
PARAMETER_GROUPS = ("population", "response", "strategy", "channel", "study")
#: Where a parameter's default comes from: a cited study or document (``source``), a fit to
#: targets (``calibrated``) or a reasoned assumption (``assumption``).
PARAMETER_STATUSES = ("source", "calibrated", "assumption")
#: How a parameter's plausible range ``[low, high]`` reads: values of the parameter
#: (``absolute``) or factors applied to each channel's value in the channel catalogue
#: (``relative``).
PARAMETER_RANGE_KINDS = ("absolute", "relative")

#: Simulator statistics a calibration target in ``data/targets.csv`` corresponds to. Rates and
#: shares are fractions; ``*_effect`` is the difference of an e-mailed group from the control
#: group; ``past_year_*`` describe customers' purchases over the year before the campaign;
#: ``completejourney_relative_interaction`` is the interaction of two promotion channels
#: relative to the sum of their lifts (:func:`mcstudy.analysis.relative_interaction`).
TARGET_STATISTICS = (
    "control_visit_rate",
    "control_conversion_rate",
    "control_spend_per_customer",
    "email_visit_effect",
    "email_conversion_effect",
    "email_spend_effect",
    "email_unsubscribe_per_send",
    "sms_optout_per_message",
    "direct_mail_response_rate",
    "past_year_channel_share_phone",
    "past_year_channel_share_web",
    "past_year_channel_share_multichannel",
    "past_year_spend_ratio_multichannel_single",
    "past_year_spend_median",
    "past_year_spend_p90",
    "past_year_recency_mean_months",
    "past_year_recency_share_3_months",
    "completejourney_relative_interaction",
)

#: Allowed range ``(low, high)`` of parameters that more than one place validates: the
#: simulator's specs, the registered studies and the sweep configurations.
PARAMETER_RANGES: dict[str, tuple[float, float]] = {
    "n_customers": (1, 100_000_000),
    "n_weeks": (1, 520),
    "social_share": (0.0, 1.0),
    "engagement_breadth_link": (0.0, 5.0),
    "attention_mean": (1.0, 100.0),
    "consent_rate": (0.0, 1.0),
    "breadth_purchase_effect": (0.0, 5.0),
    "contact_pressure": (0.0, 50.0),
}
assert all(low < high and not math.isnan(low) for low, high in PARAMETER_RANGES.values())

#: The Okabe-Ito palette (Okabe and Ito 2008, "Color Universal Design"): eight colours that
#: readers with any common colour-vision deficiency can tell apart; figures and the report
#: site draw from it.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}
