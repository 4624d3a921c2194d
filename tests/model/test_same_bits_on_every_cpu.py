"""The same seed gives the same tables, bit for bit, whatever SIMD code numpy picks for the CPU.

numpy chooses its vectorised routines when it is imported, by the CPU's features; its ``exp``,
``log`` and ``power`` on AVX-512 disagree in the last bit with those on other CPUs for a few per
cent of arguments. The simulator's transcendental functions therefore come from
:mod:`mcstudy.model._libm`. The second test runs a simulation in a child process in which
numpy's dispatch targets above the baseline are switched off (``NPY_DISABLE_CPU_FEATURES``, as
on a CPU without them) and compares its tables with this process's.
"""

import json
import math
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from mcstudy.model import _libm

SCRIPT = textwrap.dedent(
    """
    import hashlib, json
    import pandas as pd
    from mcstudy.model.engine import simulate
    from mcstudy.model.population import PopulationSpec
    from mcstudy.model.response import ResponseSpec
    from mcstudy.model.strategies import Omnichannel, SiloedMultichannel

    def digest(df):
        h = hashlib.sha256(pd.util.hash_pandas_object(df, index=True).to_numpy().tobytes())
        return h.hexdigest()

    # every population mechanism away from its neutral value, the two-sided mechanisms on
    res = simulate(
        PopulationSpec(
            n_customers=6000,
            engagement_breadth_link=1.5,
            consent_interest_correlation=0.4,
            dropout_cv=1.2,
            pre_period_weeks=26,
        ),
        {"siloed": SiloedMultichannel(), "omni": Omnichannel(deployment_lag_weeks=3)},
        n_weeks=20,
        n_journeys=100,
        response=ResponseSpec(
            fatigue_sharing=0.5, channel_synergy=0.3, consistency_offer_loss=0.2
        ),
        progress=False,
        rng=7,
    )
    print(json.dumps({t: digest(getattr(res, t)) for t in ("customers", "weekly", "journeys")}))
    """
)


def _targets_above_baseline() -> list[str]:
    """numpy's dispatch targets that this CPU runs (empty when numpy does not say)."""
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    except ImportError:  # numpy < 2
        return []
    return [t for t in __cpu_dispatch__ if __cpu_features__.get(t, False)]


def _digests(extra_env: dict[str, str]) -> dict[str, str]:
    env = {**os.environ, **extra_env}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_libm_functions_give_the_c_librarys_bits():
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.standard_normal(20_000) * 3, [0.0, -0.0, 700.0, -745.0, 1e-300]])
    np.testing.assert_array_equal(_libm.exp(x), [math.exp(v) for v in x])
    base = np.concatenate([rng.random(20_000), [0.0, 1.0, 5.0]])
    expo = np.concatenate([rng.standard_normal(20_000) * 2, [2.0, -1.5, 0.3]])
    np.testing.assert_array_equal(
        _libm.power(base, expo), [math.pow(b, e) for b, e in zip(base, expo, strict=True)]
    )
    # shapes are kept, scalars broadcast
    assert _libm.exp(np.zeros((3, 2))).shape == (3, 2)
    np.testing.assert_array_equal(_libm.power([[4.0, 9.0]], 0.5), [[2.0, 3.0]])


def test_tables_do_not_depend_on_numpys_simd_targets():
    targets = _targets_above_baseline()
    if not targets:
        pytest.skip("numpy runs no dispatch target above its baseline on this CPU")
    default = _digests({})
    baseline = _digests({"NPY_DISABLE_CPU_FEATURES": " ".join(targets)})
    assert baseline == default, f"tables differ with numpy's {targets} switched off"
