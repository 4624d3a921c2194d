"""Calibration by simulated method of moments: parameter recovery, determinism, bad input."""

import numpy as np
import pandas as pd
import pytest

from mcstudy.experiments.calibration import (
    FREE_PARAMETERS,
    SIMULATED_STATISTICS,
    fit,
    simulated_statistics,
    target_uncertainty,
)

TRUTH = {
    "population.purchase_rate_per_week": 0.01,
    "population.basket_mean_eur": 80.0,
    "response.organic_visits_per_week": 0.08,
    "response.visits_per_attended_contact": 0.1,
    "response.visit_conversion": 0.08,
    "channel.consent_withdrawal.email": 0.002,
}


def _targets(stats: pd.DataFrame, **columns) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "target_id": [f"t.{s}" for s in stats.index],
            "value": stats["value"].to_numpy(),
            "se": stats["se"].to_numpy(),
            "low": np.nan,
            "high": np.nan,
            "statistic": stats.index,
            "used_in_fit": True,
        }
    )
    return frame.assign(**columns)


@pytest.fixture(scope="module")
def observed():
    # "real" targets: the model at known parameters, a large run and another seed
    return simulated_statistics(TRUTH, n_customers=600_000, rng=99)


def test_statistics_are_deterministic_for_a_seed_and_cover_the_vocabulary():
    a = simulated_statistics(n_customers=20_000, rng=3)
    b = simulated_statistics(n_customers=20_000, rng=3)
    pd.testing.assert_frame_equal(a, b)
    assert tuple(a.index) == SIMULATED_STATISTICS
    assert (a["se"] > 0).all()


def test_parameters_are_recovered_from_another_start(observed):
    start = {name: value * (0.6 if k % 2 else 1.5) for k, (name, value) in enumerate(TRUTH.items())}
    result = fit(_targets(observed), start=start, n_customers=100_000, rng=0)
    p = result.parameters
    assert result.rank == len(FREE_PARAMETERS) and not result.unidentified
    for name, truth in TRUTH.items():
        est, se = p.loc[name, "estimate"], p.loc[name, "se"]
        # within 3 standard errors, and within 25 % (the recovery tolerance)
        assert abs(est - truth) < 3 * se + 1e-12, (name, est, se, truth)
        assert est == pytest.approx(truth, rel=0.25), name
    assert (result.fit_table["z"].abs() < 2).all()
    assert result.n_evaluations > len(TRUTH)


def test_a_range_counts_as_a_95_percent_interval():
    t = pd.DataFrame({"se": [0.1, np.nan], "low": [np.nan, 1.0], "high": [np.nan, 4.92]})
    np.testing.assert_allclose(target_uncertainty(t), [0.1, 3.92 / 2 / 1.959963984540054])


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (
            {"statistic": "sms_optout_per_message"},
            r"targets used in the fit name statistics \['sms_optout_per_message'\] that the "
            r"calibration simulation does not compute",
        ),
        ({"value": np.inf}, r"need a finite value and a positive uncertainty"),
        ({"se": 0.0}, r"need a finite value and a positive uncertainty"),
        ({"used_in_fit": False}, r"no target has used_in_fit = true"),
    ],
)
def test_bad_targets(change, match):
    stats = simulated_statistics(n_customers=5000, rng=1)
    targets = _targets(stats)
    for column, value in change.items():
        targets[column] = value
    with pytest.raises(ValueError, match=match):
        fit(targets, n_customers=5000, max_evaluations=2)


def test_bad_parameters():
    targets = _targets(simulated_statistics(n_customers=5000, rng=1))
    with pytest.raises(ValueError, match=r"parameters \['response.churn_effort'\] cannot be set"):
        fit(targets, free=["response.churn_effort"], n_customers=5000)
    with pytest.raises(
        ValueError,
        match=r"'start\[response.visit_conversion\]' must be a real "
        r"number in \[0.02, 0.15\]; got 0.9",
    ):
        fit(targets, start={"response.visit_conversion": 0.9}, n_customers=5000)


# --- the committed fit ---------------------------------------------------------------------


def test_committed_fit_matches_the_targets_and_the_code():
    from mcstudy import config
    from mcstudy.experiments._calibration_record import _code_sha256
    from mcstudy.experiments.calibration import load_calibration

    record = load_calibration(config.ROOT / "data" / "calibration.toml")
    assert record["meta"]["calibration_code_sha256"] == _code_sha256(), (
        "the calibration code changed since the fit: run "
        "'mcstudy calibrate --out data/calibration.toml'"
    )
    assert set(record["parameters"]) == set(FREE_PARAMETERS)
    for name, value in record["parameters"].items():
        low, high = record["intervals"][name]
        assert low <= value <= high


def test_a_changed_targets_file_is_detected(tmp_path):
    from mcstudy import config
    from mcstudy.experiments.calibration import load_calibration

    changed = tmp_path / "targets.csv"
    changed.write_text(config.TARGETS_CSV.read_text() + "\n")
    with pytest.raises(ValueError, match=r"was fitted to another version of .*targets\.csv"):
        load_calibration(config.ROOT / "data" / "calibration.toml", targets_path=changed)


@pytest.mark.slow
def test_rerunning_the_calibration_reproduces_the_committed_record(tmp_path):
    from mcstudy import config
    from mcstudy.cli import main

    out = tmp_path / "calibration.toml"
    assert main(["calibrate", "--out", str(out)]) == 0
    assert out.read_bytes() == (config.ROOT / "data" / "calibration.toml").read_bytes()


def test_leave_one_target_out_predicts_targets_the_others_pin(observed):
    from mcstudy.experiments.calibration import leave_one_target_out

    # duplicate the visit-effect target (as Hillstrom's two e-mails share a statistic): left
    # out, its twin still pins it and the refit predicts it well
    targets = _targets(observed)
    twin = targets[targets["statistic"] == "email_visit_effect"].assign(target_id="t.twin")
    targets = pd.concat([targets, twin], ignore_index=True)
    free = ["response.organic_visits_per_week", "response.visits_per_attended_contact"]
    start = {n: TRUTH[n] for n in free}
    full = fit(targets, free=free, start=start, n_customers=50_000, rng=0, max_evaluations=40)
    loo = leave_one_target_out(targets, full, max_evaluations=40)
    assert list(loo["target_id"]) == list(targets["target_id"])
    row = loo.set_index("target_id").loc["t.twin"]
    assert abs(row["z"]) < 3


def test_simulated_statistics_are_target_statistics():
    from mcstudy._vocab import TARGET_STATISTICS

    assert set(SIMULATED_STATISTICS) <= set(TARGET_STATISTICS)


def test_check_statistics_are_target_statistics_and_in_their_ranges():
    from mcstudy._vocab import TARGET_STATISTICS
    from mcstudy.experiments.calibration import CHECK_STATISTICS, check_statistics

    assert set(CHECK_STATISTICS) <= set(TARGET_STATISTICS)
    assert set(CHECK_STATISTICS) | set(SIMULATED_STATISTICS) == set(TARGET_STATISTICS)
    stats = check_statistics(n_customers=20_000, rng=4)
    assert tuple(stats.index) == CHECK_STATISTICS
    pd.testing.assert_frame_equal(stats, check_statistics(n_customers=20_000, rng=4))
    value = stats["value"]
    shares = [f"past_year_channel_share_{c}" for c in ("phone", "web", "multichannel")]
    assert (value[shares] > 0).all() and value[shares].sum() < 1  # shop / mail-only buyers
    assert 1 <= value["past_year_recency_mean_months"] <= 12
    assert 0 < value["past_year_spend_median"] < value["past_year_spend_p90"]
    assert 0 < value["sms_optout_per_message"] < 1
    assert 0 < value["direct_mail_response_rate"] < 1
    assert (stats["se"] > 0).all()


def test_compare_targets_covers_every_target_and_rejects_unknown_statistics():
    from mcstudy.experiments.calibration import compare_targets
    from mcstudy.io import load_targets

    targets = load_targets()
    table = compare_targets(targets, n_customers=20_000, rng=2)
    assert list(table["target_id"]) == list(targets["target_id"])
    ranged = table["low"].notna()
    inside = (table["simulated"] >= table["low"]) & (table["simulated"] <= table["high"])
    assert (table.loc[ranged, "matched"] == inside[ranged]).all()
    assert (table.loc[~ranged, "matched"] == (table["z"].abs() < 2)[~ranged]).all()
    bad = targets.assign(statistic=targets["statistic"].astype(str))
    bad.loc[0, "statistic"] = "lifetime_value"
    with pytest.raises(ValueError, match=r"targets name statistics \['lifetime_value'\]"):
        compare_targets(bad, n_customers=5000)


def test_the_defaults_are_the_committed_fit():
    # PopulationSpec(), ResponseSpec(), the channel catalogue and data/parameters.csv give the
    # calibrated reference context, and parameters.csv marks exactly the fitted ones
    from mcstudy import config
    from mcstudy.experiments.calibration import load_calibration
    from mcstudy.io import load_channels, load_parameters
    from mcstudy.model.population import PopulationSpec
    from mcstudy.model.response import ResponseSpec

    record = load_calibration(config.ROOT / "data" / "calibration.toml")
    catalogue = load_channels().set_index("channel")
    parameters = load_parameters().set_index("name")
    for name, value in record["parameters"].items():
        group, rest = name.split(".", 1)
        if group == "population":
            default = getattr(PopulationSpec(), rest)
        elif group == "response":
            default = getattr(ResponseSpec(), rest)
        else:
            column, channel = rest.split(".")
            default = catalogue.loc[channel, column]
        assert default == value, name
        assert parameters.loc[name, "default"] == value, name
        assert parameters.loc[name, "status"] == "calibrated", name
    calibrated = set(parameters.index[parameters["status"] == "calibrated"])
    assert calibrated == set(record["parameters"])


def test_compare_targets_simulates_the_context_it_is_given():
    # Hillstrom's retailer takes orders by telephone and on the website only: every past-year
    # buyer is then a phone-only, web-only or multichannel buyer, which the default channels
    # (shop and mail order too) do not give
    from mcstudy.experiments.calibration import compare_targets
    from mcstudy.io import load_channels, load_targets
    from mcstudy.model import ChannelSet, PopulationSpec

    targets = load_targets()
    shares = [f"hillstrom.past_year.channel_share_{k}" for k in ("phone", "web", "multichannel")]
    params = {"population.pre_period_weeks": 52}

    def total(**context):
        table = compare_targets(targets, params, n_customers=5000, rng=3, **context)
        return table.set_index("target_id").loc[shares, "simulated"].sum()

    retailer = ChannelSet(load_channels(), purchase=("telephone", "website"))
    assert total(channels=retailer) == pytest.approx(1.0)
    assert total() < 0.9
    with pytest.raises(TypeError, match="'channels' must be a ChannelSet"):
        compare_targets(targets, n_customers=5000, channels="website")
    one_tier = PopulationSpec(tier_value_multipliers=(1.0, 1.0, 1.0))
    spend = "hillstrom.past_year.spend_p90"
    flat = compare_targets(targets, params, n_customers=5000, rng=3, population=one_tier)
    tiered = compare_targets(targets, params, n_customers=5000, rng=3)
    assert (
        flat.set_index("target_id").loc[spend, "simulated"]
        < (tiered.set_index("target_id").loc[spend, "simulated"])
    )
