"""The streams a design spawns from its seed: one key each, chosen in one place."""

import numpy as np
import pytest

from mcstudy._random import (
    DESIGN_STREAMS,
    STUDY_STREAMS,
    design_stream,
    study_stream,
    task_seed_sequence,
)


def test_every_design_stream_has_its_own_key_and_draws():
    keys = list(DESIGN_STREAMS.values())
    assert len(set(keys)) == len(keys)
    draws = {name: design_stream(7, name).generate_state(2).tolist() for name in DESIGN_STREAMS}
    assert len({tuple(d) for d in draws.values()}) == len(DESIGN_STREAMS)


def test_design_streams_are_not_sweep_task_streams():
    # a sweep task's key has two entries (point, replication): it never equals a design stream
    task = task_seed_sequence(7, 0, 5).generate_state(2).tolist()
    assert all(design_stream(7, n).generate_state(2).tolist() != task for n in DESIGN_STREAMS)


def test_a_design_stream_is_reproduced_by_its_seed_and_name():
    a = np.random.default_rng(design_stream(11, "sobol")).random(3)
    b = np.random.default_rng(design_stream(11, "sobol")).random(3)
    assert np.array_equal(a, b)


def test_an_unknown_stream_is_refused_with_the_names_allowed():
    with pytest.raises(
        ValueError, match=r"'name' must be one of \['history_matching', 'latin_hypercube'"
    ):
        design_stream(1, "warm_up")


def test_study_streams_are_neither_the_engines_blocks_nor_its_run_key():
    ss = task_seed_sequence(7, point=1, replication=2)
    ours = [study_stream(ss, "second_population")] + [
        study_stream(ss, "profile", k) for k in range(3)
    ]
    keys = [s.spawn_key for s in ours]
    assert len(set(keys)) == len(keys)
    assert all(k[:2] == (1, 2) and k[2] > 2**31 for k in keys)
    # the engine draws block b from (*key, b), b < 2**31, and its run key from (*key, 2**31)
    engine = [(1, 2, b) for b in range(64)] + [(1, 2, 2**31)]
    assert not set(keys) & set(engine)
    states = {tuple(s.generate_state(2).tolist()) for s in ours}
    assert len(states) == len(ours)


def test_a_study_stream_names_its_family_and_checks_its_input():
    ss = np.random.SeedSequence(3)
    assert study_stream(ss, "profile", 1).spawn_key == (STUDY_STREAMS["profile"], 1)
    assert study_stream(ss, "second_population").entropy == 3
    allowed = r"'name' must be one of \['profile', 'second_population'\]"
    with pytest.raises(ValueError, match=allowed):
        study_stream(ss, "third")
    with pytest.raises(TypeError, match="'ss' must be a numpy.random.SeedSequence"):
        study_stream(np.random.default_rng(3), "profile", 0)
    with pytest.raises(ValueError, match="'index' must be None or an int >= 0; got -1"):
        study_stream(ss, "profile", -1)
