"""Model objects for a point of the parameter space (mcstudy.model.context)."""

import pytest

from mcstudy.io import load_channels
from mcstudy.model.context import model_context
from mcstudy.model.population import PopulationSpec
from mcstudy.model.response import ResponseSpec


def test_the_empty_point_is_the_reference_context():
    ctx = model_context()
    assert ctx.population == PopulationSpec() and ctx.response == ResponseSpec()
    catalogue = load_channels().set_index("channel")
    assert list(ctx.channels.intrusiveness) == list(
        catalogue.loc[list(ctx.channels.names), "intrusiveness"]
    )


def test_values_are_applied_by_their_parameter_table_names():
    ctx = model_context(
        {
            "population.attention_mean": 3.0,
            "population.consent_rate": 0.8,
            "response.irritation_per_contact": 0.1,
            "channel.persuasion": 2.0,  # a factor on every channel
            "channel.intrusiveness.sms": 0.9,  # one channel's own value
        }
    )
    catalogue = load_channels().set_index("channel")
    names = list(ctx.channels.names)
    assert ctx.population.attention_mean == 3.0 and ctx.population.consent_rate == 0.8
    assert ctx.response.irritation_per_contact == 0.1
    assert ctx.channels.intrusiveness[names.index("sms")] == 0.9
    assert (
        ctx.channels.intrusiveness[names.index("email")] == catalogue.loc["email", "intrusiveness"]
    )
    # persuasion is normalised by e-mail's, so a common factor leaves the weights unchanged
    assert list(ctx.channels.persuasion) == list(model_context().channels.persuasion)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"population.tier_shares": 0.5}, r"parameter 'population.tier_shares' cannot be set"),
        ({"strategy.contact_pressure": 1.0}, r"cannot be set: allowed are 'population.<field>'"),
        ({"channel.colour": 1.0}, r"parameter 'channel.colour' cannot be set"),
        ({"channel.intrusiveness.fax": 0.5}, r"names a channel that is not in the catalogue"),
        ({"response.irritation_per_contact": "high"}, r"must be a real number"),
        ({"population.attention_mean": 0.5}, r"'attention_mean' must be a real number in"),
    ],
)
def test_bad_points(params, match):
    with pytest.raises((ValueError, TypeError), match=match):
        model_context(params)
