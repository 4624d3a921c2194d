"""The streams a design spawns from its seed: one key each, chosen in one place."""

import numpy as np
import pytest

from mcstudy._random import DESIGN_STREAMS, design_stream, task_seed_sequence


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
    with pytest.raises(ValueError, match=r"'name' must be one of \['latin_hypercube'"):
        design_stream(1, "pilot")
