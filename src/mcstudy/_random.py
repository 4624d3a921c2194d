"""The one path of randomness: seed sequences for runs, simulation blocks and sweep tasks.

Every stochastic public function takes ``rng=`` (numpy SPEC 7): None, an int seed, a
``SeedSequence`` or a ``Generator``. :func:`seed_sequence` turns it into the root
``SeedSequence``; :func:`block_generator` and :func:`task_seed_sequence` derive the independent
streams of simulation blocks and of sweep tasks from it, so that results never depend on thread
counts, backends or worker counts.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "DESIGN_STREAMS",
    "block_generator",
    "check_rng",
    "design_stream",
    "root_seed",
    "run_seed",
    "STUDY_STREAMS",
    "seed_sequence",
    "study_stream",
    "task_seed_sequence",
]


def task_seed_sequence(seed: int, point: int, replication: int) -> np.random.SeedSequence:
    """Return the seed sequence of task (``point``, ``replication``) of a run with ``seed``.

    It equals ``SeedSequence(seed).spawn(n_points)[point].spawn(n_replications)[replication]``
    for any ``n_points > point`` and ``n_replications > replication``.

    Examples
    --------
    >>> rng = np.random.default_rng(task_seed_sequence(42, point=0, replication=3))
    """
    return np.random.SeedSequence(seed, spawn_key=(point, replication))


#: The streams of a run or design beside its tasks', each spawned from the root seed under its
#: own key, chosen here and nowhere else: the Latin hypercube of the share, the Morris
#: trajectories, the Sobol' sample, the bootstraps of the Morris and Sobol' indices, the
#: noise-only runs at the reference context, the pilot runs that set a design's arms (equal
#: contact pressures) before its replications, and the waves of a history match. Their keys
#: have one entry, so none is a sweep task's stream (:func:`task_seed_sequence`, two entries).
DESIGN_STREAMS = {
    "latin_hypercube": 0,
    "morris": 1,
    "sobol": 2,
    "morris_bootstrap": 3,
    "sobol_bootstrap": 4,
    "noise": 5,
    "pilot": 6,
    "history_matching": 7,
}

#: The streams a study draws beside its main simulation's, under the seed sequence it was
#: handed, chosen here and nowhere else: a second, independent population, and one population
#: per customer profile (:func:`study_stream` adds the profile's index). Their key entry lies
#: above the engine's block numbers and its run key (``2**31``), so no study stream is a
#: simulation block's.
STUDY_STREAMS = {
    "second_population": 2**31 + 1,
    "profile": 2**31 + 2,
}


def design_stream(seed: int, name: str) -> np.random.SeedSequence:
    """The seed sequence of stream ``name`` (:data:`DESIGN_STREAMS`) of a design with ``seed``.

    Examples
    --------
    >>> design_stream(42, "noise").spawn_key
    (5,)
    """
    if name not in DESIGN_STREAMS:
        raise ValueError(f"'name' must be one of {sorted(DESIGN_STREAMS)}; got {name!r}.")
    return np.random.SeedSequence(seed, spawn_key=(DESIGN_STREAMS[name],))


def study_stream(
    ss: np.random.SeedSequence, name: str, index: int | None = None
) -> np.random.SeedSequence:
    """The seed sequence of stream ``name`` (:data:`STUDY_STREAMS`) under a study's ``ss``.

    ``index`` numbers the members of a family of streams (one per profile); without it the
    stream is ``SeedSequence(entropy, spawn_key=(*key, STUDY_STREAMS[name]))``.

    Examples
    --------
    >>> ss = task_seed_sequence(7, point=0, replication=2)
    >>> study_stream(ss, "profile", 1).spawn_key
    (0, 2, 2147483650, 1)
    """
    if name not in STUDY_STREAMS:
        raise ValueError(f"'name' must be one of {sorted(STUDY_STREAMS)}; got {name!r}.")
    if not isinstance(ss, np.random.SeedSequence):
        raise TypeError(f"'ss' must be a numpy.random.SeedSequence; got {ss!r}.")
    key = (*ss.spawn_key, STUDY_STREAMS[name])
    if index is not None:
        if not isinstance(index, int | np.integer) or isinstance(index, bool) or index < 0:
            raise ValueError(f"'index' must be None or an int >= 0; got {index!r}.")
        key = (*key, int(index))
    return np.random.SeedSequence(ss.entropy, spawn_key=key)


def seed_sequence(rng: object, name: str = "rng") -> np.random.SeedSequence:
    """Return the root ``SeedSequence`` of ``rng``.

    Parameters
    ----------
    rng : None, int, SeedSequence or Generator
        A non-negative int seeds a new sequence; a ``SeedSequence`` is used as it is; a
        ``Generator`` contributes a child of its own sequence (so the caller's stream is
        neither reused nor advanced); None draws fresh entropy from the operating system.
    name : str, default="rng"
        Parameter name used in error messages.

    Raises
    ------
    TypeError
        If ``rng`` is of another type.
    ValueError
        If an int seed is negative.
    """
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if isinstance(rng, np.random.Generator):
        return rng.bit_generator.seed_seq.spawn(1)[0]
    if rng is None:
        return np.random.SeedSequence()
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(
                f"{name!r} must be None, a non-negative int seed, a SeedSequence "
                f"or a Generator; got {rng!r}."
            )
        return np.random.SeedSequence(int(rng))
    raise TypeError(
        f"{name!r} must be None, an int seed, a SeedSequence or a Generator; got {rng!r}."
    )


def root_seed(ss: np.random.SeedSequence) -> object:
    """What reproduces ``ss``: its entropy, with its spawn key when it is a child."""
    return ss.entropy if not ss.spawn_key else (ss.entropy, tuple(ss.spawn_key))


def block_generator(ss: np.random.SeedSequence, block: int) -> np.random.Generator:
    """Generator of simulation block ``block``: ``SeedSequence(entropy, spawn_key=(*key, block))``.

    The stream of a block depends only on the root and the block number, never on how many
    threads run the blocks or in which order.
    """
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, block)))
    )


_MAX_RUN_SEED = 2**63 - 1


def run_seed(rng: object, name: str = "rng") -> int:
    """Return the int root seed of a batch run (replications, sweeps, designs).

    A batch run writes its root seed into its table and its ``run.json`` so that it can be
    resumed and reproduced, so the root is always an int in ``[0, 2**63 - 1]``: an int is used
    as it is; a ``SeedSequence`` without spawn key gives its entropy when it fits, otherwise
    (and for a child sequence) a number drawn from it; a ``Generator`` gives a number drawn
    from it (advancing it); None draws fresh entropy from the operating system.

    Raises
    ------
    TypeError, ValueError
        As :func:`seed_sequence`; also if an int seed is above ``2**63 - 1``.
    """
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool):
        if not 0 <= rng <= _MAX_RUN_SEED:
            raise ValueError(f"{name!r} as an int seed must be in [0, 2**63 - 1]; got {rng!r}.")
        return int(rng)
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(_MAX_RUN_SEED, endpoint=True))
    ss = seed_sequence(rng, name)
    if not ss.spawn_key and isinstance(ss.entropy, int) and ss.entropy <= _MAX_RUN_SEED:
        return int(ss.entropy)
    return int(ss.generate_state(1, np.uint64)[0] >> np.uint64(1))


def check_rng(rng: object) -> object:
    """Return ``rng`` unchanged if ``numpy.random.default_rng`` accepts it; raise otherwise.

    For the statistics that draw from ``default_rng(rng)`` directly (bootstraps), where a
    Generator passed in is used as it is.
    """
    ok = rng is None or isinstance(
        rng, np.random.Generator | np.random.BitGenerator | np.random.SeedSequence
    )
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool):
        ok = rng >= 0
    if not ok:
        raise TypeError(
            f"'rng' must be None, an int >= 0 or a numpy.random.Generator; got {rng!r}."
        )
    return rng
