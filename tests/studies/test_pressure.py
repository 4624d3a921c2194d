"""Contact-pressure response curves (mcstudy.studies.pressure)."""

import numpy as np
import pandas as pd
import pytest

from mcstudy import PopulationSpec
from mcstudy.studies import PRESSURE_METRICS, fit_response_curve, pressure_response


def _quadratic(optimum=2.5, n_replications=30, noise=0.2, seed=0):
    # revenue = 10 + 4 p - 0.8 p^2 (maximum at p = 2.5) plus a replication effect and noise
    gen = np.random.default_rng(seed)
    pressures = np.array([0, 0.5, 1, 2, 3, 4, 6])
    rows = []
    for rep in range(n_replications):
        shift = gen.normal(0, 1.0)  # shared by the arms of a replication
        for p in pressures:
            value = 10 + 0.8 * (2 * optimum * p - p**2) + shift + gen.normal(0, noise)
            rows.append(
                {
                    "replication": rep,
                    "channel": "email",
                    "pressure": p,
                    **dict.fromkeys(PRESSURE_METRICS, 0.0),
                    "revenue_per_customer_eur": value,
                }
            )
    return pd.DataFrame(rows)


def test_the_optimum_of_a_known_curve_is_found_within_its_interval():
    curve = fit_response_curve(_quadratic(), "revenue_per_customer_eur")
    assert curve.optimum == pytest.approx(2.5, abs=0.15)
    low, high = curve.optimum_ci
    assert low <= 2.5 <= high and high - low < 1.0
    assert curve.interior and curve.n == 7 * 30
    assert curve.gain_at_optimum == pytest.approx(0.8 * 2.5**2, rel=0.1)
    band = curve.curve
    assert (band["ci_low"] <= band["fitted"]).all() and (band["fitted"] <= band["ci_high"]).all()


def test_a_rising_curve_has_its_optimum_at_the_edge():
    table = _quadratic(optimum=20.0)  # still rising at the highest pressure simulated
    curve = fit_response_curve(table, "revenue_per_customer_eur")
    assert curve.optimum == 6.0 and not curve.interior


def test_pressure_response_arms_share_customers_and_reproduce():
    spec = PopulationSpec(n_customers=3000)
    a = pressure_response(
        ["email", "sms"], [0, 1, 3], population=spec, n_weeks=8, n_replications=2, rng=5
    )
    b = pressure_response(
        ["email", "sms"], [0, 1, 3], population=spec, n_weeks=8, n_replications=2, rng=5
    )
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 2 * 2 * 3
    assert list(a.columns) == ["replication", "channel", "pressure", "customers", *PRESSURE_METRICS]
    zero = a[a["pressure"] == 0]
    assert (zero["contacts_per_customer"] == 0).all()
    # the no-contact arms of the two channels are the same customers only within a channel
    # (each channel has its own seed): their outcomes need not be equal, but are positive
    assert (zero["revenue_per_customer_eur"] > 0).all()
    more = a.groupby(["channel", "pressure"])["contacts_per_customer"].mean().unstack(0)
    assert (more.diff().iloc[1:] > 0).all().all()  # more pressure, more contacts


def test_named_mixes_are_accepted():
    spec = PopulationSpec(n_customers=2000)
    t = pressure_response(
        {"email+mail": {"email": 0.5, "postal_mail": 0.5}},
        [0, 2],
        population=spec,
        n_weeks=4,
        n_replications=1,
        rng=1,
    )
    assert set(t["channel"]) == {"email+mail"}


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"pressures": [1, 1]}, ValueError, r"'pressures' must hold at least two distinct"),
        ({"pressures": [0, 60]}, ValueError, r"'pressures\[\.\.\.\]' must be a real number in"),
        ({"n_replications": 0}, ValueError, r"'n_replications' must be an int in"),
        ({"respect_consent": "yes"}, TypeError, r"'respect_consent' must be True or False"),
        ({"channels": {"mix": {}}}, ValueError, r"'channels\['mix'\]' must be a non-empty"),
        ({"channels": []}, ValueError, r"'channels' must name at least one"),
    ],
)
def test_bad_input(kwargs, error, match):
    args = {
        "channels": "email",
        "pressures": [0, 1],
        "n_replications": 1,
        "population": PopulationSpec(n_customers=500),
        "n_weeks": 2,
        **kwargs,
    }
    with pytest.raises(error, match=match):
        pressure_response(args.pop("channels"), args.pop("pressures"), **args)


def test_bad_curve_input():
    table = _quadratic()
    with pytest.raises(ValueError, match=r"'metric' must be one of"):
        fit_response_curve(table.assign(visits=1.0), "visits")
    with pytest.raises(ValueError, match=r"'df' must be an int in \[3, 6\]"):
        fit_response_curve(table, "revenue_per_customer_eur", df=7)
    two = pd.concat([table, table.assign(channel="sms")])
    with pytest.raises(ValueError, match=r"'channel' must be one of \['email', 'sms'\]"):
        fit_response_curve(two, "revenue_per_customer_eur")


def test_the_optimum_and_its_interval_survive_a_1e9_perturbation():
    table = _quadratic()
    curve = fit_response_curve(table, "revenue_per_customer_eur")
    gen = np.random.default_rng(1)
    for _ in range(3):
        noise = 1 + gen.uniform(-1e-9, 1e-9, len(table))
        moved = table.assign(revenue_per_customer_eur=table["revenue_per_customer_eur"] * noise)
        again = fit_response_curve(moved, "revenue_per_customer_eur")
        assert (again.optimum, again.optimum_ci) == (curve.optimum, curve.optimum_ci)


def test_coefficient_draws_do_not_depend_on_how_the_covariance_is_factored():
    from scipy import linalg

    from mcstudy.studies.pressure import _normal_draws

    gen = np.random.default_rng(2)
    a = gen.normal(size=(5, 5))
    cov = a @ a.T
    mean = gen.normal(size=5)
    draws = _normal_draws(np.random.default_rng(3), mean, cov, 1000)
    # the symmetric square root is unique (an SVD's vectors are so only up to sign)
    z = np.random.default_rng(3).standard_normal((1000, 5))
    np.testing.assert_allclose(draws, mean + z @ np.real(linalg.sqrtm(cov)), atol=1e-9)
    np.testing.assert_allclose(np.cov(draws.T), cov, rtol=0.25, atol=0.3)
