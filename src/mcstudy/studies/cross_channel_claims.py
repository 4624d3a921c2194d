"""The cross-channel claims' evidence and estimates: box 3, Celio's ten to one, the verdicts.

:func:`box3_coherence` checks source 000's box 3 over every assignment of its percentages to
the flows (C000-20) and :func:`box3_phrase` says what it shows; :func:`celio_table`,
:func:`plot_celio` and :func:`celio_phrase` read the e-mail campaign at several referral
strengths (:func:`~mcstudy.studies.cross_channel.celio_statistics`, C000-22);
:func:`claim_estimates` gives the table of estimates :func:`mcstudy.claims.judge` reads for
every claim of notebook 07 and :func:`robustness_judges` the judges of its robustness design
(its figure is :func:`mcstudy.report.plot_robustness_shares`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from mcstudy._validation import check_frame
from mcstudy.claims.judging import DECIDED, point_judges
from mcstudy.experiments import summarise_replications
from mcstudy.studies.claim_reading import simulated_conditions
from mcstudy.studies.cross_channel import REFERRAL_MATRICES, strength_reaching
from mcstudy.studies.cross_channel_design import REFERENCE_ARM
from mcstudy.studies.cross_channel_report import reach_phrase, statistic_row

__all__ = [
    "CLAIM_STATISTICS",
    "Box3Coherence",
    "box3_coherence",
    "box3_estimate",
    "box3_phrase",
    "celio_phrase",
    "celio_table",
    "claim_estimates",
    "plot_celio",
    "robustness_judges",
]

#: The statistic each simulated claim is judged on: its name in
#: :func:`~mcstudy.studies.cross_channel.cross_channel_statistics`.
CLAIM_STATISTICS = {
    "C003-06": "last_touch_upstream_gap_normalised",
    "C002-08": "catalogue_other_channel_share",
    "C000-21": "email_all_over_online_minus_one",
    "C000-22": "log10_shop_over_online",
}
#: What each simulated claim's effect measures, where it says more than the registry.
MEASURES = {
    "C003-06": "upstream channels' share of last-touch credit minus their share of the causal "
    "effect (each a distribution over channels; upstream: first-touch credit above "
    "last-touch), cross-channel firm",
    "C002-08": "share of the purchases the catalogue (postal mail) caused that were made "
    "through another channel, cross-channel firm with box-3 referral",
    "C000-21": "purchases e-mail caused in all channels over those it caused online, minus 1, "
    "cross-channel firm with box-3 referral",
    "C000-22": "log10 of shop over online purchases caused by an e-mail campaign (one a week), "
    "box-3 referral at the cross-channel strength",
}
_NOTES = {
    "C003-06": "Judged on the split of credit (re-registered before this re-run): every "
    "attribution rule hands out all the touched conversions, including those that would have "
    "happened anyway, so on the scale of conversions last touch over-credits the upstream "
    "channels as it over-credits every channel (section 3); the verdict compares their part "
    "of the last-touch credit with their part of the causal effect (section 6). Upstream is "
    "defined from the path positions an analyst sees; within a week contacts are ordered by "
    "channel.",
    "C002-08": "By construction in direction: a contact raises the purchase rate and the "
    "purchase channel is drawn from the customer's mix and referral, so part of any channel's "
    "effect lands in other channels; only the size is measured, and it rests on the sales mix "
    "and the reconstructed box-3 flows.",
    "C000-21": "By construction in direction: e-mail is not a purchase channel and a contact "
    "raises purchases in whatever channel the customer uses; only the size is measured, and it "
    "rests on the calibrated sales mix and box 3's Internet row, assumed for e-mail.",
    "C000-22": "Judged with the box-3 matrix (e-mail referring like the Internet, an "
    "assumption) and the calibrated sales mix; the default matrix's e-mail row is Celio's ratio "
    "itself, which a run with it can only reproduce (section 8). The robustness design varies "
    "the shops' share of the sales mix up to a store-dominated firm (section 9). A redemption "
    "ratio reflects the sales mix without a control group.",
}
_FLOWS = [
    (a, b)
    for a in ("catalogue", "internet", "shop")
    for b in ("catalogue", "internet", "shop")
    if a != b
]


@dataclass(frozen=True)
class Box3Coherence:
    """Box 3's six percentages checked over every assignment to the six directed flows.

    ``total`` is their sum, ``n_assignments`` the assignments tried, ``largest_outflow`` the
    largest share of a channel's customers leaving it under any of them, ``largest`` the
    largest percentage, ``named`` the percentages of the flows the text names (largest
    first) and ``catalogue_stays`` the share of catalogue customers buying through it under
    the reconstruction.
    """

    total: float
    n_assignments: int
    largest_outflow: float
    largest: float
    named: tuple[float, ...]
    catalogue_stays: float


def box3_coherence(network: pd.DataFrame) -> Box3Coherence:
    """Check box 3 (:func:`mcstudy.io.load_referral_network`) over every assignment."""
    check_frame(network, ["from_channel", "share", "mapping"], name="network")
    values = network["share"].to_numpy(dtype=float)
    index = pd.MultiIndex.from_tuples(_FLOWS)
    outflow = [
        pd.Series(perm, index=index).groupby(level=0).sum().max()
        for perm in itertools.permutations(values)
    ]
    named = network.loc[network["mapping"] == "named", "share"]
    catalogue = network.loc[network["from_channel"] == "catalogue", "share"].sum()
    return Box3Coherence(
        total=float(values.sum()),
        n_assignments=len(outflow),
        largest_outflow=float(np.max(outflow)),
        largest=float(values.max()),
        named=tuple(sorted(named, reverse=True)),
        catalogue_stays=float(1 - catalogue),
    )


def box3_phrase(box: Box3Coherence) -> str:
    """Say what the coherence check of box 3 shows (Markdown)."""
    return (
        f"The six percentages sum to {100 * box.total:.0f} %. Over all {box.n_assignments} "
        f"assignments the largest outflow of a channel is {100 * box.largest_outflow:.0f} % "
        f"({'never above' if box.largest_outflow <= 1 else 'above'} all of its customers): the "
        f"numbers are coherent whatever the arrows. The largest share is "
        f"{100 * box.largest:.0f} %; if the three referrals the text names carry the three "
        f"largest values ({', '.join(f'{100 * v:.0f} %' for v in box.named)}), "
        f"{100 * box.catalogue_stays:.0f} % of catalogue customers buy through the catalogue "
        f"itself. Which flow carries which number cannot be recovered from the text."
    )


def celio_table(celio: pd.DataFrame) -> pd.DataFrame:
    """The log10 shop-to-online ratios of the Celio runs over replications.

    One row per matrix, strength and ratio (``causal`` or ``observed``): ``log10_mean``,
    ``ci_low``, ``ci_high`` and ``n`` (replications).
    """
    check_frame(celio, ["replication", "matrix", "referral_strength", "metric", "value"], "celio")
    ratios = celio[celio["metric"].isin(["causal_log10", "observed_log10"])]
    s = summarise_replications(ratios, by=["matrix", "referral_strength"])
    return pd.DataFrame(
        {
            "matrix": s["matrix"].to_numpy(),
            "referral_strength": s["referral_strength"].to_numpy(),
            "ratio": s["metric"].str.removesuffix("_log10").to_numpy(),
            "log10_mean": s["mean"].to_numpy(),
            "ci_low": s["ci_low"].to_numpy(),
            "ci_high": s["ci_high"].to_numpy(),
            "n": s["n_replications"].astype(int).to_numpy(),
        }
    )


def plot_celio(celio: pd.DataFrame, claimed: float, *, seed: int):
    """The simulated log10 shop-to-online ratios against referral strength, Celio's dashed."""
    rows = celio[celio["metric"].isin(["causal_log10", "observed_log10"])].assign(
        matrix=lambda d: d["matrix"].map(
            {
                "box3": "box 3 (e-mail refers like the Internet)",
                "default": "default (e-mail row = Celio)",
            }
        ),
        ratio=lambda d: d["metric"].map(
            {"causal_log10": "caused by e-mail", "observed_log10": "campaign report"}
        ),
    )
    fig, ax = plt.subplots(figsize=(8, 4))
    sns.lineplot(
        data=rows,
        x="referral_strength",
        y="value",
        hue="matrix",
        style="ratio",
        errorbar=("ci", 95),
        seed=seed,
        markers=True,
        ax=ax,
    )
    ax.axhline(claimed, color="0.3", ls="--", lw=1)
    ax.axhline(0, color="0.6", lw=0.8)
    ax.set_ylabel("log10 (shop / online purchases)")
    ax.set_xlabel("referral strength")
    ax.set_title("Celio's ten shop purchases for one online (dashed) against the simulated ratios")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def celio_phrase(celio: pd.DataFrame, table: pd.DataFrame, claimed: float) -> str:
    """Say at which referral strengths the Celio ratio is reached, and why (Markdown)."""
    curves = {
        (matrix, kind): table[(table["matrix"] == matrix) & (table["ratio"] == kind)].set_index(
            "referral_strength"
        )["log10_mean"]
        for matrix in REFERRAL_MATRICES
        for kind in ("causal", "observed")
    }
    reach = {k: reach_phrase(strength_reaching(v, claimed)) for k, v in curves.items()}
    base = summarise_replications(celio, ["base_shop_share"])["mean"].iloc[0]
    return (
        f"Under the box-3 matrix the purchases e-mail causes reach ten shop purchases for one "
        f"online {reach[('box3', 'causal')]} (the largest mean log10 ratio over the strengths "
        f"is {curves[('box3', 'causal')].max():.2f}). Under the default matrix, whose e-mail row "
        f"*is* ten to one, they reach it {reach[('default', 'causal')]}; the campaign report, "
        f"which counts every purchase of the e-mailed customers, reaches it "
        f"{reach[('default', 'observed')]} (at most "
        f"{10 ** curves[('default', 'observed')].max():.1f} to one). Without referral the "
        f"purchases e-mail causes follow the customers' own channels: shops take "
        f"{100 * base:.0f} % of purchases without e-mail in this calibrated context, and a "
        f"ten-to-one ratio would need shops to take about {100 * 10 / 11:.0f} % of sales. A "
        f"redemption count of ten to one says as much about the firm's sales mix at the time as "
        f"about e-mail: without a control group and the baseline mix it does not show that "
        f"e-mail drives shop traffic."
    )


def claim_estimates(
    ratios: pd.DataFrame,
    stats: pd.DataFrame,
    rules: dict,
    *,
    n_per_arm: int,
    n_weeks: int,
    n_replications: int,
) -> pd.DataFrame:
    """The estimate of every simulated claim of :data:`CLAIM_STATISTICS`, for ``judge``.

    A ratio statistic is read from ``ratios`` (:func:`ratio_statistics`, ratios of means),
    the upstream gap from ``stats`` (mean and t-interval over replications, reference arm).
    Indexed by ``claim_id``: ``statistic``, ``effect``, ``ci_low``, ``ci_high``, ``n``,
    ``measure``, ``method`` and ``condition`` (the claim's note and its smallest effect,
    ``rules`` giving each claim's registered rule).
    """
    rows = {}
    for claim, statistic in CLAIM_STATISTICS.items():
        if statistic in ratios.index:
            r = ratios.loc[statistic]
            est = (r["estimate"], r["ci_low"], r["ci_high"], r["n"], r["method"])
        else:
            s = statistic_row(stats, "upstream_gap_normalised", REFERENCE_ARM, "last_touch")
            method = "mean and t-interval over replications"
            est = (s["mean"], s["ci_low"], s["ci_high"], s["n_replications"], method)
        rows[claim] = {
            "statistic": statistic,
            "effect": float(est[0]),
            "ci_low": float(est[1]),
            "ci_high": float(est[2]),
            "n": int(est[3]),
            "measure": MEASURES[claim],
            "method": f"randomised arms on one simulated population, {n_per_arm:,} customers "
            f"per arm, {n_weeks} weeks, each outbound channel switched off in turn on common "
            f"random numbers; {est[4]}, {n_replications} replications",
            "condition": simulated_conditions({claim: _NOTES[claim]}, rules)[claim],
        }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("claim_id")


def box3_estimate(box: Box3Coherence) -> pd.DataFrame:
    """C000-20's estimate for ``judge``: the largest share of box 3, rounded to the unit."""
    low, high = box.largest - 0.005, box.largest + 0.005  # percentages rounded to the unit
    return pd.DataFrame(
        {
            "effect": [box.largest],
            "ci_low": [low],
            "ci_high": [high],
            "n": [len(_FLOWS)],
            "measure": "largest of the six referral shares of box 3, as read from the text (the "
            "share the claim gives to catalogue -> shop)",
            "method": f"arithmetic on the six percentages of box 3; coherence checked over all "
            f"{box.n_assignments} assignments of percentages to flows",
            "evidence": "arithmetic",
            "condition": "Internal consistency only: the numbers are coherent as shares of each "
            "action channel's customers under every assignment (largest outflow "
            f"{100 * box.largest_outflow:.0f} %). The arrows were lost in the extraction, so that "
            "catalogue -> shop carries 45 % is a reconstruction from the text's list of the most "
            "efficient referrals; the original study (ref 3) was not checked.",
        },
        index=pd.Index(["C000-20"], name="claim_id"),
    )


def robustness_judges(reference: pd.DataFrame, rules: dict) -> dict:
    """A judge per claim whose reference verdict is ``supported`` or ``not supported``.

    ``reference`` is :func:`mcstudy.claims.judge` of :func:`claim_estimates` (not recorded);
    each judge says whether the claim's rule gives the same verdict to a run's statistic.
    """
    verdicts = reference.set_index("claim_id")["verdict"].to_dict()
    decided = {claim: CLAIM_STATISTICS[claim] for claim, v in verdicts.items() if v in DECIDED}
    return point_judges(rules, verdicts, decided)
