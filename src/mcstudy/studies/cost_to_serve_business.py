"""Notebook 06's business-to-business claims, read in the business-customer reference context.

Source 000's GE Medical Systems case (C000-05) and its channels by account value (C000-08) are
judged on accounts with business order values and contact costs
(:func:`mcstudy.model.business.business_context`), by the same experiments as the consumer
reading (:func:`mcstudy.studies.cost_to_serve.business_cost_to_serve_statistics`). This module
holds what the notebook shows of that reading:

- :func:`business_table`: the context's numbers with their status and plausible range;
- :func:`business_declared_space`: the robustness design's ranges with their status;
- :func:`describe_business_context`: the order values, order rate and cost ratios in words;
- :func:`business_notes` and :func:`business_conditions`: each claim's note and condition in
  the business reading;
- :func:`context_comparison`: the consumer reading against the business one (before/after).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from mcstudy._validation import check_frame
from mcstudy._vocab import TIERS
from mcstudy.experiments.robustness import parameter_space
from mcstudy.io.catalogue import load_parameters
from mcstudy.model.business import load_business_context
from mcstudy.studies.claim_reading import simulated_conditions

__all__ = [
    "business_conditions",
    "business_declared_space",
    "business_notes",
    "business_table",
    "context_comparison",
    "describe_business_context",
]


def _row(table: pd.DataFrame, name: str) -> pd.Series:
    check_frame(table, ["mean", "ci_low", "ci_high"], "table")
    if name not in table.index:
        raise ValueError(f"the table has no statistic {name!r}; it has {sorted(table.index)}.")
    return table.loc[name]


def business_table() -> pd.DataFrame:
    """The business context's numbers: default, plausible range, unit and status, by name."""
    table = load_business_context().set_index("name")
    return table[["default", "low", "high", "unit", "status"]]


def business_declared_space(parameters: Mapping[str, tuple]) -> pd.DataFrame:
    """The ranges of a design in the business context, with each parameter's status.

    ``parameters`` is what :func:`~mcstudy.studies.cost_to_serve_claims.business_design_space`
    returns; a business parameter's status is read from ``data/business_context.csv``, any
    other's from ``data/parameters.csv``.
    """
    space = parameter_space(dict(parameters)).set_index("parameter")
    status = {
        **load_parameters().set_index("name")["status"].to_dict(),
        **load_business_context().set_index("name")["status"].to_dict(),
    }
    missing = [p for p in space.index if p not in status]
    if missing:
        raise ValueError(f"parameters {missing} are in neither data file.")
    space["status"] = [status[p] for p in space.index]
    space["file"] = [
        "business_context.csv" if p.startswith("business.") else "parameters.csv"
        for p in space.index
    ]
    return space[["low", "high", "scale", "status", "file"]]


def describe_business_context(ctx) -> str:
    """The business context's order values, order rate and contact-cost ratios, in words.

    ``ctx`` is the :class:`~mcstudy.model.context.ModelContext` of
    :func:`~mcstudy.model.business.business_context`.
    """
    pop = ctx.population
    mults = pop.tier_value_multipliers
    orders = {t: pop.basket_mean_eur * m for t, m in zip(TIERS, mults, strict=True)}
    per_year = 52 * pop.purchase_rate_per_week
    cost = ctx.channels.catalogue.set_index("channel")["cost_per_contact_eur"]
    shares = dict(zip(TIERS, pop.tier_shares, strict=True))
    return (
        f"**The business-customer reference context.** A small account's order is worth "
        f"{orders['small']:,.0f} euros, a medium account's {orders['medium']:,.0f} and a key "
        f"account's {orders['key_account']:,.0f}; accounts order {per_year:.1f}"
        f" times a year before any contact; small, medium and key accounts are shares "
        f"{shares['small']:.2f}, {shares['medium']:.2f} and {shares['key_account']:.2f} of the "
        f"accounts. A sales visit costs {cost['face_to_face']:,.0f} euros, "
        f"{cost['face_to_face'] / cost['call_centre']:.0f} times a call-centre contact "
        f"({cost['call_centre']:g} euros) and {cost['face_to_face'] / cost['telephone']:.0f} "
        f"times an account manager's call ({cost['telephone']:g} euros); a documentation "
        f"mailing costs {cost['postal_mail']:g} euros. Attention, irritation, consent and the "
        "purchase response are the model's own (a contact persuades in proportion to the "
        "account's base order rate, and irritation damps that rate), with the business "
        "persuasion and intrusiveness of each channel. Each number is sourced or an assumption "
        "with a plausible range (`data/business_context.csv`); the robustness design below "
        "varies each on its own."
    )


def business_notes(
    stats: pd.DataFrame, tier_shares, by_part: Mapping[str, str] | None = None
) -> dict[str, str]:
    """What the reader should know about the business verdicts of C000-05, C000-08 and C002-05.

    ``stats`` are the business study's summarised statistics (indexed by metric),
    ``tier_shares`` the business context's tier shares, and ``by_part`` the verdict of each
    part of C002-05 (:func:`~mcstudy.studies.cost_to_serve_claims.weakest_part`); without it
    C002-05 gets no note.
    """
    vs_none = _row(stats, "tiered_minus_none_margin")
    margin = _row(stats, "call_centre_margin_diff")
    revenue = _row(stats, "call_centre_revenue_change")
    notes = {
        "C000-05": "Business-customer reference context (accounts with business order values "
        "and contact costs). Direction fixed by construction: a call-centre contact costs "
        "less than a visit over the whole plausible range; the size follows the small "
        f"accounts' share of the visits (a share {tier_shares[0]:.2f} of the accounts, visited "
        "at half the base pressure). The cut is not free: revenue changes by "
        f"{revenue['mean']:.1%} ({revenue['ci_low']:.1%} to {revenue['ci_high']:.1%}) and margin "
        f"by {margin['mean']:,.0f} EUR per account-year ({margin['ci_low']:,.0f} to "
        f"{margin['ci_high']:,.0f}). A single case; the -50 % itself cannot be verified.",
        "C000-08": "Business-customer reference context. Source 000's own assignment against "
        "its channels spread evenly at equal budget (the registered estimand); against no "
        f"contact the same assignment changes margin by {vs_none['mean']:,.0f} EUR per "
        f"account-year ({vs_none['ci_low']:,.0f} to {vs_none['ci_high']:,.0f}). Margin is "
        "revenue minus contact and service costs; the cost of goods is not modelled, which "
        "inflates every revenue gain against contact costs.",
    }
    if by_part is not None:
        small = _row(stats, "small_mail_minus_phone_margin")
        visits = _row(stats, "key_visits_minus_none_margin")
        notes["C002-05"] = (
            "Business-customer reference context. Judged on its weakest part: regular mail "
            f"rather than phone follow-ups for small accounts "
            f"{by_part['small_mail_minus_phone_margin']} (margin {small['mean']:,.1f} EUR per "
            f"account-year, {small['ci_low']:,.1f} to {small['ci_high']:,.1f}), sales visits for "
            f"key accounts {by_part['key_visits_minus_none_margin']} (visits change a key "
            f"account's margin by {visits['mean']:,.0f} EUR, {visits['ci_low']:,.0f} to "
            f"{visits['ci_high']:,.0f}). The cost of goods is not modelled."
        )
    return notes


def context_comparison(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """The consumer reading of claims (before) against their business reading (after).

    Parameters
    ----------
    before, after : pandas.DataFrame
        Verdict fields, one row per claim (what :func:`mcstudy.claims.judge` returns, with
        ``record=False`` for the reading not recorded): ``claim_id``, ``verdict``, ``effect``,
        ``ci_low``, ``ci_high``, ``robustness_share``.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``claim_id``, ``context``), the claims of ``after`` in its order, each
        with its consumer and business row: ``verdict``, ``effect``, ``ci_low``, ``ci_high``,
        ``robustness_share``.

    Raises
    ------
    ValueError
        If a frame lacks a column, or a claim of ``after`` is not in ``before``.
    """
    cols = ["claim_id", "verdict", "effect", "ci_low", "ci_high", "robustness_share"]
    check_frame(before, cols, "before")
    check_frame(after, cols, "after")
    old = before.set_index("claim_id")
    missing = [c for c in after["claim_id"] if c not in old.index]
    if missing:
        raise ValueError(f"claims {missing} of 'after' are not in 'before'.")
    rows = []
    for claim, row in after.set_index("claim_id").iterrows():
        for context, r in (("consumer (before)", old.loc[claim]), ("business (after)", row)):
            rows.append({"claim_id": claim, "context": context, **{c: r[c] for c in cols[1:]}})
    return pd.DataFrame(rows).set_index(["claim_id", "context"])


def business_conditions(notes: Mapping[str, str], rules: Mapping) -> dict[str, str]:
    """Each claim's condition: its note, the business context and the smallest effect.

    Examples
    --------
    >>> from mcstudy.claims.rules import Rule
    >>> rule = Rule("C9", "x", 1, float("nan"), 0.1, "effect")
    >>> business_conditions({"C9": "A note."}, {"C9": rule})["C9"].endswith("is 0.1.")
    True
    """
    return simulated_conditions(notes, rules, "business-customer reference context")
