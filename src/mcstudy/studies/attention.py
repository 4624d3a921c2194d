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
- ``preferred``, ``uniform`` and ``blanket``: four outbound channels routed by each
  customer's preference at 1 contact a week, the same mix without routing at 1 (equal
  contacts) and at 3 (the same message repeated across channels, three times the contacts);
  ``uniform`` against ``email_0`` (no contact) is also what contacting customers is worth.

A second population, drawn from the next seed of ``rng`` so that the arms above keep their
customers and draws, is randomised to a channel factorial (:func:`attention_factorial_arms`,
consent respected): no contact, e-mail, postal mail and telephone alone at 1 contact a week, and
e-mail together with each of the other two at 1 contact a week each. Its interactions (the
pair minus each channel alone, plus no contact) say whether two channels add up to more or to
less than the sum of their effects, at the same contacts.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from mcstudy._moved import renamed
from mcstudy._validation import check_frame, check_int
from mcstudy.model.context import model_context
from mcstudy.model.engine import simulate
from mcstudy.model.strategies import Monochannel, Strategy

__all__ = [
    "ATTENTION_STATISTICS",
    "PRESSURES",
    "arm_outcomes",
    "contacts_association",
    "attention_arms",
    "attention_statistics",
    "attention_factorial_arms",
]

#: Old names of this module -> their new names (still found, with a DeprecationWarning).
_RENAMED = {"factorial_arms": "attention_factorial_arms"}

#: The channels paired with e-mail in the factorial arms (:func:`attention_factorial_arms`).
FACTORIAL_PARTNERS = ("postal_mail", "telephone")
#: Contact pressures (contacts per customer per week) of the response-curve arms.
PRESSURES = (0.0, 0.5, 1.0, 4.0)
_MIX = {"email": 1.0, "postal_mail": 1.0, "sms": 1.0}
_PREFERRED_MIX = {"email": 1.0, "postal_mail": 1.0, "sms": 1.0, "telephone": 1.0}

#: The statistics :func:`attention_statistics` returns (per-arm outcomes come as well, named
#: ``<arm>/<metric>``).
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
    "preferred_minus_uniform_revenue",
    "preferred_minus_blanket_revenue",
    "preferred_minus_blanket_margin",
    "contact_minus_none_margin",
    "contact_minus_none_revenue",
    "email_mail_margin_interaction",
    "email_mail_revenue_interaction",
    "email_telephone_revenue_interaction",
    "email_telephone_margin_interaction",
    "telephone_revenue_gain_alone",
    "telephone_revenue_gain_with_email",
)
_ARM_METRICS = (
    "purchases_per_customer",
    "revenue_per_customer_eur",
    "margin_per_customer_eur",
    "contacts_per_customer",
    "churn_rate",
    "consent_withdrawals_per_customer",
)


def attention_arms(consent_rate: float) -> dict[str, Strategy]:
    """The arms of :func:`attention_statistics` (``consent_rate`` scales the permission arm)."""
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
    arms["preferred"] = Strategy(
        channels=_PREFERRED_MIX, contact_pressure=1.0, route_by_preference=True
    )
    arms["uniform"] = Strategy(channels=_PREFERRED_MIX, contact_pressure=1.0)
    arms["blanket"] = Strategy(channels=_PREFERRED_MIX, contact_pressure=3.0)
    return arms


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


def attention_statistics(params: dict, rng: np.random.Generator) -> dict[str, float]:
    """Run the arms of this module on one population; the statistics of the claims.

    Parameters
    ----------
    params : dict
        ``n_customers`` (customers per arm, default 5,000, in [100, 1,000,000]), ``n_weeks``
        (default 52, in [4, 520]), and any model parameter by its name in
        ``data/parameters.csv`` (see :func:`mcstudy.model.model_context`).
    rng : numpy.random.Generator
        Random source; one seed is drawn from it for the simulation.

    Returns
    -------
    dict of str to float
        :data:`ATTENTION_STATISTICS` and every arm's outcomes (``<arm>/<metric>``), those of
        :func:`attention_factorial_arms` included. Differences are per customer randomised, over
        the whole horizon; a churn rate is the share of customers who churned; returns per
        contact are extra revenue (euros) per extra contact. An interaction is the pair's outcome
        minus each channel's alone plus no contact's: positive when the two channels together
        bring more than the sum of their effects, negative when less.
    """
    params = dict(params)
    n = check_int(params.pop("n_customers", 5000), "n_customers", 100, 1_000_000)
    n_weeks = check_int(params.pop("n_weeks", 52), "n_weeks", 4, 520)
    ctx = model_context(params)
    consent = ctx.population.consent_rate
    if not isinstance(consent, float | int):
        consent = float(np.mean(list(consent.values())))
    arms = attention_arms(float(consent))
    s: dict[str, float] = {}
    # the factorial's seed is drawn second, so the first population is the same with or
    # without it
    for group in (arms, attention_factorial_arms()):
        result = simulate(
            replace(ctx.population, n_customers=n * len(group)),
            group,
            n_weeks=n_weeks,
            response=ctx.response,
            channels=ctx.channels,
            n_journeys=0,
            n_threads=1,
            progress=False,
            rng=int(rng.integers(2**63)),
        )
        summary = result.summary().set_index("arm")
        converted = (
            (result.customers["n_purchases"] > 0)
            .groupby(result.customers["arm"], observed=False)
            .mean()
        )
        for arm in group:
            s.update({f"{arm}/{m}": float(summary.loc[arm, m]) for m in _ARM_METRICS})
            s[f"{arm}/conversion"] = float(converted[arm])

    def v(arm, metric):
        return s[f"{arm}/{metric}"]

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
    out["preferred_minus_uniform_revenue"] = v("preferred", "revenue_per_customer_eur") - v(
        "uniform", "revenue_per_customer_eur"
    )
    out["preferred_minus_blanket_revenue"] = v("preferred", "revenue_per_customer_eur") - v(
        "blanket", "revenue_per_customer_eur"
    )
    out["preferred_minus_blanket_margin"] = v("preferred", "margin_per_customer_eur") - v(
        "blanket", "margin_per_customer_eur"
    )
    for metric, label in (
        ("margin_per_customer_eur", "margin"),
        ("revenue_per_customer_eur", "revenue"),
    ):
        out[f"contact_minus_none_{label}"] = v("uniform", metric) - v("email_0", metric)

    def interaction(partner, metric):
        return (
            v(f"factorial_email_and_{partner}", metric)
            - v("factorial_email", metric)
            - v(f"factorial_{partner}", metric)
            + v("factorial_none", metric)
        )

    for partner, label in (("postal_mail", "mail"), ("telephone", "telephone")):
        for metric, name in (
            ("margin_per_customer_eur", "margin"),
            ("revenue_per_customer_eur", "revenue"),
        ):
            out[f"email_{label}_{name}_interaction"] = interaction(partner, metric)
    revenue = "revenue_per_customer_eur"
    out["telephone_revenue_gain_alone"] = v("factorial_telephone", revenue) - v(
        "factorial_none", revenue
    )
    out["telephone_revenue_gain_with_email"] = v("factorial_email_and_telephone", revenue) - v(
        "factorial_email", revenue
    )
    return {**out, **s}


def arm_outcomes(table: pd.DataFrame) -> pd.DataFrame:
    """The per-arm outcomes of replicated :func:`attention_statistics` runs, one row per arm.

    ``table`` is the output of :func:`mcstudy.experiments.replicate`; the result has one column per
    metric (the mean over replications).
    """
    check_frame(table, ["metric", "value"], name="table")
    arm_rows = table[table["metric"].str.contains("/", regex=False)]
    parts = arm_rows["metric"].str.split("/", n=1, expand=True)
    return (
        arm_rows.assign(arm=parts[0], outcome=parts[1])
        .pivot_table(index="arm", columns="outcome", values="value", aggfunc="mean")
        .rename_axis(columns=None)
    )


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
