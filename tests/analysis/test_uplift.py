"""Tests for mcstudy.analysis.uplift: Qini curve and coefficient, uplift at k, two-model score."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.formula.api as smf

from mcstudy.analysis import (
    arm_effects,
    qini_coefficient,
    qini_curve,
    two_model_uplift,
    uplift_at_k,
)

# ---- uplift metrics ----------------------------------------------------------------------


def test_qini_curve_hand_example():
    # Ranked by score: T1, C0, T0, C1. Incremental R_T - R_C * N_T / N_C at each cut.
    curve = qini_curve([1, 0, 1, 0], [1, 0, 0, 1], [4, 3, 2, 1])
    assert curve["fraction_targeted"].tolist() == [0, 0.25, 0.5, 0.75, 1.0]
    assert curve["incremental"].tolist() == pytest.approx([0, 1, 1, 1, 0])


def test_qini_curve_ends_at_overall_incremental(uplift_data):
    treated, y, score, _ = uplift_data
    curve = qini_curve(treated, y, score)
    total = y[treated].sum() - y[~treated].sum() * treated.sum() / (~treated).sum()
    assert curve["incremental"].iloc[-1] == pytest.approx(total)
    assert curve["n_targeted"].iloc[-1] == len(y)


def test_qini_perfect_beats_random(uplift_data):
    treated, y, score, rng = uplift_data
    good = qini_coefficient(treated, y, score)
    random = qini_coefficient(treated, y, rng.random(len(y)))
    assert good > random + 0.1
    assert abs(random) < 0.1
    assert qini_coefficient(treated, y, np.where(treated, y, -y)) == pytest.approx(1.0)
    assert qini_coefficient(treated, y, np.zeros(len(y))) == pytest.approx(0.0, abs=1e-12)
    assert qini_coefficient(treated, y, -score) < 0


def test_uplift_at_k(uplift_data):
    treated, y, score, _ = uplift_data
    overall = y[treated].mean() - y[~treated].mean()
    assert uplift_at_k(treated, y, score, k=1.0) == pytest.approx(overall)
    top = uplift_at_k(treated, y, score, k=0.4)  # mostly x = 1, true uplift 0.3
    assert top == pytest.approx(0.3, abs=0.06)
    assert top > overall


def test_uplift_at_k_splits_a_tied_block_at_the_cut_by_hand():
    # Ranked by score: customer 0 (score 3), a tied block of 4 (score 2), customer 5 (score 1).
    # k = 0.5 of 6 customers targets 3: customer 0 fully and each of the block with weight
    # (3 - 1) / 4 = 0.5. Treated: 1 (w 1), 0 (w .5), 1 (w .5) -> 1.5 / 2 = 0.75.
    # Control: 0 (w .5), 1 (w .5) -> 0.5 / 1 = 0.5. Uplift 0.25 (row order: 0.5).
    treated = [1, 0, 1, 0, 1, 0]
    outcome = [1, 0, 0, 1, 1, 0]
    score = [3, 2, 2, 2, 2, 1]
    assert uplift_at_k(treated, outcome, score, k=0.5) == pytest.approx(0.25, abs=1e-15)
    # The same customers listed in another order give the same answer.
    order = [4, 2, 5, 3, 1, 0]
    assert uplift_at_k(
        np.take(treated, order), np.take(outcome, order), np.take(score, order), k=0.5
    ) == pytest.approx(0.25, abs=1e-15)
    # Without ties a fractional k * n weights the last customer: k = 0.6 of 5 targets 3
    # exactly; k = 0.5 of 5 targets 2.5: T1 (1), C0 (1), T0 (w .5) -> 1 / 1.5 - 0 = 2 / 3.
    distinct = ([1, 0, 1, 0, 1], [1, 0, 0, 1, 1], [5, 4, 3, 2, 1])
    assert uplift_at_k(*distinct, k=0.6) == pytest.approx(0.5 - 0.0)
    assert uplift_at_k(*distinct, k=0.5) == pytest.approx(2 / 3)


def test_uplift_at_k_does_not_depend_on_row_order(uplift_data):
    treated, y, _, rng = uplift_data
    score = rng.integers(0, 4, len(y))  # four tied blocks of ~1,000 customers
    spend = y * rng.gamma(2.0, 20.0, len(y))
    for outcome in (y, spend):
        for k in (0.1, 0.2, 0.37, 0.5):
            expected = uplift_at_k(treated, outcome, score, k=k)
            for _ in range(5):
                p = rng.permutation(len(y))
                assert uplift_at_k(treated[p], outcome[p], score[p], k=k) == pytest.approx(
                    expected, rel=1e-12, abs=1e-15
                )
    # At the end of a tied block nothing is split: the plain top-m difference.
    ends = np.cumsum(np.bincount(-score + 3))
    top = -score + 3 < 2
    plain = y[top & treated].mean() - y[top & ~treated].mean()
    assert uplift_at_k(treated, y, score, k=ends[1] / len(y)) == pytest.approx(plain)


def test_uplift_validation(uplift_data):
    treated, y, score, _ = uplift_data
    with pytest.raises(ValueError, match=r"'k' must be a real number in \(0, 1\]; got 0.0"):
        uplift_at_k(treated, y, score, k=0.0)
    with pytest.raises(ValueError, match="equal lengths"):
        qini_curve(treated, y[:-1], score)
    with pytest.raises(ValueError, match="'treated' must hold only 0/1"):
        qini_curve(np.full(len(y), 2), y, score)
    with pytest.raises(ValueError, match="both treated"):
        qini_coefficient(np.ones(len(y)), y, score)
    with pytest.raises(ValueError, match="'score' has missing"):
        qini_curve(treated, y, np.full(len(y), np.nan))
    with pytest.raises(TypeError, match="'outcome' must be numeric"):
        qini_curve(treated, np.array(["a"] * len(y)), score)
    with pytest.raises(ValueError, match="must contain treated and control"):
        uplift_at_k([1, 1, 0, 0], [1, 0, 1, 0], [4, 3, 2, 1], k=0.5)


# ---- two-model uplift ----------------------------------------------------------------------


def test_two_model_uplift_matches_two_logits_and_ranks_the_responsive_segment(heterogeneous):
    train, test = heterogeneous.iloc[:3000], heterogeneous.iloc[3000:]
    score = two_model_uplift(
        train, test, treatment="treated", outcome="converted", features=["segment", "age"]
    )
    assert score.shape == (len(test),)
    new = (test["segment"] == "new").to_numpy()
    assert score[new].mean() > score[~new].mean() + 0.05
    fits = [
        smf.logit("converted ~ C(segment) + age", train[train["treated"] == t]).fit(disp=0)
        for t in (1, 0)
    ]
    expected = fits[0].predict(test) - fits[1].predict(test)
    np.testing.assert_allclose(score, expected.to_numpy(), rtol=1e-6, atol=1e-9)
    ols = two_model_uplift(
        train, test, treatment="treated", outcome="converted", features=["segment"], family="ols"
    )
    assert ols[new].mean() == pytest.approx(
        arm_effects(train[train["segment"] == "new"], control="control", outcomes=["converted"])[
            "difference"
        ].iloc[0],
        rel=1e-8,
    )


def test_two_model_uplift_validation(heterogeneous):
    with pytest.raises(ValueError, match="'features' must name at least one column"):
        two_model_uplift(
            heterogeneous, heterogeneous, treatment="treated", outcome="converted", features=[]
        )
    with pytest.raises(ValueError, match="'train' must contain treated and control"):
        only = heterogeneous[heterogeneous["treated"] == 1]
        two_model_uplift(
            only, heterogeneous, treatment="treated", outcome="converted", features=["age"]
        )
    with pytest.raises(
        ValueError,
        match=r"levels \['young'\] of feature 'band' have no treated "
        r"rows in 'train'",
    ):
        other = heterogeneous.assign(band="old")
        two_model_uplift(
            other,
            other.assign(band="young"),
            treatment="treated",
            outcome="converted",
            features=["band", "age"],
        )
    with pytest.raises(ValueError, match=r"'test' is missing columns \['age'\]"):
        two_model_uplift(
            heterogeneous,
            heterogeneous[["segment"]],
            treatment="treated",
            outcome="converted",
            features=["age"],
        )


def test_two_model_uplift_refuses_separated_logit_fits(heterogeneous):
    # Before: statsmodels only warned and the score of 'new' customers used a coefficient
    # of about -25 (a predicted rate of 0) instead of failing.
    train, test = heterogeneous.iloc[:3000], heterogeneous.iloc[3000:]
    silent = train["converted"].where(~((train["segment"] == "new") & (train["treated"] == 0)), 0)
    with pytest.raises(
        ValueError,
        match=r"outcome 'converted' does not vary in level 'new' of "
        r"'segment' among the control rows of 'train': no events \(0 of \d+\)"
        r".*family='ols'",
    ):
        two_model_uplift(
            train.assign(converted=silent),
            test,
            treatment="treated",
            outcome="converted",
            features=["segment", "age"],
        )
    with pytest.raises(
        ValueError,
        match=r"does not vary in the treated rows of 'train': only "
        r"events",
    ):
        two_model_uplift(
            train.assign(converted=train["treated"]),
            test,
            treatment="treated",
            outcome="converted",
            features=["age"],
        )
    # Complete separation by a numeric feature: no level to name, the fit itself fails.
    older = (train["age"] > 40).astype(int)
    with pytest.raises(
        ValueError,
        match=r"logit' fit of outcome 'converted' on the treated rows "
        r"of 'train' failed \(.*\).*separation",
    ):
        two_model_uplift(
            train.assign(converted=older),
            test,
            treatment="treated",
            outcome="converted",
            features=["age"],
        )
    # The linear model has no such problem and still fits.
    score = two_model_uplift(
        train.assign(converted=silent),
        test,
        treatment="treated",
        outcome="converted",
        features=["segment", "age"],
        family="ols",
    )
    assert np.isfinite(score).all()
