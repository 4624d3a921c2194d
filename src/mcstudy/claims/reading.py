"""How a notebook shows its claims: their quotes, their registered rules, their verdicts.

- :func:`claims_of`: the registry's rows of one notebook, indexed by claim id;
- :func:`quote_claims`: each claim's id, label, French quote and statement, as text;
- :func:`rule_table`: the registered rule of each claim, one row per claim;
- :func:`verdict_lines`: each recorded verdict with its measure and condition, as text.

Text is returned, not printed; lines are wrapped at ``width`` characters.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import fields

import pandas as pd

from mcstudy._validation import check_frame
from mcstudy.claims.rules import Rule, rule_for
from mcstudy.io.catalogue import load_claims

__all__ = ["claims_of", "quote_claims", "rule_table", "verdict_lines"]

_INDENT = "    "
_RULE_FIELDS = [f.name for f in fields(Rule)]


def _registry(claims) -> pd.DataFrame:
    if claims is None or not isinstance(claims, pd.DataFrame):
        return load_claims(claims)
    return claims


def claims_of(notebook: str, claims=None) -> pd.DataFrame:
    """The registry's rows of the claims one notebook judges, indexed by claim id.

    Parameters
    ----------
    notebook : str
        The notebook's file name, as the registry's ``notebook`` column has it.
    claims : pandas.DataFrame or str or Path, default=None
        The claims registry (with ``claim_id`` and ``notebook`` columns); ``data/claims.csv``
        when None.

    Returns
    -------
    pandas.DataFrame
        The notebook's rows in registry order, indexed by ``claim_id``.

    Raises
    ------
    TypeError
        If ``notebook`` is not a str.
    ValueError
        If no claim of the registry names ``notebook`` (the message lists the notebooks it
        names).
    """
    if not isinstance(notebook, str):
        raise TypeError(
            "'notebook' must be a str such as '02_profiles_and_channel_choice.ipynb'; got "
            f"{notebook!r}."
        )
    registry = _registry(claims)
    check_frame(registry, ["claim_id", "notebook"], "claims")
    mine = registry[registry["notebook"] == notebook]
    if mine.empty:
        names = sorted(registry["notebook"].dropna().astype(str).unique())
        raise ValueError(f"no claim of the registry names notebook {notebook!r}; it names {names}.")
    return mine.set_index("claim_id")


def quote_claims(
    claims=None,
    notebook: str | None = None,
    *,
    label: str | None = "topic",
    text: str = "statement_en",
    width: int = 100,
) -> str:
    """Each claim's id and label, its French quote, and its ``text`` indented below.

    Parameters
    ----------
    claims : pandas.DataFrame or str or Path, default=None
        Rows of the registry, indexed by claim id or with a ``claim_id`` column;
        ``data/claims.csv`` when None.
    notebook : str, default=None
        Quote only the claims of this notebook (all rows of ``claims`` when None).
    label : str or None, default="topic"
        Column shown in brackets after the claim id (none when None).
    text : str, default="statement_en"
        Column wrapped at ``width`` characters below the quote (e.g. ``note``).
    width : int, default=100
        The line width of the wrapped text.

    Returns
    -------
    str
        One block per claim (a line ending with a newline after the text), separated by a
        blank line.

    Raises
    ------
    ValueError
        If ``claims`` lacks ``quote_fr``, ``text`` or ``label`` (listed).

    Examples
    --------
    >>> c = pd.DataFrame({"quote_fr": ["q"], "topic": ["t"], "statement_en": ["s"]},
    ...                  index=["C1"])
    >>> print(quote_claims(c))
    C1 (t): « q »
        s
    <BLANKLINE>
    """
    if notebook is not None:
        rows = claims_of(notebook, claims)
    else:
        rows = _registry(claims)
        if "claim_id" in rows.columns:
            rows = rows.set_index("claim_id")
    check_frame(rows, ["quote_fr", text, *([label] if label else [])], "claims")
    blocks = []
    for claim, row in rows.iterrows():
        head = f"{claim} ({row[label]})" if label else f"{claim}"
        body = textwrap.fill(row[text], width, initial_indent=_INDENT, subsequent_indent=_INDENT)
        blocks.append(f"{head}: « {row['quote_fr']} »\n{body}\n")
    return "\n".join(blocks)


def rule_table(
    rules: Mapping[str, Rule] | Iterable[str],
    claims=None,
    *,
    columns: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The registered rule of each claim, one row per claim.

    Parameters
    ----------
    rules : mapping of str to Rule, or iterable of str
        The rules by claim id (:func:`mcstudy.claims.rule_for`), or the claim ids, whose rules
        are read from ``claims``; the rows keep this order.
    claims : pandas.DataFrame or str or Path, default=None
        The claims registry the rules of claim ids are read from; ``data/claims.csv`` when None.
    columns : iterable of str, default=None
        Fields of :class:`~mcstudy.claims.rules.Rule` to show, for display: the table is then
        indexed by claim id without a name, headed by the fields with spaces for underscores
        (``smallest effect``), and every column holds the values as given (object dtype).
        When None, every field, typed, indexed by ``claim_id``.

    Returns
    -------
    pandas.DataFrame
        One row per claim.

    Raises
    ------
    TypeError
        If ``rules`` maps a claim to something other than a Rule.
    ValueError
        If ``columns`` names something that is not a field of Rule.

    Examples
    --------
    >>> rule = Rule("C9", "x", 1, float("nan"), 0.1, "effect")
    >>> rule_table({"C9": rule}, columns=["rule", "smallest_effect"])
          rule smallest effect
    C9  effect             0.1
    """
    if isinstance(rules, Mapping):
        if not all(isinstance(r, Rule) for r in rules.values()):
            raise TypeError(
                f"'rules' must map claim ids to Rule (mcstudy.rule_for); got {rules!r}."
            )
        by_claim = dict(rules)
    else:
        registry = _registry(claims) if claims is not None else None
        by_claim = {claim: rule_for(claim, registry) for claim in rules}
    if columns is None:
        return pd.DataFrame([vars(r) for r in by_claim.values()], columns=_RULE_FIELDS).set_index(
            "claim_id"
        )
    columns = list(columns)
    unknown = [c for c in columns if c not in _RULE_FIELDS]
    if unknown:
        raise ValueError(f"'columns' must be fields of Rule {_RULE_FIELDS}; got {unknown}.")
    return pd.DataFrame(
        {c: {f.replace("_", " "): getattr(r, f) for f in columns} for c, r in by_claim.items()}
    ).T


def verdict_lines(
    recorded: pd.DataFrame, width: int = 100, no_measure: str = "not testable."
) -> str:
    r"""Each verdict's claim, verdict and measure, then its condition indented below.

    Parameters
    ----------
    recorded : pandas.DataFrame
        One row per verdict with ``claim_id``, ``verdict``, ``measure`` and ``condition`` (as
        :func:`mcstudy.claims.judge` or :func:`mcstudy.claims.record_untestable` return them).
    width : int, default=100
        The line width.
    no_measure : str, default="not testable."
        What follows the verdict when it has no measure (a claim not testable).

    Returns
    -------
    str
        One paragraph per verdict (its condition line ends with a space), separated by a blank
        line.

    Raises
    ------
    ValueError
        If ``recorded`` lacks one of the four columns (listed).

    Examples
    --------
    >>> v = pd.DataFrame({"claim_id": ["C1"], "verdict": ["supported"], "measure": ["share"],
    ...                   "condition": ["By construction."]})
    >>> verdict_lines(v)
    'C1 (supported) - share.\n    By construction. \n'
    """
    check_frame(recorded, ["claim_id", "verdict", "measure", "condition"], "recorded")
    blocks = []
    for v in recorded.itertuples(index=False):
        measured = isinstance(v.measure, str) and v.measure
        head = f"{v.measure}." if measured else no_measure
        condition = v.condition if isinstance(v.condition, str) else ""
        blocks.append(
            textwrap.fill(f"{v.claim_id} ({v.verdict}) - {head}", width)
            + "\n"
            + textwrap.fill(condition, width, initial_indent=_INDENT, subsequent_indent=_INDENT)
            + " \n"
        )
    return "\n".join(blocks)
