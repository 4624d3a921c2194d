"""Every verdict of a notebook from one table of estimates: :func:`judge`.

A study notebook computes, for each claim it judges, the estimate the claim's registered
estimand asks for (a mean and its interval over replications, a difference in proportions, a
regression coefficient). :func:`judge` takes those estimates as one table, reads each claim's
rule, direction, smallest effect and estimand from the registry, judges the interval by the
rule, adds the claim's robustness across the parameter space when the notebook measured it,
and records the verdicts. :func:`estimates_for` picks a claim's estimate out of a table of
statistics (:func:`mcstudy.experiments.summarise_replications`, one row per statistic).

Examples
--------
>>> import pandas as pd
>>> from mcstudy.claims import judge
>>> estimates = pd.DataFrame(
...     {"effect": [0.04], "ci_low": [0.03], "ci_high": [0.05], "n": [20]},
...     index=pd.Index(["C000-15"], name="claim_id"),
... )
>>> judge(estimates, notebook="02_profiles_and_channel_choice.ipynb", record=False)[
...     ["claim_id", "verdict", "rule"]
... ]
  claim_id    verdict    rule
0  C000-15  supported  effect
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import asdict
from functools import partial
from pathlib import Path

import pandas as pd

from mcstudy._validation import check_frame
from mcstudy.claims.combine import with_robustness
from mcstudy.claims.rules import Rule, Verdict, rule_for
from mcstudy.claims.verdict_table import _record_rows
from mcstudy.claims.verdicts import _verdict_row
from mcstudy.io.catalogue import load_claims

__all__ = ["DECIDED", "ESTIMATE_COLUMNS", "estimates_for", "judge", "point_judges"]

#: Columns of the table :func:`judge` reads (``effect`` may be NaN; the interval may not).
ESTIMATE_COLUMNS = ("effect", "ci_low", "ci_high", "n")

#: Optional per-claim columns of that table: they override the call's arguments of the same
#: name (``measure`` defaults to the registry's estimand); ``causal_ci_low`` and
#: ``causal_ci_high`` are the causal interval the ``association`` rule needs.
OPTIONAL_COLUMNS = ("measure", "method", "condition", "evidence", "causal_ci_low", "causal_ci_high")

#: The verdicts a robustness design carries across the parameter space (an ``inconclusive``
#: verdict has no single verdict to carry).
DECIDED = ("supported", "not supported")

#: What :func:`estimates_for` reads from a table of statistics, and the names it gives them.
_FROM_SUMMARY = {"mean": "effect", "ci_low": "ci_low", "ci_high": "ci_high", "n_replications": "n"}


def estimates_for(statistics: pd.DataFrame, claims: Mapping[str, str]) -> pd.DataFrame:
    """The estimate each claim is judged on, picked from a table of statistics.

    Parameters
    ----------
    statistics : pandas.DataFrame
        One row per statistic, indexed by its name or with a ``metric`` column, and the
        columns ``mean``, ``ci_low``, ``ci_high`` and ``n_replications`` (as
        :func:`mcstudy.experiments.summarise_replications` gives them).
    claims : mapping of str to str
        Claim id to the name of the statistic it is judged on.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``claim_id``, in the order of ``claims``: ``statistic``, ``effect``,
        ``ci_low``, ``ci_high`` and ``n``, ready for :func:`judge`.

    Raises
    ------
    TypeError
        If ``statistics`` is not a DataFrame or ``claims`` not a mapping of str to str.
    ValueError
        If a column is missing, a statistic is named twice in ``statistics``, or a claim's
        statistic is not in it (the message lists the ones it has).
    """
    if not isinstance(claims, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in claims.items()
    ):
        raise TypeError(f"'claims' must map claim ids to statistic names (str); got {claims!r}.")
    check_frame(statistics, list(_FROM_SUMMARY), "statistics")
    table = statistics.set_index("metric") if "metric" in statistics.columns else statistics
    repeated = sorted(set(table.index[table.index.duplicated()]))
    if repeated:
        raise ValueError(f"'statistics' must name each statistic once; repeated: {repeated}.")
    missing = {c: s for c, s in claims.items() if s not in table.index}
    if missing:
        raise ValueError(
            f"'statistics' has no row for {missing}; it has {sorted(map(str, table.index))}."
        )
    picked = table.loc[list(claims.values()), list(_FROM_SUMMARY)].rename(columns=_FROM_SUMMARY)
    picked.insert(0, "statistic", list(claims.values()))
    picked.index = pd.Index(list(claims), name="claim_id")
    return picked


def _claim_ids(estimates: pd.DataFrame) -> list[str]:
    ids = estimates["claim_id"] if "claim_id" in estimates.columns else estimates.index
    ids = list(ids)
    if not all(isinstance(c, str) for c in ids):
        raise TypeError(
            "'estimates' must be indexed by claim id (str), or have a 'claim_id' column; got "
            f"{ids[:3]}."
        )
    repeated = sorted({c for c in ids if ids.count(c) > 1})
    if repeated:
        raise ValueError(f"'estimates' must hold one row per claim; repeated: {repeated}.")
    return ids


def _text(row: pd.Series, name: str, default: str | Mapping[str, str], claim: str) -> str:
    value = row.get(name)
    if isinstance(value, str) and value:
        return value
    if isinstance(default, Mapping):
        return str(default.get(claim, ""))
    return default


def _verdict(claim: str, row: pd.Series, rules: pd.DataFrame, notebook: str, **text) -> Verdict:
    rule = rule_for(claim, rules)
    low, high = float(row["ci_low"]), float(row["ci_high"])
    effect = float(row["effect"])
    causal = None
    if rule.rule == "association":
        if not {"causal_ci_low", "causal_ci_high"} <= set(row.index):
            raise ValueError(
                f"claim {claim} is judged by the 'association' rule: 'estimates' needs the "
                "columns 'causal_ci_low' and 'causal_ci_high' (the causal interval)."
            )
        causal = (float(row["causal_ci_low"]), float(row["causal_ci_high"]))
    n = row["n"]
    if pd.isna(n) or float(n) != int(n):
        raise ValueError(f"'n' of claim {claim} must be a whole number; got {n!r}.")
    return Verdict(
        claim_id=claim,
        verdict=rule.judge(
            low, high, causal_ci=causal, observed=None if math.isnan(effect) else effect
        ),
        effect=effect,
        ci_low=low,
        ci_high=high,
        measure=_text(row, "measure", text["measure"], claim) or rule.estimand,
        method=_text(row, "method", text["method"], claim),
        n=int(n),
        evidence=_text(row, "evidence", text["evidence"], claim),
        condition=_text(row, "condition", text["condition"], claim),
        notebook=notebook,
        rule=rule.rule,
    )


def judge(
    estimates: pd.DataFrame,
    *,
    notebook: str,
    method: str | Mapping[str, str] = "",
    condition: str | Mapping[str, str] = "",
    measure: Mapping[str, str] | None = None,
    evidence: str | Mapping[str, str] = "causal",
    robustness=None,
    claims: pd.DataFrame | str | Path | None = None,
    record: bool = True,
    path: str | Path | None = None,
) -> pd.DataFrame:
    """Judge every claim of ``estimates`` by its registered rule, and record the verdicts.

    Parameters
    ----------
    estimates : pandas.DataFrame
        One row per claim, indexed by claim id (or with a ``claim_id`` column), with the
        columns :data:`ESTIMATE_COLUMNS` and optionally :data:`OPTIONAL_COLUMNS`
        (:func:`estimates_for` builds it from a table of statistics).
    notebook : str
        The notebook that computed the estimates.
    method, condition, evidence : str or mapping of str to str
        How the estimates were obtained, the verdicts' condition and the evidence
        (``causal``, ``observational``, ``arithmetic``): one text for every claim, or one per
        claim id; a non-empty column of the same name in ``estimates`` overrides them.
    measure : mapping of str to str, default=None
        What a claim's ``effect`` measures, where it says more than the registry's estimand
        (the default).
    robustness : mcstudy.experiments.robustness.RobustnessAssessment, default=None
        The notebook's robustness design: a claim it judged gets its share, hinges and
        noise-only share (:func:`~mcstudy.claims.with_robustness`).
    claims : pandas.DataFrame or str or Path, default=None
        The claims registry; ``data/claims.csv`` when None.
    record : bool, default=True
        Write the verdicts to the verdicts table (:func:`~mcstudy.claims.record_verdict`).
    path : str or Path, default=None
        The verdicts table; ``results/verdicts.csv`` when None.

    Returns
    -------
    pandas.DataFrame
        One row per claim, in the order of ``estimates``: the recorded rows when ``record``,
        otherwise the verdicts' fields.

    Raises
    ------
    TypeError
        If ``estimates`` is not a DataFrame, or its claim ids are not str.
    ValueError
        If a column is missing, a claim appears twice, is not in the registry or is not
        testable, an ``association`` claim has no causal interval, or a verdict does not
        follow from its rule (see :func:`~mcstudy.claims.record_verdict`). Nothing is
        recorded then: every verdict is checked before the table is written, once (under
        the table's lock, so that notebooks run side by side lose no verdict).
    """
    check_frame(estimates, ESTIMATE_COLUMNS, "estimates")
    ids = _claim_ids(estimates)
    registry = claims if isinstance(claims, pd.DataFrame) else load_claims(claims)
    measures = dict(measure or {})
    verdicts = []
    for claim, (_, row) in zip(ids, estimates.iterrows(), strict=True):
        verdict = _verdict(
            claim,
            row,
            registry,
            notebook,
            measure=measures,
            method=method,
            condition=condition,
            evidence=evidence,
        )
        if robustness is not None and claim in robustness.results:
            verdict = with_robustness(verdict, robustness[claim])
        verdicts.append(verdict)
    if not record:
        return pd.DataFrame([asdict(v) for v in verdicts])
    return _record_all(verdicts, path, registry)


def _record_all(verdicts: list[Verdict], path, registry: pd.DataFrame) -> pd.DataFrame:
    """Record every verdict, or none: each is checked before the table is written, once."""
    rows = [_verdict_row(v, registry) for v in verdicts]
    _record_rows(rows, path)
    return pd.concat([row.round(4) for row in rows], ignore_index=True)


def _holds(statistics: Mapping[str, float], *, rule: Rule, statistic: str, verdict: str) -> bool:
    return rule.holds(statistics[statistic], verdict)


def point_judges(
    rules: Mapping[str, Rule],
    reference: Mapping[str, str],
    statistics: Mapping[str, str],
) -> dict[str, Callable[[Mapping[str, float]], bool]]:
    """Judges for a robustness design: whether each claim's reference verdict holds at a point.

    The one builder of robustness judges: every notebook's design passes its claims' rules,
    reference verdicts and statistics here. The judges pickle, so they run on every backend.

    Parameters
    ----------
    rules : mapping of str to Rule
        Each claim's registered rule (:func:`mcstudy.rule_for`).
    reference : mapping of str to str
        Each claim's verdict at the reference context.
    statistics : mapping of str to str
        Claim -> the statistic of the study's output its rule judges.

    Returns
    -------
    dict of str to callable
        For each claim of ``statistics`` whose reference verdict is ``supported`` or ``not
        supported`` (an ``inconclusive`` verdict has no region to hold in), a function of one
        point's statistics that is True when the rule gives the reference verdict to the
        statistic's value there (:meth:`~mcstudy.claims.rules.Rule.holds`).

    Raises
    ------
    TypeError
        If an argument is not a mapping.
    ValueError
        If a claim of ``statistics`` has no rule or no reference verdict.

    Examples
    --------
    >>> from mcstudy.claims.rules import Rule
    >>> rule = Rule("C9", "x", 1, float("nan"), 0.1, "effect")
    >>> judge = point_judges({"C9": rule}, {"C9": "supported"}, {"C9": "gap"})["C9"]
    >>> judge({"gap": 0.5}), judge({"gap": 0.05})
    (True, False)
    """
    for name, value in (("rules", rules), ("reference", reference), ("statistics", statistics)):
        if not isinstance(value, Mapping):
            raise TypeError(f"{name!r} must be a mapping keyed by claim id; got {value!r}.")
    for name, given in (("rules", rules), ("reference", reference)):
        missing = [c for c in statistics if c not in given]
        if missing:
            raise ValueError(
                f"'{name}' has no entry for the claims {missing} of 'statistics' (it has "
                f"{sorted(given)})."
            )
    return {
        claim: partial(_holds, rule=rules[claim], statistic=statistic, verdict=reference[claim])
        for claim, statistic in statistics.items()
        if reference[claim] in DECIDED
    }
