"""The cross-channel and attribution studies of notebook 07."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from mcstudy.experiments import replicate
from mcstudy.io import load_referral_network
from mcstudy.model import PopulationSpec
from mcstudy.model.channels import default_referral_matrix
from mcstudy.model.context import model_context
from mcstudy.model.counterfactual import channel_contributions
from mcstudy.studies.cross_channel import (
    ATTRIBUTION_METHODS,
    CROSS_CHANNEL_ARMS,
    EMAIL_ARM,
    RATIO_CAP,
    STATISTICS,
    _log10_ratio,
    _ratio,
    celio_statistics,
    cross_channel_arms,
    cross_channel_outcomes,
    cross_channel_statistics,
    grading_table,
    ratio_of_means,
    ratio_statistics,
    referral_channels,
    share_table,
    strength_reaching,
)

SMALL = {"n_customers": 400, "n_weeks": 26}


@pytest.fixture(scope="module")
def full():
    return cross_channel_outcomes(SMALL, np.random.SeedSequence(5))


def _value(rows, metric, arm="", method="", channel="", purchase_channel=""):
    at = (
        (rows["arm"] == arm)
        & (rows["method"] == method)
        & (rows["channel"] == channel)
        & (rows["purchase_channel"] == purchase_channel)
        & (rows["metric"] == metric)
    )
    assert at.sum() == 1, (metric, arm, method, channel, purchase_channel)
    return float(rows.loc[at, "value"].iloc[0])


def test_arms_are_the_presets_without_costs_and_with_the_referral_strength():
    arms = cross_channel_arms(0.3)
    assert list(arms) == [*CROSS_CHANNEL_ARMS, EMAIL_ARM]
    assert arms["siloed"].referral_strength == 0.0
    assert arms["cross_channel"].referral_strength == 0.3
    assert arms[EMAIL_ARM].referral_strength == 0.3
    assert arms["omnichannel"].referral_strength == 1.0
    for s in arms.values():
        assert s.deployment_lag_weeks == 0 and s.fixed_investment_eur == 0.0
    assert list(cross_channel_arms(design="reference")) == ["cross_channel", EMAIL_ARM]
    with pytest.raises(ValueError, match="'design' must be one of"):
        cross_channel_arms(design="all")
    with pytest.raises(ValueError, match="referral_strength"):
        cross_channel_arms(1.5)


def test_referral_channels_use_box3_or_the_default_matrix():
    box3 = referral_channels("box3")
    names, purchase = box3.names, list(box3.purchase_channels)
    email = pd.Series(box3.referral[names.index("email")], index=purchase)
    assert email["face_to_face"] == pytest.approx(0.33)
    assert email["website"] == pytest.approx(0.59)
    default = referral_channels("default")
    np.testing.assert_allclose(default.referral, default_referral_matrix(names, purchase))
    assert len(load_referral_network()) == 6
    with pytest.raises(ValueError, match="'referral' must be one of"):
        referral_channels("celio")


def test_causal_shares_are_the_exact_leave_one_out_contributions(full):
    # the study's contributions must equal mcstudy's re-simulation ground truth on the same seed
    seed = np.random.SeedSequence(5)
    ctx = model_context()
    arms = cross_channel_arms(0.5)
    contrib = channel_contributions(
        PopulationSpec(n_customers=SMALL["n_customers"] * len(arms)),
        arms,
        rng=seed,
        n_weeks=SMALL["n_weeks"],
        channels=referral_channels("box3", ctx.channels),
        n_journeys=0,
        n_threads=1,
        progress=False,
    )
    totals = contrib.result.customers.groupby("arm", observed=True)["n_purchases"].sum()
    contrasts = contrib.arm_contrasts().set_index(["arm", "channel"])["n_purchases"]
    for (arm, channel), value in contrasts.items():
        if arm in CROSS_CHANNEL_ARMS:
            assert _value(full, "share", arm, "causal", channel) == pytest.approx(
                value / totals[arm]
            )


def test_credits_sum_to_the_credited_share_and_statistics_are_finite(full):
    assert np.isfinite(full["value"]).all()
    assert not full.duplicated(["arm", "method", "channel", "purchase_channel", "metric"]).any()
    channels = set(full.loc[(full["arm"] == "siloed") & (full["method"] == "causal"), "channel"])
    assert channels == {"email", "website", "postal_mail", "sms", "telephone"}
    for arm in CROSS_CHANNEL_ARMS:
        credited = _value(full, "credited_share", arm)
        assert 0.5 < credited <= 1.0
        for method in ATTRIBUTION_METHODS:
            total = sum(_value(full, "share", arm, method, c) for c in channels)
            assert total == pytest.approx(credited)
            assert -1.0 <= _value(full, "spearman", arm, method) <= 1.0
        # every rule credits all touched conversions; contacts cause far fewer
        assert _value(full, "causal_total", arm) < credited


def test_same_seed_same_statistics_and_the_matrix_plays_no_part_without_referral(full):
    again = cross_channel_outcomes(SMALL, np.random.SeedSequence(5))
    pd.testing.assert_frame_equal(again, full)
    other = cross_channel_outcomes({**SMALL, "referral": "default"}, np.random.SeedSequence(5))
    siloed = full["arm"] == "siloed"
    pd.testing.assert_frame_equal(other[other["arm"] == "siloed"], full[siloed])
    # referral moves purchases between channels and creates none: the purchases e-mail
    # causes are the same under both matrices, the channels they go through are not
    ref = "cross_channel"
    assert _value(other, "share", ref, "causal", "email") == _value(
        full, "share", ref, "causal", "email"
    )
    assert _value(other, "email_all_over_online_minus_one", ref) != _value(
        full, "email_all_over_online_minus_one", ref
    )


def test_flat_statistics_are_the_rows_they_name(full):
    flat = cross_channel_statistics(SMALL, np.random.SeedSequence(5))
    assert list(flat) == list(STATISTICS)
    for name, (arm, method, metric) in STATISTICS.items():
        assert flat[name] == _value(full, metric, arm, method)
    assert all("/" not in name for name in flat)


def test_reference_design_and_bad_parameters():
    ref = cross_channel_outcomes({**SMALL, "design": "reference"}, np.random.SeedSequence(1))
    assert set(ref["arm"]) == {"cross_channel", EMAIL_ARM}
    assert np.isfinite(_value(ref, "log10_shop_over_online", EMAIL_ARM))
    with pytest.raises(ValueError, match="'n_customers' must be an int"):
        cross_channel_statistics({"n_customers": 10}, np.random.SeedSequence(1))
    with pytest.raises(ValueError, match="'referral_strength'"):
        cross_channel_statistics(
            {**SMALL, "strategy.referral_strength": 2.0}, np.random.SeedSequence(1)
        )


def test_celio_ratio_follows_the_email_row_of_the_matrix():
    rows = celio_statistics(
        {"n_customers": 3000, "n_weeks": 26, "strengths": (0.0, 1.0)}, np.random.SeedSequence(2)
    )
    assert list(rows.columns) == ["matrix", "referral_strength", "metric", "value"]
    s = {(m, r, k): v for m, r, k, v in rows.itertuples(index=False) if k != "base_shop_share"}
    base = rows.loc[rows["metric"] == "base_shop_share", "value"].item()
    # without referral the matrix plays no part
    assert s["box3", 0.0, "causal_log10"] == s["default", 0.0, "causal_log10"]
    # with full referral e-mail sends 10 of 11 referred purchases to the shop under the
    # default row (Celio) and 33 of 92 under box 3's Internet row
    assert s["default", 1.0, "causal_log10"] > 0.5 > s["box3", 1.0, "causal_log10"]
    assert s["default", 1.0, "observed_log10"] > s["box3", 1.0, "observed_log10"]
    assert 0.0 < base < 1.0


def test_ratios_are_bounded():
    assert _ratio(3.0, 2.0) == 1.5
    assert _ratio(1.0, 0.0) == RATIO_CAP and _ratio(-1.0, -2.0) == -RATIO_CAP
    assert _ratio(0.0, 0.0) == 0.0
    assert _ratio(1e9, 1.0) == RATIO_CAP
    assert _log10_ratio(10.0, 1.0) == pytest.approx(1.0)
    assert _log10_ratio(-1.0, 1.0) == -3.0 and _log10_ratio(1.0, 0.0) == 3.0


def test_strength_reaching_interpolates_the_first_crossing():
    curve = pd.Series([0.0, 0.4, 1.2, 0.9], index=[0.0, 0.5, 1.0, 0.75])
    # sorted: 0 -> 0.0, 0.5 -> 0.4, 0.75 -> 0.9, 1.0 -> 1.2; crosses 1 between 0.75 and 1
    assert strength_reaching(curve, 1.0) == pytest.approx(0.75 + 0.1 / 0.3 * 0.25)
    assert strength_reaching(curve, 0.0) == 0.0
    assert np.isnan(strength_reaching(curve, 2.0))


def test_grading_and_share_tables_from_replications():
    runs = replicate(cross_channel_outcomes, params=SMALL, n_replications=2, rng=3, progress=False)
    grades = grading_table(runs)
    assert set(grades["arm"]) == set(CROSS_CHANNEL_ARMS)
    assert set(grades["method"]) == set(ATTRIBUTION_METHODS)
    assert (grades["n"] == 2).all() and (grades["ci_low"] <= grades["mean"]).all()
    shares = share_table(runs)
    assert list(shares.columns) == ["causal", *ATTRIBUTION_METHODS]
    assert set(shares.index) == {"email", "website", "postal_mail", "sms", "telephone"}


def test_ratio_of_means_known_answer_and_bad_input():
    est = ratio_of_means([2.0, 4.0, 6.0], [1.0, 2.0, 3.0])
    # every replication has ratio 2, so the linearised residuals are 0: a zero-width interval
    assert (est.estimate, est.ci_low, est.ci_high, est.n) == (2.0, 2.0, 2.0, 3)
    noisy = ratio_of_means([1.0, 3.0, 2.0, 2.0], [1.0, 1.0, 1.0, 1.0])
    # with a constant denominator it is the t-interval of the numerator's mean
    half = stats.t.ppf(0.975, 3) * np.std([1.0, 3.0, 2.0, 2.0], ddof=1) / 2.0
    assert noisy.ci_low == pytest.approx(2.0 - half) and noisy.ci_high == pytest.approx(2.0 + half)
    assert list(noisy.summary().columns) == ["estimate", "ci_low", "ci_high", "n", "se", "method"]
    with pytest.raises(ValueError, match="mean of 'denominator' must be > 0"):
        ratio_of_means([1.0, 2.0], [0.0, 0.0])
    with pytest.raises(ValueError, match="same length >= 2"):
        ratio_of_means([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="finite"):
        ratio_of_means([1.0, np.nan], [1.0, 1.0])


def test_ratio_statistics_agree_with_a_single_replication_ratio():
    runs = replicate(
        cross_channel_outcomes,
        params={**SMALL, "design": "reference"},
        n_replications=3,
        rng=4,
        progress=False,
    )
    table = ratio_statistics(runs)
    assert set(table.index) == {
        "catalogue_other_channel_share",
        "website_other_channel_share",
        "email_all_over_online_minus_one",
        "website_shop_minus_online_share",
        "log10_shop_over_online",
        "observed_log10_shop_over_online",
    }
    assert (table["ci_low"] <= table["estimate"]).all()
    assert (table["estimate"] <= table["ci_high"]).all()
    # the observed ratio of all purchases is the ratio of the pooled purchase counts
    bought = runs[(runs["arm"] == EMAIL_ARM) & (runs["metric"] == "purchases_per_customer")]
    per_channel = bought.groupby("purchase_channel")["value"].mean()
    shop, online = per_channel["face_to_face"], per_channel["website"]
    assert table.loc["observed_log10_shop_over_online", "estimate"] == (
        pytest.approx(np.log10(shop / online))
    )
