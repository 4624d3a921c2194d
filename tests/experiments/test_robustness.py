"""Tests for mcstudy.experiments.robustness: known answers, the design, bad input, resuming."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import mcstudy
from mcstudy.experiments import RunConfigError, SweepInterrupted
from mcstudy.experiments import _sensitivity as sensitivity
from mcstudy.experiments import robustness as rb
from mcstudy.experiments.robustness import (
    OTHER_PARAMETERS,
    assess_robustness,
    design_points,
    parameter_space,
)

UNIT3 = {"a": (0.0, 1.0), "b": (0.0, 1.0), "c": (0.0, 1.0)}
#: The reference context of the toy designs' noise-only runs: where "a > 0.5" holds.
UNIT3_REFERENCE = {"a": 0.75, "b": 0.5, "c": 0.5}


def threshold_study(params, rng):
    """Toy: the verdict of 'toy' holds exactly when a > 0.5; b and c do nothing."""
    return {"a_value": params["a"], "noise": float(np.random.default_rng(rng).normal())}


def ishigami_study(params, rng):
    """The Ishigami function (a = 7, b = 0.1) of x1, x2, x3 on [-pi, pi]."""
    x1, x2, x3 = params["x1"], params["x2"], params["x3"]
    return {"y": np.sin(x1) + 7 * np.sin(x2) ** 2 + 0.1 * x3**4 * np.sin(x1)}


def _assess(study=threshold_study, parameters=UNIT3, judges=None, **kwargs):
    judges = judges if judges is not None else {"toy": lambda s: bool(s["a_value"] > 0.5)}
    kwargs.setdefault("rng", 7)
    kwargs.setdefault("progress", False)
    try:  # the noise-only runs' reference context: the middle of each range
        middle = {name: (bounds[0] + bounds[1]) / 2 for name, bounds in parameters.items()}
    except (AttributeError, TypeError, IndexError):  # bad input, which the tests refuse
        middle = None
    kwargs.setdefault("reference", UNIT3_REFERENCE if parameters is UNIT3 else middle)
    return assess_robustness(study, parameters, judges, **kwargs)


# --- known answers ------------------------------------------------------------------------------

# Ishigami and Homma (1990) function with a = 7, b = 0.1; its Sobol' indices are known in
# closed form (Sobol' and Levitan 1999; Saltelli et al. 2008, "Global Sensitivity Analysis.
# The Primer", section 4.7): S1 = 0.3139, 0.4424, 0.0000; ST = 0.5576, 0.4424, 0.2437.
ISHIGAMI_S1 = np.array([0.314, 0.442, 0.000])
ISHIGAMI_ST = np.array([0.558, 0.442, 0.244])


def test_ishigami_sobol_indices_match_the_published_values():
    from SALib.sample import sobol
    from SALib.test_functions import Ishigami

    names = ["x1", "x2", "x3"]
    problem = sensitivity.unit_problem(names)
    u = sobol.sample(problem, 2**13, calc_second_order=False, seed=np.random.default_rng(1))
    y = Ishigami.evaluate(-np.pi + 2 * np.pi * u, A=7.0, B=0.1)
    table = sensitivity.sobol_table(problem, names, y, seed=1)
    # N = 8192 base points: SALib's 95 % bootstrap half-widths are about 0.01-0.03; the
    # published values are rounded to 3 decimals. Allow twice the half-width plus the rounding.
    for column, published in (("S1", ISHIGAMI_S1), ("ST", ISHIGAMI_ST)):
        conf = table[f"{column}_conf"].to_numpy()
        assert (conf < 0.04).all(), table
        np.testing.assert_array_less(np.abs(table[column].to_numpy() - published), 2 * conf + 5e-4)


def test_ishigami_through_a_whole_design():
    result = _assess(
        ishigami_study,
        {f"x{i}": (-np.pi, np.pi) for i in (1, 2, 3)},
        {"positive": lambda s: bool(s["y"] > 0)},
        n_sobol=1024,
        n_share=64,
    )
    table = result.sobol[result.sobol["output"] == "y"].set_index("parameter")
    assert list(table.index) == list(result.leading)
    table = table.loc[["x1", "x2", "x3"]]
    # N = 1024: half-widths about 0.05-0.09; twice the half-width as above
    for column, published in (("S1", ISHIGAMI_S1), ("ST", ISHIGAMI_ST)):
        conf = table[f"{column}_conf"].to_numpy()
        assert (conf < 0.12).all(), table
        np.testing.assert_array_less(np.abs(table[column].to_numpy() - published), 2 * conf + 5e-4)
    # Morris screening of y ranks x1 and x2 above x3's mu_star only through the interaction
    morris = result.morris[result.morris["output"] == "y"].set_index("parameter")
    assert morris.loc["x2", "mu_star"] > 0 and morris.loc["x1", "mu_star"] > 0


def test_threshold_toy_share_hinge_and_flip_region():
    result = _assess()
    toy = result["toy"]
    # the verdict holds on exactly half of the space
    assert toy.ci_low <= 0.5 <= toy.ci_high
    assert abs(toy.share - 0.5) < 0.05
    assert toy.ci_high - toy.ci_low < 0.2
    assert toy.n == 128
    assert toy.hinges_on == ("a",)
    assert toy.region is not None and toy.region.parameters == ("a",)
    match = re.fullmatch(r"a < ([0-9.]+)", toy.region.flips_where)
    assert match and abs(float(match.group(1)) - 0.5) < 0.02, toy.region
    assert toy.region.holds_where == f"a > {match.group(1)}"
    assert toy.region.accuracy == toy.region.captured == toy.region.purity == 1.0
    assert toy.region.size == 0.5
    assert toy.flip_region == (
        f"flips where a < {match.group(1)} (50 % of the plausible space; 100 % of the sampled "
        "flips lie there and 100 % of the points there flip)"
    )
    # Morris: every step in a crosses 0.5 on the 4-level grid; b and c never flip it
    assert toy.morris.loc["a", "flip_share"] == 1.0
    assert (toy.morris.loc[["b", "c"], "mu_star"] == 0).all()
    assert toy.sobol.loc["a", "ST"] > 0.8 and toy.sobol.loc[["b", "c"], "ST"].abs().max() < 0.05
    assert toy.conditional
    verdict, condition = toy.robust_verdict("supported")
    assert verdict == "conditional"
    low, high = (f"{100 * x:.0f} %" for x in toy.share_ci)
    assert condition == (
        f"supported: holds in 50 % of the plausible space (95 % CI {low} to {high}); flips "
        f"where a < {match.group(1)} (100 % of the flips lie there, 100 % of the points there "
        "flip); hinges on a"
    )


def test_two_parameter_flip_region_and_other_parameters_group():
    parameters = {**UNIT3, "d": (1.0, 100.0), "e": (0.0, 1.0)}

    def judge(s):
        return bool(s["a_value"] > 0.5 or s["b_value"] > 0.5)

    def study(params, rng):
        return {"a_value": params["a"], "b_value": params["b"]}

    result = _assess(study, parameters, {"either": judge}, n_leading=2)
    either = result["either"]
    assert abs(either.share - 0.75) < 0.05 and either.ci_low <= 0.75 <= either.ci_high
    assert set(either.hinges_on) == {"a", "b"}
    assert set(either.region.parameters) == {"a", "b"}
    assert either.region.accuracy > 0.97 and either.region.captured > 0.95
    assert re.fullmatch(r"[ab] < 0\.[45]\d* and [ab] < 0\.[45]\d*", either.region.flips_where)
    assert re.fullmatch(r"[ab] > 0\.[45]\d* or [ab] > 0\.[45]\d*", either.region.holds_where)
    assert list(either.sobol.index) == [*result.leading, OTHER_PARAMETERS]
    assert either.sobol.loc[OTHER_PARAMETERS, "ST"] < 0.05
    assert result.space.set_index("parameter").loc["d", "scale"] == "log"


def test_a_verdict_that_never_flips():
    result = _assess(judges={"always": lambda s: True})
    always = result["always"]
    assert always.share == 1.0 and always.ci_high == 1.0 and always.ci_low > 0.95
    assert always.hinges_on == () and always.region is None
    assert always.flip_region == "never flips in the sampled points"
    assert always.sobol.isna().all().all()
    assert not always.conditional
    assert always.robust_verdict("not supported") == ("not supported", "")
    summary = result.summary()
    assert list(summary.columns) == [
        *("claim_id", "share", "ci_low", "ci_high", "n", "conditional", "noise_share"),
        *("noisy", "hinges_on", "flip_region"),
    ]
    assert always.noise_share == 1.0 and always.n_noise == 40 and not always.noisy


@pytest.mark.parametrize(
    ("flips", "parameters", "flips_inside"),
    [
        (lambda u: u[:, 0] < 0.3, (0,), True),
        (lambda u: (u[:, 0] < 0.3) & (u[:, 2] > 0.6), (0, 2), True),
        (lambda u: ~((u[:, 1] > 0.5) & (u[:, 3] > 0.5)), (1, 3), False),
        # rare flips (5 %) in a corner: found, not drowned by the holds
        (lambda u: (u[:, 0] < 0.2) & (u[:, 1] < 0.25), (0, 1), True),
    ],
)
def test_flip_rules_on_known_regions(flips, parameters, flips_inside):
    from mcstudy.experiments._flip_region import best_rule

    u = np.random.default_rng(0).random((800, 4))
    rule = best_rule(u, flips(u), candidates=[0, 1, 2, 3])
    assert tuple(sorted(i for i, _, _ in rule.cuts)) == parameters
    assert rule.flips_inside is flips_inside
    assert rule.error < 0.01
    assert (rule.flips(u) == flips(u)).mean() > 0.99


# --- the design ---------------------------------------------------------------------------------


def test_one_design_serves_every_claim_with_common_random_numbers():
    calls = []

    def study(params, rng):
        calls.append(1)
        return {"a_value": params["a"], "draw": float(np.random.default_rng(rng).random())}

    judges = {
        "high_a": lambda s: bool(s["a_value"] > 0.5),
        "low_a": lambda s: bool(s["a_value"] < 0.2),
    }
    result = _assess(study, judges=judges)
    assert len(calls) == result.design["total"] == len(result.points) + result.design["noise"]
    assert result.design == {
        "n_share": 128,
        "n_trajectories": 10,
        "n_sobol": 64,
        "n_noise": 40,
        "n_leading": 3,
        **design_points(3),
    }
    assert design_points(3) == {"share": 128, "morris": 40, "sobol": 320, "noise": 40, "total": 528}
    # common random numbers: every point drew the same first number, that of default_rng(seed)
    assert result.points["draw"].nunique() == 1
    assert result.points["draw"].iloc[0] == np.random.default_rng(result.seed).random()
    assert result.points["stage"].value_counts().to_dict() == {
        "sobol": 320,
        "share": 128,
        "morris": 40,
    }
    assert list(result.holds.columns) == ["high_a", "low_a"]
    assert set(result.morris["output"]) == {"high_a", "low_a", "a_value", "draw"}
    # the Latin hypercube has one point in each 1/128 slice of every parameter
    share = result.points[result.points["stage"] == "share"]
    for name in "abc":
        assert sorted(np.floor(share[name] * 128).astype(int)) == list(range(128))


def test_same_seed_same_result_other_seed_other_points():
    a, b = _assess(), _assess()
    pd.testing.assert_frame_equal(a.points, b.points)
    pd.testing.assert_frame_equal(a.summary(), b.summary())
    pd.testing.assert_frame_equal(a.sobol, b.sobol)
    pd.testing.assert_frame_equal(a.morris, b.morris)
    c = _assess(rng=8)
    assert not np.allclose(a.points["a"], c.points["a"])


def test_serial_and_processes_backends_agree():
    serial = _assess()
    processes = _assess(backend="processes", workers=2)
    pd.testing.assert_frame_equal(serial.points, processes.points)
    pd.testing.assert_frame_equal(serial.summary(), processes.summary())


def simulator_study(params, rng):
    """Siloed vs omnichannel on a small population; parameters named as in parameters.csv."""
    population = {k.split(".", 1)[1]: v for k, v in params.items() if k.startswith("population.")}
    response = {k.split(".", 1)[1]: v for k, v in params.items() if k.startswith("response.")}
    result = mcstudy.simulate(
        mcstudy.PopulationSpec(n_customers=params["n_customers"], **population),
        {"siloed": mcstudy.SiloedMultichannel(), "omni": mcstudy.Omnichannel()},
        response=mcstudy.ResponseSpec(**response),
        n_weeks=params["n_weeks"],
        n_journeys=0,
        n_threads=1,
        progress=False,
        rng=rng,
    )
    summary = result.summary().set_index("arm")
    diff = summary.loc["omni"] - summary.loc["siloed"]
    return {"revenue_diff": diff["revenue_per_customer_eur"], "churn_diff": diff["churn_rate"]}


def test_a_simulator_study_over_the_parameter_table():
    parameters = [
        "population.purchase_rate_per_week",
        "response.persuasion_effect",
        "response.irritation_per_contact",
        "response.retention_effect",
    ]
    result = assess_robustness(
        simulator_study,
        parameters,
        {"revenue": lambda s: bool(s["revenue_diff"] > 0), "churn": lambda s: True},
        fixed={"n_customers": 1000, "n_weeks": 8},
        n_share=16,
        n_trajectories=2,
        n_sobol=8,
        rng=1,
        progress=False,
    )
    assert len(result.points) == 16 + 2 * 5 + 8 * 6
    space = result.space.set_index("parameter")
    for name in parameters:
        values = result.points[name]
        assert values.between(space.loc[name, "low"], space.loc[name, "high"]).all()
    assert space.loc["population.purchase_rate_per_week", "scale"] == "log"
    assert set(result.summary()["claim_id"]) == {"revenue", "churn"}
    assert 0 <= result["revenue"].share <= 1 and result["churn"].share == 1


@pytest.mark.slow
def test_dask_backend_agrees_with_serial():
    pytest.importorskip("distributed")
    serial = _assess()
    dask = _assess(backend="dask", workers=2)
    pd.testing.assert_frame_equal(serial.points, dask.points)
    pd.testing.assert_frame_equal(serial.summary(), dask.summary())


def test_parameter_ranges_from_the_parameter_table():
    space = parameter_space(
        [
            "response.visit_conversion",
            "population.purchase_rate_per_week",
            "channel.intrusiveness",
            "channel.consent_withdrawal.email",
            "channel.intrusiveness.sms",
        ]
    ).set_index("parameter")
    table = mcstudy.load_parameters().set_index("name")
    assert space.loc["response.visit_conversion", ["low", "high"]].tolist() == [0.02, 0.15]
    assert space.loc["response.visit_conversion", "scale"] == "linear"  # 7.5x
    assert space.loc["population.purchase_rate_per_week", "scale"] == "log"  # 200x
    assert space.loc["channel.intrusiveness", ["low", "high"]].tolist() == [0.5, 1.3]
    # one channel's value: its own row of the table when it has one (e-mail's calibrated
    # withdrawal hazard), else the channel row's relative range times the catalogue value
    own = table.loc["channel.consent_withdrawal.email", ["low", "high"]].tolist()
    assert space.loc["channel.consent_withdrawal.email", ["low", "high"]].tolist() == own
    sms = mcstudy.load_channels().set_index("channel").loc["sms", "intrusiveness"]
    low, high = table.loc["channel.intrusiveness", ["low", "high"]]
    assert space.loc["channel.intrusiveness.sms", "low"] == pytest.approx(low * sms)
    assert space.loc["channel.intrusiveness.sms", "high"] == pytest.approx(high * sms)
    assert (space["source"] == "data/parameters.csv").all()
    given = parameter_space({"x": (1.0, 100.0, "linear"), "y": (1.0, 100.0)})
    assert given["scale"].tolist() == ["linear", "log"] and (given["source"] == "given").all()


def test_log_scale_points_are_log_uniform():
    result = _assess(parameters={"a": (0.0, 1.0), "rate": (0.001, 0.1)})
    share = result.points[result.points["stage"] == "share"]
    slices = np.floor(np.log10(share["rate"] / 0.001) / 2 * 128).astype(int)
    assert sorted(slices) == list(range(128))


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parameters", "exc", "match"),
    [
        ([], ValueError, r"'parameters' must name at least one parameter; got none"),
        ({}, ValueError, r"'parameters' must name at least one parameter; got none"),
        ("response.visit_conversion", TypeError, r"'parameters' must be a list of parameter"),
        (
            ["response.visit_conversions"],
            ValueError,
            r"unknown parameter 'response.visit_conversions': not in the parameter table "
            r"\(data/parameters.csv, \d+ parameters\)\. Did you mean \['response.visit_conv",
        ),
        (
            ["population.tier_value_multipliers.small"],
            ValueError,
            r"range of parameter 'population.tier_value_multipliers.small' must have low < "
            r"high to be varied; got \(1.0, 1.0\)",
        ),
        (
            ["channel.intrusiveness.fax"],
            ValueError,
            r"'fax' is not a channel of the catalogue; allowed: \['call_centre', ",
        ),
        (["a", "a"], ValueError, r"'parameters' names \['a'\] more than once"),
        ({"a": (1.0, 1.0)}, ValueError, r"'a' must have low < high to be varied; got \(1.0, 1"),
        ({"a": (2.0, 1.0)}, ValueError, r"'a' must have low < high to be varied; got \(2.0, 1"),
        ({"a": (0.0, np.inf)}, ValueError, r"range of parameter 'a' must be finite; got \(0.0,"),
        ({"a": (np.nan, 1.0)}, ValueError, r"range of parameter 'a' must be finite; got \(nan"),
        ({"a": ("0", 1.0)}, TypeError, r"range of parameter 'a' must be two real numbers"),
        ({"a": 1.0}, TypeError, r"range of parameter 'a' must be \(low, high\) or \(low, hi"),
        (
            {"a": (0.0, 1.0, "cubic")},
            ValueError,
            r"scale of parameter 'a' must be one of \['linear', 'log'\]; got 'cubic'",
        ),
        ({"a": (0.0, 1.0, "log")}, ValueError, r"'a' on a log scale needs low > 0; got \(0.0,"),
        ({1: (0.0, 1.0)}, TypeError, r"parameter names must be non-empty str; got 1"),
    ],
)
def test_bad_parameters(parameters, exc, match):
    with pytest.raises(exc, match=match):
        _assess(parameters=parameters)


def _nan_study(params, rng):
    return {"a_value": params["a"], "ratio": np.nan if params["a"] > 0.9 else 1.0}


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"study": 3}, TypeError, r"'study' must be callable as study\(params, rng\); got 3"),
        ({"judges": {}}, TypeError, r"'judges' must be a non-empty dict \{claim_id: judge\}"),
        ({"judges": {"C1": 0.5}}, TypeError, r"judges\['C1'\] must be callable; got 0.5"),
        (
            {"judges": {"C1": lambda s: s["a_value"] - 0.5}},
            TypeError,
            r"the judge of claim 'C1' must return a bool \(True where the verdict holds\); got "
            r"np.float64\(-?0\.\d+\) \(float64\) at share point 0",
        ),
        (
            {"study": _nan_study},
            ValueError,
            r"statistic 'ratio' is nan: every statistic a verdict is drawn from must be finite",
        ),
        (
            {"study": lambda p, rng: [p["a"]]},
            TypeError,
            r"must return a non-empty dict \(or pandas Series\) of statistic -> value",
        ),
        (
            {"study": lambda p, rng: {"a_value": "high"}},
            TypeError,
            r"statistic 'a_value' must be a real number; got 'high'",
        ),
        (
            {"study": lambda p, rng: {"a": p["a"]}},
            ValueError,
            r"the study returns statistics named \['a'\], like the parameters",
        ),
        (
            {"study": lambda p, rng: {"x": 1.0, **({"y": 2.0} if p["a"] > 0.5 else {})}},
            ValueError,
            r"the study returned statistics \['x', 'y'\] at some points but not \['y'\] at "
            r"point \d+ \(\{'a': 0\.[0-4]\d*, 'b'",
        ),
        (
            {"fixed": {"a": 1.0}},
            ValueError,
            r"parameters \['a'\] are both varied in 'parameters' and fixed in 'fixed'",
        ),
        ({"size": "huge"}, ValueError, r"'size' must be one of \['notebook', 'publication'\]"),
        ({"n_sobol": 100}, ValueError, r"'n_sobol' must be a power of 2 .* got 100"),
        ({"n_share": 4}, ValueError, r"'n_share' must be an int in \[16, 1.04858e\+06\]; got 4"),
        ({"n_trajectories": 1}, ValueError, r"'n_trajectories' must be an int in \[2, 10000\]"),
        ({"n_leading": 4}, ValueError, r"'n_leading' must be an int in \[1, 3\]; got 4"),
        ({"robust_share": 0}, ValueError, r"'robust_share' must be a real number in \(0, 1\]"),
        ({"backend": "mpi"}, ValueError, r"'backend' must be one of \['dask', 'processes', "),
        ({"rng": -1}, ValueError, r"'rng' as an int seed must be in \[0, 2\*\*63 - 1\]"),
    ],
)
def test_bad_input_is_named(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        _assess(**kwargs)


def test_a_nan_statistic_names_the_point():
    with pytest.raises(ValueError, match="statistic 'ratio' is nan") as info:
        _assess(_nan_study)
    assert re.search(r"point \d+, replication 0, params \{'a': 0\.9", "".join(info.value.__notes__))


def test_a_failing_judge_names_the_claim_and_point():
    with pytest.raises(KeyError) as info:
        _assess(judges={"C9": lambda s: bool(s["missing"] > 0)})
    assert "in the judge of claim 'C9' at share point 0" in "".join(info.value.__notes__)


def test_robust_verdict_refuses_an_untestable_verdict():
    toy = _assess()["toy"]
    with pytest.raises(ValueError, match=r"'verdict' must be one of \['artefact', 'conditional'"):
        toy.robust_verdict("not testable")
    with pytest.raises(KeyError, match=r"no claim 'C1' in this assessment; claims: \['toy'\]"):
        _assess()["C1"]


# --- resuming -----------------------------------------------------------------------------------

_CALLS: list[dict] = []
_STOP_AT: list[int] = []


def _counting_study(params, rng):
    _CALLS.append(params)
    if _STOP_AT and len(_CALLS) == _STOP_AT[0]:
        raise KeyboardInterrupt
    return threshold_study(params, rng)


def test_interrupted_design_resumes_where_it_stopped(tmp_path):
    fresh = _assess()
    out = tmp_path / "design"
    _CALLS.clear()
    _STOP_AT[:] = [300]  # during the Sobol' stage (screening: 168 runs)
    try:
        with pytest.raises(SweepInterrupted, match=r"interrupted: \d+ of 320 tasks done"):
            _assess(_counting_study, out_dir=out)
        assert (out / "screening" / "run.json").is_file()
        (sobol_dir,) = out.glob("sobol_*")
        n_saved = len(list(sobol_dir.glob("tasks/*.parquet")))
        assert n_saved >= 100
        _CALLS.clear()
        _STOP_AT.clear()
        resumed = _assess(_counting_study, out_dir=out)
        assert len(_CALLS) == 320 - n_saved + 40  # the missing Sobol' runs, then the noise runs
        pd.testing.assert_frame_equal(fresh.points, resumed.points)
        pd.testing.assert_frame_equal(fresh.summary(), resumed.summary())
        # new judges reuse every run when they lead to the same Sobol' parameters
        _CALLS.clear()
        other = _assess(_counting_study, out_dir=out, judges={"t": lambda s: s["a_value"] > 0.4})
        assert _CALLS == [] and other["t"].hinges_on == ("a",)
        # another seed is another design: refused rather than mixed
        with pytest.raises(RunConfigError):
            _assess(_counting_study, out_dir=out, rng=8)
    finally:
        _CALLS.clear()
        _STOP_AT.clear()


# --- noise-only share ---------------------------------------------------------------------------


def _noisy_study(params, rng):
    """Toy: the effect is 'a' plus noise of sd 0.5 (one run's noise)."""
    return {"effect": params["a"] + 0.5 * float(np.random.default_rng(rng).normal())}


def test_noise_only_share_tells_a_noisy_share_from_a_clear_one():
    judges = {"positive": lambda s: bool(s["effect"] > 0)}
    # at a = 0.2 one run's noise (sd 0.5) flips the verdict about a third of the time
    noisy = _assess(_noisy_study, {"a": (-1.0, 3.0)}, judges, reference={"a": 0.2})["positive"]
    assert 0.5 < noisy.noise_share < 0.85 and noisy.n_noise == 40 and noisy.noisy
    assert "cannot be told from Monte Carlo noise" in noisy.condition
    # at a = 3 (six noise sds away) it never flips: the share is told from noise
    clear = _assess(_noisy_study, {"a": (-1.0, 3.0)}, judges, reference={"a": 3.0})["positive"]
    assert clear.noise_share == 1.0 and not clear.noisy
    assert "noise" not in clear.condition
    # the design itself is the same: the reference context only moves the noise-only runs
    assert noisy.share == clear.share


def test_noise_only_runs_have_their_own_streams_and_can_be_skipped():
    judges = {"positive": lambda s: bool(s["effect"] > 0)}
    skipped = _assess(_noisy_study, {"a": (-1.0, 3.0)}, judges, n_noise=0)["positive"]
    assert np.isnan(skipped.noise_share) and skipped.n_noise == 0 and not skipped.noisy
    with pytest.raises(KeyError) as info:  # a study without defaults needs 'reference'
        _assess(_noisy_study, {"a": (-1.0, 3.0)}, judges, reference=None)
    assert "pass 'reference'" in "".join(getattr(info.value, "__notes__", []))
    with pytest.raises(ValueError, match="'reference' names parameters that are not varied"):
        _assess(_noisy_study, {"a": (-1.0, 3.0)}, judges, reference={"z": 1.0})
    with pytest.raises(ValueError, match="'n_noise'"):
        _assess(_noisy_study, {"a": (-1.0, 3.0)}, judges, n_noise=-1)


# --- exports ------------------------------------------------------------------------------------


def test_package_level_names():
    assert mcstudy.assess_robustness is assess_robustness
    assert mcstudy.robustness is rb
    assert mcstudy.RobustnessResult is rb.RobustnessResult
    for name in ("assess_robustness", "RobustnessAssessment", "RobustnessResult", "robustness"):
        assert name in mcstudy.__all__
    for name in ("assess_robustness", "parameter_space", "design_points", "FlipRegion"):
        assert name in mcstudy.experiments.__all__
