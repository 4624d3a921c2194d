"""The parameter space of a robustness design: ranges, scales and the map from the unit cube.

Private to :mod:`mcstudy.experiments.robustness`, which re-exports :func:`parameter_space`.
Ranges come from the parameter table (``data/parameters.csv``) or are given explicitly; a
design samples the unit cube and :func:`from_unit` turns its points into parameter values,
uniformly between the bounds or log-uniformly.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from numbers import Real

import numpy as np
import pandas as pd

from mcstudy.model import _libm

__all__ = ["SCALES", "from_unit", "parameter_space"]

#: Scales on which a parameter is varied.
SCALES = ("linear", "log")

#: Positive ranges spanning at least this factor are varied on a log scale by default.
LOG_SPAN = 10.0


def parameter_space(
    parameters: Sequence[str] | Mapping[str, Sequence],
) -> pd.DataFrame:
    """Return the space a robustness design varies: each parameter's range and scale.

    Parameters
    ----------
    parameters : list of str, or dict of str to tuple
        Names of ``data/parameters.csv`` (their plausible ``low`` and ``high``), or explicit
        ranges ``{name: (low, high)}`` or ``{name: (low, high, scale)}`` with ``scale`` in
        ``{"linear", "log"}``. A name ``channel.<column>.<channel>`` (as the calibration uses)
        takes the relative range of ``channel.<column>`` times that channel's catalogue value;
        ``channel.<column>`` alone is the multiplier itself.

    Returns
    -------
    pandas.DataFrame
        One row per parameter, in the order given: ``parameter``, ``low``, ``high``,
        ``scale`` and ``source`` (``"data/parameters.csv"`` or ``"given"``).

    Raises
    ------
    TypeError
        If ``parameters`` is not a list of names or a dict of ranges, or a bound is not a
        real number.
    ValueError
        If it is empty or repeats a name; a name is not in the parameter table; a range has
        non-finite bounds or width, ``low >= high``, or a log scale with ``low <= 0``; a scale
        is not one of :data:`SCALES`; a parameter the model sets by name
        (:func:`mcstudy.model.model_context`) has a bound the model refuses (a negative cost,
        a share above 1...).

    Notes
    -----
    A positive range spanning a factor of 10 or more is varied log-uniformly unless a scale
    is given (e.g. ``population.purchase_rate_per_week``, 0.001 to 0.2): its uncertainty is one
    of orders of magnitude, and on a linear scale 95 % of the points would lie above 0.01.
    The share of the space a verdict holds in is a share under this measure.
    """
    if isinstance(parameters, str) or not isinstance(parameters, Sequence | Mapping):
        raise TypeError(
            "'parameters' must be a list of parameter names or a dict {name: (low, high)}; "
            f"got {parameters!r}."
        )
    if len(parameters) == 0:
        raise ValueError("'parameters' must name at least one parameter; got none.")
    rows = []
    if isinstance(parameters, Mapping):
        for name, bounds in parameters.items():
            _check_name(name)
            rows.append(_given_range(name, bounds))
    else:
        seen = [n for n in parameters if isinstance(n, str)]
        repeated = sorted({n for n in seen if seen.count(n) > 1})
        if repeated:
            raise ValueError(f"'parameters' names {repeated} more than once.")
        table = _parameter_table()
        for name in parameters:
            _check_name(name)
            rows.append(_table_range(name, table))
    return pd.DataFrame(rows, columns=["parameter", "low", "high", "scale", "source"])


def _check_name(name: object) -> None:
    if not isinstance(name, str) or not name:
        raise TypeError(f"parameter names must be non-empty str; got {name!r}.")


def _auto_scale(low: float, high: float) -> str:
    return "log" if low > 0 and high / low >= LOG_SPAN else "linear"


def _check_range(name: str, low: object, high: object, scale: str) -> tuple[float, float]:
    for bound in (low, high):
        if isinstance(bound, bool) or not isinstance(bound, Real):
            raise TypeError(
                f"the range of parameter {name!r} must be two real numbers (low, high); "
                f"got ({low!r}, {high!r})."
            )
    low, high = float(low), float(high)
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(
            f"the range of parameter {name!r} must be finite; got ({low!r}, {high!r})."
        )
    if not low < high:
        raise ValueError(
            f"the range of parameter {name!r} must have low < high to be varied; "
            f"got ({low!r}, {high!r})."
        )
    if not math.isfinite(high - low):
        raise ValueError(
            f"the range of parameter {name!r} is too wide to sample: high - low must be a "
            f"finite number; got ({low!r}, {high!r})."
        )
    if scale == "log" and low <= 0:
        raise ValueError(
            f"parameter {name!r} on a log scale needs low > 0; got ({low!r}, {high!r})."
        )
    _check_model_range(name, low, high)
    return low, high


def _check_model_range(name: str, low: float, high: float) -> None:
    """Raise unless the model accepts both bounds of a parameter it sets by name.

    A parameter of :func:`mcstudy.model.model_context` (``population.*``, ``response.*``,
    ``channel.*``) must have a range the model accepts at both ends (the specs' own ranges,
    the channel catalogue's bounds); every value between them is then accepted too.
    """
    from mcstudy.model.context import is_model_parameter, model_context

    if not is_model_parameter(name):
        return
    for bound in (low, high):
        try:
            model_context({name: bound})
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"the range of parameter {name!r}, ({low!r}, {high!r}), goes beyond what the "
                f"model accepts: at {bound!r}, {exc}"
            ) from None


def _given_range(name: str, bounds: object) -> dict:
    if isinstance(bounds, str) or not isinstance(bounds, Sequence) or len(bounds) not in (2, 3):
        raise TypeError(
            f"the range of parameter {name!r} must be (low, high) or (low, high, scale); "
            f"got {bounds!r}."
        )
    low, high = bounds[0], bounds[1]
    scale = bounds[2] if len(bounds) == 3 else None
    if scale is not None and scale not in SCALES:
        raise ValueError(
            f"the scale of parameter {name!r} must be one of {list(SCALES)}; got {scale!r}."
        )
    low, high = _check_range(name, low, high, scale or "linear")
    return {
        "parameter": name,
        "low": low,
        "high": high,
        "scale": scale or _auto_scale(low, high),
        "source": "given",
    }


def _parameter_table() -> pd.DataFrame:
    from mcstudy.io.catalogue import load_parameters

    return load_parameters().set_index("name")


def _table_range(name: str, table: pd.DataFrame) -> dict:
    if name in table.index:
        low, high = float(table.loc[name, "low"]), float(table.loc[name, "high"])
    else:
        head, _, channel = name.rpartition(".")
        if head.startswith("channel.") and head in table.index:
            from mcstudy.io.catalogue import load_channels

            catalogue = load_channels().set_index("channel")
            if channel not in catalogue.index:
                raise ValueError(
                    f"parameter {name!r}: {channel!r} is not a channel of the catalogue; "
                    f"allowed: {sorted(catalogue.index)}."
                )
            base = float(catalogue.loc[channel, head.split(".", 1)[1]])
            low = float(table.loc[head, "low"]) * base
            high = float(table.loc[head, "high"]) * base
        else:
            close = difflib.get_close_matches(name, list(table.index), n=3)
            hint = f" Did you mean {close}?" if close else ""
            raise ValueError(
                f"unknown parameter {name!r}: not in the parameter table "
                f"(data/parameters.csv, {len(table)} parameters).{hint} Give its range "
                "explicitly as {name: (low, high)} to vary a parameter the table lacks."
            )
    low, high = _check_range(name, low, high, "linear")
    return {
        "parameter": name,
        "low": low,
        "high": high,
        "scale": _auto_scale(low, high),
        "source": "data/parameters.csv",
    }


def from_unit(space: pd.DataFrame, u: np.ndarray) -> np.ndarray:
    """Points of the unit cube ``u`` (n x k) as parameter values, within their bounds.

    The corners of the cube (Morris levels 0 and 1) give the bounds exactly, never a rounding
    error beyond them that a model's own range check would refuse. Log scales are computed with
    the C library's functions (:mod:`mcstudy.model._libm`), so the points are the same on every
    CPU.
    """
    low, high = space["low"].to_numpy(), space["high"].to_numpy()
    log = (space["scale"] == "log").to_numpy()
    linear = low + u * (high - low)
    safe_low = np.where(log, low, 1.0)  # the log branch is computed for every column
    logged = _libm.exp(_libm.log(safe_low) + u * _libm.log(np.where(log, high, 1.0) / safe_low))
    return np.clip(np.where(log, logged, linear), low, high)
