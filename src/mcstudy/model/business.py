"""The business-customer reference context: accounts, B2B order values and B2B contact costs.

The calibrated reference context (:func:`mcstudy.model.model_context`) is a mail-order
retailer's consumers (Hillstrom's e-mail buyers, baskets of about 56 EUR). Claims about key
accounts and sales forces (source 000's GE Medical Systems case, channels by customer value)
need customers of another kind: firms that order often, with orders of hundreds to tens of
thousands of euros, served by sales visits, account managers, a call centre, mailings and
e-mail at business-to-business costs. :func:`business_context` builds that context from
``data/business_context.csv`` (every number with its source or marked as an assumption, and a
plausible range) on top of the same simulator: the same purchase response, attention,
irritation and consent mechanisms, with these numbers in place of the consumer ones.

Every number of the file is a parameter a robustness design can vary under its own name
(:func:`business_space`): ``business.basket_mean_eur``, ``business.purchase_rate_per_week``,
``business.tier_shares.<small|key_account>``, ``business.tier_value_multipliers.<tier>``
and ``business.<cost_per_contact_eur|persuasion|intrusiveness>.<channel>`` for the five
channels of :data:`BUSINESS_CHANNELS`. Any other name of ``data/parameters.csv`` that
:func:`mcstudy.model.model_context` sets (``population.*``, ``response.*``, ``channel.*``)
is applied on top.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence

import pandas as pd

from mcstudy._validation import check_number
from mcstudy.config import PACKAGE_DATA_DIR
from mcstudy.io.schema import read_csv
from mcstudy.model.population import PopulationSpec
from mcstudy.model.response import ResponseSpec

__all__ = [
    "BUSINESS_CHANNELS",
    "BUSINESS_CONTEXT_CSV",
    "business_context",
    "business_defaults",
    "business_space",
    "load_business_context",
]

#: The file of the business context's numbers.
BUSINESS_CONTEXT_CSV = PACKAGE_DATA_DIR / "business_context.csv"
#: Channels whose cost, persuasion and intrusiveness the business context sets.
BUSINESS_CHANNELS = ("face_to_face", "telephone", "call_centre", "postal_mail", "email")
_CHANNEL_COLUMNS = ("cost_per_contact_eur", "persuasion", "intrusiveness")
_TIER_NAMES = ("small", "medium", "key_account")
_COLUMNS = ("name", "default", "unit", "status", "low", "high", "source", "description")
_STATUSES = ("source", "assumption")
#: Population fields the business context sets; ``population.<field>`` may not set them too.
_OWN_FIELDS = ("basket_mean_eur", "purchase_rate_per_week")
#: Names derived from others, listed in the file but not set on their own.
_DERIVED = ("business.tier_shares.medium",)
#: Sanity domain of each kind of number (the model's, wider than the plausible ranges).
_DOMAIN = {
    "basket_mean_eur": (0.0, 1e7, True),
    "purchase_rate_per_week": (0.0, 10.0, True),
    "tier_shares": (0.0, 1.0, False),
    "tier_value_multipliers": (0.0, 1e6, True),
    "cost_per_contact_eur": (0.0, 2000.0, True),
    "persuasion": (0.0, 2.0, False),
    "intrusiveness": (0.0, 1.0, False),
}


def load_business_context(path=None) -> pd.DataFrame:
    """The business context's numbers: one row per parameter, with unit, status, range, source.

    Parameters
    ----------
    path : str or Path, default=None
        The file; ``data/business_context.csv`` (shipped in the package) when None.

    Returns
    -------
    pandas.DataFrame
        Columns ``name``, ``default``, ``unit``, ``status``, ``low``, ``high``, ``source``,
        ``description``; numbers as floats.

    Raises
    ------
    mcstudy.io.schema.DataValidationError
        If the file is not a UTF-8 CSV with exactly these columns.
    ValueError
        On a number that is not one, a repeated or unknown name, a status other than ``source`` or
        ``assumption``, an empty source, or a default outside ``[low, high]``.
    """
    path = BUSINESS_CONTEXT_CSV if path is None else path
    return _load(str(path)).copy()


@functools.lru_cache(maxsize=4)
def _load(path: str) -> pd.DataFrame:
    table = read_csv(path, _COLUMNS, exact=True).reset_index(drop=True)
    for col in ("default", "low", "high"):
        table[col] = pd.to_numeric(table[col], errors="raise").astype(float)
    repeated = sorted(set(table["name"][table["name"].duplicated()]))
    if repeated:
        raise ValueError(f"{path}: names {repeated} appear more than once.")
    for row in table.itertuples():
        if _kind(row.name) is None:
            raise ValueError(f"{path}: {row.name!r} is not a business-context parameter name.")
        if row.status not in _STATUSES:
            raise ValueError(
                f"{path}: {row.name!r} has status {row.status!r}; allowed: {list(_STATUSES)}."
            )
        if not str(row.source).strip():
            raise ValueError(f"{path}: {row.name!r} has no source.")
        if not row.low <= row.default <= row.high:
            raise ValueError(
                f"{path}: {row.name!r} default {row.default!r} outside [{row.low}, {row.high}]."
            )
    return table


def _kind(name: object) -> tuple[str, str | None] | None:
    """``(kind, channel or tier)`` of a business parameter name, None if it is not one."""
    if not isinstance(name, str) or not name.startswith("business."):
        return None
    parts = name.split(".")[1:]
    if len(parts) == 1 and parts[0] in ("basket_mean_eur", "purchase_rate_per_week"):
        return parts[0], None
    if len(parts) == 2 and parts[0] == "tier_shares" and parts[1] in _TIER_NAMES:
        return parts[0], parts[1]
    if len(parts) == 2 and parts[0] == "tier_value_multipliers":
        if parts[1] in ("medium", "key_account"):
            return parts[0], parts[1]
        return None
    if len(parts) == 2 and parts[0] in _CHANNEL_COLUMNS and parts[1] in BUSINESS_CHANNELS:
        return parts[0], parts[1]
    return None


def business_defaults() -> dict[str, float]:
    """The business context's reference values, by name (``data/business_context.csv``)."""
    table = _load(str(BUSINESS_CONTEXT_CSV))
    return dict(zip(table["name"], table["default"].astype(float), strict=True))


def business_space(names: Sequence[str] | None = None) -> dict[str, tuple[float, float]]:
    """Plausible ranges of business parameters, ``{name: (low, high)}``, for a robustness design.

    Parameters
    ----------
    names : sequence of str, default=None
        The parameters to vary; every settable one of the file when None (the medium tier's
        share, derived from the others, is left out).

    Returns
    -------
    dict of str to (float, float)
        The ranges, in the order given; pass them as ``parameters`` to
        :func:`mcstudy.experiments.robustness.assess_robustness`.

    Raises
    ------
    ValueError
        On a name that is not a settable parameter of the file.
    """
    table = _load(str(BUSINESS_CONTEXT_CSV)).set_index("name")
    settable = [n for n in table.index if n not in _DERIVED]
    if names is None:
        names = settable
    if isinstance(names, str) or not isinstance(names, Sequence):
        raise TypeError(f"'names' must be a sequence of parameter names or None; got {names!r}.")
    bad = [n for n in names if n not in settable]
    if bad:
        raise ValueError(
            f"'names' holds {bad}, not settable parameters of the business context; "
            f"allowed: {settable}."
        )
    return {n: (float(table.loc[n, "low"]), float(table.loc[n, "high"])) for n in names}


def _tier_shares(values: dict, defaults: dict) -> tuple[float, float, float]:
    """The three tier shares from ``business.tier_shares.small`` and ``.key_account``.

    Only ``small`` given: medium and key accounts keep their reference ratio; ``key_account``
    given: medium takes the rest.
    """
    if not values:
        return tuple(defaults[f"business.tier_shares.{t}"] for t in _TIER_NAMES)
    small = values.get("small", defaults["business.tier_shares.small"])
    key_default = defaults["business.tier_shares.key_account"]
    medium_default = defaults["business.tier_shares.medium"]
    if "key_account" in values:
        key = values["key_account"]
        medium = 1.0 - small - key
        if medium < -1e-12:
            raise ValueError(
                f"business.tier_shares.small = {small!r} and business.tier_shares.key_account "
                f"= {key!r} sum above 1; the medium share (1 - small - key_account) must be "
                ">= 0."
            )
        return small, max(medium, 0.0), key
    rest = (1.0 - small) / (medium_default + key_default)
    return small, medium_default * rest, key_default * rest


def business_context(
    params: Mapping[str, float] | None = None,
    *,
    population: PopulationSpec | None = None,
    response: ResponseSpec | None = None,
):
    """The model objects of the business-customer reference context, with ``params`` applied.

    Parameters
    ----------
    params : mapping of str to float, default=None
        Business parameters by their names in ``data/business_context.csv`` (see the module
        docstring; the medium tier's share is derived, not set) and any name
        :func:`mcstudy.model.model_context` sets, applied after them (``population.*`` other
        than ``population.basket_mean_eur`` and ``population.purchase_rate_per_week``, which
        the business context sets; ``response.*``; ``channel.*``).
    population, response : default=None
        The specs the business numbers are applied to; the calibrated defaults when None
        (attention, consent, irritation and the purchase response stay the model's).

    Returns
    -------
    mcstudy.model.context.ModelContext
        Population (business order rate, order values and tier shares), response and the
        channel catalogue with the business costs, persuasion and intrusiveness of
        :data:`BUSINESS_CHANNELS` (the other channels keep their catalogue values).

    Raises
    ------
    TypeError
        If ``params`` is not a mapping or a value not a real number.
    ValueError
        On a name that is neither a business parameter nor one :func:`model_context` sets,
        naming it and the allowed names; on a value outside its domain (a share outside
        [0, 1], a cost or order value not > 0...); on tier shares summing above 1; on
        ``population.basket_mean_eur`` or ``population.purchase_rate_per_week`` (set the
        business parameter instead).

    Examples
    --------
    >>> ctx = business_context({"business.cost_per_contact_eur.face_to_face": 400.0})
    >>> float(ctx.channels.catalogue.set_index("channel").loc["face_to_face",
    ...       "cost_per_contact_eur"])
    400.0
    """
    from mcstudy.io.catalogue import load_channels
    from mcstudy.model.context import is_model_parameter, model_context

    if params is not None and not isinstance(params, Mapping):
        raise TypeError(
            f"'params' must be a mapping of parameter name to value, or None; got {params!r}."
        )
    defaults = business_defaults()
    values = dict(defaults)
    shares: dict[str, float] = {}
    rest: dict[str, float] = {}
    settable = [n for n in defaults if n not in _DERIVED]
    for name, value in dict(params or {}).items():
        kind = _kind(name)
        if kind is not None and name not in _DERIVED:
            low, high, low_open = _DOMAIN[kind[0]]
            value = check_number(value, name, low, high, low_open=low_open)
            values[name] = value
            if kind[0] == "tier_shares":
                shares[kind[1]] = value
        elif name in _DERIVED:
            raise ValueError(
                f"parameter {name!r} is derived (1 - small - key_account) and cannot be set; "
                "set 'business.tier_shares.small' and/or 'business.tier_shares.key_account'."
            )
        elif name in (f"population.{f}" for f in _OWN_FIELDS):
            field = name.split(".", 1)[1]
            raise ValueError(
                f"parameter {name!r} is set by the business context; use 'business.{field}'."
            )
        elif is_model_parameter(name):
            rest[name] = value
        else:
            raise ValueError(
                f"parameter {name!r} cannot be set in the business context: allowed are "
                f"{settable} and the names mcstudy.model.model_context sets "
                "('population.<field>', 'response.<field>', 'channel.<column>[.<channel>]')."
            )
    population = population if population is not None else PopulationSpec()
    if not isinstance(population, PopulationSpec):
        raise TypeError(f"'population' must be a PopulationSpec or None; got {population!r}.")
    population = dataclasses.replace(
        population,
        basket_mean_eur=values["business.basket_mean_eur"],
        purchase_rate_per_week=values["business.purchase_rate_per_week"],
        tier_shares=_tier_shares(shares, defaults),
        tier_value_multipliers=(
            1.0,
            values["business.tier_value_multipliers.medium"],
            values["business.tier_value_multipliers.key_account"],
        ),
    )
    catalogue = load_channels()
    rows = catalogue.set_index("channel")
    for column in _CHANNEL_COLUMNS:
        for channel in BUSINESS_CHANNELS:
            rows.loc[channel, column] = values[f"business.{column}.{channel}"]
    catalogue = rows.reset_index()[catalogue.columns]
    catalogue.attrs["source"] = str(BUSINESS_CONTEXT_CSV)
    return model_context(rest, population=population, response=response, catalogue=catalogue)
