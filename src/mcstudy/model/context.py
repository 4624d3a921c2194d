"""The reference context, and the model objects for any point of the plausible parameter space.

A study runs in the calibrated reference context (the defaults of :class:`PopulationSpec`,
:class:`ResponseSpec` and the channel catalogue). Robustness designs move it: they set
parameters by their names in ``data/parameters.csv``. :func:`model_context` turns such a point
into the three objects :func:`mcstudy.simulate` takes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from mcstudy._validation import check_number
from mcstudy.io.catalogue import load_channels
from mcstudy.model.channels import (
    DEFAULT_CHANNELS,
    VALUE_COLUMNS,
    ChannelSet,
    check_catalogue,
    value_bounds,
)
from mcstudy.model.population import PopulationSpec
from mcstudy.model.response import ResponseSpec

__all__ = ["CONTEXTS", "ModelContext", "model_context"]

#: Reference contexts :func:`model_context` can start from.
CONTEXTS = ("consumer", "business")

#: Numeric catalogue columns a ``channel.*`` parameter may name.
_CHANNEL_COLUMNS = VALUE_COLUMNS


@dataclass(frozen=True)
class ModelContext:
    """The population, response and channels of one point of the parameter space."""

    population: PopulationSpec
    response: ResponseSpec
    channels: ChannelSet


def _scalar_fields(cls) -> set[str]:
    return {
        f.name
        for f in dataclasses.fields(cls)
        if str(f.type).startswith(("float", "int")) and f.name != "n_customers"
    }


def _classify(name: object) -> tuple[str | None, object]:
    """How :func:`model_context` applies parameter ``name``: ``(kind, key)``.

    ``kind`` is ``"population"`` or ``"response"`` (key: the field), ``"scale"`` (key: the
    catalogue column), ``"own"`` (key: ``(column, channel)``) or None for a name it cannot set.
    """
    group, _, rest = str(name).partition(".")
    if group == "population" and rest in _scalar_fields(PopulationSpec):
        return "population", rest
    if group == "response" and rest in _scalar_fields(ResponseSpec):
        return "response", rest
    if group == "channel" and rest in _CHANNEL_COLUMNS:
        return "scale", rest
    if group == "channel" and rest.partition(".")[0] in _CHANNEL_COLUMNS and "." in rest:
        column, _, channel = rest.partition(".")
        return "own", (column, channel)
    return None, None


def is_model_parameter(name: object) -> bool:
    """Whether :func:`model_context` can set parameter ``name``."""
    return isinstance(name, str) and _classify(name)[0] is not None


def model_context(
    params: Mapping[str, float] | None = None,
    *,
    population: PopulationSpec | None = None,
    response: ResponseSpec | None = None,
    catalogue=None,
    context: str = "consumer",
) -> ModelContext:
    """The model objects with ``params`` applied to the reference context.

    Parameters
    ----------
    params : mapping of str to float, default=None
        Values by their names in ``data/parameters.csv``: ``population.<field>`` and
        ``response.<field>`` (scalar fields of :class:`PopulationSpec` and
        :class:`ResponseSpec`); ``channel.<column>`` multiplies that catalogue column for
        every channel (the table's relative ranges); ``channel.<column>.<channel>`` sets one
        channel's value.
    population, response : default=None
        The context the values are applied to; the calibrated defaults when None.
    catalogue : pandas.DataFrame, default=None
        The channel catalogue the ``channel.*`` values are applied to (a copy is changed);
        ``data/channels.csv`` when None.
    context : {"consumer", "business"}, default="consumer"
        The reference context: the calibrated consumer one, or the business-customer one
        (:func:`mcstudy.model.business.business_context`, which then takes ``params``,
        ``population`` and ``response``; ``catalogue`` must be None).

    Returns
    -------
    ModelContext

    Raises
    ------
    TypeError
        If ``params`` is not a mapping, a value is not a real number, or ``population`` or
        ``response`` is not a :class:`PopulationSpec` or :class:`ResponseSpec`.
    ValueError
        On a name that is not one of these forms, naming it and the allowed forms; on a
        value that is not finite, or the spec's own validation refuses; on a channel factor
        that is not > 0, or a channel value (set, or scaled by a factor) outside the range of
        its catalogue column (:func:`mcstudy.model.channels.value_bounds`: the catalogue's
        bounds, stretched by the parameter table's largest factor).

    Examples
    --------
    >>> ctx = model_context({"response.irritation_per_contact": 0.1,
    ...                      "channel.intrusiveness.sms": 0.9})
    >>> ctx.response.irritation_per_contact
    0.1
    """
    if context not in CONTEXTS:
        raise ValueError(f"'context' must be one of {list(CONTEXTS)}; got {context!r}.")
    if context == "business":
        if catalogue is not None:
            raise ValueError("'catalogue' must be None with context='business' (it sets its own).")
        from mcstudy.model.business import business_context

        return business_context(params, population=population, response=response)
    population = population if population is not None else PopulationSpec()
    response = response if response is not None else ResponseSpec()
    if not isinstance(population, PopulationSpec):
        raise TypeError(f"'population' must be a PopulationSpec or None; got {population!r}.")
    if not isinstance(response, ResponseSpec):
        raise TypeError(f"'response' must be a ResponseSpec or None; got {response!r}.")
    if params is not None and not isinstance(params, Mapping):
        raise TypeError(
            f"'params' must be a mapping of parameter name to value, or None; got {params!r}."
        )
    pop, resp, scale, own = {}, {}, {}, {}
    for name, value in dict(params or {}).items():
        value = check_number(value, f"params[{name!r}]")
        kind, key = _classify(name)
        if kind == "population":
            pop[key] = value
        elif kind == "response":
            resp[key] = value
        elif kind == "scale":
            scale[key] = value
        elif kind == "own":
            own[key] = value
        else:
            raise ValueError(
                f"parameter {name!r} cannot be set: allowed are 'population.<field>' and "
                "'response.<field>' (scalar fields of PopulationSpec and ResponseSpec), "
                f"'channel.<column>' and 'channel.<column>.<channel>' with a column of "
                f"{list(_CHANNEL_COLUMNS)}."
            )
    if catalogue is None:
        catalogue = load_channels()
    else:
        check_catalogue(catalogue)
        catalogue = catalogue.copy()
    bounds = value_bounds()
    for column, factor in scale.items():
        if not factor > 0:
            raise ValueError(
                f"parameter 'channel.{column}' multiplies every channel's catalogue value: it "
                f"must be a factor > 0; got {factor!r}."
            )
        catalogue[column] = catalogue[column] * factor
        _check_channel_values(catalogue, column, f"channel.{column}", factor, bounds)
    for (column, channel), value in own.items():
        rows = catalogue["channel"] == channel
        if not rows.any():
            raise ValueError(
                f"parameter 'channel.{column}.{channel}' names a channel that is not in the "
                f"catalogue; its channels: {catalogue['channel'].tolist()}."
            )
        catalogue.loc[rows, column] = value
        _check_channel_values(catalogue, column, f"channel.{column}.{channel}", value, bounds)
    check_catalogue(catalogue)
    return ModelContext(
        dataclasses.replace(population, **pop),
        dataclasses.replace(response, **resp),
        ChannelSet(catalogue, names=DEFAULT_CHANNELS),
    )


def _check_channel_values(catalogue, column: str, name: str, value: float, bounds) -> None:
    """Raise, naming parameter ``name``, if a value of ``column`` left its allowed range."""
    low, high, low_open, allowed = bounds[column]
    values = catalogue[column].to_numpy(dtype=float)
    bad = (values <= low if low_open else values < low) | (values > high)
    if bad.any():
        i = int(bad.argmax())
        raise ValueError(
            f"parameter {name!r} = {value!r} gives channel {catalogue['channel'].iloc[i]!r} "
            f"{column} = {float(values[i])!r}; allowed are {allowed}."
        )
