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
from mcstudy.model.channels import DEFAULT_CHANNELS, ChannelSet
from mcstudy.model.population import PopulationSpec
from mcstudy.model.response import ResponseSpec

__all__ = ["ModelContext", "model_context"]

#: Numeric catalogue columns a ``channel.*`` parameter may name.
_CHANNEL_COLUMNS = (
    "cost_per_contact_eur",
    "service_cost_eur",
    "intrusiveness",
    "persuasion",
    "consent_withdrawal",
    "affinity_social",
    "affinity_autonomous",
)


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


def model_context(
    params: Mapping[str, float] | None = None,
    *,
    population: PopulationSpec | None = None,
    response: ResponseSpec | None = None,
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

    Returns
    -------
    ModelContext

    Raises
    ------
    ValueError
        On a name that is not one of these forms, naming it and the allowed forms; on a
        value the spec's own validation refuses.

    Examples
    --------
    >>> ctx = model_context({"response.irritation_per_contact": 0.1,
    ...                      "channel.intrusiveness.sms": 0.9})
    >>> ctx.response.irritation_per_contact
    0.1
    """
    population = population if population is not None else PopulationSpec()
    response = response if response is not None else ResponseSpec()
    pop_fields, resp_fields = _scalar_fields(PopulationSpec), _scalar_fields(ResponseSpec)
    pop, resp, scale, own = {}, {}, {}, {}
    for name, value in dict(params or {}).items():
        group, _, rest = str(name).partition(".")
        value = check_number(value, f"params[{name!r}]")
        if group == "population" and rest in pop_fields:
            pop[rest] = value
        elif group == "response" and rest in resp_fields:
            resp[rest] = value
        elif group == "channel" and rest in _CHANNEL_COLUMNS:
            scale[rest] = value
        elif group == "channel" and rest.partition(".")[0] in _CHANNEL_COLUMNS and "." in rest:
            column, _, channel = rest.partition(".")
            own[(column, channel)] = value
        else:
            raise ValueError(
                f"parameter {name!r} cannot be set: allowed are 'population.<field>' and "
                "'response.<field>' (scalar fields of PopulationSpec and ResponseSpec), "
                f"'channel.<column>' and 'channel.<column>.<channel>' with a column of "
                f"{list(_CHANNEL_COLUMNS)}."
            )
    catalogue = load_channels()
    for column, factor in scale.items():
        catalogue[column] = catalogue[column] * factor
    for (column, channel), value in own.items():
        rows = catalogue["channel"] == channel
        if not rows.any():
            raise ValueError(
                f"parameter 'channel.{column}.{channel}' names a channel that is not in the "
                f"catalogue; its channels: {catalogue['channel'].tolist()}."
            )
        catalogue.loc[rows, column] = value
    return ModelContext(
        dataclasses.replace(population, **pop),
        dataclasses.replace(response, **resp),
        ChannelSet(catalogue, names=DEFAULT_CHANNELS),
    )
