"""Tests for the HTML report site (mcstudy.report.site, ``mcstudy report``).

The site is built from the repository's committed, executed notebooks (not re-executed) into
a temporary folder; every link and image must resolve there. Where playwright and a Chromium
are installed, the index is also opened in a headless browser.
"""

import re
import shutil

import nbformat
import pytest

from mcstudy import config
from mcstudy.claims.scorecard import NO_VERDICT, SCORECARD_VERDICTS, load_scorecard
from mcstudy.cli import main
from mcstudy.report.notebooks import render_reports
from mcstudy.report.site import INDEX_NAME, check_links, claim_anchor, claim_cells, render_notebook


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    runs = render_reports(project=config.ROOT, out_dir=out)
    return out, runs


def test_every_link_and_image_of_the_site_resolves(site):
    out, runs = site
    assert check_links(out) == []
    pages = {p.name for p in out.glob("*.html")}
    assert pages == {INDEX_NAME} | {f"{r.name.removesuffix('.ipynb')}.html" for r in runs}
    index = (out / INDEX_NAME).read_text(encoding="utf-8")
    for page in pages - {INDEX_NAME}:
        assert f'href="{page}"' in index  # every study is linked from the index
        text = (out / page).read_text(encoding="utf-8")
        assert f'href="{INDEX_NAME}"' in text  # and links back
        assert "cdnjs" not in text and "<script src=" not in text  # nothing from the network


def test_figures_are_embedded(site):
    out, _ = site
    figures = {
        "02_profiles_and_channel_choice.html",
        "04_intrusiveness_and_attention.html",
    } & {p.name for p in out.glob("*.html")}
    assert figures
    for page in figures:
        assert 'src="data:image/png;base64,' in (out / page).read_text(encoding="utf-8")
    index = (out / INDEX_NAME).read_text(encoding="utf-8")
    scorecard_png = config.FIGURES_DIR / "99_scorecard.png"
    assert ('<img src="data:image/png;base64,' in index) == scorecard_png.is_file()


def test_index_opens_on_the_scorecard_and_links_each_verdict_to_its_cell(site):
    out, runs = site
    index = (out / INDEX_NAME).read_text(encoding="utf-8")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in index
    assert index.index('id="verdicts"') < index.index('id="documents"') < index.index('id="claims"')
    assert 'class="scroll"' in index and "overflow-x: auto" in index  # tables scroll on a phone
    card = load_scorecard()
    counts = card["verdict"].astype(str).value_counts()
    for verdict in SCORECARD_VERDICTS:
        assert f'<span class="n">{int(counts.get(verdict, 0))}</span>{verdict}</li>' in index
    rendered = {r.name for r in runs}
    judged = card[(card["verdict"] != NO_VERDICT) & card["notebook"].isin(rendered)]
    assert len(judged) > 0
    for row in judged.itertuples(index=False):
        page = row.notebook.removesuffix(".ipynb") + ".html"
        href = f"{page}#{claim_anchor(row.claim_id)}"
        assert f'href="{href}"' in index, row.claim_id
        assert f'id="{claim_anchor(row.claim_id)}"' in (out / page).read_text(encoding="utf-8")
    for row in card[card["verdict"] == NO_VERDICT].itertuples(index=False):
        assert f"<b>{row.claim_id}</b>" in index  # listed among the claims without a verdict


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


def test_rendered_page_has_the_anchor_and_the_phone_css(tmp_path):
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("## 1. Verdicts"),
            nbformat.v4.new_code_cell("record_verdict(v)"),
        ]
    )
    path = tmp_path / "02_profiles_and_channel_choice.ipynb"
    nbformat.write(nb, path)
    html_path, anchored = render_notebook(path, tmp_path / "site", ["C000-02"])
    assert anchored == ("C000-02",)
    text = html_path.read_text(encoding="utf-8")
    anchor = text.index('id="claim-C000-02"')
    assert anchor < text.index("record_verdict")  # just before the cell
    assert 'name="viewport"' in text and "max-width: 100%" in text
    assert "mcstudy_claims" not in nbformat.read(path, as_version=4).cells[1].metadata
    (tmp_path / "site" / INDEX_NAME).write_text("<p>index</p>", encoding="utf-8")
    assert check_links(tmp_path / "site") == []  # heading anchors resolve, as written or decoded


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


def test_report_command_renders_without_executing(tmp_path, capsys):
    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    nbformat.write(nb, nb_dir / "00_claims_registry.ipynb")  # never executed: no outputs
    assert main(["report", "--project", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"1 notebooks rendered \(not executed\) in [\d.]+ s; open .*index\.html", out)
    assert nbformat.read(nb_dir / "00_claims_registry.ipynb", as_version=4).cells[0].outputs == []
    index = (tmp_path / "reports" / INDEX_NAME).read_text(encoding="utf-8")
    assert 'href="00_claims_registry.html"' in index and "rendered" in index
    assert "0 of " in index  # no results/verdicts.csv: no claim has a verdict yet
    assert not (tmp_path / "results").exists()  # rendering writes nothing but the site


def _chromium():
    """A Chromium that playwright can drive: its own, else one on PATH; skip otherwise."""
    pytest.importorskip(
        "playwright.sync_api",
        reason="playwright is not installed: pip install playwright && playwright install "
        "chromium, to open the reports in a headless browser",
    )
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if path := shutil.which(name):
            return path
    return None


def test_index_renders_in_a_headless_browser_with_figures_and_no_console_errors(site):
    executable = _chromium()
    from playwright.sync_api import Error, sync_playwright

    out, _ = site
    errors = []
    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=executable)
        except Error as exc:
            pytest.skip(f"no Chromium for playwright ({exc.message.splitlines()[0]})")
        try:
            for width, height in ((390, 844), (1280, 800)):  # a phone, a laptop
                page = browser.new_page(viewport={"width": width, "height": height})
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                page.goto((out / INDEX_NAME).as_uri(), wait_until="load")
                images = page.eval_on_selector_all(
                    "img", "els => els.map(e => [e.complete, e.naturalWidth, e.clientWidth])"
                )
                if (config.FIGURES_DIR / "99_scorecard.png").is_file():
                    assert images, "the scorecard figure is missing"
                assert all(done and natural > 0 for done, natural, _ in images), images
                assert all(shown <= width for *_, shown in images)  # figures fit the screen
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                assert overflow <= 1, f"the page scrolls sideways by {overflow} px at {width} px"
                assert page.locator("h1").first.is_visible()
                counts = page.locator("ul.counts li").count()
                assert counts == len(SCORECARD_VERDICTS)
                page.close()
        finally:
            browser.close()
    assert errors == []


def test_site_counts_match_the_verdicts_table(site):
    out, _ = site
    index = (out / INDEX_NAME).read_text(encoding="utf-8")
    card = load_scorecard()
    judged = int((card["verdict"] != NO_VERDICT).sum())
    assert f"<p>{judged} of {len(card)} claims have a verdict.</p>" in index


def test_rendering_some_notebooks_keeps_the_other_pages_in_the_index(tmp_path):
    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    for name in ("00_claims_registry.ipynb", "02_profiles_and_channel_choice.ipynb"):
        cells = [nbformat.v4.new_code_cell("record_verdict(v)  # C000-02")]
        nbformat.write(nbformat.v4.new_notebook(cells=cells), nb_dir / name)
    render_reports(project=tmp_path)
    runs = render_reports(["00"], project=tmp_path)
    assert [r.name for r in runs] == ["00_claims_registry.ipynb"]
    index = (tmp_path / "reports" / INDEX_NAME).read_text(encoding="utf-8")
    assert 'href="02_profiles_and_channel_choice.html"' in index and "rendered earlier" in index
    # the anchor of the earlier page is still linked
    assert 'href="02_profiles_and_channel_choice.html#claim-C000-02"' in index
    assert check_links(tmp_path / "reports") == []
