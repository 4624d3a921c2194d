"""Claims judged over the data-allowed points of a space (mcstudy.experiments.data_allowed)."""

import numpy as np
import pandas as pd
import pytest

from mcstudy.experiments.data_allowed import (
    CUTOFF,
    constraint_targets,
    judge_space,
    one_email_targets,
    simulate_space,
)
from mcstudy.experiments.store import RunConfigError
from mcstudy.io import load_targets


@pytest.fixture(scope="module")
def targets():
    return constraint_targets(load_targets())


def test_the_purchase_process_is_left_out(targets):
    ids = load_targets()["target_id"]
    assert ids.str.startswith("hillstrom.past_year.").any()
    assert not targets["target_id"].str.startswith("hillstrom.past_year.").any()
    assert "completejourney.mailer_display.relative_interaction" in set(targets["target_id"])


def test_one_email_is_the_arms_mean_with_their_gap_in_its_error(targets):
    one = one_email_targets(targets).set_index("target_id")
    t = targets.set_index("target_id")
    m, w = (t.loc[f"hillstrom.{a}.conversion_effect"] for a in ("mens_email", "womens_email"))
    row = one.loc["hillstrom.email.conversion_effect"]
    assert row["observed"] == pytest.approx((m["value"] + w["value"]) / 2)
    # the two effects share the no-e-mail arm: their covariance is its mean's variance
    c = t.loc["hillstrom.control.conversion_rate", "se"]
    sampling = np.sqrt((m["se"] ** 2 + w["se"] ** 2 + 2 * c**2) / 4)
    assert sampling > 1.1 * np.sqrt((m["se"] ** 2 + w["se"] ** 2) / 4)
    assert row["observed_se"] == pytest.approx(np.hypot(sampling, (m["value"] - w["value"]) / 2))
    assert not any(i.startswith("hillstrom.mens_email.") for i in one.index)
    # a published range reads as a 95 % interval
    sms = one.loc["sms.optout_per_message"]
    assert sms["observed_se"] == pytest.approx((0.037 - 0.005) / (2 * 1.959963984540054))


def test_one_email_needs_the_control_rows(targets):
    without = targets[targets["target_id"] != "hillstrom.control.spend_per_customer"]
    with pytest.raises(ValueError, match=r"lacks the e-mail test's rows \['hillstrom.control"):
        one_email_targets(without)


def _points(targets, n=100, seed=0):
    """Points at which every target is matched but the unsubscribe rate, missed where u:b > 0.3."""
    rng = np.random.default_rng(seed)
    one = one_email_targets(targets).set_index("target_id")
    u = rng.random((n, 2))
    frame = {"u:a": u[:, 0], "u:b": u[:, 1], "a": u[:, 0], "b": 10 * u[:, 1]}
    for tid in targets["target_id"]:
        key = tid.replace(".mens_email.", ".email.").replace(".womens_email.", ".email.")
        frame[f"sim:{tid}"] = np.full(n, one.loc[key, "observed"])
        frame[f"sim_se:{tid}"] = np.zeros(n)
    miss = "email.unsubscribe_per_send"
    frame[f"sim:{miss}"] = one.loc[miss, "observed"] + np.where(
        u[:, 1] > 0.3, 10 * one.loc[miss, "observed_se"], 0.0
    )
    frame["stat:s"] = u[:, 0] - 0.3  # the claim holds where s > 0, i.e. u:a > 0.3
    return pd.DataFrame(frame)


def test_the_rule_allows_narrows_and_classes(targets):
    points = _points(targets)
    judges = {"C1": lambda st: st["s"] > 0, "C2": lambda st: st["s"] > 0}
    result = judge_space(points, targets, judges, {"C1": ["b"], "C2": ["a", "b"]})
    allowed = result["allowed"].to_numpy()
    np.testing.assert_array_equal(allowed, points["u:b"].to_numpy() <= 0.3)
    assert (
        result["targets"].loc["email.unsubscribe_per_send", "points_ruled_out"] == (~allowed).sum()
    )
    assert result["targets"]["points_ruled_out"].drop("email.unsubscribe_per_send").eq(0).all()
    par = result["parameters"]
    assert par.loc["b", "narrowing"] >= 0.5 > par.loc["a", "narrowing"]
    # chance alone (random subsets of as many points) narrows far less than the cut on b
    assert par.loc["b", "narrowing"] > par.loc["b", "chance_97.5"]
    assert par.loc["a", "narrowing"] <= par.loc["a", "chance_97.5"] < 0.5
    assert par.loc["b", "allowed_high"] <= 3.0 < par.loc["b", "design_high"]
    claims = result["claims"]
    assert claims.loc["C1", "robust_allowed"] == (claims.loc["C1", "share_allowed"] >= 0.9)
    assert claims.loc["C1", "data_constrained"]  # b narrowed
    assert not claims.loc["C2", "data_constrained"]  # a is not
    expected = (points.loc[allowed, "u:a"] > 0.3).mean()
    assert claims.loc["C1", "share_allowed"] == pytest.approx(expected)
    assert claims.loc["C1", "ci_low"] < expected < claims.loc["C1", "ci_high"]


def test_too_few_allowed_points_stay_assumption_driven(targets):
    points = _points(targets, n=40)  # about 12 allowed, below the 20 the rule asks
    result = judge_space(points, targets, {"C1": lambda st: st["s"] > 0}, {"C1": ["b"]})
    assert result["allowed"].sum() < 20
    assert not result["claims"].loc["C1", "data_constrained"]


def test_bad_points_and_hinges_are_named(targets):
    points = _points(targets).drop(columns="sim:sms.optout_per_message")
    with pytest.raises(ValueError, match="sim:sms.optout_per_message"):
        judge_space(points, targets, {}, {})
    with pytest.raises(ValueError, match="'u:<parameter>' columns"):
        judge_space(pd.DataFrame({"x": [1.0]}), targets, {}, {})
    with pytest.raises(ValueError, match=r"hinges of 'C1' \['c'\] are not parameters"):
        judge_space(_points(targets), targets, {}, {"C1": ["a", "c"]})


def test_fixed_values_may_not_set_the_space(targets):
    with pytest.raises(ValueError, match=r"'fixed' sets \['response.channel_synergy'\]"):
        simulate_space(
            lambda p, s: {},
            ["response.channel_synergy"],
            targets,
            fixed={"response.channel_synergy": 0.1},
        )


def test_an_unknown_statistic_makes_a_point_implausible(targets):
    points = _points(targets)
    points.loc[0, "sim:sms.optout_per_message"] = np.nan
    points.loc[0, "u:b"] = 0.0  # otherwise allowed
    result = judge_space(points, targets, {}, {})
    assert not result["allowed"].iloc[0]
    assert CUTOFF == 3.0


def test_simulate_space_is_reproducible_and_complete(targets):
    def study(params, seed):
        return {"s": params["response.channel_synergy"] + params["n"]}

    kwargs = {"n_points": 2, "fixed": {"n": 1.0}, "n_customers": 5000, "rng": 4}
    a = simulate_space(study, ["response.channel_synergy"], targets, progress=False, **kwargs)
    b = simulate_space(study, ["response.channel_synergy"], targets, progress=False, **kwargs)
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 2
    assert (a["stat:s"] == a["response.channel_synergy"] + 1.0).all()
    for tid in targets["target_id"]:
        assert f"sim:{tid}" in a and f"sim_se:{tid}" in a
    assert a["u:response.channel_synergy"].between(0, 1).all()


def _synergy_study(params, seed):
    return {"s": params["response.channel_synergy"] + params["n"]}


_CALLS: list[float] = []


def _dies_at_the_third(params, seed):
    _CALLS.append(params["response.channel_synergy"])
    if len(_CALLS) == 3:
        raise RuntimeError("stopped")
    return _synergy_study(params, seed)


def test_an_interrupted_run_resumes_from_its_finished_points(targets, tmp_path):
    kwargs = {"n_points": 3, "fixed": {"n": 1.0}, "n_customers": 5000, "rng": 4}
    space = ["response.channel_synergy"]
    whole = simulate_space(_synergy_study, space, targets, progress=False, **kwargs)
    _CALLS.clear()
    with pytest.raises(RuntimeError, match="stopped"):
        simulate_space(
            _dies_at_the_third, space, targets, progress=False, out_dir=tmp_path, **kwargs
        )
    assert len(list((tmp_path / "tasks").iterdir())) == 2  # the finished points were kept
    _CALLS.clear()
    resumed = simulate_space(
        _dies_at_the_third, space, targets, progress=False, out_dir=tmp_path, **kwargs
    )
    assert len(_CALLS) == 1  # only the unfinished point was simulated again
    pd.testing.assert_frame_equal(resumed, whole)


def test_a_run_directory_of_another_design_is_refused(targets, tmp_path):
    kwargs = {"n_points": 2, "fixed": {"n": 1.0}, "n_customers": 5000, "progress": False}
    space = ["response.channel_synergy"]
    simulate_space(_synergy_study, space, targets, rng=4, out_dir=tmp_path, **kwargs)
    with pytest.raises(RunConfigError):
        simulate_space(_synergy_study, space, targets, rng=5, out_dir=tmp_path, **kwargs)


def test_every_backend_gives_the_same_points(targets):
    kwargs = {"n_points": 4, "fixed": {"n": 1.0}, "n_customers": 5000, "rng": 4}
    space = ["response.channel_synergy"]
    serial = simulate_space(_synergy_study, space, targets, progress=False, **kwargs)
    processes = simulate_space(
        _synergy_study, space, targets, progress=False, backend="processes", workers=2, **kwargs
    )
    pd.testing.assert_frame_equal(processes, serial)
    # every point meets the same target streams: equal parameters, equal targets
    twice = simulate_space(
        _synergy_study,
        {"response.channel_synergy": (0.0, 1e-12)},
        targets,
        progress=False,
        **kwargs,
    )
    sims = twice[[c for c in twice if c.startswith("sim:")]]
    assert (sims.nunique(dropna=False) == 1).all()


def test_a_space_may_set_its_targets_context(targets):
    from mcstudy.model.context import model_context

    seen = []

    def context(params):
        seen.append(dict(params))
        return model_context(params)

    kwargs = {"n_points": 2, "fixed": {"n": 1.0}, "n_customers": 5000, "rng": 4}
    space = {"response.channel_synergy": (-0.5, 0.5), "shop_share": (0.1, 0.9)}
    a = simulate_space(_synergy_study, space, targets, progress=False, context=context, **kwargs)
    b = simulate_space(_synergy_study, space, targets, progress=False, **kwargs)
    pd.testing.assert_frame_equal(a, b)
    # the targets' context gets the model's parameters only, never a study setting
    assert [set(p) for p in seen] == [{"response.channel_synergy"}] * 2


def test_the_flip_region_is_found_among_the_allowed_points(targets):
    from mcstudy.experiments._parameter_space import parameter_space

    points = _points(targets)
    judges = {"C1": lambda st: st["s"] > 0, "C2": lambda st: True}
    space = parameter_space({"a": (0.0, 1.0), "b": (0.0, 10.0)})
    claims = judge_space(points, targets, judges, {"C1": ["a"], "C2": []}, space)["claims"]
    region = claims.loc["C1", "flip_region_allowed"]
    # the claim holds where a > 0.3: it flips below a cut between the allowed points around 0.3
    assert region.startswith("flips where a < 0.")
    cut = float(region.split("a < ")[1].split(" ")[0])
    assert abs(cut - 0.3) < 0.05
    assert "100 % of their flips lie there and 100 % of the points there flip" in region
    assert claims.loc["C2", "flip_region_allowed"] == "never flips at the allowed points"
    # without the space, no region is described
    bare = judge_space(points, targets, judges, {"C1": ["a"], "C2": []})["claims"]
    assert (bare["flip_region_allowed"] == "").all()
