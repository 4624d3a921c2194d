"""Profiles and channel choice (mcstudy.studies.profiles)."""

import numpy as np
import pandas as pd
import pytest

from mcstudy.experiments import design_stream, replicate
from mcstudy.model.context import model_context
from mcstudy.studies.affinity_gap import GAP_GAINS, GAP_OUTCOMES, pressure_parameters
from mcstudy.studies.profiles import (
    GAP_COMPARATORS,
    GAP_POLICIES,
    GAP_STATISTICS,
    PROFILE_STATISTICS,
    AffinityGapSweep,
    affinity_gap_statistics,
    affinity_gap_sweep,
    channel_reach,
    equal_contact_pressures,
    gap_affinities,
    profile_channel_association,
    profile_statistics,
    statistics_of,
    with_affinity_gap,
)


def _values(table):
    """A profile study's table: statistics by name, outcomes by (profile, policy, metric)."""
    out = statistics_of(table)
    arms = table[table["profile"].notna()]
    out.update({(r.profile, r.policy, r.metric): r.value for r in arms.itertuples()})
    return out


def test_channel_reach_on_a_hand_built_list():
    preferred = pd.Series(["email"] * 5 + ["telephone"] * 3 + ["website"] * 2)
    reach = channel_reach(preferred, order=("website", "email", "sms", "telephone"))
    assert reach["reach"].tolist() == pytest.approx([0.2, 0.7, 0.7, 1.0])
    assert reach["gain"].tolist() == pytest.approx([0.2, 0.5, 0.0, 0.3])


def test_statistics_are_reproducible_and_weighted_by_profile_shares():
    a = _values(profile_statistics({"n_customers": 600, "n_weeks": 8}, np.random.SeedSequence(1)))
    b = _values(profile_statistics({"n_customers": 600, "n_weeks": 8}, np.random.SeedSequence(1)))
    assert a == b
    assert all(np.isfinite(a[k]) for k in PROFILE_STATISTICS)
    m = "margin_per_customer_eur"
    assert a["all", "segment", m] == pytest.approx(
        0.5 * a["social", "segment", m] + 0.5 * a["autonomous", "segment", m]
    )
    assert a["segment_minus_uniform_margin"] == pytest.approx(
        a["all", "segment", m] - a["all", "uniform", m]
    )
    # all social: the overall outcomes are the social ones
    c = _values(
        profile_statistics(
            {"n_customers": 600, "n_weeks": 8, "population.social_share": 1.0},
            np.random.SeedSequence(1),
        )
    )
    assert c["all", "uniform", m] == pytest.approx(c["social", "uniform", m])


def test_statistics_take_each_arms_pressure_and_reach_equal_contacts():
    pressures = equal_contact_pressures(1.0, n_customers=2000, n_weeks=8, rng=4)
    mine = pressure_parameters(pressures)
    assert set(mine) == {
        f"pressure_{policy}_{profile}"
        for policy in ("uniform", "segment", "individual")
        for profile in ("social", "autonomous")
    }
    out = _values(
        profile_statistics({"n_customers": 2000, "n_weeks": 8, **mine}, np.random.SeedSequence(5))
    )
    contacts = [
        out["all", p, "contacts_per_customer"] for p in ("uniform", "segment", "individual")
    ]
    assert max(contacts) / min(contacts) < 1.05
    unequal = _values(
        profile_statistics({"n_customers": 2000, "n_weeks": 8}, np.random.SeedSequence(5))
    )
    ratio = (
        unequal["all", "individual", "contacts_per_customer"]
        / unequal["all", "segment", "contacts_per_customer"]
    )
    assert ratio > 1.3
    # one arm's pressure moves that arm only (same streams)
    silent = _values(
        profile_statistics(
            {"n_customers": 600, "n_weeks": 8, "pressure_segment_social": 0.0},
            np.random.SeedSequence(1),
        )
    )
    base = _values(
        profile_statistics({"n_customers": 600, "n_weeks": 8}, np.random.SeedSequence(1))
    )
    assert silent["social", "segment", "contacts_per_customer"] == 0.0
    assert silent["social", "uniform", "contacts_per_customer"] == pytest.approx(
        base["social", "uniform", "contacts_per_customer"]
    )


def test_association_of_profile_and_service_channel():
    out = profile_channel_association(3000, n_weeks=8, rng=2)
    assert set(out["table"].index) == {"social", "autonomous"}
    assert 0 <= out["cramers_v"] <= 1 and out["n"] == out["table"].to_numpy().sum()
    assert {"channel", "log_odds_social_vs_autonomous", "ci_low", "ci_high"} <= set(
        out["mnlogit"].columns
    )


def test_bad_parameters():
    with pytest.raises(ValueError, match=r"'n_customers' must be an int in"):
        profile_statistics({"n_customers": 5}, np.random.SeedSequence(0))
    with pytest.raises(ValueError, match=r"parameter 'population.tiers' cannot be set"):
        profile_statistics({"population.tiers": 1.0}, np.random.SeedSequence(0))
    with pytest.raises(ValueError, match=r"'pressure_individual_social' must be .* got -1"):
        profile_statistics({"pressure_individual_social": -1.0}, np.random.SeedSequence(0))


# --- the affinity-gap sweep ---------------------------------------------------------------


def test_gap_affinities_scale_every_log_ratio():
    base = np.array([[3.0, 1.0, 2.5], [1.0, 2.5, 0.8]])
    assert gap_affinities(base, 1.0) == pytest.approx(base)
    same = gap_affinities(base, 0.0)
    assert same[0] == pytest.approx(same[1])
    assert same[0] == pytest.approx(np.sqrt(base[0] * base[1]))
    for g in (0.5, 2.0, 3.0):
        out = gap_affinities(base, g)
        assert (out > 0).all()
        assert out[0] / out[1] == pytest.approx((base[0] / base[1]) ** g)
        # the geometric mean of the two profiles stays where it was
        assert np.sqrt(out[0] * out[1]) == pytest.approx(np.sqrt(base[0] * base[1]))


def test_with_affinity_gap_changes_only_the_profile_weights():
    channels = model_context().channels
    wider = with_affinity_gap(channels, 2.0)
    assert wider.affinity == pytest.approx(gap_affinities(channels.affinity, 2.0))
    assert wider.cost_per_contact_eur == pytest.approx(channels.cost_per_contact_eur)
    assert wider.referral == pytest.approx(channels.referral)
    flat = with_affinity_gap(channels, 0.0)
    assert flat.affinity[0] == pytest.approx(flat.affinity[1])
    # the source catalogue is left as it was
    assert channels.affinity == pytest.approx(model_context().channels.affinity)


def test_gap_policies_segment_is_pooled_when_profiles_are_alike():
    from mcstudy.studies.affinity_gap import _gap_policies

    channels = model_context().channels
    flat = _gap_policies(with_affinity_gap(channels, 0.0), 0.3)
    for profile in ("social", "autonomous"):
        assert flat[profile]["segment"].channels == pytest.approx(flat[profile]["pooled"].channels)
    apart = _gap_policies(channels, 0.3)
    social, autonomous = (
        apart["social"]["segment"].channels,
        apart["autonomous"]["segment"].channels,
    )
    assert social["telephone"] > autonomous["telephone"]
    assert social["postal_mail"] < autonomous["postal_mail"]
    # pooled is the share-weighted mean of the two segment mixes
    assert apart["social"]["pooled"].channels["telephone"] == pytest.approx(
        0.3 * social["telephone"] + 0.7 * autonomous["telephone"]
    )


def test_gap_statistics_are_reproducible_differences_and_move_with_the_gap():
    params = {"n_customers": 500, "n_weeks": 8}
    a = _values(affinity_gap_statistics({**params, "affinity_gap": 2.0}, np.random.SeedSequence(3)))
    b = _values(affinity_gap_statistics({**params, "affinity_gap": 2.0}, np.random.SeedSequence(3)))
    assert a == b
    assert all(np.isfinite(a[k]) for k in GAP_STATISTICS)
    m = "contact_cost_per_customer_eur"
    assert a["segment_minus_pooled_contact_cost"] == pytest.approx(
        a["all", "segment", m] - a["all", "pooled", m]
    )
    assert a["all", "uniform", m] == pytest.approx(
        0.5 * a["social", "uniform", m] + 0.5 * a["autonomous", "uniform", m]
    )
    # a wider gap puts more of the social segment's contacts on the telephone (7 EUR a call)
    flat = _values(
        affinity_gap_statistics({**params, "affinity_gap": 0.0}, np.random.SeedSequence(3))
    )
    assert a["social", "segment", m] > 1.2 * flat["social", "segment", m]
    assert a["autonomous", "segment", m] < flat["autonomous", "segment", m]
    # an arm's own pressure is used
    silent = _values(
        affinity_gap_statistics(
            {**params, "pressure_individual_social": 0.0}, np.random.SeedSequence(3)
        )
    )
    assert silent["social", "individual", "contacts_per_customer"] == 0.0
    assert silent["autonomous", "individual", "contacts_per_customer"] > 0.0


def test_equal_contact_pressures_equalise_contacts():
    pressures = equal_contact_pressures(1.0, n_customers=2000, n_weeks=8, rng=4)
    assert set(pressures) == {
        f"pressure_{policy}_{profile}"
        for policy in ("uniform", "pooled", "segment", "individual")
        for profile in ("social", "autonomous")
    }
    # routing re-spreads the pressure over consented channels: fewer planned contacts needed
    assert pressures["pressure_individual_social"] < 0.8 * pressures["pressure_uniform_social"]
    out = _values(
        affinity_gap_statistics(
            {"n_customers": 2000, "n_weeks": 8, **pressures}, np.random.SeedSequence(5)
        )
    )
    contacts = [out["all", p, "contacts_per_customer"] for p in GAP_POLICIES]
    assert max(contacts) / min(contacts) < 1.05
    unequal = _values(
        affinity_gap_statistics({"n_customers": 2000, "n_weeks": 8}, np.random.SeedSequence(5))
    )
    assert (
        unequal["all", "individual", "contacts_per_customer"]
        > 1.3 * (unequal["all", "uniform", "contacts_per_customer"])
    )


def test_sweep_uses_the_same_streams_at_every_gap():
    sweep = affinity_gap_sweep(
        [1.0, 0.0], n_customers=300, n_weeks=6, n_replications=3, rng=9, pilot_customers=300
    )
    assert sweep.gaps == (0.0, 1.0)
    assert sorted(sweep.runs["affinity_gap"].unique()) == [0.0, 1.0]
    assert sweep.runs["seed"].nunique() == 1
    summary = sweep.summary()
    assert len(summary) == 2 * len(GAP_STATISTICS)
    assert set(summary["comparator"]) == set(GAP_COMPARATORS)
    assert (summary["n_replications"] == 3).all()
    # replication r at one gap is the replicate() run at that gap with the same root seed
    again = replicate(
        affinity_gap_statistics,
        params={
            "affinity_gap": 1.0,
            "n_customers": 300,
            "n_weeks": 6,
            **equal_contact_pressures(
                1.0,
                n_customers=300,
                n_weeks=6,
                rng=design_stream(9, "pilot"),
            ),
        },
        n_replications=3,
        rng=9,
        progress=False,
    )
    mine = sweep.runs[sweep.runs["affinity_gap"] == 1.0]
    assert mine["value"].to_numpy() == pytest.approx(again["value"].to_numpy())
    assert len(sweep.pressures) == 2 * 2 * len(GAP_POLICIES)


def _hand_built(values_by_gap):
    rows = [
        {"affinity_gap": g, "replication": r, "metric": m, "value": v + 0.01 * (r - 2)}
        for g, v in values_by_gap.items()
        for r in range(5)
        for m in GAP_STATISTICS
    ]
    return AffinityGapSweep(
        runs=pd.DataFrame(rows),
        pressures=pd.DataFrame(),
        gaps=tuple(values_by_gap),
        n_replications=5,
        seed=0,
    )


def test_distinguishable_from_is_the_start_of_the_last_run_of_one_sign():
    metric = "segment_minus_pooled_margin"
    assert _hand_built({0.0: 0.0, 1.0: 0.0, 2.0: 1.0, 3.0: 2.0}).distinguishable_from(metric) == 2.0
    assert _hand_built({0.0: -1.0, 1.0: -2.0}).distinguishable_from(metric) == 0.0
    # a sign change: only the last run counts
    assert _hand_built({0.0: 1.0, 1.0: -1.0, 2.0: -2.0}).distinguishable_from(metric) == 1.0
    assert np.isnan(_hand_built({0.0: 1.0, 1.0: 0.0}).distinguishable_from(metric))
    with pytest.raises(ValueError, match=r"'metric' must be one of"):
        _hand_built({0.0: 1.0}).distinguishable_from("margin")


def test_bad_gap_parameters():
    with pytest.raises(ValueError, match=r"'gap' must be a real number in \[0, 4\]"):
        gap_affinities([[1.0, 2.0], [2.0, 1.0]], 5.0)
    with pytest.raises(ValueError, match=r"'affinity' entries must be in \(0, inf\)"):
        gap_affinities([[1.0, 0.0], [2.0, 1.0]], 1.0)
    with pytest.raises(ValueError, match=r"'affinity' must have shape \(2, 2\)"):
        gap_affinities([[1.0, 2.0], [2.0, 1.0], [1.0, 1.0]], 1.0)
    with pytest.raises(ValueError, match=r"'affinity_gap' must be a real number in \[0, 4\]"):
        affinity_gap_statistics({"affinity_gap": -1.0}, np.random.SeedSequence(0))
    with pytest.raises(ValueError, match=r"'pressure_segment_social' must be a real number"):
        affinity_gap_statistics({"pressure_segment_social": 60.0}, np.random.SeedSequence(0))
    with pytest.raises(ValueError, match=r"'gaps' must be distinct"):
        affinity_gap_sweep([1.0, 1.0], n_replications=1, rng=0)
    with pytest.raises(ValueError, match=r"'gaps\[1\]' must be a real number in \[0, 4\]"):
        affinity_gap_sweep([1.0, 9.0], n_replications=1, rng=0)
    with pytest.raises(TypeError, match=r"'gaps' must be a non-empty sequence"):
        affinity_gap_sweep("1", n_replications=1, rng=0)
    with pytest.raises(TypeError, match=r"'channels' must be a ChannelSet"):
        with_affinity_gap("catalogue", 1.0)


def test_sweep_tables_are_tidy_and_named():
    sweep = affinity_gap_sweep(
        [0.0, 1.0], n_customers=300, n_weeks=6, n_replications=2, rng=9, pilot_customers=300
    )
    assert not sweep.runs["metric"].str.contains("/").any()
    gains = sweep.gains()
    assert set(gains["metric"]) == set(GAP_STATISTICS)
    row = GAP_GAINS.set_index("metric").loc["segment_minus_pooled_contact_cost"]
    assert (row["comparator"], row["outcome"]) == ("pooled", "contact_cost")
    picked = gains[gains["metric"] == "segment_minus_pooled_contact_cost"]
    assert set(picked["comparator"]) == {"pooled"} and set(picked["outcome"]) == {"contact_cost"}
    arms = sweep.arms()
    assert arms.index.names == ["affinity_gap", "profile", "policy"]
    assert arms.columns.name == "outcome"
    assert set(arms.columns) == set(GAP_OUTCOMES.values())
    # the segment's gain is the difference of the weighted arms, replication by replication
    at1 = arms.loc[1.0, "all"]
    m = GAP_OUTCOMES["margin"]
    mean = gains[gains["metric"] == "segment_minus_uniform_margin"]
    assert mean[mean["affinity_gap"] == 1.0]["value"].mean() == pytest.approx(
        at1.loc["segment", m] - at1.loc["uniform", m]
    )
    pressures = sweep.pressures
    assert list(pressures.columns) == ["affinity_gap", "profile", "policy", "pressure"]
    assert set(pressures["policy"]) == set(GAP_POLICIES)


def test_pressure_parameters_pick_policies_by_name():
    pressures = {
        f"pressure_{p}_{q}": float(k)
        for k, (p, q) in enumerate((p, q) for q in ("social", "autonomous") for p in GAP_POLICIES)
    }
    picked = pressure_parameters(pressures, ("pooled",))
    assert picked == {"pressure_pooled_social": 1.0, "pressure_pooled_autonomous": 5.0}
    assert list(pressure_parameters(pressures)) == [
        "pressure_uniform_social",
        "pressure_segment_social",
        "pressure_individual_social",
        "pressure_uniform_autonomous",
        "pressure_segment_autonomous",
        "pressure_individual_autonomous",
    ]
    with pytest.raises(ValueError, match=r"'policies' must be among .*got \['mixed'\]"):
        pressure_parameters(pressures, ("mixed",))
    with pytest.raises(ValueError, match=r"'pressures' lacks \['pressure_uniform_social'"):
        pressure_parameters({}, ("uniform",))


def test_profile_statistics_table_is_tidy():
    table = profile_statistics({"n_customers": 300, "n_weeks": 6}, np.random.SeedSequence(2))
    assert list(table.columns) == ["profile", "policy", "metric", "value"]
    assert not table["metric"].str.contains("/").any()
    stats = table[table["profile"].isna()]
    assert list(stats["metric"]) == list(PROFILE_STATISTICS) and stats["policy"].isna().all()
    arms = table[table["profile"].notna()]
    assert set(arms["profile"]) == {"social", "autonomous", "all"}
    assert set(arms["policy"]) == {"uniform", "segment", "individual"}
    assert statistics_of(table) == dict(zip(stats["metric"], stats["value"], strict=True))
