"""The theme's shared files, trimmed to what the site's pages use, after Sphinx has built it.

A first view of a page loads its HTML, its images and the theme's scripts, stylesheets and
fonts. pydata-sphinx-theme ships more than this site uses, so :func:`trim_theme_assets`
removes, from the built site only:

- the Font Awesome script (1.5 MB; it only turns icons into SVG, and the stylesheet draws the
  same icons from the bundled web font);
- Sphinx's search scripts and search index from every page but ``search.html``: with
  search-as-you-type off (``conf.py``), the search box of every page sends its query to
  ``search.html``, which loads them itself;
- the rules of the theme's stylesheet (Bootstrap's components and utilities, about 2,000 Font
  Awesome icons) whose every selector needs a class that no page and no script of the site
  names, as PurgeCSS does. Classes inside ``:not()``, ``:is()`` and the like do not count,
  nor do rules inside ``@media`` blocks; classes that scripts build from parts are kept
  (:data:`_BUILT_CLASSES`).
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["trim_theme_assets"]

_THEME_CSS = "_static/styles/pydata-sphinx-theme.css"
#: Script tags that no page needs (the icon script) or only the search page needs.
_ICON_SCRIPT = re.compile(r'<script[^>]*src="[^"]*fontawesome\.js[^"]*"[^>]*></script>\s*')
_SEARCH_FILES = ("_static/searchtools.js", "_static/language_data.js", "searchindex.js")
_SEARCH_SCRIPTS = re.compile(
    r'<script src="[^"]*(?:searchtools\.js|language_data\.js|searchindex\.js)"></script>\s*'
)
_ICON_FILES = ("fontawesome.js", "fontawesome.js.map", "fontawesome.js.LICENSE.txt")
#: Class names scripts build from parts (Bootstrap's ``bs-tooltip-auto``, Sphinx's
#: ``kind-title``): a class starting with one of these is taken as named.
_BUILT_CLASSES = ("bs-", "kind-", "tooltip", "popover", "dropdown", "show", "collaps", "fade")
_WORD = re.compile(r"[A-Za-z0-9_-]+")
_CLASS = re.compile(r"\.(-?[_a-zA-Z][_a-zA-Z0-9-]*)")
_PARENS = re.compile(r"\([^()]*\)")


def _pages(site: Path) -> list[Path]:
    """The HTML pages of ``site``: not the theme's templates under ``_static/``."""
    return [p for p in sorted(site.rglob("*.html")) if "_static" not in p.relative_to(site).parts]


def _rewrite(path: Path, change) -> None:
    text = path.read_text(encoding="utf-8")
    new = change(text)
    if new != text:
        path.write_text(new, encoding="utf-8")


def _names(site: Path, pages: list[Path]) -> set[str]:
    """Every word of the pages and the site's scripts: the class names they can use."""
    texts = [p.read_text(encoding="utf-8") for p in pages]
    texts += [p.read_text(encoding="utf-8") for p in sorted((site / "_static").rglob("*.js"))]
    return {word for text in texts for word in _WORD.findall(text)}


def _top_level_rules(css: str) -> list[tuple[int, int, int]]:
    """``(start, brace, end)`` of each top-level block of ``css``, strings and comments skipped.

    ``css[start:brace]`` is what precedes the block's ``{`` (comments, ``@charset``, the
    selector), ``css[brace:end]`` the block with its braces.
    """
    blocks, depth, start, brace, i = [], 0, 0, 0, 0
    while i < len(css):
        ch = css[i]
        if ch in "\"'":  # a string: skip to its closing quote, past escapes
            i += 1
            while i < len(css) and css[i] != ch:
                i += 2 if css[i] == "\\" else 1
            i += 1
            continue
        if css.startswith("/*", i):
            i = css.index("*/", i) + 2
            continue
        if ch == "{":
            if depth == 0:
                brace = i
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                blocks.append((start, brace, i + 1))
                start = i + 1
        i += 1
    return blocks


def _selector_used(selector: str, names: set[str]) -> bool:
    while _PARENS.search(selector):
        selector = _PARENS.sub("", selector)
    return all(c in names or c.startswith(_BUILT_CLASSES) for c in _CLASS.findall(selector))


def _trim_unused_rules(css: str, names: set[str]) -> str:
    """``css`` without the top-level rules whose every selector needs a class not in ``names``.

    Comments before a dropped rule (licences) are kept.
    """
    out, last = [], 0
    for start, brace, end in _top_level_rules(css):
        head = css[start:brace]
        cut = max(head.rfind("*/") + 2 if "*/" in head else 0, head.rfind(";") + 1)
        selector = head[cut:]
        if selector.strip().startswith("@") or any(
            _selector_used(s, names) for s in _split_selectors(selector)
        ):
            continue
        out.append(css[last : start + cut])
        last = end
    out.append(css[last:])
    return "".join(out)


def _split_selectors(selector: str) -> list[str]:
    """The selectors of a list, split at the commas outside parentheses."""
    parts, depth, current = [], 0, []
    for ch in selector:
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    return [*parts, "".join(current)]


def trim_theme_assets(site_dir: str | Path) -> dict[str, int]:
    """Remove from a built site the theme's scripts and style rules that none of its pages uses.

    Parameters
    ----------
    site_dir : str or Path
        The folder of a site built by Sphinx with sphinx-book-theme.

    Returns
    -------
    dict of str to int
        Bytes taken off a page's first view, by what was trimmed: ``"search scripts"`` (on
        every page but ``search.html``) and ``"style rules"``.

    Raises
    ------
    FileNotFoundError
        If ``site_dir`` has no theme stylesheet where pydata-sphinx-theme puts it (the theme
        changed its layout: this step needs updating).
    """
    site = Path(site_dir)
    css_path = site / _THEME_CSS
    if not css_path.is_file():
        raise FileNotFoundError(
            f"the built site {str(site)!r} has no {_THEME_CSS}: pydata-sphinx-theme moved its "
            "files, so the theme cannot be trimmed."
        )
    pages = _pages(site)
    search_bytes = sum((site / n).stat().st_size for n in _SEARCH_FILES if (site / n).is_file())
    for page in pages:
        _rewrite(page, lambda text: _ICON_SCRIPT.sub("", text))
        if page.name != "search.html":
            _rewrite(page, lambda text: _SEARCH_SCRIPTS.sub("", text))
    for name in _ICON_FILES:
        (site / "_static" / "scripts" / name).unlink(missing_ok=True)
    css = css_path.read_text(encoding="utf-8")
    trimmed = _trim_unused_rules(css, _names(site, pages))
    css_path.write_text(trimmed, encoding="utf-8")
    return {
        "search scripts": search_bytes,
        "style rules": len(css.encode()) - len(trimmed.encode()),
    }
