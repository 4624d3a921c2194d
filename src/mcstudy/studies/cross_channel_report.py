"""Tables and phrases of notebook 07 built from its study outputs.

:func:`upstream_table` gathers the upstream-channel gaps of last touch (C003-06);
:func:`influence_table` where the purchases a channel caused are made (C002-08, C000-21,
C000-22), with the sales mix beside them; :func:`reach_phrase` says at which referral
strength a curve reaches Celio's ratio; :func:`holds_by_parameter` shows, from a robustness
assessment, how often a claim's reference verdict holds along one varied parameter (the shops'
share of the sales mix for C000-22); :func:`space_table` lists the parameters it varies.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from mcstudy._validation import check_frame, check_int, check_number
from mcstudy.studies.cross_channel_design import CROSS_CHANNEL_ARMS, REFERENCE_ARM

__all__ = [
    "INFLUENCE_ROWS",
    "holds_by_parameter",
    "influence_table",
    "reach_phrase",
    "space_table",
    "statistic_row",
    "upstream_table",
]

#: The causal and observational quantities of :func:`influence_table`: (claim, statistic of
#: :func:`~mcstudy.studies.cross_channel.ratio_statistics`, kind, label).
INFLUENCE_ROWS = (
    (
        "C002-08",
        "catalogue_other_channel_share",
        "causal",
        "share of the catalogue's caused purchases made in another channel",
    ),
    (
        "C002-08",
        "website_other_channel_share",
        "causal",
        "share of the website's caused purchases made in another channel",
    ),
    (
        "C000-21",
        "email_all_over_online_minus_one",
        "causal",
        "e-mail's caused purchases, all channels over online, minus 1",
    ),
    (
        "C000-22",
        "log10_shop_over_online",
        "causal",
        "log10 shop/online purchases the e-mail campaign caused",
    ),
    (
        "C000-22",
        "observed_log10_shop_over_online",
        "observational",
        "log10 shop/online purchases of the e-mailed customers (campaign report)",
    ),
)
_CONTEXT_ROWS = (
    ("email_shop_visit_share", "causal", "shop share of the visits e-mail caused"),
    (
        "shop_share_of_purchases",
        "observational",
        "shop share of the cross-channel arm's purchases (sales mix)",
    ),
)
_SUMMARY = ["mean", "ci_low", "ci_high", "n_replications"]


def statistic_row(stats: pd.DataFrame, metric: str, arm: str, method: str = "") -> pd.Series:
    """One statistic of the summarised cross-channel runs, by its keys.

    ``stats`` is :func:`mcstudy.experiments.summarise_replications` of
    :func:`~mcstudy.studies.cross_channel.cross_channel_outcomes` replications grouped by its
    key columns; the row of the arm-level (no channel) statistic ``metric`` of ``arm`` (and
    ``method``) is returned.
    """
    check_frame(stats, ["arm", "method", "channel", "metric", *_SUMMARY], name="stats")
    at = (
        (stats["arm"] == arm)
        & (stats["method"] == method)
        & (stats["channel"] == "")
        & (stats["metric"] == metric)
    )
    if at.sum() != 1:
        raise ValueError(
            f"'stats' must hold one row of {metric!r} in arm {arm!r}, method {method!r}; it "
            f"holds {int(at.sum())}."
        )
    return stats[at].iloc[0]


def upstream_table(stats: pd.DataFrame) -> pd.DataFrame:
    """Last touch's gaps on the upstream channels, arm by arm, with their number.

    ``stats`` is :func:`mcstudy.experiments.summarise_replications` of
    :func:`~mcstudy.studies.cross_channel.cross_channel_outcomes` (full design) grouped by
    its key columns. One row per arm and gap (``upstream_gap``, on the scale of conversions;
    ``upstream_gap_normalised``, on the distributions over channels): ``mean``, ``ci_low``,
    ``ci_high``, ``n_replications`` and ``upstream channels (mean)``.
    """
    keys = [(a, k) for a in CROSS_CHANNEL_ARMS for k in ("upstream_gap", "upstream_gap_normalised")]
    table = pd.DataFrame(
        {(a, k): statistic_row(stats, k, a, "last_touch")[_SUMMARY] for a, k in keys}
    ).T.astype(float)
    table["upstream channels (mean)"] = [
        statistic_row(stats, "n_upstream", a)["mean"] for a, _ in keys
    ]
    return table


def influence_table(ratios: pd.DataFrame, stats: pd.DataFrame) -> pd.DataFrame:
    """Where the purchases a channel caused are made, and the sales mix beside them.

    ``ratios`` is :func:`~mcstudy.studies.cross_channel.ratio_statistics` (indexed by
    ``statistic``: ``estimate``, ``ci_low``, ``ci_high``, ``n``); ``stats`` the replication
    summary of :func:`upstream_table`. One row per quantity of :data:`INFLUENCE_ROWS` (ratios
    of means) and two context rows (means over replications in the cross-channel arm, claim
    ``context``): ``claim``, ``kind``, ``quantity``, ``estimate``, ``ci_low``, ``ci_high``,
    ``n``.
    """
    check_frame(ratios.reset_index(), ["statistic", "estimate", "ci_low", "ci_high", "n"], "ratios")
    rows = [
        {
            "claim": claim,
            "kind": kind,
            "quantity": label,
            **ratios.loc[statistic, ["estimate", "ci_low", "ci_high", "n"]],
        }
        for claim, statistic, kind, label in INFLUENCE_ROWS
    ]
    for metric, kind, label in _CONTEXT_ROWS:
        m = statistic_row(stats, metric, REFERENCE_ARM)
        rows.append(
            {
                "claim": "context",
                "kind": kind,
                "quantity": label,
                "estimate": m["mean"],
                "ci_low": m["ci_low"],
                "ci_high": m["ci_high"],
                "n": m["n_replications"],
            }
        )
    return pd.DataFrame(rows).astype({"n": int})


def reach_phrase(strength: float) -> str:
    """Say where a curve reaches a target, from :func:`strength_reaching`'s result.

    NaN (never reached) reads "at no referral strength"; a strength ``x`` reads "from a
    referral strength of about x" (two decimals).

    >>> reach_phrase(float("nan"))
    'at no referral strength'
    >>> reach_phrase(0.666)
    'from a referral strength of about 0.67'
    """
    if isinstance(strength, bool) or not isinstance(strength, int | float | np.floating):
        raise TypeError(f"'strength' must be a real number or NaN; got {strength!r}.")
    if math.isnan(strength):
        return "at no referral strength"
    strength = check_number(strength, "strength", 0, 1)
    return f"from a referral strength of about {strength:.2f}"


def holds_by_parameter(
    assessment,
    claim: str,
    parameter: str,
    edges: Sequence[float],
    statistics: Sequence[str] = (),
) -> pd.DataFrame:
    """How often a claim's reference verdict holds along one varied parameter.

    Only the Latin hypercube points (stage ``share``) of the assessment are used, the points
    behind the robustness share; they are grouped by ``parameter`` into the intervals
    ``[edges[i], edges[i + 1])`` (the last one closed).

    Parameters
    ----------
    assessment : RobustnessAssessment
        :func:`mcstudy.experiments.assess_robustness` output; ``claim`` must be one of its
        judged claims and ``parameter`` one of its varied parameters.
    claim, parameter : str
    edges : sequence of float
        At least two increasing edges.
    statistics : sequence of str, default=()
        Statistics of the runs to average within each interval.

    Returns
    -------
    pandas.DataFrame
        One row per interval (index ``parameter``, the interval as text): ``n_points``,
        ``share_holds`` (NaN for an empty interval) and the mean of each statistic.
    """
    points, holds = assessment.points, assessment.holds
    if claim not in holds.columns:
        raise ValueError(f"'claim' must be one of {sorted(holds.columns)}; got {claim!r}.")
    if parameter not in points.columns or parameter not in set(assessment.space["parameter"]):
        raise ValueError(
            f"'parameter' must be one of {list(assessment.space['parameter'])}; got {parameter!r}."
        )
    missing = [s for s in statistics if s not in points.columns]
    if missing:
        raise ValueError(f"'statistics' names statistics the runs lack: {missing}.")
    edges = np.asarray([check_number(e, "edges") for e in edges], dtype=float)
    check_int(len(edges), "len(edges)", 2, 1000)
    if np.any(np.diff(edges) <= 0):
        raise ValueError(f"'edges' must be increasing; got {edges.tolist()}.")
    share = (points["stage"] == "share").to_numpy()
    x = points.loc[share, parameter].to_numpy(dtype=float)
    held = holds.loc[share, claim].to_numpy(dtype=bool)
    groups = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, len(edges) - 2)
    inside = (x >= edges[0]) & (x <= edges[-1])
    rows = {}
    for i in range(len(edges) - 1):
        at = inside & (groups == i)
        close = "]" if i == len(edges) - 2 else ")"
        row = {
            "n_points": int(at.sum()),
            "share_holds": float(held[at].mean()) if at.any() else float("nan"),
        }
        for s in statistics:
            values = points.loc[share, s].to_numpy(dtype=float)[at]
            row[s] = float(values.mean()) if at.any() else float("nan")
        rows[f"[{edges[i]:g}, {edges[i + 1]:g}{close}"] = row
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis(parameter)


def space_table(space) -> pd.DataFrame:
    """The parameters a robustness design varies, with their description where registered.

    ``space`` is what :func:`mcstudy.experiments.parameter_space` accepts (here
    :func:`~mcstudy.studies.cross_channel_design.robustness_space`). One row per parameter
    (index ``parameter``): ``low``, ``high``, ``scale``, ``source``, and the ``default``,
    ``status`` and ``unit`` of ``data/parameters.csv`` (missing for a study parameter that
    is not a model parameter, such as ``shop_share``).
    """
    from mcstudy.experiments import parameter_space
    from mcstudy.io import load_parameters

    table = parameter_space(space).set_index("parameter")
    described = load_parameters().set_index("name").reindex(table.index)
    return table.join(described[["default", "status", "unit"]])
