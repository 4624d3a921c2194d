"""A Pareto/NBD fit beside the simulator's assumptions (calibration notebook, section 7)."""

from __future__ import annotations

import numpy as np
import pytest

from mcstudy.analysis.dropout import ParetoNBDFit
from mcstudy.analysis.heterogeneity import rate_cv2
from mcstudy.io.catalogue import load_parameters
from mcstudy.studies import calibration_report as report


def _fit(r, alpha, s, beta, se_log=0.01):
    return ParetoNBDFit(
        r=r,
        alpha=alpha,
        s=s,
        beta=beta,
        cov=np.eye(4) * se_log**2,
        loglik=0.0,
        n=1000,
        method="planted",
    )


def test_reference_places_each_estimate_against_the_default_and_range():
    parameters = load_parameters()
    # rate CV2 1 / 0.64 = 1.5625 (near the default 1.568); dropout CV 1 / sqrt(0.25) = 2
    # (above the range 0-1.5); mean dropout 0.25 / 50 = 0.005 (inside 0.001-0.022)
    table = report.dropout_reference(_fit(0.64, 10.0, 0.25, 50.0), parameters).set_index("quantity")
    p = parameters.set_index("name")
    assert table.loc["rate_cv2", "default"] == pytest.approx(
        rate_cv2(
            p.loc["population.engagement_sigma", "default"],
            p.loc["population.rate_shape", "default"],
        )
    )
    assert table.loc["rate_cv2", "estimate"] == pytest.approx(1 / 0.64)
    assert table.loc["rate_cv2", "default_in_ci"]
    assert table.loc["rate_cv2", "ci_in_range"]
    assert table.loc["dropout_cv", "estimate"] == pytest.approx(2.0)
    assert not table.loc["dropout_cv", "overlaps_range"]
    assert not table.loc["dropout_cv", "default_in_ci"]
    assert table.loc["mean_dropout_per_week", "ci_in_range"]
    text = report.describe_dropout_reference(table.reset_index(), 1000)
    assert "coefficient of variation of 2.00" in text
    assert "lies above the plausible range (0 to 1.5)" in text
    assert "1.56 (95 % CI" in text and "inside that interval" in text


def test_reference_reads_an_interval_across_a_range_end():
    table = report.dropout_reference(_fit(0.6, 10.0, 0.45, 9.0, se_log=0.1), load_parameters())
    row = table.set_index("quantity").loc["dropout_cv"]
    assert row["ci_low"] < 1.5 < row["ci_high"]
    assert row["overlaps_range"] and not row["ci_in_range"]
    assert "across an end of the plausible range" in report.describe_dropout_reference(table, 10)


def test_reference_names_missing_parameter_rows():
    parameters = load_parameters()
    parameters = parameters[parameters["name"] != "population.dropout_cv"]
    with pytest.raises(ValueError, match=r"no rows for \['population.dropout_cv'\]"):
        report.dropout_reference(_fit(0.6, 10.0, 0.5, 9.0), parameters)
