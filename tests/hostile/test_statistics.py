"""Hostile inputs to the statistics of :mod:`mcstudy.analysis` (randomised arms, adjusted
comparisons, relative lifts, uplift, the Hillstrom helpers) and the figures that draw them."""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from mcstudy.analysis import (  # noqa: E402
    adjusted_comparison,
    arm_effects,
    interaction_test,
    qini_coefficient,
    qini_curve,
    relative_lift,
    subgroup_effects,
    two_model_uplift,
    uplift_at_k,
)
from mcstudy.analysis.hillstrom import (  # noqa: E402
    add_analysis_columns,
    email_experiment_statistics,
    real_vs_simulated,
)
from mcstudy.report.figures import plot_effects, plot_qini, save_figure  # noqa: E402

RNG = np.random.default_rng(7)
N = 400
DF = pd.DataFrame(
    {
        "arm": np.repeat(["control", "mail", "sms"], [160, 120, 120]),
        "converted": RNG.binomial(1, 0.3, N),
        "spend": RNG.gamma(2.0, 10.0, N),
        "group": RNG.choice(["a", "b", "c"], N),
        "age": RNG.normal(40, 10, N),
        "treated": RNG.binomial(1, 0.5, N),
    }
)


def _with(**columns):
    return DF.assign(**columns)


def _set(column, row, value, frame=DF):
    out = frame.copy()
    out[column] = out[column].astype(object) if isinstance(value, str) else out[column]
    out.loc[row, column] = value
    return out


# A small customer table in the shape of hillstrom_customer_table's output.
CUST = pd.DataFrame(
    {
        "customer_id": np.arange(N),
        "arm": pd.Categorical(
            RNG.choice(["control", "mens_email", "womens_email"], N),
            categories=["control", "mens_email", "womens_email"],
        ),
        "past_channel": pd.Categorical(
            RNG.choice(["phone", "web", "multichannel"], N),
            categories=["phone", "web", "multichannel"],
        ),
        "recency_months": RNG.integers(1, 13, N),
        "past_spend_usd": RNG.gamma(2.0, 150.0, N) + 30,
        "bought_mens": np.r_[np.ones(N // 2, int), RNG.binomial(1, 0.5, N - N // 2)],
        "bought_womens": np.r_[np.zeros(N // 2, int), np.ones(N - N // 2, int)],
        "converted": RNG.binomial(1, 0.3, N),
        "spend_usd": 0.0,
    }
)
CUST.loc[CUST["converted"] == 1, "spend_usd"] = 50.0 + RNG.gamma(2.0, 20.0, CUST["converted"].sum())
ANALYSED = add_analysis_columns(CUST)
EFFECTS = pd.DataFrame(
    {
        "arm": ["mail", "sms"],
        "outcome": ["converted", "converted"],
        "difference": [0.05, -0.01],
        "ci_low": [0.01, -0.05],
        "ci_high": [0.09, 0.03],
    }
)
CURVE = qini_curve(DF["treated"], DF["converted"], DF["age"])
SUMMARY = pd.DataFrame(
    {"metric": ["m1", "m2"], "mean": [0.1, 0.2], "ci_low": [0.05, 0.1], "ci_high": [0.15, 0.3]}
)
REAL = pd.DataFrame(
    {"estimate": [0.1, 0.2], "ci_low": [0.05, 0.1], "ci_high": [0.15, 0.3]},
    index=pd.Index(["m1", "m2"], name="metric"),
)


def _expect(condition, message):
    assert condition, message


def _arm_effects_single_row_arm():
    out = arm_effects(
        pd.DataFrame({"arm": ["control"] * 3 + ["mail"] * 3, "y": [1.0, 2, 3, 4, 5, 7]}),
        outcomes="y",
    )
    _expect(abs(out["difference"].iloc[0] - 10 / 3) < 1e-12, "difference of means")


def _constant_outcome_zero_effect():
    out = arm_effects(_with(spend=5.0), outcomes="spend")
    _expect((out["difference"] == 0).all() and (out["pvalue"] == 1).all(), "zero effect, p = 1")


def _tied_scores_qini():
    curve = qini_curve(DF["treated"], DF["converted"], np.zeros(N))
    _expect(len(curve) == 2, "a constant score is the random line (two points)")


def _plot_ok():
    fig = plot_effects(EFFECTS)
    _expect(len(fig.axes) == 1, "one panel")
    plt.close(fig)


def _save(fig_or_none, name, **kw):
    def thunk():
        fig = plt.figure() if fig_or_none is None else fig_or_none
        try:
            save_figure(fig, name, **kw)
        finally:
            plt.close("all")

    return thunk


def _save_in_tmp(tmp_name):
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp(prefix="mcstudy-hostile-fig-"))
    blocker = folder / tmp_name
    blocker.write_text("x")
    return blocker


CASES = [
    # ---------------------------------------------------------------- arm_effects
    ("statistics/arm_effects: 3 customers per arm", _arm_effects_single_row_arm, None, None),
    ("statistics/arm_effects: constant outcome", _constant_outcome_zero_effect, None, None),
    (
        "statistics/arm_effects: one arm only (one cluster)",
        lambda: arm_effects(DF[DF["arm"] == "control"], outcomes="converted"),
        ValueError,
        r"'df' column 'arm' must hold the control arm and at least one other arm; "
        r"got \['control'\]",
    ),
    (
        "statistics/arm_effects: an arm of 1 customer",
        lambda: arm_effects(DF.iloc[: 160 + 1], outcomes="converted"),
        ValueError,
        r"every arm needs at least 2 customers; got counts \{'mail': 1\}",
    ),
    (
        "statistics/arm_effects: control label mismatched",
        lambda: arm_effects(DF, outcomes="converted", control="Control"),
        ValueError,
        r"'control' must be one of the arms \['control', 'mail', 'sms'\]; got 'Control'",
    ),
    (
        "statistics/arm_effects: NaN outcome",
        lambda: arm_effects(_set("spend", 3, np.nan), outcomes="spend"),
        ValueError,
        r"outcome column 'spend' has missing or infinite values",
    ),
    (
        "statistics/arm_effects: infinite outcome",
        lambda: arm_effects(_set("spend", 3, np.inf), outcomes="spend"),
        ValueError,
        r"outcome column 'spend' has missing or infinite values",
    ),
    (
        "statistics/arm_effects: text outcome",
        lambda: arm_effects(_set("spend", 3, "lots"), outcomes="spend"),
        TypeError,
        r"outcome column 'spend' must be numeric",
    ),
    (
        "statistics/arm_effects: missing outcome column",
        lambda: arm_effects(DF, outcomes="revenue"),
        ValueError,
        r"'df' is missing columns \['revenue'\]",
    ),
    (
        "statistics/arm_effects: outcome named as the arm",
        lambda: arm_effects(DF, outcomes="arm"),
        ValueError,
        r"'outcomes' must name other columns than 'arm'",
    ),
    (
        "statistics/arm_effects: outcome listed twice",
        lambda: arm_effects(DF, outcomes=["spend", "spend"]),
        ValueError,
        r"'outcomes' must name each column once; got \['spend', 'spend'\]",
    ),
    (
        "statistics/arm_effects: alpha 0",
        lambda: arm_effects(DF, outcomes="spend", alpha=0),
        ValueError,
        r"'alpha' must be a real number in \(0, 1\); got 0",
    ),
    (
        "statistics/arm_effects: list instead of frame",
        lambda: arm_effects([1, 2], outcomes="spend"),
        TypeError,
        r"'df' must be a pandas DataFrame; got list",
    ),
    (
        "statistics/arm_effects: proportion method on amounts",
        lambda: arm_effects(DF, outcomes="spend", method="proportion"),
        ValueError,
        r"method='proportion' needs 0/1 outcomes; column 'spend'",
    ),
    (
        "statistics/arm_effects: zero variance, different levels",
        lambda: arm_effects(
            pd.DataFrame({"arm": ["control"] * 3 + ["mail"] * 3, "y": [1.0] * 3 + [2.0] * 3}),
            outcomes="y",
        ),
        ValueError,
        r"outcome 'y' is constant within each arm",
    ),
    (
        "statistics/subgroup_effects: a subgroup without control",
        lambda: subgroup_effects(
            _set("group", DF.index[DF["arm"] == "control"], "a"), by="group", outcomes="spend"
        ),
        ValueError,
        r"subgroup 'b' of 'group'.*'control'",
    ),
    (
        "statistics/subgroup_effects: NaN subgroup",
        lambda: subgroup_effects(_set("group", 5, np.nan), by="group", outcomes="spend"),
        ValueError,
        r"'by' column 'group' has 1 of 400 rows with a missing subgroup",
    ),
    (
        "statistics/subgroup_effects: by is the arm column",
        lambda: subgroup_effects(DF, by="arm", outcomes="spend"),
        ValueError,
        r"'by' must be another column than 'arm'",
    ),
    # ---------------------------------------------------------------- interaction_test
    (
        "statistics/interaction_test: moderator with one level",
        lambda: interaction_test(
            _with(group="a"), treatment="treated", moderator="group", outcome="spend"
        ),
        ValueError,
        r"'moderator' 'group' must have at least 2 levels; got \['a'\]",
    ),
    (
        "statistics/interaction_test: treatment not 0/1",
        lambda: interaction_test(
            _with(treated=DF["treated"] * 2),
            treatment="treated",
            moderator="group",
            outcome="spend",
        ),
        ValueError,
        r"column 'treated' must hold only 0/1",
    ),
    (
        "statistics/interaction_test: moderator equals outcome",
        lambda: interaction_test(DF, treatment="treated", moderator="spend", outcome="spend"),
        ValueError,
        r"must name different columns",
    ),
    (
        "statistics/interaction_test: family 'probit'",
        lambda: interaction_test(
            DF, treatment="treated", moderator="group", outcome="converted", family="probit"
        ),
        ValueError,
        r"'family' must be one of \['logit', 'ols'\]; got 'probit'",
    ),
    # ---------------------------------------------------------------- adjusted_comparison
    (
        "statistics/adjusted_comparison: unknown reference",
        lambda: adjusted_comparison(DF, group="group", outcome="spend", reference="z"),
        ValueError,
        r"'reference' must be one of the groups \['a', 'b', 'c'\]; got 'z'",
    ),
    (
        "statistics/adjusted_comparison: one group only",
        lambda: adjusted_comparison(_with(group="a"), group="group", outcome="spend"),
        ValueError,
        r"'group' column 'group' must have at least 2 groups to compare; got \['a'\]",
    ),
    (
        "statistics/adjusted_comparison: covariate with NaN",
        lambda: adjusted_comparison(
            _set("age", 2, np.nan), group="group", outcome="spend", covariates=["age"]
        ),
        ValueError,
        r"columns \['age'\] have missing values",
    ),
    (
        "statistics/adjusted_comparison: covariate constant (zero variance)",
        lambda: adjusted_comparison(
            _with(age=1.0), group="group", outcome="spend", covariates=["age"]
        ),
        ValueError,
        r"rank-deficient|collinear",
    ),
    (
        "statistics/adjusted_comparison: logit on amounts",
        lambda: adjusted_comparison(DF, group="group", outcome="spend", family="logit"),
        ValueError,
        r"family='logit' needs a 0/1 outcome; column 'spend'",
    ),
    # ---------------------------------------------------------------- relative_lift
    (
        "statistics/relative_lift: unknown level",
        lambda: relative_lift(DF, group="group", level="z", outcome="spend"),
        ValueError,
        r"'level' must name groups among \['a', 'b', 'c'\]; got \['z'\]",
    ),
    (
        "statistics/relative_lift: negative outcome",
        lambda: relative_lift(_set("spend", 0, -1.0), group="group", level="a", outcome="spend"),
        ValueError,
        r"outcome column 'spend' must be non-negative",
    ),
    (
        "statistics/relative_lift: zero reference mean",
        lambda: relative_lift(
            _with(spend=np.where(DF["group"] == "a", 1.0, 0.0)),
            group="group",
            level="a",
            outcome="spend",
        ),
        ValueError,
        r"the reference group needs at least 2 rows and a non-zero mean",
    ),
    (
        "statistics/relative_lift: reference as one string",
        lambda: relative_lift(DF, group="group", level="a", outcome="spend", reference="bc"),
        TypeError,
        r"'reference' must be a sequence of groups, not one str; got 'bc'",
    ),
    (
        "statistics/relative_lift: covariate is the group",
        lambda: relative_lift(DF, group="group", level="a", outcome="spend", covariates=["group"]),
        ValueError,
        r"must name different columns",
    ),
    (
        "statistics/relative_lift: NaN group rows",
        lambda: relative_lift(_set("group", 4, np.nan), group="group", level="a", outcome="spend"),
        ValueError,
        r"'group' column 'group' has 1 of 400 rows with a missing group",
    ),
    # ---------------------------------------------------------------- uplift
    ("statistics/qini_curve: constant score", _tied_scores_qini, None, None),
    (
        "statistics/qini_curve: lengths differ",
        lambda: qini_curve(DF["treated"], DF["converted"], DF["age"][:-1]),
        ValueError,
        r"'treated', 'outcome' and 'score' must have equal lengths",
    ),
    (
        "statistics/qini_curve: NaN score",
        lambda: qini_curve(DF["treated"], DF["converted"], _set("age", 0, np.nan)["age"]),
        ValueError,
        r"'score' has missing or infinite values",
    ),
    (
        "statistics/qini_curve: misaligned indexes",
        lambda: qini_curve(DF["treated"], DF["converted"], DF["age"].sort_values()),
        ValueError,
        r"'treated', 'outcome' and 'score' must share one index",
    ),
    (
        "statistics/qini_curve: treated as text",
        lambda: qini_curve(DF["arm"], DF["converted"], DF["age"]),
        TypeError,
        r"'treated' must be numeric",
    ),
    (
        "statistics/qini_coefficient: nobody treated",
        lambda: qini_coefficient(np.zeros(N), DF["converted"], DF["age"]),
        ValueError,
        r"'treated' must contain both treated \(1\) and control \(0\)",
    ),
    (
        "statistics/uplift_at_k: k 0",
        lambda: uplift_at_k(DF["treated"], DF["converted"], DF["age"], k=0),
        ValueError,
        r"'k' must be a real number in \(0, 1\]; got 0",
    ),
    (
        "statistics/uplift_at_k: k NaN",
        lambda: uplift_at_k(DF["treated"], DF["converted"], DF["age"], k=math.nan),
        ValueError,
        r"'k' must be a real number in \(0, 1\]; got nan",
    ),
    (
        "statistics/two_model_uplift: feature is the outcome",
        lambda: two_model_uplift(
            DF, DF, treatment="treated", outcome="converted", features=["converted"]
        ),
        ValueError,
        r"'features' must not include the 'treatment' or 'outcome' column",
    ),
    (
        "statistics/two_model_uplift: NaN feature in test",
        lambda: two_model_uplift(
            DF, _set("age", 1, np.nan), treatment="treated", outcome="converted", features=["age"]
        ),
        ValueError,
        r"'test' column 'age' .*missing",
    ),
    (
        "statistics/two_model_uplift: empty test",
        lambda: two_model_uplift(
            DF, DF.iloc[:0], treatment="treated", outcome="converted", features=["age"]
        ),
        ValueError,
        r"'test' has no rows to score",
    ),
    # ---------------------------------------------------------------- Hillstrom helpers
    (
        "statistics/add_analysis_columns: arm labels of the raw file",
        lambda: add_analysis_columns(CUST.assign(arm=CUST["arm"].astype(str).str.title())),
        ValueError,
        r"'customers' column 'arm' must be one of \['control', 'mens_email', 'womens_email'\]"
        r".*; row 0 .*has",
    ),
    (
        "statistics/add_analysis_columns: recency 0 months",
        lambda: add_analysis_columns(_set("recency_months", 0, 0, CUST)),
        ValueError,
        r"'customers' column 'recency_months' must hold .*\[1, 12\]; row 0 .* has 0",
    ),
    (
        "statistics/add_analysis_columns: NaN past spend",
        lambda: add_analysis_columns(_set("past_spend_usd", 0, np.nan, CUST)),
        ValueError,
        r"'customers' column 'past_spend_usd' must hold finite numbers >= 0; row 0",
    ),
    (
        "statistics/add_analysis_columns: bought neither merchandise",
        lambda: add_analysis_columns(
            _set("bought_mens", 0, 0, CUST).pipe(lambda d: _set("bought_womens", 0, 0, d))
        ),
        ValueError,
        r"'customers' row 0 .*bought neither men's nor women's merchandise",
    ),
    (
        "statistics/add_analysis_columns: bought flag 2",
        lambda: add_analysis_columns(_set("bought_mens", 0, 2, CUST)),
        ValueError,
        r"'customers' column 'bought_mens' must hold 0/1; row 0 .* has 2",
    ),
    (
        "statistics/add_analysis_columns: unknown past channel",
        lambda: add_analysis_columns(CUST.assign(past_channel="Multichannel")),
        ValueError,
        r"'customers' column 'past_channel' must be one of \['phone', 'web', 'multichannel'\]",
    ),
    (
        "statistics/add_analysis_columns: loyal recency 3.5",
        lambda: add_analysis_columns(CUST, loyal_recency_months=3.5),
        TypeError,
        r"'loyal_recency_months' must be an int in \[1, 12\]; got 3.5",
    ),
    (
        "statistics/email_experiment_statistics: converted outside [0, 1]",
        lambda: email_experiment_statistics(_set("converted", 0, 3, ANALYSED)),
        ValueError,
        r"'customers' column 'converted' must hold 0/1; row 0 .* has 3",
    ),
    (
        "statistics/email_experiment_statistics: no womens_email arm",
        lambda: email_experiment_statistics(
            ANALYSED[ANALYSED["arm"] != "womens_email"].reset_index(drop=True)
        ),
        ValueError,
        r"'customers' must have at least 2 customers in every arm .*'womens_email': 0",
    ),
    (
        "statistics/email_experiment_statistics: list",
        lambda: email_experiment_statistics([1]),
        TypeError,
        r"'customers' must be a pandas DataFrame; got list",
    ),
    (
        "statistics/real_vs_simulated: summary frame instead of a mapping",
        lambda: real_vs_simulated(REAL, SUMMARY),
        TypeError,
        r"'simulated' must map labels to summaries .*got DataFrame",
    ),
    (
        "statistics/real_vs_simulated: a metric twice in a summary",
        lambda: real_vs_simulated(REAL, {"sim": pd.concat([SUMMARY, SUMMARY.iloc[[0]]])}),
        ValueError,
        r"'simulated\['sim'\]' has metrics more than once: \['m1'\]",
    ),
    (
        "statistics/real_vs_simulated: a metric twice in real",
        lambda: real_vs_simulated(pd.concat([REAL, REAL.iloc[[0]]]), {"sim": SUMMARY}),
        ValueError,
        r"'real' has metrics more than once: \['m1'\]",
    ),
    (
        "statistics/real_vs_simulated: missing interval column (standard error)",
        lambda: real_vs_simulated(REAL, {"sim": SUMMARY.drop(columns="ci_high")}),
        ValueError,
        r"simulated\['sim'\]. is missing columns \['ci_high'\]",
    ),
    (
        "statistics/real_vs_simulated: infinite replication mean",
        lambda: real_vs_simulated(REAL, {"sim": SUMMARY.assign(mean=[np.inf, 0.2])}),
        ValueError,
        r"simulated\['sim'\]. column 'mean' must hold finite numbers; row 0",
    ),
    (
        "statistics/real_vs_simulated: NaN replication mean",
        lambda: real_vs_simulated(REAL, {"sim": SUMMARY.assign(mean=[np.nan, 0.2])}),
        ValueError,
        r"simulated\['sim'\]. column 'mean' must hold finite numbers; row 0",
    ),
    (
        "statistics/real_vs_simulated: label colliding with 'real'",
        lambda: real_vs_simulated(REAL, {"real": SUMMARY}),
        ValueError,
        r"'simulated' labels must differ from 'real'",
    ),
    # ---------------------------------------------------------------- figures
    ("statistics/plot_effects: valid", _plot_ok, None, None),
    (
        "statistics/plot_effects: estimate outside its interval",
        lambda: plot_effects(EFFECTS.assign(difference=[0.2, 0.0])),
        ValueError,
        r"'effects' row 0 .* 'difference' = 0.2 outside its interval",
    ),
    (
        "statistics/plot_effects: NaN interval",
        lambda: plot_effects(EFFECTS.assign(ci_low=[np.nan, -0.05])),
        ValueError,
        r"'effects' column 'ci_low' must hold finite numbers; row 0",
    ),
    (
        "statistics/plot_effects: text estimates",
        lambda: plot_effects(EFFECTS.assign(difference=["0.05", "-0.01"])),
        TypeError,
        r"'effects' column 'difference' must be numeric",
    ),
    (
        "statistics/plot_effects: duplicated rows",
        lambda: plot_effects(pd.concat([EFFECTS, EFFECTS.iloc[[0]]])),
        ValueError,
        r"'effects' has two rows for the same \['outcome', 'arm'\]",
    ),
    (
        "statistics/plot_effects: NaN row label",
        lambda: plot_effects(EFFECTS.assign(arm=["mail", np.nan])),
        ValueError,
        r"'effects' column 'arm' labels the rows .* row 1",
    ),
    (
        "statistics/plot_effects: zero panel width",
        lambda: plot_effects(EFFECTS, panel_width=0),
        ValueError,
        r"'panel_width' must be a real number in \(0, 100\]; got 0",
    ),
    (
        "statistics/plot_qini: empty curve",
        lambda: plot_qini({"s": CURVE.iloc[:0]}),
        ValueError,
        r"'curves\['s'\]' has no points",
    ),
    (
        "statistics/plot_qini: ax of a wrong type",
        lambda: plot_qini({"s": CURVE}, ax="left"),
        TypeError,
        r"'ax' must be a matplotlib Axes or None; got str",
    ),
    (
        "statistics/save_figure: an Axes instead of a Figure",
        lambda: save_figure(plt.gca(), "x.png", directory=_save_in_tmp("a").parent),
        TypeError,
        r"'fig' must be a matplotlib Figure .*got Axes",
    ),
    (
        "statistics/save_figure: no image extension",
        _save(None, "figure", directory=_save_in_tmp("b").parent),
        ValueError,
        r"'name' must end in an image format matplotlib writes .*got 'figure'",
    ),
    (
        "statistics/save_figure: directory is a file",
        _save(None, "x.png", directory=_save_in_tmp("c")),
        ValueError,
        r"'directory' must be a directory; .* is an existing file",
    ),
    (
        "statistics/save_figure: dpi 0",
        _save(None, "x.png", directory=_save_in_tmp("d").parent, dpi=0),
        ValueError,
        r"'dpi' must be an int in \[1, 10000\]; got 0",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_case(case, check_case):
    check_case(case)
