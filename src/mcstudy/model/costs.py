"""The cost ledger: contact and service costs by channel, integration costs by strategy.

Contact costs are the channel catalogue's cost per contact times the contacts sent; service
costs its cost per customer-initiated contact times the service contacts handled.
Integration costs follow the strategy: a fixed investment and a cost per integrated channel
at week 0, a coordination cost per pair of channels kept consistent and a running cost every
week. They are stated for a firm of :data:`~mcstudy.model.strategies.COST_BASE_CUSTOMERS` customers
and scale with the number of customers in the arm (source 001 gives the range: from 50,000
euros to several million, 6 to 18 months).
"""

from __future__ import annotations

from math import comb

import numpy as np
import pandas as pd

from mcstudy.model.strategies import COST_BASE_CUSTOMERS, Strategy

__all__ = ["cost_ledger", "LEDGER_ITEMS"]

LEDGER_ITEMS = ("contacts", "service", "fixed_investment", "integration", "coordination", "running")


def cost_ledger(
    weekly: pd.DataFrame,
    strategies: dict[str, Strategy],
    arm_sizes: dict[str, int],
    cost_per_contact: dict[str, float],
    service_cost: dict[str, float],
    n_weeks: int,
    channels_used: dict[str, tuple[str, ...]],
) -> pd.DataFrame:
    """Build the cost ledger of a simulation.

    Parameters
    ----------
    weekly : pandas.DataFrame
        The per-week × channel table of the simulation (``arm, week, channel, contacts,
        service_contacts``).
    strategies : dict of str to Strategy
        Strategy of each arm.
    arm_sizes : dict of str to int
        Customers randomised to each arm.
    cost_per_contact : dict of str to float
        Cost of one outbound contact per channel, euros.
    service_cost : dict of str to float
        Cost of handling one service contact per channel, euros.
    n_weeks : int
        Weeks simulated.
    channels_used : dict of str to tuple of str
        Outbound channels each arm's strategy uses (for integration and coordination).

    Returns
    -------
    pandas.DataFrame
        Columns ``arm, week, item, channel, amount_eur``; ``channel`` is empty for the
        strategy-level items. Sorted by arm, week, item, channel.
    """
    unit = weekly["channel"].map(cost_per_contact).astype(float)
    service_unit = weekly["channel"].map(service_cost).astype(float)
    contacts = weekly.assign(
        contacts=weekly["contacts"] * unit, service=weekly["service_contacts"] * service_unit
    )
    rows = contacts.melt(
        id_vars=["arm", "week", "channel"],
        value_vars=["contacts", "service"],
        var_name="item",
        value_name="amount_eur",
    )
    fixed = []
    for arm, strategy in strategies.items():
        scale = arm_sizes[arm] / COST_BASE_CUSTOMERS
        k = len(channels_used[arm])
        fixed.append((arm, 0, "fixed_investment", "", strategy.fixed_investment_eur * scale))
        fixed.append(
            (arm, 0, "integration", "", strategy.integration_cost_per_channel_eur * k * scale)
        )
        weekly_coord = strategy.coordination_cost_per_pair_eur_per_week * comb(k, 2) * scale
        weekly_run = strategy.running_cost_per_week_eur * scale
        for week in range(n_weeks):
            fixed.append((arm, week, "coordination", "", weekly_coord))
            fixed.append((arm, week, "running", "", weekly_run))
    fixed = pd.DataFrame(fixed, columns=["arm", "week", "item", "channel", "amount_eur"])
    ledger = pd.concat([rows[fixed.columns], fixed], ignore_index=True)
    ledger = ledger[ledger["amount_eur"] != 0] if len(ledger) else ledger
    ledger["week"] = ledger["week"].astype(np.int64)
    ledger["item"] = pd.Categorical(ledger["item"], categories=list(LEDGER_ITEMS))
    return ledger.sort_values(["arm", "week", "item", "channel"]).reset_index(drop=True)
