"""Search for parameters at which the model fits the Hillstrom test and its past-year file.

The calibration (``data/calibration.toml``) fits the two-week Hillstrom e-mail test run on the
whole simulated population; most of its out-of-sample checks fail (notebook 01, section 5),
among them the past-year spend, recency and purchase-channel distributions of Hillstrom's
customers, who are the customers who bought in the past 12 months. This script draws the
simulated customers as Hillstrom's file was drawn (``population.pre_period_weeks`` = 52: a
past year without contacts, only its buyers kept, lapsed or alive; ``mcstudy.model.lapse``),
frees the dropout process (``response.churn_base_per_week`` and its heterogeneity
``population.dropout_cv``) with the purchase-rate heterogeneity (``population.rate_shape``) and
the basket spread (``population.basket_sigma``) besides the calibration's six parameters, and
asks whether a point exists at which the fitted statistics stay within their targets'
uncertainty while more of the checks pass. It does not change the calibration.

Every evaluation is :func:`mcstudy.experiments.calibration.compare_targets` (the fitted
statistics and the checks, on the same customers) with ``--customers`` customers and one root
seed (common random numbers). Two stages:

1. a Latin hypercube of ``--lhs`` points over the plausible ranges (log scale for the rates
   and scales, linear for ``dropout_cv`` and ``basket_sigma``);
2. Nelder-Mead from the ``--starts`` best of them, ``--maxfev`` evaluations each, on
   ``J = sum over fitted targets of z^2 + sum over checks of log(1 + z^2)`` (the two
   e-mail visit-effect targets, men's and women's arm, which one simulated e-mail arm cannot
   both match, count only by how far the simulated effect lies outside the range between
   them). With ``--fit-checks`` the checks count as ``z^2`` too (a range's z is 0 inside it):
   an in-sample fit of them, to ask whether the model can reproduce them at all. With
``--least-squares`` the local search is :func:`scipy.optimize.least_squares` (bounded trust
region, one residual per target whose squares sum to ``J``, a finite-difference Jacobian with
steps of 5 % of each range) instead of Nelder-Mead, and ``--maxfev`` bounds its evaluations
outside the Jacobian's (each Jacobian costs one evaluation per searched parameter more).
``--polish N`` then runs N Nelder-Mead evaluations from the lowest ``J`` found. ``--hold-out
GROUPS`` keeps groups of checks (:data:`CHECK_GROUPS`) out of ``J`` and of the choice of the
best point, so that they stay out of sample (``docs/model.md`` §9.8,
``benchmarks/held_out_checks.py``); ``--summary CSV`` writes the best point's targets.

A point *fits* when every fitted target has |z| < 2, except the visit effect, which must lie
between the men's and the women's arm's (as at today's calibration). The best point is the one
that fits with the most checks matched (|z| < 2, or inside a published range), ties broken by
``J``. The script prints, for today's calibration, for today's calibration drawn as past-year
buyers, and for the best point, every target with its simulated value and z, and writes every
evaluation to ``--out`` (CSV).

With ``--retailer``, the simulated retailer is Hillstrom's: orders by telephone and on the
website only (``ChannelSet(purchase=("telephone", "website"))``; the shop and the mail-order
desk are left out as purchase channels, postal mail stays a contact channel) and consumer
baskets without the business tiers (``--tiers 1,1,1``: one value scale; the reference
context's multipliers 1, 3 and 12 come from source 000's business-to-business claims).
``--channel-mix`` adds :data:`CHANNEL_MIX` (who buys through which channels) to the searched
parameters, ``--rate-ratio LOW,HIGH`` the pre-period's purchase rate relative to the test
weeks'. ``--fix JSON`` holds searched parameters at given values (they leave the search);
``--rate-cv2 X`` and ``--dropout-cv Y`` hold the purchase rates' squared coefficient of
variation and the dropout CV (``rate_shape`` and ``dropout_cv`` are then set at each point),
among the customers drawn or, with ``--spread-among buyers``, among the past-year buyers kept
(``docs/model.md`` §9.7: CDNOW's Pareto/NBD fit gives X = 1.674, Y = 1.384).

    python benchmarks/past_year_fit.py [--customers 50000] [--lhs 240] [--starts 2]
        [--maxfev 80] [--seed 0] [--out /tmp/past_year_fit.csv] [--retailer] [--tiers 1,3,12]
        [--recorded website] [--rate-ratio 1,10] [--channel-mix] [--start JSON]
        [--fit-checks] [--least-squares] [--fix JSON] [--rate-cv2 X] [--dropout-cv Y]
        [--spread-among candidates|buyers] [--hold-out GROUPS] [--polish N] [--summary CSV]
        [--best-json JSON]
    python benchmarks/past_year_fit.py --evaluate '{"population.dropout_cv": 1.5, ...}'
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import time

os.environ.setdefault("TQDM_DISABLE", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy import optimize, special  # noqa: E402
from scipy.stats import qmc  # noqa: E402

from mcstudy.experiments._calibration_statistics import _recorded_channels, _split  # noqa: E402
from mcstudy.experiments.calibration import (  # noqa: E402
    CHANNEL_MIX_PARAMETERS,
    compare_targets,
)
from mcstudy.io import load_targets  # noqa: E402
from mcstudy.io.catalogue import load_channels, load_parameters  # noqa: E402
from mcstudy.model import ChannelSet, PopulationSpec  # noqa: E402
from mcstudy.model.response import ResponseSpec  # noqa: E402

#: Searched parameters: (name, low, high, log scale). The calibration's six over their
#: plausible ranges (data/parameters.csv); the dropout hazard beyond its plausible 0.022 up to
#: 0.1 a week (the Pareto/NBD mean dropout rate of CDNOW's customers, s / beta = 0.61 / 11.67,
#: is 0.052 a week: Fader, Hardie and Lee 2005); the dropout CV from 0 to 3; the basket spread
#: beyond its plausible 0.8 up to 1.2 (without tiers, the spread of baskets across customers
#: is this parameter alone).
SPACE = (
    ("population.purchase_rate_per_week", 0.001, 0.2, True),
    ("population.basket_mean_eur", 20.0, 150.0, True),
    ("response.organic_visits_per_week", 0.02, 0.15, True),
    ("response.visits_per_attended_contact", 0.01, 0.15, True),
    ("response.visit_conversion", 0.02, 0.15, True),
    ("channel.consent_withdrawal.email", 0.0002, 0.02, True),
    ("response.churn_base_per_week", 0.001, 0.1, True),
    ("population.dropout_cv", 0.0, 3.0, False),
    ("population.rate_shape", 0.2, 5.0, True),
    ("population.basket_sigma", 0.2, 1.2, False),
)
#: With ``--channel-mix``, also the parameters that decide who buys through which channels and
#: how much more the multichannel buyers buy (``CHANNEL_MIX_PARAMETERS``), over their plausible
#: ranges in data/parameters.csv: the profile shares (telephone-leaning social against
#: website-leaning autonomous customers), how widely affinities spread within a profile, how
#: often a customer uses a second purchase channel, and the engagement that raises both the
#: purchase rate and that breadth. The two scales spanning more than a factor 10 are searched
#: on the log scale.
_LOG_SCALE = {"population.affinity_concentration", "population.breadth_rate"}
CHANNEL_MIX = tuple(
    (name, float(row["low"]), float(row["high"]), name in _LOG_SCALE)
    for name, row in load_parameters()
    .set_index("name")
    .loc[list(CHANNEL_MIX_PARAMETERS)]
    .iterrows()
)
PRE_PERIOD = {"population.pre_period_weeks": 52}
VISIT = ("hillstrom.mens_email.visit_effect", "hillstrom.womens_email.visit_effect")
#: The stages of the search proper (``--polish`` starts from their lowest objective).
SEARCH_STAGES = ("lhs", "nelder_mead", "least_squares")
#: The checks by kind, for ``--hold-out`` (``docs/model.md`` §9.8): a group held out leaves
#: the objective and the choice of the best point, so that its checks stay out of sample.
CHECK_GROUPS = {
    "channels": (
        "hillstrom.past_year.channel_share_phone",
        "hillstrom.past_year.channel_share_web",
        "hillstrom.past_year.channel_share_multichannel",
    ),
    "spend": (
        "hillstrom.past_year.spend_ratio_multichannel_single",
        "hillstrom.past_year.spend_median",
        "hillstrom.past_year.spend_p90",
    ),
    "recency": (
        "hillstrom.past_year.recency_mean_months",
        "hillstrom.past_year.recency_share_3_months",
    ),
    "published": (
        "sms.optout_per_message",
        "direct_mail.response_rate_house_list",
        "completejourney.mailer_display.relative_interaction",
    ),
}


def add_context_arguments(ap: argparse.ArgumentParser) -> None:
    """The options choosing the simulated context (``--retailer``, ``--recorded``, ``--tiers``)
    and whether the pre-period rate ratio is searched (``--rate-ratio``)."""
    ap.add_argument(
        "--rate-ratio",
        default=None,
        type=rate_ratio_range,
        help=(
            "also search population.pre_period_rate_ratio over LOW,HIGH (log scale); "
            "default: keep it at 1"
        ),
    )
    ap.add_argument(
        "--channel-mix",
        action="store_true",
        help="also search the channel-mix and engagement parameters (CHANNEL_MIX)",
    )
    ap.add_argument(
        "--retailer",
        action="store_true",
        help="Hillstrom's retailer: purchases by telephone and on the website only",
    )
    ap.add_argument(
        "--recorded",
        default=None,
        type=lambda text: tuple(text.split(",")),
        help=(
            "purchase channels whose orders the test's conversion and spend count, "
            "comma-separated (Hillstrom's file: website); default: every purchase channel"
        ),
    )
    ap.add_argument(
        "--tiers",
        default="1,3,12",
        type=lambda text: tuple(float(x) for x in text.split(",")),
        help="tier value multipliers, three comma-separated numbers (default 1,3,12)",
    )


def rate_ratio_range(text: str) -> tuple[float, float]:
    """``--rate-ratio``'s ``LOW,HIGH``: two numbers with 0 < LOW < HIGH <= 100."""
    try:
        low, high = (float(x) for x in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected LOW,HIGH (two numbers), got {text!r}") from None
    if not 0 < low < high <= 100:
        raise argparse.ArgumentTypeError(f"expected 0 < LOW < HIGH <= 100, got {text!r}")
    return low, high


def simulated_context(args: argparse.Namespace) -> dict:
    """``compare_targets``'s context keywords from :func:`add_context_arguments`'s options."""
    channels = ChannelSet(load_channels(), purchase=("telephone", "website"))
    simulated = channels if args.retailer else ChannelSet(load_channels())
    if args.recorded is not None:  # checked here: the runs would turn the error into NaN
        try:
            _recorded_channels(args.recorded, simulated.purchase_channels)
        except ValueError as err:
            raise SystemExit(f"--recorded: {err}") from None
    return {
        "population": PopulationSpec(tier_value_multipliers=args.tiers),
        "channels": channels if args.retailer else None,
        "recorded": args.recorded,
    }


def searched_space(args: argparse.Namespace) -> tuple:
    """:data:`SPACE`, with :data:`CHANNEL_MIX` when ``--channel-mix`` is given and the
    pre-period rate ratio when ``--rate-ratio`` is."""
    space = (*SPACE, *CHANNEL_MIX) if getattr(args, "channel_mix", False) else SPACE
    if getattr(args, "rate_ratio", None) is None:
        return space
    return (*space, ("population.pre_period_rate_ratio", *args.rate_ratio, True))


def _to_params(u: np.ndarray, space: tuple = SPACE) -> dict[str, float]:
    """Parameters from a point of the unit cube (clipped into it)."""
    out = {}
    for (name, low, high, log), x in zip(space, np.clip(u, 0.0, 1.0), strict=True):
        out[name] = (
            float(math.exp(math.log(low) + x * (math.log(high) - math.log(low))))
            if log
            else float(low + x * (high - low))
        )
    return out


def hold_out_groups(text: str) -> tuple[str, ...]:
    """``--hold-out``'s comma-separated names of :data:`CHECK_GROUPS`."""
    groups = tuple(dict.fromkeys(g for g in text.split(",") if g))  # once each, in order
    unknown = [g for g in groups if g not in CHECK_GROUPS]
    if unknown or not groups:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated check groups among {sorted(CHECK_GROUPS)}, got {text!r}"
            + (f" (unknown: {unknown})" if unknown else "")
        )
    return groups


def held_out_targets(groups: tuple[str, ...]) -> tuple[str, ...]:
    """The target ids of the checks in ``groups`` (names of :data:`CHECK_GROUPS`)."""
    return tuple(target for g in groups for target in CHECK_GROUPS[g])


def _matched_z3(checks: pd.DataFrame) -> pd.Series:
    """The issue's criterion per check: |z| < 3, or inside the published range."""
    return pd.Series(
        np.where(checks["low"].notna(), checks["matched"], checks["z"].abs() < 3),
        index=checks.index,
    )


def _score(table: pd.DataFrame, fit_checks: bool = False, held: tuple[str, ...] = ()) -> dict:
    """Fit status, checks matched and the objective J of one compare_targets table.

    With ``fit_checks`` the checks count in J as the fitted targets do (``z^2``, a range's
    ``z`` being 0 inside it): they are then fitted, no longer out of sample. The checks in
    ``held`` (target ids) count neither in J nor in ``n_checks_matched`` (which ranks the
    points); ``n_held_z3`` says how many of them match by the issue's criterion.
    """
    t = table.set_index("target_id")
    missing = sorted(set(held) - set(t.index))
    if missing:
        raise ValueError(f"held-out checks {missing} are not among the targets")
    fitted = t[t["used_in_fit"]]
    all_checks = t[~t["used_in_fit"]]
    checks = all_checks.drop(index=list(held))
    held_checks = all_checks.loc[list(held)]
    visit = fitted.loc[list(VISIT)]
    lo, hi = visit["observed"].min(), visit["observed"].max()
    sim = float(visit["simulated"].iloc[0])
    se = float(np.hypot(visit["observed_se"], visit["simulated_se"]).max())
    visit_z = max(lo - sim, sim - hi, 0.0) / se
    others = fitted.drop(index=list(VISIT))
    fit_ok = bool((others["z"].abs() < 2).all() and visit_z == 0.0)
    fit_cost = float((others["z"] ** 2).sum() + visit_z**2)
    z = checks["z"].fillna(1e6)
    if fit_checks:  # inside a published range counts as a perfect match
        z = z.where(checks["low"].isna() | ~checks["matched"], 0.0)
        check_cost = float((z**2).sum())
    else:
        check_cost = float(np.log1p(z**2).sum())
    residuals = np.concatenate(
        [
            others["z"].fillna(1e3).to_numpy(float),
            [visit_z],
            z.to_numpy(float)
            if fit_checks
            else np.sign(z.to_numpy(float)) * np.sqrt(np.log1p(z.to_numpy(float) ** 2)),
        ]
    )
    return {
        "residuals": residuals,  # sum of squares = objective
        "fit_ok": fit_ok,
        "n_fit_matched": int(fitted["matched"].sum()),
        "n_checks_matched": int(checks["matched"].sum()),
        # the criterion: |z| < 3, or inside the published range
        "n_checks_z3": int(_matched_z3(checks).sum()),
        "n_held_z3": int(_matched_z3(held_checks).sum()),
        "fit_cost": fit_cost,
        "objective": fit_cost + check_cost,
    }


def main() -> None:
    """Run the search and print the comparison."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=50_000)
    ap.add_argument("--lhs", type=int, default=240)
    ap.add_argument("--starts", type=int, default=2)
    ap.add_argument("--maxfev", type=int, default=80)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="/tmp/past_year_fit.csv")
    add_context_arguments(ap)
    ap.add_argument(
        "--fit-checks",
        action="store_true",
        help="count the checks in J as fitted targets (z^2): an in-sample fit of them",
    )
    ap.add_argument(
        "--least-squares",
        action="store_true",
        help=(
            "local search by scipy.optimize.least_squares (trust region, bounded; a residual "
            "per target, finite-difference Jacobian) instead of Nelder-Mead"
        ),
    )
    ap.add_argument(
        "--start",
        metavar="JSON",
        help=(
            "skip the Latin hypercube: one Nelder-Mead run from this point (a JSON object of "
            "the searched parameters)"
        ),
    )
    ap.add_argument(
        "--fix",
        metavar="JSON",
        help=(
            "hold these searched parameters at the given values (a JSON object), e.g. "
            "population.dropout_cv at a reference data set's estimate"
        ),
    )
    ap.add_argument(
        "--rate-cv2",
        type=float,
        default=None,
        help=(
            "hold the purchase rates' squared coefficient of variation at this value: "
            "population.rate_shape is then not searched but set, at each point, from "
            "population.engagement_sigma (analysis.heterogeneity.rate_cv2)"
        ),
    )
    ap.add_argument(
        "--dropout-cv",
        type=float,
        default=None,
        help="hold the dropout multipliers' coefficient of variation at this value",
    )
    ap.add_argument(
        "--spread-among",
        choices=("candidates", "buyers"),
        default="candidates",
        help=(
            "with --rate-cv2 and --dropout-cv: hold the spreads among the customers drawn "
            "before the pre-period (default) or among the past-year buyers kept on the file"
        ),
    )
    ap.add_argument(
        "--hold-out",
        type=hold_out_groups,
        default=(),
        metavar="GROUPS",
        help=(
            "keep these check groups (comma-separated: "
            + ", ".join(CHECK_GROUPS)
            + ") out of the objective and of the choice of the best point: out of sample"
        ),
    )
    ap.add_argument(
        "--polish",
        type=int,
        default=0,
        metavar="N",
        help=(
            "after the local search, N more Nelder-Mead evaluations from the lowest objective found"
        ),
    )
    ap.add_argument(
        "--summary",
        metavar="CSV",
        help=(
            "write the best point's targets (held out or not, z, matched_z3: for a check "
            "|z| < 3 or inside its range, for a fitted target |z| < 2) to this CSV"
        ),
    )
    ap.add_argument(
        "--best-json",
        metavar="JSON",
        help="write the best point's searched parameters to this file (a --start for later)",
    )
    ap.add_argument(
        "--evaluate",
        metavar="JSON",
        help="only evaluate this point (a JSON object of parameters, pre_period_weeks 52 added)",
    )
    args = ap.parse_args()
    if args.polish < 0:
        ap.error(f"--polish: expected a number of evaluations >= 0, got {args.polish}")
    held = held_out_targets(args.hold_out)
    targets = load_targets()
    context = simulated_context(args)
    print(
        f"context: retailer {args.retailer}, recorded {args.recorded or 'all'}, tier value "
        f"multipliers {args.tiers}, pre-period rate ratio {args.rate_ratio or 1}, "
        f"channel mix searched {args.channel_mix}, checks held out {list(held) or 'none'}"
    )
    if args.evaluate:
        params = {**json.loads(args.evaluate), **PRE_PERIOD}
        table = compare_targets(
            targets, params, n_customers=args.customers, rng=args.seed, **context
        )
        score = _score(table, args.fit_checks, held)
        del score["residuals"]
        print(json.dumps(score))
        print(table[["target_id", "observed", "simulated", "z", "matched"]].to_string(index=False))
        return
    rows: list[dict] = []
    residuals: list[np.ndarray] = [np.empty(0)]  # the last evaluation's
    t0 = time.perf_counter()

    def evaluate(params: dict, stage: str) -> tuple[dict, pd.DataFrame]:
        try:
            table = compare_targets(
                targets, params, n_customers=args.customers, rng=args.seed, **context
            )
        except ValueError as err:  # e.g. almost no buyers in the pre-period
            # the two visit effects are one residual; held-out checks have none
            residuals[0] = np.full(len(targets) - 1 - len(held), 1e3)
            row = {"stage": stage, **params, "fit_ok": False, "n_checks_matched": -1}
            row.update(objective=1e9, fit_cost=1e9, error=str(err))
            rows.append(row)
            return row, None
        score = _score(table, args.fit_checks, held)
        residuals[0] = score.pop("residuals")
        row = {"stage": stage, **params, **score}
        row.update({f"z:{k}": v for k, v in zip(table["target_id"], table["z"], strict=True)})
        rows.append(row)
        return row, table

    def nelder_mead(x0: np.ndarray, stage: str, maxfev: int) -> None:
        def objective(u):
            row, _ = evaluate(point(u), stage)
            return row["objective"]

        optimize.minimize(
            objective,
            x0,
            method="Nelder-Mead",
            options={"maxfev": maxfev, "initial_simplex": _simplex(x0)},
        )

    space, point = held_parameters(
        searched_space(args), args.fix, args.rate_cv2, args.spread_among, args.dropout_cv
    )
    start = _to_unit(json.loads(args.start), space) if args.start else None
    before, before_table = evaluate({}, "today")
    as_drawn, as_drawn_table = evaluate(dict(PRE_PERIOD), "today_as_past_year_buyers")
    if start is not None:
        cube = np.array([start])
        order = [0]
    else:
        sampler = qmc.LatinHypercube(d=len(space), seed=args.seed)
        cube = sampler.random(args.lhs)
        for u in cube:
            evaluate(point(u), "lhs")
        lhs = pd.DataFrame([r for r in rows if r["stage"] == "lhs"])
        order = np.argsort(lhs["objective"].to_numpy(), kind="stable")[: args.starts]
    for first in order:
        x0 = cube[first]

        if args.least_squares:

            def residual(u):
                evaluate(point(u), "least_squares")
                return residuals[0]

            optimize.least_squares(
                residual,
                np.clip(x0, 1e-6, 1.0 - 1e-6),
                bounds=(0.0, 1.0),
                diff_step=0.05,
                max_nfev=args.maxfev,
            )
            continue
        nelder_mead(x0, "nelder_mead", args.maxfev)
    if args.polish:
        local = pd.DataFrame([r for r in rows if r["stage"] in SEARCH_STAGES])
        lowest = local.iloc[int(np.argmin(local["objective"].to_numpy()))]
        x0 = _to_unit({name: float(lowest[name]) for name, *_ in space}, space)
        nelder_mead(x0, "polish", args.polish)
    table = pd.DataFrame(rows)
    table.to_csv(args.out, index=False)
    searched = table[table["stage"].isin([*SEARCH_STAGES, "polish"])].copy()
    searched["n_checks_matched"] = searched["n_checks_matched"].astype(int)
    searched["rank_key"] = list(
        zip(~searched["fit_ok"], -searched["n_checks_matched"], searched["objective"], strict=True)
    )
    best_row = searched.sort_values("rank_key", kind="stable").iloc[0]
    best_params = point(_to_unit({name: float(best_row[name]) for name, *_ in space}, space))
    best, best_table = evaluate(best_params, "best")
    if best_table is None:
        raise SystemExit(f"the best point could not be evaluated again: {best['error']}")
    if args.best_json:
        with open(args.best_json, "w") as out:
            json.dump({name: best_params[name] for name, *_ in space}, out, indent=1)
    pd.set_option("display.width", 200)
    for label, row, tab in (
        ("today's calibration", before, before_table),
        ("today's calibration, customers drawn as past-year buyers", as_drawn, as_drawn_table),
        ("best point found", best, best_table),
    ):
        print(
            f"\n== {label}: fit ok {row['fit_ok']}, fitted targets matched "
            f"{row['n_fit_matched']}/{int(tab['used_in_fit'].sum())}, checks matched "
            f"{row['n_checks_matched']}/{int((~tab['used_in_fit']).sum()) - len(held)} "
            f"(|z| < 3: {row['n_checks_z3']}), "
            + (f"held out {len(held)}, of which |z| < 3: {row['n_held_z3']}, " if held else "")
            + f"J {row['objective']:.1f}"
        )
        print(tab[["target_id", "observed", "simulated", "z", "matched"]].to_string(index=False))
    if args.summary:
        summary = best_table[["target_id", "used_in_fit", "observed", "simulated", "z"]].copy()
        summary.insert(0, "hold_out", ",".join(args.hold_out) or "none")
        summary["held_out"] = summary["target_id"].isin(held)
        checks = best_table.set_index("target_id")
        summary["matched_z3"] = np.where(
            summary["used_in_fit"],
            best_table["matched"].to_numpy(),
            _matched_z3(checks).reindex(summary["target_id"]).to_numpy(),
        )
        summary["best_fits_test"] = bool(best["fit_ok"])
        summary.to_csv(args.summary, index=False)
    print("\nbest parameters:", json.dumps(best_params, indent=1))
    spread, dropout = buyers_spreads(best_params)
    print(
        f"among the past-year buyers at the best point: purchase rates' squared CV {spread:.3f}, "
        f"dropout CV {dropout:.3f}"
    )
    print(
        f"\n{len(searched)} points searched ({int(searched['fit_ok'].sum())} fit); "
        f"checks matched among the points that fit: "
        f"{searched.loc[searched['fit_ok'], 'n_checks_matched'].value_counts().to_dict()}; "
        f"most checks matched by any point: {int(searched['n_checks_matched'].max())}; "
        f"{time.perf_counter() - t0:.0f} s"
    )


def held_parameters(
    space: tuple,
    fix: str | None,
    rate_cv2: float | None,
    among: str = "candidates",
    dropout_cv: float | None = None,
) -> tuple:
    """The space left to search once ``--fix``, ``--rate-cv2`` and ``--dropout-cv`` hold
    parameters, and the function from a point of its unit cube to the parameters evaluated.

    With ``among="candidates"`` the purchase rates' squared CV and the dropout CV are held
    among the customers drawn before the pre-period (closed form; ``engagement_sigma``'s range
    is cut where engagement alone would exceed the rates' CV); with ``among="buyers"`` among
    those kept as past-year buyers (``rate_shape`` and ``dropout_cv`` solved at each point by
    quadrature, :func:`buyers_spreads`).
    """
    names = [name for name, *_ in space]
    fixed = json.loads(fix) if fix else {}
    if not isinstance(fixed, dict):
        raise SystemExit(f"--fix: expected a JSON object of parameters, got {fix!r}")
    unknown = sorted(set(fixed) - set(names))
    if unknown:
        raise SystemExit(f"--fix: {unknown} are not searched; the searched are {names}")
    try:
        fixed = {k: float(v) for k, v in fixed.items()}
    except (TypeError, ValueError):
        raise SystemExit(f"--fix: every value must be a number, got {fix!r}") from None
    held = {
        "population.rate_shape": ("--rate-cv2", rate_cv2, 100.0),
        "population.dropout_cv": ("--dropout-cv", dropout_cv, 10.0),
    }
    for name, (option, value, top) in held.items():
        if value is None:
            continue
        if name in fixed:
            raise SystemExit(f"--fix: {name} is set by {option}; give one of them")
        if not 0 < value < top:
            raise SystemExit(f"{option}: expected a number in (0, {top:g}), got {value}")
    if among not in ("candidates", "buyers"):
        raise SystemExit(f"--spread-among: expected candidates or buyers, got {among!r}")
    derived = {name for name, (_, value, _) in held.items() if value is not None}
    left = tuple(p for p in space if p[0] not in fixed and p[0] not in derived)
    sigma_default = PopulationSpec().engagement_sigma
    if rate_cv2 is not None and among == "candidates":
        # (1 + 1/k) exp(sigma^2) - 1 = cv2 needs exp(sigma^2) < 1 + cv2
        top = 0.999 * math.sqrt(math.log1p(rate_cv2))
        if fixed.get("population.engagement_sigma", sigma_default) >= top and (
            "population.engagement_sigma" not in names or "population.engagement_sigma" in fixed
        ):
            raise SystemExit(f"--rate-cv2 {rate_cv2}: engagement alone exceeds it")
        left = tuple(
            (n, lo, min(hi, top), log) if n == "population.engagement_sigma" else (n, lo, hi, log)
            for n, lo, hi, log in left
        )

    def point(u: np.ndarray) -> dict:
        params = {**_to_params(u, left), **fixed}
        if among == "buyers":
            if derived:
                params.update(_solve_for_buyers(params, rate_cv2, dropout_cv))
        else:
            if dropout_cv is not None:
                params["population.dropout_cv"] = dropout_cv
            if rate_cv2 is not None:
                sigma = params.get("population.engagement_sigma", sigma_default)
                params["population.rate_shape"] = 1.0 / (
                    (1.0 + rate_cv2) / math.exp(sigma**2) - 1.0
                )
        return {**params, **PRE_PERIOD}

    return left, point


#: Quadrature nodes per dimension for :func:`buyers_spreads`.
_NODES = 48


def _gamma_nodes(shape: float) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights (summing to 1) of Gamma(shape, 1/shape), mean 1."""
    x, w = special.roots_genlaguerre(_NODES, shape - 1.0)
    return x / shape, w / w.sum()


def buyers_spreads(params: dict) -> tuple[float, float]:
    """The purchase rates' squared CV and the dropout multipliers' CV among the past-year
    buyers of a file drawn at ``params``, by quadrature.

    A candidate with rate ``lambda`` (mean rate x log-normal engagement x gamma) and dropout
    multiplier ``m`` (gamma, CV ``dropout_cv``) is kept when it buys in the pre-period of
    ``W`` weeks at ``phi x lambda`` while alive (lifetime exponential at ``h0 x m``):
    ``P(kept) = 1 - [h/(h+a) (1 - exp(-(h+a) W)) + exp(-(h+a) W)]`` with ``h = h0 m``,
    ``a = phi lambda`` (``docs/model.md`` §7.16; no breadth effect on purchases).
    """
    population, response, _ = _split({**params, **PRE_PERIOD})
    spec = dataclasses.replace(PopulationSpec(), **population)
    h0 = dataclasses.replace(ResponseSpec(), **response).churn_base_per_week
    z, wz = special.roots_hermitenorm(_NODES)
    wz = wz / wz.sum()
    sigma = spec.engagement_sigma
    engagement = np.exp(sigma * z - sigma**2 / 2)
    g, wg = _gamma_nodes(spec.rate_shape)
    c = spec.dropout_cv
    m, wm = _gamma_nodes(1.0 / c**2) if c > 0 else (np.ones(1), np.ones(1))
    rate = spec.purchase_rate_per_week * engagement[:, None, None] * g[None, :, None]
    weight = wz[:, None, None] * wg[None, :, None] * wm[None, None, :]
    a = spec.pre_period_rate_ratio * rate
    h = h0 * m[None, None, :]
    weeks = float(spec.pre_period_weeks)
    total = h + a
    none = h / total * -np.expm1(-total * weeks) + np.exp(-total * weeks)
    kept = weight * (1.0 - none)
    kept = kept / kept.sum()
    mean = (kept * rate).sum()
    rate_cv2 = float((kept * rate**2).sum() / mean**2 - 1.0)
    m_all = np.broadcast_to(m[None, None, :], kept.shape)
    m_mean = (kept * m_all).sum()
    dropout_cv = float(np.sqrt(max((kept * m_all**2).sum() / m_mean**2 - 1.0, 0.0)))
    return rate_cv2, dropout_cv


def _solve_for_buyers(params: dict, rate_cv2: float | None, dropout_cv: float | None) -> dict:
    """``rate_shape`` and ``dropout_cv`` of the candidates at which the past-year buyers'
    spreads (:func:`buyers_spreads`) are ``rate_cv2`` and ``dropout_cv`` (those given; bounded
    least squares on the logs, so the nearest reachable values when none reaches them)."""
    names, targets, bounds = [], [], []
    if rate_cv2 is not None:
        names.append("population.rate_shape")
        targets.append(rate_cv2)
        bounds.append((math.log(0.05), math.log(50.0)))
    if dropout_cv is not None:
        names.append("population.dropout_cv")
        targets.append(dropout_cv)
        bounds.append((math.log(0.05), math.log(3.0)))
    which = [0 if name == "population.rate_shape" else 1 for name in names]

    def gap(x: np.ndarray) -> np.ndarray:
        trial = {**params, **{name: math.exp(v) for name, v in zip(names, x, strict=True)}}
        spreads = buyers_spreads(trial)
        return np.log([spreads[k] for k in which]) - np.log(targets)

    low, high = np.array(bounds).T
    start = np.clip(np.log([params.get(name, 1.0) or 1.0 for name in names]), low, high)
    fit = optimize.least_squares(gap, start, bounds=(low, high), xtol=1e-10, ftol=1e-10)
    return {name: math.exp(v) for name, v in zip(names, fit.x, strict=True)}


def _to_unit(params: dict, space: tuple) -> np.ndarray:
    """The point of the unit cube of ``params`` (every parameter of ``space``)."""
    names = [name for name, *_ in space]
    missing = [name for name in names if name not in params]
    unknown = sorted(set(params) - set(names))
    if missing or unknown:
        raise SystemExit(
            f"--start: parameters missing {missing}, not searched {unknown} (give exactly the "
            f"searched parameters: {names})"
        )
    u = []
    for name, low, high, log in space:
        x = float(params[name])
        u.append(
            (math.log(x) - math.log(low)) / (math.log(high) - math.log(low))
            if log
            else (x - low) / (high - low)
        )
    return np.array(u)


def _simplex(x0: np.ndarray, step: float = 0.15) -> np.ndarray:
    """A Nelder-Mead start simplex: ``x0`` and one step along each axis (inwards at a bound)."""
    pts = [x0]
    for k in range(len(x0)):
        x = x0.copy()
        x[k] = x[k] + step if x[k] + step <= 1.0 else x[k] - step
        pts.append(x)
    return np.array(pts)


if __name__ == "__main__":
    main()
