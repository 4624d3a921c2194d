"""Parameter grids: a dict of value lists (full factorial) or an explicit list of points."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

__all__ = [
]


def _grid_points(grid) -> list[dict[str, object]]:
    if isinstance(grid, Mapping):
        for name, values in grid.items():
            if isinstance(values, str | bytes) or not isinstance(values, Sequence):
                raise TypeError(f"grid[{name!r}] must be a list of values; got {values!r}.")
            if len(values) == 0:
                raise ValueError(f"grid[{name!r}] must list at least one value; got [].")
        names = list(grid)
        return [
            dict(zip(names, combo, strict=True))
            for combo in itertools.product(*(grid[n] for n in names))
        ]
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
        return [{k: p[k] for k in keys} for p in points]
    raise TypeError(f"'grid' must be a dict of lists or a list of dicts; got {grid!r}.")
