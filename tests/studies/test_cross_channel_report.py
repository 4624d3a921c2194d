"""The sales-mix parameter and the report tables of notebook 07."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from mcstudy.experiments import parameter_space
from mcstudy.studies.cross_channel import cross_channel_statistics
from mcstudy.studies.cross_channel_design import (
    ROBUSTNESS_PARAMETERS,
    SHOP_SHARE_RANGE,
    referral_channels,
    robustness_space,
    with_shop_share,
)
from mcstudy.studies.cross_channel_report import (
    INFLUENCE_ROWS,
    holds_by_parameter,
    influence_table,
    reach_phrase,
    upstream_table,
)

PURCHASE = ["face_to_face", "telephone", "postal_mail", "website"]


@pytest.mark.parametrize("share", [0.1, 0.5, 0.9, 0.95])
def test_shop_share_sets_each_profiles_base_purchase_weight(share):
    channels = with_shop_share(referral_channels("box3"), share)
    cat = channels.catalogue.set_index("channel").loc[PURCHASE]
    for column in ("affinity_social", "affinity_autonomous"):
        assert cat.loc["face_to_face", column] / cat[column].sum() == pytest.approx(share)
    # the other channels and the referral matrix are kept
    before = referral_channels("box3")
    np.testing.assert_array_equal(channels.referral, before.referral)
    kept = before.catalogue.set_index("channel").drop(index="face_to_face")
    pd.testing.assert_frame_equal(
        channels.catalogue.set_index("channel").drop(index="face_to_face"), kept
    )


def test_shop_share_bad_input_names_the_parameter():
    with pytest.raises(ValueError, match="'shop_share' must be .*0.1, 0.95.*got 0.99"):
        with_shop_share(referral_channels("box3"), 0.99)
    with pytest.raises(TypeError, match="'channels' must be a ChannelSet"):
        with_shop_share("box3", 0.5)
    with pytest.raises(ValueError, match="'shop_share'"):
        cross_channel_statistics(
            {"n_customers": 100, "n_weeks": 4, "shop_share": 0.0}, np.random.default_rng(1)
        )


def test_a_store_dominated_mix_moves_purchases_to_shops():
    rng = np.random.default_rng
    params = {"n_customers": 400, "n_weeks": 26, "design": "reference"}
    low = cross_channel_statistics({**params, "shop_share": 0.1}, rng(3))
    high = cross_channel_statistics({**params, "shop_share": 0.95}, rng(3))
    assert low["shop_share_of_purchases"] < 0.3 < 0.6 < high["shop_share_of_purchases"]


def test_robustness_space_adds_the_shop_share_to_the_table_ranges():
    space = robustness_space()
    assert list(space) == [*ROBUSTNESS_PARAMETERS, "shop_share"]
    assert space["shop_share"] == (*SHOP_SHARE_RANGE, "linear")
    assert SHOP_SHARE_RANGE[1] > 10 / 11  # reaches a mix where shops take ten sales in eleven
    table = parameter_space(list(ROBUSTNESS_PARAMETERS)).set_index("parameter")
    for name in ROBUSTNESS_PARAMETERS:
        assert space[name][:2] == (table.loc[name, "low"], table.loc[name, "high"])


def _stats(metrics):
    """A grouped replication summary: ``metrics`` maps (arm, method, metric) to the mean."""
    keys = list(metrics)
    return pd.DataFrame(
        {
            "arm": [k[0] for k in keys],
            "method": [k[1] for k in keys],
            "channel": "",
            "purchase_channel": "",
            "metric": [k[2] for k in keys],
            "mean": list(metrics.values()),
            "ci_low": -1.0,
            "ci_high": 1.0,
            "n_replications": 20,
        }
    )


def test_upstream_and_influence_tables_read_the_named_statistics():
    arms = ("siloed", "cross_channel", "omnichannel")
    metrics = {}
    for i, a in enumerate(arms):
        metrics[a, "last_touch", "upstream_gap"] = 0.1 * i
        metrics[a, "last_touch", "upstream_gap_normalised"] = -0.1 * i
        metrics[a, "", "n_upstream"] = 2.0 + i
    metrics["cross_channel", "", "email_shop_visit_share"] = 0.3
    metrics["cross_channel", "", "shop_share_of_purchases"] = 0.25
    stats = _stats(metrics)
    up = upstream_table(stats)
    assert up.loc[("cross_channel", "upstream_gap_normalised"), "mean"] == pytest.approx(-0.1)
    assert up.loc[("omnichannel", "upstream_gap"), "upstream channels (mean)"] == 4.0
    ratios = pd.DataFrame(
        {
            "estimate": np.arange(len(INFLUENCE_ROWS), dtype=float),
            "ci_low": 0.0,
            "ci_high": 9.0,
            "n": 20,
        },
        index=pd.Index([r[1] for r in INFLUENCE_ROWS], name="statistic"),
    )
    table = influence_table(ratios, stats)
    assert list(table["estimate"]) == [*range(len(INFLUENCE_ROWS)), 0.3, 0.25]
    assert list(table["claim"][-2:]) == ["context", "context"]
    assert "C000-16" not in set(table["claim"])
    with pytest.raises(ValueError, match="ratios"):
        influence_table(ratios.drop(columns="n"), stats)
    with pytest.raises(ValueError, match="one row of 'n_upstream' in arm 'siloed'"):
        upstream_table(stats[stats["metric"] != "n_upstream"])


def test_reach_phrase():
    assert reach_phrase(float("nan")) == "at no referral strength"
    assert reach_phrase(0.0) == "from a referral strength of about 0.00"
    with pytest.raises(ValueError, match="'strength'"):
        reach_phrase(1.5)
    with pytest.raises(TypeError, match="'strength'"):
        reach_phrase("0.5")


def _assessment():
    points = pd.DataFrame(
        {
            "stage": ["share"] * 6 + ["morris"],
            "shop_share": [0.1, 0.2, 0.5, 0.6, 0.92, 0.95, 0.95],
            "stat": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 100.0],
        }
    )
    holds = pd.DataFrame({"C000-22": [True, True, True, False, False, False, True]})
    space = pd.DataFrame({"parameter": ["shop_share"]})
    return SimpleNamespace(points=points, holds=holds, space=space)


def test_holds_by_parameter_uses_the_latin_hypercube_points_only():
    table = holds_by_parameter(
        _assessment(), "C000-22", "shop_share", [0.1, 0.5, 0.9, 0.95], ["stat"]
    )
    assert list(table["n_points"]) == [2, 2, 2]
    assert list(table["share_holds"]) == [1.0, 0.5, 0.0]
    assert list(table["stat"]) == [1.5, 3.5, 5.5]  # the morris point (100) is left out
    assert list(table.index) == ["[0.1, 0.5)", "[0.5, 0.9)", "[0.9, 0.95]"]


def test_holds_by_parameter_bad_input():
    a = _assessment()
    with pytest.raises(ValueError, match="'claim' must be one of"):
        holds_by_parameter(a, "C999-99", "shop_share", [0, 1])
    with pytest.raises(ValueError, match="'parameter' must be one of"):
        holds_by_parameter(a, "C000-22", "stat", [0, 1])
    with pytest.raises(ValueError, match="'edges' must be increasing"):
        holds_by_parameter(a, "C000-22", "shop_share", [0.5, 0.1])
    with pytest.raises(ValueError, match="lack"):
        holds_by_parameter(a, "C000-22", "shop_share", [0, 1], ["nope"])


def test_space_table_describes_the_registered_parameters_only():
    from mcstudy.studies.cross_channel_report import space_table

    table = space_table(robustness_space())
    assert list(table.index) == [*ROBUSTNESS_PARAMETERS, "shop_share"]
    assert table.loc["population.social_share", "status"] == "assumption"
    assert pd.isna(table.loc["shop_share", "status"])
    assert (table.loc["shop_share", "low"], table.loc["shop_share", "high"]) == SHOP_SHARE_RANGE
