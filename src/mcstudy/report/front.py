"""The report site's front page: what was found, then one card per claim.

:func:`site_table` joins the registry (quotes, translations, locations, rules), the recorded
verdicts (``results/verdicts.csv``), the source documents (``mcstudy/data/sources.csv``) and
what each n counts (``mcstudy/data/claim_n_units.csv``). :func:`front_page` writes the MyST
source of the front page from it: every count and share in its text is computed here, at
build time, from that table; nothing is typed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from mcstudy import config
from mcstudy._vocab import EVIDENCE_CLASSES, INFORMATIVE_CLASSES, VERDICT_NOT_TESTABLE
from mcstudy.claims.evidence import class_counts, informative_share
from mcstudy.claims.scorecard import NO_VERDICT, SCORECARD_VERDICTS, load_scorecard
from mcstudy.io.catalogue import load_claims
from mcstudy.report.cards import (
    badge,
    card_id,
    claim_card,
    format_value,
    measure_scale,
    signed_claim,
)

__all__ = ["SOURCES_CSV", "N_UNITS_CSV", "front_page", "site_table"]

#: Title, kind, author and year of each source document.
SOURCES_CSV = config.PACKAGE_DATA_DIR / "sources.csv"
#: What n counts, for the claims whose verdict method does not say (replications it does).
N_UNITS_CSV = config.PACKAGE_DATA_DIR / "claim_n_units.csv"
_NOT_TESTABLE_GROUP = "not testable"
#: What each evidence class means, for its heading (docs/evidence.md).
CLASS_NOTES = {
    "real data, randomised": "a causal effect measured in a randomised experiment on real "
    "customers, voters or households",
    "real data, observational": "an association in real data, with the adjustment its "
    "notebook states; not a causal effect",
    "simulation, data-constrained": "a simulated verdict whose deciding parameters are "
    "narrowed by real data",
    "simulation, assumption-driven": "a simulated verdict: it follows from the model's "
    "assumptions, which no data narrow yet",
    "by construction": "an input of the model decides it; reported so that nobody mistakes "
    "it for evidence",
    "arithmetic": "the quoted figures checked against each other or their sources",
    _NOT_TESTABLE_GROUP: "definitions, recommendations and statements without a measurable "
    "outcome; each card says why",
}


def site_table(verdicts_path: str | Path | None = None) -> pd.DataFrame:
    """One row per claim: registry, verdict, source document and what n counts.

    Parameters
    ----------
    verdicts_path : str or Path, default=None
        The verdicts table; :data:`mcstudy.config.VERDICTS_CSV` when None (missing: no claim
        has a verdict yet).

    Returns
    -------
    pandas.DataFrame
        The scorecard's columns (:func:`mcstudy.claims.scorecard.load_scorecard`) plus
        ``quote_en``, ``location``, ``estimand``, ``direction``, ``claimed``,
        ``smallest_effect``,
        ``figure``, ``method`` and ``n_unit``.
    """
    card = load_scorecard(verdicts_path=verdicts_path)
    claims = load_claims().set_index("claim_id")
    extra = [
        "quote_en",
        "location",
        "estimand",
        "direction",
        "claimed",
        "smallest_effect",
        "figure",
    ]
    table = card.join(claims[extra], on="claim_id")
    path = Path(config.VERDICTS_CSV if verdicts_path is None else verdicts_path)
    method = (
        pd.read_csv(path, usecols=["claim_id", "method"], dtype=str, keep_default_na=False)
        if path.is_file()
        else pd.DataFrame(columns=["claim_id", "method"])
    )
    units = pd.read_csv(N_UNITS_CSV, dtype=str, keep_default_na=False)
    table = table.merge(method, on="claim_id", how="left").merge(units, on="claim_id", how="left")
    table[["method", "n_unit"]] = table[["method", "n_unit"]].fillna("")
    table["verdict"] = table["verdict"].astype(str)
    table["evidence_class"] = table["evidence_class"].fillna("").astype(str)
    return table


def load_sources() -> dict[str, dict[str, str]]:
    """Title, kind, author and year of each source document, by file name."""
    frame = pd.read_csv(SOURCES_CSV, dtype=str, keep_default_na=False)
    return {row["source"]: row for row in frame.to_dict("records")}


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "no"


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], *, caption: str) -> str:
    """An HTML table (cells already escaped), in a box that scrolls sideways if it must."""
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return (
        f'<div class="mc-scroll"><table class="mc-table"><caption>{caption}</caption>'
        f"<thead><tr>{th}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _headline(table: pd.DataFrame) -> list[str]:
    """The bullet points that open the page, every number computed from ``table``."""
    judged = table[table["verdict"] != NO_VERDICT]
    testable = judged[judged["verdict"] != VERDICT_NOT_TESTABLE]
    counts = testable["verdict"].value_counts()
    n_info, n_testable = informative_share(testable) if len(testable) else (0, 0)
    construction = int((testable["evidence_class"] == "by construction").sum())
    assumed = int((testable["evidence_class"] == "simulation, assumption-driven").sum())
    lines = [
        f"- **{len(table)} claims** from {table['source'].nunique()} French documents; "
        f"{len(judged)} have a verdict, {len(testable)} of them testable and "
        f"{len(judged) - len(testable)} not testable.",
        f"- **Of the {len(testable)} testable claims**: "
        + ", ".join(
            f"{int(counts.get(v, 0))} {v}"
            for v in SCORECARD_VERDICTS
            if v not in (VERDICT_NOT_TESTABLE, NO_VERDICT)
        )
        + ".",
        f"- **Only {n_info} of the {n_testable} testable verdicts ({_percent(n_info, n_testable)})"
        "** rest on evidence about the world (real data, or simulation narrowed by data): the "
        f"informative share. {assumed} follow from the simulator's assumptions and "
        f"{construction} are decided by construction (an input of the model fixes them).",
    ]
    return lines


def _informative_list(table: pd.DataFrame) -> list[str]:
    """The verdicts that rest on real data, one line each: claim, verdict, found vs claimed."""
    testable = table[~table["verdict"].isin([NO_VERDICT, VERDICT_NOT_TESTABLE])]
    informative = testable[testable["evidence_class"].isin(list(INFORMATIVE_CLASSES))]
    if informative.empty:
        return []
    order = {v: i for i, v in enumerate(SCORECARD_VERDICTS)}
    informative = informative.assign(_o=informative["verdict"].map(order)).sort_values(
        ["_o", "claim_id"], kind="stable"
    )
    items = []
    for row in informative.itertuples(index=False):
        found = _found_line(row)
        items.append(
            f'<li><a href="#{card_id(row.claim_id)}">{html.escape(row.claim_id)}</a> '
            f"{badge(row.verdict, row.lean)} {html.escape(str(row.statement_en))}"
            + (f' <span class="mc-found">({html.escape(found)})</span>' if found else "")
            + "</li>"
        )
    return [
        f"### What the real data say ({len(informative)} verdicts)",
        "",
        f'<ul class="mc-informative">{"".join(items)}</ul>',
        "",
    ]


def _found_line(row) -> str:
    """``"found +24 %; claimed +287 %"`` on the claim's scale."""
    scale = measure_scale(str(row.measure) if pd.notna(row.measure) else str(row.estimand))
    found = format_value(float(row.effect), scale) if pd.notna(row.effect) else ""
    claimed = signed_claim(row.claimed, row.direction)
    claimed = "" if pd.isna(claimed) else format_value(claimed, scale)
    parts = ([f"found {found}"] if found else []) + ([f"claimed {claimed}"] if claimed else [])
    return "; ".join(parts)


def _class_table(table: pd.DataFrame) -> str:
    testable = table[~table["verdict"].isin([NO_VERDICT, VERDICT_NOT_TESTABLE])]
    if testable.empty:
        return "<p>No testable claim has a verdict yet.</p>"
    counts = class_counts(testable)
    verdicts = [c for c in counts.columns if c != "total"]
    rows = []
    for cls, row in counts.iterrows():
        informative = "yes" if cls in INFORMATIVE_CLASSES else "no"
        name = html.escape(cls)
        link = f'<a href="#{_slug(cls)}">{name}</a>' if row["total"] else name
        rows.append(
            [link, informative, str(int(row["total"]))] + [str(int(row[v])) for v in verdicts]
        )
    total = int(counts["total"].sum())
    rows.append(
        ["<b>all testable</b>", "", f"<b>{total}</b>"]
        + [f"<b>{int(counts[v].sum())}</b>" for v in verdicts]
    )
    return _table(
        ["evidence class", "informative", "claims"] + [html.escape(v) for v in verdicts],
        rows,
        caption="Testable verdicts by evidence class (computed from results/verdicts.csv)",
    )


def _slug(text: str) -> str:
    """The id of an evidence class's heading (as docutils writes a label: one hyphen a gap)."""
    return "class-" + re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def front_page(
    table: pd.DataFrame,
    pages: Mapping[str, str],
    anchors: Mapping[str, str],
    *,
    meta: Mapping[str, str],
    title: str = "Which claims about multichannel customer contact hold?",
) -> str:
    """The MyST source of the front page.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`site_table`.
    pages : mapping of str to str
        Notebook file name -> its page's document name (``"02_profiles_and_channel_choice"``),
        in the order of the site.
    anchors : mapping of str to str
        Claim id -> link to its verdict block (``"02_....html#claim-C000-02"``).
    meta : mapping of str to str
        ``version``, ``commit``, ``date`` (of the build) and ``citation`` (the "cite as" text).
    title : str
        The page's title.
    """
    sources = load_sources()
    out = [f"# {title}", "", "## What was found", "", *_headline(table), ""]
    chips = "".join(
        f"<li>{badge(v)} <b>{int((table['verdict'] == v).sum())}</b></li>"
        for v in SCORECARD_VERDICTS
        if (table["verdict"] == v).any()
    )
    out += [f'<ul class="mc-counts">{chips}</ul>', ""]
    out += _informative_list(table)
    out += ["### The informative share, by evidence class", "", _class_table(table), ""]
    out += [
        "Five French documents on multichannel and omnichannel customer contact make these "
        "claims. Each claim was registered with its rule before any study ran; each study "
        "notebook computed its verdict. A simulation shows whether a claimed mechanism can "
        "produce the claimed effect and what it hinges on; it cannot prove an empirical claim, "
        "so every verdict carries its **evidence class**.",
        "",
    ]
    out += ["## The claims, by evidence class", ""]
    out += [
        "Each card gives the French quote, its English translation and where it is in its "
        "source; the verdict; what was found against what was claimed, on one scale with its "
        "unit, and the smallest effect that would matter; and a link to the verdict in its "
        "notebook.",
        "",
    ]
    nav = []
    groups = [*EVIDENCE_CLASSES, _NOT_TESTABLE_GROUP]
    for group in groups:
        members = _members(table, group)
        if len(members):
            nav.append(f'<a href="#{_slug(group)}">{html.escape(group)} ({len(members)})</a>')
    out += [f'<nav class="mc-jump">{" · ".join(nav)}</nav>', ""]
    for group in groups:
        members = _members(table, group)
        if members.empty:
            continue
        out += [
            f"({_slug(group)})=",
            f"### {group[0].upper() + group[1:]} ({len(members)})",
            "",
            CLASS_NOTES[group][0].upper() + CLASS_NOTES[group][1:] + ".",
            "",
            '<div class="mc-cards">',
            "",
        ]
        for row in members.itertuples(index=False):
            card = claim_card(row, sources[row.source], verdict_href=anchors.get(row.claim_id))
            out += [card, ""]
        out += ["</div>", ""]
    pending = table[table["verdict"] == NO_VERDICT]
    if len(pending):
        out += ["## Claims without a verdict yet", ""]
        out += [
            f"- {c}: {html.escape(str(s))}"
            for c, s in zip(pending["claim_id"], pending["statement_en"], strict=True)
        ]
        out += [""]
    out += _studies_section(table, pages)
    out += _cite_section(meta)
    return "\n".join(out) + "\n"


def _members(table: pd.DataFrame, group: str) -> pd.DataFrame:
    if group == _NOT_TESTABLE_GROUP:
        return table[table["verdict"] == VERDICT_NOT_TESTABLE]
    return table[(table["evidence_class"] == group) & (table["verdict"] != VERDICT_NOT_TESTABLE)]


def _studies_section(table: pd.DataFrame, pages: Mapping[str, str]) -> list[str]:
    out = ["## The studies", ""]
    rows = []
    for notebook, doc in pages.items():
        mine = table[table["verdict_notebook"].astype(str) == notebook]
        judged = mine[mine["verdict"] != VERDICT_NOT_TESTABLE]
        name = html.escape(notebook)
        rows.append(
            [
                f'<a href="{doc}.html">{html.escape(doc)}</a>',
                str(len(mine)),
                str(len(judged)),
                f'<a href="_notebooks/{name}" download>{name}</a>',
            ]
        )
    out += [
        _table(
            ["study page", "verdicts recorded", "testable", "notebook (download)"],
            rows,
            caption="Each study page is its executed notebook, code folded; the download is "
            "the notebook as committed",
        ),
        "",
        "```{toctree}",
        ":hidden:",
        ":maxdepth: 1",
        "",
        *pages.values(),
        "```",
        "",
    ]
    return out


def _cite_section(meta: Mapping[str, str]) -> list[str]:
    return [
        "(cite)=",
        "## How to cite, licence, version",
        "",
        f"This is mcstudy {meta['version']}, commit `{meta['commit']}`, built on {meta['date']}"
        " from the committed, executed notebooks (nothing was re-run to build it). The code and "
        "this report are under the MIT licence (`LICENSE`); the citation metadata is in "
        "`CITATION.cff` at the root of the repository. Cite as:",
        "",
        "```text",
        meta["citation"],
        "```",
        "",
    ]
