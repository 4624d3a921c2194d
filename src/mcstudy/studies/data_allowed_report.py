"""Notebook 01's view of the data-allowed sample of notebook 04's space (``docs/model.md`` §9.6).

The sample is committed (``data/data_allowed_attention.csv``, written by
``benchmarks/interaction_constraint.py``); :func:`attention_space_tables` judges notebook 04's
ten claims over it by the rule of :mod:`mcstudy.experiments.data_allowed`, and
:func:`describe_attention_space` says what it found.
"""

from __future__ import annotations

import pandas as pd

from mcstudy._validation import check_frame
from mcstudy.claims.evidence import evidence_class
from mcstudy.claims.judging import point_judges
from mcstudy.claims.rules import rule_for
from mcstudy.experiments.data_allowed import NARROWED, constraint_targets, judge_space
from mcstudy.io import load_claims
from mcstudy.studies.attention_report import ATTENTION_CLAIM_STATISTICS

__all__ = ["attention_space_tables", "describe_attention_space"]


def attention_space_tables(
    points: pd.DataFrame,
    targets: pd.DataFrame,
    verdicts: pd.DataFrame,
    claims_registry: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """Notebook 04's claims judged over the data-allowed points of its space.

    Parameters
    ----------
    points : pandas.DataFrame
        The committed sample (:func:`mcstudy.experiments.data_allowed.simulate_space`).
    targets : pandas.DataFrame
        ``load_targets()`` (the cut takes its
        :func:`~mcstudy.experiments.data_allowed.constraint_targets`).
    verdicts : pandas.DataFrame
        ``results/verdicts.csv``: each claim's verdict, reference verdict (``lean``),
        ``evidence`` and ``hinges_on``.
    claims_registry : pandas.DataFrame, default=None
        The claims registry (``kind``, ``fixed_by``); :func:`mcstudy.io.load_claims` when None.

    Returns
    -------
    dict
        :func:`~mcstudy.experiments.data_allowed.judge_space`'s tables, the claims' with their
        reference verdict and the evidence class they would have with that result
        (:func:`mcstudy.claims.evidence.evidence_class`: a verdict decided by construction
        stays so).
    """
    check_frame(verdicts, ["claim_id", "verdict", "lean", "evidence", "hinges_on"], "verdicts")
    v = verdicts.set_index("claim_id")
    claims = list(ATTENTION_CLAIM_STATISTICS)
    missing = sorted(set(claims) - set(v.index))
    if missing:
        raise ValueError(f"'verdicts' has no row for notebook 04's claims {missing}.")
    reference = {c: str(v.loc[c, "lean"]) for c in claims}
    judges = point_judges({c: rule_for(c) for c in claims}, reference, ATTENTION_CLAIM_STATISTICS)
    hinges = {
        c: [] if pd.isna(v.loc[c, "hinges_on"]) else str(v.loc[c, "hinges_on"]).split("; ")
        for c in claims
    }
    out = judge_space(points, constraint_targets(targets), judges, hinges)
    out["claims"].insert(0, "reference", pd.Series(reference))
    registry = (load_claims() if claims_registry is None else claims_registry).set_index("claim_id")
    out["claims"]["evidence_class"] = [
        evidence_class(
            kind=str(registry.loc[c, "kind"]),
            verdict=str(v.loc[c, "verdict"]),
            evidence=str(v.loc[c, "evidence"]),
            fixed_by=_text(registry.loc[c, "fixed_by"]),
            data_constrained=bool(out["claims"].loc[c, "data_constrained"]),
        )
        for c in out["claims"].index
    ]
    return out


def _text(value) -> str:
    """A registry cell as text, blank when empty."""
    return "" if pd.isna(value) else str(value)


def describe_attention_space(tables: dict) -> str:
    """What the data-allowed sample shows, in Markdown, from :func:`attention_space_tables`."""
    n, n_ok = len(tables["allowed"]), int(tables["allowed"].sum())
    ruled = tables["targets"]["points_ruled_out"]
    ruling = ruled[ruled > 0].sort_values(ascending=False)
    par = tables["parameters"]["narrowing"].sort_values(ascending=False)
    chance = tables["parameters"]["chance_97.5"]
    beyond = int((tables["parameters"]["narrowing"] > chance).sum())
    claims = tables["claims"]
    moved = (claims["share_allowed"] - claims["share_all"]).abs()
    constrained = list(claims.index[claims["data_constrained"]])
    classes = claims["evidence_class"].value_counts()
    by = (
        "; ".join(f"{t} {k}" for t, k in ruling.items())
        if len(ruling)
        else "no target rules out any"
    )
    return (
        f"{n_ok} of the {n} points over {len(par)} parameters are allowed (points ruled out, "
        f"by target: {by}). The most narrowed parameter is {par.index[0]} "
        f"({100 * par.iloc[0]:.0f} % of its interquartile range removed); the rule asks for "
        f"{100 * NARROWED:.0f} %. {beyond} of the {len(par)} narrowings exceed what random "
        "subsets of as many points give 97.5 % of the time. Over the allowed points each "
        "claim's share moves by at most "
        f"{moved.max():.3f} from its share over the whole space. "
        + (
            f"By the rule, {', '.join(constrained)} would be data-constrained. "
            if constrained
            else f"By the rule, none of the {len(claims)} claims is data-constrained. "
        )
        + "With that result their evidence classes are: "
        + "; ".join(f"{cls} {k}" for cls, k in classes.items())
        + " (a verdict the model's form decides stays by construction whatever the data allow)."
    )
