"""Ground truth by re-simulation: the causal contribution of each channel, customer by customer.

The contribution of a channel is the difference between the run and a counterfactual run with
that channel switched off (its contacts not sent, everything else in the plan unchanged), on
the same customers with common random numbers (:mod:`mcstudy.model._kernel`): each customer
gets the same draws for everything the channel did not cause, so the per-customer difference
is that channel's causal effect on that customer, including what it did through churn,
consent, visits, the relationship stock and contradictory offers. Summed over an arm's
customers it equals the arm contrast of the two runs exactly.

Two kinds of contribution:

- ``leave_one_out``: run with every channel minus run without channel ``c`` (what the firm
  loses by dropping ``c``), one extra simulation per channel;
- ``all_but_one``: run with only ``c`` (every other outbound channel switched off) minus run
  with none (what ``c`` does alone), one extra simulation per channel plus one with none.

With interactions between channels (shared attention, clutter, contradictory offers,
suppression after a purchase) the contributions need not sum to the effect of all channels
together; with ``all_but_one`` (which runs the counterfactual with no channel at all),
:meth:`Contributions.interaction` reports the gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mcstudy._validation import check_option
from mcstudy.model.engine import SimulationResult, _default_channels, simulate

__all__ = ["CONTRIBUTION_METRICS", "Contributions", "channel_contributions"]

#: Per-customer quantities whose contributions are computed (customer-table columns).
CONTRIBUTION_METRICS = ("n_purchases", "revenue_eur", "visits", "contacts_received", "churned")

_MODES = ("leave_one_out", "all_but_one")


@dataclass(frozen=True)
class Contributions:
    """Per-customer causal contributions of channels, from :func:`channel_contributions`.

    Attributes
    ----------
    result : SimulationResult
        The run with every channel on.
    mode : str
        ``"leave_one_out"`` or ``"all_but_one"``.
    channels : tuple of str
        The channels whose contributions were computed.
    per_customer : pandas.DataFrame
        One row per customer x channel: ``customer_id``, ``arm``, ``channel`` and, for each
        of :data:`CONTRIBUTION_METRICS`, its contribution (``churned`` as a difference of 0/1
        values: a negative number means the channel prevented churn).
    """

    result: SimulationResult
    mode: str
    channels: tuple[str, ...]
    per_customer: pd.DataFrame
    _totals: pd.DataFrame
    _none: pd.DataFrame | None

    def by_arm(self) -> pd.DataFrame:
        """Contributions per customer of each arm (mean over the arm's customers), by channel."""
        g = self.per_customer.groupby(["arm", "channel"], observed=True, sort=False)
        return g[list(CONTRIBUTION_METRICS)].mean().reset_index()

    def arm_contrasts(self) -> pd.DataFrame:
        """The arm contrast of each pair of runs, per arm and channel (totals, not means).

        Equal to the sum of :attr:`per_customer` over the arm's customers, exactly: the
        identity that makes the per-customer numbers a decomposition of the contrast.
        """
        return self._totals.copy()

    def interaction(self) -> pd.DataFrame:
        """Per arm: effect of all channels together minus the sum of the channels' parts.

        Only for ``mode="all_but_one"``, which runs the counterfactual with no channel: the
        effect of all channels is the run with every channel minus the run with none, and the
        parts are the all-but-one contributions (each channel alone). A positive gap means
        the channels do more together than alone.
        """
        if self._none is None:
            raise ValueError(
                "interaction() needs the run with every channel switched off; call "
                "channel_contributions(..., mode='all_but_one')."
            )
        base = _per_arm(self.result.customers)
        total = base - self._none
        parts = self.per_customer.groupby("arm", observed=True)[list(CONTRIBUTION_METRICS)]
        return (total - parts.sum()).reset_index()

    def with_journeys(self) -> pd.DataFrame:
        """The journeys of the run, each touchpoint with its customer's contributions.

        Columns ``contribution_<channel>_<metric>`` for ``n_purchases`` and
        ``revenue_eur``, joined on ``journey_id`` (= ``customer_id``).
        """
        wide = self.per_customer.pivot(
            index="customer_id", columns="channel", values=["n_purchases", "revenue_eur"]
        )
        wide.columns = [f"contribution_{c}_{m}" for m, c in wide.columns]
        return self.result.journeys.merge(
            wide, left_on="journey_id", right_index=True, how="left", validate="many_to_one"
        )


def _per_arm(customers: pd.DataFrame) -> pd.DataFrame:
    return customers.groupby("arm", observed=True)[list(CONTRIBUTION_METRICS)].sum()


def _values(customers: pd.DataFrame) -> np.ndarray:
    return customers[list(CONTRIBUTION_METRICS)].to_numpy(dtype=np.float64)


def channel_contributions(
    population=None,
    strategy=None,
    *,
    channels_to_test: Sequence[str] | None = None,
    mode: str = "leave_one_out",
    rng=0,
    **simulate_kwargs,
) -> Contributions:
    """Causal contribution of each outbound channel to every customer's outcomes.

    Parameters
    ----------
    population, strategy
        As in :func:`~mcstudy.model.engine.simulate`.
    channels_to_test : sequence of str, default=None
        Outbound channels to evaluate; every outbound channel some arm contacts on when None.
    mode : {"leave_one_out", "all_but_one"}, default="leave_one_out"
        See the module docstring.
    rng : int, SeedSequence or Generator, default=0
        Root of the random streams, the same for every run (common random numbers). ``None``
        is refused: the runs must share their draws.
    **simulate_kwargs
        Other arguments of :func:`simulate` (``n_weeks``, ``response``, ``channels``,
        ``arm_shares``, ``n_journeys``, ``n_threads``, ``progress``).

    Returns
    -------
    Contributions

    Raises
    ------
    ValueError
        On an unknown mode, ``rng=None``, a channel that is not a simulated outbound channel,
        or ``switched_off`` among ``simulate_kwargs``.

    Examples
    --------
    >>> from mcstudy import PopulationSpec, SiloedMultichannel
    >>> c = channel_contributions(PopulationSpec(n_customers=500), SiloedMultichannel(),
    ...                           channels_to_test=["email"], rng=1)
    >>> c.per_customer.columns[:3].tolist()
    ['customer_id', 'arm', 'channel']
    """
    check_option(mode, "mode", _MODES)
    if rng is None:
        raise ValueError(
            "'rng' must be a seed (int, SeedSequence or Generator) shared by the runs; got "
            "None, which would give each run different random draws."
        )
    if "switched_off" in simulate_kwargs:
        raise ValueError("'switched_off' is set by channel_contributions; do not pass it.")
    if not isinstance(rng, int | np.integer):
        from mcstudy._random import root_seed, seed_sequence

        rng = root_seed(seed_sequence(rng))  # one seed for every run, whatever was given
    result = simulate(population, strategy, rng=rng, **simulate_kwargs)
    used = result.weekly.groupby("channel", observed=True)["contacts"].sum()
    channel_set = simulate_kwargs.get("channels") or _default_channels()
    candidates = [c for c, ok in zip(channel_set.names, channel_set.outbound, strict=True) if ok]
    if channels_to_test is None:
        tested = tuple(c for c in candidates if used.get(c, 0) > 0)
    else:
        if isinstance(channels_to_test, str):
            raise TypeError(
                f"'channels_to_test' must be a list of channel names; got {channels_to_test!r}."
            )
        unknown = [c for c in channels_to_test if c not in candidates]
        if unknown:
            raise ValueError(
                f"'channels_to_test' names channels {unknown} that are not simulated outbound "
                f"channels; allowed: {candidates}."
            )
        tested = tuple(dict.fromkeys(channels_to_test))

    def run(off):
        return simulate(population, strategy, rng=rng, switched_off=list(off), **simulate_kwargs)

    base = _values(result.customers)
    none = None
    if mode == "all_but_one":
        none_run = run(candidates)
        none_values = _values(none_run.customers)
        none = _per_arm(none_run.customers)
    frames, totals = [], []
    c = result.customers
    base_per_arm = _per_arm(c)
    for channel in tested:
        if mode == "leave_one_out":
            other = run([channel])
            delta = base - _values(other.customers)
            contrast = base_per_arm - _per_arm(other.customers)
        else:
            only = run([x for x in candidates if x != channel])
            delta = _values(only.customers) - none_values
            contrast = _per_arm(only.customers) - none
        frame = pd.DataFrame(delta, columns=list(CONTRIBUTION_METRICS))
        frame.insert(0, "customer_id", c["customer_id"].to_numpy())
        frame.insert(1, "arm", c["arm"].to_numpy(copy=True))
        frame.insert(2, "channel", channel)
        frames.append(frame)
        totals.append(contrast.reset_index().assign(channel=channel))
    if frames:
        per_customer = pd.concat(frames, ignore_index=True)
        contrasts = pd.concat(totals, ignore_index=True)
    else:
        per_customer = pd.DataFrame(
            columns=["customer_id", "arm", "channel", *CONTRIBUTION_METRICS]
        )
        contrasts = pd.DataFrame(columns=["arm", *CONTRIBUTION_METRICS, "channel"])
    per_customer["channel"] = pd.Categorical(per_customer["channel"], categories=list(tested))
    per_customer["arm"] = pd.Categorical(per_customer["arm"], categories=c["arm"].cat.categories)
    contrasts = contrasts[["arm", "channel", *CONTRIBUTION_METRICS]]
    return Contributions(result, mode, tested, per_customer, contrasts, none)
