"""Targeting a randomised promotion on pre-treatment features, judged on held-out customers.

The study of notebook 11 (the Starbucks promotion experiment, C000-46 and C000-47), with the
design its registry rows fix:

- :func:`split_halves`: the customers split in two halves stratified by arm, with a fixed
  seed (``numpy.random.default_rng``);
- :func:`predict_uplift`: the two-model ("T-learner") uplift of
  :func:`mcstudy.analysis.uplift.two_model_uplift` (one statsmodels logistic regression per
  arm, the integer-coded features as dummies, the real-valued ones linear), fitted on one
  half and predicted for the other;
- :func:`targeting_value`: the net incremental purchases per customer of the policy "promote
  when the predicted uplift exceeds the cost" against promoting everyone and promoting no
  one, on the other half, from randomised differences in proportions (OLS, HC3 errors);
- :func:`uplift_halves`: the promotion's effect among the held-out half ranked highest by
  predicted uplift minus the lower half (an interaction on the additive scale).

Every interval is a randomised comparison within the held-out half, conditional on the model
(fitted on the other half) and so on which customers it targets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

from mcstudy._validation import check_frame, check_int, check_number
from mcstudy.analysis.intervals import Z95
from mcstudy.analysis.randomised import interaction_test
from mcstudy.analysis.results import Estimate
from mcstudy.analysis.uplift import two_model_uplift

__all__ = [
    "CATEGORICAL_FEATURES",
    "NUMERIC_FEATURES",
    "PROMOTION_COST",
    "SPLIT_SEED",
    "PolicyComparison",
    "predict_uplift",
    "split_halves",
    "targeting_value",
    "uplift_halves",
]

#: Cost of one promotion counted in purchases: the exercise's $0.15 a promotion against $10
#: a purchase (registered with C000-46).
PROMOTION_COST = 0.15 / 10
#: Seed of the registered split into a fitting half and a held-out half.
SPLIT_SEED = 11
#: The anonymised Starbucks features that take a few integer levels (dummies).
CATEGORICAL_FEATURES = ("v1", "v4", "v5", "v6", "v7")
#: The anonymised Starbucks features that are real numbers (linear).
NUMERIC_FEATURES = ("v2", "v3")

_ARM, _TREATED, _OUTCOME = "arm", "promotion", "purchased"


def _treated(df: pd.DataFrame, name: str) -> np.ndarray:
    """The 0/1 promotion indicator of ``df[arm]``; raise unless both arms are present."""
    arms = df[_ARM].astype(str).to_numpy()
    unknown = sorted(set(arms) - {"control", _TREATED})
    if unknown:
        raise ValueError(
            f"{name!r} column {_ARM!r} must hold 'control' and 'promotion' only; got {unknown}."
        )
    t = (arms == _TREATED).astype(int)
    if t.all() or not t.any():
        raise ValueError(f"{name!r} must contain both arms ('control' and 'promotion').")
    return t


def _purchases(df: pd.DataFrame, name: str) -> np.ndarray:
    y = pd.to_numeric(df[_OUTCOME], errors="coerce").to_numpy(dtype=float)
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError(f"{name!r} column {_OUTCOME!r} must be 0/1 for every row.")
    return y


def split_halves(
    customers: pd.DataFrame, *, seed: int = SPLIT_SEED
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split customers in two halves stratified by arm, with a fixed seed.

    Parameters
    ----------
    customers : pandas.DataFrame
        One row per customer with an ``arm`` column (``control``/``promotion``), as
        :func:`mcstudy.io.datasets.load_starbucks` returns.
    seed : int, default=SPLIT_SEED
        Seed of :func:`numpy.random.default_rng`, an int >= 0.

    Returns
    -------
    fit, held_out : pandas.DataFrame
        The half to fit a model on and the half to judge it on, each in the original row
        order with the original index. Within each arm, ``n // 2`` customers drawn at random
        (one permutation per arm, control first) go to ``fit`` and the rest to ``held_out``.

    Raises
    ------
    TypeError, ValueError
        If ``customers`` is not a DataFrame with an ``arm`` column holding both arms (and
        nothing else), an arm has fewer than 2 customers, or ``seed`` is not an int >= 0.
    """
    check_frame(customers, [_ARM], name="customers")
    seed = check_int(seed, "seed", 0)
    t = _treated(customers, "customers")
    rng = np.random.default_rng(seed)
    to_fit = np.zeros(len(customers), dtype=bool)
    for arm in (0, 1):
        rows = np.flatnonzero(t == arm)
        if rows.size < 2:
            raise ValueError(
                f"each arm of 'customers' needs at least 2 customers to split; arm "
                f"{('control', 'promotion')[arm]!r} has {rows.size}."
            )
        to_fit[rng.permutation(rows)[: rows.size // 2]] = True
    return customers.iloc[to_fit], customers.iloc[~to_fit]


def predict_uplift(
    fit: pd.DataFrame,
    held_out: pd.DataFrame,
    *,
    categorical: Sequence[str] = CATEGORICAL_FEATURES,
    numeric: Sequence[str] = NUMERIC_FEATURES,
) -> np.ndarray:
    """Fit the registered two-model uplift model on ``fit`` and predict it for ``held_out``.

    Parameters
    ----------
    fit, held_out : pandas.DataFrame
        Customers to fit on (``arm``, ``purchased`` and the features) and customers to score
        (the features).
    categorical, numeric : sequence of str
        Feature columns entered as dummies (their levels taken from both frames) and
        linearly.

    Returns
    -------
    numpy.ndarray
        P(purchase | promotion) - P(purchase | control) for each row of ``held_out``, in row
        order (:func:`mcstudy.analysis.uplift.two_model_uplift`, ``family="logit"``).

    Raises
    ------
    TypeError, ValueError
        If a column is missing, no feature is named or one is named twice, the arms of
        ``fit`` are not ``control`` and ``promotion``, or as
        :func:`~mcstudy.analysis.uplift.two_model_uplift` (missing values, a level without
        purchases in an arm, separation).
    """
    categorical, numeric = list(categorical), list(numeric)
    features = [*categorical, *numeric]
    if not features:
        raise ValueError("'categorical' and 'numeric' must name at least one feature; got none.")
    check_frame(fit, [_ARM, _OUTCOME, *features], name="fit")
    check_frame(held_out, features, name="held_out")
    frames = []
    for frame in (fit, held_out):
        part = frame[features].copy()
        for column in categorical:
            part[column] = part[column].astype("category")
        frames.append(part)
    levels = {
        c: sorted(set(frames[0][c].cat.categories) | set(frames[1][c].cat.categories))
        for c in categorical
    }
    for part in frames:
        for column, cats in levels.items():
            part[column] = part[column].cat.set_categories(cats)
    train = frames[0].assign(promotion=_treated(fit, "fit"), purchased=_purchases(fit, "fit"))
    return two_model_uplift(
        train, frames[1], treatment="promotion", outcome=_OUTCOME, features=features
    )


def _effect(t: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Difference in proportions (promotion minus control) and its HC3 standard error."""
    fit = sm.OLS(y, sm.add_constant(t.astype(float), has_constant="add")).fit(cov_type="HC3")
    return float(fit.params[1]), float(fit.bse[1])


@dataclass(frozen=True)
class PolicyComparison(Estimate):
    """Net incremental purchases per customer of a targeted policy against uniform ones.

    ``vs_everyone`` is the targeted policy minus promoting everyone: ``(1 - share_targeted) *
    (cost - effect_not_targeted)``; ``vs_no_one`` the targeted policy minus promoting no one:
    ``share_targeted * (effect_targeted - cost)``. Each interval is the interval of its
    effect (difference in proportions, OLS with HC3 errors) carried through that linear map,
    conditional on which customers are targeted; a part whose group is empty is exactly 0
    with a zero-width interval. Effects of an empty or one-armed group are NaN.
    """

    n: int
    cost: float
    share_targeted: float
    n_targeted: int
    effect_targeted: float
    effect_targeted_ci: tuple[float, float]
    effect_not_targeted: float
    effect_not_targeted_ci: tuple[float, float]
    vs_everyone: float
    vs_everyone_ci: tuple[float, float]
    vs_no_one: float
    vs_no_one_ci: tuple[float, float]
    method: str

    def summary(self) -> pd.DataFrame:
        """One row per comparison: ``comparison, estimate, ci_low, ci_high``."""
        return pd.DataFrame(
            {
                "comparison": ["targeted - everyone", "targeted - no one"],
                "estimate": [self.vs_everyone, self.vs_no_one],
                "ci_low": [self.vs_everyone_ci[0], self.vs_no_one_ci[0]],
                "ci_high": [self.vs_everyone_ci[1], self.vs_no_one_ci[1]],
            }
        )


def _group(t: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Effect and its 95 % interval in a group; NaN when the group lacks an arm."""
    if t.size == 0 or t.min() == t.max():
        return np.nan, np.nan, np.nan
    effect, se = _effect(t, y)
    return effect, effect - Z95 * se, effect + Z95 * se


def targeting_value(
    held_out: pd.DataFrame, uplift, *, cost: float = PROMOTION_COST
) -> PolicyComparison:
    """Compare promoting the customers whose predicted uplift exceeds ``cost`` with uniform ones.

    Parameters
    ----------
    held_out : pandas.DataFrame
        Customers the model was not fitted on: ``arm`` (``control``/``promotion``,
        randomised) and ``purchased`` (0/1).
    uplift : array-like of float
        Predicted uplift of each row of ``held_out``, in row order.
    cost : float, default=PROMOTION_COST
        Cost of one promotion counted in purchases, in [0, 1].

    Returns
    -------
    PolicyComparison

    Raises
    ------
    TypeError, ValueError
        If a column is missing, ``uplift`` has the wrong length or a non-finite value,
        ``cost`` is outside [0, 1], or a non-empty group (targeted or not) lacks an arm.
    """
    check_frame(held_out, [_ARM, _OUTCOME], name="held_out")
    cost = check_number(cost, "cost", 0.0, 1.0)
    score = np.asarray(uplift, dtype=float)
    if score.shape != (len(held_out),):
        raise ValueError(
            f"'uplift' must hold one value per row of 'held_out' ({len(held_out)}); got shape "
            f"{score.shape}."
        )
    if not np.isfinite(score).all():
        raise ValueError("'uplift' must be finite for every row.")
    t, y = _treated(held_out, "held_out"), _purchases(held_out, "held_out")
    targeted = score > cost
    share = float(targeted.mean())
    parts = {}
    for name, rows in (("in", targeted), ("out", ~targeted)):
        effect, low, high = _group(t[rows], y[rows])
        if rows.any() and np.isnan(effect):
            raise ValueError(
                f"the {'targeted' if name == 'in' else 'non-targeted'} held-out customers "
                f"({int(rows.sum())}) must include both arms to estimate the promotion's effect."
            )
        parts[name] = (effect, low, high)
    e_in, lo_in, hi_in = parts["in"]
    e_out, lo_out, hi_out = parts["out"]
    if share < 1:
        vs_everyone = (
            (1 - share) * (cost - e_out),
            ((1 - share) * (cost - hi_out), (1 - share) * (cost - lo_out)),
        )
    else:
        vs_everyone = (0.0, (0.0, 0.0))
    if share > 0:
        vs_no_one = (share * (e_in - cost), (share * (lo_in - cost), share * (hi_in - cost)))
    else:
        vs_no_one = (0.0, (0.0, 0.0))
    return PolicyComparison(
        n=len(held_out),
        cost=cost,
        share_targeted=share,
        n_targeted=int(targeted.sum()),
        effect_targeted=e_in,
        effect_targeted_ci=(lo_in, hi_in),
        effect_not_targeted=e_out,
        effect_not_targeted_ci=(lo_out, hi_out),
        vs_everyone=vs_everyone[0],
        vs_everyone_ci=vs_everyone[1],
        vs_no_one=vs_no_one[0],
        vs_no_one_ci=vs_no_one[1],
        method="randomised difference in proportions within the targeted and non-targeted "
        "held-out customers (OLS, HC3 errors), scaled by their share",
    )


def uplift_halves(held_out: pd.DataFrame, uplift):
    """Test whether the promotion works better in the upper half of predicted uplift.

    Parameters
    ----------
    held_out : pandas.DataFrame
        As in :func:`targeting_value`.
    uplift : array-like of float
        Predicted uplift per row of ``held_out``.

    Returns
    -------
    mcstudy.analysis.InteractionTest
        The promotion effect on purchase in the upper half minus the lower half (moderator
        ``upper_half``, reference 0), OLS with HC3 errors. The upper half is the
        ``len(held_out) // 2`` customers ranked highest, ties broken by row order (a stable
        sort), so the halves never depend on a floating-point comparison between equal scores.

    Raises
    ------
    TypeError, ValueError
        As :func:`targeting_value` for the inputs; as
        :func:`~mcstudy.analysis.interaction_test` if a half lacks an arm.
    """
    check_frame(held_out, [_ARM, _OUTCOME], name="held_out")
    score = np.asarray(uplift, dtype=float)
    if score.shape != (len(held_out),) or not np.isfinite(score).all():
        raise ValueError(
            f"'uplift' must hold one finite value per row of 'held_out' ({len(held_out)}); got "
            f"shape {score.shape}."
        )
    t = _treated(held_out, "held_out")
    order = np.argsort(-score, kind="stable")
    upper = np.zeros(len(score), dtype=int)
    upper[order[: len(score) // 2]] = 1
    frame = pd.DataFrame({"promotion": t, "upper_half": upper, _OUTCOME: held_out[_OUTCOME]})
    return interaction_test(
        frame.reset_index(drop=True),
        treatment="promotion",
        moderator="upper_half",
        outcome=_OUTCOME,
        reference=0,
        family="ols",
    )
