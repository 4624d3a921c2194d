"""Hostile inputs to the study helpers: tables of runs, arms, curves, economics."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mcstudy.model import Omnichannel, SiloedMultichannel
from mcstudy.studies.arms import arm_contrasts, compare_arms
from mcstudy.studies.attention import arm_outcomes, attention_arms, contacts_association
from mcstudy.studies.cost_to_serve import cost_to_serve_arms, search_assignments
from mcstudy.studies.cross_channel import (
    cross_channel_arms,
    grading_table,
    ratio_of_means,
    ratio_statistics,
    referral_channels,
    share_table,
    strength_reaching,
)
from mcstudy.studies.integration import integration_arms, omnichannel_npv, silo_equilibrium
from mcstudy.studies.pressure import pressure_response
from mcstudy.studies.profiles import equal_contact_pressures, gap_affinities, with_affinity_gap

RNG = np.random.default_rng(0)
TABLE = pd.DataFrame(
    {
        "replication": [0, 0, 1, 1],
        "arm": ["a", "b", "a", "b"],
        "metric": ["m"] * 4,
        "value": [1.0, 2.0, 1.5, 2.5],
    }
)
TIER_PRESSURE = {"small": 1.0, "medium": 1.0, "key_account": 1.0}
CURVE = pd.Series([0.1, 0.5, 0.9], index=[0.0, 0.5, 1.0])
NOT_RUNS = pd.DataFrame({"x": [1]})


def _contrast_ok():
    out = arm_contrasts(TABLE, "a")
    assert out["mean"].tolist() == pytest.approx([1.0])


def _npv_zero():
    npv = omnichannel_npv(
        0.0,
        1000,
        fixed_investment_eur=0.0,
        n_channels=1,
        integration_cost_per_channel_eur=0.0,
        running_cost_per_week_eur=0.0,
    )
    assert float(npv) == 0.0


def _strength_unreached():
    assert math.isnan(strength_reaching(CURVE, 2.0))


CASES = [
    # arm contrasts
    ("studies/arm contrasts valid", _contrast_ok, None, None),
    (
        "studies/arm contrasts text values",
        lambda: arm_contrasts(TABLE.assign(value=list("abcd")), "a"),
        TypeError,
        r"'table' column 'value' must be numeric; got dtype",
    ),
    (
        "studies/arm contrasts duplicated rows",
        lambda: arm_contrasts(pd.concat([TABLE, TABLE]), "a"),
        ValueError,
        r"'table' must have one row per replication, arm and metric; \{'replication': 0, "
        r"'arm': 'a', 'metric': 'm'\} appears more than once",
    ),
    (
        "studies/arm contrasts unknown reference",
        lambda: arm_contrasts(TABLE, "z"),
        ValueError,
        r"'reference' must be one of \['a', 'b'\]; got 'z'",
    ),
    (
        "studies/arm contrasts without arm column",
        lambda: arm_contrasts(TABLE.drop(columns="arm"), "a"),
        ValueError,
        r"'table' is missing columns \['arm'\]",
    ),
    (
        "studies/arm contrasts alpha 1.5",
        lambda: arm_contrasts(TABLE, "a", alpha=1.5),
        ValueError,
        r"'alpha' must be a real number in \(0, 1\); got 1\.5",
    ),
    (
        "studies/compare arms one arm",
        lambda: compare_arms({"a": SiloedMultichannel()}),
        ValueError,
        r"'arms' must map at least two arm names to strategies",
    ),
    (
        "studies/compare arms zero replications",
        lambda: compare_arms({"a": SiloedMultichannel(), "b": Omnichannel()}, n_replications=0),
        ValueError,
        r"'n_replications' must be an int in \[1, 10000\]; got 0",
    ),
    (
        "studies/compare arms negative value",
        lambda: compare_arms(
            {"a": SiloedMultichannel(), "b": Omnichannel()}, value=-1.0, n_replications=1
        ),
        ValueError,
        r"'value' must be a real number in \(0, inf\); got -1\.0",
    ),
    # pressure
    (
        "studies/pressure unknown channel",
        lambda: pressure_response("fax", [0.5, 1.0], n_replications=1),
        ValueError,
        r"uses channels \['fax'\]",
    ),
    (
        "studies/pressure no pressures",
        lambda: pressure_response("email", [], n_replications=1),
        ValueError,
        r"'pressures' must hold at least two distinct values in \[0, 50\]; got \[\]",
    ),
    (
        "studies/pressure NaN",
        lambda: pressure_response("email", [0.5, math.nan], n_replications=1),
        ValueError,
        r"'pressures\[\.\.\.\]' must be a real number in \[0, 50\]; got nan",
    ),
    (
        "studies/pressure negative",
        lambda: pressure_response("email", [-1.0, 1.0], n_replications=1),
        ValueError,
        r"'pressures\[\.\.\.\]' must be a real number in \[0, 50\]; got -1\.0",
    ),
    # integration
    (
        "studies/silo equilibrium a dict",
        lambda: silo_equilibrium({"email_0.0_mail_0.0/margin": 1.0}),
        TypeError,
        r"'outcomes' must be a DataFrame indexed by arm \(path_outcomes .*got dict",
    ),
    (
        "studies/silo equilibrium a list",
        lambda: silo_equilibrium([1, 2]),
        TypeError,
        r"'outcomes' must be a DataFrame indexed by arm .*got list",
    ),
    (
        "studies/silo equilibrium unknown arms",
        lambda: silo_equilibrium(pd.DataFrame({"margin": [1.0]}, index=["x"])),
        ValueError,
        r"the outcomes must be indexed by the arms of kpi_grid_statistics .*got \['x'\]",
    ),
    (
        "studies/silo equilibrium without the KPIs",
        lambda: silo_equilibrium(pd.DataFrame({"margin": [1.0]}, index=["email_0.0_mail_0.0"])),
        ValueError,
        r"'outcomes' lacks the columns \['kpi_email', 'kpi_postal_mail'\]",
    ),
    (
        "studies/silo equilibrium zero rounds",
        lambda: silo_equilibrium(pd.DataFrame({"margin": [1.0]}, index=["x"]), max_rounds=0),
        ValueError,
        r"'max_rounds' must be an int in \[1, 1000\]; got 0",
    ),
    ("studies/npv all zero", _npv_zero, None, None),
    (
        "studies/npv NaN gain",
        lambda: omnichannel_npv(math.nan, 1000),
        ValueError,
        r"'gain_per_customer_year' must be finite; got nan",
    ),
    (
        "studies/npv text gain",
        lambda: omnichannel_npv("a", 1000),
        TypeError,
        r"'gain_per_customer_year' must be a real number or an array of them; got 'a'",
    ),
    (
        "studies/npv inf deployment",
        lambda: omnichannel_npv(1.0, 1000, deployment_months=math.inf),
        ValueError,
        r"'deployment_months' must be finite; got inf",
    ),
    (
        "studies/npv mismatched arrays",
        lambda: omnichannel_npv(np.ones(3), np.ones(2)),
        ValueError,
        r"must broadcast to one shape; got shapes \[\(3,\), \(2,\)\] and \[\(\), \(\)\]",
    ),
    (
        "studies/npv negative customers",
        lambda: omnichannel_npv(1.0, -1000),
        ValueError,
        r"'n_customers' must be finite and >= 0",
    ),
    (
        "studies/npv zero horizon",
        lambda: omnichannel_npv(1.0, 1000, horizon_years=0),
        ValueError,
        r"'horizon_years' must be a real number in \[0\.1, 50\]; got 0",
    ),
    (
        "studies/integration unknown design",
        lambda: integration_arms("xyz"),
        ValueError,
        r"'design' must be one of \['core', 'full'\]; got 'xyz'",
    ),
    # cross-channel
    (
        "studies/ratio of means mismatched",
        lambda: ratio_of_means([1, 2, 3], [2, 2]),
        ValueError,
        r"must be 1-d arrays of the same length >= 2; got shapes \(3,\) and \(2,\)",
    ),
    (
        "studies/ratio of means zero denominator",
        lambda: ratio_of_means([1, 2, 3], [0, 0, 0]),
        ValueError,
        r"the mean of 'denominator' must be > 0",
    ),
    (
        "studies/ratio of means NaN",
        lambda: ratio_of_means([1, np.nan, 3], [1, 1, 1]),
        ValueError,
        r"must hold finite numbers only",
    ),
    (
        "studies/strength reaching a list",
        lambda: strength_reaching([0.1, 0.5], 0.3),
        TypeError,
        r"'curve' must be a pandas Series indexed by referral strength; got list",
    ),
    (
        "studies/strength reaching NaN target",
        lambda: strength_reaching(CURVE, math.nan),
        ValueError,
        r"'target' must be a real number in \(-inf, inf\); got nan",
    ),
    ("studies/strength never reached", _strength_unreached, None, None),
    (
        "studies/share table not runs",
        lambda: share_table(NOT_RUNS),
        ValueError,
        r"'runs' is missing columns \['replication', 'arm', 'method', 'channel', "
        r"'purchase_channel', 'metric', 'value'\]; it has columns \['x'\]",
    ),
    (
        "studies/grading table not runs",
        lambda: grading_table(NOT_RUNS),
        ValueError,
        r"'runs' is missing columns \['replication', 'arm', 'method', 'channel', "
        r"'purchase_channel', 'metric', 'value'\]; it has columns \['x'\]",
    ),
    (
        "studies/ratio statistics not runs",
        lambda: ratio_statistics(NOT_RUNS),
        ValueError,
        r"'runs' is missing columns \['replication', 'arm', 'method', 'channel', "
        r"'purchase_channel', 'metric', 'value'\]; it has columns \['x'\]",
    ),
    (
        "studies/share table a list",
        lambda: share_table([1]),
        TypeError,
        r"'runs' must be a pandas DataFrame; got list",
    ),
    (
        "studies/cross-channel unknown design",
        lambda: cross_channel_arms(design="xyz"),
        ValueError,
        r"'design' must be one of \['full', 'reference'\]; got 'xyz'",
    ),
    (
        "studies/cross-channel strength 2",
        lambda: cross_channel_arms(referral_strength=2.0),
        ValueError,
        r"'referral_strength' must be a real number in \[0, 1\]; got 2\.0",
    ),
    (
        "studies/referral unknown matrix",
        lambda: referral_channels("xyz"),
        ValueError,
        r"'referral' must be one of \['box3', 'default'\]; got 'xyz'",
    ),
    (
        "studies/referral channels a string",
        lambda: referral_channels("default", channels="x"),
        TypeError,
        r"'channels' must be a ChannelSet or None; got 'x'",
    ),
    # attention
    (
        "studies/arm outcomes not runs",
        lambda: arm_outcomes(NOT_RUNS),
        ValueError,
        r"'table' is missing columns \['arm', 'metric', 'value'\]",
    ),
    (
        "studies/attention arms NaN consent",
        lambda: attention_arms(math.nan),
        ValueError,
        r"must be a real number.*got nan",
    ),
    (
        "studies/contacts association zero customers",
        lambda: contacts_association(0),
        ValueError,
        r"'n_customers' must be an int in \[100, 1e\+07\]; got 0",
    ),
    # profiles
    (
        "studies/gap NaN",
        lambda: gap_affinities([[1, 2], [2, 1]], math.nan),
        ValueError,
        r"'gap' must be a real number in \[0, 4\]; got nan",
    ),
    (
        "studies/gap negative affinity",
        lambda: gap_affinities([[1, -2], [2, 1]], 1.0),
        ValueError,
        r"'affinity' entries must be in \(0, inf\)",
    ),
    (
        "studies/gap three rows",
        lambda: gap_affinities([[1, 2], [2, 1], [1, 1]], 1.0),
        ValueError,
        r"'affinity' must have shape \(2, 2\); got shape \(3, 2\)",
    ),
    (
        "studies/with gap not channels",
        lambda: with_affinity_gap("x", 1.0),
        TypeError,
        r"'channels' must be a ChannelSet; got 'x'",
    ),
    (
        "studies/equal pressures negative gap",
        lambda: equal_contact_pressures(-1.0),
        ValueError,
        r"'affinity_gap' must be a real number in \[0, 4\]; got -1\.0",
    ),
    (
        "studies/equal pressures negative cost",
        lambda: equal_contact_pressures(
            1.0, params={"channel.cost_per_contact_eur": -1.0}, n_customers=300, n_weeks=4
        ),
        ValueError,
        r"'channel\.cost_per_contact_eur'.*factor > 0; got -1\.0",
    ),
    # cost to serve
    (
        "studies/cost-to-serve two tier shares",
        lambda: cost_to_serve_arms(1.0, TIER_PRESSURE, (0.5, 0.5)),
        ValueError,
        r"'tier_shares' must have 3 shares \(tiers \['small', 'medium', 'key_account'\]\)",
    ),
    (
        "studies/cost-to-serve shares not summing to 1",
        lambda: cost_to_serve_arms(1.0, TIER_PRESSURE, (0.5, 0.5, 0.5)),
        ValueError,
        r"'tier_shares' must sum to 1; got \(0\.5, 0\.5, 0\.5\)",
    ),
    (
        "studies/cost-to-serve negative share",
        lambda: cost_to_serve_arms(1.0, TIER_PRESSURE, (1.2, -0.2, 0.0)),
        ValueError,
        r"'tier_shares\[0\]' must be a real number in \[0, 1\]; got 1\.2",
    ),
    (
        "studies/cost-to-serve shares a number",
        lambda: cost_to_serve_arms(1.0, TIER_PRESSURE, 1.0),
        TypeError,
        r"'tier_shares' must be a sequence of 3 shares",
    ),
    (
        "studies/cost-to-serve unknown tier",
        lambda: cost_to_serve_arms(1.0, {"huge": 1.0}, (0.75, 0.2, 0.05)),
        ValueError,
        r"'tier_pressure' has tiers \['huge'\] that do not exist",
    ),
    (
        "studies/cost-to-serve pressure NaN",
        lambda: cost_to_serve_arms(math.nan, TIER_PRESSURE, (0.75, 0.2, 0.05)),
        ValueError,
        r"'contact_pressure' must be a real number in \[0, 50\]; got nan",
    ),
    (
        "studies/search assignments not runs",
        lambda: search_assignments(NOT_RUNS, (0.75, 0.2, 0.05)),
        ValueError,
        r"'table' is missing columns \['replication', 'metric', 'value'\]",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_case(case, check_case):
    check_case(case)
