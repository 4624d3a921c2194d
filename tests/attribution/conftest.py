"""Small path tables whose attributions are worked out by hand in the tests."""

from __future__ import annotations

import pandas as pd
import pytest


@pytest.fixture
def hand_paths() -> pd.DataFrame:
    """Five paths: a repeated touch (a > a > d), a channel only on a null path (e).

    Totals: 4 conversions, value 35.
    """
    return pd.DataFrame(
        {
            "path": ["a > b > c", "b", "c > a", "a > a > d", "e"],
            "conversions": [2, 1, 0, 1, 0],
            "nulls": [0, 0, 3, 0, 2],
            "value": [20.0, 5.0, 0.0, 10.0, 0.0],
        }
    )
