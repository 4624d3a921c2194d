"""What the Complete Journey's mailer x display interaction leaves of notebook 04's space.

Notebook 04 judges ten claims on contact pressure, intrusiveness, permission and channel
combinations (C000-14 ... C000-27) over the plausible ranges of 24 parameters
(``attention_report.ATTENTION_ROBUSTNESS_PARAMETERS``), which nothing checks. Among them are the
two-sided cross-channel mechanisms (fatigue sharing, channel synergy), which decide whether
channels together add more or less than each alone. The Complete Journey measures, for a
grocer's mailer and in-store display, what the two together add beyond the sum of each alone:
the relative interaction ``R`` of ``data/targets.csv``
(``completejourney.mailer_display.relative_interaction``). This script asks which points of
the same space the simulator's ``R`` (e-mail x postal mail, one contact a week each, the first
week: :func:`mcstudy.studies.channel_interaction.simulated_relative_interaction`) is not
ruled out at, and judges the ten claims over those points.

The rule, fixed before the run (``docs/model.md`` §9.6):

* a point is *allowed* when the implausibility ``|R_sim - R_obs| / sqrt(se_obs^2 + se_sim^2)``
  is at most 3 (:func:`~mcstudy.studies.channel_interaction.data_allowed`);
* a parameter is *narrowed* by the data when the interquartile range of its allowed points,
  on the design's unit scale, is at most half that of all points (narrowing >= 0.5);
* a claim would be *data-constrained* when every parameter its verdict hinges on
  (``hinges_on`` in ``results/verdicts.csv``) is narrowed and at least 20 points are allowed;
  otherwise its verdict stays *assumption-driven*. Its share over the allowed points is
  reported either way (Wilson interval).

Each point is judged as notebook 04's design judges it: the registered rule applied to the
point's statistic gives the claim's reference verdict or not
(:func:`mcstudy.claims.judging.point_judges`; the reference verdict is the lean recorded in
``results/verdicts.csv``). One Latin hypercube of ``--points`` points (seed ``--seed``); each
point's claims from :func:`mcstudy.studies.attention.attention_statistics` (``--per-arm``
customers per arm, 52 weeks) and its ``R`` from ``--customers`` customers. The simulated
values are written to ``--out`` and re-read with ``--from``.

    python benchmarks/interaction_constraint.py [--points 200] [--per-arm 3000]
        [--customers 100000] [--seed 0] [--out /tmp/interaction_constraint.csv] [--from CSV]
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TQDM_DISABLE", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy.stats import qmc  # noqa: E402
from statsmodels.stats.proportion import proportion_confint  # noqa: E402

from mcstudy.claims.judging import point_judges  # noqa: E402
from mcstudy.claims.rules import rule_for  # noqa: E402
from mcstudy.config import VERDICTS_CSV  # noqa: E402
from mcstudy.experiments._parameter_space import from_unit, parameter_space  # noqa: E402
from mcstudy.io import load_targets  # noqa: E402
from mcstudy.studies.attention import attention_statistics  # noqa: E402
from mcstudy.studies.attention_report import (  # noqa: E402
    ATTENTION_CLAIM_STATISTICS,
    ATTENTION_ROBUSTNESS_PARAMETERS,
)
from mcstudy.studies.channel_interaction import (  # noqa: E402
    data_allowed,
    simulated_relative_interaction,
)

TARGET = "completejourney.mailer_display.relative_interaction"
#: The rule's thresholds (docstring): narrowing of a hinge, points allowed.
NARROWED, MIN_ALLOWED = 0.5, 20


def simulate_points(args) -> pd.DataFrame:
    """The design's points with each claim's statistic and the simulated ``R``."""
    space = parameter_space(list(ATTENTION_ROBUSTNESS_PARAMETERS))
    unit = qmc.LatinHypercube(d=len(space), seed=args.seed).random(args.points)
    values = from_unit(space, unit)
    rows = []
    t0 = time.perf_counter()
    for i, (u, x) in enumerate(zip(unit, values, strict=True)):
        params = dict(zip(space["parameter"], map(float, x), strict=True))
        stats = attention_statistics(
            {**params, "n_customers": args.per_arm, "n_weeks": 52},
            np.random.SeedSequence(args.seed),
        )
        r = simulated_relative_interaction(params, n_customers=args.customers, rng=args.seed)
        rows.append(
            {
                "point": i,
                **{f"u:{p}": float(v) for p, v in zip(space["parameter"], u, strict=True)},
                **params,
                **{f"stat:{k}": v for k, v in stats.items()},
                "estimate": r["estimate"],
                "se": r["se"],
            }
        )
        if (i + 1) % 10 == 0:
            print(
                f"{i + 1}/{len(unit)} points, {time.perf_counter() - t0:.0f} s, "
                f"load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
    return pd.DataFrame(rows)


def judge(points: pd.DataFrame) -> None:
    """Apply the rule of the docstring to the simulated points and print what it finds."""
    target = load_targets().set_index("target_id").loc[TARGET]
    judged = data_allowed(points, float(target["value"]), float(target["se"]))
    allowed = judged["allowed"].to_numpy()
    print(
        f"target R = {target['value']:.4f} (se {target['se']:.4f}); simulated R over the "
        f"design: median {judged['estimate'].median():.4f}, 5-95 % "
        f"{judged['estimate'].quantile(0.05):.4f} to {judged['estimate'].quantile(0.95):.4f}; "
        f"{int(allowed.sum())} of {len(judged)} points allowed"
    )
    units = [c for c in judged if c.startswith("u:")]

    def iqr(frame):
        return frame.quantile(0.75) - frame.quantile(0.25)

    narrowing = 1.0 - iqr(judged.loc[allowed, units]) / iqr(judged[units])
    narrowing.index = [c[2:] for c in units]
    kept = judged.loc[allowed, list(narrowing.index)]
    table = pd.DataFrame(
        {
            "narrowing": narrowing,
            "allowed_min": kept.min(),
            "allowed_max": kept.max(),
            "design_min": judged[list(narrowing.index)].min(),
            "design_max": judged[list(narrowing.index)].max(),
        }
    )
    pd.set_option("display.width", 200)
    print(table.round(3).sort_values("narrowing", ascending=False).to_string())
    verdicts = pd.read_csv(VERDICTS_CSV).set_index("claim_id")
    rules = {c: rule_for(c) for c in ATTENTION_CLAIM_STATISTICS}
    reference = {c: str(verdicts.loc[c, "lean"]) for c in ATTENTION_CLAIM_STATISTICS}
    judges = point_judges(rules, reference, ATTENTION_CLAIM_STATISTICS)
    stat_cols = {c[5:]: c for c in judged if c.startswith("stat:")}
    rows = []
    for claim, judge_fn in judges.items():
        holds = np.array(
            [judge_fn({k: row[c] for k, c in stat_cols.items()}) for _, row in judged.iterrows()]
        )
        hinges = [h for h in str(verdicts.loc[claim, "hinges_on"]).split("; ") if h != "nan"]
        narrowed = [h for h in hinges if narrowing.get(h, 0.0) >= NARROWED]
        n_ok = int(allowed.sum())
        share = holds[allowed].mean() if n_ok else float("nan")
        low, high = proportion_confint(int(holds[allowed].sum()), n_ok, method="wilson")
        rows.append(
            {
                "claim": claim,
                "reference": reference[claim],
                "share_all": round(float(holds.mean()), 3),
                "share_allowed": round(float(share), 3),
                "ci_allowed": f"{low:.2f}-{high:.2f}",
                "hinges": len(hinges),
                "hinges_narrowed": len(narrowed),
                "class_by_rule": (
                    "data-constrained"
                    if hinges and len(narrowed) == len(hinges) and n_ok >= MIN_ALLOWED
                    else "assumption-driven"
                ),
            }
        )
    print(pd.DataFrame(rows).to_string(index=False))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=200)
    ap.add_argument("--per-arm", type=int, default=3_000)
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="/tmp/interaction_constraint.csv")
    ap.add_argument("--from", dest="from_csv", default=None, help="judge simulated points")
    args = ap.parse_args()
    if args.from_csv:
        points = pd.read_csv(args.from_csv)
    else:
        points = simulate_points(args)
        points.to_csv(args.out, index=False)
    judge(points)


if __name__ == "__main__":
    main()
