"""The robustness spaces of the simulated claims, judged over what the data allow (§9.6).

Each notebook whose verdicts rest on simulation judges them over a robustness space: the
plausible ranges of some parameters of ``data/parameters.csv``. :data:`SPACES` names each such
space and the function that builds it (an :class:`~mcstudy.experiments.data_allowed.AllowedSpace`:
the notebook's study, parameters, fixed run settings and claims). :func:`simulate_allowed_space`
simulates one space's sample (the claims' statistics and every target at each point) and
:func:`allowed_space_tables` judges its claims over the points the targets do not rule out,
with the evidence class each would have. The samples are committed as
``data/data_allowed_<name>.csv`` (:func:`sample_path`) and written by ``mcstudy calibrate
--data-allowed``; notebook 01 reads them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from mcstudy import config
from mcstudy._validation import check_frame
from mcstudy.claims.evidence import evidence_class
from mcstudy.claims.judging import point_judges
from mcstudy.claims.rules import rule_for
from mcstudy.experiments._parameter_space import parameter_space
from mcstudy.experiments.data_allowed import (
    AllowedSpace,
    constraint_targets,
    judge_space,
    simulate_space,
)
from mcstudy.io import load_claims, load_targets
from mcstudy.studies.cost_to_serve_spaces import cost_to_serve_business_space, cost_to_serve_space
from mcstudy.studies.cross_channel_design import cross_channel_space
from mcstudy.studies.integration_spaces import coordination_space, integration_space
from mcstudy.studies.multichannel_space import multichannel_space
from mcstudy.studies.profile_space import profiles_space

__all__ = [
    "SPACES",
    "allowed_space_tables",
    "attention_space",
    "load_space",
    "sample_path",
    "simulate_allowed_space",
]

#: Customers of each target simulation at a point, and the sample's points and seed.
TARGET_CUSTOMERS, N_POINTS, SEED = 50_000, 200, 0


def attention_space() -> AllowedSpace:
    """Notebook 04's space: contact pressure, intrusiveness, permission and combinations."""
    from mcstudy.studies.attention import attention_statistics
    from mcstudy.studies.attention_report import (
        ATTENTION_CLAIM_STATISTICS,
        ATTENTION_ROBUSTNESS_PARAMETERS,
    )

    return AllowedSpace(
        name="attention",
        notebook="04",
        study=attention_statistics,
        parameters=tuple(ATTENTION_ROBUSTNESS_PARAMETERS),
        claim_statistics=dict(ATTENTION_CLAIM_STATISTICS),
        fixed={"n_customers": 3_000, "n_weeks": 52},
    )


#: Every space, by name: a function that builds it (some compute the notebook's pressures).
SPACES: dict[str, Callable[[], AllowedSpace]] = {
    "profiles": profiles_space,
    "multichannel": multichannel_space,
    "attention": attention_space,
    "integration": integration_space,
    "coordination": coordination_space,
    "cost_to_serve": cost_to_serve_space,
    "cost_to_serve_business": cost_to_serve_business_space,
    "cross_channel": cross_channel_space,
}


def load_space(name: str) -> AllowedSpace:
    """The space called ``name`` (a key of :data:`SPACES`)."""
    if name not in SPACES:
        raise ValueError(f"no data-allowed space {name!r}; the spaces: {sorted(SPACES)}.")
    return SPACES[name]()


def sample_path(name: str) -> Path:
    """Where the committed sample of space ``name`` lives."""
    if name not in SPACES:
        raise ValueError(f"no data-allowed space {name!r}; the spaces: {sorted(SPACES)}.")
    return config.DATA_DIR / f"data_allowed_{name}.csv"


def simulate_allowed_space(
    space: AllowedSpace,
    *,
    n_points: int = N_POINTS,
    n_customers: int = TARGET_CUSTOMERS,
    rng=SEED,
    progress: bool | None = None,
    backend: str = "serial",
    workers: int | None = None,
    out_dir: str | Path | None = None,
) -> pd.DataFrame:
    """Simulate a space's sample: its claims' statistics and the targets at each point.

    :func:`~mcstudy.experiments.data_allowed.simulate_space` of ``space`` (its study, parameters
    and fixed settings), with every target but Hillstrom's past-year rows
    (:func:`~mcstudy.experiments.data_allowed.constraint_targets`); ``backend``, ``workers``
    and ``out_dir`` (which keeps the finished points of an interrupted run) as there.
    """
    if not isinstance(space, AllowedSpace):
        raise TypeError(f"'space' must be an AllowedSpace; got {type(space).__name__}.")
    return simulate_space(
        space.study,
        space.parameters,
        constraint_targets(load_targets()),
        n_points=n_points,
        fixed=space.fixed,
        n_customers=n_customers,
        rng=rng,
        progress=progress,
        context=space.targets_context,
        backend=backend,
        workers=workers,
        out_dir=out_dir,
    )


def allowed_space_tables(
    space: AllowedSpace,
    points: pd.DataFrame,
    targets: pd.DataFrame,
    verdicts: pd.DataFrame,
    claims_registry: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """A space's claims judged over the data-allowed points of its sample.

    Parameters
    ----------
    space : AllowedSpace
        The space (:func:`load_space`): its claims and the statistic each is judged on
        (:attr:`~mcstudy.experiments.data_allowed.AllowedSpace.claim_statistics`), judged by the
        registry's rule unless the space gives another
        (:attr:`~mcstudy.experiments.data_allowed.AllowedSpace.rules`) or a judge of its own
        (:attr:`~mcstudy.experiments.data_allowed.AllowedSpace.judges`). A claim whose
        recorded reference verdict (``lean``) is inconclusive (or, without a judge of its own,
        neither ``supported`` nor ``not supported``) has no region to hold in and is left out.
    points : pandas.DataFrame
        The committed sample (:func:`simulate_allowed_space`).
    targets : pandas.DataFrame
        ``load_targets()`` (the cut takes its
        :func:`~mcstudy.experiments.data_allowed.constraint_targets`).
    verdicts : pandas.DataFrame
        ``results/verdicts.csv``: each claim's verdict, reference verdict (``lean``),
        ``evidence`` and ``hinges_on``.
    claims_registry : pandas.DataFrame, default=None
        The claims registry (``kind``, ``fixed_by``); :func:`mcstudy.io.load_claims` when None.

    Returns
    -------
    dict
        :func:`~mcstudy.experiments.data_allowed.judge_space`'s tables, the claims' with their
        reference verdict and the evidence class they would have with that result
        (:func:`mcstudy.claims.evidence.evidence_class`: a verdict decided by construction
        stays so).
    """
    if not isinstance(space, AllowedSpace):
        raise TypeError(f"'space' must be an AllowedSpace; got {type(space).__name__}.")
    check_frame(verdicts, ["claim_id", "verdict", "lean", "evidence", "hinges_on"], "verdicts")
    v = verdicts.set_index("claim_id")
    claim_statistics = dict(space.claim_statistics)
    missing = sorted(set(claim_statistics) - set(v.index))
    if missing:
        raise ValueError(f"'verdicts' has no row for the space's claims {missing}.")
    own = dict(space.judges or {})
    lean = {c: str(v.loc[c, "lean"]) for c in claim_statistics}
    reference = {
        c: verdict
        for c, verdict in lean.items()
        if verdict in ("supported", "not supported")
        or (c in own and verdict not in ("inconclusive", "nan"))
    }
    rules = {c: dict(space.rules or {}).get(c) or rule_for(c) for c in reference}
    judges = point_judges(
        {c: rules[c] for c in reference if c not in own},
        {c: reference[c] for c in reference if c not in own},
        {c: claim_statistics[c] for c in reference if c not in own},
    )
    judges.update({c: own[c](rules[c], reference[c]) for c in reference if c in own})
    judges = {c: judges[c] for c in reference}  # the space's order
    hinges = {
        c: [] if pd.isna(v.loc[c, "hinges_on"]) else str(v.loc[c, "hinges_on"]).split("; ")
        for c in reference
    }
    design = parameter_space(
        space.parameters if isinstance(space.parameters, Mapping) else list(space.parameters)
    )
    out = judge_space(points, constraint_targets(targets), judges, hinges, design)
    out["claims"].insert(0, "reference", pd.Series(reference))
    registry = (load_claims() if claims_registry is None else claims_registry).set_index("claim_id")
    out["claims"]["evidence_class"] = [
        evidence_class(
            kind=str(registry.loc[c, "kind"]),
            verdict=str(v.loc[c, "verdict"]),
            evidence=str(v.loc[c, "evidence"]),
            fixed_by=_text(registry.loc[c, "fixed_by"]),
            data_constrained=bool(out["claims"].loc[c, "data_constrained"]),
        )
        for c in out["claims"].index
    ]
    return out


def _text(value) -> str:
    """A registry cell as text, blank when empty."""
    return "" if pd.isna(value) else str(value)
