"""The HTML report site in ``reports/``: notebook pages, and an index that opens on the scorecard.

:func:`render_notebook` renders one executed notebook to ``reports/<name>.html`` with
nbconvert's ``lab`` template, self-contained (figures are embedded by nbconvert as data URIs;
no script is loaded from the network: the notebooks use no MathJax, require.js or Mermaid), with
a link back to the index, CSS that reads on a phone (wide tables and code scroll sideways,
figures shrink to the screen), and an anchor ``claim-<id>`` at the cell that records each
claim's verdict (:func:`claim_cells` finds it). :func:`write_index` writes ``index.html``: the
verdict counts, the scorecard figure embedded, the counts per document, the studies with links,
every claim linked to the place in its notebook that judges it, and the claims without a
verdict (tables of :mod:`mcstudy.claims.scorecard`). :func:`check_links` lists every ``href`` or
``src`` of the site that does not resolve. :mod:`mcstudy.report.notebooks` drives these.
"""

from __future__ import annotations

import base64
import html
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pandas as pd

from mcstudy._validation import check_frame, check_output_dir
from mcstudy._vocab import VERDICT_NOT_TESTABLE
from mcstudy.claims.scorecard import (
    DOCUMENT_LABELS,
    NO_VERDICT,
    SCORECARD_COLUMNS,
    SCORECARD_VERDICTS,
    VERDICT_COLOURS,
    claims_without_verdict,
    format_effect,
    robustness_text,
    verdict_counts,
)

__all__ = [
    "INDEX_NAME",
    "check_links",
    "claim_anchor",
    "claim_cells",
    "render_notebook",
    "write_index",
]

#: File name of the index page.
INDEX_NAME = "index.html"
#: Cell metadata key the template reads to place claim anchors (set in memory, never saved).
_ANCHOR_KEY = "mcstudy_claims"
#: A code cell that records verdicts calls one of these.
_RECORDS = re.compile(r"\brecord_(?:verdict|untestable)\s*\(")

_PHONE_CSS = """
body { margin: 0; }
main { max-width: 1100px; margin: 0 auto; padding: 0 0.75rem 2rem; box-sizing: border-box; }
.mcstudy-nav { position: sticky; top: 0; z-index: 10; background: #fff; padding: 0.5rem 0;
  border-bottom: 1px solid #ddd; font: 15px/1.4 system-ui, sans-serif; }
.mcstudy-claim-anchor { display: block; scroll-margin-top: 3rem; }
.jp-OutputArea-output table, .jp-RenderedHTMLCommon table { display: block; max-width: 100%;
  overflow-x: auto; }
.jp-OutputArea-output img, .jp-RenderedHTMLCommon img { max-width: 100%; height: auto; }
.jp-OutputArea-output pre, .jp-InputArea-editor pre { overflow-x: auto; }
.jp-Cell, .jp-OutputArea-output, .jp-InputArea-editor { min-width: 0; }
@media (max-width: 700px) {
  .jp-InputPrompt, .jp-OutputPrompt { display: none; }
  .jp-Cell { padding: 2px 0; }
}
"""

#: nbconvert template: the ``lab`` one, with nothing from the network, the phone CSS, a link
#: back to the index and the claim anchors.
_TEMPLATE = (
    "{%- extends 'lab/index.html.j2' -%}\n"
    "{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}\n"
    "{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}\n"
    "{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}\n"
    '{% block extra_css %}<style type="text/css">' + _PHONE_CSS + "</style>{% endblock %}\n"
    "{%- block body_header -%}{{ super() }}\n"
    '<nav class="mcstudy-nav"><a href="' + INDEX_NAME + '">&larr; Scorecard and all '
    "studies</a></nav>\n{%- endblock body_header -%}\n"
    "{% block any_cell %}"
    "{%- for claim in cell.metadata.get('" + _ANCHOR_KEY + "', []) -%}"
    '<span class="mcstudy-claim-anchor" id="claim-{{ claim | escape_html }}"></span>'
    "{%- endfor -%}{{ super() }}{% endblock any_cell %}\n"
)


def claim_anchor(claim_id: str) -> str:
    """The id of the anchor placed at the cell that judges ``claim_id``: ``claim-<id>``."""
    if not isinstance(claim_id, str) or not claim_id.strip():
        raise TypeError(f"'claim_id' must be a claim id (a non-empty str); got {claim_id!r}.")
    return f"claim-{claim_id}"


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


def render_notebook(
    path: str | Path, out_dir: str | Path, claim_ids: Iterable[str] = ()
) -> tuple[Path, tuple[str, ...]]:
    """Render the notebook ``path`` to ``out_dir/<stem>.html``, with anchors for its claims.

    Parameters
    ----------
    path : str or Path
        An ``.ipynb`` file (rendered as it is: executed notebooks show their outputs).
    out_dir : str or Path
        Folder of the site (created if missing).
    claim_ids : iterable of str, default=()
        Claims whose verdict this notebook records; each gets the anchor
        :func:`claim_anchor` at the cell found by :func:`claim_cells`.

    Returns
    -------
    html_path : Path
    anchored : tuple of str
        The claims that got an anchor (those :func:`claim_cells` could place).
    """
    import nbformat
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    claim_ids = _claim_ids(claim_ids)
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"'path' must be a path (str or os.PathLike); got {path!r}.")
    path = Path(path)
    if not path.is_file():
        state = "is a directory" if path.is_dir() else "does not exist"
        raise FileNotFoundError(f"'path' must be a notebook file (.ipynb); {str(path)!r} {state}.")
    out_dir = check_output_dir(out_dir, "out_dir")
    try:
        nb = nbformat.read(path, as_version=4)
    except (ValueError, UnicodeDecodeError, nbformat.reader.NotJSONError) as exc:
        raise ValueError(f"'path' {str(path)!r} is not a readable notebook: {exc}") from exc
    anchored = []
    for claim, index in claim_cells(nb, claim_ids).items():
        if index is not None:
            nb.cells[index].metadata.setdefault(_ANCHOR_KEY, []).append(claim)
            anchored.append(claim)
    exporter = HTMLExporter(
        extra_loaders=[DictLoader({"mcstudy_page.html.j2": _TEMPLATE})],
        template_file="mcstudy_page.html.j2",
    )
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{path.stem}.html"
    out.write_text(body, encoding="utf-8")
    return out, tuple(anchored)


# --------------------------------------------------------------------------- the index page

_INDEX_CSS = """
:root { --fg: #1d1d1f; --muted: #5f6368; --line: #d9dce1; --bg-alt: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); font: 16px/1.5 system-ui, -apple-system, "Segoe UI",
  Roboto, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 0.5rem 1rem 3rem; }
h1 { font-size: 1.6rem; margin: 1rem 0 0.25rem; }
h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.1rem; margin-top: 1.5rem; }
nav.toc { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; font-size: 0.95rem; }
a { color: #0b57d0; }
.lead { color: var(--muted); }
ul.counts { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.5rem; }
ul.counts li { border-radius: 6px; padding: 0.35rem 0.7rem; color: #fff; font-weight: 600; }
ul.counts li .n { font-size: 1.3rem; margin-right: 0.3rem; }
.badge { display: inline-block; border-radius: 4px; padding: 0 0.4rem; color: #fff;
  font-size: 0.85rem; white-space: nowrap; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 0.9rem; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; max-width: 100%; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { border-bottom: 1px solid var(--line); padding: 0.3rem 0.5rem; text-align: left;
  vertical-align: top; }
th { background: var(--bg-alt); position: sticky; top: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.claims td.text { min-width: 16rem; }
table.claims td.small { font-size: 0.8rem; color: var(--muted); min-width: 14rem; }
blockquote { margin: 0; font-style: italic; }
h1, h2, h3, p, li { overflow-wrap: anywhere; }
footer { margin-top: 3rem; color: var(--muted); font-size: 0.85rem; }
@media (max-width: 600px) {
  body { font-size: 15px; }
  main { padding: 0.25rem 0.6rem 2rem; }
  h1 { font-size: 1.3rem; }
}
"""


def _esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _badge(verdict: str) -> str:
    colour = VERDICT_COLOURS.get(verdict, "#777777")
    return f'<span class="badge" style="background:{colour}">{_esc(verdict)}</span>'


def _table(frame: pd.DataFrame, *, index_name: str) -> str:
    """A counts table (index + integer columns) as HTML."""
    head = f"<th>{_esc(index_name)}</th>" + "".join(
        f'<th class="num">{_esc(c)}</th>' for c in frame.columns
    )
    rows = []
    for label, row in frame.iterrows():
        cells = "".join(f'<td class="num">{int(v)}</td>' for v in row)
        rows.append(f"<tr><th>{_esc(label)}</th>{cells}</tr>")
    return (
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _data_uri(png: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode("ascii")


def write_index(
    scorecard: pd.DataFrame,
    pages: Sequence,
    out_dir: str | Path,
    *,
    figure: str | Path | None = None,
    claim_links: Mapping[str, str] | None = None,
    notebooks_dir: str | Path | None = None,
    title: str = "mcstudy: which claims about multichannel contact hold?",
) -> Path:
    """Write ``out_dir/index.html``, the site's front page, opening on the scorecard.

    Parameters
    ----------
    scorecard : pandas.DataFrame
        The table of :func:`mcstudy.claims.scorecard.build_scorecard`.
    pages : sequence
        One entry per study notebook, each with attributes ``name`` (file name), ``status``,
        ``reason`` and ``html`` (the rendered page, or None):
        :class:`mcstudy.report.notebooks.NotebookRun`.
    out_dir : str or Path
        Folder of the site.
    figure : str or Path, default=None
        PNG of the scorecard figure, embedded as a data URI; left out when None or missing.
    claim_links : mapping of str to str, default=None
        Per claim, the relative link to the place that judges it (``page.html#claim-<id>``);
        a claim without a link is shown without one.
    notebooks_dir : str or Path, default=None
        Folder of the notebooks, to say of a claim without a verdict whether its notebook
        exists yet.
    title : str
        The page title.

    Returns
    -------
    Path
    """
    check_frame(scorecard, SCORECARD_COLUMNS, "scorecard")
    out_dir = check_output_dir(out_dir, "out_dir")
    if isinstance(pages, str) or not isinstance(pages, Iterable):
        raise TypeError(
            f"'pages' must be a sequence of NotebookRun (name, status, reason, html); got "
            f"{type(pages).__name__}."
        )
    pages = list(pages)
    lacking = [
        type(p).__name__
        for p in pages
        if not all(hasattr(p, a) for a in ("name", "status", "reason", "html"))
    ]
    if lacking:
        raise TypeError(
            "'pages' must hold NotebookRun entries (attributes name, status, reason, html); "
            f"got {lacking[:3]}."
        )
    if claim_links is not None and not isinstance(claim_links, Mapping):
        raise TypeError(
            f"'claim_links' must map claim ids to links; got {type(claim_links).__name__}."
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    links = dict(claim_links or {})
    n_claims = len(scorecard)
    verdict = scorecard["verdict"].astype(str)
    counts = verdict.value_counts()
    n_judged = int((verdict != NO_VERDICT).sum())

    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_esc(title)}</title><style>{_INDEX_CSS}</style></head><body><main>",
        f"<h1>{_esc(title)}</h1>",
        '<p class="lead">Five French documents on multichannel and omnichannel customer contact, '
        "their claims in a registry with rules fixed before any study ran, and the verdict each "
        "study notebook computed. A simulation shows whether a claimed mechanism can produce "
        "the claimed effect and what it hinges on; it cannot prove an empirical claim.</p>",
        '<nav class="toc"><a href="#verdicts">Verdicts</a><a href="#documents">By document</a>'
        '<a href="#studies">Studies</a><a href="#claims">Every claim</a>'
        '<a href="#pending">Without a verdict</a></nav>',
        '<section id="verdicts"><h2>Verdicts</h2>',
        f"<p>{n_judged} of {n_claims} claims have a verdict.</p>",
        '<ul class="counts">',
    ]
    for v in SCORECARD_VERDICTS:
        colour = VERDICT_COLOURS[v]
        parts.append(
            f'<li style="background:{colour}"><span class="n">{int(counts.get(v, 0))}</span>'
            f"{_esc(v)}</li>"
        )
    parts.append("</ul>")
    if figure is not None and Path(figure).is_file():
        parts.append(
            f'<figure><img src="{_data_uri(Path(figure))}" alt="Verdicts by topic and by '
            'source document (bar charts of claim counts)"><figcaption>Verdicts by topic and by '
            "document (figure of the scorecard notebook).</figcaption></figure>"
        )
    parts.append("</section>")

    by_document = verdict_counts(scorecard, "document")
    parts += [
        '<section id="documents"><h2>By document</h2>',
        _table(by_document, index_name="document"),
        "</section>",
    ]

    parts += ['<section id="studies"><h2>Studies</h2><div class="scroll"><table>']
    parts.append(
        '<thead><tr><th>notebook</th><th class="num">claims</th>'
        '<th class="num">with a verdict</th><th>status</th></tr></thead><tbody>'
    )
    per_notebook = scorecard.assign(judged=verdict != NO_VERDICT).groupby("notebook")
    for page in pages:
        name = page.name
        label = (
            f'<a href="{_esc(Path(page.html).name)}">{_esc(name)}</a>'
            if page.html is not None
            else _esc(name)
        )
        if name in per_notebook.groups:
            group = per_notebook.get_group(name)
            n, judged = len(group), int(group["judged"].sum())
        else:
            n = judged = 0
        status = _esc(page.status) + (f": {_esc(page.reason)}" if page.reason else "")
        parts.append(
            f'<tr><td>{label}</td><td class="num">{n}</td><td class="num">{judged}</td>'
            f"<td>{status}</td></tr>"
        )
    parts.append("</tbody></table></div></section>")

    parts.append('<section id="claims"><h2>Every claim</h2>')
    parts.append(
        "<p>Each claim links to the cell of its notebook that records the verdict. The effect "
        "is in the unit of its measure, with its 95 % interval; robustness is the share of the "
        "plausible parameter space in which the verdict holds (simulated claims).</p>"
    )
    for source, document in DOCUMENT_LABELS.items():
        rows = scorecard[scorecard["source"] == source]
        if rows.empty:
            continue
        parts.append(
            f'<h3 id="doc-{_slug(document)}">{_esc(document)} <small>({_esc(source)})</small></h3>'
        )
        parts.append(
            '<div class="scroll"><table class="claims"><thead><tr><th>claim</th>'
            "<th>verdict</th><th>claim (English)</th><th>quote (French)</th>"
            '<th class="num">effect (95 % CI)</th><th class="num">n</th><th>evidence</th>'
            '<th class="num">robustness</th><th>condition</th></tr></thead><tbody>'
        )
        for row in rows.itertuples(index=False):
            claim = _esc(row.claim_id)
            href = links.get(row.claim_id)
            cell = f'<a href="{_esc(href)}">{claim}</a>' if href else claim
            share = row.robustness_share
            robust = (
                "" if pd.isna(share) else robustness_text(share, str(row.verdict), row.noise_share)
            )
            n = "" if pd.isna(row.n) or row.verdict == VERDICT_NOT_TESTABLE else str(int(row.n))
            measure = f"<br><small>{_esc(row.measure)}</small>" if row.measure else ""
            parts.append(
                f'<tr id="row-{claim}"><td>{cell}</td><td>{_badge(str(row.verdict))}</td>'
                f'<td class="text">{_esc(row.statement_en)}</td>'
                f'<td class="text"><blockquote lang="fr">« {_esc(row.quote_fr)} »</blockquote>'
                f'</td><td class="num">'
                f"{_esc(format_effect(row.effect, row.ci_low, row.ci_high))}{measure}</td>"
                f'<td class="num">{n}</td><td>{_esc(row.evidence)}</td>'
                f'<td class="num">{robust}</td><td class="small">{_esc(row.condition)}</td></tr>'
            )
        parts.append("</tbody></table></div>")
    parts.append("</section>")

    pending = claims_without_verdict(scorecard, notebooks_dir)
    parts.append('<section id="pending"><h2>Claims without a verdict</h2>')
    if pending.empty:
        parts.append("<p>Every claim has a verdict.</p>")
    else:
        parts.append(f"<p>{len(pending)} claims wait for their study notebook.</p>")
        for notebook, group in pending.groupby("notebook", sort=True):
            items = "".join(
                f"<li><b>{_esc(r.claim_id)}</b> ({_esc(r.topic)}, {_esc(r.kind)}): "
                f"{_esc(r.statement_en)}</li>"
                for r in group.itertuples(index=False)
            )
            status = f" — {_esc(group['status'].iloc[0])}" if "status" in group else ""
            parts.append(f"<h3>{_esc(notebook)}{status}</h3><ul>{items}</ul>")
    parts.append("</section>")
    parts.append(
        "<footer>Rendered by mcstudy from <code>data/claims.csv</code> and "
        "<code>results/verdicts.csv</code>; each study page is its executed notebook."
        "</footer></main></body></html>"
    )
    index = out_dir / INDEX_NAME
    index.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return index


# --------------------------------------------------------------------------- link checking


class _Links(HTMLParser):
    """Collect the ids of a page and its ``href``/``src`` values."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif name in ("href", "src"):
                self.refs.append((tag, value))


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def check_links(site_dir: str | Path) -> list[str]:
    """Every ``href`` and ``src`` of the HTML files of ``site_dir`` that does not resolve.

    A relative link must name a file inside ``site_dir`` and, with a fragment, an element of
    that page with that id (compared as written, then percent-decoded, as browsers do); an
    in-page link ``#x`` an id of the same page. ``data:`` URIs resolve. A ``src`` must not
    point at the network (the site works offline); an external ``href`` (``http:``,
    ``https:``, ``mailto:``) is not fetched.

    Parameters
    ----------
    site_dir : str or Path
        The folder of the site (``reports/``).

    Returns
    -------
    list of str
        One line per problem, ``page: tag attribute -> reason``; empty when every link
        resolves.
    """
    if not isinstance(site_dir, str | os.PathLike) or not str(site_dir).strip():
        raise TypeError(f"'site_dir' must be a path (str or os.PathLike); got {site_dir!r}.")
    site = Path(site_dir).resolve()
    if not site.is_dir():
        state = "is a file" if site.exists() else "does not exist"
        raise FileNotFoundError(
            f"'site_dir' must be the folder of the site; {str(site_dir)!r} {state}."
        )
    pages = {p.resolve(): _parse(p) for p in sorted(site.rglob("*.html"))}
    problems = []
    for page, parsed in pages.items():
        where = page.relative_to(site)
        for tag, ref in parsed.refs:
            parts = urlsplit(ref)
            if parts.scheme == "data":
                continue
            if parts.scheme or ref.startswith("//"):
                if tag != "a":
                    problems.append(f"{where}: <{tag}> {ref[:80]!r} loads from the network")
                continue
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if not target.is_relative_to(site):
                problems.append(f"{where}: <{tag}> {ref!r} points outside the site")
                continue
            if not target.is_file():
                problems.append(f"{where}: <{tag}> {ref!r}: no such file")
                continue
            if parts.fragment:
                ids = pages[target].ids if target in pages else set()
                if parts.fragment not in ids and unquote(parts.fragment) not in ids:
                    problems.append(f"{where}: <{tag}> {ref!r}: no element with that id")
    return problems
