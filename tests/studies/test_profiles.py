"""Profiles and channel choice (mcstudy.studies.profiles)."""

import numpy as np
import pandas as pd
import pytest

from mcstudy.studies.profiles import (
    PROFILE_STATISTICS,
    channel_reach,
    profile_channel_association,
    profile_statistics,
)


def test_channel_reach_on_a_hand_built_list():
    preferred = pd.Series(["email"] * 5 + ["telephone"] * 3 + ["website"] * 2)
    reach = channel_reach(preferred, order=("website", "email", "sms", "telephone"))
    assert reach["reach"].tolist() == pytest.approx([0.2, 0.7, 0.7, 1.0])
    assert reach["gain"].tolist() == pytest.approx([0.2, 0.5, 0.0, 0.3])


def test_statistics_are_reproducible_and_weighted_by_profile_shares():
    a = profile_statistics({"n_customers": 600, "n_weeks": 8}, np.random.default_rng(1))
    b = profile_statistics({"n_customers": 600, "n_weeks": 8}, np.random.default_rng(1))
    assert a == b
    assert all(np.isfinite(a[k]) for k in PROFILE_STATISTICS)
    m = "margin_per_customer_eur"
    assert a[f"all/segment/{m}"] == pytest.approx(
        0.5 * a[f"social/segment/{m}"] + 0.5 * a[f"autonomous/segment/{m}"]
    )
    assert a["segment_minus_uniform_margin"] == pytest.approx(
        a[f"all/segment/{m}"] - a[f"all/uniform/{m}"]
    )
    # all social: the overall outcomes are the social ones
    c = profile_statistics(
        {"n_customers": 600, "n_weeks": 8, "population.social_share": 1.0},
        np.random.default_rng(1),
    )
    assert c[f"all/uniform/{m}"] == pytest.approx(c[f"social/uniform/{m}"])


def test_association_of_profile_and_service_channel():
    out = profile_channel_association(3000, n_weeks=8, rng=2)
    assert set(out["table"].index) == {"social", "autonomous"}
    assert 0 <= out["cramers_v"] <= 1 and out["n"] == out["table"].to_numpy().sum()
    assert {"channel", "log_odds_social_vs_autonomous", "ci_low", "ci_high"} <= set(
        out["mnlogit"].columns
    )


def test_bad_parameters():
    with pytest.raises(ValueError, match=r"'n_customers' must be an int in"):
        profile_statistics({"n_customers": 5}, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"parameter 'population.tiers' cannot be set"):
        profile_statistics({"population.tiers": 1.0}, np.random.default_rng(0))
