"""Pinned results: a small simulation's tables, hashed, must not change.

The digests were computed with the engine before its performance work (the population drawn
per block with numpy, the kernel run one customer at a time). Any change to the random streams,
to the order of floating-point sums, or to a column's values or dtype changes a digest. A
change of the model itself must update them, and say so in its commit.

They were taken again when the population's exponentials and powers moved from numpy's to the C
library's (``mcstudy.model._libm``): numpy's AVX-512 routines had given the tables of an AVX-512
CPU bits of their own. The new digests are those that a CPU without AVX-512 gave before the move;
the counts, and so the costs table, did not change.
"""

import hashlib

import numpy as np
import pandas as pd
import pytest

from mcstudy.model.engine import BLOCK_SIZE, simulate
from mcstudy.model.population import PopulationSpec, _orders
from mcstudy.model.strategies import Omnichannel, SiloedMultichannel

#: sha256 (first 16 hex digits) of each table's columns, dtypes and row hashes.
PINNED = {
    "customers": "eb830fa00fa645e6",
    "weekly": "6d1e3439dd0e63b5",
    "journeys": "d55f689db7330511",
    "costs": "f9f9322e6b9bf38a",
}
PINNED_SWITCHED_OFF = {
    "customers": "3daa8cb2f49887fb",
    "weekly": "35386b463d68fe0f",
    "journeys": "9026ade58e6fe407",
    "costs": "df546b9402c1fada",
}


def _digest(df: pd.DataFrame) -> str:
    h = hashlib.sha256()
    h.update(repr(list(df.columns)).encode())
    h.update(repr([str(d) for d in df.dtypes]).encode())
    h.update(pd.util.hash_pandas_object(df, index=True).to_numpy().tobytes())
    return h.hexdigest()[:16]


def _run(n_threads, **kw):
    # 20,000 customers: two full blocks and a partial one; one arm with a deployment lag
    return simulate(
        PopulationSpec(n_customers=20_000),
        {"siloed": SiloedMultichannel(), "omni": Omnichannel(deployment_lag_weeks=4)},
        n_weeks=30,
        n_journeys=300,
        n_threads=n_threads,
        progress=False,
        rng=2024,
        **kw,
    )


@pytest.mark.parametrize("n_threads", [1, 2])
def test_tables_match_the_pinned_digests(n_threads):
    assert 20_000 > 2 * BLOCK_SIZE
    res = _run(n_threads)
    got = {name: _digest(getattr(res, name)) for name in PINNED}
    assert got == PINNED


def test_switched_off_tables_match_the_pinned_digests():
    res = _run(2, switched_off=("email",))
    got = {name: _digest(getattr(res, name)) for name in PINNED}
    assert got == PINNED_SWITCHED_OFF


def test_orders_match_numpys_stable_argsort():
    # The population's preference order and repertoire are sorted row by row in compiled code;
    # they must equal numpy's stable argsort along the rows, ties, zeros, inf and NaN included.
    rng = np.random.default_rng(1)
    for _ in range(50):
        aff = rng.integers(0, 3, (40, 6)).astype(float)
        aff[rng.random((40, 6)) < 0.1] = np.nan
        arr = rng.integers(0, 3, (40, 4)).astype(float)
        arr[rng.random((40, 4)) < 0.1] = np.nan
        arr[rng.random((40, 4)) < 0.1] = np.inf
        breadth = rng.integers(1, 5, 40)
        order = np.empty((40, 6), np.int64)
        repertoire = np.empty((40, 4), bool)
        _orders(aff, arr, breadth, order, repertoire)
        np.testing.assert_array_equal(order, np.argsort(-aff, axis=1, kind="stable"))
        race = np.argsort(arr, axis=1, kind="stable")
        rank = np.empty_like(race)
        np.put_along_axis(rank, race, np.arange(4), axis=1)
        np.testing.assert_array_equal(repertoire, rank < breadth[:, None])
