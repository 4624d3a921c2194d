"""Study pages of the report site: copies of the executed notebooks, prepared for reading.

The committed notebooks are never changed. :func:`prepare_notebook` returns a transformed
copy that the site renders (MyST-NB, nothing executed):

- every code cell is tagged ``hide-input``: the code is folded, its outputs shown;
- a box opens the page with what the study found: each of its claims with the verdict
  recorded in ``results/verdicts.csv``, linked to its verdict below and to its card on the
  front page, then the notebook's own closing section ("What the study shows ...") moved
  there (its heading stays at the end, with a link up);
- every figure gets its numbered caption and its alt text from the captions table
  (``mcstudy/data/figure_captions.csv``, keyed by notebook, order of the figure in the
  notebook and its file name; :func:`figure_outputs`, :func:`check_captions`);
- every claim the notebook judges gets an anchored block, ``id="claim-<id>"``, right after
  the cell that prints or records its verdict: the verdict text the notebook printed, and a
  link back to the claim's card.
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from mcstudy import config
from mcstudy._validation import check_frame
from mcstudy.report.cards import badge, card_id, claim_anchor, first_sentence

__all__ = [
    "CAPTION_COLUMNS",
    "check_captions",
    "claim_cells",
    "conclusion_cells",
    "figure_outputs",
    "load_captions",
    "prepare_notebook",
    "verdict_paragraphs",
]

#: Columns of the captions table.
CAPTION_COLUMNS = ("notebook", "order", "figure", "caption", "alt")
#: The captions table shipped with the package.
CAPTIONS_CSV = config.PACKAGE_DATA_DIR / "figure_captions.csv"
#: A code cell that records verdicts calls one of these.
_RECORDS = re.compile(r"\brecord_(?:verdict|untestable)\s*\(")
#: The figure file a cell saves: the first ``"<name>.png"`` in its source.
_FIGURE_NAME = re.compile(r"[\"']([\w.\-]+\.png)[\"']")
#: The heading of a notebook's closing section.
_CLOSING = re.compile(r"^#+\s.*\bwhat (the|a|it)\b.*\b(shows?|say|cannot)\b", re.I | re.M)
#: The first line of a claim's paragraph in ``verdict_lines`` output.
_VERDICT_START = re.compile(r"^(C\d{3}-\d{2}) \(")


def load_captions(path: str | Path | None = None) -> pd.DataFrame:
    """Read the captions table (:data:`CAPTION_COLUMNS`), checking it has no blank cell.

    Parameters
    ----------
    path : str or Path, default=None
        The CSV file; the package's ``figure_captions.csv`` when None.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    ValueError
        If a column is missing, a cell is blank, or two rows share a notebook and order.
    """
    path = Path(CAPTIONS_CSV if path is None else path)
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    check_frame(table, CAPTION_COLUMNS, f"captions table {path.name}")
    blank = table[list(CAPTION_COLUMNS)].apply(lambda c: c.str.strip() == "")
    if blank.to_numpy().any():
        row, column = next(
            (i, c) for i in range(len(table)) for c in CAPTION_COLUMNS if blank.at[i, c]
        )
        raise ValueError(
            f"{path.name} line {row + 2}: column {column!r} is blank; every figure needs a "
            "caption and an alt text."
        )
    table["order"] = table["order"].astype(int)
    repeated = table.duplicated(["notebook", "order"])
    if repeated.any():
        row = int(repeated.to_numpy().nonzero()[0][0])
        raise ValueError(
            f"{path.name} line {row + 2}: notebook {table.at[row, 'notebook']!r} figure "
            f"{table.at[row, 'order']} is captioned twice."
        )
    return table


def figure_outputs(nb) -> list[tuple[int, int, str]]:
    """``(cell index, order, figure file)`` of every figure a notebook shows, in order.

    A figure is a code cell output with an ``image/png``; ``order`` counts them from 1; the
    file is the first ``"<name>.png"`` the cell's source names ("" when it names none).
    """
    found = []
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        n_images = sum("image/png" in o.get("data", {}) for o in cell.get("outputs", []))
        match = _FIGURE_NAME.search(cell.get("source", ""))
        for _ in range(n_images):
            found.append((i, len(found) + 1, match.group(1) if match else ""))
    return found


def check_captions(nb, notebook: str, captions: pd.DataFrame) -> dict[int, Mapping]:
    """The caption row of each figure of ``nb``, by cell index; an error for a missing one.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook.
    notebook : str
        Its file name (``"08_real_data_hillstrom.ipynb"``), the key of the captions table.
    captions : pandas.DataFrame
        The table of :func:`load_captions`.

    Returns
    -------
    dict of int to mapping
        Cell index -> caption row (``caption``, ``alt``, ``figure``, ``order``).

    Raises
    ------
    ValueError
        If a figure has no row with its notebook, order and file name (listed).
    """
    rows = captions[captions["notebook"] == notebook]
    keyed = {(int(r.order), r.figure): r._asdict() for r in rows.itertuples(index=False)}
    shown = figure_outputs(nb)
    missing = [
        f"figure {order} ({name or 'unnamed'})"
        for _, order, name in shown
        if (order, name) not in keyed
    ]
    if missing:
        raise ValueError(
            f"captions of {notebook}: {missing} without a caption; add a row to "
            f"{CAPTIONS_CSV.name} with notebook, order (of the figure in the notebook), figure "
            "(the file name the cell saves), caption and alt."
        )
    return {cell: keyed[(order, name)] for cell, order, name in shown}


def conclusion_cells(nb) -> list[int]:
    """The notebook's closing section: the markdown cells of its last "What ... shows" section.

    Falls back to the last cell when it is a markdown cell after the last heading that names
    verdicts (a notebook that ends on a paragraph saying what is causal); else none.
    """
    cells = nb.get("cells", [])
    starts = [
        i
        for i, c in enumerate(cells)
        if c.get("cell_type") == "markdown" and _CLOSING.search(c.get("source", ""))
    ]
    if starts:
        out = []
        for i in range(starts[-1], len(cells)):
            cell = cells[i]
            if cell.get("cell_type") != "markdown":
                break
            if i > starts[-1] and cell.get("source", "").lstrip().startswith("#"):
                break
            out.append(i)
        return out
    if cells and cells[-1].get("cell_type") == "markdown":
        return [len(cells) - 1]
    return []


def _stream_text(cell) -> str:
    return "".join(
        "".join(o.get("text", ""))
        for o in cell.get("outputs", [])
        if o.get("output_type") == "stream"
    )


def verdict_paragraphs(nb) -> dict[str, tuple[int, str]]:
    """Per claim, the cell whose printed output states its verdict, and that paragraph.

    The paragraphs are those of :func:`mcstudy.claims.reading.verdict_lines` (one per claim,
    starting ``"<claim id> (<verdict>) - "``); the last cell that prints a claim wins.
    """
    found = {}
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        for block in re.split(r"\n\s*\n", _stream_text(cell)):
            match = _VERDICT_START.match(block)
            if match:
                found[match.group(1)] = (i, block.rstrip())
    return found


def _claim_ids(claim_ids: object) -> list[str]:
    """``claim_ids`` as a list of str; one str is refused (it would be read letter by letter)."""
    if isinstance(claim_ids, str) or not isinstance(claim_ids, Iterable):
        raise TypeError(
            f"'claim_ids' must be an iterable of claim ids (str), not {type(claim_ids).__name__}"
            f"; got {claim_ids!r}."
        )
    ids = list(claim_ids)
    bad = [c for c in ids if not isinstance(c, str)]
    if bad:
        raise TypeError(f"'claim_ids' must hold claim ids (str); got {bad[:3]}.")
    return ids


def _cell_text(cell) -> str:
    """A cell's source and the text of its outputs."""
    parts = [cell.get("source", "")]
    for out in cell.get("outputs", []):
        parts.append(out.get("text", ""))
        for mime in ("text/plain", "text/html", "text/markdown"):
            value = out.get("data", {}).get(mime, "")
            parts.append("".join(value) if isinstance(value, list) else value)
    return "\n".join(p if isinstance(p, str) else "".join(p) for p in parts)


def claim_cells(nb, claim_ids: Iterable[str]) -> dict[str, int | None]:
    """Index of the cell of ``nb`` that judges each claim (None when none can be found).

    The cell is the last code cell that records verdicts (calls ``record_verdict`` or
    ``record_untestable``) and names the claim in its source or outputs; else the last code
    cell that records verdicts; else the last heading that names verdicts ("Verdicts").

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook (version 4).
    claim_ids : iterable of str
        Claims to place.

    Returns
    -------
    dict of str to int or None
    """
    claim_ids = _claim_ids(claim_ids)
    if not isinstance(nb, Mapping) or not isinstance(nb.get("cells", []), list):
        raise TypeError(
            f"'nb' must be a notebook (nbformat.NotebookNode, a mapping with a list of "
            f"'cells'); got {type(nb).__name__}."
        )
    cells = nb.get("cells", [])
    records = [
        i
        for i, c in enumerate(cells)
        if c.get("cell_type") == "code" and _RECORDS.search(c.get("source", ""))
    ]
    texts = {i: _cell_text(cells[i]) for i in records}
    headings = [
        i
        for i, c in enumerate(cells)
        if c.get("cell_type") == "markdown"
        and re.search(r"^#+ .*verdict", c.get("source", ""), re.IGNORECASE | re.MULTILINE)
    ]
    fallback = records[-1] if records else (headings[-1] if headings else None)
    found = {}
    for claim in claim_ids:
        naming = [i for i in records if re.search(rf"\b{re.escape(claim)}\b", texts[i])]
        found[claim] = naming[-1] if naming else fallback
    return found


def _conclusion_box(nb, rows: pd.DataFrame, index_page: str, download: str | None) -> str:
    """MyST markdown of the box that opens a study: its verdicts, then its closing section."""
    lines = [
        "(what-this-study-found)=",
        "::::{admonition} What this study found",
        ":class: tip mcstudy-conclusion",
        "",
    ]
    if download:
        lines += [
            f'<p class="mcstudy-download"><a href="{html.escape(download)}" download>Download '
            "this notebook</a> (as committed, with its outputs). The code of each cell is "
            "folded: open \u201cShow code cell source\u201d to read it.</p>",
            "",
        ]
    if len(rows):
        lines.append('<ul class="mcstudy-found">')
        for row in rows.itertuples(index=False):
            claim = html.escape(row.claim_id)
            lines.append(
                f'<li><a href="#{claim_anchor(row.claim_id)}">{claim}</a> '
                f"{badge(row.verdict, row.lean)} "
                f"<span>{html.escape(str(row.statement_en))}</span> "
                f'<a class="mcstudy-card-link" href="{index_page}#{card_id(row.claim_id)}">card</a>'
                "</li>"
            )
        lines += ["</ul>", ""]
    cells = nb.get("cells", [])
    for i in conclusion_cells(nb):
        body = cells[i].get("source", "")
        # the heading of the closing section becomes a bold lead (headings cannot sit in a box)
        body = re.sub(r"^#+\s*(.+)$", r"**\1**", body, count=1, flags=re.M)
        lines += [body.replace("::::", ":::"), ""]
    lines.append("::::")
    return "\n".join(lines)


def _verdict_text(text: str) -> tuple[str, str]:
    """A printed verdict paragraph as (what is measured, the condition), lines joined.

    The paragraph's first lines, after ``"<id> (<verdict>) - "``, say what is measured; its
    indented lines give the condition.
    """
    lines = text.splitlines()
    cut = next((i for i, line in enumerate(lines) if i and line[:1].isspace()), len(lines))
    head = " ".join(" ".join(lines[:cut]).split())
    head = re.sub(r"^C\d{3}-\d{2} \([^)]*\) - ", "", head)
    return head, " ".join(" ".join(lines[cut:]).split())


def _verdict_block(claim: str, row, text: str, index_page: str) -> str:
    """The anchored block that states one claim's verdict, with a link back to its card."""
    if text:
        measure, condition = _verdict_text(text)
        paragraphs = "".join(
            f'<p class="mcstudy-verdict-{kind}">{html.escape(body)}</p>'
            for kind, body in (("measure", measure), ("condition", condition))
            if body
        )
    else:  # a verdict the notebook shows in a table: its first sentence, the rest folded
        condition = " ".join(str(row.condition).split())
        first = first_sentence(condition)
        rest = condition[len(first) :].strip()
        paragraphs = f'<p class="mcstudy-verdict-condition">{html.escape(first)}</p>' + (
            f"<details><summary>The rest of the condition</summary><p>{html.escape(rest)}</p>"
            "</details>"
            if rest
            else ""
        )
    return (
        f'<div class="mcstudy-verdict" id="{claim_anchor(claim)}" tabindex="-1">\n'
        f'<p class="mcstudy-verdict-head"><strong>{html.escape(claim)}</strong> '
        f"{badge(row.verdict, row.lean)} "
        f'<a href="{index_page}#{card_id(claim)}">&#8617; back to the claim&#8217;s card</a></p>\n'
        f"{paragraphs}\n</div>"
    )


def _split_title(cell):
    """``cell`` as (its title heading, the rest) when it is markdown opening on a title."""
    import nbformat

    source = cell.get("source", "")
    if cell.get("cell_type") != "markdown" or not source.startswith("# "):
        return cell, None
    title, _, rest = source.partition("\n")
    if not rest.strip():
        return cell, None
    first = copy.deepcopy(cell)
    first["source"] = title
    return first, nbformat.v4.new_markdown_cell(rest.strip("\n"))


def prepare_notebook(
    nb,
    notebook: str,
    verdicts: pd.DataFrame,
    captions: pd.DataFrame,
    *,
    index_page: str = "index.html",
    download: str | None = None,
):
    """A copy of ``nb`` prepared for the site (the module docstring says how).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook, as committed; not changed.
    notebook : str
        Its file name, the key of the verdicts' ``notebook`` column and of the captions.
    verdicts : pandas.DataFrame
        The verdicts table (``claim_id``, ``verdict``, ``lean``, ``condition``, ``notebook``)
        joined with the registry's ``statement_en``.
    captions : pandas.DataFrame
        The table of :func:`load_captions`.
    index_page : str, default="index.html"
        The front page, relative to the study page.
    download : str, default=None
        Link to the committed notebook, offered in the opening box; none when None.

    Returns
    -------
    nb_copy : nbformat.NotebookNode
    anchored : tuple of str
        The claims that got an anchored verdict block.

    Raises
    ------
    ValueError
        If a figure has no caption (:func:`check_captions`) or ``verdicts`` lacks a column.
    """
    import nbformat

    check_frame(
        verdicts,
        ["claim_id", "verdict", "lean", "condition", "notebook", "statement_en"],
        "verdicts",
    )
    figures = check_captions(nb, notebook, captions)
    out = copy.deepcopy(nb)
    rows = verdicts[verdicts["notebook"] == notebook]
    printed = verdict_paragraphs(out)
    after: dict[int, list[str]] = {}
    anchored = []
    for row in rows.itertuples(index=False):
        cell, text = printed.get(row.claim_id, (claim_cells(out, [row.claim_id])[row.claim_id], ""))
        if cell is None:
            continue
        after.setdefault(cell, []).append(_verdict_block(row.claim_id, row, text, index_page))
        anchored.append(row.claim_id)
    for i, cell in enumerate(out.cells):
        if cell.cell_type == "code":
            tags = cell.metadata.setdefault("tags", [])
            if "hide-input" not in tags:
                tags.append("hide-input")
            if i in after and any(
                _VERDICT_START.match(b) for b in re.split(r"\n\s*\n", _stream_text(cell))
            ):
                # the printed verdicts move into the anchored blocks below the cell
                cell.outputs = [o for o in cell.outputs if o.get("output_type") != "stream"]
        if i in figures:
            entry = figures[i]
            stem = Path(entry["figure"]).stem.replace("_", "-")
            cell.metadata["mystnb"] = {
                "figure": {"caption": entry["caption"], "name": f"fig-{stem}"},
                "image": {"alt": entry["alt"], "width": "100%", "classes": "mcstudy-figure"},
            }
    closing = conclusion_cells(nb)
    new_cells = []
    for i, cell in enumerate(out.cells):
        if i in closing and i:
            if i == closing[0]:  # moved to the top: its heading stays, pointing there
                heading = cell.source.splitlines()[0] if cell.source.startswith("#") else ""
                new_cells.append(
                    nbformat.v4.new_markdown_cell(
                        f"{heading}\n\nMoved to the top of the page: "
                        '<a href="#what-this-study-found">what this study found</a>.'
                    )
                )
        elif i == 0:
            title, rest = _split_title(cell)
            new_cells.append(title)
            new_cells.append(
                nbformat.v4.new_markdown_cell(_conclusion_box(nb, rows, index_page, download))
            )
            if rest is not None:
                new_cells.append(rest)
        else:
            new_cells.append(cell)
        if i in after:
            new_cells.append(nbformat.v4.new_markdown_cell("\n\n".join(after[i])))
    out.cells = new_cells
    return out, tuple(anchored)
