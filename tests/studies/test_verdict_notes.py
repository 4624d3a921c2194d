"""Tests of mcstudy.studies.verdict_notes: what the real-data notebooks print around verdicts."""

from __future__ import annotations

import pandas as pd
import pytest
from scipy.stats import norm

from mcstudy.studies.verdict_notes import minimum_detectable, pvalues_as_text


def test_minimum_detectable_known_answer():
    # a 95 % interval of half-width 1.96 is one standard error: 80 % power needs 1.96 + 0.84
    assert minimum_detectable(-1.959963984540054, 1.959963984540054) == pytest.approx(
        1.959963984540054 + 0.8416212335729143
    )
    assert minimum_detectable(0.0, 2 * 1.959963984540054, power=0.9) == pytest.approx(
        1.959963984540054 + norm.ppf(0.9)
    )
    with pytest.raises(ValueError, match="'power' must be in"):
        minimum_detectable(0.0, 1.0, power=1.0)
    with pytest.raises(ValueError, match="'ci_high' must be at least"):
        minimum_detectable(1.0, 0.0)


def test_pvalues_as_text_keeps_small_pvalues_visible():
    table = pd.DataFrame({"pvalue": [1.234e-9, 0.5]})
    assert pvalues_as_text(table)["pvalue"].tolist() == ["1.23e-09", "0.5"]
    assert table["pvalue"].dtype == float  # the input is left as it is
