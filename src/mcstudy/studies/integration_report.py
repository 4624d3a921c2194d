"""What notebook 05 builds from the integration study's outputs before it judges.

The studies themselves are :mod:`mcstudy.studies.integration`; this module holds the steps
the notebook takes on their replicated outputs, so that its cells stay calls:

- :func:`arm_differences`: per-replication differences between two arms of replicated runs
  (an interval over replications of a difference, never a sum of two intervals);
- :func:`break_even_frontier` and :func:`describe_break_even`: the smallest customer base at
  which an omnichannel investment pays back within the horizon, over a grid of investments
  and deployment delays (:func:`mcstudy.studies.integration.omnichannel_npv`);
- :func:`point_judges` (from :mod:`mcstudy.claims.judging`, where every design's judges are
  built): one judge per claim whose reference verdict is decided;
- :func:`simulated_verdict`: a claim's verdict record from its statistic's row, with its
  robustness when a design judged it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from mcstudy._validation import check_frame
from mcstudy.claims.combine import with_robustness
from mcstudy.claims.judging import point_judges
from mcstudy.claims.rules import Rule, Verdict
from mcstudy.studies.claim_reading import simulated_conditions
from mcstudy.studies.integration import omnichannel_npv

__all__ = [
    "arm_differences",
    "break_even_frontier",
    "describe_break_even",
    "point_judges",
    "simulated_verdict",
]


def arm_differences(
    runs: pd.DataFrame, pairs: Mapping[str, tuple[str, str]], metric: str
) -> pd.DataFrame:
    """Differences of ``metric`` between pairs of arms, replication by replication.

    Parameters
    ----------
    runs : pandas.DataFrame
        Replicated output of a study returning per-arm rows
        (:func:`mcstudy.experiments.replicate` of
        :func:`~mcstudy.studies.integration.integration_statistics`: columns
        ``replication``, ``arm``, ``metric``, ``value``).
    pairs : mapping of str to (str, str)
        Label -> ``(arm, reference arm)``; each difference is ``arm`` minus ``reference``.
    metric : str
        The per-arm metric compared (e.g. ``"margin_per_customer_eur"``).

    Returns
    -------
    pandas.DataFrame
        Long frame ``replication``, ``metric`` (the label), ``value`` (the difference in that
        replication), ready for :func:`mcstudy.experiments.summarise_replications`.

    Raises
    ------
    TypeError
        If ``runs`` is not a DataFrame, ``pairs`` not a mapping of pairs or ``metric`` not a
        str.
    ValueError
        If ``runs`` lacks a column, ``pairs`` is empty, or an arm has no ``metric`` in
        ``runs`` (the arms that have one are listed).

    Examples
    --------
    >>> runs = pd.DataFrame({"replication": [0, 0, 1, 1], "arm": ["a", "b"] * 2,
    ...                      "metric": "m", "value": [3.0, 1.0, 5.0, 2.0]})
    >>> arm_differences(runs, {"a - b": ("a", "b")}, "m")["value"].tolist()
    [2.0, 3.0]
    """
    check_frame(runs, ["replication", "arm", "metric", "value"], "runs")
    if not isinstance(metric, str) or not metric:
        raise TypeError(f"'metric' must be a non-empty str such as 'retention'; got {metric!r}.")
    if not isinstance(pairs, Mapping) or not pairs:
        raise (TypeError if not isinstance(pairs, Mapping) else ValueError)(
            f"'pairs' must be a non-empty mapping label -> (arm, reference arm); got {pairs!r}."
        )
    rows = runs[(runs["metric"] == metric) & runs["arm"].notna()]
    wide = rows.pivot(index="replication", columns="arm", values="value")
    have = sorted(map(str, wide.columns))
    frames = []
    for label, pair in pairs.items():
        if not (isinstance(pair, tuple | list) and len(pair) == 2):
            raise TypeError(
                f"'pairs[{label!r}]' must be a pair (arm, reference arm); got {pair!r}."
            )
        missing = [a for a in pair if a not in wide.columns]
        if missing:
            raise ValueError(
                f"'pairs[{label!r}]' names arms {missing} with no {metric!r} in 'runs'; arms "
                f"with one: {have[:8]}{' ...' if len(have) > 8 else ''}."
            )
        diff = wide[pair[0]] - wide[pair[1]]
        frames.append(
            pd.DataFrame({"replication": wide.index, "metric": label, "value": diff.to_numpy()})
        )
    return pd.concat(frames, ignore_index=True)


def break_even_frontier(
    gains: Mapping[str, float],
    n_customers: Sequence[float] | np.ndarray,
    investments_eur: Sequence[float] | np.ndarray,
    deployment_months: Sequence[float] = (6, 12, 18),
    **npv_options,
) -> pd.DataFrame:
    """The smallest customer base at which an omnichannel investment pays back.

    For each gain per customer-year, deployment delay and fixed investment, the first base
    size of ``n_customers`` (in the order given, normally increasing) whose net present value
    (:func:`~mcstudy.studies.integration.omnichannel_npv`) is positive.

    Parameters
    ----------
    gains : mapping of str to float
        Label -> margin gained per customer-year (EUR), e.g. an estimate and the ends of its
        interval.
    n_customers : sequence of float
        Base sizes tried, increasing.
    investments_eur : sequence of float
        Fixed investments tried (EUR).
    deployment_months : sequence of float, default=(6, 12, 18)
        Deployment delays tried.
    **npv_options
        Further keyword arguments of :func:`~mcstudy.studies.integration.omnichannel_npv`
        (``horizon_years``, ``discount_rate``, the cost items).

    Returns
    -------
    pandas.DataFrame
        One row per gain x delay x investment: ``investment_eur``, ``break_even_customers``
        (NaN when no base size tried pays back), ``gain`` (the label) and
        ``deployment_months``.

    Raises
    ------
    TypeError
        If ``gains`` is not a mapping.
    ValueError
        If ``gains`` is empty or ``n_customers``, ``investments_eur`` or
        ``deployment_months`` is empty or not one-dimensional; bad values are refused by
        :func:`~mcstudy.studies.integration.omnichannel_npv`.

    Examples
    --------
    >>> f = break_even_frontier({"estimate": 10.0}, [1e3, 1e4, 1e5], [5e4], (12,))
    >>> f["break_even_customers"].tolist()
    [100000.0]
    """
    if not isinstance(gains, Mapping):
        raise TypeError(f"'gains' must be a mapping label -> gain (EUR); got {gains!r}.")
    if not gains:
        raise ValueError("'gains' must name at least one gain; got an empty mapping.")
    grids = {}
    for name, values in (
        ("n_customers", n_customers),
        ("investments_eur", investments_eur),
        ("deployment_months", deployment_months),
    ):
        array = np.asarray(values, dtype=float)
        if array.ndim != 1 or array.size == 0:
            raise ValueError(
                f"{name!r} must be a non-empty one-dimensional sequence; got shape {array.shape}."
            )
        grids[name] = array
    bases, investments = grids["n_customers"], grids["investments_eur"]
    frames = []
    for label, gain in gains.items():
        for months in deployment_months:
            npv = omnichannel_npv(
                gain,
                bases[None, :],
                fixed_investment_eur=investments[:, None],
                deployment_months=months,
                **npv_options,
            )
            pays = npv > 0
            first = np.where(pays.any(axis=1), bases[pays.argmax(axis=1)], np.nan)
            frames.append(
                pd.DataFrame(
                    {
                        "investment_eur": investments,
                        "break_even_customers": first,
                        "gain": label,
                        "deployment_months": months,
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def describe_break_even(break_even_customers: float, largest_base: float) -> str:
    """A base size that breaks even, in words ("about 12,000 customers").

    ``break_even_customers`` is a value of :func:`break_even_frontier`; NaN reads "no base up
    to ``largest_base`` customers" (the largest size tried).

    Examples
    --------
    >>> describe_break_even(12345.6, 1e7)
    'about 12,346 customers'
    >>> describe_break_even(float("nan"), 1e7)
    'no base up to 10,000,000 customers'
    """
    for name, value in (
        ("break_even_customers", break_even_customers),
        ("largest_base", largest_base),
    ):
        if isinstance(value, bool) or not isinstance(value, int | float | np.floating):
            raise TypeError(f"{name!r} must be a real number (NaN for none); got {value!r}.")
    if np.isnan(break_even_customers):
        return f"no base up to {largest_base:,.0f} customers"
    return f"about {break_even_customers:,.0f} customers"


def simulated_verdict(
    claim_id: str,
    rule: Rule,
    row: Mapping[str, float],
    verdict: str,
    *,
    measure: str,
    method: str,
    note: str,
    notebook: str,
    evidence: str = "causal",
    robustness=None,
) -> Verdict:
    """The verdict record of a simulated claim, from its statistic's summary row.

    Parameters
    ----------
    claim_id : str
        The claim.
    rule : Rule
        Its registered rule (its smallest effect is quoted in the condition).
    row : mapping
        The statistic's row of :func:`mcstudy.experiments.summarise_replications`: ``mean``,
        ``ci_low``, ``ci_high``, ``n_replications``.
    verdict : str
        The verdict the rule gave at the reference context.
    measure, method, note, notebook : str
        What the statistic measures, how it was estimated, what the reader should know about
        it (the condition opens with it) and the notebook.
    evidence : str, default="causal"
        What the statistic rests on (:data:`mcstudy._vocab.EVIDENCE`).
    robustness : RobustnessResult, default=None
        The claim's result of a robustness design, if one judged it
        (:func:`mcstudy.claims.with_robustness` then records its share and may make the
        verdict ``conditional``).

    Returns
    -------
    Verdict

    Raises
    ------
    TypeError
        If ``rule`` is not a :class:`~mcstudy.claims.rules.Rule` or ``row`` lacks a field;
        the :class:`~mcstudy.claims.rules.Verdict` checks every other field.
    ValueError
        If ``rule`` is another claim's.
    """
    if not isinstance(rule, Rule):
        raise TypeError(f"'rule' must be a Rule (mcstudy.rule_for); got {type(rule).__name__}.")
    if rule.claim_id != claim_id:
        raise ValueError(f"'rule' is the rule of {rule.claim_id!r}, not of {claim_id!r}.")
    try:
        effect, low, high = (float(row[k]) for k in ("mean", "ci_low", "ci_high"))
        n = int(row["n_replications"])
    except (KeyError, TypeError) as error:
        raise TypeError(
            "'row' must be a summary row with 'mean', 'ci_low', 'ci_high' and "
            f"'n_replications' (summarise_replications); got {row!r}."
        ) from error
    record = Verdict(
        claim_id=claim_id,
        verdict=verdict,
        effect=effect,
        ci_low=low,
        ci_high=high,
        measure=measure,
        method=method,
        n=n,
        evidence=evidence,
        condition=simulated_conditions({claim_id: note}, {claim_id: rule})[claim_id],
        notebook=notebook,
        rule=rule.rule,
    )
    return record if robustness is None else with_robustness(record, robustness)
