"""The same seed gives the same tables, bit for bit, whatever SIMD code numpy picks for the CPU.

numpy chooses its vectorised routines when it is imported, by the CPU's features; its ``exp``,
``log`` and ``power`` on AVX-512 disagree in the last bit with those on other CPUs for a few per
cent of arguments. The simulator's transcendental functions therefore come from
:mod:`mcstudy.model._libm`. The second test runs a simulation, and the other computations that
make simulation inputs, in a child process in which numpy's dispatch targets above the baseline
are switched off (``NPY_DISABLE_CPU_FEATURES``, with OpenBLAS's kernels for an AVX2 CPU on
x86-64: as on a CPU without AVX-512), and compares them with a child process that keeps them.
"""

import json
import math
import os
import platform
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import mcstudy
from mcstudy.model import _libm

SCRIPT = textwrap.dedent(
    """
    import hashlib, json
    import numpy as np
    import pandas as pd
    from mcstudy.experiments._parameter_space import from_unit
    from mcstudy.model.engine import simulate
    from mcstudy.model.equalisation import _next_pressure
    from mcstudy.model.population import PopulationSpec
    from mcstudy.model.response import ResponseSpec
    from mcstudy.model.strategies import Omnichannel, SiloedMultichannel
    from mcstudy.studies.affinity_weights import gap_affinities

    def digest(x):
        if isinstance(x, pd.DataFrame):
            x = pd.util.hash_pandas_object(x, index=True).to_numpy()
        return hashlib.sha256(np.ascontiguousarray(x).tobytes()).hexdigest()

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
    out = {t: digest(getattr(res, t)) for t in ("customers", "weekly", "journeys")}
    u = np.random.default_rng(1).random((500, 2))
    space = pd.DataFrame({"low": [0.001, 0.5], "high": [0.2, 3.0], "scale": ["log", "log"]})
    out["design points"] = digest(from_unit(space, u))
    history = [(p, 1.7 * p**0.8) for p in np.linspace(0.4, 2.3, 7)]
    out["equalised pressure"] = digest(np.array([_next_pressure(history, 2.0)]))
    weights = np.random.default_rng(2).random((2, 5000)) + 0.1
    out["affinities"] = digest(gap_affinities(weights, 1.37))
    # numpy's own exp: shows whether the dispatch targets were switched off
    out["numpy exp"] = digest(np.exp(np.random.default_rng(3).standard_normal(100_000)))
    print(json.dumps(out))
    """
)


def _targets_above_baseline() -> list[str]:
    """numpy's dispatch targets that this CPU runs (empty when numpy does not say)."""
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    except ImportError:  # numpy 1.x
        from numpy.core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    return [t for t in __cpu_dispatch__ if __cpu_features__.get(t, False)]


def _digests(extra_env: dict[str, str]) -> dict[str, str]:
    # the child imports the mcstudy under test, not whichever is installed
    src = str(Path(mcstudy.__file__).resolve().parents[1])
    path = os.pathsep.join([src, *filter(None, [os.environ.get("PYTHONPATH")])])
    env = {**os.environ, "PYTHONPATH": path, **extra_env}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_libm_functions_give_the_c_librarys_bits():
    rng = np.random.default_rng(3)
    edges = [0.0, -0.0, 700.0, -745.0, 1e-300, math.inf, -math.inf]
    x = np.concatenate([rng.standard_normal(20_000) * 3, edges])
    np.testing.assert_array_equal(_libm.exp(x), [math.exp(v) for v in x])
    positive = np.concatenate([rng.lognormal(0, 3, 20_000), [1.0, 1e-300, 1e300, math.inf]])
    np.testing.assert_array_equal(_libm.log(positive), [math.log(v) for v in positive])
    with np.errstate(divide="ignore", invalid="ignore"):
        np.testing.assert_array_equal(_libm.log([0.0, -0.0, -1.0]), np.log([0.0, -0.0, -1.0]))
    base = np.concatenate([rng.random(20_000), [0.0, 1.0, 5.0]])
    expo = np.concatenate([rng.standard_normal(20_000) * 2, [2.0, -1.5, 0.3]])
    np.testing.assert_array_equal(
        _libm.power(base, expo), [math.pow(b, e) for b, e in zip(base, expo, strict=True)]
    )
    # shapes are kept, scalars broadcast, views and integers accepted
    assert _libm.exp(np.zeros((3, 2))).shape == (3, 2)
    assert _libm.exp(np.arange(12.0).reshape(3, 4)[:, ::2]).shape == (3, 2)
    assert _libm.exp([]).shape == (0,)
    np.testing.assert_array_equal(_libm.power([[4.0, 9.0]], 0.5), [[2.0, 3.0]])
    np.testing.assert_array_equal(_libm.log([1, 1]), [0.0, 0.0])


def test_simulation_inputs_and_tables_do_not_depend_on_numpys_simd_targets():
    targets = _targets_above_baseline()
    if not targets:
        pytest.skip("numpy runs no dispatch target above its baseline on this CPU")
    default = _digests({})
    off = {"NPY_DISABLE_CPU_FEATURES": " ".join(targets)}
    if platform.machine() in ("x86_64", "AMD64"):
        off["OPENBLAS_CORETYPE"] = "Haswell"  # OpenBLAS's kernels of a CPU without AVX-512
    baseline = _digests(off)
    # the switch took effect: numpy's own exp changed (it does on a CPU with AVX-512)
    if baseline.pop("numpy exp") == default.pop("numpy exp"):
        pytest.skip(f"switching numpy's {targets} off does not change its exp on this CPU")
    assert baseline == default, f"results differ with numpy's {targets} switched off"
