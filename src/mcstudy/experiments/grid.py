"""Parameter grids: a dict of value lists (full factorial) or an explicit list of points.

A grid knows its number of points and gives point ``p`` on demand, so a sweep counts its
tasks (and refuses absurd counts) before it builds anything per point or per task.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__: list[str] = []


class _Grid:
    """Points ``0 .. n_points - 1`` of a sweep, each a dict ``{parameter: value}``."""

    names: tuple[str, ...]
    n_points: int

    def point(self, p: int) -> dict[str, object]:  # pragma: no cover - abstract
        """Return point ``p``."""
        raise NotImplementedError

    def column(self, name: str, points: np.ndarray) -> pd.Series:  # pragma: no cover
        """Return the values of parameter ``name`` at the point indices ``points``."""
        raise NotImplementedError

    def validated(self, spec) -> _Grid:  # pragma: no cover - abstract
        """Return the grid with every value checked (and converted) by the study ``spec``."""
        raise NotImplementedError


class _Factorial(_Grid):
    """Every combination of the value lists, in key order, the last key varying fastest."""

    def __init__(self, axes: dict[str, Sequence]):
        self.axes = axes
        self.names = tuple(axes)
        self.shape = tuple(len(v) for v in axes.values())
        self.n_points = math.prod(self.shape)

    def point(self, p: int) -> dict[str, object]:
        """Return point ``p``: the mixed-radix digits of ``p`` index the value lists."""
        digits = []
        for size in reversed(self.shape):
            p, digit = divmod(p, size)
            digits.append(digit)
        return {n: self.axes[n][d] for n, d in zip(self.names, reversed(digits), strict=True)}

    def column(self, name: str, points: np.ndarray) -> pd.Series:
        """Return the values of ``name`` at ``points`` (dtype inferred from its value list)."""
        digits = np.unravel_index(points, self.shape)[self.names.index(name)]
        return pd.Series(self.axes[name]).take(digits).reset_index(drop=True)

    def validated(self, spec) -> _Factorial:
        """Check each value of each list once (the check is per value)."""
        check = spec.validate_value
        return _Factorial({n: [check(n, v) for v in vs] for n, vs in self.axes.items()})


class _Explicit(_Grid):
    """A list of points given one by one, all with the same keys."""

    def __init__(self, points: list[dict[str, object]]):
        self.points = points
        self.names = tuple(points[0])
        self.n_points = len(points)
        self._frame: pd.DataFrame | None = None

    def point(self, p: int) -> dict[str, object]:
        """Return point ``p`` as given."""
        return self.points[p]

    def column(self, name: str, points: np.ndarray) -> pd.Series:
        """Return the values of ``name`` at ``points`` (dtype inferred over all points)."""
        if self._frame is None:
            self._frame = pd.DataFrame(self.points, columns=list(self.names))
        return self._frame[name].take(points).reset_index(drop=True)

    def validated(self, spec) -> _Explicit:
        """Check every value of every point."""
        check = spec.validate_value
        return _Explicit([{k: check(k, v) for k, v in p.items()} for p in self.points])


def _grid(grid) -> _Grid:
    """Check the structure of ``grid`` and wrap it, without expanding a factorial grid."""
    if isinstance(grid, Mapping):
        for name, values in grid.items():
            if isinstance(values, str | bytes) or not isinstance(values, Sequence):
                raise TypeError(f"grid[{name!r}] must be a list of values; got {values!r}.")
            if len(values) == 0:
                raise ValueError(f"grid[{name!r}] must list at least one value; got [].")
        return _Factorial(dict(grid))  # sequences as given: a range is not expanded here
    if isinstance(grid, Sequence) and not isinstance(grid, str | bytes):
        points = list(grid)
        if not points or not all(isinstance(p, Mapping) for p in points):
            raise TypeError(
                f"'grid' must be a dict of lists or a non-empty list of dicts; got {grid!r}."
            )
        keys = list(points[0])
        for i, p in enumerate(points):
            if set(p) != set(keys):
                raise ValueError(
                    f"grid point {i} has keys {sorted(p)}; point 0 has "
                    f"{sorted(keys)}. All points need the same keys."
                )
        return _Explicit([{k: p[k] for k in keys} for p in points])
    raise TypeError(f"'grid' must be a dict of lists or a list of dicts; got {grid!r}.")
