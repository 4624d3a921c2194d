"""Relational profiles and channel choice: segment-matched, uniform and individual channel policies.

Source 000 (ref. 12) describes "social" customers who prefer the telephone and face-to-face
contact and "autonomous" ones who cite postal mail and self-service; sources 000 and 002
recommend matching channels to segments, and even to each customer ("ultra-segmentation"). In
the model the profile sets each customer's channel affinities (an *input*: the catalogue's
``affinity_social`` and ``affinity_autonomous`` columns), and a contact persuades in proportion
to the customer's affinity for its channel. What a study can test is the *consequence*: does a
channel policy matched to the profile beat a uniform one, and an individual one beat both?

:func:`profile_statistics` randomises a population of each profile to three policies at the same
planned pressure (consent respected): ``uniform`` (telephone, postal mail, e-mail and SMS in
equal shares), ``segment`` (the same channels weighted by the profile's catalogue affinities:
one mix per segment) and ``individual`` (the uniform mix routed to each customer's own
preferences). Customers do not interact, so simulating each profile apart and weighting by the
profile shares is the same experiment as randomising a mixed population. It also measures the
association between profile and the channel of service contacts, and the reach of the channels
(the share of customers whose preferred outbound channel a firm is present on).

The affinity-gap sweep (how the gain of the segment policy depends on how different the
profiles really are: :func:`affinity_gap_sweep`, :func:`affinity_gap_statistics`,
:func:`equal_contact_pressures`, :func:`gap_affinities`) is in
:mod:`~mcstudy.studies.affinity_gap`; its names are imported here as well.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mcstudy._validation import check_int
from mcstudy.model.context import model_context
from mcstudy.model.engine import simulate
from mcstudy.model.strategies import Strategy
from mcstudy.studies._profile_policies import (
    OUTBOUND,
    PROFILES,
    _arm_outcomes,
    _pop_run_parameters,
    _profile_population,
    _profile_seeds,
    _profile_shares,
    _statistics,
    _tidy,
    _weighted,
)
from mcstudy.studies._skeleton import run_arms
from mcstudy.studies.affinity_gap import (
    GAP_COMPARATORS,
    GAP_OUTCOMES,
    GAP_POLICIES,
    GAP_STATISTICS,
    MAX_AFFINITY_GAP,
    AffinityGapSweep,
    affinity_gap_statistics,
    affinity_gap_sweep,
    equal_contact_pressures,
    gap_affinities,
    with_affinity_gap,
)

__all__ = [
    "GAP_COMPARATORS",
    "GAP_OUTCOMES",
    "GAP_POLICIES",
    "GAP_STATISTICS",
    "MAX_AFFINITY_GAP",
    "OUTBOUND",
    "PRESENCE_ORDER",
    "PROFILE_POLICIES",
    "PROFILE_STATISTICS",
    "AffinityGapSweep",
    "affinity_gap_statistics",
    "affinity_gap_sweep",
    "arm_outcomes",
    "channel_reach",
    "equal_contact_pressures",
    "gap_affinities",
    "profile_channel_association",
    "profile_statistics",
    "statistics_of",
    "with_affinity_gap",
]


#: The channels a firm can be present on, in the order it would add them (cheapest contact
#: first, as in the catalogue).
PRESENCE_ORDER = ("website", "email", "sms", "postal_mail", "telephone", "face_to_face")

#: The policies :func:`profile_statistics` randomises.
PROFILE_POLICIES = ("uniform", "segment", "individual")

#: The statistics :func:`profile_statistics` returns (beside every arm's outcomes).
PROFILE_STATISTICS = (
    "segment_minus_uniform_margin",
    "segment_minus_uniform_revenue",
    "segment_minus_uniform_churn",
    "individual_minus_segment_margin",
    "individual_minus_segment_revenue",
    "individual_minus_segment_churn",
    "individual_minus_uniform_margin",
    "service_phone_share_social_minus_autonomous",
    "service_mail_share_autonomous_minus_social",
    "reach_gain_per_channel",
)
_METRICS = (
    "revenue_per_customer_eur",
    "margin_per_customer_eur",
    "contacts_per_customer",
    "churn_rate",
)


def _policies(channels) -> dict[str, dict[str, Strategy]]:
    """The three policies for each profile (the segment mix from the profile's affinities)."""
    names = list(channels.names)
    out = {}
    for k, profile in enumerate(PROFILES):
        weights = {c: float(channels.affinity[k, names.index(c)]) for c in OUTBOUND}
        out[profile] = {
            "uniform": Strategy(channels=dict.fromkeys(OUTBOUND, 1.0)),
            "segment": Strategy(channels=weights),
            "individual": Strategy(channels=dict.fromkeys(OUTBOUND, 1.0), route_by_preference=True),
        }
    return out


def channel_reach(preferred: pd.Series, order=PRESENCE_ORDER) -> pd.DataFrame:
    """Share of customers whose preferred channel is among the first k channels a firm is on.

    Parameters
    ----------
    preferred : pandas.Series
        Each customer's most preferred channel.
    order : sequence of str, default=PRESENCE_ORDER
        The order in which a firm adds channels.

    Returns
    -------
    pandas.DataFrame
        ``n_channels`` (1..k), ``channel`` (the one added), ``reach`` (share of customers whose
        preferred channel is among them) and ``gain`` (the increase over k - 1 channels).
    """
    shares = preferred.value_counts(normalize=True)
    reach = np.cumsum([float(shares.get(c, 0.0)) for c in order])
    return pd.DataFrame(
        {
            "n_channels": np.arange(1, len(order) + 1),
            "channel": list(order),
            "reach": reach,
            "gain": np.diff(np.concatenate([[0.0], reach])),
        }
    )


def profile_statistics(params: dict, rng: np.random.SeedSequence) -> pd.DataFrame:
    """Run the three policies on each profile; the statistics of notebook 02's claims.

    Parameters
    ----------
    params : dict
        ``n_customers`` (customers per profile and policy, default 5,000, in [100,
        1,000,000]), ``n_weeks`` (default 52, in [4, 520]), ``pressure`` (planned contacts per
        week of every arm, default 1.0, in [0, 50]), ``pressure_<policy>_<profile>`` (one
        arm's planned pressure, for ``uniform``, ``segment`` and ``individual``; default
        ``pressure``; :func:`equal_contact_pressures` gives those at which the arms send equal
        contacts) and any model parameter by its name in ``data/parameters.csv``
        (:func:`mcstudy.model.model_context`); ``population.social_share`` weights the two
        profiles.
    rng : numpy.random.SeedSequence
        The study's seed sequence; each profile draws from its own stream under it
        (:func:`mcstudy._random.study_stream`).

    Returns
    -------
    pandas.DataFrame
        Columns ``profile``, ``policy``, ``metric`` and ``value``: first the
        :data:`PROFILE_STATISTICS` (``profile`` and ``policy`` None; :func:`statistics_of`
        reads them), then every arm's outcomes for each profile and for ``all`` (weighted by
        the shares; :func:`arm_outcomes`). Money per customer-year in euros; churn as a share
        of customers; service-channel shares are each customer's share of service contacts on
        the channel, averaged over customers with at least one; ``reach_gain_per_channel`` is
        the mean share of customers newly reached on their preferred channel by each channel
        added after the first (:data:`PRESENCE_ORDER`).
    """
    params, n, n_weeks, pressures = _pop_run_parameters(params, PROFILE_POLICIES)
    ctx = model_context(params)
    share = _profile_shares(ctx.population)
    policies = _policies(ctx.channels)
    outcomes = {}
    service_share = {}
    preferred = []
    for (profile, arms), seed in zip(policies.items(), _profile_seeds(rng), strict=True):
        arms = {name: a.with_pressure(pressures[(name, profile)]) for name, a in arms.items()}
        result = run_arms(
            ctx,
            arms,
            n_per_arm=n,
            n_weeks=n_weeks,
            seed=seed,
            population=_profile_population(ctx.population, profile),
        )
        outcomes[profile] = result.summary().set_index("arm").loc[list(arms), list(_METRICS)]
        c = result.customers[result.customers["arm"] == "uniform"]
        served = c[c["service_contacts"] > 0]
        service_share[profile] = {
            ch: float((served[f"service_{ch}"] / served["service_contacts"]).mean())
            for ch in ("telephone", "postal_mail")
        }
        preferred.append((c["preferred_channel"].astype(str), share[profile]))
    outcomes = {p: t.astype(float) for p, t in outcomes.items()}
    outcomes["all"] = _weighted(outcomes, share)
    both = outcomes["all"]

    def diff(a, b, m):
        return float(both.loc[a, m]) - float(both.loc[b, m])

    # the two profiles' preferred channels, weighted by the profile shares
    weights = pd.concat(
        [pd.Series(w / len(top), index=range(len(top))) for top, w in preferred], ignore_index=True
    )
    tops = pd.concat([top for top, _ in preferred], ignore_index=True)
    shares = weights.groupby(tops.to_numpy()).sum()
    reach = channel_reach(
        pd.Series(np.repeat(shares.index, np.round(shares * 100_000).astype(int)))
    )
    out = {
        "segment_minus_uniform_margin": diff("segment", "uniform", "margin_per_customer_eur"),
        "segment_minus_uniform_revenue": diff("segment", "uniform", "revenue_per_customer_eur"),
        "segment_minus_uniform_churn": diff("segment", "uniform", "churn_rate"),
        "individual_minus_segment_margin": diff("individual", "segment", "margin_per_customer_eur"),
        "individual_minus_segment_revenue": diff(
            "individual", "segment", "revenue_per_customer_eur"
        ),
        "individual_minus_segment_churn": diff("individual", "segment", "churn_rate"),
        "individual_minus_uniform_margin": diff("individual", "uniform", "margin_per_customer_eur"),
        "service_phone_share_social_minus_autonomous": service_share["social"]["telephone"]
        - service_share["autonomous"]["telephone"],
        "service_mail_share_autonomous_minus_social": service_share["autonomous"]["postal_mail"]
        - service_share["social"]["postal_mail"],
        "reach_gain_per_channel": float(reach["gain"].iloc[1:].mean()),
    }
    return _tidy(out, outcomes)


def statistics_of(table: pd.DataFrame) -> dict[str, float]:
    """The statistics of one run of a profile study, by name.

    Parameters
    ----------
    table : pandas.DataFrame
        What :func:`profile_statistics` or
        :func:`~mcstudy.studies.affinity_gap.affinity_gap_statistics` returns.

    Returns
    -------
    dict of str to float
        Its rows without a profile (:data:`PROFILE_STATISTICS` or
        :data:`~mcstudy.studies.affinity_gap.GAP_STATISTICS`).
    """
    return _statistics(table)


def arm_outcomes(runs: pd.DataFrame) -> pd.DataFrame:
    """Every policy's mean outcomes by profile, over the replications of a profile study.

    Parameters
    ----------
    runs : pandas.DataFrame
        Replications of :func:`profile_statistics` (:func:`mcstudy.experiments.replicate`).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``profile`` (``all``: both weighted by their shares) and ``policy``, one
        column per outcome (revenue and margin per customer-year in euros, contacts per
        customer, churn as a share of customers): the mean over replications.
    """
    table = _arm_outcomes(runs).pivot_table(
        index=["profile", "policy"], columns="metric", values="value"
    )
    return table.rename_axis(columns="outcome")


def profile_channel_association(n_customers: int = 20_000, *, n_weeks: int = 52, rng=None):
    """Profile and the channel of service contacts in a mixed population (observational).

    Each customer's main service channel (the one with most service contacts; customers with
    none are left out) is cross-tabulated against the profile: the chi-square test of
    independence, Cramér's V, and a multinomial logit of the main channel on the profile with
    the value tier as a control (statsmodels).

    Returns
    -------
    dict
        ``table`` (counts, profile x channel), ``chi2``, ``pvalue``, ``dof``, ``cramers_v``,
        ``n`` and ``mnlogit`` (the profile coefficients against the first channel, with 95 %
        intervals).
    """
    import statsmodels.formula.api as smf
    from scipy import stats

    from mcstudy.model.population import PopulationSpec

    n_customers = check_int(n_customers, "n_customers", 100, 10_000_000)
    result = simulate(
        PopulationSpec(n_customers=n_customers),
        Strategy(channels=dict.fromkeys(OUTBOUND, 1.0)),
        n_weeks=n_weeks,
        n_journeys=0,
        progress=False,
        rng=rng,
    )
    c = result.customers
    served = c[c["service_contacts"] > 0]
    columns = [f"service_{ch}" for ch in result.channels]
    main = served[columns].to_numpy().argmax(axis=1)
    frame = pd.DataFrame(
        {
            "profile": served["profile"].astype(str).to_numpy(),
            "tier": served["tier"].astype(str).to_numpy(),
            "channel": np.asarray(result.channels)[main],
        }
    )
    table = pd.crosstab(frame["profile"], frame["channel"])
    chi2, pvalue, dof, _ = stats.chi2_contingency(table.to_numpy())
    cramers_v = float(stats.contingency.association(table.to_numpy(), method="cramer"))
    frame["y"] = pd.Categorical(frame["channel"]).codes
    fit = smf.mnlogit("y ~ C(profile) + C(tier)", data=frame).fit(disp=False)
    levels = list(pd.Categorical(frame["channel"]).categories)
    term = "C(profile)[T.social]"
    conf = fit.conf_int()
    rows = []
    for k, level in enumerate(levels[1:]):
        coef = float(fit.params.iloc[:, k][term])
        low, high = (
            conf.loc[(str(k + 1), term)]
            if (str(k + 1), term) in conf.index
            else (
                np.nan,
                np.nan,
            )
        )
        rows.append(
            {
                "channel": level,
                "log_odds_social_vs_autonomous": coef,
                "ci_low": low,
                "ci_high": high,
            }
        )
    return {
        "table": table,
        "chi2": float(chi2),
        "pvalue": float(pvalue),
        "dof": int(dof),
        "cramers_v": cramers_v,
        "n": len(frame),
        "mnlogit": pd.DataFrame(rows).assign(reference=levels[0]),
    }
