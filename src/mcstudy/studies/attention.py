"""Intrusiveness, attention and permission: one randomised experiment for all their claims.

:func:`attention_statistics` randomises one simulated population to the arms below (every arm
the same number of customers, the same random draws for what the arms do not change) and
returns the statistics the claims of notebook 04 are judged on. It is a study in the sense of
:func:`mcstudy.experiments.replicate` and :func:`mcstudy.experiments.robustness.assess_robustness`
(``study(params, rng) -> {statistic: value}``): replicated at the reference context for
intervals, and run at every point of a robustness design.

Arms (one year, 52 weeks, unless ``n_weeks`` says otherwise):

- ``email_<p>`` and ``sms_<p>``: the channel alone at pressure ``p`` in {0, 0.5, 1, 4} contacts
  per week (consent respected): response curves, returns per contact, loyalty by density;
- ``unsolicited_<channel>``: e-mail, SMS and postal mail alone at 1 contact a week, consent not
  asked (every customer contacted): annoyance per contact at equal contacts;
- ``permission`` and ``unsolicited_mix``: e-mail, postal mail and SMS in equal shares, to
  consenting customers only (pressure raised by 1 / consent rate so both arms send about the
  same contacts) or to everyone;
- ``spread`` and ``single_<channel>``: the same three channels in equal shares, or each alone,
  at 2 contacts a week to everyone (equal contacts): does spreading beat the average channel;
- ``preferred_1_a_week``: one contact a week routed to each customer's consented channels by
  preference (telephone, postal mail, e-mail and SMS weighted by the customer's affinities;
  routing re-spreads the whole pressure over the channels allowed, so a customer who consented
  to any of them gets one contact a week until they churn);
- ``mix_equal_contacts`` and ``mix_3x_contacts``: the same four channels in equal shares
  without routing (each channel team contacts its consenting list), at the planned pressure
  that sends as many contacts as ``preferred_1_a_week`` and three times as many (the same
  message repeated across channels); :func:`attention_equal_pressures` sets both pressures on a
  pilot population, :func:`mix_pressure_guess` gives a first approximation used by default;
- ``mix_each_consented``: the same mix at one contact a week on each channel the customer
  consented to (the message sent once on every consented channel);
- ``mix_planned_1``: the same mix at 1 planned contact a week, each channel team contacting
  its consenting list at a quarter a week (what a firm plans as "one contact a week",
  consent respected); against ``email_0`` (no contact) it is what contacting customers is
  worth, and ``email_1`` against ``email_0`` what e-mail alone is worth.

A second population, drawn from the next seed of ``rng`` so that the arms above keep their
customers and draws, is randomised to a channel factorial (:func:`attention_factorial_arms`,
consent respected): no contact, e-mail, postal mail and telephone alone at 1 contact a week, and
e-mail together with each of the other two at 1 contact a week each. Its interactions (the
pair minus each channel alone, plus no contact) say whether two channels add up to more or to
less than the sum of their effects, at the same contacts.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from mcstudy._moved import renamed
from mcstudy._random import study_stream
from mcstudy._validation import check_int, check_number
from mcstudy.model.context import model_context
from mcstudy.model.engine import simulate
from mcstudy.model.equalisation import equalise
from mcstudy.model.strategies import Monochannel, Strategy
from mcstudy.studies._attention_tables import (
    FACTORIAL_PARTNERS,
    arm_outcomes,
    factorial_revenue_gains,
    interval_text,
)
from mcstudy.studies._skeleton import pop_sizes, run_arms, simulation_seed

__all__ = [
    "ARM_OUTCOMES",
    "ATTENTION_STATISTICS",
    "PRESSURES",
    "CONTACT_ARMS",
    "arm_outcomes",
    "attention_equal_pressures",
    "contacts_association",
    "factorial_revenue_gains",
    "interval_text",
    "attention_arms",
    "mix_pressure_guess",
    "attention_statistics",
    "attention_outcomes",
    "attention_factorial_arms",
]

#: Old names of this module -> their new names (still found, with a DeprecationWarning).
_RENAMED = {"factorial_arms": "attention_factorial_arms"}

#: Contact pressures (contacts per customer per week) of the response-curve arms.
PRESSURES = (0.0, 0.5, 1.0, 4.0)
_MIX = {"email": 1.0, "postal_mail": 1.0, "sms": 1.0}
_PREFERRED_MIX = {"email": 1.0, "postal_mail": 1.0, "sms": 1.0, "telephone": 1.0}
#: The arms that compare one contact on the preferred channel with the message repeated across
#: channels, and contact with no contact (names say what each arm sends).
CONTACT_ARMS = (
    "preferred_1_a_week",
    "mix_equal_contacts",
    "mix_3x_contacts",
    "mix_each_consented",
    "mix_planned_1",
)
#: The arms whose planned pressure is set to send a multiple of ``preferred_1_a_week``'s
#: contacts: arm -> that multiple.
_CONTACT_MULTIPLES = {"mix_equal_contacts": 1.0, "mix_3x_contacts": 3.0}

#: Whether contact pays, and whether two channels add up to more than their sum (the last
#: statistics of :data:`ATTENTION_STATISTICS`).
PAY_AND_PAIRS = (
    "contact_minus_none_margin",
    "contact_minus_none_revenue",
    "email_minus_none_margin",
    "email_minus_none_revenue",
    "email_mail_margin_interaction",
    "email_mail_revenue_interaction",
    "email_telephone_revenue_interaction",
    "email_telephone_margin_interaction",
    "telephone_revenue_gain_alone",
    "telephone_revenue_gain_with_email",
)
#: The statistics :func:`attention_statistics` returns (and :func:`attention_outcomes`, beside
#: the arms' outcomes).
ATTENTION_STATISTICS = (
    "email_purchases_per_contact",
    "email_revenue_per_contact_low",
    "email_revenue_per_contact_high",
    "email_revenue_per_contact_change",
    "email_conversion_high_minus_moderate",
    "email_revenue_high_minus_moderate",
    "email_churn_high_minus_moderate",
    "sms_churn_high_minus_moderate",
    "sms_minus_email_churn",
    "sms_minus_mail_churn",
    "sms_minus_email_withdrawals_per_contact",
    "sms_minus_mail_withdrawals_per_contact",
    "sms_extra_churn_min",
    "permission_margin_diff",
    "permission_churn_diff",
    "permission_contacts_ratio",
    "spread_revenue_gain",
    "preferred_minus_mix_equal_revenue",
    "preferred_minus_mix_3x_revenue",
    "preferred_minus_mix_3x_margin",
    "preferred_minus_each_consented_revenue",
    "mix_equal_over_preferred_contacts",
    "mix_3x_over_preferred_contacts",
    "each_consented_over_preferred_contacts",
    *PAY_AND_PAIRS,
)
_ARM_METRICS = (
    "purchases_per_customer",
    "revenue_per_customer_eur",
    "margin_per_customer_eur",
    "contacts_per_customer",
    "churn_rate",
    "consent_withdrawals_per_customer",
)
#: Each arm's outcomes in :func:`attention_outcomes`, per customer randomised to the arm
#: (``conversion``: the share who bought at least once).
ARM_OUTCOMES = (*_ARM_METRICS, "conversion")


def mix_pressure_guess(consent_rate: float, multiple: float = 1.0) -> float:
    """Planned pressure of the four-channel mix for ``multiple`` times the routed arm's contacts.

    A first approximation, before any simulation, of the pressure at which the mix without
    routing sends ``multiple`` times the contacts of one contact a week routed by preference.
    Routing spreads one contact a week over the channels a customer consented to, so a customer
    who consented to at least one of the four gets about one a week: ``1 - (1 - c)^4`` a week
    on average for a consent rate ``c`` per channel. Without routing each channel team contacts
    its consenting list at its share of the pressure ``p``: ``p c`` a week. Churn, which differs
    between the arms, is left out; :func:`attention_equal_pressures` corrects for it on a pilot.

    Parameters
    ----------
    consent_rate : float
        Probability that a customer consents to a channel, in (0, 1].
    multiple : float, default=1.0
        Contacts of the mix over those of the routed arm, in (0, 10].

    Returns
    -------
    float
        The planned contacts a week of the mix, all four channels together.
    """
    c = check_number(consent_rate, "consent_rate", 0.0, 1.0, low_open=True)
    multiple = check_number(multiple, "multiple", 0.0, 10.0, low_open=True)
    reached = 1.0 - (1.0 - c) ** len(_PREFERRED_MIX)
    return multiple * reached / c


def attention_arms(
    consent_rate: float,
    *,
    pressure_mix_equal_contacts: float | None = None,
    pressure_mix_3x_contacts: float | None = None,
) -> dict[str, Strategy]:
    """The arms of :func:`attention_statistics`.

    Parameters
    ----------
    consent_rate : float
        Probability that a customer consents to a channel, in (0, 1]: it scales the permission
        arm's pressure and gives the default pressures of the mixes (:func:`mix_pressure_guess`).
    pressure_mix_equal_contacts, pressure_mix_3x_contacts : float, optional
        Planned pressures of ``mix_equal_contacts`` and ``mix_3x_contacts`` (contacts a week,
        all channels together, in (0, 50]), e.g. from :func:`attention_equal_pressures`;
        default :func:`mix_pressure_guess` with multiples 1 and 3.

    Returns
    -------
    dict of str to Strategy
        Arm name -> strategy, in the order of the module's list of arms.
    """
    consent_rate = check_number(consent_rate, "consent_rate", 0.0, 1.0, low_open=True)
    pressures = {}
    for arm, given in (
        ("mix_equal_contacts", pressure_mix_equal_contacts),
        ("mix_3x_contacts", pressure_mix_3x_contacts),
    ):
        pressures[arm] = (
            mix_pressure_guess(consent_rate, _CONTACT_MULTIPLES[arm])
            if given is None
            else check_number(given, f"pressure_{arm}", 0.0, 50.0, low_open=True)
        )
    arms: dict[str, Strategy] = {}
    for channel in ("email", "sms"):
        for p in PRESSURES:
            arms[f"{channel}_{p:g}"] = Monochannel(channel=channel, contact_pressure=p)
    for channel in ("email", "sms", "postal_mail"):
        arms[f"unsolicited_{channel}"] = Monochannel(
            channel=channel, contact_pressure=1.0, respect_consent=False
        )
    arms["permission"] = Strategy(channels=_MIX, contact_pressure=1.0 / consent_rate)
    arms["unsolicited_mix"] = Strategy(channels=_MIX, contact_pressure=1.0, respect_consent=False)
    arms["spread"] = Strategy(channels=_MIX, contact_pressure=2.0, respect_consent=False)
    for channel in _MIX:
        arms[f"single_{channel}"] = Monochannel(
            channel=channel, contact_pressure=2.0, respect_consent=False
        )
    arms["preferred_1_a_week"] = Strategy(
        channels=_PREFERRED_MIX, contact_pressure=1.0, route_by_preference=True
    )
    for arm, pressure in pressures.items():
        arms[arm] = Strategy(channels=_PREFERRED_MIX, contact_pressure=pressure)
    arms["mix_each_consented"] = Strategy(
        channels=_PREFERRED_MIX, contact_pressure=float(len(_PREFERRED_MIX))
    )
    arms["mix_planned_1"] = Strategy(channels=_PREFERRED_MIX, contact_pressure=1.0)
    return arms


def attention_equal_pressures(
    params: dict | None = None,
    *,
    n_customers: int = 10_000,
    n_weeks: int = 52,
    tol: float = 0.005,
    rng=None,
) -> dict[str, float]:
    """Pressures at which the mixes send one and three times the contacts of the routed arm.

    The contacts per customer that ``preferred_1_a_week`` (one contact a week routed by
    preference) sends are measured on a pilot population; then the planned pressure of
    ``mix_equal_contacts`` and of ``mix_3x_contacts`` is rescaled until each sends one and three
    times as many (:func:`mcstudy.model.equalise`, common random numbers, starting from
    :func:`mix_pressure_guess`). As in notebook 02, the pressures are then fixed: replications
    draw other customers and robustness points other parameters, so their contacts differ by
    the pilot's sampling noise and by what the parameters change; print the achieved ratios
    (``mix_equal_over_preferred_contacts``, ``mix_3x_over_preferred_contacts``).

    Parameters
    ----------
    params : dict, default=None
        Model parameters by their names in ``data/parameters.csv``.
    n_customers : int, default=10000
        Pilot customers per arm, in [100, 1,000,000].
    n_weeks : int, default=52
        Weeks, in [4, 520].
    tol : float, default=0.005
        Relative tolerance of :func:`~mcstudy.model.equalise` on the pilot, in (0, 0.1].
    rng : None, int, SeedSequence or Generator, default=None
        Seed of the pilot (a notebook passes its ``pilot`` stream,
        :func:`mcstudy.experiments.design_stream`), used by the pilot and the equalisation.

    Returns
    -------
    dict of str to float
        ``pressure_mix_equal_contacts`` and ``pressure_mix_3x_contacts``, ready to be passed to
        :func:`attention_statistics` (in ``params``) or :func:`attention_arms`.
    """
    _, n, n_weeks = pop_sizes({"n_customers": n_customers, "n_weeks": n_weeks}, n_customers)
    ctx = model_context(dict(params or {}))
    arms = attention_arms(_mean_consent(ctx))
    seed = simulation_seed(rng)
    common = {"n_weeks": n_weeks, "response": ctx.response, "channels": ctx.channels}
    routed = {"preferred_1_a_week": arms["preferred_1_a_week"]}
    pilot = run_arms(ctx, routed, n_per_arm=n, n_weeks=n_weeks, seed=seed)
    value = float(pilot.customers["contacts_received"].mean())
    out = {}
    for arm, multiple in _CONTACT_MULTIPLES.items():
        fair = equalise(
            {arm: arms[arm]},
            target="contacts",
            value=multiple * value,
            population=dataclasses.replace(ctx.population, n_customers=n),
            tol=tol,
            rng=seed,
            **common,
        )
        out[f"pressure_{arm}"] = float(fair.pressure[arm])
    return out


def _mean_consent(ctx) -> float:
    """The model context's consent rate, averaged over channels when it is given per channel."""
    consent = ctx.population.consent_rate
    if not isinstance(consent, float | int):
        consent = float(np.mean(list(consent.values())))
    return float(consent)


def attention_factorial_arms() -> dict[str, Strategy]:
    """The channel factorial of :func:`attention_statistics` (its second population).

    ``factorial_none`` sends nothing; ``factorial_<channel>`` sends one contact a week on
    e-mail, postal mail or the telephone alone; ``factorial_email_and_<channel>`` sends one
    e-mail and one contact on the partner channel a week (each channel team contacts its list
    at its share of 2 a week: the contacts of the two single arms together). Consent is
    respected and the firm sends no contradictory offers, so only the channels differ.
    Formerly ``factorial_arms`` (a name that :func:`mcstudy.model.factorial_arms`, the general
    factorial design, has as well).
    """
    arms: dict[str, Strategy] = {"factorial_none": Monochannel(channel="email", contact_pressure=0)}
    for channel in ("email", *FACTORIAL_PARTNERS):
        arms[f"factorial_{channel}"] = Monochannel(channel=channel, contact_pressure=1.0)
    for partner in FACTORIAL_PARTNERS:
        arms[f"factorial_email_and_{partner}"] = Strategy(
            channels={"email": 1.0, partner: 1.0}, contact_pressure=2.0
        )
    return arms


def _run_attention(params: dict, rng: np.random.SeedSequence) -> tuple[pd.DataFrame, dict]:
    """The arms' outcomes (one row per arm, one column per metric) and the statistics."""
    params, n, n_weeks = pop_sizes(params, 5000)
    names = [f"pressure_{arm}" for arm in _CONTACT_MULTIPLES]
    pressures = {k: params.pop(k) for k in names if k in params}
    ctx = model_context(params)
    arms = attention_arms(_mean_consent(ctx), **pressures)
    frames = []
    # the factorial runs on a second population from its own stream, so the first is the same
    # with or without it
    seed = simulation_seed(rng)
    seeds = (seed, study_stream(seed, "second_population"))
    for group, group_seed in zip((arms, attention_factorial_arms()), seeds, strict=True):
        result = run_arms(ctx, group, n_per_arm=n, n_weeks=n_weeks, seed=group_seed)
        summary = result.summary().set_index("arm")
        converted = (
            (result.customers["n_purchases"] > 0)
            .groupby(result.customers["arm"], observed=False)
            .mean()
        )
        table = summary.loc[list(group), list(_ARM_METRICS)].astype(float)
        table["conversion"] = converted.loc[list(group)].astype(float).to_numpy()
        frames.append(table)
    per_arm = pd.concat(frames).rename_axis(index="arm", columns=None)
    return per_arm, _contrasts(per_arm)


def _contrasts(per_arm: pd.DataFrame) -> dict[str, float]:
    """The statistics of :data:`ATTENTION_STATISTICS` from the arms' outcomes."""

    def v(arm, metric):
        return float(per_arm.loc[arm, metric])

    def per_contact(arm, base):
        extra = v(arm, "contacts_per_customer") - v(base, "contacts_per_customer")
        gain = v(arm, "revenue_per_customer_eur") - v(base, "revenue_per_customer_eur")
        return gain / extra if extra > 0 else float("nan")

    low, high = per_contact("email_0.5", "email_0"), per_contact("email_4", "email_1")
    out = {
        "email_purchases_per_contact": (
            v("email_1", "purchases_per_customer") - v("email_0", "purchases_per_customer")
        )
        / v("email_1", "contacts_per_customer"),
        "email_revenue_per_contact_low": low,
        "email_revenue_per_contact_high": high,
        "email_revenue_per_contact_change": high - low,
        "email_conversion_high_minus_moderate": v("email_4", "conversion")
        - v("email_1", "conversion"),
        "email_revenue_high_minus_moderate": v("email_4", "revenue_per_customer_eur")
        - v("email_1", "revenue_per_customer_eur"),
        "email_churn_high_minus_moderate": v("email_4", "churn_rate") - v("email_1", "churn_rate"),
        "sms_churn_high_minus_moderate": v("sms_4", "churn_rate") - v("sms_1", "churn_rate"),
    }
    for other, label in (("email", "email"), ("postal_mail", "mail")):
        out[f"sms_minus_{label}_churn"] = v("unsolicited_sms", "churn_rate") - v(
            f"unsolicited_{other}", "churn_rate"
        )
        out[f"sms_minus_{label}_withdrawals_per_contact"] = v(
            "unsolicited_sms", "consent_withdrawals_per_customer"
        ) / v("unsolicited_sms", "contacts_per_customer") - v(
            f"unsolicited_{other}", "consent_withdrawals_per_customer"
        ) / v(f"unsolicited_{other}", "contacts_per_customer")
    out["sms_extra_churn_min"] = min(out["sms_minus_email_churn"], out["sms_minus_mail_churn"])
    out["permission_margin_diff"] = v("permission", "margin_per_customer_eur") - v(
        "unsolicited_mix", "margin_per_customer_eur"
    )
    out["permission_churn_diff"] = v("permission", "churn_rate") - v(
        "unsolicited_mix", "churn_rate"
    )
    out["permission_contacts_ratio"] = v("permission", "contacts_per_customer") / v(
        "unsolicited_mix", "contacts_per_customer"
    )
    singles = [v(f"single_{c}", "revenue_per_customer_eur") for c in _MIX]
    out["spread_revenue_gain"] = v("spread", "revenue_per_customer_eur") - float(np.mean(singles))
    revenue, margin, contacts = (
        "revenue_per_customer_eur",
        "margin_per_customer_eur",
        "contacts_per_customer",
    )
    routed = "preferred_1_a_week"
    for arm, label in (
        ("mix_equal_contacts", "mix_equal"),
        ("mix_3x_contacts", "mix_3x"),
        ("mix_each_consented", "each_consented"),
    ):
        out[f"preferred_minus_{label}_revenue"] = v(routed, revenue) - v(arm, revenue)
        out[f"{label}_over_preferred_contacts"] = v(arm, contacts) / v(routed, contacts)
    out["preferred_minus_mix_3x_margin"] = v(routed, margin) - v("mix_3x_contacts", margin)
    for metric, label in ((margin, "margin"), (revenue, "revenue")):
        out[f"contact_minus_none_{label}"] = v("mix_planned_1", metric) - v("email_0", metric)
        out[f"email_minus_none_{label}"] = v("email_1", metric) - v("email_0", metric)

    def interaction(partner, metric):
        return (
            v(f"factorial_email_and_{partner}", metric)
            - v("factorial_email", metric)
            - v(f"factorial_{partner}", metric)
            + v("factorial_none", metric)
        )

    for partner, label in (("postal_mail", "mail"), ("telephone", "telephone")):
        for metric, name in ((margin, "margin"), (revenue, "revenue")):
            out[f"email_{label}_{name}_interaction"] = interaction(partner, metric)
    out["telephone_revenue_gain_alone"] = v("factorial_telephone", revenue) - v(
        "factorial_none", revenue
    )
    out["telephone_revenue_gain_with_email"] = v("factorial_email_and_telephone", revenue) - v(
        "factorial_email", revenue
    )
    return out


def attention_statistics(params: dict, rng: np.random.SeedSequence) -> dict[str, float]:
    """Run the arms of this module on one population; the statistics of the claims.

    The study of the robustness design
    (:func:`mcstudy.experiments.robustness.assess_robustness`): scalar statistics with flat
    names. :func:`attention_outcomes` gives the same run with the arms' outcomes as well.

    Parameters
    ----------
    params : dict
        See :func:`attention_outcomes`.
    rng : numpy.random.SeedSequence
        The study's seed sequence: the arms' population draws from it, the factorial's from its
        second-population stream (:func:`mcstudy._random.study_stream`).

    Returns
    -------
    dict of str to float
        :data:`ATTENTION_STATISTICS`. Differences are per customer randomised, over the whole
        horizon; a churn rate is the share of customers who churned; returns per contact are
        extra revenue (euros) per extra contact; ``*_over_preferred_contacts`` are an arm's
        contacts per customer over those of ``preferred_1_a_week``. An interaction is the
        pair's outcome minus each channel's alone plus no contact's: positive when the two
        channels together bring more than the sum of their effects, negative when less.
    """
    return _run_attention(params, rng)[1]


def attention_outcomes(params: dict, rng: np.random.SeedSequence) -> pd.DataFrame:
    """Run the arms of this module on one population; every arm's outcomes and the statistics.

    The study of :func:`mcstudy.experiments.replicate` at the reference context: the same run,
    from the same random numbers, as :func:`attention_statistics`.

    Parameters
    ----------
    params : dict
        ``n_customers`` (customers per arm, default 5,000, in [100, 1,000,000]), ``n_weeks``
        (default 52, in [4, 520]), ``pressure_mix_equal_contacts`` and
        ``pressure_mix_3x_contacts`` (planned pressures of those arms, as
        :func:`attention_arms` takes them; :func:`attention_equal_pressures` gives those that
        send one and three times the routed arm's contacts) and any model parameter by its name
        in ``data/parameters.csv`` (see :func:`mcstudy.model.model_context`).
    rng : numpy.random.SeedSequence
        The study's seed sequence: the arms' population draws from it, the factorial's from its
        second-population stream (:func:`mcstudy._random.study_stream`).

    Returns
    -------
    pandas.DataFrame
        Tidy: ``arm``, ``metric``, ``value``. First one row per arm (those of
        :func:`attention_factorial_arms` included) and outcome of :data:`ARM_OUTCOMES`, per
        customer randomised to the arm; then one row per statistic of
        :data:`ATTENTION_STATISTICS` (see :func:`attention_statistics`), with ``arm`` missing
        (a statistic compares arms).
    """
    per_arm, statistics = _run_attention(params, rng)
    arms = per_arm.rename_axis(columns="metric").stack().rename("value").reset_index()
    stats = pd.DataFrame(
        {"arm": None, "metric": list(statistics), "value": list(statistics.values())}
    )
    return pd.concat([arms, stats], ignore_index=True)


def contacts_association(
    n_customers: int = 20_000, *, pressure: float = 1.0, n_weeks: int = 52, rng=None
) -> pd.DataFrame:
    """What an analyst with the firm's data would see: purchases against contacts received.

    One e-mail programme at ``pressure`` (consent respected) is simulated; across its customers
    the number of purchases is regressed on the number of e-mails received (ordinary least
    squares, HC3 standard errors), without and with the controls an analyst has (value tier,
    relational profile). Customers differ in contacts received because they consented or not,
    stopped receiving them when they churned or withdrew consent, and by chance: the slope mixes
    the effect of a contact with who stays and who consents. The causal effect per contact is
    the randomised comparison of :func:`attention_statistics`
    (``email_purchases_per_contact``).

    Returns
    -------
    pandas.DataFrame
        One row per model (``without controls``, ``with controls``): ``estimate`` (purchases
        per e-mail received), ``ci_low``, ``ci_high``, ``pvalue``, ``n``.
    """
    import statsmodels.formula.api as smf

    from mcstudy.model.population import PopulationSpec

    n_customers = check_int(n_customers, "n_customers", 100, 10_000_000)
    result = simulate(
        PopulationSpec(n_customers=n_customers),
        Monochannel(channel="email", contact_pressure=pressure),
        n_weeks=n_weeks,
        n_journeys=0,
        progress=False,
        rng=rng,
    )
    c = result.customers[["n_purchases", "contacts_received", "tier", "profile"]]
    rows = []
    for label, formula in (
        ("without controls", "n_purchases ~ contacts_received"),
        ("with controls", "n_purchases ~ contacts_received + C(tier) + C(profile)"),
    ):
        fit = smf.ols(formula, data=c).fit(cov_type="HC3")
        low, high = fit.conf_int().loc["contacts_received"]
        rows.append(
            {
                "model": label,
                "estimate": float(fit.params["contacts_received"]),
                "ci_low": float(low),
                "ci_high": float(high),
                "pvalue": float(fit.pvalues["contacts_received"]),
                "n": int(fit.nobs),
            }
        )
    return pd.DataFrame(rows)


__getattr__ = renamed(__name__, _RENAMED)
