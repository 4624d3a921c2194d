"""What the data allow of notebook 04's robustness space, and its ten claims judged over it.

Notebook 04 judges ten claims on contact pressure, intrusiveness, permission and channel
combinations (C000-14 ... C000-27) over the plausible ranges of its parameters
(``attention_report.ATTENTION_ROBUSTNESS_PARAMETERS``), which nothing checks. This script asks
which points of that space the real-data targets of ``data/targets.csv`` do not rule out, and
judges the ten claims over those points. The targets, from three independent sources:

* Hillstrom's e-mail test: the no-e-mail arm's visit, conversion and spend rates, and the
  e-mail's effects on them (the men's and women's arms as one e-mail, their gap added to the
  uncertainty: :func:`mcstudy.experiments.data_allowed.one_email_targets`), and the
  unsubscribes per e-mail sent;
* the published SMS opt-out and direct-mail response rates (ranges);
* the Complete Journey's mailer x display interaction relative to the two lifts
  (``completejourney.mailer_display.relative_interaction``; the simulator's: e-mail x postal
  mail, Poisson(1) contacts a week each, everyone consenting to both, the first week; that the
  one measures the other is an assumption, ``docs/model.md`` §9.6).

Hillstrom's past-year distributions are left out: they describe the purchase process, which
this space does not vary and which the model cannot match (§7.16, §9.5). Every target is
simulated by :func:`mcstudy.experiments.calibration.compare_targets` at the point's context
(the calibrated parameters fixed: a match conditional on the calibration).

The rule (``docs/model.md`` §9.6, which records how it and the sample were revised;
:mod:`mcstudy.experiments.data_allowed`):

* a point is *allowed* when no target's implausibility
  ``|simulated - observed| / sqrt(se_obs^2 + se_sim^2)`` exceeds 3 (no model discrepancy);
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
customers per arm, 52 weeks) and its targets from ``--customers`` customers. The simulated
points are written to ``--out`` (by default ``data/data_allowed_attention.csv``, the committed
sample notebook 01 reads) and re-read with ``--from``.

    python benchmarks/interaction_constraint.py [--points 200] [--per-arm 3000]
        [--customers 50000] [--seed 0] [--out data/data_allowed_attention.csv] [--from CSV]
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("TQDM_DISABLE", "1")

import pandas as pd  # noqa: E402

from mcstudy.config import DATA_DIR, VERDICTS_CSV  # noqa: E402
from mcstudy.experiments.data_allowed import constraint_targets, simulate_space  # noqa: E402
from mcstudy.io import load_targets  # noqa: E402
from mcstudy.studies.attention import attention_statistics  # noqa: E402
from mcstudy.studies.attention_report import ATTENTION_ROBUSTNESS_PARAMETERS  # noqa: E402
from mcstudy.studies.data_allowed_report import (  # noqa: E402
    attention_space_tables,
    describe_attention_space,
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=200)
    ap.add_argument("--per-arm", type=int, default=3_000)
    ap.add_argument("--customers", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=str(DATA_DIR / "data_allowed_attention.csv"))
    ap.add_argument("--from", dest="from_csv", default=None, help="judge simulated points")
    args = ap.parse_args()
    targets = constraint_targets(load_targets())
    if args.from_csv:
        points = pd.read_csv(args.from_csv)
    else:
        points = simulate_space(
            attention_statistics,
            ATTENTION_ROBUSTNESS_PARAMETERS,
            targets,
            n_points=args.points,
            fixed={"n_customers": args.per_arm, "n_weeks": 52},
            n_customers=args.customers,
            rng=args.seed,
        )
        points.to_csv(args.out, index=False, float_format="%.10g")
    result = attention_space_tables(points, load_targets(), pd.read_csv(VERDICTS_CSV))
    pd.set_option("display.width", 200)
    print(result["targets"].round(2).to_string())
    print(f"{int(result['allowed'].sum())} of {len(points)} points allowed")
    print(result["parameters"].round(3).sort_values("narrowing", ascending=False).to_string())
    print(result["claims"].round(3).to_string())
    print(describe_attention_space(result))


if __name__ == "__main__":
    main()
