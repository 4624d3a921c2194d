"""Experimental designs over strategies: arms that vary fields of a base strategy.

- :func:`factorial_arms`: every combination of levels of some strategy fields (full factorial,
  or the half fraction of a two-level design), as named arms for :func:`~mcstudy.simulate`;
- :func:`integration_path`: the :math:`2^k` arms between a base and a target strategy that
  differ in :math:`k` fields.

Arms from these functions are plain strategies: simulate them together, randomised in one
population, so that differences between arms are causal effects. The share of an outcome
difference due to each factor of an integration path is
:func:`~mcstudy.model.decomposition.shapley_decomposition`; arms are made comparable on
contacts or budget by :func:`~mcstudy.model.equalisation.equalise`. Both are importable from
here too.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import fields, replace

from mcstudy._validation import check_option
from mcstudy.model.decomposition import shapley_decomposition
from mcstudy.model.equalisation import EQUALISE_TARGETS, Equalised, equalise
from mcstudy.model.strategies import Strategy

__all__ = [
    "EQUALISE_TARGETS",
    "Equalised",
    "equalise",
    "factorial_arms",
    "integration_path",
    "shapley_decomposition",
]

#: Most factors :func:`integration_path` accepts (2**10 = 1024 arms).
MAX_PATH_FACTORS = 10

_FRACTIONS = ("half",)


# --- factorial designs -----------------------------------------------------------------------


def _strategy_fields(strategy: Strategy) -> list[str]:
    """Names of the fields that can be set on ``strategy`` (its ``__init__`` fields)."""
    return [f.name for f in fields(strategy) if f.init]


def _level_label(level: object) -> str:
    """Short readable label of a factor level, used in arm names."""
    if isinstance(level, str):
        return level
    if isinstance(level, Mapping):
        return "|".join(f"{k}:{_level_label(v)}" for k, v in level.items())
    if isinstance(level, tuple | list | set | frozenset):
        return "|".join(_level_label(v) for v in level)
    return str(level)


def _check_strategy(value: object, name: str) -> Strategy:
    if not isinstance(value, Strategy):
        raise TypeError(f"{name!r} must be a Strategy; got {value!r}.")
    return value


def _replace(base: Strategy, changes: Mapping[str, object], where: str) -> Strategy:
    """``dataclasses.replace`` whose validation errors say which arm or level they come from."""
    try:
        return replace(base, **changes)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{where}: {exc}") from None


def _factor_levels(base: Strategy, factors: object) -> dict[str, list[tuple[str, object]]]:
    """Validate ``factors``; return factor -> [(label, level), ...] in the given order."""
    if not isinstance(factors, Mapping):
        raise TypeError(
            f"'factors' must map strategy fields to sequences of levels; got {factors!r}."
        )
    if not factors:
        raise ValueError("'factors' must name at least one strategy field; got {}.")
    allowed = _strategy_fields(base)
    out: dict[str, list[tuple[str, object]]] = {}
    for factor, levels in factors.items():
        if factor not in allowed:
            raise ValueError(
                f"unknown factor {factor!r} for strategy {base.name!r}; factors must be fields "
                f"of the strategy: {allowed}."
            )
        if isinstance(levels, Mapping):
            pairs = [(str(label), level) for label, level in levels.items()]
        elif isinstance(levels, Sequence) and not isinstance(levels, str):
            pairs = [(_level_label(level), level) for level in levels]
        else:
            raise TypeError(
                f"levels of factor {factor!r} must be a sequence of values (or a mapping "
                f"label -> value); got {levels!r}."
            )
        if not pairs:
            raise ValueError(f"factor {factor!r} must have at least one level; got {levels!r}.")
        labels = [label for label, _ in pairs]
        repeated = sorted({label for label in labels if labels.count(label) > 1})
        if repeated:
            raise ValueError(
                f"levels of factor {factor!r} must be distinct; got {labels} ({repeated} repeated)."
            )
        for label, level in pairs:
            _replace(base, {factor: level}, f"factor {factor!r}, level {label!r}")
        out[factor] = pairs
    return out


def factorial_arms(
    base: Strategy,
    factors: Mapping[str, Sequence | Mapping],
    *,
    fraction: str | None = None,
    name: str | None = None,
) -> dict[str, Strategy]:
    r"""Arms of a factorial design: every combination of factor levels applied to a strategy.

    Parameters
    ----------
    base : Strategy
        The strategy whose fields are varied; fields that are not factors keep its values.
    factors : mapping of str to sequence
        Strategy field -> its levels, e.g. ``{"frequency_cap": [False, True],
        "suppress_weeks_after_purchase": [0, 2, 4]}``. Any field of ``base`` can be a factor
        (``contact_pressure``, ``channels``, the integration mechanisms, costs, ...). The levels
        may also be given as a mapping label -> level, the labels then naming the arms (useful
        for long levels such as channel mixes).
    fraction : {"half"}, default=None
        None for the full factorial; ``"half"`` for the half fraction :math:`2^{k-1}` of a
        design of :math:`k \geq 3` factors with exactly two levels each: coding the first
        level of each factor -1 and the second +1, the runs whose product of codes is +1
        (defining relation I = AB...K). Main effects are then aliased with interactions of
        :math:`k-1` factors (resolution :math:`k`). With an odd number of factors the run with
        every factor at its first level is not in the fraction.
    name : str, default=None
        Prefix of the arm names, ``"{name}[...]"``, to tell the arms of two designs apart when
        they are simulated together; none when None.

    Returns
    -------
    dict of str to Strategy
        One arm per run, in the order of :func:`itertools.product` over the factors (the last
        factor varies fastest), named ``"factor=level,factor=level"`` in the order of
        ``factors``, e.g. ``"frequency_cap=True,respect_consent=False"``. A level is labelled by
        its value (``str``), a collection by its items joined by ``|`` (``email|sms``), a
        mapping by ``key:value`` items joined by ``|``.

    Raises
    ------
    TypeError, ValueError
        If ``base`` is not a strategy, a factor is not one of its fields (the message lists
        them), a factor has no level or repeated levels, ``fraction`` is unknown or the half
        fraction does not apply, or a level is invalid for the strategy (its own validation
        message, prefixed with the factor and level, or with the arm for combinations).

    See Also
    --------
    integration_path : the :math:`2^k` arms between two strategies.

    Notes
    -----
    Each arm is ``dataclasses.replace(base, **levels)``, so the base's own checks run on every
    arm. Simulate the arms together, ``simulate(population, arms)``, to estimate main effects
    and interactions from one randomised population.

    References
    ----------
    .. [1] Box, G. E. P., Hunter, J. S. and Hunter, W. G. (2005). *Statistics for
       Experimenters*, 2nd ed., Wiley, chapters 5 (factorial designs) and 6 (fractional
       factorial designs).

    Examples
    --------
    >>> from mcstudy.model import SiloedMultichannel, factorial_arms
    >>> arms = factorial_arms(SiloedMultichannel(), {"respect_consent": [False, True],
    ...                                              "suppress_weeks_after_purchase": [0, 2]})
    >>> list(arms)[1]
    'respect_consent=False,suppress_weeks_after_purchase=2'
    """
    base = _check_strategy(base, "base")
    levels = _factor_levels(base, factors)
    if name is not None and not isinstance(name, str):
        raise TypeError(f"'name' must be a str or None; got {name!r}.")
    if name == "":
        raise ValueError("'name' must be a non-empty str or None; got ''.")
    runs = list(itertools.product(*(range(len(v)) for v in levels.values())))
    if fraction is not None:
        check_option(fraction, "fraction", _FRACTIONS)
        if len(levels) < 3:
            raise ValueError(
                f"fraction='half' needs at least 3 two-level factors (with fewer, main effects "
                f"are aliased with each other); got {len(levels)} factor(s) {list(levels)}."
            )
        not_two = {f: len(v) for f, v in levels.items() if len(v) != 2}
        if not_two:
            raise ValueError(
                f"fraction='half' needs exactly 2 levels for every factor; got {not_two} "
                f"(factor: number of levels)."
            )
        # codes -1 / +1 for the first / second level: product +1 <=> even number of 'first'.
        runs = [run for run in runs if sum(1 for i in run if i == 0) % 2 == 0]
    arms: dict[str, Strategy] = {}
    for run in runs:
        chosen = {f: levels[f][i] for f, i in zip(levels, run, strict=True)}
        arm = ",".join(f"{f}={label}" for f, (label, _) in chosen.items())
        if name is not None:
            arm = f"{name}[{arm}]"
        if arm in arms:
            raise ValueError(
                f"two runs of the design get the same arm name {arm!r}; give the levels "
                f"distinct labels (pass them as a mapping label -> level)."
            )
        arms[arm] = _replace(base, {f: level for f, (_, level) in chosen.items()}, f"arm {arm!r}")
    return arms


# --- integration paths -----------------------------------------------------------------------


def _path_factors(base: Strategy, target: Strategy, factors: object) -> dict[str, tuple[str, ...]]:
    """Factor name -> the fields it switches from base to target."""
    base_fields, target_fields = _strategy_fields(base), _strategy_fields(target)
    if set(base_fields) != set(target_fields):
        raise ValueError(
            f"'base' ({base.name!r}) and 'target' ({target.name!r}) must have the same fields; "
            f"fields of only one of them: {sorted(set(base_fields) ^ set(target_fields))}."
        )
    if factors is None:
        differ = [f for f in base_fields if getattr(base, f) != getattr(target, f)]
        groups = {f: (f,) for f in differ}
    elif isinstance(factors, Mapping):
        groups = {}
        for group, members in factors.items():
            if isinstance(members, str):
                members = (members,)
            if not isinstance(group, str) or not isinstance(members, Sequence) or not members:
                raise TypeError(
                    f"'factors' as a mapping must map factor names to non-empty sequences of "
                    f"strategy fields; got {group!r}: {members!r}."
                )
            groups[group] = tuple(members)
    elif isinstance(factors, Sequence) and not isinstance(factors, str):
        groups = {f: (f,) for f in factors}
    else:
        raise TypeError(
            f"'factors' must be None, a sequence of strategy fields or a mapping factor -> "
            f"fields; got {factors!r}."
        )
    seen: dict[str, str] = {}
    for group, members in groups.items():
        for f in members:
            if f not in base_fields:
                raise ValueError(
                    f"unknown factor {f!r} for strategy {base.name!r}; factors must be fields "
                    f"of the strategy: {base_fields}."
                )
            if f in seen:
                raise ValueError(
                    f"field {f!r} is in two factors, {seen[f]!r} and {group!r}; each field can "
                    f"be switched by one factor only."
                )
            seen[f] = group
    if not groups:
        raise ValueError(
            f"'base' and 'target' do not differ in any field, so there is no path between "
            f"them; got base={base!r}, target={target!r}."
        )
    if len(groups) > MAX_PATH_FACTORS:
        raise ValueError(
            f"an integration path over {len(groups)} factors needs 2**{len(groups)} arms; at "
            f"most {MAX_PATH_FACTORS} factors are allowed. Pass 'factors' (a list of fields, or "
            f"a mapping that groups fields, e.g. the cost fields, into one factor); got "
            f"{list(groups)}."
        )
    return groups


def integration_path(
    base: Strategy,
    target: Strategy,
    factors: Sequence[str] | Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Strategy]:
    """The :math:`2^k` arms from ``base`` to ``target``, switching :math:`k` factors on or off.

    Parameters
    ----------
    base : Strategy
        Where the path starts (every factor off).
    target : Strategy
        Where it ends (every factor on); it must have the same fields as ``base`` (any two
        presets of :data:`~mcstudy.model.STRATEGIES` except ``monochannel`` qualify).
    factors : sequence of str or mapping of str to sequence of str, default=None
        The fields switched; None for every field in which ``base`` and ``target`` differ.
        A mapping groups fields into one factor, e.g. ``{"costs": ("fixed_investment_eur",
        "running_cost_per_week_eur"), "frequency_cap": ("frequency_cap",)}``. At most
        :data:`MAX_PATH_FACTORS` factors.

    Returns
    -------
    dict of str to Strategy
        ``2**k`` arms: ``base`` with the fields of the switched-on factors taken from
        ``target``, named by those factors joined by ``"+"`` in the order of ``factors`` (the
        order of the strategy fields when None), ``"none"`` for ``base`` itself. Arms are
        ordered by the number of factors on, then as :func:`itertools.combinations` lists them.
        Fields that differ but are not factors keep ``base``'s values in every arm, so the
        arm with every factor on equals ``target`` only when the factors cover every
        difference. Arms have the class of ``base``.

    Raises
    ------
    TypeError, ValueError
        If an argument is not a strategy, a factor is not a field (the message lists them) or
        is given twice, the strategies have different fields or do not differ, there are more
        than :data:`MAX_PATH_FACTORS` factors, or an arm is invalid.

    See Also
    --------
    shapley_decomposition : the share of the outcome difference due to each factor.
    factorial_arms : general factorial designs.

    Examples
    --------
    >>> from dataclasses import replace
    >>> from mcstudy.model import CrossChannel, Omnichannel, integration_path
    >>> omni = replace(Omnichannel(), deployment_lag_weeks=13)
    >>> list(integration_path(CrossChannel(), omni, ["frequency_cap", "route_by_preference"]))
    ['none', 'frequency_cap', 'route_by_preference', 'frequency_cap+route_by_preference']
    """
    base = _check_strategy(base, "base")
    target = _check_strategy(target, "target")
    groups = _path_factors(base, target, factors)
    names = list(groups)
    arms: dict[str, Strategy] = {}
    for k in range(len(names) + 1):
        for on in itertools.combinations(names, k):
            arm = "+".join(on) if on else "none"
            changes = {f: getattr(target, f) for group in on for f in groups[group]}
            arms[arm] = _replace(base, changes, f"arm {arm!r}")
    return arms
