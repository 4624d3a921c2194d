"""The claims scorecard: every claim of the registry beside the verdict recorded on it.

:func:`build_scorecard` joins the registry (``data/claims.csv``) and the verdicts table
(``results/verdicts.csv``) into one row per claim; a claim no notebook has judged yet has the
verdict :data:`NO_VERDICT`. From it, :func:`document_tables` gives one display table per source
document, :func:`verdict_counts` the counts of verdicts by document, topic or notebook, and
:func:`claims_without_verdict` the claims still waiting for their study. :func:`check_verdicts`
lists what is inconsistent between the two files and the notebooks present (a verdict
recorded by a notebook other than the claim's, a study notebook that ran without recording a
claim it owns). Notebook ``99_scorecard`` and the HTML reports (:mod:`mcstudy.report.site`)
show these tables; the scorecard computes nothing about the claims itself.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from mcstudy import config
from mcstudy._validation import check_frame, check_option
from mcstudy._vocab import (
    CLAIM_TOPICS,
    KIND_NOT_TESTABLE,
    OKABE_ITO,
    SOURCE_DOCUMENTS,
    VERDICT_NOT_TESTABLE,
    VERDICTS,
)
from mcstudy.claims._display import NO_VERDICT, _n_text, format_effect, robustness_text
from mcstudy.claims.registry import CLAIM_NOTEBOOKS
from mcstudy.claims.verdicts import load_verdicts
from mcstudy.io.catalogue import load_claims

__all__ = [
    "CONSTRUCTION_MARKERS",
    "DOCUMENT_LABELS",
    "NO_VERDICT",
    "SCORECARD_COLUMNS",
    "SCORECARD_VERDICTS",
    "VERDICT_COLOURS",
    "build_scorecard",
    "check_verdicts",
    "claims_without_verdict",
    "document_tables",
    "executed_notebooks",
    "format_effect",
    "fixed_by_construction",
    "load_scorecard",
    "robustness_text",
    "verdict_counts",
]

#: Every value of the scorecard's ``verdict`` column, in display order.
SCORECARD_VERDICTS = (*VERDICTS, NO_VERDICT)
#: One colour per verdict, for the scorecard figure and the report site: the Okabe-Ito palette
#: (:data:`mcstudy._vocab.OKABE_ITO`), so that "supported" (bluish green) and "not supported"
#: (vermillion) stay apart for red-green colour-blind readers; dark grey for not testable and
#: grey for no verdict yet, as before. Badges pick black or white text by contrast.
VERDICT_COLOURS = {
    "supported": OKABE_ITO["bluish green"],
    "not supported": OKABE_ITO["vermillion"],
    "inconclusive": OKABE_ITO["sky blue"],
    "conditional": OKABE_ITO["orange"],
    "artefact": OKABE_ITO["reddish purple"],
    "overstated": OKABE_ITO["yellow"],
    "not testable": "#404040",
    NO_VERDICT: "#757575",
}
#: A short label for each source document (``shared/seeds/README.md`` says what each one is).
DOCUMENT_LABELS = dict(
    zip(
        SOURCE_DOCUMENTS,
        (
            "000 academic article",
            "001 customer-service vendor article",
            "002 student essay",
            "003 consultancy blog",
            "004 marketing blog",
        ),
        strict=True,
    )
)
#: Columns of :func:`build_scorecard`'s table, in order.
SCORECARD_COLUMNS = (
    "claim_id",
    "source",
    "document",
    "topic",
    "kind",
    "notebook",
    "quote_fr",
    "statement_en",
    "verdict",
    "lean",
    "effect",
    "ci_low",
    "ci_high",
    "n",
    "measure",
    "evidence",
    "evidence_class",
    "fixed_by",
    "robustness_share",
    "noise_share",
    "hinges_on",
    "condition",
    "rule",
    "verdict_notebook",
)
_CLAIM_COLUMNS = ("claim_id", "source", "topic", "kind", "notebook", "quote_fr", "statement_en")
_VERDICT_COLUMNS = (
    "claim_id",
    "verdict",
    "effect",
    "ci_low",
    "ci_high",
    "n",
    "measure",
    "evidence",
    "condition",
    "notebook",
)
_BY = {"document": "document", "topic": "topic", "notebook": "notebook"}


def _plain(value: object) -> object:
    """``value`` as a plain Python object (``nan`` rather than ``np.float64(nan)``)."""
    return value.item() if hasattr(value, "item") and not isinstance(value, str) else value


def build_scorecard(claims: pd.DataFrame, verdicts: pd.DataFrame) -> pd.DataFrame:
    """One row per claim of the registry, with the verdict recorded on it.

    Parameters
    ----------
    claims : pandas.DataFrame
        The registry, as :func:`mcstudy.io.load_claims` returns it (at least the columns
        ``claim_id``, ``source``, ``topic``, ``kind``, ``notebook``, ``quote_fr`` and
        ``statement_en``).
    verdicts : pandas.DataFrame
        The verdicts table, as :func:`mcstudy.claims.verdicts.load_verdicts` returns it (at least
        ``claim_id``, ``verdict``, ``effect``, ``ci_low``, ``ci_high``, ``n``, ``measure``,
        ``evidence``, ``condition`` and ``notebook``); may be empty.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SCORECARD_COLUMNS`, rows in the registry's order. ``document`` is the
        label of :data:`DOCUMENT_LABELS`; ``verdict`` is a categorical over
        :data:`SCORECARD_VERDICTS` (:data:`NO_VERDICT` where no verdict is recorded, the
        numbers then NaN and the texts blank); ``notebook`` is the claim's registered
        notebook and ``verdict_notebook`` the one that recorded the verdict.

    Raises
    ------
    TypeError
        If either argument is not a DataFrame.
    ValueError
        If a column is missing (listed), a claim id is missing or blank or appears twice in
        either table, a verdict names a claim the registry does not have, a verdict, source
        or topic is outside its vocabulary, or a number column of ``verdicts`` holds text
        (``n``: anything but a whole number >= 0); the column, row and value are named.
    """
    check_frame(claims, _CLAIM_COLUMNS, "claims")
    check_frame(verdicts, _VERDICT_COLUMNS, "verdicts")
    for name, frame in (("claims", claims), ("verdicts", verdicts)):
        repeated = sorted(set(frame.loc[frame["claim_id"].duplicated(), "claim_id"]))
        if repeated:
            raise ValueError(f"{name!r} must have one row per claim; ids repeated: {repeated}.")
    for name, frame in (("claims", claims), ("verdicts", verdicts)):
        blank = frame["claim_id"].isna() | (frame["claim_id"].astype(str).str.strip() == "")
        if blank.any():
            i = int(blank.to_numpy().nonzero()[0][0])
            raise ValueError(
                f"{name!r} column 'claim_id' must name a claim in every row; row {i} (index "
                f"{frame.index[i]!r}) has {_plain(frame['claim_id'].iloc[i])!r}."
            )
    for column, allowed in (("source", SOURCE_DOCUMENTS), ("topic", CLAIM_TOPICS)):
        for value in pd.unique(claims[column].astype(str)):
            check_option(value, f"claims.{column}", allowed)
    for value in pd.unique(verdicts["verdict"].astype(str)):
        check_option(value, "verdicts.verdict", VERDICTS)
    unknown = sorted(set(verdicts["claim_id"]) - set(claims["claim_id"]))
    if unknown:
        raise ValueError(
            f"'verdicts' names claims the registry does not have: {unknown}; every verdict "
            f"must be on a claim of 'claims' ({len(claims)} claims)."
        )
    for column in ("effect", "ci_low", "ci_high", "n", "robustness_share", "noise_share"):
        if column not in verdicts:
            continue
        values = verdicts[column]
        parsed = pd.to_numeric(values, errors="coerce")
        blank = values.map(lambda v: isinstance(v, str) and not v.strip())
        bad = parsed.isna() & values.notna() & ~blank
        if column == "n":
            bad = bad | (parsed.notna() & ((parsed < 0) | (parsed % 1 != 0)))
        bad = bad.to_numpy(dtype=bool)
        if bad.any():
            i = int(bad.nonzero()[0][0])
            allowed = "whole numbers >= 0" if column == "n" else "numbers (NaN for none)"
            raise ValueError(
                f"'verdicts' column {column!r} must hold {allowed}; row {i} (claim "
                f"{verdicts['claim_id'].iloc[i]!r}) has {_plain(values.iloc[i])!r}."
            )
    left = pd.DataFrame({c: claims[c].astype(str).to_numpy() for c in _CLAIM_COLUMNS})
    left["fixed_by"] = claims["fixed_by"].astype(str).to_numpy() if "fixed_by" in claims else ""
    right = verdicts[list(_VERDICT_COLUMNS)].rename(columns={"notebook": "verdict_notebook"})
    optional = ("robustness_share", "noise_share", "hinges_on", "evidence_class", "lean")
    right = right.assign(
        **{c: verdicts[c] if c in verdicts else pd.NA for c in optional},
        rule=verdicts["rule"] if "rule" in verdicts else "",
    )
    card = left.merge(right, on="claim_id", how="left", validate="one_to_one")
    card["document"] = card["source"].map(DOCUMENT_LABELS)
    card["verdict"] = pd.Categorical(
        card["verdict"].fillna(NO_VERDICT), categories=SCORECARD_VERDICTS
    )
    for column in ("effect", "ci_low", "ci_high", "robustness_share", "noise_share"):
        card[column] = pd.to_numeric(card[column], errors="coerce").astype(float)
    card["n"] = pd.to_numeric(card["n"], errors="coerce").astype("Int64")
    text = ("measure", "evidence", "evidence_class", "lean", "hinges_on", "condition", "rule")
    for column in (*text, "verdict_notebook"):
        card[column] = card[column].fillna("").astype(str)
    return card[list(SCORECARD_COLUMNS)].reset_index(drop=True)


def load_scorecard(
    claims_path: str | Path | None = None, verdicts_path: str | Path | None = None
) -> pd.DataFrame:
    """:func:`build_scorecard` of the registry and the verdicts table on disk.

    Parameters
    ----------
    claims_path : str or Path, default=None
        Registry; :data:`mcstudy.config.CLAIMS_CSV` when None.
    verdicts_path : str or Path, default=None
        Verdicts table; :data:`mcstudy.config.VERDICTS_CSV` when None. A missing file means
        that no notebook has recorded a verdict yet: every claim is :data:`NO_VERDICT`.

    Raises
    ------
    FileNotFoundError, mcstudy.io.DataValidationError
        If the registry cannot be read (:func:`mcstudy.io.load_claims`), or the verdicts
        path is a folder or a file that :func:`mcstudy.claims.verdicts.load_verdicts` refuses
        (encoding, missing columns, an unknown verdict, a repeated claim id, text in a
        number column).
    ValueError
        If a verdict names a claim the registry does not have (the file and the ids are
        named), or as :func:`build_scorecard`.
    """
    claims = load_claims(claims_path)
    if verdicts_path is None:
        path = Path(config.VERDICTS_CSV)
    elif isinstance(verdicts_path, str | os.PathLike) and str(verdicts_path).strip():
        path = Path(verdicts_path)
    else:
        raise TypeError(
            f"'verdicts_path' must be a path (str or os.PathLike) or None; got {verdicts_path!r}."
        )
    if path.exists():
        verdicts = load_verdicts(path)  # a folder or a damaged file is an error, not "none"
    else:
        verdicts = pd.DataFrame(columns=list(_VERDICT_COLUMNS))
    unknown = sorted(set(verdicts["claim_id"]) - set(claims["claim_id"].astype(str)))
    if unknown:
        registry = str(claims_path) if claims_path is not None else "data/claims.csv"
        raise ValueError(
            f"{path.name} names claims the registry {registry} does not have: {unknown}; "
            f"every verdict must be on a claim of the registry ({len(claims)} claims)."
        )
    return build_scorecard(claims, verdicts)


def _check_scorecard(scorecard: object) -> None:
    check_frame(scorecard, SCORECARD_COLUMNS, "scorecard")


def document_tables(scorecard: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """One display table per source document, keyed by its label, in document order.

    Parameters
    ----------
    scorecard : pandas.DataFrame
        The table of :func:`build_scorecard`.

    Returns
    -------
    dict of str to pandas.DataFrame
        Per document, indexed by ``claim``: ``quote (French)``, ``verdict`` (a conditional
        one with its lean: "conditional (leans not supported)"), ``effect (95 % CI)``
        (:func:`format_effect`), ``n`` (blank without an estimate), ``evidence`` (the evidence
        class), ``robustness`` (share of the plausible parameter space
        where the verdict holds; "no parameter space" for a real-data verdict; flagged with the
        noise-only share when it cannot be told from Monte Carlo noise) and
        ``condition`` (the condition of a conditional verdict, otherwise its reason).
        Documents without claims are left out.
    """
    _check_scorecard(scorecard)
    tables = {}
    for document in DOCUMENT_LABELS.values():
        rows = scorecard[scorecard["document"] == document]
        if rows.empty:
            continue
        verdict = rows["verdict"].astype(str)
        tables[document] = pd.DataFrame(
            {
                "claim": rows["claim_id"].to_numpy(),
                "quote (French)": rows["quote_fr"].to_numpy(),
                "verdict": [
                    f"{v} (leans {lv})" if v == "conditional" and lv else v
                    for v, lv in zip(verdict, rows["lean"], strict=True)
                ],
                "effect (95 % CI)": [
                    format_effect(*v)
                    for v in rows[["effect", "ci_low", "ci_high"]].itertuples(index=False)
                ],
                "n": [_n_text(n, v) for n, v in zip(rows["n"], verdict, strict=True)],
                "evidence": rows["evidence_class"].to_numpy(),
                "robustness": [
                    robustness_text(s, v, ns)
                    for s, v, ns in zip(
                        rows["robustness_share"], verdict, rows["noise_share"], strict=True
                    )
                ],
                "condition": rows["condition"].to_numpy(),
            }
        ).set_index("claim")
    return tables


def verdict_counts(scorecard: pd.DataFrame, by: str = "document") -> pd.DataFrame:
    """Number of claims per verdict, by document, topic or notebook.

    Parameters
    ----------
    scorecard : pandas.DataFrame
        The table of :func:`build_scorecard`.
    by : {"document", "topic", "notebook"}, default="document"
        What the rows are.

    Returns
    -------
    pandas.DataFrame
        One row per value of ``by`` (every document, every topic that has a claim, every
        registered notebook that has a claim) plus ``total``; one column per verdict of
        :data:`SCORECARD_VERDICTS` (zeros kept) plus ``total``.
    """
    _check_scorecard(scorecard)
    check_option(by, "by", _BY)
    if by == "document":
        rows = [d for d in DOCUMENT_LABELS.values() if d in set(scorecard["document"])]
    elif by == "topic":
        rows = [t for t in CLAIM_TOPICS if t in set(scorecard["topic"])]
    else:
        rows = sorted(set(scorecard["notebook"]))
    table = pd.crosstab(
        pd.Categorical(scorecard[_BY[by]], categories=rows),
        pd.Categorical(scorecard["verdict"].astype(str), categories=SCORECARD_VERDICTS),
        dropna=False,
    )
    table.index.name, table.columns.name = by, None
    table.columns = list(table.columns.astype(str))
    table["total"] = table.sum(axis=1)
    table.loc["total"] = table.sum(axis=0)
    return table.astype(int)


def claims_without_verdict(
    scorecard: pd.DataFrame, notebooks_dir: str | Path | None = None
) -> pd.DataFrame:
    """The claims no notebook has judged yet, by notebook.

    Parameters
    ----------
    scorecard : pandas.DataFrame
        The table of :func:`build_scorecard`.
    notebooks_dir : str or Path, default=None
        Folder of the study notebooks; when given, a column ``status`` says whether the
        claim's notebook is there yet.

    Returns
    -------
    pandas.DataFrame
        Columns ``notebook``, ``claim_id``, ``kind``, ``topic``, ``statement_en`` (and
        ``status``), sorted by notebook and claim.
    """
    _check_scorecard(scorecard)
    rows = scorecard.loc[
        scorecard["verdict"] == NO_VERDICT,
        ["notebook", "claim_id", "kind", "topic", "statement_en"],
    ]
    rows = rows.sort_values(["notebook", "claim_id"]).reset_index(drop=True)
    if notebooks_dir is not None:
        present = set(executed_notebooks(notebooks_dir, executed_only=False))
        rows["status"] = [
            "in notebooks/, not recorded" if nb in present else "notebook not written yet"
            for nb in rows["notebook"]
        ]
    return rows


def executed_notebooks(
    notebooks_dir: str | Path | None = None, *, executed_only: bool = True
) -> list[str]:
    """Study notebooks that claims can belong to, present in ``notebooks_dir``.

    Parameters
    ----------
    notebooks_dir : str or Path, default=None
        Folder of the notebooks; :data:`mcstudy.config.NOTEBOOKS_DIR` when None.
    executed_only : bool, default=True
        Keep only notebooks that have been executed: at least one code cell has outputs.

    Returns
    -------
    list of str
        File names among the registry's notebooks (every study notebook but the scorecard),
        in the order of :data:`mcstudy.config.STUDY_NOTEBOOKS`.
    """
    folder = _notebooks_folder(notebooks_dir)
    if not isinstance(executed_only, bool):
        raise TypeError(f"'executed_only' must be a bool; got {executed_only!r}.")
    found = []
    for name in CLAIM_NOTEBOOKS:
        path = folder / name
        if not path.is_file():
            continue
        if executed_only:
            try:
                notebook = json.loads(path.read_text(encoding="utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise ValueError(
                    f"notebook {str(path)!r} is not a readable notebook (JSON in UTF-8): {exc}."
                ) from exc
            cells = notebook.get("cells", []) if isinstance(notebook, dict) else None
            if not isinstance(cells, list):
                raise ValueError(
                    f"notebook {str(path)!r} is not a notebook: it has no list of 'cells'."
                )
            if not any(
                isinstance(c, dict) and c.get("cell_type") == "code" and c.get("outputs")
                for c in cells
            ):
                continue
        found.append(name)
    return found


def _notebooks_folder(notebooks_dir: object) -> Path:
    """The notebooks folder: ``notebooks_dir`` (which must be an existing folder) or config's."""
    if notebooks_dir is None:
        return Path(config.NOTEBOOKS_DIR)
    if not isinstance(notebooks_dir, str | os.PathLike) or not str(notebooks_dir).strip():
        raise TypeError(
            f"'notebooks_dir' must be a path (str or os.PathLike) or None; got {notebooks_dir!r}."
        )
    folder = Path(notebooks_dir)
    if not folder.is_dir():
        state = "is a file" if folder.exists() else "does not exist"
        raise ValueError(
            f"'notebooks_dir' must be an existing folder of notebooks; {str(folder)!r} {state}."
        )
    return folder


def check_verdicts(
    scorecard: pd.DataFrame, notebooks_dir: str | Path | None = None
) -> pd.DataFrame:
    """What is inconsistent between the registry, the verdicts and the notebooks present.

    Parameters
    ----------
    scorecard : pandas.DataFrame
        The table of :func:`build_scorecard`.
    notebooks_dir : str or Path, default=None
        Folder of the study notebooks; :data:`mcstudy.config.NOTEBOOKS_DIR` when None.

    Returns
    -------
    pandas.DataFrame
        Columns ``claim_id`` and ``problem``, one row per problem (empty when all is well):

        - a verdict recorded by a notebook other than the claim's registered notebook;
        - a verdict whose notebook is not in ``notebooks_dir``;
        - a ``not testable`` verdict on a testable claim, or a verdict other than
          ``not testable`` on a claim the registry marks not testable;
        - a claim without a verdict although its notebook is in ``notebooks_dir`` and has
          been executed (it forgot the claim; not-testable claims included, which notebook 00
          records).
    """
    _check_scorecard(scorecard)
    folder = _notebooks_folder(notebooks_dir)
    executed = set(executed_notebooks(folder))
    problems = []
    for row in scorecard.itertuples(index=False):
        verdict = str(row.verdict)
        if verdict == NO_VERDICT:
            if row.notebook in executed:
                problems.append(
                    (row.claim_id, f"{row.notebook} has run but recorded no verdict on it")
                )
            continue
        if row.verdict_notebook != row.notebook:
            problems.append(
                (
                    row.claim_id,
                    f"verdict recorded by {row.verdict_notebook!r}, but the registry assigns "
                    f"the claim to {row.notebook!r}",
                )
            )
        if not (folder / row.verdict_notebook).is_file():
            problems.append(
                (row.claim_id, f"verdict names {row.verdict_notebook!r}, not in {str(folder)!r}")
            )
        untestable = row.kind == KIND_NOT_TESTABLE
        if untestable != (verdict == VERDICT_NOT_TESTABLE):
            problems.append((row.claim_id, f"verdict {verdict!r} on a claim of kind {row.kind!r}"))
    return pd.DataFrame(problems, columns=["claim_id", "problem"])


#: How a verdict's condition says that its outcome is fixed by how the model is written: "by
#: construction" anywhere, or a condition that opens with "Mechanical:" or "Fixed by", or says
#: the direction or outcome "is fixed by the model".
CONSTRUCTION_MARKERS = (
    r"\bby construction\b|^\s*mechanical:|^\s*fixed by\b|\bis fixed by (?:how )?the model\b"
)


def fixed_by_construction(scorecard: pd.DataFrame) -> pd.DataFrame:
    """The verdicts whose notebook says their outcome is fixed by how the model is written.

    A notebook says so in the verdict's ``condition``, in one of the phrasings of
    :data:`CONSTRUCTION_MARKERS` ("By construction: ...", "By construction in direction: ...",
    "Mechanical: ...", "Fixed by the catalogue's cost ratio ...", "The direction is fixed by
    the model ..."); such a verdict reports the size of a consequence of a model input, not a
    finding about the claim.

    Parameters
    ----------
    scorecard : pandas.DataFrame
        The table of :func:`build_scorecard`.

    Returns
    -------
    pandas.DataFrame
        Columns ``claim_id``, ``verdict``, ``notebook`` and ``condition``.
    """
    _check_scorecard(scorecard)
    condition = scorecard["condition"]
    bad = ~condition.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    if bad.any():
        i = int(bad.nonzero()[0][0])
        raise TypeError(
            f"'scorecard' column 'condition' must hold text ('' for none), as build_scorecard "
            f"writes it; row {i} (claim {scorecard['claim_id'].iloc[i]!r}) has "
            f"{_plain(condition.iloc[i])!r}."
        )
    marked = condition.str.contains(CONSTRUCTION_MARKERS, case=False, regex=True)
    rows = scorecard.loc[marked, ["claim_id", "verdict", "notebook", "condition"]]
    return rows.assign(verdict=rows["verdict"].astype(str)).reset_index(drop=True)
