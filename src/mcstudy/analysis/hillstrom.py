"""The Hillstrom e-mail experiment seen through the simulator's eyes.

:func:`add_analysis_columns` adds the pre-treatment groupings the analyses use (pooled e-mail
arm, recency quarters, a loyalty flag, merchandise lines). :func:`email_experiment_statistics`
computes, from the real customers, the statistics that the simulator study
:func:`mcstudy.experiments.sweep_studies.email_experiment` reports under the same metric
names, each with its 95 % interval, and :func:`real_vs_simulated` puts both side by side.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from mcstudy._validation import check_column_numbers, check_frame, check_int, check_number
from mcstudy.analysis.choice import idxbest
from mcstudy.analysis.observational import relative_lift
from mcstudy.analysis.randomised import arm_effects, subgroup_effects

__all__ = [
    "EMAIL_EXPERIMENT_METRICS",
    "WINNER_SEGMENTS",
    "add_analysis_columns",
    "email_experiment_statistics",
    "real_vs_simulated",
    "winner_by_segment",
]

#: Metrics of :func:`mcstudy.experiments.sweep_studies.email_experiment` that the real data
#: also measure.
EMAIL_EXPERIMENT_METRICS = (
    "control_conversion_rate",
    "mens_email_conversion_diff",
    "womens_email_conversion_diff",
    "mens_email_conversion_relative_lift",
    "womens_email_conversion_relative_lift",
    "control_multichannel_share",
    "control_multichannel_conversion_relative_lift",
    "control_multichannel_spend_relative_lift",
)

#: The segments in which the A/B test's overall winner is compared with the other e-mail (claim
#: C004-06, registered before the comparison): past-year merchandise group, newbie, past-year
#: channel.
WINNER_SEGMENTS = ("merchandise", "newbie", "past_channel")

_RECENCY_QUARTERS = ["1-3 months", "4-6 months", "7-9 months", "10-12 months"]


def add_analysis_columns(
    customers: pd.DataFrame, *, loyal_recency_months: int = 3, loyal_past_spend_usd: float = 350.0
) -> pd.DataFrame:
    """Return a copy of the Hillstrom customer table with the analysis groupings added.

    Parameters
    ----------
    customers : pandas.DataFrame
        Output of :func:`mcstudy.io.hillstrom_customer_table`.
    loyal_recency_months : int, default=3
        A loyal customer bought at most this many months ago ...
    loyal_past_spend_usd : float, default=350.0
        ... and spent at least this much in the past year (both fixed before looking at any
        outcome).

    Returns
    -------
    pandas.DataFrame
        The table with ``emailed`` (1 for either e-mail arm), ``email`` (``any_email`` or
        ``control``), ``recency_bucket`` (quarters), ``loyal`` (0/1), ``merchandise``
        (``mens_only``, ``womens_only``, ``both``) and ``past_multichannel`` (0/1).
    """
    check_frame(
        customers,
        ["arm", "recency_months", "past_spend_usd", "bought_mens", "bought_womens", "past_channel"],
        name="customers",
    )
    check_int(loyal_recency_months, "loyal_recency_months", 1, 12)
    check_number(loyal_past_spend_usd, "loyal_past_spend_usd", 0)
    _check_labels(customers, "arm", _ARMS)
    _check_labels(customers, "past_channel", _PAST_CHANNELS)
    recency = check_column_numbers(customers, "recency_months", "customers")
    bad = (recency < 1) | (recency > 12) | (recency % 1 != 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"'customers' column 'recency_months' must hold whole months in [1, 12]; row {i} "
            f"(index {customers.index[i]!r}) has {_plain(customers['recency_months'].iloc[i])!r}."
        )
    check_column_numbers(customers, "past_spend_usd", "customers", low=0.0)
    mens, womens = (_binary(customers, c) for c in ("bought_mens", "bought_womens"))
    neither = (mens == 0) & (womens == 0)
    if neither.any():
        i = int(np.flatnonzero(neither)[0])
        raise ValueError(
            f"'customers' row {i} (index {customers.index[i]!r}) bought neither men's nor "
            "women's merchandise (bought_mens = bought_womens = 0); every Hillstrom customer "
            "bought one of them, so 'merchandise' cannot be set."
        )
    out = customers.copy()
    out["emailed"] = (out["arm"] != "control").astype(int)
    out["email"] = np.where(out["emailed"] == 1, "any_email", "control")
    out["recency_bucket"] = pd.cut(
        out["recency_months"], [0, 3, 6, 9, 12], labels=_RECENCY_QUARTERS
    )
    out["loyal"] = (
        (out["recency_months"] <= loyal_recency_months)
        & (out["past_spend_usd"] >= loyal_past_spend_usd)
    ).astype(int)
    both = out["bought_mens"] + out["bought_womens"] == 2
    out["merchandise"] = pd.Categorical(
        np.select([both, out["bought_mens"] == 1], ["both", "mens_only"], "womens_only"),
        categories=["mens_only", "womens_only", "both"],
    )
    out["past_multichannel"] = (out["past_channel"] == "multichannel").astype(int)
    return out


_ARMS = ("control", "mens_email", "womens_email")
_PAST_CHANNELS = ("phone", "web", "multichannel")


def _plain(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value


def _check_labels(df: pd.DataFrame, column: str, labels: tuple[str, ...]) -> None:
    """Raise unless every value of ``column`` is one of ``labels`` (NaN is not)."""
    bad = ~df[column].isin(labels).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"'customers' column {column!r} must be one of {list(labels)} (the labels of "
            f"hillstrom_customer_table); row {i} (index {df.index[i]!r}) has "
            f"{_plain(df[column].iloc[i])!r}."
        )


def _binary(df: pd.DataFrame, column: str) -> np.ndarray:
    """Column ``column`` as floats; raise unless every value is 0 or 1."""
    values = check_column_numbers(df, column, "customers")
    bad = ~np.isin(values, (0.0, 1.0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"'customers' column {column!r} must hold 0/1; row {i} (index {df.index[i]!r}) has "
            f"{_plain(df[column].iloc[i])!r}."
        )
    return values


def _proportion(successes: pd.Series) -> tuple[float, float, float]:
    low, high = proportion_confint(int(successes.sum()), len(successes), method="wilson")
    return float(successes.mean()), float(low), float(high)


def email_experiment_statistics(customers: pd.DataFrame) -> pd.DataFrame:
    """Real counterparts of the simulator's e-mail experiment metrics, with 95 % intervals.

    Parameters
    ----------
    customers : pandas.DataFrame
        Output of :func:`add_analysis_columns`.

    Returns
    -------
    pandas.DataFrame
        Indexed by metric (:data:`EMAIL_EXPERIMENT_METRICS`), columns ``estimate``,
        ``ci_low``, ``ci_high`` and ``method``. Rates and the multichannel share: Wilson
        interval; effects of the e-mails: :func:`~mcstudy.analysis.arm_effects` (randomised,
        causal); relative lifts: :func:`~mcstudy.analysis.relative_lift`, unadjusted (the
        multichannel ones are observational, within the No E-Mail arm).
    """
    check_frame(
        customers,
        ["arm", "converted", "spend_usd", "past_channel", "past_multichannel"],
        name="customers",
    )
    _check_labels(customers, "arm", _ARMS)
    _check_labels(customers, "past_channel", _PAST_CHANNELS)
    for column in ("converted", "past_multichannel"):
        _binary(customers, column)
    check_column_numbers(customers, "spend_usd", "customers", low=0.0)
    counts = customers["arm"].value_counts()
    small = {arm: int(counts.get(arm, 0)) for arm in _ARMS if counts.get(arm, 0) < 2}
    if small:
        raise ValueError(
            f"'customers' must have at least 2 customers in every arm {list(_ARMS)}; got "
            f"counts {small}."
        )
    control = customers[customers["arm"] == "control"]
    effects = arm_effects(customers, outcomes=["converted"]).set_index("arm")
    rows = {
        "control_conversion_rate": (*_proportion(control["converted"]), "Wilson interval"),
        "control_multichannel_share": (
            *_proportion(control["past_multichannel"]),
            "Wilson interval",
        ),
    }
    for arm in ("mens_email", "womens_email"):
        e = effects.loc[arm]
        rows[f"{arm}_conversion_diff"] = (e["difference"], e["ci_low"], e["ci_high"], e["method"])
        lift = relative_lift(
            customers, group="arm", level=arm, outcome="converted", reference=["control"]
        )
        rows[f"{arm}_conversion_relative_lift"] = (
            lift.unadjusted.lift,
            *lift.unadjusted.ci,
            lift.method,
        )
    for metric, outcome in (("conversion", "converted"), ("spend", "spend_usd")):
        lift = relative_lift(
            control,
            group="past_channel",
            level="multichannel",
            outcome=outcome,
            reference=["phone", "web"],
        )
        rows[f"control_multichannel_{metric}_relative_lift"] = (
            lift.unadjusted.lift,
            *lift.unadjusted.ci,
            lift.method,
        )
    out = pd.DataFrame.from_dict(
        rows, orient="index", columns=["estimate", "ci_low", "ci_high", "method"]
    )
    return out.loc[list(EMAIL_EXPERIMENT_METRICS)].rename_axis("metric")


def real_vs_simulated(real: pd.DataFrame, simulated: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Put real estimates and simulated summaries of the same metrics side by side.

    Parameters
    ----------
    real : pandas.DataFrame
        Output of :func:`email_experiment_statistics` (indexed by metric).
    simulated : mapping of str to pandas.DataFrame
        Label -> output of :func:`mcstudy.experiments.summarise_replications` (one row per metric).

    Returns
    -------
    pandas.DataFrame
        One row per metric of ``real``: ``real``, ``real_ci_low``, ``real_ci_high``, then for
        each label ``<label>_mean``, ``<label>_ci_low``, ``<label>_ci_high`` (interval of the
        mean over replications).

    Raises
    ------
    ValueError
        If a simulated summary lacks one of the metrics.
    """
    check_frame(real, ["estimate", "ci_low", "ci_high"], name="real")
    if not isinstance(simulated, Mapping):
        raise TypeError(
            f"'simulated' must map labels to summaries (e.g. {{'sim': summary}}); got "
            f"{type(simulated).__name__}."
        )
    repeated = sorted(set(real.index[real.index.duplicated()]), key=str)
    if repeated:
        raise ValueError(f"'real' has metrics more than once: {repeated}.")
    for column in ("estimate", "ci_low", "ci_high"):
        check_column_numbers(real, column, "real")
    out = real[["estimate", "ci_low", "ci_high"]].set_axis(
        ["real", "real_ci_low", "real_ci_high"], axis=1
    )
    for label, summary in simulated.items():
        if not isinstance(label, str) or not label or label == "real":
            raise ValueError(
                f"'simulated' labels must differ from 'real' and be non-empty str (they prefix "
                f"the columns); got {label!r}."
            )
        check_frame(summary, ["metric", "mean", "ci_low", "ci_high"], name=f"simulated[{label!r}]")
        by_metric = summary.set_index("metric")
        missing = [m for m in out.index if m not in by_metric.index]
        if missing:
            raise ValueError(f"simulated[{label!r}] is missing metrics {missing}.")
        used = summary[summary["metric"].isin(out.index)]
        repeated = sorted(set(used.loc[used["metric"].duplicated(), "metric"]), key=str)
        if repeated:
            raise ValueError(
                f"'simulated[{label!r}]' has metrics more than once: {repeated}; pass one "
                "summary row per metric."
            )
        for column in ("mean", "ci_low", "ci_high"):
            check_column_numbers(used, column, f"simulated[{label!r}]")
        for column in ("mean", "ci_low", "ci_high"):
            out[f"{label}_{column}"] = by_metric.loc[out.index, column].to_numpy()
    return out


def winner_by_segment(
    customers: pd.DataFrame,
    *,
    arms: tuple[str, str] = ("mens_email", "womens_email"),
    outcome: str = "converted",
    segments: tuple[str, ...] = WINNER_SEGMENTS,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """The A/B test's overall winner against the other arm, over all and within each segment.

    The winner is the arm of ``arms`` with the higher mean ``outcome`` over all their customers
    (:func:`mcstudy.analysis.idxbest`: a tie within its tolerance goes to the first of
    ``arms``). Within every level of every segment column the arms are still randomised, so
    each row is the causal effect of sending the winner instead of the other arm there
    (:func:`mcstudy.analysis.arm_effects` and :func:`mcstudy.analysis.subgroup_effects`, with the
    other arm as control; the interval method is decided once on the whole table).

    Parameters
    ----------
    customers : pandas.DataFrame
        One row per customer, with ``arm``, ``outcome`` and the ``segments`` columns (e.g.
        :func:`add_analysis_columns` of the Hillstrom customer table).
    arms : tuple of two str, default=("mens_email", "womens_email")
        The two arms compared; rows of other arms are left out.
    outcome : str, default="converted"
        Numeric outcome column.
    segments : tuple of str, default=WINNER_SEGMENTS
        Pre-treatment columns defining the segments.
    alpha : float, default=0.05
        Intervals have level ``1 - alpha``.

    Returns
    -------
    pandas.DataFrame
        One row for all customers (``segment`` and ``level`` ``"all"``), then one per segment
        level: ``segment``, ``level`` (as text), ``winner``, ``other``, ``n`` and ``n_other``
        (customers of each arm), ``winner_mean``, ``other_mean``, ``difference`` (winner minus
        other), ``ci_low``, ``ci_high``, ``pvalue`` and ``method``.

    Raises
    ------
    TypeError, ValueError
        If ``customers`` lacks a column (listed), ``arms`` is not two distinct arms present in
        ``customers``, or :func:`~mcstudy.analysis.arm_effects` refuses the data (fewer than 2
        customers of an arm in a segment).
    """
    if isinstance(segments, str) or not all(isinstance(c, str) for c in segments):
        raise TypeError(f"'segments' must be a tuple of column names; got {segments!r}.")
    check_frame(customers, ["arm", outcome, *segments], name="customers")
    if (
        isinstance(arms, str)
        or len(arms) != 2
        or not all(isinstance(a, str) for a in arms)
        or arms[0] == arms[1]
    ):
        raise ValueError(f"'arms' must be two distinct arm names; got {arms!r}.")
    labels = customers["arm"].astype(str)
    missing = [a for a in arms if not (labels == a).any()]
    if missing:
        raise ValueError(
            f"'arms' must be arms of 'customers' (column 'arm' holds "
            f"{sorted(labels.unique())}); got {list(arms)}, of which {missing} are absent."
        )
    two = customers[labels.isin(arms)].assign(arm=labels[labels.isin(arms)])
    means = two.groupby("arm")[outcome].mean().reindex(list(arms))
    winner = idxbest(means)
    other = arms[1] if winner == arms[0] else arms[0]
    overall = arm_effects(two, outcomes=[outcome], control=other, alpha=alpha)
    parts = [overall.assign(subgroup="all", level="all")]
    parts += [
        subgroup_effects(two, by=s, outcomes=[outcome], control=other, alpha=alpha)
        for s in segments
    ]
    table = pd.concat(parts, ignore_index=True)
    table = table[table["arm"] == winner]
    sizes = [
        int((two["arm"] == other).sum())
        if seg == "all"
        else int(((two["arm"] == other) & (two[seg].astype(str) == str(level))).sum())
        for seg, level in zip(table["subgroup"], table["level"], strict=True)
    ]
    return pd.DataFrame(
        {
            "segment": table["subgroup"].astype(str).to_numpy(),
            "level": table["level"].astype(str).to_numpy(),
            "winner": winner,
            "other": other,
            "n": table["n"].astype(int).to_numpy(),
            "n_other": sizes,
            "winner_mean": table["mean"].to_numpy(),
            "other_mean": table["control_mean"].to_numpy(),
            "difference": table["difference"].to_numpy(),
            "ci_low": table["ci_low"].to_numpy(),
            "ci_high": table["ci_high"].to_numpy(),
            "pvalue": table["pvalue"].to_numpy(),
            "method": table["method"].to_numpy(),
        }
    )
