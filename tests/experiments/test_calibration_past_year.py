"""The calibration's statistics on customers drawn as past-year buyers (model.lapse)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mcstudy.experiments.calibration import (
    CHECK_STATISTICS,
    SIMULATED_STATISTICS,
    check_statistics,
    simulated_statistics,
)

PAST_YEAR = {"population.pre_period_weeks": 52}


def test_neutral_dropout_parameters_give_todays_statistics():
    neutral = {
        "population.pre_period_weeks": 0,
        "population.dropout_cv": 0.0,
        "population.pre_period_rate_ratio": 1.0,
    }
    for stats in (simulated_statistics, check_statistics):
        pd.testing.assert_frame_equal(
            stats(n_customers=5000, rng=3), stats(neutral, n_customers=5000, rng=3)
        )


def test_past_year_buyers_give_every_statistic_and_describe_the_same_customers():
    checks = check_statistics(PAST_YEAR, n_customers=8000, rng=5)
    fitted = simulated_statistics(PAST_YEAR, n_customers=8000, rng=5)
    assert tuple(checks.index) == CHECK_STATISTICS
    assert tuple(fitted.index) == SIMULATED_STATISTICS
    assert np.isfinite(checks.to_numpy()).all() and np.isfinite(fitted.to_numpy()).all()
    value = checks["value"]
    shares = [f"past_year_channel_share_{c}" for c in ("phone", "web", "multichannel")]
    assert (value[shares] > 0).all() and value[shares].sum() < 1
    assert 1 <= value["past_year_recency_mean_months"] <= 12
    pd.testing.assert_frame_equal(checks, check_statistics(PAST_YEAR, n_customers=8000, rng=5))


def test_more_dropout_among_past_year_buyers_lowers_conversion_and_lengthens_recency():
    low = {**PAST_YEAR, "response.churn_base_per_week": 0.003}
    high = {**PAST_YEAR, "response.churn_base_per_week": 0.06, "population.dropout_cv": 1.0}
    conv = [
        simulated_statistics(p, n_customers=20_000, rng=1).loc["control_conversion_rate", "value"]
        for p in (low, high)
    ]
    recency = [
        check_statistics(p, n_customers=20_000, rng=1).loc["past_year_recency_mean_months", "value"]
        for p in (low, high)
    ]
    assert conv[1] < 0.7 * conv[0]
    assert recency[1] > recency[0] + 0.3


def test_dropout_parameters_are_accepted_and_others_rejected():
    with pytest.raises(ValueError, match=r"parameters \['response.churn_effort'\] cannot be set"):
        check_statistics({"response.churn_effort": 0.1}, n_customers=1000)
    with pytest.raises(TypeError, match=r"'pre_period_weeks' must be an int in \[0, 520\]"):
        check_statistics({"population.pre_period_weeks": 52.0}, n_customers=1000)


def test_channel_mix_parameters_move_the_past_year_channel_shares():
    # fewer telephone-leaning (social) customers: fewer phone-only buyers, more web-only ones;
    # a broader repertoire: more multichannel buyers
    def shares(**changes):
        params = {**PAST_YEAR, **{f"population.{k}": v for k, v in changes.items()}}
        value = check_statistics(params, n_customers=20_000, rng=4)["value"]
        return value[[f"past_year_channel_share_{c}" for c in ("phone", "web", "multichannel")]]

    base = shares()
    autonomous = shares(social_share=0.2)
    broad = shares(breadth_rate=2.0)
    assert autonomous.iloc[0] < base.iloc[0] - 0.03 and autonomous.iloc[1] > base.iloc[1] + 0.03
    assert broad.iloc[2] > base.iloc[2] + 0.01


def test_recorded_channels_count_only_their_orders_and_their_baskets():
    # Hillstrom's file records the website's orders: in Hillstrom's retailer (telephone and
    # website) the recorded conversion and spend are those of the website's orders alone
    from mcstudy.experiments.calibration import RECORDED_BY_HILLSTROM
    from mcstudy.io import load_channels
    from mcstudy.model import ChannelSet

    retailer = ChannelSet(load_channels(), purchase=("telephone", "website"))

    def stats(recorded):
        return simulated_statistics(
            PAST_YEAR, n_customers=20_000, rng=2, channels=retailer, recorded=recorded
        )["value"]

    every, web, phone = stats(None), stats(RECORDED_BY_HILLSTROM), stats(("telephone",))
    for name in ("control_conversion_rate", "control_spend_per_customer"):
        assert 0 < web[name] < every[name] and 0 < phone[name] < every[name]
    # spend adds up over the channels (one basket per order); a converter may use both
    spend = "control_spend_per_customer"
    assert web[spend] + phone[spend] == pytest.approx(every[spend], rel=1e-12)
    # the visits do not depend on what the file records; both channels are every order
    assert web["control_visit_rate"] == every["control_visit_rate"]
    pd.testing.assert_series_equal(stats(("telephone", "website")), every)
    pd.testing.assert_series_equal(stats("website"), web)  # one name as a string


@pytest.mark.parametrize(
    ("recorded", "retailer"),
    [
        ((), False),
        (("shop",), False),
        (("email",), False),  # a contact channel, not a purchase channel
        (("face_to_face",), True),  # a purchase channel, but not the retailer's
        (("website", "website"), True),
    ],
)
def test_recorded_channels_must_be_purchase_channels_of_the_context(recorded, retailer):
    from mcstudy.io import load_channels
    from mcstudy.model import ChannelSet

    channels = ChannelSet(load_channels(), purchase=("telephone", "website")) if retailer else None
    with pytest.raises(ValueError, match=r"recorded must name one or more of the context's"):
        simulated_statistics(n_customers=1000, recorded=recorded, channels=channels)
