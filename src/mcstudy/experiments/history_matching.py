r"""History matching: the parameter values the data do not rule out.

A calibration by simulated moments (:mod:`mcstudy.experiments.calibration`) returns one point.
History matching (Craig, Goldstein, Seheult and Smith 1997; Vernon, Goldstein and Bower 2010;
for agent-based models Andrianakis et al. 2015) returns the region of the parameter space that
the targets cannot rule out: a point is *implausible* for target :math:`j` when

.. math::

    I_j(x) = \frac{|z_j - \mathrm{E}[f_j(x)]|}
                  {\sqrt{V^{\text{obs}}_j + V^{\text{sim}}_j(x) + V^{\text{disc}}_j
                          + V^{\text{em}}_j(x)}}

exceeds a cut (3, by Pukelsheim's three-sigma rule for any unimodal distribution), where
:math:`z_j` is the observed value and its variance :math:`V^{\text{obs}}_j`, the simulation's
Monte Carlo variance :math:`V^{\text{sim}}_j`, the model discrepancy :math:`V^{\text{disc}}_j`
(a share of the observed value, an assumption) and, where an emulator stands in for the
simulator, the emulator's predictive variance :math:`V^{\text{em}}_j`. A point is ruled out
when the ``rank``-th largest of its implausibilities exceeds the cut (rank 1: the largest).

:func:`history_match` runs waves: the first is a Latin hypercube over the whole space; each
later wave fits one Gaussian-process emulator per target (scikit-learn) to every run so far,
screens a large uniform sample of candidates with the emulators, and runs the simulator at
points drawn from the candidates the emulators do not rule out. The result,
:class:`HistoryMatch`, holds every run with its implausibilities, the not-ruled-out runs (the
sample of parameter values the data allow), how much of each parameter's range they span, the
share of the space the last emulators keep, and, per target, how many runs it ruled out (alone
or with others): the targets that narrowed the space, or that no run could match together
(a structural misfit).

Reproducible from one seed (:data:`mcstudy._random.DESIGN_STREAMS` ``"history_matching"``):
the designs, the candidates and the emulators' optimiser restarts are drawn from it. The
emulators' hyperparameters come from a numerical optimiser: on another CPU a candidate lying
on the cut itself could fall the other way, so the committed result of a history match is the
reference, as for the calibration.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import qmc

from mcstudy._progress import progress_bar
from mcstudy._random import design_stream
from mcstudy._validation import check_int, check_number
from mcstudy.experiments._parameter_space import from_unit, parameter_space

__all__ = ["HistoryMatch", "history_match", "implausibility"]

#: The implausibility cut: Pukelsheim's (1994) three-sigma rule puts at least 95 % of any
#: unimodal distribution within three standard deviations of its mean.
CUTOFF = 3.0


def implausibility(
    simulated: np.ndarray,
    observed: np.ndarray,
    variance: np.ndarray,
) -> np.ndarray:
    """Implausibility ``|simulated - observed| / sqrt(variance)``, target by target.

    Parameters
    ----------
    simulated : array_like, shape (n_points, n_targets)
        Simulated (or emulated) value of each target at each point.
    observed : array_like, shape (n_targets,)
        Observed value of each target.
    variance : array_like, shape (n_points, n_targets) or (n_targets,)
        The total variance of the difference (observation, simulation, discrepancy and
        emulator), > 0.

    Returns
    -------
    numpy.ndarray, shape (n_points, n_targets)
        NaN where the simulated value is NaN (a statistic a run could not compute).
    """
    sim = np.atleast_2d(np.asarray(simulated, dtype=float))
    obs = np.asarray(observed, dtype=float)
    var = np.broadcast_to(np.asarray(variance, dtype=float), sim.shape)
    if obs.shape != (sim.shape[1],):
        raise ValueError(
            f"'observed' must have one value per target ({sim.shape[1]}); got shape {obs.shape}."
        )
    if not np.isfinite(obs).all():
        raise ValueError("'observed' must be finite.")
    if not (np.isfinite(var) & (var > 0)).all():
        raise ValueError("'variance' must be finite and > 0 everywhere.")
    return np.abs(sim - obs) / np.sqrt(var)


def _ranked(imp: np.ndarray, rank: int) -> np.ndarray:
    """The ``rank``-th largest implausibility of each row (a NaN counts as ruled out)."""
    filled = np.where(np.isnan(imp), np.inf, imp)
    return -np.sort(-filled, axis=1)[:, rank - 1]


@dataclass(frozen=True)
class HistoryMatch:
    """The result of :func:`history_match`.

    Attributes
    ----------
    space : pandas.DataFrame
        The searched space (:func:`mcstudy.experiments.robustness.parameter_space`'s form).
    targets : pandas.DataFrame
        ``target_id``, ``observed``, ``variance`` (observation plus discrepancy).
    runs : pandas.DataFrame
        One row per simulator run: ``wave``, the parameters, ``sim:<target>``,
        ``imp:<target>``, ``implausibility`` (the ``rank``-th largest) and ``kept``.
    waves : pandas.DataFrame
        One row per wave: ``wave``, ``runs``, ``kept`` and ``space_share`` (the share of a
        uniform sample of the whole space the wave's emulators did not rule out at the
        screening rank; 1 for the first wave, which has none).
    cutoff, rank : float, int
        The cut and the rank of the implausibility it applies to.
    """

    space: pd.DataFrame
    targets: pd.DataFrame
    runs: pd.DataFrame
    waves: pd.DataFrame
    cutoff: float
    rank: int

    @property
    def retained(self) -> pd.DataFrame:
        """The parameter values of the runs not ruled out (every wave's)."""
        return self.runs.loc[self.runs["kept"], list(self.space["parameter"])].reset_index(
            drop=True
        )

    def range_kept(self) -> pd.DataFrame:
        """Per parameter: its range, the range of the retained runs and the share it spans.

        ``share`` is the retained range's width over the searched range's, on the parameter's
        scale (log for log-scaled parameters); NaN when no run is retained.
        """
        rows = []
        kept = self.retained
        for _, p in self.space.iterrows():
            name, low, high, log = p["parameter"], p["low"], p["high"], p["scale"] == "log"
            lo = float(kept[name].min()) if len(kept) else np.nan
            hi = float(kept[name].max()) if len(kept) else np.nan
            f = np.log if log else (lambda v: v)
            share = (f(hi) - f(lo)) / (f(high) - f(low)) if len(kept) else np.nan
            rows.append(
                {
                    "parameter": name,
                    "low": low,
                    "high": high,
                    "kept_low": lo,
                    "kept_high": hi,
                    "share": float(share),
                }
            )
        return pd.DataFrame(rows)

    def ruled_out_by(self) -> pd.DataFrame:
        """Per target: runs it rules out, alone or not, and its smallest implausibility.

        ``ruled_out`` counts runs at which the target's implausibility exceeds the cut;
        ``alone`` the runs at which it is the only target to do so; ``min_implausibility`` is
        its best value over all runs: above the cut, no run matched it (a misfit, or a range
        too narrow); ``matched_with_rest`` counts runs at which every other target is within
        the cut: zero for a target that the others' matches exclude.
        """
        ids = list(self.targets["target_id"])
        imp = self.runs[[f"imp:{t}" for t in ids]].to_numpy()
        over = np.where(np.isnan(imp), True, imp > self.cutoff)
        n_over = over.sum(axis=1)
        return pd.DataFrame(
            {
                "target_id": ids,
                "ruled_out": over.sum(axis=0),
                "alone": (over & (n_over == 1)[:, None]).sum(axis=0),
                "min_implausibility": np.nanmin(np.where(np.isnan(imp), np.inf, imp), axis=0),
                "matched_with_rest": ((n_over[:, None] - over) == 0).sum(axis=0),
            }
        )


def _check_targets(targets: pd.DataFrame, discrepancy: float) -> pd.DataFrame:
    """``target_id``, ``observed`` and ``variance`` (observation plus discrepancy)."""
    if not isinstance(targets, pd.DataFrame):
        raise TypeError(f"'targets' must be a DataFrame; got {type(targets).__name__}.")
    missing = [c for c in ("target_id", "observed", "observed_se") if c not in targets]
    if missing:
        raise ValueError(
            f"'targets' lacks column(s) {missing}; it needs target_id, observed and "
            "observed_se (compare_targets's columns)."
        )
    if len(targets) == 0 or targets["target_id"].duplicated().any():
        raise ValueError("'targets' must list at least one target, each once.")
    obs = targets["observed"].to_numpy(float)
    se = targets["observed_se"].to_numpy(float)
    bad = ~(np.isfinite(obs) & np.isfinite(se) & (se >= 0))
    if bad.any():
        t = targets["target_id"].iloc[int(np.flatnonzero(bad)[0])]
        raise ValueError(f"target {t!r} needs a finite observed value and observed_se >= 0.")
    variance = se**2 + (discrepancy * obs) ** 2
    if (variance <= 0).any():
        t = targets["target_id"].iloc[int(np.flatnonzero(variance <= 0)[0])]
        raise ValueError(
            f"target {t!r} has no uncertainty (observed_se 0 and no discrepancy): its "
            "implausibility is undefined; give it an observed_se or a discrepancy > 0."
        )
    return pd.DataFrame(
        {"target_id": targets["target_id"].astype(str), "observed": obs, "variance": variance}
    )


def _emulate(u: np.ndarray, y: np.ndarray, seed: np.random.SeedSequence):
    """One Gaussian-process emulator per target, fitted on the unit cube; a predict function.

    Each target is standardised, on the log scale when every value is positive (rates and
    amounts spanning orders of magnitude over a log-scaled space; the prediction is then the
    lognormal's mean and variance); the kernel is a constant times an anisotropic squared
    exponential plus a white-noise term (the simulation's own noise), scikit-learn's
    :class:`~sklearn.gaussian_process.GaussianProcessRegressor` with two optimiser restarts.
    The optimiser's convergence warnings (a length scale at its bound) are silenced: the
    emulator's predictive variance, added to the implausibility's, carries how well it fits.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel

    k = u.shape[1]
    models = []
    states = seed.generate_state(y.shape[1])
    for j in range(y.shape[1]):
        ok = np.isfinite(y[:, j])
        logged = bool((y[ok, j] > 0).all())  # a rate or an amount: emulated on the log scale
        z = np.log(y[ok, j]) if logged else y[ok, j]
        mu, sd = z.mean(), z.std() or 1.0
        kernel = ConstantKernel(1.0, (1e-3, 1e3)) * RBF(np.full(k, 0.5), (1e-2, 1e2)) + WhiteKernel(
            1e-2, (1e-8, 1.0)
        )
        gp = GaussianProcessRegressor(
            kernel, n_restarts_optimizer=2, random_state=int(states[j]), normalize_y=False
        )
        with warnings.catch_warnings():  # a bound reached is a fit, its variance says how good
            warnings.simplefilter("ignore", ConvergenceWarning)
            gp.fit(u[ok], (z - mu) / sd)
        models.append((gp, mu, sd, logged))

    def predict(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        means, variances = [], []
        for gp, mu, sd, logged in models:
            m, s = gp.predict(x, return_std=True)
            m, v = mu + sd * m, (sd * s) ** 2
            if logged:  # the lognormal's mean and variance
                m, v = np.exp(m + v / 2), np.expm1(v) * np.exp(2 * m + v)
            means.append(m)
            variances.append(v)
        return np.column_stack(means), np.column_stack(variances)

    return predict


def history_match(
    evaluate: Callable[[dict], pd.DataFrame],
    parameters: Sequence[str] | Mapping[str, Sequence],
    targets: pd.DataFrame,
    *,
    waves: int = 3,
    runs_per_wave: int = 60,
    cutoff: float = CUTOFF,
    rank: int = 1,
    screen_rank: int | None = None,
    discrepancy: float = 0.0,
    candidates: int = 100_000,
    seed: int = 0,
    progress: bool | None = None,
) -> HistoryMatch:
    """Rule out the parameter values at which the simulator cannot match the targets.

    Parameters
    ----------
    evaluate : callable
        ``evaluate(params)`` runs the simulator at ``params`` (a dict of parameter values)
        and returns a DataFrame with ``target_id``, ``simulated`` and ``simulated_se`` for
        every target (as :func:`mcstudy.experiments.calibration.compare_targets`); keep its
        seed fixed across points (common random numbers).
    parameters : list of str, or dict of str to tuple
        The space searched, as :func:`mcstudy.experiments.robustness.parameter_space` takes
        it (names of ``data/parameters.csv``, or explicit ranges and scales).
    targets : pandas.DataFrame
        ``target_id``, ``observed`` and ``observed_se`` (the standard error, or a published
        range's half-width over 1.96): the targets matched.
    waves : int, default=3
        Waves, in [1, 20]; the first is a Latin hypercube over the whole space.
    runs_per_wave : int, default=60
        Simulator runs per wave, in [2 x parameters + 2, 100,000].
    cutoff : float, default=3.0
        The implausibility above which a point is ruled out, in (0, 100].
    rank : int, default=1
        Which implausibility the cut applies to: 1, the largest; 2, the second largest (with
        many targets, tolerating one that the model cannot match), and so on.
    screen_rank : int, default=None
        The rank the emulators' screening of candidates uses in the later waves; ``rank``
        when None. A larger one (Vernon, Goldstein and Bower 2010 use the second and third
        largest in early waves) keeps the points that miss a few targets, so that the next
        wave's runs, judged at ``rank``, tell whether the emulators' doubt was right.
    discrepancy : float, default=0.0
        Model discrepancy, as a share of each observed value (its standard deviation), in
        [0, 1]: an assumption about how far the model may stand from the world.
    candidates : int, default=100,000
        Uniform candidates the emulators screen in each later wave, in [100, 10,000,000].
    seed : int, default=0
        The designs', candidates' and emulators' seed.
    progress : bool, default=None
        A progress bar over the runs (None: on unless ``TQDM_DISABLE`` is set).

    Returns
    -------
    HistoryMatch

    Raises
    ------
    ValueError
        If a target lacks an uncertainty, an argument is out of its range, ``evaluate``
        returns a table without every target, or a target has a finite simulated value in
        fewer than two runs when an emulator is to be fitted.
    """
    space = parameter_space(parameters)
    table = _check_targets(targets, check_number(discrepancy, "discrepancy", 0.0, 1.0))
    waves = check_int(waves, "waves", 1, 20)
    k = len(space)
    runs_per_wave = check_int(runs_per_wave, "runs_per_wave", 2 * k + 2, 100_000)
    cutoff = check_number(cutoff, "cutoff", 0.0, 100.0, low_open=True)
    rank = check_int(rank, "rank", 1, len(table))
    screen_rank = (
        rank if screen_rank is None else check_int(screen_rank, "screen_rank", 1, len(table))
    )
    candidates = check_int(candidates, "candidates", 100, 10_000_000)
    seed = check_int(seed, "seed", 0, 2**63 - 1)
    ids = list(table["target_id"])
    names = list(space["parameter"])
    streams = design_stream(seed, "history_matching").spawn(2 * waves)
    cube = np.empty((0, k))
    sims, sim_var = np.empty((0, len(ids))), np.empty((0, len(ids)))
    wave_of: list[int] = []
    wave_rows = []
    for w in range(waves):
        if w == 0:
            u = qmc.LatinHypercube(d=k, seed=np.random.default_rng(streams[0])).random(
                runs_per_wave
            )
            share = 1.0
        else:
            few = [t for t, n in zip(ids, np.isfinite(sims).sum(axis=0), strict=True) if n < 2]
            if few:  # an emulator needs runs to learn from
                raise ValueError(
                    f"history_match: targets {few} have a finite simulated value in fewer than "
                    f"2 of the {len(sims)} runs so far; 'evaluate' returned NaN for nearly every "
                    "run (an error it turned into NaN?), so no emulator can be fitted."
                )
            predict = _emulate(cube, sims, streams[2 * w])
            rng = np.random.default_rng(streams[2 * w + 1])
            pool = rng.random((candidates, k))
            mean, em_var = predict(pool)
            imp = implausibility(mean, table["observed"], table["variance"].to_numpy() + em_var)
            alive = pool[_ranked(imp, screen_rank) <= cutoff]
            share = len(alive) / candidates
            if len(alive) == 0:
                wave_rows.append({"wave": w + 1, "runs": 0, "kept": 0, "space_share": 0.0})
                break
            pick = rng.choice(len(alive), size=min(runs_per_wave, len(alive)), replace=False)
            u = alive[np.sort(pick)]
        values = from_unit(space, u)
        new_sim = np.empty((len(u), len(ids)))
        new_var = np.empty((len(u), len(ids)))
        points = progress_bar(
            range(len(u)), total=len(u), desc=f"history matching, wave {w + 1}", enabled=progress
        )
        for i in points:
            out = evaluate(dict(zip(names, map(float, values[i]), strict=True)))
            new_sim[i], new_var[i] = _simulated(out, ids)
        cube = np.vstack([cube, u])
        sims, sim_var = np.vstack([sims, new_sim]), np.vstack([sim_var, new_var])
        wave_of += [w + 1] * len(u)
        imp_w = implausibility(new_sim, table["observed"], table["variance"].to_numpy() + new_var)
        wave_rows.append(
            {
                "wave": w + 1,
                "runs": len(u),
                "kept": int((_ranked(imp_w, rank) <= cutoff).sum()),
                "space_share": share,
            }
        )
    imp = implausibility(sims, table["observed"], table["variance"].to_numpy() + sim_var)
    runs = pd.DataFrame(from_unit(space, cube), columns=names)
    runs.insert(0, "wave", wave_of)
    runs = pd.concat(
        [
            runs,
            pd.DataFrame(sims, columns=[f"sim:{t}" for t in ids]),
            pd.DataFrame(imp, columns=[f"imp:{t}" for t in ids]),
        ],
        axis=1,
    )
    runs["implausibility"] = _ranked(imp, rank)
    runs["kept"] = runs["implausibility"] <= cutoff
    return HistoryMatch(space, table, runs, pd.DataFrame(wave_rows), cutoff, rank)


def _simulated(out: pd.DataFrame, ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The simulated values and their variances of ``ids``, from one ``evaluate`` table."""
    if not isinstance(out, pd.DataFrame) or not {"target_id", "simulated"} <= set(out):
        raise ValueError(
            "'evaluate' must return a DataFrame with columns target_id, simulated and "
            f"simulated_se; got {type(out).__name__} "
            f"{list(out.columns) if isinstance(out, pd.DataFrame) else ''}."
        )
    t = out.set_index("target_id")
    missing = [i for i in ids if i not in t.index]
    if missing:
        raise ValueError(f"'evaluate' returned no value for target(s) {missing}.")
    se = t["simulated_se"] if "simulated_se" in t else pd.Series(0.0, index=t.index)
    return t.loc[ids, "simulated"].to_numpy(float), np.nan_to_num(se.loc[ids].to_numpy(float)) ** 2
