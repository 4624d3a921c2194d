"""Sphinx configuration of the mcstudy report site (copied into the build folder).

mcstudy.report.site writes ``mcstudy_site.json`` beside this file (version, commit, build date,
citation) and the pages; nothing here runs a notebook.
"""

import json
import re
from pathlib import Path

_SITE = json.loads((Path(__file__).parent / "mcstudy_site.json").read_text(encoding="utf-8"))

project = "mcstudy"
author = "mcstudy contributors"
copyright = f"mcstudy contributors, MIT licence; built {_SITE['date']}"
version = release = _SITE["version"]
language = "en"
root_doc = "index"

extensions = ["myst_nb"]
exclude_patterns = ["_build", "_extra", "**.ipynb_checkpoints", "mcstudy_site.json"]
# render the committed outputs as they are: never execute a notebook
nb_execution_mode = "off"
nb_merge_streams = True
# nothing from the network: no widget or require.js scripts, no MathJax (no page has math)
nb_ipywidgets_js = {}
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3
numfig = True
numfig_format = {"figure": "Figure %s", "table": "Table %s"}
suppress_warnings = ["mystnb.unknown_mime_type", "myst.header"]

html_theme = "sphinx_book_theme"
html_title = "mcstudy: which claims hold?"
html_static_path = ["_static"]
html_css_files = ["mcstudy.css"]
html_extra_path = ["_extra"]
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_scaled_image_link = True
html_theme_options = {
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "navigation_with_keys": False,
    "extra_footer": _SITE["footer"],
}


def _drop_icon_script(app, exception):
    """Remove the theme's Font Awesome script (1.5 MB) from every page after the build.

    It only turns the icons into SVG; the theme's stylesheet draws the same icons from its
    bundled web font, so every page stays light.
    """
    if exception is not None:
        return
    script = re.compile(r'<script[^>]*src="[^"]*fontawesome\.js[^"]*"[^>]*></script>\s*')
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        lighter = script.sub("", text)
        if lighter != text:
            page.write_text(lighter, encoding="utf-8")


def setup(app):
    """Register the build's last step."""
    app.connect("build-finished", _drop_icon_script)
