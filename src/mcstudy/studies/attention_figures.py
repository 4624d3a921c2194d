"""Figures of the attention experiment: response curves and channel pairs.

The robustness shares are drawn by :func:`mcstudy.report.plot_robustness_shares`.

Each function draws one figure from a table the study's modules return and gives the
:class:`matplotlib.figure.Figure` back; saving it (:func:`mcstudy.report.save_figure`) and
showing it are the caller's. Bootstrap error bars take ``seed``, so a figure is the same on
every run.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from mcstudy._validation import check_frame

__all__ = [
    "plot_factorial_gains",
    "plot_response_curves",
    "response_optima",
    "response_peaks_text",
]

_CURVE_PANELS = (
    ("revenue_per_customer_eur", "revenue per customer-year (EUR)", "Revenue (dashed: spline fit)"),
    ("churn_rate", "share of customers churned", "Churn"),
    ("consent_withdrawals_per_customer", "consent withdrawals per customer", "Withdrawn consent"),
)


def response_optima(curves: pd.DataFrame, channels: Sequence[str]) -> pd.DataFrame:
    """The pressure that maximises revenue and margin, per channel, with its interval.

    ``curves`` is :func:`~mcstudy.studies.pressure.pressure_response`; one row per channel and
    metric (revenue, then margin), the columns of
    :meth:`~mcstudy.studies.pressure.ResponseCurve.summary`.
    """
    from mcstudy.studies.pressure import fit_response_curve

    return pd.concat(
        [
            fit_response_curve(curves, metric, channel=channel).summary()
            for channel in channels
            for metric in ("revenue_per_customer_eur", "margin_per_customer_eur")
        ],
        ignore_index=True,
    )


def response_peaks_text(optima: pd.DataFrame) -> str:
    """Where revenue peaks per channel, where it still rises, and the best pressure on margin."""
    check_frame(optima, ["channel", "metric", "optimum", "ci_low", "ci_high", "interior"], "optima")
    best = optima[optima["metric"] == "revenue_per_customer_eur"].set_index("channel")
    margin = optima[optima["metric"] == "margin_per_customer_eur"].set_index("channel")
    peaks = ", ".join(
        f"{c} at {r.optimum:.2f} contacts a week ({r.ci_low:.2f} to {r.ci_high:.2f})"
        for c, r in best[best["interior"]].iterrows()
    )
    rising = best.index[~best["interior"]]
    return (
        "Revenue peaks inside the simulated range for "
        + peaks
        + (
            "; it still rises at the highest pressure for " + ", ".join(rising)
            if len(rising)
            else ""
        )
        + ". Beyond the peak each extra contact costs more, in irritation, withdrawn consent and "
        "churn, than it brings. On margin (revenue minus contact costs) the best pressure is "
        + ", ".join(f"{c} {r.optimum:.2f} a week" for c, r in margin.iterrows())
        + " (0: at the catalogue's contact costs the channel does not pay for itself)."
    )


def plot_response_curves(curves: pd.DataFrame, channels: Sequence[str], *, seed=None):
    """Revenue, churn and withdrawn consent against the pressure, per channel alone.

    ``curves`` is :func:`~mcstudy.studies.pressure.pressure_response` (one channel per entry
    of ``channels``); the revenue panel carries each channel's spline fit, dashed. ``seed``
    fixes the bootstrap of the error bars.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    from mcstudy.studies.pressure import fit_response_curve

    check_frame(curves, ["replication", "channel", "pressure", "customers"], "curves")
    fig, axes = plt.subplots(1, 3, figsize=(14, 4))
    for ax, (metric, label, title) in zip(axes, _CURVE_PANELS, strict=True):
        sns.lineplot(
            data=curves,
            x="pressure",
            y=metric,
            hue="channel",
            marker="o",
            errorbar=("ci", 95),
            seed=seed,
            ax=ax,
        )
        ax.set_xlabel("contacts per customer per week (planned)")
        ax.set_ylabel(label)
        ax.set_title(title)
    for channel, color in zip(channels, sns.color_palette(), strict=False):
        fitted = fit_response_curve(curves, "revenue_per_customer_eur", channel=channel).curve
        axes[0].plot(fitted["pressure"], fitted["fitted"], color=color, lw=1, ls="--")
    n_replications = curves["replication"].nunique()
    n_customers = int(curves.groupby(["replication", "channel"])["customers"].sum().iloc[0])
    fig.suptitle(f"One channel alone, {n_replications} replications of {n_customers:,} customers")
    fig.tight_layout()
    return fig


def plot_factorial_gains(gains: pd.DataFrame, *, seed=None):
    """What one contact a week on a second channel adds, with and without weekly e-mail.

    ``gains`` is :func:`~mcstudy.studies.attention.factorial_revenue_gains` (one row per
    replication, partner channel and kind of customer); bars are the mean over replications
    with a bootstrap 95 % interval (``seed`` fixes it).
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    value = "revenue gain (EUR per customer-year)"
    check_frame(gains, ["channel added", "customers", value], "gains")
    n_replications = len(gains) // gains.groupby(["channel added", "customers"]).ngroups
    fig, ax = plt.subplots(figsize=(7, 3.8))
    sns.barplot(
        data=gains,
        x="channel added",
        y=value,
        hue="customers",
        errorbar=("ci", 95),
        seed=seed,
        ax=ax,
    )
    ax.set_title(
        f"What one contact a week on a second channel adds ({n_replications} replications)",
        fontsize=10,
    )
    fig.tight_layout()
    return fig
