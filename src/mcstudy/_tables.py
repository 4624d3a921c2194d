"""Turn the kernel's per-block arrays into the tidy tables of a SimulationResult."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mcstudy import _kernel
from mcstudy.population import PROFILES, TIERS


def _cat(codes, labels) -> pd.Categorical:
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int64), categories=list(labels))


def _customers(blocks, arms, channels) -> pd.DataFrame:
    def cat(get):
        return np.concatenate([get(b) for b in blocks])

    pop = lambda name: cat(lambda b: getattr(b["pop"], name))  # noqa: E731
    out = lambda name: cat(lambda b: b["out"][name])  # noqa: E731
    purch = out("purch")
    service = out("service")
    consent_start = pop("consent")
    consent_end = cat(lambda b: b["consent_end"])
    churn = out("churn")
    irritation = out("irritation")
    cols = {
        "customer_id": cat(lambda b: b["ids"]).astype(np.int64),
        "arm": _cat(cat(lambda b: b["arm"]), arms),
        "profile": _cat(pop("profile"), PROFILES),
        "tier": _cat(pop("tier"), TIERS),
        "engagement": pop("engagement"),
        "base_rate_per_week": pop("base_rate"),
        "basket_eur": pop("basket_eur"),
        "preferred_channel": _cat(pop("preference_order")[:, 0], channels.names),
        "attention_capacity": pop("attention").astype(np.int64),
        "sensitivity": pop("sensitivity"),
        "n_repertoire_channels": cat(lambda b: b["breadth"]),
        "n_channels_used": (purch > 0).sum(axis=1),
        "n_purchases": purch.sum(axis=1),
        "revenue_eur": out("revenue"),
    }
    for k, name in enumerate(channels.purchase_channels):
        cols[f"purchases_{name}"] = purch[:, k]
    cols.update({
        "contacts_received": out("received"),
        "contacts_attended": out("attended"),
        "contacts_clutter": out("clutter"),
        "inconsistent_weeks": out("incons"),
        "irritation": irritation,
        "n_consented_channels_start": consent_start.sum(axis=1),
        "n_consented_channels_end": consent_end.sum(axis=1),
        "consent_withdrawals": out("withdraw"),
        "churned": churn >= 0,
        "churn_week": pd.array(np.where(churn >= 0, churn, 0), dtype="Int64"),
        "service_contacts": service.sum(axis=1),
    })
    cols["churn_week"][churn < 0] = pd.NA
    for k, name in enumerate(channels.names):
        cols[f"service_{name}"] = service[:, k]
    cols["effort_events"] = out("effort")
    cols["satisfaction"] = np.exp(-irritation)
    return pd.DataFrame(cols)


def _weekly(blocks, arms, channels, n_weeks) -> pd.DataFrame:
    wk = sum(b["wk"] for b in blocks)
    active = sum(b["wk_active"] for b in blocks)
    n_arms, n_ch = len(arms), channels.n_channels
    a, t, c = np.meshgrid(np.arange(n_arms), np.arange(n_weeks), np.arange(n_ch), indexing="ij")
    df = pd.DataFrame({
        "arm": _cat(a.ravel(), arms),
        "week": t.ravel().astype(np.int64),
        "channel": _cat(c.ravel(), channels.names),
    })
    flat = wk.reshape(-1, len(_kernel.WEEKLY_METRICS))
    for k, name in enumerate(_kernel.WEEKLY_METRICS):
        df[name] = flat[:, k] if name == "revenue_eur" else flat[:, k].astype(np.int64)
    df["active_customers"] = active[a.ravel(), t.ravel()]
    return df


def _discounted_future(x: np.ndarray, decay: float) -> np.ndarray:
    """``out[:, t] = sum_{s >= t} decay**(s - t) * x[:, s]`` along axis 1."""
    out = np.zeros_like(x)
    acc = np.zeros(x.shape[0])
    for t in range(x.shape[1] - 1, -1, -1):
        acc = x[:, t] + decay * acc
        out[:, t] = acc
    return out


def _journeys(blocks, arms, channels, response) -> pd.DataFrame:
    jr = {k: np.concatenate([b["jr"][k] for b in blocks]) for k in blocks[0]["jr"]}
    ids = np.concatenate([b["jr_ids"] for b in blocks])
    arm = np.concatenate([b["jr_arm"] for b in blocks])
    basket = np.concatenate([b["pop"].basket_eur[b["jr_ids"] - b["ids"][0]] for b in blocks])
    # First-order effect of a week's contacts on expected future purchases: persuasion they
    # add, carried by the adstock, minus irritation they add, carried by its decay.
    gain = _discounted_future(jr["g"], response.persuasion_decay)
    loss = _discounted_future(jr["h"], response.irritation_decay)
    effect = jr["dp"] * gain[:, :, None] - jr["dr"] * loss[:, :, None]
    converted = jr["y"].sum(axis=1) > 0

    j, t, c = np.nonzero(jr["n"])
    contacts = pd.DataFrame({
        "journey_id": ids[j], "arm": arm[j], "week": t, "order": 0, "channel_code": c,
        "contacts": jr["n"][j, t, c], "attended": jr["a"][j, t, c], "value_eur": 0.0,
        "incremental_purchases": effect[j, t, c],
        "incremental_revenue_eur": effect[j, t, c] * basket[j],
    })
    j, t = np.nonzero(jr["y"])
    pidx = channels.purchase_index
    purchases = pd.DataFrame({
        "journey_id": ids[j], "arm": arm[j], "week": t, "order": 1,
        "channel_code": pidx[jr["pc"][j, t]], "contacts": 0, "attended": 0,
        "value_eur": jr["val"][j, t], "incremental_purchases": np.nan,
        "incremental_revenue_eur": np.nan,
    })
    df = pd.concat([contacts, purchases], ignore_index=True)
    df = df.sort_values(["journey_id", "week", "order", "channel_code"], kind="stable")
    df.insert(2, "step", df.groupby("journey_id").cumcount().to_numpy())
    df.insert(4, "touchpoint", _cat(df["order"], ("contact", "purchase")))
    df.insert(5, "channel", _cat(df["channel_code"], channels.names))
    df["converted"] = converted[np.searchsorted(ids, df["journey_id"])]
    df["arm"] = _cat(df["arm"], arms)
    df = df.drop(columns=["order", "channel_code"]).reset_index(drop=True)
    return df.astype({"week": np.int64, "contacts": np.int64, "attended": np.int64})


def build_tables(blocks, arms, channels, response, n_weeks):
    """Customers, weekly and journeys tables from the per-block kernel outputs."""
    arm_names = list(arms)
    return (_customers(blocks, arm_names, channels),
            _weekly(blocks, arm_names, channels, n_weeks),
            _journeys(blocks, arm_names, channels, response))
