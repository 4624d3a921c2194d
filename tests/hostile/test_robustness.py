"""Hostile inputs to the robustness designs: parameter ranges, design sizes, judges, studies."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mcstudy.experiments.robustness import assess_robustness, design_points, parameter_space


def _study(params, rng):
    return {"effect": params["lift"] + 0.01 * np.random.default_rng(rng).normal()}


JUDGES = {"C1": lambda s: s["effect"] > 0}
SPACE = {"lift": (-1.0, 3.0)}


def _assess(parameters=SPACE, judges=JUDGES, study=_study, **kw):
    kw.setdefault("n_share", 16)
    kw.setdefault("n_trajectories", 2)
    kw.setdefault("n_sobol", 8)
    return assess_robustness(study, parameters, judges, rng=1, progress=False, **kw)


def _table_ranges_accepted():
    names = [
        "channel.persuasion",
        "channel.cost_per_contact_eur",
        "channel.affinity_social.telephone",
        "channel.consent_withdrawal.email",
        "channel.intrusiveness.sms",
        "population.social_share",
        "response.visit_conversion",
    ]
    space = parameter_space(names)
    assert list(space["parameter"]) == names
    assert (space["low"] < space["high"]).all()


CASES = [
    (
        "robustness/range negative cost factor",
        lambda: parameter_space({"channel.cost_per_contact_eur": (-1.0, 2.0)}),
        ValueError,
        r"range of parameter 'channel\.cost_per_contact_eur', \(-1\.0, 2\.0\), goes beyond "
        r"what the model accepts: at -1\.0, .*factor > 0",
    ),
    (
        "robustness/range negative own cost",
        lambda: parameter_space({"channel.cost_per_contact_eur.email": (-0.02, 0.04)}),
        ValueError,
        r"'channel\.cost_per_contact_eur\.email', \(-0\.02, 0\.04\), goes beyond.*allowed are "
        r"finite numbers in \(0, 2000\]",
    ),
    (
        "robustness/range share above 1",
        lambda: parameter_space({"population.social_share": (0.2, 1.5)}),
        ValueError,
        r"'population\.social_share', \(0\.2, 1\.5\), goes beyond what the model accepts: at "
        r"1\.5, 'social_share' must be a real number in \[0, 1\]",
    ),
    (
        "robustness/range conversion above 1",
        lambda: parameter_space({"response.visit_conversion": (0.01, 2.0)}),
        ValueError,
        r"'response\.visit_conversion', \(0\.01, 2\.0\), goes beyond.*'visit_conversion' must "
        r"be a real number in \[0, 1\]",
    ),
    (
        "robustness/range intrusiveness above bounds",
        lambda: parameter_space({"channel.intrusiveness.sms": (0.5, 3.0)}),
        ValueError,
        r"'channel\.intrusiveness\.sms', \(0\.5, 3\.0\), goes beyond.*\[0, 1\.3\]",
    ),
    (
        "robustness/range +-1e308",
        lambda: parameter_space({"lift": (-1e308, 1e308)}),
        ValueError,
        r"range of parameter 'lift' is too wide to sample: high - low must be a finite number; "
        r"got \(-1e\+308, 1e\+308\)",
    ),
    (
        "robustness/range +-1e308 on a model parameter",
        lambda: parameter_space({"response.persuasion_effect": (-1e308, 1e308)}),
        ValueError,
        r"'response\.persuasion_effect' is too wide to sample",
    ),
    (
        "robustness/range 0 to 1e308 on a model parameter",
        lambda: parameter_space({"response.persuasion_effect": (0.0, 1e308)}),
        ValueError,
        r"'response\.persuasion_effect', \(0\.0, 1e\+308\), goes beyond.*'persuasion_effect' "
        r"must be a real number in \[0, 1000\]",
    ),
    (
        "robustness/range inf",
        lambda: parameter_space({"lift": (0.0, math.inf)}),
        ValueError,
        r"range of parameter 'lift' must be finite; got \(0\.0, inf\)",
    ),
    (
        "robustness/range NaN",
        lambda: parameter_space({"lift": (math.nan, 1.0)}),
        ValueError,
        r"range of parameter 'lift' must be finite; got \(nan, 1\.0\)",
    ),
    (
        "robustness/range degenerate",
        lambda: parameter_space({"lift": (1.0, 1.0)}),
        ValueError,
        r"range of parameter 'lift' must have low < high to be varied; got \(1\.0, 1\.0\)",
    ),
    (
        "robustness/range reversed",
        lambda: parameter_space({"lift": (2.0, 1.0)}),
        ValueError,
        r"must have low < high to be varied; got \(2\.0, 1\.0\)",
    ),
    (
        "robustness/range strings",
        lambda: parameter_space({"lift": ("0", "1")}),
        TypeError,
        r"range of parameter 'lift' must be two real numbers \(low, high\); got \('0', '1'\)",
    ),
    (
        "robustness/range bools",
        lambda: parameter_space({"lift": (False, True)}),
        TypeError,
        r"must be two real numbers",
    ),
    (
        "robustness/range one number",
        lambda: parameter_space({"lift": (1.0,)}),
        TypeError,
        r"range of parameter 'lift' must be \(low, high\) or \(low, high, scale\)",
    ),
    (
        "robustness/range a scalar",
        lambda: parameter_space({"lift": 1.0}),
        TypeError,
        r"must be \(low, high\) or \(low, high, scale\); got 1\.0",
    ),
    (
        "robustness/range unknown scale",
        lambda: parameter_space({"lift": (0.1, 1.0, "cubic")}),
        ValueError,
        r"scale of parameter 'lift' must be one of \['linear', 'log'\]; got 'cubic'",
    ),
    (
        "robustness/range log with zero low",
        lambda: parameter_space({"lift": (0.0, 1.0, "log")}),
        ValueError,
        r"parameter 'lift' on a log scale needs low > 0",
    ),
    (
        "robustness/unknown table name",
        lambda: parameter_space(["population.social_shar"]),
        ValueError,
        r"unknown parameter 'population\.social_shar'.*Did you mean",
    ),
    (
        "robustness/unknown channel in a table name",
        lambda: parameter_space(["channel.persuasion.fax"]),
        ValueError,
        r"'fax' is not a channel of the catalogue",
    ),
    (
        "robustness/names repeated",
        lambda: parameter_space(["population.social_share", "population.social_share"]),
        ValueError,
        r"'parameters' names \['population\.social_share'\] more than once",
    ),
    (
        "robustness/parameters empty",
        lambda: parameter_space([]),
        ValueError,
        r"'parameters' must name at least one parameter",
    ),
    (
        "robustness/parameters a string",
        lambda: parameter_space("population.social_share"),
        TypeError,
        r"'parameters' must be a list of parameter names or a dict",
    ),
    (
        "robustness/parameter name not a string",
        lambda: parameter_space([3]),
        TypeError,
        r"parameter names must be non-empty str; got 3",
    ),
    (
        "robustness/table ranges accepted",
        _table_ranges_accepted,
        None,
        None,
    ),
    (
        "robustness/design points zero parameters",
        lambda: design_points(0),
        ValueError,
        r"'n_parameters' must be an int in \[1, inf\); got 0",
    ),
    (
        "robustness/design unknown size",
        lambda: design_points(3, size="huge"),
        ValueError,
        r"'size' must be one of \['notebook', 'publication'\]; got 'huge'",
    ),
    (
        "robustness/n_sobol not a power of 2",
        lambda: design_points(3, n_sobol=10),
        ValueError,
        r"'n_sobol' must be a power of 2",
    ),
    (
        "robustness/n_leading above k",
        lambda: design_points(3, n_leading=4),
        ValueError,
        r"'n_leading' must be an int in \[1, 3\]; got 4",
    ),
    (
        "robustness/n_share too small",
        lambda: design_points(3, n_share=2),
        ValueError,
        r"'n_share' must be an int in \[16, 1\.04858e\+06\]; got 2",
    ),
    (
        "robustness/study not callable",
        lambda: _assess(study="study"),
        TypeError,
        r"'study' must be callable as study\(params, rng\); got 'study'",
    ),
    (
        "robustness/judges empty",
        lambda: _assess(judges={}),
        TypeError,
        r"'judges' must be a non-empty dict",
    ),
    (
        "robustness/judge not callable",
        lambda: _assess(judges={"C1": True}),
        TypeError,
        r"judges\['C1'\] must be callable; got True",
    ),
    (
        "robustness/fixed overlaps varied",
        lambda: _assess(fixed={"lift": 1.0}),
        ValueError,
        r"parameters \['lift'\] are both varied in 'parameters' and fixed in 'fixed'",
    ),
    (
        "robustness/fixed a list",
        lambda: _assess(fixed=[1.0]),
        TypeError,
        r"'fixed' must be a dict of parameter values",
    ),
    (
        "robustness/robust_share zero",
        lambda: _assess(robust_share=0.0),
        ValueError,
        r"'robust_share' must be a real number in \(0, 1\]; got 0\.0",
    ),
    (
        "robustness/robust_share NaN",
        lambda: _assess(robust_share=math.nan),
        ValueError,
        r"'robust_share' must be a real number in \(0, 1\]; got nan",
    ),
    (
        "robustness/out_dir a file",
        lambda: _assess(out_dir=__file__),
        ValueError,
        r"'out_dir' must be a directory; '.*test_robustness\.py' is an existing file",
    ),
    (
        "robustness/study returns inf",
        lambda: _assess(study=lambda p, r: {"effect": math.inf}),
        ValueError,
        r"statistic 'effect' is inf: every statistic a verdict is drawn from must be finite",
    ),
    (
        "robustness/study returns a list",
        lambda: _assess(study=lambda p, r: [1.0]),
        TypeError,
        r"a robustness study must return a non-empty dict",
    ),
    (
        "robustness/study returns a string value",
        lambda: _assess(study=lambda p, r: {"effect": "1"}),
        TypeError,
        r"statistic 'effect' must be a real number; got '1'",
    ),
    (
        "robustness/judge returns a number",
        lambda: _assess(judges={"C1": lambda s: 1}),
        TypeError,
        r"the judge of claim 'C1' must return a bool",
    ),
    (
        "robustness/statistic named like a parameter",
        lambda: _assess(study=lambda p, r: {"lift": 1.0}),
        ValueError,
        r"the study returns statistics named \['lift'\], like the parameters",
    ),
    (
        "robustness/range into the model refused before any run",
        lambda: _assess(parameters={"channel.cost_per_contact_eur": (-2.0, 2.0)}),
        ValueError,
        r"'channel\.cost_per_contact_eur', \(-2\.0, 2\.0\), goes beyond what the model accepts",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_case(case, check_case):
    check_case(case)
