"""The simulator's relative cross-channel interaction (experiments.channel_interaction)."""

import pytest

from mcstudy.experiments.channel_interaction import (
    UndefinedInteractionError,
    simulated_relative_interaction,
)

#: Channels that do not compete: own attention and irritation per channel, no irritation at
#: all, attention far above one contact a week per channel, no synergy.
INDEPENDENT = {
    "response.fatigue_sharing": 0.0,
    "response.irritation_per_contact": 0.0,
    "response.clutter_irritation": 0.0,
    "population.attention_mean": 7.0,
    "response.channel_synergy": 0.0,
}


def test_independent_channels_add():
    r = simulated_relative_interaction(INDEPENDENT, n_customers=60_000, n_weeks=2, rng=3)
    assert r["effect_a"] > 0 and r["effect_b"] > 0
    assert abs(r["estimate"]) < 3 * r["se"]


def test_the_reference_context_is_sub_additive():
    # one attention budget and one irritation stock shared by the channels (fatigue_sharing 1)
    r = simulated_relative_interaction(n_customers=60_000, n_weeks=2, rng=3)
    assert r["estimate"] + 3 * r["se"] < 0


def test_synergy_raises_the_interaction_on_the_same_customers():
    low, high = (
        simulated_relative_interaction(
            {"response.channel_synergy": s}, n_customers=30_000, n_weeks=2, rng=5
        )
        for s in (-0.5, 0.5)
    )
    # common random numbers: the single-channel arms are the same customers with the same draws
    assert low["effect_a"] == high["effect_a"] and low["effect_b"] == high["effect_b"]
    assert high["estimate"] > low["estimate"]


def test_the_ratio_follows_from_its_parts_and_is_reproducible():
    a = simulated_relative_interaction(n_customers=5_000, n_weeks=2, rng=1)
    b = simulated_relative_interaction(n_customers=5_000, n_weeks=2, rng=1)
    assert a == b
    assert a["estimate"] == pytest.approx(a["interaction"] / (a["effect_a"] + a["effect_b"]))
    assert a["se"] > 0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"channels": ("email", "email")}, "two different outbound channels"),
        ({"channels": ("email", "chat")}, "two different outbound channels"),
        ({"channels": "email"}, "pair of channel names"),
        ({"n_customers": 10}, "n_customers"),
        ({"n_weeks": 0}, "n_weeks"),
    ],
)
def test_bad_input_is_named(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        simulated_relative_interaction(**kwargs)


def test_channels_that_add_nothing_are_refused():
    silent = {"response.persuasion_effect": 0.0, "response.visits_per_attended_contact": 0.0}
    with pytest.raises(UndefinedInteractionError, match="not at least 3 standard errors above"):
        simulated_relative_interaction(silent, n_customers=2_000, rng=1)
    from mcstudy.experiments.calibration import check_statistics
    from mcstudy.model import ResponseSpec

    quiet = ResponseSpec(persuasion_effect=0.0, visits_per_attended_contact=0.0)
    row = check_statistics(n_customers=2_000, rng=1, response=quiet).loc[
        "completejourney_relative_interaction"
    ]
    assert row.isna().all()  # unknown, as the spend ratio is without enough buyers


def test_everyone_consents_to_the_two_channels():
    from mcstudy.model import PopulationSpec

    low, high = (
        simulated_relative_interaction(
            n_customers=5_000, n_weeks=2, rng=2, population=PopulationSpec(consent_rate=rate)
        )
        for rate in (0.2, 0.9)
    )
    assert low == high


def test_the_calibration_checks_carry_the_statistic_on_their_own_stream():
    from mcstudy._random import seed_sequence
    from mcstudy.experiments.calibration import check_statistics
    from mcstudy.model import PopulationSpec, ResponseSpec

    checks = check_statistics(n_customers=4_000, rng=7)
    ss = seed_sequence(7)
    ss.spawn(3)  # the past year, SMS and direct-mail campaigns' streams come first
    direct = simulated_relative_interaction(
        n_customers=4_000,
        rng=ss.spawn(1)[0],
        population=PopulationSpec(),
        response=ResponseSpec(),
    )
    row = checks.loc["completejourney_relative_interaction"]
    assert (row["value"], row["se"]) == (direct["estimate"], direct["se"])


def test_params_and_a_context_are_not_both_given():
    from mcstudy.model import ResponseSpec

    with pytest.raises(ValueError, match="not both"):
        simulated_relative_interaction({"response.channel_synergy": 0.1}, response=ResponseSpec())
