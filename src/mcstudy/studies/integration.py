"""Integration and silos: the randomised experiments of notebook 05 and their statistics.

Three studies in the sense of :func:`mcstudy.experiments.replicate` and
:func:`mcstudy.experiments.robustness.assess_robustness` (``study(params, rng) -> {statistic:
value}``), and the arithmetic of an omnichannel investment:

- :func:`integration_statistics`: one population randomised to the arms of the integration
  path from siloed multichannel to omnichannel (:func:`integration_arms`, the :math:`2^6` arms
  switching each integration factor on or off, plus a single-channel arm), at the contact
  pressures given (``pressures``, from :func:`mcstudy.model.equalise`, so that every arm
  sends the same contacts); integration *costs* are left out of these arms (they are
  accounted for by :func:`omnichannel_npv`);
- :func:`coordination_statistics`: uncoordinated (siloed) teams with 1 to 5 outbound channels
  at the same total pressure, each customer's history recorded week by week: weeks in which two
  or more channels spoke, contradictory offers, e-mails sent the week after a purchase;
- :func:`kpi_grid_statistics` and :func:`silo_equilibrium`: an e-mail team and a postal-mail
  team each choosing its pressure to maximise the revenue of "its" purchase channel (website,
  resp. shop and mail order), against the pair of pressures that maximises the firm's margin;
- :func:`omnichannel_npv`: net present value of an omnichannel investment for a customer base,
  from the integration gain per customer-year and the cost items of
  :class:`~mcstudy.model.Omnichannel`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import replace
from fractions import Fraction

import numpy as np
import pandas as pd

from mcstudy._moved import renamed
from mcstudy._validation import check_frame, check_int, check_number, check_option
from mcstudy.analysis.choice import idxbest
from mcstudy.model.context import model_context
from mcstudy.model.design import integration_path
from mcstudy.model.strategies import Omnichannel, SiloedMultichannel, Strategy
from mcstudy.studies._skeleton import pop_sizes, run_arms, simulation_seed

__all__ = [
    "COORDINATION_CHANNELS",
    "HUMAN_SERVICE_CHANNELS",
    "INTEGRATION_FACTOR_GROUPS",
    "KPI_PRESSURES",
    "coordination_statistics",
    "coordination_contrasts",
    "integration_arms",
    "integration_contrasts",
    "integration_statistics",
    "kpi_grid_statistics",
    "omnichannel_npv",
    "path_outcomes",
    "silo_equilibrium",
]

#: Old names of this module -> their new names (still found, with a DeprecationWarning).
_RENAMED = {"INTEGRATION_FACTORS": "INTEGRATION_FACTOR_GROUPS"}

#: The integration factors switched on one by one between siloed multichannel and
#: omnichannel, and the strategy fields each one sets (``docs/model.md`` §8): factor groups
#: for :func:`mcstudy.model.integration_path`, not the strategy fields themselves
#: (:data:`mcstudy.model.INTEGRATION_FACTORS`). Formerly ``INTEGRATION_FACTORS`` here.
INTEGRATION_FACTOR_GROUPS: dict[str, tuple[str, ...]] = {
    "consistent_offers": ("inconsistent_offer_prob",),
    "shared_history": ("history_shared",),
    "suppression": ("suppress_weeks_after_purchase",),
    "frequency_cap": ("frequency_cap",),
    "routing": ("route_by_preference",),
    "referral": ("referral_strength",),
}
#: Service channels on which a person answers (the satisfaction survey of claim C000-23).
HUMAN_SERVICE_CHANNELS = ("face_to_face", "telephone")
#: Outbound channels added one at a time by :func:`coordination_statistics`.
COORDINATION_CHANNELS = ("email", "postal_mail", "sms", "telephone", "website")
#: Pressures (contacts per customer per week) of each team in :func:`kpi_grid_statistics`.
KPI_PRESSURES = (0.0, 0.5, 1.0, 2.0, 4.0)
#: Purchase channels whose revenue each team of :func:`kpi_grid_statistics` is judged on.
_TEAM_KPI = {"email": ("website",), "postal_mail": ("face_to_face", "postal_mail")}
_DESIGNS = ("full", "core")
_CORE_ARMS = ("none", "consistent_offers", "shared_history", "all", "single_email")
_ARM_METRICS = (
    "revenue_per_customer_eur",
    "margin_per_customer_eur",
    "contacts_per_customer",
    "churn_rate",
    "effort_per_customer",
)
_NO_COSTS = {
    "fixed_investment_eur": 0.0,
    "integration_cost_per_channel_eur": 0.0,
    "coordination_cost_per_pair_eur_per_week": 0.0,
    "running_cost_per_week_eur": 0.0,
    "deployment_lag_weeks": 0,
}


def integration_arms(design: str = "full") -> dict[str, Strategy]:
    """The arms of :func:`integration_statistics`, at a pressure of one contact a week.

    ``none`` is :class:`~mcstudy.model.SiloedMultichannel`; ``all`` has every factor of
    :data:`INTEGRATION_FACTOR_GROUPS` switched on, that is :class:`~mcstudy.model.Omnichannel`
    without its costs and deployment lag; the arms between are named by the factors switched
    on (``"consistent_offers+routing"``); ``single_email`` is the siloed firm contacting by
    e-mail only. ``design="core"`` keeps ``none``, ``consistent_offers``, ``shared_history``,
    ``all`` and ``single_email`` (for robustness designs, where the full path is too costly).
    """
    design = check_option(design, "design", _DESIGNS)
    target = replace(Omnichannel(), **_NO_COSTS)
    path = integration_path(SiloedMultichannel(), target, INTEGRATION_FACTOR_GROUPS)
    arms = {("all" if k == "+".join(INTEGRATION_FACTOR_GROUPS) else k): v for k, v in path.items()}
    arms["single_email"] = SiloedMultichannel(channels=("email",))
    if design == "core":
        arms = {k: arms[k] for k in _CORE_ARMS}
    return arms


def _pressured(arms: dict[str, Strategy], pressures: Mapping[str, float] | None) -> dict:
    if pressures is None:
        return arms
    if not isinstance(pressures, Mapping):
        raise TypeError(f"'pressures' must be a mapping arm -> pressure; got {pressures!r}.")
    unknown = sorted(set(pressures) - set(arms))
    if unknown:
        raise ValueError(f"'pressures' names arms {unknown[:5]} that are not arms of the design.")
    return {
        k: replace(s, contact_pressure=check_number(pressures[k], f"pressures[{k!r}]", 0, 50))
        if k in pressures
        else s
        for k, s in arms.items()
    }


def _integration_run(params: dict, rng: np.random.SeedSequence) -> tuple[pd.DataFrame, dict]:
    """One run of the integration arms: per-arm outcomes (arm x metric) and the contrasts."""
    params, n, n_weeks = pop_sizes(params, 2000)
    design = params.pop("design", "full")
    pressures = params.pop("pressures", None)
    ctx = model_context(params)
    arms = _pressured(integration_arms(design), pressures)
    result = run_arms(ctx, arms, n_per_arm=n, n_weeks=n_weeks, seed=simulation_seed(rng))
    summary = result.summary().set_index("arm")
    c = result.customers
    by_arm = c.groupby("arm", observed=False)
    per_arm = {a: {m: float(summary.loc[a, m]) for m in _ARM_METRICS} for a in arms}
    for a, sat in by_arm["satisfaction"].mean().items():
        per_arm[a]["satisfaction"] = float(sat)
        per_arm[a]["retention"] = 1.0 - per_arm[a]["churn_rate"]
    for a, weeks in by_arm["inconsistent_weeks"].mean().items():
        per_arm[a]["inconsistent_weeks"] = float(weeks)

    def v(arm, metric):
        return per_arm[arm][metric]

    siloed = c[c["arm"] == "none"]
    used = siloed["n_channels_used"]
    sat = siloed["satisfaction"]
    service = siloed["service_contacts"] > 0
    human = siloed[[f"service_{h}" for h in HUMAN_SERVICE_CHANNELS]].sum(axis=1) > 0
    observed = float(sat[used >= 2].mean() - sat[used == 1].mean())
    causal = v("all", "satisfaction") - v("none", "satisfaction")
    out = {
        "retention_omni_minus_siloed": v("all", "retention") - v("none", "retention"),
        "retention_siloed_minus_single": v("none", "retention") - v("single_email", "retention"),
        "satisfaction_omni_minus_siloed": causal,
        "satisfaction_multi_minus_single_observed": observed,
        "satisfaction_comparison_error": observed - causal,
        "satisfaction_human_minus_all_surveyed": float(sat[human].mean() - sat[service].mean()),
        "purchases_inconsistent_relative": float(
            by_arm["n_purchases"].mean()["none"] / by_arm["n_purchases"].mean()["consistent_offers"]
            - 1.0
        ),
        "effort_shared_minus_not": v("shared_history", "effort_per_customer")
        - v("none", "effort_per_customer"),
        "customers_contradicted_share": float((siloed["inconsistent_weeks"] > 0).mean()),
        "margin_omni_minus_siloed": v("all", "margin_per_customer_eur")
        - v("none", "margin_per_customer_eur"),
        "contacts_omni_over_siloed": v("all", "contacts_per_customer")
        / v("none", "contacts_per_customer"),
        "retention_siloed": v("none", "retention"),
    }
    return _tidy(per_arm), out


def _tidy(per_arm: Mapping[str, Mapping[str, float]], scalars: Mapping | None = None):
    """Per-arm outcomes as ``arm``, ``metric``, ``value`` rows; ``scalars`` first, arm NA."""
    rows = [(None, m, float(x)) for m, x in (scalars or {}).items()]
    rows += [(a, m, float(x)) for a, outcomes in per_arm.items() for m, x in outcomes.items()]
    return pd.DataFrame(rows, columns=["arm", "metric", "value"])


def integration_statistics(params: dict, rng: np.random.SeedSequence) -> pd.DataFrame:
    """Run the integration arms on one population; the statistics of the integration claims.

    Parameters
    ----------
    params : dict
        ``n_customers`` (customers per arm, default 2,000, in [100, 1,000,000]), ``n_weeks``
        (default 52, in [4, 520]), ``design`` (``"full"``, the default, or ``"core"``, see
        :func:`integration_arms`), ``pressures`` (mapping arm -> contact pressure, e.g. from
        :func:`mcstudy.model.equalise`; arms left out keep one contact a week), and any model
        parameter by its name in ``data/parameters.csv`` (:func:`mcstudy.model.model_context`).
    rng : numpy.random.SeedSequence
        The study's seed sequence, passed to the engine as it is.

    Returns
    -------
    pandas.DataFrame
        Tidy: ``arm``, ``metric``, ``value``. Per arm (revenue, margin before integration
        costs, contacts, churn rate, effort events, per customer randomised, and
        ``retention``, ``satisfaction``, ``inconsistent_weeks``), and, with ``arm`` missing
        (NA), the statistics of the whole experiment (:func:`integration_contrasts`):

        - ``retention_omni_minus_siloed``: share retained after the horizon, ``all`` minus
          ``none`` (C000-04; set against C001-04's between-firm gap, not judged);
        - ``retention_siloed_minus_single``: ``none`` minus ``single_email``: what adding
          unintegrated channels does to retention;
        - ``satisfaction_omni_minus_siloed``: causal effect of integration on satisfaction;
        - ``satisfaction_multi_minus_single_observed``: in the siloed arm, satisfaction of
          customers who bought through two or more channels minus those who bought through
          one (what an NPS comparison by channels used measures);
        - ``satisfaction_comparison_error``: that observed gap minus
          ``satisfaction_omni_minus_siloed``, in the same run: the error of the comparison
          as a test of whether integration raises satisfaction (C003-07; 0 when it recovers
          the causal effect);
        - ``satisfaction_human_minus_all_surveyed``: in the siloed arm, satisfaction of the
          customers who had a service contact on a human channel minus that of every customer
          who had a service contact (the survey of human contacts of C000-23, not judged);
        - ``purchases_inconsistent_relative``: purchases per customer with contradictory
          offers (``none``) relative to consistent ones (``consistent_offers``), minus one
          (C003-02);
        - ``effort_shared_minus_not``: effort events per customer, ``shared_history`` minus
          ``none`` (the identity of C004-07, not judged);
        - ``customers_contradicted_share``: share of customers of ``none`` with at least one
          week of contradictory offers (C000-12);
        - ``margin_omni_minus_siloed``: margin per customer before integration costs, ``all``
          minus ``none`` (input of :func:`omnichannel_npv`);
        - ``contacts_omni_over_siloed``: contacts per customer, ``all`` over ``none``;
        - ``retention_siloed``: share of the ``none`` arm retained after the horizon.
    """
    per_arm, contrasts = _integration_run(params, rng)
    return pd.concat([_tidy({}, contrasts), per_arm], ignore_index=True)


def integration_contrasts(params: dict, rng: np.random.SeedSequence) -> dict[str, float]:
    """The statistics of :func:`integration_statistics` that are not per arm, by name.

    The study of a robustness design (:func:`mcstudy.experiments.robustness.assess_robustness`
    reads ``{statistic: value}``); the same run, seed and numbers as
    :func:`integration_statistics`.
    """
    return _integration_run(params, rng)[1]


def path_outcomes(runs: pd.DataFrame) -> pd.DataFrame:
    """Per-arm outcomes of replicated runs of a study of this module, one row per arm.

    Parameters
    ----------
    runs : pandas.DataFrame
        Output of :func:`mcstudy.experiments.replicate` on a study returning ``arm``,
        ``metric``, ``value`` rows (:func:`integration_statistics`,
        :func:`coordination_statistics`, :func:`kpi_grid_statistics`).

    Returns
    -------
    pandas.DataFrame
        Indexed by arm (sorted), one column per metric: its mean over the replications. Rows
        without an arm (the statistics of the whole experiment) are left out.
    """
    check_frame(runs, ["arm", "metric", "value"], "runs")
    return (
        runs.dropna(subset=["arm"])
        .pivot_table(index="arm", columns="metric", values="value", aggfunc="mean")
        .rename_axis(columns=None)
    )


# --- coordination ----------------------------------------------------------------------------


def _coordination_arms() -> dict[str, Strategy]:
    arms: dict[str, Strategy] = {}
    for k in range(1, len(COORDINATION_CHANNELS) + 1):
        arms[f"channels_{k}"] = SiloedMultichannel(channels=COORDINATION_CHANNELS[:k])
    arms["siloed_default"] = SiloedMultichannel()
    arms["suppressed_default"] = SiloedMultichannel(suppress_weeks_after_purchase=2)
    return arms


def _journey_weeks(journeys: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Contacts and purchases of the recorded customers as (arm, journey, week) rows."""
    contacts = journeys[journeys["touchpoint"] == "contact"]
    purchases = journeys[journeys["touchpoint"] == "purchase"]
    return contacts, purchases


def coordination_statistics(params: dict, rng: np.random.SeedSequence) -> pd.DataFrame:
    """Uncoordinated channel teams, 1 to 5 outbound channels: duplicates and contradictions.

    Arms (one population, every customer's history recorded): ``channels_<k>``, the siloed
    firm with the first ``k`` channels of :data:`COORDINATION_CHANNELS` in equal shares at one
    contact a week in total; ``siloed_default``, the siloed firm with the default contact mix;
    ``suppressed_default``, the same with two weeks without contacts after a purchase (the
    e-mail system connected to the tills).

    Parameters
    ----------
    params : dict
        ``n_customers`` (customers per arm, default 1,000, in [100, 1,000,000]), ``n_weeks``
        (default 52) and model parameters by name, as for :func:`integration_statistics`.
    rng : numpy.random.SeedSequence
        The study's seed sequence, passed to the engine as it is.

    Returns
    -------
    pandas.DataFrame
        Tidy: ``arm``, ``metric``, ``value``. Per arm ``multi_channel_weeks`` (weeks in which
        two or more channels contacted the customer, per customer-year),
        ``contradictory_weeks`` (weeks with contradictory offers per customer-year) and
        ``conflicts`` (their sum); and, with ``arm`` missing (NA, the statistics
        :func:`coordination_contrasts` returns by name):

        - ``conflicts_slope``: least-squares slope of ``conflicts`` on the number of channels
          (C000-11);
        - ``duplicated_customers_share``: share of ``siloed_default`` customers who, at least
          once, were contacted by two or more channels in the same week (C000-10);
        - ``email_after_purchase_share``: share of ``siloed_default`` e-mails sent in the week
          after a purchase (C001-03), and ``email_after_purchase_suppressed_share`` the same
          for ``suppressed_default``;
        - ``buyers_emailed_after_purchase_share``: share of ``siloed_default`` customers with
          a purchase who received an e-mail the week after one.
    """
    per_arm, contrasts = _coordination_run(params, rng)
    return pd.concat([_tidy({}, contrasts), per_arm], ignore_index=True)


def coordination_contrasts(params: dict, rng: np.random.SeedSequence) -> dict[str, float]:
    """The statistics of :func:`coordination_statistics` that are not per arm, by name.

    The study of a robustness design; the same run, seed and numbers as
    :func:`coordination_statistics`.
    """
    return _coordination_run(params, rng)[1]


def _exact_slope(values: Sequence[int]) -> Fraction:
    """The least-squares slope of ``values`` on 1, 2, ..., in exact rational arithmetic.

    ``float()`` of it is the correctly rounded slope, the same on every CPU; a floating-point
    fit (``numpy.polyfit``, through LAPACK) may differ in the last bit between CPUs.

    Examples
    --------
    >>> _exact_slope([3, 5, 7, 9])
    Fraction(2, 1)
    """
    if len(values) < 2:
        raise ValueError(f"'values' must hold at least 2 values; got {list(values)!r}.")
    x = [Fraction(i) for i in range(1, len(values) + 1)]
    centre = sum(x) / len(x)
    num = sum((xi - centre) * Fraction(v) for xi, v in zip(x, values, strict=True))
    return num / sum((xi - centre) ** 2 for xi in x)


def _coordination_run(params: dict, rng: np.random.SeedSequence) -> tuple[pd.DataFrame, dict]:
    """One run of the coordination arms: per-arm outcomes (arm x metric) and the contrasts."""
    params, n, n_weeks = pop_sizes(params, 1000)
    ctx = model_context(params)
    arms = _coordination_arms()
    result = run_arms(
        ctx, arms, n_per_arm=n, n_weeks=n_weeks, seed=simulation_seed(rng), n_journeys=n * len(arms)
    )
    contacts, purchases = _journey_weeks(result.journeys)
    years = n_weeks / 52.0
    per_week = contacts.groupby(["arm", "journey_id", "week"], observed=True)["channel"].nunique()
    multi = (per_week >= 2).groupby(level="arm", observed=True).sum()
    c = result.customers
    contradictory = c.groupby("arm", observed=False)["inconsistent_weeks"].sum()
    per_arm: dict[str, dict[str, float]] = {}
    for arm in arms:
        weeks = {
            "multi_channel_weeks": float(multi.get(arm, 0)) / n / years,
            "contradictory_weeks": float(contradictory[arm]) / n / years,
        }
        weeks["conflicts"] = weeks["multi_channel_weeks"] + weeks["contradictory_weeks"]
        per_arm[arm] = weeks
    # the slope from the counts, exactly: a floating-point fit can land either side of a
    # threshold the exact slope equals (0.1 at a point of notebook 05's design)
    counts = [
        int(multi.get(f"channels_{i}", 0)) + int(contradictory[f"channels_{i}"])
        for i in range(1, len(COORDINATION_CHANNELS) + 1)
    ]
    slope = float(_exact_slope(counts) / (n * Fraction(n_weeks, 52)))
    multi_customers = (per_week >= 2).groupby(level=["arm", "journey_id"], observed=True).any()
    out = {
        "conflicts_slope": slope,
        "duplicated_customers_share": float(multi_customers.loc["siloed_default"].sum()) / n,
    }
    for arm, name in (("siloed_default", ""), ("suppressed_default", "_suppressed")):
        share, buyers = _emails_after_purchase(contacts, purchases, arm)
        out[f"email_after_purchase{name}_share"] = share
        if not name:
            out["buyers_emailed_after_purchase_share"] = buyers
    return _tidy(per_arm), out


def _emails_after_purchase(contacts, purchases, arm) -> tuple[float, float]:
    """Share of an arm's e-mails sent the week after a purchase; share of buyers e-mailed then."""
    mail = contacts[(contacts["arm"] == arm) & (contacts["channel"] == "email")]
    bought = purchases.loc[purchases["arm"] == arm, ["journey_id", "week"]].drop_duplicates()
    after = bought.assign(week=bought["week"] + 1)
    hit = mail.merge(after, on=["journey_id", "week"], how="inner")
    total = mail["contacts"].sum()
    share = float(hit["contacts"].sum() / total) if total > 0 else float("nan")
    buyers = bought["journey_id"].nunique()
    emailed = hit["journey_id"].nunique()
    return share, (emailed / buyers if buyers else float("nan"))


# --- each team its own KPI -------------------------------------------------------------------


def kpi_grid_statistics(params: dict, rng: np.random.SeedSequence) -> pd.DataFrame:
    """The siloed firm at every pair of e-mail and postal-mail pressures of :data:`KPI_PRESSURES`.

    One population randomised to the 25 arms ``email_<p>_mail_<q>`` (siloed: no integration
    factor, consent respected). Returns a tidy frame (``arm``, ``metric``, ``value``) with,
    per arm, ``margin`` (revenue minus contact and service costs per customer), ``revenue``
    and each team's KPI ``kpi_email`` (revenue through the website) and ``kpi_postal_mail``
    (revenue through shops and mail order), per customer over the horizon.

    ``params``: ``n_customers`` (per arm, default 1,000), ``n_weeks`` (default 52) and model
    parameters by name.
    """
    params, n, n_weeks = pop_sizes(params, 1000)
    ctx = model_context(params)
    arms = {
        f"email_{p:g}_mail_{q:g}": SiloedMultichannel(
            channels={c: x for c, x in (("email", p), ("postal_mail", q)) if x > 0} or ("email",),
            contact_pressure=p + q,
        )
        for p, q in itertools.product(KPI_PRESSURES, KPI_PRESSURES)
    }
    result = run_arms(ctx, arms, n_per_arm=n, n_weeks=n_weeks, seed=simulation_seed(rng))
    summary = result.summary().set_index("arm")
    c = result.customers
    basket_rev = {
        ch: (c[f"purchases_{ch}"] * c["basket_eur"]).groupby(c["arm"], observed=False).mean()
        for kpi in _TEAM_KPI.values()
        for ch in kpi
    }
    per_arm = {
        arm: {
            "margin": float(summary.loc[arm, "margin_per_customer_eur"]),
            "revenue": float(summary.loc[arm, "revenue_per_customer_eur"]),
            **{
                f"kpi_{team}": float(sum(basket_rev[ch][arm] for ch in kpi))
                for team, kpi in _TEAM_KPI.items()
            },
        }
        for arm in arms
    }
    return _tidy(per_arm)


def _grid_frame(outcomes: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(outcomes, pd.DataFrame):
        raise TypeError(
            "'outcomes' must be a DataFrame indexed by arm (path_outcomes of replicated "
            f"kpi_grid_statistics runs); got {type(outcomes).__name__}."
        )
    frame = outcomes
    idx = frame.index.astype(str).str.extract(r"^email_(?P<email>[\d.]+)_mail_(?P<mail>[\d.]+)$")
    if idx.isna().any().any():
        raise ValueError(
            "the outcomes must be indexed by the arms of kpi_grid_statistics "
            f"('email_<p>_mail_<q>'); got {list(frame.index[idx.isna().any(axis=1)])[:3]}."
        )
    return frame.assign(
        email=idx["email"].astype(float).to_numpy(), mail=idx["mail"].astype(float).to_numpy()
    )


def silo_equilibrium(outcomes: pd.DataFrame, max_rounds: int = 50) -> dict:
    """Pressures chosen by two teams each maximising its own KPI, and by the whole firm.

    Parameters
    ----------
    outcomes : pandas.DataFrame
        Per-arm outcomes of :func:`kpi_grid_statistics`: a frame indexed by arm with columns
        ``margin``, ``kpi_email`` and ``kpi_postal_mail`` (e.g. :func:`path_outcomes` of
        replicated runs, or of one run).
    max_rounds : int, default=50
        Most rounds of best responses, in [1, 1000].

    Returns
    -------
    dict
        ``silo``: the arm reached by best responses from (0, 0) (each team in turn sets its
        pressure to the one maximising its KPI given the other's; ``converged`` says whether
        the teams stopped changing, otherwise the last arm is returned), ``global``: the arm
        with the highest margin, and ``converged``. Values within 1e-6 relative of the best
        are ties, resolved to the lowest pressure (the table's order, sorted here), so no
        choice turns on rounding.
    """
    max_rounds = check_int(max_rounds, "max_rounds", 1, 1000)
    f = _grid_frame(outcomes)
    missing = {"margin", "kpi_email", "kpi_postal_mail"} - set(f.columns)
    if missing:
        raise ValueError(f"'outcomes' lacks the columns {sorted(missing)}.")
    table = f.set_index(["email", "mail"]).sort_index()
    p, q = 0.0, 0.0
    converged = False
    for _ in range(max_rounds):
        p_new = float(idxbest(table.xs(q, level="mail")["kpi_email"]))
        q_new = float(idxbest(table.xs(p_new, level="email")["kpi_postal_mail"]))
        if (p_new, q_new) == (p, q):
            converged = True
            break
        p, q = p_new, q_new
    best = idxbest(table["margin"])
    return {
        "silo": f"email_{p:g}_mail_{q:g}",
        "global": f"email_{best[0]:g}_mail_{best[1]:g}",
        "converged": converged,
    }


# --- economics -------------------------------------------------------------------------------


def omnichannel_npv(
    gain_per_customer_year: float | np.ndarray,
    n_customers: float | np.ndarray,
    *,
    fixed_investment_eur: float | np.ndarray = Omnichannel.fixed_investment_eur,
    n_channels: int = 6,
    integration_cost_per_channel_eur: float = Omnichannel.integration_cost_per_channel_eur,
    coordination_cost_per_pair_eur_per_week: float = (
        Omnichannel.coordination_cost_per_pair_eur_per_week
    ),
    running_cost_per_week_eur: float = Omnichannel.running_cost_per_week_eur,
    deployment_months: float | np.ndarray = 12.0,
    horizon_years: float = 5.0,
    discount_rate: float = 0.08,
) -> np.ndarray:
    """Net present value (EUR) of an omnichannel investment, vectorised over its arguments.

    The investment (``fixed_investment_eur`` + ``n_channels`` x
    ``integration_cost_per_channel_eur``) is paid at month 0; from the end of the deployment
    the firm gains ``gain_per_customer_year`` per customer and pays the running and
    coordination costs (``n_channels (n_channels - 1) / 2`` pairs); flows are monthly,
    discounted at ``discount_rate`` a year, up to ``horizon_years``. Arguments broadcast
    (numpy), so a grid of base sizes x investments is one call.

    Examples
    --------
    >>> float(omnichannel_npv(0.0, 1000, fixed_investment_eur=0.0, n_channels=1,
    ...     integration_cost_per_channel_eur=0.0, running_cost_per_week_eur=0.0))
    0.0
    """
    horizon_years = check_number(horizon_years, "horizon_years", 0.1, 50)
    discount_rate = check_number(discount_rate, "discount_rate", 0, 1)
    n_channels = check_int(n_channels, "n_channels", 1, 50)
    months = np.arange(1, int(round(12 * horizon_years)) + 1, dtype=float)
    try:
        shape = np.broadcast(
            np.asarray(gain_per_customer_year),
            np.asarray(n_customers),
            np.asarray(fixed_investment_eur),
            np.asarray(deployment_months),
        ).shape
    except ValueError:
        raise ValueError(
            "'gain_per_customer_year', 'n_customers', 'fixed_investment_eur' and "
            "'deployment_months' must broadcast to one shape; got shapes "
            f"{[np.shape(gain_per_customer_year), np.shape(n_customers)]} and "
            f"{[np.shape(fixed_investment_eur), np.shape(deployment_months)]}."
        ) from None
    for name, x in (
        ("gain_per_customer_year", gain_per_customer_year),
        ("deployment_months", deployment_months),
    ):
        try:
            values = np.asarray(x, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(
                f"{name!r} must be a real number or an array of them; got {x!r}."
            ) from None
        if not np.all(np.isfinite(values)):
            raise ValueError(f"{name!r} must be finite; got {x!r}.")
    gain = np.asarray(gain_per_customer_year, float)[..., None]
    base = np.asarray(n_customers, float)[..., None]
    lag = np.asarray(deployment_months, float)[..., None]
    for name, x in (("n_customers", base), ("fixed_investment_eur", fixed_investment_eur)):
        if np.any(np.asarray(x) < 0) or not np.all(np.isfinite(x)):
            raise ValueError(f"'{name}' must be finite and >= 0.")
    weekly = running_cost_per_week_eur + coordination_cost_per_pair_eur_per_week * (
        n_channels * (n_channels - 1) / 2
    )
    monthly = (gain * base / 12.0 - weekly * 52.0 / 12.0) * (months > lag)
    discount = (1.0 + discount_rate) ** (-months / 12.0)
    upfront = (
        np.asarray(fixed_investment_eur, float) + n_channels * integration_cost_per_channel_eur
    )
    npv = (monthly * discount).sum(axis=-1) - upfront
    return np.broadcast_to(npv, shape).copy() if shape else np.asarray(float(npv))


__getattr__ = renamed(__name__, _RENAMED)
