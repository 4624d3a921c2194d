"""What the attention experiment says, in tables and sentences: the reader of its runs.

:mod:`mcstudy.studies.attention` runs the randomised experiment behind the intrusiveness,
attention and permission claims; this module turns its replicated runs into what a reader
is shown: the parameters the claims rest on, the contacts each arm delivers, the
observational association beside the causal effect, whether contact pays and whether two
channels add up, and the estimate each claim is judged on, with its condition
(:func:`attention_estimates`, ready for :func:`mcstudy.claims.judge`). Every number in a
sentence is printed from the value it describes. The figures are in
:mod:`mcstudy.studies.attention_figures`; the claims, their rules and verdicts are shown by
:mod:`mcstudy.claims.reading`.
"""

from __future__ import annotations

import pandas as pd

from mcstudy._validation import check_frame
from mcstudy.studies._attention_tables import interval_text
from mcstudy.studies.attention import PAY_AND_PAIRS
from mcstudy.studies.claim_reading import simulated_conditions

__all__ = [
    "ATTENTION_CLAIM_STATISTICS",
    "ATTENTION_ROBUSTNESS_PARAMETERS",
    "CONTACT_RATIOS",
    "PAY_AND_PAIRS",
    "SECONDARY_STATISTICS",
    "arm_outcome_table",
    "attention_estimates",
    "attention_judges",
    "attention_statistics_table",
    "channel_pairs_text",
    "contact_pays_text",
    "contacts_delivered_text",
    "delivered_contacts",
    "noise_text",
    "observed_and_causal",
    "observed_and_causal_text",
    "robustness_design_text",
    "robustness_parameter_table",
    "sms_intrusiveness_text",
]

#: The statistic of :func:`~mcstudy.studies.attention.attention_statistics` each claim is
#: judged on.
ATTENTION_CLAIM_STATISTICS = {
    "C000-14": "preferred_minus_each_consented_revenue",
    "C000-17": "sms_extra_churn_min",
    "C000-18": "email_revenue_per_contact_change",
    "C000-19": "permission_margin_diff",
    "C002-01": "email_conversion_high_minus_moderate",
    "C002-02": "email_churn_high_minus_moderate",
    "C002-03": "spread_revenue_gain",
    "C000-25": "contact_minus_none_margin",
    "C000-26": "email_mail_margin_interaction",
    "C000-27": "email_telephone_revenue_interaction",
}
#: Statistics shown beside the claims' own.
SECONDARY_STATISTICS = (
    "email_revenue_per_contact_low",
    "email_revenue_per_contact_high",
    "email_purchases_per_contact",
    "email_revenue_high_minus_moderate",
    "sms_churn_high_minus_moderate",
    "sms_minus_email_churn",
    "sms_minus_mail_churn",
    "sms_minus_email_withdrawals_per_contact",
    "permission_churn_diff",
    "permission_contacts_ratio",
    "preferred_minus_mix_equal_revenue",
    "preferred_minus_mix_3x_revenue",
    "preferred_minus_mix_3x_margin",
    "mix_equal_over_preferred_contacts",
    "each_consented_over_preferred_contacts",
    "mix_3x_over_preferred_contacts",
    "contact_minus_none_revenue",
    "email_minus_none_margin",
    "email_minus_none_revenue",
    "email_mail_revenue_interaction",
    "email_telephone_margin_interaction",
    "telephone_revenue_gain_alone",
    "telephone_revenue_gain_with_email",
)
#: Contacts of the mixes over those of the routed arm.
CONTACT_RATIOS = (
    "mix_equal_over_preferred_contacts",
    "each_consented_over_preferred_contacts",
    "mix_3x_over_preferred_contacts",
)
_CONTACT_CHANNELS = ("telephone", "postal_mail", "email", "sms")
#: The parameters the robustness design of the attention claims varies.
ATTENTION_ROBUSTNESS_PARAMETERS = (
    "population.attention_mean",
    "response.persuasion_effect",
    "response.irritation_per_contact",
    "response.irritation_decay",
    "response.churn_irritation",
    "response.no_consent_persuasion",
    "response.no_consent_irritation",
    # each contact channel's intrusiveness, persuasion and cost on its own, not through one
    # multiplier of the catalogue column
    *(f"channel.intrusiveness.{c}" for c in _CONTACT_CHANNELS),
    *(f"channel.persuasion.{c}" for c in _CONTACT_CHANNELS),
    *(f"channel.cost_per_contact_eur.{c}" for c in _CONTACT_CHANNELS),
    # the two-sided mechanisms (docs/model.md section 7.15): fatigue shared or per channel,
    # synergy or interference between channels, consent correlated with interest
    "response.fatigue_sharing",
    "response.channel_synergy",
    "population.consent_interest_correlation",
)
_SUMMARY_COLUMNS = ["n_replications", "mean", "ci_low", "ci_high", "q_low", "q_high"]
_SHOWN_OUTCOMES = [
    "contacts_per_customer",
    "revenue_per_customer_eur",
    "margin_per_customer_eur",
    "churn_rate",
    "consent_withdrawals_per_customer",
    "conversion",
]

#: What each claim's verdict rests on, beyond its interval (fixed text; numbers are added by
#: :func:`attention_estimates`).
_NOTES = {
    "C000-17": "By construction in direction: SMS is the most intrusive channel in the catalogue "
    "over its whole plausible range (an input from source 000); the study measures the size of "
    "the consequence.",
    "C000-18": "Diminishing returns come from the attention capacity and the irritation paths.",
    "C000-19": "Contacts without consent persuade less and irritate more by assumption "
    "(no_consent_persuasion, no_consent_irritation); consent correlated with interest "
    "(consent_interest_correlation) is varied by the robustness design.",
    "C002-01": "Over a year; at 4 e-mails a week churn and withdrawn consent also rise (C002-02).",
    "C002-02": "E-mail is the low-intrusiveness channel ('a relationship of good quality'); more "
    "contacts raise churn there too.",
    "C002-03": "At the reference context attention is one budget per customer shared by all "
    "channels, so spreading cannot escape it; the robustness design varies how much of the "
    "fatigue is shared (fatigue_sharing, 0 to 1) and the channel synergy; the mix also carries "
    "SMS's intrusiveness.",
    "C000-26": "At the reference context the channels share one attention budget and one "
    "irritation stock and have no synergy, which makes them sub-additive; the robustness "
    "design varies both (fatigue_sharing 0 to 1, channel_synergy -0.5 to 0.5), so the verdict "
    "rests on these unmeasured assumptions.",
    "C000-27": "At the reference context the telephone call and the e-mail share the "
    "customer's attention budget and irritation stock; the robustness design varies the "
    "sharing (fatigue_sharing 0 to 1) and the channel synergy (-0.5 to 0.5).",
}


def robustness_parameter_table(parameters=ATTENTION_ROBUSTNESS_PARAMETERS) -> pd.DataFrame:
    """The plausible range of each parameter a robustness design varies, with its status.

    One row per parameter: ``low``, ``high``, ``scale`` (as
    :func:`mcstudy.experiments.robustness.parameter_space` gives them) and the ``status``,
    ``range_kind`` and ``unit`` of its row of ``data/parameters.csv`` (a per-channel
    parameter such as ``channel.cost_per_contact_eur.sms`` reads its channel row's).
    """
    from mcstudy.experiments.robustness import parameter_space
    from mcstudy.io import load_parameters

    table = load_parameters().set_index("name")
    rows = [n if n in table.index else n.rsplit(".", 1)[0] for n in parameters]
    space = parameter_space(list(parameters)).set_index("parameter")
    return space.assign(
        status=table.loc[rows, "status"].to_numpy(),
        range_kind=table.loc[rows, "range_kind"].to_numpy(),
        unit=table.loc[rows, "unit"].to_numpy(),
    )[["low", "high", "scale", "status", "range_kind", "unit"]]


def sms_intrusiveness_text() -> str:
    """Whether SMS stays the most intrusive channel over the plausible ranges, as text.

    Each channel's intrusiveness is varied on its own over its row's relative range, so SMS
    stays the most intrusive of SMS, e-mail and postal mail at every point only if its lowest
    value is above the others' highest.
    """
    from mcstudy.io import load_channels, load_parameters

    intrusiveness = load_channels().set_index("channel")["intrusiveness"]
    relative = load_parameters().set_index("name").loc["channel.intrusiveness", ["low", "high"]]
    low, high = relative["low"] * intrusiveness, relative["high"] * intrusiveness
    others = ["email", "postal_mail"]
    stays = low["sms"] > high[others].max()
    return (
        "Each channel's intrusiveness (`channel.intrusiveness.<channel>`) is varied on its own "
        f"over the channel row's relative range ({relative['low']:g} to {relative['high']:g} "
        f"times its catalogue value): SMS from {low['sms']:.3g} to {high['sms']:.3g}, e-mail "
        f"from {low['email']:.3g} to {high['email']:.3g}, postal mail from "
        f"{low['postal_mail']:.3g} to {high['postal_mail']:.3g}. Over the whole plausible "
        "ranges SMS "
        + ("stays" if stays else "does not always stay")
        + " the most intrusive of the three. That ordering is an **input** taken from source 000's "
        "table of channels, so the simulation can test its consequences (churn, withdrawn consent) "
        "and how large they are, not the perception itself."
    )


def attention_statistics_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Mean and intervals over replications of the claims' statistics and those beside them.

    ``runs`` is :func:`mcstudy.experiments.replicate` of
    :func:`~mcstudy.studies.attention.attention_outcomes`. Indexed by statistic (the claims'
    first, then :data:`SECONDARY_STATISTICS`), with the columns of
    :func:`mcstudy.experiments.summarise_replications`.
    """
    from mcstudy.experiments import summarise_replications

    names = [*ATTENTION_CLAIM_STATISTICS.values(), *SECONDARY_STATISTICS]
    return summarise_replications(runs, names).set_index("metric")


def arm_outcome_table(outcomes: pd.DataFrame) -> pd.DataFrame:
    """The outcomes shown for every arm, in the order of the experiment's arms.

    ``outcomes`` is :func:`~mcstudy.studies.attention.arm_outcomes` of the replicated runs.
    """
    from mcstudy.studies.attention import attention_arms, attention_factorial_arms

    arms = [*attention_arms(0.6), *attention_factorial_arms()]
    return outcomes.loc[arms, _SHOWN_OUTCOMES]


def delivered_contacts(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Contacts, revenue and margin per customer-year of the contact arms of C000-14 and C000-25.

    One row per arm of :data:`~mcstudy.studies.attention.CONTACT_ARMS`: the mean over the
    replications of ``contacts_per_customer``, its ratio to ``preferred_1_a_week``'s
    (``contacts / preferred_1_a_week``), ``revenue_per_customer_eur`` and
    ``margin_per_customer_eur``.
    """
    from mcstudy.studies.attention import CONTACT_ARMS

    delivered = outcomes.loc[
        list(CONTACT_ARMS),
        ["contacts_per_customer", "revenue_per_customer_eur", "margin_per_customer_eur"],
    ].copy()
    contacts = delivered["contacts_per_customer"]
    delivered.insert(1, "contacts / preferred_1_a_week", contacts / contacts["preferred_1_a_week"])
    return delivered


def contacts_delivered_text(delivered: pd.DataFrame, stats: pd.DataFrame) -> str:
    """What the routed arm and the mixes deliver, against the registered "three times"."""
    from mcstudy.io import load_parameters

    each = stats.loc["each_consented_over_preferred_contacts"]
    consent = load_parameters().set_index("name").loc["population.consent_rate", "default"]
    contacts = delivered["contacts_per_customer"]
    times = {"unit": "times", "decimals": 3}
    return (
        f"One contact a week routed to the preferred channel delivers "
        f"{contacts['preferred_1_a_week']:.1f} contacts per "
        f"customer-year; the same message each week on each consented channel "
        f"{contacts['mix_each_consented']:.1f}, "
        f"{interval_text(each, unit='times as many', decimals=2)}. A customer consents to each of "
        f"the four channels with probability {consent:g}, so the message reaches "
        f"{'fewer' if each['ci_high'] < 3 else 'not fewer'} than three times the routed arm's "
        "contacts: the registered comparison (C000-14, re-registered before this run) is at "
        "that ratio. The mixes set on the pilot send "
        f"{interval_text(stats.loc['mix_equal_over_preferred_contacts'], **times)} and "
        f"{interval_text(stats.loc['mix_3x_over_preferred_contacts'], **times)} the routed "
        "arm's contacts."
    )


def observed_and_causal(observed: pd.DataFrame, stats: pd.DataFrame) -> pd.DataFrame:
    """Purchases per e-mail: the regressions across customers beside the randomised arms.

    ``observed`` is :func:`~mcstudy.studies.attention.contacts_association`; ``stats``
    :func:`attention_statistics_table`. One row per comparison: ``kind``, ``comparison``,
    ``estimate``, ``ci_low``, ``ci_high``, ``n``.
    """
    causal = stats.loc["email_purchases_per_contact"]
    randomised = {
        "comparison": "1 e-mail a week vs none, randomised arms",
        "estimate": causal["mean"],
        "ci_low": causal["ci_low"],
        "ci_high": causal["ci_high"],
        "n": int(causal["n_replications"]),
        "kind": "causal (randomised)",
    }
    table = pd.concat(
        [
            observed.assign(kind="observational (regression across customers)").rename(
                columns={"model": "comparison"}
            ),
            pd.DataFrame([randomised]),
        ],
        ignore_index=True,
    )
    return table[["kind", "comparison", "estimate", "ci_low", "ci_high", "n"]]


def observed_and_causal_text(observed: pd.DataFrame, stats: pd.DataFrame) -> str:
    """The observational slope against the causal effect per e-mail, and what separates them."""
    seen = observed["estimate"].iloc[0]
    causal = stats.loc["email_purchases_per_contact", "mean"]
    return (
        f"Purchases per e-mail received: {seen:.5f} across customers "
        f"(observational) against {causal:.5f} from the randomised arms, a ratio of "
        f"{seen / causal:.2f}. At the reference context consent is drawn independently of how "
        "much a customer buys (population.consent_interest_correlation is 0 there; the "
        "robustness design varies it), so what separates the two is who stops receiving e-mails "
        "(churn, withdrawn consent). In a real customer file, where consent and "
        "targeting follow engagement, the two can be far apart, and only the experiment tells them "
        "apart."
    )


def contact_pays_text(outcomes: pd.DataFrame, stats: pd.DataFrame) -> str:
    """Whether contacting customers through the four channels pays, and e-mail alone beside it."""
    costs = outcomes["revenue_per_customer_eur"] - outcomes["margin_per_customer_eur"]
    extra_cost = costs["mix_planned_1"] - costs["email_0"]
    gain = stats.loc["contact_minus_none_revenue"]
    pay = stats.loc["contact_minus_none_margin"]
    email = stats.loc["email_minus_none_margin"]
    if email["ci_low"] > 0:
        email_verdict = "e-mail alone pays."
    elif email["ci_high"] > 0:
        email_verdict = "e-mail alone is not shown to pay."
    else:
        email_verdict = "e-mail alone does not pay."
    return (
        f"Contacting customers through the four channels at one planned contact a week adds "
        f"{gain['mean']:.2f} EUR of revenue per customer-year (95 % CI {gain['ci_low']:.2f} to "
        f"{gain['ci_high']:.2f}, {int(gain['n_replications'])} replications) and costs "
        f"{extra_cost:.2f} EUR more in contacts and the service they bring, so the margin changes "
        f"by {pay['mean']:.2f} EUR ({pay['ci_low']:.2f} to {pay['ci_high']:.2f}). The contacts "
        "would pay "
        + (
            f"for themselves only if they cost at most {gain['mean'] / extra_cost:.2f} times "
            "the catalogue's figures."
            if pay["mean"] < 0
            else f"for themselves up to {gain['mean'] / extra_cost:.2f} times the catalogue's "
            "costs."
        )
        + " E-mail alone at one contact a week (`email_1`), which is not C000-25's registered "
        f"estimand (the four-channel mix), changes the margin by {interval_text(email)} against no "
        f"contact: {email_verdict} Section 4 shows which single channels pay at the catalogue's "
        "costs."
    )


def channel_pairs_text(stats: pd.DataFrame) -> str:
    """What a weekly call adds with and without e-mail, and the two factorial interactions."""
    alone = stats.loc["telephone_revenue_gain_alone", "mean"]
    with_email = stats.loc["telephone_revenue_gain_with_email", "mean"]
    return (
        f"A weekly telephone call adds {alone:.2f} EUR of revenue per customer-year to customers "
        f"who are not e-mailed and {with_email:.2f} EUR to customers e-mailed weekly: the "
        f"interaction is {interval_text(stats.loc['email_telephone_revenue_interaction'])}. For "
        "e-mail and postal mail the interaction is "
        f"{interval_text(stats.loc['email_mail_margin_interaction'])} on margin and "
        f"{interval_text(stats.loc['email_mail_revenue_interaction'])} on revenue. At the "
        "reference context a negative interaction is overlap: the two channels' contacts compete "
        "for one attention budget and add to one irritation stock, and no synergy term acts "
        "(fatigue_sharing 1, channel_synergy 0; the robustness design varies both)."
    )


def _notes(stats: pd.DataFrame, outcomes: pd.DataFrame) -> dict[str, str]:
    contacts = outcomes["contacts_per_customer"]
    each = stats.loc["each_consented_over_preferred_contacts"]
    return {
        "C000-14": "'The right time' is not modelled. Contacts per customer-year: "
        f"{contacts['preferred_1_a_week']:.1f} routed, "
        f"{contacts['mix_each_consented']:.1f} with the message on each "
        f"consented channel ({each['mean']:.2f} times as many; re-registered from 'three times', "
        "which consent makes out of reach without repeating the message on a channel). Beside it, "
        "routed minus the mix at equal contacts: "
        f"{interval_text(stats.loc['preferred_minus_mix_equal_revenue'])}; at three times the "
        f"contacts: {interval_text(stats.loc['preferred_minus_mix_3x_revenue'])}.",
        **{c: _NOTES[c] for c in ("C000-17", "C000-18", "C000-19", "C002-01", "C002-02")},
        "C002-03": _NOTES["C002-03"],
        "C000-25": "Margin here is revenue minus contact and service costs, with no cost of goods, "
        "so it overstates profit; contact costs are the catalogue's orders of magnitude, each "
        "channel's varied on its own in the robustness design; existing customers only (no "
        "prospects in the model). Not the registered estimand: e-mail alone at one contact a week "
        f"changes the margin by {interval_text(stats.loc['email_minus_none_margin'])} against no "
        "contact.",
        "C000-26": _NOTES["C000-26"],
        "C000-27": _NOTES["C000-27"],
    }


def attention_estimates(
    stats: pd.DataFrame, outcomes: pd.DataFrame, claims: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The estimate each attention claim is judged on, with its condition.

    Parameters
    ----------
    stats : pandas.DataFrame
        :func:`attention_statistics_table` of the replicated runs.
    outcomes : pandas.DataFrame
        :func:`~mcstudy.studies.attention.arm_outcomes` of the same runs.
    claims : pandas.DataFrame, default=None
        The registry; ``data/claims.csv`` when None.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``claim_id`` (:data:`ATTENTION_CLAIM_STATISTICS`): ``statistic``,
        ``effect``, ``ci_low``, ``ci_high``, ``n`` (:func:`mcstudy.claims.estimates_for`) and
        ``condition`` (what the verdict rests on, and the smallest effect that would matter),
        ready for :func:`mcstudy.claims.judge`.
    """
    from mcstudy.claims import estimates_for
    from mcstudy.claims.rules import rule_for

    check_frame(stats, ["mean", "ci_low", "ci_high", "n_replications"], "stats")
    estimates = estimates_for(stats, ATTENTION_CLAIM_STATISTICS)
    notes = _notes(stats, outcomes)
    rules = {claim: rule_for(claim, claims) for claim in estimates.index}
    conditions = simulated_conditions({claim: notes[claim] for claim in estimates.index}, rules)
    estimates["condition"] = [conditions[claim] for claim in estimates.index]
    return estimates


def attention_judges(stats: pd.DataFrame, claims: pd.DataFrame | None = None) -> dict:
    """The robustness design's judges, which say whether a claim's verdict holds at a point.

    The reference verdict is the claim's registered rule applied to the interval of its
    statistic in ``stats`` (:func:`attention_statistics_table`); only ``supported`` and
    ``not supported`` verdicts are carried across the space (an inconclusive one has no
    single verdict to carry). Returns claim id -> function of a point's statistics, for
    :func:`mcstudy.experiments.robustness.assess_robustness`.
    """
    from mcstudy.claims.judging import point_judges
    from mcstudy.claims.rules import rule_for

    rules = {claim: rule_for(claim, claims) for claim in ATTENTION_CLAIM_STATISTICS}
    reference = {
        claim: rules[claim].judge(stats.loc[st, "ci_low"], stats.loc[st, "ci_high"])
        for claim, st in ATTENTION_CLAIM_STATISTICS.items()
    }
    return point_judges(rules, reference, ATTENTION_CLAIM_STATISTICS)


def robustness_design_text(robustness, *, n_per_arm: int, n_weeks: int) -> str:
    """How many runs the robustness design made, of how many customers, judging what."""
    from mcstudy.studies.attention import attention_arms, attention_factorial_arms

    n_arms = len(attention_arms(0.6)) + len(attention_factorial_arms())
    return (
        f"{len(robustness.points)} runs of {n_arms * n_per_arm:,} customers x {n_weeks} weeks "
        f"({len(robustness.space)} parameters, {len(robustness.results)} claims judged at every "
        "point)"
    )


def noise_text(robustness, *, n_per_arm: int) -> str:
    """Which verdicts noise alone flips often enough to blur their robustness shares."""
    from mcstudy.experiments.robustness import NOISE_FLOOR

    noise = robustness.summary().set_index("claim_id")
    noisy = list(noise.index[noise["noisy"]])
    n_noise = {robustness[c].n_noise for c in noise.index}.pop()
    if noisy:
        text = (
            f"the noise-only share is below {NOISE_FLOOR:.0%} for {', '.join(noisy)}: noise alone "
            "flips those verdicts often enough that their robustness shares cannot be told from "
            "it, and they are recorded with that flag. A larger run size narrows the noise; this "
            "design uses the largest the notebook's running time allows, and for these "
            "interactions and differences it is not enough."
        )
        if len(noisy) < len(noise):
            others = ", ".join(c for c in noise.index if c not in noisy)
            text += f" The others ({others}) hold in at least {NOISE_FLOOR:.0%} of them."
    else:
        text = (
            f"every judged verdict holds in at least {NOISE_FLOOR:.0%} of the runs: the "
            "robustness shares measure the parameters, not the noise."
        )
    return (
        f"Over {n_noise} runs of {n_per_arm:,} customers per arm at the reference context, {text}"
    )
