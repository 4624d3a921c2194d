"""Contact-pressure response curves: how outcomes change with contacts per week, per channel.

:func:`pressure_response` randomises one simulated population to arms that differ only in the
contact pressure of one channel (or one channel mix), replication by replication, and returns
the per-arm outcomes: revenue, margin, contacts, consent withdrawals and churn. Arms of one
replication share the customers and their random draws (common random numbers), so the
differences between pressures are causal and their noise small.

:func:`fit_response_curve` fits a smooth curve of one outcome on the pressure (a B-spline
regression, :mod:`statsmodels`, with standard errors clustered by replication because the arms
of a replication share their customers) and locates the pressure that maximises it, with an
interval from a parametric bootstrap of the spline coefficients. On revenue that maximum is
the pressure beyond which annoyance (irritation, withdrawn consent, churn) outweighs
persuasion; on margin it also pays for the contacts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

from mcstudy._random import seed_sequence
from mcstudy._validation import check_frame, check_int, check_number, check_option
from mcstudy.analysis.choice import argbest
from mcstudy.model.engine import simulate
from mcstudy.model.population import PopulationSpec
from mcstudy.model.response import ResponseSpec
from mcstudy.model.strategies import Monochannel, Strategy

__all__ = ["PRESSURE_METRICS", "ResponseCurve", "fit_response_curve", "pressure_response"]

#: Per-arm outcomes of :func:`pressure_response`, per customer randomised to the arm.
PRESSURE_METRICS = (
    "revenue_per_customer_eur",
    "margin_per_customer_eur",
    "contacts_per_customer",
    "purchases_per_customer",
    "consent_withdrawals_per_customer",
    "churn_rate",
)


def _strategies(channels, respect_consent, frequency_cap) -> dict[str, Strategy]:
    """One zero-pressure strategy per channel name or named mix."""
    if isinstance(channels, str):
        channels = [channels]
    out = {}
    if isinstance(channels, Mapping):
        for name, mix in channels.items():
            if not isinstance(mix, Mapping) or not mix:
                raise ValueError(
                    f"'channels[{name!r}]' must be a non-empty mapping channel -> share of the "
                    f"pressure; got {mix!r}."
                )
            out[str(name)] = Strategy(
                channels=dict(mix),
                contact_pressure=0.0,
                respect_consent=respect_consent,
                frequency_cap=frequency_cap,
            )
        return out
    for channel in channels:
        out[str(channel)] = Monochannel(
            channel=channel,
            contact_pressure=0.0,
            respect_consent=respect_consent,
            frequency_cap=frequency_cap,
        )
    if not out:
        raise ValueError("'channels' must name at least one channel or mix; got none.")
    return out


def pressure_response(
    channels: str | Sequence[str] | Mapping[str, Mapping[str, float]],
    pressures: Sequence[float],
    *,
    population: PopulationSpec | None = None,
    response: ResponseSpec | None = None,
    n_weeks: int = 52,
    n_replications: int = 20,
    respect_consent: bool = True,
    frequency_cap: int | str | None = None,
    rng=None,
) -> pd.DataFrame:
    """Outcomes at each contact pressure, per channel (or mix) and replication.

    Parameters
    ----------
    channels : str, sequence of str or mapping of str to mapping
        Channels contacted alone (``"email"``, ``["email", "sms"]``), or named mixes
        ``{"email+mail": {"email": 0.5, "postal_mail": 0.5}}`` (shares of the pressure).
    pressures : sequence of float
        Planned contacts per customer per week, in [0, 50], at least two distinct values;
        include 0 for a no-contact reference.
    population, response : default=None
        The reference context; the calibrated defaults when None. ``population.n_customers``
        is the number of customers per replication, shared by the arms.
    n_weeks : int, default=52
        Weeks simulated, in [1, 520].
    n_replications : int, default=20
        Independent replications (children of ``rng``), in [1, 10,000].
    respect_consent : bool, default=True
        Contact only customers who consented on the channel.
    frequency_cap : int, "learned" or None, default=None
        Contacts per week a customer can receive at most (see :class:`Strategy`).
    rng : None, int, SeedSequence or Generator, default=None
        Root of the replications' streams.

    Returns
    -------
    pandas.DataFrame
        One row per replication x channel x pressure: ``replication``, ``channel``,
        ``pressure``, ``customers`` and the metrics of :data:`PRESSURE_METRICS`; the root
        seed in ``attrs["seed"]``.

    Raises
    ------
    TypeError, ValueError
        On a bad argument, naming it, its value and what is allowed.
    """
    pressures = [check_number(p, "pressures[...]", 0.0, 50.0) for p in pressures]
    if len(set(pressures)) < 2:
        raise ValueError(
            f"'pressures' must hold at least two distinct values in [0, 50]; got {pressures}."
        )
    n_weeks = check_int(n_weeks, "n_weeks", 1, 520)
    n_replications = check_int(n_replications, "n_replications", 1, 10_000)
    if not isinstance(respect_consent, bool):
        raise TypeError(f"'respect_consent' must be True or False; got {respect_consent!r}.")
    population = population if population is not None else PopulationSpec()
    base = _strategies(channels, respect_consent, frequency_cap)
    ss = seed_sequence(rng)
    children = ss.spawn(n_replications)
    rows = []
    for rep, child in enumerate(children):
        # one seed per (replication, channel): each channel's arms share their customers
        for (name, strategy), seed in zip(base.items(), child.spawn(len(base)), strict=True):
            arms = {f"{p:g}": replace(strategy, contact_pressure=p) for p in pressures}
            summary = simulate(
                population,
                arms,
                n_weeks=n_weeks,
                response=response,
                n_journeys=0,
                progress=False,
                rng=seed,
            ).summary()
            for p, (_, row) in zip(pressures, summary.iterrows(), strict=True):
                rows.append(
                    {
                        "replication": rep,
                        "channel": name,
                        "pressure": p,
                        "customers": int(row["customers"]),
                        **{m: float(row[m]) for m in PRESSURE_METRICS},
                    }
                )
    table = pd.DataFrame(rows)
    table.attrs["seed"] = ss.entropy
    return table


@dataclass(frozen=True)
class ResponseCurve:
    """A fitted response curve and the pressure that maximises it.

    Attributes
    ----------
    metric : str
        The outcome fitted.
    channel : str
        The channel or mix.
    curve : pandas.DataFrame
        ``pressure``, ``fitted``, ``ci_low``, ``ci_high`` (95 % pointwise) on a fine grid.
    optimum : float
        Pressure of the fitted maximum within the pressures simulated.
    optimum_ci : tuple of float
        95 % interval of that pressure (parametric bootstrap of the spline coefficients).
    gain_at_optimum : float
        Fitted outcome at the optimum minus at the lowest pressure simulated.
    interior : bool
        The optimum lies strictly inside the simulated range (an outcome still rising at the
        highest pressure has its "optimum" at the edge).
    n : int
        Arms x replications the curve was fitted on.
    method : str
        How it was fitted.
    """

    metric: str
    channel: str
    curve: pd.DataFrame
    optimum: float
    optimum_ci: tuple[float, float]
    gain_at_optimum: float
    interior: bool
    n: int
    method: str

    def summary(self) -> pd.DataFrame:
        """The optimum as a one-row DataFrame."""
        return pd.DataFrame(
            [
                {
                    "channel": self.channel,
                    "metric": self.metric,
                    "optimum": self.optimum,
                    "ci_low": self.optimum_ci[0],
                    "ci_high": self.optimum_ci[1],
                    "gain_at_optimum": self.gain_at_optimum,
                    "interior": self.interior,
                    "n": self.n,
                }
            ]
        )


def fit_response_curve(
    table: pd.DataFrame,
    metric: str,
    *,
    channel: str | None = None,
    df: int = 4,
    n_draws: int = 2000,
    rng=0,
) -> ResponseCurve:
    """Fit ``metric`` on the pressure with a B-spline and locate its maximum.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`pressure_response`.
    metric : str
        One of :data:`PRESSURE_METRICS`.
    channel : str, default=None
        The channel (or mix) to fit; may be None when ``table`` has one.
    df : int, default=4
        Degrees of freedom of the cubic B-spline basis (patsy ``bs``), in [3, 8] and below
        the number of distinct pressures.
    n_draws : int, default=2000
        Bootstrap draws of the coefficients for the optimum's interval, in [100, 100,000].
    rng : default=0
        Seed of the bootstrap draws.

    Returns
    -------
    ResponseCurve

    Notes
    -----
    Ordinary least squares of the per-arm outcome on ``bs(pressure, df)``, with covariance
    clustered by replication (the arms of a replication share customers and draws, so their
    outcomes are correlated). The optimum is the maximiser of the fitted curve on a grid of
    201 pressures over the simulated range; its interval is the 2.5-97.5 % range of the
    maximiser over curves drawn from the coefficients' estimated normal distribution. Grid
    values within 1e-6 relative of the best are ties, resolved to the lowest pressure
    (:func:`mcstudy.analysis.choice.argbest`).
    """
    check_frame(table, ["replication", "channel", "pressure", metric], name="table")
    check_option(metric, "metric", PRESSURE_METRICS)
    channels = sorted(table["channel"].unique())
    if channel is None:
        if len(channels) != 1:
            raise ValueError(f"'channel' must be one of {channels} when the table has several.")
        channel = channels[0]
    check_option(channel, "channel", channels)
    data = table[table["channel"] == channel]
    levels = np.sort(data["pressure"].unique())
    df = check_int(df, "df", 3, min(8, len(levels) - 1))
    n_draws = check_int(n_draws, "n_draws", 100, 100_000)
    formula = f"{metric} ~ bs(pressure, df={df}, degree=3)"
    model = smf.ols(formula, data=data)
    groups = data["replication"].to_numpy()
    cov = {"groups": groups} if len(np.unique(groups)) > 1 else None
    fit = model.fit(cov_type="cluster", cov_kwds=cov) if cov else model.fit()
    grid = pd.DataFrame({"pressure": np.linspace(levels[0], levels[-1], 201)})
    pred = fit.get_prediction(grid).summary_frame(alpha=0.05)
    curve = grid.assign(
        fitted=pred["mean"].to_numpy(),
        ci_low=pred["mean_ci_lower"].to_numpy(),
        ci_high=pred["mean_ci_upper"].to_numpy(),
    )
    design = _grid_design(fit, grid)
    gen = np.random.default_rng(rng)
    draws = _normal_draws(gen, fit.params.to_numpy(), fit.cov_params().to_numpy(), n_draws)
    # ties (within 1e-6 relative) go to the lowest pressure, so no choice turns on rounding
    argmax = grid["pressure"].to_numpy()[argbest(draws @ design.T)]
    best = argbest(curve["fitted"].to_numpy())
    optimum = float(curve["pressure"].iloc[best])
    return ResponseCurve(
        metric=metric,
        channel=str(channel),
        curve=curve,
        optimum=optimum,
        optimum_ci=(float(np.quantile(argmax, 0.025)), float(np.quantile(argmax, 0.975))),
        gain_at_optimum=float(curve["fitted"].iloc[best] - curve["fitted"].iloc[0]),
        interior=bool(0 < best < len(grid) - 1),
        n=len(data),
        method=(
            f"OLS on a cubic B-spline of the pressure (df {df}), covariance clustered by "
            f"replication; optimum interval from {n_draws} draws of the coefficients"
        ),
    )


def _normal_draws(
    gen: np.random.Generator, mean: np.ndarray, cov: np.ndarray, n_draws: int
) -> np.ndarray:
    """``n_draws`` draws of N(``mean``, ``cov``) that are the same on every machine.

    The draws go through the symmetric square root of ``cov``, which is unique. numpy's
    ``multivariate_normal`` factors ``cov`` by a singular value decomposition, whose vectors'
    signs are left to the LAPACK build: the same seed could give other draws elsewhere.
    """
    values, vectors = np.linalg.eigh((cov + cov.T) / 2)
    root = (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T
    return mean + gen.standard_normal((n_draws, len(mean))) @ root


def _grid_design(fit, grid: pd.DataFrame) -> np.ndarray:
    """The fitted formula's design matrix evaluated on ``grid`` (same spline knots)."""
    from patsy import build_design_matrices

    (matrix,) = build_design_matrices([fit.model.data.orig_exog.design_info], grid)
    return np.asarray(matrix)
