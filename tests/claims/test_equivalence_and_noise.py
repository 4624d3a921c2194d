"""The equivalence rule, and how a verdict carries its noise-only share."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from mcstudy.claims import Verdict, judge_equivalence, with_robustness
from mcstudy.claims._display import robustness_text
from mcstudy.claims.rules import Rule
from mcstudy.experiments.robustness import NOISE_FLOOR, RobustnessResult


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (-0.01, 0.015, "supported"),  # inside (-m, m): the comparison recovers the effect
        (-0.2, -0.1, "not supported"),  # an error of 10 to 20 points, below -m
        (0.03, 0.2, "not supported"),  # above +m
        (0.0, 0.05, "inconclusive"),  # holds both agreement and an error that matters
        (-0.05, 0.05, "inconclusive"),
        (-0.02, 0.0, "inconclusive"),  # touching -m is not inside
    ],
)
def test_equivalence_rule(low, high, expected):
    assert judge_equivalence(low, high, smallest_effect=0.02) == expected
    rule = Rule("C9", "an error", 1, math.nan, 0.02, "equivalence")
    assert rule.judge(low, high) == expected


def test_equivalence_rule_refuses_bad_input():
    with pytest.raises(ValueError, match="smallest_effect"):
        judge_equivalence(-0.1, 0.1, smallest_effect=0.0)
    with pytest.raises(ValueError, match="ci_low"):
        judge_equivalence(0.2, 0.1, smallest_effect=0.02)


def _result(share: float, noise_share: float, claim: str = "C000-02") -> RobustnessResult:
    return RobustnessResult(
        claim_id=claim,
        share=share,
        ci_low=max(0.0, share - 0.1),
        ci_high=min(1.0, share + 0.1),
        n=128,
        hinges_on=("response.attention_mean",),
        flip_region="never flips in the sampled points",
        region=None,
        morris=pd.DataFrame(),
        sobol=pd.DataFrame(),
        robust_share=0.9,
        method="toy",
        noise_share=noise_share,
        n_noise=40,
    )


def _verdict() -> Verdict:
    return Verdict(
        "C000-02", "supported", 1.0, 0.5, 1.5, "m", "x", 10, "causal", "", "nb", "effect"
    )


def test_a_share_that_cannot_be_told_from_noise_is_flagged_not_relabelled():
    low = with_robustness(_verdict(), _result(0.6, 0.7))
    assert low.verdict == "conditional" and low.noise_share == 0.7
    assert low.condition.startswith("supported: holds in 60 %")
    assert "cannot be told from Monte Carlo noise" in low.condition
    high = with_robustness(_verdict(), _result(0.95, 0.8))  # robust share, noisy: flagged
    assert high.verdict == "supported" and "cannot be told" in high.condition
    clean = with_robustness(_verdict(), _result(0.6, 1.0))
    assert clean.verdict == "conditional" and "noise" not in clean.condition
    assert list(clean.summary().columns)[-3:-1] == ["robustness_share", "noise_share"]


def test_robustness_text_shows_the_noise_flag():
    assert robustness_text(0.62, "conditional", 0.75) == "62% (noise alone: 75%)"
    assert robustness_text(0.62, "conditional", NOISE_FLOOR) == "62%"
    assert robustness_text(0.62, "conditional") == "62%"
    assert robustness_text(float("nan"), "supported") == "no parameter space"


def test_noise_share_must_be_a_share():
    with pytest.raises(ValueError, match="'noise_share' must be in"):
        Verdict(
            "C1",
            "supported",
            1.0,
            0.5,
            1.5,
            "m",
            "x",
            1,
            "causal",
            "",
            "nb",
            "effect",
            noise_share=1.5,
        )
