"""The logit guard of mcstudy.analysis._common: a stated margin, not a finite-or-not test."""

import numpy as np
import pandas as pd
import pytest

from mcstudy.analysis import _common


class _Fit:
    def __init__(self, bse):
        self.params = pd.Series([0.1, 0.2])
        self.bse = pd.Series(bse)
        self.mle_retvals = {"converged": True}


class _Model:
    def __init__(self, bse):
        self._bse = bse

    def fit(self, disp=0):
        return _Fit(self._bse)


@pytest.mark.parametrize(
    ("bse", "refused"),
    [
        ([0.05, 0.3], False),
        ([0.05, 99.0], False),  # large but under the margin
        ([0.05, 100.0 * (1 + 1e-9)], True),
        ([0.05, 1.8e4], True),  # a diverging fit on separated data
        ([0.05, np.inf], True),
        ([0.05, np.nan], True),
    ],
)
def test_a_separated_fit_is_refused_by_the_size_of_its_errors(monkeypatch, bse, refused):
    monkeypatch.setattr(_common.smf, "logit", lambda formula, frame: _Model(bse))
    frame = pd.DataFrame({"y": [0, 1], "x": [0.0, 1.0]})
    if refused:
        with pytest.raises(ValueError, match=r"standard errors of 100 or more .* separation"):
            _common.fit_logit("y ~ x", frame, outcome="y")
    else:
        assert _common.fit_logit("y ~ x", frame, outcome="y").bse.tolist() == bse
