"""The runs of a robustness design: each stage's points run, judged and analysed.

Private to :mod:`mcstudy.experiments.robustness`. The screening stage (Latin hypercube and
Morris trajectories) and the Sobol' stage each run as one sweep of the study at points of the
unit cube (:func:`_run_points`, with the common random numbers of ``run["task"]``), apply every
judge at every point (:func:`_judge_all`) and compute the Morris or Sobol' indices of every
claim's verdict and every statistic.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mcstudy._random import design_stream
from mcstudy.experiments import _sensitivity as sa
from mcstudy.experiments._parameter_space import from_unit
from mcstudy.experiments._sensitivity import MORRIS_LEVELS, OTHER_PARAMETERS

__all__: list[str] = []


def _run_points(run: dict, u: np.ndarray, out_dir) -> pd.DataFrame:
    """Run the study at the points ``u`` of the unit cube; one row of statistics per point."""
    from mcstudy.experiments import sweep

    space = run["space"]
    values = from_unit(space, u)
    names = list(space["parameter"])
    grid = [dict(zip(names, map(float, row), strict=True)) for row in values]
    table = sweep(
        run["task"],
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


def _noise_stage(
    run: dict, judges: Mapping[str, Callable], n_noise: int, out, reference: dict
) -> pd.DataFrame:
    """``n_noise`` runs at the reference context, each with its own stream; a bool per claim.

    The reference context is the study called with ``fixed`` and ``reference`` (the varied
    parameters it names; the study's defaults for the others). The runs' streams are the
    sweep's own, spawned from a child of the design's seed that no other stage uses, so they
    differ from the common stream of the other stages and from each other.
    """
    from mcstudy.experiments import sweep

    if n_noise == 0:
        return pd.DataFrame({claim: np.zeros(0, dtype=bool) for claim in judges})
    try:
        table = sweep(
            _Checked(run["task"].study),
            [reference],
            n_replications=n_noise,
            rng=design_stream(run["seed"], "noise"),
            params=run["fixed"],
            out_dir=None if out is None else out / "noise",
            **run["run_args"],
        )
    except Exception as exc:
        exc.add_note(
            f"in the noise-only runs, which call the study at the reference context with "
            f"'fixed' and 'reference' only ({sorted({**run['fixed'], **reference})}): pass "
            "'reference' (the varied parameters' values there) if the study has no defaults "
            "for them, or n_noise=0 to skip these runs."
        )
        raise
    order = list(pd.unique(table["metric"]))
    stats = table.pivot(index="replication", columns="metric", values="value")[order]
    stats.columns = pd.Index([str(c) for c in stats.columns])
    stats = stats.reset_index(drop=True)
    stages = pd.DataFrame({"stage": "noise", "point": np.arange(len(stats))})
    return _judge_all(judges, stats, stages)


class _Checked:
    """The study with its output checked as at the design's points (picklable)."""

    def __init__(self, study: Callable):
        self.study = study

    def __call__(self, params: dict, rng: np.random.SeedSequence) -> dict[str, float]:
        from mcstudy.experiments.robustness import _statistics

        return _statistics(self.study(params, rng))

    def __repr__(self) -> str:  # recorded in run.json: must not change between runs
        from mcstudy.experiments.registry import _callable_name

        return f"{_callable_name(self.study)} at the reference context"


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
    streams = [np.random.default_rng(design_stream(seed, s)) for s in ("latin_hypercube", "morris")]
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
    bootstrap = sa.seed_int(seed, "morris_bootstrap")
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
    stream = np.random.default_rng(design_stream(run["seed"], "sobol"))
    u = sobol.sample(problem, n_sobol, calc_second_order=False, seed=stream)
    out_dir = None
    if out is not None:  # named by the leading parameters, which the judges choose
        tag = hashlib.sha256("\n".join(leading).encode()).hexdigest()[:10]
        out_dir = out / f"sobol_{tag}"
    stats = _run_points(run, u, out_dir)
    stages = pd.DataFrame({"stage": "sobol", "point": np.arange(len(u))})
    holds = _judge_all(judges, stats, stages)
    bootstrap = sa.seed_int(run["seed"], "sobol_bootstrap")
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
