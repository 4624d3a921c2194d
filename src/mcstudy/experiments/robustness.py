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

Common random numbers: every point runs ``study(params, numpy.random.SeedSequence(seed))``, the
same stream everywhere, so the statistics change with the parameters and not with fresh noise
(the simulator draws its random numbers keyed by customer, so the same customers meet the same
draws). Parameters are varied uniformly between their bounds, or log-uniformly for positive
ranges spanning a factor of ten or more (:func:`parameter_space`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from numbers import Real

import numpy as np
import pandas as pd

from mcstudy._random import run_seed
from mcstudy._validation import check_int, check_number, check_option, check_output_dir
from mcstudy.experiments import _sensitivity as sa
from mcstudy.experiments._parameter_space import SCALES, from_unit, parameter_space
from mcstudy.experiments._robustness_results import (
    HINGE_INDEX,
    FlipRegion,
    RobustnessAssessment,
    RobustnessResult,
    _claim_result,
    _long,
)
from mcstudy.experiments._robustness_stages import _noise_stage, _screening, _sobol_stage
from mcstudy.experiments._sensitivity import MORRIS_LEVELS, OTHER_PARAMETERS
from mcstudy.experiments.registry import _callable_name

__all__ = [
    "DESIGN_SIZES",
    "HINGE_INDEX",
    "MORRIS_LEVELS",
    "NOISE_FLOOR",
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
#: A robustness share can be told from Monte Carlo noise only when the verdict holds in at least
#: this share of independent runs at the reference context (the noise-only share).
NOISE_FLOOR = 0.95

#: Sample sizes of the design presets (``size=``): Latin hypercube points for the share, Morris
#: trajectories, Sobol' base sample (a power of 2), and independent runs at the reference
#: context for the noise-only share.
DESIGN_SIZES = {
    "notebook": {"n_share": 128, "n_trajectories": 10, "n_sobol": 64, "n_noise": 40},
    "publication": {"n_share": 1024, "n_trajectories": 50, "n_sobol": 512, "n_noise": 200},
}

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
    n_noise: int | None = None,
) -> dict[str, int]:
    """Return the number of points of each part of a robustness design, and in all.

    Every point is one run of the study: the time of a design is its points times the time of
    one run, divided by the workers.

    Parameters
    ----------
    n_parameters : int
        Parameters varied, ``k``.
    size, n_share, n_trajectories, n_sobol, n_leading, n_noise
        As in :func:`assess_robustness`.

    Returns
    -------
    dict of str to int
        ``share`` (``n_share``), ``morris`` (``n_trajectories x (k + 1)``), ``sobol``
        (``n_sobol x (g + 2)``, ``g`` the leading parameters plus one group for the others
        when there are any), ``noise`` (``n_noise``) and ``total``.

    Examples
    --------
    >>> design_points(8)
    {'share': 128, 'morris': 90, 'sobol': 384, 'noise': 40, 'total': 642}
    """
    k = check_int(n_parameters, "n_parameters", 1)
    sizes = _sizes(size, n_share, n_trajectories, n_sobol, n_noise)
    n_leading = _n_leading(n_leading, k)
    groups = n_leading + (1 if k > n_leading else 0)
    points = {
        "share": sizes["n_share"],
        "morris": sizes["n_trajectories"] * (k + 1),
        "sobol": sizes["n_sobol"] * (groups + 2),
        "noise": sizes["n_noise"],
    }
    return {**points, "total": sum(points.values())}


def _n_leading(n_leading: object, k: int) -> int:
    if n_leading is None:
        return min(_DEFAULT_LEADING, k)
    return check_int(n_leading, "n_leading", 1, k)


def _sizes(size, n_share, n_trajectories, n_sobol, n_noise=None) -> dict[str, int]:
    check_option(size, "size", DESIGN_SIZES)
    sizes = dict(DESIGN_SIZES[size])
    if n_noise is not None:
        sizes["n_noise"] = check_int(n_noise, "n_noise", 0, 100_000)
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
    """A study run with the same random stream at every point: ``SeedSequence(seed)``.

    The sweep hands every task its own stream; this wrapper replaces it, so that all points of
    a design share their random numbers. It also checks the study's output. Picklable when
    the study is, so it runs on every backend.
    """

    def __init__(self, study: Callable, seed: int):
        self.study = study
        self.seed = seed

    def __call__(self, params: dict, rng: np.random.SeedSequence) -> dict[str, float]:
        return _statistics(self.study(params, np.random.SeedSequence(self.seed)))

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


# --- the entry point ----------------------------------------------------------------------------


def assess_robustness(
    study: Callable[[dict, np.random.SeedSequence], Mapping[str, float] | pd.Series],
    parameters: Sequence[str] | Mapping[str, Sequence],
    judges: Mapping[str, Callable[[pd.Series], bool]],
    *,
    fixed: Mapping[str, object] | None = None,
    size: str = "notebook",
    n_share: int | None = None,
    n_trajectories: int | None = None,
    n_sobol: int | None = None,
    n_leading: int | None = None,
    n_noise: int | None = None,
    reference: Mapping[str, float] | None = None,
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
    n_noise : int, optional
        Independent runs of the study at the reference context (``fixed`` only, no varied
        parameter), each with its own random stream, in [0, 100000]; overrides ``size`` (40
        for ``"notebook"``). The share of them in which a claim's verdict holds is its
        noise-only share: what noise alone does to a verdict judged on one run of the design's
        size. 0 skips them (the noise-only share is then NaN).
    reference : dict of str to float, optional
        Values of varied parameters at the reference context, passed (with ``fixed``) to the
        noise-only runs. When None, or for a parameter it leaves out, the study's own default
        applies (the studies of :mod:`mcstudy.studies` start from the calibrated reference
        context); a study without defaults needs them here.
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
        then reused), the noise-only runs to ``out_dir/noise``. Rerunning the same call after
        an interruption computes only the missing runs.
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
    reference = _check_reference(reference, names)
    sizes = _sizes(size, n_share, n_trajectories, n_sobol, n_noise)
    n_leading = _n_leading(n_leading, len(names))
    robust_share = check_number(robust_share, "robust_share", 0, 1, low_open=True)
    seed = run_seed(rng)
    out = None if out_dir is None else check_output_dir(out_dir, "out_dir")
    run = {
        "task": _CommonRandomNumbers(study, seed),
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
    noise = _noise_stage(run, judges, sizes["n_noise"], out, reference)

    method = (
        f"share over a Latin hypercube of {sizes['n_share']} points (95 % Wilson interval at "
        f"{sizes['n_share'] - 1} points); Morris screening ({sizes['n_trajectories']} "
        f"trajectories, {MORRIS_LEVELS} levels); Sobol' indices of {', '.join(leading)}"
        + (" and the other parameters as a group" if len(names) > len(leading) else "")
        + f" (N = {sizes['n_sobol']}, bootstrap 95 % intervals); common random numbers "
        f"(seed {seed}); noise-only share over {sizes['n_noise']} independent runs at the "
        "reference context"
    )
    uniform = (
        np.vstack([screening.u_share, sobol.u]),
        pd.concat([screening.holds.iloc[: sizes["n_share"]], sobol.holds], ignore_index=True),
    )
    results = {
        claim: _claim_result(
            claim, screening, sobol, uniform, space, leading, robust_share, method, noise
        )
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


def _check_reference(reference: object, names: list[str]) -> dict:
    if reference is None:
        return {}
    if not isinstance(reference, Mapping):
        raise TypeError(
            f"'reference' must be a dict of parameter values at the reference context; got "
            f"{reference!r}."
        )
    unknown = sorted(set(reference) - set(names))
    if unknown:
        raise ValueError(
            f"'reference' names parameters that are not varied: {unknown}; it gives values of "
            f"the varied parameters {names} (pass others in 'fixed')."
        )
    return {name: check_number(value, f"reference[{name!r}]") for name, value in reference.items()}


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
