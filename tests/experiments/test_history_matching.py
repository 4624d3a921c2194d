import numpy as np
import pandas as pd
import pytest

from mcstudy.experiments.history_matching import CUTOFF, history_match, implausibility

SPACE = {"x": (0.0, 1.0, "linear"), "y": (0.0, 1.0, "linear")}


def _evaluate(functions, se=0.01):
    def evaluate(params):
        x, y = params["x"], params["y"]
        return pd.DataFrame(
            {
                "target_id": list(functions),
                "simulated": [f(x, y) for f in functions.values()],
                "simulated_se": se,
            }
        )

    return evaluate


def _targets(observed, se=0.03):
    return pd.DataFrame(
        {"target_id": list(observed), "observed": list(observed.values()), "observed_se": se}
    )


IDENTIFIED = {"sum": lambda x, y: x + y, "difference": lambda x, y: x - y}


def test_implausibility_is_the_standardised_distance_and_refuses_a_zero_variance():
    imp = implausibility([[1.0, 5.0]], [0.0, 1.0], [4.0, 16.0])
    np.testing.assert_allclose(imp, [[0.5, 1.0]])
    with pytest.raises(ValueError, match="'variance' must be finite and > 0"):
        implausibility([[1.0]], [0.0], [0.0])
    with pytest.raises(ValueError, match="'observed' must have one value per target"):
        implausibility([[1.0, 2.0]], [0.0], [1.0, 1.0])


def test_waves_narrow_the_space_to_the_values_that_match_every_target():
    result = history_match(
        _evaluate(IDENTIFIED),
        SPACE,
        _targets({"sum": 1.0, "difference": 0.2}),
        waves=3,
        runs_per_wave=30,
        candidates=5000,
        seed=1,
        progress=False,
    )
    kept = result.retained
    assert len(kept) >= 10  # the later waves run where the emulators keep points
    sd = np.sqrt(0.03**2 + 0.01**2)
    assert (np.abs(kept["x"] + kept["y"] - 1.0) <= CUTOFF * sd + 1e-12).all()
    assert (np.abs(kept["x"] - kept["y"] - 0.2) <= CUTOFF * sd + 1e-12).all()
    # the emulators' share of the space falls from the whole to a small region around
    # (0.6, 0.4): the true region is a square of side 2 x 3 x sd / sqrt(2), about 4 % of it
    shares = result.waves["space_share"].to_numpy()
    assert shares[0] == 1.0 and 0 < shares[-1] < 0.15
    assert result.waves["kept"].iloc[-1] > result.waves["kept"].iloc[0]
    ranges = result.range_kept().set_index("parameter")
    assert (ranges["share"] < 0.3).all()
    assert ranges.loc["x", "kept_low"] > 0.45 and ranges.loc["x", "kept_high"] < 0.75
    by = result.ruled_out_by().set_index("target_id")
    assert (by["min_implausibility"] < 1).all() and (by["ruled_out"] > 0).all()


def test_the_same_seed_gives_the_same_runs_and_another_seed_other_runs():
    def run(seed):
        return history_match(
            _evaluate(IDENTIFIED),
            SPACE,
            _targets({"sum": 1.0, "difference": 0.2}),
            waves=2,
            runs_per_wave=12,
            candidates=500,
            seed=seed,
            progress=False,
        ).runs

    pd.testing.assert_frame_equal(run(3), run(3))
    first = run(3).query("wave == 1")["x"].to_numpy()
    assert not np.allclose(first, run(4).query("wave == 1")["x"].to_numpy())


def test_targets_no_point_can_match_together_are_reported_as_a_misfit():
    # two targets on the same statistic, 0.8 apart: each can be matched, never both
    result = history_match(
        _evaluate({"low": lambda x, y: x, "high": lambda x, y: x}),
        SPACE,
        _targets({"low": 0.1, "high": 0.9}),
        waves=2,
        runs_per_wave=20,
        candidates=2000,
        seed=0,
        progress=False,
    )
    assert len(result.retained) == 0
    assert np.isnan(result.range_kept()["share"]).all()
    by = result.ruled_out_by().set_index("target_id")
    assert (by["min_implausibility"] < 1).all()  # each alone is matched somewhere
    assert (by["matched_with_rest"] > 0).all()  # ... at runs where the other one fails
    assert result.waves["space_share"].iloc[-1] == 0.0
    # at rank 2 one unmatched target is tolerated: the whole line x in [0.1, 0.9] survives
    lenient = history_match(
        _evaluate({"low": lambda x, y: x, "high": lambda x, y: x}),
        SPACE,
        _targets({"low": 0.1, "high": 0.9}),
        waves=1,
        runs_per_wave=20,
        rank=2,
        seed=0,
        progress=False,
    )
    assert lenient.runs["kept"].any()


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"waves": 0}, ValueError, "'waves'"),
        ({"runs_per_wave": 3}, ValueError, "'runs_per_wave'"),
        ({"cutoff": 0.0}, ValueError, "'cutoff'"),
        ({"rank": 3}, ValueError, "'rank'"),
        ({"discrepancy": 2.0}, ValueError, "'discrepancy'"),
        ({"targets": "sum"}, TypeError, "'targets' must be a DataFrame"),
        (
            {"targets": pd.DataFrame({"target_id": ["sum"], "observed": [1.0]})},
            ValueError,
            r"lacks column\(s\) \['observed_se'\]",
        ),
        (
            {"targets": _targets({"sum": 1.0}, se=0.0)},
            ValueError,
            "target 'sum' has no uncertainty",
        ),
        (
            {"evaluate": lambda p: pd.DataFrame({"target_id": ["sum"], "simulated": [1.0]})},
            ValueError,
            r"returned no value for target\(s\) \['difference'\]",
        ),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_it(kwargs, error, match):
    args = {
        "evaluate": _evaluate(IDENTIFIED),
        "targets": _targets({"sum": 1.0, "difference": 0.2}),
        "waves": 1,
        "runs_per_wave": 6,
        "progress": False,
    }
    args.update(kwargs)
    evaluate, targets = args.pop("evaluate"), args.pop("targets")
    with pytest.raises(error, match=match):
        history_match(evaluate, SPACE, targets, **args)


def test_a_target_the_runs_never_computed_is_named_before_an_emulator_is_fitted():
    # 'difference' is NaN in every run (an evaluate that swallowed an error): wave 2 refuses
    evaluate = _evaluate({"sum": lambda x, y: x + y, "difference": lambda x, y: np.nan})
    with pytest.raises(ValueError, match=r"targets \['difference'\] have a finite"):
        history_match(
            evaluate,
            SPACE,
            _targets({"sum": 1.0, "difference": 0.2}),
            waves=2,
            runs_per_wave=6,
            candidates=200,
            progress=False,
        )


def test_a_lenient_screen_runs_the_next_wave_where_the_strict_cut_is_then_applied():
    # the misfit pair again: with the screen at rank 2 the second wave runs along the line
    # that matches one target or the other, and the strict cut (rank 1) still keeps none
    result = history_match(
        _evaluate({"low": lambda x, y: x, "high": lambda x, y: x}),
        SPACE,
        _targets({"low": 0.1, "high": 0.9}),
        waves=2,
        runs_per_wave=20,
        screen_rank=2,
        candidates=2000,
        seed=0,
        progress=False,
    )
    assert result.waves["runs"].iloc[1] == 20 and 0 < result.waves["space_share"].iloc[1] < 1
    assert not result.runs["kept"].any()
    with pytest.raises(ValueError, match="'screen_rank'"):
        history_match(
            _evaluate(IDENTIFIED),
            SPACE,
            _targets({"sum": 1.0}),
            waves=1,
            runs_per_wave=6,
            screen_rank=2,
            progress=False,
        )
