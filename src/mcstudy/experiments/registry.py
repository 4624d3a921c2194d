"""The study registry: named study functions and the parameters each accepts.

A *study* is a function ``study(params, rng)`` returning a dict of metrics or a tidy DataFrame.
:func:`register_study` declares it with its parameters (:class:`IntParam`, :class:`FloatParam`,
:class:`OptionParam`), so that sweeps and TOML configurations are validated before anything runs.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mcstudy._validation import check_int, check_number, check_option

__all__ = [
    "FloatParam",
    "IntParam",
    "OptionParam",
    "Param",
    "STUDIES",
    "StudySpec",
    "register_study",
]


_ID_COLUMNS = ("task_id", "point", "replication")


_RESERVED = frozenset({*_ID_COLUMNS, "seed", "metric", "value"})


@dataclass(frozen=True)
class IntParam:
    """An integer parameter in ``[low, high]``; ``default=None`` makes it required."""

    low: float = -math.inf
    high: float = math.inf
    default: int | None = None

    def validate(self, value: object, name: str) -> int:
        """Return ``value`` as an int; raise TypeError or ValueError if it is not allowed."""
        return check_int(value, name, self.low, self.high)


@dataclass(frozen=True)
class FloatParam:
    """A real parameter in ``[low, high]`` (ends open with ``low_open``/``high_open``)."""

    low: float = -math.inf
    high: float = math.inf
    default: float | None = None
    low_open: bool = False
    high_open: bool = False

    def validate(self, value: object, name: str) -> float:
        """Return ``value`` as a float; raise TypeError or ValueError if it is not allowed."""
        return check_number(
            value, name, self.low, self.high, low_open=self.low_open, high_open=self.high_open
        )


@dataclass(frozen=True)
class OptionParam:
    """A parameter taking one of a closed set of strings, such as a strategy name."""

    options: tuple[str, ...]
    default: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "options", tuple(self.options))

    def validate(self, value: object, name: str) -> str:
        """Return ``value`` if it is one of :attr:`options`; raise otherwise."""
        return check_option(value, name, self.options)


Param = IntParam | FloatParam | OptionParam


@dataclass(frozen=True)
class StudySpec:
    """A registered study: its function and the parameters it accepts.

    Attributes
    ----------
    name : str
        Registry key, used in configuration files and in ``run.json``.
    func : callable
        ``func(params: dict, seed: numpy.random.SeedSequence) -> dict[str, float] | DataFrame``.
    params : dict of str to IntParam, FloatParam or OptionParam
        Allowed parameters with their types, ranges and defaults.
    description : str
        One line shown in error messages and help.
    """

    name: str
    func: Callable[[dict, np.random.SeedSequence], Any]
    params: Mapping[str, Param] = field(default_factory=dict)
    description: str = ""

    def validate_value(self, name: str, value: object) -> object:
        """Return ``value`` checked against parameter ``name``; raise if either is not allowed."""
        if name not in self.params:
            raise ValueError(
                f"{name!r} is not a parameter of study {self.name!r}; "
                f"allowed parameters: {sorted(self.params)}."
            )
        return self.params[name].validate(value, name)

    def validate(self, params: Mapping[str, object]) -> dict[str, object]:
        """Return ``params`` checked and completed with the declared defaults.

        Raises
        ------
        ValueError
            If a parameter is unknown, out of range or required and missing.
        TypeError
            If a value has the wrong type.
        """
        out = {name: self.validate_value(name, value) for name, value in params.items()}
        missing = [n for n, p in self.params.items() if n not in out and p.default is None]
        if missing:
            raise ValueError(f"study {self.name!r} requires parameters {missing}; none given.")
        for name, param in self.params.items():
            out.setdefault(name, param.default)
        return out


class StudyRegistry(MutableMapping):
    """Registered studies by name; the studies shipped with mcstudy load on first access.

    Importing mcstudy registers nothing: the first lookup, listing or membership test imports
    :mod:`mcstudy.experiments.sweep_studies`, whose :func:`register_study` calls add the
    shipped studies.
    """

    _BUILTIN_MODULE = "mcstudy.experiments.sweep_studies"

    def __init__(self):
        self._studies: dict[str, StudySpec] = {}
        self._loaded = False

    def _load(self) -> None:
        if not self._loaded:
            self._loaded = True  # set first: the import below registers into this mapping
            importlib.import_module(self._BUILTIN_MODULE)

    def __getitem__(self, name: str) -> StudySpec:
        self._load()
        return self._studies[name]

    def __setitem__(self, name: str, spec: StudySpec) -> None:
        self._studies[name] = spec

    def __delitem__(self, name: str) -> None:
        self._load()
        del self._studies[name]

    def __iter__(self):
        self._load()
        return iter(self._studies)

    def __len__(self) -> int:
        self._load()
        return len(self._studies)

    def __contains__(self, name: object) -> bool:
        self._load()
        return name in self._studies

    def __repr__(self) -> str:
        return f"StudyRegistry({sorted(self)})"


#: Registered studies by name; add to it with :func:`register_study`.
STUDIES = StudyRegistry()


def register_study(
    name: str,
    func: Callable[[dict, np.random.SeedSequence], Any],
    params: Mapping[str, Param],
    *,
    description: str | None = None,
    replace: bool = False,
) -> StudySpec:
    """Register ``func`` as the study ``name`` with its allowed ``params``; return its spec.

    Parameters
    ----------
    name : str
        Name used by :func:`sweep`, :func:`replicate` and configuration files.
    func : callable
        ``func(params, rng)``; a top-level function, so that it can run in other processes.
    params : dict of str to IntParam, FloatParam or OptionParam
        Every parameter the study accepts, e.g. ``{"n_customers": IntParam(100, 10_000_000),
        "strategy": OptionParam(["siloed", "omnichannel"]), "contact_pressure": FloatParam(0,
        50)}``. Parameters without a default must be given by the caller.
    description : str, optional
        One line; defaults to the first line of ``func``'s docstring.
    replace : bool, default=False
        Allow replacing a study registered under ``name`` by a different function.

    Returns
    -------
    StudySpec

    Raises
    ------
    ValueError
        If ``name`` is taken by another function, a parameter name is reserved for a result
        column, or a default is outside its parameter's range.
    TypeError
        If ``func`` is not callable or a parameter is not declared with a ``*Param`` class.
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"'name' must be a non-empty str; got {name!r}.")
    if not callable(func):
        raise TypeError(f"'func' must be callable; got {func!r}.")
    for pname, param in params.items():
        if not isinstance(param, IntParam | FloatParam | OptionParam):
            raise TypeError(
                f"parameter {pname!r} must be declared with IntParam, FloatParam or "
                f"OptionParam; got {param!r}."
            )
        if pname in _RESERVED:
            raise ValueError(
                f"parameter name {pname!r} is reserved for a result column; "
                f"reserved: {sorted(_RESERVED)}."
            )
        if param.default is not None:
            param.validate(param.default, pname)
    old = STUDIES._studies.get(name)  # no lazy load: the shipped studies register here
    if old is not None and not replace and _callable_name(old.func) != _callable_name(func):
        raise ValueError(
            f"study {name!r} is already registered to {_callable_name(old.func)}; "
            "pass replace=True to replace it."
        )
    if description is None:
        description = ((func.__doc__ or "").strip().splitlines() or [""])[0]
    spec = StudySpec(name=name, func=func, params=dict(params), description=description)
    STUDIES[name] = spec
    return spec


def _callable_name(func: Callable) -> str:
    module = getattr(func, "__module__", None) or "?"
    return f"{module}:{getattr(func, '__qualname__', repr(func))}"


def _resolve_study(study) -> tuple[str, Callable, StudySpec | None]:
    if isinstance(study, str):
        if study not in STUDIES:
            raise ValueError(f"unknown study {study!r}; registered studies: {sorted(STUDIES)}.")
        spec = STUDIES[study]
        return spec.name, spec.func, spec
    if isinstance(study, StudySpec):
        return study.name, study.func, study
    if callable(study):
        return _callable_name(study), study, None
    raise TypeError(f"'study' must be a registered study name or a callable; got {study!r}.")
