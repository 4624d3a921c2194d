"""Where a verdict flips: the best one- or two-parameter rule separating holds from flips.

Private to :mod:`mcstudy.experiments.robustness`. The search is exhaustive over axis-aligned
rules on points of the unit cube labelled "holds" or "flips":

- a *one-parameter* rule cuts one parameter at a threshold: the verdict flips below it (or
  above it);
- a *two-parameter* rule is a quadrant of two parameters (each cut below or above a threshold)
  inside which the verdict flips, or inside which it holds (then it flips where either cut
  fails).

A rule is scored by its *balanced error*: the mean of the share of flipping points it puts
outside the flip region and the share of holding points it puts inside. Unlike the plain error
rate it does not favour "never flips" when flips are rare: a rule must find where they are.
Counts of labelled points below every pair of cuts come from one two-dimensional cumulative
sum, so every cut of a pair is scored at once (``(m_i + 1) x (m_j + 1)`` candidates for ``m``
distinct values per parameter). Cuts lie half-way between consecutive distinct values of the
points.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__: list[str] = []

#: Most points the two-parameter search scores (its cost grows as the square of the points).
MAX_PAIR_POINTS = 1024


@dataclass(frozen=True)
class SplitRule:
    """An axis-aligned split: the region ``cuts`` describe, and whether the verdict flips there.

    ``cuts`` holds ``(parameter index, unit-cube threshold, side)`` for one or two parameters,
    ``side`` being ``"below"`` or ``"above"``; the region is the intersection of the cuts.
    ``flips_inside`` says whether the verdict flips inside the region (else it holds inside and
    flips outside). ``error`` is the balanced error on the ``n`` points scored. Not to be
    confused with :class:`mcstudy.claims.rules.Rule`, the rule a claim's verdict is drawn by.
    """

    cuts: tuple[tuple[int, float, str], ...]
    flips_inside: bool
    error: float
    n: int

    def flips(self, u: np.ndarray) -> np.ndarray:
        """Return where the rule says the verdict flips, for points ``u`` of the unit cube."""
        inside = np.ones(len(u), dtype=bool)
        for index, cut, side in self.cuts:
            inside &= u[:, index] < cut if side == "below" else u[:, index] >= cut
        return inside if self.flips_inside else ~inside


def _codes(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct sorted values of ``x`` and each point's position among them."""
    values, codes = np.unique(x, return_inverse=True)
    return values, codes.ravel()


def _midpoint(values: np.ndarray, a: int) -> float:
    """The cut between the ``a``-th distinct value and the one before it."""
    return float((values[a - 1] + values[a]) / 2)


def _weights(flipped: np.ndarray) -> np.ndarray:
    """Weight of each point in the balanced error: 1 / (2 x the points of its label)."""
    n_flip = flipped.sum()
    return np.where(flipped, 0.5 / n_flip, 0.5 / (len(flipped) - n_flip))


def best_one_parameter(u: np.ndarray, flipped: np.ndarray) -> SplitRule | None:
    """Return the one-parameter rule with the least balanced error; None when no cut exists."""
    w = _weights(flipped)
    flip_total, hold_total = float(w[flipped].sum()), float(w[~flipped].sum())
    best: tuple[float, int, float, str] | None = None  # error, parameter, cut, side
    for i in range(u.shape[1]):
        values, codes = _codes(u[:, i])
        m = len(values)
        if m < 2:
            continue
        flip_below = np.concatenate([[0], np.cumsum(np.bincount(codes, w * flipped, m))])
        hold_below = np.concatenate([[0], np.cumsum(np.bincount(codes, w * ~flipped, m))])
        a = np.arange(1, m)
        # flips below the cut: misplaced are the holds below and the flips above; and reverse
        below = hold_below[a] + (flip_total - flip_below[a])
        above = flip_below[a] + (hold_total - hold_below[a])
        for side, errors in (("below", below), ("above", above)):
            k = int(np.argmin(errors))
            if best is None or errors[k] < best[0] - 1e-12:
                best = (float(errors[k]), i, _midpoint(values, int(a[k])), side)
    if best is None:
        return None
    error, i, cut, side = best
    return SplitRule(((i, cut, side),), flips_inside=True, error=error, n=len(flipped))


def best_two_parameter(
    u: np.ndarray, flipped: np.ndarray, candidates: Sequence[int]
) -> SplitRule | None:
    """Return the quadrant rule on a pair of ``candidates`` with the least balanced error.

    Only the first :data:`MAX_PAIR_POINTS` points are scored. Returns None when fewer than two
    candidates have two distinct values, or those points all hold (or all flip).
    """
    u, flipped = u[:MAX_PAIR_POINTS], flipped[:MAX_PAIR_POINTS]
    if flipped.all() or not flipped.any():
        return None
    w = _weights(flipped)
    totals = {True: float(w[flipped].sum()), False: float(w[~flipped].sum())}
    coded = {i: _codes(u[:, i]) for i in candidates}
    order = [i for i in candidates if len(coded[i][0]) >= 2]
    best: tuple | None = None
    for p, i in enumerate(order):
        for j in order[p + 1 :]:
            (vi, ci), (vj, cj) = coded[i], coded[j]
            mi, mj = len(vi), len(vj)
            counts = {}
            for label in (True, False):
                grid = np.zeros((mi + 1, mj + 1))
                mask = flipped == label
                np.add.at(grid, (ci[mask] + 1, cj[mask] + 1), w[mask])
                counts[label] = grid.cumsum(0).cumsum(1)  # counts[a, b]: codes < a and < b
            for side_i in ("below", "above"):
                for side_j in ("below", "above"):
                    inside = {
                        label: _quadrant(c, side_i, side_j)[1:mi, 1:mj]
                        for label, c in counts.items()
                    }
                    for flips_inside in (True, False):
                        # misplaced: holds inside and flips outside, or the reverse
                        errors = inside[not flips_inside] + (
                            totals[flips_inside] - inside[flips_inside]
                        )
                        a, b = np.unravel_index(int(np.argmin(errors)), errors.shape)
                        if best is None or errors[a, b] < best[0] - 1e-12:
                            best = (float(errors[a, b]), i, j, a + 1, b + 1, side_i, side_j)
                            best = (*best, flips_inside)
    if best is None:
        return None
    error, i, j, a, b, side_i, side_j, flips_inside = best
    cuts = (
        (i, _midpoint(coded[i][0], a), side_i),
        (j, _midpoint(coded[j][0], b), side_j),
    )
    return SplitRule(cuts, flips_inside=flips_inside, error=error, n=len(flipped))


def _quadrant(c: np.ndarray, side_i: str, side_j: str) -> np.ndarray:
    """Counts in the quadrant ``side_i`` of cut ``a`` and ``side_j`` of cut ``b``, all a, b."""
    total_i = c[-1:, :]  # all codes of i, codes of j below b
    total_j = c[:, -1:]  # codes of i below a, all codes of j
    if side_i == "below" and side_j == "below":
        return c
    if side_i == "below":
        return total_j - c
    if side_j == "below":
        return total_i - c
    return c[-1, -1] - total_i - total_j + c


def balanced_error(rule: SplitRule, u: np.ndarray, flipped: np.ndarray) -> float:
    """The balanced error of ``rule`` on the points ``u`` labelled ``flipped``."""
    wrong = rule.flips(u) != flipped
    return float(_weights(flipped)[wrong].sum())


def best_rule(u: np.ndarray, flipped: np.ndarray, candidates: Sequence[int]) -> SplitRule | None:
    """Return the simplest good rule: one parameter, or two when they fix enough errors.

    The two-parameter rule is preferred only when its balanced error is at most two thirds of
    the best one-parameter rule's, and at least 0.02 lower. None when the verdict holds (or
    flips) at every point.
    """
    flipped = np.asarray(flipped, dtype=bool)
    if flipped.all() or not flipped.any():
        return None
    one = best_one_parameter(u, flipped)
    if one is None or one.error == 0 or len(candidates) < 2:
        return one
    two = best_two_parameter(u, flipped, candidates)
    if two is None:
        return one
    # compare on the same points: the pair search may have used fewer
    one_error = balanced_error(one, u[: two.n], flipped[: two.n])
    if two.error <= min(one_error * 2 / 3, one_error - 0.02):
        return two
    return one
