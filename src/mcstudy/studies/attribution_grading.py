"""The grading of attribution methods against each channel's causal contribution (notebook 07).

Attribution rules (:mod:`mcstudy.attribution`) only see who was touched before buying; the
simulator knows what every channel caused
(:func:`~mcstudy.studies.cross_channel.cross_channel_statistics` switches each channel off in
turn). Every method of :data:`ATTRIBUTION_METHODS` is applied to an arm's paths and its credit
shares are graded against the causal shares of the arm's conversions (absolute error and
Spearman rank agreement over channels, the gap on the upstream channels); :func:`share_table`
and :func:`grading_table` summarise the replications.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from mcstudy import attribution
from mcstudy._validation import check_frame
from mcstudy.studies.cross_channel_design import CROSS_CHANNEL_ARMS, REFERENCE_ARM

__all__ = ["ATTRIBUTION_METHODS", "grading_table", "share_table"]

#: The attribution methods graded, by name, with the function and its options.
ATTRIBUTION_METHODS = {
    "first_touch": (attribution.first_touch, {}),
    "last_touch": (attribution.last_touch, {}),
    "linear": (attribution.linear, {}),
    "time_decay": (attribution.time_decay, {}),
    "position_based": (attribution.position_based, {}),
    "shapley": (attribution.shapley, {}),
    "markov": (attribution.markov, {}),
}


def _spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman rank correlation; 0 when either side has no spread (no ranking to agree on)."""
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return 0.0
    return float(stats.spearmanr(x, y).statistic)


def _graded(base, arm, tested, effect, totals, size, summary) -> dict[str, float]:
    """The causal shares, credits and grading of one arm (see :func:`cross_channel_statistics`)."""
    out = {}
    purchases = float(totals.loc[arm, "n_purchases"])
    causal = np.array([effect[c].loc[arm, "n_purchases"] for c in tested], dtype=float)
    causal_share = causal / purchases if purchases > 0 else np.zeros(len(tested))
    causal_dist = causal / max(causal.sum(), 1e-9)
    out[f"{arm}/purchases_per_customer"] = purchases / size[arm]
    out[f"{arm}/contacts_per_customer"] = float(summary.loc[arm, "contacts_per_customer"])
    out[f"{arm}/causal_total"] = float(causal_share.sum())
    for c, s in zip(tested, causal_share, strict=True):
        out[f"{arm}/causal/{c}"] = float(s)
    jr = base.journeys
    weeks = float(((jr["arm"] == arm) & (jr["touchpoint"] == "purchase")).sum())
    paths = attribution.paths_from_simulation(base, arm=arm)
    credit = {}
    for method, (fn, kwargs) in ATTRIBUTION_METHODS.items():
        table = fn(paths, **kwargs).set_index("channel")["conversions"]
        credit[method] = table.reindex(tested, fill_value=0.0).to_numpy(dtype=float) / max(
            weeks, 1.0
        )
    out[f"{arm}/credited_share"] = float(credit["last_touch"].sum())
    upstream = credit["first_touch"] > credit["last_touch"]
    out[f"{arm}/n_upstream"] = float(upstream.sum())
    for method, share in credit.items():
        dist = share / max(share.sum(), 1e-9)
        for c, s in zip(tested, share, strict=True):
            out[f"{arm}/{method}/{c}"] = float(s)
        out[f"{arm}/{method}/mae"] = float(np.mean(np.abs(share - causal_share)))
        out[f"{arm}/{method}/mae_normalised"] = float(np.mean(np.abs(dist - causal_dist)))
        out[f"{arm}/{method}/spearman"] = _spearman(share, causal)
        out[f"{arm}/{method}/upstream_gap"] = float((share - causal_share)[upstream].sum())
        out[f"{arm}/{method}/upstream_gap_normalised"] = float((dist - causal_dist)[upstream].sum())
    return out


def share_table(runs: pd.DataFrame, arm: str = REFERENCE_ARM) -> pd.DataFrame:
    """Credit and causal shares per channel of one arm, mean over replications.

    ``runs`` is :func:`mcstudy.experiments.replicate` output of :func:`cross_channel_statistics`;
    the result has one row per channel and one column per method plus ``causal``.
    """
    check_frame(runs, ["replication", "metric", "value"], name="runs")
    rows = runs[runs["metric"].str.startswith(f"{arm}/")]
    parts = rows["metric"].str.split("/", expand=True)
    keep = parts[2].notna() & ~parts[2].isin(
        ["mae", "mae_normalised", "spearman", "upstream_gap", "upstream_gap_normalised"]
    )
    rows, parts = rows[keep], parts[keep]
    table = (
        rows.assign(method=parts[1], channel=parts[2])
        .pivot_table(index="channel", columns="method", values="value", aggfunc="mean")
        .rename_axis(columns=None)
    )
    return table[["causal", *ATTRIBUTION_METHODS]]


def grading_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Grading of every method in every arm: mean and t-interval over replications.

    One row per arm x method x measure (``mae``, ``spearman``, ``upstream_gap``):
    ``mean``, ``ci_low``, ``ci_high``, ``n`` (replications).
    """
    from mcstudy.experiments import summarise_replications

    check_frame(runs, ["replication", "metric", "value"], name="runs")
    wanted = [
        f"{a}/{m}/{k}"
        for a in CROSS_CHANNEL_ARMS
        for m in ATTRIBUTION_METHODS
        for k in ("mae", "mae_normalised", "spearman", "upstream_gap", "upstream_gap_normalised")
    ]
    wanted = [w for w in wanted if w in set(runs["metric"])]
    s = summarise_replications(runs, wanted)
    parts = s["metric"].str.split("/", expand=True)
    return pd.DataFrame(
        {
            "arm": parts[0],
            "method": parts[1],
            "measure": parts[2],
            "mean": s["mean"],
            "ci_low": s["ci_low"],
            "ci_high": s["ci_high"],
            "n": s["n_replications"],
        }
    ).reset_index(drop=True)
