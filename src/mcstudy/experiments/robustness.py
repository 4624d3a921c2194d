"""Robustness of verdicts across the plausible parameter space.

A notebook draws each verdict at the parameters' default values. :func:`assess_robustness`
asks how much of the plausible space (the ranges of ``data/parameters.csv``) the verdict
survives. It runs a *study* (``study(params, rng) -> {statistic: value}``) at the points of one
design, judges every claim at every point, and returns for each claim the share of the space in
which its verdict holds, the parameters it hinges on and the region in which it flips. One
design serves every claim of a notebook: all statistics come from the same runs.

The design has three parts, run in two batches through :func:`mcstudy.experiments.sweep` (serial,
processes or Dask; resumable with ``out_dir``):

1. **share**: a Latin hypercube of ``n_share`` points. The share of points where the verdict
   holds estimates the share of the space; its 95 % interval is Wilson's at ``n_share - 1``
   points, conservative because a Latin hypercube mean never has more variance than an
   independent sample of ``n - 1`` points (Owen 1997).
2. **screening**: Morris elementary effects, ``n_trajectories`` trajectories of ``k + 1`` points
   on 4 levels, for ``k`` parameters. The ``n_leading`` parameters that most often flip the
   claims' verdicts (each claim's strongest first) go on to the next stage.
3. **Sobol'**: a Saltelli sample of ``n_sobol x (g + 2)`` points for Sobol' first-order and
   total indices, with bootstrap confidence intervals, of the ``g`` groups: each leading
   parameter alone and the other parameters as one group (which keeps them varying, so that
   the indices of the leading ones are not conditional on fixed values of the rest).

Sensitivity indices are computed for each claim's verdict (the 0/1 indicator "the verdict
holds") and, from the same runs, for each statistic. The flip region is the axis-aligned rule
in one parameter, or in two when that does clearly better, that best separates the points where
the verdict flips from those where it holds (least balanced error), on the points of parts 1
and 3 (each spread uniformly over the space).

Common random numbers: every point runs ``study(params, numpy.random.default_rng(seed))``, the
same stream everywhere, so the statistics change with the parameters and not with fresh noise
(the simulator draws its random numbers keyed by customer, so the same customers meet the same
draws). Parameters are varied uniformly between their bounds, or log-uniformly for positive
ranges spanning a factor of ten or more (:func:`parameter_space`).
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Real

import numpy as np
import pandas as pd

from mcstudy._random import run_seed
from mcstudy._validation import check_int, check_number, check_option, check_output_dir
from mcstudy._vocab import VERDICT_NOT_TESTABLE, VERDICTS
from mcstudy.experiments import _sensitivity as sa
from mcstudy.experiments._flip_region import SplitRule, best_rule
from mcstudy.experiments._parameter_space import SCALES, from_unit, parameter_space
from mcstudy.experiments._sensitivity import MORRIS_LEVELS, OTHER_PARAMETERS
from mcstudy.experiments.registry import _callable_name

__all__ = [
    "DESIGN_SIZES",
    "HINGE_INDEX",
    "MORRIS_LEVELS",
    "OTHER_PARAMETERS",
    "ROBUST_SHARE",
    "SCALES",
    "FlipRegion",
    "RobustnessAssessment",
    "RobustnessResult",
    "assess_robustness",
    "design_points",
    "parameter_space",
]

#: A verdict that holds in less than this share of the plausible space is ``conditional``.
ROBUST_SHARE = 0.9

#: A verdict hinges on a parameter whose total Sobol' index reaches this value.
HINGE_INDEX = 0.1

#: Sample sizes of the design presets (``size=``): Latin hypercube points for the share, Morris
#: trajectories, and Sobol' base sample (a power of 2).
DESIGN_SIZES = {
    "notebook": {"n_share": 128, "n_trajectories": 10, "n_sobol": 64},
    "publication": {"n_share": 1024, "n_trajectories": 50, "n_sobol": 512},
}

#: Parameters considered in pairs for the flip region (a claim's strongest, by Morris).
_PAIR_CANDIDATES = 5

#: Parameters analysed one by one in the Sobol' stage unless ``n_leading`` says otherwise.
_DEFAULT_LEADING = 3


# --- the design ---------------------------------------------------------------------------------


def design_points(
    n_parameters: int,
    *,
    size: str = "notebook",
    n_share: int | None = None,
    n_trajectories: int | None = None,
    n_sobol: int | None = None,
    n_leading: int | None = None,
) -> dict[str, int]:
    """Return the number of points of each part of a robustness design, and in all.

    Every point is one run of the study: the time of a design is its points times the time of
    one run, divided by the workers.

    Parameters
    ----------
    n_parameters : int
        Parameters varied, ``k``.
    size, n_share, n_trajectories, n_sobol, n_leading
        As in :func:`assess_robustness`.

    Returns
    -------
    dict of str to int
        ``share`` (``n_share``), ``morris`` (``n_trajectories x (k + 1)``), ``sobol``
        (``n_sobol x (g + 2)``, ``g`` the leading parameters plus one group for the others
        when there are any) and ``total``.

    Examples
    --------
    >>> design_points(8)
    {'share': 128, 'morris': 90, 'sobol': 384, 'total': 602}
    """
    k = check_int(n_parameters, "n_parameters", 1)
    sizes = _sizes(size, n_share, n_trajectories, n_sobol)
    n_leading = _n_leading(n_leading, k)
    groups = n_leading + (1 if k > n_leading else 0)
    points = {
        "share": sizes["n_share"],
        "morris": sizes["n_trajectories"] * (k + 1),
        "sobol": sizes["n_sobol"] * (groups + 2),
    }
    return {**points, "total": sum(points.values())}


def _n_leading(n_leading: object, k: int) -> int:
    if n_leading is None:
        return min(_DEFAULT_LEADING, k)
    return check_int(n_leading, "n_leading", 1, k)


def _sizes(size, n_share, n_trajectories, n_sobol) -> dict[str, int]:
    check_option(size, "size", DESIGN_SIZES)
    sizes = dict(DESIGN_SIZES[size])
    if n_share is not None:
        sizes["n_share"] = check_int(n_share, "n_share", 16, 2**20)
    if n_trajectories is not None:
        sizes["n_trajectories"] = check_int(n_trajectories, "n_trajectories", 2, 10_000)
    if n_sobol is not None:
        n_sobol = check_int(n_sobol, "n_sobol", 8, 2**20)
        if n_sobol & (n_sobol - 1):
            raise ValueError(
                "'n_sobol' must be a power of 2 (Sobol' points keep their balance only then), "
                f"in [8, 2**20]; got {n_sobol}."
            )
        sizes["n_sobol"] = n_sobol
    return sizes


class _CommonRandomNumbers:
    """A study run with the same random stream at every point: ``default_rng(seed)``.

    The sweep hands every task its own stream; this wrapper replaces it, so that all points of
    a design share their random numbers. It also checks the study's output. Picklable when
    the study is, so it runs on every backend.
    """

    def __init__(self, study: Callable, seed: int):
        self.study = study
        self.seed = seed

    def __call__(self, params: dict, rng: np.random.Generator) -> dict[str, float]:
        return _statistics(self.study(params, np.random.default_rng(self.seed)))

    def __repr__(self) -> str:  # recorded in run.json: must not change between runs
        return f"{_callable_name(self.study)} with common random numbers"


def _statistics(output: object) -> dict[str, float]:
    """The study's output as ``{statistic: finite float}``; raise on anything else."""
    if isinstance(output, pd.Series):
        output = output.to_dict()
    if not isinstance(output, Mapping) or len(output) == 0:
        raise TypeError(
            "a robustness study must return a non-empty dict (or pandas Series) of "
            f"statistic -> value; got {output!r}."
        )
    out = {}
    for name, value in output.items():
        if not isinstance(name, str):
            raise TypeError(f"statistic names must be str; got {name!r}.")
        if isinstance(value, bool | np.bool_) or not isinstance(value, Real):
            raise TypeError(f"statistic {name!r} must be a real number; got {value!r}.")
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(
                f"statistic {name!r} is {value!r}: every statistic a verdict is drawn from "
                "must be finite at every point of the plausible space (return a finite "
                "value, or leave out a statistic that is undefined there)."
            )
        out[name] = value
    return out


def _run_points(run: dict, u: np.ndarray, out_dir) -> pd.DataFrame:
    """Run the study at the points ``u`` of the unit cube; one row of statistics per point."""
    from mcstudy.experiments import sweep

    space = run["space"]
    values = from_unit(space, u)
    names = list(space["parameter"])
    grid = [dict(zip(names, map(float, row), strict=True)) for row in values]
    table = sweep(
        _CommonRandomNumbers(run["study"], run["seed"]),
        grid,
        n_replications=1,
        rng=run["seed"],
        params=run["fixed"],
        out_dir=out_dir,
        **run["run_args"],
    )
    order = list(pd.unique(table["metric"]))
    stats = table.pivot(index="point", columns="metric", values="value")[order]
    missing = stats.isna()
    if missing.any().any():
        point = int(missing.any(axis=1).idxmax())
        lacking = list(stats.columns[missing.loc[point]])
        raise ValueError(
            f"the study returned statistics {order} at some points but not {lacking} at point "
            f"{point} ({grid[point]}): a design needs the same statistics at every point."
        )
    stats.columns = pd.Index([str(c) for c in stats.columns])
    return stats.reset_index(drop=True)


def _judge_all(
    judges: Mapping[str, Callable], stats: pd.DataFrame, stages: pd.DataFrame
) -> pd.DataFrame:
    """Apply every judge at every point; a bool column per claim."""
    holds = {claim: np.empty(len(stats), dtype=bool) for claim in judges}
    for p in range(len(stats)):
        row = stats.iloc[p]
        where = f"{stages['stage'].iloc[p]} point {stages['point'].iloc[p]}"
        for claim, judge in judges.items():
            try:
                verdict = judge(row)
            except Exception as exc:
                exc.add_note(
                    f"in the judge of claim {claim!r} at {where}, statistics {row.to_dict()!r}"
                )
                raise
            if not isinstance(verdict, bool | np.bool_):
                raise TypeError(
                    f"the judge of claim {claim!r} must return a bool (True where the verdict "
                    f"holds); got {verdict!r} ({type(verdict).__name__}) at {where}."
                )
            holds[claim][p] = bool(verdict)
    return pd.DataFrame(holds, index=stats.index)


# --- results ------------------------------------------------------------------------------------


def _percent(share: float) -> str:
    return f"{100 * share:.0f} %"


@dataclass(frozen=True)
class FlipRegion:
    """The region of the plausible space where a verdict flips, as a readable rule.

    The rule is the one- or two-parameter rule with the least balanced error (the mean of the
    share of flipping points it leaves out and the share of holding points it takes in) on the
    design's uniformly spread points (its share and Sobol' stages).

    Attributes
    ----------
    parameters : tuple of str
        The one or two parameters the rule cuts.
    flips_where : str
        Where the verdict flips, e.g. ``"response.visit_conversion < 0.0412"``.
    holds_where : str
        The complement: where it holds.
    size : float
        Share of the Latin hypercube points inside the region: an estimate of the share of
        the space the rule gives to flips.
    captured : float
        Share of the sampled points where the verdict flips that lie in the region.
    purity : float
        Share of the sampled points in the region where the verdict flips.
    accuracy : float
        Share of the sampled points the rule puts on the right side.
    """

    parameters: tuple[str, ...]
    flips_where: str
    holds_where: str
    size: float
    captured: float
    purity: float
    accuracy: float

    @property
    def text(self) -> str:
        """The rule in one line, with its size and how well it describes the flips."""
        return (
            f"flips where {self.flips_where} ({_percent(self.size)} of the plausible space; "
            f"{_percent(self.captured)} of the sampled flips lie there and "
            f"{_percent(self.purity)} of the points there flip)"
        )

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, eq=False)
class RobustnessResult:
    """How robust one claim's verdict is across the plausible parameter space.

    Attributes
    ----------
    claim_id : str
        The claim (a key of ``judges``).
    share : float
        Share of the plausible space in which the verdict holds (Latin hypercube estimate).
    ci_low, ci_high : float
        Its 95 % interval (Wilson at ``n - 1`` points; see :mod:`mcstudy.experiments.robustness`).
    n : int
        Latin hypercube points behind ``share``.
    hinges_on : tuple of str
        Parameters whose total Sobol' index for the verdict reaches :data:`HINGE_INDEX`, the
        strongest first; when the group of other parameters does too, the claim's strongest
        of them by Morris screening follow. Empty when the verdict never flips.
    flip_region : str
        Where the verdict flips, as text (``region.text``); ``"never flips in the sampled
        points"`` or ``"flips at every sampled point"`` in the extreme cases.
    region : FlipRegion or None
        The rule behind ``flip_region``; None in the extreme cases.
    morris : pandas.DataFrame
        Morris screening of the verdict, by parameter: ``mu``, ``mu_star``, ``sigma``,
        ``mu_star_conf`` (elementary effects per unit of the parameter's range on its scale)
        and ``flip_share``, the share of one-parameter steps that flip the verdict.
    sobol : pandas.DataFrame
        Sobol' indices of the verdict, by leading parameter (and :data:`OTHER_PARAMETERS`):
        ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (95 % bootstrap half-widths); NaN when the
        verdict is the same at every point of that stage.
    robust_share : float
        Threshold below which the verdict is ``conditional``.
    method : str
        How the numbers were obtained.
    """

    claim_id: str
    share: float
    ci_low: float
    ci_high: float
    n: int
    hinges_on: tuple[str, ...]
    flip_region: str
    region: FlipRegion | None
    morris: pd.DataFrame
    sobol: pd.DataFrame
    robust_share: float
    method: str

    @property
    def share_ci(self) -> tuple[float, float]:
        """``(ci_low, ci_high)``."""
        return (self.ci_low, self.ci_high)

    @property
    def conditional(self) -> bool:
        """Whether the verdict holds in less than ``robust_share`` of the space."""
        return self.share < self.robust_share

    @property
    def condition(self) -> str:
        """How much of the space the verdict holds in, where it flips, what it hinges on."""
        text = (
            f"holds in {_percent(self.share)} of the plausible space (95 % CI "
            f"{_percent(self.ci_low)} to {_percent(self.ci_high)})"
        )
        if self.region is not None:
            text += (
                f"; flips where {self.region.flips_where} ({_percent(self.region.captured)} of "
                f"the flips lie there, {_percent(self.region.purity)} of the points there flip)"
            )
        if self.hinges_on:
            text += f"; hinges on {', '.join(self.hinges_on)}"
        return text

    def robust_verdict(self, verdict: str) -> tuple[str, str]:
        """Return the verdict and condition to record, given the verdict at the defaults.

        Parameters
        ----------
        verdict : str
            The verdict drawn at the parameters' default values, one of
            :data:`mcstudy._vocab.VERDICTS` but ``not testable``.

        Returns
        -------
        tuple of str
            ``(verdict, "")`` when it holds in at least ``robust_share`` of the space;
            otherwise ``("conditional", condition)``, the condition saying in how much of
            the space ``verdict`` holds, where it flips and what it hinges on, e.g.
            ``"supported: holds in 62 % of the plausible space (95 % CI 53 % to 70 %); flips
            where response.visit_conversion < 0.0412 (95 % of the flips lie there, 98 % of the
            points there flip); hinges on response.visit_conversion"``.

        Raises
        ------
        ValueError
            If ``verdict`` is not a verdict that can be tested.
        """
        allowed = [v for v in VERDICTS if v != VERDICT_NOT_TESTABLE]
        check_option(verdict, "verdict", allowed)
        if not self.conditional:
            return verdict, ""
        return "conditional", f"{verdict}: {self.condition}"

    def summary(self) -> pd.DataFrame:
        """Return one row of the result.

        Columns ``claim_id``, ``share``, ``ci_low``, ``ci_high``, ``n``, ``conditional``,
        ``hinges_on`` (comma-separated) and ``flip_region``.
        """
        return pd.DataFrame(
            {
                "claim_id": [self.claim_id],
                "share": [self.share],
                "ci_low": [self.ci_low],
                "ci_high": [self.ci_high],
                "n": [self.n],
                "conditional": [self.conditional],
                "hinges_on": [", ".join(self.hinges_on)],
                "flip_region": [self.flip_region],
            }
        )


@dataclass(frozen=True, eq=False)
class RobustnessAssessment:
    """What :func:`assess_robustness` returns: one design, judged for every claim.

    Attributes
    ----------
    results : dict of str to RobustnessResult
        One result per claim, in the order of ``judges``; also ``assessment[claim_id]``.
    space : pandas.DataFrame
        The parameters varied (:func:`parameter_space`).
    leading : tuple of str
        Parameters analysed one by one in the Sobol' stage.
    points : pandas.DataFrame
        Every run: ``stage`` (``share``, ``morris``, ``sobol``), ``point`` (within its stage),
        the parameter values, then the statistics.
    holds : pandas.DataFrame
        Whether each claim's verdict holds at each run (rows as ``points``, a column per
        claim).
    morris : pandas.DataFrame
        Morris screening of every output: ``output`` (claim id or statistic), ``kind``
        (``claim`` or ``statistic``), ``parameter``, ``mu``, ``mu_star``, ``sigma``,
        ``mu_star_conf``.
    sobol : pandas.DataFrame
        Sobol' indices of every output: ``output``, ``kind``, ``parameter`` (a leading
        parameter or :data:`OTHER_PARAMETERS`), ``S1``, ``S1_conf``, ``ST``, ``ST_conf``.
    design : dict of str to int
        Sizes: ``n_share``, ``n_trajectories``, ``n_sobol``, and points per stage and in all
        (as :func:`design_points`).
    seed : int
        Root seed: every point ran with ``numpy.random.default_rng(seed)``.
    seconds : float
        Wall time of the assessment (runs and analysis).
    """

    results: dict[str, RobustnessResult]
    space: pd.DataFrame
    leading: tuple[str, ...]
    points: pd.DataFrame
    holds: pd.DataFrame
    morris: pd.DataFrame
    sobol: pd.DataFrame
    design: dict[str, int]
    seed: int
    seconds: float

    def __getitem__(self, claim_id: str) -> RobustnessResult:
        """The result of claim ``claim_id``."""
        if claim_id not in self.results:
            raise KeyError(
                f"no claim {claim_id!r} in this assessment; claims: {list(self.results)}."
            )
        return self.results[claim_id]

    def summary(self) -> pd.DataFrame:
        """One row per claim, as :meth:`RobustnessResult.summary`."""
        return pd.concat([r.summary() for r in self.results.values()], ignore_index=True)


# --- the entry point ----------------------------------------------------------------------------


def assess_robustness(
    study: Callable[[dict, np.random.Generator], Mapping[str, float] | pd.Series],
    parameters: Sequence[str] | Mapping[str, Sequence],
    judges: Mapping[str, Callable[[pd.Series], bool]],
    *,
    fixed: Mapping[str, object] | None = None,
    size: str = "notebook",
    n_share: int | None = None,
    n_trajectories: int | None = None,
    n_sobol: int | None = None,
    n_leading: int | None = None,
    robust_share: float = ROBUST_SHARE,
    rng: object = None,
    backend: str = "serial",
    workers: int | None = None,
    scheduler: object = None,
    out_dir: str | None = None,
    progress: bool | None = None,
) -> RobustnessAssessment:
    """Judge claims across the plausible parameter space with one design of study runs.

    Parameters
    ----------
    study : callable
        ``study(params, rng) -> {statistic: value}`` (a dict or a pandas Series of finite
        numbers, the same statistics at every point): one run at the parameter values
        ``params`` (the varied ones and ``fixed``) with the generator ``rng``. For the
        ``processes`` and ``dask`` backends it must be picklable (a top-level function of an
        importable module).
    parameters : list of str, or dict of str to tuple
        The parameters to vary and their ranges, as in :func:`parameter_space`.
    judges : dict of str to callable
        ``{claim_id: judge}``; ``judge(statistics)`` gets the statistics of one run as a
        pandas Series and returns True where the claim's verdict (the one drawn at the
        defaults) holds, e.g. ``lambda s: s["diff_ci_low"] > 0`` for ``supported``.
    fixed : dict, optional
        Parameters passed unchanged to every run (sizes, strategy names...).
    size : {"notebook", "publication"}, default="notebook"
        Preset sample sizes (:data:`DESIGN_SIZES`); ``"publication"`` has about eight times
        the points.
    n_share : int, optional
        Latin hypercube points for the share, in [16, 2**20]; overrides ``size``.
    n_trajectories : int, optional
        Morris trajectories, in [2, 10000]; overrides ``size``.
    n_sobol : int, optional
        Sobol' base sample, a power of 2 in [8, 2**20]; overrides ``size``.
    n_leading : int, optional
        Parameters analysed one by one in the Sobol' stage, in [1, k]; the others form one
        group. Default 3, or ``k`` when fewer parameters vary.
    robust_share : float, default=0.9
        A verdict holding in less of the space is ``conditional``; in (0, 1].
    rng : None, int, SeedSequence or Generator
        Root of the design's randomness (the samples, the bootstraps) and of the runs' common
        random stream, turned into an int seed as :func:`mcstudy.experiments.sweep` does.
    backend : {"serial", "processes", "dask"}, default="serial"
        Where the runs go (:func:`mcstudy.experiments.sweep`); every backend gives the same result.
    workers, scheduler
        As in :func:`mcstudy.experiments.sweep`.
    out_dir : path, optional
        Directory that makes the design resumable: the screening runs (share and Morris) go
        to ``out_dir/screening``, the Sobol' runs to ``out_dir/sobol_<hash>``, the hash naming
        the leading parameters (changing the judges can change them; the screening runs are
        then reused). Rerunning the same call after an interruption computes only the missing
        runs.
    progress : bool, optional
        Progress bars, as in :func:`mcstudy.experiments.sweep`.

    Returns
    -------
    RobustnessAssessment
        With one :class:`RobustnessResult` per claim.

    Raises
    ------
    TypeError, ValueError
        On invalid arguments (naming the argument, the allowed values and the value given); a
        study output that is not finite numbers (the message names the statistic, the task
        note the point and its parameters); a study returning different statistics at
        different points; a judge returning something other than a bool.
    mcstudy.experiments.RunConfigError, mcstudy.experiments.SweepInterrupted
        As :func:`mcstudy.experiments.sweep` (the runs finished before an interruption are kept in
        ``out_dir``).

    Notes
    -----
    The design has ``n_share + n_trajectories x (k + 1) + n_sobol x (g + 2)`` points for
    ``k`` parameters and ``g`` Sobol' groups (``n_leading``, plus one when other parameters
    remain); :func:`design_points` counts them. Each runs the study once, with the same
    random stream (common random numbers): a verdict at a point is judged on one run, the
    simulation noise included, as it is at the defaults.

    The share's interval treats the Latin hypercube as ``n - 1`` independent points, which
    bounds its variance (Owen 1997). Morris and Sobol' indices are those of SALib (Morris
    1991, Campolongo et al. 2007; Saltelli et al. 2010), computed on the unit cube of the
    parameters' scales.

    References
    ----------
    .. [1] Owen, A. B. (1997). Monte Carlo variance of scrambled net quadrature. SIAM Journal
       on Numerical Analysis 34(5), 1884-1910.
    .. [2] Morris, M. D. (1991). Factorial sampling plans for preliminary computational
       experiments. Technometrics 33(2), 161-174.
    .. [3] Campolongo, F., Cariboni, J. and Saltelli, A. (2007). An effective screening design
       for sensitivity analysis of large models. Environmental Modelling & Software 22(10),
       1509-1518.
    .. [4] Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M. and Tarantola, S.
       (2010). Variance based sensitivity analysis of model output. Design and estimator for
       the total sensitivity index. Computer Physics Communications 181(2), 259-270.
    .. [5] Herman, J. and Usher, W. (2017). SALib: An open-source Python library for
       sensitivity analysis. Journal of Open Source Software 2(9), 97.

    Examples
    --------
    >>> def study(params, rng):
    ...     return {"effect": params["lift"] + 0.01 * rng.normal()}
    >>> result = assess_robustness(study, {"lift": (-1.0, 3.0), "noise": (0.0, 1.0)},
    ...                            {"C1": lambda s: s["effect"] > 0}, rng=1, progress=False)
    >>> result["C1"].hinges_on
    ('lift',)
    """
    start = time.perf_counter()
    if not callable(study):
        raise TypeError(f"'study' must be callable as study(params, rng); got {study!r}.")
    space = parameter_space(parameters)
    names = list(space["parameter"])
    _check_judges(judges)
    fixed = _check_fixed(fixed, names)
    sizes = _sizes(size, n_share, n_trajectories, n_sobol)
    n_leading = _n_leading(n_leading, len(names))
    robust_share = check_number(robust_share, "robust_share", 0, 1, low_open=True)
    seed = run_seed(rng)
    out = None if out_dir is None else check_output_dir(out_dir, "out_dir")
    run = {
        "study": study,
        "space": space,
        "fixed": fixed,
        "seed": seed,
        "run_args": {
            "backend": backend,
            "workers": workers,
            "scheduler": scheduler,
            "progress": progress,
        },
    }

    screening = _screening(run, judges, sizes, out)
    leading = sa.leading_parameters(screening.claim_morris, screening.stat_morris, names, n_leading)
    sobol = _sobol_stage(run, judges, leading, sizes["n_sobol"], out)

    method = (
        f"share over a Latin hypercube of {sizes['n_share']} points (95 % Wilson interval at "
        f"{sizes['n_share'] - 1} points); Morris screening ({sizes['n_trajectories']} "
        f"trajectories, {MORRIS_LEVELS} levels); Sobol' indices of {', '.join(leading)}"
        + (" and the other parameters as a group" if len(names) > len(leading) else "")
        + f" (N = {sizes['n_sobol']}, bootstrap 95 % intervals); common random numbers "
        f"(seed {seed})"
    )
    uniform = (
        np.vstack([screening.u_share, sobol.u]),
        pd.concat([screening.holds.iloc[: sizes["n_share"]], sobol.holds], ignore_index=True),
    )
    results = {
        claim: _claim_result(claim, screening, sobol, uniform, space, leading, robust_share, method)
        for claim in judges
    }
    values = from_unit(space, np.vstack([screening.u_share, screening.u_morris, sobol.u]))
    points = pd.concat(
        [
            pd.concat([screening.stages, sobol.stages], ignore_index=True),
            pd.DataFrame(values, columns=names),
            pd.concat([screening.stats, sobol.stats], ignore_index=True),
        ],
        axis=1,
    )
    return RobustnessAssessment(
        results=results,
        space=space,
        leading=leading,
        points=points,
        holds=pd.concat([screening.holds, sobol.holds], ignore_index=True),
        morris=_long(screening.claim_morris, screening.stat_morris),
        sobol=_long(sobol.claim_sobol, sobol.stat_sobol),
        design={
            **sizes,
            "n_leading": n_leading,
            **design_points(len(names), **sizes, n_leading=n_leading),
        },
        seed=seed,
        seconds=time.perf_counter() - start,
    )


@dataclass(frozen=True, eq=False)
class _Stage:
    """The runs of one stage: unit-cube points, statistics, verdicts and their indices."""

    u: np.ndarray
    stages: pd.DataFrame
    stats: pd.DataFrame
    holds: pd.DataFrame
    u_share: np.ndarray | None = None
    u_morris: np.ndarray | None = None
    claim_morris: dict | None = None
    stat_morris: dict | None = None
    claim_sobol: dict | None = None
    stat_sobol: dict | None = None


def _screening(run: dict, judges: Mapping, sizes: dict, out) -> _Stage:
    """Latin hypercube and Morris trajectories, run together; Morris indices of every output."""
    from SALib.sample import morris
    from scipy.stats import qmc

    names = list(run["space"]["parameter"])
    seed = run["seed"]
    streams = [np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i,))) for i in (0, 1)]
    u_share = qmc.LatinHypercube(d=len(names), seed=streams[0]).random(sizes["n_share"])
    u_morris = morris.sample(
        sa.unit_problem(names), sizes["n_trajectories"], num_levels=MORRIS_LEVELS, seed=streams[1]
    )
    u = np.vstack([u_share, u_morris])
    stats = _run_points(run, u, None if out is None else out / "screening")
    clash = sorted(set(stats.columns) & {*names, "stage", "point"})
    if clash:
        raise ValueError(
            f"the study returns statistics named {clash}, like the parameters or the columns "
            "'stage' and 'point' of the design's table; rename them."
        )
    stages = pd.DataFrame(
        {
            "stage": ["share"] * len(u_share) + ["morris"] * len(u_morris),
            "point": np.r_[np.arange(len(u_share)), np.arange(len(u_morris))],
        }
    )
    holds = _judge_all(judges, stats, stages)
    at = slice(len(u_share), None)
    bootstrap = sa.seed_int(seed, 3)
    return _Stage(
        u=u,
        stages=stages,
        stats=stats,
        holds=holds,
        u_share=u_share,
        u_morris=u_morris,
        claim_morris={
            c: sa.morris_table(names, u_morris, holds[c].to_numpy()[at], bootstrap) for c in judges
        },
        stat_morris={
            s: sa.morris_table(names, u_morris, stats[s].to_numpy()[at], bootstrap)
            for s in stats.columns
        },
    )


def _sobol_stage(run: dict, judges: Mapping, leading: tuple, n_sobol: int, out) -> _Stage:
    """Saltelli sample on the leading parameters (the rest as one group); Sobol' indices."""
    from SALib.sample import sobol

    names = list(run["space"]["parameter"])
    grouped = len(names) > len(leading)
    groups = [n if n in leading else OTHER_PARAMETERS for n in names]
    labels = [*leading, *([OTHER_PARAMETERS] if grouped else [])]
    problem = sa.unit_problem(names, groups if grouped else None)
    stream = np.random.default_rng(np.random.SeedSequence(run["seed"], spawn_key=(2,)))
    u = sobol.sample(problem, n_sobol, calc_second_order=False, seed=stream)
    out_dir = None
    if out is not None:  # named by the leading parameters, which the judges choose
        tag = hashlib.sha256("\n".join(leading).encode()).hexdigest()[:10]
        out_dir = out / f"sobol_{tag}"
    stats = _run_points(run, u, out_dir)
    stages = pd.DataFrame({"stage": "sobol", "point": np.arange(len(u))})
    holds = _judge_all(judges, stats, stages)
    bootstrap = sa.seed_int(run["seed"], 4)
    return _Stage(
        u=u,
        stages=stages,
        stats=stats,
        holds=holds,
        claim_sobol={
            c: sa.sobol_table(problem, labels, holds[c].to_numpy(float), bootstrap) for c in judges
        },
        stat_sobol={
            s: sa.sobol_table(problem, labels, stats[s].to_numpy(), bootstrap)
            for s in stats.columns
        },
    )


def _claim_result(claim, screening, sobol, uniform, space, leading, robust_share, method):
    """The result of one claim from the runs of both stages."""
    n_share = len(screening.u_share)
    share = float(screening.holds[claim].to_numpy()[:n_share].mean())
    ci_low, ci_high = _wilson(share, n_share - 1)
    morris = screening.claim_morris[claim]
    u_uniform, uniform_holds = uniform
    region = _flip_region(
        u_uniform,
        ~uniform_holds[claim].to_numpy(),
        screening.u_share,
        space,
        sa.ranking(morris),
    )
    if region is not None:
        text = region.text
    elif share > 0:
        text = "never flips in the sampled points"
    else:
        text = "flips at every sampled point"
    return RobustnessResult(
        claim_id=claim,
        share=share,
        ci_low=ci_low,
        ci_high=ci_high,
        n=n_share,
        hinges_on=_hinges_on(sobol.claim_sobol[claim], morris, leading),
        flip_region=text,
        region=region,
        morris=morris.assign(flip_share=morris["mu_star"] * sa.MORRIS_STEP),
        sobol=sobol.claim_sobol[claim],
        robust_share=robust_share,
        method=method,
    )


def _check_judges(judges: object) -> None:
    if not isinstance(judges, Mapping) or len(judges) == 0:
        raise TypeError(
            "'judges' must be a non-empty dict {claim_id: judge}, each judge mapping the "
            f"statistics of a run to True where the verdict holds; got {judges!r}."
        )
    for claim, judge in judges.items():
        if not isinstance(claim, str) or not claim:
            raise TypeError(f"claim ids in 'judges' must be non-empty str; got {claim!r}.")
        if not callable(judge):
            raise TypeError(f"judges[{claim!r}] must be callable; got {judge!r}.")


def _check_fixed(fixed: object, names: list[str]) -> dict:
    if fixed is None:
        return {}
    if not isinstance(fixed, Mapping):
        raise TypeError(f"'fixed' must be a dict of parameter values; got {fixed!r}.")
    overlap = sorted(set(fixed) & set(names))
    if overlap:
        raise ValueError(
            f"parameters {overlap} are both varied in 'parameters' and fixed in 'fixed'; "
            "give each in one place only."
        )
    return dict(fixed)


def _wilson(share: float, n: int) -> tuple[float, float]:
    """Wilson's 95 % interval for a share observed on ``n`` points."""
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(share * n, n, alpha=0.05, method="wilson")
    # Wilson's interval reaches 0 or 1 exactly when the share does (not 1 - 1e-16)
    return (0.0 if share == 0 else float(low)), (1.0 if share == 1 else float(high))


def _hinges_on(sobol: pd.DataFrame, morris: pd.DataFrame, leading) -> tuple[str, ...]:
    total = sobol["ST"]
    if total.isna().all():
        return ()
    strong = [p for p in leading if total[p] >= HINGE_INDEX]
    strong.sort(key=lambda p: -total[p])
    if OTHER_PARAMETERS in total.index and total[OTHER_PARAMETERS] >= HINGE_INDEX:
        strong += [p for p in sa.ranking(morris) if p not in leading][:2]
    return tuple(strong)


def _flip_region(u, flipped, u_share, space, ranking) -> FlipRegion | None:
    names = list(space["parameter"])
    candidates = [names.index(p) for p in ranking[:_PAIR_CANDIDATES]]
    rule = best_rule(u, flipped, candidates)
    if rule is None:
        return None
    predicted = rule.flips(u)
    return FlipRegion(
        parameters=tuple(names[i] for i, _, _ in rule.cuts),
        flips_where=_describe(rule, space, flips=True),
        holds_where=_describe(rule, space, flips=False),
        size=float(rule.flips(u_share).mean()),
        captured=float(predicted[flipped].mean()),
        purity=float(flipped[predicted].mean()) if predicted.any() else 0.0,
        accuracy=float((predicted == flipped).mean()),
    )


def _describe(rule: SplitRule, space: pd.DataFrame, *, flips: bool) -> str:
    """The region where the rule says the verdict flips (or holds), in parameter values."""
    names = list(space["parameter"])
    parts = []
    inside = flips == rule.flips_inside
    for index, cut, side in rule.cuts:
        value = from_unit(space.iloc[[index]], np.array([[cut]]))[0, 0]
        below = (side == "below") == inside
        parts.append(f"{names[index]} {'<' if below else '>'} {value:.3g}")
    return (" and " if inside else " or ").join(parts)


def _long(claims: dict, statistics: dict) -> pd.DataFrame:
    frames = []
    for kind, tables in (("claim", claims), ("statistic", statistics)):
        for output, table in tables.items():
            frame = table.reset_index()
            frame.insert(0, "kind", kind)
            frame.insert(0, "output", output)
            frames.append(frame)
    return pd.concat(frames, ignore_index=True)
