"""Simulate customer populations under contact strategies, week by week.

:func:`simulate` draws a population, randomises its customers to one or more strategy arms,
runs the weekly dynamics (:mod:`mcstudy.model._kernel`) and returns a :class:`SimulationResult` of
tidy DataFrames. Because the arms are randomised inside one population, the difference between
two arms is a causal effect; the same run also holds the observational associations an analyst
would see (for example between channel breadth and purchases).

Reproducibility: customers are simulated in blocks of :data:`BLOCK_SIZE`; block ``b`` draws
everything from its own stream ``SeedSequence(seed, spawn_key=(b,))``. The result is therefore
identical whatever the number of threads, and the customers of each complete block of a large
population are the same customers, with the same histories, as in a smaller one with the same
seed.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mcstudy._progress import progress_bar
from mcstudy._random import block_generator, root_seed, seed_sequence
from mcstudy._validation import check_int, check_number
from mcstudy._vocab import PARAMETER_RANGES, TIERS
from mcstudy.io.catalogue import load_channels
from mcstudy.model import _kernel
from mcstudy.model.channels import ChannelSet
from mcstudy.model.costs import cost_ledger
from mcstudy.model.lapse import kernel_fields
from mcstudy.model.population import PopulationSpec, generate_population
from mcstudy.model.response import ResponseSpec
from mcstudy.model.strategies import LEARNED_CAP, SiloedMultichannel, Strategy
from mcstudy.model.tables import (
    build_tables,
    customer_columns,
    fill_customer_columns,
    kernel_output_views,
)

__all__ = [
    "BLOCK_SIZE",
    "NotEnoughMemoryError",
    "SimulationResult",
    "estimate_peak_memory",
    "simulate",
]

#: Customers per random-stream block (a model constant: changing it changes the draws).
BLOCK_SIZE = 8192

#: Peak memory model of :func:`simulate`: a fixed part (interpreter, libraries, compiled
#: kernel) plus, per customer, 8 bytes per column of the customer table times a safety factor.
#: Measured with ``mcstudy bench``: 1,000,000 customers x 52 weeks x 6 channels peak at
#: 601 MB and 5,000,000 at 1.73 GB (283 bytes per extra customer); the model gives 0.76 and
#: 2.60 GB, on the safe side.
_FIXED_MEMORY_BYTES = 300e6
_MEMORY_SAFETY = 1.25


class NotEnoughMemoryError(MemoryError):
    """A simulation would need more memory than the machine has available."""


def estimate_peak_memory(n_customers: int, channels: ChannelSet) -> float:
    """Estimated peak memory of :func:`simulate` in bytes (see ``_FIXED_MEMORY_BYTES``)."""
    n_columns = 36 + len(channels.purchase_channels) + channels.n_channels
    return _FIXED_MEMORY_BYTES + _MEMORY_SAFETY * 8.0 * n_columns * n_customers


def _available_memory() -> float | None:
    """Bytes the operating system reports available (``MemAvailable``); None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024.0
    except OSError:
        pass
    try:
        return float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def _check_memory(n_customers: int, channels: ChannelSet) -> None:
    need, have = estimate_peak_memory(n_customers, channels), _available_memory()
    if have is not None and need > have:
        raise NotEnoughMemoryError(
            f"simulating {n_customers:,} customers needs about {need / 1e9:.1f} GB of memory; "
            f"{have / 1e9:.1f} GB is available. Simulate fewer customers per run (results per "
            f"customer do not depend on the population size) and combine replications with "
            f"mcstudy.experiments.replicate."
        )


@dataclass(frozen=True)
class SimulationResult:
    """What :func:`simulate` returns.

    Attributes
    ----------
    customers : pandas.DataFrame
        One row per customer: attributes, arm, channels used, purchases, revenue, visits,
        contacts received / attended / clutter, irritation and relationship stocks, consent
        withdrawals, churn week, service contacts, effort and satisfaction.
    weekly : pandas.DataFrame
        One row per arm × week × channel: contacts, attended, purchases, revenue, service
        contacts, visits, contact cost, the customers active at the start of the week, and
        the ``window`` ("pre" before the arm's deployment lag, "post" from it on).
    journeys : pandas.DataFrame
        Ordered touchpoints of sampled customers with each contact's first-order
        (approximate) incremental effect; the exact causal contributions come from
        :func:`mcstudy.model.counterfactual.channel_contributions`.
    costs : pandas.DataFrame
        The cost ledger (:func:`mcstudy.model.costs.cost_ledger`).
    population, response, strategies, channels, n_weeks, seed
        Everything needed to reproduce the run.
    """

    customers: pd.DataFrame
    weekly: pd.DataFrame
    journeys: pd.DataFrame
    costs: pd.DataFrame
    population: PopulationSpec
    response: ResponseSpec
    strategies: dict[str, Strategy]
    channels: tuple[str, ...]
    n_weeks: int
    seed: object = field(repr=False)
    switched_off: tuple[str, ...] = ()

    def summary(self) -> pd.DataFrame:
        """Per-arm totals: customers, purchases, revenue, contacts, churn, costs and margin.

        Every arm has a row, in the order the arms were given; an arm that drew no customer
        (possible with a tiny population or a small share) shows ``customers = 0`` and NaN
        rates rather than disappearing.

        ``margin_per_customer_eur`` is revenue minus contact, service and integration costs;
        the cost of goods sold is not modelled.
        """
        c = self.customers
        g = c.groupby("arm", observed=False)  # every arm, also one that drew no customer
        out = pd.DataFrame(
            {
                "customers": g.size(),
                "purchases_per_customer": g["n_purchases"].mean(),
                "revenue_per_customer_eur": g["revenue_eur"].mean(),
                "contacts_per_customer": g["contacts_received"].mean(),
                "clutter_share": g["contacts_clutter"].sum() / g["contacts_received"].sum(),
                "churn_rate": g["churned"].mean(),
                "consent_withdrawals_per_customer": g["consent_withdrawals"].mean(),
                "effort_per_customer": g["effort_events"].mean(),
            }
        )
        cost = self.costs.groupby("arm", observed=False)["amount_eur"].sum()
        out["cost_per_customer_eur"] = cost.reindex(out.index).fillna(0.0) / out["customers"]
        out["margin_per_customer_eur"] = (
            out["revenue_per_customer_eur"] - out["cost_per_customer_eur"]
        )
        out.insert(4, "visits_per_customer", g["visits"].mean())
        return out.reset_index()

    def summary_by_window(self) -> pd.DataFrame:
        """Per-arm totals before and after each arm's deployment lag, reported apart.

        One row per arm × window (``pre``: weeks before the lag; ``post``: from the lag on;
        an arm without a lag has only ``post``): the weeks in the window, contacts,
        purchases, visits and revenue per customer randomised to the arm, contact cost per
        customer, and the share of the arm's customers who churned during the window.
        """
        wk = self.weekly
        sums = (
            wk.groupby(["arm", "window"], observed=True)[
                ["contacts", "purchases", "visits", "revenue_eur", "contact_cost_eur"]
            ]
            .sum()
            .reset_index()
        )
        weeks = wk.groupby(["arm", "window"], observed=True)["week"].nunique()
        size = self.customers.groupby("arm", observed=False).size()
        lag = {a: min(s.deployment_lag_weeks, self.n_weeks) for a, s in self.strategies.items()}
        c = self.customers
        week = c["churn_week"].to_numpy(dtype=float, na_value=np.nan)
        arm_lag = c["arm"].map(lag).to_numpy(dtype=float)
        churned = {
            "pre": pd.Series(week < arm_lag).groupby(c["arm"].to_numpy()).sum(),
            "post": pd.Series(week >= arm_lag).groupby(c["arm"].to_numpy()).sum(),
        }
        n = sums["arm"].map(size).astype(float).to_numpy()
        out = pd.DataFrame(
            {
                "arm": sums["arm"],
                "window": sums["window"],
                "weeks": [weeks[(a, w)] for a, w in zip(sums["arm"], sums["window"], strict=True)],
                "customers": n.astype(np.int64),
                "contacts_per_customer": sums["contacts"] / n,
                "purchases_per_customer": sums["purchases"] / n,
                "visits_per_customer": sums["visits"] / n,
                "revenue_per_customer_eur": sums["revenue_eur"] / n,
                "contact_cost_per_customer_eur": sums["contact_cost_eur"] / n,
                "churn_share": [
                    churned[w].get(a, 0) / size[a] if size[a] else np.nan
                    for a, w in zip(sums["arm"], sums["window"], strict=True)
                ],
            }
        )
        return out.reset_index(drop=True)


@functools.lru_cache(maxsize=1)
def _default_channels() -> ChannelSet:
    """The six default channels of the shipped catalogue (read once per process)."""
    return ChannelSet(load_channels())


def _arms(strategy, arm_shares):
    if isinstance(strategy, Strategy):
        arms = {strategy.name: strategy}
    elif isinstance(strategy, Mapping) and strategy:
        arms = dict(strategy)
        for name, s in arms.items():
            if not isinstance(name, str) or not isinstance(s, Strategy):
                raise TypeError(
                    f"'strategy' must map arm names (str) to Strategy objects; got {name!r}: {s!r}."
                )
    else:
        raise TypeError(
            f"'strategy' must be a Strategy or a non-empty mapping of arm name to Strategy; "
            f"got {strategy!r}."
        )
    if arm_shares is None:
        shares = np.full(len(arms), 1.0 / len(arms))
    else:
        if not isinstance(arm_shares, Mapping) or set(arm_shares) != set(arms):
            raise ValueError(
                f"'arm_shares' must map each arm {sorted(arms)} to a share; got {arm_shares!r}."
            )
        shares = np.array([check_number(arm_shares[a], f"arm_shares[{a!r}]", 0, 1) for a in arms])
        if not np.isclose(shares.sum(), 1.0):
            raise ValueError(f"'arm_shares' must sum to 1; got {dict(arm_shares)!r}.")
    return arms, shares


def _outbound_channels(strategy: Strategy, channels: ChannelSet) -> tuple[str, ...]:
    """Outbound channels the strategy uses (validated against the simulated channels)."""
    outbound = [c for c, ok in zip(channels.names, channels.outbound, strict=True) if ok]
    return tuple(strategy.contact_mix(outbound))


def _strategy_tables(arms: dict[str, Strategy], channels: ChannelSet, switched_off=()):
    """The arms' policies as a :class:`~mcstudy.model._kernel.Policy` of arrays [arm, phase]."""
    n_arms, n_ch = len(arms), channels.n_channels
    t = {
        k: np.zeros((n_arms, 2), dtype)
        for k, dtype in (
            ("consent", np.bool_),
            ("cap_mode", np.int64),
            ("cap", np.int64),
            ("pref", np.bool_),
            ("suppress", np.int64),
            ("incons", float),
            ("hist", float),
            ("ref", float),
        )
    }
    pressure = np.zeros((n_arms, 2, len(TIERS)))
    weights = np.zeros((n_arms, 2, len(TIERS), n_ch))
    lag = np.zeros(n_arms, np.int64)
    off = np.zeros((n_arms, n_ch), np.bool_)
    for c in switched_off:
        off[:, channels.names.index(c)] = True
    outbound = [c for c, ok in zip(channels.names, channels.outbound, strict=True) if ok]
    for a, (arm_name, s) in enumerate(arms.items()):
        try:
            s.contact_mix(outbound)  # the arm's own strategy first: errors name it, not a phase
        except ValueError as exc:
            raise ValueError(f"arm {arm_name!r}: {exc}") from None
        lag[a] = s.deployment_lag_weeks
        for ph, phase in enumerate((s.pre_deployment(), s)):
            pressure[a, ph] = phase.pressure_by_tier()
            t["consent"][a, ph] = phase.respect_consent
            cap = phase.frequency_cap
            if cap is None:
                t["cap_mode"][a, ph], t["cap"][a, ph] = _kernel.CAP_NONE, 0
            elif cap == LEARNED_CAP:
                t["cap_mode"][a, ph], t["cap"][a, ph] = _kernel.CAP_LEARNED, _LEARNED_CAP_START
            else:
                t["cap_mode"][a, ph], t["cap"][a, ph] = _kernel.CAP_FIXED, cap
            t["pref"][a, ph] = phase.route_by_preference
            t["suppress"][a, ph] = phase.suppress_weeks_after_purchase
            t["incons"][a, ph] = phase.inconsistent_offer_prob
            t["hist"][a, ph] = phase.history_shared
            t["ref"][a, ph] = phase.referral_strength
            mix = phase.contact_mix(outbound)
            for k, tier in enumerate(TIERS):
                if phase.tier_channels:
                    names = phase.tier_channels.get(tier, tuple(mix))
                    tier_mix = {c: 1.0 / len(names) for c in names}
                else:
                    tier_mix = mix
                for c, share in tier_mix.items():
                    weights[a, ph, k, channels.names.index(c)] = share
    return _kernel.Policy(pressure=pressure, weights=weights, lag=lag, off=off, **t)


def _consistency_effort(inconsistent_offer_prob):
    """The share of the siloed preset's contradictory-offer probability a strategy removes.

    0 for a strategy as inconsistent as siloed teams (or more), 1 for consistent offers: the
    strength of the rule that ``ResponseSpec.consistency_offer_loss`` charges for. Works
    elementwise on the policy table ``[arm, phase]``.
    """
    siloed = SiloedMultichannel.inconsistent_offer_prob
    return np.clip((siloed - np.asarray(inconsistent_offer_prob, float)) / siloed, 0.0, 1.0)


#: Where a learned frequency cap starts: the population's default mean attention (2 contacts a
#: week), which a firm could know from industry figures; it then adapts to each customer.
_LEARNED_CAP_START = 2


def _run_block(
    b, n_block, spec, channels, policy, response, n_weeks, cum_shares, stride, ss, run_key, cols
):
    rng = block_generator(ss, b)
    pop = generate_population(spec, channels, n_block, rng=rng, response=response)
    arm = np.searchsorted(cum_shares, rng.random(n_block), side="right").astype(np.int64)
    first_id = b * BLOCK_SIZE
    ids = first_id + np.arange(n_block)
    # every stride-th customer is recorded touchpoint by touchpoint; stride 0 records none
    sampled = ids % stride == 0 if stride else np.zeros(n_block, bool)
    jidx = np.where(sampled, np.cumsum(sampled) - 1, -1).astype(np.int64)
    n_j = int(sampled.sum())

    pidx = channels.purchase_index
    rep_aff = pop.affinity[:, pidx] * pop.repertoire
    pbase = rep_aff / rep_aff.sum(axis=1, keepdims=True)
    breadth = pop.repertoire.sum(axis=1).astype(np.int64)
    n_ch, n_pur, n_arms = channels.n_channels, len(pidx), len(cum_shares)
    consent = pop.consent.copy()
    cust = _kernel.Customers(
        key=_kernel.customer_keys(run_key, ids),
        base_rate=pop.base_rate,
        basket=pop.basket_eur,
        tier=pop.tier.astype(np.int64),
        engagement=pop.engagement,
        affinity=pop.affinity,
        pref=pop.preference_order.astype(np.int64),
        pbase=pbase,
        breadth=breadth,
        attention=pop.attention.astype(np.int64),
        consent=consent,
        sens=pop.sensitivity,
        arm=arm,
        jidx=jidx,
        **kernel_fields(pop),
    )
    # the per-customer outputs go straight into the customer table's columns
    sl = slice(first_id, first_id + n_block)
    out = _kernel.Outputs(
        purch=np.zeros((n_block, n_pur), np.int64),
        service=np.zeros((n_block, n_ch), np.int64),
        **kernel_output_views(cols, sl),
    )
    wk = np.zeros((n_arms, n_weeks, n_ch, len(_kernel.WEEKLY_METRICS)))
    per_channel = {"n", "a", "dp", "dr"}
    jr = _kernel.Journeys(
        **{
            f: np.zeros(
                (n_j, n_weeks, n_ch) if f in per_channel else (n_j, n_weeks),
                np.float64 if f in {"dp", "dr", "val", "g", "h"} else np.int64,
            )
            for f in _kernel.Journeys._fields
        }
    )
    jr.pc[:] = -1
    chan = _kernel.Channels(
        intr=channels.intrusiveness,
        pers=channels.persuasion,
        withdraw=channels.consent_withdrawal,
        inbound=channels.inbound.astype(np.float64),
        pidx=pidx,
        referral=channels.referral,
    )
    resp = _kernel.Response(*response.as_tuple())
    # work arrays of the mechanisms away from their neutral values (None compiles them out)
    rc = np.zeros(n_ch) if response.fatigue_sharing < 1.0 else None
    prev = np.zeros(n_ch, np.bool_) if response.channel_synergy != 0.0 else None
    offer = None
    if response.consistency_offer_loss > 0.0:
        offer = 1.0 - response.consistency_offer_loss * _consistency_effort(policy.incons)
    breadth_effect = float(spec.breadth_purchase_effect)
    _kernel.run_block(
        n_weeks, cust, policy, chan, resp, breadth_effect, out, wk, jr, rc, prev, offer
    )
    # Customers active at the start of each week: those whose last active week is >= t.
    last = np.where(out.churn >= 0, out.churn, n_weeks - 1)
    wk_active = np.stack(
        [np.bincount(last[arm == a], minlength=n_weeks)[::-1].cumsum()[::-1] for a in range(n_arms)]
    )
    fill_customer_columns(cols, sl, pop, arm, breadth, consent, out, channels)
    return dict(
        wk=wk,
        wk_active=wk_active,
        jr=jr._asdict(),
        jr_ids=ids[sampled],
        jr_arm=arm[sampled],
        jr_basket=pop.basket_eur[sampled],
    )


def simulate(
    population: PopulationSpec | None = None,
    strategy: Strategy | Mapping[str, Strategy] | None = None,
    *,
    n_weeks: int | None = None,
    response: ResponseSpec | None = None,
    channels: ChannelSet | None = None,
    arm_shares: Mapping[str, float] | None = None,
    n_journeys: int | None = None,
    n_threads: int | None = None,
    progress: bool | None = None,
    rng=None,
    switched_off: tuple[str, ...] | list[str] = (),
) -> SimulationResult:
    """Simulate a customer population under one or more randomised strategy arms.

    Parameters
    ----------
    population : PopulationSpec, default=None
        Who the customers are; ``PopulationSpec()`` when None.
    strategy : Strategy or mapping of str to Strategy, default=None
        One strategy, or arms ``{name: strategy}`` to which customers are randomised;
        ``SiloedMultichannel()`` when None.
    n_weeks : int, default=None
        Weeks to simulate, in [1, 520]; None for 52 weeks after the longest deployment lag
        of the arms (52 when no arm has a lag), so that every arm is seen for a year after
        its integration works.
    response : ResponseSpec, default=None
        Customer response parameters; ``ResponseSpec()`` when None.
    channels : ChannelSet, default=None
        Simulated channels; the six default channels of the catalogue when None.
    arm_shares : mapping of str to float, default=None
        Probability of each arm; equal shares when None.
    n_journeys : int, default=None
        At most this many customers are recorded touchpoint by touchpoint (a systematic
        sample: every k-th customer, k = ceil(n_customers / n_journeys)), in
        [0, n_customers]; None for min(1000, n_customers).
    n_threads : int, default=None
        Threads running blocks in parallel (the result does not depend on it); the number of
        CPUs when None.
    progress : bool, default=None
        Show a progress bar over blocks; None shows it only on a terminal, and never when
        ``TQDM_DISABLE`` is set.
    rng : None, int, SeedSequence or Generator, default=None
        Root of the random streams.
    switched_off : sequence of str, default=()
        Outbound channels whose contacts are not sent, in every arm, all else unchanged (the
        plan, the other channels' contacts): counterfactual runs for the causal contribution
        of a channel (:func:`mcstudy.model.counterfactual.channel_contributions`). With the
        same ``rng``, every customer gets the same random draws for everything the switched
        channels did not cause.

    Returns
    -------
    SimulationResult

    Raises
    ------
    TypeError, ValueError
        On an invalid argument, naming it, its value and what is allowed.
    NotEnoughMemoryError
        If the estimated peak memory (:func:`estimate_peak_memory`) exceeds the memory the
        machine has available; checked before anything is allocated.

    Examples
    --------
    >>> from mcstudy import PopulationSpec, Omnichannel, SiloedMultichannel, simulate
    >>> res = simulate(PopulationSpec(n_customers=2000),
    ...                {"siloed": SiloedMultichannel(), "omni": Omnichannel()}, rng=1)
    >>> sorted(res.customers["arm"].unique())
    ['omni', 'siloed']
    """
    spec = population if population is not None else PopulationSpec()
    if not isinstance(spec, PopulationSpec):
        raise TypeError(f"'population' must be a PopulationSpec; got {spec!r}.")
    response = response if response is not None else ResponseSpec()
    if not isinstance(response, ResponseSpec):
        raise TypeError(f"'response' must be a ResponseSpec; got {response!r}.")
    if strategy is None:
        strategy = SiloedMultichannel()
    arms, shares = _arms(strategy, arm_shares)
    if n_weeks is None:
        n_weeks = min(52 + max(s.deployment_lag_weeks for s in arms.values()), 520)
    n_weeks = check_int(n_weeks, "n_weeks", *PARAMETER_RANGES["n_weeks"])
    n = spec.n_customers
    n_journeys = min(1000, n) if n_journeys is None else check_int(n_journeys, "n_journeys", 0, n)
    if n_threads is not None:
        check_int(n_threads, "n_threads", 1, 1024)
    channels = channels if channels is not None else _default_channels()
    if not isinstance(channels, ChannelSet):
        raise TypeError(f"'channels' must be a ChannelSet; got {channels!r}.")
    spec.consent_probabilities(channels)  # validates consent channels
    switched_off = _check_switched_off(switched_off, channels)
    policy = _strategy_tables(arms, channels, switched_off)
    if response.history_contact_pressure > 0.0:  # a shared history raises the pressure
        factor = 1.0 + response.history_contact_pressure * policy.hist
        policy = policy._replace(pressure=policy.pressure * factor[:, :, None])
    ss = seed_sequence(rng)
    run_key = _run_key(ss)
    _check_memory(n, channels)

    n_blocks = -(-n // BLOCK_SIZE)
    sizes = [min(BLOCK_SIZE, n - b * BLOCK_SIZE) for b in range(n_blocks)]
    stride = -(-n // n_journeys) if n_journeys else 0  # ceil: at most n_journeys sampled
    cum = np.cumsum(shares)
    cum[-1] = 1.0
    workers = min(n_threads or os.cpu_count() or 1, n_blocks)

    cols = customer_columns(n, channels)

    def task(b):
        return _run_block(
            b, sizes[b], spec, channels, policy, response, n_weeks, cum, stride, ss, run_key, cols
        )

    with ThreadPoolExecutor(max_workers=workers) as pool:
        blocks = list(
            progress_bar(
                pool.map(task, range(n_blocks)),
                total=n_blocks,
                desc="simulating",
                unit="block",
                enabled=progress,
            )
        )
    customers, weekly, journeys = build_tables(cols, blocks, arms, channels, response, n_weeks)
    arm_sizes = customers["arm"].value_counts().reindex(list(arms), fill_value=0).to_dict()
    contact_cost = dict(zip(channels.names, channels.cost_per_contact_eur, strict=True))
    costs = cost_ledger(
        weekly,
        arms,
        arm_sizes,
        contact_cost,
        dict(zip(channels.names, channels.service_cost_eur, strict=True)),
        n_weeks,
        {name: _outbound_channels(s, channels) for name, s in arms.items()},
    )
    unit_cost = weekly["channel"].map(contact_cost).astype(float)
    weekly["contact_cost_eur"] = weekly["contacts"] * unit_cost
    lag = weekly["arm"].map({a: s.deployment_lag_weeks for a, s in arms.items()}).astype(int)
    weekly["window"] = pd.Categorical(
        np.where(weekly["week"] < lag, "pre", "post"), categories=["pre", "post"]
    )
    seed = root_seed(ss)
    return SimulationResult(
        customers,
        weekly,
        journeys,
        costs,
        spec,
        response,
        arms,
        channels.names,
        n_weeks,
        seed,
        tuple(switched_off),
    )


def _run_key(ss: np.random.SeedSequence) -> int:
    """The run's key for the kernel's counter-based draws (from the root seed sequence)."""
    return int(
        np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, 2**31)).generate_state(
            1, np.uint64
        )[0]
    )


def _check_switched_off(switched_off, channels: ChannelSet) -> tuple[str, ...]:
    if isinstance(switched_off, str) or not isinstance(switched_off, list | tuple):
        raise TypeError(
            f"'switched_off' must be a list or tuple of channel names; got {switched_off!r}."
        )
    outbound = [c for c, ok in zip(channels.names, channels.outbound, strict=True) if ok]
    unknown = [c for c in switched_off if c not in outbound]
    if unknown:
        raise ValueError(
            f"'switched_off' names channels {unknown} that are not simulated outbound "
            f"channels; allowed: {outbound}."
        )
    return tuple(dict.fromkeys(switched_off))
