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

__all__ = [
    "ATTRIBUTION_METHODS",
    "GRADES",
    "KEY_COLUMNS",
    "grading_table",
    "share_table",
    "tidy_row",
]

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


#: The key columns of the study's tidy rows, before ``metric`` and ``value``; "" where a key
#: does not apply (an arm's totals have no method, a grade no channel).
KEY_COLUMNS = ("arm", "method", "channel", "purchase_channel")
#: The grades of a method's credit against the causal contributions, per arm.
GRADES = ("mae", "mae_normalised", "spearman", "upstream_gap", "upstream_gap_normalised")


def tidy_row(metric: str, value: float, **keys: str) -> dict:
    """One row of the cross-channel study's tidy output: its keys ("" when not given)."""
    return {**{k: keys.get(k, "") for k in KEY_COLUMNS}, "metric": metric, "value": float(value)}


def _graded(base, arm, tested, effect, totals, size, summary) -> list[dict]:
    """The causal shares, credits and grading of one arm, as tidy rows.

    Rows of :func:`tidy_row`: the arm's ``purchases_per_customer``,
    ``contacts_per_customer``, ``causal_total``, ``credited_share`` and ``n_upstream``; per
    channel the ``share`` of conversions it caused (method ``causal``) and that each method
    credits it; per method the :data:`GRADES`.
    """
    purchases = float(totals.loc[arm, "n_purchases"])
    causal = np.array([effect[c].loc[arm, "n_purchases"] for c in tested], dtype=float)
    causal_share = causal / purchases if purchases > 0 else np.zeros(len(tested))
    causal_dist = causal / max(causal.sum(), 1e-9)
    rows = [
        tidy_row("purchases_per_customer", purchases / size[arm], arm=arm),
        tidy_row("contacts_per_customer", summary.loc[arm, "contacts_per_customer"], arm=arm),
        tidy_row("causal_total", causal_share.sum(), arm=arm),
    ]
    rows += [
        tidy_row("share", s, arm=arm, method="causal", channel=c)
        for c, s in zip(tested, causal_share, strict=True)
    ]
    jr = base.journeys
    weeks = float(((jr["arm"] == arm) & (jr["touchpoint"] == "purchase")).sum())
    paths = attribution.paths_from_simulation(base, arm=arm)
    credit = {}
    for method, (fn, kwargs) in ATTRIBUTION_METHODS.items():
        table = fn(paths, **kwargs).set_index("channel")["conversions"]
        credit[method] = table.reindex(tested, fill_value=0.0).to_numpy(dtype=float) / max(
            weeks, 1.0
        )
    rows.append(tidy_row("credited_share", credit["last_touch"].sum(), arm=arm))
    upstream = credit["first_touch"] > credit["last_touch"]
    rows.append(tidy_row("n_upstream", upstream.sum(), arm=arm))
    for method, share in credit.items():
        dist = share / max(share.sum(), 1e-9)
        rows += [
            tidy_row("share", s, arm=arm, method=method, channel=c)
            for c, s in zip(tested, share, strict=True)
        ]
        grades = {
            "mae": np.mean(np.abs(share - causal_share)),
            "mae_normalised": np.mean(np.abs(dist - causal_dist)),
            "spearman": _spearman(share, causal),
            "upstream_gap": (share - causal_share)[upstream].sum(),
            "upstream_gap_normalised": (dist - causal_dist)[upstream].sum(),
        }
        rows += [tidy_row(k, v, arm=arm, method=method) for k, v in grades.items()]
    return rows


def _check_runs(runs: object) -> None:
    check_frame(runs, ["replication", *KEY_COLUMNS, "metric", "value"], name="runs")


def share_table(runs: pd.DataFrame, arm: str = REFERENCE_ARM) -> pd.DataFrame:
    """Credit and causal shares per channel of one arm, mean over replications.

    ``runs`` is :func:`mcstudy.experiments.replicate` output of
    :func:`~mcstudy.studies.cross_channel.cross_channel_outcomes`; the result has one row per
    channel and one column per method plus ``causal``.
    """
    _check_runs(runs)
    rows = runs[(runs["arm"] == arm) & (runs["metric"] == "share")]
    table = rows.pivot_table(
        index="channel", columns="method", values="value", aggfunc="mean"
    ).rename_axis(columns=None)
    return table[["causal", *ATTRIBUTION_METHODS]]


def grading_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Grading of every method in every arm: mean and t-interval over replications.

    One row per arm x method x measure (:data:`GRADES`): ``arm``, ``method``, ``measure``,
    ``mean``, ``ci_low``, ``ci_high``, ``n`` (replications).
    """
    from mcstudy.experiments import summarise_replications

    _check_runs(runs)
    graded = runs[runs["metric"].isin(GRADES) & runs["arm"].isin(CROSS_CHANNEL_ARMS)]
    s = summarise_replications(graded, by=["arm", "method"])
    order = {
        (a, m, k): i
        for i, (a, m, k) in enumerate(
            (a, m, k) for a in CROSS_CHANNEL_ARMS for m in ATTRIBUTION_METHODS for k in GRADES
        )
    }
    keys = zip(s["arm"], s["method"], s["metric"], strict=True)
    s = s.iloc[np.argsort([order[k] for k in keys])]
    return pd.DataFrame(
        {
            "arm": s["arm"].to_numpy(),
            "method": s["method"].to_numpy(),
            "measure": s["metric"].to_numpy(),
            "mean": s["mean"].to_numpy(),
            "ci_low": s["ci_low"].to_numpy(),
            "ci_high": s["ci_high"].to_numpy(),
            "n": s["n_replications"].to_numpy(),
        }
    )
