"""Morris screening and Sobol' indices of a design's outputs, through SALib.

Private to :mod:`mcstudy.experiments.robustness`. Every design point lies in the unit cube of the
parameters' scales, so SALib sees bounds ``[0, 1]``; indices are per unit of a parameter's
range on its scale. The bootstraps behind the confidence intervals take a seed from the
design's root seed, so an assessment is reproducible.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from mcstudy._random import design_stream

__all__ = ["MORRIS_LEVELS", "OTHER_PARAMETERS"]

#: Grid levels of the Morris trajectories; a step moves a parameter by 2/3 of its range.
MORRIS_LEVELS = 4

#: Length of a Morris step as a share of a parameter's range (SALib's ``delta``). An
#: elementary effect is the change of the output divided by it, so for a 0/1 output ``mu_star``
#: times the step is the share of steps that flip the output.
MORRIS_STEP = MORRIS_LEVELS / (2 * (MORRIS_LEVELS - 1))

#: Name of the group of parameters not analysed one by one in the Sobol' stage.
OTHER_PARAMETERS = "(other parameters)"

#: Bootstrap resamples for the Morris and Sobol' confidence intervals.
N_RESAMPLES = 200


def unit_problem(names: Sequence[str], groups: Sequence[str] | None = None) -> dict:
    """SALib's problem for ``names`` on the unit cube, with optional ``groups``."""
    problem = {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}
    if groups is not None:
        problem["groups"] = list(groups)
    return problem


def seed_int(seed: int, stream: str) -> int:
    """A positive int seed for SALib's bootstraps (it ignores a seed of 0), from ``stream``."""
    return int(design_stream(seed, stream).generate_state(1)[0]) + 1


def morris_table(names, u, y, seed) -> pd.DataFrame:
    """Morris indices of output ``y`` at the trajectory points ``u``, by parameter.

    Columns ``mu``, ``mu_star``, ``sigma`` and ``mu_star_conf`` (95 % bootstrap half-width).
    """
    from SALib.analyze import morris

    si = morris.analyze(
        unit_problem(names),
        u,
        np.asarray(y, dtype=float),
        num_resamples=N_RESAMPLES,
        conf_level=0.95,
        num_levels=MORRIS_LEVELS,
        seed=seed,
    )
    table = pd.DataFrame(
        {k: np.asarray(si[k], dtype=float) for k in ("mu", "mu_star", "sigma", "mu_star_conf")},
        index=pd.Index(list(names), name="parameter"),
    )
    return table


def sobol_table(problem: dict, labels: Sequence[str], y, seed) -> pd.DataFrame:
    """Sobol' first-order and total indices, with 95 % bootstrap half-widths, by group.

    A constant output has no variance to share out: every index is NaN.
    """
    from SALib.analyze import sobol

    y = np.asarray(y, dtype=float)
    columns = ["S1", "S1_conf", "ST", "ST_conf"]
    index = pd.Index(list(labels), name="parameter")
    if np.ptp(y) == 0:
        return pd.DataFrame(np.nan, index=index, columns=columns)
    with warnings.catch_warnings():
        # a verdict that flips at few points gives some constant blocks of runs; SALib warns,
        # and the wide bootstrap intervals (S1_conf, ST_conf) already say the indices are loose
        warnings.filterwarnings(
            "ignore", message="Constant values encountered", category=UserWarning
        )
        si = sobol.analyze(
            problem,
            y,
            calc_second_order=False,
            num_resamples=N_RESAMPLES,
            conf_level=0.95,
            seed=seed,
        )
    order = list(pd.unique(np.asarray(problem.get("groups") or problem["names"])))
    table = pd.DataFrame({c: np.asarray(si[c], dtype=float) for c in columns}, index=order)
    table.index.name = "parameter"
    return table.loc[list(labels)]


def leading_parameters(
    claim_morris: dict, stat_morris: dict, names: list[str], n_leading: int
) -> tuple[str, ...]:
    """Return the parameters of the Sobol' stage: each claim's strongest in turn, then others.

    Claims take turns (first every claim's strongest parameter, then every claim's second...),
    counting only parameters that flipped the claim's verdict in the screening; free places
    go to the parameters that move the statistics most (largest ``mu_star`` relative to the
    statistic's largest), then to the parameters in the order given.
    """
    rankings = [ranking(t) for t in claim_morris.values()]
    chosen: list[str] = []
    depth = 0
    while len(chosen) < n_leading and any(depth < len(r) for r in rankings):
        for order in rankings:
            if depth < len(order) and order[depth] not in chosen and len(chosen) < n_leading:
                chosen.append(order[depth])
        depth += 1
    if len(chosen) < n_leading:
        score = pd.Series(0.0, index=names)
        for table in stat_morris.values():
            top = table["mu_star"].max()
            if top > 0:
                score = np.maximum(score, table["mu_star"] / top)
        rest = [n for n in names if n not in chosen]
        rest.sort(key=lambda n: (-score[n], names.index(n)))
        chosen += rest[: n_leading - len(chosen)]
    return tuple(chosen)


def ranking(table: pd.DataFrame) -> list[str]:
    """Parameters with a nonzero ``mu_star`` in a Morris table, strongest first."""
    flips = table[table["mu_star"] > 0]
    return list(flips["mu_star"].sort_values(ascending=False, kind="stable").index)
