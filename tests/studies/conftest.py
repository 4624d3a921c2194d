"""Fixtures shared by the tests of the study modules."""

import numpy as np
import pandas as pd
import pytest


def _reproduce_committed_point(space, points: pd.DataFrame) -> None:
    """Re-simulate the last point of a committed data-allowed sample and compare it.

    Independently of ``simulate_space``: the point's parameters and the three streams of
    the sample's seed (design, study, targets), the study at the space's fixed settings and
    every target at the point's model parameters. Every statistic and every simulated target
    must agree to 1e-6. The last point, because every point meets the same streams.
    """
    from mcstudy.experiments.calibration import compare_targets
    from mcstudy.experiments.data_allowed import MODEL_PREFIXES, constraint_targets
    from mcstudy.io import load_targets
    from mcstudy.model.context import model_context
    from mcstudy.studies import data_allowed_spaces as das

    row = points.iloc[-1]
    names = [c[2:] for c in points if c.startswith("u:")]
    params = {name: float(row[name]) for name in names}
    _, study_seed, target_seed = np.random.SeedSequence(das.SEED).spawn(3)
    stats = space.study({**params, **space.fixed}, study_seed)
    for statistic in [c[5:] for c in points if c.startswith("stat:")]:
        assert stats[statistic] == pytest.approx(row[f"stat:{statistic}"], rel=1e-6, abs=1e-9)
    model = {k: v for k, v in params.items() if k.startswith(MODEL_PREFIXES)}
    ctx = (space.targets_context or model_context)(model)
    table = compare_targets(
        constraint_targets(load_targets()),
        n_customers=das.TARGET_CUSTOMERS,
        rng=target_seed,
        population=ctx.population,
        response=ctx.response,
        channels=ctx.channels,
    ).set_index("target_id")
    for target, value in table["simulated"].items():
        assert value == pytest.approx(row[f"sim:{target}"], rel=1e-6, abs=1e-12, nan_ok=True)


@pytest.fixture
def reproduce_committed_point():
    """:func:`_reproduce_committed_point`, for the tests of the committed samples."""
    return _reproduce_committed_point
