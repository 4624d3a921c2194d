"""Calibration: fit model parameters to real targets by simulated method of moments.

The simulator runs an experiment shaped like the Hillstrom test (a no-e-mail arm and an e-mail
arm over two weeks, every customer on the e-mail list) and computes the statistics of
:data:`SIMULATED_STATISTICS`; :func:`fit` chooses the free parameters (:data:`FREE_PARAMETERS`
or a subset) that bring them closest to the targets (``data/targets.csv``), each residual
standardised by the target's uncertainty combined with the simulation's own standard error.

Common random numbers: every evaluation of the objective uses the same seed, so the same
customers with the same random draws (the kernel's draws are keyed by customer, event stream
and counter, see :mod:`mcstudy.model._kernel`); the objective changes with the parameters, not
with fresh noise, and a finite-difference Jacobian is meaningful (with steps large enough to
move whole events, ``diff_step``).

The optimiser is :func:`scipy.optimize.least_squares` (trust-region reflective, bounded): the
objective is a sum of squared standardised residuals, the natural form of a weighted
method-of-moments fit, and the solver returns the Jacobian at the optimum, from which the
parameters' covariance (delta method, :math:`(J^T J)^{-1}`) and the identifiability check
(singular values of :math:`J`) follow. Parameters are fitted on a log scale within their
plausible ranges (``data/parameters.csv``).

The fit starts from the centre of each parameter's plausible range on the log scale, not from
the package defaults: the defaults *are* the committed fit, and a start that depended on them
would make the fit depend on its own previous result.

Targets not used in the fit are *checks* (:data:`CHECK_STATISTICS`, :func:`check_statistics`):
a simulated past year (52 weeks without marketing contacts, the burn-in before the campaign)
gives each simulated customer a past-year spend, recency and purchase channels, compared with
Hillstrom's among the simulated customers who bought in it; an SMS campaign gives the opt-out
rate per message and a direct-mail campaign the response rate. :func:`compare_targets` puts
fitted targets and checks in one table.

Approximations, stated: the simulated e-mail arm receives Poisson(1) e-mails over the two weeks
(the simulator plans contacts as a weekly rate), not exactly one; its effects are those of one
e-mail on average, exact for mechanisms linear in the e-mails received. The fitted statistics
are computed over the whole simulated customer base, whose two-week behaviour is matched to
that of Hillstrom's customers who bought in the past year; the past-year checks are computed
among the simulated customers who bought in the simulated past year. With
``population.pre_period_weeks`` > 0 (one of :data:`PAST_YEAR_PARAMETERS`, which the
statistics accept besides :data:`FREE_PARAMETERS`), the simulated customers are drawn as
Hillstrom's were, the buyers of a pre-period without contacts (:mod:`mcstudy.model.lapse`),
and both the fitted statistics and the past-year checks are computed on them. The statistics
also accept :data:`CHANNEL_MIX_PARAMETERS` (who buys through which channels), for searches of
the past-year channel shares; the calibration does not fit them. Dollars and
euros are not converted: spend targets are matched in the simulator's currency unit.

Where things are: :mod:`~mcstudy.experiments._calibration_statistics` runs the simulations and
computes the statistics (fitted and checks), this module fits them to the targets and compares
the two, and :mod:`~mcstudy.experiments._calibration_record` writes the fit as the record
``data/calibration.toml`` and reads it back; every public name is importable from here.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize

from mcstudy._random import root_seed, seed_sequence
from mcstudy._validation import check_int, check_number
from mcstudy.analysis.intervals import Z95 as _Z95
from mcstudy.experiments._calibration_record import calibration_record as calibration_record
from mcstudy.experiments._calibration_record import load_calibration as load_calibration
from mcstudy.experiments._calibration_statistics import (
    CHANNEL_MIX_PARAMETERS,
    CHECK_STATISTICS,
    FREE_PARAMETERS,
    PAST_YEAR_PARAMETERS,
    RECORDED_BY_HILLSTROM,
    SIMULATED_STATISTICS,
    _catalogue,
    _split,
    check_statistics,
    simulated_statistics,
)
from mcstudy.io.catalogue import load_parameters
from mcstudy.model import _libm

__all__ = [
    "CHANNEL_MIX_PARAMETERS",
    "CHECK_STATISTICS",
    "FREE_PARAMETERS",
    "PAST_YEAR_PARAMETERS",
    "RECORDED_BY_HILLSTROM",
    "SIMULATED_STATISTICS",
    "CalibrationResult",
    "check_statistics",
    "compare_targets",
    "fit",
    "leave_one_target_out",
    "simulated_statistics",
    "target_uncertainty",
]


def target_uncertainty(targets: pd.DataFrame) -> pd.Series:
    """Standard error of each target: ``se``, or ``(high - low) / (2 x 1.96)`` for a range."""
    se = pd.to_numeric(targets["se"], errors="coerce")
    half = (targets["high"] - targets["low"]) / (2 * _Z95)
    return se.where(se.notna(), half).astype(float)


def compare_targets(
    targets: pd.DataFrame,
    params: Mapping[str, float] | None = None,
    *,
    n_customers: int = 200_000,
    rng=0,
    population=None,
    response=None,
    channels=None,
    recorded=None,
) -> pd.DataFrame:
    """Every target beside its simulated statistic: the fitted ones and the checks.

    Parameters
    ----------
    targets : pandas.DataFrame
        The target table (:func:`mcstudy.io.load_targets`).
    params : mapping of str to float, default=None
        Values of :data:`FREE_PARAMETERS` (e.g. a fit's ``estimates``); the defaults when None.
    n_customers : int, default=200_000
        Customers per simulation.
    rng : int, SeedSequence or Generator, default=0
        Root seed.
    population, response, channels : default=None
        The context simulated (:class:`~mcstudy.model.PopulationSpec`,
        :class:`~mcstudy.model.ResponseSpec`, :class:`~mcstudy.model.ChannelSet`); the
        calibrated consumer context when None.
    recorded : sequence of str, default=None
        The purchase channels whose orders the test's conversion and spend count
        (:func:`simulated_statistics`; :data:`RECORDED_BY_HILLSTROM` is the file's); every
        purchase channel when None.

    Returns
    -------
    pandas.DataFrame
        One row per target: ``target_id``, ``statistic``, ``used_in_fit``, ``observed``,
        ``observed_se`` (the standard error, or the half-width of a published range over
        1.96), ``low``/``high`` (the range, NaN when there is none), ``simulated``,
        ``simulated_se``, ``z`` and ``matched`` (|z| < 2, or for a range the simulated
        value inside it).

    Raises
    ------
    ValueError
        If a target names a statistic neither simulation computes.
    """
    known = set(SIMULATED_STATISTICS) | set(CHECK_STATISTICS)
    unknown = sorted(set(targets["statistic"].astype(str)) - known)
    if unknown:
        raise ValueError(
            f"targets name statistics {unknown} that no calibration simulation computes; "
            f"allowed: {sorted(known)}."
        )
    context = {"population": population, "response": response, "channels": channels}
    stats = pd.concat(
        [
            simulated_statistics(
                params, n_customers=n_customers, rng=rng, recorded=recorded, **context
            ),
            check_statistics(params, n_customers=n_customers, rng=rng, **context),
        ]
    )
    statistic = targets["statistic"].astype(str).to_numpy()
    sim = stats.loc[statistic]
    table = pd.DataFrame(
        {
            "target_id": targets["target_id"].to_numpy(),
            "statistic": statistic,
            "used_in_fit": targets["used_in_fit"].astype(bool).to_numpy(),
            "observed": targets["value"].to_numpy(float),
            "observed_se": target_uncertainty(targets).to_numpy(),
            "low": targets["low"].to_numpy(float),
            "high": targets["high"].to_numpy(float),
            "simulated": sim["value"].to_numpy(),
            "simulated_se": sim["se"].to_numpy(),
        }
    )
    table["z"] = (table["simulated"] - table["observed"]) / np.hypot(
        table["observed_se"], table["simulated_se"]
    )
    in_range = (table["simulated"] >= table["low"]) & (table["simulated"] <= table["high"])
    table["matched"] = np.where(table["low"].notna(), in_range, table["z"].abs() < 2)
    return table


@dataclass(frozen=True)
class CalibrationResult:
    """What :func:`fit` returns.

    Attributes
    ----------
    parameters : pandas.DataFrame
        One row per free parameter: ``start``, ``estimate``, ``se`` (delta method),
        ``ci_low``/``ci_high`` (95 %, on the log scale then back), ``low``/``high`` (the
        plausible range it was fitted in) and ``at_bound``.
    fit_table : pandas.DataFrame
        One row per target used: ``target_id``, ``statistic``, ``observed``, ``observed_se``,
        ``simulated``, ``simulated_se``, ``z`` (standardised residual).
    singular_values : numpy.ndarray
        Of the Jacobian of the standardised residuals in the log parameters; a value near 0
        means a direction of the parameters that the targets do not pin down.
    rank : int
        Numerical rank of that Jacobian (singular values above 1e-3 x the largest).
    cost : float
        Half the sum of squared standardised residuals at the estimate.
    n_evaluations : int
        Simulations run by the optimiser.
    seconds : float
        Wall time of the fit.
    seed : int
        Root seed of every simulation (common random numbers).
    n_customers : int
        Customers per simulation.
    """

    parameters: pd.DataFrame
    fit_table: pd.DataFrame
    singular_values: np.ndarray
    rank: int
    cost: float
    n_evaluations: int
    seconds: float
    seed: int
    n_customers: int

    @property
    def estimates(self) -> dict[str, float]:
        """The fitted values, by parameter name."""
        return self.parameters["estimate"].to_dict()

    @property
    def unidentified(self) -> list[str]:
        """Parameters that load on the Jacobian's near-null directions (empty when full rank)."""
        return list(self.parameters.index[self.parameters["weakly_identified"]])


def _bounds(names: Sequence[str], parameters: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Plausible range of each parameter.

    Its own row of ``parameters``; for one channel's value without a row of its own, the
    channel row's relative range times the catalogue value.
    """
    table = parameters.set_index("name")
    channels = _catalogue().set_index("channel")
    low, high = [], []
    for name in names:
        if name.startswith("channel.") and name not in table.index:
            _, column, channel = name.split(".")
            row = table.loc[f"channel.{column}"]
            base = float(channels.loc[channel, column])
            low.append(float(row["low"]) * base)
            high.append(float(row["high"]) * base)
        else:
            row = table.loc[name]
            low.append(float(row["low"]))
            high.append(float(row["high"]))
    low, high = np.array(low), np.array(high)
    if (low <= 0).any():
        bad = [n for n, lo in zip(names, low, strict=True) if lo <= 0]
        raise ValueError(
            f"parameters {bad} have a plausible range starting at 0 in data/parameters.csv; the "
            "calibration fits on a log scale and needs a positive lower bound."
        )
    return low, high


def fit(
    targets: pd.DataFrame,
    *,
    free: Sequence[str] = FREE_PARAMETERS,
    start: Mapping[str, float] | None = None,
    n_customers: int = 200_000,
    rng=0,
    max_evaluations: int = 200,
) -> CalibrationResult:
    """Fit the ``free`` parameters to the targets marked ``used_in_fit``.

    Parameters
    ----------
    targets : pandas.DataFrame
        The target table (:func:`mcstudy.io.load_targets`): ``target_id``, ``value``,
        ``se`` or ``low``/``high``, ``statistic``, ``used_in_fit``. Rows used must name a
        statistic of :data:`SIMULATED_STATISTICS`.
    free : sequence of str, default=FREE_PARAMETERS
        Parameters to fit (names as in ``data/parameters.csv``; e-mail's consent withdrawal as
        ``channel.consent_withdrawal.email``).
    start : mapping of str to float, default=None
        Starting values; for a parameter it does not name, the centre of its plausible range
        on the log scale, ``sqrt(low x high)``. Each must lie in its plausible range.
    n_customers : int, default=200_000
        Customers per simulation.
    rng : int, SeedSequence or Generator, default=0
        Root seed, the same for every simulation.
    max_evaluations : int, default=200
        Most simulations the optimiser may run.

    Returns
    -------
    CalibrationResult

    Raises
    ------
    ValueError
        On a target used in the fit whose statistic the simulation does not compute, a
        non-finite target value or uncertainty, an unknown free parameter, a start outside its
        plausible range, or no target to fit.
    """
    free = list(free)
    _split(dict.fromkeys(free, 0.0))  # names check
    if not free:
        raise ValueError("'free' must name at least one parameter.")
    max_evaluations = check_int(max_evaluations, "max_evaluations", 1, 100_000)
    used = targets[targets["used_in_fit"].astype(bool)].copy()
    if used.empty:
        raise ValueError("no target has used_in_fit = true; nothing to fit.")
    unknown = sorted(set(used["statistic"]) - set(SIMULATED_STATISTICS))
    if unknown:
        raise ValueError(
            f"targets used in the fit name statistics {unknown} that the calibration "
            f"simulation does not compute; it computes {list(SIMULATED_STATISTICS)}. Set "
            "used_in_fit = false for them."
        )
    used["observed_se"] = target_uncertainty(used)
    bad = used[~np.isfinite(used["value"].astype(float)) | ~(used["observed_se"] > 0)]
    if len(bad):
        raise ValueError(
            f"targets {bad['target_id'].tolist()} need a finite value and a positive "
            "uncertainty (se, or low < high)."
        )
    low, high = _bounds(free, load_parameters())
    start = dict(start or {})
    x0 = np.array(
        [start.get(n, math.sqrt(lo * hi)) for n, lo, hi in zip(free, low, high, strict=True)]
    )
    for name, value, lo, hi in zip(free, x0, low, high, strict=True):
        check_number(value, f"start[{name}]", lo, hi)
    seed = root_seed(seed_sequence(rng))
    observed = used["value"].to_numpy(float)
    obs_se = used["observed_se"].to_numpy(float)
    statistic = used["statistic"].to_numpy()
    evaluations = 0
    began = time.perf_counter()

    def residuals(z: np.ndarray) -> np.ndarray:
        nonlocal evaluations
        evaluations += 1
        stats = simulated_statistics(
            dict(zip(free, _libm.exp(z), strict=True)), n_customers=n_customers, rng=seed
        )
        sim = stats.loc[statistic]
        scale = np.sqrt(obs_se**2 + sim["se"].to_numpy() ** 2)
        return (sim["value"].to_numpy() - observed) / scale

    sol = optimize.least_squares(
        residuals,
        _libm.log(x0),
        bounds=(_libm.log(low), _libm.log(high)),
        diff_step=0.05,
        x_scale=1.0,
        max_nfev=max_evaluations,
    )
    estimate = _libm.exp(sol.x)
    jac = sol.jac
    singular = np.linalg.svd(jac, compute_uv=False)
    rank = int((singular > 1e-3 * singular.max()).sum()) if singular.size else 0
    cov = np.linalg.pinv(jac.T @ jac)
    se_log = np.sqrt(np.clip(np.diag(cov), 0, None))
    _, _, vt = np.linalg.svd(jac)
    weak = np.zeros(len(free), bool)
    for k in range(rank, len(free)):
        weak |= np.abs(vt[k]) > 0.3
    at_bound = (np.abs(sol.x - _libm.log(low)) < 1e-4) | (np.abs(sol.x - _libm.log(high)) < 1e-4)
    parameters = pd.DataFrame(
        {
            "start": x0,
            "estimate": estimate,
            "se": estimate * se_log,
            "ci_low": _libm.exp(sol.x - _Z95 * se_log),
            "ci_high": _libm.exp(sol.x + _Z95 * se_log),
            "low": low,
            "high": high,
            "at_bound": at_bound,
            "weakly_identified": weak,
        },
        index=pd.Index(free, name="parameter"),
    )
    final = simulated_statistics(
        dict(zip(free, estimate, strict=True)), n_customers=n_customers, rng=seed
    ).loc[statistic]
    fit_table = pd.DataFrame(
        {
            "target_id": used["target_id"].to_numpy(),
            "statistic": statistic,
            "observed": observed,
            "observed_se": obs_se,
            "simulated": final["value"].to_numpy(),
            "simulated_se": final["se"].to_numpy(),
        }
    )
    fit_table["z"] = (fit_table["simulated"] - fit_table["observed"]) / np.sqrt(
        fit_table["observed_se"] ** 2 + fit_table["simulated_se"] ** 2
    )
    return CalibrationResult(
        parameters=parameters,
        fit_table=fit_table,
        singular_values=singular,
        rank=rank,
        cost=float(sol.cost),
        n_evaluations=evaluations,
        seconds=time.perf_counter() - began,
        seed=int(seed),
        n_customers=n_customers,
    )


def leave_one_target_out(
    targets: pd.DataFrame,
    full: CalibrationResult,
    *,
    free: Sequence[str] | None = None,
    max_evaluations: int = 100,
) -> pd.DataFrame:
    """Fit without each target in turn and predict it: how well the model forecasts a target.

    Each refit starts from the full fit's estimates, with its seed and size (common random
    numbers), and frees the same parameters; a target whose statistic no other target shares
    leaves some parameter pinned only by the prior start and range, which the prediction
    then shows.

    Parameters
    ----------
    targets : pandas.DataFrame
        The target table given to :func:`fit`.
    full : CalibrationResult
        The fit with every target.
    free : sequence of str, default=None
        Parameters to refit; those of ``full`` when None.
    max_evaluations : int, default=100
        Most simulations per refit.

    Returns
    -------
    pandas.DataFrame
        One row per target used: ``target_id``, ``statistic``, ``observed``,
        ``observed_se``, ``predicted`` (simulated at the refit without it),
        ``predicted_se`` and ``z``.
    """
    free = list(full.parameters.index) if free is None else list(free)
    used = targets[targets["used_in_fit"].astype(bool)]
    start = full.estimates
    rows = []
    for k in range(len(used)):
        target_id = used["target_id"].iloc[k]
        rest = targets.assign(
            used_in_fit=targets["used_in_fit"].astype(bool) & (targets["target_id"] != target_id)
        )
        refit = fit(
            rest,
            free=free,
            start={n: start[n] for n in free},
            n_customers=full.n_customers,
            rng=full.seed,
            max_evaluations=max_evaluations,
        )
        stats = simulated_statistics(refit.estimates, n_customers=full.n_customers, rng=full.seed)
        statistic = used["statistic"].iloc[k]
        observed = float(used["value"].iloc[k])
        observed_se = float(target_uncertainty(used.iloc[[k]]).iloc[0])
        predicted, predicted_se = stats.loc[statistic, ["value", "se"]]
        rows.append(
            {
                "target_id": target_id,
                "statistic": statistic,
                "observed": observed,
                "observed_se": observed_se,
                "predicted": float(predicted),
                "predicted_se": float(predicted_se),
                "z": (predicted - observed) / math.hypot(observed_se, predicted_se),
            }
        )
    return pd.DataFrame(rows)
