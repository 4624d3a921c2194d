r"""Judge simulated claims over the points of their robustness space that the data allow.

A robustness design judges a claim over the plausible ranges of ``data/parameters.csv``, which
nothing checks. This module cuts such a space to the points that the real-data targets of
``data/targets.csv`` do not rule out, and asks whether that narrows the parameters a verdict
hinges on (``docs/model.md`` §9.6, which records how the rule and the sample were revised).
The rule:

* a point is **allowed** when no target's implausibility
  :math:`|z_{\text{sim}} - z_{\text{obs}}| / \sqrt{V^{\text{obs}} + V^{\text{sim}}}` exceeds
  :data:`CUTOFF` (3; no model discrepancy;
  :func:`~mcstudy.experiments.history_matching.implausibility`);
* a parameter is **narrowed** when the interquartile range of its allowed points, on the
  design's unit scale, is at most ``1 - NARROWED`` (half) of that of all points;
* a claim is **data-constrained** when every parameter its verdict hinges on is narrowed and
  at least :data:`MIN_ALLOWED` (20) points are allowed; otherwise its verdict stays
  assumption-driven. Its share over the allowed points is reported either way. A verdict the
  model's form decides stays ``by construction`` whatever the data allow
  (:func:`mcstudy.claims.evidence.evidence_class` puts that first).

:func:`simulate_space` runs the design: a Latin hypercube over the space, and at each point the
study's statistics and every target simulated at the point's context
(:func:`~mcstudy.experiments.calibration.compare_targets`, the calibrated parameters fixed).
:func:`judge_space` applies the rule. The targets are :func:`constraint_targets`: all but
Hillstrom's past-year distributions, which describe the purchase process (§7.16), with the
two e-mail arms read as one e-mail (:func:`one_email_targets`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import qmc

from mcstudy._random import seed_sequence
from mcstudy._validation import check_frame, check_int
from mcstudy.experiments._parameter_space import from_unit, parameter_space
from mcstudy.experiments._robustness_results import _flip_region, _wilson
from mcstudy.experiments.batch import sweep
from mcstudy.experiments.calibration import compare_targets, target_uncertainty
from mcstudy.experiments.history_matching import implausibility
from mcstudy.experiments.registry import _callable_name
from mcstudy.experiments.robustness import ROBUST_SHARE, _statistics
from mcstudy.model.context import model_context

__all__ = [
    "AllowedSpace",
    "CUTOFF",
    "MIN_ALLOWED",
    "NARROWED",
    "constraint_targets",
    "judge_space",
    "one_email_targets",
    "simulate_space",
]

#: The rule's thresholds (module docstring).
CUTOFF, NARROWED, MIN_ALLOWED = 3.0, 0.5, 20
#: Targets about the purchase process, left out of the cut (module docstring).
PURCHASE_PROCESS = "hillstrom.past_year."
#: Columns of :func:`judge_space`'s claims table.
_CLAIM_COLUMNS = [
    "claim_id",
    "share_all",
    "share_allowed",
    "ci_low",
    "ci_high",
    "robust_allowed",
    "hinges",
    "hinges_narrowed",
    "data_constrained",
    "flip_region_allowed",
]
#: Parameters of the model's context; the targets are simulated at these (a study's own
#: settings, such as ``study.*``, ``strategy.*`` or a design's share, do not enter them).
MODEL_PREFIXES = ("population.", "response.", "channel.")
#: Hillstrom's two e-mail arms and the effects measured on each.
ARMS = ("mens_email", "womens_email")
EFFECTS = ("visit_effect", "conversion_effect", "spend_effect")
#: The no-e-mail arm's statistic each effect is measured against (its row
#: ``hillstrom.control.<statistic>``).
CONTROL_OF = {
    "visit_effect": "visit_rate",
    "conversion_effect": "conversion_rate",
    "spend_effect": "spend_per_customer",
}


@dataclass(frozen=True)
class AllowedSpace:
    """A notebook's robustness space, to be judged over what the data allow.

    Attributes
    ----------
    name : str
        Short name; the committed sample is ``data/data_allowed_<name>.csv``.
    notebook : str
        The notebook whose claims and design these are (e.g. ``"04"``).
    study : callable
        ``study(params, seed_sequence)``, returning a dict (or Series) of statistics, as the
        notebook's robustness design takes it.
    parameters : tuple of str, or mapping
        The space: names of ``data/parameters.csv``, or explicit ranges, as the notebook's
        design gives them (:func:`simulate_space`).
    claim_statistics : mapping of str to str
        Claim -> the statistic of ``study``'s output its registered rule judges.
    fixed : mapping
        Passed to ``study`` at every point (run sizes and the pressures the notebook fixes).
    rules : mapping of str to Rule, default=None
        The rule each claim is judged by at a point, when the design judges a claim by another
        rule than the registry's (e.g. the rule of the part a verdict was recorded on); the
        registry's (:func:`mcstudy.claims.rules.rule_for`) for the claims it leaves out.
    judges : mapping of str to callable, default=None
        Claim -> ``judge_for(rule, reference_verdict)``, which returns the claim's judge of a
        point's statistics, for a claim the design judges otherwise than
        :func:`mcstudy.claims.judging.point_judges` does (e.g. an association rule that reads
        two statistics).
    targets_context : callable, default=None
        ``targets_context(params) -> ModelContext`` for the point's model parameters, when the
        study applies some of them its own way (e.g. a population's tier shares);
        :func:`~mcstudy.model.context.model_context` when None (:func:`simulate_space`).
    """

    name: str
    notebook: str
    study: Callable
    parameters: tuple[str, ...] | Mapping[str, tuple]
    claim_statistics: Mapping[str, str]
    fixed: Mapping[str, object] = field(default_factory=dict)
    rules: Mapping[str, object] | None = None
    judges: Mapping[str, Callable] | None = None
    targets_context: Callable | None = None

    def __post_init__(self):
        if not self.name.isidentifier():
            raise ValueError(f"AllowedSpace 'name' must be an identifier; got {self.name!r}.")
        if not self.parameters or not self.claim_statistics:
            raise ValueError(
                f"AllowedSpace {self.name!r} needs at least one parameter and one claim; got "
                f"{len(self.parameters)} parameters and {len(self.claim_statistics)} claims."
            )


def constraint_targets(targets: pd.DataFrame) -> pd.DataFrame:
    """``targets`` without Hillstrom's past-year distributions (the purchase process)."""
    check_frame(targets, ["target_id"], "targets")
    keep = ~targets["target_id"].astype(str).str.startswith(PURCHASE_PROCESS)
    return targets[keep].reset_index(drop=True)


def one_email_targets(targets: pd.DataFrame) -> pd.DataFrame:
    """The targets with each e-mail effect once: the mean of the two arms.

    The simulator has one e-mail; Hillstrom sent two (men's and women's merchandise). Each
    effect becomes ``hillstrom.email.<effect>``, the arms' mean, whose standard error adds
    half the gap between the arms to their sampling error (which e-mail was sent is a
    discrepancy the model does not represent). The two arms' effects share the no-e-mail arm:
    each effect's variance is its arm's plus the control mean's (``se_m^2 = s_m^2 + s_c^2``,
    as the targets are computed), their covariance is the control mean's variance ``s_c^2``
    (the control target's ``se``: ``hillstrom.control.visit_rate`` for the visit effect,
    ``conversion_rate``, ``spend_per_customer``), and the mean's sampling variance is
    ``(se_m^2 + se_w^2 + 2 s_c^2) / 4``. Other targets are kept as they are.

    Returns
    -------
    pandas.DataFrame
        ``target_id``, ``observed``, ``observed_se``.

    Raises
    ------
    ValueError
        If ``targets`` lacks an arm's effect or a control row the effects are measured against.
    """
    check_frame(targets, ["target_id", "value", "se", "low", "high"], "targets")
    t = targets.assign(observed_se=target_uncertainty(targets).to_numpy())
    t = t.rename(columns={"value": "observed"}).set_index("target_id")
    needed = [f"hillstrom.{a}.{e}" for a in ARMS for e in EFFECTS]
    needed += [f"hillstrom.control.{s}" for s in CONTROL_OF.values()]
    missing = [i for i in needed if i not in t.index]
    if missing:
        raise ValueError(f"'targets' lacks the e-mail test's rows {missing}.")
    rows = []
    for effect in EFFECTS:
        m, w = (t.loc[f"hillstrom.{arm}.{effect}"] for arm in ARMS)
        control = t.loc[f"hillstrom.control.{CONTROL_OF[effect]}", "observed_se"]
        se = np.sqrt((m["observed_se"] ** 2 + w["observed_se"] ** 2 + 2 * control**2) / 4)
        rows.append(
            {
                "target_id": f"hillstrom.email.{effect}",
                "observed": (m["observed"] + w["observed"]) / 2,
                "observed_se": float(np.hypot(se, (m["observed"] - w["observed"]) / 2)),
            }
        )
    arms = [f"hillstrom.{a}.{e}" for a in ARMS for e in EFFECTS]
    rest = t.drop(index=arms).reset_index()[["target_id", "observed", "observed_se"]]
    return pd.concat([pd.DataFrame(rows), rest], ignore_index=True)


def simulate_space(
    study: Callable[[dict, np.random.SeedSequence], Mapping[str, float]],
    parameters: Sequence[str],
    targets: pd.DataFrame,
    *,
    n_points: int = 200,
    fixed: Mapping[str, float] | None = None,
    n_customers: int = 50_000,
    rng=None,
    progress: bool | None = None,
    context: Callable | None = None,
    backend: str = "serial",
    workers: int | None = None,
    out_dir: str | Path | None = None,
) -> pd.DataFrame:
    """The study's statistics and every target, simulated at a Latin hypercube's points.

    Parameters
    ----------
    study : callable
        ``study(params, seed_sequence) -> {statistic: value}``, as a robustness design takes
        it (e.g. :func:`mcstudy.studies.attention.attention_statistics`).
    parameters : sequence of str, or mapping
        The space: names of ``data/parameters.csv`` (their plausible ranges), or explicit
        ranges (:func:`~mcstudy.experiments._parameter_space.parameter_space`). Only the
        model's parameters (:data:`MODEL_PREFIXES`) set the context of the targets.
    targets : pandas.DataFrame
        The targets to simulate (:func:`constraint_targets` of ``load_targets()``).
    n_points : int, default=200
        Latin hypercube points, in [2, 100,000].
    fixed : mapping, default=None
        Passed to ``study`` at every point (run sizes, e.g. ``n_customers``, ``n_weeks``); no
        key may be a parameter of the space.
    n_customers : int, default=50_000
        Customers of each target simulation (:func:`compare_targets`).
    rng : None, int or SeedSequence, default=None
        Root of three streams: the design, the study's runs and the targets' runs. Every point
        gets the same study and target streams (common random numbers across points).
    progress : bool, default=None
        A progress bar over the points (:func:`mcstudy._progress.progress_bar`).
    context : callable, default=None
        ``context(params) -> ModelContext``: the targets' context at a point, from its model
        parameters (:data:`MODEL_PREFIXES`); :func:`~mcstudy.model.context.model_context` when
        None.
    backend, workers, out_dir
        Where the points run and where finished points are kept, as in
        :func:`mcstudy.experiments.sweep` (``"serial"``, ``"processes"`` or ``"dask"``; with
        ``out_dir``, a run interrupted resumes from its finished points). Every backend and
        number of workers gives the same table: each point meets the same streams.

    Returns
    -------
    pandas.DataFrame
        One row per point: ``point``, ``u:<parameter>`` (unit-cube coordinate), the
        parameters, ``stat:<statistic>``, ``sim:<target_id>`` and ``sim_se:<target_id>``.
    """
    n_points = check_int(n_points, "n_points", 2, 100_000)
    space = parameter_space(parameters if isinstance(parameters, Mapping) else list(parameters))
    clash = sorted(set(fixed or {}) & set(space["parameter"]))
    if clash:
        raise ValueError(
            f"'fixed' sets {clash}, which are parameters of the space; fix them by leaving "
            "them out of 'parameters'."
        )
    design_seed, study_seed, target_seed = seed_sequence(rng).spawn(3)
    unit = qmc.LatinHypercube(d=len(space), seed=np.random.default_rng(design_seed)).random(
        n_points
    )
    names = list(space["parameter"])
    task = _SpacePoint(study, names, targets, n_customers, study_seed, target_seed, context)
    grid = [dict(zip(names, map(float, x), strict=True)) for x in from_unit(space, unit)]
    table = sweep(
        task,
        grid,
        n_replications=1,
        rng=0,  # unused: every point meets the task's own streams
        params=dict(fixed or {}),
        backend=backend,
        workers=workers,
        out_dir=out_dir,
        progress=progress,
    )
    order = list(pd.unique(table["metric"]))
    results = table.pivot(index="point", columns="metric", values="value")[order]
    results.columns = [str(c) for c in results.columns]
    design = pd.DataFrame(unit, columns=[f"u:{p}" for p in names])
    values = pd.DataFrame(grid)
    return pd.concat(
        [
            pd.DataFrame({"point": np.arange(n_points)}),
            design,
            values,
            results.reset_index(drop=True),
        ],
        axis=1,
    )


class _SpacePoint:
    """One point of a space: the study's statistics and every target, on the same streams.

    The sweep hands every task its own stream; this task ignores it and gives every point
    fresh copies of the study's and the targets' streams (a SeedSequence that is spawned from
    advances), so that all points share their random numbers whatever the backend. Picklable
    when the study and the context are.
    """

    def __init__(self, study, names, targets, n_customers, study_seed, target_seed, context):
        self.study, self.names, self.targets = study, tuple(names), targets
        self.n_customers, self.context = n_customers, context
        self.study_seed, self.target_seed = study_seed, target_seed

    def __call__(self, params: dict, rng) -> dict[str, float]:
        stats = _statistics(self.study(dict(params), _fresh(self.study_seed)))
        model = {k: params[k] for k in self.names if k.startswith(MODEL_PREFIXES)}
        ctx = (model_context if self.context is None else self.context)(model)
        table = compare_targets(
            self.targets,
            n_customers=self.n_customers,
            rng=_fresh(self.target_seed),
            population=ctx.population,
            response=ctx.response,
            channels=ctx.channels,
        ).set_index("target_id")
        return {
            **{f"stat:{k}": v for k, v in stats.items()},
            **{f"sim:{t}": float(table.loc[t, "simulated"]) for t in table.index},
            **{f"sim_se:{t}": float(table.loc[t, "simulated_se"]) for t in table.index},
        }

    def __repr__(self) -> str:  # recorded in run.json: must not change between runs
        return (
            f"{_callable_name(self.study)} and {len(self.targets)} targets at "
            f"{self.n_customers:,} customers, with common random numbers"
        )


def _allowed_flip_region(u, flipped, space, hinges) -> str:
    """Where a verdict flips among the allowed points ``u`` (unit cube), in words."""
    if space is None:
        return ""
    if not len(u):
        return "no point is allowed"
    if not flipped.any() or flipped.all():
        return (
            "flips at every allowed point" if flipped.all() else "never flips at the allowed points"
        )
    names = list(space["parameter"])
    ranking = [*hinges, *(p for p in names if p not in hinges)]
    region = _flip_region(u, flipped, u, space, ranking)
    if region is None:  # pragma: no cover - a rule exists whenever both labels occur
        return ""
    return (
        f"flips where {region.flips_where} ({100 * region.size:.0f} % of the allowed points; "
        f"{100 * region.captured:.0f} % of their flips lie there and {100 * region.purity:.0f} % "
        "of the points there flip)"
    )


def _fresh(seed: np.random.SeedSequence) -> np.random.SeedSequence:
    """A copy of ``seed`` that has spawned no children."""
    return np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key, pool_size=seed.pool_size)


def _implausibilities(points: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Each point's implausibility for each target (the two e-mail arms as one e-mail)."""
    observed = one_email_targets(targets).set_index("target_id")
    sim, sim_se = {}, {}
    for target in observed.index:
        source = target.replace(".email.", f".{ARMS[0]}.")  # the one e-mail: the men's row
        for frame, prefix in ((sim, "sim:"), (sim_se, "sim_se:")):
            if prefix + source not in points:
                raise ValueError(f"'points' has no column {prefix + source!r} for {target!r}.")
            frame[target] = points[prefix + source]
    var = observed["observed_se"].to_numpy() ** 2 + pd.DataFrame(sim_se).to_numpy() ** 2
    imp = implausibility(pd.DataFrame(sim).to_numpy(), observed["observed"].to_numpy(), var)
    return pd.DataFrame(imp, columns=observed.index, index=points.index)


#: Random subsets drawn for the narrowing that chance alone gives, and their seed.
_CHANCE_DRAWS, _CHANCE_SEED = 500, 0


def _chance_narrowing(units: np.ndarray, n_allowed: int) -> np.ndarray:
    """Per column, the 97.5th percentile of the narrowing of random subsets of ``n_allowed`` rows.

    What a cut that ignores the parameters would remove by chance: the reference against
    which a narrowing is read (the rule's threshold, half, is far above it at these sizes).
    NaN when fewer than 4 rows are allowed or all are.
    """
    n = len(units)
    if n_allowed < 4 or n_allowed >= n:
        return np.full(units.shape[1], np.nan)
    rng = np.random.default_rng(_CHANCE_SEED)
    full = np.subtract(*np.quantile(units, [0.75, 0.25], axis=0))
    draws = np.empty((_CHANCE_DRAWS, units.shape[1]))
    for k in range(_CHANCE_DRAWS):
        rows = units[rng.choice(n, n_allowed, replace=False)]
        draws[k] = 1.0 - np.subtract(*np.quantile(rows, [0.75, 0.25], axis=0)) / full
    return np.quantile(draws, 0.975, axis=0)


def judge_space(
    points: pd.DataFrame,
    targets: pd.DataFrame,
    judges: Mapping[str, Callable[[Mapping[str, float]], bool]],
    hinges: Mapping[str, Sequence[str]],
    space: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """Apply the rule of the module docstring to :func:`simulate_space`'s points.

    Parameters
    ----------
    points : pandas.DataFrame
        :func:`simulate_space`'s result.
    targets : pandas.DataFrame
        The targets simulated (with ``value``, ``se``, ``low``, ``high``).
    judges : mapping of str to callable
        Claim -> whether its reference verdict holds at a point's statistics
        (:func:`mcstudy.claims.judging.point_judges`).
    hinges : mapping of str to sequence of str
        Claim -> the parameters its verdict hinges on (``hinges_on``).
    space : pandas.DataFrame, default=None
        The design's space (:func:`~mcstudy.experiments._parameter_space.parameter_space`),
        which turns the flip region's cuts into parameter values; without it the claims'
        ``flip_region_allowed`` is empty.

    Returns
    -------
    dict
        ``"targets"``: per target, the points it rules out, those it alone rules out and its
        median implausibility; ``"parameters"``: per parameter, its narrowing, the 97.5th
        percentile of the narrowing random subsets of as many points give (``chance_97.5``,
        500 draws), and its range over the design and over the allowed points; ``"claims"``:
        per claim, the share of all points and of the allowed points where its verdict holds
        (Wilson 95 % interval), whether that share reaches
        :data:`~mcstudy.experiments.robustness.ROBUST_SHARE` (``robust_allowed``), its hinges,
        how many are narrowed, whether it is data-constrained by the rule
        (``data_constrained``) and where it flips among the allowed points
        (``flip_region_allowed``: the best axis-aligned rule in one parameter, or two among its
        hinges first, as a robustness design finds it); and ``"allowed"``, a bool Series over
        the points.

    Raises
    ------
    ValueError
        If ``points`` has no ``u:`` columns or misses a simulated target, or a claim's hinge
        is not a parameter of the design.
    """
    if not isinstance(points, pd.DataFrame) or not any(c.startswith("u:") for c in points):
        raise ValueError(
            "'points' must be simulate_space's table, with 'u:<parameter>' columns; got "
            f"{type(points).__name__} with columns {list(getattr(points, 'columns', []))[:5]}."
        )
    design = [c[2:] for c in points if c.startswith("u:")]
    for claim, names in hinges.items():
        unknown = sorted(set(names) - set(design))
        if unknown:
            raise ValueError(
                f"hinges of {claim!r} {unknown} are not parameters of the design; its "
                f"parameters: {design}."
            )
    imp = _implausibilities(points, targets).fillna(np.inf)
    out = imp > CUTOFF
    allowed = ~out.any(axis=1).to_numpy()
    by_target = pd.DataFrame(
        {
            "points_ruled_out": out.sum(),
            "ruled_out_by_it_alone": (out & (out.sum(axis=1) == 1).to_numpy()[:, None]).sum(),
            "median_implausibility": imp.median(),
        }
    ).rename_axis("target_id")
    units = [c for c in points if c.startswith("u:")]
    names = [c[2:] for c in units]

    def iqr(frame):
        return (frame.quantile(0.75) - frame.quantile(0.25)).to_numpy()

    by_parameter = pd.DataFrame(
        {
            "narrowing": 1.0 - iqr(points.loc[allowed, units]) / iqr(points[units]),
            "chance_97.5": _chance_narrowing(points[units].to_numpy(), int(allowed.sum())),
            "design_low": points[names].min().to_numpy(),
            "design_high": points[names].max().to_numpy(),
            "allowed_low": points.loc[allowed, names].min().to_numpy(),
            "allowed_high": points.loc[allowed, names].max().to_numpy(),
        },
        index=pd.Index(names, name="parameter"),
    )
    stats = points[[c for c in points if c.startswith("stat:")]]
    stats.columns = [c[5:] for c in stats.columns]
    records = stats.to_dict("records")
    n_ok = int(allowed.sum())
    rows = []
    for claim, judge in judges.items():
        holds = np.array([bool(judge(r)) for r in records])
        claim_hinges = list(hinges.get(claim, ()))
        narrowed = [h for h in claim_hinges if by_parameter.loc[h, "narrowing"] >= NARROWED]
        low, high = _wilson(float(holds[allowed].mean()), n_ok) if n_ok else (np.nan, np.nan)
        rows.append(
            {
                "claim_id": claim,
                "share_all": float(holds.mean()),
                "share_allowed": float(holds[allowed].mean()) if n_ok else np.nan,
                "ci_low": float(low),
                "ci_high": float(high),
                "robust_allowed": bool(n_ok and holds[allowed].mean() >= ROBUST_SHARE),
                "hinges": len(claim_hinges),
                "hinges_narrowed": len(narrowed),
                "data_constrained": bool(
                    claim_hinges and len(narrowed) == len(claim_hinges) and n_ok >= MIN_ALLOWED
                ),
                "flip_region_allowed": _allowed_flip_region(
                    points.loc[allowed, units].to_numpy(), ~holds[allowed], space, claim_hinges
                ),
            }
        )
    return {
        "targets": by_target,
        "parameters": by_parameter,
        "claims": pd.DataFrame(rows, columns=_CLAIM_COLUMNS).set_index("claim_id"),
        "allowed": pd.Series(allowed, index=points.index, name="allowed"),
    }
