"""Trimming the theme's shared files of a built site (mcstudy.report.assets)."""

import pytest

from mcstudy.report.assets import _trim_unused_rules, trim_theme_assets

CSS = (
    '@charset "UTF-8";/*! licence */.used{a:1}.unused{b:2}.unused,.used>p{c:3}'
    ".used:not(.unused){d:4}:is(.unused,.used){e:5}@media (min-width:1px){.unused{f:6}}"
    '.x:before{content:"}{"}.bs-tooltip-auto{g:7}/*! kept */.fa-gone{--fa:"\\f062"}'
)


def test_rules_needing_an_unnamed_class_go_and_the_rest_stays():
    trimmed = _trim_unused_rules(CSS, {"used", "x"})
    for kept in (
        '@charset "UTF-8";',
        "/*! licence */",
        ".used{a:1}",
        ".unused,.used>p{c:3}",
        ".used:not(.unused){d:4}",
        ":is(.unused,.used){e:5}",
        "@media (min-width:1px){.unused{f:6}}",
        '.x:before{content:"}{"}',
        ".bs-tooltip-auto{g:7}",
        "/*! kept */",
    ):
        assert kept in trimmed, kept
    assert ".unused{b:2}" not in trimmed
    assert "fa-gone" not in trimmed


def _site(tmp_path):
    styles = tmp_path / "_static" / "styles"
    styles.mkdir(parents=True)
    (styles / "pydata-sphinx-theme.css").write_text(CSS, encoding="utf-8")
    (tmp_path / "_static" / "searchtools.js").write_text("var Search;", encoding="utf-8")
    (tmp_path / "searchindex.js").write_text("Search.setIndex({})", encoding="utf-8")
    head = (
        '<script src="_static/searchtools.js"></script>\n'
        '<script src="searchindex.js"></script>\n'
        '<script defer src="_static/scripts/fontawesome.js?v=1"></script>\n'
    )
    for name in ("index.html", "search.html"):
        (tmp_path / name).write_text(f'{head}<p class="used x">', encoding="utf-8")
    return tmp_path


def test_search_scripts_stay_on_the_search_page_only(tmp_path):
    site = _site(tmp_path)
    removed = trim_theme_assets(site)
    index = (site / "index.html").read_text(encoding="utf-8")
    search = (site / "search.html").read_text(encoding="utf-8")
    assert "searchtools.js" not in index and "searchindex.js" not in index
    assert "searchtools.js" in search and "searchindex.js" in search
    assert "fontawesome" not in index + search
    assert removed["search scripts"] == len("var Search;") + len("Search.setIndex({})")
    assert removed["style rules"] > 0
    css = (site / "_static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    assert ".unused{b:2}" not in css and ".used{a:1}" in css


def test_a_site_without_the_theme_stylesheet_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="pydata-sphinx-theme moved its files"):
        trim_theme_assets(tmp_path)
