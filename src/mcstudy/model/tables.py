"""Turn the kernel's per-block arrays into the tidy tables of a SimulationResult."""

from __future__ import annotations

import numba
import numpy as np
import pandas as pd

from mcstudy._vocab import PROFILES, TIERS
from mcstudy.model import _kernel
from mcstudy.model.effects import first_order_effects, satisfaction


def _cat(codes, labels) -> pd.Categorical:
    return pd.Categorical.from_codes(np.asarray(codes), categories=list(labels))


def customer_columns(n: int, channels) -> dict[str, np.ndarray]:
    """Allocate the customer table's columns; blocks fill their slices in place."""
    cols = {"customer_id": np.arange(n, dtype=np.int64)}
    for name, dtype in (
        ("arm", np.int8),
        ("profile", np.int8),
        ("tier", np.int8),
        ("engagement", float),
        ("base_rate_per_week", float),
        ("basket_eur", float),
        ("preferred_channel", np.int8),
        ("attention_capacity", np.int64),
        ("sensitivity", float),
        ("n_repertoire_channels", np.int64),
        ("n_channels_used", np.int64),
        ("n_purchases", np.int64),
        ("revenue_eur", float),
        ("last_purchase_week", np.int64),
        *((f"purchases_{c}", np.int64) for c in channels.purchase_channels),
        ("visits", np.int64),
        ("visits_triggered", np.int64),
        ("contacts_received", np.int64),
        ("contacts_attended", np.int64),
        ("contacts_clutter", np.int64),
        ("inconsistent_weeks", np.int64),
        ("irritation", float),
        ("relationship", float),
        ("n_consented_channels_start", np.int64),
        ("n_consented_channels_end", np.int64),
        ("consent_withdrawals", np.int64),
        ("churned", bool),
        ("churn_week", np.int64),
        ("service_contacts", np.int64),
        *((f"service_{c}", np.int64) for c in channels.names),
        ("effort_events", np.int64),
        ("satisfaction", float),
    ):
        cols[name] = np.empty(n, dtype)
    return cols


#: Per-customer outputs of the kernel (:class:`~mcstudy.model._kernel.Outputs` fields) that are
#: customer-table columns as they are: the kernel writes them into the table directly.
KERNEL_COLUMNS = {
    "revenue": "revenue_eur",
    "received": "contacts_received",
    "attended": "contacts_attended",
    "clutter": "contacts_clutter",
    "visits": "visits",
    "visits_triggered": "visits_triggered",
    "irritation": "irritation",
    "relationship": "relationship",
    "withdraw": "consent_withdrawals",
    "churn": "churn_week",
    "last": "last_purchase_week",
    "effort": "effort_events",
    "incons": "inconsistent_weeks",
}


def kernel_output_views(cols, sl: slice) -> dict[str, np.ndarray]:
    """Views of ``cols[...][sl]`` for the kernel outputs in :data:`KERNEL_COLUMNS`, initialised.

    Counts and stocks start at 0; ``churn`` and ``last`` at -1 (no churn, no purchase).
    """
    views = {}
    for field, name in KERNEL_COLUMNS.items():
        view = cols[name][sl]
        view[:] = -1 if field in ("churn", "last") else 0
        views[field] = view
    return views


@numba.njit(nogil=True, cache=True)
def _row_totals(purch, service, consent_start, consent_end, used, n_purch, n_service, n0, n1):
    """Per-customer totals of the kernel's per-channel outputs (integer sums: exact)."""
    for i in range(purch.shape[0]):
        u = 0
        y = 0
        for p in range(purch.shape[1]):
            u += purch[i, p] > 0
            y += purch[i, p]
        used[i] = u
        n_purch[i] = y
        s = 0
        c0 = 0
        c1 = 0
        for c in range(service.shape[1]):
            s += service[i, c]
            c0 += consent_start[i, c]
            c1 += consent_end[i, c]
        n_service[i] = s
        n0[i] = c0
        n1[i] = c1


def fill_customer_columns(cols, sl: slice, pop, arm, breadth, consent_end, out, channels):
    """Write one block's customers into ``cols[...][sl]``.

    The outputs in :data:`KERNEL_COLUMNS` are already there (the kernel wrote them).
    """
    purch, service, churn = out.purch, out.service, out.churn
    _row_totals(
        purch,
        service,
        pop.consent,
        consent_end,
        cols["n_channels_used"][sl],
        cols["n_purchases"][sl],
        cols["service_contacts"][sl],
        cols["n_consented_channels_start"][sl],
        cols["n_consented_channels_end"][sl],
    )
    values = {
        "arm": arm,
        "profile": pop.profile,
        "tier": pop.tier,
        "engagement": pop.engagement,
        "base_rate_per_week": pop.base_rate,
        "basket_eur": pop.basket_eur,
        "preferred_channel": pop.preference_order[:, 0],
        "attention_capacity": pop.attention,
        "sensitivity": pop.sensitivity,
        "n_repertoire_channels": breadth,
        "churned": churn >= 0,
        "satisfaction": satisfaction(out.irritation, out.relationship),
    }
    for k, name in enumerate(channels.purchase_channels):
        values[f"purchases_{name}"] = purch[:, k]
    for k, name in enumerate(channels.names):
        values[f"service_{name}"] = service[:, k]
    for name, value in values.items():
        cols[name][sl] = value


def customers_frame(cols, arms, channels) -> pd.DataFrame:
    """The customer table from the filled columns (categoricals, nullable churn week)."""
    data = dict(cols)
    for name, labels in (
        ("arm", arms),
        ("profile", PROFILES),
        ("tier", TIERS),
        ("preferred_channel", channels.names),
    ):
        data[name] = _cat(cols[name], labels)
    data["churn_week"] = pd.arrays.IntegerArray(cols["churn_week"], ~cols["churned"])
    data["last_purchase_week"] = pd.arrays.IntegerArray(
        cols["last_purchase_week"], cols["last_purchase_week"] < 0
    )
    return pd.DataFrame(data, copy=False)


def _weekly(blocks, arms, channels, n_weeks) -> pd.DataFrame:
    wk = sum(b["wk"] for b in blocks)
    active = sum(b["wk_active"] for b in blocks)
    n_arms, n_ch = len(arms), channels.n_channels
    a, t, c = np.meshgrid(np.arange(n_arms), np.arange(n_weeks), np.arange(n_ch), indexing="ij")
    df = pd.DataFrame(
        {
            "arm": _cat(a.ravel(), arms),
            "week": t.ravel().astype(np.int64),
            "channel": _cat(c.ravel(), channels.names),
        }
    )
    flat = wk.reshape(-1, len(_kernel.WEEKLY_METRICS))
    for k, name in enumerate(_kernel.WEEKLY_METRICS):
        df[name] = flat[:, k] if name == "revenue_eur" else flat[:, k].astype(np.int64)
    df["active_customers"] = active[a.ravel(), t.ravel()]
    return df


def _journeys(blocks, arms, channels, response) -> pd.DataFrame:
    jr = {k: np.concatenate([b["jr"][k] for b in blocks]) for k in blocks[0]["jr"]}
    ids = np.concatenate([b["jr_ids"] for b in blocks])
    arm = np.concatenate([b["jr_arm"] for b in blocks])
    basket = np.concatenate([b["jr_basket"] for b in blocks])
    effect = first_order_effects(jr, response)
    converted = jr["y"].sum(axis=1) > 0

    j, t, c = np.nonzero(jr["n"])
    contacts = pd.DataFrame(
        {
            "journey_id": ids[j],
            "arm": arm[j],
            "week": t,
            "order": 0,
            "channel_code": c,
            "contacts": jr["n"][j, t, c],
            "attended": jr["a"][j, t, c],
            "value_eur": 0.0,
            "first_order_purchases": effect[j, t, c],
            "first_order_revenue_eur": effect[j, t, c] * basket[j],
        }
    )
    j, t = np.nonzero(jr["y"])
    pidx = channels.purchase_index
    purchases = pd.DataFrame(
        {
            "journey_id": ids[j],
            "arm": arm[j],
            "week": t,
            "order": 1,
            "channel_code": pidx[jr["pc"][j, t]],
            "contacts": 0,
            "attended": 0,
            "value_eur": jr["val"][j, t],
            "first_order_purchases": np.nan,
            "first_order_revenue_eur": np.nan,
        }
    )
    df = pd.concat([contacts, purchases], ignore_index=True)
    df = df.sort_values(["journey_id", "week", "order", "channel_code"], kind="stable")
    df.insert(2, "step", df.groupby("journey_id").cumcount().to_numpy())
    df.insert(4, "touchpoint", _cat(df["order"], ("contact", "purchase")))
    df.insert(5, "channel", _cat(df["channel_code"], channels.names))
    df["converted"] = converted[np.searchsorted(ids, df["journey_id"])]
    df["arm"] = _cat(df["arm"], arms)
    df = df.drop(columns=["order", "channel_code"]).reset_index(drop=True)
    return df.astype({"week": np.int64, "contacts": np.int64, "attended": np.int64})


def build_tables(cols, blocks, arms, channels, response, n_weeks):
    """Customers, weekly and journeys tables from the filled columns and per-block outputs."""
    arm_names = list(arms)
    return (
        customers_frame(cols, arm_names, channels),
        _weekly(blocks, arm_names, channels, n_weeks),
        _journeys(blocks, arm_names, channels, response),
    )
