"""What a robustness assessment returns: for each claim, its share, hinges and flip region.

Private to :mod:`mcstudy.experiments.robustness`, which re-exports :class:`FlipRegion`,
:class:`RobustnessResult`, :class:`RobustnessAssessment` and :data:`HINGE_INDEX`. Beside the
result classes (their text and ``summary()`` tables) it reads one claim's result from the runs
of a design (:func:`_claim_result`): the share with its Wilson interval, the parameters the
verdict hinges on, and the flip region as a rule in parameter values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mcstudy._validation import check_option
from mcstudy._vocab import VERDICT_NOT_TESTABLE, VERDICTS
from mcstudy.experiments import _sensitivity as sa
from mcstudy.experiments._flip_region import SplitRule, best_rule
from mcstudy.experiments._parameter_space import from_unit
from mcstudy.experiments._sensitivity import OTHER_PARAMETERS

__all__ = ["HINGE_INDEX", "FlipRegion", "RobustnessAssessment", "RobustnessResult"]

#: A verdict hinges on a parameter whose total Sobol' index reaches this value.
HINGE_INDEX = 0.1

#: Parameters considered in pairs for the flip region (a claim's strongest, by Morris).
_PAIR_CANDIDATES = 5


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
    noise_share : float, default=NaN
        Share of the independent runs at the reference context (no parameter varied, one run
        of the design's size each) in which the verdict holds: what Monte Carlo noise alone
        does to it. NaN when the design ran none.
    n_noise : int, default=0
        Those runs.
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
    noise_share: float = float("nan")
    n_noise: int = 0

    @property
    def noisy(self) -> bool:
        """Whether the share cannot be told from Monte Carlo noise.

        True when noise alone, at the reference context, keeps the verdict in less than
        :data:`~mcstudy.experiments.robustness.NOISE_FLOOR` (95 %) of the runs: a verdict
        flipping across the space may then flip for the noise of one run, not the parameters.
        False when the noise-only share is not known (no noise-only runs).
        """
        from mcstudy.experiments.robustness import NOISE_FLOOR

        return bool(self.noise_share < NOISE_FLOOR)

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
        if self.noisy:
            text += (
                f"; the share cannot be told from Monte Carlo noise: at the reference context "
                f"alone the verdict holds in {_percent(self.noise_share)} of {self.n_noise} "
                "independent runs of the design's size"
            )
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
        ``noise_share``, ``noisy``, ``hinges_on`` (comma-separated) and ``flip_region``.
        """
        return pd.DataFrame(
            {
                "claim_id": [self.claim_id],
                "share": [self.share],
                "ci_low": [self.ci_low],
                "ci_high": [self.ci_high],
                "n": [self.n],
                "conditional": [self.conditional],
                "noise_share": [self.noise_share],
                "noisy": [self.noisy],
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
        The parameters varied (:func:`~mcstudy.experiments.robustness.parameter_space`).
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
        (as :func:`~mcstudy.experiments.robustness.design_points`).
    seed : int
        Root seed: every point ran with ``numpy.random.SeedSequence(seed)``.
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


# --- one claim's result from the runs -------------------------------------------------------------


def _claim_result(claim, screening, sobol, uniform, space, leading, robust_share, method, noise):
    """The result of one claim from the runs of the stages (``noise``: the noise-only runs)."""
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
        noise_share=float(noise[claim].mean()) if len(noise) else float("nan"),
        n_noise=len(noise),
    )


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
