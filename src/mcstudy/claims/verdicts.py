"""Verdict records: each claim's verdict re-judged by its rule and written to the table.

:func:`record_verdict` writes a :class:`~mcstudy.claims.rules.Verdict` to
``results/verdicts.csv``, one row per claim, with the rule used, the robustness share and the
parameters the verdict hinges on, after re-judging it with the claim's registered rule (a
verdict that does not follow is refused); :func:`record_untestable` records a claim that is not
testable; :func:`load_verdicts` reads the table back, validated; :func:`summarise_claims`
counts the registry's claims. The rules themselves are :mod:`mcstudy.claims.rules`, whose
names this module also exports; the file itself (read, and written under a lock between
processes) is :mod:`mcstudy.claims.verdict_table`'s.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from mcstudy._validation import check_frame
from mcstudy._vocab import (
    KIND_NOT_TESTABLE,
    RULES,
    VERDICT_NOT_TESTABLE,
    VERDICTS,
)
from mcstudy.claims.combine import VERDICT_STRENGTH, weakest, with_robustness
from mcstudy.claims.evidence import evidence_class
from mcstudy.claims.rules import (
    REGISTRY_COLUMNS,
    Rule,
    Verdict,
    judge_association,
    judge_consistency,
    judge_effect,
    judge_equivalence,
    judge_non_inferiority,
    rule_for,
)
from mcstudy.claims.verdict_table import (
    VERDICT_TABLE_COLUMNS,
    _record_rows,
    load_verdicts,
)
from mcstudy.io.catalogue import load_claims

__all__ = [
    "REGISTRY_COLUMNS",
    "VERDICTS",
    "VERDICT_STRENGTH",
    "VERDICT_TABLE_COLUMNS",
    "Rule",
    "Verdict",
    "judge_association",
    "judge_consistency",
    "judge_effect",
    "judge_equivalence",
    "judge_non_inferiority",
    "lean",
    "load_verdicts",
    "record_untestable",
    "record_verdict",
    "rule_for",
    "summarise_claims",
    "weakest",
    "with_robustness",
]


def record_untestable(
    claims: pd.DataFrame, notebook: str, path: str | Path | None = None
) -> pd.DataFrame:
    """Record a ``not testable`` verdict for every claim the registry marks ``not-testable``.

    The reason recorded is the registry's note; the notebook recorded is the claim's
    registered notebook (the one that says why it is not tested), ``notebook`` when the
    registry leaves it blank. ``claims`` is also the registry the claim ids are checked
    against. Returns the verdicts written.
    """
    check_frame(claims, ["claim_id", "kind", "note", "notebook"], "claims")
    if not isinstance(notebook, str) or not notebook.strip():
        raise TypeError(
            f"'notebook' must be the notebook's file name (a non-empty str); got {notebook!r}."
        )
    rows = []
    for claim in claims[claims["kind"] == KIND_NOT_TESTABLE].itertuples(index=False):
        verdict = Verdict(
            claim.claim_id,
            VERDICT_NOT_TESTABLE,
            float("nan"),
            float("nan"),
            float("nan"),
            "",
            "registry",
            0,
            "none",
            claim.note,
            str(claim.notebook).strip() or notebook if pd.notna(claim.notebook) else notebook,
        )
        rows.append(record_verdict(verdict, path, claims=claims))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def _registry(claims: pd.DataFrame | str | Path | None) -> tuple[pd.DataFrame, str]:
    """The registry ``claims`` (a frame, a CSV path, or None for the default) and its name.

    The frame must have :data:`REGISTRY_COLUMNS`; it is returned indexed by ``claim_id``.
    """
    if claims is None or isinstance(claims, (str, Path)):
        source = str(claims) if claims is not None else "data/claims.csv"
        claims = load_claims(claims)
    elif isinstance(claims, pd.DataFrame):
        source = "the 'claims' frame"
        if not set(REGISTRY_COLUMNS) <= set(claims.columns):
            missing = [c for c in REGISTRY_COLUMNS if c not in claims.columns]
            raise ValueError(
                f"'claims' must have the columns {list(REGISTRY_COLUMNS)} (the ids and each "
                f"claim's registered rule, as load_claims returns them); it lacks {missing} "
                f"(it has {list(claims.columns)})."
            )
        repeated = sorted(set(claims.loc[claims["claim_id"].duplicated(), "claim_id"]))
        if repeated:
            raise ValueError(f"'claims' must have one row per claim; ids repeated: {repeated}.")
    else:
        raise TypeError(
            f"'claims' must be a DataFrame, a path or None; got {type(claims).__name__}."
        )
    return claims.assign(claim_id=claims["claim_id"].astype(str)).set_index("claim_id"), source


def _registered_rule(claims: pd.DataFrame, claim_id: str, source: str) -> Rule | None:
    """The rule registered for ``claim_id`` in the indexed registry; None if it has none."""
    row = claims.loc[claim_id].map(lambda v: v.item() if isinstance(v, np.generic) else v)
    rule = row["rule"]
    if pd.isna(rule) or str(rule).strip() == "":
        return None
    if str(rule) not in RULES:
        raise ValueError(
            f"the registry ({source}) registers for {claim_id} the rule {rule!r}; a rule must "
            f"be one of {list(RULES)}."
        )
    numbers = {}
    for column in ("direction", "smallest_effect", "claimed"):
        value = row[column]
        try:
            numbers[column] = float("nan") if pd.isna(value) else float(value)
        except (TypeError, ValueError):
            numbers[column] = None
    direction, small, claimed = (
        numbers["direction"],
        numbers["smallest_effect"],
        numbers["claimed"],
    )
    problems = []
    if direction not in (1.0, -1.0):
        problems.append(f"'direction' must be 1 or -1; got {row['direction']!r}")
    if small is None or not (math.isfinite(small) and small > 0):
        problems.append(
            f"'smallest_effect' must be a finite number > 0; got {row['smallest_effect']!r}"
        )
    if claimed is None or not (math.isnan(claimed) or (math.isfinite(claimed) and claimed > 0)):
        problems.append(f"'claimed' must be NaN or a finite number > 0; got {row['claimed']!r}")
    if str(rule) == "consistency" and claimed is not None and math.isnan(claimed):
        problems.append("a 'consistency' rule needs the 'claimed' figure; got NaN")
    if problems:
        raise ValueError(
            f"the registry ({source}) has no usable rule for {claim_id}: "
            + "; ".join(problems)
            + "."
        )
    return Rule(
        claim_id=claim_id,
        estimand=str(row["estimand"]) if "estimand" in row.index else "",
        direction=int(direction),
        claimed=claimed,
        smallest_effect=small,
        rule=str(rule),
    )


#: Verdicts the causal part of an ``association`` rule can give once the association itself is
#: shown (the causal interval is not recorded, so any of them follows).
_ASSOCIATION_OUTCOMES = ("supported", "overstated", "artefact", "inconclusive", "not supported")
#: How :func:`with_robustness` opens the condition of a ``conditional`` verdict.
_CONDITIONAL_PREFIX = re.compile(r"^(?P<verdict>[a-z ]+?): holds in ")


def _rejudge(verdict: Verdict, rule: Rule, source: str) -> None:
    """Raise unless ``verdict.verdict`` is what ``rule`` gives its recorded interval.

    The recorded interval is the one the verdict rests on: for ``effect``,
    ``non_inferiority`` and ``consistency`` the rule gives one verdict, which must be the one
    recorded; for ``association`` it is the association's interval, whose own verdict (the
    effect rule with the claimed magnitude) must be recorded unless it is ``supported``, in
    which case the causal interval (not recorded) decides among
    :data:`_ASSOCIATION_OUTCOMES`. A ``conditional`` verdict (from :func:`with_robustness`)
    must carry a robustness share below the threshold and name, at the start of its
    condition, the verdict at the reference context, which is re-judged the same way; a
    verdict with a robustness share below the threshold must be ``conditional``.
    """
    from mcstudy.experiments.robustness import ROBUST_SHARE

    claim, given, share = verdict.claim_id, verdict.verdict, verdict.robustness_share
    if given == "conditional":
        match = _CONDITIONAL_PREFIX.match(verdict.condition)
        reference = match["verdict"] if match else None
        if reference not in _ASSOCIATION_OUTCOMES:
            raise ValueError(
                f"verdict 'conditional' on {claim} does not say which verdict is conditional: "
                "its condition must open with the verdict at the reference context, as "
                "with_robustness writes it ('supported: holds in 62 % of the plausible "
                f"space ...'); got condition {verdict.condition[:80]!r}."
            )
        if math.isnan(share) or share >= ROBUST_SHARE:
            raise ValueError(
                f"verdict 'conditional' on {claim} needs a robustness share below "
                f"{ROBUST_SHARE:g} (with_robustness records it); got robustness_share={share!r}."
            )
    else:
        reference = given
        if not math.isnan(share) and share < ROBUST_SHARE:
            raise ValueError(
                f"verdict {given!r} on {claim} holds in only {share:.0%} of the plausible space "
                f"(robustness_share={share!r} < {ROBUST_SHARE:g}): the verdict is "
                "'conditional' (use with_robustness)."
            )
    low, high = verdict.ci_low, verdict.ci_high
    if rule.rule == "association":
        expected = judge_effect(
            low,
            high,
            direction=rule.direction,
            smallest_effect=rule.smallest_effect,
            claimed=rule._claimed,
        )
        allowed = _ASSOCIATION_OUTCOMES if expected == "supported" else (expected,)
    else:
        expected = rule.judge(low, high)
        allowed = (expected,)
    if reference not in allowed:
        what = "the verdict at the reference context" if given == "conditional" else "verdict"
        gives = (
            f"the association is shown ('supported'), so the causal comparison decides among "
            f"{list(allowed)}"
            if len(allowed) > 1
            else f"the rule gives {expected!r}"
        )
        raise ValueError(
            f"{what} {reference!r} on {claim} does not follow from its registered "
            f"{rule.rule!r} rule ({source}): on the recorded interval [{low!r}, {high!r}] "
            f"{gives}. Record the verdict the rule gives."
        )


def record_verdict(
    verdict: Verdict,
    path: str | Path | None = None,
    *,
    claims: pd.DataFrame | str | Path | None = None,
) -> pd.DataFrame:
    """Write ``verdict`` into the verdicts table (replacing an earlier one for the claim).

    Parameters
    ----------
    verdict : Verdict
        The verdict; its values are checked when it is created.
    path : str or Path, default=None
        Verdicts CSV; ``results/verdicts.csv`` of the repository when None.
    claims : pandas.DataFrame or str or Path, default=None
        The claims registry ``verdict.claim_id`` must belong to: a frame with the columns
        :data:`REGISTRY_COLUMNS` (``claim_id``, ``kind`` and the registered rule: ``direction``,
        ``claimed``, ``smallest_effect``, ``rule``, blank for a claim that is not testable),
        a CSV path read with :func:`mcstudy.io.load_claims`, or ``data/claims.csv`` when None.

    Returns
    -------
    pandas.DataFrame
        The verdict as a one-row DataFrame (rounded for display).

    Raises
    ------
    TypeError
        If ``verdict`` is not a :class:`Verdict`, or ``claims`` or ``path`` is of the wrong
        type.
    ValueError
        If ``verdict.claim_id`` is not in the registry; if the verdict's rule is not the one
        the registry registers for it (a claim without a rule takes only a ``not testable``
        verdict, and a ``not testable`` verdict only such a claim); if the verdict does not
        follow from the registered rule on the recorded interval (see Notes; the message
        names the claim, the verdict given and the verdict the rule gives); if ``path`` is a
        directory or cannot be created, or the table there cannot be read. Nothing is
        written then.

    Notes
    -----
    The verdict is judged again with the claim's registered rule on the recorded
    ``ci_low``/``ci_high``: ``effect``, ``non_inferiority`` and ``consistency`` must give the
    recorded verdict. For ``association`` the recorded interval is the association's: its
    own verdict (not shown: ``inconclusive`` or ``not supported``) must be the recorded one,
    and once it is shown the causal or adjusted interval, which is not recorded, decides
    among ``supported``, ``overstated``, ``artefact``, ``inconclusive`` and ``not supported``. A
    ``conditional`` verdict comes from :func:`with_robustness`: its robustness share is below
    :data:`mcstudy.experiments.robustness.ROBUST_SHARE` and its condition opens with the
    verdict at the reference context, which is judged as above; a verdict whose robustness
    share is below that threshold must be ``conditional``.

    Processes may record into the same table at once (notebooks run side by side): each
    reads, changes and replaces the table under an exclusive lock on ``.verdicts.csv.lock``
    beside it, so that no verdict is lost, and a reader sees the whole old or new table.
    """
    row = _verdict_row(verdict, claims)
    _record_rows([row], path)
    return row.round(4)


def _verdict_row(verdict: Verdict, claims: pd.DataFrame | str | Path | None) -> pd.DataFrame:
    """The table row of ``verdict``, once it is checked against the registry ``claims``.

    The checks and their errors are :func:`record_verdict`'s; nothing is written.
    """
    if not isinstance(verdict, Verdict):
        raise TypeError(f"'verdict' must be a Verdict; got {type(verdict).__name__}.")
    registry, source = _registry(claims)
    if verdict.claim_id not in registry.index:
        ids = registry.index
        raise ValueError(
            f"'claim_id' must be an id of the claims registry ({source}, {len(ids)} claims, "
            f"e.g. {sorted(ids)[:3]}); got {verdict.claim_id!r}."
        )
    rule = _registered_rule(registry, verdict.claim_id, source)
    if rule is None:
        if verdict.verdict != VERDICT_NOT_TESTABLE:
            raise ValueError(
                f"verdict {verdict.verdict!r} on {verdict.claim_id}, but the registry "
                f"({source}) registers no rule for it: the claim is not testable and takes "
                f"only the verdict {VERDICT_NOT_TESTABLE!r}."
            )
    elif verdict.verdict == VERDICT_NOT_TESTABLE:
        raise ValueError(
            f"verdict {VERDICT_NOT_TESTABLE!r} on {verdict.claim_id}, but the registry "
            f"({source}) registers the {rule.rule!r} rule for it: a testable claim is judged "
            "by its rule."
        )
    elif verdict.rule != rule.rule:
        raise ValueError(
            f"verdict on {verdict.claim_id} was drawn with rule {verdict.rule!r}, but the "
            f"registry ({source}) registers {rule.rule!r}: a verdict follows the rule "
            "registered before the study, not one chosen after it."
        )
    else:
        _rejudge(verdict, rule, source)
    return _with_class(verdict, registry.loc[verdict.claim_id])


def lean(verdict: str, condition: str) -> str:
    """The verdict a ``conditional`` verdict leans to: the one at the reference context.

    Parameters
    ----------
    verdict : str
        The recorded verdict.
    condition : str
        Its condition; for a ``conditional`` verdict it opens with the reference verdict, as
        :func:`with_robustness` writes it (``"supported: holds in 62 % ..."``).

    Returns
    -------
    str
        The reference verdict for a conditional one, the verdict itself otherwise, ``""`` for
        ``not testable``.

    Examples
    --------
    >>> lean("conditional", "not supported: holds in 77 % of the plausible space")
    'not supported'
    >>> lean("supported", "")
    'supported'
    """
    if verdict == VERDICT_NOT_TESTABLE:
        return ""
    if verdict != "conditional":
        return verdict
    match = _CONDITIONAL_PREFIX.match(condition)
    if match is None or match["verdict"] not in VERDICTS:
        raise ValueError(
            "a conditional verdict's condition must open with the verdict at the reference "
            f"context, as with_robustness writes it; got {condition[:80]!r}."
        )
    return match["verdict"]


def _with_class(verdict: Verdict, claim: pd.Series) -> pd.DataFrame:
    """The verdict's row, with its lean and its evidence class.

    The lean (after ``verdict``) of a ``conditional`` verdict is the verdict at the reference
    context, which :func:`with_robustness` writes at the start of the condition; any other
    verdict leans to itself (a not-testable claim to nothing). The evidence class
    (:func:`~mcstudy.claims.evidence.evidence_class`) comes after ``evidence``.

    """
    fixed_by = claim.get("fixed_by", "")
    row = verdict.summary()
    leans_to = lean(verdict.verdict, verdict.condition)
    row.insert(row.columns.get_loc("verdict") + 1, "lean", leans_to)
    cls = evidence_class(
        kind=str(claim["kind"]),
        verdict=verdict.verdict,
        evidence=verdict.evidence,
        fixed_by="" if pd.isna(fixed_by) else str(fixed_by),
    )
    row.insert(row.columns.get_loc("evidence") + 1, "evidence_class", cls)
    return row


def summarise_claims(claims: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Count claims by document, topic and kind.

    Parameters
    ----------
    claims : pandas.DataFrame
        The registry, as returned by :func:`mcstudy.io.catalogue.load_claims`.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``"by document and kind"`` (documents × kinds, with totals), ``"by topic and kind"``
        (topics × kinds, with totals) and ``"by notebook"`` (claims per notebook).
    """
    check_frame(claims, ["source", "topic", "kind", "notebook"], "claims")
    out = {}
    for title, rows in (("by document and kind", "source"), ("by topic and kind", "topic")):
        table = pd.crosstab(
            claims[rows], claims["kind"], margins=True, margins_name="total", dropna=False
        )
        table.columns.name = None
        out[title] = table
    out["by notebook"] = (
        claims["notebook"]
        .value_counts(sort=False)
        .rename("claims")
        .to_frame()
        .rename_axis("notebook")
    )
    return out
