"""Tests for the report site (mcstudy.report.site, front, cards, pages; ``mcstudy report``).

The site is built once per session from the repository's committed, executed notebooks (never
executed, never changed; ``conftest.built_site``); the browser checks are in test_browser.py.
"""

import math
import re

import nbformat
import pandas as pd
import pytest

from mcstudy import config
from mcstudy._vocab import VERDICT_NOT_TESTABLE
from mcstudy.cli import main
from mcstudy.report.cards import (
    Scale,
    card_id,
    claim_anchor,
    format_value,
    measure_scale,
    n_text,
    signed_claim,
    verdict_label,
)
from mcstudy.report.front import front_page, site_table
from mcstudy.report.pages import (
    check_captions,
    claim_cells,
    conclusion_cells,
    figure_outputs,
    load_captions,
    prepare_notebook,
    verdict_paragraphs,
)
from mcstudy.report.site import INDEX_NAME, PAGE_LIMIT, check_links, page_sizes

from .conftest import SITE_TOOLS, need


def test_every_link_resolves_nothing_loads_from_the_network_and_pages_are_light(built_site):
    built, _, _ = built_site
    assert check_links(built.site) == []
    pages = {p.name for p in built.site.glob("*.html")}
    assert {INDEX_NAME} | {p.name for p in built.pages.values()} <= pages
    sizes = page_sizes(built.site)
    assert max(sizes.values()) <= PAGE_LIMIT, sorted(sizes.items(), key=lambda kv: -kv[1])[:3]
    for page in pages:
        text = (built.site / page).read_text(encoding="utf-8")
        assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"(https?:)?//", text), page
        assert "mathjax" not in text.lower() and "require.js" not in text, page
    assert built.warnings == []


def test_the_committed_notebooks_are_rendered_not_executed_nor_changed(built_site):
    built, before, after = built_site
    assert before == after  # the build only reads notebooks/
    copy = nbformat.read(built.source / "08_real_data_hillstrom.ipynb", as_version=4)
    code = [c for c in copy.cells if c.cell_type == "code"]
    assert code and all("hide-input" in c.metadata.get("tags", []) for c in code)
    committed = nbformat.read(config.NOTEBOOKS_DIR / "08_real_data_hillstrom.ipynb", 4)
    assert [c.execution_count for c in code] == [
        c.execution_count for c in committed.cells if c.cell_type == "code"
    ]  # outputs as committed: nothing re-ran
    download = built.site / "_notebooks" / "08_real_data_hillstrom.ipynb"
    assert download.read_bytes() == (config.NOTEBOOKS_DIR / download.name).read_bytes()
    # nor does it leave MyST-NB's output folder beside the site (for reports/: the project root)
    assert not (built.site.parent / "jupyter_execute").exists()


def test_every_claim_has_a_card_with_its_verdict_linked_both_ways(built_site):
    built, _, _ = built_site
    table = site_table()
    index = (built.site / INDEX_NAME).read_text(encoding="utf-8")
    for row in table.itertuples(index=False):
        start = index.index(f'id="{card_id(row.claim_id)}"')
        card = index[start : index.index("</article>", start)]
        assert verdict_label(row.verdict, row.lean) in card, row.claim_id
        assert 'lang="fr"' in card and "English:" in card and "Where:" in card
        link = built.anchors[row.claim_id]
        assert f'href="{link}"' in card, row.claim_id
        page = (built.site / link.split("#")[0]).read_text(encoding="utf-8")
        block = page[page.index(f'id="{claim_anchor(row.claim_id)}"') :]
        assert f'href="index.html#{card_id(row.claim_id)}"' in block[:2000]  # and back


def test_front_page_opens_on_findings_computed_from_the_verdicts(built_site):
    built, _, _ = built_site
    index = (built.site / INDEX_NAME).read_text(encoding="utf-8")
    found, cards = index.index("What was found"), index.index('class="mc-card"')
    assert found < index.index("informative share") < cards
    table = site_table()
    testable = table[table["verdict"] != VERDICT_NOT_TESTABLE]
    assert f"Of the {len(testable)} testable claims" in index
    meta = {"version": "v", "commit": "c", "date": "d", "citation": "cite me"}
    page = front_page(table, {}, {}, meta=meta)
    changed = table.copy()
    changed.loc[changed["verdict"] == "supported", "verdict"] = "not supported"
    other = front_page(changed, {}, {}, meta=meta)
    n_supported = int((testable["verdict"] == "supported").sum())
    assert f"{n_supported} supported" in page and "0 supported" in other  # computed, not typed
    assert "cite me" in page and "(cite)=" in page


def test_study_pages_open_on_the_conclusion_with_code_folded_and_captioned_figures(built_site):
    built, _, _ = built_site
    text = built.pages["08_real_data_hillstrom.ipynb"].read_text(encoding="utf-8")
    box = text.index("What this study found")
    assert box < text.index("cell_input") and box < text.index('id="claim-C000-03"')
    assert "hide-input" in text and "Show code cell source" in text
    captions = load_captions()
    mine = captions[captions["notebook"] == "08_real_data_hillstrom.ipynb"]
    for row in mine.itertuples(index=False):
        assert f'alt="{row.alt}"' in text.replace("&#39;", "'")
        assert re.search(r'<span class="caption-number">Figure \d+', text)
    assert re.search(r'image-reference" href="_images/[^"]+\.png"><img alt=', text)  # full size


def test_every_figure_of_every_notebook_has_a_caption():
    captions = load_captions()
    n = 0
    for path in sorted(config.NOTEBOOKS_DIR.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        n += len(check_captions(nb, path.name, captions))
    assert n == len(captions)


def _figure_notebook(source: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.outputs = [nbformat.v4.new_output("display_data", {"image/png": "iVBORw0KGgo="})]
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T"), cell])


def test_a_figure_without_a_caption_fails(tmp_path):
    captions = load_captions()
    nb = _figure_notebook('save_figure(fig, "08_new.png")')
    assert figure_outputs(nb) == [(1, 1, "08_new.png")]
    with pytest.raises(ValueError, match=r"\['figure 1 \(08_new.png\)'\] without a caption"):
        check_captions(nb, "08_real_data_hillstrom.ipynb", captions)
    table = captions.iloc[:1].assign(notebook="x.ipynb", figure="08_new.png", order=1)
    assert list(check_captions(nb, "x.ipynb", table)) == [1]
    bad = tmp_path / "captions.csv"
    table.assign(alt=" ").to_csv(bad, index=False)
    with pytest.raises(ValueError, match="line 2: column 'alt' is blank"):
        load_captions(bad)


def test_prepare_notebook_anchors_each_claim_and_copies_the_conclusion():
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# 02 — Title\n\nIntro."),
            nbformat.v4.new_code_cell("print(verdict_lines(recorded))"),
            nbformat.v4.new_markdown_cell("## 9. What the study shows, and what it cannot\n\nX."),
        ]
    )
    nb.cells[1].outputs = [
        nbformat.v4.new_output(
            "stream",
            name="stdout",
            text="C000-02 (supported) - revenue (EUR).\n    Because.\n\n"
            "C000-03 (inconclusive) - share.\n    Unclear.\n",
        )
    ]
    verdicts = pd.DataFrame(
        {
            "claim_id": ["C000-02", "C000-03", "C000-04"],
            "verdict": ["supported", "inconclusive", "not testable"],
            "lean": ["", "", ""],
            "condition": ["c2", "c3", "Not testable (T1)."],
            "notebook": ["02_x.ipynb"] * 3,
            "statement_en": ["s2", "s3", "s4"],
        }
    )
    assert conclusion_cells(nb) == [2]
    assert set(verdict_paragraphs(nb)) == {"C000-02", "C000-03"}
    out, anchored = prepare_notebook(nb, "02_x.ipynb", verdicts, load_captions(), download="d")
    assert anchored == ("C000-02", "C000-03")  # C000-04: no cell records it here
    sources = [c.source for c in out.cells]
    assert sources[0] == "# 02 — Title" and "What this study found" in sources[1]
    assert "**9. What the study shows, and what it cannot**" in sources[1] and "X." in sources[1]
    assert sources[-1].startswith("## 9. What the study shows") and "X." not in sources[-1]
    assert sources[2] == "Intro."
    blocks = sources[4]
    assert blocks.index('id="claim-C000-02"') < blocks.index('id="claim-C000-03"')
    assert '<p class="mcstudy-verdict-measure">revenue (EUR).</p>' in blocks
    assert out.cells[3].outputs == []  # the printed verdicts moved into the blocks
    assert nb.cells[1].outputs and "hide-input" not in nb.cells[1].metadata.get("tags", [])


def test_claim_anchor_is_at_the_cell_that_records_the_verdict():
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Title"),
            nbformat.v4.new_code_cell("from mcstudy import record_verdict"),  # import only
            nbformat.v4.new_markdown_cell("## 5. Verdicts"),
            nbformat.v4.new_code_cell("record_verdict(v_a)  # C000-01"),
            nbformat.v4.new_code_cell("pd.concat([record_verdict(v) for v in verdicts])"),
            nbformat.v4.new_markdown_cell("## 6. What it shows"),
        ]
    )
    nb.cells[4].outputs = [
        nbformat.v4.new_output("execute_result", {"text/plain": "  claim_id\n0  C000-02"})
    ]
    assert claim_cells(nb, ["C000-01", "C000-02", "C000-03", "C000-0"]) == {
        "C000-01": 3,  # named in the source
        "C000-02": 4,  # named in the output
        "C000-03": 4,  # not named: the last cell that records verdicts
        "C000-0": 4,  # a prefix of an id does not name it
    }
    del nb.cells[3:5]
    assert claim_cells(nb, ["C000-01"]) == {"C000-01": 2}  # the "Verdicts" heading
    del nb.cells[2]
    assert claim_cells(nb, ["C000-01"]) == {"C000-01": None}


@pytest.mark.parametrize(
    ("measure", "value", "expected"),
    [
        (
            "revenue per customer-year (EUR): matched minus uniform",
            1.02418,
            "+1.02 EUR per customer-year",
        ),
        ("relative difference in 2-week conversion, unadjusted", 2.87, "+287 %"),
        ("share of customers retained, integrated minus siloed", 0.0779, "+7.79 percentage points"),
        ("share of e-mails sent in the week after a purchase", 0.0057, "0.57 %"),
        (
            "log10 of shop over online purchases caused",
            -0.21,
            "\u22120.21 on the log10 scale (1 = ten to one)",
        ),
        (
            "change in extra revenue per extra e-mail (EUR per contact)",
            -0.48,
            "\u22120.48 EUR per contact",
        ),
    ],
)
def test_effects_are_shown_on_the_scale_of_their_measure(measure, value, expected):
    assert format_value(value, measure_scale(measure)) == expected


def test_every_testable_claim_has_a_unit_and_says_what_n_counts():
    table = site_table()
    testable = table[table["verdict"] != VERDICT_NOT_TESTABLE]
    for row in testable.itertuples(index=False):
        scale = measure_scale(row.measure if isinstance(row.measure, str) else row.estimand)
        assert scale.unit != "in the measure's unit", (row.claim_id, row.measure)
        text = n_text(row.n, row.verdict, row.method, row.n_unit)
        if not math.isnan(float(row.n)) and int(row.n) > 0:
            assert re.fullmatch(r"[\d,]+ \D.+", text), (row.claim_id, text)
    assert n_text(20, "supported", "mean over 20 replications") == "20 replications"
    cut = table.set_index("claim_id").loc["C000-05"]  # "cut its costs by 50 %": a cut
    assert cut["direction"] == -1 and signed_claim(cut["claimed"], cut["direction"]) < 0
    assert format_value(float("nan"), Scale(1.0, "EUR")) == ""


def test_check_links_reports_each_broken_reference(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.html").write_text(
        '<h2 id="1.-Caf%C3%A9">x</h2><a name="top"></a>'
        '<a href="#1.-Caf%C3%A9">ok</a><a href="#top">ok</a><a href="b.html#there">ok</a>'
        '<a href="https://example.org/x">external link, not fetched</a>'
        '<img src="data:image/png;base64,AAAA">'
        '<a href="#nowhere">1</a><a href="missing.html">2</a><a href="b.html#gone">3</a>'
        '<img src="https://example.org/x.png"><script src="//cdn.example.org/x.js"></script>'
        '<a href="../outside.html">4</a><img src="sub/">',
        encoding="utf-8",
    )
    (tmp_path / "b.html").write_text('<p id="there">b</p>', encoding="utf-8")
    (tmp_path.parent / "outside.html").write_text("x", encoding="utf-8")
    problems = check_links(tmp_path)
    assert problems == [
        "a.html: <a> '#nowhere': no element with that id",
        "a.html: <a> 'missing.html': no such file",
        "a.html: <a> 'b.html#gone': no element with that id",
        "a.html: <img> 'https://example.org/x.png' loads from the network",
        "a.html: <script> '//cdn.example.org/x.js' loads from the network",
        "a.html: <a> '../outside.html' points outside the site",
        "a.html: <img> 'sub/': no such file",
    ]


def test_report_command_builds_the_site_without_executing(tmp_path, capsys):
    missing = [m for m in SITE_TOOLS if __import__("importlib.util").util.find_spec(m) is None]
    need(not missing, f"the site tools {missing} are not installed: pip install 'mcstudy[site]'")
    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    nbformat.write(nb, nb_dir / "00_claims_registry.ipynb")  # never executed: no outputs
    assert main(["report", "--project", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"1 notebooks rendered \(not executed\) in [\d.]+ s; largest page", out)
    assert nbformat.read(nb_dir / "00_claims_registry.ipynb", as_version=4).cells[0].outputs == []
    index = (tmp_path / "reports" / INDEX_NAME).read_text(encoding="utf-8")
    assert 'href="00_claims_registry.html"' in index
    assert "no verdict yet" in index  # no results/verdicts.csv: no claim has a verdict yet
    assert not (tmp_path / "results").exists()  # building writes nothing but the site
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ValueError, match="not a site built by mcstudy report"):
        from mcstudy.report.site import build_site

        build_site(project=tmp_path, out_dir=tmp_path / "elsewhere")
    assert (tmp_path / "elsewhere" / "notes.txt").is_file()


def test_report_command_says_what_to_install_without_the_site_tools(monkeypatch, capsys):
    import importlib.util as util

    real = util.find_spec
    monkeypatch.setattr(
        util, "find_spec", lambda name, *a: None if name == "myst_nb" else real(name, *a)
    )
    assert main(["report", "--out", "unused"]) == 2
    err = capsys.readouterr().err
    assert "needs ['myst_nb'], which are not installed: pip install 'mcstudy[site]'" in err
