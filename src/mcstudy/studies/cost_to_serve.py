"""Cost-to-serve: channels assigned by customer value, and what the cheaper channels change.

:func:`cost_to_serve_statistics` runs two randomised experiments on one simulated population
and returns the statistics the claims of notebook 06 are judged on. It is a study in the sense
of :func:`mcstudy.experiments.replicate` and
:func:`mcstudy.experiments.robustness.assess_robustness`
(``study(params, rng) -> {statistic: value}``).

**Channels by value tier** (the six default channels). Every arm contacts each value tier at
its tier pressure (``contact_pressure`` x the tier multiplier of :class:`ValueTiered`, half
for small customers and twice for key accounts by default):

- ``none``: no outbound contact;
- ``opt_<option>``: every tier on one option of :data:`OPTIONS` (postal mail, e-mail,
  telephone, visits, or visits and telephone in equal shares);
- ``tiered``: source 000's assignment (:class:`ValueTiered`: small customers mailed, medium
  ones phoned, key accounts visited and phoned);
- ``uniform``: ``tiered``'s channel mix spread evenly over all customers (one mix and one
  pressure for every tier), its pressure rescaled until it spends the same contact budget
  per customer as ``tiered`` in the same run (within 2 %; planned budgets are equal from
  the start, but concentrated contacts lose more consent, so the realised ones are not):
  equal budget, only the allocation by value differs.

Customers do not interact, so the outcome of any assignment of options to tiers is the
tier-share-weighted sum of each tier's outcome in the arm of its option:
:func:`assignment_margins` enumerates every assignment (exact search), on the same population
and random numbers.

**A call centre** (the default channels and the catalogue's ``call_centre``): ``sales_force``
(every tier visited at its tier pressure) against ``call_centre_small`` (small customers
served by the call centre, the others still visited): source 000's GE Medical Systems case;
and ``prospect_<channel>``: every customer contacted by the call centre or by visits at the
base pressure (equal contacts), against no contact: the contact cost per customer won.

**Price-steered channel choice** (:func:`steer_channel_choice`): a small model on top of the
simulated purchases, since the simulator prices every channel alike. The organic orders of
the customers not contacted are re-spread over the purchase channels with odds proportional
to each channel's price index to the power ``-study.channel_price_elasticity`` (a
multinomial logit in the log price, each relational profile's channel mix at one price as
its baseline); the number of orders is unchanged.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import replace

import numpy as np
import pandas as pd
from scipy import stats

from mcstudy._validation import check_frame, check_number
from mcstudy._vocab import TIERS
from mcstudy.analysis.choice import idxbest
from mcstudy.io.catalogue import load_channels
from mcstudy.model.channels import DEFAULT_CHANNELS, ChannelSet
from mcstudy.model.context import model_context
from mcstudy.model.strategies import SiloedMultichannel, Strategy, ValueTiered
from mcstudy.studies._skeleton import pop_sizes, run_arms, simulation_seed

__all__ = [
    "COST_TO_SERVE_STATISTICS",
    "business_cost_to_serve_contrasts",
    "business_cost_to_serve_statistics",
    "OPTIONS",
    "SOURCE_000_ASSIGNMENT",
    "assignment_margins",
    "cost_to_serve_arms",
    "cost_to_serve_contrasts",
    "cost_to_serve_statistics",
    "price_ladder",
    "search_assignments",
    "steer_channel_choice",
]

#: Channel options a value tier can be given (``none`` for no outbound contact).
OPTIONS = {
    "none": (),
    "postal_mail": ("postal_mail",),
    "email": ("email",),
    "telephone": ("telephone",),
    "face_to_face": ("face_to_face",),
    "face_to_face+telephone": ("face_to_face", "telephone"),
}
#: Source 000's assignment: key accounts visited and phoned, medium ones phoned, small ones
#: mailed (the :class:`ValueTiered` preset).
SOURCE_000_ASSIGNMENT = {
    "small": "postal_mail",
    "medium": "telephone",
    "key_account": "face_to_face+telephone",
}
#: Channel the branch (agency) stands for in the price ladder.
BRANCH = "face_to_face"

#: The statistics :func:`cost_to_serve_statistics` returns besides the per-tier outcomes
#: (rows with a ``tier`` and an ``option``) and the arms' outcomes (rows with an ``arm``).
COST_TO_SERVE_STATISTICS = (
    "tiered_minus_uniform_margin",
    "tiered_minus_uniform_revenue",
    "tiered_minus_uniform_contact_cost",
    "uniform_pressure_ratio",
    "tiered_composed_minus_simulated_margin",
    "tiered_minus_none_margin",
    "small_mail_minus_phone_margin",
    "key_visits_minus_none_margin",
    "search_best_minus_best_uniform_margin",
    "search_best_minus_000_margin",
    "call_centre_cost_change",
    "call_centre_revenue_change",
    "call_centre_margin_diff",
    "cost_per_won_call_centre",
    "cost_per_won_face_to_face",
    "cost_per_won_diff",
    "branch_share_uniform_prices",
    "branch_share_change",
)
_ARM_METRICS = ("contacts_per_customer", "churn_rate")
_STRATIFIED = ("revenue", "contact_cost", "cost", "margin")
#: ``uniform`` is re-simulated with its pressure rescaled, at most this many times in all,
#: until its contact cost per customer is within this relative tolerance of ``tiered``'s.
_BUDGET_STEPS, _BUDGET_TOL = 3, 0.02
_STUDY_DEFAULTS = {"study.channel_price_elasticity": 1.0}


def _tier_pressure(params: dict) -> dict[str, float]:
    """Tier multipliers: :class:`ValueTiered`'s, with ``strategy.tier_pressure.<tier>``."""
    mult = dict(ValueTiered().tier_pressure)
    for tier in TIERS:
        name = f"strategy.tier_pressure.{tier}"
        if name in params:
            mult[tier] = check_number(params.pop(name), name, 0, 50)
    return mult


def _population(params: dict, population):
    """Apply ``population.tier_shares.small`` and ``population.tier_value_multipliers.<tier>``.

    A new small-tier share rescales the medium and key-account shares proportionally.
    """
    name = "population.tier_shares.small"
    if name in params:
        small = check_number(params.pop(name), name, 0, 1, low_open=True, high_open=True)
        _, medium, key = population.tier_shares
        rest = (1.0 - small) / (medium + key)
        population = replace(population, tier_shares=(small, medium * rest, key * rest))
    mults = list(population.tier_value_multipliers)
    for k, tier in enumerate(TIERS):
        name = f"population.tier_value_multipliers.{tier}"
        if name in params:
            mults[k] = check_number(params.pop(name), name, 0, 1e6, low_open=True)
    return replace(population, tier_value_multipliers=tuple(mults))


def cost_to_serve_arms(
    pressure: float, tier_pressure: dict[str, float], tier_shares
) -> dict[str, Strategy]:
    """The arms of the channels-by-tier experiment (see the module docstring).

    ``uniform`` plans, over the population, the same contacts of each channel as ``tiered``:
    its channel mix is ``tiered``'s planned mix and its pressure ``tiered``'s mean planned
    pressure over the tiers (weighted by ``tier_shares``).
    """
    arms: dict[str, Strategy] = {
        "none": SiloedMultichannel(channels=("email",), contact_pressure=0.0)
    }
    for option, channels in OPTIONS.items():
        if channels:
            arms[f"opt_{option}"] = SiloedMultichannel(
                channels=channels, contact_pressure=pressure, tier_pressure=tier_pressure
            )
    tiered = ValueTiered(contact_pressure=pressure, tier_pressure=tier_pressure)
    arms["tiered"] = tiered
    mix: dict[str, float] = {}
    shares = _tier_weights(tier_shares)
    weights = dict(zip(TIERS, shares, strict=True))
    for tier, channels in tiered.tier_channels.items():
        for c in channels:
            mix[c] = mix.get(c, 0.0) + weights[tier] * tier_pressure[tier] / len(channels)
    mean_pressure = sum(weights[t] * tier_pressure[t] for t in TIERS)
    arms["uniform"] = SiloedMultichannel(
        channels={c: v / mean_pressure for c, v in mix.items()},
        contact_pressure=pressure * mean_pressure,
    )
    return arms


def _unit_costs(strategy: Strategy, cost_per_contact: dict[str, float], outbound) -> dict:
    """Planned mean cost of one contact of ``strategy`` to each tier (euros)."""
    out = {}
    for tier in TIERS:
        if strategy.tier_channels and tier in strategy.tier_channels:
            names = strategy.tier_channels[tier]
            mix = {c: 1.0 / len(names) for c in names}
        else:
            mix = strategy.contact_mix(outbound)
        out[tier] = sum(share * cost_per_contact[c] for c, share in mix.items())
    return out


def _customer_costs(result, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Contact and service cost (euros) of each customer of a simulation.

    The contact cost is the customer's contacts times the planned mean cost of a contact of
    their arm to their tier (exact for one channel per tier; with channels in fixed shares,
    consent and churn remove contacts of every channel alike in expectation); the service
    cost is their service contacts on each channel times the channel's service cost.
    """
    c = result.customers
    unit = catalogue.set_index("channel")
    outbound = [ch for ch in result.channels if unit.loc[ch, "outbound"]]
    table = {
        (arm, tier): cost
        for arm, strategy in result.strategies.items()
        for tier, cost in _unit_costs(
            strategy, unit["cost_per_contact_eur"].to_dict(), outbound
        ).items()
    }
    keys = pd.MultiIndex.from_arrays([c["arm"].astype(str), c["tier"].astype(str)])
    per_contact = pd.Series(table).reindex(keys).to_numpy(dtype=float)
    contact = c["contacts_received"].to_numpy() * per_contact
    service = np.zeros(len(c))
    for ch in result.channels:
        service += c[f"service_{ch}"].to_numpy() * float(unit.loc[ch, "service_cost_eur"])
    return pd.DataFrame({"contact_cost": contact, "service_cost": service}, index=c.index)


def _stratified(result, costs: pd.DataFrame, tier_shares) -> pd.DataFrame:
    """Per arm and tier mean outcomes, and per arm the tier-share-weighted mean (``all``).

    Weighting each tier's mean by its share in the population (post-stratification) removes
    the noise of how many customers of each tier an arm happened to draw.
    """
    c = result.customers
    frame = pd.DataFrame(
        {
            "arm": c["arm"].astype(str),
            "tier": c["tier"].astype(str),
            "revenue": c["revenue_eur"],
            "contact_cost": costs["contact_cost"],
            "cost": costs["contact_cost"] + costs["service_cost"],
        }
    )
    frame["margin"] = frame["revenue"] - frame["cost"]
    tiers = frame.groupby(["arm", "tier"])[["revenue", "contact_cost", "cost", "margin"]].mean()
    weights = dict(zip(TIERS, tier_shares, strict=True))
    w = tiers.index.get_level_values("tier").map(weights).to_numpy(dtype=float)
    weighted = tiers.mul(w, axis=0).groupby(level="arm").sum()
    weighted.index = pd.MultiIndex.from_product([weighted.index, ["all"]], names=["arm", "tier"])
    return pd.concat([tiers, weighted]).sort_index()


def assignment_margins(margins: pd.DataFrame, tier_shares) -> pd.DataFrame:
    """Margin per customer of every assignment of :data:`OPTIONS` to tiers (exact search).

    Parameters
    ----------
    margins : pandas.DataFrame
        Margin per customer (euros) of each tier under each option: index :data:`TIERS`,
        columns the options of :data:`OPTIONS`; any other columns are identifiers kept as
        they are (e.g. ``replication``) when ``margins`` is long with a ``tier`` column.
    tier_shares : sequence of 3 floats
        Share of each tier in the population.

    Returns
    -------
    pandas.DataFrame
        One row per assignment (6^3 = 216): ``small``, ``medium``, ``key_account`` (the
        option of each tier), ``uniform`` (True when every tier has the same option) and
        ``margin_per_customer_eur``.
    """
    check_frame(margins.reset_index(), ["tier", *OPTIONS], "margins")
    m = margins.reindex(list(TIERS))[list(OPTIONS)].to_numpy(dtype=float)
    w = np.asarray(tier_shares, dtype=float)
    grid = np.array(list(itertools.product(range(len(OPTIONS)), repeat=len(TIERS))))
    value = (m[np.arange(len(TIERS)), grid] * w).sum(axis=1)
    names = np.array(list(OPTIONS))
    out = pd.DataFrame({t: names[grid[:, k]] for k, t in enumerate(TIERS)})
    out["uniform"] = (grid == grid[:, :1]).all(axis=1)
    out["margin_per_customer_eur"] = value
    return out


def search_assignments(table: pd.DataFrame, tier_shares, *, level: float = 0.95) -> pd.DataFrame:
    """Every assignment's margin over replications of :func:`cost_to_serve_statistics`.

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :func:`mcstudy.experiments.replicate` (``replication``, ``tier``,
        ``option``, ``metric``, ``value``), holding the per-tier margins (``metric``
        ``margin`` with a ``tier`` and an ``option``).
    tier_shares : sequence of 3 floats
        Share of each tier in the population.
    level : float, default=0.95
        Confidence level of the t-intervals.

    Returns
    -------
    pandas.DataFrame
        One row per assignment, best first: the options per tier, ``uniform``, ``mean``,
        ``ci_low``, ``ci_high`` (t-interval over replications), ``wins`` (share of
        replications in which it is the best assignment) and ``n_replications``. Every
        assignment is evaluated on the same replications (common random numbers), so
        differences between rows are paired.
    """
    check_frame(table, ["replication", "metric", "value"], "table")
    check_frame(table, ["tier", "option"], "table")
    long = table[(table["metric"] == "margin") & table["tier"].notna() & table["option"].notna()]
    per_rep = []
    for rep, group in long.groupby("replication"):
        wide = group.pivot(index="tier", columns="option", values="value")
        per_rep.append(assignment_margins(wide, tier_shares).assign(replication=rep))
    all_reps = pd.concat(per_rep, ignore_index=True)
    keys = list(TIERS)
    # the best assignment of each replication; near-ties (1e-6 relative) go to the first row
    best_rows = all_reps.groupby("replication")["margin_per_customer_eur"].agg(idxbest)
    best = all_reps.loc[best_rows, keys]
    wins = best.value_counts(normalize=True).rename("wins")
    g = all_reps.groupby([*keys, "uniform"])["margin_per_customer_eur"]
    out = g.agg(mean="mean", sd="std", n_replications="count").reset_index()
    half = stats.t.ppf(0.5 + level / 2, out["n_replications"] - 1) * out["sd"]
    half = half / np.sqrt(out["n_replications"])
    out["ci_low"], out["ci_high"] = out["mean"] - half, out["mean"] + half
    out = out.merge(wins.reset_index(), on=keys, how="left").fillna({"wins": 0.0})
    cols = [*keys, "uniform", "mean", "ci_low", "ci_high", "wins", "n_replications"]
    return out.sort_values("mean", ascending=False, ignore_index=True)[cols]


def steer_channel_choice(
    purchases: pd.DataFrame, groups, price_index: dict[str, float], elasticity: float
) -> tuple[float, float]:
    """Share of orders in the branch before and after pricing the channels by ``price_index``.

    Parameters
    ----------
    purchases : pandas.DataFrame
        Orders of each customer (rows) by purchase channel (columns), all at one price.
    groups : array_like
        Group of each customer (e.g. the relational profile): the channel mix of a group's
        orders at one price is the baseline its members' choice starts from.
    price_index : dict of str to float
        Price of each channel relative to the branch (channels left out: 1).
    elasticity : float
        Price elasticity of the odds of choosing a channel, in [0, 10]: the odds of each
        channel are multiplied by ``price ** -elasticity`` (a multinomial logit in the log
        price); 0 leaves the choice unchanged.

    Returns
    -------
    (float, float)
        The branch (:data:`BRANCH`) share of all orders at one price and under the ladder;
        NaN when there are no orders. Each group keeps its number of orders.
    """
    elasticity = check_number(elasticity, "elasticity", 0, 10)
    check_frame(purchases, [BRANCH], "purchases")
    for c, p in price_index.items():
        check_number(p, f"price_index[{c}]", 0, 10, low_open=True)
    orders = purchases.groupby(np.asarray(groups)).sum().to_numpy(dtype=float)
    total = orders.sum()
    if total == 0:
        return float("nan"), float("nan")
    price = np.array([float(price_index.get(c, 1.0)) for c in purchases.columns])
    weight = orders * price**-elasticity
    branch = purchases.columns.get_loc(BRANCH)
    after = orders.sum(axis=1) * weight[:, branch] / weight.sum(axis=1)
    return float(orders[:, branch].sum() / total), float(after.sum() / total)


def cost_to_serve_statistics(params: dict, rng: np.random.SeedSequence) -> pd.DataFrame:
    """Run the experiments of this module on one population; the statistics of the claims.

    Parameters
    ----------
    params : dict
        ``n_customers`` (customers per arm, default 4,000, in [100, 1,000,000]), ``n_weeks``
        (default 52, in [4, 520]), ``pressure`` (base contact pressure, contacts per
        customer per week before the tier multipliers, default 0.25, in (0, 10]),
        ``study.channel_price_elasticity`` (default 1), ``strategy.tier_pressure.<tier>``,
        ``population.tier_shares.small``, ``population.tier_value_multipliers.<tier>`` and any
        model parameter by its name in ``data/parameters.csv``
        (:func:`mcstudy.model.model_context`).
    rng : numpy.random.SeedSequence
        The study's seed sequence, used by both experiments (the same customers in both).

    Returns
    -------
    pandas.DataFrame
        Tidy: ``arm``, ``tier``, ``option``, ``metric``, ``value``. First
        :data:`COST_TO_SERVE_STATISTICS` (no arm, tier or option: NA), then the arms'
        outcomes (with an ``arm``: ``revenue``, ``contact_cost``, ``cost``, ``margin``, each
        tier weighted by its share in the population, and ``contacts_per_customer``,
        ``churn_rate``; the equal-budget pair's arms are ``pair_tiered`` and
        ``pair_uniform``, the call-centre experiment's arms are prefixed ``cc_``) and the
        per-tier outcomes (with a ``tier`` and an ``option``: ``revenue``,
        ``contact_cost``, ``cost``, ``margin``: euros per customer-year; cost is contact
        plus service cost, margin revenue minus cost). Relative changes are
        fractions (-0.5 = halved); costs per customer won are euros of contact cost per
        extra customer buying at least once, with the extra customers floored at half a
        customer of the arm so that the ratio stays finite.
    """
    arms, tiers, out = _cost_to_serve_run(params, rng)
    rows = [(None, None, None, m, v) for m, v in out.items()]
    rows += [(a, None, None, m, v) for a, outcomes in arms.items() for m, v in outcomes.items()]
    rows += [(None, t, o, m, v) for (t, o), outcomes in tiers.items() for m, v in outcomes.items()]
    return pd.DataFrame(rows, columns=["arm", "tier", "option", "metric", "value"])


def business_cost_to_serve_statistics(params: dict, rng: np.random.SeedSequence) -> pd.DataFrame:
    """:func:`cost_to_serve_statistics` in the business-customer reference context.

    The same experiments and statistics, on accounts with business order values and contact
    costs (:func:`mcstudy.model.business.business_context`): ``params`` takes the business
    parameters by their names in ``data/business_context.csv`` (``business.*``) instead of
    ``population.tier_shares.small`` and ``population.tier_value_multipliers.<tier>``, and
    every other name :func:`cost_to_serve_statistics` takes.
    """
    arms, tiers, out = _cost_to_serve_run(params, rng, context="business")
    rows = [(None, None, None, m, v) for m, v in out.items()]
    rows += [(a, None, None, m, v) for a, outcomes in arms.items() for m, v in outcomes.items()]
    rows += [(None, t, o, m, v) for (t, o), outcomes in tiers.items() for m, v in outcomes.items()]
    return pd.DataFrame(rows, columns=["arm", "tier", "option", "metric", "value"])


def business_cost_to_serve_contrasts(params: dict, rng: np.random.SeedSequence) -> dict[str, float]:
    """:data:`COST_TO_SERVE_STATISTICS` of one run in the business context, by name.

    The same run, seed and numbers as :func:`business_cost_to_serve_statistics` (the study of
    a robustness design over the business parameters).
    """
    return _cost_to_serve_run(params, rng, context="business")[2]


def cost_to_serve_contrasts(params: dict, rng: np.random.SeedSequence) -> dict[str, float]:
    """:data:`COST_TO_SERVE_STATISTICS` of one run, by name (the study of a robustness design).

    The same run, seed and numbers as :func:`cost_to_serve_statistics`.
    """
    return _cost_to_serve_run(params, rng)[2]


def _cost_to_serve_run(
    params: dict, rng: np.random.SeedSequence, context: str = "consumer"
) -> tuple[dict, dict, dict]:
    """One run: the arms' outcomes, the (tier, option) outcomes and the statistics, as dicts.

    ``context`` is the reference context the parameters apply to (``"consumer"``, the
    calibrated one, or ``"business"``).
    """
    params, n, n_weeks = pop_sizes({**_STUDY_DEFAULTS, **dict(params)}, 4000)
    pressure = check_number(params.pop("pressure", 0.25), "pressure", 0, 10, low_open=True)
    elasticity = check_number(
        params.pop("study.channel_price_elasticity"), "study.channel_price_elasticity", 0, 10
    )
    tier_pressure = _tier_pressure(params)
    if context == "business":
        ctx = model_context(params, context="business")
    else:
        population = _population(params, model_context().population)
        ctx = model_context(params, population=population)
    seed = simulation_seed(rng)
    shares = ctx.population.tier_shares

    arms = cost_to_serve_arms(pressure, tier_pressure, shares)

    def run(which: dict[str, Strategy], channels=ctx.channels):
        res = run_arms(ctx, which, n_per_arm=n, n_weeks=n_weeks, seed=seed, channels=channels)
        return res, _stratified(res, _customer_costs(res, channels.catalogue), shares)

    # equal budget: the same customers under tiered and under uniform routing (two runs with
    # one seed share customers and draws), uniform rescaled until it spends the same
    pair = {"tiered": arms["tiered"], "uniform": arms.pop("uniform")}
    paired = {"tiered": run({"tiered": pair["tiered"]})}
    for _ in range(_BUDGET_STEPS):
        paired["uniform"] = run({"uniform": pair["uniform"]})
        cost = {a: paired[a][1].loc[(a, "all"), "contact_cost"] for a in pair}
        ratio = cost["tiered"] / cost["uniform"]
        if abs(ratio - 1.0) <= _BUDGET_TOL:
            break
        uniform = pair["uniform"]
        pair["uniform"] = uniform.with_pressure(min(uniform.contact_pressure * ratio, 50.0))
    result, tiers = run(arms)
    summary = result.summary().set_index("arm")
    per_arm: dict[str, dict[str, float]] = {}
    for a in arms:
        per_arm[a] = {m: float(tiers.loc[(a, "all"), m]) for m in _STRATIFIED}
        per_arm[a].update({m: float(summary.loc[a, m]) for m in _ARM_METRICS})
    for a, (res, strata) in paired.items():
        per_arm[f"pair_{a}"] = {m: float(strata.loc[(a, "all"), m]) for m in _STRATIFIED}
        pair_summary = res.summary().set_index("arm")
        per_arm[f"pair_{a}"].update({m: float(pair_summary.loc[a, m]) for m in _ARM_METRICS})
    per_tier: dict[tuple[str, str], dict[str, float]] = {}
    margins = pd.DataFrame(index=list(TIERS), columns=list(OPTIONS), dtype=float)
    for option in OPTIONS:
        arm = "none" if option == "none" else f"opt_{option}"
        for tier in TIERS:
            per_tier[(tier, option)] = {m: float(tiers.loc[(arm, tier), m]) for m in _STRATIFIED}
            margins.loc[tier, option] = per_tier[(tier, option)]["margin"]
    search = assignment_margins(margins.rename_axis("tier"), shares)
    search = search.set_index(list(TIERS))["margin_per_customer_eur"]
    best_uniform = max(search[(o, o, o)] for o in OPTIONS)
    composed_000 = search[tuple(SOURCE_000_ASSIGNMENT[t] for t in TIERS)]

    def diff(a, b, m):
        return per_arm[a][m] - per_arm[b][m]

    out = {
        "uniform_pressure_ratio": pair["uniform"].contact_pressure
        / cost_to_serve_arms(pressure, tier_pressure, shares)["uniform"].contact_pressure,
        "tiered_minus_uniform_margin": diff("pair_tiered", "pair_uniform", "margin"),
        "tiered_minus_uniform_revenue": diff("pair_tiered", "pair_uniform", "revenue"),
        "tiered_minus_uniform_contact_cost": diff("pair_tiered", "pair_uniform", "contact_cost"),
        "tiered_composed_minus_simulated_margin": composed_000 - per_arm["tiered"]["margin"],
        "tiered_minus_none_margin": diff("tiered", "none", "margin"),
        "small_mail_minus_phone_margin": per_tier[("small", "postal_mail")]["margin"]
        - per_tier[("small", "telephone")]["margin"],
        "key_visits_minus_none_margin": per_tier[("key_account", "face_to_face")]["margin"]
        - per_tier[("key_account", "none")]["margin"],
        "search_best_minus_best_uniform_margin": float(search.max()) - best_uniform,
        "search_best_minus_000_margin": float(search.max()) - composed_000,
    }

    # the call centre: GE Medical Systems (000) and prospecting (002)
    channels = ChannelSet(ctx.channels.catalogue, names=(*DEFAULT_CHANNELS, "call_centre"))
    visits = {t: ("face_to_face",) for t in TIERS}
    cc_arms = {
        "none": SiloedMultichannel(channels=("email",), contact_pressure=0.0),
        "sales_force": SiloedMultichannel(
            contact_pressure=pressure, tier_pressure=tier_pressure, tier_channels=visits
        ),
        "call_centre_small": SiloedMultichannel(
            contact_pressure=pressure,
            tier_pressure=tier_pressure,
            tier_channels={**visits, "small": ("call_centre",)},
        ),
        "prospect_call_centre": SiloedMultichannel(
            channels=("call_centre",), contact_pressure=pressure
        ),
        "prospect_face_to_face": SiloedMultichannel(
            channels=("face_to_face",), contact_pressure=pressure
        ),
    }
    cc, cs = run(cc_arms, channels)
    for a in cc_arms:
        per_arm[f"cc_{a}"] = {m: float(cs.loc[(a, "all"), m]) for m in _STRATIFIED}
    before, after = cs.loc[("sales_force", "all")], cs.loc[("call_centre_small", "all")]
    out["call_centre_cost_change"] = float(after["cost"] / before["cost"] - 1.0)
    out["call_centre_revenue_change"] = float(after["revenue"] / before["revenue"] - 1.0)
    out["call_centre_margin_diff"] = float(after["margin"] - before["margin"])
    won = (cc.customers["n_purchases"] > 0).groupby(cc.customers["arm"], observed=False).mean()
    size = cc.customers.groupby("arm", observed=False).size()
    for channel in ("call_centre", "face_to_face"):
        a = f"prospect_{channel}"
        extra = max(float(won[a] - won["none"]), 0.5 / float(size[a]))
        out[f"cost_per_won_{channel}"] = float(cs.loc[(a, "all"), "contact_cost"]) / extra
    out["cost_per_won_diff"] = out["cost_per_won_call_centre"] - out["cost_per_won_face_to_face"]

    # the price ladder, on the organic orders of the customers not contacted
    c = result.customers[result.customers["arm"] == "none"]
    purchases = c[[f"purchases_{p}" for p in ctx.channels.purchase_channels]]
    purchases.columns = list(ctx.channels.purchase_channels)
    out["branch_share_uniform_prices"], after_share = steer_channel_choice(
        purchases, c["profile"].astype(str), price_ladder(), elasticity
    )
    out["branch_share_change"] = after_share - out["branch_share_uniform_prices"]
    return per_arm, per_tier, out


def price_ladder() -> dict[str, float]:
    """Price of each channel relative to the branch (``service_price_index`` of the catalogue).

    Source 000 and 002 (Caisse d'Epargne stock-market orders): branch 100 %, telephone 80 %,
    Internet 60 %; channels without a price in the catalogue are left out (price 1).
    """
    return dict(_price_ladder())


@functools.lru_cache(maxsize=1)
def _price_ladder() -> tuple[tuple[str, float], ...]:
    catalogue = load_channels().set_index("channel")["service_price_index"].dropna()
    return tuple((c, float(v)) for c, v in catalogue.items())


def _tier_weights(tier_shares) -> tuple[float, ...]:
    """``tier_shares`` checked: one share per tier of :data:`TIERS`, in [0, 1], summing to 1."""
    if isinstance(tier_shares, str) or not hasattr(tier_shares, "__len__"):
        raise TypeError(
            f"'tier_shares' must be a sequence of {len(TIERS)} shares (tiers {list(TIERS)}); "
            f"got {tier_shares!r}."
        )
    if len(tier_shares) != len(TIERS):
        raise ValueError(
            f"'tier_shares' must have {len(TIERS)} shares (tiers {list(TIERS)}); got "
            f"{tier_shares!r}."
        )
    shares = tuple(check_number(s, f"tier_shares[{k}]", 0, 1) for k, s in enumerate(tier_shares))
    if abs(sum(shares) - 1.0) > 1e-9:
        raise ValueError(f"'tier_shares' must sum to 1; got {tier_shares!r} (sum {sum(shares)}).")
    return shares
